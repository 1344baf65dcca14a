#pragma once
// Signing and verification on parsed keys: RSA PKCS#1 v1.5 and PSS (SHA-256/384/512), ECDSA
// P-256/P-384 with raw r‖s signatures, and Ed25519.

#include <openssl/rsa.h>

#include <array>
#include <string_view>

#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/ecdsa_der.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/detail/ossl.hpp"

namespace tessera::crypto {

// The signature schemes tessera implements. RSA-PSS uses MGF1 with the same hash and a salt as
// long as the digest, on both sign and verify (OpenSSL's auto-detected salt is never used).
enum class signature_alg {
  rsa_pkcs1_sha256, rsa_pkcs1_sha384, rsa_pkcs1_sha512,
  rsa_pss_sha256, rsa_pss_sha384, rsa_pss_sha512,
  ecdsa_p256_sha256, ecdsa_p384_sha384,
  ed25519
};

// The hash a signature scheme uses (Ed25519 hashes internally; sha512 is reported).
constexpr hash_alg signature_hash(signature_alg a) noexcept {
  switch (a) {
    case signature_alg::rsa_pkcs1_sha384: case signature_alg::rsa_pss_sha384: case signature_alg::ecdsa_p384_sha384:
      return hash_alg::sha384;
    case signature_alg::rsa_pkcs1_sha512: case signature_alg::rsa_pss_sha512: case signature_alg::ed25519:
      return hash_alg::sha512;
    default:
      return hash_alg::sha256;
  }
}

// True for the RSA-PSS schemes.
constexpr bool is_pss(signature_alg a) noexcept {
  return a == signature_alg::rsa_pss_sha256 || a == signature_alg::rsa_pss_sha384 || a == signature_alg::rsa_pss_sha512;
}

// The key kind a scheme requires.
constexpr key_type required_key_type(signature_alg a) noexcept {
  switch (a) {
    case signature_alg::ecdsa_p256_sha256: return key_type::ec_p256;
    case signature_alg::ecdsa_p384_sha384: return key_type::ec_p384;
    case signature_alg::ed25519: return key_type::ed25519;
    default: return key_type::rsa;
  }
}

namespace detail {
// Prepares ctx for a sign or verify with the scheme's hash and padding.
inline bool digest_sign_verify_init(EVP_MD_CTX* ctx, EVP_PKEY* pk, signature_alg a, bool sign) noexcept {
  const EVP_MD* md = a == signature_alg::ed25519 ? nullptr : detail::md(signature_hash(a));
  EVP_PKEY_CTX* pctx = nullptr;
  int rc = sign ? EVP_DigestSignInit(ctx, &pctx, md, nullptr, pk) : EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, pk);
  if (rc != 1) return false;
  if (is_pss(a)) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)
      return false;
  }
  return true;
}

// A per-thread digest context, reset before each use, so verification allocates no EVP_MD_CTX.
inline EVP_MD_CTX* thread_md_ctx() noexcept {
  thread_local tessera::detail::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (ctx) EVP_MD_CTX_reset(ctx.get());
  return ctx.get();
}
}  // namespace detail

// Signs msg with the key under the scheme; ECDSA signatures come out as raw r‖s.
inline result<core::bytes> sign(const private_key& key, signature_alg a, core::bytes_view msg) {
  if (key.type() != required_key_type(a)) return unexpected{errc::key_type_mismatch};
  tessera::detail::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx || !detail::digest_sign_verify_init(ctx.get(), key.native_handle(), a, true))
    return tessera::detail::ossl_fail(errc::crypto_failure);
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, msg.data(), msg.size()) != 1)
    return tessera::detail::ossl_fail(errc::crypto_failure);
  core::bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, msg.data(), msg.size()) != 1)
    return tessera::detail::ossl_fail(errc::crypto_failure);
  sig.resize(len);
  if (a == signature_alg::ecdsa_p256_sha256 || a == signature_alg::ecdsa_p384_sha384)
    return ecdsa_der_to_raw(sig, tessera::detail::ec_field_size(key.type()));
  return sig;
}

// Expected signature length for a key under a scheme (RSA: modulus bytes; ECDSA: 2 × field; Ed25519: 64).
inline std::size_t signature_size(const public_key& key, signature_alg a) noexcept {
  if (required_key_type(a) == key_type::rsa) return static_cast<std::size_t>(EVP_PKEY_get_size(key.native_handle()));
  if (a == signature_alg::ed25519) return 64;
  return 2 * tessera::detail::ec_field_size(required_key_type(a));
}

// Verifies sig over msg. Errors: key_type_mismatch (key does not fit the scheme),
// invalid_signature_length (not the exact size the key produces), bad_signature.
inline result<void> verify(const public_key& key, signature_alg a, core::bytes_view msg, core::bytes_view sig) noexcept {
  if (key.type() != required_key_type(a)) return unexpected{errc::key_type_mismatch};
  if (sig.size() != signature_size(key, a)) return unexpected{errc::invalid_signature_length};
  std::array<std::uint8_t, max_ecdsa_der_size> der{};
  core::bytes_view to_check = sig;
  if (a == signature_alg::ecdsa_p256_sha256 || a == signature_alg::ecdsa_p384_sha384) {
    auto n = ecdsa_raw_to_der(sig, der);
    if (!n) return unexpected{errc::bad_signature};
    to_check = core::bytes_view(der.data(), *n);
  }
  EVP_MD_CTX* ctx = detail::thread_md_ctx();
  if (!ctx || !detail::digest_sign_verify_init(ctx, key.native_handle(), a, false))
    return tessera::detail::ossl_fail(errc::crypto_failure);
  int rc = EVP_DigestVerify(ctx, to_check.data(), to_check.size(), msg.data(), msg.size());
  if (rc != 1) return tessera::detail::ossl_fail(errc::bad_signature);
  return core::ok();
}

}  // namespace tessera::crypto
