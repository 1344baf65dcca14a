#pragma once
// authenticator: the one call a request handler makes. It reads the route's path, picks the
// credential the request carries, verifies it, rate-limits its principal, checks the route's
// role and scopes, audits the decision, and returns the principal or one errc, which respond()
// turns into the HTTP answer.

#include <chrono>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "tessera/authz/rate_limit.hpp"
#include "tessera/authz/roles.hpp"
#include "tessera/authz/tenant.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/result.hpp"
#include "tessera/detail/mutable_holder.hpp"
#include "tessera/http/audit.hpp"
#include "tessera/http/credential_methods.hpp"
#include "tessera/http/error_response.hpp"
#include "tessera/http/principal.hpp"

namespace tessera::http {

// One way of proving identity, for requests of type R.
// Rules: offered() says, from the headers alone, whether the request carries this credential;
// authenticate() verifies it and reports the principal with the tenant its credential belongs
// to; it receives the route's tenant and may refuse a credential of another tenant itself, but
// need not: the authenticator binds every principal to the route's tenant afterwards. Both are
// noexcept and thread-safe; `kind` names the credential for audit records.
template <class M, class R>
concept credential_method = request_view<R> && requires(const M& m, const R& r, std::optional<std::string_view> tenant) {
  { M::kind } -> std::convertible_to<credential_kind>;
  { m.offered(r) } noexcept -> std::same_as<bool>;
  { m.authenticate(r, tenant) } noexcept -> std::same_as<result<principal>>;
};

static_assert(credential_method<bearer_jwt<const jwt::verifier<jwt::single_key>&>, request_signing::request>);
static_assert(credential_method<api_key_header<const api_key::verifier<>&>, request_signing::request>);

// What a route demands of a request. Built once at start-up, then shared by every request.
struct route {
  std::string pattern;              // an authz::match_path pattern ("/v2/orgs/{orgId}/*"); "" fits any path
  std::string tenant_param;         // the capture naming the tenant ("orgId"); "" when the route has none
  std::vector<std::string> scopes;  // every one required (missing_scope, 403)
  std::string role;                 // required role, through the hierarchy (forbidden, 403); "" for none
};

// The limiter that admits everything (the default: rate limiting is opt-in).
struct no_rate_limit {
  result<void> acquire(std::string_view, std::chrono::system_clock::time_point) noexcept { return core::ok(); }
};
static_assert(authz::rate_limiter<no_rate_limit>);

// Settings of an authenticator.
struct authenticator_options {
  const authz::role_hierarchy* roles = nullptr;  // role inclusion; null: a role is only itself
  error_options errors;                          // how respond() renders a refusal; empty
                                                 // errors.schemes: the methods' (see authenticator)
};

// The authenticator: credential methods tried by what the request carries, then the route's
// checks. Audit and Limiter are policies (audit_sink, authz::rate_limiter), held by reference
// when given as lvalues; Clock stamps audit records and feeds the limiter.
//   http::memory_audit audit;  authz::token_bucket_limiter limiter(10, 20);
//   http::authenticator auth(audit, limiter, {}, http::bearer_method(jwt_verifier), http::api_key_method(key_verifier));
//   auto who = auth.authenticate(request, orders_route);   // result<principal>
//   if (!who) return send(auth.respond(who.error()));
// A request must carry exactly one of the credentials: none is missing_credentials, two are
// malformed_credentials (ambiguous). Checks, in order, each with its own errc:
//   1. the path is in normal form (authz::normal_path: no dot or empty segments, no encoded
//      '.', '/' or '\'): malformed_path (400); it fits the route's pattern: route_not_found (404);
//      a route naming a tenant parameter its pattern does not capture is a server bug: internal_error (500);
//   2. the credential, verified by its method (401s);
//   3. the principal belongs to the route's tenant: wrong_tenant (401) for an API key, as the
//      multi-surface model has it, tenant_mismatch (403) for any other credential; a principal
//      with no tenant never fits a route that has one;
//   4. the principal's rate limit: rate_limited (429), store_unavailable (503);
//   5. the route's role: forbidden (403); 6. its scopes: missing_scope (403).
// Every decision, allowed or refused, is recorded in the audit sink. A 401 from respond()
// challenges the schemes of the methods, unless options.errors.schemes names others: "Bearer"
// for bearer tokens and signed requests, "ApiKey" for API keys, so an API-key-only server never
// invites a bearer token.
template <class Audit, class Limiter, class Clock, class... Methods>
  requires audit_sink<std::remove_cvref_t<Audit>> && authz::rate_limiter<std::remove_cvref_t<Limiter>> &&
           core::clock<std::remove_cvref_t<Clock>> && (sizeof...(Methods) > 0)
class authenticator {
 public:
  // An authenticator over these methods, on the default clock.
  authenticator(std::type_identity_t<Audit> audit, std::type_identity_t<Limiter> limiter, authenticator_options options,
                Methods... methods)
      : audit_{std::forward<Audit>(audit)}, limiter_{std::forward<Limiter>(limiter)},
        options_(with_challenges(std::move(options))), clock_(), methods_(std::move(methods)...) {}
  // An authenticator over these methods, on a given clock (e.g. core::manual_clock& in tests).
  authenticator(std::type_identity_t<Audit> audit, std::type_identity_t<Limiter> limiter, authenticator_options options,
                std::type_identity_t<Clock> clock, Methods... methods)
      : audit_{std::forward<Audit>(audit)}, limiter_{std::forward<Limiter>(limiter)},
        options_(with_challenges(std::move(options))), clock_(std::forward<Clock>(clock)),
        methods_(std::move(methods)...) {}

  // Authenticates and authorises a request for a route.
  template <request_view R>
    requires(credential_method<Methods, R> && ...)
  result<principal> authenticate(const R& req, const route& rt) const noexcept {
    decision d{clock_.now(), req.method(), req.path(), {}, {}, {}};
    std::optional<std::string_view> tenant;
    if (!rt.pattern.empty()) {
      auto params = authz::match_path(rt.pattern, req.path());
      if (!params) {
        if (params.error() == errc::malformed_path) return refuse(d, errc::malformed_path);
        return refuse(d, params.error() == errc::forbidden ? errc::route_not_found : errc::internal_error);
      }
      if (!rt.tenant_param.empty()) {
        tenant = params->get(rt.tenant_param);
        if (!tenant) return refuse(d, errc::internal_error);
      }
    } else if (!rt.tenant_param.empty()) {
      return refuse(d, errc::internal_error);
    }

    auto who = run_offered(req, tenant, d, std::index_sequence_for<Methods...>{});
    if (!who) return refuse(d, who.error());
    d.actor = who->subject;
    d.tenant = who->tenant;
    if (tenant && !authz::require_tenant(*tenant, who->tenant))
      return refuse(d, who->kind == credential_kind::api_key ? errc::wrong_tenant : errc::tenant_mismatch);

    if (auto admitted = limit(*who, d.at); !admitted) return refuse(d, admitted.error());
    if (!rt.role.empty() && !holds_role(*who, rt.role)) return refuse(d, errc::forbidden);
    for (const auto& s : rt.scopes)
      if (!who->has_scope(s)) return refuse(d, errc::missing_scope);

    audit_.get().record(d.event(true, errc{}));
    return who;
  }

  // The HTTP answer for a refusal (status, JSON body, headers), as the options render it.
  error_response respond(errc e) const { return make_error_response(e, options_.errors); }

  // The settings.
  const authenticator_options& options() const noexcept { return options_; }

 private:
  // The options, with the methods' auth-schemes when the caller named none.
  static authenticator_options with_challenges(authenticator_options o) {
    if (!o.errors.schemes.empty()) return o;
    if (((std::remove_cvref_t<Methods>::kind != credential_kind::api_key) || ...)) o.errors.schemes.emplace_back("Bearer");
    if (((std::remove_cvref_t<Methods>::kind == credential_kind::api_key) || ...)) o.errors.schemes.emplace_back("ApiKey");
    return o;
  }

  // What is known of a request while it is decided, for its audit record.
  struct decision {
    std::chrono::system_clock::time_point at;
    std::string_view method, path;
    std::string_view credential{}, actor{}, tenant{};
    audit_event event(bool allowed, errc cause) const noexcept {
      audit_event e;
      e.at = at;
      e.action = "authenticate";
      e.allowed = allowed;
      e.cause = cause;
      e.credential = credential;
      e.actor = actor;
      e.tenant = tenant;
      e.method = method;
      e.path = path;
      return e;
    }
  };

  unexpected refuse(const decision& d, errc e) const noexcept {
    audit_.get().record(d.event(false, e));
    return unexpected{e};
  }

  // Runs the one method the request offers: missing_credentials when it offers none,
  // malformed_credentials when it offers more than one (each method is asked once).
  template <class R, std::size_t... I>
  result<principal> run_offered(const R& req, std::optional<std::string_view> tenant, decision& d,
                                std::index_sequence<I...>) const noexcept {
    std::size_t offered = 0, which = 0;
    ((std::get<I>(methods_).offered(req) ? (void)(++offered, which = I) : void()), ...);
    if (offered == 0) return unexpected{errc::missing_credentials};
    if (offered > 1) return unexpected{errc::malformed_credentials};
    result<principal> out = unexpected{errc::missing_credentials};
    auto run = [&](const auto& m) noexcept {
      d.credential = name(std::remove_cvref_t<decltype(m)>::kind);
      out = m.authenticate(req, tenant);
    };
    ((I == which ? run(std::get<I>(methods_)) : void()), ...);
    return out;
  }

  // Rate-limits a principal by credential kind, tenant and subject.
  result<void> limit(const principal& p, std::chrono::system_clock::time_point now) const noexcept {
    if constexpr (std::is_same_v<std::remove_cvref_t<Limiter>, no_rate_limit>) {
      return core::ok();
    } else {
      try {
        std::string key;
        const std::string_view kind_name = name(p.kind);
        key.reserve(kind_name.size() + p.tenant.size() + p.subject.size() + 2);
        key.append(kind_name).append(1, '\x1f').append(p.tenant).append(1, '\x1f').append(p.subject);
        return limiter_.get().acquire(key, now);
      } catch (...) {
        return unexpected{errc::internal_error};
      }
    }
  }

  bool holds_role(const principal& p, std::string_view needed) const noexcept {
    if (options_.roles == nullptr) return p.has_role(needed);
    try {
      return static_cast<bool>(options_.roles->require(p.roles, needed));
    } catch (...) {
      return false;
    }
  }

  tessera::detail::mutable_holder<Audit> audit_;
  tessera::detail::mutable_holder<Limiter> limiter_;
  authenticator_options options_;
  Clock clock_;
  std::tuple<Methods...> methods_;
};

// Lvalue audit sinks and limiters are held by reference, rvalues moved in; the clock is
// core::coarse_clock (name the type in full for another).
template <class A, class L, class... M>
authenticator(A&&, L&&, authenticator_options, M...) -> authenticator<A, L, core::coarse_clock, M...>;

}  // namespace tessera::http
