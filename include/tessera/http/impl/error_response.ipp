#pragma once
// The bodies of http/error_response.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/http/error_response.hpp"

namespace tessera::http {

TESSERA_DECL legacy_code_map api_key_legacy_code(int code) {
  return [code](errc e) -> std::optional<int> {
    if (is_api_key_error(e) || e == errc::missing_credentials || e == errc::malformed_credentials) return code;
    return std::nullopt;
  };
}

TESSERA_DECL error_response make_error_response(errc e, const error_options& opts) {
  error_response r;
  r.status = core::http_status(e);
  // {"code":..,"error":..,"message":..,"status":..}: members in name order, as a JSON object
  // type with sorted keys writes them; "code" only with a legacy code.
  std::string& b = r.body;
  b.reserve(128);
  b.push_back('{');
  if (opts.legacy_code) {
    if (auto c = opts.legacy_code(e)) {
      b += "\"code\":";
      b += std::to_string(*c);
      b.push_back(',');
    }
  }
  b += "\"error\":\"";
  tessera::detail::append_json_text(b, core::name(e));
  b += "\",\"message\":\"";
  tessera::detail::append_json_text(b, core::message(e));
  b += "\",\"status\":";
  b += std::to_string(r.status);
  b.push_back('}');
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Cache-Control", "no-store");
  if (r.status == 401 && !opts.realm.empty()) {
    static const std::vector<std::string> bearer_only{"Bearer"};
    const bool token_failed = is_token_error(e);
    for (const auto& scheme : opts.schemes.empty() ? bearer_only : opts.schemes) {
      if (!core::is_token(scheme)) continue;
      std::string challenge = scheme + " realm=" + detail::quoted(opts.realm);
      if (scheme == "Bearer" && token_failed) challenge += ", error=\"invalid_token\"";
      r.headers.emplace_back("WWW-Authenticate", std::move(challenge));
    }
  }
  if (r.status == 429 && opts.retry_after_seconds > 0)
    r.headers.emplace_back("Retry-After", std::to_string(opts.retry_after_seconds));
  if (r.status == 503 && opts.unavailable_retry_after_seconds > 0)
    r.headers.emplace_back("Retry-After", std::to_string(opts.unavailable_retry_after_seconds));
  return r;
}

}  // namespace tessera::http

namespace tessera::http::detail {

TESSERA_DECL std::string quoted(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace tessera::http::detail
