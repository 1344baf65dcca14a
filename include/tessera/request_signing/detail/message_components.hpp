#pragma once
// The text machinery of RFC 9421 message components (message_components.hpp): component names
// and parameters, the canonical forms of field values (§2.1, §2.1.3), of the authority and scheme
// (§2.2.3, §2.2.4), and of named query parameters (§2.2.8). Nothing here reads a message.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/request_signing/structured_field.hpp"

namespace tessera::request_signing::httpsig::detail {

// The derived components of RFC 9421 §2.2 (none: a field name).
enum class derived { none, method, target_uri, authority, scheme, request_target, path, query, query_param, status };

// The derived component a name starting with '@' denotes, or derived::none for an unknown one.
constexpr derived derived_named(std::string_view n) noexcept {
  switch (n.size()) {  // one comparison or three, not nine
    case 5:
      return n == "@path" ? derived::path : derived::none;
    case 6:
      return n == "@query" ? derived::query : derived::none;
    case 7:
      if (n == "@method") return derived::method;
      if (n == "@scheme") return derived::scheme;
      return n == "@status" ? derived::status : derived::none;
    case 10:
      return n == "@authority" ? derived::authority : derived::none;
    case 11:
      return n == "@target-uri" ? derived::target_uri : derived::none;
    case 12:
      return n == "@query-param" ? derived::query_param : derived::none;
    case 15:
      return n == "@request-target" ? derived::request_target : derived::none;
    default:
      return derived::none;
  }
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
TESSERA_DECL bool flag_set(const sf::parameters& ps, std::string_view key) noexcept;

// The String value of a parameter, or nullptr.
TESSERA_DECL const std::string* string_param(const sf::parameters& ps, std::string_view key) noexcept;

// Checks a component identifier (§2, §2.5 step 2.4): a String naming a derived component or a
// lowercase field name, with parameters that apply to it. Returns what it names.
// Errors: httpsig_malformed_signature_input (not a String), httpsig_unknown_component (an unknown
// derived name, "@signature-params", a name that is not a lowercase field name),
// httpsig_bad_component_parameter (an unknown parameter, one of the wrong type, "req" and "tr"
// (not supported: requests are signed, trailers are not read), "bs" with "sf" or "key",
// "@query-param" without "name").
TESSERA_DECL result<derived> check_identifier(const sf::item& id) noexcept;

// True when two identifiers are the same component: the same name and the same parameters,
// whatever their order (§2: `"foo";bar;baz` equals `"foo";baz;bar`).
TESSERA_DECL bool same_identifier(const sf::item& a, const sf::item& b) noexcept;

// Appends one field line's canonical form (§2.1 steps 2 and 3): leading and trailing SP / HTAB
// removed, each obsolete line folding (optional whitespace, a line break, whitespace) replaced by
// one SP. False when the line holds a line break that is not a folding or, unless `binary` (the
// line is about to be wrapped as a Byte Sequence, §2.1.3), a byte the signature base cannot carry
// (a control byte other than HTAB, or a non-ASCII byte: §2.5 step 4).
TESSERA_DECL bool append_field_line(std::string& out, std::string_view line, bool binary = false);

// True for a derived component value: printable ASCII without spaces (§2.2: printable characters,
// no newline, no leading or trailing whitespace; none of tessera's derived values has spaces).
constexpr bool derived_value_ok(std::string_view v) noexcept {
  for (char c : v)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

// Appends the lower-cased scheme; false unless it is ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
TESSERA_DECL bool append_scheme(std::string& out, std::string_view s);

// Appends the normalized authority (§2.2.3, RFC 9110 §4.2.3): host lower-cased, the scheme's
// default port (443 for https, 80 for http) and an empty port left out. False when the value is
// empty or holds a space, a control or non-ASCII byte, or one of "/?#@" (no path, no userinfo).
TESSERA_DECL bool append_authority(std::string& out, std::string_view a, std::string_view scheme);

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
TESSERA_DECL void append_form_decoded(std::string& out, std::string_view s);

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
TESSERA_DECL void append_form_encoded(std::string& out, std::string_view bytes);

// Appends the @query-param value of the parameter whose encoded name is `name` (§2.2.8): the
// query (without "?") is split on "&", empty pieces dropped, each piece split at its first "="
// into name and value, both parsed as application/x-www-form-urlencoded and re-encoded.
// Errors: httpsig_missing_component (no such parameter), httpsig_ambiguous_component (more than
// one), httpsig_malformed_component (a name or the value is not UTF-8 once decoded).
TESSERA_DECL result<void> append_query_param(std::string& out, std::string_view query, std::string_view name);

}  // namespace tessera::request_signing::httpsig::detail

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/detail/impl/message_components.ipp"
#endif
