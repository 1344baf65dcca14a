#pragma once
// JWT parsing machinery: compact-form splitting, strict header parsing, and building a
// verified_token's claim table from untrusted JSON with simdjson (per-thread parsers and
// padded buffers, so the steady state allocates only the token's own storage). simdjson is used
// only in the bodies, in impl/parse.ipp.

#include <algorithm>
#include <array>
#include <functional>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/detail/flat_json.hpp"
#include "tessera/jwt/algorithm.hpp"
#include "tessera/jwt/verified_token.hpp"

namespace tessera::jwt::detail {

// Latest NumericDate accepted: 9999-12-31T23:59:59Z. Later or negative values are invalid_claim.
inline constexpr std::int64_t max_numeric_date = 253402300799;
// Most members accepted in a header / a claims object.
inline constexpr std::size_t max_header_members = 32;
inline constexpr std::size_t max_claim_members = 256;
// Longest kid accepted.
inline constexpr std::size_t max_kid_length = 256;

// A cheap fingerprint of a member name: its length and its first, middle and last bytes, read
// without a branch on the length (a switch on it mispredicts on every claim). Names with
// different fingerprints differ, and a name of up to three bytes is identified exactly, so the
// registered claim names (all three bytes long) are recognised by fingerprint alone.
constexpr std::uint64_t name_fingerprint(std::string_view k) noexcept {
  const std::size_t n = k.size();
  if (n == 0) return 0;
  const auto byte = [&](std::size_t i) { return std::uint64_t(static_cast<unsigned char>(k[i])); };
  return (std::uint64_t(n) << 24) | (byte(0) << 16) | (byte(n / 2) << 8) | byte(n - 1);
}
// The fingerprint of a literal name, for dispatch on registered names.
constexpr std::uint64_t literal_fingerprint(std::string_view k) noexcept { return name_fingerprint(k); }

// The member names of one JSON object, to refuse a duplicate. A 64-bit filter on the names'
// fingerprints skips the comparisons for every name whose filter bit is not already set.
template <std::size_t N>
struct name_set {
  // The first `count` names: where each starts, and its fingerprint (which holds its length).
  // Plain arrays, left uninitialised, so that a name_set on the stack costs nothing to create.
  const char* starts[N];
  std::uint64_t fps[N];
  std::size_t count = 0;
  std::uint64_t filter = 0;

  void clear() noexcept {
    count = 0;
    filter = 0;
  }
  bool full() const noexcept { return count == N; }
  // Records k (fingerprint fp, not full()); false when k was already recorded.
  bool insert(std::string_view k, std::uint64_t fp) noexcept {
    const std::uint64_t bit = std::uint64_t{1} << ((fp * 0x9e3779b97f4a7c15u) >> 58);
    if ((filter & bit) && contains(k, fp)) return false;
    filter |= bit;
    starts[count] = k.data();
    fps[count] = fp;
    ++count;
    return true;
  }
  bool contains(std::string_view k, std::uint64_t fp) const noexcept {
    for (std::size_t i = 0; i < count; ++i)
      if (fps[i] == fp && std::string_view(starts[i], k.size()) == k) return true;
    return false;
  }
};

// The three segments of a compact JWS.
struct segments {
  std::string_view header, payload, signature, signing_input;
};

// Splits a compact token at its first two dots; header and payload must be non-empty. A third
// dot is left in the signature segment, whose strict base64url decoding refuses it (the verifier
// reports that as token_malformed), so the signature is not searched twice.
inline result<segments> split(std::string_view token) noexcept {
  auto d1 = token.find('.');
  if (d1 == std::string_view::npos) return unexpected{errc::token_malformed};
  auto d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return unexpected{errc::token_malformed};
  segments s{token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1), token.substr(0, d2)};
  if (s.header.empty() || s.payload.empty()) return unexpected{errc::token_malformed};
  return s;
}

// Registered header parameter names, which crit must never list (RFC 7515 §4.1.11).
inline bool is_registered_header(std::string_view n) noexcept {
  constexpr std::string_view names[] = {"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc", "zip"};
  for (auto r : names)
    if (n == r) return true;
  return false;
}

// What the verifier needs from a header. Views point into the thread's header parser.
struct header_fields {
  jwt::alg algorithm = jwt::alg::hs256;
  std::optional<std::string_view> kid;
  std::string_view typ;
  std::string_view cty;  // raw JWS only; the JWT path ignores it
  bool b64 = true;       // false: an RFC 7797 unencoded payload (only with "b64" understood and in crit)
};

// Strictly parses the header: an object with no duplicate member, a known "alg" string, string
// "kid"/"typ"/"cty", a "crit" whose every name is understood and present, and a boolean "b64"
// that may be false only for a raw JWS (Unencoded) when "b64" is understood and listed in crit
// (RFC 7797 §6); a JWT's claims are always base64url. jwk, jku, x5u and x5c are ignored: the key
// always comes from the verifier's key set.
template <bool Unencoded = false>
result<header_fields> parse_header(std::string_view b64, std::span<const std::string> understood_crit) noexcept;

// Builds verified_token objects; the only code allowed to construct one.
//
// A walk over the claims checks everything and records each claim in the thread's scratch list;
// the token's storage (inline up to token_bytes::inline_capacity bytes, else one allocation of
// exactly the size it needs) is then filled from the list. Two walks produce the same list:
// - the fast walk reads, with the flat_json scanner, the common case: an object of at most 32
//   members and 64 values, in UTF-8 text with no escape outside nested values, with string,
//   integer (up to 18 digits), boolean, null and array-of-strings values, and nested objects
//   and arrays (checked as JSON, kept as text only). Its strings are views into the claims text
//   itself, which the token keeps, so they are not copied. On anything else, valid or not,
//   it gives up and leaves the decision to the DOM walk;
// - the DOM walk reads any JSON, with a fully validating simdjson DOM parse, and gives the error.
// So the fast walk only ever accepts text the DOM walk accepts too, with the same result (the
// tests check both on the same texts).
struct token_builder {
  // Largest claim table accepted; a signed token whose claims would need more is token_malformed.
  static constexpr std::size_t max_table_size = 64 * 1024;
  // Which walks build may use: `any` tries the fast walk first; `dom` is for tests.
  enum class reader { any, dom };

  // Decodes and parses the claims, checks the registered claims' types, and builds the token.
  static result<verified_token> build(jwt::alg a, const header_fields& h, std::string_view payload_b64,
                                      reader r = reader::any) noexcept;

 private:
  struct impl;  // the walks and the writer of the token (impl/parse.ipp)
};

}  // namespace tessera::jwt::detail

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/jwt/detail/impl/parse.ipp"
#endif
