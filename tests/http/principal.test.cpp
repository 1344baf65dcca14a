// Tests for tessera/http/principal.hpp: credential kind names and exact scope and role checks.
#include "tessera/http/principal.hpp"

#include "support/catch.hpp"
#include "tessera/authz/scopes.hpp"

using namespace tessera;

TEST_CASE("credential kinds have stable names", "[http][principal]") {
  CHECK(http::name(http::credential_kind::bearer_token) == "bearer_token");
  CHECK(http::name(http::credential_kind::api_key) == "api_key");
  CHECK(http::name(http::credential_kind::signed_request) == "signed_request");
}

TEST_CASE("a principal's scopes and roles match exactly", "[http][principal]") {
  http::principal p;
  p.scopes = {"orders:read", "orders:write"};
  p.roles = {"ApiUser"};
  CHECK(p.has_scope("orders:read"));
  CHECK_FALSE(p.has_scope("orders"));
  CHECK_FALSE(p.has_scope("Orders:read"));
  CHECK_FALSE(p.has_scope(""));
  CHECK(p.has_role("ApiUser"));
  CHECK_FALSE(p.has_role("apiuser"));
  CHECK(authz::require_all_scopes(p, {"orders:read", "orders:write"}));
  CHECK(authz::require_all_scopes(p, {"orders:read", "refunds:write"}).error() == errc::missing_scope);
}
