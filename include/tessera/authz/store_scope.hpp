#pragma once
// Store and market scoping (commerce model): a user may be limited to stores
// ("store-oslo-downtown"), to markets ("market-nor"), or hold "AllStores" / "AllMarkets".

#include <span>
#include <string>
#include <string_view>

#include "tessera/core/result.hpp"

namespace tessera::authz {

// The wildcard grant for every store.
inline constexpr std::string_view all_stores = "AllStores";
// The wildcard grant for every market (and so every store in every market).
inline constexpr std::string_view all_markets = "AllMarkets";

// Succeeds when the grants allow a store in a market: the store itself, "AllStores", the store's
// market, or "AllMarkets". forbidden (403) otherwise. Grants compare exactly (case-sensitive).
inline result<void> require_store(std::span<const std::string> grants, std::string_view store, std::string_view market) noexcept {
  for (auto& g : grants)
    if (g == store || g == all_stores || (!market.empty() && g == market) || g == all_markets) return core::ok();
  return unexpected{errc::forbidden};
}

// Succeeds when the grants allow a market-level resource: the market or "AllMarkets".
// "AllStores" does not grant market-level access. forbidden (403) otherwise.
inline result<void> require_market(std::span<const std::string> grants, std::string_view market) noexcept {
  for (auto& g : grants)
    if (g == market || g == all_markets) return core::ok();
  return unexpected{errc::forbidden};
}

}  // namespace tessera::authz
