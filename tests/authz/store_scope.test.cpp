// Tests for tessera/authz/store_scope.hpp (the commerce model's store and market scoping).
#include "tessera/authz/store_scope.hpp"

#include <string>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using authz::market_id;
using authz::store_id;

namespace {
authz::store_grants grants(const std::vector<std::string>& stores, const std::vector<std::string>& markets) {
  return {stores, markets};
}
}  // namespace

TEST_CASE("a store needs both dimensions: the store (or AllStores) and its market (or AllMarkets)", "[authz][stores]") {
  const std::vector<std::string> oslo{"store-oslo-downtown"}, all_stores{"AllStores"}, none{};
  const std::vector<std::string> nor{"market-nor"}, all_markets{"AllMarkets"};
  CHECK(authz::require_store(grants(oslo, nor), store_id{"store-oslo-downtown"}, market_id{"market-nor"}));
  CHECK(authz::require_store(grants(oslo, nor), store_id{"store-bergen"}, market_id{"market-nor"}).error() ==
        errc::store_not_allowed);
  CHECK(authz::require_store(grants(all_stores, nor), store_id{"store-bergen"}, market_id{"market-nor"}));
  CHECK(authz::require_store(grants(all_stores, all_markets), store_id{"store-stockholm"}, market_id{"market-swe"}));
  CHECK(authz::require_store(grants(oslo, all_markets), store_id{"store-oslo-downtown"}, market_id{"market-swe"}));
  // A market grant alone allows no store; a store grant alone allows no market.
  CHECK_FALSE(authz::require_store(grants(none, nor), store_id{"store-bergen"}, market_id{"market-nor"}));
  CHECK_FALSE(authz::require_store(grants(oslo, none), store_id{"store-oslo-downtown"}, market_id{"market-nor"}));
  CHECK_FALSE(authz::require_store(grants(none, none), store_id{"store-x"}, market_id{"market-y"}));
  CHECK_FALSE(authz::require_store(grants(all_stores, nor), store_id{""}, market_id{"market-nor"}));
}

TEST_CASE("AllStores with one market does not reach a store of another market", "[authz][stores]") {
  // The case a single mixed grant list got wrong: AllStores and market-nor, a store in market-swe.
  const std::vector<std::string> all_stores{"AllStores"}, nor{"market-nor"};
  CHECK(authz::require_store(grants(all_stores, nor), store_id{"store-stockholm"}, market_id{"market-swe"}).error() ==
        errc::store_not_allowed);
  CHECK(authz::require_store(grants(all_stores, nor), store_id{"store-bergen"}, market_id{"market-nor"}));
}

TEST_CASE("store and market ids are typed: a store id equal to a market id grants nothing more", "[authz][stores]") {
  const std::vector<std::string> shared{"nordic"};  // an id used both as a store and as a market
  const std::vector<std::string> none{};
  CHECK_FALSE(authz::require_market(grants(shared, none), market_id{"nordic"}));
  CHECK(authz::require_market(grants(none, shared), market_id{"nordic"}));
  CHECK_FALSE(authz::require_store(grants(none, shared), store_id{"nordic"}, market_id{"nordic"}));
  CHECK(authz::require_store(grants(shared, shared), store_id{"nordic"}, market_id{"nordic"}));
}

TEST_CASE("market-level resources and routes without a market", "[authz][stores]") {
  const std::vector<std::string> all_stores{"AllStores"}, all_markets{"AllMarkets"}, oslo{"store-oslo-downtown"}, none{};
  CHECK(authz::require_market(grants(all_stores, none), market_id{"market-swe"}).error() == errc::store_not_allowed);
  CHECK(authz::require_market(grants(none, all_markets), market_id{"market-swe"}));
  CHECK(authz::require_store(grants(oslo, none), store_id{"store-oslo-downtown"}));
  CHECK(authz::require_store(grants(all_stores, none), store_id{"store-bergen"}));
  CHECK_FALSE(authz::require_store(grants(oslo, all_markets), store_id{"store-bergen"}));
}
