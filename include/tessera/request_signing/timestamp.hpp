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
inline void put_digits(std::string& out, int v, int n) {
  char buf[8];
  for (int i = n - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<std::size_t>(n));
}

inline result<std::chrono::system_clock::time_point> parse_iso8601(std::string_view s, bool millis) noexcept {
  using namespace std::chrono;
  const std::size_t base = millis ? 23 : 19;  // length up to the offset
  if (s.size() != base + 1 && s.size() != base + 6) return unexpected{errc::invalid_timestamp};
  int y, mo, d, h, mi, sec, ms = 0;
  if (!read_digits(s, 0, 4, y) || s[4] != '-' || !read_digits(s, 5, 2, mo) || s[7] != '-' ||
      !read_digits(s, 8, 2, d) || s[10] != 'T' || !read_digits(s, 11, 2, h) || s[13] != ':' ||
      !read_digits(s, 14, 2, mi) || s[16] != ':' || !read_digits(s, 17, 2, sec))
    return unexpected{errc::invalid_timestamp};
  if (millis && (s[19] != '.' || !read_digits(s, 20, 3, ms))) return unexpected{errc::invalid_timestamp};
  if (y < 1 || h > 23 || mi > 59 || sec > 59) return unexpected{errc::invalid_timestamp};
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return unexpected{errc::invalid_timestamp};
  int offset_minutes = 0;
  const std::string_view off = s.substr(base);
  if (off.size() == 1) {
    if (off[0] != 'Z') return unexpected{errc::invalid_timestamp};
  } else {
    int oh, om;
    if ((off[0] != '+' && off[0] != '-') || !read_digits(off, 1, 2, oh) || off[3] != ':' || !read_digits(off, 4, 2, om) ||
        oh > 23 || om > 59)
      return unexpected{errc::invalid_timestamp};
    offset_minutes = (off[0] == '-' ? -1 : 1) * (oh * 60 + om);
  }
  // Computed in milliseconds (no overflow for any year), then bounded before conversion.
  const auto utc = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{ms} - minutes{offset_minutes};
  const auto since_epoch = utc.time_since_epoch();
  if (since_epoch < milliseconds{0} || since_epoch > seconds{max_timestamp_seconds})
    return unexpected{errc::invalid_timestamp};
  return system_clock::time_point(duration_cast<system_clock::duration>(since_epoch));
}

inline result<std::chrono::system_clock::time_point> parse_unix_seconds(std::string_view s) noexcept {
  if (s.empty() || s.size() > 10 || (s.size() > 1 && s[0] == '0')) return unexpected{errc::invalid_timestamp};
  std::int64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return unexpected{errc::invalid_timestamp};
    v = v * 10 + (c - '0');
  }
  if (v > max_timestamp_seconds) return unexpected{errc::invalid_timestamp};
  return std::chrono::system_clock::time_point(std::chrono::seconds(v));
}
}  // namespace detail

// Parses a timestamp strictly in the given format (see the grammar above); invalid_timestamp
// for anything else.
inline result<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text,
                                                                     timestamp_format f) noexcept {
  switch (f) {
    case timestamp_format::iso8601: return detail::parse_iso8601(text, false);
    case timestamp_format::iso8601_millis: return detail::parse_iso8601(text, true);
    case timestamp_format::unix_seconds: return detail::parse_unix_seconds(text);
  }
  return unexpected{errc::invalid_timestamp};
}

// Formats a time in the given format. ISO forms are written in local time at utc_offset (within
// ±23:59; "+00:00" for zero, never "Z") and truncated to the format's precision; unix seconds
// are truncated toward the past. invalid_argument for an offset or a time the format cannot hold.
inline result<std::string> format_timestamp(std::chrono::system_clock::time_point t, timestamp_format f,
                                            std::chrono::minutes utc_offset = std::chrono::minutes{0}) {
  using namespace std::chrono;
  if (f == timestamp_format::unix_seconds) {
    const auto s = floor<seconds>(t).time_since_epoch().count();
    if (s < 0 || s > max_timestamp_seconds) return unexpected{errc::invalid_argument};
    return std::to_string(s);
  }
  const auto off = utc_offset.count();
  if (off < -(23 * 60 + 59) || off > 23 * 60 + 59) return unexpected{errc::invalid_argument};
  const auto local = floor<milliseconds>(t) + utc_offset;
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const int y = static_cast<int>(ymd.year());
  if (y < 1 || y > 9999 || floor<seconds>(t).time_since_epoch().count() < 0 ||
      floor<seconds>(t).time_since_epoch().count() > max_timestamp_seconds)
    return unexpected{errc::invalid_argument};
  const auto ms_of_day = (local - day).count();
  std::string out;
  out.reserve(29);
  detail::put_digits(out, y, 4);
  out.push_back('-');
  detail::put_digits(out, static_cast<int>(static_cast<unsigned>(ymd.month())), 2);
  out.push_back('-');
  detail::put_digits(out, static_cast<int>(static_cast<unsigned>(ymd.day())), 2);
  out.push_back('T');
  detail::put_digits(out, static_cast<int>(ms_of_day / 3'600'000), 2);
  out.push_back(':');
  detail::put_digits(out, static_cast<int>(ms_of_day / 60'000 % 60), 2);
  out.push_back(':');
  detail::put_digits(out, static_cast<int>(ms_of_day / 1000 % 60), 2);
  if (f == timestamp_format::iso8601_millis) {
    out.push_back('.');
    detail::put_digits(out, static_cast<int>(ms_of_day % 1000), 3);
  }
  out.push_back(off < 0 ? '-' : '+');
  const auto a = off < 0 ? -off : off;
  detail::put_digits(out, static_cast<int>(a / 60), 2);
  out.push_back(':');
  detail::put_digits(out, static_cast<int>(a % 60), 2);
  return out;
}

// Checks that a signed time lies within ±window of now. Both bounds are accepted; older is
// stale_timestamp, newer is future_timestamp.
inline result<void> check_timestamp_window(std::chrono::system_clock::time_point signed_at,
                                           std::chrono::system_clock::time_point now,
                                           std::chrono::seconds window) noexcept {
  if (signed_at + window < now) return unexpected{errc::stale_timestamp};
  if (signed_at - window > now) return unexpected{errc::future_timestamp};
  return core::ok();
}

}  // namespace tessera::request_signing
