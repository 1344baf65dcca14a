// Tests for tessera/authz/tenant.hpp: the org-scoped model's /v2/orgs/{orgId}/... binding.
#include "tessera/authz/tenant.hpp"

#include "support/catch.hpp"

using namespace tessera;

TEST_CASE("path parameters are captured", "[authz][tenant]") {
  auto p = authz::match_path("/v2/orgs/{orgId}/stock/{sku}", "/v2/orgs/org_123/stock/A-1");
  REQUIRE(p);
  CHECK(*p->get("orgId") == "org_123");
  CHECK(*p->get("sku") == "A-1");
  CHECK_FALSE(p->get("other"));
  auto w = authz::match_path("/v2/orgs/{orgId}/*", "/v2/orgs/org_1/a/b/c");
  REQUIRE(w);
  CHECK(*w->get("orgId") == "org_1");
}

TEST_CASE("paths that do not fit are refused", "[authz][tenant]") {
  for (auto path : {"/v2/orgs//stock/x", "/v2/orgs/org%2F1/stock/x", "/v2/orgs/org_1/stock", "/v2/orgs/org_1/stock/x/y",
                    "/v3/orgs/org_1/stock/x", "v2/orgs/org_1/stock/x", ""}) {
    INFO(path);
    CHECK(authz::match_path("/v2/orgs/{orgId}/stock/{sku}", path).error() == errc::forbidden);
  }
}

TEST_CASE("the path's tenant must be the token's", "[authz][tenant]") {
  CHECK(authz::require_tenant("org_123", "org_123"));
  CHECK(authz::require_tenant("org_124", "org_123").error() == errc::tenant_mismatch);
  CHECK(authz::require_tenant("", "").error() == errc::tenant_mismatch);
  CHECK(core::http_status(errc::tenant_mismatch) == 403);
}
