// Tests for tessera/webhook/delivery.hpp (with subscription.hpp and delivery_log.hpp), delivering
// through tessera::adapters::httplib::client to a real cpp-httplib receiver on 127.0.0.1 that
// succeeds, fails with 500, times out or answers 410. Every signature the receiver gets is
// checked at the end by an independent verifier: tests/adapters/check_webhook_signatures.py, run
// with the system python3 (standard library hmac, hashlib and base64 only).
#include "tessera/webhook/delivery.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "tessera/adapters/httplib_client.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/webhook/delivery_log.hpp"
#include "tessera/webhook/subscription.hpp"

#ifndef TESSERA_TEST_SOURCE_DIR
#define TESSERA_TEST_SOURCE_DIR "tests"
#endif

using namespace tessera;
using namespace std::chrono_literals;
namespace adapter = tessera::adapters::httplib;

namespace {
constexpr std::int64_t start_time = 1'700'000'000;

// Jitter at the top of the range: delays equal their ceilings, so retry times are exact.
struct top_jitter {
  std::uint64_t uniform(std::uint64_t n) const noexcept { return n; }
};

// What the receiver got: one request.
struct received {
  std::string path;
  std::map<std::string, std::string> headers;
  std::string body;
};

// A cpp-httplib receiver on a free loopback port: /ok answers 200, /fail 500, /gone 410, /slow
// answers after 400 ms, /flaky/<n> answers 500 to its first n requests and 200 afterwards.
struct receiver {
  httplib::Server server;
  int port = 0;
  std::thread thread;
  mutable std::mutex mu;
  std::vector<received> got;
  std::map<std::string, int> flaky_seen;
  std::condition_variable gate_cv;
  bool gate_open = true;  // /gone answers only while open

  void set_gate(bool open) {
    {
      std::lock_guard lk(mu);
      gate_open = open;
    }
    gate_cv.notify_all();
  }

  receiver() {
    auto keep = [this](const httplib::Request& req) {
      received r{req.path, {}, req.body};
      for (const auto& [k, v] : req.headers) r.headers[k] = v;
      std::lock_guard lk(mu);
      got.push_back(std::move(r));
    };
    server.Post("/ok", [keep](const httplib::Request& req, httplib::Response& res) {
      keep(req);
      res.set_content("thanks", "text/plain");
    });
    server.Post("/fail", [keep](const httplib::Request& req, httplib::Response& res) {
      keep(req);
      res.status = 500;
    });
    server.Post("/gone", [this, keep](const httplib::Request& req, httplib::Response& res) {
      keep(req);
      std::unique_lock lk(mu);
      gate_cv.wait(lk, [this] { return gate_open; });
      res.status = 410;
    });
    server.Post("/slow", [keep](const httplib::Request& req, httplib::Response& res) {
      keep(req);
      std::this_thread::sleep_for(400ms);
      res.status = 200;
    });
    server.Post(R"(/flaky/(\d+))", [this, keep](const httplib::Request& req, httplib::Response& res) {
      keep(req);
      const int fails = std::stoi(req.matches[1]);
      std::lock_guard lk(mu);
      res.status = flaky_seen[req.path]++ < fails ? 500 : 200;
    });
    port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~receiver() {
    server.stop();
    thread.join();
  }
  std::string url(std::string_view path) const { return "http://127.0.0.1:" + std::to_string(port) + std::string(path); }
  std::vector<received> on(std::string_view path) const {
    std::lock_guard lk(mu);
    std::vector<received> out;
    for (const auto& r : got)
      if (r.path == path) out.push_back(r);
    return out;
  }
  std::size_t count() const {
    std::lock_guard lk(mu);
    return got.size();
  }
};

// Polls until cond() holds, for at most five seconds of real time.
template <class F>
bool eventually(F cond) {
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

webhook::url_guard_options test_guard() {
  webhook::url_guard_options g;
  g.allow_http = true;
  g.allow_loopback = true;
  return g;
}

adapter::client_options test_client() {
  adapter::client_options o;
  o.guard = test_guard();
  return o;
}

crypto::sealing_ring test_ring(std::string_view kid = "kek-1") {
  auto k = crypto::sealing_key::generate(kid);
  REQUIRE(k);
  return crypto::sealing_ring(*k);
}

webhook::dispatcher_options fast_options(std::size_t workers = 2) {
  webhook::dispatcher_options o;
  o.workers = workers;
  o.retry.base_delay = 1s;
  o.retry.max_delay = 4s;
  o.retry.max_attempts = 4;
  o.poll_interval = 2ms;
  o.request_timeout = 2s;
  return o;
}

using registry_t = webhook::subscription_registry<webhook::memory_subscription_store, core::manual_clock&>;
using dispatcher_t = webhook::dispatcher<registry_t, adapter::client<>, webhook::memory_delivery_log,
                                         core::manual_clock&, top_jitter>;

// Everything a delivery test needs, wired together on a manual clock.
struct world {
  core::manual_clock clock{start_time};
  webhook::memory_subscription_store store;
  registry_t registry{store, test_ring(), test_guard(), clock};
  adapter::client<> http{test_client()};
  webhook::memory_delivery_log log;
  std::map<std::string, std::string> secrets;  // subscription id -> secret text, for the verifier only

  webhook::subscription subscribe(const std::string& url, webhook::scheme_config scheme = {},
                                  std::vector<std::string> types = {"order.created"}, std::string tenant = "org_1") {
    auto c = registry.create({std::move(tenant), url, std::move(types), std::move(scheme)});
    REQUIRE(c);
    secrets[c->record.id] = std::string(c->secret.expose_secret_text());
    return c->record;
  }

  std::vector<webhook::delivery_entry> entries(const std::string& sub) const {
    auto l = log.list(sub, 1000);
    REQUIRE(l);
    return *l;
  }
};

// Writes what the receiver got for these subscriptions as JSON lines and runs the independent
// Python verifier over them; returns its exit status (0: every signature verifies).
int python_verify(const world& w, const receiver& rx, const std::map<std::string, webhook::subscription>& by_path,
                  bool tamper = false) {
  char name[] = "/tmp/tessera_webhooks_XXXXXX";
  const int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  {
    std::ofstream out(name);
    for (const auto& [path, sub] : by_path) {
      for (const auto& r : rx.on(path)) {
        nlohmann::json j;
        j["scheme"] = std::string(webhook::name(sub.scheme.kind));
        j["secret"] = w.secrets.at(sub.id);
        j["signature_header"] = sub.scheme.signature_header;
        j["headers"] = r.headers;
        j["body"] = tamper ? r.body + " " : r.body;
        out << j.dump() << "\n";
      }
    }
  }
  const std::string cmd = std::string("/usr/bin/python3 ") + TESSERA_TEST_SOURCE_DIR +
                          "/adapters/check_webhook_signatures.py " + name + (tamper ? " 2>/dev/null" : "") +
                          " >/dev/null";
  const int rc = std::system(cmd.c_str());
  std::remove(name);
  return rc;
}

// An http_client for queue tests: answers 200 at once, or holds every request until released.
struct gate_client {
  std::mutex mu;
  std::condition_variable cv;
  bool open = true;
  std::atomic<int> calls{0};
  std::atomic<int> status{200};

  result<client::http_response> send(const client::http_request&) noexcept {
    ++calls;
    std::unique_lock lk(mu);
    cv.wait(lk, [this] { return open; });
    client::http_response r;
    r.status = status;
    return r;
  }
  void close_gate() {
    std::lock_guard lk(mu);
    open = false;
  }
  void open_gate() {
    {
      std::lock_guard lk(mu);
      open = true;
    }
    cv.notify_all();
  }
};
static_assert(client::http_client<gate_client>);

using gate_dispatcher_t =
    webhook::dispatcher<registry_t, gate_client, webhook::memory_delivery_log, core::manual_clock&, top_jitter>;

webhook::webhook_event order(std::string id = {}) {
  return {std::move(id), "order.created", R"({"type":"order.created","data":{"order_id":"A-1"}})"};
}
}  // namespace

static_assert(webhook::subscription_store<webhook::memory_subscription_store>);
static_assert(webhook::delivery_log<webhook::memory_delivery_log>);

TEST_CASE("deliveries in every scheme carry signatures an independent verifier accepts",
          "[adapters][webhook_delivery]") {
  receiver rx;
  world w;
  const auto std_sub = w.subscribe(rx.url("/ok"));
  const auto ts_sub = w.subscribe(rx.url("/flaky/0"), {webhook::scheme_kind::timestamped, "X-PharmaOne-Signature", ""});
  const auto body_sub = w.subscribe(rx.url("/flaky/00"), {webhook::scheme_kind::body_only, "", "X-Webhook-Id"});
  w.subscribe(rx.url("/fail"), {}, {"order.cancelled"});  // another type: receives nothing
  w.subscribe(rx.url("/fail"), {}, {"*"}, "org_2");        // another tenant: receives nothing

  dispatcher_t d(w.registry, w.http, w.log, fast_options(), w.clock);
  auto n = d.publish("org_1", order("msg_order_1"));
  REQUIRE(n);
  CHECK(*n == 3);
  REQUIRE(eventually([&] { return rx.count() == 3 && d.size() == 0; }));
  CHECK(rx.on("/fail").empty());

  const auto s = rx.on("/ok").at(0);
  CHECK(s.headers.at("webhook-id") == "msg_order_1");
  CHECK(s.headers.at("webhook-timestamp") == std::to_string(start_time));
  CHECK(s.headers.at("Content-Type") == "application/json");
  CHECK(s.body == order().payload);
  CHECK(rx.on("/flaky/0").at(0).headers.count("X-PharmaOne-Signature") == 1);
  CHECK(rx.on("/flaky/00").at(0).headers.at("X-Webhook-Id") == "msg_order_1");
  CHECK(rx.on("/flaky/00").at(0).headers.at("X-Hub-Signature-256").rfind("sha256=", 0) == 0);

  for (const auto& sub : {std_sub, ts_sub, body_sub}) {
    auto e = w.entries(sub.id);
    REQUIRE(e.size() == 1);
    CHECK(e[0].state == webhook::delivery_state::delivered);
    CHECK(e[0].attempt == 1);
    CHECK(e[0].http_status == 200);
    CHECK(e[0].delivery_id == "msg_order_1");
    CHECK_FALSE(e[0].next_attempt_at);
  }
  std::map<std::string, webhook::subscription> by_path{{"/ok", std_sub}, {"/flaky/0", ts_sub}, {"/flaky/00", body_sub}};
  CHECK(python_verify(w, rx, by_path) == 0);
  CHECK(python_verify(w, rx, by_path, true) != 0);  // the verifier is not vacuous
}

TEST_CASE("a failing endpoint is retried, each attempt signed afresh, until delivered",
          "[adapters][webhook_delivery]") {
  receiver rx;
  world w;
  const auto sub = w.subscribe(rx.url("/flaky/2"));
  dispatcher_t d(w.registry, w.http, w.log, fast_options(1), w.clock);
  REQUIRE(d.enqueue(sub.id, order("msg_retry")));

  REQUIRE(eventually([&] { return w.entries(sub.id).size() == 1; }));
  auto e = w.entries(sub.id);
  CHECK(e[0].state == webhook::delivery_state::pending);
  CHECK(e[0].http_status == 500);
  CHECK(e[0].attempt == 1);
  REQUIRE(e[0].next_attempt_at);
  CHECK(core::unix_seconds(*e[0].next_attempt_at) == start_time + 1);  // ceiling(1) = base delay

  w.clock.advance(999ms);  // not yet due
  d.wake();
  std::this_thread::sleep_for(20ms);
  CHECK(rx.count() == 1);

  w.clock.advance(1ms);
  d.wake();
  REQUIRE(eventually([&] { return w.entries(sub.id).size() == 2; }));
  e = w.entries(sub.id);
  CHECK(e[0].attempt == 2);
  CHECK(e[0].state == webhook::delivery_state::pending);
  CHECK(core::unix_seconds(*e[0].next_attempt_at) == start_time + 1 + 2);

  w.clock.advance(2s);
  d.wake();
  REQUIRE(eventually([&] { return w.entries(sub.id).size() == 3; }));
  e = w.entries(sub.id);
  CHECK(e[0].attempt == 3);
  CHECK(e[0].state == webhook::delivery_state::delivered);
  CHECK(e[0].http_status == 200);

  const auto got = rx.on("/flaky/2");
  REQUIRE(got.size() == 3);
  CHECK(got[0].headers.at("webhook-id") == "msg_retry");
  CHECK(got[2].headers.at("webhook-id") == "msg_retry");
  CHECK(got[0].headers.at("webhook-timestamp") == std::to_string(start_time));
  CHECK(got[1].headers.at("webhook-timestamp") == std::to_string(start_time + 1));
  CHECK(got[2].headers.at("webhook-timestamp") == std::to_string(start_time + 3));
  CHECK(got[0].headers.at("webhook-signature") != got[1].headers.at("webhook-signature"));
  CHECK(python_verify(w, rx, {{"/flaky/2", sub}}) == 0);
}

TEST_CASE("500s end in failed after the last attempt or the maximum age", "[adapters][webhook_delivery]") {
  receiver rx;
  world w;
  const auto sub = w.subscribe(rx.url("/fail"));
  auto o = fast_options(1);
  o.retry.max_attempts = 3;
  dispatcher_t d(w.registry, w.http, w.log, o, w.clock);
  REQUIRE(d.enqueue(sub.id, order()));
  for (std::size_t i = 1; i <= 3; ++i) {
    REQUIRE(eventually([&] { return w.entries(sub.id).size() == i; }));
    w.clock.advance(10s);
    d.wake();
  }
  auto e = w.entries(sub.id);
  REQUIRE(e.size() == 3);
  CHECK(e[0].state == webhook::delivery_state::failed);
  CHECK(e[0].attempt == 3);
  CHECK_FALSE(e[0].next_attempt_at);
  CHECK(e[1].state == webhook::delivery_state::pending);
  // The worker logs the attempt before it lets go of the delivery: wait for that, not for a tick.
  CHECK(eventually([&] { return d.size() == 0; }));

  // Maximum age: with 2 s allowed, the retry due 1 s after attempt 1 goes out, the next (2 s more) does not.
  auto aged = fast_options(1);
  aged.retry.max_attempts = 10;
  aged.max_age = 2s;
  const auto sub2 = w.subscribe(rx.url("/fail"));
  dispatcher_t d2(w.registry, w.http, w.log, aged, w.clock);
  REQUIRE(d2.enqueue(sub2.id, order()));
  REQUIRE(eventually([&] { return w.entries(sub2.id).size() == 1; }));
  w.clock.advance(1s);
  d2.wake();
  REQUIRE(eventually([&] { return w.entries(sub2.id).size() == 2; }));
  e = w.entries(sub2.id);
  CHECK(e[0].state == webhook::delivery_state::failed);
  CHECK(e[0].attempt == 2);
  CHECK(eventually([&] { return d2.size() == 0; }));
}

TEST_CASE("a timeout is a failed attempt without a status, retried", "[adapters][webhook_delivery]") {
  receiver rx;
  world w;
  const auto sub = w.subscribe(rx.url("/slow"));
  auto o = fast_options(1);
  o.request_timeout = 100ms;
  dispatcher_t d(w.registry, w.http, w.log, o, w.clock);
  REQUIRE(d.enqueue(sub.id, order()));
  REQUIRE(eventually([&] { return w.entries(sub.id).size() == 1; }));
  auto e = w.entries(sub.id)[0];
  CHECK(e.http_status == 0);
  CHECK(e.error == errc::connection_failed);
  CHECK(e.state == webhook::delivery_state::pending);
  CHECK(e.latency < 400ms);
  auto left = d.stop(webhook::stop_mode::hand_back);
  REQUIRE(left.size() == 1);
  CHECK(left[0].attempts_made == 1);
}

TEST_CASE("410 Gone ends the subscription and its queued deliveries", "[adapters][webhook_delivery]") {
  receiver rx;
  world w;
  const auto sub = w.subscribe(rx.url("/gone"));
  const auto other = w.subscribe(rx.url("/ok"));
  dispatcher_t d(w.registry, w.http, w.log, fast_options(1), w.clock);
  // Three deliveries for the gone endpoint: the first is answered 410 (held until the other two
  // are queued), the other two never go out.
  rx.set_gate(false);
  REQUIRE(d.enqueue(sub.id, order("msg_g1")));
  REQUIRE(eventually([&] { return rx.count() == 1; }));
  REQUIRE(d.enqueue(sub.id, order("msg_g2")));
  REQUIRE(d.enqueue(sub.id, order("msg_g3")));
  rx.set_gate(true);
  REQUIRE(eventually([&] { return w.entries(sub.id).size() == 3 && d.size() == 0; }));
  CHECK(rx.on("/gone").size() == 1);
  const auto e = w.entries(sub.id);
  for (const auto& x : e) CHECK(x.state == webhook::delivery_state::gone);
  CHECK(e.back().http_status == 410);
  CHECK(e.back().attempt == 1);
  CHECK(e[0].attempt == 0);

  auto rec = w.registry.find(sub.id);
  REQUIRE(rec);
  CHECK_FALSE(rec->active);
  CHECK(rec->deactivation_reason == "endpoint_gone");
  CHECK(d.enqueue(sub.id, order()).error() == errc::invalid_argument);
  auto n = d.publish("org_1", order());
  REQUIRE(n);
  CHECK(*n == 1);  // only the other subscription
  REQUIRE(eventually([&] { return rx.on("/ok").size() == 1; }));
  CHECK(rx.on("/gone").size() == 1);
  (void)other;

  // A test event still reaches it (to check the endpoint before reactivating), and changes nothing.
  auto t = d.send_test_event(sub.id);
  REQUIRE(t);
  CHECK(t->state == webhook::delivery_state::gone);
  CHECK(rx.on("/gone").size() == 2);
  REQUIRE(w.registry.reactivate(sub.id));
  CHECK(w.registry.find(sub.id)->active);
}

TEST_CASE("send_test_event makes one signed attempt at once and logs it", "[adapters][webhook_delivery]") {
  receiver rx;
  world w;
  const auto sub = w.subscribe(rx.url("/ok"), {webhook::scheme_kind::timestamped, "X-PharmaOne-Signature", ""});
  const auto bad = w.subscribe(rx.url("/fail"));
  dispatcher_t d(w.registry, w.http, w.log, fast_options(1), w.clock);
  auto t = d.send_test_event(sub.id);
  REQUIRE(t);
  CHECK(t->test);
  CHECK(t->state == webhook::delivery_state::delivered);
  CHECK(t->http_status == 200);
  CHECK(t->event_type == "webhook.test");
  CHECK(t->attempt == 1);
  const auto got = rx.on("/ok");
  REQUIRE(got.size() == 1);
  auto body = nlohmann::json::parse(got[0].body);
  CHECK(body["type"] == "webhook.test");
  CHECK(body["data"]["subscription_id"] == sub.id);
  CHECK(body["data"]["message"] == "test event");
  CHECK(body["id"] == t->delivery_id);
  CHECK(body["timestamp"].is_number_integer());
  CHECK(body.size() == 4);
  auto logged = w.entries(sub.id);
  REQUIRE(logged.size() == 1);
  CHECK(logged[0].test);

  auto f = d.send_test_event(bad.id);
  REQUIRE(f);
  CHECK(f->state == webhook::delivery_state::failed);  // never retried
  CHECK(f->http_status == 500);
  CHECK_FALSE(f->next_attempt_at);
  CHECK(d.size() == 0);
  CHECK(d.send_test_event("sub_missing").error() == errc::unknown_subscription);
  CHECK(python_verify(w, rx, {{"/ok", sub}, {"/fail", bad}}) == 0);
}

TEST_CASE("the queue is bounded: queue_full, all or nothing", "[adapters][webhook_delivery]") {
  world w;
  const auto a = w.subscribe("http://127.0.0.1:9/a");
  const auto b = w.subscribe("http://127.0.0.1:9/b");
  gate_client gate;
  gate.close_gate();
  auto o = fast_options(1);
  o.queue_capacity = 3;
  gate_dispatcher_t d(w.registry, gate, w.log, o, w.clock);
  REQUIRE(d.enqueue(a.id, order()));
  REQUIRE(eventually([&] { return gate.calls == 1; }));  // one in flight, held at the gate
  REQUIRE(d.enqueue(a.id, order()));
  CHECK(d.size() == 2);
  auto n = d.publish("org_1", order());  // two deliveries, one slot
  REQUIRE_FALSE(n);
  CHECK(n.error() == errc::queue_full);
  CHECK(d.size() == 2);
  REQUIRE(d.enqueue(b.id, order()));
  CHECK(d.enqueue(b.id, order()).error() == errc::queue_full);
  gate.open_gate();
  REQUIRE(eventually([&] { return d.size() == 0; }));
  CHECK(gate.calls == 3);
  REQUIRE(d.enqueue(b.id, order()));
}

TEST_CASE("stop drains the queue, or hands back what is left", "[adapters][webhook_delivery]") {
  world w;
  const auto a = w.subscribe("http://127.0.0.1:9/a");

  SECTION("drain delivers everything queued") {
    gate_client gate;
    gate_dispatcher_t d(w.registry, gate, w.log, fast_options(1), w.clock);
    for (int i = 0; i < 5; ++i) REQUIRE(d.enqueue(a.id, order()));
    auto left = d.stop(webhook::stop_mode::drain, 5s);
    CHECK(left.empty());
    CHECK(gate.calls == 5);
    auto e = w.entries(a.id);
    REQUIRE(e.size() == 5);
    for (const auto& x : e) CHECK(x.state == webhook::delivery_state::delivered);
    CHECK(d.enqueue(a.id, order()).error() == errc::queue_full);  // stopped
    CHECK(d.stop(webhook::stop_mode::drain).empty());
  }

  SECTION("hand_back finishes the attempt in flight and returns the rest") {
    gate_client gate;
    gate.close_gate();
    gate_dispatcher_t d(w.registry, gate, w.log, fast_options(1), w.clock);
    for (int i = 0; i < 4; ++i) REQUIRE(d.enqueue(a.id, order("msg_h" + std::to_string(i))));
    REQUIRE(eventually([&] { return gate.calls == 1; }));
    std::vector<webhook::pending_delivery> left;
    std::thread stopper([&] { left = d.stop(webhook::stop_mode::hand_back); });
    REQUIRE(eventually([&] { return !d.accepting(); }));  // stopping, while the attempt is held
    gate.open_gate();
    stopper.join();
    REQUIRE(left.size() == 3);
    CHECK(gate.calls == 1);
    for (const auto& p : left) {
      CHECK(p.subscription_id == a.id);
      CHECK(p.attempts_made == 0);
      REQUIRE(p.payload);
      CHECK(*p.payload == order().payload);
    }
    REQUIRE(w.entries(a.id).size() == 1);
    CHECK(w.entries(a.id)[0].state == webhook::delivery_state::delivered);

    // Another dispatcher (after a restart, say) takes them back.
    gate_dispatcher_t d2(w.registry, gate, w.log, fast_options(2), w.clock);
    for (auto& p : left) REQUIRE(d2.resume(std::move(p)));
    REQUIRE(eventually([&] { return d2.size() == 0; }));
    CHECK(gate.calls == 4);
    CHECK(w.entries(a.id).size() == 4);
  }

  SECTION("drain hands back retries not due before its timeout") {
    gate_client gate;
    gate.status = 503;
    gate_dispatcher_t d(w.registry, gate, w.log, fast_options(1), w.clock);
    REQUIRE(d.enqueue(a.id, order("msg_later")));
    REQUIRE(eventually([&] { return gate.calls == 1 && d.size() == 1 && d.queued() == 1; }));
    auto left = d.stop(webhook::stop_mode::drain, 30ms);  // the manual clock never reaches the retry
    REQUIRE(left.size() == 1);
    CHECK(left[0].delivery_id == "msg_later");
    CHECK(left[0].attempts_made == 1);
    CHECK(core::unix_seconds(left[0].next_attempt_at) == start_time + 1);
  }
}

TEST_CASE("bad input gets its own errc", "[adapters][webhook_delivery]") {
  receiver rx;
  world w;
  const auto ok_url = rx.url("/ok");
  auto create = [&](std::string tenant, std::string url, std::vector<std::string> types,
                    webhook::scheme_config s = {}) {
    return w.registry.create({std::move(tenant), std::move(url), std::move(types), std::move(s)});
  };
  CHECK(create("", ok_url, {"a"}).error() == errc::invalid_argument);
  CHECK(create("org 1", ok_url, {"a"}).error() == errc::invalid_argument);
  CHECK(create("org_1", ok_url, {}).error() == errc::invalid_argument);
  CHECK(create("org_1", ok_url, {"bad type"}).error() == errc::invalid_argument);
  CHECK(create("org_1", ok_url, {"a"}, {webhook::scheme_kind::timestamped, "Bad Header", ""}).error() ==
        errc::invalid_argument);
  CHECK(create("org_1", ok_url, {"a"}, {webhook::scheme_kind::body_only, "Content-Length", ""}).error() ==
        errc::invalid_argument);
  CHECK(create("org_1", "ftp://127.0.0.1/", {"a"}).error() == errc::url_not_allowed);
  CHECK(create("org_1", "http://user@127.0.0.1/", {"a"}).error() == errc::url_not_allowed);

  // The registry's guard refuses internal addresses unless allowed.
  webhook::memory_subscription_store store2;
  webhook::url_guard_options strict;
  strict.allow_http = true;
  registry_t reg2(store2, test_ring(), strict, w.clock);
  for (const char* url : {"http://127.0.0.1/", "http://localhost/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
                          "http://10.0.0.1/", "http://172.16.0.1/", "http://192.168.0.1/",
                          "http://169.254.169.254/", "http://[fe80::1]/", "http://0.0.0.0/"}) {
    INFO(url);
    CHECK(reg2.create({"org_1", url, {"a"}, {}}).error() == errc::url_not_allowed);
  }

  const auto sub = w.subscribe(ok_url);
  dispatcher_t d(w.registry, w.http, w.log, fast_options(1), w.clock);
  CHECK(d.enqueue("sub_missing", order()).error() == errc::unknown_subscription);
  CHECK(d.enqueue(sub.id, {"", "order.cancelled", "{}"}).error() == errc::invalid_argument);  // not subscribed
  CHECK(d.enqueue(sub.id, {"", "bad type", "{}"}).error() == errc::invalid_argument);
  CHECK(d.enqueue(sub.id, {"", "*", "{}"}).error() == errc::invalid_argument);
  CHECK(d.enqueue(sub.id, {"msg.with.dots", "order.created", "{}"}).error() == errc::invalid_argument);
  CHECK(d.enqueue(sub.id, {"", "order.created", std::string(300 * 1024, 'x')}).error() == errc::input_too_large);
  CHECK(d.publish("", order()).error() == errc::invalid_argument);
  CHECK(w.registry.deactivate("sub_missing").error() == errc::unknown_subscription);
  webhook::pending_delivery p;
  CHECK(d.resume(p).error() == errc::invalid_argument);
}

TEST_CASE("the store holds no clear secret, and KEK rotation reseals every one",
          "[adapters][webhook_delivery]") {
  receiver rx;
  world w;
  std::vector<webhook::subscription> subs;
  subs.push_back(w.subscribe(rx.url("/ok")));
  subs.push_back(w.subscribe(rx.url("/flaky/0"), {webhook::scheme_kind::timestamped, "X-PharmaOne-Signature", ""}));
  subs.push_back(w.subscribe(rx.url("/flaky/00"), {webhook::scheme_kind::body_only, "", ""}));

  // Every field of every record, and the decoded bytes of each sealed blob, as one haystack.
  auto haystack = [&] {
    auto all = w.store.list_all();
    REQUIRE(all);
    std::string h;
    for (const auto& s : *all) {
      h += s.id + "|" + s.tenant + "|" + s.url + "|" + s.sealed_secret + "|" + s.deactivation_reason + "|";
      for (const auto& t : s.event_types) h += t + "|";
      h += s.scheme.signature_header + "|" + s.scheme.id_header + "|" + s.to_json().dump() + "|";
      auto raw = core::base64url_decode(s.sealed_secret);
      REQUIRE(raw);
      h.append(raw->begin(), raw->end());
    }
    return h;
  };
  auto check_clean = [&](const std::string& h) {
    for (const auto& [id, secret] : w.secrets) {
      CHECK(h.find(secret) == std::string::npos);
      const auto body = secret.substr(secret.find('_') + 1);  // the random part, without its prefix
      CHECK(h.find(body) == std::string::npos);
      if (auto raw = core::base64_decode(body)) {  // whsec_: the raw key bytes
        CHECK(h.find(std::string(raw->begin(), raw->end())) == std::string::npos);
      }
    }
  };
  check_clean(haystack());
  for (const auto& s : subs) CHECK(s.to_json().dump().find(s.sealed_secret) == std::string::npos);

  // A sealed secret is bound to its record: copied into another one, it does not open.
  {
    auto moved = subs[0];
    moved.id = subs[1].id;
    CHECK(w.registry.sign(moved, "msg_x", start_time, "{}").error() == errc::unseal_failed);
  }

  // Rotation: every secret moves to the new KEK, deliveries still verify, the old KEK can go.
  CHECK(w.registry.retire_kek("kek-1").error() == errc::invalid_argument);  // current
  auto k2 = crypto::sealing_key::generate("kek-2");
  REQUIRE(k2);
  auto moved = w.registry.rotate_kek(*k2);
  REQUIRE(moved);
  CHECK(*moved == 3);
  CHECK(w.registry.current_kid() == "kek-2");
  auto all = w.store.list_all();
  REQUIRE(all);
  for (const auto& s : *all) CHECK(crypto::sealed_kid(s.sealed_secret).value() == "kek-2");
  check_clean(haystack());
  REQUIRE(w.registry.retire_kek("kek-1"));
  auto again = w.registry.reseal_all();
  REQUIRE(again);
  CHECK(*again == 0);

  dispatcher_t d(w.registry, w.http, w.log, fast_options(1), w.clock);
  for (const auto& s : subs) REQUIRE(d.send_test_event(s.id));
  REQUIRE(rx.count() == 3);
  CHECK(python_verify(w, rx, {{"/ok", subs[0]}, {"/flaky/0", subs[1]}, {"/flaky/00", subs[2]}}) == 0);
}

TEST_CASE("the delivery log is bounded and never holds a secret or a signature", "[adapters][webhook_delivery]") {
  webhook::memory_delivery_log small(3, 2);  // 3 entries for each of 2 subscriptions
  auto add = [&](const char* sub, int i) {
    webhook::delivery_entry e;
    e.subscription_id = sub;
    e.delivery_id = "msg_" + std::to_string(i);
    small.append(e);
  };
  for (int i = 0; i < 5; ++i) add("sub_0", i);
  for (int i = 5; i < 10; ++i) add("sub_1", i);
  CHECK(small.size() == 6);
  auto l0 = small.list("sub_0", 10);
  REQUIRE(l0);
  REQUIRE(l0->size() == 3);
  CHECK((*l0)[0].delivery_id == "msg_4");  // newest first
  CHECK((*l0)[2].delivery_id == "msg_2");
  auto l1 = small.list("sub_1", 2);
  REQUIRE(l1);
  CHECK(l1->size() == 2);
  add("sub_2", 10);  // a third subscription: the least recently written one (sub_0) goes
  CHECK(small.size() == 4);
  CHECK(small.list("sub_0", 10)->empty());
  CHECK(small.list("sub_1", 10)->size() == 3);
  CHECK(small.list("sub_2", 10)->size() == 1);
  CHECK(small.list("sub_unknown", 10)->empty());

  receiver rx;
  world w;
  const auto a = w.subscribe(rx.url("/flaky/1"));
  const auto b = w.subscribe(rx.url("/ok"), {webhook::scheme_kind::timestamped, "X-PharmaOne-Signature", ""});
  dispatcher_t d(w.registry, w.http, w.log, fast_options(2), w.clock);
  REQUIRE(d.publish("org_1", order()));
  REQUIRE(d.send_test_event(b.id));
  REQUIRE(eventually([&] { return w.entries(a.id).size() == 1 && w.entries(b.id).size() == 2; }));
  w.clock.advance(5s);
  d.wake();
  REQUIRE(eventually([&] { return w.entries(a.id).size() == 2; }));

  std::string logged;
  for (const auto& id : {a.id, b.id})
    for (const auto& e : w.entries(id)) logged += e.to_json().dump() + "\n";
  CHECK(logged.find("\"state\":\"pending\"") != std::string::npos);
  CHECK(logged.find("\"state\":\"delivered\"") != std::string::npos);
  CHECK(logged.find("\"next_attempt_at\":" + std::to_string(start_time + 1)) != std::string::npos);
  for (const auto& [id, secret] : w.secrets) CHECK(logged.find(secret) == std::string::npos);
  for (const auto& r : rx.got) {
    for (const auto& [k, v] : r.headers) {
      if (k == "webhook-signature" || k == "X-PharmaOne-Signature") {
        CHECK(logged.find(v) == std::string::npos);
        const auto tag = v.substr(v.rfind(v.find("v1,") == 0 ? ',' : '=') + 1);
        CHECK(logged.find(tag) == std::string::npos);
      }
    }
  }
  CHECK(python_verify(w, rx, {{"/flaky/1", a}, {"/ok", b}}) == 0);
}
