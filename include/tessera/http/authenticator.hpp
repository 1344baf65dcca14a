#pragma once
// authenticator: the one call a request handler makes. It reads the route's path, picks the
// credential the request carries, verifies it, rate-limits its principal, checks the route's
// role and scopes, audits the decision, and returns the principal or one errc, which respond()
// turns into the HTTP answer.

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <functional>
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
#include "tessera/http/route.hpp"

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

// The limiter that admits everything (the default: rate limiting is opt-in).
struct no_rate_limit {
  result<void> acquire(std::string_view, std::chrono::system_clock::time_point) noexcept { return core::ok(); }
};
static_assert(authz::rate_limiter<no_rate_limit>);

// Settings of an authenticator.
struct authenticator_options {
  const authz::role_hierarchy* roles = nullptr;  // role inclusion; null: a role is only itself
  error_options errors{};                        // how respond() renders a refusal; empty
                                                 // errors.schemes: the methods' (see authenticator)
  // The cause, and so the status, of a credential used on another tenant's route: wrong_tenant
  // (401) or tenant_mismatch (403), per credential kind. The defaults follow the models: an API
  // key is refused like an unknown key (401, with -23 in the multi-surface model), a token with
  // 403 (the org-scoped model's org mismatch). Any other value is treated as the default.
  errc api_key_tenant_mismatch = errc::wrong_tenant;
  errc token_tenant_mismatch = errc::tenant_mismatch;
  // The market a store belongs to, from the server's own catalogue (nullopt: no such store), for
  // routes that name a store but no market. The market then never comes from the caller.
  std::function<std::optional<std::string>(std::string_view store)> market_of_store{};
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
//      the route's tenant is read (route.tenant: a capture, query parameter, header or host
//      label; see read_value for its 400s); a route naming a capture its pattern does not
//      have is a server bug: internal_error (500);
//   2. the credential is of a kind the route takes: credential_not_accepted (401, before any
//      verification), then verified by its method (401s);
//   3. the principal belongs to the route's tenant: options.api_key_tenant_mismatch for an API
//      key (wrong_tenant, 401, by default), options.token_tenant_mismatch for any other
//      credential (tenant_mismatch, 403, by default); a principal with no tenant never fits a
//      route that has one;
//   4. the principal's rate limit: rate_limited (429), store_unavailable (503);
//   5. the route's role: forbidden (403); 6. its scopes: missing_scope (403), or internal_error
//      for a declared scope that is not a scope-token (route::check() finds it at start-up);
//   7. the route's store and market (route.store, route.market, or options.market_of_store):
//      both dimensions granted (authz::require_store): store_not_allowed (403).
// Every decision, allowed or refused, is recorded in the audit sink. A 401 from respond()
// challenges the schemes of the methods, unless options.errors.schemes names others: "Bearer"
// for bearer tokens and signed requests, "ApiKey" for API keys, so an API-key-only server never
// invites a bearer token; respond(e, route) challenges only the schemes the route takes.
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
    authz::path_params params;
    if (!rt.pattern.empty()) {
      if (const errc e = authz::detail::match_path_into(rt.pattern, req.path(), params); e != errc::none_) {
        if (e == errc::malformed_path) return refuse(d, errc::malformed_path);
        return refuse(d, e == errc::forbidden ? errc::route_not_found : errc::internal_error);
      }
    }
    std::string host_label;  // a tenant read from the host, lowercased
    std::optional<std::string_view> tenant;
    if (!rt.tenant.empty()) {
      auto t = read_value(rt.tenant, req, params, host_label);
      if (!t) return refuse(d, t.error());
      tenant = *t;
    }
    return admit(req, rt, params, tenant, d);
  }

  // The HTTP answer for a refusal (status, JSON body, headers), as the options render it.
  error_response respond(errc e) const { return make_error_response(e, options_.errors); }
  // The answer for a refusal on a route: a 401 challenges only the schemes the route takes.
  error_response respond(errc e, const route& rt) const {
    if (rt.credentials.empty() || core::http_status(e) != 401) return respond(e);
    error_options o = options_.errors;
    o.schemes.clear();
    auto add = [&](std::string_view scheme) {
      if (std::find(o.schemes.begin(), o.schemes.end(), scheme) == o.schemes.end()) o.schemes.emplace_back(scheme);
    };
    for (auto k : rt.credentials) add(k == credential_kind::api_key ? "ApiKey" : "Bearer");
    return make_error_response(e, o);
  }

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

  // Runs the offered credential's method, then binds the principal to the route (tenant, rate
  // limit, role, scopes, store) and records the decision. One result, returned by name, holds
  // the principal from the method's return to the caller's: it is never moved.
  template <class R>
  result<principal> admit(const R& req, const route& rt, const authz::path_params& params,
                          std::optional<std::string_view> tenant, decision& d) const noexcept {
    result<principal> who = run_offered(req, rt, tenant, d, std::index_sequence_for<Methods...>{});
    errc cause = errc::none_;
    if (!who) {
      const bool api_key = d.credential == name(credential_kind::api_key);
      cause = who.error() == errc::wrong_tenant && api_key ? mismatch(true) : who.error();
    } else {
      d.actor = who->subject;
      d.tenant = who->tenant;
      cause = bind(req, rt, params, tenant, *who, d);
    }
    if (cause != errc::none_) {
      who = refuse(d, cause);
    } else {
      audit_.get().record(d.event(true, errc{}));
    }
    return who;
  }

  // The route's demands on an authenticated principal: errc::none_ when it meets them all.
  template <class R>
  errc bind(const R& req, const route& rt, const authz::path_params& params, std::optional<std::string_view> tenant,
            const principal& who, const decision& d) const noexcept {
    if (tenant && !authz::require_tenant(*tenant, who.tenant)) return mismatch(who.kind == credential_kind::api_key);
    if (auto admitted = limit(who, d.at); !admitted) return admitted.error();
    if (!rt.role.empty() && !holds_role(who, rt.role)) return errc::forbidden;
    for (const auto& s : rt.scopes) {
      if (!authz::valid_scope(s)) return errc::internal_error;  // a route declared with a bad scope
      if (!who.has_scope(s)) return errc::missing_scope;
    }
    if (!rt.store.empty() || !rt.market.empty())
      if (auto allowed = check_store(req, rt, params, who); !allowed) return allowed.error();
    return errc::none_;
  }

  // Runs the one method the request offers: missing_credentials when it offers none,
  // malformed_credentials when it offers more than one (each method is asked once).
  template <class R, std::size_t... I>
  result<principal> run_offered(const R& req, const route& rt, std::optional<std::string_view> tenant, decision& d,
                                std::index_sequence<I...>) const noexcept {
    std::size_t offered = 0, which = 0;
    ((std::get<I>(methods_).offered(req) ? (void)(++offered, which = I) : void()), ...);
    if (offered == 0) return unexpected{errc::missing_credentials};
    if (offered > 1) return unexpected{errc::malformed_credentials};
    return run_method<0>(req, rt, tenant, d, which);
  }

  // Runs method `which` (I counts up to it). A credential of a kind the route does not take is
  // refused before it is verified.
  template <std::size_t I, class R>
  result<principal> run_method(const R& req, const route& rt, std::optional<std::string_view> tenant, decision& d,
                               std::size_t which) const noexcept {
    if constexpr (I + 1 < sizeof...(Methods)) {
      if (I != which) return run_method<I + 1>(req, rt, tenant, d, which);
    }
    const auto& m = std::get<I>(methods_);
    constexpr credential_kind kind = std::remove_cvref_t<decltype(m)>::kind;
    d.credential = name(kind);
    if (!rt.accepts(kind)) return unexpected{errc::credential_not_accepted};
    return m.authenticate(req, tenant);
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

  // The cause for a tenant mismatch of an API key or of another credential (see the options).
  errc mismatch(bool api_key) const noexcept {
    const errc chosen = api_key ? options_.api_key_tenant_mismatch : options_.token_tenant_mismatch;
    if (chosen == errc::wrong_tenant || chosen == errc::tenant_mismatch) return chosen;
    return api_key ? errc::wrong_tenant : errc::tenant_mismatch;
  }

  // The route's store and market, both dimensions granted (authz::require_store).
  template <class R>
  result<void> check_store(const R& req, const route& rt, const authz::path_params& params, const principal& p) const noexcept {
    try {
      std::string store_buf, market_buf;
      std::optional<std::string> resolved;
      std::optional<std::string_view> store, market;
      if (!rt.store.empty()) {
        auto v = read_value(rt.store, req, params, store_buf);
        if (!v) return unexpected{v.error()};
        store = *v;
      }
      if (!rt.market.empty()) {
        auto v = read_value(rt.market, req, params, market_buf);
        if (!v) return unexpected{v.error()};
        market = *v;
      } else if (store && options_.market_of_store) {
        resolved = options_.market_of_store(*store);
        if (!resolved) return unexpected{errc::store_not_allowed};  // no such store: nothing to grant
        market = *resolved;
      }
      const authz::store_grants g = p.store_grants();
      if (store && market) return authz::require_store(g, authz::store_id{*store}, authz::market_id{*market});
      if (store) return authz::require_store(g, authz::store_id{*store});
      return authz::require_market(g, authz::market_id{*market});
    } catch (...) {
      return unexpected{errc::internal_error};
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
