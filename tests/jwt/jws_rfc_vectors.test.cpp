// The published JWS examples, run through tessera's public JWS API (jws_verifier, jws_signer,
// import_jwk / import_jwks, signing_key):
//  - RFC 7515 Appendix A.1 (HS256), A.2 (RS256), A.3 (ES256), A.4 (ES512); A.5 (unsecured) refused;
//  - RFC 7520 §4.1–4.8 (RS256, PS384, ES512, HS256; compact, flattened and general JSON
//    serializations; detached content; protected and unprotected headers; multiple signatures);
//  - RFC 8037 Appendix A.4 (Ed25519 signing) and A.5 (verification).
// Keys come in as the RFCs publish them, as JWKs. For the deterministic algorithms (HMAC,
// RSASSA-PKCS1-v1_5, Ed25519) the published signature is also reproduced: by jws_signer where its
// protected header bytes are the RFC's, otherwise by signing the RFC's exact JWS Signing Input.
// ECDSA and RSASSA-PSS signatures are randomized, so those are verified, and a signature made here
// with the published private key verifies under the published public key.
#include "tessera/jwt/jws.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jwt/fixtures.hpp"
#include "jwt/rfc_vectors.hpp"
#include "support/catch.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/jwt/jwks.hpp"

using namespace tessera;
using jwt_test::b64;
using nlohmann::json;

namespace {

core::bytes bytes_of(std::string_view s) { return core::bytes(s.begin(), s.end()); }
std::string text_of(const core::bytes& b) { return std::string(b.begin(), b.end()); }
std::string cat(std::string_view a, std::string_view b, std::string_view c) {
  return std::string(a) + "." + std::string(b) + "." + std::string(c);
}

// A published JWK without its private members: the public key a verifier is given.
json public_part(json jwk) {
  for (const char* m : {"d", "p", "q", "dp", "dq", "qi"}) jwk.erase(m);
  return jwk;
}

// The verification key of a published (private or public) JWK, read by tessera's JWKS import.
jwt::verification_key import_public(std::string_view jwk_text, jwt::jwks_options o = {}) {
  auto k = jwt::import_jwk(public_part(json::parse(jwk_text)), o);
  REQUIRE(k);
  return std::move(*k);
}

// A signing key from a published private JWK.
jwt::signing_key import_signing(std::string_view jwk_text, jwt::alg a, std::string kid = {}) {
  auto priv = crypto::private_key::from_jwk(json::parse(jwk_text));
  REQUIRE(priv);
  auto k = jwt::signing_key::asymmetric(a, std::move(*priv), std::move(kid));
  REQUIRE(k);
  return std::move(*k);
}

jwt::jws_verifier<jwt::single_key> verifier_of(jwt::verification_key k, jwt::jws_options o = {}) {
  return jwt::jws_verifier<jwt::single_key>(jwt::single_key(std::move(k)), std::move(o));
}

// A flattened JWS (RFC 7515 §7.2.2) from its members; absent members are left out.
json flattened(std::string_view payload, std::string_view prot, std::string_view signature, json header = nullptr) {
  json j = json::object();
  if (!payload.empty()) j["payload"] = payload;
  if (!prot.empty()) j["protected"] = prot;
  if (!header.is_null()) j["header"] = std::move(header);
  j["signature"] = signature;
  return j;
}

// A general JWS (RFC 7515 §7.2.1) with one entry per signature.
json general(std::string_view payload, std::vector<json> entries) {
  json j = {{"signatures", json::array()}};
  for (auto& e : entries) {
    e.erase("payload");
    j["signatures"].push_back(std::move(e));
  }
  if (!payload.empty()) j["payload"] = payload;
  return j;
}

// The same JWS with one character of its payload segment replaced (still base64url).
std::string tampered(std::string compact) {
  const auto at = compact.find('.') + 1;
  compact[at] = compact[at] == 'S' ? 'T' : 'S';
  return compact;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// RFC 7515 Appendix A

TEST_CASE("RFC 7515 A.1: HS256 verifies and its MAC is reproduced", "[jwt][jws][rfc]") {
  using namespace rfc7515;
  // A.1.1: the published header and payload bytes (with their CRLFs) encode to the published segments.
  CHECK(b64(a1_header_json) == a1_header_b64);
  CHECK(b64(a1_payload_json) == a1_payload_b64);
  // The A.1 JWK is {"kty":"oct","k":...}; tessera binds every key to one algorithm, so the import
  // names the one A.1 uses.
  auto key = jwt::import_jwk({{"kty", "oct"}, {"k", a1_jwk_k}, {"alg", "HS256"}}, {.allow_symmetric = true});
  REQUIRE(key);
  auto v = verifier_of(std::move(*key));
  auto ok = v.verify(a1_token);
  REQUIRE(ok);
  CHECK(text_of(ok->payload) == a1_payload_json);
  CHECK(ok->algorithm == jwt::alg::hs256);
  CHECK(ok->typ == "JWT");
  CHECK(v.verify(tampered(std::string(a1_token))).error() == errc::bad_signature);
  // The header's CRLF and member order are not what jws_signer writes, so the MAC is reproduced
  // over the published JWS Signing Input.
  auto signer = jwt::signing_key::hmac(jwt::alg::hs256, core::base64url_decode(a1_jwk_k).value());
  REQUIRE(signer);
  auto mac = signer->sign(bytes_of(std::string(a1_header_b64) + "." + std::string(a1_payload_b64)));
  REQUIRE(mac);
  CHECK(core::base64url_encode(core::bytes_view(*mac)) == a1_signature_b64);
}

TEST_CASE("RFC 7515 A.2: RS256 is reproduced by jws_signer byte for byte and verifies", "[jwt][jws][rfc]") {
  using namespace rfc7515;
  const std::string token = cat(a2_header_b64, a1_payload_b64, a2_signature_b64);
  auto v = verifier_of(import_public(a2_public_jwk));  // no "alg": RS256 by default for RSA
  auto ok = v.verify(token);
  REQUIRE(ok);
  CHECK(ok->algorithm == jwt::alg::rs256);
  CHECK(text_of(ok->payload) == a1_payload_json);
  CHECK(v.verify(tampered(token)).error() == errc::bad_signature);
  // Header {"alg":"RS256"} is exactly what jws_signer writes for a key without kid.
  jwt::jws_signer s(import_signing(a2_private_jwk, jwt::alg::rs256));
  CHECK(s.sign_compact(bytes_of(a1_payload_json)).value() == token);
}

TEST_CASE("RFC 7515 A.3: ES256 verifies; a signature made with the published key verifies", "[jwt][jws][rfc]") {
  using namespace rfc7515;
  const std::string token = cat(a3_header_b64, a1_payload_b64, a3_signature_b64);
  auto v = verifier_of(import_public(a3_public_jwk));  // P-256: ES256
  auto ok = v.verify(token);
  REQUIRE(ok);
  CHECK(ok->algorithm == jwt::alg::es256);
  CHECK(text_of(ok->payload) == a1_payload_json);
  CHECK(v.verify(tampered(token)).error() == errc::bad_signature);
  jwt::jws_signer s(import_signing(a3_private_jwk, jwt::alg::es256));
  auto own = s.sign_compact(bytes_of(a1_payload_json));
  REQUIRE(own);
  CHECK(own->substr(0, own->find('.')) == a3_header_b64);
  CHECK(v.verify(*own));
}

TEST_CASE("RFC 7515 A.4: ES512 (P-521, 132-byte R||S) verifies", "[jwt][jws][rfc]") {
  // RFC 7515 A.4.1: header {"alg":"ES512"}, payload the ASCII string "Payload", the P-521 key below.
  constexpr std::string_view private_jwk = R"({"kty":"EC","crv":"P-521",
   "x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk",
   "y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2",
   "d":"AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C"})";
  constexpr std::string_view header_b64 = "eyJhbGciOiJFUzUxMiJ9";
  constexpr std::string_view payload_b64 = "UGF5bG9hZA";
  constexpr std::string_view signature_b64 =
      "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZq"
      "wqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8Kp"
      "EHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";
  CHECK(b64(R"({"alg":"ES512"})") == header_b64);
  CHECK(b64("Payload") == payload_b64);
  // A.4.1's R begins [1, 220, 12, ...] and S [0, 111, 6, ...]: 66 bytes each.
  const auto sig = core::base64url_decode(signature_b64).value();
  REQUIRE(sig.size() == 132);
  CHECK((sig[0] == 1 && sig[1] == 220 && sig[2] == 12 && sig[66] == 0 && sig[67] == 111 && sig[68] == 6));

  const std::string token = cat(header_b64, payload_b64, signature_b64);
  auto v = verifier_of(import_public(private_jwk));  // P-521: ES512
  auto ok = v.verify(token);
  REQUIRE(ok);
  CHECK(ok->algorithm == jwt::alg::es512);
  CHECK(text_of(ok->payload) == "Payload");
  CHECK(v.verify(cat(header_b64, b64("payload"), signature_b64)).error() == errc::bad_signature);
  jwt::jws_signer s(import_signing(private_jwk, jwt::alg::es512));
  auto own = s.sign_compact(bytes_of("Payload"));
  REQUIRE(own);
  CHECK(own->substr(0, own->find('.')) == header_b64);
  CHECK(v.verify(*own));
}

TEST_CASE("RFC 7515 A.5: the unsecured JWS is refused, whatever the key", "[jwt][jws][rfc]") {
  using namespace rfc7515;
  // A.5: header {"alg":"none"}, the A.1 payload, an empty signature.
  constexpr std::string_view none_b64 = "eyJhbGciOiJub25lIn0";
  CHECK(b64(R"({"alg":"none"})") == none_b64);
  const std::string token = std::string(none_b64) + "." + std::string(a1_payload_b64) + ".";
  auto hmac = jwt::import_jwk({{"kty", "oct"}, {"k", a1_jwk_k}, {"alg", "HS256"}}, {.allow_symmetric = true});
  REQUIRE(hmac);
  for (auto& key : {*hmac, import_public(a2_public_jwk), import_public(a3_public_jwk)}) {
    INFO(jwt::alg_name(key.algorithm()));
    auto v = verifier_of(key);
    CHECK(v.verify(token).error() == errc::algorithm_not_allowed);
    CHECK(v.verify_json(flattened(a1_payload_b64, none_b64, "").dump()).error() == errc::algorithm_not_allowed);
  }
}

// ---------------------------------------------------------------------------------------------
// RFC 7520 §4 (JSON Web Signature examples). Keys: §3.2 Figure 2 (EC P-521), §3.4 Figure 4 (RSA),
// §3.5 Figure 5 (HMAC). Payload: Figure 7, base64url-encoded in Figure 8.

namespace rfc7520 {

constexpr std::string_view ec_private_jwk = R"({"kty":"EC","kid":"bilbo.baggins@hobbiton.example","use":"sig",
 "crv":"P-521",
 "x":"AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",
 "y":"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1",
 "d":"AAhRON2r9cqXX1hg-RoI6R1tX5p2rUAYdmpHZoC1XNM56KtscrX6zbKipQrCW9CGZH3T4ubpnoTKLDYJ_fF3_rJt"})";

constexpr std::string_view rsa_private_jwk = R"({"kty":"RSA","kid":"bilbo.baggins@hobbiton.example","use":"sig",
 "n":"n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw",
 "e":"AQAB",
 "d":"bWUC9B-EFRIo8kpGfh0ZuyGPvMNKvYWNtB_ikiH9k20eT-O1q_I78eiZkpXxXQ0UTEs2LsNRS-8uJbvQ-A1irkwMSMkK1J3XTGgdrhCku9gRldY7sNA_AKZGh-Q661_42rINLRCe8W-nZ34ui_qOfkLnK9QWDDqpaIsA-bMwWWSDFu2MUBYwkHTMEzLYGqOe04noqeq1hExBTHBOBdkMXiuFhUq1BU6l-DqEiWxqg82sXt2h-LMnT3046AOYJoRioz75tSUQfGCshWTBnP5uDjd18kKhyv07lhfSJdrPdM5Plyl21hsFf4L_mHCuoFau7gdsPfHPxxjVOcOpBrQzwQ",
 "p":"3Slxg_DwTXJcb6095RoXygQCAZ5RnAvZlno1yhHtnUex_fp7AZ_9nRaO7HX_-SFfGQeutao2TDjDAWU4Vupk8rw9JR0AzZ0N2fvuIAmr_WCsmGpeNqQnev1T7IyEsnh8UMt-n5CafhkikzhEsrmndH6LxOrvRJlsPp6Zv8bUq0k",
 "q":"uKE2dh-cTf6ERF4k4e_jy78GfPYUIaUyoSSJuBzp3Cubk3OCqs6grT8bR_cu0Dm1MZwWmtdqDyI95HrUeq3MP15vMMON8lHTeZu2lmKvwqW7anV5UzhM1iZ7z4yMkuUwFWoBvyY898EXvRD-hdqRxHlSqAZ192zB3pVFJ0s7pFc",
 "dp":"B8PVvXkvJrj2L-GYQ7v3y9r6Kw5g9SahXBwsWUzp19TVlgI-YV85q1NIb1rxQtD-IsXXR3-TanevuRPRt5OBOdiMGQp8pbt26gljYfKU_E9xn-RULHz0-ed9E9gXLKD4VGngpz-PfQ_q29pk5xWHoJp009Qf1HvChixRX59ehik",
 "dq":"CLDmDGduhylc9o7r84rEUVn7pzQ6PF83Y-iBZx5NT-TpnOZKF1pErAMVeKzFEl41DlHHqqBLSM0W1sOFbwTxYWZDm6sI6og5iTbwQGIC3gnJKbi_7k_vJgGHwHxgPaX2PnvP-zyEkDERuf-ry4c_Z11Cq9AqC2yeL6kdKT1cYF8",
 "qi":"3PiqvXQN0zwMeE-sBvZgi289XP9XCQF3VWqPzMKnIgQp7_Tugo6-NZBKCQsMf3HaEGBjTVJs_jcK8-TRXvaKe-7ZMaQj8VfBdYkssbu0NKDDhjJ-GtiseaDVWt7dcH0cfwxgFUHpQh7FoCrjFJ6h6ZEpMF6xmujs4qMpPz8aaI4"})";

constexpr std::string_view hmac_jwk = R"({"kty":"oct","kid":"018c0ae5-4d9b-471b-bfd6-eef314bc7037","use":"sig",
 "alg":"HS256",
 "k":"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"})";

constexpr std::string_view bilbo = "bilbo.baggins@hobbiton.example";
constexpr std::string_view hmac_kid = "018c0ae5-4d9b-471b-bfd6-eef314bc7037";

// Figure 7, with U+2019 as "\xe2\x80\x99", and Figure 8.
constexpr std::string_view payload =
    "It\xe2\x80\x99s a dangerous business, Frodo, going out your door. You step onto the road, and if you don't "
    "keep your feet, there\xe2\x80\x99s no knowing where you might be swept off to.";
constexpr std::string_view payload_b64 =
    "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91"
    "IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXi"
    "gJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4";

// §4.1 (RS256): Figure 10 (protected header), Figure 12 (signature).
constexpr std::string_view s41_protected = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9";
constexpr std::string_view s41_signature =
    "MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx"
    "996ivp83xuglII7PNDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHR"
    "D68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrD"
    "aLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_fcIe8u9ipH8"
    "4ogoree7vjbU5y18kDquDg";
// §4.2 (PS384): Figure 17, Figure 19.
constexpr std::string_view s42_protected = "eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9";
constexpr std::string_view s42_signature =
    "cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2IpN6-tPid6VrklHkqsG"
    "qDqHCdP6O8TTB5dDDItllVo6_1OLPpcbUrhiUSMxbbXUvdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8Z"
    "nyPEgVFn442ZdNqiVJRmBqrYRXe8P_ijQ7p8Vdz0TTrxUeT3lm8d9shnr2lfJT8ImUjvAA2Xez2Mlp8c"
    "BE5awDzT0qI0n6uiP1aCN_2_jLAeQTlqRHtfa64QQSUmFAAjVKPbByi7xho0uTOcbH510a6GYmJUAfmW"
    "jwZ6oD4ifKo8DYM-X72Eaw";
// §4.3 (ES512): Figure 24, Figure 26.
constexpr std::string_view s43_protected = "eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9";
constexpr std::string_view s43_signature =
    "AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4V"
    "a2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8"
    "OcGDqoRuBomu9xQ2";
// §4.4 (HS256): Figure 31, Figure 33. §4.5 (detached) publishes the same header and signature
// (Figures 38 and 40), and so does the third signature of §4.8.
constexpr std::string_view s44_protected =
    "eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9";
constexpr std::string_view s44_signature = "s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0";
// §4.6 (protected alg, unprotected kid): Figure 45, Figure 48.
constexpr std::string_view s46_protected = "eyJhbGciOiJIUzI1NiJ9";
constexpr std::string_view s46_signature = "bWUSVaxorn7bEF1djytBd0kHv70Ly5pvbomzMWSOr20";
// §4.7 (no protected header): Figure 53.
constexpr std::string_view s47_signature = "xuLifqLGiblpv9zBpuZczWhNj1gARaLV3UxvxhJxZuk";
// §4.8 (multiple signatures): RS256 (protected alg, unprotected kid), ES512 (both unprotected),
// HS256 (both protected, as §4.4).
constexpr std::string_view s48_rs256_protected = "eyJhbGciOiJSUzI1NiJ9";
constexpr std::string_view s48_rs256_signature =
    "MIsjqtVlOpa71KE-Mss8_Nq2YH4FGhiocsqrgi5NvyG53uoimic1tcMdSg-qptrzZc7CG6Svw2Y13TDI"
    "qHzTUrL_lR2ZFcryNFiHkSw129EghGpwkpxaTn_THJTCglNbADko1MZBCdwzJxwqZc-1RlpO2HibUYyX"
    "SwO97BSe0_evZKdjvvKSgsIqjytKSeAMbhMBdMma622_BG5t4sdbuCHtFjp9iJmkio47AIwqkZV1aIZs"
    "v33uPUqBBCXbYoQJwt7mxPftHmNlGoOSMxR_3thmXTCm4US-xiNOyhbm8afKK64jU6_TPtQHiJeQJxz9"
    "G3Tx-083B745_AfYOnlC9w";
constexpr std::string_view s48_es512_signature =
    "ARcVLnaJJaUWG8fG-8t5BREVAuTY8n8YHjwDO1muhcdCoFZFFjfISu0Cdkn9Ybdlmi54ho0x924DUz8s"
    "K7ZXkhc7AFM8ObLfTvNCrqcI3Jkl2U5IX3utNhODH6v7xgy1Qahsn0fyb4zSAkje8bAWz4vIfj5pCMYx"
    "xm4fgV3q7ZYhm5eD";

jwt::verification_key rsa_public(jwt::alg a) { return import_public(rsa_private_jwk, {.default_rsa_alg = a}); }
jwt::verification_key ec_public() { return import_public(ec_private_jwk); }
jwt::verification_key hmac_key() {
  auto k = jwt::import_jwk(json::parse(hmac_jwk), {.allow_symmetric = true});
  REQUIRE(k);
  return std::move(*k);
}
jwt::signing_key hmac_signing(std::string kid) {
  const auto secret = core::base64url_decode(json::parse(hmac_jwk)["k"].get<std::string>()).value();
  auto k = jwt::signing_key::hmac(jwt::alg::hs256, secret, std::move(kid));
  REQUIRE(k);
  return std::move(*k);
}

// The three serializations of a single-signature example with a protected header only: compact,
// then the general and flattened JSON (e.g. Figures 13, 14, 15 for §4.1).
struct serializations {
  std::string compact;
  json general_json, flattened_json;
};
serializations of(std::string_view prot, std::string_view sig) {
  return {cat(prot, payload_b64, sig), general(payload_b64, {flattened("", prot, sig)}),
          flattened(payload_b64, prot, sig)};
}

// Verifies all three serializations: the payload, the key's algorithm and the kid come out.
template <class V>
void verify_all(const V& v, const serializations& s, jwt::alg a, std::string_view kid) {
  for (auto r : {v.verify(s.compact), v.verify_json(s.general_json.dump()), v.verify_json(s.flattened_json.dump())}) {
    REQUIRE(r);
    CHECK(text_of(r->payload) == payload);
    CHECK(r->algorithm == a);
    CHECK(r->kid == kid);
  }
  CHECK(v.verify(tampered(s.compact)).error() == errc::bad_signature);
}

}  // namespace rfc7520

TEST_CASE("RFC 7520 §4: the published payload and keys", "[jwt][jws][rfc]") {
  using namespace rfc7520;
  CHECK(b64(payload) == payload_b64);  // Figure 7 encodes to Figure 8
  CHECK(rsa_public(jwt::alg::rs256).kid() == bilbo);
  CHECK(ec_public().algorithm() == jwt::alg::es512);  // P-521 implies ES512
  CHECK(hmac_key().kid() == hmac_kid);
}

TEST_CASE("RFC 7520 §4.1: RS256 in three serializations, reproduced byte for byte", "[jwt][jws][rfc]") {
  using namespace rfc7520;
  const auto s = of(s41_protected, s41_signature);
  verify_all(verifier_of(rsa_public(jwt::alg::rs256)), s, jwt::alg::rs256, bilbo);
  // Figure 9's header {"alg":"RS256","kid":...} is what jws_signer writes for this key.
  jwt::jws_signer signer(import_signing(rsa_private_jwk, jwt::alg::rs256, std::string(bilbo)));
  const std::vector<jwt::jws_signer> one{signer};
  CHECK(signer.sign_compact(bytes_of(payload)).value() == s.compact);                                     // Figure 13
  CHECK(json::parse(jwt::jws_signer::sign_general(one, bytes_of(payload)).value()) == s.general_json);     // Figure 14
  CHECK(json::parse(signer.sign_flattened(bytes_of(payload)).value()) == s.flattened_json);               // Figure 15
}

TEST_CASE("RFC 7520 §4.2: PS384 in three serializations", "[jwt][jws][rfc]") {
  using namespace rfc7520;
  const auto s = of(s42_protected, s42_signature);
  auto v = verifier_of(rsa_public(jwt::alg::ps384));
  verify_all(v, s, jwt::alg::ps384, bilbo);  // Figures 20, 21, 22
  // The same key bound to PS256 or RS256 refuses the PS384 JWS: the key decides the algorithm.
  CHECK(verifier_of(rsa_public(jwt::alg::ps256)).verify(s.compact).error() == errc::algorithm_not_allowed);
  CHECK(verifier_of(rsa_public(jwt::alg::rs256)).verify(s.compact).error() == errc::algorithm_not_allowed);
  // RSASSA-PSS is randomized: a signature made here has the RFC's header and verifies.
  jwt::jws_signer signer(import_signing(rsa_private_jwk, jwt::alg::ps384, std::string(bilbo)));
  auto own = signer.sign_compact(bytes_of(payload));
  REQUIRE(own);
  CHECK(own->substr(0, own->find('.')) == s42_protected);
  CHECK(v.verify(*own));
}

TEST_CASE("RFC 7520 §4.3: ES512 in three serializations", "[jwt][jws][rfc]") {
  using namespace rfc7520;
  const auto s = of(s43_protected, s43_signature);
  auto v = verifier_of(ec_public());
  verify_all(v, s, jwt::alg::es512, bilbo);  // Figures 27, 28, 29
  jwt::jws_signer signer(import_signing(ec_private_jwk, jwt::alg::es512, std::string(bilbo)));
  auto own = signer.sign_flattened(bytes_of(payload));
  REQUIRE(own);
  CHECK(json::parse(*own)["protected"] == s43_protected);
  CHECK(v.verify_json(*own));
}

TEST_CASE("RFC 7520 §4.4: HS256 in three serializations, reproduced byte for byte", "[jwt][jws][rfc]") {
  using namespace rfc7520;
  const auto s = of(s44_protected, s44_signature);
  verify_all(verifier_of(hmac_key()), s, jwt::alg::hs256, hmac_kid);  // Figures 34, 35, 36
  jwt::jws_signer signer(hmac_signing(std::string(hmac_kid)));
  const std::vector<jwt::jws_signer> one{signer};
  CHECK(signer.sign_compact(bytes_of(payload)).value() == s.compact);
  CHECK(json::parse(jwt::jws_signer::sign_general(one, bytes_of(payload)).value()) == s.general_json);
  CHECK(json::parse(signer.sign_flattened(bytes_of(payload)).value()) == s.flattened_json);
}

TEST_CASE("RFC 7520 §4.5: detached content in three serializations, reproduced byte for byte", "[jwt][jws][rfc]") {
  using namespace rfc7520;
  const std::string compact = std::string(s44_protected) + ".." + std::string(s44_signature);  // Figure 41
  const json general_json = general("", {flattened("", s44_protected, s44_signature)});       // Figure 42
  const json flattened_json = flattened("", s44_protected, s44_signature);                     // Figure 43
  auto v = verifier_of(hmac_key());
  const core::bytes content = bytes_of(payload);
  for (auto r : {v.verify_detached(compact, content), v.verify_json_detached(general_json.dump(), content),
                 v.verify_json_detached(flattened_json.dump(), content)}) {
    REQUIRE(r);
    CHECK(text_of(r->payload) == payload);
    CHECK(r->kid == hmac_kid);
  }
  // The content is the caller's: other bytes fail, and without it there is nothing to verify.
  CHECK(v.verify_detached(compact, bytes_of("It's a dangerous business")).error() == errc::bad_signature);
  CHECK(v.verify(compact).error() == errc::token_malformed);
  CHECK(v.verify_json(flattened_json.dump()).error() == errc::token_malformed);
  jwt::jws_signer signer(hmac_signing(std::string(hmac_kid)));
  const std::vector<jwt::jws_signer> one{signer};
  CHECK(signer.sign_compact(content, {}, true).value() == compact);
  CHECK(json::parse(jwt::jws_signer::sign_general(one, content, {}, true).value()) == general_json);
  CHECK(json::parse(signer.sign_flattened(content, {}, true).value()) == flattened_json);
}

TEST_CASE("RFC 7520 §4.6: alg protected, kid unprotected", "[jwt][jws][rfc]") {
  using namespace rfc7520;
  const json unprotected = {{"kid", hmac_kid}};                                                        // Figure 46
  const json general_json =
      general(payload_b64, {flattened("", s46_protected, s46_signature, unprotected)});  // Figure 49
  const json flattened_json = flattened(payload_b64, s46_protected, s46_signature, unprotected);       // Figure 50
  // The kid is read from the unprotected header to find the key (here among others).
  jwt::kid_key_set keys;
  keys.put(hmac_key());
  keys.put(rsa_public(jwt::alg::rs256));
  const jwt::jws_verifier<jwt::kid_key_set&> v(keys);
  for (const auto* j : {&general_json, &flattened_json}) {
    auto r = v.verify_json(j->dump());
    REQUIRE(r);
    CHECK(text_of(r->payload) == payload);
    CHECK(r->algorithm == jwt::alg::hs256);
    CHECK(r->kid == hmac_kid);
  }
  // The unprotected kid is only a lookup: naming another key finds that key, whose check fails.
  json other = flattened_json;
  other["header"]["kid"] = bilbo;
  CHECK(v.verify_json(other.dump()).error() == errc::algorithm_not_allowed);
  other["header"]["kid"] = "no-such-key";
  CHECK(v.verify_json(other.dump()).error() == errc::key_not_found);
  // Moving the kid into the protected header changes the signing input, so the MAC does not match it.
  const std::string both_protected = b64(R"({"alg":"HS256","kid":"018c0ae5-4d9b-471b-bfd6-eef314bc7037"})");
  json moved = flattened(payload_b64, both_protected, s46_signature);
  CHECK(v.verify_json(moved.dump()).error() == errc::bad_signature);
  // Figure 44's protected header {"alg":"HS256"} is what jws_signer writes for a key without kid,
  // so it reproduces the JWS Signing Input (Figure 47) and the MAC (Figure 48).
  auto compact = jwt::jws_signer(hmac_signing({})).sign_compact(bytes_of(payload));
  REQUIRE(compact);
  CHECK(*compact == cat(s46_protected, payload_b64, s46_signature));
}

TEST_CASE("RFC 7520 §4.7: no protected header, alg and kid unprotected", "[jwt][jws][rfc]") {
  using namespace rfc7520;
  const json unprotected = {{"alg", "HS256"}, {"kid", hmac_kid}};                             // Figure 51
  const json general_json = general(payload_b64, {flattened("", "", s47_signature, unprotected)});  // Figure 54
  const json flattened_json = flattened(payload_b64, "", s47_signature, unprotected);              // Figure 55
  jwt::kid_key_set keys;
  keys.put(hmac_key());
  const jwt::jws_verifier<jwt::kid_key_set&> v(keys);
  for (const auto* j : {&general_json, &flattened_json}) {
    auto r = v.verify_json(j->dump());
    REQUIRE(r);
    CHECK(text_of(r->payload) == payload);
    CHECK(r->algorithm == jwt::alg::hs256);
    CHECK(r->kid == hmac_kid);
  }
  // An unprotected alg is still only checked against the key's own algorithm.
  json other = flattened_json;
  other["header"]["alg"] = "HS384";
  CHECK(v.verify_json(other.dump()).error() == errc::algorithm_not_allowed);
  // The JWS Signing Input is "." followed by the payload (Figure 52); its MAC is Figure 53.
  auto mac = hmac_signing({}).sign(bytes_of("." + std::string(payload_b64)));
  REQUIRE(mac);
  CHECK(core::base64url_encode(core::bytes_view(*mac)) == s47_signature);
}

TEST_CASE("RFC 7520 §4.8: multiple signatures; the trusted key's signature decides", "[jwt][jws][rfc]") {
  using namespace rfc7520;
  const json doc = general(payload_b64, {flattened("", s48_rs256_protected, s48_rs256_signature, {{"kid", bilbo}}),
                                         flattened("", "", s48_es512_signature, {{"alg", "ES512"}, {"kid", bilbo}}),
                                         flattened("", s44_protected, s44_signature)});  // Figure 71
  const std::string text = doc.dump();
  // The RSA and EC keys share the kid "bilbo.baggins@hobbiton.example". A kid_key_set holds one
  // key per kid, and a JWKS with the same kid twice is refused on import, so each trusted key is
  // checked in a set of its own.
  const json both = {{"keys", {public_part(json::parse(rsa_private_jwk)), public_part(json::parse(ec_private_jwk))}}};
  CHECK(jwt::import_jwks(both.dump()).error() == errc::invalid_key);

  struct trusted {
    jwt::verification_key key;
    std::size_t index;
    jwt::alg alg;
    std::string_view kid;
  };
  for (auto& t : {trusted{rsa_public(jwt::alg::rs256), 0, jwt::alg::rs256, bilbo},
                  trusted{ec_public(), 1, jwt::alg::es512, bilbo}, trusted{hmac_key(), 2, jwt::alg::hs256, hmac_kid}}) {
    INFO(jwt::alg_name(t.alg));
    jwt::kid_key_set keys;
    keys.put(t.key);
    auto r = jwt::jws_verifier<jwt::kid_key_set&>(keys).verify_json(text);
    REQUIRE(r);
    CHECK(r->signature_index == t.index);
    CHECK(r->algorithm == t.alg);
    CHECK(r->kid == t.kid);
    CHECK(text_of(r->payload) == payload);
  }
  // No trusted key: refused with the furthest error. A P-256 key under bilbo's kid is found by
  // the first two signatures and refused for their algorithms.
  jwt::kid_key_set none;
  CHECK(jwt::jws_verifier<jwt::kid_key_set&>(none).verify_json(text).error() == errc::key_not_found);
  jwt::kid_key_set wrong;
  auto p256 = json::parse(rfc7515::a3_public_jwk);
  p256["kid"] = bilbo;
  wrong.put(jwt::import_jwk(p256).value());
  CHECK(jwt::jws_verifier<jwt::kid_key_set&>(wrong).verify_json(text).error() == errc::algorithm_not_allowed);
  // Another payload fails every signature.
  json changed = doc;
  changed["payload"] = b64("It's a dangerous business");
  jwt::kid_key_set all_but_ec;
  all_but_ec.put(rsa_public(jwt::alg::rs256));
  all_but_ec.put(hmac_key());
  CHECK(jwt::jws_verifier<jwt::kid_key_set&>(all_but_ec).verify_json(changed.dump()).error() == errc::bad_signature);

  // The deterministic signatures are reproduced by one general JWS from jws_signer: RS256 with
  // header {"alg":"RS256"} (Figures 56, 60), HS256 as in §4.4 (Figures 67, 69).
  const std::vector<jwt::jws_signer> signers{jwt::jws_signer(import_signing(rsa_private_jwk, jwt::alg::rs256)),
                                             jwt::jws_signer(hmac_signing(std::string(hmac_kid)))};
  const json ours = json::parse(jwt::jws_signer::sign_general(signers, bytes_of(payload)).value());
  CHECK(ours["payload"] == payload_b64);
  CHECK(ours["signatures"][0]["protected"] == s48_rs256_protected);
  CHECK(ours["signatures"][0]["signature"] == s48_rs256_signature);
  CHECK(ours["signatures"][1]["protected"] == s44_protected);
  CHECK(ours["signatures"][1]["signature"] == s44_signature);
}

// ---------------------------------------------------------------------------------------------
// RFC 8037 Appendix A (Ed25519 key of A.1)

TEST_CASE("RFC 8037 A.4: Ed25519 signing reproduces the published JWS", "[jwt][jws][rfc]") {
  using namespace rfc8037;
  CHECK(b64(R"({"alg":"EdDSA"})") == a4_header_b64);
  CHECK(b64(a4_payload) == a4_payload_b64);
  jwt::jws_signer signer(import_signing(a1_private_jwk, jwt::alg::eddsa));
  CHECK(signer.sign_compact(bytes_of(a4_payload)).value() == a4_token);
  const json flat = json::parse(signer.sign_flattened(bytes_of(a4_payload)).value());
  CHECK(flat == flattened(a4_payload_b64, a4_header_b64, a4_signature_b64));
}

TEST_CASE("RFC 8037 A.5: Ed25519 verification of the published JWS", "[jwt][jws][rfc]") {
  using namespace rfc8037;
  auto v = verifier_of(import_public(a1_public_jwk));  // OKP Ed25519: EdDSA
  auto r = v.verify(a4_token);
  REQUIRE(r);
  CHECK(r->algorithm == jwt::alg::eddsa);
  CHECK(text_of(r->payload) == a4_payload);
  CHECK(v.verify_json(flattened(a4_payload_b64, a4_header_b64, a4_signature_b64).dump()));
  const std::string other = cat(a4_header_b64, b64("Example of Ed25519 signinG"), a4_signature_b64);
  CHECK(v.verify(other).error() == errc::bad_signature);
}
