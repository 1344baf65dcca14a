// Tests for tessera/http/headers.hpp: bearer extraction (RFC 6750 §2.1) and credential headers.
#include "tessera/http/headers.hpp"

#include <map>
#include <string>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;

TEST_CASE("bearer token requires the Bearer scheme", "[http][headers]") {
  CHECK(*http::bearer_token(std::string_view("Bearer abc.def-ghi_jk~l+m/n==")) == "abc.def-ghi_jk~l+m/n==");
  CHECK(*http::bearer_token(std::string_view("bearer abc")) == "abc");  // scheme is case-insensitive
  CHECK(http::bearer_token(std::nullopt).error() == errc::missing_credentials);
  CHECK(http::bearer_token(std::string_view("")).error() == errc::missing_credentials);
  // The multi-surface model: a raw token without "Bearer " is refused.
  for (std::string_view bad : {"abc.def.ghi", "Bearer", "Bearer ", "Bearer  abc", "Basic abc", "Bearer abc def",
                               "Bearer abc,def", "Bearer ===", "Bearerabc", "Bearer\tabc", "Token abc", "Bearer a\"b"}) {
    INFO(bad);
    CHECK(http::bearer_token(bad).error() == errc::malformed_credentials);
  }
}

TEST_CASE("header lookup is case-insensitive and refuses duplicates", "[http][headers]") {
  std::vector<std::pair<std::string, std::string>> h = {{"apikey", "ak_live_x"}, {"Authorization", "Bearer t"}};
  http::header_list list(h);
  CHECK(*http::credential_of(list, "ApiKey") == "ak_live_x");
  CHECK(*http::credential_of(list, "APIKEY") == "ak_live_x");
  CHECK(*http::bearer_token_of(list) == "t");
  CHECK(http::credential_of(list, "X-CLIENT-ID").error() == errc::missing_credentials);

  std::multimap<std::string, std::string> dup = {{"ApiKey", "a"}, {"apikey", "b"}};
  http::header_list dlist(dup);
  CHECK(http::credential_of(dlist, "ApiKey").error() == errc::missing_credentials);
}

TEST_CASE("credential values are single tokens", "[http][headers]") {
  for (std::string_view bad : {" ak", "ak ", "a,b", "a\tb", "a\x7f"}) CHECK(http::credential_value(bad).error() == errc::malformed_credentials);
  CHECK(http::credential_value(std::string_view("")).error() == errc::missing_credentials);
}
