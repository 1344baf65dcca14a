#pragma once
// tessera::adapters::httplib::client — the default model of client::http_client, on cpp-httplib
// (built with CPPHTTPLIB_OPENSSL_SUPPORT; CMake target tessera::httplib).
//
// Every send() runs the URL through a webhook::url_guard: the host is resolved once, every
// address is checked, and the connection goes to a checked address literally (cpp-httplib's
// hostname→address map), so a DNS answer that changes between the check and the connect (DNS
// rebinding) cannot reach a refused address. TLS keeps the real host name for SNI and for the
// certificate's name check. Redirects are never followed (a 3xx is returned as an answer), no
// proxy is used, and nothing about a request or response is ever logged.

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/client/http_client.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/headers.hpp"
#include "tessera/webhook/url_guard.hpp"

namespace tessera::adapters::httplib {

// How the client connects.
struct client_options {
  webhook::url_guard_options guard{};  // which URLs and addresses may be reached (https, public only by default)
  bool verify_tls = true;            // check the server's certificate chain and host name
  std::string ca_file{};             // PEM file of trusted CAs; empty: the system's CA store
  std::size_t max_response_body = 1024 * 1024;  // a longer response body fails with input_too_large
  std::size_t max_addresses = 4;     // checked addresses tried in turn when connecting fails
};

namespace detail {
// A header field a caller may set: a token name, a value without CR, LF or NUL, and not one the
// client writes itself (Host, Content-Length, Transfer-Encoding, Connection).
inline bool sendable_header(std::string_view name, std::string_view value) noexcept {
  if (!core::is_token(name)) return false;
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return !core::iequals(name, "Host") && !core::iequals(name, "Content-Length") &&
         !core::iequals(name, "Transfer-Encoding") && !core::iequals(name, "Connection");
}

// An HTTP method token.
inline bool valid_method(std::string_view m) noexcept {
  return !m.empty() && m.size() <= 16 && core::is_token(m);
}
}  // namespace detail

// Sends requests with cpp-httplib after the guard's checks; one connection per request.
// Thread-safe: send() shares nothing between calls.
template <webhook::resolver Resolver = webhook::system_resolver>
class client {
 public:
  // A client with these options, resolving names with r.
  explicit client(client_options o = {}, Resolver r = Resolver{})
      : options_(std::move(o)), guard_(options_.guard, std::move(r)) {}

  // Sends one request (see client::http_client): url_not_allowed when the guard refuses the URL
  // or any address of its host, invalid_argument for a bad method or header, connection_failed
  // when no answer arrived (DNS, connect, TLS, certificate, timeout), input_too_large when the
  // response body exceeds max_response_body; otherwise the answer, whatever its status.
  result<tessera::client::http_response> send(const tessera::client::http_request& r) const noexcept {
    try {
      return send_checked(r);
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // The options in force.
  const client_options& options() const noexcept { return options_; }
  // The guard every request passes.
  const webhook::url_guard<Resolver>& guard() const noexcept { return guard_; }

 private:
  result<tessera::client::http_response> send_checked(const tessera::client::http_request& r) const {
    if (!detail::valid_method(r.method)) return unexpected{errc::invalid_argument};
    for (const auto& [k, v] : r.headers)
      if (!detail::sendable_header(k, v)) return unexpected{errc::invalid_argument};
    auto target = guard_.prepare(r.url);
    if (!target) return unexpected{target.error()};

    ::httplib::Request req;
    req.method = r.method;
    req.path = target->url.target;
    for (const auto& [k, v] : r.headers) req.headers.emplace(k, v);
    req.headers.emplace("Host", target->url.host_header());
    if (!req.has_header("Accept-Encoding")) req.headers.emplace("Accept-Encoding", "identity");
    req.body = r.body;

    const std::size_t tries = std::min(target->addresses.size(), std::max<std::size_t>(options_.max_addresses, 1));
    for (std::size_t i = 0; i < tries; ++i) {
      attempt a = once(*target, target->addresses[i], req, r.timeout);
      if (a.outcome == attempt::connect_failed && i + 1 < tries) continue;  // nothing was sent: next address
      switch (a.outcome) {
        case attempt::answered: return std::move(a.response);
        case attempt::too_large: return unexpected{errc::input_too_large};
        default: return unexpected{errc::connection_failed};
      }
    }
    return unexpected{errc::connection_failed};
  }

  struct attempt {
    enum kind { answered, connect_failed, failed, too_large } outcome = failed;
    tessera::client::http_response response;
  };

  // One exchange with one checked address.
  attempt once(const webhook::guarded_target& t, const webhook::ip_address& ip, ::httplib::Request req,
               std::chrono::milliseconds timeout) const {
    std::unique_ptr<::httplib::ClientImpl> cli;
    if (t.url.tls()) {
      auto ssl = std::make_unique<::httplib::SSLClient>(t.url.host, t.url.port);
      ssl->enable_server_certificate_verification(options_.verify_tls);
      if (!options_.ca_file.empty()) ssl->set_ca_cert_path(options_.ca_file);
      cli = std::move(ssl);
    } else {
      cli = std::make_unique<::httplib::ClientImpl>(t.url.host, t.url.port);
    }
    // The connection goes to the checked address; the name serves only Host, SNI and the
    // certificate check.
    cli->set_hostname_addr_map({{t.url.host, ip.to_string()}});
    const auto to = std::max(timeout, std::chrono::milliseconds{1});
    cli->set_connection_timeout(to);
    cli->set_read_timeout(to);
    cli->set_write_timeout(to);
    cli->set_follow_location(false);
    cli->set_keep_alive(false);
    cli->set_decompress(false);
    cli->set_tcp_nodelay(true);

    attempt a;
    std::string body;
    bool too_large = false;
    const std::size_t limit = options_.max_response_body;
    req.response_handler = [&](const ::httplib::Response& res) {
      if (!res.has_header("Content-Length")) return true;
      const std::string len = res.get_header_value("Content-Length");
      std::uint64_t n = 0;
      for (char c : len) {
        if (c < '0' || c > '9' || n > (UINT64_MAX - 9) / 10) return true;  // httplib itself refuses it
        n = n * 10 + static_cast<unsigned>(c - '0');
      }
      if (n > limit) too_large = true;
      return !too_large;
    };
    req.content_receiver = [&](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
      if (n > limit - body.size()) {
        too_large = true;
        return false;
      }
      body.append(data, n);
      return true;
    };
    ::httplib::Response res;
    ::httplib::Error err = ::httplib::Error::Success;
    const bool ok = cli->send(req, res, err);
    if (too_large) {
      a.outcome = attempt::too_large;
    } else if (!ok || res.status <= 0) {
      a.outcome = err == ::httplib::Error::Connection || err == ::httplib::Error::ConnectionTimeout
                      ? attempt::connect_failed
                      : attempt::failed;
    } else {
      a.outcome = attempt::answered;
      a.response.status = res.status;
      a.response.headers.reserve(res.headers.size());
      for (const auto& [k, v] : res.headers) a.response.headers.emplace_back(k, v);
      a.response.body = std::move(body);
    }
    return a;
  }

  client_options options_;
  webhook::url_guard<Resolver> guard_;
};
static_assert(tessera::client::http_client<client<>>);
static_assert(tessera::client::http_client<const client<>>);

}  // namespace tessera::adapters::httplib
