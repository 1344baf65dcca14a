// Tests for tessera/core/clock.hpp: the clock concept, system_clock, coarse_clock and manual_clock.
#include "tessera/core/clock.hpp"

#include <chrono>
#include <thread>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using namespace std::chrono_literals;

namespace {
struct throwing_clock {  // now() is not noexcept
  std::chrono::system_clock::time_point now() const { return {}; }
};
struct wrong_type_clock {  // returns a steady_clock time point
  std::chrono::steady_clock::time_point now() const noexcept { return {}; }
};
}  // namespace

static_assert(core::clock<core::system_clock>);
static_assert(core::clock<core::manual_clock>);
static_assert(!core::clock<throwing_clock>);
static_assert(!core::clock<wrong_type_clock>);
static_assert(!core::clock<int>);

TEST_CASE("manual_clock stands still until set or advanced", "[core][clock]") {
  core::manual_clock c;
  CHECK(core::unix_seconds(c) == 0);
  CHECK(c.now() == std::chrono::system_clock::time_point{});

  core::manual_clock start(1'700'000'000);
  CHECK(core::unix_seconds(start) == 1'700'000'000);
  CHECK(core::unix_seconds(start) == 1'700'000'000);  // does not move by itself

  start.set(1'800'000'000);
  CHECK(core::unix_seconds(start) == 1'800'000'000);
  start.advance(90s);
  CHECK(core::unix_seconds(start) == 1'800'000'090);
  start.advance(-30s);
  CHECK(core::unix_seconds(start) == 1'800'000'060);
  start.advance(500ms);
  CHECK(core::unix_seconds(start) == 1'800'000'060);  // whole seconds only
  start.advance(500ms);
  CHECK(core::unix_seconds(start) == 1'800'000'061);
  CHECK(start.now().time_since_epoch() == std::chrono::seconds(1'800'000'061));
}

TEST_CASE("unix_seconds rounds toward negative infinity", "[core][clock]") {
  using tp = std::chrono::system_clock::time_point;
  CHECK(core::unix_seconds(tp{}) == 0);
  CHECK(core::unix_seconds(tp{std::chrono::duration_cast<tp::duration>(999ms)}) == 0);
  CHECK(core::unix_seconds(tp{std::chrono::duration_cast<tp::duration>(-1ms)}) == -1);
  CHECK(core::unix_seconds(tp{std::chrono::duration_cast<tp::duration>(-1000ms)}) == -1);
  CHECK(core::unix_seconds(tp{std::chrono::duration_cast<tp::duration>(-1001ms)}) == -2);
  core::manual_clock before_epoch(-5);
  CHECK(core::unix_seconds(before_epoch) == -5);
}

TEST_CASE("system_clock follows the wall clock", "[core][clock]") {
  core::system_clock c;
  const auto a = std::chrono::system_clock::now();
  const auto t = c.now();
  const auto b = std::chrono::system_clock::now();
  CHECK(t >= a);
  CHECK(t <= b);
  CHECK(core::unix_seconds(c) > 1'600'000'000);  // after September 2020
}

TEST_CASE("manual_clock can be advanced from many threads", "[core][clock][concurrency]") {
  core::manual_clock c(1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        c.advance(1s);
        (void)c.now();
      }
    });
  for (auto& t : threads) t.join();
  CHECK(core::unix_seconds(c) == 1000 + 4 * 1000);
}

TEST_CASE("the coarse clock tells the same second as the system clock", "[core][clock]") {
  const core::coarse_clock coarse;
  for (int i = 0; i < 100; ++i) {
    const auto before = std::chrono::system_clock::now();
    const auto t = coarse.now();
    const auto after = std::chrono::system_clock::now();
    CHECK(t <= after);
    CHECK(before - t < 1s);  // a scheduler tick or so behind at most
  }
  static_assert(core::clock<core::coarse_clock>);
}

TEST_CASE("clamp_duration bounds a duration between 0 and max_duration, ten years", "[core][clock]") {
  using std::chrono::seconds;
  static_assert(core::max_duration == seconds(315'569'520));
  static_assert(core::clamp_duration(seconds(42)) == seconds(42));
  static_assert(core::clamp_duration(seconds(-1)) == seconds(0));
  static_assert(core::clamp_duration(seconds::min()) == seconds(0));
  static_assert(core::clamp_duration(seconds::max()) == core::max_duration);
  static_assert(core::clamp_duration(core::max_duration) == core::max_duration);
  // Ten years from any instant a clock gives in practice is still a representable time point.
  CHECK(core::unix_seconds(core::system_clock{}.now() + core::max_duration) > 0);
}
