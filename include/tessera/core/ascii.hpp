#pragma once
// ASCII helpers for protocol text: case-insensitive comparison of header names and auth schemes.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace tessera::core {

namespace detail_ascii {
inline constexpr std::uint64_t ones = 0x0101010101010101u;
inline constexpr std::uint64_t highs = 0x8080808080808080u;

// Non-zero when some byte of w lies outside 0x21..0x7e, or equals `banned` (when banned != 0).
// Exact as a truth value: a borrow or carry that crosses bytes starts at a byte that is itself out
// of range. (The byte tests are the "hasless"/"hasmore"/"haszero" word tricks.)
constexpr std::uint64_t bad_bytes(std::uint64_t w, unsigned char banned) noexcept {
  const std::uint64_t below = (w - ones * 0x21) & ~w & highs;  // some byte < 0x21
  const std::uint64_t above = ((w + ones * (127 - 0x7e)) | w) & highs;  // some byte > 0x7e
  std::uint64_t hit = 0;
  if (banned != 0) {
    const std::uint64_t x = w ^ (ones * banned);
    hit = (x - ones) & ~x & highs;  // some byte == banned
  }
  return below | above | hit;
}

// w with its ASCII capitals 'A'..'Z' turned into small letters; every other byte unchanged.
constexpr std::uint64_t fold(std::uint64_t w) noexcept {
  const std::uint64_t low7 = w & ~highs;  // without top bits, adding below cannot carry across bytes
  const std::uint64_t ge_a = low7 + ones * (0x80 - 'A');        // top bit: byte >= 'A'
  const std::uint64_t gt_z = low7 + ones * (0x80 - ('Z' + 1));  // top bit: byte > 'Z'
  const std::uint64_t upper = ge_a & ~gt_z & ~w & highs;         // and the byte is ASCII
  return w | (upper >> 2);                                       // 0x80 >> 2 == 0x20
}

inline std::uint64_t load64(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
}  // namespace detail_ascii

// ASCII case-insensitive equality, as HTTP header names, auth schemes and JOSE "typ" compare.
// Eight bytes at a time (header names are short, and usually arrive in the expected case).
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  const std::size_t n = a.size();
  if (std::is_constant_evaluated() || n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      char x = a[i], y = b[i];
      if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
      if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
      if (x != y) return false;
    }
    return true;
  }
  auto same = [&](std::size_t i) {
    const std::uint64_t x = detail_ascii::load64(a.data() + i), y = detail_ascii::load64(b.data() + i);
    return x == y || detail_ascii::fold(x) == detail_ascii::fold(y);
  };
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    if (!same(i)) return false;
  // The last (overlapping) eight bytes cover the tail.
  return i == n || same(n - 8);
}

// True when every byte of s is visible ASCII (0x21..0x7e: no space, control or non-ASCII byte)
// and none equals `banned` (0 bans nothing). Reads eight bytes at a time; ids and tokens are short.
constexpr bool visible_ascii(std::string_view s, char banned = 0) noexcept {
  const auto ban = static_cast<unsigned char>(banned);
  if (std::is_constant_evaluated() || s.size() < 8) {
    bool ok = true;
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      ok &= u >= 0x21 && u <= 0x7e && (ban == 0 || u != ban);
    }
    return ok;
  }
  std::uint64_t bad = 0;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) bad |= detail_ascii::bad_bytes(detail_ascii::load64(s.data() + i), ban);
  // The last (overlapping) eight bytes cover the tail; re-testing a byte is harmless.
  if (i != s.size()) bad |= detail_ascii::bad_bytes(detail_ascii::load64(s.data() + s.size() - 8), ban);
  return bad == 0;
}

}  // namespace tessera::core
