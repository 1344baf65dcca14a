// Tests for tessera/jwt/jwks.hpp: importing RSA, EC, OKP and (opt-in) oct JWKs into keys bound
// to one algorithm; the refusals (use:enc, key_ops, duplicate kids, several anonymous keys,
// weak RSA, alg/kty conflicts, unknown alg, private members, oversize documents); export of
// the public keys and re-import.
#include "tessera/jwt/jwks.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"
#include "jwt/rfc_vectors.hpp"
#include "support/test_keys.hpp"

using namespace tessera;
using namespace jwt_test;
using nlohmann::json;

namespace {
json pub_jwk(jwt::alg a) { return private_for(a).public_key().value().to_jwk(); }
json with(json j, const json& extra) {
  j.update(extra);
  return j;
}
std::string doc(std::initializer_list<json> keys) { return json{{"keys", json::array_t(keys)}}.dump(); }
}  // namespace

TEST_CASE("import_jwk binds each key type to one algorithm", "[jwt][jwks]") {
  // RSA: alg from the JWK, or the configured default (RS256).
  auto rs = jwt::import_jwk(pub_jwk(jwt::alg::rs256));
  REQUIRE(rs);
  CHECK(rs->algorithm() == jwt::alg::rs256);
  CHECK(rs->kid().empty());
  for (auto a : {jwt::alg::rs384, jwt::alg::rs512, jwt::alg::ps256, jwt::alg::ps384, jwt::alg::ps512}) {
    auto k = jwt::import_jwk(with(pub_jwk(a), {{"alg", jwt::alg_name(a)}, {"kid", "r"}}));
    REQUIRE(k);
    CHECK(k->algorithm() == a);
    CHECK(k->kid() == "r");
  }
  jwt::jwks_options ps;
  ps.default_rsa_alg = jwt::alg::ps256;
  CHECK(jwt::import_jwk(pub_jwk(jwt::alg::rs256), ps)->algorithm() == jwt::alg::ps256);
  jwt::jwks_options no_default;
  no_default.default_rsa_alg = std::nullopt;
  CHECK(jwt::import_jwk(pub_jwk(jwt::alg::rs256), no_default).error() == errc::algorithm_not_allowed);

  // EC and OKP imply their algorithm from the curve.
  CHECK(jwt::import_jwk(pub_jwk(jwt::alg::es256))->algorithm() == jwt::alg::es256);
  CHECK(jwt::import_jwk(pub_jwk(jwt::alg::es384))->algorithm() == jwt::alg::es384);
  CHECK(jwt::import_jwk(pub_jwk(jwt::alg::es512))->algorithm() == jwt::alg::es512);
  CHECK(jwt::import_jwk(with(pub_jwk(jwt::alg::es512), {{"alg", "ES512"}, {"kid", "p521"}}))->algorithm() == jwt::alg::es512);
  CHECK(jwt::import_jwk(pub_jwk(jwt::alg::eddsa))->algorithm() == jwt::alg::eddsa);
  CHECK(jwt::import_jwk(with(pub_jwk(jwt::alg::es256), {{"alg", "ES256"}, {"use", "sig"}, {"key_ops", {"verify"}}})));

  // The published RFC 7515 A.2 key, with a key_ops list naming verify among others.
  auto a2 = jwt::import_jwk(with(json::parse(rfc7515::a2_public_jwk), {{"key_ops", {"sign", "verify"}}, {"kid", "2011-04-29"}}));
  REQUIRE(a2);
  CHECK(a2->kid() == "2011-04-29");
}

TEST_CASE("weak public keys are refused on import", "[jwt][jwks]") {
  // The Ed25519 identity point (small order) and a non-canonical y (= p).
  CHECK(jwt::import_jwk(json{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}).error() ==
        errc::weak_key);
  CHECK(jwt::import_jwk(json{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "7f_______________________________________38"}}).error() ==
        errc::invalid_key);
  // An RSA key whose exponent is far above 65537.
  CHECK(jwt::import_jwk(with(pub_jwk(jwt::alg::rs256), {{"e", "AQAAAAE"}})).error() == errc::unsupported_key_type);
}

TEST_CASE("oct keys are imported only when allowed, and only long enough", "[jwt][jwks]") {
  const json oct = {{"kty", "oct"}, {"alg", "HS256"}, {"kid", "h"}, {"k", rfc7515::a1_jwk_k}};
  CHECK(jwt::import_jwk(oct).error() == errc::key_type_mismatch);
  jwt::jwks_options allow;
  allow.allow_symmetric = true;
  auto k = jwt::import_jwk(oct, allow);
  REQUIRE(k);
  CHECK(k->algorithm() == jwt::alg::hs256);
  CHECK(k->public_key() == nullptr);
  // It verifies the RFC 7515 A.1 signature (the A.1 key is this JWK).
  CHECK(k->verify(std::string(rfc7515::a1_header_b64) + "." + std::string(rfc7515::a1_payload_b64),
                  core::base64url_decode(rfc7515::a1_signature_b64).value()));
  CHECK(jwt::import_jwk(with(oct, {{"alg", "HS512"}}), allow));  // 64 bytes: enough for HS512 too
  CHECK(jwt::import_jwk(with(oct, {{"k", core::base64url_encode(std::string(31, 'k'))}}), allow).error() ==
        errc::key_too_small);
  CHECK(jwt::import_jwk(with(oct, {{"k", core::base64url_encode(std::string(32, 'k'))}, {"alg", "HS384"}}), allow).error() ==
        errc::key_too_small);
  CHECK(jwt::import_jwk(with(oct, {{"k", ""}}), allow).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(with(oct, {{"k", "not base64!"}}), allow).error() == errc::invalid_key);
  json no_alg = oct;
  no_alg.erase("alg");
  CHECK(jwt::import_jwk(no_alg, allow).error() == errc::algorithm_not_allowed);
}

TEST_CASE("JWKs meant for something else than verifying are refused", "[jwt][jwks]") {
  const json ec = pub_jwk(jwt::alg::es256);
  CHECK(jwt::import_jwk(with(ec, {{"use", "enc"}})).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(with(ec, {{"use", "SIG"}})).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(with(ec, {{"use", 1}})).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(with(ec, {{"key_ops", {"sign"}}})).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(with(ec, {{"key_ops", {"encrypt", "wrapKey"}}})).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(with(ec, {{"key_ops", json::array()}})).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(with(ec, {{"key_ops", "verify"}})).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(with(ec, {{"key_ops", {"sign", "verify"}}})));
}

TEST_CASE("an alg that conflicts with the key type, or is unknown, is refused", "[jwt][jwks]") {
  const json rsa = pub_jwk(jwt::alg::rs256), p256 = pub_jwk(jwt::alg::es256), p384 = pub_jwk(jwt::alg::es384),
             p521 = pub_jwk(jwt::alg::es512), ed = pub_jwk(jwt::alg::eddsa);
  CHECK(jwt::import_jwk(with(rsa, {{"alg", "ES256"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(rsa, {{"alg", "HS256"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(rsa, {{"alg", "EdDSA"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(p256, {{"alg", "ES384"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(p384, {{"alg", "ES256"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(p384, {{"alg", "ES512"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(p256, {{"alg", "ES512"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(p521, {{"alg", "ES384"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(p521, {{"alg", "ES256"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(p521, {{"alg", "EdDSA"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(rsa, {{"alg", "ES512"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(ed, {{"alg", "ES512"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(p256, {{"alg", "RS256"}})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_jwk(with(ed, {{"alg", "ES256"}})).error() == errc::key_type_mismatch);
  jwt::jwks_options allow;
  allow.allow_symmetric = true;
  CHECK(jwt::import_jwk({{"kty", "oct"}, {"alg", "RS256"}, {"k", rfc7515::a1_jwk_k}}, allow).error() ==
        errc::key_type_mismatch);
  for (const char* alg : {"none", "ES256K", "es512", "RSA-OAEP", "A128KW", "rs256", "HS1", ""}) {
    CAPTURE(alg);
    CHECK(jwt::import_jwk(with(rsa, {{"alg", alg}})).error() == errc::algorithm_not_allowed);
  }
  CHECK(jwt::import_jwk(with(rsa, {{"alg", 256}})).error() == errc::invalid_key);
}

TEST_CASE("private key members in a JWKS are refused", "[jwt][jwks]") {
  const json rsa_private = json::parse(tessera_test::keys::rsa2048_private_jwk);
  CHECK(jwt::import_jwk(rsa_private).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(json::parse(tessera_test::keys::p256_private_jwk)).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(json::parse(tessera_test::keys::p521_private_jwk)).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(json::parse(tessera_test::keys::ed25519_private_jwk)).error() == errc::invalid_key);
  // Any RSA private member, not only "d", marks key material that must never be published.
  for (const char* member : {"p", "q", "dp", "dq", "qi"}) {
    CAPTURE(member);
    json leaky = pub_jwk(jwt::alg::rs256);
    leaky[member] = rsa_private[member];
    CHECK(jwt::import_jwk(leaky).error() == errc::invalid_key);
  }
  json oth = pub_jwk(jwt::alg::rs256);
  oth["oth"] = json::array({{{"r", "AQAB"}, {"d", "AQAB"}, {"t", "AQAB"}}});
  CHECK(jwt::import_jwk(oth).error() == errc::invalid_key);
}

TEST_CASE("weak, malformed and unsupported keys are refused", "[jwt][jwks]") {
  auto weak = crypto::public_key::from_pem(tessera_test::keys::rsa1024_public_spki,
                                           crypto::key_policy::dangerously_allow_rsa_bits(1024))
                  .value();
  CHECK(jwt::import_jwk(weak.to_jwk()).error() == errc::key_too_small);
  CHECK(jwt::import_jwks(doc({with(weak.to_jwk(), {{"kid", "weak"}})})).error() == errc::key_too_small);
  jwt::jwks_options legacy;
  legacy.policy = crypto::key_policy::dangerously_allow_rsa_bits(1024);
  CHECK(jwt::import_jwk(weak.to_jwk(), legacy));  // only with the loud opt-in

  json off_curve = pub_jwk(jwt::alg::es256);
  auto y = core::base64url_decode(off_curve["y"].get<std::string>()).value();
  y.back() ^= 1;
  off_curve["y"] = core::base64url_encode(y);
  CHECK(jwt::import_jwk(off_curve).error() == errc::invalid_key);
  json short_x = pub_jwk(jwt::alg::es256);
  short_x["x"] = core::base64url_encode(std::string(31, 'x'));
  CHECK(jwt::import_jwk(short_x).error() == errc::invalid_key);
  CHECK(jwt::import_jwk({{"kty", "EC"}, {"crv", "P-192"}, {"x", "AA"}, {"y", "AA"}}).error() == errc::unsupported_key_type);
  CHECK(jwt::import_jwk({{"kty", "EC"}, {"crv", "secp521r1"}, {"x", "AA"}, {"y", "AA"}}).error() ==
        errc::unsupported_key_type);
  CHECK(jwt::import_jwk({{"kty", "EC"}, {"crv", "P-521"}, {"x", "AA"}, {"y", "AA"}}).error() == errc::invalid_key);
  // P-521 coordinates are 66 bytes (RFC 7518 §6.2.1.2), the first holding a single bit: one byte short is refused.
  json p521_short = pub_jwk(jwt::alg::es512);
  for (const char* m : {"x", "y"}) {
    auto c = core::base64url_decode(p521_short[m].get<std::string>()).value();
    REQUIRE(c.size() == 66);
    CHECK(c[0] <= 1);  // 521 bits: the top byte holds one bit
    json j = p521_short;
    j[m] = core::base64url_encode(core::bytes(c.begin() + 1, c.end()));
    CAPTURE(m);
    CHECK(jwt::import_jwk(j).error() == errc::invalid_key);
  }
  json p521_off_curve = pub_jwk(jwt::alg::es512);
  auto y521 = core::base64url_decode(p521_off_curve["y"].get<std::string>()).value();
  y521.back() ^= 1;
  p521_off_curve["y"] = core::base64url_encode(y521);
  CHECK(jwt::import_jwk(p521_off_curve).error() == errc::invalid_key);
  CHECK(jwt::import_jwk({{"kty", "OKP"}, {"crv", "X25519"}, {"x", "AA"}}).error() == errc::unsupported_key_type);
  CHECK(jwt::import_jwk({{"kty", "OKP"}, {"crv", "Ed448"}, {"x", "AA"}}).error() == errc::unsupported_key_type);
  CHECK(jwt::import_jwk({{"kty", "RSA"}, {"e", "AQAB"}}).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(json::object()).error() == errc::algorithm_not_allowed);
  CHECK(jwt::import_jwk(json::array()).error() == errc::invalid_key);
  CHECK_FALSE(jwt::import_jwk({{"kty", "DSA"}, {"alg", "RS256"}}));

  // kid: a non-empty string of bounded length.
  const json ec = pub_jwk(jwt::alg::es256);
  CHECK(jwt::import_jwk(with(ec, {{"kid", 5}})).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(with(ec, {{"kid", ""}})).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(with(ec, {{"kid", std::string(257, 'k')}})).error() == errc::invalid_key);
  CHECK(jwt::import_jwk(with(ec, {{"kid", std::string(256, 'k')}})));
}

TEST_CASE("import_jwks refuses the whole document for one bad key, duplicates or excess", "[jwt][jwks]") {
  const json rs = with(pub_jwk(jwt::alg::rs256), {{"kid", "r"}}), es = with(pub_jwk(jwt::alg::es256), {{"kid", "e"}}),
             ed = with(pub_jwk(jwt::alg::eddsa), {{"kid", "d"}});
  auto ok = jwt::import_jwks(doc({rs, es, ed}));
  REQUIRE(ok);
  CHECK(ok->size() == 3);

  CHECK(jwt::import_jwks(doc({rs, with(es, {{"kid", "r"}})})).error() == errc::invalid_key);  // duplicate kid
  json anon1 = pub_jwk(jwt::alg::es256), anon2 = pub_jwk(jwt::alg::eddsa);
  CHECK(jwt::import_jwks(doc({rs, anon1})));  // one anonymous key is the default
  CHECK(jwt::import_jwks(doc({anon1, rs, anon2})).error() == errc::invalid_key);  // two are ambiguous
  CHECK(jwt::import_jwks(doc({rs, with(es, {{"use", "enc"}})})).error() == errc::invalid_key);
  CHECK(jwt::import_jwks(doc({rs, with(es, {{"alg", "RS256"}})})).error() == errc::key_type_mismatch);

  CHECK(jwt::import_jwks("").error() == errc::invalid_key);
  CHECK(jwt::import_jwks("{").error() == errc::invalid_key);
  CHECK(jwt::import_jwks("[]").error() == errc::invalid_key);
  CHECK(jwt::import_jwks(R"({"keys":{}})").error() == errc::invalid_key);
  CHECK(jwt::import_jwks(R"({"keys":[1]})").error() == errc::invalid_key);
  CHECK(jwt::import_jwks(R"({"keys":[]})").value().empty());

  // Size bounds: the document and the number of keys.
  jwt::jwks_options small;
  small.max_document_size = 256;
  CHECK(jwt::import_jwks(doc({rs, es}), small).error() == errc::input_too_large);
  CHECK(jwt::import_jwks(std::string(256 * 1024 + 1, ' ')).error() == errc::input_too_large);
  json many = {{"keys", json::array()}};
  for (int i = 0; i < 65; ++i) many["keys"].push_back(with(pub_jwk(jwt::alg::eddsa), {{"kid", "k" + std::to_string(i)}}));
  CHECK(jwt::import_jwks(many.dump()).error() == errc::input_too_large);
  many["keys"].erase(64);
  CHECK(jwt::import_jwks(many.dump()));
}

TEST_CASE("export_jwks publishes public keys only, and re-imports to the same verification", "[jwt][jwks]") {
  jwt::kid_key_set set;
  const jwt::alg published[] = {jwt::alg::rs256, jwt::alg::ps384, jwt::alg::es256,
                                jwt::alg::es384, jwt::alg::es512, jwt::alg::eddsa};
  for (auto a : published) set.put(verifier_key(a, std::string("kid-") + std::string(jwt::alg_name(a))));
  set.put(verifier_key(jwt::alg::hs256, "kid-HS256"));  // never published

  CHECK_FALSE(jwt::export_jwk(verifier_key(jwt::alg::hs256)));
  auto exported = jwt::export_jwks(set);
  REQUIRE(exported["keys"].size() == 6);
  for (auto& k : exported["keys"]) {
    CAPTURE(k.dump());
    CHECK(k["use"] == "sig");
    CHECK(k["kid"] == "kid-" + k["alg"].get<std::string>());
    for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "k"}) CHECK_FALSE(k.contains(secret));
  }

  jwt::kid_key_set reimported;
  REQUIRE(jwt::load_jwks(reimported, exported.dump()));
  CHECK(reimported.size() == 6);
  jwt::verifier<jwt::kid_key_set&, fixed_clock> v(reimported, lax_rules(), fixed_clock{});
  for (auto a : published) {
    CAPTURE(jwt::alg_name(a));
    const std::string kid = std::string("kid-") + std::string(jwt::alg_name(a));
    jwt::issuer<fixed_clock> iss(signer(a, kid), {}, fixed_clock{});
    CHECK(v.verify(iss.issue(jwt::claims{}).value().token));
    CHECK(reimported.find(kid)->algorithm() == a);
  }
  jwt::issuer<fixed_clock> hs(signer(jwt::alg::hs256, "kid-HS256"), {}, fixed_clock{});
  CHECK(v.verify(hs.issue(jwt::claims{}).value().token).error() == errc::key_not_found);

  // A failed load leaves the set as it was.
  CHECK(jwt::load_jwks(reimported, R"({"keys":[{"kty":"EC","use":"enc"}]})").error() == errc::invalid_key);
  CHECK(reimported.size() == 6);
}
