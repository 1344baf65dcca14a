#pragma once
// login_request: where a login endpoint finds the client id and secret. Three shapes ship:
//   json_login()        {"client_id": "...", "client_secret": "..."}          (signed orders)
//   camel_json_login()  {"clientId": "...", "clientSecret": "..."}            (commerce)
//   oauth_client_credentials()  RFC 6749 §4.4: a form body with
//                       grant_type=client_credentials, the client authenticated with HTTP Basic
//                       (§2.3.1: id and secret form-encoded, then base64) or, when no
//                       Authorization header is sent, client_id and client_secret in the body.
// Every copy of the secret made while reading (the parser's text, the decoded Basic value, the
// percent-decoded secret) lives in a cleansed buffer.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/crypto.h>

#include "tessera/config.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"

namespace tessera::credentials {

// The shape of a login request.
struct login_request_shape {
  // How the body is encoded.
  enum class encoding { json, form };
  encoding body = encoding::json;
  std::string id_field = "client_id";          // the member or form field holding the client id
  std::string secret_field = "client_secret";  // the one holding the secret
  bool basic_auth = false;                     // form only: HTTP Basic carries the credentials
  std::string grant_type;                      // form only: the grant_type required ("" for none)
};

// {"client_id", "client_secret"} in a JSON body.
inline login_request_shape json_login() { return {}; }
// {"clientId", "clientSecret"} in a JSON body.
inline login_request_shape camel_json_login() {
  return {login_request_shape::encoding::json, "clientId", "clientSecret", false, ""};
}
// RFC 6749 §4.4 client credentials: form body, grant_type=client_credentials, HTTP Basic.
inline login_request_shape oauth_client_credentials() {
  return {login_request_shape::encoding::form, "client_id", "client_secret", true, "client_credentials"};
}

namespace detail {
// Overwrites text held in a writable buffer of ours (a parser's unescaped string, say).
inline void wipe_text(std::string_view s) noexcept {
  if (!s.empty()) OPENSSL_cleanse(const_cast<char*>(s.data()), s.size());
}

// Decodes application/x-www-form-urlencoded text ('+' is a space, %XX a byte) into out, which
// must hold in.size() bytes; the decoded size, or nullopt for a broken escape.
inline std::optional<std::size_t> form_decode(std::string_view in, std::uint8_t* out) noexcept {
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
// The JSON parser a login_request reads a JSON body with (impl/login_request.ipp); the client id
// and secret it reads are views into its buffers.
struct login_json_parser;
// Deletes a login_json_parser.
struct login_json_parser_deleter {
  TESSERA_DECL void operator()(login_json_parser* p) const noexcept;
};
}  // namespace detail

// The client id and secret of one login request, read under a shape. Views stay valid while
// this lives; every buffer that held the secret is cleansed when it is destroyed.
class login_request {
 public:
  std::string_view client_id;      // the client id, as sent (decoded for forms)
  std::string_view client_secret;  // the secret; never log it

  login_request() = default;
  login_request(const login_request&) = delete;
  login_request& operator=(const login_request&) = delete;
  ~login_request() { detail::wipe_text(client_secret); }

  // Reads a request body (the caller bounded its size) and, for Basic, its Authorization
  // header value (nullopt when absent). Errors:
  //   missing_field (400): the body is not one JSON object nested at most max_depth deep (JSON),
  //     or a field is absent, given twice, not a string, or badly escaped;
  //   unsupported_grant_type (400): a form whose grant_type is not the shape's;
  //   malformed_credentials (401): an Authorization header that is not valid Basic, or client
  //     credentials both in it and in the body (RFC 6749 §2.3: one method per request);
  //   internal_error: no memory for the parser.
  result<void> read(std::string_view body, std::optional<std::string_view> authorization, const login_request_shape& shape,
                    std::size_t max_depth = config::max_json_depth) {
    if (shape.body == login_request_shape::encoding::json) return read_json(body, shape, max_depth);
    return read_form(body, authorization, shape);
  }

 private:
  // Reads a JSON body (see read()).
  result<void> read_json(std::string_view body, const login_request_shape& shape, std::size_t max_depth);

  result<void> read_form(std::string_view body, std::optional<std::string_view> authorization,
                         const login_request_shape& shape) {
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
      std::optional<std::string_view>* slot = name == "grant_type" ? &grant
                                              : name == shape.id_field ? &id
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

  // "Basic base64(form-encoded id ':' form-encoded secret)" (RFC 7617, RFC 6749 §2.3.1),
  // decoded into out (room for the header's length).
  result<void> read_basic(std::string_view header, std::uint8_t* out) {
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

  core::secret text_;
  std::unique_ptr<detail::login_json_parser, detail::login_json_parser_deleter> parser_;  // made on first JSON read
};

}  // namespace tessera::credentials

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/credentials/impl/login_request.ipp"
#endif
