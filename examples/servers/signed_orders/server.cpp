// The signed partner orders model (SNAP-style), as a reference server on cpp-httplib.
//
//   POST /api/v1/auth/login      {"client_id","client_secret"} → 12-hour JWT {"token","expired_at"}
//   POST /api/v1/auth/refresh    Authorization: Bearer <token> → a new token, without credentials
//   POST /api/v1/orders          Bearer JWT and a request signature by the token's client, either
//   GET  /api/v1/orders/{id}       - X-CLIENT-ID + X-TIMESTAMP (unix seconds) + X-SIGNATURE =
//                                    base64(SHA256withRSA(client_id + "|" + X-TIMESTAMP)), or
//                                  - RFC 9421 HTTP Message Signatures (chosen when the request
//                                    carries Signature-Input or Signature): keyid = client id,
//                                    the key's own algorithm (rsa-v1_5-sha256 for an RSA key,
//                                    ed25519, ecdsa-p256-sha256...), covering at least "@method"
//                                    "@path" "@authority", and "content-digest" (RFC 9530,
//                                    checked against the body) when there is a body; `created`
//                                    at most 300 s old (60 s of clock skew), a `nonce` used once
//                                  checked against the partner's registered keys (X.509 / SPKI PEM);
//                                  the token's client_id must equal the signing client
//   Admin (ApiKey header, the key printed once at start-up):
//   POST /admin/partners                  {"name","public_key_pem"[,"algorithm"]} → client id and
//                                         secret, shown once ("algorithm": the key's signature
//                                         scheme, "rsa_pkcs1_sha256" unless told, e.g. "ed25519")
//   POST /admin/partners/{id}/keys        {"key_id","public_key_pem"[,"algorithm"]}: key rotation
//   DELETE /admin/partners/{id}/keys/{k}  withdraws a key
//   POST /admin/partners/{id}/deactivate  stops its logins, refreshes, tokens and signatures at once
//   POST /admin/partners/{id}/reactivate
//
// Every security decision is tessera's: one client registry (secret hash, signing keys, status),
// client_authenticator (slow hashing, login throttle, queue), client_credentials_exchange,
// refresher, client_revocation, the client_timestamp request-signature verifier, the
// httpsig::verifier (RFC 9421 and 9530: policy, signature base, digest, nonce replay store), and
// one http::authenticator per surface and way of signing (http::signed_request_method binds
// either signature to the token). Statuses: 400 malformed request (and an RFC 9421 field or
// component that cannot be read), 401 every credential failure, 403 a partner touching another
// partner's order, 404 unknown order or route, 429 login limits.
#include <tessera/adapters/httplib.hpp>
#include <tessera/api_key.hpp>
#include <tessera/credentials.hpp>
#include <tessera/http.hpp>
#include <tessera/jwt.hpp>
#include <tessera/request_signing.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "../common/serve.hpp"

namespace {
using namespace tessera;
using namespace std::chrono_literals;
using adapters::httplib::request;
using adapters::httplib::write;
namespace rs = tessera::request_signing;
namespace httpsig = tessera::request_signing::httpsig;

// The partner's orders: the business data of this server (no security in here).
struct order_book {
  std::mutex mu;
  std::map<std::string, nlohmann::json> orders;  // by id
  std::atomic<int> next{1};
};

credentials::sys_seconds now_seconds() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }
}  // namespace

int main(int argc, char** argv) {
  const sigset_t stop = servers::block_stop_signals();
  const servers::options opt = servers::parse(argc, argv);

  // ---- Keys and stores ---------------------------------------------------------------------
  auto jwt_secret = core::random_secret(32);
  auto signing = jwt::signing_key::hmac(jwt::alg::hs256, jwt_secret.value().expose_secret(), "orders-2026");
  auto rules = jwt::rules::builder{}
                   .issuer("https://orders.example.com")
                   .audience("partner-orders")
                   .principal_claim("client_id")
                   .build();
  if (!signing || !rules) return 1;
  jwt::issuer<> issuer(*signing, {.issuer = "https://orders.example.com", .lifetime = 12h});

  credentials::memory_client_registry partners;  // one registry: secret hash, signing keys, status
  const auto policy = opt.fast_hashing ? credentials::hash_policy::scrypt_with(1u << 10, 8, 1) : credentials::hash_policy{};
  credentials::authenticator_options login_opts;
  login_opts.policy = policy;
  auto logins = credentials::client_authenticator<>::create(partners, login_opts);
  if (!logins) return 1;
  credentials::client_credentials_exchange<const credentials::client_authenticator<>&, const jwt::issuer<>&> login(
      *logins, issuer, {.lifetime = 12h, .audience = "partner-orders"});

  // Tokens: checked against the registry on every call (deactivation reaches them at once).
  using revocation = credentials::client_revocation<credentials::memory_client_registry&>;
  jwt::verifier<jwt::single_key, core::coarse_clock, revocation> tokens(jwt::single_key(signing->verification().value()),
                                                                        *rules, core::coarse_clock{}, revocation(partners));
  core::memory_replay_store refreshed;  // each token refreshes once
  jwt::refresher<decltype(tokens)&, const jwt::issuer<>&, core::memory_replay_store&> refresher(tokens, issuer,
                                                                                                {.window = 1h}, refreshed);
  // Signatures: the model's client_id|X-TIMESTAMP in unix seconds, keys from the same registry.
  core::memory_replay_store unused_seen;  // client_timestamp accepts repeats, as the model does
  rs::verifier signatures(rs::client_timestamp{}, credentials::signing_key_registry(partners), unused_seen);
  // RFC 9421 message signatures over the same registry, keyid = client id; each nonce once.
  core::memory_replay_store nonces;
  httpsig::verifier_options message_policy;
  message_policy.required_components = {"@method", "@path", "@authority"};
  message_policy.require_content_digest = true;  // a body is signed through its checked Content-Digest
  message_policy.max_age = 300s;
  message_policy.leeway = 60s;
  message_policy.require_nonce = true;
  message_policy.message_context.scheme = "http";  // served on plain HTTP (loopback)
  httpsig::verifier message_signatures{credentials::signing_key_registry(partners), nonces, message_policy};

  // The admin surface: API keys of its own, the first printed once at start-up.
  auto pepper = core::random_secret(32);
  auto peppers = api_key::pepper_ring::create(1, pepper.value().expose_secret());
  api_key::memory_key_store admin_keys;
  const api_key::key_format admin_format{"adm", "live", 30};
  auto admin_generator = api_key::generator<>::create(admin_format, peppers.value());
  auto admin_verifier = api_key::verifier<>::create(admin_format, peppers.value(), admin_keys);
  if (!admin_generator || !admin_verifier) return 1;
  auto bootstrap = admin_generator->issue(admin_keys, {.tenant = "operator", .scopes = {"partners:admin"}, .key_id = "bootstrap"});
  if (!bootstrap) return 1;

  http::file_audit audit({.path = opt.audit_file, .flush_interval = opt.audit_flush});
  http::authenticator orders_auth(audit, http::no_rate_limit{}, {}, http::signed_request_method(tokens, signatures));
  http::authenticator orders_rfc9421_auth(audit, http::no_rate_limit{}, {},
                                          http::signed_request_method(tokens, message_signatures));
  http::authenticator admin_auth(audit, http::no_rate_limit{}, {}, http::api_key_method(*admin_verifier));
  http::error_options errors;  // login and refresh answers
  errors.retry_after_seconds = 2;  // a 429 (login overload or lock-out) says when to come back

  const http::route place_order{.pattern = "/api/v1/orders"};
  const http::route read_order{.pattern = "/api/v1/orders/{id}"};
  const http::route admin_partners{.pattern = "/admin/partners/*", .scopes = {"partners:admin"}};
  const http::route admin_root{.pattern = "/admin/partners", .scopes = {"partners:admin"}};
  order_book book;

  httplib::Server server;
  adapters::httplib::prepare(server, errors);

  // ---- Login and refresh ---------------------------------------------------------------------
  server.Post("/api/v1/auth/login", [&](const httplib::Request& req, httplib::Response& res) {
    auto t = login.exchange_request(request(req), credentials::json_login());
    if (!t) return write(res, http::make_error_response(t.error(), errors));
    servers::reply(res, 200, credentials::token_response(*t, credentials::login_response()));
  });
  server.Post("/api/v1/auth/refresh", [&](const httplib::Request& req, httplib::Response& res) {
    auto token = http::bearer_token_of(request(req));
    if (!token) return write(res, http::make_error_response(token.error(), errors));
    auto t = refresher.refresh(*token);
    if (!t) return write(res, http::make_error_response(t.error(), errors));
    servers::reply(res, 200, credentials::token_response(*t, credentials::login_response()));
  });

  // ---- Orders: token and signature by the same client -----------------------------------------
  // The way the order is signed: RFC 9421 when it carries its fields, X-SIGNATURE otherwise.
  auto authenticate_order = [&](const httplib::Request& req, httplib::Response& res, const http::route& rt) {
    const request view(req);
    const bool rfc9421 = view.header("Signature-Input") || view.header("Signature");
    auto who = rfc9421 ? orders_rfc9421_auth.authenticate(view, rt) : orders_auth.authenticate(view, rt);
    if (!who) write(res, rfc9421 ? orders_rfc9421_auth.respond(who.error(), rt) : orders_auth.respond(who.error(), rt));
    return who;
  };
  server.Post("/api/v1/orders", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = authenticate_order(req, res, place_order);
    if (!who) return;
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object()) return write(res, http::make_error_response(errc::malformed_request, errors));
    const std::string id = "ord-" + std::to_string(book.next++);
    nlohmann::json order = {{"order_id", id}, {"client_id", who->subject}, {"items", body.value("items", nlohmann::json::array())}};
    {
      std::lock_guard lock(book.mu);
      book.orders[id] = order;
    }
    audit.record(http::business_event(*who, "order.create", "orders/" + id, "partner order"));
    servers::reply(res, 201, order);
  });
  server.Get(R"(/api/v1/orders/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = authenticate_order(req, res, read_order);
    if (!who) return;
    std::lock_guard lock(book.mu);
    auto it = book.orders.find(req.matches[1].str());
    if (it == book.orders.end()) return write(res, http::make_error_response(errc::route_not_found, errors));
    // An order belongs to the partner that placed it.
    if (it->second["client_id"] != who->subject) return write(res, http::make_error_response(errc::forbidden, errors));
    servers::reply(res, 200, it->second);
  });

  // ---- Admin: partners, their keys and status ----------------------------------------------
  auto admin = [&](const httplib::Request& req, httplib::Response& res, const http::route& rt) {
    auto who = admin_auth.authenticate(request(req), rt);
    if (!who) write(res, admin_auth.respond(who.error(), rt));
    return who;
  };
  auto pem_key = [](const nlohmann::json& body, const std::string& id) -> result<credentials::signing_key> {
    if (!body.is_object() || !body.contains("public_key_pem") || !body["public_key_pem"].is_string())
      return unexpected{errc::missing_field};
    const nlohmann::json scheme = body.contains("algorithm") ? body["algorithm"] : nlohmann::json("rsa_pkcs1_sha256");
    const auto alg = scheme.is_string() ? crypto::signature_alg_named(scheme.get<std::string>()) : std::nullopt;
    if (!alg) return unexpected{errc::invalid_argument};
    return credentials::signing_key::from_pem(id, body["public_key_pem"].get<std::string>(), *alg);
  };
  server.Post("/admin/partners", [&](const httplib::Request& req, httplib::Response& res) {
    if (!admin(req, res, admin_root)) return;
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    auto key = pem_key(body, body.is_object() ? body.value("key_id", "key-1") : "key-1");
    if (!key) return write(res, http::make_error_response(key.error(), errors));
    credentials::client_spec spec;
    spec.id_prefix = "partner_";
    spec.tenant = "partners";
    spec.description = body.value("name", "");
    spec.signing_keys.push_back(std::move(*key));
    auto issued = credentials::register_client(partners, std::move(spec), now_seconds(), policy);
    if (!issued) return write(res, http::make_error_response(issued.error(), errors));
    servers::reply(res, 201, {{"client_id", issued->record.client_id},
                              {"client_secret", std::string(issued->secret.expose_secret_text())}});  // shown once
  });
  server.Post(R"(/admin/partners/([^/]+)/keys)", [&](const httplib::Request& req, httplib::Response& res) {
    if (!admin(req, res, admin_partners)) return;
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    auto key = pem_key(body, body.is_object() ? body.value("key_id", "") : "");
    if (!key) return write(res, http::make_error_response(key.error(), errors));
    if (auto r = partners.add_signing_key(req.matches[1].str(), std::move(*key)); !r)
      return write(res, http::make_error_response(r.error(), errors));
    servers::reply(res, 201, {{"status", "added"}});
  });
  server.Delete(R"(/admin/partners/([^/]+)/keys/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    if (!admin(req, res, admin_partners)) return;
    if (auto r = partners.remove_signing_key(req.matches[1].str(), req.matches[2].str()); !r)
      return write(res, http::make_error_response(r.error(), errors));
    servers::reply(res, 200, {{"status", "removed"}});
  });
  server.Post(R"(/admin/partners/([^/]+)/(deactivate|reactivate))", [&](const httplib::Request& req, httplib::Response& res) {
    auto who = admin(req, res, admin_partners);
    if (!who) return;
    const std::string id = req.matches[1].str();
    const bool off = req.matches[2] == "deactivate";
    auto r = off ? partners.deactivate(id, now_seconds()) : partners.reactivate(id);
    if (!r) return write(res, http::make_error_response(r.error(), errors));
    audit.record(http::business_event(*who, off ? "partner.deactivate" : "partner.reactivate", "partners/" + id, "admin request"));
    servers::reply(res, 200, {{"client_id", id}, {"active", !off}});
  });

  return servers::run(server, opt, stop, {{"admin_key", std::string(bootstrap->key.expose_secret_text())}});
}
