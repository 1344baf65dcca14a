#pragma once
// Timestamps of signed requests: the accepted text formats, strict parsing, formatting, and the
// acceptance window.
//
// Grammar (ABNF; DIGIT is 0-9 only, every letter is upper case exactly as shown):
//   iso8601        = date "T" time offset                    ; 2024-05-17T14:12:50+07:00
//   iso8601_millis = date "T" time "." 3DIGIT offset         ; 2024-05-17T14:12:50.123+07:00
//   date           = 4DIGIT "-" 2DIGIT "-" 2DIGIT            ; a real calendar day, year 0001-9999
//   time           = 2DIGIT ":" 2DIGIT ":" 2DIGIT            ; 00-23 : 00-59 : 00-59 (no leap second)
//   offset         = "Z" / ("+" / "-") 2DIGIT ":" 2DIGIT     ; hours 00-23, minutes 00-59
//   unix_seconds   = "0" / %x31-39 *9DIGIT                   ; no sign, no leading zero, no fraction
// The instant must also lie between the Unix epoch and 9000000000 (the year 2255), the range a
// system_clock time point holds everywhere. Nothing else is accepted: no surrounding or inner whitespace, no lower-case 't' or 'z', no
// "+0700" or "+07", no fraction where the format has none, no other number of fraction digits.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"

namespace tessera::request_signing {

// The text forms a timestamp header may take; a profile fixes exactly one.
enum class timestamp_format {
  iso8601,         // "2024-05-17T14:12:50+07:00": seconds, no fraction, offset required ("Z" allowed)
  iso8601_millis,  // "2024-05-17T14:12:50.123+07:00": exactly three fraction digits
  unix_seconds,    // "1715929970": decimal seconds since the Unix epoch
};

// The stable name of a format ("iso8601", "iso8601_millis", "unix_seconds").
constexpr std::string_view timestamp_format_name(timestamp_format f) noexcept {
  switch (f) {
    case timestamp_format::iso8601: return "iso8601";
    case timestamp_format::iso8601_millis: return "iso8601_millis";
    case timestamp_format::unix_seconds: return "unix_seconds";
  }
  return "unknown";
}

// The latest instant a timestamp may denote, in Unix seconds (2255-03-14).
inline constexpr std::int64_t max_timestamp_seconds = 9'000'000'000;

namespace detail {
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
// Reads n decimal digits at s[at..at+n) into v; false when any is not a digit.
constexpr bool read_digits(std::string_view s, std::size_t at, std::size_t n, int& v) noexcept {
  v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!is_digit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  return true;
}
// Writes v as exactly n decimal digits (v must fit).
TESSERA_DECL void put_digits(std::string& out, int v, int n);

TESSERA_DECL result<std::chrono::system_clock::time_point> parse_iso8601(std::string_view s, bool millis) noexcept;

TESSERA_DECL result<std::chrono::system_clock::time_point> parse_unix_seconds(std::string_view s) noexcept;
}  // namespace detail

// Parses a timestamp strictly in the given format (see the grammar above); invalid_timestamp
// for anything else.
TESSERA_DECL result<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text,
                                                                           timestamp_format f) noexcept;

// Formats a time in the given format. ISO forms are written in local time at utc_offset (within
// ±23:59; "+00:00" for zero, never "Z") and truncated to the format's precision; unix seconds
// are truncated toward the past. invalid_argument for an offset or a time the format cannot hold.
TESSERA_DECL result<std::string> format_timestamp(std::chrono::system_clock::time_point t, timestamp_format f,
                                                  std::chrono::minutes utc_offset = std::chrono::minutes{0});

// Checks that a signed time lies within ±window of now. Both bounds are accepted; older is
// stale_timestamp, newer is future_timestamp.
TESSERA_DECL result<void> check_timestamp_window(std::chrono::system_clock::time_point signed_at,
                                                 std::chrono::system_clock::time_point now,
                                                 std::chrono::seconds window) noexcept;

}  // namespace tessera::request_signing

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/impl/timestamp.ipp"
#endif
