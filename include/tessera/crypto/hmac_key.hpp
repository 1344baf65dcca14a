#pragma once
// tessera::crypto::hmac_key — an HMAC-SHA256/384/512 key, keyed once and reused on every call.

#include <array>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>

#include "tessera/core/bytes.hpp"
#include "tessera/core/ct_equal.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/detail/ossl.hpp"

namespace tessera::crypto {

namespace detail {
// The immutable, shared part of an HMAC key: the pre-keyed template context.
struct hmac_state {
  std::uint64_t id;
  hash_alg alg;
  std::size_t key_size;
  tessera::detail::evp_mac_ctx_ptr keyed;  // never updated; only duplicated
};

inline std::uint64_t next_hmac_id() noexcept {
  static std::atomic<std::uint64_t> counter{1};
  return counter.fetch_add(1, std::memory_order_relaxed);
}

// Each thread keeps a few working contexts, each a copy of one key's pre-keyed template.
// Reuse costs one EVP_MAC_init(ctx, NULL, ...), which restores the keyed inner/outer state
// without redoing the key schedule. Ids are never reused, so a stale slot is never mistaken
// for another key; it is freed (and cleansed by OpenSSL) when evicted or when the thread ends.
class thread_mac_cache {
 public:
  thread_mac_cache() = default;
  thread_mac_cache(const thread_mac_cache&) = delete;
  thread_mac_cache& operator=(const thread_mac_cache&) = delete;
  ~thread_mac_cache() {
    for (auto& s : slots_) EVP_MAC_CTX_free(s.ctx);
  }
  // A context ready for EVP_MAC_update with the key of st, or nullptr on failure.
  EVP_MAC_CTX* acquire(const hmac_state& st) noexcept {
    for (auto& s : slots_) {
      if (s.id == st.id) return EVP_MAC_init(s.ctx, nullptr, 0, nullptr) == 1 ? s.ctx : nullptr;
    }
    auto& s = slots_[next_++ % slots_.size()];
    EVP_MAC_CTX_free(s.ctx);
    s.ctx = EVP_MAC_CTX_dup(st.keyed.get());
    s.id = s.ctx ? st.id : 0;
    return s.ctx;
  }

 private:
  struct slot {
    std::uint64_t id = 0;
    EVP_MAC_CTX* ctx = nullptr;
  };
  std::array<slot, 8> slots_{};
  unsigned next_ = 0;
};

inline thread_mac_cache& mac_cache() noexcept {
  thread_local thread_mac_cache cache;
  return cache;
}
}  // namespace detail

// An HMAC key bound to one SHA-2 hash. Copies share the keyed state; all members are thread-safe.
class hmac_key {
 public:
  // Keys an HMAC with the given bytes. Refuses an empty key (invalid_key); length policies
  // (RFC 7518 §3.2 for JWT, 24 bytes for webhooks) are applied by the areas that own them.
  static result<hmac_key> create(hash_alg h, core::bytes_view key) noexcept {
    if (key.empty()) return core::unexpected{errc::invalid_key};
    tessera::detail::evp_mac_ctx_ptr ctx(EVP_MAC_CTX_new(tessera::detail::algs().hmac.get()));
    if (!ctx) return tessera::detail::ossl_fail(errc::crypto_failure);
    const char* md_name = h == hash_alg::sha256 ? "SHA2-256" : h == hash_alg::sha384 ? "SHA2-384" : "SHA2-512";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(md_name), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1)
      return tessera::detail::ossl_fail(errc::crypto_failure);
    auto st = std::make_shared<detail::hmac_state>();
    st->id = detail::next_hmac_id();
    st->alg = h;
    st->key_size = key.size();
    st->keyed = std::move(ctx);
    return hmac_key(std::move(st));
  }

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

  result<digest_value> sign_range(const core::bytes_view* b, const core::bytes_view* e) const noexcept {
    EVP_MAC_CTX* ctx = detail::mac_cache().acquire(*state_);
    if (!ctx) return tessera::detail::ossl_fail(errc::crypto_failure);
    for (; b != e; ++b) {
      if (!b->empty() && EVP_MAC_update(ctx, b->data(), b->size()) != 1)
        return tessera::detail::ossl_fail(errc::crypto_failure);
    }
    digest_value d;
    if (EVP_MAC_final(ctx, d.bytes.data(), &d.size, d.bytes.size()) != 1)
      return tessera::detail::ossl_fail(errc::crypto_failure);
    return d;
  }
  result<void> verify_range(const core::bytes_view* b, const core::bytes_view* e, core::bytes_view tag) const noexcept {
    if (tag.size() != tag_size()) return core::unexpected{errc::invalid_signature_length};
    auto d = sign_range(b, e);
    if (!d) return core::unexpected{d.error()};
    if (!core::ct_equal(d->view(), tag)) return core::unexpected{errc::bad_signature};
    return core::ok();
  }

  std::shared_ptr<const detail::hmac_state> state_;
};

}  // namespace tessera::crypto
