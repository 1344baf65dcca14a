#pragma once
// The bodies of credentials/login_request.hpp that read JSON with simdjson (see TESSERA_DECL in
// config.hpp).

#include <new>

#include <simdjson.h>

#include "tessera/credentials/login_request.hpp"

namespace tessera::credentials {

namespace detail {
struct login_json_parser {
  simdjson::dom::parser parser;
};

TESSERA_DECL void login_json_parser_deleter::operator()(login_json_parser* p) const noexcept { delete p; }
}  // namespace detail

TESSERA_DECL result<void> login_request::read_json(std::string_view body, const login_request_shape& shape,
                                                   std::size_t max_depth) {
  if (body.empty()) return unexpected{errc::missing_field};
  text_ = core::secret(body.size() + simdjson::SIMDJSON_PADDING);  // zeroed padding
  std::memcpy(text_.writable_bytes(), body.data(), body.size());
  if (!parser_) parser_.reset(new (std::nothrow) detail::login_json_parser());
  if (!parser_ || parser_->parser.allocate(body.size(), std::max<std::size_t>(max_depth, 1)) != simdjson::SUCCESS)
    return unexpected{errc::internal_error};
  simdjson::dom::object members;
  const char* text = reinterpret_cast<const char*>(text_.writable_bytes());
  if (parser_->parser.parse(text, body.size(), false).get_object().get(members) != simdjson::SUCCESS)
    return unexpected{errc::missing_field};
  bool have_id = false, have_secret = false;
  for (const auto member : members) {
    const bool is_secret = member.key == shape.secret_field;
    if (!is_secret && member.key != shape.id_field) continue;
    std::string_view value;
    if (member.value.get_string().get(value) != simdjson::SUCCESS) return unexpected{errc::missing_field};
    bool& have = is_secret ? have_secret : have_id;
    if (have) {  // given twice: ambiguous, as two parsers could each read another one
      if (is_secret) detail::wipe_text(value);
      return unexpected{errc::missing_field};
    }
    have = true;
    (is_secret ? client_secret : client_id) = value;
  }
  if (!have_id || !have_secret) return unexpected{errc::missing_field};
  return core::ok();
}

}  // namespace tessera::credentials

namespace tessera::credentials {

TESSERA_DECL auto login_request::read_form(std::string_view body, std::optional<std::string_view> authorization,
                                           const login_request_shape& shape) -> result<void> {
  // Every decoded value goes into one cleansed buffer: the body's size, plus a Basic value's.
  const std::size_t basic_room = authorization ? authorization->size() : 0;
  text_ = core::secret(body.size() + basic_room + 1);
  std::uint8_t* out = text_.writable_bytes();
  std::size_t used = 0;
  std::optional<std::string_view> id, secret, grant;
  std::string_view rest = body;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view raw = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    std::optional<std::string_view>* slot = name == "grant_type"         ? &grant
                                            : name == shape.id_field     ? &id
                                            : name == shape.secret_field ? &secret
                                                                         : nullptr;
    if (slot == nullptr) continue;
    if (*slot) return unexpected{errc::missing_field};  // given twice
    auto n = detail::form_decode(raw, out + used);
    if (!n) return unexpected{errc::missing_field};
    *slot = std::string_view(reinterpret_cast<const char*>(out + used), *n);
    used += *n;
  }
  if (!shape.grant_type.empty()) {
    if (!grant || grant->empty()) return unexpected{errc::missing_field};
    if (*grant != shape.grant_type) return unexpected{errc::unsupported_grant_type};
  }
  if (shape.basic_auth && authorization) {
    if (id || secret) return unexpected{errc::malformed_credentials};  // two methods at once
    return read_basic(*authorization, out + used);
  }
  if (!id || !secret || id->empty() || secret->empty()) return unexpected{errc::missing_field};
  client_id = *id;
  client_secret = *secret;
  return core::ok();
}

TESSERA_DECL auto login_request::read_basic(std::string_view header, std::uint8_t* out) -> result<void> {
  constexpr std::string_view scheme = "Basic ";
  if (header.size() <= scheme.size() || !core::iequals(header.substr(0, scheme.size()), scheme))
    return unexpected{errc::malformed_credentials};
  const std::string_view b64 = header.substr(scheme.size());
  core::secret decoded(b64.size());
  auto n = core::base64_decode_into(b64, {decoded.writable_bytes(), decoded.size()});
  if (!n) return unexpected{errc::malformed_credentials};
  const std::string_view pair(reinterpret_cast<const char*>(decoded.writable_bytes()), *n);
  const auto colon = pair.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == pair.size())
    return unexpected{errc::malformed_credentials};
  auto id_len = detail::form_decode(pair.substr(0, colon), out);
  if (!id_len) return unexpected{errc::malformed_credentials};
  auto secret_len = detail::form_decode(pair.substr(colon + 1), out + *id_len);
  if (!secret_len) return unexpected{errc::malformed_credentials};
  client_id = std::string_view(reinterpret_cast<const char*>(out), *id_len);
  client_secret = std::string_view(reinterpret_cast<const char*>(out + *id_len), *secret_len);
  return core::ok();
}

}  // namespace tessera::credentials

namespace tessera::credentials {

TESSERA_DECL login_request_shape json_login() { return {}; }

TESSERA_DECL login_request_shape camel_json_login() {
  return {login_request_shape::encoding::json, "clientId", "clientSecret", false, ""};
}

TESSERA_DECL login_request_shape oauth_client_credentials() {
  return {login_request_shape::encoding::form, "client_id", "client_secret", true, "client_credentials"};
}

}  // namespace tessera::credentials

namespace tessera::credentials::detail {

TESSERA_DECL void wipe_text(std::string_view s) noexcept {
  if (!s.empty()) OPENSSL_cleanse(const_cast<char*>(s.data()), s.size());
}

TESSERA_DECL std::optional<std::size_t> form_decode(std::string_view in, std::uint8_t* out) noexcept {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::size_t n = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') c = ' ';
    else if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    out[n++] = static_cast<std::uint8_t>(c);
  }
  return n;
}

}  // namespace tessera::credentials::detail
