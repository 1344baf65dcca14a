#pragma once
// Replay protection for signed requests. The store is core::replay_store (core/replay_store.hpp;
// core::memory_replay_store is the sharded in-memory model). This header says what a verifier
// remembers, and offers the explicit opt-out.
//
// What is remembered (never the raw value: the store sees a SHA-256 of it):
//  - profiles with a nonce: (client id, nonce); any second use of the nonce is refused, even
//    with a fresh signature over another request;
//  - profiles without a nonce: (client id, string to sign), i.e. what was signed, never the
//    signature's bytes (an ECDSA signature has a second valid form, (r, n - s), that anyone can
//    compute, and randomised schemes such as PSS sign one message many ways). A captured request
//    is refused however its signature is rewritten; so is a second request of the same client
//    that signs the same string (for client_timestamp: the same timestamp value).
// Entries live for the verifier's replay TTL, at least twice its timestamp window plus one
// second: a timestamp is accepted during 2 × window of wall-clock time, both ends included, so
// the store must outlive that.

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

#include "tessera/core/base64.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/digest.hpp"

namespace tessera::request_signing {

// The explicit, visible opt-out of replay detection: every request counts as first seen. Only
// for client_timestamp partners that send several calls per second with a deterministic
// algorithm and accept the risk; never with canonical_request.
struct no_replay_protection {
  // Always "first seen".
  result<bool> remember(std::string_view, std::chrono::system_clock::time_point, std::chrono::seconds) noexcept {
    return true;
  }
};
static_assert(core::replay_store<no_replay_protection>);

namespace detail {
// A replay-store key held inline: a prefix and base64url(SHA-256(...)), at most 60 characters.
struct replay_key {
  std::array<char, 64> text{};
  std::size_t size = 0;
  std::string_view view() const noexcept { return {text.data(), size}; }
};

// The key for (client id, material): kind 'n' for a nonce, 'm' for a signed message. The client id
// is length-prefixed so that no two (client, material) pairs share a key. Fails with
// crypto_failure when hashing fails (the verifier then refuses the request).
inline result<replay_key> make_replay_key(char kind, std::string_view client_id, core::bytes_view material) noexcept {
  const std::uint64_t n = client_id.size();
  std::uint8_t len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<std::uint8_t>(n >> (8 * (7 - i)));
  auto d = crypto::digest(crypto::hash_alg::sha256, {core::bytes_view(len, 8), client_id, material});
  if (!d || d->size != 32) return unexpected{errc::crypto_failure};
  replay_key k;
  constexpr std::string_view prefix = "tessera.rs.";
  prefix.copy(k.text.data(), prefix.size());
  k.size = prefix.size();
  k.text[k.size++] = kind;
  k.text[k.size++] = ':';
  k.size += core::base64url_encode_into(d->view(), std::span<char>(k.text.data() + k.size, k.text.size() - k.size));
  return k;
}
}  // namespace detail

}  // namespace tessera::request_signing
