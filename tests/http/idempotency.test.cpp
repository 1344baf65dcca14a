// Tests for tessera/http/idempotency.hpp: replays, 422 on another request, 409 while in flight
// (50 threads retrying one create run the handler once), release on retryable failures, expiry
// on a manual clock, the memory store's bounds, keys read from a JSON body, malformed keys.
#include "tessera/http/idempotency.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "tessera/request_signing/request.hpp"

using namespace tessera;
using namespace std::chrono_literals;

namespace Catch {
template <>
struct StringMaker<tessera::errc> {
  static std::string convert(tessera::errc e) { return std::string(tessera::core::name(e)); }
};
}  // namespace Catch

static_assert(http::idempotency_store<http::memory_idempotency_store>);

namespace {
using request = request_signing::request;

const http::idempotency_scope alice{"org_1", "integration-17"};
const http::idempotency_scope bob{"org_2", "integration-17"};

request create(std::string body, std::string_view key = "key-1", std::string path = "/v2/orgs/org_1/orders") {
  request r("POST", std::move(path), {}, std::move(body));
  if (!key.empty()) r.set_header("Idempotency-Key", key);
  return r;
}

http::stored_response created(std::string body) {
  return http::stored_response{201, {{"Content-Type", "application/json"}, {"Set-Cookie", "s=1"}}, std::move(body)};
}

std::string header(const http::stored_response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers)
    if (core::iequals(n, name)) return v;
  return "<absent>";
}
}  // namespace

TEST_CASE("the first request runs the handler; a retry gets the stored answer", "[http][idempotency]") {
  http::memory_idempotency_store store;
  core::manual_clock clock(1'700'000'000);
  http::idempotency<http::memory_idempotency_store, core::manual_clock&> idem(store, {}, clock);
  int runs = 0;
  auto handler = [&] { ++runs; return created(R"({"id":"ord_1"})"); };

  auto first = idem.run(create(R"({"sku":"a"})"), alice, handler);
  REQUIRE(first);
  CHECK(runs == 1);
  CHECK_FALSE(first->replayed);
  CHECK(first->stored);
  CHECK(first->keyed);
  CHECK(first->response.status == 201);
  CHECK(header(first->response, "Set-Cookie") == "s=1");  // the first caller gets every header
  CHECK(header(first->response, "Idempotent-Replayed") == "<absent>");

  for (int i = 0; i < 3; ++i) {
    auto again = idem.run(create(R"({"sku":"a"})"), alice, handler);
    REQUIRE(again);
    CHECK(runs == 1);
    CHECK(again->replayed);
    CHECK_FALSE(again->stored);
    CHECK(again->response.status == 201);
    CHECK(again->response.body == R"({"id":"ord_1"})");
    CHECK(header(again->response, "Content-Type") == "application/json");
    CHECK(header(again->response, "Idempotent-Replayed") == "true");
    CHECK(header(again->response, "Set-Cookie") == "<absent>");  // not in stored_headers
  }

  // Another key, or the same key from another principal, is another request.
  REQUIRE(idem.run(create(R"({"sku":"a"})", "key-2"), alice, handler));
  CHECK(runs == 2);
  auto other = idem.run(create(R"({"sku":"a"})"), bob, handler);
  REQUIRE(other);
  CHECK_FALSE(other->replayed);
  CHECK(runs == 3);
  http::idempotency_scope alice_other_subject{"org_1", "integration-18"};
  REQUIRE(idem.run(create(R"({"sku":"a"})"), alice_other_subject, handler));
  CHECK(runs == 4);
}

TEST_CASE("the same key on another request is idempotency_key_reused (422)", "[http][idempotency]") {
  http::memory_idempotency_store store;
  http::idempotency<http::memory_idempotency_store> idem(store);
  int runs = 0;
  auto handler = [&] { ++runs; return created("{}"); };
  REQUIRE(idem.run(create(R"({"qty":1})"), alice, handler));

  auto other_body = idem.run(create(R"({"qty":2})"), alice, handler);
  REQUIRE_FALSE(other_body);
  CHECK(other_body.error() == errc::idempotency_key_reused);
  CHECK(core::http_status(other_body.error()) == 422);

  auto other_path = idem.run(create(R"({"qty":1})", "key-1", "/v2/orgs/org_1/refunds"), alice, handler);
  REQUIRE_FALSE(other_path);
  CHECK(other_path.error() == errc::idempotency_key_reused);

  request put("PUT", "/v2/orgs/org_1/orders", {}, R"({"qty":1})");
  put.set_header("Idempotency-Key", "key-1");
  auto other_method = idem.run(put, alice, handler);
  REQUIRE_FALSE(other_method);
  CHECK(other_method.error() == errc::idempotency_key_reused);

  request with_query("POST", "/v2/orgs/org_1/orders", "dry_run=1", R"({"qty":1})");
  with_query.set_header("Idempotency-Key", "key-1");
  CHECK(idem.run(with_query, alice, handler).error() == errc::idempotency_key_reused);
  CHECK(runs == 1);

  // The fingerprint is SHA-256 over length-prefixed parts: moving a byte between parts changes it.
  CHECK(http::fingerprint_of(request("POST", "/a", "", "b")).value() !=
        http::fingerprint_of(request("POST", "/ab", "", "")).value());
  CHECK(http::fingerprint_of(request("POST", "/a", "", "b")).value() ==
        http::fingerprint_of(request("POST", "/a", "", "b")).value());
}

TEST_CASE("a retry while the first is in flight is request_in_progress (409); another body is 422",
          "[http][idempotency]") {
  http::memory_idempotency_store store;
  http::idempotency<http::memory_idempotency_store> idem(store);
  int runs = 0;
  result<http::idempotent_response> during = unexpected{errc::internal_error};
  result<http::idempotent_response> during_other = unexpected{errc::internal_error};
  auto first = idem.run(create("{}"), alice, [&] {
    ++runs;
    during = idem.run(create("{}"), alice, [&] { ++runs; return created("nested"); });
    during_other = idem.run(create(R"({"x":1})"), alice, [&] { ++runs; return created("nested"); });
    return created("first");
  });
  REQUIRE(first);
  CHECK(runs == 1);
  REQUIRE_FALSE(during);
  CHECK(during.error() == errc::request_in_progress);
  CHECK(core::http_status(during.error()) == 409);
  REQUIRE_FALSE(during_other);
  CHECK(during_other.error() == errc::idempotency_key_reused);
}

TEST_CASE("50 simultaneous retries of one create run the handler exactly once", "[http][idempotency][concurrency]") {
  http::memory_idempotency_store store;
  http::idempotency<http::memory_idempotency_store> idem(store);
  constexpr int threads = 50;
  std::atomic<int> runs{0}, replayed{0}, in_progress{0}, other{0}, ran_here{0};
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  bool go = false;
  // The handler holds the key until at least 20 others were told 409 (or 10 s pass: no hang),
  // so both answers a retry can get while and after the first runs are exercised.
  auto handler = [&] {
    ++runs;
    std::unique_lock lock(mu);
    cv.wait_for(lock, 10s, [&] { return in_progress.load() >= 20; });
    return created(R"({"id":"ord_50"})");
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      {
        std::unique_lock lock(mu);
        ++arrived;
        cv.notify_all();
        cv.wait(lock, [&] { return go; });
      }
      auto r = idem.run(create(R"({"sku":"sku-1","qty":5})", "create-50"), alice, handler);
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
  WARN("50 threads: handler ran " << runs.load() << "x; " << ran_here.load() << " got the fresh answer, "
                                  << replayed.load() << " the stored answer, " << in_progress.load() << " got 409");
  CHECK(runs == 1);
  CHECK(ran_here == 1);
  CHECK(other == 0);
  CHECK(in_progress >= 20);
  CHECK(replayed + in_progress == threads - 1);
  // Afterwards every retry is a replay.
  auto later = idem.run(create(R"({"sku":"sku-1","qty":5})", "create-50"), alice, handler);
  REQUIRE(later);
  CHECK(later->replayed);
  CHECK(runs == 1);
}

TEST_CASE("a failure that allows a retry releases the key", "[http][idempotency]") {
  http::memory_idempotency_store store;
  http::idempotency<http::memory_idempotency_store> idem(store);
  int runs = 0;

  SECTION("a 5xx answer is returned, not stored; the retry runs again") {
    auto r = idem.run(create("{}"), alice, [&] { ++runs; return http::stored_response{503, {}, "busy"}; });
    REQUIRE(r);
    CHECK(r->response.status == 503);
    CHECK_FALSE(r->stored);
    auto again = idem.run(create("{}"), alice, [&] { ++runs; return created("ok"); });
    REQUIRE(again);
    CHECK_FALSE(again->replayed);
    CHECK(again->stored);
    CHECK(runs == 2);
  }
  SECTION("a 429 too; a 4xx such as 400 is stored and replayed") {
    REQUIRE(idem.run(create("{}"), alice, [&] { ++runs; return http::stored_response{429, {}, ""}; }));
    auto bad = idem.run(create("{}"), alice, [&] { ++runs; return http::stored_response{400, {}, "bad"}; });
    REQUIRE(bad);
    CHECK(bad->stored);
    auto again = idem.run(create("{}"), alice, [&] { ++runs; return created("ok"); });
    REQUIRE(again);
    CHECK(again->replayed);
    CHECK(again->response.status == 400);
    CHECK(runs == 2);
  }
  SECTION("a thrown exception releases the key and propagates") {
    CHECK_THROWS_AS(idem.run(create("{}"), alice, [&]() -> http::stored_response {
      ++runs;
      throw std::runtime_error("db down");
    }), std::runtime_error);
    auto again = idem.run(create("{}"), alice, [&] { ++runs; return created("ok"); });
    REQUIRE(again);
    CHECK_FALSE(again->replayed);
    CHECK(runs == 2);
    CHECK(store.size() == 1);
  }
  SECTION("an error result releases the key and is returned") {
    auto r = idem.run(create("{}"), alice, [&]() -> result<http::stored_response> {
      ++runs;
      return unexpected{errc::store_unavailable};
    });
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::store_unavailable);
    REQUIRE(idem.run(create("{}"), alice, [&] { ++runs; return created("ok"); }));
    CHECK(runs == 2);
  }
  SECTION("release_on is configurable") {
    http::idempotency_options o;
    o.release_on = [](int status) { return status != 201; };
    http::idempotency<http::memory_idempotency_store> strict(store, o);
    REQUIRE(strict.run(create("{}"), alice, [&] { ++runs; return http::stored_response{409, {}, ""}; }));
    REQUIRE(strict.run(create("{}"), alice, [&] { ++runs; return created("ok"); }));
    auto r = strict.run(create("{}"), alice, [&] { ++runs; return created("ok"); });
    REQUIRE(r);
    CHECK(r->replayed);
    CHECK(runs == 2);
  }
}

TEST_CASE("keys expire: answers after ttl, in-flight marks after in_flight_ttl", "[http][idempotency]") {
  http::memory_idempotency_store store;
  core::manual_clock clock(1'700'000'000);
  http::idempotency_options o;
  o.ttl = 1h;
  o.in_flight_ttl = 30s;
  http::idempotency<http::memory_idempotency_store, core::manual_clock&> idem(store, o, clock);
  int runs = 0;
  auto handler = [&] { ++runs; return created("ok"); };

  REQUIRE(idem.run(create("{}"), alice, handler));
  clock.advance(59min);
  CHECK(idem.run(create("{}"), alice, handler)->replayed);
  // Another body is refused while the key lives...
  CHECK(idem.run(create(R"({"x":1})"), alice, handler).error() == errc::idempotency_key_reused);
  clock.advance(1min);
  // ... and the key is free again once it expired.
  auto fresh = idem.run(create(R"({"x":1})"), alice, handler);
  REQUIRE(fresh);
  CHECK_FALSE(fresh->replayed);
  CHECK(runs == 2);

  // A handler outliving in_flight_ttl loses its key: a retry runs, and the late answer is not stored.
  result<http::idempotent_response> retry = unexpected{errc::internal_error};
  auto slow = idem.run(create("{}", "slow"), alice, [&] {
    ++runs;
    CHECK(idem.run(create("{}", "slow"), alice, handler).error() == errc::request_in_progress);
    clock.advance(31s);
    retry = idem.run(create("{}", "slow"), alice, handler);
    return created("late");
  });
  REQUIRE(slow);
  CHECK_FALSE(slow->stored);
  REQUIRE(retry);
  CHECK(retry->stored);
  CHECK(runs == 4);
  auto replay = idem.run(create("{}", "slow"), alice, handler);
  REQUIRE(replay);
  CHECK(replay->replayed);
  CHECK(replay->response.body == "ok");
}

TEST_CASE("memory store bounds: entries refused when full, bodies dropped beyond the byte budget",
          "[http][idempotency][bounds]") {
  core::manual_clock clock(1'700'000'000);
  http::idempotency_options o;
  o.ttl = 10min;

  SECTION("max_entries: a full store refuses new keys (503), never forgets a live one") {
    http::memory_idempotency_store store({.max_entries = 3, .max_stored_bytes = 1 << 20});
    http::idempotency<http::memory_idempotency_store, core::manual_clock&> idem(store, o, clock);
    int runs = 0;
    auto handler = [&] { ++runs; return created("ok"); };
    for (int i = 0; i < 3; ++i) REQUIRE(idem.run(create("{}", "k" + std::to_string(i)), alice, handler));
    auto full = idem.run(create("{}", "k3"), alice, handler);
    REQUIRE_FALSE(full);
    CHECK(full.error() == errc::store_unavailable);
    CHECK(core::http_status(full.error()) == 503);
    CHECK(runs == 3);
    CHECK(store.size() == 3);
    // Live keys still replay.
    CHECK(idem.run(create("{}", "k0"), alice, handler)->replayed);
    // Requests without a key are not affected.
    REQUIRE(idem.run(create("{}", ""), alice, handler));
    CHECK(runs == 4);
    // Once the entries expire, room is made.
    clock.advance(10min);
    REQUIRE(idem.run(create("{}", "k3"), alice, handler));
    CHECK(runs == 5);
    CHECK(store.size() == 1);
  }
  SECTION("max_stored_bytes: the entry is kept, its body dropped") {
    http::memory_idempotency_store store({.max_entries = 100, .max_stored_bytes = 1000});
    http::idempotency<http::memory_idempotency_store, core::manual_clock&> idem(store, o, clock);
    int runs = 0;
    const std::string big(900, 'b');
    REQUIRE(idem.run(create("{}", "a"), alice, [&] { ++runs; return created(big); })->stored);
    CHECK(store.stored_bytes() == 900 + 12 + 16);  // body + Content-Type header
    REQUIRE(idem.run(create("{}", "b"), alice, [&] { ++runs; return created(big); })->stored);
    auto a = idem.run(create("{}", "a"), alice, [&] { ++runs; return created(big); });
    auto b = idem.run(create("{}", "b"), alice, [&] { ++runs; return created(big); });
    REQUIRE(a);
    REQUIRE(b);
    CHECK(runs == 2);
    CHECK(a->response.body == big);
    CHECK_FALSE(a->response.body_omitted);
    CHECK(b->replayed);
    CHECK(b->response.status == 201);
    CHECK(b->response.body.empty());
    CHECK(b->response.body_omitted);
    CHECK(header(b->response, "Content-Type") == "application/json");
    CHECK(store.stored_bytes() <= 1000);
    // Once they expire, their bytes are reclaimed for the next answer that needs them.
    clock.advance(10min);
    REQUIRE(idem.run(create("{}", "c"), alice, [&] { ++runs; return created(big); })->stored);
    auto c = idem.run(create("{}", "c"), alice, [&] { ++runs; return created(big); });
    REQUIRE(c);
    CHECK(c->replayed);
    CHECK(c->response.body == big);
    CHECK(store.size() == 1);
    CHECK(store.stored_bytes() == 900 + 28);
  }
  SECTION("max_response_bytes and keep_body: the body is not stored") {
    http::memory_idempotency_store store;
    o.max_response_bytes = 100;
    http::idempotency<http::memory_idempotency_store, core::manual_clock&> idem(store, o, clock);
    REQUIRE(idem.run(create("{}", "big"), alice, [] { return created(std::string(200, 'x')); }));
    auto big = idem.run(create("{}", "big"), alice, [] { return created("never"); });
    REQUIRE(big);
    CHECK(big->replayed);
    CHECK(big->response.body_omitted);
    CHECK(big->response.body.empty());

    // An answer carrying a secret shown once (a new API key) is never stored.
    auto secret = idem.run(create("{}", "new-key"), alice, [] {
      auto r = created(R"({"api_key":"ak_test_SECRET"})");
      r.keep_body = false;
      return r;
    });
    REQUIRE(secret);
    CHECK(secret->response.body == R"({"api_key":"ak_test_SECRET"})");  // the first caller sees it
    auto replay = idem.run(create("{}", "new-key"), alice, [] { return created("never"); });
    REQUIRE(replay);
    CHECK(replay->replayed);
    CHECK(replay->response.status == 201);
    CHECK(replay->response.body.empty());
    CHECK(replay->response.body_omitted);
  }
}

TEST_CASE("keys from a JSON body field", "[http][idempotency][body]") {
  http::memory_idempotency_store store;
  http::idempotency_options o;
  o.body_field = "external_reference";
  http::idempotency<http::memory_idempotency_store> idem(store, o);
  int runs = 0;
  auto handler = [&] { ++runs; return created("ok"); };
  auto post = [](std::string body) { return request("POST", "/v2/orgs/org_1/deliveries", {}, std::move(body)); };

  REQUIRE(idem.run(post(R"({"external_reference":"PO-1","qty":1})"), alice, handler));
  CHECK(idem.run(post(R"({"external_reference":"PO-1","qty":1})"), alice, handler)->replayed);
  CHECK(idem.run(post(R"({"external_reference":"PO-1","qty":2})"), alice, handler).error() ==
        errc::idempotency_key_reused);
  CHECK(runs == 1);
  // Escapes are decoded: the same key written differently is the same key (the body differs: 422).
  CHECK(idem.run(post(R"({"external_reference":"PO\u002d1","qty":1})"), alice, handler).error() ==
        errc::idempotency_key_reused);
  // No field: not keyed; the handler runs every time.
  auto unkeyed = idem.run(post(R"({"qty":1})"), alice, handler);
  REQUIRE(unkeyed);
  CHECK_FALSE(unkeyed->keyed);
  REQUIRE(idem.run(post(R"({"qty":1})"), alice, handler));
  REQUIRE(idem.run(post(""), alice, handler));
  CHECK(runs == 4);
  // A nested member of that name is not the key.
  CHECK_FALSE(idem.key_of(post(R"({"order":{"external_reference":"PO-9"}})")).value().has_value());

  // Refused: given twice, not a string, not a valid key, a body that is not a JSON object, too
  // large or too deep.
  CHECK(idem.key_of(post(R"({"external_reference":"a","external_reference":"b"})")).error() ==
        errc::invalid_idempotency_key);
  CHECK(idem.key_of(post(R"({"external_reference":17})")).error() == errc::invalid_idempotency_key);
  CHECK(idem.key_of(post(R"({"external_reference":null})")).error() == errc::invalid_idempotency_key);
  CHECK(idem.key_of(post(R"({"external_reference":""})")).error() == errc::invalid_idempotency_key);
  CHECK(idem.key_of(post(R"({"external_reference":"PO 1"})")).error() == errc::invalid_idempotency_key);
  CHECK(idem.key_of(post(R"({"external_reference":")" + std::string(256, 'k') + "\"}")).error() ==
        errc::invalid_idempotency_key);
  CHECK(idem.key_of(post(R"({"external_reference":")" + std::string(255, 'k') + "\"}")).value() ==
        std::string(255, 'k'));
  CHECK(idem.key_of(post(R"(["external_reference"])")).error() == errc::malformed_request);
  CHECK(idem.key_of(post(R"({"external_reference":"PO-1")")).error() == errc::malformed_request);
  CHECK(idem.key_of(post("not json")).error() == errc::malformed_request);
  std::string deep = R"({"external_reference":"PO-1","x":)";
  for (int i = 0; i < 40; ++i) deep += "[";
  for (int i = 0; i < 40; ++i) deep += "]";
  deep += "}";
  CHECK(idem.key_of(post(deep)).error() == errc::malformed_request);
  const std::string large = R"({"external_reference":"PO-1","pad":")" + std::string(1u << 20, 'p') + "\"}";
  CHECK(idem.key_of(post(large)).error() == errc::input_too_large);
  // A large body within the bound is read with a parser of its own.
  http::idempotency_options roomy = o;
  roomy.max_body_for_key = 4u << 20;
  http::idempotency<http::memory_idempotency_store> roomy_idem(store, roomy);
  CHECK(roomy_idem.key_of(post(large)).value() == "PO-1");

  // Header and body together must agree.
  auto both = post(R"({"external_reference":"PO-1","qty":1})");
  both.set_header("Idempotency-Key", "PO-1");
  CHECK(idem.key_of(both).value() == "PO-1");
  both.set_header("Idempotency-Key", "PO-2");
  CHECK(idem.key_of(both).error() == errc::invalid_idempotency_key);
  auto header_only = post(R"({"qty":1})");
  header_only.set_header("Idempotency-Key", "PO-3");
  CHECK(idem.key_of(header_only).value() == "PO-3");

  SECTION("required: a request without a key is refused before the handler runs") {
    http::idempotency_options req = o;
    req.required = true;
    http::idempotency<http::memory_idempotency_store> strict(store, req);
    CHECK(strict.run(post(R"({"qty":1})"), alice, handler).error() == errc::missing_field);
    req.body_field.clear();
    http::idempotency<http::memory_idempotency_store> strict_header(store, req);
    CHECK(strict_header.run(post(R"({"qty":1})"), alice, handler).error() == errc::missing_header);
    CHECK(runs == 4);
  }
}

TEST_CASE("malformed Idempotency-Key headers are invalid_idempotency_key (400)", "[http][idempotency][keys]") {
  http::memory_idempotency_store store;
  http::idempotency<http::memory_idempotency_store> idem(store);
  int runs = 0;
  auto handler = [&] { ++runs; return created("ok"); };
  const std::vector<std::string> bad = {
      "",                       // empty
      std::string(256, 'k'),    // too long
      "two words",              // space
      "tab\there",              // control character
      "caf\xc3\xa9",            // not ASCII
      "line\r\nX-Injected: 1",  // CR LF
      "\"\"",                   // an empty quoted string
      "\"a\"b\"",               // a quote inside a quoted string
      "\"a\\b\"",               // an escape inside a quoted string
      std::string("nul\0byte", 8),
  };
  for (const auto& k : bad) {
    auto r = idem.run(create("{}", "x").set_header("Idempotency-Key", k), alice, handler);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::invalid_idempotency_key);
    CHECK(core::http_status(r.error()) == 400);
  }
  CHECK(runs == 0);
  // Good keys: 1 and 255 visible characters, a UUID, and the draft's quoted form (the same key).
  CHECK(idem.key_of(create("{}", "a")).value() == "a");
  CHECK(idem.key_of(create("{}", std::string(255, '~'))).value() == std::string(255, '~'));
  REQUIRE(idem.run(create("{}", "8e03978e-40d5-43e8-bc93-6894a57f9324"), alice, handler));
  auto quoted = idem.run(create("{}", "\"8e03978e-40d5-43e8-bc93-6894a57f9324\""), alice, handler);
  REQUIRE(quoted);
  CHECK(quoted->replayed);
  CHECK(runs == 1);
  // The header name is configurable and matched case-insensitively.
  http::idempotency_options o;
  o.header = "X-Request-Key";
  http::idempotency<http::memory_idempotency_store> custom(store, o);
  auto r = create("{}", "");
  r.set_header("x-request-key", "abc");
  CHECK(custom.key_of(r).value() == "abc");
  CHECK_FALSE(custom.key_of(create("{}", "abc")).value().has_value());
}

TEST_CASE("the store holds digests, not keys or principals", "[http][idempotency]") {
  // The store sees base64url(SHA-256(...)) keys of 43 characters and random owners.
  struct spy {
    http::memory_idempotency_store inner;
    std::vector<std::string> keys, owners;
    result<http::begin_result> begin(std::string_view k, const http::request_fingerprint& fp, std::string_view o,
                                     std::chrono::system_clock::time_point now, std::chrono::milliseconds ttl) noexcept {
      try {
        keys.emplace_back(k);
        owners.emplace_back(o);
      } catch (...) {
      }
      return inner.begin(k, fp, o, now, ttl);
    }
    result<bool> complete(std::string_view k, std::string_view o, const http::stored_response& a,
                          std::chrono::system_clock::time_point now, std::chrono::milliseconds ttl) noexcept {
      return inner.complete(k, o, a, now, ttl);
    }
    result<void> release(std::string_view k, std::string_view o) noexcept { return inner.release(k, o); }
  };
  static_assert(http::idempotency_store<spy>);
  spy store;
  http::idempotency<spy> idem(store);
  REQUIRE(idem.run(create("{}", "secret-looking-key"), alice, [] { return created("ok"); }));
  REQUIRE(idem.run(create("{}", "secret-looking-key"), alice, [] { return created("ok"); }));
  REQUIRE(store.keys.size() == 2);
  CHECK(store.keys[0] == store.keys[1]);
  CHECK(store.keys[0].size() == 43);
  CHECK(store.keys[0].find("secret") == std::string::npos);
  CHECK(store.keys[0].find("org_1") == std::string::npos);
  CHECK(store.owners[0].size() == 32);
  CHECK(store.owners[0] != store.owners[1]);
}
