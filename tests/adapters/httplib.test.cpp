// Tests for tessera/adapters/httplib.hpp, over a real cpp-httplib server on 127.0.0.1: the raw
// target reaches tessera undecoded, header names match case-insensitively, a credential header
// sent twice is refused (never reduced to its first line), and the framework's own 404 and 400
// carry tessera's JSON error body.
#include "tessera/adapters/httplib.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "http/fixtures.hpp"
#include "adapters/live_server.hpp"
#include "support/catch.hpp"
#include "tessera/authz/rate_limit.hpp"
#include "tessera/http/authenticator.hpp"
#include "tessera/http/credential_methods.hpp"

using namespace tessera;
namespace adapter = tessera::adapters::httplib;

static_assert(http::request_view<adapter::request>);
static_assert(request_signing::request_view<adapter::request>);

namespace {
using adapters_test::live_server;

// Sends raw bytes to 127.0.0.1:port and returns everything the server answers before closing.
std::string raw_exchange(int port, std::string_view bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out;
}

// The status code and body of a raw HTTP/1.1 answer.
std::pair<int, std::string> status_and_body(const std::string& answer) {
  REQUIRE(answer.rfind("HTTP/1.1 ", 0) == 0);
  const auto body_at = answer.find("\r\n\r\n");
  REQUIRE(body_at != std::string::npos);
  return {std::stoi(answer.substr(9, 3)), answer.substr(body_at + 4)};
}
}  // namespace

TEST_CASE("the view hands tessera the raw target and case-insensitive headers", "[adapters][httplib]") {
  std::mutex mu;
  std::string seen_path, seen_query, seen_key, seen_missing = "unset";
  live_server s([&](httplib::Server& srv) {
    srv.Get(R"(/.*)", [&](const httplib::Request& req, httplib::Response& res) {
      adapter::request view(req);
      std::lock_guard lock(mu);
      seen_path = view.path();
      seen_query = view.query();
      seen_key = view.header("apikey").value_or("");
      seen_missing = view.header("X-Absent") ? "present" : "absent";
      res.set_content("ok", "text/plain");
    });
  });
  const auto answer = raw_exchange(
      s.port, "GET /v2/orgs/org_a/%2e%2e/org_b/stock?sku=A%201&x=%2F HTTP/1.1\r\nHost: localhost\r\n"
              "APIKEY: ak_test_value\r\nConnection: close\r\n\r\n");
  CHECK(status_and_body(answer).first == 200);
  std::lock_guard lock(mu);
  CHECK(seen_path == "/v2/orgs/org_a/%2e%2e/org_b/stock");  // never decoded or normalised
  CHECK(seen_query == "sku=A%201&x=%2F");
  CHECK(seen_key == "ak_test_value");
  CHECK(seen_missing == "absent");
}

TEST_CASE("a credential header sent twice is refused, whichever line is valid", "[adapters][httplib]") {
  http_fixture::world w;
  const std::string key = w.key("org_a", {"orders:read"});
  http::memory_audit audit;
  authz::token_bucket_limiter limiter(100, 100);
  http::authenticator_options opts;
  opts.errors.legacy_code = http::api_key_legacy_code(-23);
  http::authenticator auth(audit, limiter, opts, http::api_key_method(w.keys));
  const http::route orders{.pattern = "/v2/orgs/{orgId}/orders", .tenant = "orgId", .scopes = {"orders:read"}};
  live_server s([&](httplib::Server& srv) {
    srv.Get("/v2/orgs/org_a/orders", [&](const httplib::Request& req, httplib::Response& res) {
      auto who = auth.authenticate(adapter::request(req), orders);
      if (!who) return adapter::write(res, auth.respond(who.error()));
      res.set_content("{}", "application/json");
    });
  });
  const std::string head = "GET /v2/orgs/org_a/orders HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";

  CHECK(status_and_body(raw_exchange(s.port, head + "ApiKey: " + key + "\r\n\r\n")).first == 200);
  CHECK(status_and_body(raw_exchange(s.port, head + "apikey: " + key + "\r\n\r\n")).first == 200);
  for (const std::string& twice : {"ApiKey: " + key + "\r\nApiKey: junk\r\n", "ApiKey: junk\r\nApiKey: " + key + "\r\n",
                                  "ApiKey: " + key + "\r\napikey: " + key + "\r\n"}) {
    auto [status, body] = status_and_body(raw_exchange(s.port, head + twice + "\r\n"));
    CHECK(status == 401);
    auto j = nlohmann::json::parse(body);
    CHECK(j["code"] == -23);
    CHECK(body.find(key) == std::string::npos);  // the key never comes back
  }
}

TEST_CASE("the framework's own errors carry tessera's JSON body", "[adapters][httplib]") {
  live_server s([](httplib::Server& srv) {
    srv.Get("/known", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    srv.Get("/throws", [](const httplib::Request&, httplib::Response&) { throw std::runtime_error("boom"); });
  });
  {
    auto [status, body] = status_and_body(raw_exchange(s.port, "GET /unknown HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    CHECK(status == 404);
    auto j = nlohmann::json::parse(body);
    CHECK(j["error"] == "route_not_found");
    CHECK(j["status"] == 404);
  }
  {
    auto [status, body] = status_and_body(raw_exchange(s.port, "GARBAGE\r\n\r\n"));
    CHECK(status == 400);
    CHECK(nlohmann::json::parse(body)["error"] == "malformed_request");
  }
  {
    auto [status, body] = status_and_body(raw_exchange(s.port, "GET /throws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    CHECK(status == 500);
    auto j = nlohmann::json::parse(body);
    CHECK(j["error"] == "internal_error");
    CHECK(body.find("boom") == std::string::npos);  // the exception's text is never sent
  }
  {
    auto [status, body] = status_and_body(raw_exchange(s.port, "GET /known HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    CHECK(status == 200);
    CHECK(body == "ok");
  }
}
