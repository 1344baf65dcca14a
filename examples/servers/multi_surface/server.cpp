// The multi-surface platform model, as a reference server on cpp-httplib: a multi-tenant commerce
// platform with four surfaces and two mechanisms. {tenant} is the tenant's id ("acme", "globex").
//
//   Storefront (customers, Authorization: Bearer <JWT>, HS256):
//   POST /storefront/{tenant}/login        {"email","password"} → {"access_token","expires_in","token_type"}
//   GET  /storefront/{tenant}/cart         role customer, scope cart:read
//   POST /storefront/{tenant}/cart/items   role customer, scope cart:write   {"sku","qty"}
//   Back office (staff, Authorization: Bearer <JWT>, HS256):
//   POST /backoffice/{tenant}/login        {"email","password"} → the same token answer
//   GET  /backoffice/{tenant}/orders       role staff, scope orders:read
//   Integrations (a long-lived API key in the "ApiKey" header, name case-insensitive, no signature):
//   GET  /integrations/{tenant}/products        scope products:read
//   PUT  /integrations/{tenant}/products/{sku}  scope products:write   {"name","price","stock"}
//   Catalog feed (API key):
//   GET  /feed/{tenant}/catalog            scope feed:read, and the tenant's plan must include the feed
//   Admin (ApiKey header, the key printed once at start-up; scope platform:admin):
//   POST /admin/tenants/{tenant}/keys                     {"scopes":[...],"integration","lifetime_seconds"}
//                                                         → the key, shown once, and its key_id
//   POST /admin/keys/{key_id}/revoke                      refused from the next call on
//   POST /admin/tenants/{tenant}/customers                {"email","password","scopes"?} (role customer)
//   POST /admin/tenants/{tenant}/staff                    {"email","password","scopes"?} (role staff)
//   POST /admin/tenants/{tenant}/staff/{email}/token      {"lifetime_seconds"}: a short staff token
//                                                         (support sessions; 1 to 3600 seconds)
//   POST /admin/tenants/{tenant}/users/{email}/deactivate its tokens are refused on the next call
//   POST /admin/tenants/{tenant}/users/{email}/reactivate tokens from before stay refused
//
// Every security decision is tessera's. Customers and staff live in one client registry as users
// "<tenant>:<email>" (credentials::register_user / user_login: slow password hashing, the same cost
// for unknown emails, the failed-login lock-out); their tokens carry sub (the user id), "tenant",
// "roles" and "scope", and are verified with client_revocation over that registry (principal
// claim "sub"), so a deactivation reaches them on the next call. Tenant API keys are
// "ak_live_..." keys (api_key::generator / verifier over a memory_key_store, digests only);
// admin keys are "adm_live_..." keys of their own store, so neither ever opens the other's
// surface. Every route names the one credential kind it takes (route::credentials), so an API key
// on a JWT surface and a JWT on an API-key surface are refused before they are verified, and a
// 401 challenges only that route's scheme (authenticator::respond(e, route)).
//
// Statuses and choices:
//   401  missing, malformed (the "Bearer " prefix is mandatory), unknown, expired, revoked,
//        deactivated, or of another tenant; a credential of the wrong kind for the route
//        (credential_not_accepted); two credentials at once (malformed_credentials).
//        Tenant mismatch is 401 wrong_tenant for both mechanisms: for API keys
//        (authenticator_options::api_key_tenant_mismatch, the default) and for JWTs
//        (token_tenant_mismatch = wrong_tenant), so a credential learns nothing about other
//        tenants and "401 = wrong tenant" holds on all four surfaces, as the model says.
//        "code": -23 is on every 401 of the API-key surfaces (integrations, feed, admin): every
//        API-key failure (http::api_key_legacy_code(-23)) and a bearer token sent where an API key
//        belongs (credential_not_accepted there). The JWT surfaces answer without the legacy code,
//        an API key sent to them included. The code follows the surface, so two authenticators
//        share the methods and the audit sink and differ only in their error options.
//   403  valid but not allowed: missing_scope (a scope of the route), forbidden (a customer on
//        the back office or staff on the storefront: the route's role); a tenant whose plan lacks
//        the feed: every key carries its tenant's plan entitlements as scopes ("plan:feed",
//        stamped at issuance, never grantable by request) and the feed route requires
//        "plan:feed" besides "feed:read" (missing_scope).
//   429  too_many_failed_logins after 5 wrong passwords in a row (lock-out 60 s, Retry-After: 60).
//   400  malformed bodies and paths; 404  unknown routes, tenants, SKUs, keys and users (JSON body).
// Both logins take any user of the tenant and issue a token with that user's own roles, so a
// customer's token is refused by the back office (403) and a staff token by the storefront. The
// admin's short staff tokens (credentials::client_claims of the staff record) are made for active
// staff accounts only, and never outlive an hour; they exist for support sessions (and let the
// partner script see a token expire). Audit: every authenticator decision, each login's outcome
// (tenant and cause), and the business events (cart and product changes, key and user admin).
#include <tessera/adapters/httplib.hpp>
#include <tessera/api_key.hpp>
#include <tessera/credentials.hpp>
#include <tessera/http.hpp>
#include <tessera/jwt.hpp>

#include <algorithm>
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
using json = nlohmann::json;

constexpr const char* issuer_name = "https://platform.example.com";
constexpr const char* audience = "commerce-platform";

// A tenant of the platform and what its plan includes (business data, fixed at start-up).
struct tenant_plan {
  std::string plan;
  std::vector<std::string> entitlements;  // stamped on every key of the tenant as scopes
};
const std::map<std::string, tenant_plan, std::less<>> tenants = {
    {"acme", {"plus", {"plan:feed"}}},
    {"globex", {"basic", {}}},
};

// What each kind of account may be granted (input validation of the admin surface).
const std::vector<std::string> customer_scopes = {"cart:read", "cart:write"};
const std::vector<std::string> staff_scopes = {"orders:read"};
const std::vector<std::string> integration_scopes = {"products:read", "products:write", "feed:read"};

// The platform's data: catalogues, carts and orders per tenant (no security in here).
struct shop {
  std::mutex mu;
  std::map<std::string, std::map<std::string, json>> products;  // tenant → sku → product
  std::map<std::string, json> carts;                            // user id → items
  std::map<std::string, json> orders;                           // tenant → orders
};

credentials::sys_seconds now_seconds() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// The requested scopes of an admin body: absent gives the defaults; each must be grantable.
result<std::vector<std::string>> requested_scopes(const json& body, const std::vector<std::string>& grantable,
                                                  const std::vector<std::string>& defaults) {
  if (!body.contains("scopes")) return defaults;
  const json& s = body["scopes"];
  if (!s.is_array()) return unexpected{errc::invalid_scope};
  std::vector<std::string> out;
  for (const auto& v : s) {
    if (!v.is_string() || std::find(grantable.begin(), grantable.end(), v.get<std::string>()) == grantable.end())
      return unexpected{errc::invalid_scope};
    out.push_back(v.get<std::string>());
  }
  return out;
}

// An optional positive "lifetime_seconds" of an admin body, at most `most`.
result<std::optional<std::chrono::seconds>> requested_lifetime(const json& body, long long most) {
  if (!body.contains("lifetime_seconds")) return std::optional<std::chrono::seconds>{};
  const json& v = body["lifetime_seconds"];
  if (!v.is_number_integer() || v.get<long long>() <= 0 || v.get<long long>() > most) return unexpected{errc::invalid_argument};
  return std::optional<std::chrono::seconds>{std::chrono::seconds(v.get<long long>())};
}
}  // namespace

int main(int argc, char** argv) {
  const sigset_t stop = servers::block_stop_signals();
  const servers::options opt = servers::parse(argc, argv);

  // ---- Tokens: one HS256 key, one issuer, users in one registry -----------------------------
  auto jwt_secret = core::random_secret(32);
  if (!jwt_secret) return 1;
  auto signing = jwt::signing_key::hmac(jwt::alg::hs256, jwt_secret->expose_secret(), "platform-2026");
  auto rules = jwt::rules::builder{}.issuer(issuer_name).audience(audience).build();  // principal: sub
  if (!signing || !rules) return 1;
  jwt::issuer<> issuer(*signing, {.issuer = issuer_name, .lifetime = 1h});

  credentials::memory_client_registry users;  // customers and staff, "<tenant>:<email>"
  const auto policy = opt.fast_hashing ? credentials::hash_policy::scrypt_with(1u << 10, 8, 1) : credentials::hash_policy{};
  credentials::authenticator_options password_opts;
  password_opts.policy = policy;
  password_opts.throttle = {.max_failures = 5, .lockout = 60s};
  auto passwords = credentials::client_authenticator<>::create(users, password_opts);
  if (!passwords) return 1;
  credentials::user_login<const credentials::client_authenticator<>&, const jwt::issuer<>&> logins(
      *passwords, issuer, {.lifetime = 1h, .audience = audience});

  using revocation = credentials::client_revocation<credentials::memory_client_registry&>;
  jwt::verifier<jwt::single_key, core::coarse_clock, revocation> tokens(jwt::single_key(signing->verification().value()),
                                                                        *rules, core::coarse_clock{}, revocation(users));

  // ---- API keys: tenants' keys, and the admin's of their own --------------------------------
  auto pepper = core::random_secret(32);
  auto admin_pepper = core::random_secret(32);
  if (!pepper || !admin_pepper) return 1;
  auto peppers = api_key::pepper_ring::create(1, pepper->expose_secret());
  auto admin_peppers = api_key::pepper_ring::create(1, admin_pepper->expose_secret());
  if (!peppers || !admin_peppers) return 1;
  api_key::memory_key_store tenant_keys, admin_keys;
  const api_key::key_format key_format{"ak", "live", 30};
  const api_key::key_format admin_format{"adm", "live", 30};
  auto key_generator = api_key::generator<>::create(key_format, *peppers);
  auto key_verifier = api_key::verifier<>::create(key_format, *peppers, tenant_keys);
  auto admin_generator = api_key::generator<>::create(admin_format, *admin_peppers);
  auto admin_verifier = api_key::verifier<>::create(admin_format, *admin_peppers, admin_keys);
  if (!key_generator || !key_verifier || !admin_generator || !admin_verifier) return 1;
  auto bootstrap = admin_generator->issue(admin_keys, {.tenant = "operator", .scopes = {"platform:admin"}, .key_id = "bootstrap"});
  if (!bootstrap) return 1;

  // ---- Authenticators: one audit trail; the JWT and API-key surfaces differ only in errors ----
  http::file_audit audit({.path = opt.audit_file, .flush_interval = opt.audit_flush});
  const http::claim_names token_claims{.tenant = "tenant"};
  http::authenticator_options jwt_opts;
  jwt_opts.token_tenant_mismatch = errc::wrong_tenant;  // 401, like an API key of another tenant
  http::authenticator jwt_auth(audit, http::no_rate_limit{}, jwt_opts, http::bearer_method(tokens, token_claims),
                               http::api_key_method(*key_verifier));
  http::authenticator_options key_opts;
  key_opts.token_tenant_mismatch = errc::wrong_tenant;
  key_opts.errors.legacy_code = [api_key_code = http::api_key_legacy_code(-23)](errc e) -> std::optional<int> {
    if (e == errc::credential_not_accepted) return -23;  // a bearer token where the API key belongs
    return api_key_code(e);
  };
  http::authenticator key_auth(audit, http::no_rate_limit{}, key_opts, http::bearer_method(tokens, token_claims),
                               http::api_key_method(*key_verifier));
  http::authenticator_options admin_opts;
  admin_opts.errors.legacy_code = http::api_key_legacy_code(-23);
  http::authenticator admin_auth(audit, http::no_rate_limit{}, admin_opts, http::api_key_method(*admin_verifier));

  http::error_options login_errors;  // the login answers (JWT surfaces: no legacy code)
  login_errors.retry_after_seconds = static_cast<int>(password_opts.throttle.lockout.count());

  using kind = http::credential_kind;
  const http::route cart_read{.pattern = "/storefront/{tenant}/cart", .tenant = "tenant", .scopes = {"cart:read"},
                              .role = "customer", .credentials = {kind::bearer_token}};
  const http::route cart_write{.pattern = "/storefront/{tenant}/cart/items", .tenant = "tenant", .scopes = {"cart:write"},
                               .role = "customer", .credentials = {kind::bearer_token}};
  const http::route orders_read{.pattern = "/backoffice/{tenant}/orders", .tenant = "tenant", .scopes = {"orders:read"},
                                .role = "staff", .credentials = {kind::bearer_token}};
  const http::route products_read{.pattern = "/integrations/{tenant}/products", .tenant = "tenant",
                                  .scopes = {"products:read"}, .credentials = {kind::api_key}};
  const http::route product_write{.pattern = "/integrations/{tenant}/products/{sku}", .tenant = "tenant",
                                  .scopes = {"products:write"}, .credentials = {kind::api_key}};
  const http::route catalog_feed{.pattern = "/feed/{tenant}/catalog", .tenant = "tenant",
                                 .scopes = {"feed:read", "plan:feed"}, .credentials = {kind::api_key}};
  const http::route admin_route{.pattern = "/admin/*", .scopes = {"platform:admin"}};

  shop data;
  data.products["acme"] = {{"sku-1", {{"sku", "sku-1"}, {"name", "Widget"}, {"price", 9.5}, {"stock", 40}}},
                           {"sku-2", {{"sku", "sku-2"}, {"name", "Gadget"}, {"price", 24.0}, {"stock", 7}}}};
  data.products["globex"] = {{"g-1", {{"sku", "g-1"}, {"name", "Sprocket"}, {"price", 3.25}, {"stock", 500}}}};
  data.orders["acme"] = json::array({{{"order_id", "ord-1001"}, {"total", 19.0}}, {{"order_id", "ord-1002"}, {"total", 24.0}}});
  data.orders["globex"] = json::array({{{"order_id", "ord-2001"}, {"total", 6.5}}});

  httplib::Server server;
  server.set_payload_max_length(64 * 1024);
  adapters::httplib::prepare(server, login_errors);

  // Authenticates a request for a route; on refusal writes the answer and returns nothing.
  auto admit = [](const auto& auth, const httplib::Request& req, httplib::Response& res,
                  const http::route& rt) -> result<http::principal> {
    auto who = auth.authenticate(request(req), rt);
    if (!who) write(res, auth.respond(who.error(), rt));
    return who;
  };

  // ---- Logins: storefront customers and back-office staff -------------------------------------
  auto login = [&](const httplib::Request& req, httplib::Response& res, std::string_view action) {
    const request view(req);
    const std::string tenant = req.matches[1].str();
    auto t = logins.login(tenant, view);
    http::audit_event e;  // the outcome, never the body (user_login does not say who logged in)
    e.at = std::chrono::system_clock::now();
    e.action = action;
    e.allowed = t.has_value();
    e.cause = t ? errc{} : t.error();
    e.tenant = tenant;
    e.method = view.method();
    e.path = view.path();
    audit.record(e);
    if (!t) return write(res, http::make_error_response(t.error(), login_errors));
    servers::reply(res, 200, credentials::token_response(*t, credentials::oauth_response()));
  };
  server.Post(R"(/storefront/([^/]+)/login)", [&](const httplib::Request& req, httplib::Response& res) {
    login(req, res, "storefront.login");
  });
  server.Post(R"(/backoffice/([^/]+)/login)", [&](const httplib::Request& req, httplib::Response& res) {
    login(req, res, "backoffice.login");
  });

  // ---- Storefront: the customer's own cart ------------------------------------------------------
  server.Get(R"(/storefront/([^/]+)/cart)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admit(jwt_auth, req, res, cart_read);
    if (!who) return;
    std::lock_guard lock(data.mu);
    const auto it = data.carts.find(who->subject);
    servers::reply(res, 200, {{"customer", who->subject}, {"items", it == data.carts.end() ? json::array() : it->second}});
  });
  server.Post(R"(/storefront/([^/]+)/cart/items)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admit(jwt_auth, req, res, cart_write);
    if (!who) return;
    const auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("sku") || !body["sku"].is_string() || !body.contains("qty") ||
        !body["qty"].is_number_integer() || body["qty"].get<long long>() <= 0 || body["qty"].get<long long>() > 1000)
      return write(res, jwt_auth.respond(errc::malformed_request, cart_write));
    const std::string sku = body["sku"].get<std::string>();
    const long long qty = body["qty"].get<long long>();
    json items;
    {
      std::lock_guard lock(data.mu);
      const auto& catalogue = data.products[who->tenant];
      if (catalogue.find(sku) == catalogue.end()) return write(res, jwt_auth.respond(errc::route_not_found, cart_write));
      json& cart = data.carts[who->subject];
      if (!cart.is_array()) cart = json::array();
      cart.push_back({{"sku", sku}, {"qty", qty}});
      items = cart;
    }
    audit.record(http::business_event(*who, request(req), "cart.add_item", "products/" + sku, "qty " + std::to_string(qty)));
    servers::reply(res, 201, {{"customer", who->subject}, {"items", items}});
  });

  // ---- Back office: the tenant's orders ---------------------------------------------------------
  server.Get(R"(/backoffice/([^/]+)/orders)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admit(jwt_auth, req, res, orders_read);
    if (!who) return;
    std::lock_guard lock(data.mu);
    servers::reply(res, 200, {{"tenant", who->tenant}, {"orders", data.orders[who->tenant]}});
  });

  // ---- Integrations and the catalog feed: API keys ---------------------------------------------
  server.Get(R"(/integrations/([^/]+)/products)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admit(key_auth, req, res, products_read);
    if (!who) return;
    std::lock_guard lock(data.mu);
    json list = json::array();
    for (const auto& [sku, p] : data.products[who->tenant]) list.push_back(p);
    servers::reply(res, 200, {{"tenant", who->tenant}, {"products", list}});
  });
  server.Put(R"(/integrations/([^/]+)/products/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admit(key_auth, req, res, product_write);
    if (!who) return;
    const std::string sku = req.matches[2].str();
    const auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("name") || !body["name"].is_string() || !body.contains("price") ||
        !body["price"].is_number() || !body.contains("stock") || !body["stock"].is_number_integer())
      return write(res, key_auth.respond(errc::malformed_request, product_write));
    const json product = {{"sku", sku}, {"name", body["name"]}, {"price", body["price"]}, {"stock", body["stock"]}};
    bool created = false;
    {
      std::lock_guard lock(data.mu);
      auto& catalogue = data.products[who->tenant];
      created = catalogue.find(sku) == catalogue.end();
      catalogue[sku] = product;
    }
    audit.record(http::business_event(*who, request(req), created ? "product.create" : "product.update", "products/" + sku,
                                      "integration upsert"));
    servers::reply(res, created ? 201 : 200, product);
  });
  server.Get(R"(/feed/([^/]+)/catalog)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admit(key_auth, req, res, catalog_feed);
    if (!who) return;
    std::lock_guard lock(data.mu);
    json items = json::array();
    for (const auto& [sku, p] : data.products[who->tenant])
      items.push_back({{"id", sku}, {"title", p["name"]}, {"price", p["price"]}, {"in_stock", p["stock"].get<long long>() > 0}});
    servers::reply(res, 200, {{"tenant", who->tenant}, {"items", items}});
  });

  // ---- Admin -------------------------------------------------------------------------------------
  auto admin_error = [&](httplib::Response& res, errc e) { write(res, admin_auth.respond(e, admin_route)); };
  // The tenant of an admin path, when it is one of the platform's.
  auto known_tenant = [&](const httplib::Request& req, httplib::Response& res) -> const tenant_plan* {
    const auto it = tenants.find(req.matches[1].str());
    if (it == tenants.end()) admin_error(res, errc::route_not_found);
    return it == tenants.end() ? nullptr : &it->second;
  };

  server.Post(R"(/admin/tenants/([^/]+)/keys)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admit(admin_auth, req, res, admin_route);
    if (!who) return;
    const tenant_plan* tenant = known_tenant(req, res);
    if (!tenant) return;
    const auto body = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    if (!body.is_object() || (body.contains("integration") && !body["integration"].is_string()))
      return admin_error(res, errc::malformed_request);
    auto scopes = requested_scopes(body, integration_scopes, {});
    if (!scopes) return admin_error(res, scopes.error());
    auto lifetime = requested_lifetime(body, 365LL * 24 * 3600);
    if (!lifetime) return admin_error(res, lifetime.error());
    api_key::key_spec spec;
    spec.tenant = req.matches[1].str();
    spec.scopes = std::move(*scopes);
    for (const auto& e : tenant->entitlements) spec.scopes.push_back(e);  // the plan, never the request
    spec.integration = body.value("integration", "");
    spec.lifetime = *lifetime;
    auto issued = key_generator->issue(tenant_keys, std::move(spec));
    if (!issued) return admin_error(res, issued.error());
    const auto& r = issued->record;
    audit.record(http::business_event(*who, request(req), "api_key.create", "api_keys/" + r.key_id, r.integration));
    json answer = {{"key_id", r.key_id},
                   {"key", std::string(issued->key.expose_secret_text())},  // shown once
                   {"tenant", r.tenant},
                   {"scopes", r.scopes}};
    if (r.expires_at) answer["expires_at"] = r.expires_at->time_since_epoch().count();
    servers::reply(res, 201, answer);
  });
  server.Post(R"(/admin/keys/([^/]+)/revoke)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admit(admin_auth, req, res, admin_route);
    if (!who) return;
    const std::string id = req.matches[1].str();
    if (auto r = tenant_keys.revoke(id, now_seconds()); !r)
      return admin_error(res, r.error() == errc::api_key_unknown ? errc::route_not_found : r.error());
    audit.record(http::business_event(*who, request(req), "api_key.revoke", "api_keys/" + id, "admin request"));
    servers::reply(res, 200, {{"key_id", id}, {"status", "revoked"}});
  });

  auto register_account = [&](const httplib::Request& req, httplib::Response& res, const char* role,
                              const std::vector<std::string>& grantable) {
    auto who = admit(admin_auth, req, res, admin_route);
    if (!who) return;
    if (!known_tenant(req, res)) return;
    const auto body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("email") || !body["email"].is_string() || !body.contains("password") ||
        !body["password"].is_string())
      return admin_error(res, errc::missing_field);
    auto scopes = requested_scopes(body, grantable, grantable);
    if (!scopes) return admin_error(res, scopes.error());
    credentials::user_spec spec{.tenant = req.matches[1].str(), .email = body["email"].get<std::string>(), .roles = {role},
                                .scopes = std::move(*scopes)};
    const std::string& password = body["password"].get_ref<const std::string&>();
    auto user = credentials::register_user(users, spec, core::bytes_view(std::string_view(password)), now_seconds(), policy);
    if (!user) return admin_error(res, user.error());
    audit.record(http::business_event(*who, request(req), std::string(role) + ".register", "users/" + (*user)->client_id,
                                      "admin request"));
    servers::reply(res, 201, {{"user_id", (*user)->client_id}, {"tenant", (*user)->tenant}, {"roles", (*user)->roles},
                              {"scopes", (*user)->scopes}});
  };
  server.Post(R"(/admin/tenants/([^/]+)/customers)", [&](const httplib::Request& req, httplib::Response& res) {
    register_account(req, res, "customer", customer_scopes);
  });
  server.Post(R"(/admin/tenants/([^/]+)/staff)", [&](const httplib::Request& req, httplib::Response& res) {
    register_account(req, res, "staff", staff_scopes);
  });

  server.Post(R"(/admin/tenants/([^/]+)/staff/([^/]+)/token)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admit(admin_auth, req, res, admin_route);
    if (!who) return;
    if (!known_tenant(req, res)) return;
    const auto body = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    if (!body.is_object()) return admin_error(res, errc::malformed_request);
    auto lifetime = requested_lifetime(body, 3600);
    if (!lifetime) return admin_error(res, lifetime.error());
    auto id = credentials::user_id(req.matches[1].str(), req.matches[2].str());
    if (!id) return admin_error(res, errc::route_not_found);
    auto staff = passwords->active_client(*id);  // never for a deactivated account
    if (!staff) return admin_error(res, staff.error() == errc::unknown_client ? errc::route_not_found : errc::forbidden);
    if (!(*staff)->has_role("staff")) return admin_error(res, errc::route_not_found);  // staff accounts only
    auto t = issuer.issue(credentials::client_claims(**staff, {.lifetime = lifetime->value_or(15min), .audience = audience}));
    if (!t) return admin_error(res, t.error());
    audit.record(http::business_event(*who, request(req), "staff.token_issue", "users/" + *id, "admin request"));
    servers::reply(res, 201, credentials::token_response(*t, credentials::oauth_response()));
  });
  server.Post(R"(/admin/tenants/([^/]+)/users/([^/]+)/(deactivate|reactivate))",
              [&](const httplib::Request& req, httplib::Response& res) {
                auto who = admit(admin_auth, req, res, admin_route);
                if (!who) return;
                if (!known_tenant(req, res)) return;
                auto id = credentials::user_id(req.matches[1].str(), req.matches[2].str());
                if (!id) return admin_error(res, errc::route_not_found);
                const bool off = req.matches[3] == "deactivate";
                auto r = off ? users.deactivate(*id, now_seconds()) : users.reactivate(*id);
                if (!r) return admin_error(res, r.error() == errc::unknown_client ? errc::route_not_found : r.error());
                audit.record(http::business_event(*who, request(req), off ? "user.deactivate" : "user.reactivate",
                                                  "users/" + *id, "admin request"));
                servers::reply(res, 200, {{"user_id", *id}, {"active", !off}});
              });

  json plans = json::object();
  for (const auto& [id, t] : tenants) plans[id] = t.plan;
  return servers::run(server, opt, stop, {{"admin_key", std::string(bootstrap->key.expose_secret_text())}, {"tenants", plans}});
}
