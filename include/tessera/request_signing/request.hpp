#pragma once
// The request a signer signs and a verifier checks: the request_view concept any HTTP server
// adapts to, and request, an owning model of it.

#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/bytes.hpp"

namespace tessera::request_signing {

namespace detail {
using core::iequals;
// A non-owning view of body bytes: core::bytes_view or std::string_view, nothing that owns them.
template <class T>
concept byte_view = std::same_as<T, core::bytes_view> || std::same_as<T, std::string_view>;
}  // namespace detail

// What the signer and the verifier read from an HTTP request. A server adapts its own request
// type with a small struct of views into its buffers; nothing is copied.
// Rules:
//  - method(): the method exactly as received ("POST"); case is significant and kept;
//  - path(): the path of the request target as received on the request line, still
//    percent-encoded, without the query ("/api/v1/orders"); pass the raw path, not a decoded one;
//  - query(): the raw query after '?', still percent-encoded, without the '?' ("" when none);
//  - body(): the body bytes as received (transfer coding such as chunked removed, content
//    coding such as gzip not removed), empty when there is none;
//  - header(name): the value of the header whose name equals `name` ASCII-case-insensitively,
//    with the surrounding whitespace HTTP ignores removed, or nullopt when absent; a header sent
//    several times may be reported by its first value (signature headers are single-valued);
//  - every call is noexcept and cheap, and the views stay valid while a verify() call runs.
// The accessors return views, exactly (std::string_view; core::bytes_view or std::string_view
// for the body): the signer, the verifier and the http authenticator keep what they return, so
// an accessor returning an owning std::string, whose temporary dies at once, is refused here
// rather than read after it is freed.
template <class R>
concept request_view = requires(const R& r, std::string_view name) {
  { r.method() } noexcept -> std::same_as<std::string_view>;
  { r.path() } noexcept -> std::same_as<std::string_view>;
  { r.query() } noexcept -> std::same_as<std::string_view>;
  { r.body() } noexcept -> detail::byte_view;
  { r.header(name) } noexcept -> std::same_as<std::optional<std::string_view>>;
};

// An owning request: what a client builds before signing, and what tests and copying servers use.
class request {
 public:
  // One header line.
  struct header_field {
    std::string name;
    std::string value;
  };

  // An empty request (no method, no path).
  request() = default;
  // A request from its parts; path and query are the raw, percent-encoded texts.
  request(std::string method, std::string path, std::string query = {}, std::string body = {})
      : method_(std::move(method)), path_(std::move(path)), query_(std::move(query)), body_(std::move(body)) {}
  // A request from an origin-form target ("/a/b?x=1"), split at its first '?'.
  static request from_target(std::string method, std::string_view target, std::string body = {});

  // The method.
  std::string_view method() const noexcept { return method_; }
  // The raw path, without the query.
  std::string_view path() const noexcept { return path_; }
  // The raw query, without '?'.
  std::string_view query() const noexcept { return query_; }
  // The body bytes.
  core::bytes_view body() const noexcept { return core::bytes_view(std::string_view(body_)); }
  // The body as text.
  std::string_view body_text() const noexcept { return body_; }
  // The first header with this name (ASCII case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const noexcept;
  // Every header, in the order set.
  const std::vector<header_field>& headers() const noexcept { return headers_; }

  // Replaces the method.
  request& set_method(std::string m) { method_ = std::move(m); return *this; }
  // Replaces the raw path.
  request& set_path(std::string p) { path_ = std::move(p); return *this; }
  // Replaces the raw query.
  request& set_query(std::string q) { query_ = std::move(q); return *this; }
  // Replaces the body.
  request& set_body(std::string b) { body_ = std::move(b); return *this; }
  // Sets a header, replacing every header of the same name.
  request& set_header(std::string_view name, std::string_view value);
  // Removes every header of this name.
  request& remove_header(std::string_view name) {
    std::erase_if(headers_, [&](const header_field& h) { return detail::iequals(h.name, name); });
    return *this;
  }

 private:
  std::string method_, path_, query_, body_;
  std::vector<header_field> headers_;
};
static_assert(request_view<request>);

// The parts of a request a profile reads, taken once by the signer or verifier.
struct request_parts {
  std::string_view method;                       // as received
  std::string_view path;                         // raw, without query
  std::string_view query;                        // raw, without '?'
  core::bytes_view body;                         // as received
  std::optional<std::string_view> authorization; // the Authorization header, when present
};

namespace detail {
// Views of a request's parts; `authorization` names the header carrying the bearer token.
template <request_view R>
request_parts parts_of(const R& r, std::string_view authorization) noexcept {
  return request_parts{r.method(), r.path(), r.query(), core::bytes_view(r.body()), r.header(authorization)};
}
}  // namespace detail

}  // namespace tessera::request_signing

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/impl/request.ipp"
#endif
