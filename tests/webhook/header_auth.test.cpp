// Tests for tessera/webhook/header_auth.hpp: static Bearer tokens and API-key headers.
#include "tessera/webhook/header_auth.hpp"

#include <string>
#include <utility>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using headers_t = std::vector<std::pair<std::string, std::string>>;

namespace {
const std::string token = "tok_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const std::string token2 = "tok_9zYxWvUtSrQpOnMlKjIhGfEdCbA";
}  // namespace

TEST_CASE("a configured Bearer token is checked in constant time", "[webhook][header_auth]") {
  auto c = webhook::header_credential::bearer(token);
  REQUIRE(c);
  CHECK(c->is_bearer());
  CHECK(c->header_name() == "Authorization");
  CHECK(c->check(headers_t{{"Authorization", "Bearer " + token}}));
  CHECK(c->check(headers_t{{"authorization", "bearer " + token}}));
  CHECK(c->check(headers_t{{"AUTHORIZATION", "BEARER " + token}}));
  CHECK(c->check(headers_t{}).error() == errc::missing_credentials);
  CHECK(c->check(headers_t{{"Authorization", token}}).error() == errc::malformed_credentials);
  CHECK(c->check(headers_t{{"Authorization", "Basic " + token}}).error() == errc::malformed_credentials);
  CHECK(c->check(headers_t{{"Authorization", "Bearer  " + token}}).error() == errc::malformed_credentials);
  CHECK(c->check(headers_t{{"Authorization", "Bearer " + token + " "}}).error() == errc::malformed_credentials);
  CHECK(c->check(headers_t{{"Authorization", "Bearer "}}).error() == errc::malformed_credentials);
  CHECK(c->check(headers_t{{"Authorization", "Bearer " + token2}}).error() == errc::invalid_credentials);
  CHECK(c->check(headers_t{{"Authorization", "Bearer " + token.substr(0, token.size() - 1)}}).error() ==
        errc::invalid_credentials);
  CHECK(c->check(headers_t{{"Authorization", "Bearer " + token + "x"}}).error() == errc::invalid_credentials);
  CHECK(c->check(headers_t{{"Authorization", "Bearer " + token}, {"authorization", "Bearer " + token}}).error() ==
        errc::malformed_credentials);
}

TEST_CASE("several tokens are accepted during rotation", "[webhook][header_auth]") {
  auto c = webhook::header_credential::bearer({token, token2});
  REQUIRE(c);
  CHECK(c->check(headers_t{{"Authorization", "Bearer " + token}}));
  CHECK(c->check(headers_t{{"Authorization", "Bearer " + token2}}));
  CHECK(c->check(headers_t{{"Authorization", "Bearer tok_removed_0000000000000000000"}}).error() ==
        errc::invalid_credentials);
}

TEST_CASE("a configured API-key header is checked in constant time", "[webhook][header_auth]") {
  auto c = webhook::header_credential::api_key("ApiKey", token);
  REQUIRE(c);
  CHECK_FALSE(c->is_bearer());
  CHECK(c->check(headers_t{{"apikey", token}}));
  CHECK(c->check(headers_t{{"ApiKey", token2}}).error() == errc::invalid_credentials);
  CHECK(c->check(headers_t{{"ApiKey", " " + token}}).error() == errc::invalid_credentials);
  CHECK(c->check(headers_t{{"ApiKey", ""}}).error() == errc::invalid_credentials);
  CHECK(c->check(headers_t{{"X-Api-Key", token}}).error() == errc::missing_credentials);
}

TEST_CASE("weak or malformed configured credentials are refused", "[webhook][header_auth]") {
  CHECK(webhook::header_credential::bearer("short-token").error() == errc::secret_too_short);
  CHECK(webhook::header_credential::bearer("token with spaces 0123456789").error() == errc::invalid_secret);
  CHECK(webhook::header_credential::api_key("ApiKey", "key\twith-control-0123456789").error() == errc::invalid_secret);
  CHECK(webhook::header_credential::api_key("Api Key", token).error() == errc::invalid_argument);
  CHECK(webhook::header_credential::api_key("", token).error() == errc::invalid_argument);
  CHECK(webhook::header_credential::bearer(std::initializer_list<std::string_view>{}).error() == errc::invalid_argument);
}
