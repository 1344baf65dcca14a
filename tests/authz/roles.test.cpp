// Tests for tessera/authz/roles.hpp, with the commerce model's hierarchy from the design notes:
// ApiOwner includes everything, CommerceUser includes ApiUser, XAdmin includes XRead.
#include "tessera/authz/roles.hpp"

#include <string>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;

TEST_CASE("role inheritance", "[authz][roles]") {
  authz::role_hierarchy h;
  h.include_all("ApiOwner").include("CommerceUser", "ApiUser").include("XAdmin", "XRead").include("Super", "XAdmin");
  CHECK(h.grants("ApiOwner", "XAdmin"));
  CHECK(h.grants("ApiOwner", "AnythingAtAll"));
  CHECK(h.grants("CommerceUser", "ApiUser"));
  CHECK_FALSE(h.grants("ApiUser", "CommerceUser"));
  CHECK(h.grants("XAdmin", "XRead"));
  CHECK_FALSE(h.grants("XRead", "XAdmin"));
  CHECK(h.grants("Super", "XRead"));  // transitive
  CHECK_FALSE(h.grants("xadmin", "XRead"));  // exact names

  std::vector<std::string> held{"XRead", "ApiUser"};
  CHECK(h.require(held, "ApiUser"));
  CHECK(h.require(held, "XAdmin").error() == errc::forbidden);
  CHECK(h.require({}, "ApiUser").error() == errc::forbidden);
}

TEST_CASE("cycles do not loop", "[authz][roles]") {
  authz::role_hierarchy h;
  h.include("A", "B").include("B", "A");
  CHECK(h.grants("A", "B"));
  CHECK_FALSE(h.grants("A", "C"));
}
