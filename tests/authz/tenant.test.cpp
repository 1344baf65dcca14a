// Tests for tessera/authz/tenant.hpp: the org-scoped model's /v2/orgs/{orgId}/... binding.
#include "tessera/authz/tenant.hpp"

#include "support/catch.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

TEST_CASE("a pattern holds up to eight captures, and a copy of the captures reads the same", "[authz][tenant]") {
  auto eight = authz::match_path("/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", "/1/2/3/4/5/6/7/8");
  REQUIRE(eight);
  CHECK(eight->size() == 8);
  const std::string names = "abcdefgh";
  for (std::size_t i = 0; i < names.size(); ++i) {
    INFO(names[i]);
    CHECK(eight->get(std::string_view(&names[i], 1)) == std::to_string(i + 1));
  }
  CHECK(authz::match_path("/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", "/1/2/3/4/5/6/7/8/9").error() == errc::invalid_argument);

  const authz::path_params copy = *eight;
  CHECK(copy.size() == 8);
  CHECK(copy.get("h") == "8");
  authz::path_params assigned = *authz::match_path("/x/{y}", "/x/why");
  CHECK(assigned.size() == 1);
  assigned = copy;
  CHECK(assigned.size() == 8);
  CHECK(assigned.get("a") == "1");
  CHECK_FALSE(assigned.get("y"));
  const authz::path_params none;
  CHECK(none.size() == 0);
  CHECK_FALSE(none.get("a"));
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

// The definition of a normal path, spelled out segment by segment as the comment on normal_path
// states it, with none of its shortcuts.
static bool normal_by_definition(std::string_view path) {
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '\\') return false;
    if (path[i] != '%') continue;
    std::string lower(path.substr(i + 1, 2));
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower == "2e" || lower == "2f" || lower == "5c" || lower == "c0" || lower == "c1") return false;
  }
  std::vector<std::string_view> segments;
  std::size_t start = path.empty() || path[0] != '/' ? 0 : 1;
  if (path.empty()) return true;
  for (std::size_t i = start; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      segments.push_back(path.substr(start, i - start));
      start = i + 1;
    }
  }
  for (std::size_t k = 0; k < segments.size(); ++k) {
    const auto name = segments[k].substr(0, segments[k].find(';'));
    const bool trailing_slash = segments[k].empty() && k + 1 == segments.size();
    if ((name.empty() && !trailing_slash) || name == "." || name == "..") return false;
  }
  return true;
}

TEST_CASE("normal_path agrees with the definition on random paths", "[authz][tenant]") {
  // Short paths over the characters the rule is about, so that every shape occurs: the one-pass
  // shortcut for plain paths and the segment walk must give the same answer.
  constexpr std::string_view alphabet = "/.;%\\a2ecf5C0";
  std::uint64_t state = 0x9e3779b97f4a7c15u;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int plain = 0;
  for (int n = 0; n < 200000; ++n) {
    std::string path;
    const std::size_t len = next() % 9;
    for (std::size_t i = 0; i < len; ++i) path += alphabet[next() % alphabet.size()];
    INFO(path);
    REQUIRE(authz::normal_path(path) == normal_by_definition(path));
    plain += path.find_first_of(".;%\\") == std::string::npos && path.find("//") == std::string::npos;
  }
  CHECK(plain > 1000);  // the shortcut was taken often
}
