// Tests for tessera/request_signing/timestamp.hpp: strict parsing of both formats, formatting,
// and the acceptance window.
#include "tessera/request_signing/timestamp.hpp"

#include <chrono>
#include <string_view>

#include "support/catch.hpp"

using namespace tessera;
using namespace tessera::request_signing;
using namespace std::string_view_literals;
using std::chrono::seconds;
using time_point = std::chrono::system_clock::time_point;

namespace {
constexpr std::int64_t t0 = 1715929970;  // 2024-05-17T07:12:50Z
time_point at(std::int64_t s) { return time_point(seconds(s)); }
}  // namespace

TEST_CASE("ISO-8601 timestamps with an offset parse to the right instant", "[request_signing][timestamp]") {
  CHECK(*parse_timestamp("2024-05-17T14:12:50+07:00", timestamp_format::iso8601) == at(t0));
  CHECK(*parse_timestamp("2024-05-17T07:12:50Z", timestamp_format::iso8601) == at(t0));
  CHECK(*parse_timestamp("2024-05-17T07:12:50+00:00", timestamp_format::iso8601) == at(t0));
  CHECK(*parse_timestamp("2024-05-17T07:12:50-00:00", timestamp_format::iso8601) == at(t0));
  CHECK(*parse_timestamp("2024-05-17T02:12:50-05:00", timestamp_format::iso8601) == at(t0));
  CHECK(*parse_timestamp("2024-05-17T12:42:50+05:30", timestamp_format::iso8601) == at(t0));
  CHECK(*parse_timestamp("2024-05-16T23:59:59-23:59", timestamp_format::iso8601) ==
        at(1715903999 + 23 * 3600 + 59 * 60));
  // The offset crosses the day, month and year boundaries.
  CHECK(*parse_timestamp("2025-01-01T06:00:00+07:00", timestamp_format::iso8601) ==
        *parse_timestamp("2024-12-31T23:00:00Z", timestamp_format::iso8601));
  CHECK(*parse_timestamp("2024-02-29T00:00:00Z", timestamp_format::iso8601) == at(1709164800));  // leap day
  CHECK(*parse_timestamp("1970-01-01T00:00:00Z", timestamp_format::iso8601) == at(0));
}

TEST_CASE("ISO-8601 with milliseconds needs exactly three fraction digits", "[request_signing][timestamp]") {
  auto t = parse_timestamp("2024-05-17T14:12:50.123+07:00", timestamp_format::iso8601_millis);
  REQUIRE(t);
  CHECK(*t == at(t0) + std::chrono::milliseconds(123));
  CHECK(*parse_timestamp("2024-05-17T07:12:50.000Z", timestamp_format::iso8601_millis) == at(t0));
  for (auto bad : {"2024-05-17T14:12:50+07:00"sv, "2024-05-17T14:12:50.12+07:00"sv, "2024-05-17T14:12:50.1234+07:00"sv,
                   "2024-05-17T14:12:50,123+07:00"sv, "2024-05-17T14:12:50.12a+07:00"sv, "2024-05-17T14:12:50.+07:00"sv}) {
    CAPTURE(bad);
    auto r = parse_timestamp(bad, timestamp_format::iso8601_millis);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::invalid_timestamp);
  }
}

TEST_CASE("ISO-8601 parsing refuses everything outside the grammar", "[request_signing][timestamp]") {
  for (auto bad : {
           // fractional seconds, where the format forbids them
           "2024-05-17T14:12:50.123+07:00"sv, "2024-05-17T14:12:50.5Z"sv,
           // malformed offsets
           "2024-05-17T14:12:50+0700"sv, "2024-05-17T14:12:50+07"sv, "2024-05-17T14:12:50+7:00"sv,
           "2024-05-17T14:12:50+07:0"sv, "2024-05-17T14:12:50+24:00"sv, "2024-05-17T14:12:50+07:60"sv,
           "2024-05-17T14:12:50 07:00"sv, "2024-05-17T14:12:50*07:00"sv, "2024-05-17T14:12:50+07-00"sv,
           "2024-05-17T14:12:50"sv, "2024-05-17T14:12:50z"sv, "2024-05-17T14:12:50UTC"sv, "2024-05-17T14:12:50+07:00Z"sv,
           // whitespace anywhere
           "2024-05-17T14:12:50+07:00 "sv, " 2024-05-17T14:12:50+07:00"sv, "2024-05-17 14:12:50+07:00"sv,
           "2024-05-17T14:12:50 +07:00"sv, "2024-05-17T14:12:50+07:00\n"sv,
           // shape and calendar
           "2024-05-17t14:12:50+07:00"sv, "2024/05/17T14:12:50+07:00"sv, "24-05-17T14:12:50+07:00"sv,
           "2024-5-17T14:12:50+07:00"sv, "2024-05-17T14:12+07:00"sv, "2024-13-01T00:00:00Z"sv, "2024-00-10T00:00:00Z"sv,
           "2023-02-29T00:00:00Z"sv, "2024-04-31T00:00:00Z"sv, "2024-05-00T00:00:00Z"sv, "2024-05-17T24:00:00Z"sv,
           "2024-05-17T23:60:00Z"sv, "2024-05-17T23:59:60Z"sv, "0000-01-01T00:00:00Z"sv, "+2024-05-17T14:12:50Z"sv,
           "1969-12-31T23:59:59Z"sv, "2300-01-01T00:00:00Z"sv, "1715929970"sv, ""sv, "２024-05-17T14:12:50+07:00"sv}) {
    CAPTURE(bad);
    auto r = parse_timestamp(bad, timestamp_format::iso8601);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::invalid_timestamp);
  }
}

TEST_CASE("unix seconds are plain decimal digits", "[request_signing][timestamp]") {
  CHECK(*parse_timestamp("1715929970", timestamp_format::unix_seconds) == at(t0));
  CHECK(*parse_timestamp("0", timestamp_format::unix_seconds) == at(0));
  CHECK(*parse_timestamp("9000000000", timestamp_format::unix_seconds) == at(max_timestamp_seconds));
  for (auto bad : {"01715929970"sv, "+1715929970"sv, "-1"sv, "1715929970.5"sv, "1715929970.000"sv, "1715929970 "sv,
                   " 1715929970"sv, "17159299700"sv, "9000000001"sv, "9999999999"sv, ""sv, "1e9"sv, "0x10"sv, "00"sv,
                   "2024-05-17T14:12:50+07:00"sv, "1715929970\n"sv}) {
    CAPTURE(bad);
    auto r = parse_timestamp(bad, timestamp_format::unix_seconds);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::invalid_timestamp);
  }
}

TEST_CASE("timestamps format in the agreed form and parse back", "[request_signing][timestamp]") {
  using std::chrono::minutes;
  CHECK(*format_timestamp(at(t0), timestamp_format::iso8601, minutes(420)) == "2024-05-17T14:12:50+07:00");
  CHECK(*format_timestamp(at(t0), timestamp_format::iso8601) == "2024-05-17T07:12:50+00:00");
  CHECK(*format_timestamp(at(t0), timestamp_format::iso8601, minutes(-330)) == "2024-05-17T01:42:50-05:30");
  CHECK(*format_timestamp(at(t0) + std::chrono::milliseconds(7), timestamp_format::iso8601_millis, minutes(420)) ==
        "2024-05-17T14:12:50.007+07:00");
  CHECK(*format_timestamp(at(t0) + std::chrono::milliseconds(999), timestamp_format::iso8601) ==
        "2024-05-17T07:12:50+00:00");  // truncated
  CHECK(*format_timestamp(at(t0) + std::chrono::milliseconds(999), timestamp_format::unix_seconds) == "1715929970");
  CHECK(*format_timestamp(at(0), timestamp_format::unix_seconds) == "0");

  for (auto f : {timestamp_format::iso8601, timestamp_format::iso8601_millis, timestamp_format::unix_seconds}) {
    CAPTURE(timestamp_format_name(f));
    for (int off : {-(23 * 60 + 59), -300, 0, 420, 23 * 60 + 59}) {
      auto text = format_timestamp(at(t0) + std::chrono::milliseconds(250), f, minutes(off));
      REQUIRE(text);
      auto back = parse_timestamp(*text, f);
      REQUIRE(back);
      CHECK(*back == (f == timestamp_format::iso8601_millis ? at(t0) + std::chrono::milliseconds(250) : at(t0)));
    }
  }
  CHECK(format_timestamp(at(t0), timestamp_format::iso8601, minutes(24 * 60)).error() == errc::invalid_argument);
  CHECK(format_timestamp(at(-1), timestamp_format::unix_seconds).error() == errc::invalid_argument);
}

TEST_CASE("the window accepts its bounds and refuses one second past them", "[request_signing][timestamp]") {
  const auto w = seconds(300);
  CHECK(check_timestamp_window(at(t0), at(t0), w));
  CHECK(check_timestamp_window(at(t0), at(t0 + 300), w));  // exactly at the window, old side
  CHECK(check_timestamp_window(at(t0), at(t0 - 300), w));  // exactly at the window, future side
  CHECK(check_timestamp_window(at(t0), at(t0 + 301), w).error() == errc::stale_timestamp);
  CHECK(check_timestamp_window(at(t0), at(t0 - 301), w).error() == errc::future_timestamp);
  CHECK(check_timestamp_window(at(t0), at(t0 + 300) + std::chrono::nanoseconds(1), w).error() == errc::stale_timestamp);
}
