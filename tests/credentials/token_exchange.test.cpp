// Tests for tessera/credentials/token_exchange.hpp: each exchange flow end to end through the
// JWT verifier, both login response shapes, refresh, and deactivation refusing issued tokens.
#include "tessera/credentials/token_exchange.hpp"

#include <chrono>
#include <string>

#include "credentials/key_world.hpp"
#include "support/catch.hpp"
#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/config.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/credentials/client_secret.hpp"
#include "tessera/jwt/verifier.hpp"
#include "tessera/request_signing/request.hpp"

using namespace tessera;
using namespace std::chrono_literals;

namespace {
constexpr std::int64_t t0 = 1'750'000'000;

jwt::signing_key hs256_key() {
  auto bytes = core::random_secret(32);
  return jwt::signing_key::hmac<jwt::hs256>(bytes->expose_secret()).value();
}

credentials::sys_seconds at(std::int64_t s) { return credentials::sys_seconds(std::chrono::seconds(s)); }
}  // namespace

TEST_CASE("API key to 1-hour org-scoped token", "[credentials][exchange]") {
  core::manual_clock clock(t0);
  auto pepper = core::random_secret(32);
  auto peppers = api_key::pepper_ring::create(1, pepper->expose_secret()).value();
  api_key::memory_key_store store;
  const api_key::key_format format{"ak", "live", 30};
  auto gen = api_key::generator<>::create(format, peppers).value();
  auto keys = api_key::verifier<>::create(format, peppers, store).value();
  api_key::key_spec spec;
  spec.tenant = "org_123";
  spec.scopes = {"orders:read", "stock:write"};
  auto issued = gen.issue(store, spec).value();
  const std::string key(issued.key.expose_secret_text());

  auto sk = hs256_key();
  jwt::issuer<core::manual_clock&> issuer(sk, {.issuer = "https://auth.example.com"}, clock);
  credentials::api_key_exchange<api_key::verifier<>&, jwt::issuer<core::manual_clock&>&> exchange(
      keys, issuer, {.lifetime = 1h, .audience = "partner-api"});

  auto r = exchange.exchange(key, "org_123");
  REQUIRE(r);
  CHECK(r->expires_in() == 3600);
  CHECK(r->issued_at == t0);

  auto rules = jwt::rules::builder{}.issuer("https://auth.example.com").audience("partner-api").build().value();
  jwt::verifier<jwt::single_key, core::manual_clock&> v(jwt::single_key(sk.verification().value()), rules, clock);
  auto t = v.verify(r->token);
  REQUIRE(t);
  CHECK(*t->claim_string("org_id") == "org_123");
  CHECK(t->has_scope("orders:read"));
  CHECK(t->has_scope("stock:write"));
  CHECK(t->subject() == issued.record.key_id);
  CHECK(*t->expires_at() - *t->issued_at() == 3600);

  // A key of org_123 asking for a token on org_999's URL is refused, as an unknown key would be.
  CHECK(exchange.exchange(key, "org_999").error() == errc::wrong_tenant);
  CHECK(exchange.exchange("", "org_123").error() == errc::missing_field);
  CHECK(core::http_status(errc::missing_field) == 400);

  // One hour later the token has expired.
  clock.advance(3600s);
  CHECK(v.verify(r->token).error() == errc::token_expired);
}

TEST_CASE("client credentials to token, both response shapes, refresh and deactivation", "[credentials][exchange]") {
  core::manual_clock clock(t0);
  credentials::memory_client_registry registry;
  const auto policy = credentials::hash_policy::scrypt_with(1u << 10, 8, 1);  // small: not a cost test
  credentials::client_spec spec;
  spec.tenant = "acme";
  spec.roles = {"CommerceUser"};
  spec.scopes = {"orders:write"};
  spec.stores = {"store-oslo-downtown"};
  spec.markets = {"market-nor"};
  auto client = credentials::register_client(registry, spec, at(t0), policy);
  REQUIRE(client);
  const std::string id = client->record.client_id;
  const std::string secret(client->secret.expose_secret_text());

  credentials::authenticator_options aopts;
  aopts.policy = policy;
  auto auth = credentials::client_authenticator<>::create(registry, aopts).value();
  auto sk = hs256_key();
  jwt::issuer<core::manual_clock&> issuer(sk, {.issuer = "https://auth.example.com"}, clock);

  // Verification consults the registry: deactivation revokes tokens on the very next call.
  using revocation = credentials::client_revocation<credentials::memory_client_registry&>;
  auto rules = jwt::rules::builder{}.issuer("https://auth.example.com").audience("commerce").principal_claim("client_id").build().value();
  jwt::verifier<jwt::single_key, core::manual_clock&, revocation> v(jwt::single_key(sk.verification().value()), rules,
                                                                      clock, revocation(registry));

  SECTION("10-day token as {access_token, expires_in, token_type}") {
    credentials::client_credentials_exchange<credentials::client_authenticator<>&, jwt::issuer<core::manual_clock&>&> ex(
        auth, issuer, {.lifetime = 240h, .audience = "commerce"});
    auto r = ex.exchange(id, secret);
    REQUIRE(r);
    auto body = credentials::oauth_token_response(*r);
    CHECK(body["token_type"] == "Bearer");
    CHECK(body["expires_in"] == 864000);
    CHECK(body["access_token"] == r->token);
    auto t = v.verify(r->token);
    REQUIRE(t);
    CHECK(*t->claim_string("client_id") == id);
    CHECK(*t->claim_string("tenant") == "acme");
    CHECK(*t->claim_strings("roles") == std::vector<std::string>{"CommerceUser"});
    CHECK(*t->claim_strings("stores") == std::vector<std::string>{"store-oslo-downtown"});
    CHECK(t->has_scope("orders:write"));

    // Wrong secret, unknown client, missing fields.
    CHECK(ex.exchange(id, "wrong-secret").error() == errc::invalid_credentials);
    CHECK(ex.exchange("nobody", secret).error() == errc::invalid_credentials);
    CHECK(ex.exchange_json(R"({"client_id":"x"})").error() == errc::missing_field);
    CHECK(ex.exchange_json("not json").error() == errc::missing_field);
    CHECK(ex.exchange_json(R"({"client_id":")" + id + R"(","client_secret":")" + secret + R"("})"));

    // Deactivate the client: the same, unexpired token is refused on the next call, and so is a login.
    REQUIRE(registry.deactivate(id, at(t0 + 10)));
    CHECK(v.verify(r->token).error() == errc::principal_deactivated);
    CHECK(ex.exchange(id, secret).error() == errc::client_deactivated);
    // Reactivation does not revive tokens issued before the deactivation.
    REQUIRE(registry.reactivate(id));
    CHECK(v.verify(r->token).error() == errc::token_revoked);
    clock.advance(20s);
    auto fresh = ex.exchange(id, secret);
    REQUIRE(fresh);
    CHECK(v.verify(fresh->token));
  }

  SECTION("12-hour token as {token, expired_at}, then refresh without credentials") {
    credentials::client_credentials_exchange<credentials::client_authenticator<>&, jwt::issuer<core::manual_clock&>&> ex(
        auth, issuer, {.lifetime = 12h, .audience = "commerce"});
    auto r = ex.exchange(id, secret);
    REQUIRE(r);
    auto body = credentials::login_token_response(*r);
    CHECK(body["token"] == r->token);
    CHECK(body["expired_at"] == t0 + 12 * 3600);  // unix seconds, as the model shows ("expired_at": 1704067200)
    CHECK(body.size() == 2);
    CHECK(credentials::rfc3339_utc(0) == "1970-01-01T00:00:00Z");

    // POST /auth/refresh: the token may have expired up to an hour ago, and renews once.
    core::memory_replay_store once;
    jwt::refresher<decltype(v)&, jwt::issuer<core::manual_clock&>&, core::memory_replay_store&> refresher(
        v, issuer, {.window = 1h}, once);
    clock.advance(12h + 30min);
    CHECK(v.verify(r->token).error() == errc::token_expired);
    auto renewed = refresher.refresh(r->token);
    REQUIRE(renewed);
    auto t = v.verify(renewed->token);
    REQUIRE(t);
    CHECK(*t->claim_string("client_id") == id);
    CHECK(t->jwt_id() != r->jwt_id);
    CHECK(*t->expires_at() == t0 + 12 * 3600 + 1800 + 12 * 3600);
    CHECK(refresher.refresh(r->token).error() == errc::refresh_already_used);

    // A deactivated client cannot refresh.
    REQUIRE(registry.deactivate(id, credentials::sys_seconds(std::chrono::seconds(core::unix_seconds(clock)))));
    CHECK(refresher.refresh(renewed->token).error() == errc::principal_deactivated);
  }
}

TEST_CASE("a login body is bounded in size and depth before anything is hashed", "[credentials][exchange]") {
  core::manual_clock clock(t0);
  credentials::memory_client_registry registry;
  const auto policy = credentials::hash_policy::scrypt_with(16, 1, 1);  // small: not a cost test
  credentials::client_spec spec;
  spec.tenant = "acme";
  auto client = credentials::register_client(registry, spec, at(t0), policy);
  REQUIRE(client);
  const std::string creds = R"("client_id":")" + client->record.client_id + R"(","client_secret":")" +
                            std::string(client->secret.expose_secret_text()) + '"';
  credentials::authenticator_options aopts;
  aopts.policy = policy;
  auto auth = credentials::client_authenticator<>::create(registry, aopts).value();
  auto sk = hs256_key();
  jwt::issuer<core::manual_clock&> issuer(sk, {.issuer = "https://auth.example.com"}, clock);
  using exchange = credentials::client_credentials_exchange<credentials::client_authenticator<>&,
                                                            jwt::issuer<core::manual_clock&>&>;
  const exchange ex(auth, issuer);
  // The error of a login that must fail before any slow hash runs.
  auto refusal = [](const exchange& e, const std::string& body) {
    const auto before = credentials::thread_kdf_work();
    auto r = e.exchange_json(body);
    CHECK(credentials::thread_kdf_work().since(before).runs == 0);
    return r ? errc::none_ : r.error();  // none_: it was let through
  };
  // A body of `size` bytes carrying the credentials, padded with a string member.
  auto padded = [&](std::size_t size) {
    std::string b = "{" + creds + R"(,"pad":")";
    b.append(size - b.size() - 2, 'a');
    return b + "\"}";
  };
  // The credentials with `depth` levels of nesting in all: the body object, then depth - 1 arrays.
  auto nested = [&](std::size_t depth) {
    return "{" + creds + R"(,"n":)" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
  };

  REQUIRE(ex.exchange_json("{" + creds + "}"));
  CHECK(refusal(ex, padded(2u << 20)) == errc::input_too_large);  // 2 MiB: refused unread
  CHECK(refusal(ex, padded(8193)) == errc::input_too_large);
  CHECK(ex.exchange_json(padded(8192)));                            // the default bound, 8 KiB
  CHECK(refusal(ex, nested(3000)) == errc::missing_field);          // far too deep, within 8 KiB
  CHECK(refusal(ex, nested(config::max_json_depth + 1)) == errc::missing_field);
  CHECK(ex.exchange_json(nested(config::max_json_depth)));
  CHECK(refusal(ex, std::string(5000, '[')) == errc::missing_field);
  // A member given twice is ambiguous (two parsers could read different ids): refused.
  CHECK(refusal(ex, "{" + creds + R"(,"client_id":"someone-else"})") == errc::missing_field);
  CHECK(refusal(ex, "{" + creds + R"(,"client_secret":"x"})") == errc::missing_field);
  CHECK(refusal(ex, "") == errc::missing_field);
  CHECK(refusal(ex, "[]") == errc::missing_field);
  CHECK(refusal(ex, "{" + creds + "} x") == errc::missing_field);
  CHECK(refusal(ex, R"({"client_id":1,"client_secret":"x"})") == errc::missing_field);
  CHECK(refusal(ex, R"({"client_id":"","client_secret":"x"})") == errc::missing_field);

  // Both bounds are the server's to set.
  const std::string body = "{" + creds + "}";
  REQUIRE(body.size() > 64);
  credentials::client_exchange_options opts;
  opts.max_body_size = 64;
  const exchange small(auth, issuer, opts);
  CHECK(refusal(small, body) == errc::input_too_large);
  opts = {};
  opts.max_json_depth = 2;  // a flat object of strings, as simdjson counts: the object, its values
  const exchange flat(auth, issuer, opts);
  CHECK(refusal(flat, nested(3)) == errc::missing_field);
  CHECK(flat.exchange_json(body));
}

TEST_CASE("an exchanged token never outlives its key, and a route without an org exchanges for the key's own",
          "[credentials][exchange]") {
  credentials_test::key_world w;
  auto short_lived = w.issue("org_a", {"orders:read"}, 3s);
  auto lasting = w.issue("org_a", {"orders:read"});

  auto sk = hs256_key();
  jwt::issuer<> issuer(sk, {.issuer = "https://auth.example.com"});
  credentials::api_key_exchange<api_key::verifier<>&, jwt::issuer<>&> exchange(w.keys, issuer, {.lifetime = 1h, .audience = ""});

  // A key with 3 s left mints a token of at most 3 s, not of an hour.
  auto r = exchange.exchange(short_lived.key.expose_secret_text(), "org_a");
  REQUIRE(r);
  CHECK(r->expires_at <= short_lived.record.expires_at->time_since_epoch().count());
  CHECK(r->expires_in() <= 3);
  CHECK(exchange.exchange(lasting.key.expose_secret_text(), "org_a")->expires_in() == 3600);

  // POST /auth/token names no org: the key is exchanged for its own org, once verified.
  auto own = exchange.exchange(lasting.key.expose_secret_text());
  REQUIRE(own);
  auto rules = jwt::rules::builder{}.issuer("https://auth.example.com").ignore_audience().build().value();
  jwt::verifier v(jwt::single_key(sk.verification().value()), rules);
  CHECK(*v.verify(own->token)->claim_string("org_id") == "org_a");
  CHECK(exchange.exchange("ak_live_not_a_key").error() == errc::api_key_malformed);
  CHECK(exchange.exchange("").error() == errc::missing_field);
}

TEST_CASE("a token issued in the second of a deactivation stays refused after a reactivation in that second",
          "[credentials][exchange]") {
  credentials::memory_client_registry clients;
  credentials::client_record c;
  c.client_id = "partner-1";
  c.tenant = "t1";
  REQUIRE(clients.add(c));
  core::manual_clock clock(t0);
  auto sk = hs256_key();
  jwt::issuer<core::manual_clock&> issuer(sk, {.issuer = "https://auth.example.com"}, clock);
  credentials::client_revocation<credentials::memory_client_registry&> by_client(clients);
  auto rules = jwt::rules::builder{}.issuer("https://auth.example.com").ignore_audience().build().value();
  jwt::verifier<jwt::single_key, core::manual_clock&, decltype(by_client)> v(jwt::single_key(sk.verification().value()),
                                                                             rules, clock, by_client);

  jwt::claims claims;
  claims.subject("partner-1");
  auto token = issuer.issue(claims).value().token;  // iat = t0
  REQUIRE(v.verify(token));
  REQUIRE(clients.deactivate("partner-1", at(t0)));  // the same second
  CHECK(v.verify(token).error() == errc::principal_deactivated);
  REQUIRE(clients.reactivate("partner-1"));
  CHECK(v.verify(token).error() == errc::token_revoked);
  clock.advance(1s);
  auto fresh = issuer.issue(claims).value().token;  // iat = t0 + 1: after the deactivation
  CHECK(v.verify(fresh));
}

TEST_CASE("token responses take the shape a model documents", "[credentials][exchange]") {
  const credentials::exchange_result r{"tok.en.value", t0, t0 + 3600, "j1"};
  CHECK(credentials::token_response(r) ==
        nlohmann::json{{"access_token", "tok.en.value"}, {"expires_in", 3600}, {"token_type", "Bearer"}});
  CHECK(credentials::token_response(r, credentials::login_response()) ==
        nlohmann::json{{"token", "tok.en.value"}, {"expired_at", t0 + 3600}});
  credentials::token_response_shape text{"token", "expired_at", credentials::token_response_shape::expiry::rfc3339, ""};
  CHECK(credentials::token_response(r, text)["expired_at"] == credentials::rfc3339_utc(t0 + 3600));
  credentials::token_response_shape bare{"jwt", "", credentials::token_response_shape::expiry::seconds_left, ""};
  CHECK(credentials::token_response(r, bare) == nlohmann::json{{"jwt", "tok.en.value"}});
}

TEST_CASE("login requests in three shapes: snake JSON, camel JSON, RFC 6749 form with HTTP Basic",
          "[credentials][exchange]") {
  core::manual_clock clock(t0);
  credentials::memory_client_registry registry;
  const auto policy = credentials::hash_policy::scrypt_with(1u << 10, 8, 1);
  credentials::client_spec spec;
  spec.tenant = "acme";
  auto client = credentials::register_client(registry, spec, at(t0), policy);
  REQUIRE(client);
  const std::string id = client->record.client_id;
  const std::string secret(client->secret.expose_secret_text());
  credentials::authenticator_options aopts;
  aopts.policy = policy;
  auto auth = credentials::client_authenticator<>::create(registry, aopts).value();
  auto sk = hs256_key();
  jwt::issuer<core::manual_clock&> issuer(sk, {.issuer = "https://auth.example.com"}, clock);
  credentials::client_credentials_exchange<credentials::client_authenticator<>&, jwt::issuer<core::manual_clock&>&> ex(
      auth, issuer, {.lifetime = 240h, .audience = ""});
  auto post = [](std::string body, std::string authorization = {}) {
    request_signing::request r("POST", "/api/token", "", std::move(body));
    if (!authorization.empty()) r.set_header("Authorization", authorization);
    return r;
  };
  auto basic = [](std::string_view user, std::string_view pass) {
    return "Basic " + core::base64_encode(core::bytes_view(std::string(user) + ":" + std::string(pass)));
  };

  SECTION("snake and camel JSON") {
    const std::string snake = R"({"client_id":")" + id + R"(","client_secret":")" + secret + R"("})";
    const std::string camel = R"({"clientId":")" + id + R"(","clientSecret":")" + secret + R"("})";
    CHECK(ex.exchange_request(post(snake), credentials::json_login()));
    CHECK(ex.exchange_request(post(camel), credentials::camel_json_login()));
    CHECK(ex.exchange_request(post(camel), credentials::json_login()).error() == errc::missing_field);
    CHECK(ex.exchange_request(post(snake), credentials::camel_json_login()).error() == errc::missing_field);
    const std::string twice = R"({"clientId":")" + id + R"(","clientId":"x","clientSecret":")" + secret + R"("})";
    CHECK(ex.exchange_request(post(twice), credentials::camel_json_login()).error() == errc::missing_field);
  }
  SECTION("RFC 6749 §4.4: grant_type=client_credentials, client authenticated with HTTP Basic") {
    const auto oauth = credentials::oauth_client_credentials();
    CHECK(ex.exchange_request(post("grant_type=client_credentials", basic(id, secret)), oauth));
    CHECK(ex.exchange_request(post("grant_type=client_credentials&scope=orders%3Aread", basic(id, secret)), oauth));
    // Credentials in the body when no Authorization header is sent (§2.3.1 allows it).
    CHECK(ex.exchange_request(post("grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret), oauth));
    // Both at once: two authentication methods (§2.3 forbids it).
    CHECK(ex.exchange_request(post("grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret,
                                   basic(id, secret)), oauth)
              .error() == errc::malformed_credentials);
    CHECK(ex.exchange_request(post("grant_type=password", basic(id, secret)), oauth).error() == errc::unsupported_grant_type);
    CHECK(ex.exchange_request(post("", basic(id, secret)), oauth).error() == errc::missing_field);
    CHECK(ex.exchange_request(post("grant_type=client_credentials&grant_type=client_credentials", basic(id, secret)), oauth)
              .error() == errc::missing_field);
    CHECK(ex.exchange_request(post("grant_type=client_credentials", basic(id, "wrong")), oauth).error() ==
          errc::invalid_credentials);
    CHECK(ex.exchange_request(post("grant_type=client_credentials", "Basic !!!"), oauth).error() == errc::malformed_credentials);
    CHECK(ex.exchange_request(post("grant_type=client_credentials", "Bearer abc"), oauth).error() == errc::malformed_credentials);
    CHECK(ex.exchange_request(post("grant_type=client_credentials", basic(id, "")), oauth).error() == errc::malformed_credentials);
    CHECK(ex.exchange_request(post("grant_type=client_credentials&client_id=" + id), oauth).error() == errc::missing_field);
    CHECK(ex.exchange_request(post("grant_type=client_credentials&client_id=a%zz&client_secret=b"), oauth).error() ==
          errc::missing_field);
  }
  SECTION("Basic carries form-encoded values (RFC 6749 §2.3.1)") {
    credentials::client_spec odd;
    odd.tenant = "acme";
    odd.client_id = "svc:reports/eu";
    auto c2 = credentials::register_client(registry, odd, at(t0), policy);
    REQUIRE(c2);
    const std::string s2(c2->secret.expose_secret_text());
    CHECK(ex.exchange_request(post("grant_type=client_credentials", basic("svc%3Areports%2Feu", s2)),
                              credentials::oauth_client_credentials()));
  }
}
