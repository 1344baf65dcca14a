// Tests for tessera/client/caller.hpp over the network: a real cpp-httplib server on 127.0.0.1
// plays the commerce platform (POST /api/token with {"clientId","clientSecret"}, and an API that
// wants the Bearer token), and the caller sends through tessera::adapters::httplib::client.
// Sleeps go through a recording sleeper, so nothing here really waits.
#include "tessera/client/caller.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/live_server.hpp"
#include "support/catch.hpp"
#include "tessera/adapters/httplib.hpp"
#include "tessera/adapters/httplib_client.hpp"

using namespace tessera;
using namespace std::chrono_literals;
namespace adapter = tessera::adapters::httplib;

namespace {
const std::string client_id = "api-user-oslo";
const std::string client_secret = "cs_live_Q2hhbmdlTWVQbGVhc2UxMjM0NTY3OA";

using adapters_test::live_server;

// The commerce platform: issues tokens, accepts only live ones, and answers some routes with
// 401, 403, 429 and 503 as scripted.
struct platform {
  std::mutex mu;
  std::set<std::string> live;     // tokens the API accepts
  int logins = 0, failed_logins = 0;
  int orders_calls = 0, forbidden_calls = 0, limited_calls = 0, flaky_calls = 0, create_calls = 0;
  std::vector<std::string> idempotency_keys;
  live_server server;

  platform()
      : server([this](httplib::Server& s) {
          s.Post("/api/token", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mu);
            auto body = nlohmann::json::parse(req.body, nullptr, false);
            if (!body.is_object() || body.value("clientId", "") != client_id ||
                body.value("clientSecret", "") != client_secret) {
              ++failed_logins;
              res.status = 401;
              return res.set_content(R"({"error":"invalid_client"})", "application/json");
            }
            const std::string tok = "tok-" + std::to_string(++logins);
            live.insert(tok);
            res.set_content(nlohmann::json{{"access_token", tok}, {"expires_in", 864000}, {"token_type", "Bearer"}}.dump(),
                            "application/json");
          });
          auto authorized = [this](const httplib::Request& req, httplib::Response& res) {
            const std::string auth = req.get_header_value("Authorization");
            if (req.get_header_value_count("Authorization") != 1 || auth.rfind("Bearer ", 0) != 0 ||
                !live.count(auth.substr(7))) {
              res.status = 401;
              res.set_content(R"({"error":"invalid_token"})", "application/json");
              return false;
            }
            return true;
          };
          s.Get("/api/orders", [this, authorized](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mu);
            ++orders_calls;
            if (!authorized(req, res)) return;
            res.set_content(R"({"orders":[]})", "application/json");
          });
          s.Get("/api/admin", [this, authorized](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mu);
            ++forbidden_calls;
            if (!authorized(req, res)) return;
            res.status = 403;
            res.set_content(R"({"error":"missing_role"})", "application/json");
          });
          s.Get("/api/limited", [this, authorized](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mu);
            if (!authorized(req, res)) return;
            if (++limited_calls == 1) {
              res.status = 429;
              res.set_header("Retry-After", "1");
              return;
            }
            res.set_content("{}", "application/json");
          });
          s.Get("/api/flaky", [this, authorized](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mu);
            if (!authorized(req, res)) return;
            res.status = ++flaky_calls == 1 ? 503 : 200;
          });
          s.Post("/api/orders", [this, authorized](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mu);
            if (!authorized(req, res)) return;
            idempotency_keys.push_back(req.get_header_value("Idempotency-Key"));
            res.status = ++create_calls <= 2 ? 503 : 201;  // the unkeyed call, then the keyed one's first try
          });
        }) {}

  std::string url(std::string_view path) const { return "http://127.0.0.1:" + std::to_string(server.port) + std::string(path); }
  // Revokes every token issued so far (as deactivating and reactivating a user would).
  void revoke_all() {
    std::lock_guard lock(mu);
    live.clear();
  }
};

// Records each sleep instead of sleeping.
struct recording_sleeper {
  std::vector<std::chrono::milliseconds>* log;
  void sleep_for(std::chrono::milliseconds d) const noexcept { log->push_back(d); }
};

// A loopback port that was free a moment ago and has no listener (bound, read, closed).
int unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

adapter::client<> loopback_client() {
  adapter::client_options o;
  o.guard.allow_http = true;
  o.guard.allow_loopback = true;
  return adapter::client<>(o);
}

using caller_t = client::caller<adapter::client<>&, client::json_token_shape, client::single_client, recording_sleeper>;

// A caller against the platform, recording its sleeps.
struct scene {
  platform p;
  adapter::client<> http = loopback_client();
  std::vector<std::chrono::milliseconds> sleeps;
  caller_t s;

  explicit scene(std::string secret = client_secret)
      : s(http, client::single_client(client_id, core::secret(core::bytes_view(secret))), options(),
          client::commerce_token_shape(), recording_sleeper{&sleeps}) {}

  client::caller_options options() const {
    client::caller_options o;
    o.token_url = p.url("/api/token");
    o.token_timeout = 2s;
    o.retry.base_delay = 10ms;
    o.retry.max_delay = 5s;
    return o;
  }
  client::http_request get(std::string_view path) const {
    client::http_request r{"GET", p.url(path), {{"Accept", "application/json"}}, {}};
    r.timeout = 2s;
    return r;
  }
};
}  // namespace

TEST_CASE("a caller logs in at the token endpoint and calls the API with its Bearer token", "[adapters][caller]") {
  scene sc;
  auto r = sc.s.call("store-oslo-downtown", sc.get("/api/orders"));
  REQUIRE(r);
  REQUIRE(r.response);
  CHECK(r.response->status == 200);
  CHECK(r.response->body == R"({"orders":[]})");
  CHECK(sc.s.call("store-oslo-downtown", sc.get("/api/orders")));
  CHECK(sc.s.call("market-nor", sc.get("/api/orders")));  // its own token
  std::lock_guard lock(sc.p.mu);
  CHECK(sc.p.logins == 2);
  CHECK(sc.p.orders_calls == 3);
}

TEST_CASE("a revoked token is renewed once; a 403 is final", "[adapters][caller]") {
  scene sc;
  REQUIRE(sc.s.call("store-oslo-downtown", sc.get("/api/orders")));
  sc.p.revoke_all();
  auto r = sc.s.call("store-oslo-downtown", sc.get("/api/orders"));
  REQUIRE(r);
  CHECK(r.attempts == 2);
  {
    std::lock_guard lock(sc.p.mu);
    CHECK(sc.p.logins == 2);
  }

  auto admin = sc.s.call("store-oslo-downtown", sc.get("/api/admin"));
  CHECK(admin.error == errc::forbidden);
  CHECK(admin.attempts == 1);
  REQUIRE(admin.response);
  CHECK(admin.response->status == 403);
  CHECK(sc.sleeps.empty());
}

TEST_CASE("429 waits as Retry-After says; 503 is retried for GET and keyed POST only", "[adapters][caller]") {
  scene sc;
  auto limited = sc.s.call("store-oslo-downtown", sc.get("/api/limited"));
  REQUIRE(limited);
  CHECK(limited.attempts == 2);
  REQUIRE(sc.sleeps.size() == 1);
  CHECK(sc.sleeps[0] == 1000ms);

  auto flaky = sc.s.call("store-oslo-downtown", sc.get("/api/flaky"));
  REQUIRE(flaky);
  CHECK(flaky.attempts == 2);

  client::http_request create{"POST", sc.p.url("/api/orders"), {{"Content-Type", "application/json"}}, R"({"sku":"A1"})"};
  auto unkeyed = sc.s.call("store-oslo-downtown", create);
  CHECK(unkeyed.error == errc::remote_error);
  CHECK(unkeyed.attempts == 1);

  create.headers.emplace_back("Idempotency-Key", "order-7781");
  auto keyed = sc.s.call("store-oslo-downtown", create);  // 503 again, then 201
  REQUIRE(keyed);
  CHECK(keyed.attempts == 2);
  CHECK(keyed.response->status == 201);
  std::lock_guard lock(sc.p.mu);
  CHECK(sc.p.idempotency_keys == std::vector<std::string>{"", "order-7781", "order-7781"});
}

TEST_CASE("login failures and an unreachable partner map to errcs", "[adapters][caller]") {
  {
    scene sc("cs_live_wrong");
    auto r = sc.s.call("store-oslo-downtown", sc.get("/api/orders"));
    CHECK(r.error == errc::invalid_credentials);
    CHECK(r.attempts == 0);
    std::lock_guard lock(sc.p.mu);
    CHECK(sc.p.failed_logins == 1);
    CHECK(sc.p.orders_calls == 0);
  }
  {
    // A port nobody listens on: the token endpoint gives no answer.
    const int closed_port = unused_port();
    scene sc;
    adapter::client<> http = loopback_client();
    std::vector<std::chrono::milliseconds> sleeps;
    auto o = sc.options();
    o.token_url = "http://127.0.0.1:" + std::to_string(closed_port) + "/api/token";
    caller_t s(http, client::single_client(client_id, core::secret(core::bytes_view(client_secret))), o,
                client::commerce_token_shape(), recording_sleeper{&sleeps});
    CHECK(s.call("store-oslo-downtown", sc.get("/api/orders")).error == errc::connection_failed);
  }
}
