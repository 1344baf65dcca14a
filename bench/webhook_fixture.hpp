#pragma once
// The webhook benchmarks' signing secret (32 fixed bytes) and its Standard Webhooks key ring,
// shared by webhook.bench.cpp and sweep.bench.cpp.

#include <cstdint>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/webhook/key_ring.hpp"
#include "tessera/webhook/standard_webhooks.hpp"

namespace tessera_bench {

// The 32-byte webhook secret.
inline const std::vector<std::uint8_t>& webhook_secret() {
  static const std::vector<std::uint8_t> s = [] {
    std::vector<std::uint8_t> v(32);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>(0x3c ^ (i * 29));
    return v;
  }();
  return s;
}

// A Standard Webhooks key ring holding that secret ("whsec_" + base64).
inline tessera::webhook::key_ring webhook_ring() {
  const std::string secret = "whsec_" + tessera::core::base64_encode(webhook_secret());
  return must(tessera::webhook::key_ring::from_secrets(tessera::webhook::standard_webhooks{}, {secret}), "webhook key ring");
}

}  // namespace tessera_bench
