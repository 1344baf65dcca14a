#pragma once
// The bodies of jwt/refresh.hpp that need nlohmann/json (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/jwt/refresh.hpp"

namespace tessera::jwt::detail {

TESSERA_DECL result<void> copy_claims(const verified_token& t, claims& c) {
  auto all = t.claims();
  if (!all.is_object()) return unexpected{errc::internal_error};
  for (auto& [name, value] : all.items()) {
    if (name == "iss" || name == "exp" || name == "nbf" || name == "iat" || name == "jti") continue;
    c.set(name, value);
  }
  return core::ok();
}

}  // namespace tessera::jwt::detail
