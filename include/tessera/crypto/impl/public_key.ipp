#pragma once
// The bodies of crypto/public_key.hpp that need nlohmann/json (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/crypto/public_key.hpp"

namespace tessera::crypto {

TESSERA_DECL result<public_key> public_key::from_jwk(const nlohmann::json& jwk, const key_policy& policy) {
  return adopt(crypto::detail::pkey_from_jwk(jwk, false), policy);
}

TESSERA_DECL result<public_key> public_key::from_jwk(std::string_view json, const key_policy& policy) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded()) return unexpected{errc::invalid_key};
  return from_jwk(j, policy);
}

TESSERA_DECL nlohmann::json public_key::to_jwk() const { return crypto::detail::public_jwk(pkey_.get(), type_); }

TESSERA_DECL std::string public_key::thumbprint() const {
  auto canonical = to_jwk().dump();  // members are already the required ones, in lexicographic order
  return core::base64url_encode(sha256(canonical));
}

}  // namespace tessera::crypto
