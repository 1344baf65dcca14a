#pragma once
// tessera over cpp-httplib: the request view every handler hands to tessera, the error answers
// written into httplib's response, and a server set-up that gives every answer, the framework's
// own 404 and 400 too, the same JSON error body. Optional: the CMake target tessera::httplib.
//
// Request view rules (http::request_view and request_signing::request_view):
//  - path() and query() come from the raw request target, still percent-encoded, split at the
//    first '?'; tessera never sees a path the framework has decoded or normalised;
//  - header(name) matches names ASCII-case-insensitively. A header sent more than once is
//    reported as its field lines combined with ", " (RFC 9110 §5.3), so two credentials in two
//    lines ("ApiKey: <valid>" and "ApiKey: junk") read as one malformed value and are refused,
//    never silently reduced to the first.

#include <httplib.h>

#include <nlohmann/json.hpp>

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/core/ascii.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/error.hpp"
#include "tessera/http/error_response.hpp"

namespace tessera::adapters::httplib {

// tessera's view of one cpp-httplib request. Holds a reference: it lives inside the handler call.
class request {
 public:
  // A view of r; r must outlive it.
  explicit request(const ::httplib::Request& r) noexcept : r_(r) {}

  // The raw request target (path and query), as sent.
  std::string_view target() const noexcept { return r_.target.empty() ? std::string_view(r_.path) : r_.target; }
  // The method, as sent.
  std::string_view method() const noexcept { return r_.method; }
  // The raw path: the target up to its first '?', still percent-encoded.
  std::string_view path() const noexcept { return target().substr(0, target().find('?')); }
  // The raw query: the target after its first '?', or empty.
  std::string_view query() const noexcept {
    const auto q = target().find('?');
    return q == std::string_view::npos ? std::string_view() : target().substr(q + 1);
  }
  // The body bytes, as received.
  core::bytes_view body() const noexcept { return core::bytes_view(std::string_view(r_.body)); }

  // The value of a header (name matched case-insensitively); several field lines come back
  // combined with ", " (RFC 9110 §5.3); nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const noexcept {
    const std::string* first = nullptr;
    std::size_t count = 0;
    for (const auto& [k, v] : r_.headers) {
      if (!core::iequals(k, name)) continue;
      if (count++ == 0) first = &v;
    }
    if (count == 0) return std::nullopt;
    if (count == 1) return std::string_view(*first);
    try {
      std::string joined;
      for (const auto& [k, v] : r_.headers) {
        if (!core::iequals(k, name)) continue;
        if (!joined.empty()) joined += ", ";
        joined += v;
      }
      return std::string_view(combined_.emplace_back(std::move(joined)));
    } catch (...) {
      return std::string_view(",");  // what two empty field lines combine to: no credential reads it
    }
  }

 private:
  const ::httplib::Request& r_;
  mutable std::deque<std::string> combined_;  // combined values handed out (a deque keeps them in place)
};

// Writes a tessera error answer (status, headers, JSON body) into an httplib response.
inline void write(::httplib::Response& res, const http::error_response& e) {
  res.status = e.status;
  for (const auto& [k, v] : e.headers)
    if (!core::iequals(k, "Content-Type")) res.set_header(k, v);
  res.set_content(e.body, "application/json");
}

// The errc for an error status the framework answers on its own, before any handler runs.
constexpr errc framework_error(int status) noexcept {
  switch (status) {
    case 404: return errc::route_not_found;
    case 413: case 414: case 431: return errc::input_too_large;
    default: return status >= 500 ? errc::internal_error : errc::malformed_request;
  }
}

// Prepares a server for tessera: TCP_NODELAY on (cpp-httplib leaves it off, and each keep-alive
// answer then waits for the peer's delayed ACK, ~40 ms), and every error answer that carries no
// body of its own (the framework's 404 for an unknown path, 400 for a bad request line, a
// handler's exception) rendered as tessera's JSON error body with the same options.
inline void prepare(::httplib::Server& server, http::error_options options = {}) {
  server.set_tcp_nodelay(true);
  server.set_error_handler([options](const ::httplib::Request&, ::httplib::Response& res) {
    if (!res.body.empty()) return;
    const int status = res.status;
    auto answer = http::make_error_response(framework_error(status), options);
    if (answer.status != status) {  // keep the framework's status (e.g. 413) and say so in the body
      auto body = nlohmann::json::parse(answer.body, nullptr, false);
      if (body.is_object()) body["status"] = status;
      answer.body = body.dump();
      answer.status = status;
    }
    write(res, answer);
  });
  server.set_exception_handler([options](const ::httplib::Request&, ::httplib::Response& res, std::exception_ptr) {
    write(res, http::make_error_response(errc::internal_error, options));
  });
}

}  // namespace tessera::adapters::httplib
