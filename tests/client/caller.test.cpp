// Tests for tessera/client/caller.hpp over a scripted http_client: one login per tenant, the
// Bearer token on each call, 401 renewed once then final, 403 final at once, 429 backed off with
// Retry-After honoured and bounded, 5xx and network failures retried only for requests safe to
// repeat, the token endpoint's statuses mapped to errcs, and the login shapes.
#include "tessera/client/caller.hpp"

#include <chrono>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using namespace std::chrono_literals;

namespace {
constexpr std::int64_t t0 = 1'700'000'000;
const std::string token_url = "https://partner.test/api/token";
const std::string api_url = "https://partner.test/api/orders";

// A scripted partner: the token endpoint and the API each answer from their own queue (an empty
// queue answers a fresh token, or 200), and every request is kept.
struct fake_partner {
  std::mutex mu;
  std::deque<result<client::http_response>> logins, api;
  std::vector<client::http_request> login_requests, api_requests;
  int issued = 0;

  static client::http_response answer(int status, std::string body = {}, client::header_list headers = {}) {
    return client::http_response{status, std::move(headers), std::move(body)};
  }

  result<client::http_response> send(const client::http_request& r) noexcept {
    std::lock_guard lock(mu);
    const bool login = r.url == token_url;
    (login ? login_requests : api_requests).push_back(r);
    auto& queue = login ? logins : api;
    if (!queue.empty()) {
      auto next = std::move(queue.front());
      queue.pop_front();
      return next;
    }
    if (login) {
      ++issued;
      return answer(200, R"({"access_token":"tok-)" + std::to_string(issued) + R"(","expires_in":3600,"token_type":"Bearer"})");
    }
    return answer(200, R"({"ok":true})");
  }

  // The Authorization value of the i-th API request.
  std::string authorization(std::size_t i) {
    std::string out;
    for (const auto& [n, v] : api_requests.at(i).headers)
      if (core::iequals(n, "Authorization")) out += (out.empty() ? "" : " | ") + v;
    return out;
  }
};
static_assert(client::http_client<fake_partner>);

// Records each sleep instead of sleeping.
struct recording_sleeper {
  std::vector<std::chrono::milliseconds>* log;
  void sleep_for(std::chrono::milliseconds d) const noexcept { log->push_back(d); }
};
static_assert(client::sleeper<recording_sleeper>);

// Jitter that always draws the ceiling (or zero), so delays are exact.
struct max_jitter {
  std::uint64_t uniform(std::uint64_t n) const noexcept { return n; }
};
struct zero_jitter {
  std::uint64_t uniform(std::uint64_t) const noexcept { return 0; }
};

client::tenant_clients logins() {
  client::tenant_clients c;
  c.add("store-oslo", "client-oslo", core::secret(core::bytes_view(std::string_view("s3cret-oslo-\"x\""))));
  c.add("market-nor", "client-nor", core::secret(core::bytes_view(std::string_view("s3cret-nor"))));
  return c;
}

client::caller_options options() {
  client::caller_options o;
  o.token_url = token_url;
  o.retry.max_attempts = 4;
  o.retry.base_delay = 500ms;
  o.retry.max_delay = 30s;
  o.retry.max_total_wait = 60s;
  return o;
}

template <class Jitter>
using caller_t = client::caller<fake_partner&, client::json_token_shape, client::tenant_clients, recording_sleeper,
                                  Jitter, core::manual_clock&>;

// A caller over a fake partner on a manual clock, recording its sleeps.
template <class Jitter = max_jitter>
struct scene {
  core::manual_clock clock{t0};
  fake_partner partner;
  std::vector<std::chrono::milliseconds> sleeps;
  caller_t<Jitter> s;
  explicit scene(client::caller_options o = options())
      : s(partner, logins(), std::move(o), client::commerce_token_shape(), recording_sleeper{&sleeps}, Jitter{}, clock) {}
};

client::http_request get() { return client::http_request{"GET", api_url, {}, {}}; }
client::http_request post(bool idempotency_key = false) {
  client::http_request r{"POST", api_url, {{"Content-Type", "application/json"}}, R"({"sku":"A1"})"};
  if (idempotency_key) r.headers.emplace_back("Idempotency-Key", "order-7781");
  return r;
}
}  // namespace

TEST_CASE("a caller logs in once per tenant and sends the Bearer token", "[client][caller]") {
  scene sc;
  auto r = sc.s.call("store-oslo", get());
  REQUIRE(r);
  CHECK(r.attempts == 1);
  REQUIRE(r.response);
  CHECK(r.response->status == 200);
  CHECK(sc.partner.authorization(0) == "Bearer tok-1");

  REQUIRE(sc.partner.login_requests.size() == 1);
  const auto& login = sc.partner.login_requests[0];
  CHECK(login.method == "POST");
  auto body = nlohmann::json::parse(login.body);
  CHECK(body == nlohmann::json{{"clientId", "client-oslo"}, {"clientSecret", "s3cret-oslo-\"x\""}});
  bool json = false;
  for (const auto& [n, v] : login.headers) json |= n == "Content-Type" && v == "application/json";
  CHECK(json);

  // The same tenant again: no second login. Another tenant: its own login.
  auto caller_auth = get();
  caller_auth.headers.emplace_back("authorization", "Basic c29tZTpvbmU=");  // replaced, never sent
  CHECK(sc.s.call("store-oslo", caller_auth));
  CHECK(sc.partner.authorization(1) == "Bearer tok-1");
  CHECK(sc.s.call("market-nor", get()));
  CHECK(sc.partner.authorization(2) == "Bearer tok-2");
  CHECK(sc.partner.login_requests.size() == 2);
  CHECK(nlohmann::json::parse(sc.partner.login_requests[1].body)["clientId"] == "client-nor");

  // A tenant without credentials never reaches the network.
  auto unknown = sc.s.call("store-bergen", get());
  CHECK(unknown.error == errc::invalid_argument);
  CHECK(unknown.attempts == 0);
  CHECK(sc.partner.api_requests.size() == 3);
  CHECK(sc.sleeps.empty());
}

TEST_CASE("a 401 renews the token once and retries once", "[client][caller]") {
  scene sc;
  REQUIRE(sc.s.call("store-oslo", get()));  // tok-1 cached
  sc.partner.api.push_back(fake_partner::answer(401));
  auto r = sc.s.call("store-oslo", get());
  REQUIRE(r);
  CHECK(r.attempts == 2);
  CHECK(sc.partner.login_requests.size() == 2);
  CHECK(sc.partner.authorization(1) == "Bearer tok-1");
  CHECK(sc.partner.authorization(2) == "Bearer tok-2");
  CHECK(sc.sleeps.empty());
  // The renewed token is kept for the next call.
  REQUIRE(sc.s.call("store-oslo", get()));
  CHECK(sc.partner.authorization(3) == "Bearer tok-2");
  CHECK(sc.partner.login_requests.size() == 2);
}

TEST_CASE("a second 401 ends the call", "[client][caller]") {
  scene sc;
  sc.partner.api.push_back(fake_partner::answer(401));
  sc.partner.api.push_back(fake_partner::answer(401, R"({"error":"invalid_token"})"));
  auto r = sc.s.call("store-oslo", post());  // a POST too: a 401 was never processed
  CHECK(r.error == errc::invalid_credentials);
  CHECK(r.attempts == 2);
  REQUIRE(r.response);
  CHECK(r.response->status == 401);
  CHECK(sc.partner.login_requests.size() == 2);
  CHECK(sc.partner.api_requests.size() == 2);
}

TEST_CASE("a 403 is final: no retry, no renewal", "[client][caller]") {
  scene sc;
  sc.partner.api.push_back(fake_partner::answer(403, R"({"error":"missing_scope"})"));
  auto r = sc.s.call("store-oslo", get());
  CHECK(r.error == errc::forbidden);
  CHECK(r.attempts == 1);
  REQUIRE(r.response);
  CHECK(r.response->body == R"({"error":"missing_scope"})");
  CHECK(sc.partner.login_requests.size() == 1);
  CHECK(sc.sleeps.empty());
}

TEST_CASE("a 429 backs off, honouring Retry-After, within bounds", "[client][caller]") {
  SECTION("Retry-After is a lower bound on the delay") {
    scene<zero_jitter> sc;
    sc.partner.api.push_back(fake_partner::answer(429, {}, {{"Retry-After", "2"}}));
    auto r = sc.s.call("store-oslo", post());  // 429: retried whatever the method
    REQUIRE(r);
    CHECK(r.attempts == 2);
    CHECK(sc.sleeps == std::vector<std::chrono::milliseconds>{2000ms});
  }
  SECTION("without Retry-After: full jitter under doubling ceilings, then rate_limited") {
    scene sc;  // max_jitter: every delay is its ceiling
    for (int i = 0; i < 10; ++i) sc.partner.api.push_back(fake_partner::answer(429));
    auto r = sc.s.call("store-oslo", get());
    CHECK(r.error == errc::rate_limited);
    CHECK(r.attempts == 4);
    REQUIRE(r.response);
    CHECK(r.response->status == 429);
    CHECK(sc.sleeps == std::vector<std::chrono::milliseconds>{500ms, 1000ms, 2000ms});
  }
  SECTION("a Retry-After beyond max_delay ends the call at once") {
    scene sc;
    sc.partner.api.push_back(fake_partner::answer(429, {}, {{"Retry-After", "3600"}}));
    auto r = sc.s.call("store-oslo", get());
    CHECK(r.error == errc::rate_limited);
    CHECK(r.attempts == 1);
    CHECK(sc.sleeps.empty());
  }
  SECTION("the total wait is bounded") {
    auto o = options();
    o.retry.max_total_wait = 5s;
    scene<zero_jitter> sc(o);
    for (int i = 0; i < 10; ++i) sc.partner.api.push_back(fake_partner::answer(429, {}, {{"Retry-After", "3"}}));
    auto r = sc.s.call("store-oslo", get());
    CHECK(r.error == errc::rate_limited);
    CHECK(r.attempts == 2);
    CHECK(sc.sleeps == std::vector<std::chrono::milliseconds>{3000ms});
  }
  SECTION("an HTTP-date Retry-After falls back to the jittered delay") {
    scene sc;
    sc.partner.api.push_back(fake_partner::answer(429, {}, {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}));
    CHECK(sc.s.call("store-oslo", get()));
    CHECK(sc.sleeps == std::vector<std::chrono::milliseconds>{500ms});
  }
}

TEST_CASE("5xx is retried only for requests safe to repeat", "[client][caller]") {
  SECTION("GET") {
    scene sc;
    sc.partner.api.push_back(fake_partner::answer(503));
    sc.partner.api.push_back(fake_partner::answer(502));
    auto r = sc.s.call("store-oslo", get());
    REQUIRE(r);
    CHECK(r.attempts == 3);
    CHECK(sc.sleeps == std::vector<std::chrono::milliseconds>{500ms, 1000ms});
  }
  SECTION("POST without an Idempotency-Key: not retried") {
    scene sc;
    sc.partner.api.push_back(fake_partner::answer(503));
    auto r = sc.s.call("store-oslo", post());
    CHECK(r.error == errc::remote_error);
    CHECK(r.attempts == 1);
    REQUIRE(r.response);
    CHECK(r.response->status == 503);
    CHECK(sc.sleeps.empty());
    CHECK(sc.partner.api_requests.size() == 1);
  }
  SECTION("POST with an Idempotency-Key: retried, the key and body sent again") {
    scene sc;
    sc.partner.api.push_back(fake_partner::answer(503, {}, {{"Retry-After", "1"}}));
    auto r = sc.s.call("store-oslo", post(true));
    REQUIRE(r);
    CHECK(r.attempts == 2);
    CHECK(sc.sleeps == std::vector<std::chrono::milliseconds>{1000ms});
    CHECK(sc.partner.api_requests[1].body == R"({"sku":"A1"})");
    CHECK(sc.partner.authorization(1) == "Bearer tok-1");  // exactly one Authorization header
  }
  SECTION("GET failing every time: remote_error after max_attempts") {
    scene sc;
    for (int i = 0; i < 10; ++i) sc.partner.api.push_back(fake_partner::answer(500));
    auto r = sc.s.call("store-oslo", get());
    CHECK(r.error == errc::remote_error);
    CHECK(r.attempts == 4);
  }
  SECTION("a 4xx the caller has no opinion on is the caller's") {
    scene sc;
    sc.partner.api.push_back(fake_partner::answer(404));
    auto r = sc.s.call("store-oslo", get());
    CHECK(r.ok());
    CHECK(r.response->status == 404);
    CHECK(r.attempts == 1);
  }
}

TEST_CASE("network failures are retried only for requests safe to repeat", "[client][caller]") {
  SECTION("GET") {
    scene sc;
    sc.partner.api.push_back(unexpected{errc::connection_failed});
    auto r = sc.s.call("store-oslo", get());
    REQUIRE(r);
    CHECK(r.attempts == 2);
    CHECK(sc.sleeps.size() == 1);
  }
  SECTION("POST") {
    scene sc;
    sc.partner.api.push_back(unexpected{errc::connection_failed});
    auto r = sc.s.call("store-oslo", post());
    CHECK(r.error == errc::connection_failed);
    CHECK_FALSE(r.response);
    CHECK(r.attempts == 1);
  }
  SECTION("a refused URL is never retried") {
    scene sc;
    sc.partner.api.push_back(unexpected{errc::url_not_allowed});
    auto r = sc.s.call("store-oslo", get());
    CHECK(r.error == errc::url_not_allowed);
    CHECK(r.attempts == 1);
  }
}

TEST_CASE("the token endpoint's statuses map to errcs", "[client][caller]") {
  const std::pair<int, errc> cases[] = {{401, errc::invalid_credentials}, {403, errc::forbidden},
                                        {429, errc::rate_limited},        {500, errc::remote_error},
                                        {503, errc::remote_error},        {400, errc::remote_error}};
  for (const auto& [status, expected] : cases) {
    scene sc;
    sc.partner.logins.push_back(fake_partner::answer(status, R"({"error":"x"})"));
    auto r = sc.s.call("store-oslo", get());
    CHECK(r.error == expected);
    CHECK(r.attempts == 0);
    CHECK(sc.partner.api_requests.empty());
    CHECK(client::login_error(status) == expected);
  }
  {
    scene sc;
    sc.partner.logins.push_back(unexpected{errc::connection_failed});
    CHECK(sc.s.call("store-oslo", get()).error == errc::connection_failed);
  }
  {
    scene sc;
    sc.partner.logins.push_back(fake_partner::answer(200, "<html>not json</html>"));
    CHECK(sc.s.call("store-oslo", get()).error == errc::token_unavailable);
    auto t = sc.s.token("store-oslo");  // within the cache's backoff: the last error, no new login
    CHECK(t.error() == errc::token_unavailable);
    CHECK(sc.partner.login_requests.size() == 1);
  }
  {
    // A renewal refused after a 401: the login's error, with the API's 401 kept.
    scene sc;
    sc.partner.api.push_back(fake_partner::answer(401));
    sc.partner.logins.push_back(fake_partner::answer(200, R"({"access_token":"tok-a","expires_in":3600})"));
    sc.partner.logins.push_back(fake_partner::answer(403));
    auto r = sc.s.call("store-oslo", get());
    CHECK(r.error == errc::forbidden);
    REQUIRE(r.response);
    CHECK(r.response->status == 401);
  }
}

TEST_CASE("login credentials that are not UTF-8 are refused before anything is sent", "[client][caller]") {
  // JSON text is Unicode: such a secret has no JSON form, and a body carrying its raw bytes is
  // not JSON. The login fails with invalid_argument and no request leaves.
  core::manual_clock clock{t0};
  fake_partner partner;
  std::vector<std::chrono::milliseconds> sleeps;
  client::tenant_clients clients;
  clients.add("store-oslo", "client-oslo", core::secret(core::bytes_view(std::string_view("s3cret-\xC0\xAF-oslo"))));
  clients.add("market-nor", "client-\xFF", core::secret(core::bytes_view(std::string_view("s3cret-nor"))));
  caller_t<max_jitter> s(partner, std::move(clients), options(), client::commerce_token_shape(),
                         recording_sleeper{&sleeps}, max_jitter{}, clock);
  for (const char* tenant : {"store-oslo", "market-nor"}) {
    INFO(tenant);
    auto r = s.call(tenant, get());
    CHECK(r.error == errc::invalid_argument);
    CHECK(r.attempts == 0);
  }
  CHECK(partner.login_requests.empty());
  CHECK(partner.api_requests.empty());

  // The shape itself refuses, leaving no part of the secret in the request it was filling.
  client::http_request req;
  const std::string_view surrogate("se\xED\xA0\x80" "cret");  // an encoded UTF-16 surrogate
  const client::client_credentials bad{"id-1", core::secret(core::bytes_view(surrogate))};
  CHECK_THROWS_AS(client::commerce_token_shape().write_request(req, "t", bad), std::invalid_argument);
  CHECK(req.body.find("se") == std::string::npos);
}

TEST_CASE("login shapes: requests written and answers read", "[client][caller]") {
  const auto sent = std::chrono::system_clock::time_point(std::chrono::seconds(t0));
  auto at = [](std::int64_t s) { return std::chrono::system_clock::time_point(std::chrono::seconds(s)); };
  client::client_credentials c{"id-1", core::secret(core::bytes_view(std::string_view("se\\cr\"et\n")))};

  SECTION("commerce: clientId/clientSecret → access_token/expires_in") {
    const auto shape = client::commerce_token_shape();
    client::http_request r;
    shape.write_request(r, "t", c);
    CHECK(nlohmann::json::parse(r.body) == nlohmann::json{{"clientId", "id-1"}, {"clientSecret", "se\\cr\"et\n"}});
    auto t = shape.read_response(R"({"access_token":"eyJ.a.b","expires_in":864000,"token_type":"Bearer"})", sent);
    REQUIRE(t);
    CHECK(t->token.expose_secret_text() == "eyJ.a.b");
    CHECK(t->expires_at == at(t0 + 864000));
    CHECK(shape.read_response(R"({"access_token":"a","expires_in":"60"})", sent)->expires_at == at(t0 + 60));
    for (std::string_view bad : {R"({"access_token":"a"})", R"({"expires_in":60})", R"({"access_token":"a","expires_in":-1})",
                                 R"({"access_token":"a","expires_in":1.5})", R"({"access_token":"","expires_in":60})",
                                 R"({"access_token":"a b","expires_in":60})", R"({"access_token":"a\r\nX: y","expires_in":60})",
                                 R"({"access_token":"a","access_token":"b","expires_in":60})",
                                 R"({"access_token":"a","expires_in":60,"expires_in":61})", R"(["a",60])", "", "{"}) {
      INFO(bad);
      CHECK(shape.read_response(bad, sent).error() == errc::token_unavailable);
    }
  }
  SECTION("signed orders: client_id/client_secret → token/expired_at") {
    const auto shape = client::login_token_shape();
    client::http_request r;
    shape.write_request(r, "t", c);
    auto body = nlohmann::json::parse(r.body);
    CHECK(body["client_id"] == "id-1");
    CHECK(body["client_secret"] == "se\\cr\"et\n");
    auto as_unix = shape.read_response(R"({"token":"tk","expired_at":1700043200})", sent);
    REQUIRE(as_unix);
    CHECK(as_unix->expires_at == at(1700043200));
    auto text = shape.read_response(R"({"token":"tk","expired_at":"2023-11-15T10:13:20Z"})", sent);
    REQUIRE(text);
    CHECK(text->expires_at == at(1700043200));
    auto offset = shape.read_response(R"({"token":"tk","expired_at":"2023-11-15T17:13:20.125+07:00"})", sent);
    REQUIRE(offset);
    CHECK(offset->expires_at == at(1700043200));
    for (std::string_view bad : {R"({"token":"tk","expired_at":"2023-11-15 10:13:20"})",
                                 R"({"token":"tk","expired_at":"2023-02-30T10:13:20Z"})",
                                 R"({"token":"tk","expired_at":"2023-11-15T25:13:20Z"})", R"({"token":"tk"})"}) {
      INFO(bad);
      CHECK(shape.read_response(bad, sent).error() == errc::token_unavailable);
    }
  }
  SECTION("OAuth names: client_id/client_secret → access_token/expires_in") {
    const auto shape = client::oauth_json_token_shape();
    client::http_request r;
    shape.write_request(r, "t", c);
    CHECK(nlohmann::json::parse(r.body)["client_id"] == "id-1");
    CHECK(shape.read_response(R"({"access_token":"a","expires_in":60})", sent)->expires_at == at(t0 + 60));
  }
  CHECK(client::detail::parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(client::detail::parse_rfc3339("2000-02-29T00:00:00Z") == 951782400);
  CHECK_FALSE(client::detail::parse_rfc3339("2000-02-29T00:00:00z"));  // strict: an upper-case Z
  CHECK_FALSE(client::detail::parse_rfc3339("2001-02-29T00:00:00Z"));
  CHECK_FALSE(client::detail::parse_rfc3339("2001-02-28T00:00:00.Z"));
}

TEST_CASE("requests safe to repeat, and Retry-After parsing", "[client][caller]") {
  for (std::string_view m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
    CHECK(client::safe_to_repeat(client::http_request{std::string(m), api_url, {}, {}}));
  for (std::string_view m : {"POST", "PATCH", "get"})
    CHECK_FALSE(client::safe_to_repeat(client::http_request{std::string(m), api_url, {}, {}}));
  CHECK(client::safe_to_repeat(client::http_request{"POST", api_url, {{"idempotency-key", "k"}}, {}}));
  CHECK_FALSE(client::safe_to_repeat(client::http_request{"POST", api_url, {{"Idempotency-Key", ""}}, {}}));

  auto ra = [](std::string v) { return client::retry_after(client::http_response{429, {{"Retry-After", v}}, {}}); };
  CHECK(ra("5") == 5s);
  CHECK(ra(" 0 ") == 0s);
  CHECK_FALSE(ra("-1"));
  CHECK_FALSE(ra("1.5"));
  CHECK_FALSE(ra("99999999999999"));
  CHECK_FALSE(client::retry_after(client::http_response{429, {}, {}}));
}

TEST_CASE("the common case is one line", "[client][caller]") {
  fake_partner partner;
  client::caller s(partner, logins(), options());  // commerce shape, real sleeper and jitter
  static_assert(std::is_same_v<decltype(s), client::caller<fake_partner&, client::json_token_shape, client::tenant_clients>>);
  CHECK(s.call("store-oslo", get()));
  client::caller login(partner, client::single_client("c", core::secret(core::bytes_view(std::string_view("s")))),
                        options(), client::login_token_shape());
  partner.logins.push_back(fake_partner::answer(200, R"({"token":"tk-9","expired_at":"2099-01-01T00:00:00Z"})"));
  auto t = login.token("any");
  REQUIRE(t);
  CHECK(t->expose_secret_text() == "tk-9");
  CHECK(nlohmann::json::parse(partner.login_requests.back().body) == nlohmann::json{{"client_id", "c"}, {"client_secret", "s"}});
}
