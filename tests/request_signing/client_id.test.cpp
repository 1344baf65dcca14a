// Tests for tessera/request_signing/client_id.hpp: the X-CLIENT-ID header against the client id
// of the token, as strings and through any token type exposing claim_string().
#include "tessera/request_signing/client_id.hpp"

#include <map>
#include <string>
#include <string_view>

#include "support/catch.hpp"

using namespace tessera;
using namespace tessera::request_signing;

namespace {
// Stands in for a verified JWT: string claims by name.
struct fake_token {
  std::map<std::string, std::string, std::less<>> strings;
  std::map<std::string, long, std::less<>> numbers;
  result<std::string_view> claim_string(std::string_view name) const noexcept {
    if (auto it = strings.find(name); it != strings.end()) return std::string_view(it->second);
    if (numbers.find(name) != numbers.end()) return unexpected{errc::invalid_claim};
    return unexpected{errc::missing_claim};
  }
};
static_assert(client_claim_source<fake_token>);
static_assert(!client_claim_source<std::string>);
}  // namespace

TEST_CASE("the header client id must equal the token's, exactly", "[request_signing][client_id]") {
  CHECK(check_client_id("partner-1", "partner-1"));
  CHECK(check_client_id("partner-1", "partner-2").error() == errc::client_mismatch);
  CHECK(check_client_id("partner-1", "Partner-1").error() == errc::client_mismatch);
  CHECK(check_client_id("partner-1", "partner-1 ").error() == errc::client_mismatch);
  CHECK(check_client_id("partner-1", "").error() == errc::client_mismatch);
  CHECK(check_client_id("", "").error() == errc::missing_header);
  CHECK(check_client_id("", "partner-1").error() == errc::missing_header);
  CHECK(check_client_id("partner-1", std::string("partner-1")));  // a std::string is a plain id
  static_assert(noexcept(check_client_id("a", "b")));
}

TEST_CASE("the token overload reads the client claim (client_id by default)", "[request_signing][client_id]") {
  fake_token t{{{"client_id", "partner-1"}, {"azp", "partner-9"}}, {{"cid", 7}}};
  CHECK(check_client_id("partner-1", t));
  CHECK(check_client_id("partner-2", t).error() == errc::client_mismatch);
  CHECK(check_client_id("partner-9", t, "azp"));
  CHECK(check_client_id("partner-1", t, "azp").error() == errc::client_mismatch);
  CHECK(check_client_id("partner-1", t, "sub").error() == errc::missing_claim);
  CHECK(check_client_id("7", t, "cid").error() == errc::invalid_claim);
  CHECK(check_client_id("", t).error() == errc::missing_header);
  static_assert(noexcept(check_client_id("a", t)));
}
