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

namespace tessera::credentials::detail {

TESSERA_DECL exchange_result from_issued(jwt::issued_token&& t) {
  return {std::move(t.token), t.issued_at, t.expires_at, std::move(t.jwt_id)};
}

}  // namespace tessera::credentials::detail

namespace tessera::credentials {

TESSERA_DECL token_response_shape oauth_response() { return {}; }

TESSERA_DECL token_response_shape login_response() {
  return {"token", "expired_at", token_response_shape::expiry::unix_seconds, ""};
}

TESSERA_DECL std::string rfc3339_utc(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TESSERA_DECL jwt::claims client_claims(const client_record& c, const client_exchange_options& opts) {
  jwt::claims claims;
  claims.subject(c.client_id);
  if (!opts.audience.empty()) claims.audience(opts.audience);
  claims.set_string("client_id", c.client_id);
  claims.set_string("tenant", c.tenant);
  claims.set_strings("roles", c.roles);
  claims.set_string("scope", detail::join(c.scopes));
  claims.set_strings("stores", c.stores);
  claims.set_strings("markets", c.markets);
  claims.lifetime(opts.lifetime);
  return claims;
}

}  // namespace tessera::credentials
