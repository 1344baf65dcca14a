// The commerce platform with roles, as a reference server on cpp-httplib.
//
//   POST /api/token                          {"clientId","clientSecret"} → 10-day JWT
//                                            {"access_token","expires_in":864000,"token_type":"Bearer"}
//                                            carrying tenant, roles, scope, stores and markets
//   GET  /api/me                             any API user: who the token says it is
//   GET  /api/stores/{store}/orders          role ApiUser, the store granted (and its market)
//   POST /api/stores/{store}/orders          role CommerceUser (includes ApiUser), the store granted
//   GET  /api/markets/{market}/report        role XRead, the market granted
//   DELETE /api/admin/stores/{store}/orders/{orderId}
//                                            role XAdmin (ApiOwner includes every role), the store granted
//   POST /webhooks/platform                  the platform's inbound events: "Authorization: Bearer
//                                            <webhook_token>" or "X-Platform-Key: <webhook_key>"
//                                            (both printed at start-up), event id = the body's "id";
//                                            an event already processed answers 200, not processed again
//   Admin (ApiKey header, the key printed once at start-up):
//   POST /admin/api-users                    {"name","tenant","roles","stores","markets","scopes"}
//                                            → {"clientId","clientSecret"}: the secret shown once
//   POST /admin/api-users/{id}/deactivate    its tokens fail on the very next call, even unexpired
//   POST /admin/api-users/{id}/reactivate    new logins work; tokens from before stay dead
//   GET  /admin/platform-events              how many times each platform event was processed
//
// Roles: ApiOwner includes every role, CommerceUser includes ApiUser, XAdmin includes XRead.
// Stores: store-oslo-downtown and store-bergen are in market-nor, store-stockholm in market-swe
// (the server's own catalogue: the market of a store never comes from the caller). A user holds
// store grants (a store id, or AllStores) and market grants (a market id, or AllMarkets); a store
// route needs both dimensions, a market route the market; a store id that equals a market id
// grants nothing in the other dimension, and a store the catalogue does not know is not granted.
// Each API user is rate-limited on its own: a burst of 10 calls, then one a second.
//
// What each status means (one thing each; every error has the JSON body
// {"error","message","status"}):
//   400  the request itself is malformed: login body without clientId/clientSecret (missing_field),
//        a path not in normal form (malformed_path), an order body that is not JSON. Fix the request.
//   401  the credential does not prove who the caller is, now: none (missing_credentials),
//        malformed, wrong secret or unknown client (invalid_credentials), forged or expired token,
//        user deactivated (principal_deactivated, client_deactivated), a token from before a
//        deactivation (token_revoked), a webhook call without the configured credential. Log in
//        again (WWW-Authenticate says which scheme); never retried with the same token.
//   403  the caller is known, but this user may not do this: role missing through the hierarchy
//        (forbidden), store or market not granted (store_not_allowed). Not retried: fix the grants.
//   404  no such route or order (route_not_found), the framework's own 404 included.
//   429  too many requests from this user: over its rate limit (rate_limited), or, at the login,
//        too many wrong secrets for this client id (too_many_failed_logins) or too many logins at
//        once (too_many_requests). Retry-After says when to come back.
//   503  a backing store failed (store_unavailable): retry later.
//
// Every security decision is tessera's: one client registry (secret hash, grants, status),
// client_authenticator (slow hashing, login throttle, queue), client_credentials_exchange with
// client_claims, client_revocation (deactivation reaches tokens on the next call), one
// http::authenticator with the role hierarchy, the store catalogue and a token-bucket limiter,
// another for the admin API key, and webhook::receiver for the platform's calls.
#include <tessera/adapters/httplib.hpp>
#include <tessera/api_key.hpp>
#include <tessera/authz.hpp>
#include <tessera/credentials.hpp>
#include <tessera/http.hpp>
#include <tessera/jwt.hpp>
#include <tessera/webhook/json_event_id.hpp>
#include <tessera/webhook/receiver.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "../common/serve.hpp"

namespace {
using namespace tessera;
using namespace std::chrono_literals;
using adapters::httplib::request;
using adapters::httplib::write;
using nlohmann::json;

// The stores this platform runs, and the market each belongs to: business data.
const std::map<std::string, std::string, std::less<>> catalogue = {
    {"store-oslo-downtown", "market-nor"},
    {"store-bergen", "market-nor"},
    {"store-stockholm", "market-swe"},
};

// The roles an admin may grant, and how they include one another.
const std::vector<std::string> known_roles = {"ApiOwner", "CommerceUser", "ApiUser", "XAdmin", "XRead"};

// Orders, kept per tenant and store: the business data of this server (no security in here).
struct order_book {
  std::mutex mu;
  std::map<std::string, std::map<std::string, json>> by_shelf;  // tenant + '\n' + store → id → order
  std::atomic<int> next{1};
  static std::string shelf(std::string_view tenant, std::string_view store) {
    return std::string(tenant) + '\n' + std::string(store);
  }
};

// Platform events processed, by event id (what a duplicate delivery must not increase).
struct event_log {
  std::mutex mu;
  std::map<std::string, int> processed;
};

credentials::sys_seconds now_seconds() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// An optional array of strings in an admin body: nullopt when it is there but not one.
std::optional<std::vector<std::string>> string_list(const json& body, const char* name) {
  if (!body.contains(name)) return std::vector<std::string>{};
  const json& v = body[name];
  if (!v.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const json& e : v) {
    if (!e.is_string()) return std::nullopt;
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::string random_text(std::size_t n) {
  auto t = core::random_base62(n);
  return t ? std::move(*t) : std::string();
}
}  // namespace

int main(int argc, char** argv) {
  const sigset_t stop = servers::block_stop_signals();
  const servers::options opt = servers::parse(argc, argv);

  // ---- Tokens: 10 days, HS256, checked against the registry on every call -------------------
  auto jwt_secret = core::random_secret(32);
  if (!jwt_secret) return 1;
  auto signing = jwt::signing_key::hmac(jwt::alg::hs256, jwt_secret->expose_secret(), "commerce-2026");
  auto rules = jwt::rules::builder{}
                   .issuer("https://commerce.example.com")
                   .audience("commerce-api")
                   .principal_claim("client_id")
                   .build();
  if (!signing || !rules) return 1;
  jwt::issuer<> issuer(*signing, {.issuer = "https://commerce.example.com", .lifetime = 240h});

  credentials::memory_client_registry users;  // API users: secret hash, roles, stores, markets, status
  const auto policy = opt.fast_hashing ? credentials::hash_policy::scrypt_with(1u << 10, 8, 1) : credentials::hash_policy{};
  credentials::authenticator_options login_opts;
  login_opts.policy = policy;
  auto logins = credentials::client_authenticator<>::create(users, login_opts);
  if (!logins) return 1;
  credentials::client_credentials_exchange<const credentials::client_authenticator<>&, const jwt::issuer<>&> login(
      *logins, issuer, {.lifetime = 240h, .audience = "commerce-api"});

  using revocation = credentials::client_revocation<credentials::memory_client_registry&>;
  jwt::verifier<jwt::single_key, core::coarse_clock, revocation> tokens(jwt::single_key(signing->verification().value()),
                                                                        *rules, core::coarse_clock{}, revocation(users));

  // ---- Authorisation: roles, store catalogue, per-user rate limit ---------------------------
  authz::role_hierarchy roles;
  roles.include_all("ApiOwner").include("CommerceUser", "ApiUser").include("XAdmin", "XRead");
  authz::token_bucket_limiter limiter(1.0, 10.0);  // per user: 10 at once, then one a second

  http::file_audit audit({.path = opt.audit_file, .flush_interval = opt.audit_flush});
  http::authenticator_options api_opts;
  api_opts.roles = &roles;
  api_opts.errors.retry_after_seconds = limiter.retry_after_seconds();
  api_opts.market_of_store = [](std::string_view store) -> std::optional<std::string> {
    auto it = catalogue.find(store);
    if (it == catalogue.end()) return std::nullopt;
    return it->second;
  };
  http::claim_names claims;
  claims.tenant = "tenant";
  http::authenticator api(audit, limiter, api_opts, http::bearer_method(tokens, claims));

  const auto bearer = http::credential_kind::bearer_token;
  const http::route me_route{.pattern = "/api/me", .credentials = {bearer}};
  const http::route list_orders{.pattern = "/api/stores/{store}/orders", .role = "ApiUser", .credentials = {bearer}, .store = "store"};
  const http::route place_order{.pattern = "/api/stores/{store}/orders", .role = "CommerceUser", .credentials = {bearer}, .store = "store"};
  const http::route market_report{.pattern = "/api/markets/{market}/report", .role = "XRead", .credentials = {bearer}, .market = "market"};
  const http::route delete_order{.pattern = "/api/admin/stores/{store}/orders/{orderId}", .role = "XAdmin",
                                 .credentials = {bearer}, .store = "store"};

  // ---- The admin surface: API keys of its own, the first printed once at start-up ------------
  auto pepper = core::random_secret(32);
  if (!pepper) return 1;
  auto peppers = api_key::pepper_ring::create(1, pepper->expose_secret());
  api_key::memory_key_store admin_keys;
  const api_key::key_format admin_format{"adm", "live", 30};
  auto admin_generator = api_key::generator<>::create(admin_format, peppers.value());
  auto admin_verifier = api_key::verifier<>::create(admin_format, peppers.value(), admin_keys);
  if (!admin_generator || !admin_verifier) return 1;
  auto bootstrap = admin_generator->issue(admin_keys, {.tenant = "operator", .scopes = {"users:admin"}, .key_id = "bootstrap"});
  if (!bootstrap) return 1;
  http::authenticator admin_auth(audit, http::no_rate_limit{}, {}, http::api_key_method(*admin_verifier));
  const http::route admin_root{.pattern = "/admin/api-users", .scopes = {"users:admin"}};
  const http::route admin_user{.pattern = "/admin/api-users/{id}/*", .scopes = {"users:admin"}};
  const http::route admin_events{.pattern = "/admin/platform-events", .scopes = {"users:admin"}};

  // ---- The platform's inbound webhook: credentials from our configuration --------------------
  // (Generated here and printed at start-up, as the platform's configuration would be given.)
  const core::secret webhook_token{core::bytes_view(random_text(43))};
  const core::secret webhook_key{core::bytes_view(random_text(43))};
  auto platform_creds = webhook::static_credentials::bearer_or_api_key(webhook_token, "X-Platform-Key", webhook_key);
  if (!platform_creds) return 1;
  core::memory_replay_store seen_events;
  webhook::receiver platform(std::move(*platform_creds), webhook::json_event_id{"id"}, seen_events,
                             {.remember_for = std::chrono::hours(24 * 7), .replay_namespace = "platform"});
  http::error_options webhook_errors;
  webhook_errors.schemes = {"Bearer"};

  // ---- Answers outside the authenticators --------------------------------------------------
  http::error_options errors;        // login answers, and the framework's own
  errors.retry_after_seconds = 2;    // too many logins at once: come back soon
  http::error_options lockout_errors;
  lockout_errors.retry_after_seconds = static_cast<int>(login_opts.throttle.lockout.count());

  order_book book;
  event_log events;
  httplib::Server server;
  adapters::httplib::prepare(server, errors);

  // ---- Login -------------------------------------------------------------------------------
  server.Post("/api/token", [&](const httplib::Request& req, httplib::Response& res) {
    auto t = login.exchange_request(request(req), credentials::camel_json_login());
    if (!t) return write(res, http::make_error_response(t.error(), t.error() == errc::too_many_failed_logins ? lockout_errors : errors));
    servers::reply(res, 200, credentials::token_response(*t, credentials::oauth_response()));
  });

  // ---- The API -------------------------------------------------------------------------------
  auto authorised = [&](const httplib::Request& req, httplib::Response& res, const http::route& rt) {
    auto who = api.authenticate(request(req), rt);
    if (!who) write(res, api.respond(who.error(), rt));
    return who;
  };
  server.Get("/api/me", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = authorised(req, res, me_route);
    if (!who) return;
    servers::reply(res, 200, {{"clientId", who->subject}, {"tenant", who->tenant}, {"roles", who->roles},
                              {"stores", who->stores}, {"markets", who->markets}});
  });
  server.Get(R"(/api/stores/([^/]+)/orders)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = authorised(req, res, list_orders);
    if (!who) return;
    const std::string store = req.matches[1].str();
    json list = json::array();
    {
      std::lock_guard lock(book.mu);
      if (auto it = book.by_shelf.find(order_book::shelf(who->tenant, store)); it != book.by_shelf.end())
        for (const auto& [id, order] : it->second) list.push_back(order);
    }
    servers::reply(res, 200, {{"store", store}, {"market", catalogue.at(store)}, {"orders", list}});
  });
  server.Post(R"(/api/stores/([^/]+)/orders)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = authorised(req, res, place_order);
    if (!who) return;
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return write(res, http::make_error_response(errc::malformed_request, errors));
    const std::string store = req.matches[1].str();
    const std::string id = "ord-" + std::to_string(book.next++);
    json order = {{"orderId", id}, {"store", store}, {"tenant", who->tenant}, {"placedBy", who->subject},
                  {"items", body.value("items", json::array())}};
    {
      std::lock_guard lock(book.mu);
      book.by_shelf[order_book::shelf(who->tenant, store)][id] = order;
    }
    audit.record(http::business_event(*who, request(req), "order.create", "orders/" + id, "placed through the API"));
    servers::reply(res, 201, order);
  });
  server.Get(R"(/api/markets/([^/]+)/report)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = authorised(req, res, market_report);
    if (!who) return;
    const std::string market = req.matches[1].str();
    json stores = json::array();
    std::size_t orders = 0;
    {
      std::lock_guard lock(book.mu);
      for (const auto& [store, in] : catalogue) {
        if (in != market) continue;
        stores.push_back(store);
        if (auto it = book.by_shelf.find(order_book::shelf(who->tenant, store)); it != book.by_shelf.end())
          orders += it->second.size();
      }
    }
    if (stores.empty()) return write(res, http::make_error_response(errc::route_not_found, errors));  // no such market
    servers::reply(res, 200, {{"market", market}, {"stores", stores}, {"orders", orders}});
  });
  server.Delete(R"(/api/admin/stores/([^/]+)/orders/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = authorised(req, res, delete_order);
    if (!who) return;
    const std::string store = req.matches[1].str(), id = req.matches[2].str();
    {
      std::lock_guard lock(book.mu);
      auto it = book.by_shelf.find(order_book::shelf(who->tenant, store));
      if (it == book.by_shelf.end() || it->second.erase(id) == 0) return write(res, http::make_error_response(errc::route_not_found, errors));
    }
    audit.record(http::business_event(*who, request(req), "order.delete", "orders/" + id, "admin removal"));
    servers::reply(res, 200, {{"orderId", id}, {"deleted", true}});
  });

  // ---- The platform's webhook ----------------------------------------------------------------
  server.Post("/webhooks/platform", [&](const httplib::Request& req, httplib::Response& res) {
    const request view(req);
    auto v = platform.verify(view);
    http::audit_event e;
    e.at = std::chrono::system_clock::now();
    e.action = "webhook.receive";
    e.method = view.method();
    e.path = view.path();
    if (!v) {
      e.cause = v.error();
      audit.record(e);
      return write(res, http::make_error_response(v.error(), webhook_errors));
    }
    const std::string target = "events/" + v->event_id;
    e.allowed = true;
    e.actor = "platform";
    e.credential = v->credential == webhook::inbound_credential::bearer_token ? "bearer_token" : "api_key";
    e.target = target;
    e.reason = v->should_process() ? "processed" : "already processed";
    if (v->should_process()) {
      std::lock_guard lock(events.mu);
      ++events.processed[v->event_id];  // the business effect of the event
    }
    audit.record(e);
    servers::reply(res, 200, {{"eventId", v->event_id}, {"processed", v->should_process()}});
  });

  // ---- Admin: API users and their status ---------------------------------------------------
  auto admin = [&](const httplib::Request& req, httplib::Response& res, const http::route& rt) {
    auto who = admin_auth.authenticate(request(req), rt);
    if (!who) write(res, admin_auth.respond(who.error(), rt));
    return who;
  };
  server.Post("/admin/api-users", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admin(req, res, admin_root);
    if (!who) return;
    auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("tenant") || !body["tenant"].is_string())
      return write(res, http::make_error_response(errc::missing_field, errors));
    auto granted_roles = string_list(body, "roles");
    auto stores = string_list(body, "stores");
    auto markets = string_list(body, "markets");
    auto scopes = string_list(body, "scopes");
    if (!granted_roles || !stores || !markets || !scopes)
      return write(res, http::make_error_response(errc::invalid_argument, errors));
    for (const auto& r : *granted_roles)  // a role nobody checks is a typo, not a grant
      if (std::find(known_roles.begin(), known_roles.end(), r) == known_roles.end())
        return write(res, http::make_error_response(errc::invalid_argument, errors));
    credentials::client_spec spec;
    spec.id_prefix = "api_";
    spec.tenant = body["tenant"].get<std::string>();
    spec.roles = std::move(*granted_roles);
    spec.stores = std::move(*stores);
    spec.markets = std::move(*markets);
    spec.scopes = std::move(*scopes);
    spec.description = body.value("name", "");
    auto issued = credentials::register_client(users, std::move(spec), now_seconds(), policy);
    if (!issued) return write(res, http::make_error_response(issued.error(), errors));
    audit.record(http::business_event(*who, request(req), "api_user.create", "api-users/" + issued->record.client_id,
                                      "admin request"));
    servers::reply(res, 201, {{"clientId", issued->record.client_id},
                              {"clientSecret", std::string(issued->secret.expose_secret_text())},  // shown once
                              {"tenant", issued->record.tenant},
                              {"roles", issued->record.roles},
                              {"stores", issued->record.stores},
                              {"markets", issued->record.markets}});
  });
  server.Post(R"(/admin/api-users/([^/]+)/(deactivate|reactivate))", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admin(req, res, admin_user);
    if (!who) return;
    const std::string id = req.matches[1].str();
    const bool off = req.matches[2] == "deactivate";
    auto r = off ? users.deactivate(id, now_seconds()) : users.reactivate(id);
    // An admin naming a user that does not exist: nothing here (404), not a failed credential.
    if (!r) return write(res, http::make_error_response(r.error() == errc::unknown_client ? errc::route_not_found : r.error(), errors));
    audit.record(http::business_event(*who, request(req), off ? "api_user.deactivate" : "api_user.reactivate",
                                      "api-users/" + id, "admin request"));
    servers::reply(res, 200, {{"clientId", id}, {"active", !off}});
  });
  server.Get("/admin/platform-events", [&](const httplib::Request& req, httplib::Response& res) {
    if (!admin(req, res, admin_events)) return;
    std::lock_guard lock(events.mu);
    servers::reply(res, 200, {{"processed", events.processed}});
  });

  return servers::run(server, opt, stop,
                      {{"admin_key", std::string(bootstrap->key.expose_secret_text())},
                       {"webhook_token", std::string(webhook_token.expose_secret_text())},
                       {"webhook_key_header", "X-Platform-Key"},
                       {"webhook_key", std::string(webhook_key.expose_secret_text())}});
}
