#pragma once
// The bodies of crypto/private_key.hpp that need nlohmann/json (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/crypto/private_key.hpp"

namespace tessera::crypto {

TESSERA_DECL result<private_key> private_key::from_jwk(const nlohmann::json& jwk, const key_policy& policy) {
  return adopt(crypto::detail::pkey_from_jwk(jwk, true), policy);
}

}  // namespace tessera::crypto

namespace tessera::crypto {

TESSERA_DECL auto private_key::from_pem(std::string_view pem, const key_policy& policy) -> result<private_key> {
  auto block = crypto::detail::read_single_pem(pem);
  if (!block) return unexpected{block.error()};
  result<EVP_PKEY*> pk = unexpected{errc::invalid_key};
  if (block->label == "PRIVATE KEY")
    pk = crypto::detail::decode_der(block->der, "PrivateKeyInfo", nullptr, EVP_PKEY_KEYPAIR);
  else if (block->label == "RSA PRIVATE KEY")
    pk = crypto::detail::decode_der(block->der, "type-specific", "RSA", EVP_PKEY_KEYPAIR);
  else if (block->label == "EC PRIVATE KEY")
    pk = crypto::detail::decode_der(block->der, "type-specific", "EC", EVP_PKEY_KEYPAIR);
  OPENSSL_cleanse(block->der.data(), block->der.size());
  return adopt(pk, policy);
}

TESSERA_DECL auto private_key::generate(key_spec spec) -> result<private_key> {
  EVP_PKEY* pk = nullptr;
  switch (spec) {
    case key_spec::rsa2048:
      pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048});
      break;
    case key_spec::rsa3072:
      pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{3072});
      break;
    case key_spec::rsa4096:
      pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{4096});
      break;
    case key_spec::p256:
      pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case key_spec::p384:
      pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case key_spec::p521:
      pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
    case key_spec::ed25519:
      pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  if (!pk) return crypto::detail::ossl_fail(errc::crypto_failure);
  return adopt(pk, key_policy{});
}

TESSERA_DECL auto private_key::public_key() const -> result<crypto::public_key> {
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

TESSERA_DECL auto private_key::to_pem() const -> result<secret> {
  return crypto::detail::write_bio([&](BIO* b) {
    return PEM_write_bio_PKCS8PrivateKey(b, pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
}

TESSERA_DECL auto private_key::adopt(result<EVP_PKEY*> pk, const key_policy& policy) -> result<private_key> {
  if (!pk) return unexpected{pk.error()};
  auto owned = crypto::detail::share(*pk);
  auto t = crypto::detail::classify(owned.get(), policy);
  if (!t) return unexpected{t.error()};
  if (auto pair = crypto::detail::check_keypair(owned.get(), *t); !pair) return unexpected{pair.error()};
  return private_key(std::move(owned), *t);
}

}  // namespace tessera::crypto
