// Tests for tessera/http/authenticator.hpp: the whole pipeline through its public API, one test
// per security model of the design notes, plus the order of checks, ambiguity, rate limits,
// roles, route configuration errors and the audit trail it writes.
#include "tessera/http/authenticator.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "http/challenges.hpp"
#include "http/fixtures.hpp"
#include "support/catch.hpp"
#include "tessera/authz/rate_limit.hpp"
#include "tessera/authz/roles.hpp"

using namespace tessera;
using http_fixture::make_request;
using http_fixture::challenges;
using http_fixture::world;

namespace {
// The cause of a refusal, or errc{} when the request was let through.
errc cause_of(const result<http::principal>& r) { return r ? errc{} : r.error(); }

const http::route org_orders{.pattern = "/v2/orgs/{orgId}/orders", .tenant = "orgId", .scopes = {"orders:read"}};
}  // namespace

TEST_CASE("org-scoped API: the bearer token's org must be the path's org, and scopes are per route",
          "[http][authenticator]") {
  world w;
  http::memory_audit audit;
  http::authenticator auth(audit, http::no_rate_limit{}, {}, http::bearer_method(w.tokens, {.tenant = "org_id"}));
  const std::string tok = w.token({{"org_id", "org_123"}, {"scope", "orders:read stock:write"}});
  const std::string bearer = "Bearer " + tok;

  auto ok = auth.authenticate(make_request("GET", "/v2/orgs/org_123/orders", {{"Authorization", bearer}}), org_orders);
  REQUIRE(ok);
  CHECK(ok->kind == http::credential_kind::bearer_token);
  CHECK(ok->subject == "integration-17");
  CHECK(ok->tenant == "org_123");
  CHECK(ok->scopes == std::vector<std::string>{"orders:read", "stock:write"});
  REQUIRE(ok->token);
  CHECK(ok->token->claim_string("org_id").value() == "org_123");

  // Another org's path: 403 tenant_mismatch, after the token itself verified.
  auto other = auth.authenticate(make_request("GET", "/v2/orgs/org_7/orders", {{"Authorization", bearer}}), org_orders);
  CHECK(cause_of(other) == errc::tenant_mismatch);
  CHECK(auth.respond(other.error()).status == 403);

  // A route demanding a scope the token lacks: 403 missing_scope.
  const http::route refunds{.pattern = "/v2/orgs/{orgId}/refunds", .tenant = "orgId", .scopes = {"orders:read", "refunds:write"}};
  auto refund = auth.authenticate(make_request("POST", "/v2/orgs/org_123/refunds", {{"Authorization", bearer}}), refunds);
  CHECK(cause_of(refund) == errc::missing_scope);

  // Tenant binding is exact: a prefix, a longer id or another case is another org.
  for (std::string_view org : {"org_12", "org_1234", "ORG_123"}) {
    CAPTURE(org);
    const std::string path = "/v2/orgs/" + std::string(org) + "/orders";
    CHECK(cause_of(auth.authenticate(make_request("GET", path, {{"Authorization", bearer}}), org_orders)) ==
          errc::tenant_mismatch);
  }
  // A token without the org claim cannot be bound to an org: missing_claim (401).
  const std::string no_org = "Bearer " + w.token({{"scope", "orders:read"}});
  CHECK(cause_of(auth.authenticate(make_request("GET", "/v2/orgs/org_123/orders", {{"Authorization", no_org}}),
                                   org_orders)) == errc::missing_claim);
  // An org claim that is not a string, or a scope claim that is a number: invalid_claim.
  for (const nlohmann::json& bad : {nlohmann::json{{"org_id", 123}, {"scope", "orders:read"}},
                                    nlohmann::json{{"org_id", "org_123"}, {"scope", 5}},
                                    nlohmann::json{{"org_id", "org_123"}, {"roles", {{"a", 1}}}}}) {
    CAPTURE(bad.dump());
    const std::string t = "Bearer " + w.token(bad);
    CHECK(cause_of(auth.authenticate(make_request("GET", "/v2/orgs/org_123/orders", {{"Authorization", t}}),
                                     org_orders)) == errc::invalid_claim);
  }

  // Every decision was audited, without the token.
  auto events = audit.events();
  REQUIRE(events.size() == 10);
  CHECK(events[0].allowed);
  CHECK(events[0].credential == "bearer_token");
  CHECK(events[0].actor == "integration-17");
  CHECK(events[0].tenant == "org_123");
  CHECK(events[0].method == "GET");
  CHECK(events[0].path == "/v2/orgs/org_123/orders");
  CHECK_FALSE(events[1].allowed);
  CHECK(events[1].cause == errc::tenant_mismatch);
  CHECK(events[1].actor == "integration-17");  // a valid token on another org's path: who tried
  CHECK(events[1].tenant == "org_123");
  CHECK(events[1].path == "/v2/orgs/org_7/orders");
  CHECK(events[2].cause == errc::missing_scope);
  for (const auto& e : events) {
    CHECK(e.action == "authenticate");
    for (const std::string* field : {&e.actor, &e.tenant, &e.path, &e.reason, &e.credential})
      CHECK(field->find(tok.substr(0, 20)) == std::string::npos);
  }
}

TEST_CASE("multi-surface platform: Bearer is mandatory, API keys come from a case-insensitive ApiKey header",
          "[http][authenticator]") {
  world w;
  http::authenticator_options opts;
  opts.errors.legacy_code = http::api_key_legacy_code(-23);
  http::authenticator auth(http::null_audit{}, http::no_rate_limit{}, opts,
                           http::bearer_method(w.tokens, {.tenant = "tenant"}), http::api_key_method(w.keys));
  const http::route customers{.pattern = "/tenants/{tenant}/customers", .tenant = "tenant", .scopes = {"customers:read"}};
  const std::string tok = w.token({{"tenant", "acme"}, {"scope", "customers:read"}});
  const std::string key = w.key("acme", {"customers:read"}, "key_erp");

  // A raw token without "Bearer ": 401 malformed_credentials; nothing at all: missing_credentials.
  CHECK(cause_of(auth.authenticate(make_request("GET", "/tenants/acme/customers", {{"Authorization", tok}}), customers)) ==
        errc::malformed_credentials);
  auto none = auth.authenticate(make_request("GET", "/tenants/acme/customers", {}), customers);
  CHECK(cause_of(none) == errc::missing_credentials);
  CHECK(auth.respond(none.error()).status == 401);

  // The bearer surface and the API-key surface, each on its own.
  auto by_token = auth.authenticate(
      make_request("GET", "/tenants/acme/customers", {{"authorization", "Bearer " + tok}}), customers);
  REQUIRE(by_token);
  CHECK(by_token->kind == http::credential_kind::bearer_token);
  auto by_key = auth.authenticate(make_request("GET", "/tenants/acme/customers", {{"APIKEY", key}}), customers);
  REQUIRE(by_key);
  CHECK(by_key->kind == http::credential_kind::api_key);
  CHECK(by_key->subject == "key_erp");
  CHECK(by_key->tenant == "acme");
  CHECK(by_key->has_scope("customers:read"));
  REQUIRE(by_key->key);
  CHECK(by_key->key->key_id() == "key_erp");

  // Both credentials at once are ambiguous: refused, whichever would have passed.
  CHECK(cause_of(auth.authenticate(
            make_request("GET", "/tenants/acme/customers", {{"Authorization", "Bearer " + tok}, {"ApiKey", key}}),
            customers)) == errc::malformed_credentials);

  // An API key of another tenant is a 401 wrong_tenant, with the legacy code -23 in the body.
  auto other = auth.authenticate(make_request("GET", "/tenants/globex/customers", {{"ApiKey", key}}), customers);
  CHECK(cause_of(other) == errc::wrong_tenant);
  auto answer = auth.respond(other.error());
  CHECK(answer.status == 401);
  CHECK(nlohmann::json::parse(answer.body)["code"] == -23);
  CHECK(answer.body.find(key) == std::string::npos);

  // A mistyped key, an empty header, and a revoked key: each its own cause.
  std::string typo = key;
  typo[10] = typo[10] == 'a' ? 'b' : 'a';
  CHECK(cause_of(auth.authenticate(make_request("GET", "/tenants/acme/customers", {{"ApiKey", typo}}), customers)) ==
        errc::api_key_bad_checksum);
  CHECK(cause_of(auth.authenticate(make_request("GET", "/tenants/acme/customers", {{"ApiKey", ""}}), customers)) ==
        errc::missing_credentials);
  CHECK(cause_of(auth.authenticate(make_request("GET", "/tenants/acme/customers", {{"ApiKey", "a b"}}), customers)) ==
        errc::malformed_credentials);
  REQUIRE(w.key_store.revoke("key_erp", std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
  CHECK(cause_of(auth.authenticate(make_request("GET", "/tenants/acme/customers", {{"ApiKey", key}}), customers)) ==
        errc::api_key_revoked);
}

// RFC 9110 §11.6.1: a 401 carries a challenge for a scheme the server takes. The authenticator
// names its methods' schemes unless the options name others.
TEST_CASE("401 answers challenge the schemes of the authenticator's methods", "[http][authenticator]") {
  world w;
  const http::route any{.pattern = ""};

  // API keys only: a bad key is challenged with ApiKey, never with Bearer.
  http::authenticator keys_only(http::null_audit{}, http::no_rate_limit{}, {}, http::api_key_method(w.keys));
  auto refused = keys_only.authenticate(make_request("GET", "/x", {{"ApiKey", "tk_live_unknown"}}), any);
  REQUIRE_FALSE(refused);
  CHECK(challenges(keys_only.respond(refused.error())) == std::vector<std::string>{"ApiKey realm=\"api\""});
  CHECK(challenges(keys_only.respond(errc::missing_credentials)) == std::vector<std::string>{"ApiKey realm=\"api\""});

  // Bearer tokens only: RFC 6750's invalid_token once a token was presented.
  http::authenticator tokens_only(http::null_audit{}, http::no_rate_limit{}, {}, http::bearer_method(w.tokens));
  auto bad = tokens_only.authenticate(make_request("GET", "/x", {{"Authorization", "Bearer a.b.c"}}), any);
  REQUIRE_FALSE(bad);
  CHECK(challenges(tokens_only.respond(bad.error())) ==
        std::vector<std::string>{"Bearer realm=\"api\", error=\"invalid_token\""});

  // Both: one challenge each; an API key's failure does not call the token invalid.
  http::authenticator both(http::null_audit{}, http::no_rate_limit{}, {}, http::bearer_method(w.tokens),
                           http::api_key_method(w.keys));
  CHECK(challenges(both.respond(errc::api_key_revoked)) ==
        std::vector<std::string>{"Bearer realm=\"api\"", "ApiKey realm=\"api\""});
  CHECK(challenges(both.respond(errc::token_expired)) ==
        std::vector<std::string>{"Bearer realm=\"api\", error=\"invalid_token\"", "ApiKey realm=\"api\""});

  // Schemes and realm named by the server are kept as given; a 403 challenges nothing.
  http::authenticator_options named;
  named.errors.schemes = {"Key"};
  named.errors.realm = "partners";
  http::authenticator custom(http::null_audit{}, http::no_rate_limit{}, named, http::api_key_method(w.keys));
  CHECK(challenges(custom.respond(errc::api_key_unknown)) == std::vector<std::string>{"Key realm=\"partners\""});
  CHECK(challenges(custom.respond(errc::missing_scope)).empty());
}

TEST_CASE("commerce platform: roles through a hierarchy, per-user rate limits", "[http][authenticator]") {
  world w;
  authz::role_hierarchy roles;
  roles.include_all("ApiOwner").include("CommerceUser", "ApiUser").include("XAdmin", "XRead");
  authz::token_bucket_limiter limiter(0.001, 2);  // two requests, then one every ~17 minutes
  http::authenticator_options opts;
  opts.roles = &roles;
  opts.errors.retry_after_seconds = limiter.retry_after_seconds();
  http::memory_audit audit;
  http::authenticator auth(audit, limiter, opts, http::bearer_method(w.tokens));
  const http::route reports{.pattern = "/api/reports", .role = "XRead"};

  const std::string admin = "Bearer " + w.token({{"roles", {"XAdmin"}}}, "user-admin");
  const std::string owner = "Bearer " + w.token({{"roles", "ApiOwner"}}, "user-owner");
  const std::string clerk = "Bearer " + w.token({{"roles", {"CommerceUser"}}}, "user-clerk");

  CHECK(auth.authenticate(make_request("GET", "/api/reports", {{"Authorization", admin}}), reports));
  CHECK(auth.authenticate(make_request("GET", "/api/reports", {{"Authorization", owner}}), reports));
  auto clerk_try = auth.authenticate(make_request("GET", "/api/reports", {{"Authorization", clerk}}), reports);
  CHECK(cause_of(clerk_try) == errc::forbidden);

  // The admin's third request within the burst is rate limited (429, with Retry-After); the
  // owner, another principal, still has one left.
  CHECK(auth.authenticate(make_request("GET", "/api/reports", {{"Authorization", admin}}), reports));
  auto limited = auth.authenticate(make_request("GET", "/api/reports", {{"Authorization", admin}}), reports);
  CHECK(cause_of(limited) == errc::rate_limited);
  auto answer = auth.respond(limited.error());
  CHECK(answer.status == 429);
  bool retry_after = false;
  for (const auto& [n, v] : answer.headers) retry_after = retry_after || n == "Retry-After";
  CHECK(retry_after);
  CHECK(auth.authenticate(make_request("GET", "/api/reports", {{"Authorization", owner}}), reports));

  // The clerk's refused request counted against its own limit (limits come before the role
  // check), and the audit trail names each actor.
  auto events = audit.events();
  REQUIRE(events.size() == 6);
  CHECK(events[2].actor == "user-clerk");
  CHECK(events[2].cause == errc::forbidden);
  CHECK(events[4].actor == "user-admin");
  CHECK(events[4].cause == errc::rate_limited);

  // Without a hierarchy, a role is only itself.
  http::authenticator flat(http::null_audit{}, http::no_rate_limit{}, {}, http::bearer_method(w.tokens));
  CHECK(cause_of(flat.authenticate(make_request("GET", "/api/reports", {{"Authorization", admin}}), reports)) ==
        errc::forbidden);
  const std::string reader = "Bearer " + w.token({{"roles", {"XRead"}}});
  CHECK(flat.authenticate(make_request("GET", "/api/reports", {{"Authorization", reader}}), reports));
}

TEST_CASE("signed partner orders: a bearer token and a request signature by the same client",
          "[http][authenticator]") {
  world w;
  http::authenticator auth(http::null_audit{}, http::no_rate_limit{}, {},
                           http::signed_request_method(w.tokens, w.signatures));
  const http::route orders{.pattern = "/api/v1/orders"};
  const std::string bearer = "Bearer " + w.token({{"client_id", "partner-42"}}, "partner-42");

  auto order = make_request("POST", "/api/v1/orders", {{"Authorization", bearer}});
  w.sign(order);
  auto ok = auth.authenticate(order, orders);
  REQUIRE(ok);
  CHECK(ok->kind == http::credential_kind::signed_request);
  CHECK(ok->subject == "partner-42");
  REQUIRE(ok->request);
  CHECK(ok->request->client_id() == "partner-42");
  REQUIRE(ok->token);

  // The same signed request again: accepted, as the model has no rule against repeats (a second
  // order in the same second carries the same signature).
  CHECK(auth.authenticate(order, orders));

  // The token alone is not enough: the signature headers are required, and their absence is this
  // credential's 401, not a 400.
  auto unsigned_order = auth.authenticate(make_request("POST", "/api/v1/orders", {{"Authorization", bearer}}), orders);
  CHECK(cause_of(unsigned_order) == errc::missing_signature);
  CHECK(auth.respond(unsigned_order.error()).status == 401);

  // A token issued to another client, with partner-42's signature: client_mismatch.
  const std::string stranger = "Bearer " + w.token({{"client_id", "partner-7"}}, "partner-7");
  auto mixed = make_request("POST", "/api/v1/orders", {{"Authorization", stranger}});
  w.sign(mixed);
  CHECK(cause_of(auth.authenticate(mixed, orders)) == errc::client_mismatch);

  // A bad token is refused before the signature is checked, so the signature is not spent.
  auto bad_token = make_request("POST", "/api/v1/orders", {{"Authorization", "Bearer a.b.c"}});
  w.sign(bad_token);
  CHECK(cause_of(auth.authenticate(bad_token, orders)) == errc::token_malformed);
  bad_token.set_header("Authorization", bearer);
  CHECK(auth.authenticate(bad_token, orders));
}

TEST_CASE("a path with dot segments, empty segments or encoded separators is 400, never another org's route",
          "[http][authenticator]") {
  world w;
  http::memory_audit audit;
  http::authenticator auth(audit, http::no_rate_limit{}, {}, http::bearer_method(w.tokens, {.tenant = "org_id"}));
  const std::string bearer = "Bearer " + w.token({{"org_id", "org_a"}, {"scope", "orders:read stock:write"}});
  const http::route org_any{.pattern = "/v2/orgs/{orgId}/*", .tenant = "orgId", .scopes = {"stock:write"}};
  // A normalising router sends these to org_b's stock; org_a's token must not act there.
  for (std::string_view path : {"/v2/orgs/org_a/../org_b/stock", "/v2/orgs/org_a/%2e%2e/org_b/stock",
                                "/v2/orgs/org_a/%2E%2E/org_b/stock", "/v2/orgs/org_a%2F..%2Forg_b/stock",
                                "/v2/orgs/org_a/..%5Corg_b/stock", "/v2/orgs/org_a/./../org_b/stock", "/v2/orgs//org_b/stock"}) {
    CAPTURE(path);
    auto r = auth.authenticate(make_request("POST", path, {{"Authorization", bearer}}), org_any);
    CHECK(cause_of(r) == errc::malformed_path);
    CHECK(auth.respond(r.error()).status == 400);
  }
  CHECK(cause_of(auth.authenticate(make_request("POST", "/v2/orgs//orders", {{"Authorization", bearer}}), org_orders)) ==
        errc::malformed_path);
  CHECK(auth.authenticate(make_request("POST", "/v2/orgs/org_a/stock", {{"Authorization", bearer}}), org_any));
}

TEST_CASE("route patterns: a path that does not fit is 404, a route naming no capture is a server error",
          "[http][authenticator]") {
  world w;
  http::memory_audit audit;
  http::authenticator auth(audit, http::no_rate_limit{}, {}, http::bearer_method(w.tokens, {.tenant = "org_id"}));
  const std::string bearer = "Bearer " + w.token({{"org_id", "org_1"}, {"scope", "orders:read"}});

  for (std::string_view path : {"/v2/orgs/org_1/stock", "/v2/orgs/org_1/orders/x", "/v2/orgs/org%41/orders", "/"}) {
    CAPTURE(path);
    auto r = auth.authenticate(make_request("GET", path, {{"Authorization", bearer}}), org_orders);
    CHECK(cause_of(r) == errc::route_not_found);
    CHECK(auth.respond(r.error()).status == 404);
  }
  // Route checks come before credentials: a wrong path without credentials is still a 404.
  CHECK(cause_of(auth.authenticate(make_request("GET", "/nowhere", {}), org_orders)) == errc::route_not_found);

  // A method reading no tenant claim gives principals without a tenant, which fit no tenant route.
  http::authenticator untenanted(http::null_audit{}, http::no_rate_limit{}, {}, http::bearer_method(w.tokens));
  CHECK(cause_of(untenanted.authenticate(make_request("GET", "/v2/orgs/org_1/orders", {{"Authorization", bearer}}),
                                         org_orders)) == errc::tenant_mismatch);

  const http::route no_capture{.pattern = "/v2/orgs/{orgId}/orders", .tenant = "org"};
  CHECK(cause_of(auth.authenticate(make_request("GET", "/v2/orgs/org_1/orders", {{"Authorization", bearer}}),
                                   no_capture)) == errc::internal_error);
  const http::route no_pattern{.pattern = "", .tenant = "orgId"};
  CHECK(cause_of(auth.authenticate(make_request("GET", "/v2/orgs/org_1/orders", {{"Authorization", bearer}}),
                                   no_pattern)) == errc::internal_error);
  // An empty pattern fits any path (the handler routed already).
  const http::route any{.pattern = ""};
  CHECK(auth.authenticate(make_request("GET", "/whatever?x=1", {{"Authorization", bearer}}), any));
  // The audit keeps the path, never the query (it may carry credentials).
  auto events = audit.events();
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().path == "/whatever");
}

TEST_CASE("the authenticator is shared by threads, with a shared audit sink and limiter",
          "[http][authenticator][concurrency]") {
  world w;
  http::memory_audit audit(100'000);
  authz::token_bucket_limiter limiter(1e9, 1e9);
  http::authenticator auth(audit, limiter, {}, http::bearer_method(w.tokens, {.tenant = "org_id"}),
                           http::api_key_method(w.keys));
  const std::string bearer = "Bearer " + w.token({{"org_id", "org_1"}, {"scope", "orders:read"}});
  const std::string key = w.key("org_1", {"orders:read"});
  std::atomic<int> wrong{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto req = (i + t) % 2 == 0 ? make_request("GET", "/v2/orgs/org_1/orders", {{"Authorization", bearer}})
                                    : make_request("GET", "/v2/orgs/org_1/orders", {{"ApiKey", key}});
        if (!auth.authenticate(req, org_orders)) ++wrong;
        auto foreign = make_request("GET", "/v2/orgs/org_2/orders", {{"Authorization", bearer}});
        if (auth.authenticate(foreign, org_orders)) ++wrong;
      }
    });
  }
  for (auto& th : pool) th.join();
  CHECK(wrong.load() == 0);
  CHECK(audit.events().size() == 1600);
  CHECK(audit.dropped() == 0);
}

// Statuses of the signed_request credential (all 401), and challenges that blame only what failed.
TEST_CASE("signed requests: every failure is a 401, and only a failed token is called invalid_token",
          "[http][authenticator]") {
  world w;
  core::memory_replay_store strict_seen;
  http_fixture::signature_verifier_t strict(
      request_signing::client_timestamp(request_signing::timestamp_format::unix_seconds, {},
                                        request_signing::repeats::refused),
      w.clients, strict_seen);
  http::authenticator auth(http::null_audit{}, http::no_rate_limit{}, {}, http::signed_request_method(w.tokens, strict));
  const http::route orders{.pattern = "/api/v1/orders"};
  const std::string bearer = "Bearer " + w.token({{"client_id", "partner-42"}}, "partner-42");
  auto order = make_request("POST", "/api/v1/orders", {{"Authorization", bearer}});
  w.sign(order);
  REQUIRE(auth.authenticate(order, orders));

  const std::vector<std::string> plain{"Bearer realm=\"api\""};
  const std::vector<std::string> invalid{"Bearer realm=\"api\", error=\"invalid_token\""};
  auto refusal = [&](const request_signing::request& r) { return auth.authenticate(r, orders).error(); };

  // A replay: the token is fine, so the challenge does not tell the client to renew it.
  CHECK(refusal(order) == errc::replayed);
  CHECK(challenges(auth.respond(errc::replayed)) == plain);
  // Malformed and bad signatures, and a stale timestamp: 401, no invalid_token.
  auto bad_sig = order;
  bad_sig.set_header("X-SIGNATURE", "AAAA" + std::string(*order.header("X-SIGNATURE")).substr(4));
  auto malformed = order;
  malformed.set_header("X-SIGNATURE", "not base64!");
  auto iso = order;
  iso.set_header("X-TIMESTAMP", "2024-05-17T14:12:50+07:00");
  auto stale = order;
  stale.set_header("X-TIMESTAMP", "1000000000");
  for (auto& [r, e] : std::vector<std::pair<request_signing::request, errc>>{{bad_sig, errc::bad_request_signature},
                                                                          {malformed, errc::malformed_signature},
                                                                          {iso, errc::malformed_signature},
                                                                          {stale, errc::stale_timestamp}}) {
    CAPTURE(core::name(e));
    CHECK(refusal(r) == e);
    CHECK(auth.respond(e).status == 401);
    CHECK(challenges(auth.respond(e)) == plain);
  }
  // A failed token is the one case that says invalid_token.
  auto expired_token = make_request("POST", "/api/v1/orders", {{"Authorization", "Bearer a.b.c"}});
  w.sign(expired_token);
  CHECK(refusal(expired_token) == errc::token_malformed);
  CHECK(challenges(auth.respond(errc::token_malformed)) == invalid);
}

TEST_CASE("a route names the credential kinds it takes; another kind is refused before it is verified",
          "[http][authenticator]") {
  world w;
  http::memory_audit audit;
  http::authenticator_options opts;
  opts.errors.legacy_code = http::api_key_legacy_code(-23);
  http::authenticator auth(audit, http::no_rate_limit{}, opts, http::bearer_method(w.tokens, {.tenant = "tenant"}),
                           http::api_key_method(w.keys));
  const http::route storefront{.pattern = "/storefront/{tenant}/cart", .tenant = "tenant",
                               .credentials = {http::credential_kind::bearer_token}};
  const http::route integrations{.pattern = "/integrations/{tenant}/orders", .tenant = "tenant",
                                 .credentials = {http::credential_kind::api_key}};
  const std::string bearer = "Bearer " + w.token({{"tenant", "acme"}});
  const std::string key = w.key("acme", {}, "key_erp");

  CHECK(auth.authenticate(make_request("GET", "/storefront/acme/cart", {{"Authorization", bearer}}), storefront));
  CHECK(auth.authenticate(make_request("GET", "/integrations/acme/orders", {{"ApiKey", key}}), integrations));

  // An API key on the JWT-only surface, a JWT on the API-key surface: credential_not_accepted.
  auto key_on_jwt = auth.authenticate(make_request("GET", "/storefront/acme/cart", {{"ApiKey", key}}), storefront);
  CHECK(cause_of(key_on_jwt) == errc::credential_not_accepted);
  auto jwt_on_key = auth.authenticate(make_request("GET", "/integrations/acme/orders", {{"Authorization", bearer}}),
                                      integrations);
  CHECK(cause_of(jwt_on_key) == errc::credential_not_accepted);
  // Even a junk credential of the wrong kind is refused for its kind, not verified.
  CHECK(cause_of(auth.authenticate(make_request("GET", "/storefront/acme/cart", {{"ApiKey", "junk"}}), storefront)) ==
        errc::credential_not_accepted);
  // Missing: each route challenges only its own scheme.
  auto none = auth.authenticate(make_request("GET", "/integrations/acme/orders", {}), integrations);
  CHECK(cause_of(none) == errc::missing_credentials);
  CHECK(challenges(auth.respond(none.error(), integrations)) == std::vector<std::string>{"ApiKey realm=\"api\""});
  CHECK(challenges(auth.respond(errc::token_expired, storefront)) ==
        std::vector<std::string>{"Bearer realm=\"api\", error=\"invalid_token\""});
  CHECK(challenges(auth.respond(jwt_on_key.error(), integrations)) == std::vector<std::string>{"ApiKey realm=\"api\""});
  CHECK(auth.respond(jwt_on_key.error(), integrations).status == 401);
  // Without a route, both schemes.
  CHECK(challenges(auth.respond(none.error())).size() == 2);
  // The refusal is audited with the kind that was offered.
  const auto events = audit.events();
  REQUIRE(events.size() >= 3);
  CHECK(events[2].cause == errc::credential_not_accepted);
  CHECK(events[2].credential == "api_key");
  CHECK(events.back().cause == errc::missing_credentials);
}

TEST_CASE("the tenant can come from a path capture, a header, the host or a query parameter", "[http][authenticator]") {
  world w;
  http::authenticator auth(http::null_audit{}, http::no_rate_limit{}, {}, http::bearer_method(w.tokens, {.tenant = "tenant"}),
                           http::api_key_method(w.keys));
  const std::string bearer = "Bearer " + w.token({{"tenant", "acme"}});
  const std::string key = w.key("acme", {}, "key_erp");

  SECTION("header") {
    const http::route r{.pattern = "/orders", .tenant = http::header_value("X-Tenant-Id")};
    CHECK(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}, {"x-tenant-id", "acme"}}), r));
    CHECK(auth.authenticate(make_request("GET", "/orders", {{"ApiKey", key}, {"X-Tenant-Id", "acme"}}), r));
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}, {"X-Tenant-Id", "globex"}}),
                                     r)) == errc::tenant_mismatch);
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders", {{"ApiKey", key}, {"X-Tenant-Id", "globex"}}), r)) ==
          errc::wrong_tenant);
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}}), r)) ==
          errc::missing_parameter);
    // Two header lines read as "acme, acme": never an id.
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}, {"X-Tenant-Id", "acme, acme"}}),
                                     r)) == errc::malformed_parameter);
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}, {"X-Tenant-Id", "ac%6De"}}),
                                     r)) == errc::malformed_parameter);
  }
  SECTION("host label") {
    const http::route r{.pattern = "/orders", .tenant = http::host_label("api.example.com")};
    CHECK(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}, {"Host", "acme.api.example.com"}}), r));
    CHECK(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}, {"Host", "ACME.api.example.com:8443"}}), r));
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}, {"Host", "globex.api.example.com"}}),
                                     r)) == errc::tenant_mismatch);
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}, {"Host", "api.example.com"}}),
                                     r)) == errc::route_not_found);
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}, {"Host", "acme.evil.com"}}),
                                     r)) == errc::route_not_found);
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}, {"Host", "x.acme.api.example.com"}}),
                                     r)) == errc::malformed_parameter);
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}}), r)) ==
          errc::missing_parameter);
  }
  SECTION("query parameter") {
    const http::route r{.pattern = "/orders", .tenant = http::query_param("tenant")};
    CHECK(auth.authenticate(make_request("GET", "/orders?page=2&tenant=acme", {{"Authorization", bearer}}), r));
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders?tenant=acme&tenant=globex", {{"Authorization", bearer}}),
                                     r)) == errc::malformed_parameter);
    CHECK(cause_of(auth.authenticate(make_request("GET", "/orders?page=2", {{"Authorization", bearer}}), r)) ==
          errc::missing_parameter);
  }
}

TEST_CASE("the status of a tenant mismatch is chosen per authenticator", "[http][authenticator]") {
  world w;
  const std::string bearer = "Bearer " + w.token({{"org_id", "org_a"}});
  const std::string key = w.key("org_a", {}, "key_a");
  const http::route org{.pattern = "/v2/orgs/{orgId}/stock", .tenant = "orgId"};
  // The org-scoped model: any org mismatch is 403.
  http::authenticator_options org_scoped;
  org_scoped.api_key_tenant_mismatch = errc::tenant_mismatch;
  http::authenticator auth(http::null_audit{}, http::no_rate_limit{}, org_scoped,
                           http::bearer_method(w.tokens, {.tenant = "org_id"}), http::api_key_method(w.keys));
  auto by_key = auth.authenticate(make_request("GET", "/v2/orgs/org_b/stock", {{"ApiKey", key}}), org);
  CHECK(cause_of(by_key) == errc::tenant_mismatch);
  CHECK(auth.respond(by_key.error()).status == 403);
  CHECK(cause_of(auth.authenticate(make_request("GET", "/v2/orgs/org_b/stock", {{"Authorization", bearer}}), org)) ==
        errc::tenant_mismatch);
  // The multi-surface model: every credential on another tenant is a 401.
  http::authenticator_options multi;
  multi.token_tenant_mismatch = errc::wrong_tenant;
  http::authenticator strict(http::null_audit{}, http::no_rate_limit{}, multi,
                             http::bearer_method(w.tokens, {.tenant = "org_id"}), http::api_key_method(w.keys));
  CHECK(cause_of(strict.authenticate(make_request("GET", "/v2/orgs/org_b/stock", {{"Authorization", bearer}}), org)) ==
        errc::wrong_tenant);
  CHECK(cause_of(strict.authenticate(make_request("GET", "/v2/orgs/org_b/stock", {{"ApiKey", key}}), org)) ==
        errc::wrong_tenant);
}

TEST_CASE("a route's store and market are checked as two dimensions", "[http][authenticator]") {
  world w;
  http::authenticator_options opts;
  opts.market_of_store = [](std::string_view store) -> std::optional<std::string> {
    if (store == "store-oslo-downtown" || store == "store-bergen") return "market-nor";
    if (store == "store-stockholm") return "market-swe";
    return std::nullopt;
  };
  http::authenticator auth(http::null_audit{}, http::no_rate_limit{}, opts, http::bearer_method(w.tokens));
  const http::route store_orders{.pattern = "/api/stores/{store}/orders", .store = "store"};
  const http::route market_report{.pattern = "/api/reports", .market = http::query_param("market")};
  const http::route stated{.pattern = "/api/markets/{market}/stores/{store}", .store = "store", .market = "market"};
  auto bearer = [&](std::vector<std::string> stores, std::vector<std::string> markets) {
    return "Bearer " + w.token({{"stores", stores}, {"markets", markets}});
  };
  auto call = [&](const std::string& token, const std::string& path, const http::route& r) {
    return cause_of(auth.authenticate(make_request("GET", path, {{"Authorization", token}}), r));
  };
  const std::string all_nor = bearer({"AllStores"}, {"market-nor"});
  CHECK(call(all_nor, "/api/stores/store-bergen/orders", store_orders) == errc{});
  // AllStores and market-nor: a store of market-swe is out of reach.
  CHECK(call(all_nor, "/api/stores/store-stockholm/orders", store_orders) == errc::store_not_allowed);
  CHECK(call(all_nor, "/api/stores/store-unknown/orders", store_orders) == errc::store_not_allowed);
  const std::string oslo_any = bearer({"store-oslo-downtown"}, {"AllMarkets"});
  CHECK(call(oslo_any, "/api/stores/store-oslo-downtown/orders", store_orders) == errc{});
  CHECK(call(oslo_any, "/api/stores/store-bergen/orders", store_orders) == errc::store_not_allowed);
  // Market-level: a store grant never reaches a market.
  CHECK(call(all_nor, "/api/reports?market=market-nor", market_report) == errc{});
  CHECK(call(all_nor, "/api/reports?market=market-swe", market_report) == errc::store_not_allowed);
  CHECK(call(bearer({"market-nor"}, {}), "/api/reports?market=market-nor", market_report) == errc::store_not_allowed);
  CHECK(call(all_nor, "/api/reports", market_report) == errc::missing_parameter);
  // Both from the path.
  CHECK(call(all_nor, "/api/markets/market-nor/stores/store-bergen", stated) == errc{});
  CHECK(call(all_nor, "/api/markets/market-swe/stores/store-stockholm", stated) == errc::store_not_allowed);
  // No grants at all.
  CHECK(call(bearer({}, {}), "/api/stores/store-bergen/orders", store_orders) == errc::store_not_allowed);
  CHECK(auth.respond(errc::store_not_allowed).status == 403);
}

TEST_CASE("a route's declared scopes are scope-tokens, checked at start-up and on every request", "[http][authenticator]") {
  world w;
  http::authenticator auth(http::null_audit{}, http::no_rate_limit{}, {}, http::bearer_method(w.tokens));
  // "orders:read stock:write" declared as one scope would demand a scope no token can carry
  // alone, while a token's space-separated claim splits into two.
  const http::route joined{.pattern = "/orders", .scopes = {"orders:read stock:write"}};
  CHECK(joined.check().error() == errc::invalid_scope);
  const std::string bearer = "Bearer " + w.token({{"scope", "orders:read stock:write"}});
  CHECK(cause_of(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}}), joined)) == errc::internal_error);
  const http::route split{.pattern = "/orders", .scopes = {"orders:read", "stock:write"}};
  CHECK(split.check());
  CHECK(auth.authenticate(make_request("GET", "/orders", {{"Authorization", bearer}}), split));
  CHECK(http::route{.pattern = "/orgs/{org}/x", .tenant = "orgId"}.check().error() == errc::invalid_argument);
  CHECK(http::route{.pattern = "orders"}.check().error() == errc::invalid_argument);
  CHECK(http::route{.pattern = "/orgs/{org}/x", .tenant = "org", .store = http::query_param("store")}.check());
}
