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
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/authz/scopes.hpp"
#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/credentials/authenticator.hpp"
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
inline exchange_result from_issued(jwt::issued_token&& t) {
  return {std::move(t.token), t.issued_at, t.expires_at, std::move(t.jwt_id)};
}
template <class Range>
std::string join(const Range& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out.push_back(' ');
    out += std::string_view(s);
  }
  return out;
}

// The client_id and client_secret members of a login body, read with simdjson from a padded
// copy of the text. The copy and the unescaped secret are cleansed when this is destroyed.
class login_fields {
 public:
  std::string_view client_id;      // views into the parser, valid while this lives
  std::string_view client_secret;

  login_fields() = default;
  login_fields(const login_fields&) = delete;
  login_fields& operator=(const login_fields&) = delete;
  ~login_fields() { wipe(client_secret); }

  // Reads a body whose size the caller has bounded: missing_field unless it is one JSON object,
  // nested at most max_depth deep (simdjson's count: the object is level 1, each value in it one
  // level deeper than its container), holding each member exactly once, as a string;
  // internal_error when the parser cannot get its memory.
  result<void> read(std::string_view body, std::size_t max_depth) {
    if (body.empty()) return unexpected{errc::missing_field};
    text_ = core::secret(body.size() + simdjson::SIMDJSON_PADDING);  // zeroed padding
    std::memcpy(text_.writable_bytes(), body.data(), body.size());
    if (parser_.allocate(body.size(), std::max<std::size_t>(max_depth, 1)) != simdjson::SUCCESS)
      return unexpected{errc::internal_error};
    simdjson::dom::object members;
    const char* text = reinterpret_cast<const char*>(text_.writable_bytes());
    if (parser_.parse(text, body.size(), false).get_object().get(members) != simdjson::SUCCESS)
      return unexpected{errc::missing_field};
    bool have_id = false, have_secret = false;
    for (const auto member : members) {
      const bool is_secret = member.key == "client_secret";
      if (!is_secret && member.key != "client_id") continue;
      std::string_view value;
      if (member.value.get_string().get(value) != simdjson::SUCCESS) return unexpected{errc::missing_field};
      bool& have = is_secret ? have_secret : have_id;
      if (have) {  // given twice: ambiguous, as two parsers could each read another one
        if (is_secret) wipe(value);
        return unexpected{errc::missing_field};
      }
      have = true;
      (is_secret ? client_secret : client_id) = value;
    }
    if (!have_id || !have_secret) return unexpected{errc::missing_field};
    return core::ok();
  }

 private:
  // Overwrites text the parser unescaped into its own (writable) string buffer.
  static void wipe(std::string_view s) noexcept {
    if (!s.empty()) OPENSSL_cleanse(const_cast<char*>(s.data()), s.size());
  }

  core::secret text_;
  simdjson::dom::parser parser_;
};
}  // namespace detail

// ---- Rendering --------------------------------------------------------------------------------

// {"access_token", "expires_in", "token_type":"Bearer"} (RFC 6749 §5.1; the commerce model).
inline nlohmann::json oauth_token_response(const exchange_result& r) {
  return {{"access_token", r.token}, {"expires_in", r.expires_in()}, {"token_type", "Bearer"}};
}

// The expiry as RFC 3339 UTC text, "2024-05-17T07:12:50Z".
inline std::string rfc3339_utc(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// {"token", "expired_at"} with expired_at in RFC 3339 UTC (the signed partner orders model).
inline nlohmann::json login_token_response(const exchange_result& r) {
  return {{"token", r.token}, {"expired_at", rfc3339_utc(r.expires_at)}};
}

// ---- API key → JWT (the org-scoped model) -----------------------------------------------------

// Settings of an API-key exchange.
struct api_key_exchange_options {
  std::chrono::seconds lifetime{std::chrono::hours(1)};
  std::string audience;  // aud of the issued tokens ("" to omit)
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
    c.set("org_id", std::string(k->tenant()));
    c.set("scope", detail::join(k->scopes()));
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
  std::string audience;                                   // aud ("" to omit)
  std::size_t max_body_size = 8192;                       // longest JSON login body read, in bytes
  std::size_t max_json_depth = config::max_json_depth;    // deepest nesting in it, counted as for
                                                          // JWTs: the body is level 1, its values 2
};

// The claims a client's token carries: sub and client_id (the client id), tenant, roles,
// scope (space-separated), stores and markets.
inline jwt::claims client_claims(const client_record& c, const client_exchange_options& opts) {
  jwt::claims claims;
  claims.subject(c.client_id);
  if (!opts.audience.empty()) claims.audience(opts.audience);
  claims.set("client_id", c.client_id);
  claims.set("tenant", c.tenant);
  claims.set("roles", c.roles);
  claims.set("scope", detail::join(c.scopes));
  claims.set("stores", c.stores);
  claims.set("markets", c.markets);
  claims.lifetime(opts.lifetime);
  return claims;
}

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
    if (body.size() > opts_.max_body_size) return unexpected{errc::input_too_large};
    detail::login_fields fields;
    if (auto r = fields.read(body, opts_.max_json_depth); !r) return unexpected{r.error()};
    return exchange(fields.client_id, core::bytes_view(fields.client_secret));
  }

 private:
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
