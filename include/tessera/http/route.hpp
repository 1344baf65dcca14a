#pragma once
// route: what a route demands of a request (path pattern, tenant, scopes, role, the credential
// kinds it takes, the store and market it touches), and value_source, where the route reads a
// tenant, store or market from the request: a path capture, a query parameter, a header, or the
// first label of the host name.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/authz/scopes.hpp"
#include "tessera/authz/tenant.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/result.hpp"
#include "tessera/http/principal.hpp"

namespace tessera::http {

// Where a route reads one value from a request.
struct value_source {
  // The places a value can come from.
  enum class from { nothing, path, query, header, host };
  from where = from::nothing;
  std::string name{};  // the capture, query parameter or header name; for host, the suffix after
                     // the label ("api.example.com" for "{tenant}.api.example.com")

  // No value (the route has none).
  value_source() = default;
  // A path capture by name ("orgId" for "/v2/orgs/{orgId}/..."); "" for none.
  value_source(const char* capture) : value_source(std::string_view(capture)) {}
  // A path capture by name; "" for none.
  value_source(const std::string& capture) : value_source(std::string_view(capture)) {}
  // A path capture by name; "" for none.
  value_source(std::string_view capture)
      : where(capture.empty() ? from::nothing : from::path), name(capture) {}
  // A value from anywhere.
  value_source(from w, std::string n) : where(w), name(std::move(n)) {}

  // True when the route reads no value here.
  bool empty() const noexcept { return where == from::nothing; }
};

// A path capture ("orgId").
inline value_source path_capture(std::string name) { return {value_source::from::path, std::move(name)}; }
// A query parameter ("store"), given exactly once.
inline value_source query_param(std::string name) { return {value_source::from::query, std::move(name)}; }
// A header ("X-Tenant-Id"), given exactly once.
inline value_source header_value(std::string name) { return {value_source::from::header, std::move(name)}; }
// The host's first label before a suffix: host_label("api.example.com") reads "acme" from
// "Host: acme.api.example.com" (or "ACME.api.example.com:8443"; the label is lowercased).
inline value_source host_label(std::string suffix) { return {value_source::from::host, std::move(suffix)}; }

// What a route demands of a request. Built once at start-up, then shared by every request.
// Written with designated initialisers: {.pattern = "/v2/orgs/{orgId}/stock", .tenant = "orgId", ...}.
struct route {
  std::string pattern{};            // an authz::match_path pattern ("/v2/orgs/{orgId}/*"); "" fits any path
  value_source tenant{};            // where the tenant is named ("orgId": a capture); empty when the route has none
  std::vector<std::string> scopes{};  // every one required (missing_scope, 403)
  std::string role{};               // required role, through the hierarchy (forbidden, 403); "" for none
  std::vector<credential_kind> credentials{};  // kinds accepted (credential_not_accepted, 401); empty: any
  value_source store{};             // the store the request touches (store_not_allowed, 403); empty: none
  value_source market{};            // the market it touches; empty: none (see authenticator_options::market_of_store)

  // Checks the declaration at start-up: invalid_scope for a scope that is not an RFC 6749
  // scope-token (a space would make one declared scope two), invalid_argument for a pattern that
  // does not start with '/' or a path source naming a capture the pattern lacks. The
  // authenticator refuses a request on a route that fails this with internal_error.
  result<void> check() const noexcept;

  // True when the route takes this kind of credential.
  bool accepts(credential_kind k) const noexcept;
};

// Longest value read from a query parameter, header or host label.
inline constexpr std::size_t max_route_value_size = 256;

namespace detail {
// RFC 3986 unreserved characters: what a tenant, store or market id read from a query, header or
// host may hold (no percent-encoding, no separators, no space).
constexpr bool unreserved_id(std::string_view v) noexcept {
  if (v.empty() || v.size() > max_route_value_size) return false;
  for (char c : v) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~';
    if (!ok) return false;
  }
  return true;
}

// The raw value of a query parameter given exactly once: missing_parameter when absent,
// malformed_parameter when given twice or not an unreserved id.
inline result<std::string_view> query_value(std::string_view query, std::string_view name) noexcept {
  std::optional<std::string_view> found;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    if (found) return unexpected{errc::malformed_parameter};
    found = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
  }
  if (!found) return unexpected{errc::missing_parameter};
  if (!unreserved_id(*found)) return unexpected{errc::malformed_parameter};
  return *found;
}

// The label of a host before `suffix`, lowercased into out: route_not_found when the host is not
// "<label>.<suffix>" (this route does not serve that host), missing_parameter without a Host.
inline result<void> host_value(std::optional<std::string_view> host, std::string_view suffix, std::string& out) {
  if (!host || host->empty()) return unexpected{errc::missing_parameter};
  std::string_view h = *host;
  if (const auto colon = h.rfind(':'); colon != std::string_view::npos) {  // a port (no IPv6 literal fits a label)
    for (char c : h.substr(colon + 1))
      if (c < '0' || c > '9') return unexpected{errc::malformed_parameter};
    h = h.substr(0, colon);
  }
  if (h.size() <= suffix.size() + 1 || h[h.size() - suffix.size() - 1] != '.' ||
      !core::iequals(h.substr(h.size() - suffix.size()), suffix))
    return unexpected{errc::route_not_found};
  const std::string_view label = h.substr(0, h.size() - suffix.size() - 1);
  if (label.size() > 63) return unexpected{errc::malformed_parameter};
  for (char c : label) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return unexpected{errc::malformed_parameter};  // a dot: more than one label
  }
  out.assign(label);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return core::ok();
}
}  // namespace detail

// Reads the value a source names from a request whose path matched with `params`. Errors:
// missing_parameter (400) when the query parameter, header or Host is absent;
// malformed_parameter (400) when it is given twice or is not 1 to 256 RFC 3986 unreserved
// characters (a host label: letters, digits and '-'); route_not_found (404) when the host is
// not under the suffix; internal_error when a path source names no capture of the route's
// pattern (a server bug). `buffer` holds a lowercased host label; the result may view it.
template <class R>
result<std::string_view> read_value(const value_source& src, const R& req, const authz::path_params& params,
                                    std::string& buffer) noexcept {
  try {
    switch (src.where) {
      case value_source::from::nothing: return unexpected{errc::internal_error};
      case value_source::from::path: {
        auto v = params.get(src.name);
        if (!v) return unexpected{errc::internal_error};
        return *v;
      }
      case value_source::from::query: return detail::query_value(req.query(), src.name);
      case value_source::from::header: {
        auto v = req.header(src.name);  // a header sent twice reads as "a, b": not an id
        if (!v) return unexpected{errc::missing_parameter};
        if (!detail::unreserved_id(*v)) return unexpected{errc::malformed_parameter};
        return *v;
      }
      case value_source::from::host: {
        if (auto r = detail::host_value(req.header("Host"), src.name, buffer); !r) return unexpected{r.error()};
        return std::string_view(buffer);
      }
    }
    return unexpected{errc::internal_error};
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

}  // namespace tessera::http

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/http/impl/route.ipp"
#endif
