#pragma once
// JSON string text written directly, with no JSON document: the one writer behind the JSON that
// tessera composes by hand (audit lines, error bodies, the iss and jti an issuer adds, a
// client's login body).

#include <cstddef>
#include <string>
#include <string_view>

#include "tessera/core/cleanse.hpp"

namespace tessera::detail {

// The length of the well-formed UTF-8 sequence that starts at p[0] (Unicode §3.9, Table 3-7:
// no overlong form, no surrogate, nothing above U+10FFFF), or 0 when none starts there; then
// `bad` is the length of the maximal ill-formed subpart (at least 1), the bytes one U+FFFD
// replaces. p[0] is at least 0x80 and n at least 1.
constexpr std::size_t utf8_sequence(const unsigned char* p, std::size_t n, std::size_t& bad) noexcept {
  const unsigned char c = p[0];
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte
  if (c >= 0xc2 && c <= 0xdf) len = 2;
  else if (c == 0xe0) len = 3, lo = 0xa0;
  else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) len = 3;
  else if (c == 0xed) len = 3, hi = 0x9f;
  else if (c == 0xf0) len = 4, lo = 0x90;
  else if (c >= 0xf1 && c <= 0xf3) len = 4;
  else if (c == 0xf4) len = 4, hi = 0x8f;
  std::size_t good = len == 0 ? 0 : 1;  // bytes of the sequence found well formed so far
  while (good > 0 && good < len && good < n) {
    const unsigned char b = p[good];
    if (good == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf)) break;
    ++good;
  }
  if (len != 0 && good == len) return len;
  bad = good == 0 ? 1 : good;
  return 0;
}

// Appends the JSON form of one ASCII byte inside a string: '"' and '\\' escaped, control
// characters as \b \t \n \f \r or \u00xx, any other byte as it is.
inline void append_json_ascii(std::string& out, unsigned char c) {
  static constexpr char hex[] = "0123456789abcdef";
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\t': out += "\\t"; return;
    case '\n': out += "\\n"; return;
    case '\f': out += "\\f"; return;
    case '\r': out += "\\r"; return;
    default: break;
  }
  if (c < 0x20) {
    out += "\\u00";
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  } else {
    out.push_back(static_cast<char>(c));
  }
}

// The bytes of s from i on that JSON carries as they are: printable ASCII other than '"' and '\\'.
constexpr std::size_t json_plain_run(std::string_view s, std::size_t i) noexcept {
  std::size_t j = i;
  while (j < s.size()) {
    const auto c = static_cast<unsigned char>(s[j]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    ++j;
  }
  return j - i;
}

// Appends the JSON form of s inside a string (no quotes), well-formed UTF-8 as it is. At each
// maximal ill-formed subpart it calls ill_formed(out), and stops when that returns false; true
// when all of s was written.
template <class IllFormed>
bool append_json_chars(std::string& out, std::string_view s, IllFormed&& ill_formed) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    if (const std::size_t run = json_plain_run(s, i)) {
      out.append(s.data() + i, run);
      i += run;
      continue;
    }
    if (p[i] < 0x80) {
      append_json_ascii(out, p[i++]);
      continue;
    }
    std::size_t bad = 0;
    if (const std::size_t len = utf8_sequence(p + i, s.size() - i, bad)) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      if (!ill_formed(out)) return false;
      i += bad;
    }
  }
  return true;
}

// Appends `s` as the inside of a JSON string (no quotes), each maximal ill-formed UTF-8 subpart
// replaced by U+FFFD: for text that must be written whatever it holds (audit lines, error bodies).
inline void append_json_text(std::string& out, std::string_view s) {
  append_json_chars(out, s, [](std::string& o) {
    o += "\xEF\xBF\xBD";
    return true;
  });
}

// Appends `s` as a JSON string, quotes included; false, with out unchanged, when s is not
// well-formed UTF-8 (JSON text is Unicode: such bytes have no JSON form). What it wrote before
// finding that is wiped (s may be a secret); out must have room for the JSON form, so that no
// reallocation leaves a copy behind.
inline bool append_json_string(std::string& out, std::string_view s) {
  const std::size_t size = out.size();
  out.push_back('"');
  if (!append_json_chars(out, s, [](std::string&) { return false; })) {
    core::cleanse(out.data() + size, out.size() - size);
    out.resize(size);
    return false;
  }
  out.push_back('"');
  return true;
}

}  // namespace tessera::detail
