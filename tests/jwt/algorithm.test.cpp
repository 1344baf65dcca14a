// Tests for tessera/jwt/algorithm.hpp: JOSE names, policy types, and a round trip of every
// algorithm through issuer -> verifier.
#include "tessera/jwt/algorithm.hpp"

#include <string>
#include <vector>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"

using namespace tessera;
using namespace jwt_test;

static_assert(jwt::algorithm<jwt::hs384> && jwt::algorithm<jwt::hs512> && jwt::algorithm<jwt::rs384>);
static_assert(jwt::algorithm<jwt::rs512> && jwt::algorithm<jwt::ps384> && jwt::algorithm<jwt::ps512>);
static_assert(jwt::algorithm<jwt::es384> && jwt::algorithm<jwt::es512>);
static_assert(jwt::es512::id == jwt::alg::es512 && jwt::es512::name == "ES512");
static_assert(!jwt::algorithm<int>);
static_assert(jwt::es256::id == jwt::alg::es256 && jwt::es256::name == "ES256");
static_assert(jwt::eddsa::name == "EdDSA");

TEST_CASE("every algorithm has its JOSE name and is found by it exactly", "[jwt][algorithm]") {
  const char* names[] = {"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256",
                         "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"};
  int i = 0;
  for (auto a : all_algs) {
    CAPTURE(names[i]);
    CHECK(jwt::alg_name(a) == names[i]);
    auto back = jwt::alg_from_name(names[i]);
    REQUIRE(back);
    CHECK(*back == a);
    ++i;
  }
  // Names are case-sensitive (RFC 7515 §4.1.1) and there is no "none" at all.
  for (const char* n : {"none", "None", "NONE", "nOnE", "", "hs256", "Hs256", "HS256 ", " HS256", "eddsa", "EDDSA",
                        "es512", "ES521", "ES256K", "RS1", "HS1", "Ed25519"}) {
    CAPTURE(n);
    CHECK_FALSE(jwt::alg_from_name(n));
  }
}

TEST_CASE("algorithm families and their primitives", "[jwt][algorithm]") {
  CHECK(jwt::is_hmac(jwt::alg::hs256));
  CHECK(jwt::is_hmac(jwt::alg::hs512));
  CHECK_FALSE(jwt::is_hmac(jwt::alg::rs256));
  CHECK_FALSE(jwt::is_hmac(jwt::alg::eddsa));
  CHECK(jwt::hmac_hash(jwt::alg::hs384) == crypto::hash_alg::sha384);
  CHECK(jwt::signature_scheme(jwt::alg::ps512) == crypto::signature_alg::rsa_pss_sha512);
  CHECK(jwt::signature_scheme(jwt::alg::rs256) == crypto::signature_alg::rsa_pkcs1_sha256);
  CHECK(jwt::signature_scheme(jwt::alg::es384) == crypto::signature_alg::ecdsa_p384_sha384);
  CHECK(jwt::signature_scheme(jwt::alg::es512) == crypto::signature_alg::ecdsa_p521_sha512);
  CHECK(jwt::signature_scheme(jwt::alg::eddsa) == crypto::signature_alg::ed25519);
}

TEST_CASE("every algorithm round-trips through issuer and verifier", "[jwt][algorithm][roundtrip]") {
  for (auto a : all_algs) {
    CAPTURE(jwt::alg_name(a));
    jwt::issuer<fixed_clock> iss(signer(a, "k-1"), {.issuer = "https://auth.example", .lifetime = std::chrono::hours(1)},
                                 fixed_clock{t0});
    jwt::claims c;
    c.subject("alice").audience("partner-api");
    CHECK(c.set("org_id", "org-42"));
    CHECK(c.set("scope", "orders:read orders:write"));
    auto issued = iss.issue(c);
    REQUIRE(issued);
    CHECK(issued->issued_at == t0);
    CHECK(issued->expires_at == t0 + 3600);

    auto rules = jwt::rules::builder{}.issuer("https://auth.example").audience("partner-api").build();
    REQUIRE(rules);
    jwt::verifier<jwt::single_key, fixed_clock> v(jwt::single_key(verifier_key(a, "k-1")), *rules, fixed_clock{t0 + 60});
    auto t = v.verify(issued->token);
    REQUIRE(t);
    CHECK(t->algorithm() == a);
    CHECK(t->kid() == "k-1");
    CHECK(t->type() == "JWT");
    CHECK(t->subject() == "alice");
    CHECK(t->issuer() == "https://auth.example");
    CHECK(t->jwt_id() == issued->jwt_id);
    CHECK(t->expires_at() == t0 + 3600);
    CHECK(t->claim_string("org_id").value() == "org-42");
    CHECK(t->has_scope("orders:write"));

    // One flipped bit anywhere in the signed part is refused.
    std::string tampered = issued->token;
    auto dot = tampered.find('.');
    tampered[dot + 5] = tampered[dot + 5] == 'A' ? 'B' : 'A';
    CHECK(v.verify(tampered).error() == errc::bad_signature);
  }
}

TEST_CASE("a key of one algorithm refuses tokens of every other algorithm", "[jwt][algorithm]") {
  std::vector<jwt::verifier<jwt::single_key, fixed_clock>> verifiers;
  for (auto a : all_algs) verifiers.emplace_back(jwt::single_key(verifier_key(a)), lax_rules(), fixed_clock{t0});
  for (auto signed_with : all_algs) {
    jwt::issuer<fixed_clock> iss(signer(signed_with), {}, fixed_clock{t0});
    auto tok = iss.issue(jwt::claims{}).value().token;
    for (auto& v : verifiers) {
      const jwt::alg verified_with = v.keys().key().algorithm();
      CAPTURE(jwt::alg_name(signed_with), jwt::alg_name(verified_with));
      if (verified_with == signed_with) CHECK(v.verify(tok));
      else CHECK(v.verify(tok).error() == errc::algorithm_not_allowed);
    }
  }
}
