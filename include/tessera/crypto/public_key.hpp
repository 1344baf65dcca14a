#pragma once
// tessera::crypto::public_key — a parsed, validated public key (RSA, P-256, P-384, P-521, Ed25519).

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/key_type.hpp"
#include "tessera/crypto/detail/pkey.hpp"

namespace tessera::crypto {

namespace detail {
struct pkey_access;
}

// A public key, parsed once and shared cheaply between copies and threads.
class public_key {
 public:
  // Loads a PEM "PUBLIC KEY" (SPKI), "RSA PUBLIC KEY" (PKCS#1) or "CERTIFICATE" (its key; the
  // certificate itself is not validated). Exactly one PEM block; encrypted PEM is refused.
  static result<public_key> from_pem(std::string_view pem, const key_policy& policy = {}) {
    auto block = crypto::detail::read_single_pem(pem);
    if (!block) return unexpected{block.error()};
    result<EVP_PKEY*> pk = unexpected{errc::unsupported_key_type};
    if (block->label == "PUBLIC KEY") pk = crypto::detail::decode_der(block->der, "SubjectPublicKeyInfo", nullptr, EVP_PKEY_PUBLIC_KEY);
    else if (block->label == "RSA PUBLIC KEY") pk = crypto::detail::decode_der(block->der, "type-specific", "RSA", EVP_PKEY_PUBLIC_KEY);
    else if (block->label == "CERTIFICATE") pk = crypto::detail::pkey_from_cert_der(block->der);
    else return unexpected{errc::invalid_key};
    return adopt(pk, policy);
  }
  // Loads a DER SubjectPublicKeyInfo; trailing bytes are refused.
  static result<public_key> from_der(core::bytes_view spki, const key_policy& policy = {}) {
    return adopt(crypto::detail::decode_der(spki, "SubjectPublicKeyInfo", nullptr, EVP_PKEY_PUBLIC_KEY), policy);
  }
  // Loads the public key of a DER X.509 certificate.
  static result<public_key> from_certificate_der(core::bytes_view der, const key_policy& policy = {}) {
    return adopt(crypto::detail::pkey_from_cert_der(der), policy);
  }
  // Loads a public JWK (RSA n/e, EC P-256/P-384/P-521 x/y, OKP Ed25519 x). A JWK holding "d" is refused.
  static result<public_key> from_jwk(const nlohmann::json& jwk, const key_policy& policy = {});
  // Parses JSON text and loads it as a public JWK.
  static result<public_key> from_jwk(std::string_view json, const key_policy& policy = {});

  // The kind of key.
  key_type type() const noexcept { return type_; }
  // Size of the key in bits (modulus for RSA, field for EC, 253 for Ed25519 per OpenSSL: see EVP_PKEY_get_bits).
  int bits() const noexcept { return EVP_PKEY_get_bits(pkey_.get()); }

  // SPKI PEM text.
  result<std::string> to_pem() const {
    auto s = crypto::detail::write_bio([&](BIO* b) { return PEM_write_bio_PUBKEY(b, pkey_.get()) == 1; });
    if (!s) return unexpected{s.error()};
    return std::string(s->expose_secret_text());
  }
  // DER SubjectPublicKeyInfo.
  result<core::bytes> to_der() const {
    unsigned char* out = nullptr;
    int len = i2d_PUBKEY(pkey_.get(), &out);
    if (len <= 0) return crypto::detail::ossl_fail(errc::crypto_failure);
    core::bytes b(out, out + len);
    OPENSSL_free(out);
    return b;
  }
  // The public JWK (kty and key members only; add "kid", "alg" and "use" as needed).
  nlohmann::json to_jwk() const;
  // The RFC 7638 JWK thumbprint: base64url(SHA-256(canonical JWK)).
  std::string thumbprint() const;

  // The underlying OpenSSL key, for code that needs to call OpenSSL directly.
  EVP_PKEY* native_handle() const noexcept { return pkey_.get(); }

 private:
  friend class private_key;
  friend struct detail::pkey_access;
  public_key(crypto::detail::shared_pkey k, key_type t) noexcept : pkey_(std::move(k)), type_(t) {}

  static result<public_key> adopt(result<EVP_PKEY*> pk, const key_policy& policy) {
    if (!pk) return unexpected{pk.error()};
    auto owned = crypto::detail::share(*pk);
    auto t = crypto::detail::classify(owned.get(), policy);
    if (!t) return unexpected{t.error()};
    return public_key(std::move(owned), *t);
  }

  crypto::detail::shared_pkey pkey_;
  key_type type_;
};

}  // namespace tessera::crypto

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/crypto/impl/public_key.ipp"
#endif
