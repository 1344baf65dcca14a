// Tests for tessera/adapters/httplib_client.hpp, against real cpp-httplib servers on 127.0.0.1:
// the guard refuses before any connection, the connection goes to the checked address (never to
// a second DNS answer), redirects are not followed, timeouts and oversized bodies fail with their
// own errc, and TLS is verified by default (chain and host name), with a CA made at test time.
#include "tessera/adapters/httplib_client.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using namespace std::chrono_literals;
namespace adapter = tessera::adapters::httplib;

namespace {
// A cpp-httplib server (plain or TLS) on a free loopback port, on its own thread until destroyed.
template <class Server = httplib::Server>
struct test_server {
  std::unique_ptr<Server> server;
  int port = 0;
  std::thread thread;

  template <class Setup, class... Args>
  explicit test_server(Setup&& setup, Args&&... args) : server(std::make_unique<Server>(std::forward<Args>(args)...)) {
    setup(*server);
    port = server->bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread = std::thread([this] { server->listen_after_bind(); });
    while (!server->is_running()) std::this_thread::sleep_for(1ms);
  }
  ~test_server() {
    server->stop();
    thread.join();
  }
  std::string url(std::string_view host, std::string_view path, std::string_view scheme = "http") const {
    return std::string(scheme) + "://" + std::string(host) + ":" + std::to_string(port) + std::string(path);
  }
};

// Names answered from a table (what an attacker's DNS server would answer).
struct table_resolver {
  std::map<std::string, std::vector<const char*>> names;
  result<std::vector<webhook::ip_address>> resolve(const std::string& host, std::uint16_t) const noexcept {
    auto it = names.find(host);
    if (it == names.end()) return unexpected{errc::connection_failed};
    std::vector<webhook::ip_address> out;
    for (const char* t : it->second) out.push_back(*webhook::ip_address::parse(t));
    return out;
  }
};

adapter::client_options loopback_http() {
  adapter::client_options o;
  o.guard.allow_http = true;
  o.guard.allow_loopback = true;
  return o;
}

client::http_request post(std::string url, std::string body = "{}") {
  client::http_request r;
  r.method = "POST";
  r.url = std::move(url);
  r.body = std::move(body);
  r.headers = {{"Content-Type", "application/json"}};
  r.timeout = 2s;
  return r;
}

void echo_routes(httplib::Server& s, std::atomic<int>& hits) {
  s.Post("/echo", [&hits](const httplib::Request& req, httplib::Response& res) {
    ++hits;
    res.set_header("X-Host", req.get_header_value("Host"));
    res.set_header("X-Probe", req.get_header_value("X-Probe"));
    res.status = 201;
    res.set_content(req.body, "application/json");
  });
  s.Get("/redirect", [&hits](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_redirect("http://169.254.169.254/latest/meta-data/");
  });
  s.Get("/big", [&hits](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content(std::string(5000, 'x'), "text/plain");
  });
  s.Get("/big-chunked", [&hits](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_chunked_content_provider("text/plain", [](std::size_t, httplib::DataSink& sink) {
      const std::string chunk(1000, 'y');
      for (int i = 0; i < 5; ++i) sink.write(chunk.data(), chunk.size());
      sink.done();
      return true;
    });
  });
  s.Get("/slow", [&hits](const httplib::Request&, httplib::Response& res) {
    ++hits;
    std::this_thread::sleep_for(600ms);
    res.set_content("late", "text/plain");
  });
  s.Get("/teapot", [](const httplib::Request&, httplib::Response& res) { res.status = 418; });
}

// A free loopback port with nothing listening on it.
int closed_port() {
  httplib::Server s;
  const int port = s.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  return port;  // the socket closes with s
}
}  // namespace

TEST_CASE("the client sends to an allowed loopback server and returns any status", "[adapters][httplib_client]") {
  std::atomic<int> hits{0};
  test_server<> srv([&](httplib::Server& s) { echo_routes(s, hits); });
  const adapter::client<> c(loopback_http());

  auto r = post(srv.url("127.0.0.1", "/echo"), R"({"a":1})");
  r.headers.emplace_back("X-Probe", "value");
  auto res = c.send(r);
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(res->body == R"({"a":1})");
  CHECK(res->header("x-probe") == std::optional<std::string_view>("value"));
  CHECK(res->header("X-Host") == std::optional<std::string_view>("127.0.0.1:" + std::to_string(srv.port)));

  client::http_request g;
  g.url = srv.url("127.0.0.1", "/teapot");
  auto t = c.send(g);
  REQUIRE(t);
  CHECK(t->status == 418);

  auto six = post(srv.url("[::ffff:127.0.0.1]", "/echo"));
  auto s6 = c.send(six);
  REQUIRE(s6);
  CHECK(s6->status == 201);
}

TEST_CASE("the guard refuses before any connection is made", "[adapters][httplib_client]") {
  std::atomic<int> hits{0};
  test_server<> srv([&](httplib::Server& s) { echo_routes(s, hits); });
  const adapter::client<> strict;  // defaults: https only, public addresses only
  for (const char* host : {"127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "10.1.2.3", "172.16.0.1",
                           "192.168.1.1", "169.254.169.254", "[fe80::1]", "0.0.0.0"}) {
    INFO(host);
    for (const char* scheme : {"http", "https"}) {
      auto res = strict.send(post(srv.url(host, "/echo", scheme)));
      REQUIRE_FALSE(res);
      CHECK(res.error() == errc::url_not_allowed);
    }
  }
  auto o = loopback_http();
  o.guard.allow_loopback = false;
  const adapter::client<> no_loop(o);
  CHECK(no_loop.send(post(srv.url("127.0.0.1", "/echo"))).error() == errc::url_not_allowed);
  CHECK(no_loop.send(post(srv.url("localhost", "/echo"))).error() == errc::url_not_allowed);
  CHECK(no_loop.send(post("ftp://example.com/")).error() == errc::url_not_allowed);
  CHECK(no_loop.send(post("http://user@93.184.216.34/")).error() == errc::url_not_allowed);
  CHECK(hits == 0);
}

TEST_CASE("the connection goes to the address the guard checked", "[adapters][httplib_client]") {
  std::atomic<int> hits{0};
  test_server<> srv([&](httplib::Server& s) { echo_routes(s, hits); });
  table_resolver dns;
  dns.names["hooks.test"] = {"127.0.0.1"};
  dns.names["evil.test"] = {"93.184.216.34", "127.0.0.1"};

  // "hooks.test" exists only in the guard's resolver: reaching the server proves that cpp-httplib
  // connected to the checked address and did not resolve the name again.
  const adapter::client<table_resolver> c(loopback_http(), dns);
  auto res = c.send(post(srv.url("hooks.test", "/echo")));
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(res->header("X-Host") == std::optional<std::string_view>("hooks.test:" + std::to_string(srv.port)));

  auto o = loopback_http();
  o.guard.allow_loopback = false;
  const adapter::client<table_resolver> strict(o, dns);
  CHECK(strict.send(post(srv.url("evil.test", "/echo"))).error() == errc::url_not_allowed);
  CHECK(strict.send(post(srv.url("hooks.test", "/echo"))).error() == errc::url_not_allowed);
  CHECK(strict.send(post(srv.url("unknown.test", "/echo"))).error() == errc::connection_failed);
  CHECK(hits == 1);
}

TEST_CASE("redirects are returned, never followed", "[adapters][httplib_client]") {
  std::atomic<int> hits{0};
  test_server<> srv([&](httplib::Server& s) { echo_routes(s, hits); });
  const adapter::client<> c(loopback_http());
  client::http_request g;
  g.url = srv.url("127.0.0.1", "/redirect");
  auto res = c.send(g);
  REQUIRE(res);
  CHECK(res->status == 302);
  CHECK(res->header("Location") == std::optional<std::string_view>("http://169.254.169.254/latest/meta-data/"));
  CHECK(hits == 1);
}

TEST_CASE("bad methods and header injection are refused", "[adapters][httplib_client]") {
  std::atomic<int> hits{0};
  test_server<> srv([&](httplib::Server& s) { echo_routes(s, hits); });
  const adapter::client<> c(loopback_http());
  auto r = post(srv.url("127.0.0.1", "/echo"));
  r.headers.emplace_back("X-Evil", "a\r\nX-Injected: 1");
  CHECK(c.send(r).error() == errc::invalid_argument);
  r = post(srv.url("127.0.0.1", "/echo"));
  r.headers.emplace_back("Bad Name", "x");
  CHECK(c.send(r).error() == errc::invalid_argument);
  r = post(srv.url("127.0.0.1", "/echo"));
  r.headers.emplace_back("Host", "other.example");
  CHECK(c.send(r).error() == errc::invalid_argument);
  r = post(srv.url("127.0.0.1", "/echo"));
  r.method = "PO ST";
  CHECK(c.send(r).error() == errc::invalid_argument);
  CHECK(hits == 0);
}

TEST_CASE("oversized bodies, timeouts and refused connections fail with their errc", "[adapters][httplib_client]") {
  std::atomic<int> hits{0};
  test_server<> srv([&](httplib::Server& s) { echo_routes(s, hits); });
  auto o = loopback_http();
  o.max_response_body = 4096;
  const adapter::client<> c(o);

  client::http_request g;
  g.url = srv.url("127.0.0.1", "/big");
  CHECK(c.send(g).error() == errc::input_too_large);
  g.url = srv.url("127.0.0.1", "/big-chunked");
  CHECK(c.send(g).error() == errc::input_too_large);
  o.max_response_body = 5000;
  const adapter::client<> roomy(o);
  auto ok = roomy.send(g);
  REQUIRE(ok);
  CHECK(ok->body.size() == 5000);

  g.url = srv.url("127.0.0.1", "/slow");
  g.timeout = 150ms;
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(c.send(g).error() == errc::connection_failed);
  CHECK(std::chrono::steady_clock::now() - t0 < 550ms);

  g.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
  CHECK(c.send(g).error() == errc::connection_failed);
}

TEST_CASE("TLS is verified by default: chain and host name", "[adapters][httplib_client][tls]") {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) TESSERA_SKIP("openssl command line not installed");
  char tmpl[] = "/tmp/tessera_tls_XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::filesystem::path dir(tmpl);
  const auto cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
                          " -subj /CN=hooks.test -addext subjectAltName=DNS:hooks.test -keyout " +
                          key + " -out " + cert + " >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  {
    test_server<httplib::SSLServer> srv(
        [](httplib::SSLServer& s) {
          s.Post("/hook", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
        },
        cert.c_str(), key.c_str());
    table_resolver dns;
    dns.names["hooks.test"] = {"127.0.0.1"};
    dns.names["other.test"] = {"127.0.0.1"};
    adapter::client_options o;
    o.guard.allow_loopback = true;  // https only, as by default

    // No CA configured: the system store does not know the test CA.
    const adapter::client<table_resolver> system_ca(o, dns);
    CHECK(system_ca.send(post(srv.url("hooks.test", "/hook", "https"))).error() == errc::connection_failed);

    o.ca_file = cert;
    const adapter::client<table_resolver> trusted(o, dns);
    auto res = trusted.send(post(srv.url("hooks.test", "/hook", "https")));
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "ok");
    // The certificate names hooks.test, not other.test or the address.
    CHECK(trusted.send(post(srv.url("other.test", "/hook", "https"))).error() == errc::connection_failed);
    CHECK(trusted.send(post(srv.url("127.0.0.1", "/hook", "https"))).error() == errc::connection_failed);

    o.verify_tls = false;  // only when the owner turns it off explicitly
    const adapter::client<table_resolver> unverified(o, dns);
    CHECK(unverified.send(post(srv.url("other.test", "/hook", "https"))).has_value());
  }
  std::filesystem::remove_all(dir);
}
