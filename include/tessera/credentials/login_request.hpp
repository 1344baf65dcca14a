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
TESSERA_DECL login_request_shape json_login();
// {"clientId", "clientSecret"} in a JSON body.
TESSERA_DECL login_request_shape camel_json_login();
// RFC 6749 §4.4 client credentials: form body, grant_type=client_credentials, HTTP Basic.
TESSERA_DECL login_request_shape oauth_client_credentials();

namespace detail {
// Overwrites text held in a writable buffer of ours (a parser's unescaped string, say).
TESSERA_DECL void wipe_text(std::string_view s) noexcept;

// Decodes application/x-www-form-urlencoded text ('+' is a space, %XX a byte) into out, which
// must hold in.size() bytes; the decoded size, or nullopt for a broken escape.
TESSERA_DECL std::optional<std::size_t> form_decode(std::string_view in, std::uint8_t* out) noexcept;
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
                         const login_request_shape& shape);

  // "Basic base64(form-encoded id ':' form-encoded secret)" (RFC 7617, RFC 6749 §2.3.1),
  // decoded into out (room for the header's length).
  result<void> read_basic(std::string_view header, std::uint8_t* out);

  core::secret text_;
  std::unique_ptr<detail::login_json_parser, detail::login_json_parser_deleter> parser_;  // made on first JSON read
};

}  // namespace tessera::credentials

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/credentials/impl/login_request.ipp"
#endif
