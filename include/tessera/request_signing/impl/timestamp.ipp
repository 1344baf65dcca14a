#pragma once
// The bodies of request_signing/timestamp.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/request_signing/timestamp.hpp"

namespace tessera::request_signing::detail {

TESSERA_DECL void put_digits(std::string& out, int v, int n) {
  char buf[8];
  for (int i = n - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<std::size_t>(n));
}

TESSERA_DECL result<std::chrono::system_clock::time_point> parse_iso8601(std::string_view s, bool millis) noexcept {
  using namespace std::chrono;
  const std::size_t base = millis ? 23 : 19;  // length up to the offset
  if (s.size() != base + 1 && s.size() != base + 6) return unexpected{errc::invalid_timestamp};
  int y, mo, d, h, mi, sec, ms = 0;
  if (!read_digits(s, 0, 4, y) || s[4] != '-' || !read_digits(s, 5, 2, mo) || s[7] != '-' || !read_digits(s, 8, 2, d) ||
      s[10] != 'T' || !read_digits(s, 11, 2, h) || s[13] != ':' || !read_digits(s, 14, 2, mi) || s[16] != ':' ||
      !read_digits(s, 17, 2, sec))
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
    if ((off[0] != '+' && off[0] != '-') || !read_digits(off, 1, 2, oh) || off[3] != ':' ||
        !read_digits(off, 4, 2, om) || oh > 23 || om > 59)
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

TESSERA_DECL result<std::chrono::system_clock::time_point> parse_unix_seconds(std::string_view s) noexcept {
  if (s.empty() || s.size() > 10 || (s.size() > 1 && s[0] == '0')) return unexpected{errc::invalid_timestamp};
  std::int64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return unexpected{errc::invalid_timestamp};
    v = v * 10 + (c - '0');
  }
  if (v > max_timestamp_seconds) return unexpected{errc::invalid_timestamp};
  return std::chrono::system_clock::time_point(std::chrono::seconds(v));
}

}  // namespace tessera::request_signing::detail

namespace tessera::request_signing {

TESSERA_DECL result<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text,
                                                                           timestamp_format f) noexcept {
  switch (f) {
    case timestamp_format::iso8601:
      return detail::parse_iso8601(text, false);
    case timestamp_format::iso8601_millis:
      return detail::parse_iso8601(text, true);
    case timestamp_format::unix_seconds:
      return detail::parse_unix_seconds(text);
  }
  return unexpected{errc::invalid_timestamp};
}

TESSERA_DECL result<std::string> format_timestamp(std::chrono::system_clock::time_point t, timestamp_format f,
                                                  std::chrono::minutes utc_offset) {
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

TESSERA_DECL result<void> check_timestamp_window(std::chrono::system_clock::time_point signed_at,
                                                 std::chrono::system_clock::time_point now,
                                                 std::chrono::seconds window) noexcept {
  if (signed_at + window < now) return unexpected{errc::stale_timestamp};
  if (signed_at - window > now) return unexpected{errc::future_timestamp};
  return core::ok();
}

}  // namespace tessera::request_signing
