#pragma once
// The text machinery of RFC 9421 message components (message_components.hpp): component names
// and parameters, the canonical forms of field values (§2.1, §2.1.3), of the authority and scheme
// (§2.2.3, §2.2.4), and of named query parameters (§2.2.8). Nothing here reads a message.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "tessera/core/result.hpp"
#include "tessera/request_signing/structured_field.hpp"

namespace tessera::request_signing::httpsig::detail {

// The derived components of RFC 9421 §2.2 (none: a field name).
enum class derived { none, method, target_uri, authority, scheme, request_target, path, query, query_param, status };

// The derived component a name starting with '@' denotes, or derived::none for an unknown one.
constexpr derived derived_named(std::string_view n) noexcept {
  if (n == "@method") return derived::method;
  if (n == "@target-uri") return derived::target_uri;
  if (n == "@authority") return derived::authority;
  if (n == "@scheme") return derived::scheme;
  if (n == "@request-target") return derived::request_target;
  if (n == "@path") return derived::path;
  if (n == "@query") return derived::query;
  if (n == "@query-param") return derived::query_param;
  if (n == "@status") return derived::status;
  return derived::none;
}

// True for a lowercase field name: 1*tchar (RFC 9110 §5.1) without upper-case letters.
constexpr bool lowercase_field_name(std::string_view n) noexcept {
  if (n.empty()) return false;
  for (char c : n) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// True when a parameter is present as Boolean true (a bare flag such as ";sf").
inline bool flag_set(const sf::parameters& ps, std::string_view key) noexcept {
  const sf::bare_item* v = ps.find(key);
  const bool* b = v ? std::get_if<bool>(v) : nullptr;
  return b && *b;
}

// The String value of a parameter, or nullptr.
inline const std::string* string_param(const sf::parameters& ps, std::string_view key) noexcept {
  const sf::bare_item* v = ps.find(key);
  return v ? std::get_if<std::string>(v) : nullptr;
}

// Checks a component identifier (§2, §2.5 step 2.4): a String naming a derived component or a
// lowercase field name, with parameters that apply to it. Returns what it names.
// Errors: httpsig_malformed_signature_input (not a String), httpsig_unknown_component (an unknown
// derived name, "@signature-params", a name that is not a lowercase field name),
// httpsig_bad_component_parameter (an unknown parameter, one of the wrong type, "req" and "tr"
// (not supported: requests are signed, trailers are not read), "bs" with "sf" or "key",
// "@query-param" without "name").
inline result<derived> check_identifier(const sf::item& id) noexcept {
  const auto* name = std::get_if<std::string>(&id.value);
  if (!name) return unexpected{errc::httpsig_malformed_signature_input};
  if (!name->empty() && name->front() == '@') {
    const derived d = derived_named(*name);
    if (d == derived::none) return unexpected{errc::httpsig_unknown_component};
    if (d == derived::query_param) {
      if (id.params.size() != 1 || !string_param(id.params, "name")) return unexpected{errc::httpsig_bad_component_parameter};
    } else if (!id.params.empty()) {
      return unexpected{errc::httpsig_bad_component_parameter};
    }
    return d;
  }
  if (!lowercase_field_name(*name)) return unexpected{errc::httpsig_unknown_component};
  for (const auto& [key, value] : id.params) {
    if (key == "sf" || key == "bs") {
      const bool* b = std::get_if<bool>(&value);
      if (!b || !*b) return unexpected{errc::httpsig_bad_component_parameter};
    } else if (key == "key") {
      if (!std::holds_alternative<std::string>(value)) return unexpected{errc::httpsig_bad_component_parameter};
    } else {
      return unexpected{errc::httpsig_bad_component_parameter};
    }
  }
  if (flag_set(id.params, "bs") && (id.params.contains("sf") || id.params.contains("key")))
    return unexpected{errc::httpsig_bad_component_parameter};
  return derived::none;
}

// True when two identifiers are the same component: the same name and the same parameters,
// whatever their order (§2: `"foo";bar;baz` equals `"foo";baz;bar`).
inline bool same_identifier(const sf::item& a, const sf::item& b) noexcept {
  if (!(a.value == b.value) || a.params.size() != b.params.size()) return false;
  for (const auto& [key, value] : a.params) {
    const sf::bare_item* other = b.params.find(key);
    if (!other || !(*other == value)) return false;
  }
  return true;
}

// Appends one field line's canonical form (§2.1 steps 2 and 3): leading and trailing SP / HTAB
// removed, each obsolete line folding (optional whitespace, a line break, whitespace) replaced by
// one SP. False when the line holds a line break that is not a folding or, unless `binary` (the
// line is about to be wrapped as a Byte Sequence, §2.1.3), a byte the signature base cannot carry
// (a control byte other than HTAB, or a non-ASCII byte: §2.5 step 4).
inline bool append_field_line(std::string& out, std::string_view line, bool binary = false) {
  auto ows = [](char c) { return c == ' ' || c == '\t'; };
  std::size_t b = 0, e = line.size();
  while (b < e && ows(line[b])) ++b;
  while (e > b && ows(line[e - 1])) --e;
  const std::size_t start = out.size();
  std::size_t run = b;  // the bytes from here to i are appended at once
  for (std::size_t i = b; i < e; ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == '\r' || c == '\n') {
      out.append(line.data() + run, i - run);
      std::size_t j = i;
      if (line[j] == '\r') {
        if (j + 1 >= e || line[j + 1] != '\n') return false;
        ++j;
      }
      ++j;  // past LF
      if (j >= e || !ows(line[j])) return false;
      while (j < e && ows(line[j])) ++j;
      while (out.size() > start && ows(out.back())) out.pop_back();
      out.push_back(' ');
      run = j;
      i = j - 1;
      continue;
    }
    if (!binary && ((c < 0x20 && c != '\t') || c >= 0x7f)) return false;
  }
  out.append(line.data() + run, e - run);
  return true;
}

// True for a derived component value: printable ASCII without spaces (§2.2: printable characters,
// no newline, no leading or trailing whitespace; none of tessera's derived values has spaces).
constexpr bool derived_value_ok(std::string_view v) noexcept {
  for (char c : v)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

// Appends the lower-cased scheme; false unless it is ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
inline bool append_scheme(std::string& out, std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool ok = alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return false;
  }
  const std::size_t at = out.size();
  out.append(s);
  for (std::size_t i = at; i < out.size(); ++i)
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  return true;
}

// Appends the normalized authority (§2.2.3, RFC 9110 §4.2.3): host lower-cased, the scheme's
// default port (443 for https, 80 for http) and an empty port left out. False when the value is
// empty or holds a space, a control or non-ASCII byte, or one of "/?#@" (no path, no userinfo).
inline bool append_authority(std::string& out, std::string_view a, std::string_view scheme) {
  if (a.empty()) return false;
  for (char c : a)
    if (c < 0x21 || c > 0x7e || c == '/' || c == '?' || c == '#' || c == '@') return false;
  std::string_view host = a, port;  // port with its ':', when kept
  const std::size_t colon = a.rfind(':');
  const std::size_t bracket = a.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view digits = a.substr(colon + 1);
    for (char c : digits)
      if (c < '0' || c > '9') return false;
    const bool default_port = (scheme == "https" && digits == "443") || (scheme == "http" && digits == "80");
    if (!digits.empty() && !default_port) port = a.substr(colon);
    host = a.substr(0, colon);
  }
  if (host.empty()) return false;
  const std::size_t at = out.size();
  out.append(host);
  for (std::size_t i = at; i < out.size(); ++i)
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  out.append(port);
  return true;
}

// The value of a hex digit (either case), or -1.
constexpr int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Appends the application/x-www-form-urlencoded parse of one name or value (WHATWG URL §5.1):
// "+" becomes a space and "%" followed by two hex digits the byte they spell; any other "%"
// stays as it is.
inline void append_form_decoded(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && s.size() - i >= 3 && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
}

// True when the bytes are well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
constexpr bool valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto t = static_cast<unsigned char>(s[i + k]);
      if ((t & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (t & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

// Appends bytes percent-encoded with the application/x-www-form-urlencoded percent-encode set
// (WHATWG URL §1.3): A-Z a-z 0-9 "*" "-" "." "_" stay, every other byte becomes "%" and two
// upper-case hex digits, a space included ("%20", as RFC 9421 §2.2.8 shows).
inline void append_form_encoded(std::string& out, std::string_view bytes) {
  constexpr char digits[] = "0123456789ABCDEF";
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*' ||
                      c == '-' || c == '.' || c == '_';
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
}

// Appends the @query-param value of the parameter whose encoded name is `name` (§2.2.8): the
// query (without "?") is split on "&", empty pieces dropped, each piece split at its first "="
// into name and value, both parsed as application/x-www-form-urlencoded and re-encoded.
// Errors: httpsig_missing_component (no such parameter), httpsig_ambiguous_component (more than
// one), httpsig_malformed_component (a name or the value is not UTF-8 once decoded).
inline result<void> append_query_param(std::string& out, std::string_view query, std::string_view name) {
  std::string decoded, encoded;
  std::string_view found;
  std::size_t count = 0;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view piece = query.substr(start, amp - start);
    start = amp + 1;
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    decoded.clear();
    append_form_decoded(decoded, piece.substr(0, eq));
    if (!valid_utf8(decoded)) return unexpected{errc::httpsig_malformed_component};
    encoded.clear();
    append_form_encoded(encoded, decoded);
    if (encoded != name) continue;
    if (++count > 1) return unexpected{errc::httpsig_ambiguous_component};
    found = eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
  }
  if (count == 0) return unexpected{errc::httpsig_missing_component};
  decoded.clear();
  append_form_decoded(decoded, found);
  if (!valid_utf8(decoded)) return unexpected{errc::httpsig_malformed_component};
  append_form_encoded(out, decoded);
  return core::ok();
}

}  // namespace tessera::request_signing::httpsig::detail
