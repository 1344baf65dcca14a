#pragma once
// The one place where a tessera::errc becomes an HTTP answer: status, JSON body and headers.
//
// Body: {"error":"<stable snake_case name>","message":"<fixed text>","status":<code>}, plus
// "code":<n> when a legacy numeric code is mapped. Nothing from the request (token, key,
// signature, header value) ever appears in it.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tessera/core/error.hpp"

namespace tessera::http {

// Maps a cause to a numeric code a legacy API documents (e.g. -23 for API-key failures).
using legacy_code_map = std::function<std::optional<int>(errc)>;

// How error responses are rendered.
struct error_options {
  // Optional legacy numeric codes, added to the body as "code".
  legacy_code_map legacy_code;
  // Realm for WWW-Authenticate on 401 answers ("" to omit the header).
  std::string realm = "api";
  // Seconds for Retry-After on 429 answers (0 to omit).
  int retry_after_seconds = 0;
};

// An HTTP answer for a failed request.
struct error_response {
  int status = 500;
  std::string body;                                          // JSON
  std::vector<std::pair<std::string, std::string>> headers;  // includes Content-Type
};

// True for the causes that concern an API key (the multi-surface model gives them one legacy code).
constexpr bool is_api_key_error(errc e) noexcept {
  return e == errc::api_key_malformed || e == errc::api_key_bad_checksum || e == errc::api_key_unknown ||
         e == errc::api_key_revoked || e == errc::api_key_expired || e == errc::wrong_tenant;
}

// A legacy map giving every API-key failure (and a missing or malformed ApiKey header) one code.
inline legacy_code_map api_key_legacy_code(int code = -23) {
  return [code](errc e) -> std::optional<int> {
    if (is_api_key_error(e) || e == errc::missing_credentials || e == errc::malformed_credentials) return code;
    return std::nullopt;
  };
}

// Renders the answer for a cause.
inline error_response make_error_response(errc e, const error_options& opts = {}) {
  error_response r;
  r.status = core::http_status(e);
  nlohmann::json body = {{"error", std::string(core::name(e))},
                         {"message", std::string(core::message(e))},
                         {"status", r.status}};
  if (opts.legacy_code) {
    if (auto c = opts.legacy_code(e)) body["code"] = *c;
  }
  r.body = body.dump();
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Cache-Control", "no-store");
  if (r.status == 401 && !opts.realm.empty()) {
    // RFC 6750 §3: invalid_token for token failures, bare challenge when nothing was presented.
    std::string challenge = "Bearer realm=\"" + opts.realm + "\"";
    if (e != errc::missing_credentials) challenge += ", error=\"invalid_token\"";
    r.headers.emplace_back("WWW-Authenticate", std::move(challenge));
  }
  if (r.status == 429 && opts.retry_after_seconds > 0)
    r.headers.emplace_back("Retry-After", std::to_string(opts.retry_after_seconds));
  return r;
}

}  // namespace tessera::http
