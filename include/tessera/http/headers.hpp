#pragma once
// Reading credentials out of HTTP headers: case-insensitive header lookup, the mandatory
// "Bearer " scheme of RFC 6750, and single-valued API-key headers.

#include <concepts>
#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tessera/core/ascii.hpp"
#include "tessera/core/headers.hpp"
#include "tessera/core/result.hpp"

namespace tessera::http {

using core::iequals;

namespace detail {
// True for a character of RFC 6750's b64token other than its trailing '=':
// ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/".
constexpr bool b64token_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '+' || c == '/';
}

// True when every character is a b64token_char. Bearer tokens are long (a JWT is hundreds of
// bytes), so where SSE2 is available sixteen bytes are checked per step; b64token_char is the
// reference the tests hold this to.
constexpr bool b64token_chars(std::string_view s) noexcept {
  std::size_t i = 0;
#if defined(__SSE2__)
  if (!std::is_constant_evaluated()) {
    // Signed compares on bytes XOR 0x80 order all 256 values as unsigned bytes.
    const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
    auto in_range = [&](__m128i flipped, char lo, char hi) {
      return _mm_and_si128(_mm_cmpgt_epi8(flipped, _mm_set1_epi8(static_cast<char>((lo - 1) ^ 0x80))),
                           _mm_cmplt_epi8(flipped, _mm_set1_epi8(static_cast<char>((hi + 1) ^ 0x80))));
    };
    auto block_ok = [&](const char* at) {
      const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
      // Setting bit 0x20 folds upper-case letters onto lower case; no other byte lands in a..z.
      const __m128i folded = _mm_xor_si128(_mm_or_si128(raw, _mm_set1_epi8(0x20)), flip);
      __m128i ok = in_range(folded, 'a', 'z');
      ok = _mm_or_si128(ok, in_range(_mm_xor_si128(raw, flip), '-', '9'));  // - . / and digits
      ok = _mm_or_si128(ok, _mm_cmpeq_epi8(raw, _mm_set1_epi8('+')));
      ok = _mm_or_si128(ok, _mm_cmpeq_epi8(raw, _mm_set1_epi8('_')));
      ok = _mm_or_si128(ok, _mm_cmpeq_epi8(raw, _mm_set1_epi8('~')));
      return _mm_movemask_epi8(ok) == 0xffff;
    };
    for (; i + 16 <= s.size(); i += 16)
      if (!block_ok(s.data() + i)) return false;
    // The last bytes of a string of sixteen or more: one more block, ending at the string's end
    // (it checks some bytes twice), rather than a byte at a time.
    if (i != 0 && i < s.size()) return block_ok(s.data() + s.size() - 16);
  }
#endif
  for (; i < s.size(); ++i)
    if (!b64token_char(s[i])) return false;
  return true;
}
}  // namespace detail

// Where credential readers take a request's headers from: any core::header_source (a request
// object whose .header(name) returns std::optional<std::string_view>, an accessor function, or a
// container of fields). An accessor returning owning strings is refused, as the token or key
// read from it would outlive the temporary it points into. A name present twice in a container
// is malformed_credentials; a server that folds a repeated header into "a, b" hands the readers
// below a value they refuse.
using core::header_source;

// A request object (core::header_object) over any range of (name, value) pairs, e.g.
// std::vector<std::pair<std::string,std::string>> or std::multimap, for code that needs
// .header(name); a name present twice yields nullopt (ambiguous credentials are refused).
template <class Range>
  requires core::header_range<Range>
class header_list {
 public:
  explicit header_list(const Range& r) noexcept : r_(&r) {}
  std::optional<std::string_view> header(std::string_view name) const noexcept {
    const auto hit = core::find_header(*r_, name);
    if (!hit || hit->repeated) return std::nullopt;
    return hit->value;
  }

 private:
  const Range* r_;
};
static_assert(header_source<header_list<std::pair<std::string_view, std::string_view>[1]>>);

// The value of one credential header: nullopt when absent, malformed_credentials when a
// container holds it twice, internal_error when an accessor throws.
template <header_source H>
result<std::optional<std::string_view>> single_header(const H& headers, std::string_view name) noexcept {
  auto hit = core::find_header(headers, name);
  if (!hit) return unexpected{hit.error()};
  if (hit->repeated) return unexpected{errc::malformed_credentials};
  return hit->value;
}

// The token of an "Authorization: Bearer <token>" value (RFC 6750 §2.1). The scheme is matched
// case-insensitively and must be followed by exactly one space and a b64token; anything else
// (no scheme, another scheme, empty token, spaces or commas inside) is malformed_credentials.
constexpr result<std::string_view> bearer_token(std::optional<std::string_view> authorization) noexcept {
  if (!authorization || authorization->empty()) return unexpected{errc::missing_credentials};
  std::string_view v = *authorization;
  if (v.size() < 8 || !iequals(v.substr(0, 6), "Bearer") || v[6] != ' ') return unexpected{errc::malformed_credentials};
  std::string_view tok = v.substr(7);
  std::size_t eq = tok.size();
  while (eq > 0 && tok[eq - 1] == '=') --eq;  // b64token may end in '='
  if (eq == 0 || !detail::b64token_chars(tok.substr(0, eq))) return unexpected{errc::malformed_credentials};
  return tok;
}

// The bearer token of a request's Authorization header.
template <header_source H>
result<std::string_view> bearer_token_of(const H& headers) noexcept {
  auto v = single_header(headers, "Authorization");
  if (!v) return unexpected{v.error()};
  return bearer_token(*v);
}

// The value of a single-valued credential header (e.g. "ApiKey", "X-CLIENT-ID"): present,
// non-empty, without surrounding whitespace, commas or control characters.
constexpr result<std::string_view> credential_value(std::optional<std::string_view> value) noexcept {
  if (!value || value->empty()) return unexpected{errc::missing_credentials};
  for (char c : *value) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == ',') return unexpected{errc::malformed_credentials};
  }
  return *value;
}

// The value of a named credential header of a request (name matched case-insensitively).
template <header_source H>
result<std::string_view> credential_of(const H& headers, std::string_view name) noexcept {
  auto v = single_header(headers, name);
  if (!v) return unexpected{v.error()};
  return credential_value(*v);
}

}  // namespace tessera::http
