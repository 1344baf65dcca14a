// Holds the timestamp parsers and formatters of request signatures (request_signing/timestamp.hpp)
// and webhooks (webhook/timestamp.hpp) to a reference written here from their documented
// grammars: text matched against a character template, the calendar counted in days from
// 0001-01-01 with the Gregorian leap rule, and every comparison done in 128-bit integers.
// Properties, for any input text:
//  - each parser accepts exactly what the reference accepts, and gives the same instant;
//  - formatting an accepted ISO-8601 timestamp at its own offset gives back the text ("Z" and
//    "-00:00" written as "+00:00"), and an accepted unix_seconds text formats to itself;
// and for an instant, an offset and a window taken from the input's first bytes:
//  - format_timestamp succeeds exactly when the instant and offset are in range, and what it
//    writes parses back to the instant truncated to the format's precision, at that offset;
//  - the window checks (check_timestamp_window, webhook::check_timestamp) say stale, future or
//    fresh exactly as the 128-bit reference does, for any int64 values in the webhook case.
#include <chrono>
#include <cstring>
#include <limits>
#include <string>

#include "fuzz_support.hpp"
#include "tessera/request_signing/timestamp.hpp"
#include "tessera/webhook/timestamp.hpp"

namespace {
using namespace tessera;
namespace rs = tessera::request_signing;
using tessera_fuzz::require;
using i128 = __int128;

// ---- The reference -------------------------------------------------------------------------

// True when text has the shape of the template: 'D' is an ASCII digit, 's' is '+' or '-', any
// other template character must appear as itself.
bool fits(std::string_view text, std::string_view shape) {
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i], t = shape[i];
    if (t == 'D' ? !(c >= '0' && c <= '9') : t == 's' ? !(c == '+' || c == '-') : c != t) return false;
  }
  return true;
}

// The decimal value of the len digits of text at pos (already known to be digits).
long long number(std::string_view text, std::size_t pos, std::size_t len) {
  return std::stoll(std::string(text.substr(pos, len)));
}

// True in a Gregorian leap year.
bool leap(long long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Days in month m (1-12) of year y.
long long month_days(long long y, long long m) {
  static constexpr long long days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

// Days from 0001-01-01 to y-m-d in the proleptic Gregorian calendar.
long long day_number(long long y, long long m, long long d) {
  const long long past = y - 1;
  long long n = 365 * past + past / 4 - past / 100 + past / 400;
  for (long long k = 1; k < m; ++k) n += month_days(y, k);
  return n + d - 1;
}

// What the reference reads from a timestamp text: the instant in milliseconds since the epoch,
// and for ISO texts the offset in minutes.
struct reading {
  long long ms = 0;
  long long offset = 0;
};

// Reference reading of an ISO-8601 timestamp (with three fraction digits when millis), or nullopt.
std::optional<reading> ref_iso(std::string_view text, bool millis) {
  const std::string_view base = millis ? "DDDD-DD-DDTDD:DD:DD.DDD" : "DDDD-DD-DDTDD:DD:DD";
  const std::string with_z = std::string(base) + "Z", with_offset = std::string(base) + "sDD:DD";
  if (!fits(text, with_z) && !fits(text, with_offset)) return std::nullopt;
  const long long y = number(text, 0, 4), mo = number(text, 5, 2), d = number(text, 8, 2);
  const long long h = number(text, 11, 2), mi = number(text, 14, 2), s = number(text, 17, 2);
  const long long frac = millis ? number(text, 20, 3) : 0;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 || s > 59) return std::nullopt;
  reading r;
  if (text.size() == with_offset.size()) {
    const std::size_t at = base.size();
    const long long oh = number(text, at + 1, 2), om = number(text, at + 4, 2);
    if (oh > 23 || om > 59) return std::nullopt;
    r.offset = (text[at] == '-' ? -1 : 1) * (oh * 60 + om);
  }
  const long long days = day_number(y, mo, d) - day_number(1970, 1, 1);
  r.ms = (((days * 24 + h) * 60 + mi - r.offset) * 60 + s) * 1000 + frac;
  if (r.ms < 0 || r.ms > rs::max_timestamp_seconds * 1000) return std::nullopt;
  return r;
}

// Reference reading of decimal Unix seconds with no leading zero, up to max (inclusive).
std::optional<i128> ref_decimal(std::string_view text, std::size_t max_digits, i128 max) {
  if (text.empty() || text.size() > max_digits || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  i128 v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

// Reference reading of a request-signature timestamp in the given format.
std::optional<reading> ref_parse(std::string_view text, rs::timestamp_format f) {
  switch (f) {
    case rs::timestamp_format::iso8601:
      return ref_iso(text, false);
    case rs::timestamp_format::iso8601_millis:
      return ref_iso(text, true);
    case rs::timestamp_format::unix_seconds:
      if (auto v = ref_decimal(text, 10, rs::max_timestamp_seconds))
        return reading{static_cast<long long>(*v) * 1000, 0};
      return std::nullopt;
  }
  return std::nullopt;
}

// The offset text tessera writes for an offset in minutes: sign ('+' for zero), hours, minutes.
std::string offset_text(long long minutes) {
  const long long a = minutes < 0 ? -minutes : minutes;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", minutes < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

// Floor division of a by b (b > 0), as the reference truncates instants toward the past.
i128 floor_div(i128 a, i128 b) { return a / b - ((a % b != 0) && (a < 0) ? 1 : 0); }

// ---- The properties ------------------------------------------------------------------------

constexpr rs::timestamp_format formats[] = {rs::timestamp_format::iso8601, rs::timestamp_format::iso8601_millis,
                                            rs::timestamp_format::unix_seconds};

// Milliseconds since the epoch of a time point the parser returned (exact: it returns whole ms).
long long ms_of(std::chrono::system_clock::time_point t) {
  const auto d = t.time_since_epoch();
  require(d == std::chrono::duration_cast<std::chrono::milliseconds>(d), "a parsed instant is a whole millisecond");
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// The input text against every request-signature format, and the webhook parser.
void check_text(std::string_view text) {
  for (auto f : formats) {
    const auto got = rs::parse_timestamp(text, f);
    const auto want = ref_parse(text, f);
    require(got.has_value() == want.has_value(), "parse_timestamp accepts exactly the grammar");
    if (!got) {
      require(got.error() == errc::invalid_timestamp, "a refused timestamp is invalid_timestamp");
      continue;
    }
    require(ms_of(*got) == want->ms, "parse_timestamp reads the reference instant");
    // Formatting the instant at the text's own offset gives the text back.
    std::string expected(text);
    if (f != rs::timestamp_format::unix_seconds) {
      const std::size_t at = f == rs::timestamp_format::iso8601 ? 19 : 23;
      expected = expected.substr(0, at) + offset_text(want->offset);
    }
    auto again = rs::format_timestamp(*got, f, std::chrono::minutes(want->offset));
    require(again.has_value() && *again == expected, "format_timestamp writes an accepted text back");
  }
  const auto hook = webhook::parse_timestamp(text);
  const auto hook_ref = ref_decimal(text, 19, std::numeric_limits<std::int64_t>::max());
  require(hook.has_value() == hook_ref.has_value(), "webhook::parse_timestamp accepts exactly canonical int64 text");
  if (hook) require(i128{*hook} == *hook_ref, "webhook::parse_timestamp reads the reference value");
}

// Reads a little-endian int64 from 8 input bytes.
std::int64_t take64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  std::int64_t s;
  std::memcpy(&s, &v, sizeof s);
  return s;
}

// Formatting an arbitrary instant at an arbitrary offset, and the window checks.
void check_instant(std::int64_t ns, std::int64_t other, std::int64_t window, int offset_minutes) {
  using namespace std::chrono;
  const system_clock::time_point t{duration_cast<system_clock::duration>(nanoseconds(ns))};
  const i128 t_ns = duration_cast<nanoseconds>(t.time_since_epoch()).count();
  const i128 secs = floor_div(t_ns, 1'000'000'000);
  const bool in_range = secs >= 0 && secs <= rs::max_timestamp_seconds;
  for (auto f : formats) {
    auto text = rs::format_timestamp(t, f, minutes(offset_minutes));
    const bool offset_ok =
        f == rs::timestamp_format::unix_seconds || (offset_minutes >= -1439 && offset_minutes <= 1439);
    require(text.has_value() == (in_range && offset_ok),
            "format_timestamp succeeds exactly for instants and offsets in range");
    if (!text) continue;
    const auto back = ref_parse(*text, f);
    require(back.has_value(), "what format_timestamp writes is in the grammar");
    const i128 unit = f == rs::timestamp_format::iso8601_millis ? 1'000'000 : 1'000'000'000;
    require(i128{back->ms} * 1'000'000 == floor_div(t_ns, unit) * unit, "format_timestamp truncates toward the past");
    if (f != rs::timestamp_format::unix_seconds)
      require(back->offset == offset_minutes, "format_timestamp writes the requested offset");
  }

  // Request signatures: both instants are parsed ones (0..max seconds), the window at most a year.
  const i128 max_ns = i128{rs::max_timestamp_seconds} * 1'000'000'000;
  const auto clamp = [&](std::int64_t v) {
    return static_cast<std::int64_t>((static_cast<std::uint64_t>(v) % (static_cast<std::uint64_t>(max_ns) + 1)));
  };
  const std::int64_t signed_ns = clamp(ns), now_ns = clamp(other);
  const std::int64_t window_s = static_cast<std::int64_t>(static_cast<std::uint64_t>(window) % (366ull * 24 * 3600));
  auto w = rs::check_timestamp_window(
      system_clock::time_point(duration_cast<system_clock::duration>(nanoseconds(signed_ns))),
      system_clock::time_point(duration_cast<system_clock::duration>(nanoseconds(now_ns))), seconds(window_s));
  const i128 win = i128{window_s} * 1'000'000'000;
  const errc want = i128{signed_ns} + win < now_ns   ? errc::stale_timestamp
                    : i128{signed_ns} - win > now_ns ? errc::future_timestamp
                                                     : errc{};
  require(w ? want == errc{} : w.error() == want, "check_timestamp_window agrees with the reference");

  // Webhooks: any int64 values; the tolerance is clamped to [0, one year].
  i128 tol = window < 0 ? 0 : window;
  if (tol > webhook::max_tolerance.count()) tol = webhook::max_tolerance.count();
  auto h = webhook::check_timestamp(ns, other, seconds(window));
  const errc hwant = i128{other} - ns > tol   ? errc::stale_timestamp
                     : i128{ns} - other > tol ? errc::future_timestamp
                                              : errc{};
  require(h ? hwant == errc{} : h.error() == hwant, "webhook::check_timestamp agrees with the reference");

  // Webhook timestamps format as their decimal text and parse back when not negative.
  const auto wt = webhook::format_timestamp(ns);
  require(wt.view() == std::to_string(ns), "webhook::format_timestamp writes the decimal text");
  auto wp = webhook::parse_timestamp(wt.view());
  require(wp.has_value() == (ns >= 0) && (!wp || *wp == ns), "webhook timestamps parse back");
}
}  // namespace

// One input: its text, and (26 bytes or more) an instant, another instant, a window and an offset.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_text(tessera_fuzz::text(data, size));
  if (size >= 26) {
    const int offset = static_cast<std::int16_t>(static_cast<std::uint16_t>(data[24] | data[25] << 8));
    check_instant(take64(data), take64(data + 8), take64(data + 16), offset);
  }
  return 0;
}
