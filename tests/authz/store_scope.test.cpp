// Tests for tessera/authz/store_scope.hpp (the commerce model's store and market scoping).
#include "tessera/authz/store_scope.hpp"

#include <string>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;

TEST_CASE("store grants", "[authz][stores]") {
  std::vector<std::string> one{"store-oslo-downtown"};
  CHECK(authz::require_store(one, "store-oslo-downtown", "market-nor"));
  CHECK(authz::require_store(one, "store-bergen", "market-nor").error() == errc::forbidden);
  std::vector<std::string> market{"market-nor"};
  CHECK(authz::require_store(market, "store-bergen", "market-nor"));
  CHECK(authz::require_store(market, "store-stockholm", "market-swe").error() == errc::forbidden);
  std::vector<std::string> all{"AllStores"};
  CHECK(authz::require_store(all, "store-stockholm", "market-swe"));
  CHECK(authz::require_market(all, "market-swe").error() == errc::forbidden);
  std::vector<std::string> markets{"AllMarkets"};
  CHECK(authz::require_market(markets, "market-swe"));
  CHECK(authz::require_store(markets, "store-x", "market-y"));
  CHECK(authz::require_store({}, "store-x", "market-y").error() == errc::forbidden);
}
