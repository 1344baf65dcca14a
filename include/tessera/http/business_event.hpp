#pragma once
// business_event: the audit event of a server's own action by an authenticated principal (a
// stock adjustment, a status change, a delivery accepted), so that a handler writes one line:
//
//   audit.record(http::business_event(*who, view, "stock.adjust", "stock/" + sku, reason));
//
// The event holds views into `who`, the request and the arguments: record it in the same full
// expression (or while they live). Its actor, tenant and credential come from the principal, so
// a business event is attributed exactly as the authenticator attributed the request; the sink
// bounds every text. To record a refused action, set allowed = false and cause on the result.

#include <chrono>
#include <optional>
#include <string_view>

#include "tessera/http/audit.hpp"
#include "tessera/http/principal.hpp"
#include "tessera/request_signing/request.hpp"

namespace tessera::http {

// The header a request's correlation id is read from by default.
inline constexpr std::string_view default_request_id_header = "X-Request-Id";

// An allowed business event: who did `action` on `target`, and why, at `at`.
inline audit_event business_event(const principal& who, std::string_view action, std::string_view target,
                                  std::string_view reason,
                                  std::chrono::system_clock::time_point at = std::chrono::system_clock::now()) noexcept {
  audit_event e;
  e.at = at;
  e.action = action;
  e.allowed = true;
  e.credential = name(who.kind);
  e.actor = who.subject;
  e.tenant = who.tenant;
  e.target = target;
  e.reason = reason;
  return e;
}

// The same, with the request's method, path (without its query) and correlation id (the
// request_id_header's value, "" when absent).
template <request_signing::request_view R>
audit_event business_event(const principal& who, const R& req, std::string_view action, std::string_view target,
                           std::string_view reason,
                           std::chrono::system_clock::time_point at = std::chrono::system_clock::now(),
                           std::string_view request_id_header = default_request_id_header) noexcept {
  audit_event e = business_event(who, action, target, reason, at);
  e.method = req.method();
  e.path = req.path();
  if (!request_id_header.empty()) e.request_id = req.header(request_id_header).value_or(std::string_view{});
  return e;
}

}  // namespace tessera::http
