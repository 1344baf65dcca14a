// Tests for tessera/crypto/public_key.hpp (and key_type.hpp): loading public keys from PEM (SPKI,
// PKCS#1, certificate), DER and JWK, exporting them, RFC 7638 thumbprints, the RSA size policy,
// and refusal of malformed or unsupported keys with a specific errc.
// Known answers: RFC 7638 §3.1 (RSA JWK thumbprint) and RFC 8037 Appendix A.3 (Ed25519 thumbprint).
#include "tessera/crypto/public_key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "support/test_keys.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/crypto/private_key.hpp"

using namespace tessera;
using crypto::key_type;
using crypto::public_key;
namespace keys = tessera_test::keys;

namespace {
// The DER body of a single-block PEM text.
core::bytes pem_der(std::string_view pem) {
  std::string b64;
  std::size_t at = 0;
  while (at < pem.size()) {
    auto end = pem.find('\n', at);
    if (end == std::string_view::npos) end = pem.size();
    auto line = pem.substr(at, end - at);
    if (!line.empty() && line.substr(0, 5) != "-----") b64 += line;
    at = end + 1;
  }
  return core::base64_decode(b64).value();
}

// The same PEM body under another label.
std::string relabel(std::string_view pem, std::string_view label) {
  const auto body_start = pem.find('\n') + 1;
  const auto body_end = pem.find("-----END");
  return "-----BEGIN " + std::string(label) + "-----\n" + std::string(pem.substr(body_start, body_end - body_start)) +
         "-----END " + std::string(label) + "-----\n";
}

core::bytes der_of(const public_key& k) { return k.to_der().value(); }

// RFC 7638 §3.1: the example RSA key (its JWK also carries "alg" and "kid", which are ignored).
const char* rfc7638_jwk =
    R"({"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"})";

nlohmann::json jwk_of(std::string_view pem) { return public_key::from_pem(pem).value().to_jwk(); }
}  // namespace

TEST_CASE("key type names and the default size policy", "[crypto][keys]") {
  CHECK(crypto::key_type_name(key_type::rsa) == "RSA");
  CHECK(crypto::key_type_name(key_type::ec_p256) == "P-256");
  CHECK(crypto::key_type_name(key_type::ec_p384) == "P-384");
  CHECK(crypto::key_type_name(key_type::ec_p521) == "P-521");
  CHECK(crypto::key_type_name(key_type::ed25519) == "Ed25519");
  constexpr crypto::key_policy def{};
  static_assert(def.min_rsa_bits == 2048);
  constexpr auto legacy = crypto::key_policy::dangerously_allow_rsa_bits(1024);
  static_assert(legacy.min_rsa_bits == 1024 && legacy.max_rsa_bits == def.max_rsa_bits);
  CHECK(def.max_rsa_bits >= 4096);
}

TEST_CASE("public keys load from SPKI PEM", "[crypto][keys]") {
  struct row {
    std::string_view pem;
    key_type type;
    int bits;
  };
  for (const auto& r : {row{keys::rsa2048_public_spki, key_type::rsa, 2048},
                        row{keys::p256_public_spki, key_type::ec_p256, 256},
                        row{keys::p384_public_spki, key_type::ec_p384, 384},
                        row{keys::p521_public_spki, key_type::ec_p521, 521},
                        row{keys::ed25519_public_spki, key_type::ed25519, 0}}) {
    auto k = public_key::from_pem(r.pem);
    REQUIRE(k);
    CHECK(k->type() == r.type);
    if (r.bits != 0) CHECK(k->bits() == r.bits);
    CHECK(k->native_handle() != nullptr);
    // PEM and DER exports load back to the same key.
    auto pem = k->to_pem();
    REQUIRE(pem);
    CHECK(*pem == r.pem);  // the fixtures are in OpenSSL's canonical SPKI PEM form
    CHECK(der_of(public_key::from_pem(*pem).value()) == der_of(*k));
    auto der = k->to_der();
    REQUIRE(der);
    CHECK(*der == pem_der(r.pem));
    auto from_der = public_key::from_der(*der);
    REQUIRE(from_der);
    CHECK(from_der->type() == r.type);
    CHECK(der_of(*from_der) == *der);
    // Copies share the parsed key.
    public_key copy = *k;
    CHECK(copy.native_handle() == k->native_handle());
  }
}

TEST_CASE("RSA public keys load from PKCS#1 PEM and certificates", "[crypto][keys]") {
  const auto spki = der_of(public_key::from_pem(keys::rsa2048_public_spki).value());
  auto pkcs1 = public_key::from_pem(keys::rsa2048_public_pkcs1);
  REQUIRE(pkcs1);
  CHECK(pkcs1->type() == key_type::rsa);
  CHECK(der_of(*pkcs1) == spki);

  auto cert = public_key::from_pem(keys::rsa2048_certificate);
  REQUIRE(cert);
  CHECK(der_of(*cert) == spki);
  auto cert_der = public_key::from_certificate_der(pem_der(keys::rsa2048_certificate));
  REQUIRE(cert_der);
  CHECK(der_of(*cert_der) == spki);

  auto ec_cert = public_key::from_pem(keys::p256_certificate);
  REQUIRE(ec_cert);
  CHECK(ec_cert->type() == key_type::ec_p256);
  CHECK(der_of(*ec_cert) == der_of(public_key::from_pem(keys::p256_public_spki).value()));
}

TEST_CASE("public keys round-trip through JWK", "[crypto][keys]") {
  for (auto pem : {keys::rsa2048_public_spki, keys::p256_public_spki, keys::p384_public_spki,
                   keys::p521_public_spki, keys::ed25519_public_spki}) {
    auto k = public_key::from_pem(pem).value();
    const auto jwk = k.to_jwk();
    CAPTURE(jwk.dump());
    auto back = public_key::from_jwk(jwk);
    REQUIRE(back);
    CHECK(back->type() == k.type());
    CHECK(der_of(*back) == der_of(k));
    auto from_text = public_key::from_jwk(std::string_view(jwk.dump()));
    REQUIRE(from_text);
    CHECK(der_of(*from_text) == der_of(k));
    CHECK(back->thumbprint() == k.thumbprint());
    CHECK(k.thumbprint().size() == 43);  // base64url of 32 bytes
  }
  // The JWK members are exactly the required ones, with fixed-size EC coordinates.
  auto rsa = jwk_of(keys::rsa2048_public_spki);
  CHECK(rsa.size() == 3);
  CHECK(rsa["kty"] == "RSA");
  CHECK(rsa["e"] == "AQAB");
  CHECK(rsa["n"].get<std::string>().size() == 342);  // 256 bytes, no leading zero
  auto p256 = jwk_of(keys::p256_public_spki);
  CHECK(p256.size() == 4);
  CHECK(p256["kty"] == "EC");
  CHECK(p256["crv"] == "P-256");
  CHECK(p256["x"].get<std::string>().size() == 43);
  CHECK(p256["y"].get<std::string>().size() == 43);
  auto p384 = jwk_of(keys::p384_public_spki);
  CHECK(p384["crv"] == "P-384");
  CHECK(p384["x"].get<std::string>().size() == 64);
  CHECK(p384["y"].get<std::string>().size() == 64);
  // P-521 coordinates are written at their full 66 bytes (RFC 7518 §6.2.1.2), leading zeros kept:
  // the fixture's x and y both begin with a zero byte.
  auto p521 = jwk_of(keys::p521_public_spki);
  CHECK(p521.size() == 4);
  CHECK(p521["kty"] == "EC");
  CHECK(p521["crv"] == "P-521");
  CHECK(p521["x"].get<std::string>().size() == 88);
  CHECK(p521["y"].get<std::string>().size() == 88);
  const auto p521_private = nlohmann::json::parse(keys::p521_private_jwk);
  CHECK(p521["x"] == p521_private["x"]);
  CHECK(p521["y"] == p521_private["y"]);
  auto ed = jwk_of(keys::ed25519_public_spki);
  CHECK(ed.size() == 3);
  CHECK(ed["kty"] == "OKP");
  CHECK(ed["crv"] == "Ed25519");
  CHECK(ed["x"].get<std::string>().size() == 43);
}

TEST_CASE("JWK thumbprints (RFC 7638 section 3.1, RFC 8037 appendix A.3)", "[crypto][keys]") {
  auto rsa = public_key::from_jwk(std::string_view(rfc7638_jwk));
  REQUIRE(rsa);
  CHECK(rsa->type() == key_type::rsa);
  CHECK(rsa->thumbprint() == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  auto rsa_json = public_key::from_jwk(nlohmann::json::parse(rfc7638_jwk));
  REQUIRE(rsa_json);
  CHECK(rsa_json->thumbprint() == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");

  // RFC 8037 A.2 public key; A.3 gives its thumbprint.
  auto ed = public_key::from_jwk(
      std::string_view(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"));
  REQUIRE(ed);
  CHECK(ed->type() == key_type::ed25519);
  CHECK(ed->thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  CHECK(ed->to_jwk()["x"] == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
}

TEST_CASE("RSA keys below 2048 bits need the explicit opt-in", "[crypto][keys]") {
  const auto legacy = crypto::key_policy::dangerously_allow_rsa_bits(1024);
  CHECK(public_key::from_pem(keys::rsa1024_public_spki).error() == errc::key_too_small);
  const auto der = pem_der(keys::rsa1024_public_spki);
  CHECK(public_key::from_der(der).error() == errc::key_too_small);
  auto allowed = public_key::from_pem(keys::rsa1024_public_spki, legacy);
  REQUIRE(allowed);
  CHECK(allowed->bits() == 1024);
  const auto jwk = allowed->to_jwk();
  CHECK(public_key::from_jwk(jwk).error() == errc::key_too_small);
  CHECK(public_key::from_jwk(jwk, legacy));
  CHECK(public_key::from_der(der, legacy));
  // The opt-in is exactly as wide as asked: 1024 is still refused under a 1536-bit floor.
  CHECK(public_key::from_pem(keys::rsa1024_public_spki, crypto::key_policy::dangerously_allow_rsa_bits(1536)).error() ==
        errc::key_too_small);
  // The private key of the same size follows the same rule.
  CHECK(crypto::private_key::from_pem(keys::rsa1024_private_pkcs8).error() == errc::key_too_small);
  auto priv = crypto::private_key::from_pem(keys::rsa1024_private_pkcs8, legacy);
  REQUIRE(priv);
  CHECK(priv->public_key().value().bits() == 1024);
}

TEST_CASE("RSA keys above the maximum size are refused", "[crypto][keys]") {
  // A 9000-bit odd modulus: refused on size before anything else is looked at.
  std::string n_bytes(1125, '\xff');
  auto jwk = nlohmann::json{{"kty", "RSA"}, {"e", "AQAB"}, {"n", core::base64url_encode(n_bytes)}};
  CHECK(public_key::from_jwk(jwk).error() == errc::unsupported_key_type);
}

TEST_CASE("malformed PEM is refused with invalid_key", "[crypto][keys]") {
  const std::string good(keys::p256_public_spki);
  const auto end_line = good.find("-----END");
  std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"garbage", "hello, world"},
      {"binary garbage", std::string("\x00\x01\x02\xff\x30\x82", 6)},
      {"header only", "-----BEGIN PUBLIC KEY-----\n"},
      {"no end line", good.substr(0, end_line)},
      {"truncated body", good.substr(0, 60) + "\n" + good.substr(end_line)},
      {"body not base64", "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n"},
      {"empty body", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"},
      {"body is not a key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"},
      {"mismatched labels", good.substr(0, end_line) + "-----END CERTIFICATE-----\n"},
      {"two blocks", good + good},
      {"trailing junk", good + "junk"},
      {"trailing junk after blank line", good + "\n\nx"},
      {"NUL inside", good.substr(0, 40) + std::string(1, '\0') + good.substr(40)},
      {"private key label", std::string(keys::p256_private_pkcs8)},
      {"EC private key label", std::string(keys::p256_private_sec1)},
      {"unknown label", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"},
      // A body must have the structure its label names (OpenSSL's decoder alone would accept some of these).
      {"certificate body under PUBLIC KEY", relabel(keys::rsa2048_certificate, "PUBLIC KEY")},
      {"SPKI body under CERTIFICATE", relabel(good, "CERTIFICATE")},
      {"P-256 SPKI body under RSA PUBLIC KEY", relabel(good, "RSA PUBLIC KEY")},
      {"RSA SPKI body under RSA PUBLIC KEY", relabel(keys::rsa2048_public_spki, "RSA PUBLIC KEY")},
      {"PKCS#1 body under PUBLIC KEY", relabel(keys::rsa2048_public_pkcs1, "PUBLIC KEY")},
      {"over one megabyte", std::string(1u << 21, 'A')},
  };
  for (const auto& [what, pem] : cases) {
    CAPTURE(what);
    auto k = public_key::from_pem(pem);
    REQUIRE_FALSE(k);
    CHECK(k.error() == errc::invalid_key);
  }
  // Whitespace after the block is fine.
  CHECK(public_key::from_pem(good + "\n\r\n \t\n"));
}

TEST_CASE("encrypted PEM is refused with unsupported_key_type", "[crypto][keys]") {
  CHECK(crypto::private_key::from_pem(keys::p256_private_encrypted_pkcs8).error() == errc::unsupported_key_type);
  CHECK(crypto::private_key::from_pem(keys::p256_private_encrypted_sec1).error() == errc::unsupported_key_type);
  CHECK(public_key::from_pem(keys::p256_private_encrypted_pkcs8).error() == errc::unsupported_key_type);
}

TEST_CASE("malformed DER is refused with invalid_key", "[crypto][keys]") {
  const auto good = pem_der(keys::p256_public_spki);
  auto with_trailer = good;
  with_trailer.push_back(0x00);
  auto bad_point = good;
  bad_point.back() ^= 0x01;  // the last byte of y: no longer on the curve
  auto bad_length = good;
  bad_length[1] = 0x7f;  // SEQUENCE length beyond the input
  const std::vector<std::pair<std::string, core::bytes>> cases = {
      {"empty", {}},
      {"one byte", {0x30}},
      {"garbage", {0xde, 0xad, 0xbe, 0xef}},
      {"truncated", core::bytes(good.begin(), good.end() - 1)},
      {"half", core::bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2))},
      {"trailing byte", with_trailer},
      {"point not on the curve", bad_point},
      {"length beyond the input", bad_length},
      {"PKCS#8 private key", pem_der(keys::p256_private_pkcs8)},
      {"certificate", pem_der(keys::rsa2048_certificate)},
      {"PKCS#1 RSAPublicKey", pem_der(keys::rsa2048_public_pkcs1)},
      {"PEM text", core::bytes(good.size(), 'A')},
  };
  for (const auto& [what, der] : cases) {
    CAPTURE(what);
    auto k = public_key::from_der(der);
    REQUIRE_FALSE(k);
    CHECK(k.error() == errc::invalid_key);
  }
  auto cert = pem_der(keys::rsa2048_certificate);
  CHECK(public_key::from_certificate_der({}).error() == errc::invalid_key);
  CHECK(public_key::from_certificate_der(good).error() == errc::invalid_key);  // an SPKI is not a certificate
  CHECK(public_key::from_certificate_der(core::bytes(cert.begin(), cert.end() - 1)).error() == errc::invalid_key);
  cert.push_back(0);
  CHECK(public_key::from_certificate_der(cert).error() == errc::invalid_key);
}

TEST_CASE("unsupported key types and curves are refused with unsupported_key_type", "[crypto][keys]") {
  for (auto pem : {keys::secp256k1_public_spki, keys::x25519_public_spki, keys::dsa_public_spki}) {
    CAPTURE(pem.substr(27, 40));
    CHECK(public_key::from_pem(pem).error() == errc::unsupported_key_type);
    CHECK(public_key::from_der(pem_der(pem)).error() == errc::unsupported_key_type);
  }
  for (auto pem : {keys::secp256k1_private_pkcs8, keys::x25519_private_pkcs8}) {
    CHECK(crypto::private_key::from_pem(pem).error() == errc::unsupported_key_type);
  }
}

TEST_CASE("malformed JWKs are refused with a specific errc", "[crypto][keys]") {
  const auto p256 = jwk_of(keys::p256_public_spki);
  const auto p384 = jwk_of(keys::p384_public_spki);
  const auto p521 = jwk_of(keys::p521_public_spki);
  const auto rsa = jwk_of(keys::rsa2048_public_spki);
  const auto ed = jwk_of(keys::ed25519_public_spki);
  auto with = [](nlohmann::json j, const char* member, nlohmann::json v) {
    j[member] = std::move(v);
    return j;
  };
  auto without = [](nlohmann::json j, const char* member) {
    j.erase(member);
    return j;
  };
  // A point not on the curve: flip the last bit of y.
  auto y = core::base64url_decode(p256["y"].get<std::string>()).value();
  y.back() ^= 0x01;
  const auto off_curve = with(p256, "y", core::base64url_encode(y));
  const std::string x33 = core::base64url_encode(core::bytes(33, 0x01));
  const std::string x31 = core::base64url_encode(core::bytes(31, 0x01));
  // P-521 coordinates one byte short (the leading zero byte left out) and one byte long.
  auto x521 = core::base64url_decode(p521["x"].get<std::string>()).value();
  REQUIRE((x521.size() == 66 && x521[0] == 0));
  const std::string x65 = core::base64url_encode(core::bytes(x521.begin() + 1, x521.end()));
  x521.insert(x521.begin(), 0);
  const std::string x67 = core::base64url_encode(x521);
  auto y521 = core::base64url_decode(p521["y"].get<std::string>()).value();
  y521.back() ^= 0x01;
  const auto p521_off_curve = with(p521, "y", core::base64url_encode(y521));

  struct row {
    const char* what;
    nlohmann::json jwk;
    errc expected;
  };
  const std::vector<row> rows = {
      {"not an object", nlohmann::json::array({p256}), errc::invalid_key},
      {"a string", nlohmann::json("P-256"), errc::invalid_key},
      {"null", nlohmann::json(), errc::invalid_key},
      {"empty object", nlohmann::json::object(), errc::invalid_key},
      {"no kty", without(p256, "kty"), errc::invalid_key},
      {"kty not a string", with(p256, "kty", 3), errc::invalid_key},
      {"unknown kty", with(p256, "kty", "DSA"), errc::unsupported_key_type},
      {"lowercase kty", with(p256, "kty", "ec"), errc::unsupported_key_type},
      {"oct key", nlohmann::json{{"kty", "oct"}, {"k", "c2VjcmV0"}}, errc::key_type_mismatch},
      {"d in a public import", with(p256, "d", "AAAA"), errc::invalid_key},
      {"d in a public RSA import", with(rsa, "d", "AAAA"), errc::invalid_key},
      {"d in a public OKP import", with(ed, "d", ed["x"]), errc::invalid_key},
      {"no crv", without(p256, "crv"), errc::invalid_key},
      {"crv not a string", with(p256, "crv", 256), errc::invalid_key},
      {"unknown crv", with(p256, "crv", "P-192"), errc::unsupported_key_type},
      {"OpenSSL's curve name", with(p521, "crv", "secp521r1"), errc::unsupported_key_type},
      {"lowercase crv", with(p521, "crv", "p-521"), errc::unsupported_key_type},
      {"secp256k1", with(p256, "crv", "secp256k1"), errc::unsupported_key_type},
      {"X25519", with(ed, "crv", "X25519"), errc::unsupported_key_type},
      {"Ed448", with(ed, "crv", "Ed448"), errc::unsupported_key_type},
      {"P-384 coordinates under P-256", with(p384, "crv", "P-256"), errc::invalid_key},
      {"P-256 coordinates under P-384", with(p256, "crv", "P-384"), errc::invalid_key},
      {"P-521 coordinates under P-384", with(p521, "crv", "P-384"), errc::invalid_key},
      {"P-384 coordinates under P-521", with(p384, "crv", "P-521"), errc::invalid_key},
      {"P-521 x without its leading zero byte", with(p521, "x", x65), errc::invalid_key},
      {"P-521 x with an extra zero byte", with(p521, "x", x67), errc::invalid_key},
      {"P-521 point not on the curve", p521_off_curve, errc::invalid_key},
      {"P-521 point at the origin", with(with(p521, "x", core::base64url_encode(core::bytes(66, 0))), "y",
                                         core::base64url_encode(core::bytes(66, 0))),
       errc::invalid_key},
      {"x too long", with(p256, "x", x33), errc::invalid_key},
      {"x too short", with(p256, "x", x31), errc::invalid_key},
      {"y too short", with(p256, "y", x31), errc::invalid_key},
      {"no x", without(p256, "x"), errc::invalid_key},
      {"no y", without(p256, "y"), errc::invalid_key},
      {"x not a string", with(p256, "x", 1), errc::invalid_key},
      {"x empty", with(p256, "x", ""), errc::invalid_key},
      {"x padded", with(p256, "x", p256["x"].get<std::string>() + "="), errc::invalid_key},
      {"x standard base64", with(p256, "x", "+/" + p256["x"].get<std::string>().substr(2)), errc::invalid_key},
      {"point not on the curve", off_curve, errc::invalid_key},
      {"point at the origin", with(with(p256, "x", core::base64url_encode(core::bytes(32, 0))), "y",
                                   core::base64url_encode(core::bytes(32, 0))),
       errc::invalid_key},
      {"no n", without(rsa, "n"), errc::invalid_key},
      {"no e", without(rsa, "e"), errc::invalid_key},
      {"n empty", with(rsa, "n", ""), errc::invalid_key},
      {"n zero", with(rsa, "n", "AA"), errc::invalid_key},
      {"n even", with(rsa, "n", core::base64url_encode(core::bytes(256, 0xfe))), errc::invalid_key},
      {"e even", with(rsa, "e", "AQAA"), errc::invalid_key},
      {"e one", with(rsa, "e", "AQ"), errc::invalid_key},
      {"n with a stray bit", with(rsa, "n", rsa["n"].get<std::string>().substr(0, 341) + "R"), errc::invalid_key},
      {"Ed25519 x too short", with(ed, "x", x31), errc::invalid_key},
      {"Ed25519 x too long", with(ed, "x", x33), errc::invalid_key},
      {"Ed25519 no x", without(ed, "x"), errc::invalid_key},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what, r.jwk.dump());
    auto k = public_key::from_jwk(r.jwk);
    REQUIRE_FALSE(k);
    CHECK(k.error() == r.expected);
  }
  // Members a public JWK may carry besides the key are ignored.
  CHECK(public_key::from_jwk(with(with(with(p256, "kid", "k1"), "use", "sig"), "alg", "ES256")));
}

TEST_CASE("JWK text that is not JSON is refused with invalid_key", "[crypto][keys]") {
  for (std::string_view text : {"", " ", "{", "{\"kty\":\"EC\"", "null", "[]", "\"EC\"", "{}x", "\xff\xfe"}) {
    CAPTURE(text);
    auto k = public_key::from_jwk(text);
    REQUIRE_FALSE(k);
    CHECK(k.error() == errc::invalid_key);
  }
  // Deeply nested JSON is refused without exhausting the stack.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(public_key::from_jwk(std::string_view(deep)).error() == errc::invalid_key);
  const std::string deep_member = R"({"kty":"EC","crv":"P-256","x":)" + deep + "}";
  CHECK(public_key::from_jwk(std::string_view(deep_member)).error() == errc::invalid_key);
}

// ---- validation where a key enters -------------------------------------------------------------

namespace {
// The bytes of an even-length hex string.
core::bytes hex_bytes(std::string_view hex) {
  REQUIRE(hex.size() % 2 == 0);
  core::bytes out;
  for (std::size_t i = 0; i < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoul(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// An RSA public key's SPKI DER built straight from n and e (no validation on the way).
core::bytes rsa_spki(const core::bytes& n, const core::bytes& e) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  BIGNUM* bn_n = BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr);
  REQUIRE(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1);
  REQUIRE(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* pk = nullptr;
  REQUIRE(EVP_PKEY_fromdata_init(ctx) == 1);
  REQUIRE(EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) == 1);
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(pk, &der);
  REQUIRE(len > 0);
  core::bytes out(der, der + len);
  OPENSSL_free(der);
  EVP_PKEY_free(pk);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  BN_free(bn_e);
  BN_free(bn_n);
  OSSL_PARAM_BLD_free(bld);
  return out;
}

// A PEM text of a DER body under a label.
std::string to_pem(const core::bytes& der, std::string_view label) {
  std::string b64 = core::base64_encode(der), out = "-----BEGIN " + std::string(label) + "-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + std::string(label) + "-----\n";
}

// An RSA public JWK with the given modulus and exponent.
nlohmann::json rsa_jwk(const core::bytes& n, const core::bytes& e) {
  return {{"kty", "RSA"}, {"n", core::base64url_encode(n)}, {"e", core::base64url_encode(e)}};
}

// The verdict of every RSA import path for (n, e): JWK, SPKI DER and PEM must agree.
errc rsa_verdict(const core::bytes& n, const core::bytes& e, const crypto::key_policy& policy = {}) {
  auto from_jwk = public_key::from_jwk(rsa_jwk(n, e), policy);
  const auto der = rsa_spki(n, e);
  auto from_der = public_key::from_der(der, policy);
  auto from_pem = public_key::from_pem(to_pem(der, "PUBLIC KEY"), policy);
  const errc v = from_jwk ? errc{} : from_jwk.error();
  CHECK((from_der ? errc{} : from_der.error()) == v);
  CHECK((from_pem ? errc{} : from_pem.error()) == v);
  return v;
}

// The modulus of the fixed RSA-2048 test key.
core::bytes test_modulus() {
  auto jwk = public_key::from_pem(keys::rsa2048_public_spki)->to_jwk();
  return core::base64url_decode(jwk["n"].get<std::string>()).value();
}

// Ed25519 SPKI DER around a raw 32-byte public key (RFC 8410 §4).
core::bytes ed25519_spki(const std::array<std::uint8_t, 32>& raw) {
  core::bytes der = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  der.insert(der.end(), raw.begin(), raw.end());
  return der;
}

// The verdict of every Ed25519 import path for a raw public key: JWK, SPKI DER and PEM must agree.
errc ed25519_verdict(const std::array<std::uint8_t, 32>& raw) {
  const nlohmann::json jwk = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", core::base64url_encode(raw)}};
  auto from_jwk = public_key::from_jwk(jwk);
  auto from_der = public_key::from_der(ed25519_spki(raw));
  auto from_pem = public_key::from_pem(to_pem(ed25519_spki(raw), "PUBLIC KEY"));
  const errc v = from_jwk ? errc{} : from_jwk.error();
  CHECK((from_der ? errc{} : from_der.error()) == v);
  CHECK((from_pem ? errc{} : from_pem.error()) == v);
  return v;
}

// A raw Ed25519 encoding from a little-endian hex string.
std::array<std::uint8_t, 32> ed_raw(std::string_view hex) {
  auto b = hex_bytes(hex);
  REQUIRE(b.size() == 32);
  std::array<std::uint8_t, 32> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

// True when OpenSSL itself verifies sig over msg under the raw Ed25519 public key.
bool openssl_ed25519_verifies(const std::array<std::uint8_t, 32>& pub, const std::array<std::uint8_t, 64>& sig,
                              std::string_view msg) {
  EVP_PKEY* pk = EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, pub.data(), pub.size());
  if (pk == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit_ex(ctx, nullptr, nullptr, nullptr, nullptr, pk, nullptr) == 1 &&
                  EVP_DigestVerify(ctx, sig.data(), sig.size(), reinterpret_cast<const unsigned char*>(msg.data()),
                                   msg.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pk);
  ERR_clear_error();
  return ok;
}

// An RSA-2048 modulus 1471 * 17317 * 17807 * q (q a 2010-bit prime): trivially factorable.
constexpr std::string_view small_factor_modulus =
    "e224789fffa0d12c81f383533c1ef1272d984fc83f13ed007cc0272e5328821c016de349846783d855cf1d4ca6c9484d"
    "4a08041fbf39262189055a7cdc53de05c2e093933b9c7d6b2554df8a15ec096f797f5b2c0432efa479815cb225b718ad"
    "e6fa318b82342e3db61db164e24d16304a9e3b12a127588621ab95144498dace63ee6c073362049cd0c0b4997f5e0a56"
    "54372b5c0cf16729363f11f6fb2a8d394afa921582012f6b2c1fed2e658823e90f4adcf044f73b3e546ed7cb5ae90948"
    "543e0c7adaa70ed5365cc85a561acf086cb620d0c6e27f1e2b9be6bf20b6befabe7a62a89a358c906983886755328165"
    "d970b7e5dc019d9e2dd919315fe39a6f";
// A 2048-bit prime (a "modulus" with no factorisation to hide).
constexpr std::string_view prime_modulus =
    "e7c832a4837837fdfaf82c56499712d4a264bb7b2beb5820ae04afb03c97b9f3addb5b9569b68465b0eef457b7a3631d"
    "f8dba32b10e8c09cabdb75ca2d34dba195b5e8534f88da5155df36c8c045b5f2179a1e3800d9c89a9dc57e0f3bc95950"
    "f242a10b0f4507d6f2532d78756040466e37bfcf81a067792e975d9bd20ae263d6bf81337f42a66d0877a5813246781e"
    "f0eb6571ef8b9004d5bf93fccc1b08ed043f96256953ff86bbbf9f2683cae36f79911c921e20a1917cfec3801a85ab40"
    "2da23c8e6fac3e7c7507ae7881d212e3e6f3f268f41ea73b127f0074c06dc2fba1936925b80a8872a96409b3b0ee15e5"
    "7167ed8a8b579cf63ae64b6f318d2e2d";
// The square of a 1024-bit prime.
constexpr std::string_view prime_square_modulus =
    "cf3bb3e188773c428b1075de659ec914064cba311796cd8d5b3e093ae3995f63c7838d7e15db1bb5ea675fa09b882482"
    "891ec8b9b843df9e6e18d345f6f4a9716f35ca82e5910aeab32755abb5d6d4dc0823e8078ce708f47a8eb057de061090"
    "f3258fc2657a1341d22b25ac3a2586c643e4d68d212441356874722e66c6ca27fd7d7ed1eab8e7b240f14c4ccc81f236"
    "e0ac15b0bf5eba8c59edaf8d5562bcacb1d8fbd83d45d11409e238099d2fdbe9e597c3ec3f41b0a96d0752ac28a5d83a"
    "228c456ee31227cf3dc9820fc946fec0cfc86b2a419334c4a093f56485f96b498e60c34eca9446f4d29c3f39d271c567"
    "1fa520ae4ed45f8b52d437d34478a901";
}  // namespace

TEST_CASE("RSA public exponents are bounded on every import path", "[crypto][keys][validation]") {
  const core::bytes n = test_modulus();
  CHECK(rsa_verdict(n, {0x01, 0x00, 0x01}) == errc{});  // 65537
  CHECK(rsa_verdict(n, {0x03}) == errc{});              // 3 is the smallest accepted
  CHECK(rsa_verdict(n, {0x01, 0x00, 0x03}) == errc::unsupported_key_type);  // 65539 > the default bound
  CHECK(rsa_verdict(n, {0x01}) == errc::invalid_key);                       // 1
  CHECK(rsa_verdict(n, {0x01, 0x00, 0x00}) == errc::invalid_key);           // even
  // A 3072-bit exponent (an odd number just below the modulus) would make each verification
  // about 150 times dearer: refused.
  core::bytes huge = n;
  huge.back() = static_cast<std::uint8_t>(huge.back() - 2);
  CHECK(rsa_verdict(n, huge) == errc::unsupported_key_type);

  crypto::key_policy raised;
  raised.max_rsa_exponent = 1u << 20;
  CHECK(rsa_verdict(n, {0x01, 0x00, 0x03}, raised) == errc{});
  CHECK(rsa_verdict(n, {0x10, 0x00, 0x01}, raised) == errc::unsupported_key_type);  // 2^20 + 1
  raised.max_rsa_exponent = ~std::uint64_t{0};  // never beyond 2^32 - 1
  CHECK(raised.effective_max_rsa_exponent() == 0xffffffffu);
  CHECK(rsa_verdict(n, {0xff, 0xff, 0xff, 0xfd}, raised) == errc{});
  CHECK(rsa_verdict(n, {0x01, 0x00, 0x00, 0x00, 0x01}, raised) == errc::unsupported_key_type);  // 2^32 + 1
}

TEST_CASE("RSA moduli with small factors, primes and prime powers are refused, the same way every time",
          "[crypto][keys][validation]") {
  const core::bytes e = {0x01, 0x00, 0x01};
  for (auto hex : {small_factor_modulus, prime_modulus, prime_square_modulus}) {
    const core::bytes n = hex_bytes(hex);
    REQUIRE(n.size() == 256);
    for (int i = 0; i < 20; ++i) REQUIRE(rsa_verdict(n, e) == errc::weak_key);
  }
  const core::bytes good = test_modulus();
  for (int i = 0; i < 20; ++i) REQUIRE(rsa_verdict(good, e) == errc{});
}

TEST_CASE("Ed25519 small-order and non-canonical public keys are refused on every import path",
          "[crypto][keys][validation]") {
  // The y coordinates of the eight points of order 1, 2, 4 and 8, little-endian.
  const std::array<std::string_view, 5> small_order = {
      "0100000000000000000000000000000000000000000000000000000000000000",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "0000000000000000000000000000000000000000000000000000000000000000",
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
      "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  };
  for (auto hex : small_order) {
    for (std::uint8_t sign : {std::uint8_t{0x00}, std::uint8_t{0x80}}) {
      auto raw = ed_raw(hex);
      raw[31] |= sign;
      CHECK(ed25519_verdict(raw) == errc::weak_key);
    }
  }

  // Why: under the identity key, R = identity and S = 0 is a signature OpenSSL accepts for every message.
  std::array<std::uint8_t, 64> forged{};
  forged[0] = 0x01;
  for (std::string_view msg : {"", "pay 100 to mallory", "anything at all"})
    CHECK(openssl_ed25519_verifies(ed_raw(small_order[0]), forged, msg));

  // y >= p = 2^255 - 19 is not a canonical encoding.
  CHECK(ed25519_verdict(ed_raw("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")) == errc::invalid_key);
  CHECK(ed25519_verdict(ed_raw("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")) == errc::invalid_key);
  CHECK(ed25519_verdict(ed_raw("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")) == errc::invalid_key);
  // y = 2 has no x on the curve.
  CHECK(ed25519_verdict(ed_raw("0200000000000000000000000000000000000000000000000000000000000000")) == errc::invalid_key);
  // An ordinary key is still accepted (RFC 8032 §7.1, test 1).
  CHECK(ed25519_verdict(ed_raw("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")) == errc{});
}
