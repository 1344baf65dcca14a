#pragma once
// SHA-256/384/512 digests (FIPS 180-4), one-shot and incremental, on algorithms fetched once.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/detail/ossl.hpp"

namespace tessera::crypto {

// The SHA-2 hash functions tessera uses.
enum class hash_alg { sha256, sha384, sha512 };

// Output size in bytes of a hash function.
constexpr std::size_t digest_size(hash_alg h) noexcept {
  return h == hash_alg::sha256 ? 32 : h == hash_alg::sha384 ? 48 : 64;
}

// Input block size in bytes of a hash function.
constexpr std::size_t block_size(hash_alg h) noexcept { return h == hash_alg::sha256 ? 64 : 128; }

// The OpenSSL name of a hash function ("SHA256", ...).
constexpr std::string_view hash_name(hash_alg h) noexcept {
  return h == hash_alg::sha256 ? "SHA256" : h == hash_alg::sha384 ? "SHA384" : "SHA512";
}

namespace detail {
inline const EVP_MD* md(hash_alg h) noexcept {
  const auto& a = crypto::detail::algs();
  return h == hash_alg::sha256 ? a.sha256.get() : h == hash_alg::sha384 ? a.sha384.get() : a.sha512.get();
}

// Each thread keeps one working digest context per hash, for one-shot digests and HMAC tags
// (hmac_key.hpp), set up afresh by each use (EVP_DigestInit_ex2 or EVP_MD_CTX_copy_ex): after a
// thread's first use, a digest or tag allocates only the hash state that OpenSSL 3.0 creates on
// every initialisation or copy, never an EVP_MD_CTX of its own (two allocations and a cleanse).
// No use calls another while it holds the context.
inline EVP_MD_CTX* thread_digest_ctx(hash_alg h) noexcept {
  // Plain pointers, constant-initialised, are read without a call to a thread_local's
  // initialisation wrapper; the owners, which free the contexts at thread exit, are touched once.
  thread_local EVP_MD_CTX* fast[3] = {};
  EVP_MD_CTX*& f = fast[static_cast<int>(h)];
  if (f) [[likely]] return f;
  thread_local crypto::detail::evp_md_ctx_ptr owned[3];
  auto& c = owned[static_cast<int>(h)];
  if (!c) c.reset(EVP_MD_CTX_new());
  f = c.get();
  return f;
}
}  // namespace detail

// A digest or MAC value of up to 64 bytes, held inline (no allocation).
struct digest_value {
  std::array<std::uint8_t, 64> bytes{};
  std::size_t size = 0;
  core::bytes_view view() const noexcept { return {bytes.data(), size}; }
  operator core::bytes_view() const noexcept { return view(); }
};

// Incremental hashing: update() any number of times, then finish() once.
class hasher {
 public:
  explicit hasher(hash_alg h) noexcept : alg_(h), ctx_(EVP_MD_CTX_new()) {
    ok_ = ctx_ && EVP_DigestInit_ex2(ctx_.get(), detail::md(h), nullptr) == 1;
  }
  // Adds bytes to the hash.
  hasher& update(core::bytes_view b) noexcept {
    if (ok_ && !b.empty()) ok_ = EVP_DigestUpdate(ctx_.get(), b.data(), b.size()) == 1;
    return *this;
  }
  // The digest of everything added; the hasher cannot be used afterwards.
  result<digest_value> finish() noexcept;
  hash_alg algorithm() const noexcept { return alg_; }

 private:
  hash_alg alg_;
  crypto::detail::evp_md_ctx_ptr ctx_;
  bool ok_ = false;
};

// One-shot digest of the concatenation of the parts (on the thread's context for the hash).
inline result<digest_value> digest(hash_alg h, std::initializer_list<core::bytes_view> parts) noexcept {
  EVP_MD_CTX* ctx = detail::thread_digest_ctx(h);
  bool ok = ctx != nullptr && EVP_DigestInit_ex2(ctx, detail::md(h), nullptr) == 1;
  for (auto p : parts)
    if (ok && !p.empty()) ok = EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  digest_value d;
  unsigned len = 0;
  if (!ok || EVP_DigestFinal_ex(ctx, d.bytes.data(), &len) != 1) return crypto::detail::ossl_fail(errc::crypto_failure);
  d.size = len;
  return d;
}
// One-shot digest of the bytes.
inline result<digest_value> digest(hash_alg h, core::bytes_view b) noexcept { return digest(h, {b}); }

// SHA-256 of the bytes; on the (practically impossible) failure of OpenSSL, returns all zeros
// with size 0, which no comparison accepts.
inline digest_value sha256(core::bytes_view b) noexcept {
  auto r = digest(hash_alg::sha256, b);
  return r ? *r : digest_value{};
}

}  // namespace tessera::crypto

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/crypto/impl/digest.ipp"
#endif
