#pragma once
// The bodies of http/route.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/http/route.hpp"

namespace tessera::http {

TESSERA_DECL auto route::check() const noexcept -> result<void> {
  if (auto v = authz::validate_scopes(scopes); !v) return v;
  if (!pattern.empty() && pattern.front() != '/') return unexpected{errc::invalid_argument};
  for (const value_source* src : {&tenant, &store, &market}) {
    if (src->where != value_source::from::path) continue;
    const std::string capture = "{" + src->name + "}";
    if (pattern.find(capture) == std::string::npos) return unexpected{errc::invalid_argument};
  }
  return core::ok();
}

TESSERA_DECL auto route::accepts(credential_kind k) const noexcept -> bool {
  if (credentials.empty()) return true;
  for (auto c : credentials)
    if (c == k) return true;
  return false;
}

}  // namespace tessera::http
