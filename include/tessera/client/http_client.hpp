#pragma once
// http_client: how tessera's outbound parts (webhook delivery, client::caller) send one HTTP
// request. A concept, so a server plugs in the client it already uses; the default model on
// cpp-httplib is tessera::adapters::httplib::client (target tessera::httplib).

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/result.hpp"

namespace tessera::client {

// Header fields in the order they are sent (a name may repeat).
using header_list = std::vector<std::pair<std::string, std::string>>;

// One outbound request: an absolute http(s) URL, its method, headers and body.
struct http_request {
  std::string method = "GET";
  std::string url{};  // "https://host[:port]/path?query"
  header_list headers;
  std::string body{};
  std::chrono::milliseconds timeout{std::chrono::seconds{10}};  // connect, and each read or write
};

// The answer to an outbound request.
struct http_response {
  int status = 0;
  header_list headers;
  std::string body;

  // The first value of a header (name matched ASCII-case-insensitively).
  std::optional<std::string_view> header(std::string_view name) const noexcept;
};

// The delay a Retry-After header asks for, when it is delta-seconds (RFC 9110 §10.2.3; spaces
// around it allowed, at most 12 digits); nullopt when absent, an HTTP-date, or malformed.
inline std::optional<std::chrono::seconds> retry_after(const http_response& r) noexcept {
  auto v = r.header("Retry-After");
  if (!v) return std::nullopt;
  std::string_view s = *v;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return std::chrono::seconds{n};
}

// Sends requests.
// Rules: send() is thread-safe and noexcept; it returns the response for any HTTP status (a 500
// is an answer, not an error); it fails with connection_failed when no answer arrived (DNS,
// connect, TLS, timeout) and url_not_allowed when the URL is refused before any connection (a
// scheme other than http or https, or an address the client's guard forbids). It verifies TLS
// certificates unless its owner turned that off explicitly, and never logs headers or bodies.
template <class C>
concept http_client = requires(C& c, const http_request& r) {
  { c.send(r) } noexcept -> std::same_as<result<http_response>>;
};

}  // namespace tessera::client

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/client/impl/http_client.ipp"
#endif
