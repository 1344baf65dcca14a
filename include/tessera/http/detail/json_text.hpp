#pragma once
// JSON string text written directly (no JSON document), for the http area's own small JSON
// outputs: audit lines and error bodies.

#include <cstddef>
#include <string>
#include <string_view>

namespace tessera::http::detail {

// Appends `s` as the inside of a JSON string: '"' and '\\' escaped, control characters as
// \b \t \n \f \r or \u00xx, UTF-8 kept as it is, and each maximal ill-formed UTF-8 subpart
// (Unicode §3.9, "U+FFFD substitution of maximal subparts") replaced by U+FFFD.
inline void append_json_text(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\f': out += "\\f"; break;
        case '\r': out += "\\r"; break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: its length and the range its second byte must lie in.
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c == 0xe0) len = 3, lo = 0xa0;
    else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) len = 3;
    else if (c == 0xed) len = 3, hi = 0x9f;
    else if (c == 0xf0) len = 4, lo = 0x90;
    else if (c >= 0xf1 && c <= 0xf3) len = 4;
    else if (c == 0xf4) len = 4, hi = 0x8f;
    std::size_t good = len == 0 ? 0 : 1;  // bytes of the sequence found well formed so far
    while (good > 0 && good < len && i + good < n) {
      const unsigned char b = p[i + good];
      if (good == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf)) break;
      ++good;
    }
    if (len != 0 && good == len) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += replacement;  // the maximal subpart: the lead byte and the continuation bytes that fit
      i += good == 0 ? 1 : good;
    }
  }
}

}  // namespace tessera::http::detail
