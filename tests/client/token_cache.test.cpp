// Tests for tessera/client/token_cache.hpp: one token per tenant, renewal before expiry, backoff
// after failures, invalidation after a 401, and one fetch for many waiting threads.
#include "tessera/client/token_cache.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using namespace std::chrono_literals;

namespace {
constexpr std::int64_t t0 = 1'700'000'000;

std::chrono::system_clock::time_point at(std::int64_t unix_seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

// A scripted authorization server: counts calls per tenant and answers with the next outcome.
struct fake_server {
  explicit fake_server(core::manual_clock& c) : clock(c) {}
  core::manual_clock& clock;
  std::chrono::seconds lifetime{3600};
  errc fail_with = errc::none_;  // none_: succeed
  int calls = 0;
  std::vector<std::string> tenants;

  result<client::fetched_token> operator()(std::string_view tenant) {
    ++calls;
    tenants.emplace_back(tenant);
    if (fail_with != errc::none_) return unexpected{fail_with};
    const std::string text = "tok-" + std::string(tenant) + "-" + std::to_string(calls);
    return client::fetched_token{core::secret(core::bytes_view(text)), clock.now() + lifetime};
  }
};
using cache_t = client::token_cache<std::reference_wrapper<fake_server>, core::manual_clock&>;

client::cache_options options() {
  client::cache_options o;
  o.renew_before = 300s;
  o.min_remaining = 30s;
  o.backoff = 1000ms;
  o.max_backoff = 8000ms;
  return o;
}

// A cache over a fake server, on a manual clock set to t0 (the fixture of most cases below).
struct scene {
  core::manual_clock clock{t0};
  fake_server server{clock};
  cache_t cache{std::ref(server), options(), clock};
};
}  // namespace

static_assert(client::token_fetcher<fake_server>);
static_assert(client::token_fetcher<std::reference_wrapper<fake_server>>);
static_assert(!client::token_fetcher<int (*)(std::string_view)>);

TEST_CASE_METHOD(scene, "token_cache fetches once per tenant and shares the token", "[client][token_cache]") {
  auto a1 = cache.get("store-oslo");
  REQUIRE(a1);
  CHECK(a1->expose_secret_text() == "tok-store-oslo-1");
  CHECK(a1->expires_at() == at(t0 + 3600));
  auto a2 = cache.get("store-oslo");
  REQUIRE(a2);
  CHECK(a2->same_as(*a1));
  CHECK(server.calls == 1);

  auto b = cache.get("market-nor");
  REQUIRE(b);
  CHECK(b->expose_secret_text() == "tok-market-nor-2");
  CHECK_FALSE(b->same_as(*a1));
  CHECK(server.calls == 2);
  CHECK(server.tenants == std::vector<std::string>{"store-oslo", "market-nor"});
}

TEST_CASE_METHOD(scene, "token_cache renews inside the renewal window, not before", "[client][token_cache]") {
  auto first = cache.get("t").value();

  clock.set(t0 + 3600 - 301);  // 301 s left: still fresh
  CHECK(cache.get("t").value().same_as(first));
  CHECK(server.calls == 1);

  clock.set(t0 + 3600 - 300);  // 300 s left: renewed by this call
  auto renewed = cache.get("t").value();
  CHECK(server.calls == 2);
  CHECK_FALSE(renewed.same_as(first));
  CHECK(renewed.expires_at() == at(t0 + 3600 - 300 + 3600));
  CHECK(first.expose_secret_text() == "tok-t-1");  // a holder keeps its own token intact
}

TEST_CASE_METHOD(scene, "a failed renewal keeps the usable token and backs off", "[client][token_cache]") {
  auto first = cache.get("t").value();

  server.fail_with = errc::invalid_credentials;
  clock.set(t0 + 3600 - 200);
  auto r = cache.get("t");  // renewal fails; the current token still has 200 s
  REQUIRE(r);
  CHECK(r->same_as(first));
  CHECK(server.calls == 2);
  CHECK(cache.get("t").value().same_as(first));  // within the 1 s backoff: no new attempt
  CHECK(server.calls == 2);

  clock.advance(1s);
  CHECK(cache.get("t").value().same_as(first));  // backoff over: one more attempt, fails again
  CHECK(server.calls == 3);

  server.fail_with = errc::none_;
  clock.advance(2s);  // the second failure doubled the backoff to 2 s
  auto renewed = cache.get("t");
  REQUIRE(renewed);
  CHECK_FALSE(renewed->same_as(first));
  CHECK(server.calls == 4);
}

TEST_CASE("without a usable token, errors pass through and backoff doubles up to its cap", "[client][token_cache]") {
  core::manual_clock clock(t0);
  fake_server server(clock);
  server.fail_with = errc::invalid_credentials;
  cache_t cache(std::ref(server), options(), clock);

  CHECK(cache.get("t").error() == errc::invalid_credentials);
  CHECK(server.calls == 1);
  CHECK(cache.get("t").error() == errc::invalid_credentials);  // backing off: no fetch
  CHECK(server.calls == 1);
  // Delays 1, 2, 4, 8, 8 s: each attempt happens exactly when its backoff ends.
  int expected_calls = 1;
  for (std::int64_t delay : {1, 2, 4, 8, 8}) {
    clock.advance(std::chrono::seconds(delay) - 1ms);
    CHECK(cache.get("t").error() == errc::invalid_credentials);
    CHECK(server.calls == expected_calls);
    clock.advance(1ms);
    CHECK(cache.get("t").error() == errc::invalid_credentials);
    CHECK(server.calls == ++expected_calls);
  }
  // Another tenant has its own state.
  server.fail_with = errc::none_;
  CHECK(cache.get("other"));
}

TEST_CASE_METHOD(scene, "a token close to expiry is never handed out", "[client][token_cache]") {
  auto first = cache.get("t").value();

  server.fail_with = errc::store_unavailable;
  clock.set(t0 + 3600 - 30);  // exactly min_remaining left: unusable
  CHECK(cache.get("t").error() == errc::store_unavailable);
  clock.set(t0 + 3600 + 10);  // expired
  CHECK(cache.get("t").error() == errc::store_unavailable);
  (void)first;
}

TEST_CASE("a fetcher that throws or returns an unusable token gives token_unavailable", "[client][token_cache]") {
  core::manual_clock clock(t0);
  client::cache_options o = options();
  o.backoff = 0ms;  // every call tries again

  int mode = 0;
  auto fetch = [&](std::string_view) -> result<client::fetched_token> {
    switch (mode) {
      case 0: throw std::runtime_error("connection reset");
      case 1: return client::fetched_token{core::secret{}, clock.now() + 3600s};          // empty
      case 2: return client::fetched_token{core::secret(core::bytes_view("x")), clock.now() + 30s};  // too short
      case 3: return client::fetched_token{core::secret(core::bytes_view("x")), clock.now() - 1s};   // expired
      default: return client::fetched_token{core::secret(core::bytes_view("ok")), clock.now() + 31s};
    }
  };
  client::token_cache<decltype(fetch), core::manual_clock&> cache(fetch, o, clock);
  for (mode = 0; mode < 4; ++mode) {
    CAPTURE(mode);
    CHECK(cache.get("t").error() == errc::token_unavailable);
  }
  auto ok = cache.get("t");
  REQUIRE(ok);
  CHECK(ok->expose_secret_text() == "ok");
}

TEST_CASE_METHOD(scene, "invalidate drops the rejected token only", "[client][token_cache]") {
  auto first = cache.get("t").value();

  cache.invalidate("t", first);  // the partner answered 401
  auto second = cache.get("t").value();
  CHECK(server.calls == 2);
  CHECK_FALSE(second.same_as(first));

  cache.invalidate("t", first);      // a late 401 for the old token keeps the new one
  cache.invalidate("unknown", first);  // nothing to do
  CHECK(cache.get("t").value().same_as(second));
  CHECK(server.calls == 2);
}

TEST_CASE("many threads without a token wait for one fetch", "[client][token_cache][concurrency]") {
  core::manual_clock clock(t0);
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};
  auto fetch = [&](std::string_view) -> result<client::fetched_token> {
    ++calls;
    std::this_thread::sleep_for(20ms);  // a slow authorization server
    if (fail) return unexpected{errc::invalid_credentials};
    return client::fetched_token{core::secret(core::bytes_view("shared")), clock.now() + 3600s};
  };
  client::token_cache<decltype(fetch), core::manual_clock&> cache(fetch, options(), clock);

  auto run = [&](const char* tenant, std::vector<result<client::access_token>>& out) {
    std::vector<std::thread> threads;
    std::mutex m;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&] {
        auto r = cache.get(tenant);
        std::lock_guard g(m);
        out.push_back(std::move(r));
      });
    for (auto& t : threads) t.join();
  };

  std::vector<result<client::access_token>> got;
  run("a", got);
  CHECK(calls == 1);
  REQUIRE(got.size() == 8);
  for (auto& r : got) {
    REQUIRE(r);
    CHECK(r->same_as(*got.front()));
  }

  fail = true;
  std::vector<result<client::access_token>> failed;
  run("b", failed);
  CHECK(calls == 2);  // the waiters take the failure (and its backoff) instead of fetching again
  REQUIRE(failed.size() == 8);
  for (auto& r : failed) CHECK(r.error() == errc::invalid_credentials);
}

TEST_CASE("extreme renewal and backoff settings are bounded where they are configured", "[client][token_cache]") {
  core::manual_clock clock{t0};
  fake_server server{clock};
  client::cache_options o;
  o.renew_before = std::chrono::seconds::max();
  o.min_remaining = std::chrono::seconds::min();
  o.backoff = std::chrono::milliseconds::max();
  o.max_backoff = std::chrono::milliseconds::max();
  cache_t cache{std::ref(server), o, clock};
  CHECK(cache.options().renew_before == core::max_duration);
  CHECK(cache.options().min_remaining == 0s);
  CHECK(cache.options().backoff == std::chrono::duration_cast<std::chrono::milliseconds>(core::max_duration));
  // Comparisons against the token's remaining life run without overflow (UBSan checks this).
  CHECK(cache.get("tenant-a"));
  server.fail_with = errc::token_unavailable;
  clock.advance(1s);
  CHECK(cache.get("tenant-a"));  // renewal fails, the current token is still usable
}
