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
  for (auto path : {"/v2/orgs/org_1/stock", "/v2/orgs/org_1/stock/x/y", "/v2/orgs/org_1/stock/x/", "/v3/orgs/org_1/stock/x",
                    "v2/orgs/org_1/stock/x", "", "/v2/orgs/org%41/stock/x"}) {
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

TEST_CASE("a path not in normal form is malformed_path, wherever the segment is", "[authz][tenant]") {
  // A normalising router sends /v2/orgs/org_a/../org_b/stock to org_b: such a path must never bind org_a.
  for (auto path : {"/v2/orgs/org_a/../org_b/stock", "/v2/orgs/org_a/./stock", "/v2/orgs/../stock", "/v2/orgs/./stock",
                    "/v2/orgs/org_a/stock/..", "/v2/orgs/org_a/stock/.", "/v2/orgs//stock", "/v2/orgs/org_a//stock",
                    "//v2/orgs/org_a/stock", "/v2/orgs/org_a/%2e%2e/org_b/stock", "/v2/orgs/org_a/%2E%2E/org_b/stock",
                    "/v2/orgs/org_a/.%2e/org_b/stock", "/v2/orgs/org_a%2f..%2forg_b/stock", "/v2/orgs/org_a%2F..%2Forg_b/stock",
                    "/v2/orgs/org_a/..%5corg_b/stock", "/v2/orgs/org_a/..%5Corg_b/stock", "/v2/orgs/org_a/..\\org_b/stock",
                    "/v2/orgs/org_a/..;/org_b/stock", "/v2/orgs/org_a/%c0%ae%c0%ae/org_b/stock"}) {
    INFO(path);
    CHECK(authz::match_path("/v2/orgs/{orgId}/stock", path).error() == errc::malformed_path);
    CHECK(authz::match_path("/v2/orgs/{orgId}/*", path).error() == errc::malformed_path);
  }
  // The rest a trailing * takes is held to the same rule.
  for (auto path : {"/v2/orgs/org_a/x/../../org_b/stock", "/v2/orgs/org_a/x/./y", "/v2/orgs/org_a/x//y", "/v2/orgs/org_a/%2E%2e",
                    "/v2/orgs/org_a/x%2Fy", "/v2/orgs/org_a/..", "/v2/orgs/org_a/."}) {
    INFO(path);
    CHECK(authz::match_path("/v2/orgs/{orgId}/*", path).error() == errc::malformed_path);
  }
  // Dots inside a segment, other escapes and one trailing slash are normal.
  CHECK(*authz::match_path("/v2/orgs/{orgId}/*", "/v2/orgs/org.a/v1.2/..x/.y/x..")->get("orgId") == "org.a");
  CHECK(authz::match_path("/v2/orgs/{orgId}/*", "/v2/orgs/org_a/a%20b%2Cc"));
  CHECK(authz::match_path("/v2/orgs/{orgId}/*", "/v2/orgs/org_a/stock/"));
  CHECK(authz::match_path("/", "/"));
  CHECK(core::http_status(errc::malformed_path) == 400);
}
