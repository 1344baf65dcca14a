#pragma once
// tessera::crypto::private_key — a parsed or generated signing key (RSA, P-256, P-384, P-521, Ed25519).

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/crypto/key_type.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/crypto/detail/pkey.hpp"

namespace tessera::crypto {

// What to generate: RSA of a given size, an EC curve, or Ed25519.
enum class key_spec { rsa2048, rsa3072, rsa4096, p256, p384, p521, ed25519 };

// A private key, parsed once and shared cheaply between copies and threads.
class private_key {
 public:
  // Loads PEM "PRIVATE KEY" (PKCS#8), "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1).
  // Encrypted keys are refused (unsupported_key_type): decrypt them before they reach a server.
  static result<private_key> from_pem(std::string_view pem, const key_policy& policy = {});
  // Loads DER PKCS#8 PrivateKeyInfo.
  static result<private_key> from_pkcs8_der(core::bytes_view der, const key_policy& policy = {}) {
    return adopt(crypto::detail::decode_der(der, "PrivateKeyInfo", nullptr, EVP_PKEY_KEYPAIR), policy);
  }
  // Loads a private JWK (RSA with d and optionally all CRT members; EC with d; OKP Ed25519 with d).
  static result<private_key> from_jwk(const nlohmann::json& jwk, const key_policy& policy = {});
  // Generates a fresh key.
  static result<private_key> generate(key_spec spec);

  key_type type() const noexcept { return type_; }
  int bits() const noexcept { return EVP_PKEY_get_bits(pkey_.get()); }

  // The matching public key (a separate object holding no private material).
  result<crypto::public_key> public_key() const;
  // Unencrypted PKCS#8 PEM, returned as a secret.
  result<secret> to_pem() const;

  // The underlying OpenSSL key, for code that needs to call OpenSSL directly.
  EVP_PKEY* native_handle() const noexcept { return pkey_.get(); }

 private:
  private_key(crypto::detail::shared_pkey k, key_type t) noexcept : pkey_(std::move(k)), type_(t) {}
  static result<private_key> adopt(result<EVP_PKEY*> pk, const key_policy& policy);
  crypto::detail::shared_pkey pkey_;
  key_type type_;
};

}  // namespace tessera::crypto

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/crypto/impl/private_key.ipp"
#endif
