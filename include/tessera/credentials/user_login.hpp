#pragma once
// End-user login (a storefront's customers): an email and a password, bound to one tenant, traded
// for a short-lived token. Users live in a client registry under the id "<tenant>:<email>", so
// they get everything client logins have: slow hashing of the password (PHC strings), the same
// cost for unknown and known emails, the login throttle (too_many_failed_logins) and the
// concurrency guard (too_many_requests), rehash on login, and deactivation reaching issued tokens
// through client_revocation (principal claim "sub").

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/authz/scopes.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/credentials/login_request.hpp"
#include "tessera/credentials/registry.hpp"
#include "tessera/credentials/secret_hash.hpp"
#include "tessera/credentials/token_exchange.hpp"
#include "tessera/jwt/issuer.hpp"

namespace tessera::credentials {

// Shortest password accepted at registration, in bytes.
inline constexpr std::size_t min_password_size = 8;
// Longest email accepted (RFC 5321's path limit).
inline constexpr std::size_t max_email_size = 254;

// True when s can be an email address here: 3 to 254 visible ASCII characters, exactly one '@',
// with text on both sides (the mailbox is not checked further: the server's sign-up flow does).
constexpr bool valid_email(std::string_view s) noexcept {
  if (s.size() < 3 || s.size() > max_email_size) return false;
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c < 0x21 || c > 0x7e) return false;
    if (c == '@') {
      if (at != std::string_view::npos) return false;
      at = i;
    }
  }
  return at != std::string_view::npos && at > 0 && at + 1 < s.size();
}

// The registry id of a tenant's user: "<tenant>:<email>" with the email's ASCII letters
// lowercased (tenant ids hold no ':', so the id is unambiguous). invalid_argument for an empty
// tenant, a tenant holding ':', or an invalid email.
inline result<std::string> user_id(std::string_view tenant, std::string_view email) {
  if (tenant.empty() || tenant.find(':') != std::string_view::npos || !valid_email(email))
    return unexpected{errc::invalid_argument};
  std::string id;
  id.reserve(tenant.size() + 1 + email.size());
  id.append(tenant).push_back(':');
  for (char c : email) id.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  return id;
}

// What a new user may do.
struct user_spec {
  std::string tenant{};                // required
  std::string email{};                 // required
  std::vector<std::string> roles{};
  std::vector<std::string> scopes{};   // RFC 6749 scope-tokens
};

// Registers a user with the password they chose (hashed under the policy; the registry never
// sees it). invalid_argument for a bad tenant or email, or an id already registered;
// secret_too_short for a password under min_password_size bytes; invalid_scope.
template <managed_client_registry Registry>
result<client_ptr> register_user(Registry& registry, const user_spec& spec, core::bytes_view password, sys_seconds now,
                                 const hash_policy& policy = {}) {
  auto id = user_id(spec.tenant, spec.email);
  if (!id) return unexpected{id.error()};
  if (password.size() < min_password_size) return unexpected{errc::secret_too_short};
  if (auto v = authz::validate_scopes(spec.scopes); !v) return unexpected{v.error()};
  auto hash = hash_secret(password, policy);
  if (!hash) return unexpected{hash.error()};
  client_record r;
  r.client_id = std::move(*id);
  r.tenant = spec.tenant;
  r.roles = spec.roles;
  r.scopes = spec.scopes;
  r.secret_hash = std::move(*hash);
  r.created_at = now;
  if (auto added = registry.add(r); !added) return unexpected{added.error()};
  return registry.find(r.client_id);
}

// Settings of a user login.
struct user_login_options {
  std::chrono::seconds lifetime{std::chrono::hours(1)};
  std::string audience{};                 // aud of the issued tokens ("" to omit)
  std::size_t max_body_size = 8192;       // longest login body read, in bytes
  login_request_shape shape{login_request_shape::encoding::json, "email", "password", false, ""};
};

// Logs users in: {"email","password"} (or the shape's fields) for the tenant the route names, a
// token with sub = the user id, "tenant", "email", "roles" and "scope". A user of another tenant
// is refused exactly as an unknown email is (invalid_credentials, at the same cost). Errors as
// client_authenticator (400 missing_field, 401 invalid_credentials / client_deactivated, 429),
// plus input_too_large for a body over max_body_size. A is a client_authenticator over the user
// registry, I a jwt::issuer (or references to them).
template <class A, class I>
class user_login {
 public:
  user_login(A authenticator, I issuer, user_login_options opts = {})
      : auth_(std::forward<A>(authenticator)), issuer_(std::forward<I>(issuer)), opts_(std::move(opts)) {}

  // Reads the request's login body and logs its user in on `tenant`. R is a request view.
  template <class R>
  result<exchange_result> login(std::string_view tenant, const R& req) const {
    const core::bytes_view body = req.body();
    if (body.size() > opts_.max_body_size) return unexpected{errc::input_too_large};
    login_request fields;
    if (auto r = fields.read(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()), std::nullopt,
                             opts_.shape);
        !r)
      return unexpected{r.error()};
    return login(tenant, fields.client_id, core::bytes_view(fields.client_secret));
  }

  // Logs a user in on `tenant` with an email and password.
  result<exchange_result> login(std::string_view tenant, std::string_view email, core::bytes_view password) const {
    if (email.empty() || password.empty()) return unexpected{errc::missing_field};
    auto id = user_id(tenant, email);
    // A malformed email still costs a full check, so timing does not say which emails are well formed.
    auto user = auth_.authenticate(id ? std::string_view(*id) : std::string_view("\x1f"), password);
    if (!user) return unexpected{user.error()};
    if (!id) return unexpected{errc::invalid_credentials};
    const client_record& u = **user;
    jwt::claims c;
    c.subject(u.client_id);
    if (!opts_.audience.empty()) c.audience(opts_.audience);
    c.set_string("tenant", u.tenant);
    c.set_string("email", u.client_id.substr(u.tenant.size() + 1));
    c.set_strings("roles", u.roles);
    c.set_string("scope", detail::join(u.scopes));
    c.lifetime(opts_.lifetime);
    auto t = issuer_.issue(c);
    if (!t) return unexpected{t.error()};
    return detail::from_issued(std::move(*t));
  }

 private:
  A auth_;
  I issuer_;
  user_login_options opts_;
};

}  // namespace tessera::credentials
