#pragma once
// The bodies of client/caller.hpp that read JSON with simdjson (see TESSERA_DECL in config.hpp).

#include <simdjson.h>

#include "tessera/client/caller.hpp"

namespace tessera::client {

namespace detail {
// The token's end in Unix seconds, or nullopt when the member cannot say.
inline std::optional<std::int64_t> token_expiry(simdjson::dom::element v, json_token_shape::expiry_kind expiry,
                                              std::chrono::system_clock::time_point sent_at) {
  std::optional<std::int64_t> n;
  std::int64_t i = 0;
  std::string_view s;
  if (v.is_int64() && v.get_int64().get(i) == simdjson::SUCCESS) n = i;
  else if (v.get_string().get(s) == simdjson::SUCCESS) {
    n = detail::small_decimal(s);
    if (!n && expiry == json_token_shape::expiry_kind::absolute_time) n = detail::parse_rfc3339(s);
  }
  if (!n || *n < 0) return std::nullopt;
  const std::int64_t longest = core::max_duration.count();
  if (expiry == json_token_shape::expiry_kind::lifetime_seconds) return core::unix_seconds(sent_at) + std::min(*n, longest);
  return std::min(*n, core::unix_seconds(sent_at) + longest);
}
}  // namespace detail

TESSERA_DECL result<fetched_token> json_token_shape::read(std::string_view body,
                                                      std::chrono::system_clock::time_point sent_at) const {
  if (body.empty() || body.size() > max_body_bytes) return unexpected{errc::token_unavailable};
  core::secret text(body.size() + simdjson::SIMDJSON_PADDING);  // zeroed padding, cleansed after
  std::memcpy(text.writable_bytes(), body.data(), body.size());
  simdjson::dom::parser parser;
  if (parser.allocate(body.size(), config::max_json_depth) != simdjson::SUCCESS) return unexpected{errc::internal_error};
  simdjson::dom::object members;
  if (parser.parse(reinterpret_cast<const char*>(text.writable_bytes()), body.size(), false).get_object().get(members) !=
      simdjson::SUCCESS)
    return unexpected{errc::token_unavailable};
  std::optional<std::string_view> token;
  std::optional<std::int64_t> end;  // Unix seconds
  bool have_expiry = false;
  struct wiper {  // the unescaped token in the parser's buffer is wiped whatever happens
    std::optional<std::string_view>& t;
    ~wiper() {
      if (t) detail::wipe_view(*t);
    }
  } wipe_token{token};
  for (const auto member : members) {
    if (member.key == token_field) {
      std::string_view v;
      if (token || member.value.get_string().get(v) != simdjson::SUCCESS) return unexpected{errc::token_unavailable};
      token = v;
    } else if (member.key == expiry_field) {
      if (have_expiry) return unexpected{errc::token_unavailable};
      have_expiry = true;
      end = detail::token_expiry(member.value, expiry, sent_at);
      if (!end) return unexpected{errc::token_unavailable};
    }
  }
  if (!token || !end || token->empty() || token->size() > max_token_bytes || !core::visible_ascii(*token))
    return unexpected{errc::token_unavailable};
  const auto expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(*end));
  return fetched_token{core::secret(core::bytes_view(*token)), expires_at};
}

}  // namespace tessera::client

namespace tessera::client::detail {

TESSERA_DECL void wipe(std::string& s) noexcept {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

TESSERA_DECL void wipe_view(std::string_view s) noexcept {
  if (!s.empty()) OPENSSL_cleanse(const_cast<char*>(s.data()), s.size());
}

TESSERA_DECL std::optional<std::int64_t> parse_rfc3339(std::string_view s) noexcept {
  for (auto f : {request_signing::timestamp_format::iso8601, request_signing::timestamp_format::iso8601_millis}) {
    if (auto t = request_signing::parse_timestamp(s, f))
      return std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
  }
  return std::nullopt;
}

}  // namespace tessera::client::detail

namespace tessera::client {

TESSERA_DECL json_token_shape commerce_token_shape() { return json_token_shape{}; }

TESSERA_DECL json_token_shape login_token_shape() {
  json_token_shape s;
  s.id_field = "client_id";
  s.secret_field = "client_secret";
  s.token_field = "token";
  s.expiry_field = "expired_at";
  s.expiry = json_token_shape::expiry_kind::absolute_time;
  return s;
}

TESSERA_DECL json_token_shape oauth_json_token_shape() {
  json_token_shape s;
  s.id_field = "client_id";
  s.secret_field = "client_secret";
  return s;
}

TESSERA_DECL bool safe_to_repeat(const http_request& r) noexcept {
  for (std::string_view m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
    if (r.method == m) return true;
  for (const auto& [name, value] : r.headers)
    if (core::iequals(name, "Idempotency-Key") && !value.empty()) return true;
  return false;
}

}  // namespace tessera::client
