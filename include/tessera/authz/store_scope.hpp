#pragma once
// Store and market scoping (commerce model). A user holds store grants ("store-oslo-downtown",
// or "AllStores") and market grants ("market-nor", or "AllMarkets"): two dimensions, and both
// must allow. A store s in market m needs (s granted, or AllStores) and (m granted, or
// AllMarkets). Stores and markets are distinct types, so a store id that happens to equal a
// market id grants nothing in the other dimension.

#include <algorithm>
#include <span>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"

namespace tessera::authz {

// The wildcard store grant: every store (of the markets the market grants allow).
inline constexpr std::string_view all_stores = "AllStores";
// The wildcard market grant: every market.
inline constexpr std::string_view all_markets = "AllMarkets";

// A store a request touches ("store-oslo-downtown").
struct store_id {
  std::string_view value;
};
// A market a request touches ("market-nor").
struct market_id {
  std::string_view value;
};

// What a principal was granted, in two separate lists (e.g. a token's "stores" and "markets").
struct store_grants {
  std::span<const std::string> stores;   // store ids, or "AllStores"
  std::span<const std::string> markets;  // market ids, or "AllMarkets"
};

namespace detail {
TESSERA_DECL bool granted(std::span<const std::string> grants, std::string_view id, std::string_view wildcard) noexcept;
}  // namespace detail

// Succeeds when the grants allow store s in market m: (s or AllStores among the store grants)
// and (m or AllMarkets among the market grants). store_not_allowed (403) otherwise; an empty id
// never matches. Grants compare exactly (case-sensitive).
TESSERA_DECL result<void> require_store(const store_grants& g, store_id s, market_id m) noexcept;

// Succeeds when the grants allow store s on a route that names no market (the store's market is
// not known): s or AllStores among the store grants. Use the two-dimension form whenever the
// store's market is known.
TESSERA_DECL result<void> require_store(const store_grants& g, store_id s) noexcept;

// Succeeds when the grants allow a market-level resource: m or AllMarkets among the market
// grants (store grants, AllStores included, never grant a market). store_not_allowed otherwise.
TESSERA_DECL result<void> require_market(const store_grants& g, market_id m) noexcept;

}  // namespace tessera::authz

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/authz/impl/store_scope.ipp"
#endif
