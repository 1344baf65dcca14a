// The org-scoped API model (API key → token exchange), as a reference server on cpp-httplib.
//
//   POST  /auth/token                         ApiKey header → 1-hour JWT with org_id and the key's scopes
//   POST  /v2/orgs/{orgId}/token              the same, for that org only (a key of another org: 401)
//   GET   /v2/orgs/{orgId}/orders             Bearer JWT of that org, scope orders:read
//   POST  /v2/orgs/{orgId}/orders             scope orders:write; Idempotency-Key or "external_reference"
//                                             makes retries safe; publishes "order.created" webhooks
//   PATCH /v2/orgs/{orgId}/stock/{sku}        scope stock:write; {"delta","reason","external_id"}:
//                                             idempotent on external_id, audited with actor and reason
//   POST  /v2/orgs/{orgId}/webhooks           scope webhooks:manage; {"url","event_types","signature_header"}
//                                             → the subscription and its signing secret, shown once
//   GET   /v2/orgs/{orgId}/webhooks/{id}/deliveries   the delivery log (status, attempt, latency, next retry)
//   POST  /v2/orgs/{orgId}/webhooks/{id}/test         sends a test event now
//   Admin (ApiKey with scope keys:admin; the first key is printed once at start-up):
//   POST  /admin/orgs/{orgId}/api-keys        {"scopes":[...]} → a key for that org, shown once
//   DELETE /admin/api-keys/{keyId}            revokes it: the key and every token minted from it stop
//
// Statuses: 400 malformed request or parameter; 401 missing, malformed, expired or revoked
// credential (an API key of org A asking for org B's token is refused like an unknown key);
// 403 an org mismatch between token and path, or a missing scope; 404 unknown route, order or
// subscription; 409 a retry while the first is in flight; 422 an idempotency key reused for
// another request; 500 never expected. Every answer has tessera's JSON error body.
//
// Webhook deliveries are signed per subscription (Standard Webhooks, or "t=,v1=" under a custom
// header such as X-PharmaOne-Signature), each attempt afresh; secrets are sealed at rest under
// a key-encryption key; subscriber URLs pass the SSRF guard (--allow-loopback-webhooks lets
// the tests' local receiver through).
//
// A fleet: with --redis HOST:PORT the API keys (and so their revocation), the idempotency keys,
// the webhook subscriptions, the delivery queue and the delivery log live in Redis
// (tessera::redis), so several instances behind a load balancer agree: a key revoked on one is
// refused by every other on its next call, a create retried on another instance gets the first
// one's answer, and an event raised on any instance is delivered once, by whichever has a free
// worker, to subscriptions made on any instance. Instances of one deployment share their secrets
// through the environment: TESSERA_JWT_SECRET, TESSERA_API_KEY_PEPPER and TESSERA_WEBHOOK_KEK
// (base64url, 32 bytes or more); without them each instance makes its own (fine for one process).
// With --redis-cache as well, each instance keeps the API-key records it reads in a local cache
// that Redis invalidates (redis::tracked_cache): verifying a key, or checking a token's key for
// revocation, then needs no round trip, and a revocation reaches every instance one network hop
// after it returns, never later than 250 ms.
//
// A benchmarking aid, never for a deployment: with --unauthenticated-baseline the server also
// answers GET /bench/bare/v2/orgs/{orgId}/orders with the very handler body of GET
// /v2/orgs/{orgId}/orders but no authentication at all, so a load run (scripts/bench --load) can
// measure the bare handler beside the authenticated route in the same process. It answers callers
// on 127.0.0.1 only (the server listens there alone); any other caller gets 404.
#ifdef TESSERA_SERVER_REDIS
#include <tessera/redis.hpp>
#endif
#include <tessera/adapters/httplib.hpp>
#include <tessera/adapters/httplib_client.hpp>
#include <tessera/api_key.hpp>
#include <tessera/credentials.hpp>
#include <tessera/http.hpp>
#include <tessera/jwt.hpp>
#include <tessera/webhook.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "../common/serve.hpp"

namespace {
using namespace tessera;
using namespace std::chrono_literals;
using adapters::httplib::request;
using adapters::httplib::write;

// The org's business data: orders and stock levels (no security in here).
struct warehouse {
  std::mutex mu;
  std::map<std::string, std::vector<nlohmann::json>> orders;  // by org
  std::map<std::string, long> stock;                          // by org + "/" + sku
  std::atomic<int> next{1};
};

// An httplib answer from an idempotent handler's stored answer.
void send(httplib::Response& res, const http::idempotent_response& r) {
  res.status = r.response.status;
  for (const auto& [k, v] : r.response.headers)
    if (k != "Content-Type") res.set_header(k, v);
  res.set_content(r.response.body, "application/json");
}
http::stored_response json_answer(int status, const nlohmann::json& body) {
  return {status, {{"Content-Type", "application/json"}}, body.dump()};
}

// A deployment secret from the environment (base64url), or a fresh random one.
result<core::secret> deployment_secret(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == 0) return core::random_secret(32);
  auto bytes = core::base64url_decode(v);
  if (!bytes || bytes->size() < 32) return unexpected{errc::secret_too_short};
  return core::secret(core::bytes_view(*bytes));
}

struct settings {
  servers::options opt;
  bool allow_loopback_webhooks = false;
  bool unauthenticated_baseline = false;  // the /bench/bare/ route, for load runs only
  std::string redis;                      // host:port, or empty
  bool redis_cache = false;               // API-key records cached locally, invalidated by Redis
};

// Where a server keeps its state: in memory (one process) or in Redis (a fleet).
template <class KeyStore, class IdempotencyStore, class SubscriptionStore, class DeliveryLog, class DeliveryQueue>
struct stores {
  KeyStore& keys;
  IdempotencyStore& idempotency_keys;
  SubscriptionStore& subscriptions;
  DeliveryLog& deliveries;
  DeliveryQueue& queue;
};
template <class... S>
stores(S&...) -> stores<S...>;

template <class... S>
int serve(const settings& cfg, sigset_t stop, stores<S...> st);
}  // namespace

int main(int argc, char** argv) {
  const sigset_t stop = servers::block_stop_signals();
  settings cfg;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--allow-loopback-webhooks") cfg.allow_loopback_webhooks = true;
    else if (a == "--unauthenticated-baseline") cfg.unauthenticated_baseline = true;
    else if (a == "--redis" && i + 1 < argc) cfg.redis = argv[++i];
    else if (a == "--redis-cache") cfg.redis_cache = true;
    else rest.push_back(argv[i]);
  }
  cfg.opt = servers::parse(static_cast<int>(rest.size()), rest.data());
  if (cfg.redis.empty()) {
    api_key::memory_key_store keys;
    http::memory_idempotency_store idempotency_keys;
    webhook::memory_subscription_store subscriptions;
    webhook::memory_delivery_log deliveries;
    webhook::memory_delivery_queue queue;
    return serve(cfg, stop, stores{keys, idempotency_keys, subscriptions, deliveries, queue});
  }
#ifdef TESSERA_SERVER_REDIS
  redis::options ro;
  ro.host = cfg.redis.substr(0, cfg.redis.rfind(':'));
  ro.port = std::atoi(cfg.redis.c_str() + cfg.redis.rfind(':') + 1);
  ro.key_prefix = "org-scoped:";
  redis::connection_pool pool(std::move(ro));
  redis::key_store_options ko;
  ko.cache.enabled = cfg.redis_cache;
  redis::key_store keys(pool, ko);
  redis::idempotency_store idempotency_keys(pool);
  redis::subscription_store subscriptions(pool);
  redis::delivery_log deliveries(pool);
  redis::delivery_queue queue(pool);
  return serve(cfg, stop, stores{keys, idempotency_keys, subscriptions, deliveries, queue});
#else
  std::fprintf(stderr, "this build has no Redis support (tessera::redis was not found)\n");
  return 2;
#endif
}

namespace {
template <class... S>
int serve(const settings& cfg, sigset_t stop, stores<S...> st) {
  using KeyStore = std::remove_reference_t<decltype(st.keys)>;
  using IdempotencyStore = std::remove_reference_t<decltype(st.idempotency_keys)>;
  using SubscriptionStore = std::remove_reference_t<decltype(st.subscriptions)>;
  using DeliveryLog = std::remove_reference_t<decltype(st.deliveries)>;
  using DeliveryQueue = std::remove_reference_t<decltype(st.queue)>;
  KeyStore& keys = st.keys;
  IdempotencyStore& idempotency_keys = st.idempotency_keys;
  DeliveryLog& deliveries = st.deliveries;
  const servers::options& opt = cfg.opt;
  const bool allow_loopback_webhooks = cfg.allow_loopback_webhooks;

  // ---- API keys and tokens --------------------------------------------------------------------
  auto pepper = deployment_secret("TESSERA_API_KEY_PEPPER");
  auto jwt_secret = deployment_secret("TESSERA_JWT_SECRET");
  if (!pepper || !jwt_secret) return 2;
  auto peppers = api_key::pepper_ring::create(1, pepper->expose_secret());
  const api_key::key_format format{"ak", "live", 30};
  auto generator = api_key::generator<>::create(format, peppers.value());
  auto key_verifier = api_key::verifier<KeyStore>::create(format, peppers.value(), keys);
  auto signing = jwt::signing_key::hmac(jwt::alg::hs256, jwt_secret.value().expose_secret(), "org-2026");
  auto rules = jwt::rules::builder{}.issuer("https://api.example.com").audience("partner-api").build();
  if (!generator || !key_verifier || !signing || !rules) return 1;
  jwt::issuer<> issuer(*signing, {.issuer = "https://api.example.com", .lifetime = 1h});
  credentials::api_key_exchange<const api_key::verifier<KeyStore>&, const jwt::issuer<>&> exchange(
      *key_verifier, issuer, {.lifetime = 1h, .audience = "partner-api"});
  // A token dies with its key: revoking the key reaches every token minted from it.
  using key_revocation = credentials::api_key_revocation<KeyStore>;
  jwt::verifier<jwt::single_key, core::coarse_clock, key_revocation> tokens(
      jwt::single_key(signing->verification().value()), *rules, core::coarse_clock{}, key_revocation(keys));
  auto bootstrap = generator->issue(keys, {.tenant = "operator", .scopes = {"keys:admin"}});
  if (!bootstrap) return 1;

  // ---- Webhooks out ---------------------------------------------------------------------------
  auto kek_bytes = deployment_secret("TESSERA_WEBHOOK_KEK");
  if (!kek_bytes) return 2;
  auto kek = crypto::sealing_key::create("kek-1", core::bytes_view(kek_bytes->expose_secret().data(), 32));
  if (!kek) return 1;
  webhook::url_guard_options guard{.allow_http = allow_loopback_webhooks, .allow_loopback = allow_loopback_webhooks};
  using registry_t = webhook::subscription_registry<SubscriptionStore>;
  registry_t subscriptions(st.subscriptions, crypto::sealing_ring(std::move(*kek)), guard);
  adapters::httplib::client<> outbound({.guard = guard});
  webhook::retry_policy retry;
  retry.base_delay = 200ms;  // short, so a demo sees the retries
  webhook::dispatcher<registry_t, adapters::httplib::client<>, DeliveryLog, core::system_clock, webhook::random_jitter,
                      DeliveryQueue>
      dispatcher(subscriptions, outbound, deliveries, st.queue,
                 {.workers = 2, .retry = retry, .request_timeout = 2s, .poll_interval = 50ms});

  // ---- One authenticator, idempotency, audit ------------------------------------------------
  http::file_audit audit({.path = opt.audit_file, .flush_interval = opt.audit_flush});
  http::authenticator auth(audit, http::no_rate_limit{}, {}, http::bearer_method(tokens, {.tenant = "org_id"}),
                           http::api_key_method(*key_verifier));
  http::idempotency<IdempotencyStore> orders_once(idempotency_keys, {.body_field = "external_reference"});
  http::idempotency<IdempotencyStore> stock_once(idempotency_keys, {.header = "", .body_field = "external_id"});
  const http::error_options errors;
  const auto bearer = std::vector{http::credential_kind::bearer_token};
  const auto api_key = std::vector{http::credential_kind::api_key};
  const http::route token_any{.pattern = "/auth/token", .credentials = api_key};
  const http::route list_orders{.pattern = "/v2/orgs/{orgId}/orders", .tenant = "orgId", .scopes = {"orders:read"}, .credentials = bearer};
  const http::route create_order{.pattern = "/v2/orgs/{orgId}/orders", .tenant = "orgId", .scopes = {"orders:write"}, .credentials = bearer};
  const http::route change_stock{.pattern = "/v2/orgs/{orgId}/stock/{sku}", .tenant = "orgId", .scopes = {"stock:write"}, .credentials = bearer};
  const http::route webhooks{.pattern = "/v2/orgs/{orgId}/webhooks/*", .tenant = "orgId", .scopes = {"webhooks:manage"}, .credentials = bearer};
  const http::route webhooks_root{.pattern = "/v2/orgs/{orgId}/webhooks", .tenant = "orgId", .scopes = {"webhooks:manage"}, .credentials = bearer};
  const http::route admin{.pattern = "/admin/*", .scopes = {"keys:admin"}, .credentials = api_key};
  warehouse data;

  httplib::Server server;
  adapters::httplib::prepare(server, errors);
  auto guarded = [&](const httplib::Request& req, httplib::Response& res, const http::route& rt) {
    auto who = auth.authenticate(request(req), rt);
    if (!who) write(res, auth.respond(who.error(), rt));
    return who;
  };
  auto refuse = [&](httplib::Response& res, errc e) { write(res, http::make_error_response(e, errors)); };

  // ---- Token exchange ---------------------------------------------------------------------------
  auto token_answer = [&](httplib::Response& res, const result<credentials::exchange_result>& t) {
    if (!t) return write(res, auth.respond(t.error(), token_any));
    servers::reply(res, 200, credentials::token_response(*t, credentials::oauth_response()));
  };
  server.Post("/auth/token", [&](const httplib::Request& req, httplib::Response& res) {
    auto key = http::credential_of(request(req), "ApiKey");
    if (!key) return write(res, auth.respond(key.error(), token_any));
    token_answer(res, exchange.exchange(*key));
  });
  server.Post(R"(/v2/orgs/([^/]+)/token)", [&](const httplib::Request& req, httplib::Response& res) {
    auto key = http::credential_of(request(req), "ApiKey");
    if (!key) return write(res, auth.respond(key.error(), token_any));
    token_answer(res, exchange.exchange(*key, req.matches[1].str()));
  });

  // ---- Orders: idempotent creates, webhooks out ---------------------------------------------
  auto orders_of = [&](httplib::Response& res, const std::string& org) {  // the listing's handler body
    std::lock_guard lock(data.mu);
    servers::reply(res, 200, {{"orders", data.orders[org]}});
  };
  server.Get(R"(/v2/orgs/([^/]+)/orders)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = guarded(req, res, list_orders);
    if (!who) return;
    orders_of(res, who->tenant);
  });
  if (cfg.unauthenticated_baseline)  // benchmarking aid: the same body, no authentication, loopback callers only
    server.Get(R"(/bench/bare/v2/orgs/([^/]+)/orders)", [&](const httplib::Request& req, httplib::Response& res) {
      if (req.remote_addr != "127.0.0.1") return refuse(res, errc::route_not_found);
      orders_of(res, req.matches[1].str());
    });
  server.Post(R"(/v2/orgs/([^/]+)/orders)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = guarded(req, res, create_order);
    if (!who) return;
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object()) return refuse(res, errc::malformed_request);
    auto r = orders_once.run(request(req), *who, [&] {
      nlohmann::json order = {{"order_id", "ord-" + std::to_string(data.next++)},
                              {"items", body.value("items", nlohmann::json::array())},
                              {"external_reference", body.value("external_reference", "")}};
      {
        std::lock_guard lock(data.mu);
        data.orders[who->tenant].push_back(order);
      }
      audit.record(http::business_event(*who, "order.create", "orders/" + order["order_id"].get<std::string>(), "api request"));
      (void)dispatcher.publish(who->tenant, {.id = "", .type = "order.created", .payload = order.dump()});
      return json_answer(201, order);
    });
    if (!r) return refuse(res, r.error());
    send(res, *r);
  });

  // ---- Stock: idempotent on external_id, audited with the reason ------------------------------
  server.Patch(R"(/v2/orgs/([^/]+)/stock/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = guarded(req, res, change_stock);
    if (!who) return;
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("delta") || !body["delta"].is_number_integer() || !body.contains("reason") ||
        !body["reason"].is_string())
      return refuse(res, errc::missing_field);
    const std::string sku = req.matches[2].str();
    auto r = stock_once.run(request(req), *who, [&] {
      long level = 0;
      {
        std::lock_guard lock(data.mu);
        level = data.stock[who->tenant + "/" + sku] += body["delta"].get<long>();
      }
      audit.record(http::business_event(*who, "stock.adjust", "stock/" + sku, body["reason"].get<std::string>()));
      return json_answer(200, {{"sku", sku}, {"level", level}});
    });
    if (!r) return refuse(res, r.error());
    send(res, *r);
  });

  // ---- Webhook subscriptions ---------------------------------------------------------------------
  server.Post(R"(/v2/orgs/([^/]+)/webhooks)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = guarded(req, res, webhooks_root);
    if (!who) return;
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("url") || !body["url"].is_string()) return refuse(res, errc::missing_field);
    webhook::subscription_request sub;
    sub.tenant = who->tenant;
    sub.url = body["url"].get<std::string>();
    sub.event_types = body.value("event_types", std::vector<std::string>{"*"});
    if (body.contains("signature_header")) {  // e.g. X-PharmaOne-Signature: "t=...,v1=..."
      sub.scheme.kind = webhook::scheme_kind::timestamped;
      sub.scheme.signature_header = body.value("signature_header", "");
    }
    auto created = subscriptions.create(sub);
    if (!created) return refuse(res, created.error());
    auto answer = created->record.to_json();
    answer["secret"] = std::string(created->secret.expose_secret_text());  // shown once
    audit.record(http::business_event(*who, "webhook.subscribe", "webhooks/" + created->record.id, "api request"));
    servers::reply(res, 201, answer);
  });
  server.Get(R"(/v2/orgs/([^/]+)/webhooks/([^/]+)/deliveries)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = guarded(req, res, webhooks);
    if (!who) return;
    auto sub = subscriptions.find(req.matches[2].str());
    if (!sub || sub->tenant != who->tenant) return refuse(res, errc::unknown_subscription);
    auto log = deliveries.list(sub->id, 100);
    if (!log) return refuse(res, log.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : *log) out.push_back(e.to_json());
    servers::reply(res, 200, {{"subscription", sub->to_json()}, {"deliveries", out}});
  });
  server.Post(R"(/v2/orgs/([^/]+)/webhooks/([^/]+)/test)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = guarded(req, res, webhooks);
    if (!who) return;
    auto sub = subscriptions.find(req.matches[2].str());
    if (!sub || sub->tenant != who->tenant) return refuse(res, errc::unknown_subscription);
    auto sent = dispatcher.send_test_event(sub->id);
    if (!sent) return refuse(res, sent.error());
    servers::reply(res, 200, sent->to_json());
  });

  // ---- Admin: keys --------------------------------------------------------------------------------
  server.Post(R"(/admin/orgs/([^/]+)/api-keys)", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = guarded(req, res, admin);
    if (!who) return;
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("scopes") || !body["scopes"].is_array()) return refuse(res, errc::missing_field);
    api_key::key_spec spec;
    spec.tenant = req.matches[1].str();
    for (const auto& s : body["scopes"])
      if (s.is_string()) spec.scopes.push_back(s.get<std::string>());
    auto issued = generator->issue(keys, spec);
    if (!issued) return refuse(res, issued.error());
    audit.record(http::business_event(*who, "api_key.create", "api-keys/" + issued->record.key_id, "admin request"));
    servers::reply(res, 201, {{"key_id", issued->record.key_id}, {"api_key", std::string(issued->key.expose_secret_text())}});
  });
  server.Delete(R"(/admin/api-keys/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = guarded(req, res, admin);
    if (!who) return;
    if (auto r = keys.revoke(req.matches[1].str(), std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())); !r)
      return refuse(res, r.error());
    audit.record(http::business_event(*who, "api_key.revoke", "api-keys/" + req.matches[1].str(), "admin request"));
    servers::reply(res, 200, {{"key_id", req.matches[1].str()}, {"status", "revoked"}});
  });

  const int rc = servers::run(server, opt, stop, {{"admin_key", std::string(bootstrap->key.expose_secret_text())}});
  (void)dispatcher.stop(webhook::stop_mode::drain, 2s);
  return rc;
}
}  // namespace
