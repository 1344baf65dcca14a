// Tests for tessera/jwt/rules.hpp: the builder must have issuer and audience decided, and the
// rules it builds hold what was asked (their effect on tokens is in verifier.test.cpp).
#include "tessera/jwt/rules.hpp"

#include <string>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"

using namespace tessera;
using namespace jwt_test;
using namespace std::chrono_literals;

TEST_CASE("a builder that has not decided issuer and audience fails with invalid_argument", "[jwt][rules]") {
  CHECK(jwt::rules::builder{}.build().error() == errc::invalid_argument);
  CHECK(jwt::rules::builder{}.issuer("https://auth.example").build().error() == errc::invalid_argument);
  CHECK(jwt::rules::builder{}.audience("orders").build().error() == errc::invalid_argument);
  CHECK(jwt::rules::builder{}.ignore_issuer().subject("x").type("JWT").build().error() == errc::invalid_argument);
  CHECK(jwt::rules::builder{}.ignore_audience().allow_missing_exp().build().error() == errc::invalid_argument);
  CHECK(jwt::rules::builder{}.ignore_issuer().ignore_audience().build());
}

TEST_CASE("defaults: exp required, no leeway, sub is the principal, the configured size limit", "[jwt][rules]") {
  auto r = lax_rules();
  CHECK(r.require_exp());
  CHECK(r.leeway() == 0s);
  CHECK_FALSE(r.max_age());
  CHECK_FALSE(r.subject());
  CHECK_FALSE(r.type());
  CHECK(r.issuers().empty());
  CHECK(r.audiences().empty());
  CHECK(r.required_claims().empty());
  CHECK(r.checks().empty());
  CHECK(r.understood_crit().empty());
  CHECK(r.principal_claim() == "sub");
  CHECK(r.max_token_size() == config::max_token_size);
}

TEST_CASE("the built rules hold every setting", "[jwt][rules]") {
  auto r = jwt::rules::builder{}
               .issuer("https://a.example")
               .issuer("https://b.example")
               .audience("orders")
               .allow_missing_exp()
               .leeway(30s)
               .max_age(10min)
               .subject("svc")
               .type("at+jwt")
               .require_claim("org_id")
               .check([](const jwt::verified_token&) -> result<void> { return core::ok(); })
               .understand_crit("x-bank")
               .principal_claim("client_id")
               .max_token_size(4096)
               .build();
  REQUIRE(r);
  CHECK(r->issuers() == std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK(r->audiences() == std::vector<std::string>{"orders"});
  CHECK_FALSE(r->require_exp());
  CHECK(r->leeway() == 30s);
  CHECK(r->max_age() == 10min);
  CHECK(r->subject() == "svc");
  CHECK(r->type() == "at+jwt");
  CHECK(r->required_claims() == std::vector<std::string>{"org_id"});
  CHECK(r->checks().size() == 1);
  CHECK(r->understood_crit() == std::vector<std::string>{"x-bank"});
  CHECK(r->principal_claim() == "client_id");
  CHECK(r->max_token_size() == 4096);
  // An issuer expectation and an explicit ignore together still expect the issuer.
  auto both = jwt::rules::builder{}.issuer("i").ignore_issuer().ignore_audience().build().value();
  CHECK(both.issuers() == std::vector<std::string>{"i"});
}

TEST_CASE("leeway and max age are bounded: negative or beyond core::max_duration is invalid_argument", "[jwt][rules]") {
  CHECK(lax_builder().leeway(core::max_duration).max_age(core::max_duration).build());
  CHECK(lax_builder().leeway(0s).max_age(0s).build());
  for (auto bad : {std::chrono::seconds::max(), std::chrono::seconds::min(), core::max_duration + 1s, -1s}) {
    CAPTURE(bad.count());
    CHECK(lax_builder().leeway(bad).build().error() == errc::invalid_argument);
    CHECK(lax_builder().max_age(bad).build().error() == errc::invalid_argument);
  }
}
