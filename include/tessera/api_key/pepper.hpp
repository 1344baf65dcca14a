#pragma once
// Storage digests of API keys: HMAC-SHA256 under a server-side secret "pepper" that never
// leaves the servers, so a leaked key table is useless on its own. Peppers carry versions and
// several can be held at once: new keys use the current one, older keys keep verifying under
// the pepper they were stored with, and the verifier moves each old key to the current pepper
// the first time it is used (see verifier), after which the old pepper can be dropped.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/hmac_key.hpp"

namespace tessera::api_key {

// Bytes of one storage digest (HMAC-SHA256).
inline constexpr std::size_t digest_size = 32;
// Shortest pepper accepted (256 bits).
inline constexpr std::size_t min_pepper_size = 32;
// Most peppers a ring holds: an unknown key costs one HMAC per pepper, so the ring stays small.
inline constexpr std::size_t max_peppers = 8;

// What a key store keeps instead of a key: HMAC-SHA256(pepper_v, key text) and v.
// The value is an unpredictable function of the key, so using it as a hash-table key leaks
// nothing through timing; it is still never logged or put in a message.
struct key_digest {
  std::array<std::uint8_t, digest_size> value{};
  std::uint32_t pepper_version = 0;
  friend bool operator==(const key_digest&, const key_digest&) = default;
};

// The peppers a deployment holds, each under a version, one of them current.
// Build it at start-up (from a secret manager), then share it read-only: every const member is
// thread-safe. To rotate, build a new ring with the new pepper current and the old one kept.
class pepper_ring {
 public:
  // An empty ring; add() at least one pepper before use.
  pepper_ring() = default;

  // A ring holding one pepper, current.
  static result<pepper_ring> create(std::uint32_t version, core::bytes_view pepper) noexcept;

  // Adds a pepper under a new version; the first pepper added becomes current.
  // Refuses: a pepper under 32 bytes (secret_too_short), a version already held or a ninth
  // pepper (invalid_argument).
  result<void> add(std::uint32_t version, core::bytes_view pepper) noexcept;
  // Makes a held pepper the one new keys are stored under (invalid_argument if not held).
  result<void> set_current(std::uint32_t version) noexcept;
  // Drops a pepper; keys stored under it stop verifying. The current pepper cannot be dropped.
  result<void> remove(std::uint32_t version) noexcept;

  // True when a pepper of this version is held.
  bool contains(std::uint32_t version) const noexcept {
    return std::any_of(entries_.begin(), entries_.end(), [&](const entry& e) { return e.version == version; });
  }
  // The version new keys are stored under (meaningless while the ring is empty).
  std::uint32_t current_version() const noexcept { return current_; }
  // Number of peppers held: the most digests a lookup tries.
  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }
  // The version of the i-th pepper in lookup order: current first, then newest to oldest.
  std::uint32_t version_at(std::size_t i) const noexcept { return entries_[i].version; }

  // The storage digest of a key under the current pepper (invalid_key for an empty ring).
  result<key_digest> digest(std::string_view key) const noexcept {
    if (entries_.empty()) return unexpected{errc::invalid_key};
    return digest_at(0, key);
  }
  // The storage digest of a key under the given pepper version (invalid_key if not held).
  result<key_digest> digest(std::string_view key, std::uint32_t version) const noexcept;
  // The storage digest of a key under the i-th pepper in lookup order (i < size()).
  result<key_digest> digest_at(std::size_t i, std::string_view key) const noexcept;

 private:
  struct entry {
    std::uint32_t version;
    crypto::hmac_key key;
  };
  // Current first, then by descending version: the order a verifier tries them in.
  void order() noexcept;

  std::vector<entry> entries_;
  std::uint32_t current_ = 0;
};

}  // namespace tessera::api_key

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/api_key/impl/pepper.ipp"
#endif
