#pragma once
// tessera::crypto::hmac_key — an HMAC-SHA256/384/512 key, keyed once and reused on every call.

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <span>

#include "tessera/config.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/cleanse.hpp"
#include "tessera/core/ct_equal.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/detail/ossl.hpp"

namespace tessera::crypto {

namespace detail {
// The immutable, shared part of an HMAC key (RFC 2104): two digest states, one that has absorbed
// the key block XOR ipad (inner) and one that has absorbed it XOR opad (outer). Computing a tag
// copies them, so the key schedule is never redone. This is what OpenSSL's EVP_MAC "HMAC" does
// inside, minus its per-call parameter queries: about 10% faster on OpenSSL 3.0 (bench/, the
// hmac_method/* benchmarks). The states are freed, and cleansed by OpenSSL, with the last copy.
struct hmac_state {
  hash_alg alg;
  std::size_t key_size;
  crypto::detail::evp_md_ctx_ptr inner, outer;  // never updated; only copied from
};
}  // namespace detail

// An HMAC key bound to one SHA-2 hash. Copies share the keyed state; all members are thread-safe.
class hmac_key {
 public:
  // Copies share the keyed state. There are no move operations on purpose: a "moved" key is
  // copied, so it stays usable (one reference count more) instead of crashing on its next use.
  hmac_key(const hmac_key&) noexcept = default;
  hmac_key& operator=(const hmac_key&) noexcept = default;
  ~hmac_key() = default;

  // Keys an HMAC with the given bytes. Refuses an empty key (invalid_key); length policies
  // (RFC 7518 §3.2 for JWT, 24 bytes for webhooks) are applied by the areas that own them.
  static result<hmac_key> create(hash_alg h, core::bytes_view key) noexcept;

  // The hash this key is bound to.
  hash_alg algorithm() const noexcept { return state_->alg; }
  // Length of the key in bytes (the key itself is not kept outside OpenSSL's keyed state).
  std::size_t key_size() const noexcept { return state_->key_size; }
  // Length of a full tag in bytes.
  std::size_t tag_size() const noexcept { return digest_size(state_->alg); }

  // The tag of the concatenation of the parts (no copy of the message is made).
  result<digest_value> sign(std::initializer_list<core::bytes_view> parts) const noexcept {
    return sign_range(parts.begin(), parts.end());
  }
  // The tag of the concatenation of the parts held in an array (no copy of the parts' list either).
  result<digest_value> sign(std::span<const core::bytes_view> parts) const noexcept {
    return sign_range(parts.data(), parts.data() + parts.size());
  }
  // The tag of the message.
  result<digest_value> sign(core::bytes_view msg) const noexcept { return sign_range(&msg, &msg + 1); }

  // Checks a full-length tag over the concatenation of the parts in constant time.
  // A truncated or over-long tag is refused (invalid_signature_length); a wrong one is bad_signature.
  result<void> verify(std::initializer_list<core::bytes_view> parts, core::bytes_view tag) const noexcept {
    return verify_range(parts.begin(), parts.end(), tag);
  }
  // Checks a full-length tag over the message in constant time.
  result<void> verify(core::bytes_view msg, core::bytes_view tag) const noexcept {
    return verify_range(&msg, &msg + 1, tag);
  }

 private:
  explicit hmac_key(std::shared_ptr<const detail::hmac_state> s) noexcept : state_(std::move(s)) {}

  result<digest_value> sign_range(const core::bytes_view* b, const core::bytes_view* e) const noexcept;
  bool tag_into(digest_value& d, const core::bytes_view* b, const core::bytes_view* e) const noexcept;
  // Feeds several parts, gathering short ones (separators, ids, timestamps) into one update. Before
  // a long part, the gathered bytes are topped up from it to whole hash blocks, so that OpenSSL
  // hashes both straight from memory instead of copying them into its block buffer. (The inner
  // context has absorbed exactly one block, the key pad, so block boundaries start at 0 here.)
  static bool update_parts(EVP_MD_CTX* ctx, std::size_t block, const core::bytes_view* b,
                           const core::bytes_view* e) noexcept;
  // memcpy for the short parts gathered above, inline rather than a library call: whole words,
  // then one last word that overlaps what was copied (fixed-size memcpy compiles to one move).
  static void copy_small(unsigned char* d, const std::uint8_t* s, std::size_t n) noexcept;
  result<void> verify_range(const core::bytes_view* b, const core::bytes_view* e, core::bytes_view tag) const noexcept;

  std::shared_ptr<const detail::hmac_state> state_;
};

}  // namespace tessera::crypto

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/crypto/impl/hmac_key.ipp"
#endif
