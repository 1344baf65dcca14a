#pragma once
// The one place where a tessera::errc becomes an HTTP answer: status, JSON body and headers.
//
// Body: {"error":"<stable snake_case name>","message":"<fixed text>","status":<code>}, plus
// "code":<n> when a legacy numeric code is mapped. Nothing from the request (token, key,
// signature, header value) ever appears in it.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>


#include "tessera/config.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/headers.hpp"
#include "tessera/detail/json_text.hpp"

namespace tessera::http {

// Maps a cause to a numeric code a legacy API documents (e.g. -23 for API-key failures).
using legacy_code_map = std::function<std::optional<int>(errc)>;

// How error responses are rendered.
struct error_options {
  // Optional legacy numeric codes, added to the body as "code".
  legacy_code_map legacy_code;
  // Realm of the WWW-Authenticate challenges on 401 answers ("" to omit them).
  std::string realm = "api";
  // Auth-schemes challenged on 401 answers, one WWW-Authenticate field each; empty means
  // {"Bearer"}. An authenticator left with the empty list names the schemes of its methods.
  std::vector<std::string> schemes{};
  // Seconds for Retry-After on 429 answers (0 to omit).
  int retry_after_seconds = 0;
  // Seconds for Retry-After on 503 answers (a shared store is unreachable; 0 to omit).
  int unavailable_retry_after_seconds = 1;
};

// An HTTP answer for a failed request.
struct error_response {
  int status = 500;
  std::string body;                                          // JSON
  std::vector<std::pair<std::string, std::string>> headers;  // includes Content-Type
};

// True for the causes that concern an API key (the multi-surface model gives them one legacy code):
// every errc named api_key_*, so a cause added to the table later is covered too, and
// wrong_tenant, which the API-key verifier answers for a key used on another tenant's path.
constexpr bool is_api_key_error(errc e) noexcept {
  return core::name(e).starts_with("api_key_") || e == errc::wrong_tenant;
}

// True for the causes that mean the bearer token itself failed (RFC 6750's invalid_token): its
// header or format, size, algorithm, key, signature, time claims, issuer, audience, subject,
// type, claims, critical headers, revocation and refresh. Not a missing credential, not an API
// key's failure, not a request signature's (a signed request's token may be fine while its
// X-SIGNATURE is replayed), not a route's refusal.
constexpr bool is_token_error(errc e) noexcept {
  const auto v = static_cast<int>(e);
  if (v >= static_cast<int>(errc::token_malformed) && v <= static_cast<int>(errc::refresh_already_used)) return true;
  return e == errc::malformed_credentials || e == errc::bad_signature || e == errc::invalid_signature_length;
}

// A legacy map giving every API-key failure (and a missing or malformed ApiKey header) one code.
TESSERA_DECL legacy_code_map api_key_legacy_code(int code = -23);

namespace detail {
// A challenge parameter value as an RFC 9110 quoted-string: '"' and '\' escaped, control
// characters (CR and LF among them) dropped, so configuration can never split a header.
TESSERA_DECL std::string quoted(std::string_view v);
}  // namespace detail

// Renders the answer for a cause. A 401 challenges each scheme (RFC 9110 §11.6.1); the Bearer
// challenge adds error="invalid_token" (RFC 6750 §3.1) only when the token itself failed
// (is_token_error): not when nothing was presented, nor for an API key's failure, a request
// signature's, or a credential the route does not take. Schemes that are not valid tokens are
// left out.
TESSERA_DECL error_response make_error_response(errc e, const error_options& opts = {});

}  // namespace tessera::http

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/http/impl/error_response.ipp"
#endif
