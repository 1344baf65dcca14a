#pragma once
// tessera::jwt::detail::flat_json — a strict scanner for the common shape of JWT claims: one JSON object
// whose members are strings, integers, booleans, nulls and arrays of strings, in ASCII text with
// no escape. It accepts only text that is JSON (RFC 8259) and gives up on anything else, valid or
// not, so that a full parser decides; it never reports an error of its own.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tessera::jwt::detail::flat_json {

// Bytes after the text that scan() reads: they must be readable, and the first must be zero.
inline constexpr std::size_t padding = 16;

// What a scalar member holds.
enum class scalar : std::uint8_t { string, integer, boolean, null };

// The first byte at or after p that a string cannot simply contain: '"' (its end), or a backslash,
// control or non-ASCII byte (on which the scanner gives up). One byte at a time: the reference
// that string_stop() is tested against, and its fallback without SSE2.
inline const char* string_stop_bytewise(const char* p) noexcept {
  for (;; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) return p;
  }
}

// The same as string_stop_bytewise, sixteen bytes per step where SSE2 is available (every x86-64).
// It stops at a zero byte at the latest, and reads at most fifteen bytes beyond where it stops.
inline const char* string_stop(const char* p) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
  for (;; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // A signed compare: bytes 0x80..0xff are negative, so they are below 0x20 too.
    const __m128i stop =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), _mm_cmplt_epi8(v, space));
    if (const auto m = static_cast<unsigned>(_mm_movemask_epi8(stop))) return p + std::countr_zero(m);
  }
#else
  return string_stop_bytewise(p);
#endif
}

// True for '0'..'9'.
inline bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') <= 9; }

// The first byte at or after p that is not JSON whitespace (space, tab, line feed, return).
inline const char* skip_whitespace(const char* p) noexcept {
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') ++p;
  return p;
}

// When p[0..8) are eight ASCII digits, their value; otherwise -1. Little-endian only.
inline std::int64_t eight_digits(const char* p) noexcept {
  if constexpr (std::endian::native != std::endian::little) {
    return -1;
  } else {
    constexpr std::uint64_t ones = 0x0101010101010101u;
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    // Every byte in '0'..'9': its high nibble is 3, and still 3 after adding 6.
    if ((w & ones * 0xf0) != ones * 0x30 || ((w + ones * 6) & ones * 0xf0) != ones * 0x30) return -1;
    w -= ones * '0';                                     // byte k: the k-th digit, the first in the lowest byte
    w = (w * 10 + (w >> 8)) & 0x00ff00ff00ff00ffu;       // 16-bit lanes: pairs of digits
    w = (w * 100 + (w >> 16)) & 0x0000ffff0000ffffu;     // 32-bit lanes: groups of four
    w = (w * 10000 + (w >> 32)) & 0x00000000ffffffffu;   // all eight
    return static_cast<std::int64_t>(w);
  }
}

// Reads an integer at p, -?(0|[1-9][0-9]*) of at most 18 digits (so that it fits an int64), and
// moves p past it. False for "-0", for longer integers, and when no digit is at p; a fraction or
// an exponent is left for the caller to refuse, as it does any byte that cannot follow a value.
inline bool read_integer(const char*& p, std::int64_t& out) noexcept {
  const bool negative = *p == '-';
  const char* const first = p + (negative ? 1 : 0);
  if (!is_digit(*first)) return false;
  if (*first == '0') {
    if (negative || is_digit(first[1])) return false;
    out = 0;
    p = first + 1;
    return true;
  }
  const std::int64_t eight = eight_digits(first);
  const char* d = eight >= 0 ? first + 8 : first;
  std::uint64_t x = eight >= 0 ? static_cast<std::uint64_t>(eight) : 0;
  for (; is_digit(*d); ++d) {
    if (d - first == 18) return false;
    x = x * 10 + static_cast<unsigned>(*d - '0');
  }
  out = negative ? -static_cast<std::int64_t>(x) : static_cast<std::int64_t>(x);
  p = d;
  return true;
}

// Scans text[0..n), which must be followed by `padding` readable bytes, the first of them zero.
// For each member in order it calls the visitor:
// - v.member(name, kind, text, number) for a scalar: a string's text (between its quotes), an
//   integer's value, a boolean as 0 or 1;
// - v.array(name), then v.element(text) for each string, then v.end_array(), for an array.
// Each returns false to stop the scan. scan() is true when the whole text was one such object
// and no call returned false; on false, the text may still be JSON the scanner does not take.
// Names and strings are views into the text; they may hold any printable ASCII but '"' and '\\'.
template <class Visitor>
bool scan(const char* text, std::size_t n, Visitor& v) noexcept {
  const char* p = skip_whitespace(text);
  if (*p != '{') return false;
  p = skip_whitespace(p + 1);
  if (*p != '}') {
    for (;;) {
      if (*p != '"') return false;
      const char* const name = p + 1;
      p = string_stop(name);
      if (*p != '"') return false;
      const std::string_view key(name, static_cast<std::size_t>(p - name));
      p = skip_whitespace(p + 1);
      if (*p != ':') return false;
      p = skip_whitespace(p + 1);
      switch (*p) {
        case '"': {
          const char* const s = p + 1;
          p = string_stop(s);
          if (*p != '"' || !v.member(key, scalar::string, std::string_view(s, static_cast<std::size_t>(p - s)), 0))
            return false;
          ++p;
          break;
        }
        case 't':
          if (std::memcmp(p, "true", 4) != 0 || !v.member(key, scalar::boolean, std::string_view{}, 1)) return false;
          p += 4;
          break;
        case 'f':
          if (std::memcmp(p, "false", 5) != 0 || !v.member(key, scalar::boolean, std::string_view{}, 0)) return false;
          p += 5;
          break;
        case 'n':
          if (std::memcmp(p, "null", 4) != 0 || !v.member(key, scalar::null, std::string_view{}, 0)) return false;
          p += 4;
          break;
        case '[': {
          if (!v.array(key)) return false;
          p = skip_whitespace(p + 1);
          if (*p != ']') {
            for (;;) {
              if (*p != '"') return false;  // only strings: anything else goes to the full parser
              const char* const s = p + 1;
              p = string_stop(s);
              if (*p != '"' || !v.element(std::string_view(s, static_cast<std::size_t>(p - s)))) return false;
              p = skip_whitespace(p + 1);
              if (*p == ']') break;
              if (*p != ',') return false;
              p = skip_whitespace(p + 1);
            }
          }
          ++p;
          if (!v.end_array()) return false;
          break;
        }
        default: {  // an integer, or something the scanner does not take (an object, a fraction...)
          std::int64_t x;
          if (!read_integer(p, x) || !v.member(key, scalar::integer, std::string_view{}, x)) return false;
        }
      }
      p = skip_whitespace(p);
      if (*p == '}') break;
      if (*p != ',') return false;
      p = skip_whitespace(p + 1);
    }
  }
  // Only whitespace may follow the object, up to the end of the text (a zero byte before it stops
  // the skip, and is refused).
  return skip_whitespace(p + 1) == text + n;
}

}  // namespace tessera::jwt::detail::flat_json
