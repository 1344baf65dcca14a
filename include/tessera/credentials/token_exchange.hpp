#pragma once
// Token exchange: the server side of login endpoints, with no HTTP inside. A long-lived
// credential (an API key, or a client id and secret) is traded for a short-lived JWT, a token is
// refreshed without credentials, and each model's documented JSON response is rendered.
// Deactivating a client revokes its tokens through client_revocation, a JWT revocation policy
// that reads the client registry on every verification.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <optional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/authz/scopes.hpp"
#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/credentials/authenticator.hpp"
#include "tessera/credentials/login_request.hpp"
#include "tessera/credentials/registry.hpp"
#include "tessera/jwt/issuer.hpp"
#include "tessera/jwt/refresh.hpp"
#include "tessera/jwt/revocation.hpp"

namespace tessera::credentials {

// The outcome of an exchange: the token and what a response needs to describe it.
struct exchange_result {
  std::string token;
  std::int64_t issued_at = 0;   // Unix seconds
  std::int64_t expires_at = 0;  // Unix seconds
  std::string jwt_id;
  std::int64_t expires_in() const noexcept { return expires_at - issued_at; }
};

namespace detail {
TESSERA_DECL exchange_result from_issued(jwt::issued_token&& t);
template <class Range>
std::string join(const Range& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out.push_back(' ');
    out += std::string_view(s);
  }
  return out;
}

}  // namespace detail

// ---- Rendering --------------------------------------------------------------------------------

// The shape of a token endpoint's JSON answer.
struct token_response_shape {
  // How the expiry is written.
  enum class expiry { seconds_left, unix_seconds, rfc3339 };
  std::string token_field = "access_token";  // the member holding the token
  std::string expiry_field = "expires_in";   // the member holding the expiry ("" to omit)
  expiry expiry_as = expiry::seconds_left;
  std::string token_type = "Bearer";         // "token_type" member's value ("" to omit)
};

// {"access_token", "expires_in", "token_type":"Bearer"} (RFC 6749 §5.1; the commerce model).
TESSERA_DECL token_response_shape oauth_response();
// {"token", "expired_at"} with expired_at in unix seconds (the signed partner orders model:
// "expired_at": 1704067200).
TESSERA_DECL token_response_shape login_response();

// The expiry as RFC 3339 UTC text, "2024-05-17T07:12:50Z".
TESSERA_DECL std::string rfc3339_utc(std::int64_t unix_seconds);

// The JSON answer for an exchange, in a shape.
TESSERA_DECL nlohmann::json token_response(const exchange_result& r, const token_response_shape& shape = {});

// The JSON answer for a refreshed or otherwise issued token, in a shape.
TESSERA_DECL nlohmann::json token_response(const jwt::issued_token& t, const token_response_shape& shape = {});

// {"access_token", "expires_in", "token_type":"Bearer"} (RFC 6749 §5.1; the commerce model).
TESSERA_DECL nlohmann::json oauth_token_response(const exchange_result& r);

// {"token", "expired_at"} with expired_at in unix seconds (the signed partner orders model).
TESSERA_DECL nlohmann::json login_token_response(const exchange_result& r);

// ---- API key → JWT (the org-scoped model) -----------------------------------------------------

// Settings of an API-key exchange.
struct api_key_exchange_options {
  std::chrono::seconds lifetime{std::chrono::hours(1)};
  std::string audience{};  // aud of the issued tokens ("" to omit)
};

// Trades an API key for a token carrying org_id (the key's tenant), the key's scopes (as a
// space-separated "scope") and its key id (as sub: the token names its key by id, never by the
// key). The key must belong to the org named in the request path: a key of org A asking on org
// B's URL gets wrong_tenant, exactly as an unknown key would, so it learns nothing. A token
// endpoint whose path names no org (POST /auth/token) exchanges a key for its own org. The
// token never outlives its key: exp is at most the key's expires_at. Pair the verifier of these
// tokens with api_key_revocation so that revoking the key stops its tokens on the next call.
// V is an api_key::verifier, I a jwt::issuer (or references).
template <class V, class I>
class api_key_exchange {
 public:
  api_key_exchange(V verifier, I issuer, api_key_exchange_options opts = {})
      : verifier_(std::forward<V>(verifier)), issuer_(std::forward<I>(issuer)), opts_(std::move(opts)) {}

  // Exchanges the key for a token for the org in the path. missing_field for an empty key.
  result<exchange_result> exchange(std::string_view key, std::string_view path_org) const {
    if (key.empty()) return unexpected{errc::missing_field};
    return issue_for(verifier_.verify(key, path_org));
  }
  // Exchanges the key for a token for the key's own org, on a route that names no org.
  result<exchange_result> exchange(std::string_view key) const {
    if (key.empty()) return unexpected{errc::missing_field};
    return issue_for(verifier_.verify_any_tenant(key));
  }

 private:
  template <class K>
  result<exchange_result> issue_for(const result<K>& k) const {
    if (!k) return unexpected{k.error()};
    if (auto v = authz::validate_scopes(k->scopes()); !v) return unexpected{v.error()};
    std::chrono::seconds lifetime = opts_.lifetime;
    if (auto end = k->expires_at()) {  // never past the key's own end
      const auto left = std::chrono::floor<std::chrono::seconds>(*end - issuer_.clock().now());
      if (left.count() <= 0) return unexpected{errc::api_key_expired};
      lifetime = std::min(lifetime, left);
    }
    jwt::claims c;
    c.subject(std::string(k->key_id()));
    if (!opts_.audience.empty()) c.audience(opts_.audience);
    c.set_string("org_id", std::string(k->tenant()));
    c.set_string("scope", detail::join(k->scopes()));
    c.lifetime(lifetime);
    auto t = issuer_.issue(c);
    if (!t) return unexpected{t.error()};
    return detail::from_issued(std::move(*t));
  }

 private:
  V verifier_;
  I issuer_;
  api_key_exchange_options opts_;
};

// ---- Client credentials → JWT (the commerce and signed-orders models) --------------------------

// Settings of a client-credentials exchange.
struct client_exchange_options {
  std::chrono::seconds lifetime{std::chrono::hours(12)};  // 10 days for the commerce model
  std::string audience{};                                 // aud ("" to omit)
  std::size_t max_body_size = 8192;                       // longest JSON login body read, in bytes
  std::size_t max_json_depth = config::max_json_depth;    // deepest nesting in it, counted as for
                                                          // JWTs: the body is level 1, its values 2
};

// The claims a client's token carries: sub and client_id (the client id), tenant, roles,
// scope (space-separated), stores and markets.
TESSERA_DECL jwt::claims client_claims(const client_record& c, const client_exchange_options& opts);

// Trades a client id and secret for a token (see client_authenticator for the refusals: 400
// missing_field, 401 invalid_credentials / client_deactivated, 429 too_many_requests).
// A is a client_authenticator, I a jwt::issuer (or references to them).
template <class A, class I>
class client_credentials_exchange {
 public:
  client_credentials_exchange(A authenticator, I issuer, client_exchange_options opts = {})
      : auth_(std::forward<A>(authenticator)), issuer_(std::forward<I>(issuer)), opts_(std::move(opts)) {}

  // Exchanges the credentials for a token.
  result<exchange_result> exchange(std::string_view client_id, core::bytes_view client_secret) const {
    auto client = auth_.authenticate(client_id, client_secret);
    if (!client) return unexpected{client.error()};
    if (auto v = authz::validate_scopes((*client)->scopes); !v) return unexpected{v.error()};
    auto t = issuer_.issue(client_claims(**client, opts_));
    if (!t) return unexpected{t.error()};
    return detail::from_issued(std::move(*t));
  }

  // Parses a JSON login body {"client_id": "...", "client_secret": "..."} and exchanges it.
  // The body is untrusted and read before anything else, so it is bounded like every untrusted
  // JSON in tessera: input_too_large (400) when longer than options.max_body_size (nothing is
  // read), missing_field (400) when it is not one JSON object nested at most
  // options.max_json_depth deep, or either member is absent, given twice, or not a string.
  // Other members are ignored. The parser's copy of the secret is cleansed afterwards.
  result<exchange_result> exchange_json(std::string_view body) const {
    return exchange_body(body, std::nullopt, json_login());
  }

  // Reads a login request of any shape (login_request.hpp: json_login, camel_json_login,
  // oauth_client_credentials) and exchanges it: the body bounded as for exchange_json, the
  // Authorization header read for Basic. R is a request view (http::request_view).
  template <class R>
  result<exchange_result> exchange_request(const R& req, const login_request_shape& shape) const {
    const core::bytes_view body = req.body();
    return exchange_body(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()),
                         shape.basic_auth ? req.header("Authorization") : std::nullopt, shape);
  }

 private:
  result<exchange_result> exchange_body(std::string_view body, std::optional<std::string_view> authorization,
                                        const login_request_shape& shape) const {
    if (body.size() > opts_.max_body_size) return unexpected{errc::input_too_large};
    login_request fields;
    if (auto r = fields.read(body, authorization, shape, opts_.max_json_depth); !r) return unexpected{r.error()};
    return exchange(fields.client_id, core::bytes_view(fields.client_secret));
  }

  A auth_;
  I issuer_;
  client_exchange_options opts_;
};

// ---- Revocation through the registry ----------------------------------------------------------

// A JWT revocation policy that asks the client registry about the token's principal (the rules'
// principal claim, e.g. "client_id"): a deactivated client's tokens fail with
// principal_deactivated, and a token issued at or before the client's last deactivation (in its
// second too: iat has whole seconds) fails with token_revoked even after a reactivation. Unknown clients fail with principal_deactivated.
// Other revocations (jti, keys) are delegated to Inner. R may be a reference type.
template <class R, jwt::revocation_check Inner = jwt::no_revocation>
class client_revocation {
 public:
  explicit client_revocation(R registry, Inner inner = Inner{})
      : registry_(std::forward<R>(registry)), inner_(std::forward<Inner>(inner)) {}

  result<void> check(const jwt::token_facts& f) const noexcept {
    if (auto r = inner_.check(f); !r) return r;
    if (f.principal.empty()) return unexpected{errc::missing_claim};
    auto c = registry_.find(f.principal);
    if (!c) return unexpected{c.error() == errc::unknown_client ? errc::principal_deactivated : c.error()};
    if (!(*c)->active) return unexpected{errc::principal_deactivated};
    if ((*c)->deactivated_at &&
        (!f.issued_at || (*c)->issued_before_deactivation(sys_seconds(std::chrono::seconds(*f.issued_at)))))
      return unexpected{errc::token_revoked};
    return core::ok();
  }

 private:
  R registry_;
  Inner inner_;
};
static_assert(jwt::revocation_check<client_revocation<memory_client_registry&>>);

}  // namespace tessera::credentials

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/credentials/impl/token_exchange.ipp"
#endif
