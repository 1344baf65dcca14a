#pragma once
// The bodies of jwt/verified_token.hpp that need nlohmann/json (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/jwt/verified_token.hpp"

namespace tessera::jwt {

TESSERA_DECL result<nlohmann::json> verified_token::claim_json(std::string_view name) const {
  auto all = claims();
  auto it = all.find(std::string(name));
  if (it == all.end()) return unexpected{errc::missing_claim};
  return *it;
}

TESSERA_DECL nlohmann::json verified_token::claims() const {
  return nlohmann::json::parse(claims_text(), nullptr, false);
}

}  // namespace tessera::jwt
