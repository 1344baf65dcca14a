// Tests for tessera/authz/scopes.hpp.
#include "tessera/authz/scopes.hpp"

#include <set>
#include <string>

#include "support/catch.hpp"

using namespace tessera;

namespace {
struct holder {
  std::set<std::string, std::less<>> s;
  bool has_scope(std::string_view x) const { return s.find(x) != s.end(); }
};
}  // namespace

TEST_CASE("routes demand scopes", "[authz][scopes]") {
  holder h{{"orders:read", "stock:write"}};
  CHECK(authz::require_all_scopes(h, {"orders:read"}));
  CHECK(authz::require_all_scopes(h, {"orders:read", "stock:write"}));
  CHECK(authz::require_all_scopes(h, {"orders:read", "orders:write"}).error() == errc::missing_scope);
  CHECK(authz::require_any_scope(h, {"orders:write", "stock:write"}));
  CHECK(authz::require_any_scope(h, {"orders:write"}).error() == errc::missing_scope);
  CHECK(core::http_status(errc::missing_scope) == 403);
}

TEST_CASE("scope strings match whole scopes only", "[authz][scopes]") {
  CHECK(authz::scope_string_has("orders:read  orders:write", "orders:write"));
  CHECK_FALSE(authz::scope_string_has("orders:read", "orders"));
  CHECK_FALSE(authz::scope_string_has("orders:readx", "orders:read"));
  CHECK_FALSE(authz::scope_string_has("", "orders"));
  CHECK_FALSE(authz::scope_string_has("Orders:read", "orders:read"));
}
