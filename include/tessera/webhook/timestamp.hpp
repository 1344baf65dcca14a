#pragma once
// Webhook timestamps: strict parsing of Unix seconds, the freshness window, and formatting.

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string_view>

#include "tessera/core/result.hpp"

namespace tessera::webhook {

// The default freshness window: a delivery may be this much older or newer than the receiver's clock.
inline constexpr std::chrono::seconds default_tolerance{300};

// The largest tolerance a verifier uses (one year); larger values are clamped to it.
inline constexpr std::chrono::seconds max_tolerance{365LL * 24 * 3600};

// Parses a Unix timestamp in seconds, strictly: ASCII digits only (no sign, space, fraction or
// exponent), no leading zero unless the value is 0, and within int64. Anything else is invalid_timestamp.
inline result<std::int64_t> parse_timestamp(std::string_view text) noexcept {
  if (text.empty() || text.size() > 19) return unexpected{errc::invalid_timestamp};
  if (text.size() > 1 && text[0] == '0') return unexpected{errc::invalid_timestamp};
  // Nineteen digits may pass int64's maximum; as both texts have no leading zero, comparing the
  // text with the maximum's text compares the values.
  if (text.size() == 19 && text > std::string_view("9223372036854775807")) return unexpected{errc::invalid_timestamp};
  std::uint64_t v = 0;
  bool digits = true;
  for (char c : text) {
    const auto d = static_cast<unsigned>(static_cast<unsigned char>(c)) - unsigned{'0'};
    digits = digits && d <= 9;
    v = v * 10 + d;  // unsigned: wraps harmlessly for a non-digit, which is refused below
  }
  if (!digits) return unexpected{errc::invalid_timestamp};
  return static_cast<std::int64_t>(v);
}

// Checks that `timestamp` lies within ±tolerance of `now` (both Unix seconds; the edges are
// accepted): older is stale_timestamp, newer is future_timestamp. A negative tolerance counts as 0.
inline result<void> check_timestamp(std::int64_t timestamp, std::int64_t now, std::chrono::seconds tolerance) noexcept {
  if (tolerance.count() < 0) tolerance = std::chrono::seconds{0};
  if (tolerance > max_tolerance) tolerance = max_tolerance;
  const auto tol = static_cast<std::uint64_t>(tolerance.count());
  // Differences are taken in unsigned arithmetic, which cannot overflow for any pair of int64 values.
  if (timestamp < now && static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(timestamp) > tol)
    return unexpected{errc::stale_timestamp};
  if (timestamp > now && static_cast<std::uint64_t>(timestamp) - static_cast<std::uint64_t>(now) > tol)
    return unexpected{errc::future_timestamp};
  return core::ok();
}

// The decimal text of a timestamp, held inline.
struct timestamp_text {
  std::array<char, 24> chars{};
  std::size_t size = 0;
  // The digits.
  std::string_view view() const noexcept { return {chars.data(), size}; }
};

// Formats Unix seconds as decimal text (what the schemes sign and send).
inline timestamp_text format_timestamp(std::int64_t unix_seconds) noexcept {
  timestamp_text t;
  auto r = std::to_chars(t.chars.data(), t.chars.data() + t.chars.size(), unix_seconds);
  t.size = static_cast<std::size_t>(r.ptr - t.chars.data());
  return t;
}

}  // namespace tessera::webhook
