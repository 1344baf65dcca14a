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
    for (; i + 16 <= s.size(); i += 16) {
      const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      // Setting bit 0x20 folds upper-case letters onto lower case; no other byte lands in a..z.
      const __m128i folded = _mm_xor_si128(_mm_or_si128(raw, _mm_set1_epi8(0x20)), flip);
      __m128i ok = in_range(folded, 'a', 'z');
      ok = _mm_or_si128(ok, in_range(_mm_xor_si128(raw, flip), '-', '9'));  // - . / and digits
      ok = _mm_or_si128(ok, _mm_cmpeq_epi8(raw, _mm_set1_epi8('+')));
      ok = _mm_or_si128(ok, _mm_cmpeq_epi8(raw, _mm_set1_epi8('_')));
      ok = _mm_or_si128(ok, _mm_cmpeq_epi8(raw, _mm_set1_epi8('~')));
      if (_mm_movemask_epi8(ok) != 0xffff) return false;
    }
  }
#endif
  for (; i < s.size(); ++i)
    if (!b64token_char(s[i])) return false;
  return true;
}
}  // namespace detail

// A request's headers as a host server exposes them.
// Rules: header(name) matches the name case-insensitively and returns the value of the single
// header with that name, nullopt when absent. A server whose request holds the same header
// twice should return nullopt or the first value consistently; credential readers below refuse
// values containing a comma, so a folded duplicate never slips through as one credential.
// header() returns std::optional<std::string_view> exactly, a view into the request: an
// accessor returning owning strings (std::string, std::optional<std::string>) is refused, as the
// token or key read from it would outlive the temporary it points into.
template <class H>
concept header_source = requires(const H& h, std::string_view name) {
  { h.header(name) } -> std::same_as<std::optional<std::string_view>>;
};

// A header_source over any range of (name, value) pairs, e.g. std::vector<std::pair<std::string,std::string>>
// or std::multimap; a name present twice yields nullopt (ambiguous credentials are refused).
template <class Range>
class header_list {
 public:
  explicit header_list(const Range& r) noexcept : r_(&r) {}
  std::optional<std::string_view> header(std::string_view name) const {
    std::optional<std::string_view> found;
    for (const auto& [k, v] : *r_) {
      if (!iequals(k, name)) continue;
      if (found) return std::nullopt;
      found = std::string_view(v);
    }
    return found;
  }

 private:
  const Range* r_;
};
static_assert(header_source<header_list<std::pair<std::string_view, std::string_view>[1]>>);

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
result<std::string_view> bearer_token_of(const H& headers) {
  return bearer_token(headers.header("Authorization"));
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
result<std::string_view> credential_of(const H& headers, std::string_view name) {
  return credential_value(headers.header(name));
}

}  // namespace tessera::http
