#pragma once
// Signing and verification on parsed keys: RSA PKCS#1 v1.5 and PSS (SHA-256/384/512), ECDSA
// P-256/P-384/P-521 with raw r‖s signatures, and Ed25519.

#include <openssl/rsa.h>

#include <array>
#include <optional>
#include <string_view>

#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/ecdsa_der.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/crypto/detail/ossl.hpp"

namespace tessera::crypto {

// The signature schemes tessera implements. RSA-PSS uses MGF1 with the same hash and a salt as
// long as the digest, on both sign and verify (OpenSSL's auto-detected salt is never used).
enum class signature_alg {
  rsa_pkcs1_sha256, rsa_pkcs1_sha384, rsa_pkcs1_sha512,
  rsa_pss_sha256, rsa_pss_sha384, rsa_pss_sha512,
  ecdsa_p256_sha256, ecdsa_p384_sha384, ecdsa_p521_sha512,
  ed25519
};

// Every signature scheme, in declaration order.
inline constexpr signature_alg all_signature_algs[] = {
    signature_alg::rsa_pkcs1_sha256, signature_alg::rsa_pkcs1_sha384, signature_alg::rsa_pkcs1_sha512,
    signature_alg::rsa_pss_sha256,   signature_alg::rsa_pss_sha384,   signature_alg::rsa_pss_sha512,
    signature_alg::ecdsa_p256_sha256, signature_alg::ecdsa_p384_sha384, signature_alg::ecdsa_p521_sha512,
    signature_alg::ed25519};

// The stable name of a signature scheme ("rsa_pkcs1_sha256", ...), e.g. for stored records.
constexpr std::string_view name(signature_alg a) noexcept {
  switch (a) {
    case signature_alg::rsa_pkcs1_sha256: return "rsa_pkcs1_sha256";
    case signature_alg::rsa_pkcs1_sha384: return "rsa_pkcs1_sha384";
    case signature_alg::rsa_pkcs1_sha512: return "rsa_pkcs1_sha512";
    case signature_alg::rsa_pss_sha256: return "rsa_pss_sha256";
    case signature_alg::rsa_pss_sha384: return "rsa_pss_sha384";
    case signature_alg::rsa_pss_sha512: return "rsa_pss_sha512";
    case signature_alg::ecdsa_p256_sha256: return "ecdsa_p256_sha256";
    case signature_alg::ecdsa_p384_sha384: return "ecdsa_p384_sha384";
    case signature_alg::ecdsa_p521_sha512: return "ecdsa_p521_sha512";
    case signature_alg::ed25519: return "ed25519";
  }
  return "";
}

// The scheme with this stable name, or nullopt.
constexpr std::optional<signature_alg> signature_alg_named(std::string_view n) noexcept {
  for (auto a : all_signature_algs)
    if (name(a) == n) return a;
  return std::nullopt;
}

// The hash a signature scheme uses (Ed25519 hashes internally; sha512 is reported).
constexpr hash_alg signature_hash(signature_alg a) noexcept {
  switch (a) {
    case signature_alg::rsa_pkcs1_sha384: case signature_alg::rsa_pss_sha384: case signature_alg::ecdsa_p384_sha384:
      return hash_alg::sha384;
    case signature_alg::rsa_pkcs1_sha512: case signature_alg::rsa_pss_sha512: case signature_alg::ecdsa_p521_sha512:
    case signature_alg::ed25519:
      return hash_alg::sha512;
    default:
      return hash_alg::sha256;
  }
}

// True for the RSA-PSS schemes.
constexpr bool is_pss(signature_alg a) noexcept {
  return a == signature_alg::rsa_pss_sha256 || a == signature_alg::rsa_pss_sha384 || a == signature_alg::rsa_pss_sha512;
}

// True for the ECDSA schemes, whose signatures tessera takes and gives as raw r‖s (IEEE P1363).
constexpr bool is_ecdsa(signature_alg a) noexcept {
  return a == signature_alg::ecdsa_p256_sha256 || a == signature_alg::ecdsa_p384_sha384 ||
         a == signature_alg::ecdsa_p521_sha512;
}

// The key kind a scheme requires.
constexpr key_type required_key_type(signature_alg a) noexcept {
  switch (a) {
    case signature_alg::ecdsa_p256_sha256: return key_type::ec_p256;
    case signature_alg::ecdsa_p384_sha384: return key_type::ec_p384;
    case signature_alg::ecdsa_p521_sha512: return key_type::ec_p521;
    case signature_alg::ed25519: return key_type::ed25519;
    default: return key_type::rsa;
  }
}

namespace detail {
// For the PSS schemes, sets the padding, the MGF1 hash and a salt as long as the digest.
inline bool set_pss_params(EVP_PKEY_CTX* pctx, signature_alg a, const EVP_MD* md) noexcept {
  return !is_pss(a) || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
                        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1);
}

// Prepares ctx for a sign or verify with the scheme's hash and padding.
inline bool digest_sign_verify_init(EVP_MD_CTX* ctx, EVP_PKEY* pk, signature_alg a, bool sign) noexcept {
  const EVP_MD* md = a == signature_alg::ed25519 ? nullptr : detail::md(signature_hash(a));
  EVP_PKEY_CTX* pctx = nullptr;
  int rc = sign ? EVP_DigestSignInit(ctx, &pctx, md, nullptr, pk) : EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, pk);
  return rc == 1 && set_pss_params(pctx, a, md);
}

// A per-thread digest context, reset before each use, so verification allocates no EVP_MD_CTX.
inline EVP_MD_CTX* thread_md_ctx() noexcept {
  thread_local crypto::detail::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (ctx) EVP_MD_CTX_reset(ctx.get());
  return ctx.get();
}

// Sets a verify context's scheme parameters: the hash whose DigestInfo (RSA) or value (ECDSA) is
// checked and, for PSS, the PSS parameters.
inline bool set_verify_params(EVP_PKEY_CTX* pctx, signature_alg a) noexcept {
  const EVP_MD* md = detail::md(signature_hash(a));
  return set_pss_params(pctx, a, md) && EVP_PKEY_CTX_set_signature_md(pctx, md) == 1;
}

// Lends verify() the shared owner of a public key's EVP_PKEY.
struct pkey_access {
  static const crypto::detail::shared_pkey& of(const public_key& k) noexcept { return k.pkey_; }
};

// Per-thread verify contexts for the RSA and ECDSA schemes, initialised once per key and scheme
// and reused: EVP_PKEY_verify may run any number of times on one context with the same
// parameters. A fresh EVP_DigestVerifyInit per call would fetch the signature algorithm and
// digest again, under a lock every thread shares (OpenSSL 3.0), which kept verification from
// scaling across cores. Each slot holds a copy of its key's owner, so a cached key pointer can
// never be reused by another key; the cost is that a thread keeps up to `slots` recently used
// public keys alive until it replaces them or exits. A slot frees its context (and the key
// reference OpenSSL keeps inside it) before it lets go of the owner, so the key is always freed
// by the owner's last release, whose ordering C++ (and ThreadSanitizer) sees, and never by
// OpenSSL's internal reference count at some thread's exit.
class verify_ctx_cache {
 public:
  static constexpr std::size_t slots = 8;

  // The context for the key and scheme, made on first use; nullptr if OpenSSL fails.
  EVP_PKEY_CTX* get(const crypto::detail::shared_pkey& pk, signature_alg a) noexcept {
    for (auto& e : entries_)
      if (e.key.get() == pk.get() && e.alg == a) return e.ctx.get();
    crypto::detail::evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pk.get(), nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 || !set_verify_params(ctx.get(), a)) return nullptr;
    entry& e = entries_[next_];
    next_ = (next_ + 1) % slots;
    e.ctx.reset();  // the old context first, then its key's owner
    e.key = pk;
    e.alg = a;
    e.ctx = std::move(ctx);
    return e.ctx.get();
  }

 private:
  struct entry {
    crypto::detail::shared_pkey key;  // declared before ctx, so destroyed after it
    signature_alg alg = signature_alg::ed25519;  // never cached, so an empty slot matches nothing
    crypto::detail::evp_pkey_ctx_ptr ctx;
  };
  std::array<entry, slots> entries_{};
  std::size_t next_ = 0;
};

// The calling thread's verify contexts.
inline verify_ctx_cache& thread_verify_ctxs() noexcept {
  thread_local verify_ctx_cache cache;
  return cache;
}

// Verifies a (DER, for ECDSA) signature over msg with an RSA or ECDSA scheme: the message is
// hashed with the pre-fetched digest, then checked on the thread's cached context.
inline result<void> verify_hashed(const public_key& key, signature_alg a, core::bytes_view msg,
                                  core::bytes_view sig) noexcept {
  EVP_PKEY_CTX* pctx = thread_verify_ctxs().get(pkey_access::of(key), a);
  EVP_MD_CTX* mctx = thread_md_ctx();
  std::array<unsigned char, EVP_MAX_MD_SIZE> hash;
  unsigned hash_len = 0;
  if (pctx == nullptr || mctx == nullptr || EVP_DigestInit_ex2(mctx, detail::md(signature_hash(a)), nullptr) != 1 ||
      EVP_DigestUpdate(mctx, msg.data(), msg.size()) != 1 || EVP_DigestFinal_ex(mctx, hash.data(), &hash_len) != 1)
    return crypto::detail::ossl_fail(errc::crypto_failure);
  if (EVP_PKEY_verify(pctx, sig.data(), sig.size(), hash.data(), hash_len) != 1)
    return crypto::detail::ossl_fail(errc::bad_signature);
  return core::ok();
}
}  // namespace detail

// Signs msg with the key under the scheme; ECDSA signatures come out as raw r‖s.
inline result<core::bytes> sign(const private_key& key, signature_alg a, core::bytes_view msg) {
  if (key.type() != required_key_type(a)) return unexpected{errc::key_type_mismatch};
  crypto::detail::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx || !detail::digest_sign_verify_init(ctx.get(), key.native_handle(), a, true))
    return crypto::detail::ossl_fail(errc::crypto_failure);
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, msg.data(), msg.size()) != 1)
    return crypto::detail::ossl_fail(errc::crypto_failure);
  core::bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, msg.data(), msg.size()) != 1)
    return crypto::detail::ossl_fail(errc::crypto_failure);
  sig.resize(len);
  if (is_ecdsa(a)) return ecdsa_der_to_raw(sig, crypto::detail::ec_field_size(key.type()));
  return sig;
}

namespace detail {
// Signature length of an OpenSSL key under a scheme (RSA: modulus bytes; ECDSA: 2 × field; Ed25519: 64).
inline std::size_t signature_size_of(EVP_PKEY* key, signature_alg a) noexcept {
  if (required_key_type(a) == key_type::rsa) return static_cast<std::size_t>(EVP_PKEY_get_size(key));
  if (a == signature_alg::ed25519) return 64;
  return 2 * crypto::detail::ec_field_size(required_key_type(a));
}
}  // namespace detail

// Expected signature length for a key under a scheme (RSA: modulus bytes; ECDSA: 2 × field; Ed25519: 64).
inline std::size_t signature_size(const public_key& key, signature_alg a) noexcept {
  return detail::signature_size_of(key.native_handle(), a);
}

// Length of the signatures a private key makes under a scheme (raw r‖s for ECDSA).
inline std::size_t signature_size(const private_key& key, signature_alg a) noexcept {
  return detail::signature_size_of(key.native_handle(), a);
}

// Verifies sig over msg. Errors: key_type_mismatch (key does not fit the scheme),
// invalid_signature_length (not the exact size the key produces), bad_signature.
inline result<void> verify(const public_key& key, signature_alg a, core::bytes_view msg, core::bytes_view sig) noexcept {
  if (key.type() != required_key_type(a)) return unexpected{errc::key_type_mismatch};
  if (sig.size() != signature_size(key, a)) return unexpected{errc::invalid_signature_length};
  std::array<std::uint8_t, max_ecdsa_der_size> der{};
  core::bytes_view to_check = sig;
  if (is_ecdsa(a)) {
    auto n = ecdsa_raw_to_der(sig, der);
    if (!n) return unexpected{errc::bad_signature};
    to_check = core::bytes_view(der.data(), *n);
  }
  if (a != signature_alg::ed25519) return detail::verify_hashed(key, a, msg, to_check);
  // Ed25519 signs the message itself (no prehash), so it keeps the one-shot EVP_DigestVerify.
  EVP_MD_CTX* ctx = detail::thread_md_ctx();
  if (!ctx) return crypto::detail::ossl_fail(errc::crypto_failure);
  const bool ready = detail::digest_sign_verify_init(ctx, key.native_handle(), a, false);
  const int rc = ready ? EVP_DigestVerify(ctx, to_check.data(), to_check.size(), msg.data(), msg.size()) : 0;
  // The context holds a reference to the key: let go of it now, while the caller still owns the
  // key, so the thread's context never keeps it alive (see verify_ctx_cache).
  EVP_MD_CTX_reset(ctx);
  if (!ready) return crypto::detail::ossl_fail(errc::crypto_failure);
  if (rc != 1) return crypto::detail::ossl_fail(errc::bad_signature);
  return core::ok();
}

}  // namespace tessera::crypto
