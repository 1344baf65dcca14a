// 08 — A whole org-scoped partner API on a real HTTP server (cpp-httplib), with one
// http::authenticator call per handler.
//
//   POST  /v2/orgs/{orgId}/token         an API key (ApiKey header) traded for a 1-hour JWT
//   GET   /v2/orgs/{orgId}/orders        Bearer JWT of that org, scope orders:read
//   PATCH /v2/orgs/{orgId}/stock/{sku}   Bearer JWT of that org, scope stock:write; the change
//                                        is audited with its actor and reason
//
// Every refusal is one errc, rendered by authenticator::respond() as a status and JSON body.
// The program starts the server on a free local port, calls it as a partner would, prints what
// happened and the audit trail, and exits 0 when every answer was the expected one.
#include <tessera/adapters/httplib.hpp>
#include <tessera/api_key.hpp>
#include <tessera/authz.hpp>
#include <tessera/credentials.hpp>
#include <tessera/http.hpp>
#include <tessera/jwt.hpp>

#include <cstdio>
#include <string>
#include <thread>

namespace {
using namespace tessera;

// The request view and error writer come with tessera (tessera::httplib): the path and query
// come from the raw request target, and a header sent twice is refused, never read as its first.
using adapters::httplib::request;
using adapters::httplib::write;

// The org segment of a /v2/orgs/{orgId}/... path.
std::string_view org_of(std::string_view path) {
  auto p = authz::match_path("/v2/orgs/{orgId}/*", path);
  return p ? p->get("orgId").value_or("") : "";
}
}  // namespace

int main() {
  using namespace std::chrono_literals;

  // ---- Start-up: keys, stores, verifiers, one authenticator ---------------------------------
  auto pepper = core::random_secret(32);
  auto jwt_secret = core::random_secret(32);
  if (!pepper || !jwt_secret) return 1;
  auto peppers = api_key::pepper_ring::create(1, pepper->expose_secret());
  auto signing = jwt::signing_key::hmac(jwt::alg::hs256, jwt_secret->expose_secret(), "2026-11");
  auto rules = jwt::rules::builder{}.issuer("https://api.example.com").audience("partner-api").build();
  if (!peppers || !signing || !rules) return 1;
  api_key::memory_key_store key_store;
  const api_key::key_format format{"ak", "live", 30};
  auto generator = api_key::generator<>::create(format, *peppers);
  auto key_verifier = api_key::verifier<>::create(format, *peppers, key_store);
  if (!generator || !key_verifier) return 1;
  jwt::issuer<> issuer(*signing, {.issuer = "https://api.example.com", .lifetime = 1h});
  jwt::verifier token_verifier(jwt::single_key(signing->verification().value()), *rules);
  credentials::api_key_exchange<const api_key::verifier<>&, const jwt::issuer<>&> exchange(
      *key_verifier, issuer, {.lifetime = 1h, .audience = "partner-api"});

  http::memory_audit audit;
  authz::token_bucket_limiter limiter(50, 100);  // per principal: bursts of 100, 50 per second
  http::authenticator_options options;
  options.errors.retry_after_seconds = limiter.retry_after_seconds();
  http::authenticator auth(audit, limiter, options, http::bearer_method(token_verifier, {.tenant = "org_id"}));
  const http::route list_orders{.pattern = "/v2/orgs/{orgId}/orders", .tenant = "orgId", .scopes = {"orders:read"}};
  const http::route change_stock{.pattern = "/v2/orgs/{orgId}/stock/{sku}", .tenant = "orgId", .scopes = {"stock:write"}};

  // An admin issued this key to org_42's ERP integration earlier (shown once, stored as a hash).
  api_key::key_spec spec;
  spec.tenant = "org_42";
  spec.scopes = {"orders:read"};
  spec.integration = "erp";
  auto issued = generator->issue(key_store, spec);
  if (!issued) return 1;
  const std::string erp_key(issued->key.expose_secret_text());

  // ---- The handlers ---------------------------------------------------------------------------
  httplib::Server server;
  adapters::httplib::prepare(server, options.errors);  // TCP_NODELAY, and JSON bodies on the framework's own errors
  server.Post(R"(/v2/orgs/([^/]+)/token)", [&](const httplib::Request& req, httplib::Response& res) {
    request view(req);
    auto key = http::credential_value(view.header("ApiKey"));
    auto token = key ? exchange.exchange(*key, org_of(view.path())) : result<credentials::exchange_result>(unexpected{key.error()});
    if (!token) return write(res, auth.respond(token.error()));
    res.set_content(credentials::oauth_token_response(*token).dump(), "application/json");
  });
  server.Get(R"(/v2/orgs/([^/]+)/orders)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = auth.authenticate(request(req), list_orders);
    if (!who) return write(res, auth.respond(who.error()));
    res.set_content(nlohmann::json{{"org", who->tenant}, {"orders", nlohmann::json::array()}}.dump(), "application/json");
  });
  server.Patch(R"(/v2/orgs/([^/]+)/stock/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    request view(req);
    auto who = auth.authenticate(view, change_stock);
    if (!who) return write(res, auth.respond(who.error()));
    // The server's own audit record: who changed what, and why (the partner's stated reason).
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    const std::string reason = body.is_object() && body["reason"].is_string() ? body["reason"].get<std::string>() : "";
    http::audit_event e;
    e.at = std::chrono::system_clock::now();
    e.action = "stock.adjust";
    e.allowed = true;
    e.credential = http::name(who->kind);
    e.actor = who->subject;
    e.tenant = who->tenant;
    e.method = view.method();
    e.path = view.path();
    e.reason = reason;
    audit.record(e);
    res.set_content(R"({"updated":true})", "application/json");
  });

  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) return 1;
  std::thread serving([&] { server.listen_after_bind(); });

  // ---- A partner calls the API ---------------------------------------------------------------
  httplib::Client client("127.0.0.1", port);
  bool as_expected = true;
  auto expect = [&](const char* what, const httplib::Result& r, int status) {
    const int got = r ? r->status : -1;
    std::printf("%-46s %d %s\n", what, got, r && got != 200 ? r->body.c_str() : "");
    as_expected = as_expected && got == status;
  };

  auto login = client.Post("/v2/orgs/org_42/token", {{"ApiKey", erp_key}}, "", "application/json");
  expect("POST /v2/orgs/org_42/token (ApiKey)", login, 200);
  const std::string token =
      login && login->status == 200 ? nlohmann::json::parse(login->body)["access_token"].get<std::string>() : "";
  const httplib::Headers bearer{{"Authorization", "Bearer " + token}};

  expect("POST /v2/orgs/org_7/token (org_42's key)", client.Post("/v2/orgs/org_7/token", {{"ApiKey", erp_key}}, "", "application/json"), 401);
  expect("GET /v2/orgs/org_42/orders", client.Get("/v2/orgs/org_42/orders", bearer), 200);
  expect("GET /v2/orgs/org_7/orders (other org)", client.Get("/v2/orgs/org_7/orders", bearer), 403);
  expect("GET /v2/orgs/org_42/orders (no Bearer prefix)", client.Get("/v2/orgs/org_42/orders", {{"Authorization", token}}), 401);
  expect("GET /v2/orgs/org_42/orders (no credentials)", client.Get("/v2/orgs/org_42/orders"), 401);
  expect("PATCH /v2/orgs/org_42/stock/sku-9 (no scope)",
         client.Patch("/v2/orgs/org_42/stock/sku-9", bearer, R"({"delta":-4,"reason":"damaged"})", "application/json"), 403);

  // A token with stock:write, as another integration of org_42 would hold.
  jwt::claims warehouse;
  warehouse.subject("key_warehouse").audience("partner-api");
  warehouse.set("org_id", "org_42");
  warehouse.set("scope", "stock:write");
  auto wh = issuer.issue(warehouse);
  if (!wh) return 1;
  expect("PATCH /v2/orgs/org_42/stock/sku-9 (stock:write)",
         client.Patch("/v2/orgs/org_42/stock/sku-9", {{"Authorization", "Bearer " + wh->token}},
                      R"({"delta":-4,"reason":"cycle count: 4 damaged"})", "application/json"),
         200);

  server.stop();
  serving.join();

  // ---- The audit trail: every decision, and the stock change with its actor and reason ------
  std::printf("\naudit trail:\n");
  for (const auto& e : audit.events()) {
    const std::string cause(e.allowed ? std::string_view() : core::name(e.cause));
    std::printf("  %-13s %-7s %-5s %-32s %-16s %-14s %s\n", e.action.c_str(), e.allowed ? "allowed" : "refused",
                e.method.c_str(), e.path.c_str(), cause.c_str(), e.actor.c_str(), e.reason.c_str());
  }
  return as_expected ? 0 : 1;
}
