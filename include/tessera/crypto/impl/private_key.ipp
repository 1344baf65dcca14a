#pragma once
// The bodies of crypto/private_key.hpp that need nlohmann/json (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/crypto/private_key.hpp"

namespace tessera::crypto {

TESSERA_DECL result<private_key> private_key::from_jwk(const nlohmann::json& jwk, const key_policy& policy) {
  return adopt(crypto::detail::pkey_from_jwk(jwk, true), policy);
}

}  // namespace tessera::crypto
