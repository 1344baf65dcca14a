// Tests for tessera/http/error_response.hpp: errc -> status, JSON body and headers in one place.
#include "tessera/http/error_response.hpp"

#include <nlohmann/json.hpp>

#include "support/catch.hpp"

using namespace tessera;

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

TEST_CASE("rate limiting answers 429 with Retry-After", "[http][error]") {
  http::error_options o;
  o.retry_after_seconds = 30;
  auto r = http::make_error_response(errc::rate_limited, o);
  CHECK(r.status == 429);
  CHECK(header(r, "Retry-After") == "30");
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
