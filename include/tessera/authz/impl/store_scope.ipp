#pragma once
// The bodies of authz/store_scope.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/authz/store_scope.hpp"

namespace tessera::authz::detail {

TESSERA_DECL bool granted(std::span<const std::string> grants, std::string_view id,
                          std::string_view wildcard) noexcept {
  if (id.empty()) return false;
  return std::any_of(grants.begin(), grants.end(), [&](const std::string& g) { return g == id || g == wildcard; });
}

}  // namespace tessera::authz::detail

namespace tessera::authz {

TESSERA_DECL result<void> require_store(const store_grants& g, store_id s, market_id m) noexcept {
  if (detail::granted(g.stores, s.value, all_stores) && detail::granted(g.markets, m.value, all_markets))
    return core::ok();
  return unexpected{errc::store_not_allowed};
}

TESSERA_DECL result<void> require_store(const store_grants& g, store_id s) noexcept {
  if (detail::granted(g.stores, s.value, all_stores)) return core::ok();
  return unexpected{errc::store_not_allowed};
}

TESSERA_DECL result<void> require_market(const store_grants& g, market_id m) noexcept {
  if (detail::granted(g.markets, m.value, all_markets)) return core::ok();
  return unexpected{errc::store_not_allowed};
}

}  // namespace tessera::authz
