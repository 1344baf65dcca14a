// Tests for tessera/webhook/timestamp.hpp: strict timestamps and the freshness window.
#include "tessera/webhook/timestamp.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <string_view>

#include "support/catch.hpp"

using namespace tessera;
using namespace std::string_view_literals;
using std::chrono::seconds;

TEST_CASE("timestamps parse only as canonical non-negative integers", "[webhook][timestamp]") {
  CHECK(*webhook::parse_timestamp("0") == 0);
  CHECK(*webhook::parse_timestamp("1614265330") == 1614265330);
  CHECK(*webhook::parse_timestamp("9223372036854775807") == std::numeric_limits<std::int64_t>::max());
  for (std::string_view bad : {""sv, "-1"sv, "+1"sv, " 1"sv, "1 "sv, "1.0"sv, "1.5"sv, "1e9"sv, "01"sv, "00"sv,
                               "0x10"sv, "1_000"sv, "9223372036854775808"sv, "12345678901234567890"sv,
                               "\xd9\xa1"sv /* Arabic-Indic one */, "1\0"sv, "hello"sv, "NaN"sv}) {
    CAPTURE(bad);
    CHECK(webhook::parse_timestamp(bad).error() == errc::invalid_timestamp);
  }
}

TEST_CASE("the window accepts its edges and refuses one second beyond, in both directions", "[webhook][timestamp]") {
  const std::int64_t now = 1'700'000'000;
  const seconds tol{300};
  CHECK(webhook::check_timestamp(now, now, tol));
  CHECK(webhook::check_timestamp(now - 300, now, tol));
  CHECK(webhook::check_timestamp(now + 300, now, tol));
  CHECK(webhook::check_timestamp(now - 301, now, tol).error() == errc::stale_timestamp);
  CHECK(webhook::check_timestamp(now + 301, now, tol).error() == errc::future_timestamp);
  CHECK(webhook::check_timestamp(now + 1, now, seconds{0}).error() == errc::future_timestamp);
  CHECK(webhook::check_timestamp(now + 1, now, seconds{-5}).error() == errc::future_timestamp);
}

TEST_CASE("extreme timestamps never overflow the window arithmetic", "[webhook][timestamp]") {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  CHECK(webhook::check_timestamp(max, 0, seconds{300}).error() == errc::future_timestamp);
  CHECK(webhook::check_timestamp(0, max, seconds{300}).error() == errc::stale_timestamp);
  CHECK(webhook::check_timestamp(max, min, seconds::max()).error() == errc::future_timestamp);
  CHECK(webhook::check_timestamp(min, max, seconds::max()).error() == errc::stale_timestamp);
}

TEST_CASE("timestamps format as plain decimal", "[webhook][timestamp]") {
  CHECK(webhook::format_timestamp(1614265330).view() == "1614265330");
  CHECK(webhook::format_timestamp(0).view() == "0");
}
