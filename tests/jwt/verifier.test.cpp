// Tests for tessera/jwt/verifier.hpp: the published RFC tokens through the verifier with a fixed
// clock, every rule (time, issuer, audience, subject, typ, required claims, custom checks), and
// the HTTP status of every way a token can fail. Attacks are in verifier_attacks.test.cpp.
//
// Known answers: RFC 7515 Appendix A.1 (HS256), A.2 (RS256), A.3 (ES256); RFC 8037 Appendix A.4/A.5 (Ed25519).
#include "tessera/jwt/verifier.hpp"

#include <nlohmann/json.hpp>
#include <array>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"
#include "jwt/rfc_vectors.hpp"

using namespace tessera;
using namespace jwt_test;
using namespace std::chrono_literals;

namespace {
using hs_verifier = jwt::verifier<jwt::single_key, fixed_clock>;

// A verifier for HS256 tokens signed by signer(hs256), at the given time, with the given rules.
hs_verifier hs(jwt::rules r, std::int64_t now = t0) {
  return hs_verifier(jwt::single_key(verifier_key(jwt::alg::hs256)), std::move(r), fixed_clock{now});
}
std::string hs_token(std::string_view claims, std::string_view header = R"({"alg":"HS256","typ":"JWT"})") {
  return make_token(header, claims, signer(jwt::alg::hs256));
}
std::string claims_at(std::string_view members) { return "{" + std::string(members) + "}"; }
std::string num(std::int64_t x) { return std::to_string(x); }
}  // namespace

static_assert(noexcept(std::declval<const hs_verifier&>().verify(std::string_view{})));
static_assert(noexcept(std::declval<const hs_verifier&>().verify_allowing_expiry(std::string_view{}, std::declval<std::chrono::seconds>())));
static_assert(!std::is_default_constructible_v<jwt::verified_token>);

// ---- known answers through the verifier ------------------------------------------------------

TEST_CASE("RFC 7515 A.1: the published HS256 token verifies at a fixed time before its exp", "[jwt][verifier][kat]") {
  using namespace rfc7515;
  auto key = jwt::verification_key::hmac(jwt::alg::hs256, core::base64url_decode(a1_jwk_k).value()).value();
  // A.1 carries iss "joe" and exp, and no aud.
  auto rules = jwt::rules::builder{}.issuer("joe").ignore_audience().build().value();
  core::manual_clock clock(a1_exp - 1);
  jwt::verifier<jwt::single_key, core::manual_clock&> v(jwt::single_key(key), rules, clock);

  auto t = v.verify(a1_token);
  REQUIRE(t);
  CHECK(t->algorithm() == jwt::alg::hs256);
  CHECK(t->type() == "JWT");
  CHECK(t->issuer() == "joe");
  CHECK(t->expires_at() == a1_exp);
  CHECK(t->claim_bool("http://example.com/is_root").value());
  CHECK(t->claims_text() == a1_payload_json);  // the exact bytes, "\r\n" included
  CHECK(t->claims()["iss"] == "joe");

  clock.set(a1_exp);  // exp is exclusive: at that very second the token has expired
  CHECK(v.verify(a1_token).error() == errc::token_expired);
  // The real clock is long past 2011.
  jwt::verifier<jwt::single_key> now(jwt::single_key(key), rules);
  CHECK(now.verify(a1_token).error() == errc::token_expired);
  // A different iss expectation is refused once the signature has been checked.
  jwt::verifier<jwt::single_key, core::manual_clock&> other(
      jwt::single_key(key), jwt::rules::builder{}.issuer("jane").ignore_audience().build().value(), clock);
  clock.set(a1_exp - 1);
  CHECK(other.verify(a1_token).error() == errc::wrong_issuer);
}

TEST_CASE("RFC 7515 A.2: the published RS256 token verifies at a fixed time", "[jwt][verifier][kat]") {
  using namespace rfc7515;
  auto pub = crypto::public_key::from_jwk(nlohmann::json::parse(a2_public_jwk)).value();
  auto rules = jwt::rules::builder{}.issuer("joe").ignore_audience().build().value();
  jwt::verifier<jwt::single_key, fixed_clock> v(jwt::single_key(jwt::verification_key::asymmetric(jwt::alg::rs256, pub).value()),
                                               rules, fixed_clock{a1_exp - 3600});
  const std::string token = std::string(a2_header_b64) + "." + std::string(a1_payload_b64) + "." + std::string(a2_signature_b64);
  auto t = v.verify(token);
  REQUIRE(t);
  CHECK(t->algorithm() == jwt::alg::rs256);
  CHECK(t->type().empty());
  CHECK(t->issuer() == "joe");
  CHECK(t->claim_bool("http://example.com/is_root").value());
  // The same key bound to PS256 refuses the RS256 token before touching its signature.
  jwt::verifier<jwt::single_key, fixed_clock> pss(
      jwt::single_key(jwt::verification_key::asymmetric(jwt::alg::ps256, pub).value()), rules, fixed_clock{a1_exp - 3600});
  CHECK(pss.verify(token).error() == errc::algorithm_not_allowed);
}

TEST_CASE("RFC 7515 A.3: the published ES256 token verifies at a fixed time", "[jwt][verifier][kat]") {
  using namespace rfc7515;
  auto pub = crypto::public_key::from_jwk(nlohmann::json::parse(a3_public_jwk)).value();
  auto rules = jwt::rules::builder{}.issuer("joe").ignore_audience().build().value();
  jwt::verifier<jwt::single_key, fixed_clock> v(jwt::single_key(jwt::verification_key::asymmetric(jwt::alg::es256, pub).value()),
                                               rules, fixed_clock{a1_exp - 1});
  const std::string token = std::string(a3_header_b64) + "." + std::string(a1_payload_b64) + "." + std::string(a3_signature_b64);
  auto t = v.verify(token);
  REQUIRE(t);
  CHECK(t->algorithm() == jwt::alg::es256);
  CHECK(t->expires_at() == a1_exp);
}

TEST_CASE("RFC 8037 A.5: the published EdDSA JWS passes the signature check, then fails as a JWT", "[jwt][verifier][kat]") {
  using namespace rfc8037;
  auto pub = crypto::public_key::from_jwk(nlohmann::json::parse(a1_public_jwk)).value();
  // The A.4 payload is plain text, not a claims set: the verifier gets past the signature and
  // then refuses the claims as malformed. A changed signature byte stops it at the signature.
  jwt::verifier<jwt::single_key, fixed_clock> v(
      jwt::single_key(jwt::verification_key::asymmetric(jwt::alg::eddsa, pub).value()), lax_rules());
  CHECK(v.verify(a4_token).error() == errc::token_malformed);
  std::string bad(a4_token);
  bad[bad.size() - 3] = bad[bad.size() - 3] == 'K' ? 'L' : 'K';
  CHECK(v.verify(bad).error() == errc::bad_signature);
}

// ---- time rules --------------------------------------------------------------------------------

TEST_CASE("exp: expired at the exact second, leeway extends it to the second", "[jwt][verifier][rules][time]") {
  auto v = hs(lax_rules());
  CHECK(v.verify(hs_token(claims_at(R"("exp":)" + num(t0 + 1)))));
  CHECK(v.verify(hs_token(claims_at(R"("exp":)" + num(t0)))).error() == errc::token_expired);
  CHECK(v.verify(hs_token(claims_at(R"("exp":)" + num(t0 - 1)))).error() == errc::token_expired);

  auto lenient = hs(lax_builder().leeway(30s).build().value());
  CHECK(lenient.verify(hs_token(claims_at(R"("exp":)" + num(t0 - 29)))));
  CHECK(lenient.verify(hs_token(claims_at(R"("exp":)" + num(t0 - 30)))).error() == errc::token_expired);
}

TEST_CASE("exp is required unless explicitly allowed to be missing", "[jwt][verifier][rules][time]") {
  const auto tok = hs_token(R"({"sub":"alice"})");
  CHECK(hs(lax_rules()).verify(tok).error() == errc::missing_claim);
  auto v = hs(lax_builder().allow_missing_exp().build().value());
  auto t = v.verify(tok);
  REQUIRE(t);
  CHECK_FALSE(t->expires_at());
  // Opting out of a required exp does not disable an exp that is present.
  CHECK(v.verify(hs_token(claims_at(R"("exp":)" + num(t0)))).error() == errc::token_expired);
}

TEST_CASE("nbf: valid from its second on, leeway applies", "[jwt][verifier][rules][time]") {
  auto v = hs(lax_rules());
  const std::string exp = R"("exp":)" + num(t0 + 3600) + ",";
  CHECK(v.verify(hs_token(claims_at(exp + R"("nbf":)" + num(t0)))));
  CHECK(v.verify(hs_token(claims_at(exp + R"("nbf":)" + num(t0 + 1)))).error() == errc::token_not_yet_valid);
  auto lenient = hs(lax_builder().leeway(30s).build().value());
  CHECK(lenient.verify(hs_token(claims_at(exp + R"("nbf":)" + num(t0 + 30)))));
  CHECK(lenient.verify(hs_token(claims_at(exp + R"("nbf":)" + num(t0 + 31)))).error() == errc::token_not_yet_valid);
}

TEST_CASE("iat in the future is refused, leeway applies", "[jwt][verifier][rules][time]") {
  auto v = hs(lax_rules());
  const std::string exp = R"("exp":)" + num(t0 + 3600) + ",";
  CHECK(v.verify(hs_token(claims_at(exp + R"("iat":)" + num(t0)))));
  CHECK(v.verify(hs_token(claims_at(exp + R"("iat":)" + num(t0 + 1)))).error() == errc::token_issued_in_future);
  auto lenient = hs(lax_builder().leeway(5s).build().value());
  CHECK(lenient.verify(hs_token(claims_at(exp + R"("iat":)" + num(t0 + 5)))));
  CHECK(lenient.verify(hs_token(claims_at(exp + R"("iat":)" + num(t0 + 6)))).error() == errc::token_issued_in_future);
}

TEST_CASE("max_age refuses tokens issued too long ago, and requires iat", "[jwt][verifier][rules][time]") {
  const std::string exp = R"("exp":)" + num(t0 + 3600);
  auto v = hs(lax_builder().max_age(300s).build().value());
  CHECK(v.verify(hs_token(claims_at(exp + R"(,"iat":)" + num(t0 - 300)))));
  CHECK(v.verify(hs_token(claims_at(exp + R"(,"iat":)" + num(t0 - 301)))).error() == errc::token_too_old);
  CHECK(v.verify(hs_token(claims_at(exp))).error() == errc::missing_claim);
  auto lenient = hs(lax_builder().max_age(300s).leeway(10s).build().value());
  CHECK(lenient.verify(hs_token(claims_at(exp + R"(,"iat":)" + num(t0 - 310)))));
  CHECK(lenient.verify(hs_token(claims_at(exp + R"(,"iat":)" + num(t0 - 311)))).error() == errc::token_too_old);
}

TEST_CASE("verify_allowing_expiry accepts a token expired within the grace, nothing more", "[jwt][verifier][rules][time]") {
  auto v = hs(lax_rules());
  const auto expired = hs_token(claims_at(R"("exp":)" + num(t0 - 100)));
  CHECK(v.verify(expired).error() == errc::token_expired);
  CHECK(v.verify_allowing_expiry(expired, 101s));
  CHECK(v.verify_allowing_expiry(expired, 100s).error() == errc::refresh_window_passed);
  // Every other rule still applies.
  const auto future = hs_token(claims_at(R"("exp":)" + num(t0 - 100) + R"(,"nbf":)" + num(t0 + 100)));
  CHECK(v.verify_allowing_expiry(future, 1000s).error() == errc::token_not_yet_valid);
}

// ---- issuer, audience, subject, typ, required claims, custom checks ---------------------------

TEST_CASE("issuer: one of the accepted set, present when expected", "[jwt][verifier][rules]") {
  auto v = hs(jwt::rules::builder{}.issuer("https://a.example").issuer("https://b.example").ignore_audience().build().value());
  CHECK(v.verify(hs_token(valid_claims(R"("iss":"https://a.example")"))));
  CHECK(v.verify(hs_token(valid_claims(R"("iss":"https://b.example")"))));
  CHECK(v.verify(hs_token(valid_claims(R"("iss":"https://c.example")"))).error() == errc::wrong_issuer);
  CHECK(v.verify(hs_token(valid_claims(R"("iss":"https://A.example")"))).error() == errc::wrong_issuer);
  CHECK(v.verify(hs_token(valid_claims(R"("iss":"")"))).error() == errc::wrong_issuer);
  CHECK(v.verify(hs_token(valid_claims())).error() == errc::missing_claim);
  // Ignored explicitly: any issuer, or none.
  auto any = hs(lax_rules());
  CHECK(any.verify(hs_token(valid_claims(R"("iss":"https://c.example")"))));
  CHECK(any.verify(hs_token(valid_claims())));
}

TEST_CASE("audience: a string or an array holding any expected one", "[jwt][verifier][rules]") {
  auto v = hs(jwt::rules::builder{}.ignore_issuer().audience("orders-api").audience("stock-api").build().value());
  CHECK(v.verify(hs_token(valid_claims(R"("aud":"orders-api")"))));
  CHECK(v.verify(hs_token(valid_claims(R"("aud":"stock-api")"))));
  CHECK(v.verify(hs_token(valid_claims(R"("aud":["billing","stock-api"])"))));
  CHECK(v.verify(hs_token(valid_claims(R"("aud":"billing")"))).error() == errc::wrong_audience);
  CHECK(v.verify(hs_token(valid_claims(R"("aud":"Orders-API")"))).error() == errc::wrong_audience);
  CHECK(v.verify(hs_token(valid_claims(R"("aud":["billing","web"])"))).error() == errc::wrong_audience);
  CHECK(v.verify(hs_token(valid_claims(R"("aud":[])"))).error() == errc::wrong_audience);
  CHECK(v.verify(hs_token(valid_claims(R"("aud":"orders-api stock-api")"))).error() == errc::wrong_audience);
  CHECK(v.verify(hs_token(valid_claims())).error() == errc::missing_claim);
  CHECK(hs(lax_rules()).verify(hs_token(valid_claims(R"("aud":"anything")"))));
}

TEST_CASE("subject: equal when required", "[jwt][verifier][rules]") {
  auto v = hs(lax_builder().subject("alice").build().value());
  CHECK(v.verify(hs_token(valid_claims())));  // valid_claims() carries sub "alice"
  CHECK(v.verify(hs_token(claims_at(R"("sub":"bob","exp":)" + num(t0 + 60)))).error() == errc::wrong_subject);
  CHECK(v.verify(hs_token(claims_at(R"("exp":)" + num(t0 + 60)))).error() == errc::missing_claim);
}

TEST_CASE("typ: compared case-insensitively (RFC 7515 section 4.1.9)", "[jwt][verifier][rules]") {
  auto v = hs(lax_builder().type("at+jwt").build().value());
  CHECK(v.verify(hs_token(valid_claims(), R"({"alg":"HS256","typ":"at+jwt"})")));
  CHECK(v.verify(hs_token(valid_claims(), R"({"alg":"HS256","typ":"AT+JWT"})")));
  CHECK(v.verify(hs_token(valid_claims(), R"({"alg":"HS256","typ":"At+Jwt"})")));
  CHECK(v.verify(hs_token(valid_claims(), R"({"alg":"HS256","typ":"JWT"})")).error() == errc::wrong_token_type);
  CHECK(v.verify(hs_token(valid_claims(), R"({"alg":"HS256","typ":"at+jwt "})")).error() == errc::wrong_token_type);
  CHECK(v.verify(hs_token(valid_claims(), R"({"alg":"HS256"})")).error() == errc::wrong_token_type);
  CHECK(v.verify(hs_token(valid_claims(), R"({"alg":"HS256","typ":7})")).error() == errc::token_malformed);
  // Without a typ rule any typ passes.
  CHECK(hs(lax_rules()).verify(hs_token(valid_claims(), R"({"alg":"HS256","typ":"whatever"})")));
}

TEST_CASE("required claims must be present", "[jwt][verifier][rules]") {
  auto v = hs(lax_builder().require_claim("org_id").require_claim("scope").build().value());
  CHECK(v.verify(hs_token(valid_claims(R"("org_id":"o-1","scope":["a"])"))));
  CHECK(v.verify(hs_token(valid_claims(R"("org_id":null,"scope":"")"))));  // present is present
  CHECK(v.verify(hs_token(valid_claims(R"("org_id":"o-1")"))).error() == errc::missing_claim);
  CHECK(v.verify(hs_token(valid_claims(R"("scope":"a")"))).error() == errc::missing_claim);
  CHECK(v.verify(hs_token(valid_claims(R"("Org_Id":"o-1","scope":"a")"))).error() == errc::missing_claim);
}

TEST_CASE("custom checks run after the built-in rules and choose their errc", "[jwt][verifier][rules]") {
  int calls = 0;
  auto org_check = [&calls](const jwt::verified_token& t) -> result<void> {
    ++calls;
    auto org = t.claim_string("org_id");
    if (!org) return unexpected{org.error()};
    if (*org != "org-42") return unexpected{errc::wrong_tenant};
    return core::ok();
  };
  auto v = hs(lax_builder().check(org_check).build().value());
  CHECK(v.verify(hs_token(valid_claims(R"("org_id":"org-42")"))));
  CHECK(v.verify(hs_token(valid_claims(R"("org_id":"org-7")"))).error() == errc::wrong_tenant);
  CHECK(v.verify(hs_token(valid_claims(R"("org_id":7)"))).error() == errc::invalid_claim);
  CHECK(v.verify(hs_token(valid_claims())).error() == errc::missing_claim);
  CHECK(calls == 4);
  // A token that fails a built-in rule never reaches the check.
  CHECK(v.verify(hs_token(claims_at(R"("org_id":"org-42","exp":)" + num(t0)))).error() == errc::token_expired);
  CHECK(calls == 4);
}

TEST_CASE("a throwing custom check refuses the token with claim_check_failed", "[jwt][verifier][rules]") {
  auto v = hs(lax_builder()
                  .check([](const jwt::verified_token&) -> result<void> { return core::ok(); })
                  .check([](const jwt::verified_token&) -> result<void> { throw std::runtime_error("boom"); })
                  .build()
                  .value());
  CHECK(v.verify(hs_token(valid_claims())).error() == errc::claim_check_failed);
  // An empty std::function throws bad_function_call when called: also claim_check_failed.
  auto empty = hs(lax_builder().check(jwt::claim_check{}).build().value());
  CHECK(empty.verify(hs_token(valid_claims())).error() == errc::claim_check_failed);
}

TEST_CASE("rules must decide issuer and audience before they build", "[jwt][verifier][rules]") {
  CHECK(jwt::rules::builder{}.build().error() == errc::invalid_argument);
  CHECK(jwt::rules::builder{}.issuer("i").build().error() == errc::invalid_argument);
  CHECK(jwt::rules::builder{}.ignore_issuer().build().error() == errc::invalid_argument);
  CHECK(jwt::rules::builder{}.audience("a").build().error() == errc::invalid_argument);
  CHECK(jwt::rules::builder{}.ignore_audience().leeway(5s).max_age(60s).build().error() == errc::invalid_argument);
  CHECK(jwt::rules::builder{}.issuer("i").audience("a").build());
  CHECK(jwt::rules::builder{}.ignore_issuer().audience("a").build());
  CHECK(jwt::rules::builder{}.issuer("i").ignore_audience().build());
}

TEST_CASE("a kid naming another key than a single key's own is key_not_found", "[jwt][verifier]") {
  hs_verifier v(jwt::single_key(verifier_key(jwt::alg::hs256, "k-1")), lax_rules(), fixed_clock{});
  auto s = signer(jwt::alg::hs256);
  CHECK(v.verify(make_token(R"({"alg":"HS256","kid":"k-1"})", valid_claims(), s)));
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", valid_claims(), s)));
  CHECK(v.verify(make_token(R"({"alg":"HS256","kid":"k-2"})", valid_claims(), s)).error() == errc::key_not_found);
  CHECK(v.verify(make_token(R"({"alg":"HS256","kid":""})", valid_claims(), s)).error() == errc::key_not_found);
}

TEST_CASE("every cause a token is refused for maps to HTTP 401", "[jwt][verifier][errors]") {
  const errc token_failures[] = {
      errc::token_malformed,       errc::token_too_large,        errc::algorithm_not_allowed,
      errc::key_not_found,         errc::invalid_signature_length, errc::bad_signature,
      errc::token_expired,         errc::token_not_yet_valid,    errc::token_issued_in_future,
      errc::token_too_old,         errc::wrong_issuer,           errc::wrong_audience,
      errc::wrong_subject,         errc::wrong_token_type,       errc::missing_claim,
      errc::invalid_claim,         errc::unsupported_critical_header, errc::claim_check_failed,
      errc::token_revoked,         errc::key_withdrawn,          errc::principal_deactivated,
      errc::refresh_window_passed, errc::refresh_already_used};
  for (auto e : token_failures) {
    CAPTURE(e);
    CHECK(core::http_status(e) == 401);
    CHECK_FALSE(core::name(e).empty());
    CHECK(std::error_code(e).category().name() == std::string("tessera"));
  }
  // Spot-check that each is what the verifier really returns for one such token.
  auto v = hs(jwt::rules::builder{}.issuer("i").audience("a").build().value());
  auto r = v.verify(hs_token(valid_claims(R"("iss":"i","aud":"b")")));
  CHECK(r.error() == errc::wrong_audience);
  CHECK(core::http_status(r.error()) == 401);
}

TEST_CASE("a verifier can own its kid_key_set and rotate it through keys()", "[jwt][verifier]") {
  // kid_key_set holds a mutex and cannot be moved in: the verifier default-constructs its own.
  jwt::verifier<jwt::kid_key_set, fixed_clock> v(lax_rules(), fixed_clock{});
  const auto s = signer(jwt::alg::es256, "2024-06");
  const auto tok = make_token(R"({"alg":"ES256","kid":"2024-06"})", valid_claims(), s);
  CHECK(v.verify(tok).error() == errc::key_not_found);
  v.keys().put(s.verification().value());
  CHECK(v.verify(tok));
  CHECK(v.keys().remove("2024-06"));
  CHECK(v.verify(tok).error() == errc::key_not_found);
  // With the system clock by default.
  jwt::verifier<jwt::kid_key_set> now(jwt::rules::builder{}.issuer("i").audience("a").build().value());
  CHECK(now.rules().issuers() == std::vector<std::string>{"i"});
}

TEST_CASE("extreme grace and leeway values neither overflow nor reach past core::max_duration", "[jwt][verifier][rules][time]") {
  using std::chrono::seconds;
  const auto expired = hs_token(claims_at(R"("iat":)" + num(t0 - 7200) + R"(,"exp":)" + num(t0 - 3600)));
  auto widest = hs(lax_builder().leeway(core::max_duration).max_age(core::max_duration).build().value());
  CHECK(widest.verify(expired));
  CHECK(widest.verify_allowing_expiry(expired, seconds::max()));
  CHECK(widest.verify_allowing_expiry(expired, seconds::min()));
  CHECK(widest.verify(hs_token(claims_at(R"("iat":)" + num(t0 + 3600) + R"(,"nbf":)" + num(t0 + 3600) + R"(,"exp":)" +
                                         num(t0 + 7200)))));

  auto strict = hs(lax_rules());
  CHECK(strict.verify_allowing_expiry(expired, seconds::max()));
  CHECK(strict.verify_allowing_expiry(expired, seconds::min()).error() == errc::refresh_window_passed);  // counts as 0
  const auto ancient = hs_token(claims_at(R"("exp":)" + num(t0 - core::max_duration.count())));
  CHECK(strict.verify_allowing_expiry(ancient, seconds::max()).error() == errc::refresh_window_passed);
  CHECK(strict.verify_allowing_expiry(ancient, core::max_duration + 1s).error() == errc::refresh_window_passed);
}

TEST_CASE("tokens of many kids in turn: each header's remembered fields stay its own", "[jwt][verifier]") {
  // Each thread remembers the headers it parsed (a set-associative table of 128). With 300 kids
  // in turn, headers collide in their sets and replace one another; every token must still find
  // its own kid's key, and a token whose signature comes from another kid's key must not verify.
  jwt::verifier<jwt::kid_key_set, fixed_clock> v(lax_rules(), fixed_clock{});
  constexpr int kids = 300;
  std::vector<jwt::signing_key> signers;
  for (int i = 0; i < kids; ++i) {
    std::array<std::uint8_t, 32> secret{};
    for (std::size_t b = 0; b < secret.size(); ++b) secret[b] = static_cast<std::uint8_t>(i * 31 + static_cast<int>(b) * 7 + 1);
    const std::string kid = "kid-" + std::to_string(i);
    signers.push_back(jwt::signing_key::hmac(jwt::alg::hs256, secret, kid).value());
    v.keys().put(signers.back().verification().value());
  }
  auto token = [&](int kid, int key) {
    return make_token(R"({"alg":"HS256","kid":"kid-)" + std::to_string(kid) + R"(","typ":"JWT"})", valid_claims(),
                      signers[static_cast<std::size_t>(key)]);
  };
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kids; ++i) {
      const int j = (i * 7 + round) % kids;  // a different order each round
      INFO("kid " << j << ", round " << round);
      auto good = v.verify(token(j, j));
      REQUIRE(good);
      CHECK(good->kid() == "kid-" + std::to_string(j));
      CHECK(v.verify(token(j, (j + 1) % kids)).error() == errc::bad_signature);
    }
  }
}
