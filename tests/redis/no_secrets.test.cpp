// Redis never holds a secret: after real traffic through every store (API keys generated,
// verified and revoked; clients registered, logging in and deactivated; JWTs verified and
// revoked; webhook deliveries verified, signed with and without their id; a careless caller
// rate-limiting on a raw API key), every key name and every value on the server is read back
// (SCAN, then GET / SMEMBERS / ZRANGE) and none contains an API key, a client secret, a token,
// a signature or a webhook secret used here.
#include <chrono>
#include <string>
#include <vector>

#include "redis/redis_support.hpp"
#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/hex.hpp"
#include "tessera/core/random.hpp"
#include "tessera/credentials.hpp"
#include "tessera/jwt.hpp"
#include "tessera/webhook.hpp"

using namespace redis_test;

TEST_CASE("no API key, client secret, token, signature or webhook secret is ever written to Redis", "[redis][secrets]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  auto pool = make_pool(srv.port, unique_prefix(), 2000ms);
  std::vector<std::string> secrets;  // everything that must never appear

  // API keys: generated, verified (last-used written), one revoked; a limiter keyed on the raw key.
  redis::key_store keys(*pool, [] {
    redis::key_store_options o;
    o.usage_flush_interval = std::chrono::milliseconds(0);
    return o;
  }());
  std::array<std::uint8_t, 32> pepper{};
  pepper.fill(0x42);
  auto ring = api_key::pepper_ring::create(1, pepper).value();
  auto gen = api_key::generator<>::create({}, ring).value();
  auto ver = api_key::verifier<redis::key_store>::create({}, ring, keys).value();
  redis::rate_limiter careless(*pool, 100, 100);
  std::vector<std::string> key_ids;
  for (int i = 0; i < 3; ++i) {
    api_key::key_spec s;
    s.tenant = "org-s";
    s.scopes = {"orders:read"};
    auto k = gen.issue(keys, s);
    REQUIRE(k);
    const std::string text(k->key.expose_secret_text());
    secrets.push_back(text);
    key_ids.push_back(k->record.key_id);
    REQUIRE(ver.verify(text, "org-s"));
    REQUIRE(careless.acquire(text, std::chrono::system_clock::now()));
  }
  REQUIRE(ver.verify(secrets[0], "org-s"));  // flushes the last-used times gathered so far
  REQUIRE(keys.flush_usage());
  REQUIRE(keys.revoke(key_ids[1], api_key::sys_seconds(std::chrono::seconds(1'700'000'000))));

  // Clients: registered (secret hashed), logging in, one deactivated; a signing key registered.
  redis::client_registry clients(*pool);
  credentials::authenticator_options login_opts;
  login_opts.policy = credentials::hash_policy::scrypt_with(1 << 10, 8, 1);
  auto login = credentials::client_authenticator<redis::client_registry>::create(clients, login_opts).value();
  std::string client_id;
  for (int i = 0; i < 2; ++i) {
    credentials::client_spec s;
    s.tenant = "org-s";
    s.scopes = {"orders:read"};
    auto c = credentials::register_client(clients, s, credentials::sys_seconds{}, login_opts.policy);
    REQUIRE(c);
    secrets.emplace_back(c->secret.expose_secret_text());
    client_id = c->record.client_id;
    REQUIRE(login.authenticate(c->record.client_id, c->secret.expose_secret()));
  }
  REQUIRE(clients.deactivate(client_id, credentials::sys_seconds{}));

  // JWTs: verified against the shared revocation list, one revoked by jti, one principal cut off.
  redis::revocation_list revoked(*pool);
  const auto hmac = core::random_bytes(32).value();
  secrets.push_back(core::base64url_encode(hmac));
  auto signing = jwt::signing_key::hmac(jwt::alg::hs256, hmac, "k1").value();
  jwt::issuer<> issuer(signing, {});
  jwt::verifier<jwt::single_key, core::coarse_clock, redis::revocation_list&> jwts(
      jwt::single_key(signing.verification().value()), jwt::rules::builder{}.ignore_issuer().ignore_audience().build().value(),
      core::coarse_clock{}, revoked);
  for (int i = 0; i < 3; ++i) {
    jwt::claims c;
    c.subject("partner-" + std::to_string(i));
    auto t = issuer.issue(c).value();
    secrets.push_back(t.token);
    secrets.push_back(t.token.substr(t.token.rfind('.') + 1));  // the signature segment
    REQUIRE(jwts.verify(t.token));
    if (i == 0) REQUIRE(revoked.revoke_token(t.jwt_id, t.expires_at));
  }
  REQUIRE(revoked.revoke_issued_at_or_before("partner-1", 1'700'000'000));

  // Webhooks: Standard Webhooks (signed id) and a body-only scheme (the signature itself is the
  // replay key), both verified through the shared replay store.
  redis::replay_store seen(*pool);
  {
    webhook::standard_webhooks scheme;
    auto secret = scheme.generate_secret().value();
    secrets.emplace_back(secret.expose_secret_text());
    auto ring_w = webhook::key_ring::from_secrets(scheme, {secret.expose_secret_text()}).value();
    webhook::signer sender(scheme, ring_w);
    webhook::verifier receiver(scheme, ring_w, seen);
    const std::string body = R"({"type":"stock.changed"})";
    auto headers = sender.sign("msg_no_secret_1", body).value();
    for (const auto& h : headers)
      if (h.name == "webhook-signature") secrets.push_back(h.value.substr(h.value.find(',') + 1));
    REQUIRE(receiver.verify(headers, body));
    CHECK(receiver.verify(headers, body).error() == errc::duplicate_delivery);
  }
  {
    webhook::body_only_scheme scheme;
    const std::string secret = "body-only-secret-" + core::base64url_encode(core::random_bytes(16).value());
    secrets.push_back(secret);
    auto ring_w = webhook::key_ring::from_secrets(scheme, {secret}).value();
    webhook::signer sender(scheme, ring_w);
    webhook::verifier receiver(scheme, ring_w, seen);
    const std::string body = "payload";
    auto headers = sender.sign("", body).value();
    REQUIRE(headers.size() == 1);
    const auto& sig = headers[0].value;  // "sha256=<hex>"
    secrets.push_back(sig.substr(sig.find('=') + 1));
    REQUIRE(receiver.verify(headers, body));
    CHECK(receiver.verify(headers, body).error() == errc::duplicate_delivery);
  }

  // Everything on the server, this test's keys and every other test's.
  admin a(srv.port);
  const auto all = a.keys();
  REQUIRE(all.size() > 10);
  std::size_t checked_values = 0;
  for (const auto& k : all) {
    const std::string value = a.dump(k);
    ++checked_values;
    for (const auto& s : secrets) {
      REQUIRE(s.size() >= 16);
      CAPTURE(k);
      CHECK(k.find(s) == std::string::npos);
      CHECK(value.find(s) == std::string::npos);
    }
  }
  INFO(all.size() << " keys and " << checked_values << " values checked against " << secrets.size() << " secrets");
  CHECK(checked_values == all.size());
}
