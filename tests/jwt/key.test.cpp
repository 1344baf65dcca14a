// Tests for tessera/jwt/key.hpp: keys bound to one algorithm, HMAC length policy, key kind
// checks, and the published JWS known answers checked at the signature level:
//  - RFC 7515 Appendix A.1 (HS256), A.2 (RS256), A.3 (ES256), A.4 (ES512);
//  - RFC 8037 Appendix A.1 (Ed25519 key), A.4 (signing) and A.5 (verification).
#include "tessera/jwt/key.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"
#include "jwt/rfc_vectors.hpp"
#include "support/test_keys.hpp"

using namespace tessera;
using namespace jwt_test;

TEST_CASE("HMAC keys shorter than the hash output are refused (RFC 7518 section 3.2)", "[jwt][key]") {
  struct {
    jwt::alg a;
    std::size_t hash;
  } cases[] = {{jwt::alg::hs256, 32}, {jwt::alg::hs384, 48}, {jwt::alg::hs512, 64}};
  for (auto [a, n] : cases) {
    CAPTURE(jwt::alg_name(a));
    const std::string just(n, 'k'), short_by_one(n - 1, 'k'), longer(n + 17, 'k');
    CHECK(jwt::verification_key::hmac(a, short_by_one).error() == errc::key_too_small);
    CHECK(jwt::signing_key::hmac(a, short_by_one).error() == errc::key_too_small);
    CHECK(jwt::verification_key::hmac(a, "").error() == errc::key_too_small);
    CHECK(jwt::verification_key::hmac(a, just));
    CHECK(jwt::signing_key::hmac(a, just));
    CHECK(jwt::verification_key::hmac(a, longer));
  }
  CHECK(jwt::verification_key::hmac<jwt::hs256>(std::string(31, 'x')).error() == errc::key_too_small);
  CHECK(jwt::signing_key::hmac<jwt::hs512>(std::string(63, 'x')).error() == errc::key_too_small);
}

TEST_CASE("a key must be of the kind its algorithm needs (key_type_mismatch)", "[jwt][key]") {
  const auto& k = keys();
  auto rsa_pub = k.rsa.public_key().value();
  auto p256_pub = k.p256.public_key().value();
  auto p384_pub = k.p384.public_key().value();
  auto p521_pub = k.p521.public_key().value();
  auto ed_pub = k.ed25519.public_key().value();

  // HMAC constructors refuse asymmetric algorithms, asymmetric constructors refuse HMAC ones.
  CHECK(jwt::verification_key::hmac(jwt::alg::rs256, k.hs256).error() == errc::key_type_mismatch);
  CHECK(jwt::signing_key::hmac(jwt::alg::eddsa, k.hs256).error() == errc::key_type_mismatch);
  CHECK(jwt::verification_key::asymmetric(jwt::alg::hs256, rsa_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::signing_key::asymmetric(jwt::alg::hs256, k.rsa).error() == errc::key_type_mismatch);

  // Asymmetric keys of the wrong kind or curve.
  CHECK(jwt::verification_key::asymmetric(jwt::alg::es256, rsa_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::verification_key::asymmetric(jwt::alg::es256, p384_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::verification_key::asymmetric(jwt::alg::es384, p256_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::verification_key::asymmetric(jwt::alg::es512, p384_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::verification_key::asymmetric(jwt::alg::es512, p256_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::verification_key::asymmetric(jwt::alg::es512, rsa_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::verification_key::asymmetric(jwt::alg::es384, p521_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::verification_key::asymmetric(jwt::alg::eddsa, p521_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::verification_key::asymmetric(jwt::alg::eddsa, p256_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::verification_key::asymmetric(jwt::alg::rs256, ed_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::verification_key::asymmetric(jwt::alg::ps256, p256_pub).error() == errc::key_type_mismatch);
  CHECK(jwt::signing_key::asymmetric(jwt::alg::rs512, k.p256).error() == errc::key_type_mismatch);
  CHECK(jwt::signing_key::asymmetric(jwt::alg::es384, k.p256).error() == errc::key_type_mismatch);
  CHECK(jwt::signing_key::asymmetric(jwt::alg::es512, k.p384).error() == errc::key_type_mismatch);
  CHECK(jwt::signing_key::asymmetric(jwt::alg::es256, k.p521).error() == errc::key_type_mismatch);
  CHECK(jwt::signing_key::asymmetric(jwt::alg::eddsa, k.rsa).error() == errc::key_type_mismatch);

  // The right kinds, through the policy-type forms too.
  CHECK(jwt::verification_key::asymmetric<jwt::rs256>(rsa_pub));
  CHECK(jwt::verification_key::asymmetric<jwt::ps512>(rsa_pub));
  CHECK(jwt::verification_key::asymmetric<jwt::es256>(p256_pub));
  CHECK(jwt::verification_key::asymmetric<jwt::es384>(p384_pub));
  CHECK(jwt::verification_key::asymmetric<jwt::es512>(p521_pub));
  CHECK(jwt::signing_key::asymmetric<jwt::es512>(k.p521));
  CHECK(jwt::verification_key::asymmetric<jwt::eddsa>(ed_pub));
  CHECK(jwt::signing_key::asymmetric<jwt::es256>(k.p256));
}

TEST_CASE("a signing key's verification key keeps its algorithm and kid", "[jwt][key]") {
  for (auto a : all_algs) {
    CAPTURE(jwt::alg_name(a));
    auto s = signer(a, "kid-7");
    CHECK(s.algorithm() == a);
    CHECK(s.kid() == "kid-7");
    auto v = s.verification();
    REQUIRE(v);
    CHECK(v->algorithm() == a);
    CHECK(v->kid() == "kid-7");
    CHECK((v->public_key() == nullptr) == jwt::is_hmac(a));

    auto sig = s.sign("header.payload");
    REQUIRE(sig);
    CHECK(v->verify("header.payload", *sig));
    CHECK(v->verify("header.payloaD", *sig).error() == errc::bad_signature);
  }
}

TEST_CASE("a key only verifies what its own secret or private key signed", "[jwt][key]") {
  auto a = jwt::signing_key::hmac(jwt::alg::hs256, std::string(32, 'a')).value();
  auto b = jwt::verification_key::hmac(jwt::alg::hs256, std::string(32, 'b')).value();
  auto sig = a.sign("input").value();
  CHECK(b.verify("input", sig).error() == errc::bad_signature);

  auto other_rsa = crypto::private_key::from_pem(tessera_test::keys::rsa2048_private_pkcs8).value();
  auto foreign = jwt::verification_key::asymmetric(jwt::alg::rs256, other_rsa.public_key().value()).value();
  auto rs = signer(jwt::alg::rs256).sign("input").value();
  CHECK(foreign.verify("input", rs).error() == errc::bad_signature);
}

// ---- known answers -------------------------------------------------------------------------

TEST_CASE("RFC 7515 A.1: HS256 with the published key reproduces and verifies the published MAC", "[jwt][key][kat]") {
  using namespace rfc7515;
  auto k = core::base64url_decode(a1_jwk_k).value();
  CHECK(k.size() == 64);
  auto s = jwt::signing_key::hmac(jwt::alg::hs256, k).value();
  const std::string input = std::string(a1_header_b64) + "." + std::string(a1_payload_b64);
  // The segments are the encodings of the exact published bytes, "\r\n" included.
  CHECK(core::base64url_encode(a1_header_json) == a1_header_b64);
  CHECK(core::base64url_encode(a1_payload_json) == a1_payload_b64);
  auto mac = s.sign(input);
  REQUIRE(mac);
  CHECK(core::base64url_encode(*mac) == a1_signature_b64);
  auto v = jwt::verification_key::hmac(jwt::alg::hs256, k).value();
  CHECK(v.verify(input, core::base64url_decode(a1_signature_b64).value()));
}

TEST_CASE("RFC 7515 A.2: RS256 published key verifies the published signature", "[jwt][key][kat]") {
  using namespace rfc7515;
  auto pub = crypto::public_key::from_jwk(nlohmann::json::parse(a2_public_jwk));
  REQUIRE(pub);
  auto v = jwt::verification_key::asymmetric(jwt::alg::rs256, *pub).value();
  const std::string input = std::string(a2_header_b64) + "." + std::string(a1_payload_b64);
  auto sig = core::base64url_decode(a2_signature_b64).value();
  CHECK(v.verify(input, sig));
  // RSASSA-PKCS1-v1_5 is deterministic: the published private key signs to the same bytes.
  auto priv = crypto::private_key::from_jwk(nlohmann::json::parse(a2_private_jwk));
  REQUIRE(priv);
  auto mine = jwt::signing_key::asymmetric(jwt::alg::rs256, *priv).value().sign(input);
  REQUIRE(mine);
  CHECK(core::base64url_encode(*mine) == a2_signature_b64);
  // The same signature over a changed input, or under PS256 with the same key, does not verify.
  CHECK(v.verify(input + "x", sig).error() == errc::bad_signature);
  auto pss = jwt::verification_key::asymmetric(jwt::alg::ps256, *pub).value();
  CHECK(pss.verify(input, sig).error() == errc::bad_signature);
}

TEST_CASE("RFC 7515 A.3: ES256 published key verifies the published signature", "[jwt][key][kat]") {
  using namespace rfc7515;
  auto pub = crypto::public_key::from_jwk(nlohmann::json::parse(a3_public_jwk));
  REQUIRE(pub);
  auto v = jwt::verification_key::asymmetric(jwt::alg::es256, *pub).value();
  const std::string input = std::string(a3_header_b64) + "." + std::string(a1_payload_b64);
  auto sig = core::base64url_decode(a3_signature_b64).value();
  REQUIRE(sig.size() == 64);
  CHECK(v.verify(input, sig));
  // ECDSA is randomised: a fresh signature with the published private key differs yet verifies.
  auto priv = crypto::private_key::from_jwk(nlohmann::json::parse(a3_private_jwk));
  REQUIRE(priv);
  auto mine = jwt::signing_key::asymmetric(jwt::alg::es256, *priv).value().sign(input).value();
  CHECK(mine.size() == 64);
  CHECK(mine != sig);
  CHECK(v.verify(input, mine));
}

TEST_CASE("RFC 7515 A.4: ES512 published key verifies the published signature", "[jwt][key][kat]") {
  // RFC 7515 Appendix A.4 (Example JWS Using ECDSA P-521 SHA-512): the P-521 key of A.4.1, the
  // header {"alg":"ES512"}, the payload "Payload" and the signature of A.4.1, as printed there.
  const nlohmann::json public_jwk = {
      {"kty", "EC"},
      {"crv", "P-521"},
      {"x", "AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk"},
      {"y", "ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2"}};
  nlohmann::json private_jwk = public_jwk;
  private_jwk["d"] = "AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C";
  const std::string input = "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA";
  const std::string signature_b64 =
      "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3"
      "xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";
  CHECK(core::base64url_encode(std::string_view("{\"alg\":\"ES512\"}")) + "." +
            core::base64url_encode(std::string_view("Payload")) ==
        input);

  auto pub = crypto::public_key::from_jwk(public_jwk);
  REQUIRE(pub);
  CHECK(pub->type() == crypto::key_type::ec_p521);
  CHECK(pub->to_jwk() == public_jwk);  // the 66-byte coordinates come back with their leading zero bits
  auto v = jwt::verification_key::asymmetric(jwt::alg::es512, *pub).value();
  auto sig = core::base64url_decode(signature_b64).value();
  REQUIRE(sig.size() == 132);
  CHECK(v.verify(input, sig));
  CHECK(v.verify(input + "x", sig).error() == errc::bad_signature);
  // The P-521 key is bound to ES512: it cannot be made an ES384 key.
  CHECK(jwt::verification_key::asymmetric(jwt::alg::es384, *pub).error() == errc::key_type_mismatch);
  // One byte short or long is the wrong length for P-521.
  CHECK(v.verify(input, core::bytes_view(sig.data(), 131)).error() == errc::invalid_signature_length);
  auto longer = sig;
  longer.push_back(0);
  CHECK(v.verify(input, longer).error() == errc::invalid_signature_length);
  // ECDSA is randomised: a fresh signature with the published private key differs yet verifies.
  auto priv = crypto::private_key::from_jwk(private_jwk);
  REQUIRE(priv);
  auto mine = jwt::signing_key::asymmetric(jwt::alg::es512, *priv).value().sign(input).value();
  CHECK(mine.size() == 132);
  CHECK(mine != sig);
  CHECK(v.verify(input, mine));
}

TEST_CASE("RFC 8037 A.4/A.5: Ed25519 reproduces and verifies the published signature", "[jwt][key][kat]") {
  using namespace rfc8037;
  auto priv = crypto::private_key::from_jwk(nlohmann::json::parse(a1_private_jwk));
  REQUIRE(priv);
  auto pub = crypto::public_key::from_jwk(nlohmann::json::parse(a1_public_jwk));
  REQUIRE(pub);
  CHECK(priv->public_key().value().to_jwk() == pub->to_jwk());
  // RFC 8037 A.2: the published thumbprint of the public key.
  CHECK(pub->thumbprint() == a2_thumbprint);

  const std::string input = std::string(a4_header_b64) + "." + std::string(a4_payload_b64);
  CHECK(core::base64url_encode(a4_payload) == a4_payload_b64);
  // A.4: Ed25519 is deterministic, so signing the same input gives the published signature.
  auto sig = jwt::signing_key::asymmetric(jwt::alg::eddsa, *priv).value().sign(input);
  REQUIRE(sig);
  CHECK(core::base64url_encode(*sig) == a4_signature_b64);
  // A.5: the public key verifies it.
  auto v = jwt::verification_key::asymmetric(jwt::alg::eddsa, *pub).value();
  CHECK(v.verify(input, core::base64url_decode(a4_signature_b64).value()));
  CHECK(v.verify(input + ".", core::base64url_decode(a4_signature_b64).value()).error() == errc::bad_signature);
}

TEST_CASE("a signing key knows the length of its signatures", "[jwt][key]") {
  for (auto a : all_algs) {
    CAPTURE(jwt::alg_name(a));
    const auto k = signer(a);
    const auto sig = k.sign(core::bytes_view("header.payload"));
    REQUIRE(sig);
    CHECK(k.signature_size() == sig->size());
  }
}
