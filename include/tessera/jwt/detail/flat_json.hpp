#pragma once
// tessera::jwt::detail::flat_json — a strict scanner for the common shape of JWT claims: one JSON object
// whose members are strings, short integers, booleans, nulls, arrays of strings, and nested
// objects and arrays (checked and passed over, not read), in UTF-8 text with no escape outside
// the nested values. It accepts only text that is JSON (RFC 8259) and gives up on anything else,
// valid or not, so that a full parser decides; it never reports an error of its own.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/hex.hpp"
#include "tessera/detail/json_text.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tessera::jwt::detail::flat_json {

// Bytes after the text that scan() reads: they must be readable, and the first must be zero.
inline constexpr std::size_t padding = 16;

// What a member holds: a scalar, or (other) a nested object or an array that is not all strings.
enum class scalar : std::uint8_t { string, integer, boolean, null, other };

// Containers nested inside a member's value that the scanner checks. Deeper ones go to the full
// parser, whose limit, config::max_json_depth, counts the claims object, each container and a
// scalar in the deepest one: the scanner's deepest text stays within it.
inline constexpr std::size_t max_nesting =
    config::max_json_depth >= 14 ? 12 : config::max_json_depth >= 2 ? config::max_json_depth - 2 : 0;

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

// The length of the well-formed UTF-8 sequence at p, whose first byte is at least 0x80, or 0
// when none starts there (tessera::detail::utf8_sequence: Unicode §3.9, Table 3-7). The zero
// after the text ends any sequence, so at most four bytes are read.
inline std::size_t utf8_length(const char* p) noexcept {
  std::size_t ill_formed = 0;
  return tessera::detail::utf8_sequence(reinterpret_cast<const unsigned char*>(p), 4, ill_formed);
}

// Given p at a string's first stop that is not its closing quote, the closing quote when what
// stopped it, and every stop after it, is well-formed UTF-8; nullptr on an escape, a control
// byte, ill-formed UTF-8 or the end of the text.
inline const char* plain_string_rest(const char* p) noexcept {
  for (;;) {
    if (static_cast<unsigned char>(*p) < 0x80) return nullptr;  // '\\', a control byte or the zero after the text
    const std::size_t len = utf8_length(p);
    if (len == 0) return nullptr;
    p = string_stop(p + len);
    if (*p == '"') return p;
  }
}

// The closing quote of the string whose text starts at s, when it has no escape and is
// well-formed UTF-8; else nullptr.
inline const char* plain_string_end(const char* s) noexcept {
  const char* p = string_stop(s);
  return *p == '"' ? p : plain_string_rest(p);
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

// The code unit of the escape at p (a backslash, 'u' and four hexadecimal digits), or -1 when p
// holds no such escape.
inline long u_escape(const char* p) noexcept {
  if (p[0] != '\\' || p[1] != 'u') return -1;
  long u = 0;
  for (int i = 2; i < 6; ++i) {
    const int h = core::detail_hex::table[static_cast<unsigned char>(p[i])];
    if (h < 0) return -1;
    u = u * 16 + h;
  }
  return u;
}

// Moves p, at a string's opening quote, past its closing quote: any string of JSON, with escapes
// (an escaped surrogate only in a high-low pair) and well-formed UTF-8. False when there is none.
inline bool skip_string(const char*& p) noexcept {
  const char* q = p + 1;
  for (;;) {
    q = string_stop(q);
    const auto c = static_cast<unsigned char>(*q);
    if (c == '"') break;
    if (c >= 0x80) {
      const std::size_t len = utf8_length(q);
      if (len == 0) return false;
      q += len;
    } else if (c != '\\') {
      return false;  // a control byte, or the zero after the text
    } else if (q[1] == 'u') {
      const long u = u_escape(q);
      if (u < 0 || (u >= 0xdc00 && u <= 0xdfff)) return false;
      if (u >= 0xd800 && u <= 0xdbff) {
        const long low = u_escape(q + 6);
        if (low < 0xdc00 || low > 0xdfff) return false;
        q += 6;
      }
      q += 6;
    } else {
      switch (q[1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': q += 2; break;
        default: return false;
      }
    }
  }
  p = q + 1;
  return true;
}

// Moves p past a number, -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, of at most 18 integer
// digits, 18 fraction digits and 2 exponent digits, so that every reader holds its value in range.
// False for anything else (the caller refuses whatever byte follows a number that cannot).
inline bool skip_number(const char*& p) noexcept {
  const char* q = p + (*p == '-' ? 1 : 0);
  const auto digits = [&q](std::size_t most) {
    const char* const first = q;
    while (is_digit(*q)) ++q;
    return q != first && static_cast<std::size_t>(q - first) <= most;
  };
  if (*q == '0') {
    ++q;
  } else if (!digits(18)) {
    return false;
  }
  if (*q == '.') {
    ++q;
    if (!digits(18)) return false;
  }
  if (*q == 'e' || *q == 'E') {
    ++q;
    if (*q == '+' || *q == '-') ++q;
    if (!digits(2)) return false;
  }
  p = q;
  return true;
}

// Moves p past a literal, string or number at p.
inline bool skip_scalar(const char*& p) noexcept {
  switch (*p) {
    case '"': return skip_string(p);
    case 't': return std::memcmp(p, "true", 4) == 0 ? (p += 4, true) : false;
    case 'f': return std::memcmp(p, "false", 5) == 0 ? (p += 5, true) : false;
    case 'n': return std::memcmp(p, "null", 4) == 0 ? (p += 4, true) : false;
    default: return (*p == '-' || is_digit(*p)) && skip_number(p);
  }
}

// Moves p past a member name and its colon, and the whitespace after each.
inline bool skip_name(const char*& p) noexcept {
  if (*p != '"' || !skip_string(p)) return false;
  p = skip_whitespace(p);
  if (*p != ':') return false;
  p = skip_whitespace(p + 1);
  return true;
}

// Moves p, at a '{' or '[', past the whole object or array: every value in it checked as JSON
// reads it, with no limit on members but at most max_nesting containers deep. Iterative: a bit
// per open container says whether it is an object.
inline bool skip_container(const char*& p) noexcept {
  static_assert(max_nesting < 64);
  std::uint64_t objects = 0;  // bit d: the container open at depth d is an object
  std::size_t depth = 0;
  const char* q = p;
  for (;;) {
    // q is at a value.
    if (*q == '{' || *q == '[') {
      if (depth == max_nesting) return false;
      const bool object = *q == '{';
      objects = (objects << 1) | (object ? 1u : 0u);
      ++depth;
      q = skip_whitespace(q + 1);
      if (*q != (object ? '}' : ']')) {
        if (object && !skip_name(q)) return false;
        continue;
      }
    } else if (!skip_scalar(q)) {
      return false;
    } else {
      q = skip_whitespace(q);
    }
    // q is after a value, or at the end of a container just opened empty.
    for (;;) {
      const bool object = (objects & 1) != 0;
      if (*q == ',') {
        q = skip_whitespace(q + 1);
        if (object && !skip_name(q)) return false;
        break;  // to the next value
      }
      if (*q != (object ? '}' : ']')) return false;
      objects >>= 1;
      if (--depth == 0) {
        p = q + 1;
        return true;
      }
      q = skip_whitespace(q + 1);
    }
  }
}

// Scans text[0..n), which must be followed by `padding` readable bytes, the first of them zero.
// For each member in order it calls the visitor:
// - v.member(name, kind, text, number) for a scalar: a string's text (between its quotes), an
//   integer's value, a boolean as 0 or 1;
// - v.array(name), then v.element(text) for each string, then v.end_array(), for an array that is
//   empty or starts with a string (the scanner gives up on such an array that holds anything else);
// - v.member(name, scalar::other, text, 0) for an object, or an array that starts with anything
//   but a string: its whole text, checked as JSON.
// Each returns false to stop the scan. scan() is true when the whole text was one such object
// and no call returned false; on false, the text may still be JSON the scanner does not take.
// Names and strings are views into the text: UTF-8 with no escape, no '"' and no control byte.
template <class Visitor>
bool scan(const char* text, std::size_t n, Visitor& v) noexcept {
  const char* p = skip_whitespace(text);
  if (*p != '{') return false;
  p = skip_whitespace(p + 1);
  if (*p != '}') {
    for (;;) {
      if (*p != '"') return false;
      const char* const name = p + 1;
      p = plain_string_end(name);
      if (!p) return false;
      const std::string_view key(name, static_cast<std::size_t>(p - name));
      p = skip_whitespace(p + 1);
      if (*p != ':') return false;
      p = skip_whitespace(p + 1);
      switch (*p) {
        case '"': {
          const char* const s = p + 1;
          p = plain_string_end(s);
          if (!p || !v.member(key, scalar::string, std::string_view(s, static_cast<std::size_t>(p - s)), 0)) return false;
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
        case '{': {
          const char* const start = p;
          if (!skip_container(p) ||
              !v.member(key, scalar::other, std::string_view(start, static_cast<std::size_t>(p - start)), 0))
            return false;
          break;
        }
        case '[': {
          const char* const start = p;
          p = skip_whitespace(p + 1);
          if (*p != ']' && *p != '"') {  // not a list of strings: checked and passed over
            p = start;
            if (!skip_container(p) ||
                !v.member(key, scalar::other, std::string_view(start, static_cast<std::size_t>(p - start)), 0))
              return false;
            break;
          }
          if (!v.array(key)) return false;
          if (*p != ']') {
            for (;;) {
              if (*p != '"') return false;  // a list that starts with a string and holds more: the full parser's
              const char* const s = p + 1;
              p = plain_string_end(s);
              if (!p || !v.element(std::string_view(s, static_cast<std::size_t>(p - s)))) return false;
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
        default: {  // an integer, or something the scanner does not take (a fraction, a long integer...)
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
