#pragma once
// tessera::adapters::httplib::jwks_fetcher — the default jwt::jwks_fetcher, on cpp-httplib's
// client (through adapters::httplib::client: TLS verified, addresses checked once and dialled
// literally, no redirects, no proxy, bounded bodies; CMake target tessera::httplib).
//
//   auto keys = jwt::remote_jwks<adapters::httplib::jwks_fetcher<>>::create(
//       "https://idp.example.com/.well-known/jwks.json", adapters::httplib::jwks_fetcher<>{});
//   jwt::verifier<jwt::remote_jwks<adapters::httplib::jwks_fetcher<>>&> tokens(*keys, rules);

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/adapters/httplib_client.hpp"
#include "tessera/client/http_client.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/remote_jwks.hpp"

namespace tessera::adapters::httplib {

// Client options for fetching a JWKS: TLS verified against the system's CA store; an identity
// provider may sit on a private network or on loopback (the URL is the operator's, not a
// partner's), while link-local, cloud-metadata, multicast and reserved addresses stay refused;
// plain http is let through to the guard only because the fetcher itself refuses it for any host
// but a loopback one.
inline client_options jwks_client_options() {
  client_options o;
  o.guard.allow_http = true;
  o.guard.allow_loopback = true;
  o.guard.allow_private = true;
  o.verify_tls = true;
  o.max_response_body = 1024 * 1024;
  return o;
}

namespace detail {
// The values of every field line named `name`, joined with ", " (RFC 9110 §5.3).
inline std::string joined_header(const tessera::client::http_response& r, std::string_view name) {
  std::string out;
  for (const auto& [k, v] : r.headers) {
    if (!core::iequals(k, name)) continue;
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// The Age header as whole seconds, 0 when absent or malformed.
inline std::int64_t age_seconds(const tessera::client::http_response& r) noexcept {
  auto v = r.header("Age");
  if (!v || v->empty() || v->size() > 12) return 0;
  std::int64_t n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}
}  // namespace detail

// Fetches JWKS documents with cpp-httplib (a jwt::jwks_fetcher model). Each fetch is one GET on
// a fresh connection through adapters::httplib::client, whose body bound is the request's
// max_body; the answer's freshness is Cache-Control max-age less Age. Thread-safe.
template <webhook::resolver Resolver = webhook::system_resolver>
class jwks_fetcher {
 public:
  // A fetcher with jwks_client_options().
  jwks_fetcher() : jwks_fetcher(jwks_client_options()) {}
  // A fetcher with these client options, resolving names with r.
  explicit jwks_fetcher(client_options o, Resolver r = Resolver{}) : options_(std::move(o)), resolver_(std::move(r)) {}

  // One GET of the JWKS (see jwt::jwks_fetcher): url_not_allowed when jwt::check_jwks_url() or
  // the client's guard refuses the URL, connection_failed when no answer arrived (DNS, connect,
  // TLS, certificate, timeout), input_too_large when the body exceeds request.max_body;
  // otherwise the answer, whatever its status.
  result<jwt::jwks_response> fetch(const jwt::jwks_request& request) const noexcept {
    try {
      if (auto u = jwt::check_jwks_url(request.url); !u) return unexpected{u.error()};
      client_options o = options_;
      o.max_response_body = std::min(o.max_response_body, request.max_body);
      const client<Resolver> http(std::move(o), resolver_);

      tessera::client::http_request q;
      q.method = "GET";
      q.url = request.url;
      q.headers = {{"Accept", "application/jwk-set+json, application/json"}};
      if (!request.if_none_match.empty()) q.headers.emplace_back("If-None-Match", request.if_none_match);
      q.timeout = request.timeout;
      auto res = http.send(q);
      if (!res) return unexpected{res.error()};

      jwt::jwks_response out;
      out.status = res->status;
      out.body = std::move(res->body);
      if (auto e = res->header("ETag")) out.etag = std::string(*e);
      if (auto age = jwt::cache_max_age(detail::joined_header(*res, "Cache-Control"))) {
        const std::int64_t left = age->count() - detail::age_seconds(*res);
        out.max_age = std::chrono::seconds{std::max<std::int64_t>(left, 0)};
      }
      return out;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // The client options in force.
  const client_options& options() const noexcept { return options_; }

 private:
  client_options options_;
  Resolver resolver_;
};
static_assert(jwt::jwks_fetcher<jwks_fetcher<>>);
static_assert(jwt::jwks_fetcher<const jwks_fetcher<>>);

// A remote JWKS fetched with cpp-httplib.
template <class C = core::coarse_clock>
using remote_jwks = jwt::remote_jwks<jwks_fetcher<>, C>;

}  // namespace tessera::adapters::httplib
