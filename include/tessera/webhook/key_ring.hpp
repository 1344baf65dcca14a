#pragma once
// tessera::webhook::key_ring — the active secrets of one subscription, for rotation: a signer
// signs with every key, a verifier accepts a signature made with any of them.

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/crypto/hmac_key.hpp"
#include "tessera/webhook/scheme.hpp"
#include "tessera/webhook/secret.hpp"

namespace tessera::webhook {

// Up to max_keys HMAC keys, newest first by convention. Rotating is: add the new secret, deploy
// it to both sides, then build a ring without the old one. Copies share the keyed state; a ring
// is immutable once handed to a signer or verifier, so reading it is thread-safe.
class key_ring {
 public:
  // At most this many active keys (every key costs one HMAC per delivery).
  static constexpr std::size_t max_keys = 8;

  // An empty ring (it signs and verifies nothing until keys are added).
  key_ring() = default;

  // A ring of the given secrets, each read by the scheme (e.g. "whsec_..." for Standard Webhooks).
  // An empty list or more than max_keys is invalid_argument; a bad secret fails with its own errc.
  template <scheme S>
  static result<key_ring> from_secrets(const S& s, std::initializer_list<std::string_view> secrets) noexcept {
    return build(s, secrets.begin(), secrets.end(), [](std::string_view t) { return t; });
  }
  // A ring of secrets held as core::secret (each holds the secret's text).
  template <scheme S>
  static result<key_ring> from_secrets(const S& s, std::span<const core::secret> secrets) noexcept {
    return build(s, secrets.begin(), secrets.end(), [](const core::secret& t) { return t.expose_secret_text(); });
  }

  // Adds one secret, read by the scheme.
  template <scheme S>
  result<void> add(const S& s, std::string_view secret_text) noexcept {
    auto k = s.key_from_secret(secret_text);
    if (!k) return unexpected{k.error()};
    return add(std::move(*k));
  }
  // Adds a key made elsewhere; it must be at least min_secret_bytes long.
  result<void> add(crypto::hmac_key key) noexcept;

  // Number of keys.
  std::size_t size() const noexcept { return keys_.size(); }
  // True when the ring holds no key.
  bool empty() const noexcept { return keys_.empty(); }
  // The keys, in the order they were added.
  std::span<const crypto::hmac_key> keys() const noexcept { return keys_; }
  // The i-th key (i < size()).
  const crypto::hmac_key& operator[](std::size_t i) const noexcept { return keys_[i]; }

 private:
  template <scheme S, class It, class Text>
  static result<key_ring> build(const S& s, It first, It last, Text text) noexcept {
    const auto n = static_cast<std::size_t>(last - first);
    if (n == 0 || n > max_keys) return unexpected{errc::invalid_argument};
    key_ring ring;
    try {
      ring.keys_.reserve(n);
    } catch (...) {
      return unexpected{errc::internal_error};
    }
    for (; first != last; ++first)
      if (auto r = ring.add(s, text(*first)); !r) return unexpected{r.error()};
    return ring;
  }

  std::vector<crypto::hmac_key> keys_;
};

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/key_ring.ipp"
#endif
