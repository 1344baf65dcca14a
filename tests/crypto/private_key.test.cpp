// Tests for tessera/crypto/private_key.hpp: loading private keys from PKCS#8, PKCS#1 and SEC1 PEM,
// PKCS#8 DER and JWK, generating them, exporting them, and refusing malformed ones.
// Known answer: RFC 8037 Appendix A.1/A.2 (Ed25519 private JWK and its public key).
#include "tessera/crypto/private_key.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "support/test_keys.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/crypto/signature.hpp"

using namespace tessera;
using crypto::key_type;
using crypto::private_key;
using crypto::public_key;
namespace keys = tessera_test::keys;

namespace {
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
std::string relabel(std::string_view pem, std::string_view label) {
  const auto body_start = pem.find('\n') + 1;
  const auto body_end = pem.find("-----END");
  return "-----BEGIN " + std::string(label) + "-----\n" + std::string(pem.substr(body_start, body_end - body_start)) +
         "-----END " + std::string(label) + "-----\n";
}
core::bytes public_der(const private_key& k) { return k.public_key().value().to_der().value(); }
core::bytes public_der(std::string_view public_pem) { return public_key::from_pem(public_pem).value().to_der().value(); }

// A private key is the one it claims when its signature verifies under the expected public key.
bool signs_for(const private_key& k, std::string_view public_pem) {
  const auto pub = public_key::from_pem(public_pem).value();
  const auto alg = k.type() == key_type::rsa       ? crypto::signature_alg::rsa_pkcs1_sha256
                   : k.type() == key_type::ec_p256 ? crypto::signature_alg::ecdsa_p256_sha256
                   : k.type() == key_type::ec_p384 ? crypto::signature_alg::ecdsa_p384_sha384
                   : k.type() == key_type::ec_p521 ? crypto::signature_alg::ecdsa_p521_sha512
                                                   : crypto::signature_alg::ed25519;
  auto sig = crypto::sign(k, alg, "proof of possession");
  return sig && crypto::verify(pub, alg, "proof of possession", *sig).has_value();
}
nlohmann::json parse(std::string_view s) { return nlohmann::json::parse(s); }
}  // namespace

TEST_CASE("private keys load from PKCS#8, PKCS#1 and SEC1 PEM", "[crypto][keys]") {
  struct row {
    const char* what;
    std::string_view pem, pub;
    key_type type;
  };
  for (const auto& r : {row{"RSA PKCS#8", keys::rsa2048_private_pkcs8, keys::rsa2048_public_spki, key_type::rsa},
                        row{"RSA PKCS#1", keys::rsa2048_private_pkcs1, keys::rsa2048_public_spki, key_type::rsa},
                        row{"P-256 PKCS#8", keys::p256_private_pkcs8, keys::p256_public_spki, key_type::ec_p256},
                        row{"P-256 SEC1", keys::p256_private_sec1, keys::p256_public_spki, key_type::ec_p256},
                        row{"P-384 PKCS#8", keys::p384_private_pkcs8, keys::p384_public_spki, key_type::ec_p384},
                        row{"P-521 PKCS#8", keys::p521_private_pkcs8, keys::p521_public_spki, key_type::ec_p521},
                        row{"Ed25519 PKCS#8", keys::ed25519_private_pkcs8, keys::ed25519_public_spki,
                            key_type::ed25519}}) {
    CAPTURE(r.what);
    auto k = private_key::from_pem(r.pem);
    REQUIRE(k);
    CHECK(k->type() == r.type);
    CHECK(public_der(*k) == public_der(r.pub));
    CHECK(signs_for(*k, r.pub));
    // PKCS#8 export loads back to the same key.
    auto pem = k->to_pem();
    REQUIRE(pem);
    CHECK(pem->expose_secret_text().substr(0, 27) == "-----BEGIN PRIVATE KEY-----");
    auto again = private_key::from_pem(pem->expose_secret_text());
    REQUIRE(again);
    CHECK(public_der(*again) == public_der(r.pub));
    auto der = private_key::from_pkcs8_der(pem_der(pem->expose_secret_text()));
    REQUIRE(der);
    CHECK(public_der(*der) == public_der(r.pub));
    private_key copy = *k;  // copies share the key
    CHECK(copy.native_handle() == k->native_handle());
  }
  CHECK(private_key::from_pem(keys::rsa2048_private_pkcs8).value().bits() == 2048);
}

TEST_CASE("private keys load from JWK", "[crypto][keys]") {
  struct row {
    const char* what;
    std::string_view jwk, pub;
    key_type type;
  };
  for (const auto& r : {row{"RSA with CRT", keys::rsa2048_private_jwk, keys::rsa2048_public_spki, key_type::rsa},
                        row{"P-256", keys::p256_private_jwk, keys::p256_public_spki, key_type::ec_p256},
                        row{"P-384", keys::p384_private_jwk, keys::p384_public_spki, key_type::ec_p384},
                        row{"P-521", keys::p521_private_jwk, keys::p521_public_spki, key_type::ec_p521},
                        row{"Ed25519", keys::ed25519_private_jwk, keys::ed25519_public_spki, key_type::ed25519}}) {
    CAPTURE(r.what);
    auto k = private_key::from_jwk(parse(r.jwk));
    REQUIRE(k);
    CHECK(k->type() == r.type);
    CHECK(public_der(*k) == public_der(r.pub));
    CHECK(signs_for(*k, r.pub));
    // A private JWK is not a public one.
    CHECK(public_key::from_jwk(parse(r.jwk)).error() == errc::invalid_key);
  }
  // RSA with n, e and d only (no CRT members) still signs correctly.
  auto no_crt = parse(keys::rsa2048_private_jwk);
  for (auto m : {"p", "q", "dp", "dq", "qi"}) no_crt.erase(m);
  auto k = private_key::from_jwk(no_crt);
  REQUIRE(k);
  CHECK(signs_for(*k, keys::rsa2048_public_spki));
}

TEST_CASE("the RFC 8037 Ed25519 private JWK", "[crypto][keys]") {
  // RFC 8037 A.1 (private key) and A.2 (its public key).
  auto k = private_key::from_jwk(parse(R"({"kty":"OKP","crv":"Ed25519",
      "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"));
  REQUIRE(k);
  CHECK(k->type() == key_type::ed25519);
  CHECK(k->public_key().value().to_jwk()["x"] == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
  CHECK(k->public_key().value().thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");  // A.3
}

TEST_CASE("malformed private JWKs are refused with a specific errc", "[crypto][keys]") {
  const auto rsa = parse(keys::rsa2048_private_jwk);
  const auto p256 = parse(keys::p256_private_jwk);
  const auto p521 = parse(keys::p521_private_jwk);
  const auto p521_d = core::base64url_decode(p521["d"].get<std::string>()).value();
  REQUIRE((p521_d.size() == 66 && p521_d[0] == 0));
  const auto ed = parse(keys::ed25519_private_jwk);
  auto with = [](nlohmann::json j, const char* member, nlohmann::json v) {
    j[member] = std::move(v);
    return j;
  };
  auto without = [](nlohmann::json j, const char* member) {
    j.erase(member);
    return j;
  };
  // Another valid scalar for P-256 and Ed25519: d no longer matches the stated public key.
  const auto other_d = core::base64url_encode(core::bytes(32, 0x11));
  struct row {
    const char* what;
    nlohmann::json jwk;
    errc expected;
  };
  const std::vector<row> rows = {
      {"public JWK", without(p256, "d"), errc::invalid_key},
      {"RSA without d", without(rsa, "d"), errc::invalid_key},
      {"RSA with some CRT members", without(rsa, "qi"), errc::invalid_key},
      {"RSA CRT member empty", with(rsa, "p", ""), errc::invalid_key},
      {"RSA d not base64url", with(rsa, "d", "***"), errc::invalid_key},
      {"EC d too short", with(p256, "d", core::base64url_encode(core::bytes(31, 1))), errc::invalid_key},
      {"EC d too long", with(p256, "d", core::base64url_encode(core::bytes(33, 1))), errc::invalid_key},
      {"EC d not a string", with(p256, "d", 5), errc::invalid_key},
      {"EC d does not match x and y", with(p256, "d", other_d), errc::invalid_key},
      // P-521 scalars are 66 bytes (RFC 7518 §6.2.2.1), the leading zero byte included.
      {"P-521 d without its leading zero byte",
       with(p521, "d", core::base64url_encode(core::bytes(p521_d.begin() + 1, p521_d.end()))), errc::invalid_key},
      {"P-521 d too long", with(p521, "d", core::base64url_encode(core::bytes(67, 1))), errc::invalid_key},
      {"P-521 d does not match x and y", with(p521, "d", core::base64url_encode(core::bytes(66, 0x01))),
       errc::invalid_key},
      {"P-521 d as a P-384 key", with(p521, "crv", "P-384"), errc::invalid_key},
      {"Ed25519 d does not match x", with(ed, "d", other_d), errc::invalid_key},
      {"Ed25519 d too short", with(ed, "d", core::base64url_encode(core::bytes(31, 1))), errc::invalid_key},
      {"Ed25519 without x", without(ed, "x"), errc::invalid_key},
      {"unknown curve", with(p256, "crv", "secp256k1"), errc::unsupported_key_type},
      {"X25519", with(ed, "crv", "X25519"), errc::unsupported_key_type},
      {"oct key", nlohmann::json{{"kty", "oct"}, {"k", "c2VjcmV0"}, {"d", "AA"}}, errc::key_type_mismatch},
      {"not an object", nlohmann::json::array(), errc::invalid_key},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    auto k = private_key::from_jwk(r.jwk);
    REQUIRE_FALSE(k);
    CHECK(k.error() == r.expected);
  }
}

TEST_CASE("malformed private PEM and DER are refused", "[crypto][keys]") {
  const std::string good(keys::p256_private_pkcs8);
  const std::vector<std::pair<std::string, std::string>> pem_cases = {
      {"empty", ""},
      {"garbage", "not a key"},
      {"truncated", good.substr(0, good.size() / 2)},
      {"public key label", std::string(keys::p256_public_spki)},
      {"certificate", std::string(keys::p256_certificate)},
      {"two blocks", good + good},
      {"trailing junk", good + "--"},
      // A body must have the structure its label names (OpenSSL's decoder alone would accept some of these).
      {"SEC1 body under RSA PRIVATE KEY", relabel(keys::p256_private_sec1, "RSA PRIVATE KEY")},
      {"PKCS#8 P-256 body under EC PRIVATE KEY", relabel(good, "EC PRIVATE KEY")},
      {"PKCS#8 P-256 body under RSA PRIVATE KEY", relabel(good, "RSA PRIVATE KEY")},
      {"PKCS#8 RSA body under RSA PRIVATE KEY", relabel(keys::rsa2048_private_pkcs8, "RSA PRIVATE KEY")},
      {"PKCS#8 RSA body under EC PRIVATE KEY", relabel(keys::rsa2048_private_pkcs8, "EC PRIVATE KEY")},
      {"PKCS#1 body under PRIVATE KEY", relabel(keys::rsa2048_private_pkcs1, "PRIVATE KEY")},
      {"SEC1 body under PRIVATE KEY", relabel(keys::p256_private_sec1, "PRIVATE KEY")},
      {"RSA PKCS#1 body under EC PRIVATE KEY", relabel(keys::rsa2048_private_pkcs1, "EC PRIVATE KEY")},
      {"unknown label", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"},
  };
  for (const auto& [what, pem] : pem_cases) {
    CAPTURE(what);
    auto k = private_key::from_pem(pem);
    REQUIRE_FALSE(k);
    CHECK(k.error() == errc::invalid_key);
  }
  const auto der = pem_der(good);
  auto trailing = der;
  trailing.push_back(0);
  for (const auto& bad : {core::bytes{}, core::bytes{0x30, 0x00}, core::bytes(der.begin(), der.end() - 1), trailing,
                          pem_der(keys::p256_public_spki), pem_der(keys::p256_private_sec1),
                          pem_der(keys::rsa2048_private_pkcs1)}) {
    auto k = private_key::from_pkcs8_der(bad);
    REQUIRE_FALSE(k);
    CHECK(k.error() == errc::invalid_key);
  }
}

TEST_CASE("private keys are generated for every spec", "[crypto][keys]") {
  using crypto::key_spec;
  struct row {
    key_spec spec;
    key_type type;
    int bits;
  };
  // RSA generation is slow: 2048 only here; 3072 and 4096 differ only in the size passed to OpenSSL.
  for (const auto& r : {row{key_spec::rsa2048, key_type::rsa, 2048}, row{key_spec::p256, key_type::ec_p256, 256},
                        row{key_spec::p384, key_type::ec_p384, 384}, row{key_spec::p521, key_type::ec_p521, 521},
                        row{key_spec::ed25519, key_type::ed25519, 0}}) {
    auto k = private_key::generate(r.spec);
    REQUIRE(k);
    CHECK(k->type() == r.type);
    if (r.bits) CHECK(k->bits() == r.bits);
    auto pub = k->public_key();
    REQUIRE(pub);
    CHECK(pub->type() == r.type);
    auto pem = k->to_pem();
    REQUIRE(pem);
    CHECK(private_key::from_pem(pem->expose_secret_text()));
  }
  // Two generated keys differ.
  auto a = private_key::generate(key_spec::ed25519).value();
  auto b = private_key::generate(key_spec::ed25519).value();
  CHECK(public_der(a) != public_der(b));
}
