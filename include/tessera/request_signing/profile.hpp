#pragma once
// The signing_profile concept (what a signature covers, and in which headers it travels), the
// header names, and the shape rules for client ids and nonces that every profile shares.

#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/request_signing/request.hpp"
#include "tessera/request_signing/timestamp.hpp"

namespace tessera::request_signing {

// The names of the headers a profile reads and writes (matched ASCII-case-insensitively).
struct header_names {
  std::string client_id = "X-CLIENT-ID";      // the client id, signed as sent
  std::string timestamp = "X-TIMESTAMP";      // the timestamp, signed as sent
  std::string signature = "X-SIGNATURE";      // base64 (RFC 4648 §4, padded) of the signature
  std::string nonce = "X-NONCE";              // the nonce, for profiles that use one
  std::string authorization = "Authorization";  // "Bearer <token>", for profiles that bind the token
};

// The signed values that travel in headers, exactly as sent.
struct signed_fields {
  std::string_view client_id;
  std::string_view timestamp;
  std::string_view nonce;  // empty for profiles without a nonce
};

// Longest client id accepted.
inline constexpr std::size_t max_client_id_size = 256;
// Shortest nonce accepted.
inline constexpr std::size_t min_nonce_size = 16;
// Longest nonce accepted.
inline constexpr std::size_t max_nonce_size = 128;

// True when s can be a client id: 1 to 256 visible ASCII characters (0x21-0x7E, no space).
constexpr bool valid_client_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > max_client_id_size) return false;
  for (char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

// True when s can be a nonce: 16 to 128 characters of A-Z a-z 0-9 '-' '_' (so base64url text
// of 12 or more random bytes, and UUIDs, fit).
constexpr bool valid_nonce(std::string_view s) noexcept {
  if (s.size() < min_nonce_size || s.size() > max_nonce_size) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The headers a signer produces, in the order they should be sent.
class signed_headers {
 public:
  // One header to send.
  struct header {
    std::string name;
    std::string value;
  };

  // Appends a header.
  void add(std::string name, std::string value) { headers_.push_back({std::move(name), std::move(value)}); }
  // The value of the header with this name (ASCII case-insensitive), or nullopt.
  std::optional<std::string_view> find(std::string_view name) const noexcept;
  // Sets every header on a request, replacing headers of the same names.
  void apply_to(request& r) const {
    for (const auto& h : headers_) r.set_header(h.name, h.value);
  }
  // Number of headers.
  std::size_t size() const noexcept { return headers_.size(); }
  // The first header (iteration in sending order).
  auto begin() const noexcept { return headers_.begin(); }
  // Past the last header.
  auto end() const noexcept { return headers_.end(); }

 private:
  std::vector<header> headers_;
};

// What a signature covers and where its parts travel: the string-to-sign, the timestamp format,
// whether a nonce is used, and the header names. Signer and verifier call the same profile, so
// both sides agree byte for byte.
// Rules:
//  - append_string_to_sign(out, request, fields) appends the exact bytes that are signed and
//    verified. It is deterministic, thread-safe and noexcept; it uses the timestamp, client id
//    and nonce texts exactly as they travel (never re-formatted), and it is injective: two
//    requests that differ in anything the profile binds give different strings. A request it
//    cannot represent fails with an errc (malformed_request, missing_header, malformed_header);
//  - format() is the one timestamp format both sides use, parsed strictly (timestamp.hpp);
//  - uses_nonce(): when true the nonce header is required and part of the string, and the
//    verifier remembers (client id, nonce) in its replay store; when false the verifier
//    remembers (client id, string to sign) instead, unless the profile has a member
//    refuses_repeats() that returns false (then nothing is remembered: see client_timestamp);
//  - headers() names the headers; the profile is cheap to copy;
//  - binds_request is a constant: false when the string ignores the request (sign() then needs
//    no request);
//  - optionally, add_signer_headers(request_parts, signed_headers&) adds headers the signer
//    should send besides the signed ones (e.g. Content-Digest).
template <class P>
concept signing_profile = std::copy_constructible<P> &&
    requires(const P& p, std::string& out, const request_parts& r, const signed_fields& f) {
      { P::binds_request } -> std::convertible_to<bool>;
      { p.format() } noexcept -> std::same_as<timestamp_format>;
      { p.uses_nonce() } noexcept -> std::same_as<bool>;
      { p.headers() } noexcept -> std::same_as<const header_names&>;
      { p.append_string_to_sign(out, r, f) } noexcept -> std::same_as<result<void>>;
    };

// True when a verifier under this profile refuses a repeat of what it has seen (a nonce, or a
// signed string): always with a nonce; without one, as the profile's refuses_repeats() says
// (true when it has none).
template <signing_profile P>
constexpr bool refuses_repeats(const P& p) noexcept {
  if (p.uses_nonce()) return true;
  if constexpr (requires { { p.refuses_repeats() } noexcept -> std::convertible_to<bool>; }) return p.refuses_repeats();
  else return true;
}

// The exact string a profile signs for a request and field values: for debugging a partner's
// implementation, and for tests.
template <signing_profile P, request_view R>
result<std::string> string_to_sign(const P& profile, const R& req, const signed_fields& fields) {
  std::string out;
  auto parts = detail::parts_of(req, profile.headers().authorization);
  if (auto r = profile.append_string_to_sign(out, parts, fields); !r) return unexpected{r.error()};
  return out;
}

}  // namespace tessera::request_signing

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/impl/profile.ipp"
#endif
