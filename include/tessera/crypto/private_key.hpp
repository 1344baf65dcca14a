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
  static result<private_key> from_pem(std::string_view pem, const key_policy& policy = {}) {
    auto block = crypto::detail::read_single_pem(pem);
    if (!block) return unexpected{block.error()};
    result<EVP_PKEY*> pk = unexpected{errc::invalid_key};
    if (block->label == "PRIVATE KEY") pk = crypto::detail::decode_der(block->der, "PrivateKeyInfo", nullptr, EVP_PKEY_KEYPAIR);
    else if (block->label == "RSA PRIVATE KEY") pk = crypto::detail::decode_der(block->der, "type-specific", "RSA", EVP_PKEY_KEYPAIR);
    else if (block->label == "EC PRIVATE KEY") pk = crypto::detail::decode_der(block->der, "type-specific", "EC", EVP_PKEY_KEYPAIR);
    OPENSSL_cleanse(block->der.data(), block->der.size());
    return adopt(pk, policy);
  }
  // Loads DER PKCS#8 PrivateKeyInfo.
  static result<private_key> from_pkcs8_der(core::bytes_view der, const key_policy& policy = {}) {
    return adopt(crypto::detail::decode_der(der, "PrivateKeyInfo", nullptr, EVP_PKEY_KEYPAIR), policy);
  }
  // Loads a private JWK (RSA with d and optionally all CRT members; EC with d; OKP Ed25519 with d).
  static result<private_key> from_jwk(const nlohmann::json& jwk, const key_policy& policy = {});
  // Generates a fresh key.
  static result<private_key> generate(key_spec spec) {
    EVP_PKEY* pk = nullptr;
    switch (spec) {
      case key_spec::rsa2048: pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}); break;
      case key_spec::rsa3072: pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{3072}); break;
      case key_spec::rsa4096: pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{4096}); break;
      case key_spec::p256: pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
      case key_spec::p384: pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
      case key_spec::p521: pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521"); break;
      case key_spec::ed25519: pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
    }
    if (!pk) return crypto::detail::ossl_fail(errc::crypto_failure);
    return adopt(pk, key_policy{});
  }

  key_type type() const noexcept { return type_; }
  int bits() const noexcept { return EVP_PKEY_get_bits(pkey_.get()); }

  // The matching public key (a separate object holding no private material).
  result<crypto::public_key> public_key() const {
    unsigned char* der = nullptr;
    int len = i2d_PUBKEY(pkey_.get(), &der);
    if (len <= 0) return crypto::detail::ossl_fail(errc::crypto_failure);
    // This key passed its own policy when it was loaded; its public half is not judged again.
    key_policy any = key_policy::dangerously_allow_rsa_bits(0);
    any.max_rsa_exponent = ~std::uint64_t{0};
    auto pk = crypto::public_key::from_der(core::bytes_view(der, static_cast<std::size_t>(len)), any);
    OPENSSL_free(der);
    return pk;
  }
  // Unencrypted PKCS#8 PEM, returned as a secret.
  result<secret> to_pem() const {
    return crypto::detail::write_bio([&](BIO* b) {
      return PEM_write_bio_PKCS8PrivateKey(b, pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    });
  }

  // The underlying OpenSSL key, for code that needs to call OpenSSL directly.
  EVP_PKEY* native_handle() const noexcept { return pkey_.get(); }

 private:
  private_key(crypto::detail::shared_pkey k, key_type t) noexcept : pkey_(std::move(k)), type_(t) {}
  static result<private_key> adopt(result<EVP_PKEY*> pk, const key_policy& policy) {
    if (!pk) return unexpected{pk.error()};
    auto owned = crypto::detail::share(*pk);
    auto t = crypto::detail::classify(owned.get(), policy);
    if (!t) return unexpected{t.error()};
    if (auto pair = crypto::detail::check_keypair(owned.get(), *t); !pair) return unexpected{pair.error()};
    return private_key(std::move(owned), *t);
  }
  crypto::detail::shared_pkey pkey_;
  key_type type_;
};

}  // namespace tessera::crypto

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/crypto/impl/private_key.ipp"
#endif
