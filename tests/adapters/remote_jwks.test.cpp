// Tests for tessera/adapters/httplib_jwks_fetcher.hpp with jwt::remote_jwks, against a real
// cpp-httplib server on 127.0.0.1 that counts requests and serves Cache-Control, Age, ETag, 304,
// error statuses, held and slow answers: a cache hit makes no request; a stale cache makes a
// conditional GET; the cooldown holds under 10,000 random kids; the last good set survives an
// outage; a rotation is picked up; lookups never wait for a fetch; TLS is verified; and many
// threads verify while the set is refreshed ([concurrency], run under ThreadSanitizer). The set's
// time is a manual clock; real waits are bounded waits for events.
#include "tessera/adapters/httplib_jwks_fetcher.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "adapters/live_server.hpp"
#include "jwt/fixtures.hpp"
#include "support/catch.hpp"

using namespace tessera;
using namespace jwt_test;
using namespace std::chrono_literals;
namespace adapter = tessera::adapters::httplib;
using nlohmann::json;

namespace {
using adapters_test::live_server;

// What the test identity provider serves, and what it saw. Shared with the server's threads.
struct idp_state {
  std::mutex mu;
  std::condition_variable cv;
  std::string document;
  std::string etag;
  std::string cache_control;
  std::string age;
  int status = 200;                           // any other status answers without a document
  std::chrono::milliseconds delay{0};         // a slow answer
  bool hold = false, holding = false;         // answers wait until released
  int requests = 0, conditional = 0, not_modified = 0;
  std::vector<std::string> accept, if_none_match;

  void serve(std::string doc, std::string tag, std::string cc) {
    std::lock_guard l(mu);
    document = std::move(doc);
    etag = std::move(tag);
    cache_control = std::move(cc);
  }
  int count() {
    std::lock_guard l(mu);
    return requests;
  }
  void set_hold(bool on) {
    {
      std::lock_guard l(mu);
      hold = on;
    }
    cv.notify_all();
  }
  bool wait_holding() {
    std::unique_lock l(mu);
    return cv.wait_for(l, 20s, [&] { return holding; });
  }
};

// A JWKS endpoint at /jwks on a free loopback port.
struct idp_server {
  std::shared_ptr<idp_state> st = std::make_shared<idp_state>();
  std::unique_ptr<live_server> srv;

  idp_server() {
    auto s = st;
    srv = std::make_unique<live_server>([s](httplib::Server& server) {
      server.Get("/jwks", [s](const httplib::Request& req, httplib::Response& res) {
        std::unique_lock l(s->mu);
        ++s->requests;
        s->accept.push_back(req.get_header_value("Accept"));
        const std::string inm = req.get_header_value("If-None-Match");
        s->if_none_match.push_back(inm);
        if (!inm.empty()) ++s->conditional;
        if (s->hold) {
          s->holding = true;
          s->cv.notify_all();
          s->cv.wait_for(l, 20s, [&] { return !s->hold; });
          s->holding = false;
        }
        if (s->delay > 0ms) {
          const auto d = s->delay;
          l.unlock();
          std::this_thread::sleep_for(d);
          l.lock();
        }
        if (!s->cache_control.empty()) res.set_header("Cache-Control", s->cache_control);
        if (!s->age.empty()) res.set_header("Age", s->age);
        if (s->status != 200) {
          res.status = s->status;
          if (s->status / 100 == 3) res.set_header("Location", "http://127.0.0.1:1/jwks");
          return;
        }
        if (!s->etag.empty()) res.set_header("ETag", s->etag);
        if (!s->etag.empty() && inm == s->etag) {
          ++s->not_modified;
          res.status = 304;
          return;
        }
        res.set_content(s->document, "application/jwk-set+json");
      });
    });
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(srv->port) + "/jwks"; }
};

using http_jwks = jwt::remote_jwks<adapter::jwks_fetcher<>, core::manual_clock&>;
using set_verifier = jwt::verifier<http_jwks&, core::manual_clock&>;
static_assert(jwt::key_set<http_jwks>);
static_assert(jwt::key_visitor<http_jwks>);
static_assert(jwt::key_set<adapter::remote_jwks<>>);

json jwk(jwt::alg a, const std::string& kid) { return jwt::export_jwk(verifier_key(a, kid)).value(); }
std::string doc(std::vector<json> keys) { return json{{"keys", keys}}.dump(); }
std::string token(jwt::alg a, const std::string& kid) {
  const std::string claims = R"({"sub":"alice","iat":)" + std::to_string(t0 - 10) + R"(,"exp":)" +
                             std::to_string(t0 + 30 * 86400) + "}";
  const std::string header = R"({"alg":")" + std::string(jwt::alg_name(a)) + R"(","kid":")" + kid + R"("})";
  return make_token(header, claims, signer(a, kid));
}

jwt::remote_jwks_options options() {
  jwt::remote_jwks_options o;
  o.timeout = 2s;
  o.first_load_wait = 10s;
  return o;
}

http_jwks make_set(const std::string& url, core::manual_clock& clock, jwt::remote_jwks_options o = options()) {
  auto s = http_jwks::create(url, adapter::jwks_fetcher<>{}, o, clock);
  REQUIRE(s);
  return std::move(*s);
}
}  // namespace

TEST_CASE("remote JWKS over HTTP: a cache hit makes no request", "[adapters][remote_jwks]") {
  idp_server idp;
  idp.st->serve(doc({jwk(jwt::alg::es256, "a"), jwk(jwt::alg::rs256, "b")}), "\"v1\"", "public, max-age=300");
  core::manual_clock clock(t0);
  auto set = make_set(idp.url(), clock);
  REQUIRE(set.ready(10s));
  CHECK(idp.st->count() == 1);
  CHECK(idp.st->accept[0] == "application/jwk-set+json, application/json");
  CHECK(idp.st->if_none_match[0].empty());
  CHECK(core::unix_seconds(set.status().fresh_until) == t0 + 300);

  set_verifier v(set, lax_rules(), clock);
  const std::string ta = token(jwt::alg::es256, "a"), tb = token(jwt::alg::rs256, "b");
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(v.verify(i % 2 ? ta : tb));
    if (i % 4 == 0) clock.advance(1s);  // 250 s, still fresh
  }
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.st->count() == 1);
}

TEST_CASE("remote JWKS over HTTP: a stale cache makes a conditional GET", "[adapters][remote_jwks]") {
  idp_server idp;
  idp.st->serve(doc({jwk(jwt::alg::es256, "a")}), "W/\"abc\"", "max-age=60");
  core::manual_clock clock(t0);
  auto set = make_set(idp.url(), clock);
  REQUIRE(set.ready(10s));
  set_verifier v(set, lax_rules(), clock);
  const std::string ta = token(jwt::alg::es256, "a");

  clock.advance(60s);
  CHECK(v.verify(ta));
  REQUIRE(set.wait_idle(10s));
  REQUIRE(idp.st->count() == 2);
  CHECK(idp.st->if_none_match[1] == "W/\"abc\"");
  CHECK(idp.st->not_modified == 1);
  CHECK(set.status().not_modified == 1);
  CHECK(core::unix_seconds(set.status().fresh_until) == t0 + 120);  // the 304's max-age
  CHECK(v.verify(ta));

  // Age counts against max-age: a copy 100 s old with max-age=300 is fresh for 200 s.
  {
    std::lock_guard l(idp.st->mu);
    idp.st->cache_control = "max-age=300";
    idp.st->age = "100";
  }
  clock.advance(60s);
  CHECK(v.verify(ta));
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.st->count() == 3);
  CHECK(core::unix_seconds(set.status().fresh_until) == t0 + 120 + 200);

  // no-cache: fresh for min_freshness only (30 s by default); a new ETag replaces the set.
  idp.st->serve(doc({jwk(jwt::alg::eddsa, "b")}), "\"v2\"", "no-cache");
  idp.st->age.clear();
  idp.st->set_hold(true);
  clock.set(t0 + 320);
  CHECK(v.verify(ta));  // asks; the held set answers
  REQUIRE(idp.st->wait_holding());
  CHECK(v.verify(ta));  // still the held set while the fetch runs
  idp.st->set_hold(false);
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.st->count() == 4);
  CHECK(v.verify(ta).error() == errc::key_not_found);
  CHECK(v.verify(token(jwt::alg::eddsa, "b")));
  CHECK(core::unix_seconds(set.status().fresh_until) == t0 + 350);
  // Without Cache-Control, the ttl (10 min by default).
  idp.st->serve(doc({jwk(jwt::alg::eddsa, "b")}), "\"v3\"", "");
  clock.set(t0 + 350);
  CHECK(set.find("b"));
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.st->count() == 5);
  CHECK(core::unix_seconds(set.status().fresh_until) == t0 + 350 + 600);
}

TEST_CASE("remote JWKS over HTTP: the cooldown holds under 10,000 random kids", "[adapters][remote_jwks]") {
  idp_server idp;
  idp.st->serve(doc({jwk(jwt::alg::es256, "a")}), "\"v1\"", "max-age=86400");
  core::manual_clock clock(t0);
  auto set = make_set(idp.url(), clock);  // cooldown 30 s
  REQUIRE(set.ready(10s));
  std::mt19937_64 rng(2024);
  int found = 0;
  for (int i = 0; i < 10'000; ++i) {
    found += static_cast<bool>(set.find(std::to_string(rng())));
    if (i % 50 == 49) {
      REQUIRE(set.wait_idle(10s));  // so that each fetch is counted on its own, not joined to the next
      clock.advance(1s);            // 200 s in all
    }
  }
  REQUIRE(set.wait_idle(10s));
  CHECK(found == 0);
  const std::int64_t elapsed = core::unix_seconds(clock) - t0;
  CHECK(elapsed == 200);
  CHECK(idp.st->count() <= 1 + elapsed / 30);
  CHECK(idp.st->count() == 7);  // the first load, then t0 + 30, 60, ..., 180
  CHECK(idp.st->conditional == 6);
  CHECK(set.find("a"));
}

TEST_CASE("remote JWKS over HTTP: the last good set survives an outage", "[adapters][remote_jwks]") {
  auto idp = std::make_unique<idp_server>();
  idp->st->serve(doc({jwk(jwt::alg::es256, "a")}), "\"v1\"", "max-age=60");
  core::manual_clock clock(t0);
  auto o = options();
  o.max_staleness = 300s;  // served until t0 + 360
  auto set = make_set(idp->url(), clock, o);
  REQUIRE(set.ready(10s));
  set_verifier v(set, lax_rules(), clock);
  const std::string ta = token(jwt::alg::es256, "a");

  // The provider answers 503, then 404, then a redirect (never followed), then garbage.
  const std::pair<int, errc> statuses[] = {{503, errc::remote_error}, {404, errc::remote_error}, {302, errc::remote_error}};
  std::int64_t t = t0 + 60;
  for (auto [status, cause] : statuses) {
    {
      std::lock_guard l(idp->st->mu);
      idp->st->status = status;
    }
    clock.set(t);
    CHECK(v.verify(ta));
    REQUIRE(set.wait_idle(10s));
    CHECK(set.status().last_error == cause);
    t += 30;
  }
  {
    std::lock_guard l(idp->st->mu);
    idp->st->status = 200;
  }
  idp->st->serve("{\"keys\": [", "\"v2\"", "max-age=60");
  clock.set(t);  // t0 + 150
  CHECK(v.verify(ta));
  REQUIRE(set.wait_idle(10s));
  CHECK(set.status().last_error == errc::invalid_key);
  CHECK(idp->st->count() == 5);

  // The server goes away altogether.
  const std::string url = idp->url();
  idp.reset();
  clock.set(t0 + 180);
  CHECK(v.verify(ta));
  REQUIRE(set.wait_idle(10s));
  CHECK(set.status().last_error == errc::connection_failed);
  clock.set(t0 + 359);
  CHECK(v.verify(ta));
  REQUIRE(set.wait_idle(10s));
  CHECK(set.status().failures == 6);
  CHECK(set.status().servable);

  // Past max_staleness: fail closed.
  clock.set(t0 + 360);
  CHECK(v.verify(ta).error() == errc::key_not_found);
  CHECK(set.get("a").error() == errc::store_unavailable);
  REQUIRE(set.wait_idle(10s));
  CHECK_FALSE(set.status().servable);
}

TEST_CASE("remote JWKS over HTTP: a rotation is picked up", "[adapters][remote_jwks]") {
  idp_server idp;
  idp.st->serve(doc({jwk(jwt::alg::es256, "k1")}), "\"v1\"", "max-age=3600");
  core::manual_clock clock(t0);
  auto set = make_set(idp.url(), clock);
  REQUIRE(set.ready(10s));
  set_verifier v(set, lax_rules(), clock);
  const std::string t1 = token(jwt::alg::es256, "k1"), t2 = token(jwt::alg::eddsa, "k2");
  CHECK(v.verify(t1));

  // The provider publishes k2 next to k1 and starts signing with it.
  idp.st->serve(doc({jwk(jwt::alg::es256, "k1"), jwk(jwt::alg::eddsa, "k2")}), "\"v2\"", "max-age=3600");
  clock.advance(45s);
  CHECK(v.verify(t2).error() == errc::key_not_found);  // asks, never waits
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.st->count() == 2);
  CHECK(idp.st->if_none_match[1] == "\"v1\"");
  CHECK(v.verify(t2));
  CHECK(v.verify(t1));

  // k1 retired: gone at the next refresh.
  idp.st->serve(doc({jwk(jwt::alg::eddsa, "k2")}), "\"v3\"", "max-age=3600");
  clock.advance(3600s);
  (void)set.find("k2");
  REQUIRE(set.wait_idle(10s));
  CHECK(v.verify(t1).error() == errc::key_not_found);
  CHECK(v.verify(t2));
}

TEST_CASE("remote JWKS over HTTP: slow answers never hold up lookups", "[adapters][remote_jwks]") {
  idp_server idp;
  idp.st->serve(doc({jwk(jwt::alg::es256, "a")}), "\"v1\"", "max-age=60");
  core::manual_clock clock(t0);
  auto o = options();
  o.timeout = 300ms;
  auto set = make_set(idp.url(), clock, o);
  REQUIRE(set.ready(10s));
  set_verifier v(set, lax_rules(), clock);
  const std::string ta = token(jwt::alg::es256, "a");

  // A held answer: the conditional GET hangs while lookups go on with the set held.
  idp.st->set_hold(true);
  clock.advance(60s);
  CHECK(v.verify(ta));
  REQUIRE(idp.st->wait_holding());
  for (int i = 0; i < 200; ++i) {
    REQUIRE(v.verify(ta));
    REQUIRE_FALSE(set.find("unknown-" + std::to_string(i)));
  }
  CHECK(idp.st->count() == 2);
  idp.st->set_hold(false);
  REQUIRE(set.wait_idle(10s));

  // An answer slower than the timeout fails the fetch; the set stays.
  {
    std::lock_guard l(idp.st->mu);
    idp.st->delay = 700ms;
  }
  clock.advance(60s);
  CHECK(v.verify(ta));
  REQUIRE(set.wait_idle(10s));
  CHECK(set.status().last_error == errc::connection_failed);
  CHECK(v.verify(ta));
}

TEST_CASE("remote JWKS over HTTP: document bounds and URL rules", "[adapters][remote_jwks]") {
  idp_server idp;
  core::manual_clock clock(t0);
  // A body longer than the document bound stops the download.
  std::string big = doc({jwk(jwt::alg::es256, "a")});
  big.insert(big.size() - 1, ",\"pad\":\"" + std::string(300 * 1024, 'x') + "\"");
  idp.st->serve(big, "", "max-age=60");
  auto set = make_set(idp.url(), clock);
  CHECK(set.ready(10s).error() == errc::input_too_large);

  // The fetcher refuses plain http to anything but loopback, before any connection.
  const adapter::jwks_fetcher<> f;
  jwt::jwks_request r;
  r.url = "http://idp.example.com/jwks";
  CHECK(f.fetch(r).error() == errc::url_not_allowed);
  r.url = "http://10.1.2.3:" + std::to_string(idp.srv->port) + "/jwks";
  CHECK(f.fetch(r).error() == errc::url_not_allowed);
  r.url = "https://169.254.169.254/jwks";  // the guard's refusals stay
  CHECK(f.fetch(r).error() == errc::url_not_allowed);
  idp.st->serve(doc({jwk(jwt::alg::es256, "a")}), "", "max-age=60");
  r.url = "http://localhost:" + std::to_string(idp.srv->port) + "/jwks";
  r.if_none_match = "\"x\"";
  auto ok = f.fetch(r);
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(ok->max_age == 60s);
  CHECK(idp.st->if_none_match.back() == "\"x\"");
}

TEST_CASE("remote JWKS over HTTPS: the certificate is verified", "[adapters][remote_jwks][tls]") {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) TESSERA_SKIP("openssl command line not installed");
  char tmpl[] = "/tmp/tessera_jwks_tls_XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::filesystem::path dir(tmpl);
  const auto cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
                          " -subj /CN=idp.test -addext subjectAltName=DNS:idp.test -keyout " +
                          key + " -out " + cert + " >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  {
    const std::string body = doc({jwk(jwt::alg::es256, "a")});
    httplib::SSLServer server(cert.c_str(), key.c_str());
    server.Get("/jwks", [&](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "max-age=60");
      res.set_content(body, "application/json");
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    std::thread th([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(1ms);

    struct table_resolver {
      result<std::vector<webhook::ip_address>> resolve(const std::string& host, std::uint16_t) const noexcept {
        if (host != "idp.test" && host != "other.test") return unexpected{errc::connection_failed};
        return std::vector<webhook::ip_address>{*webhook::ip_address::parse("127.0.0.1")};
      }
    };
    using tls_jwks = jwt::remote_jwks<adapter::jwks_fetcher<table_resolver>, core::manual_clock&>;
    const std::string good = "https://idp.test:" + std::to_string(port) + "/jwks";
    core::manual_clock clock(t0);

    // The system store does not know the test CA.
    auto untrusted = tls_jwks::create(good, adapter::jwks_fetcher<table_resolver>{}, options(), clock);
    REQUIRE(untrusted);
    CHECK(untrusted->ready(10s).error() == errc::connection_failed);

    auto o = adapter::jwks_client_options();
    o.ca_file = cert;
    auto trusted = tls_jwks::create(good, adapter::jwks_fetcher<table_resolver>(o), options(), clock);
    REQUIRE(trusted);
    REQUIRE(trusted->ready(10s));
    CHECK(trusted->find("a"));
    CHECK(core::unix_seconds(trusted->status().fresh_until) == t0 + 60);

    // The certificate names idp.test only.
    auto wrong_name = tls_jwks::create("https://other.test:" + std::to_string(port) + "/jwks",
                                       adapter::jwks_fetcher<table_resolver>(o), options(), clock);
    REQUIRE(wrong_name);
    CHECK(wrong_name->ready(10s).error() == errc::connection_failed);

    server.stop();
    th.join();
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("remote JWKS over HTTP: many threads verify while the set is refreshed",
          "[adapters][remote_jwks][concurrency]") {
  constexpr int rounds = 12;
  constexpr int verifier_threads = 4;
  idp_server idp;
  auto doc_for = [](int round) {
    return doc({jwk(jwt::alg::es256, "stable"), jwk(jwt::alg::eddsa, "rot-" + std::to_string(round))});
  };
  idp.st->serve(doc_for(0), "\"r0\"", "max-age=60");
  core::manual_clock clock(t0);
  auto set = make_set(idp.url(), clock);
  set_verifier v(set, lax_rules(), clock);
  const std::string stable = token(jwt::alg::es256, "stable");
  std::vector<std::string> rotating;
  for (int r = 0; r < rounds; ++r) rotating.push_back(token(jwt::alg::eddsa, "rot-" + std::to_string(r)));

  std::atomic<int> current{0};
  std::atomic<bool> stop{false};
  std::atomic<long> stable_failures{0}, wrong_errors{0}, verifications{0}, round_failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < verifier_threads; ++t) {
    threads.emplace_back([&, t] {
      unsigned j = static_cast<unsigned>(t) * 7919u + 3;
      while (!stop.load(std::memory_order_acquire)) {
        j = j * 1103515245u + 12345u;
        if (j % 3 == 0) {
          if (!v.verify(stable)) stable_failures.fetch_add(1, std::memory_order_relaxed);
        } else if (j % 3 == 1) {
          const int held = current.load(std::memory_order_acquire);
          auto res = v.verify(rotating[(j >> 8) % static_cast<unsigned>(held + 1)]);
          if (!res && res.error() != errc::key_not_found) wrong_errors.fetch_add(1, std::memory_order_relaxed);
        } else if (set.find("forged-" + std::to_string(j))) {
          wrong_errors.fetch_add(1, std::memory_order_relaxed);
        }
        verifications.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }

  REQUIRE(set.ready(10s));
  for (int r = 1; r < rounds; ++r) {
    idp.st->serve(doc_for(r), "\"r" + std::to_string(r) + "\"", "max-age=60");
    clock.advance(61s);  // stale and past the cooldown: the verifying threads' lookups ask
    std::this_thread::yield();
    if (!set.refresh(10s)) round_failures.fetch_add(1);  // and this one waits for a fetch of round r
    if (!set.find("rot-" + std::to_string(r)) || set.find("rot-" + std::to_string(r - 1)))
      round_failures.fetch_add(1);
    current.store(r, std::memory_order_release);
  }
  stop.store(true, std::memory_order_release);
  for (auto& t : threads) t.join();

  CHECK(stable_failures == 0);
  CHECK(wrong_errors == 0);
  CHECK(round_failures == 0);
  CHECK(verifications > 0);
  CHECK(idp.st->count() >= rounds);
  CHECK(idp.st->count() <= 2 * rounds);
  CHECK(set.status().updates == rounds);
  CHECK(v.verify(rotating.back()));
}
