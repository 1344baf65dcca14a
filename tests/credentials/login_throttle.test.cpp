// Tests for tessera/credentials/login_throttle.hpp: lock-out after a run of failures, its end,
// forgetting a quiet run, and bounded memory under a flood of ids.
#include "tessera/credentials/login_throttle.hpp"

#include <chrono>
#include <string>

#include "support/catch.hpp"

using namespace tessera;
using namespace std::chrono_literals;

namespace {
const std::chrono::system_clock::time_point t0{std::chrono::seconds(1'700'000'000)};
}  // namespace

TEST_CASE("max_failures in a row lock an id out for the lock-out time", "[credentials][throttle]") {
  credentials::memory_login_throttle t({.max_failures = 3, .lockout = 60s, .forget_after = 15min, .capacity = 1000});
  for (int i = 0; i < 2; ++i) {
    CHECK(t.admit("acme", t0));
    t.failed("acme", t0);
  }
  CHECK(t.admit("acme", t0));
  t.failed("acme", t0 + 1s);
  CHECK(t.admit("acme", t0 + 1s).error() == errc::too_many_failed_logins);
  CHECK(t.admit("acme", t0 + 60s).error() == errc::too_many_failed_logins);
  CHECK(t.admit("acme", t0 + 61s));  // the lock-out has passed
  CHECK(t.admit("beta", t0 + 1s));   // ids are counted apart
  CHECK(t.retry_after_seconds() == 60);
}

TEST_CASE("a success or a quiet spell ends a run of failures", "[credentials][throttle]") {
  credentials::memory_login_throttle t({.max_failures = 2, .lockout = 60s, .forget_after = 10min, .capacity = 1000});
  t.failed("acme", t0);
  t.succeeded("acme");
  t.failed("acme", t0 + 1s);
  CHECK(t.admit("acme", t0 + 1s));  // one failure since the success
  t.failed("beta", t0);
  t.failed("beta", t0 + 11min);  // the first is forgotten
  CHECK(t.admit("beta", t0 + 11min));
}

TEST_CASE("a flood of made-up ids keeps memory bounded and never frees a locked id", "[credentials][throttle]") {
  credentials::memory_login_throttle t({.max_failures = 1, .lockout = 60s, .forget_after = 15min, .capacity = 1600});
  t.failed("victim", t0);
  REQUIRE(t.admit("victim", t0).error() == errc::too_many_failed_logins);
  credentials::memory_login_throttle loose({.max_failures = 5, .lockout = 60s, .forget_after = 15min, .capacity = 1600});
  for (int i = 0; i < 50'000; ++i) {
    t.failed("made-up-" + std::to_string(i), t0 + 1s);  // each locks its own made-up id
    loose.failed("made-up-" + std::to_string(i), t0 + 1s);
  }
  CHECK(t.admit("victim", t0 + 2s).error() == errc::too_many_failed_logins);
  CHECK(loose.size() <= 1600 + 16);  // runs that are not locked out are dropped when a shard is full
}
