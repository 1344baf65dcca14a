// Tests for tessera/redis/idempotency_store.hpp against a real redis-server: begin / complete /
// release and their ownership rules, one round trip each, the driver's replays and 422 through
// Redis, times to live, 50 threads retrying one create through two instances (two servers of a
// fleet), hashed key names with no key, principal or withheld body in Redis, values Redis holds
// that tessera did not write, and failing closed when Redis is gone.
#include "tessera/redis/idempotency_store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "redis/redis_support.hpp"
#include "tessera/request_signing/request.hpp"

using namespace redis_test;

static_assert(http::idempotency_store<redis::idempotency_store>);

namespace {
const auto now = std::chrono::system_clock::now();
using request = request_signing::request;
const http::idempotency_scope alice{"org_1", "integration-17"};

request create(std::string body, std::string_view key = "key-1") {
  request r("POST", "/v2/orgs/org_1/orders", {}, std::move(body));
  if (!key.empty()) r.set_header("Idempotency-Key", key);
  return r;
}

http::stored_response created(std::string body) {
  return http::stored_response{201, {{"Content-Type", "application/json"}, {"Location", "/orders/ord_1"}},
                               std::move(body)};
}

http::request_fingerprint fp_of(std::uint8_t b) {
  http::request_fingerprint fp;
  fp.fill(b);
  return fp;
}
}  // namespace

TEST_CASE("begin, complete and release: the store's rules, one round trip each", "[redis][idempotency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  auto pool = make_pool(srv.port, unique_prefix());
  redis::idempotency_store store(*pool);
  // A script's first use on a fresh server costs a second round trip (NOSCRIPT, then EVAL):
  // load both scripts first, so what is counted below is the steady state.
  (void)store.complete("warm-up", "nobody", created("x"), now, 60s);
  (void)store.release("warm-up", "nobody");
  const auto before = pool->stats().round_trips;

  auto b = store.begin("k1", fp_of(1), "owner-a", now, 60s);
  REQUIRE(b);
  CHECK(b->state == http::idempotency_state::started);
  CHECK(store.begin("k1", fp_of(1), "owner-b", now, 60s)->state == http::idempotency_state::in_flight);
  CHECK(store.begin("k1", fp_of(2), "owner-b", now, 60s)->state == http::idempotency_state::mismatch);
  // Only the owner completes or releases.
  CHECK(store.complete("k1", "owner-b", created("x"), now, 60s).value() == false);
  REQUIRE(store.release("k1", "owner-b"));
  CHECK(store.begin("k1", fp_of(1), "owner-b", now, 60s)->state == http::idempotency_state::in_flight);
  CHECK(store.complete("k1", "owner-a", created(R"({"id":1})"), now, 60s).value() == true);
  CHECK(pool->stats().round_trips - before == 7);

  auto done = store.begin("k1", fp_of(1), "owner-c", now, 60s);
  REQUIRE(done);
  CHECK(done->state == http::idempotency_state::completed);
  CHECK(done->response.status == 201);
  CHECK(done->response.body == R"({"id":1})");
  CHECK_FALSE(done->response.body_omitted);
  REQUIRE(done->response.headers.size() == 2);
  CHECK(done->response.headers[1].first == "Location");
  CHECK(done->response.headers[1].second == "/orders/ord_1");
  CHECK(store.begin("k1", fp_of(2), "owner-c", now, 60s)->state == http::idempotency_state::mismatch);
  // An answered entry is neither completed again nor released.
  CHECK(store.complete("k1", "owner-a", created("again"), now, 60s).value() == false);
  REQUIRE(store.release("k1", "owner-a"));
  CHECK(store.begin("k1", fp_of(1), "owner-c", now, 60s)->response.body == R"({"id":1})");

  // Released: the next begin starts afresh.
  REQUIRE(store.begin("k2", fp_of(1), "owner-a", now, 60s)->state == http::idempotency_state::started);
  REQUIRE(store.release("k2", "owner-a"));
  CHECK(store.begin("k2", fp_of(3), "owner-b", now, 60s)->state == http::idempotency_state::started);

  // Binary-safe answers: empty and odd header values, NUL bytes and digits in the body.
  http::stored_response odd{200, {{"X-Empty", ""}, {"X-Colon", "1:2:3"}}, std::string("12:\0\r\n", 6)};
  REQUIRE(store.begin("k3", fp_of(1), "o", now, 60s));
  REQUIRE(store.complete("k3", "o", odd, now, 60s).value());
  auto back = store.begin("k3", fp_of(1), "o2", now, 60s);
  REQUIRE(back);
  CHECK(back->response.headers == odd.headers);
  CHECK(back->response.body == odd.body);
}

TEST_CASE("begin by Lua script (servers before 7.0) keeps the same rules, one round trip", "[redis][idempotency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool = make_pool(srv.port, prefix);
  redis::idempotency_store scripted(*pool, "idem:", true), plain(*pool);
  const auto before = pool->stats().round_trips;
  CHECK(scripted.begin("k", fp_of(1), "o", now, 60s)->state == http::idempotency_state::started);
  const auto first = pool->stats().round_trips - before;
  CHECK(first <= 2);  // EVALSHA, then EVAL the first time the server sees the script
  CHECK(plain.begin("k", fp_of(1), "o2", now, 60s)->state == http::idempotency_state::in_flight);
  CHECK(scripted.begin("k", fp_of(2), "o2", now, 60s)->state == http::idempotency_state::mismatch);
  REQUIRE(scripted.complete("k", "o", created("ok"), now, 60s).value());
  auto done = scripted.begin("k", fp_of(1), "o3", now, 60s);
  REQUIRE(done);
  CHECK(done->state == http::idempotency_state::completed);
  CHECK(done->response.body == "ok");
  CHECK(pool->stats().round_trips - before == first + 4);
  admin a(srv.port);
  auto keys = a.keys(prefix);
  REQUIRE(keys.size() == 1);
  const auto pttl = a.integer({"PTTL", keys[0]});
  CHECK(pttl > 0);
  CHECK(pttl <= 60'000);
}

TEST_CASE("the driver over Redis: replay, 422, release on 5xx, withheld bodies", "[redis][idempotency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool = make_pool(srv.port, prefix);
  redis::idempotency_store store(*pool);
  http::idempotency<redis::idempotency_store> idem(store);
  int runs = 0;

  auto first = idem.run(create(R"({"sku":"a"})"), alice, [&] { ++runs; return created(R"({"id":"ord_1"})"); });
  REQUIRE(first);
  CHECK(first->stored);
  auto again = idem.run(create(R"({"sku":"a"})"), alice, [&] { ++runs; return created("never"); });
  REQUIRE(again);
  CHECK(again->replayed);
  CHECK(again->response.body == R"({"id":"ord_1"})");
  CHECK(again->response.headers.back() == std::pair<std::string, std::string>{"Idempotent-Replayed", "true"});
  CHECK(idem.run(create(R"({"sku":"b"})"), alice, [&] { ++runs; return created("never"); }).error() ==
        errc::idempotency_key_reused);
  CHECK(runs == 1);

  REQUIRE(idem.run(create("{}", "k5"), alice, [&] { ++runs; return http::stored_response{500, {}, "oops"}; }));
  auto retried = idem.run(create("{}", "k5"), alice, [&] { ++runs; return created("ok"); });
  REQUIRE(retried);
  CHECK_FALSE(retried->replayed);
  CHECK(runs == 3);

  auto secret = idem.run(create("{}", "new-key"), alice, [&] {
    auto r = created(R"({"api_key":"ak_live_SHOWN_ONCE"})");
    r.keep_body = false;
    return r;
  });
  REQUIRE(secret);
  auto replay = idem.run(create("{}", "new-key"), alice, [&] { return created("never"); });
  REQUIRE(replay);
  CHECK(replay->replayed);
  CHECK(replay->response.body_omitted);
  CHECK(replay->response.body.empty());
  CHECK(replay->response.status == 201);

  // Nothing in Redis names the key, the principal, or the withheld body.
  admin a(srv.port);
  auto keys = a.keys(prefix);
  CHECK(keys.size() == 3);
  for (const auto& k : keys) {
    CHECK(k.rfind(prefix + "idem:", 0) == 0);
    CHECK(k.size() == prefix.size() + 5 + 43);
    const std::string all = k + "\n" + a.dump(k);
    for (std::string_view needle : {"key-1", "new-key", "k5", "org_1", "integration-17", "SHOWN_ONCE"}) {
      INFO(needle);
      CHECK(all.find(needle) == std::string::npos);
    }
  }
}

TEST_CASE("times to live: in-flight marks and answers expire on the server", "[redis][idempotency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool = make_pool(srv.port, prefix);
  redis::idempotency_store store(*pool);
  admin a(srv.port);

  REQUIRE(store.begin("k", fp_of(1), "o", now, 200ms)->state == http::idempotency_state::started);
  auto keys = a.keys(prefix);
  REQUIRE(keys.size() == 1);
  const auto in_flight_pttl = a.integer({"PTTL", keys[0]});
  CHECK(in_flight_pttl > 0);
  CHECK(in_flight_pttl <= 200);
  std::this_thread::sleep_for(250ms);
  // The mark expired: another attempt starts, and the late first attempt cannot complete.
  REQUIRE(store.begin("k", fp_of(1), "o2", now, 60s)->state == http::idempotency_state::started);
  CHECK(store.complete("k", "o", created("late"), now, 60s).value() == false);
  REQUIRE(store.complete("k", "o2", created("ok"), now, 3600s).value());
  const auto answer_pttl = a.integer({"PTTL", keys[0]});
  CHECK(answer_pttl > 3'500'000);
  CHECK(answer_pttl <= 3'600'000);
  // A ttl under 1 ms is 1 ms (PX refuses 0).
  REQUIRE(store.begin("z", fp_of(1), "o", now, 0ms));
  std::this_thread::sleep_for(5ms);
  CHECK(store.begin("z", fp_of(1), "o", now, 60s)->state == http::idempotency_state::started);
}

TEST_CASE("50 simultaneous retries through two instances run the handler exactly once",
          "[redis][idempotency][concurrency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool_a = make_pool(srv.port, prefix, 5000ms), pool_b = make_pool(srv.port, prefix, 5000ms);
  redis::idempotency_store store_a(*pool_a), store_b(*pool_b);
  http::idempotency<redis::idempotency_store> server_a(store_a), server_b(store_b);
  constexpr int threads = 50;
  std::atomic<int> runs{0}, replayed{0}, in_progress{0}, other{0}, ran_here{0};
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  bool go = false;
  // The handler holds the key until at least 20 others were told 409 (or 10 s pass: no hang).
  auto handler = [&] {
    ++runs;
    std::unique_lock lock(mu);
    cv.wait_for(lock, 10s, [&] { return in_progress.load() >= 20; });
    return created(R"({"id":"ord_50"})");
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      {
        std::unique_lock lock(mu);
        ++arrived;
        cv.notify_all();
        cv.wait(lock, [&] { return go; });
      }
      auto& server = t % 2 ? server_a : server_b;
      auto r = server.run(create(R"({"sku":"sku-1","qty":5})", "create-50"), alice, handler);
      if (r && r->replayed && r->response.body == R"({"id":"ord_50"})") ++replayed;
      else if (r && !r->replayed) ++ran_here;
      else if (!r && r.error() == errc::request_in_progress) {
        std::lock_guard lock(mu);
        ++in_progress;
        cv.notify_all();
      } else ++other;
    });
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return arrived == threads; });
    go = true;
    cv.notify_all();
  }
  for (auto& t : pool) t.join();
  WARN("50 threads on two instances: handler ran " << runs.load() << "x; " << ran_here.load()
                                                   << " got the fresh answer, " << replayed.load()
                                                   << " the stored answer, " << in_progress.load() << " got 409");
  CHECK(runs == 1);
  CHECK(ran_here == 1);
  CHECK(other == 0);
  CHECK(in_progress >= 20);
  CHECK(replayed + in_progress == threads - 1);
  for (auto* server : {&server_a, &server_b}) {
    auto later = server->run(create(R"({"sku":"sku-1","qty":5})", "create-50"), alice, handler);
    REQUIRE(later);
    CHECK(later->replayed);
  }
  CHECK(runs == 1);
}

TEST_CASE("a value tessera did not write is store_unavailable, not trusted", "[redis][idempotency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool = make_pool(srv.port, prefix);
  redis::idempotency_store store(*pool);
  REQUIRE(store.begin("k", fp_of(1), "o", now, 60s));
  REQUIRE(store.complete("k", "o", created("ok"), now, 60s).value());
  admin a(srv.port);
  auto keys = a.keys(prefix);
  REQUIRE(keys.size() == 1);
  const std::string fp1 = core::hex_encode(core::bytes_view(fp_of(1)));
  for (std::string bad : {std::string("garbage"), "D" + fp1 + "20X00:", "D" + fp1 + "2010:", "D" + fp1 + "201099:",
                          "D" + fp1 + "20101:5:ab", "D" + fp1 + "20110:body", "X" + fp1}) {
    a.run({"SET", keys[0], bad});
    auto r = store.begin("k", fp_of(1), "o", now, 60s);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::store_unavailable);
  }
  a.run({"DEL", keys[0]});
  a.run({"SADD", keys[0], "x"});  // another type: WRONGTYPE
  CHECK(store.begin("k", fp_of(1), "o", now, 60s).error() == errc::store_unavailable);
}

TEST_CASE("Redis gone: the driver fails closed and the handler does not run", "[redis][idempotency][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  auto pool = make_pool(srv.port(), unique_prefix());
  redis::idempotency_store store(*pool);
  http::idempotency<redis::idempotency_store> idem(store);
  int runs = 0;
  REQUIRE(idem.run(create("{}", "k1"), alice, [&] { ++runs; return created("ok"); }));
  srv.kill_hard();
  auto r = idem.run(create("{}", "k2"), alice, [&] { ++runs; return created("ok"); });
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::store_unavailable);
  CHECK(core::http_status(r.error()) == 503);
  CHECK(runs == 1);
  CHECK(store.complete("k", "o", created("x"), now, 60s).error() == errc::store_unavailable);
  CHECK(store.release("k", "o").error() == errc::store_unavailable);
}
