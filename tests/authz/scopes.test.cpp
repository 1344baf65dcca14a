// Tests for tessera/authz/scopes.hpp.
#include "tessera/authz/scopes.hpp"

#include <set>
#include <vector>
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

TEST_CASE("a scope is one RFC 6749 scope-token", "[authz][scopes]") {
  // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool allowed = c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
    CAPTURE(c);
    CHECK(authz::valid_scope(std::string_view(&ch, 1)) == allowed);
    CHECK(authz::valid_scope(std::string("orders:") + ch) == allowed);
  }
  CHECK_FALSE(authz::valid_scope(""));
  CHECK_FALSE(authz::valid_scope("orders:read stock:write"));  // would become two scopes in a token
  CHECK(authz::validate_scopes(std::vector<std::string>{"orders:read", "stock:write"}));
  CHECK(authz::validate_scopes(std::vector<std::string>{}));
  CHECK(authz::validate_scopes(std::vector<std::string>{"orders:read", "orders:read stock:write"}).error() ==
        errc::invalid_scope);
  CHECK(authz::validate_scopes(std::vector<std::string>{""}).error() == errc::invalid_scope);
}
