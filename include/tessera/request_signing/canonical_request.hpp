#pragma once
// The canonical_request profile: a signature over the whole request (method, path, query, body
// digest), the timestamp, a nonce, the client id and optionally the bearer token, so that a
// captured signature cannot be replayed against another endpoint, another body, or at all.
//
// ================================ Specification (version 1) ================================
// All text is ASCII. "LF" is the single byte 0x0A. HEX digits written by this spec are upper
// case in percent-encodings and lower case in digests.
//
// 1. Headers sent by the client (names are the defaults; a deployment may rename them):
//      X-CLIENT-ID   the client id: 1-256 visible ASCII characters (0x21-0x7E)
//      X-TIMESTAMP   the time of signing in the agreed format (unix seconds by default, or
//                    ISO-8601 with offset; see timestamp.hpp for the exact grammar)
//      X-NONCE       16-128 characters of A-Z a-z 0-9 '-' '_', never reused by this client
//                    (tessera's signer sends 16 random bytes as base64url, 22 characters)
//      X-SIGNATURE   the signature, padded standard base64 (RFC 4648 §4)
//      Content-Digest  (only with the content_digest body form) "sha-256=:<base64>:"; it is
//                    informational: the server recomputes the digest from the body it receives.
//
// 2. String to sign: exactly nine lines joined by LF, with no LF after the last line:
//      line 1  tessera-request-v1
//      line 2  the X-CLIENT-ID value, as sent
//      line 3  the X-TIMESTAMP value, as sent (never re-formatted)
//      line 4  the X-NONCE value, as sent
//      line 5  the method, as sent, case kept ("POST"): 1-32 characters of the RFC 9110 token set
//      line 6  the canonical path (section 3)
//      line 7  the canonical query (section 4); empty when there is no query
//      line 8  the body digest (section 5)
//      line 9  the token digest (section 6); empty when token binding is off
//    None of the lines can contain LF, so the string is unambiguous. With token binding off,
//    line 9 is empty and the string therefore ends with the LF that closes line 8.
//
// 3. Canonical path. Input: the path of the request target exactly as it travels on the request
//    line (percent-encoded, without '?' and query). It must start with '/' and must not contain
//    '?' or '#'. Each byte is processed left to right:
//      - "%" followed by two hex digits (either case) is decoded to one byte B, then B is
//        written with the encoding rule below (so "%7e" becomes "~" and "%2f" becomes "%2F");
//        a "%" not followed by two hex digits is an error;
//      - "/" and "+" are written as they are;
//      - any other byte B is written with the encoding rule.
//    Encoding rule: a byte in A-Z a-z 0-9 '-' '.' '_' '~' (RFC 3986 unreserved) is written as
//    itself; any other byte as "%" and two upper-case hex digits.
//    Dot segments are not removed and "//" is not collapsed: the path is signed as sent.
//
// 4. Canonical query. Input: the raw query after '?' (without the '?'), as it travels.
//      a. Split it on "&". Drop empty pieces.
//      b. Split each piece at its first "=" into name and value; a piece without "=" has an
//         empty value ("flag" and "flag=" are the same parameter).
//      c. Normalise name and value with the byte rule of section 3, except that "/" is encoded
//         too ("%2F"); "+" stays "+" and is therefore distinct from "%2B" and from "%20".
//      d. Sort the parameters by normalised name, comparing bytes (ASCII order), with a STABLE
//         sort: parameters of the same name keep the order in which they were sent, because
//         servers that read the first (or last) of repeated names must not be fooled.
//      e. Write each as name "=" value, joined by "&" ("=" is written even for empty values).
//
// 5. Body digest: SHA-256 over the exact body bytes as sent (an empty body is hashed too:
//    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855), written
//      - hex form (default): 64 lower-case hex digits;
//      - content_digest form: "sha-256=:" + padded standard base64 of the 32 digest bytes + ":",
//        which is the RFC 9530 Content-Digest field value for SHA-256.
//
// 6. Token digest (only when token binding is on): the Authorization header must be
//    "Bearer " + token (scheme case-insensitive, one space, a token without spaces); the line is
//    the 64 lower-case hex digits of SHA-256 over the token characters (without "Bearer ").
//
// 7. Signature: the client's registered algorithm over the bytes of the string to sign (for the
//    default, RSASSA-PKCS1-v1_5 with SHA-256, i.e. "SHA256withRSA"; also RSA-PSS SHA-256 with
//    MGF1-SHA-256 and a 32-byte salt, ECDSA P-256 SHA-256 as raw r||s (64 bytes), or Ed25519),
//    sent as padded standard base64 in X-SIGNATURE.
//
// 8. The server refuses a timestamp outside its window (±300 s by default), a malformed
//    header, an unknown client, a signature no registered key of the client verifies, and any
//    nonce the client already used within the replay period.
//
// Worked example (token binding on, hex body digest, unix seconds):
//    POST /api/v1/partners/p%2d42/orders?sort=desc&filter=status%3aopen&filter=a+b&page=2&flag
//    X-CLIENT-ID: partner-42
//    X-TIMESTAMP: 1715929970
//    X-NONCE: n0nce-3f9a1c2e7b5d
//    Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJjbGllbnRfaWQiOiJwYXJ0bmVyLTQyIn0.c2ln
//    body: {"sku":"A-1","qty":2}
//  string to sign (9 lines):
//    tessera-request-v1
//    partner-42
//    1715929970
//    n0nce-3f9a1c2e7b5d
//    POST
//    /api/v1/partners/p-42/orders
//    filter=status%3Aopen&filter=a+b&flag=&page=2&sort=desc
//    d3c95de2d66db9a042603637d7c75dcdb810c4f4a5e5530d450ffd344b022636
//    4839c969dfe57db4a3237a2e086d0f0fac99c49b1594084a938e7ce9c2890e22
//  (with the content_digest form, line 8 is sha-256=:08ld4tZtuaBCYDY318ddzbgQxPSl5VMNRQ/9NEsCJjY=:)
// ==========================================================================================

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/hex.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/request_signing/profile.hpp"
#include "tessera/request_signing/timestamp.hpp"

namespace tessera::request_signing {

// How line 8 (the body digest) is written.
enum class body_digest_form {
  hex,             // 64 lower-case hex digits
  content_digest,  // "sha-256=:<base64>:" (RFC 9530), also sent as a Content-Digest header
};

// The first line of every version-1 canonical string.
inline constexpr std::string_view canonical_request_label = "tessera-request-v1";

// Settings both sides of a canonical_request deployment must share.
struct canonical_request_options {
  timestamp_format format = timestamp_format::unix_seconds;  // X-TIMESTAMP format
  body_digest_form body_digest = body_digest_form::hex;      // line 8 form
  bool bind_bearer_token = false;                            // line 9: SHA-256 of the bearer token
  header_names headers{};                                    // header names
};

namespace detail {
constexpr bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
// Writes byte c under the encoding rule (unreserved as is, anything else %XX upper case).
TESSERA_DECL void append_encoded(std::string& out, unsigned char c);
// Normalises one raw component (spec sections 3 and 4c); false on a broken percent-escape.
TESSERA_DECL bool append_normalized(std::string& out, std::string_view raw, bool keep_slash);
// True for an RFC 9110 token character.
constexpr bool is_tchar(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Appends the canonical path (spec section 3); false when the path cannot be canonicalised.
TESSERA_DECL bool append_canonical_path(std::string& out, std::string_view raw);

// One normalised query parameter: offsets into the scratch text.
struct query_param {
  std::size_t name_at, name_len, value_at, value_len;
};
// Per-thread scratch of the query canonicaliser, reused so a warm thread does not allocate.
struct query_scratch {
  std::string norm;  // every normalised name and value, back to back
  std::vector<query_param> params;
};
TESSERA_DECL query_scratch& thread_query_scratch() noexcept;

// Appends the canonical query (spec section 4); false on a broken percent-escape.
TESSERA_DECL bool append_canonical_query(std::string& out, std::string_view raw);

// Appends the body digest (spec section 5); false when hashing failed.
TESSERA_DECL bool append_body_digest(std::string& out, core::bytes_view body, body_digest_form form);

// The token of an "Authorization: Bearer <token>" value (scheme case-insensitive), or empty.
constexpr std::string_view bearer_token(std::string_view authorization) noexcept {
  if (authorization.size() < 8 || !iequals(authorization.substr(0, 7), "Bearer ")) return {};
  const std::string_view token = authorization.substr(7);
  for (char c : token)
    if (c == ' ' || c == '\t' || static_cast<unsigned char>(c) < 0x21 || c == 0x7f) return {};
  return token;
}
}  // namespace detail

// The canonical path of a raw request path (spec section 3); malformed_request when it does not
// start with '/', holds '?' or '#', or has a broken percent-escape.
TESSERA_DECL result<std::string> canonical_path(std::string_view raw_path);

// The canonical query of a raw query string (spec section 4); malformed_request on a broken
// percent-escape.
TESSERA_DECL result<std::string> canonical_query(std::string_view raw_query);

// The body digest line of a body (spec section 5).
TESSERA_DECL result<std::string> body_digest(core::bytes_view body, body_digest_form form = body_digest_form::hex);

// The canonical-request profile specified above.
class canonical_request {
 public:
  // The string binds the request.
  static constexpr bool binds_request = true;

  // Unix-seconds timestamps, hex body digest, no token binding, default header names.
  canonical_request() = default;
  // Chosen settings (both sides must use the same).
  explicit canonical_request(canonical_request_options o) : opts_(std::move(o)) {}

  // The timestamp format.
  timestamp_format format() const noexcept { return opts_.format; }
  // A nonce is always required.
  bool uses_nonce() const noexcept { return true; }
  // The header names.
  const header_names& headers() const noexcept { return opts_.headers; }
  // The settings.
  const canonical_request_options& options() const noexcept { return opts_; }

  // Appends the nine-line string of the specification. Errors: malformed_request (method, path
  // or query), missing_header / malformed_header (Authorization, when the token is bound),
  // malformed_header (a client id or nonce the spec does not allow), crypto_failure.
  result<void> append_string_to_sign(std::string& out, const request_parts& r, const signed_fields& f) const noexcept;

  // Adds the Content-Digest header the signer sends with the content_digest form.
  void add_signer_headers(const request_parts& r, signed_headers& out) const;

 private:
  canonical_request_options opts_{};
};
static_assert(signing_profile<canonical_request>);

}  // namespace tessera::request_signing

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/impl/canonical_request.ipp"
#endif
