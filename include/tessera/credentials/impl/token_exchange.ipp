#pragma once
// The bodies of credentials/token_exchange.hpp that build JSON (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/credentials/token_exchange.hpp"

namespace tessera::credentials {

TESSERA_DECL nlohmann::json token_response(const exchange_result& r, const token_response_shape& shape) {
  nlohmann::json out = {{shape.token_field, r.token}};
  if (!shape.expiry_field.empty()) {
    switch (shape.expiry_as) {
      case token_response_shape::expiry::seconds_left: out[shape.expiry_field] = r.expires_in(); break;
      case token_response_shape::expiry::unix_seconds: out[shape.expiry_field] = r.expires_at; break;
      case token_response_shape::expiry::rfc3339: out[shape.expiry_field] = rfc3339_utc(r.expires_at); break;
    }
  }
  if (!shape.token_type.empty()) out["token_type"] = shape.token_type;
  return out;
}

TESSERA_DECL nlohmann::json token_response(const jwt::issued_token& t, const token_response_shape& shape) {
  return token_response(exchange_result{t.token, t.issued_at, t.expires_at, t.jwt_id}, shape);
}

TESSERA_DECL nlohmann::json oauth_token_response(const exchange_result& r) { return token_response(r, oauth_response()); }

TESSERA_DECL nlohmann::json login_token_response(const exchange_result& r) { return token_response(r, login_response()); }

}  // namespace tessera::credentials
