// Tests for tessera/http/error_response.hpp: errc -> status, JSON body and headers in one place.
#include "tessera/http/error_response.hpp"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/challenges.hpp"
#include "support/catch.hpp"

using namespace tessera;
using http_fixture::challenges;

namespace {
std::string header(const http::error_response& r, std::string_view name) {
  for (auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}
}  // namespace

TEST_CASE("error responses carry the stable name and status", "[http][error]") {
  auto r = http::make_error_response(errc::token_expired);
  CHECK(r.status == 401);
  auto body = nlohmann::json::parse(r.body);
  CHECK(body["error"] == "token_expired");
  CHECK(body["status"] == 401);
  CHECK_FALSE(body.contains("code"));
  CHECK(header(r, "Content-Type") == "application/json");
  CHECK(header(r, "WWW-Authenticate") == "Bearer realm=\"api\", error=\"invalid_token\"");

  CHECK(http::make_error_response(errc::missing_scope).status == 403);
  CHECK(http::make_error_response(errc::tenant_mismatch).status == 403);
  CHECK(http::make_error_response(errc::missing_field).status == 400);
  CHECK(http::make_error_response(errc::internal_error).status == 500);
  CHECK(header(http::make_error_response(errc::missing_credentials), "WWW-Authenticate") == "Bearer realm=\"api\"");
}

TEST_CASE("401 challenges: one per scheme, a quoted realm, and nothing that could split a header",
          "[http][error]") {
  http::error_options o;
  o.schemes = {"Bearer", "ApiKey"};
  CHECK(challenges(http::make_error_response(errc::bad_signature, o)) ==
        std::vector<std::string>{"Bearer realm=\"api\", error=\"invalid_token\"", "ApiKey realm=\"api\""});
  // An API key's failure, or no credential at all: the Bearer challenge carries no error.
  for (errc e : {errc::api_key_unknown, errc::wrong_tenant, errc::missing_credentials})
    CHECK(challenges(http::make_error_response(e, o)) ==
          std::vector<std::string>{"Bearer realm=\"api\"", "ApiKey realm=\"api\""});
  // Only 401s challenge.
  CHECK(challenges(http::make_error_response(errc::missing_scope, o)).empty());
  CHECK(challenges(http::make_error_response(errc::rate_limited, o)).empty());
  // An empty realm omits every challenge.
  o.realm.clear();
  CHECK(challenges(http::make_error_response(errc::bad_signature, o)).empty());

  // The realm is a quoted-string: quotes and backslashes escaped, CR, LF and other controls dropped.
  http::error_options odd;
  odd.realm = "a\"b\\c\r\nSet-Cookie: x=1\x7f";
  const auto got = challenges(http::make_error_response(errc::missing_credentials, odd));
  REQUIRE(got.size() == 1);
  CHECK(got[0] == "Bearer realm=\"a\\\"b\\\\cSet-Cookie: x=1\"");
  CHECK(got[0].find_first_of("\r\n") == std::string::npos);

  // A scheme that is not an RFC 9110 token is left out, not sent half-formed.
  http::error_options bad;
  bad.schemes = {"Api Key", "", "Bearer\r\nX: y", "ApiKey"};
  CHECK(challenges(http::make_error_response(errc::api_key_unknown, bad)) ==
        std::vector<std::string>{"ApiKey realm=\"api\""});
}

TEST_CASE("rate limiting answers 429 with Retry-After", "[http][error]") {
  http::error_options o;
  o.retry_after_seconds = 30;
  auto r = http::make_error_response(errc::rate_limited, o);
  CHECK(r.status == 429);
  CHECK(header(r, "Retry-After") == "30");
}

TEST_CASE("an unreachable store answers 503 with Retry-After", "[http][error]") {
  auto r = http::make_error_response(errc::store_unavailable);
  CHECK(r.status == 503);
  CHECK(header(r, "Retry-After") == "1");
  CHECK(nlohmann::json::parse(r.body)["error"] == "store_unavailable");
  http::error_options o;
  o.unavailable_retry_after_seconds = 5;
  CHECK(header(http::make_error_response(errc::store_unavailable, o), "Retry-After") == "5");
  o.unavailable_retry_after_seconds = 0;
  CHECK(header(http::make_error_response(errc::store_unavailable, o), "Retry-After").empty());
  CHECK(header(http::make_error_response(errc::internal_error), "Retry-After").empty());
}

TEST_CASE("legacy numeric codes are mappable", "[http][error]") {
  // The multi-surface platform answers every API-key failure with 401 and code -23.
  http::error_options o;
  o.legacy_code = http::api_key_legacy_code(-23);
  for (errc e : {errc::api_key_unknown, errc::api_key_revoked, errc::api_key_expired, errc::wrong_tenant,
                 errc::api_key_malformed, errc::api_key_bad_checksum, errc::missing_credentials}) {
    auto r = http::make_error_response(e, o);
    CHECK(r.status == 401);
    CHECK(nlohmann::json::parse(r.body)["code"] == -23);
  }
  CHECK_FALSE(nlohmann::json::parse(http::make_error_response(errc::missing_scope, o).body).contains("code"));
}

TEST_CASE("the API-key legacy code covers every API-key cause in the table, and nothing else", "[http][error]") {
  http::error_options o;
  o.legacy_code = http::api_key_legacy_code(-23);
  int covered = 0;
  for (int i = 1; i < static_cast<int>(errc::count_); ++i) {
    const auto e = static_cast<errc>(i);
    CAPTURE(core::name(e));
    const bool api_key_cause = core::name(e).starts_with("api_key_") || e == errc::wrong_tenant ||
                               e == errc::missing_credentials || e == errc::malformed_credentials;
    auto body = nlohmann::json::parse(http::make_error_response(e, o).body);
    if (api_key_cause) {
      ++covered;
      CHECK(core::http_status(e) == 401);
      CHECK(body["code"] == -23);
    } else {
      CHECK_FALSE(body.contains("code"));
    }
  }
  CHECK(covered == 9);  // the six api_key_* causes, wrong_tenant, missing_ and malformed_credentials
  CHECK(nlohmann::json::parse(http::make_error_response(errc::api_key_wrong_environment, o).body)["code"] == -23);
}

TEST_CASE("bodies never echo input", "[http][error]") {
  // Every cause renders from fixed text only: the body's strings are the name and the fixed message.
  for (int i = 1; i < static_cast<int>(errc::count_); ++i) {
    auto e = static_cast<errc>(i);
    auto body = nlohmann::json::parse(http::make_error_response(e).body);
    CHECK(body["error"] == std::string(core::name(e)));
    CHECK(body["message"] == std::string(core::message(e)));
    CHECK(body.size() == 3);
  }
}

TEST_CASE("invalid_token is said only of the token's own failures", "[http][error]") {
  for (int i = 1; i < static_cast<int>(errc::count_); ++i) {
    const auto e = static_cast<errc>(i);
    CAPTURE(core::name(e));
    if (http::is_token_error(e)) {
      CHECK(core::http_status(e) == 401);
      CHECK_FALSE(http::is_api_key_error(e));
    }
  }
  for (errc e : {errc::token_expired, errc::token_malformed, errc::bad_signature, errc::wrong_audience,
                 errc::token_revoked, errc::principal_deactivated, errc::malformed_credentials})
    CHECK(http::is_token_error(e));
  for (errc e : {errc::missing_credentials, errc::replayed, errc::stale_timestamp, errc::future_timestamp,
                 errc::missing_signature, errc::malformed_signature, errc::bad_request_signature,
                 errc::client_mismatch, errc::unknown_client, errc::credential_not_accepted, errc::api_key_revoked,
                 errc::wrong_tenant})
    CHECK_FALSE(http::is_token_error(e));
  http::error_options o;
  o.schemes = {"Bearer"};
  CHECK(http_fixture::challenges(http::make_error_response(errc::replayed, o)) ==
        std::vector<std::string>{"Bearer realm=\"api\""});
}

TEST_CASE("bodies are byte for byte what nlohmann_json writes, with and without a legacy code", "[http][error]") {
  http::error_options with_code;
  with_code.legacy_code = [](errc e) -> std::optional<int> {
    return static_cast<int>(e) % 2 ? std::optional<int>(-static_cast<int>(e)) : std::nullopt;
  };
  for (int i = 1; i < static_cast<int>(errc::count_); ++i) {
    const auto e = static_cast<errc>(i);
    CAPTURE(core::name(e));
    for (const http::error_options* o : {&with_code, static_cast<http::error_options*>(nullptr)}) {
      const auto r = o ? http::make_error_response(e, *o) : http::make_error_response(e);
      nlohmann::json expected = {{"error", std::string(core::name(e))},
                                 {"message", std::string(core::message(e))},
                                 {"status", core::http_status(e)}};
      if (o && i % 2) expected["code"] = -i;
      CHECK(r.body == expected.dump());
    }
  }
}
