#pragma once
// The bodies of webhook/retry.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/webhook/retry.hpp"

namespace tessera::webhook {

TESSERA_DECL auto random_jitter::uniform(std::uint64_t n) const noexcept -> std::uint64_t {
  if (n == 0) return 0;
  if (n == UINT64_MAX) return draw().value_or(n);
  const std::uint64_t range = n + 1;
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % range);  // draws at or above are rejected
  for (int i = 0; i < 64; ++i) {
    auto v = draw();
    if (!v) return n;
    if (*v < limit) return *v % range;
  }
  return n;
}

TESSERA_DECL auto random_jitter::draw() noexcept -> std::optional<std::uint64_t> {
  std::uint8_t b[8];
  if (!core::random_fill(b)) return std::nullopt;
  std::uint64_t v = 0;
  for (auto x : b) v = (v << 8) | x;
  return v;
}

}  // namespace tessera::webhook
