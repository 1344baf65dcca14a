// Tests for tessera/crypto/kdf.hpp. Known answers: RFC 7914 §11 (PBKDF2-HMAC-SHA256) and
// RFC 7914 §12 (scrypt).
#include "tessera/crypto/kdf.hpp"

#include <chrono>
#include <string>

#include "support/catch.hpp"
#include "tessera/core/hex.hpp"

using namespace tessera;
using crypto::hash_alg;

namespace {
std::string hex_of(const result<secret>& s) {
  REQUIRE(s);
  return core::hex_encode(s->expose_secret());
}
}  // namespace

TEST_CASE("PBKDF2-HMAC-SHA256 known answers (RFC 7914 section 11)", "[crypto][kdf]") {
  // P = "passwd", S = "salt", c = 1, dkLen = 64
  CHECK(hex_of(crypto::pbkdf2(hash_alg::sha256, "passwd", "salt", 1, 64)) ==
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  // P = "Password", S = "NaCl", c = 80000, dkLen = 64
  CHECK(hex_of(crypto::pbkdf2(hash_alg::sha256, "Password", "NaCl", 80000, 64)) ==
        "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
        "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST_CASE("PBKDF2 output length, hashes and empty inputs", "[crypto][kdf]") {
  // A shorter output is a prefix of a longer one (PBKDF2 block structure, RFC 8018 §5.2).
  const auto long_out = hex_of(crypto::pbkdf2(hash_alg::sha256, "passwd", "salt", 1, 64));
  CHECK(hex_of(crypto::pbkdf2(hash_alg::sha256, "passwd", "salt", 1, 20)) == long_out.substr(0, 40));
  CHECK(crypto::pbkdf2(hash_alg::sha256, "passwd", "salt", 1, 1024).value().size() == 1024);
  // Each hash gives its own output.
  const auto s384 = hex_of(crypto::pbkdf2(hash_alg::sha384, "passwd", "salt", 1, 32));
  const auto s512 = hex_of(crypto::pbkdf2(hash_alg::sha512, "passwd", "salt", 1, 32));
  CHECK(s384 != long_out.substr(0, 64));
  CHECK(s512 != s384);
  // Empty password and empty salt are inputs like any other (OpenSSL refuses NULL; tessera passes a real pointer).
  auto empty = crypto::pbkdf2(hash_alg::sha256, "", "", 1, 32);
  REQUIRE(empty);
  CHECK(empty->size() == 32);
  CHECK(hex_of(crypto::pbkdf2(hash_alg::sha256, core::bytes_view{}, core::bytes_view{}, 1, 32)) ==
        core::hex_encode(empty->expose_secret()));
  CHECK(hex_of(crypto::pbkdf2(hash_alg::sha256, "", "salt", 1, 32)) != core::hex_encode(empty->expose_secret()));
}

TEST_CASE("PBKDF2 refuses invalid parameters", "[crypto][kdf]") {
  CHECK(crypto::pbkdf2(hash_alg::sha256, "p", "s", 0, 32).error() == errc::invalid_kdf_parameters);
  CHECK(crypto::pbkdf2(hash_alg::sha256, "p", "s", 1, 0).error() == errc::invalid_kdf_parameters);
  CHECK(crypto::pbkdf2(hash_alg::sha256, "p", "s", 1, 1025).error() == errc::invalid_kdf_parameters);
  CHECK(crypto::pbkdf2(hash_alg::sha512, "p", "s", 0, 0).error() == errc::invalid_kdf_parameters);
}

TEST_CASE("scrypt known answers (RFC 7914 section 12, cases 1-3)", "[crypto][kdf]") {
  // P = "", S = "", N = 16, r = 1, p = 1, dkLen = 64
  CHECK(hex_of(crypto::scrypt("", "", {16, 1, 1}, 64)) ==
        "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
        "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
  // P = "password", S = "NaCl", N = 1024, r = 8, p = 16, dkLen = 64
  CHECK(hex_of(crypto::scrypt("password", "NaCl", {1024, 8, 16}, 64)) ==
        "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
        "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
  // P = "pleaseletmein", S = "SodiumChloride", N = 16384, r = 8, p = 1, dkLen = 64
  CHECK(hex_of(crypto::scrypt("pleaseletmein", "SodiumChloride", {16384, 8, 1}, 64)) ==
        "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
        "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
}

// RFC 7914 §12 case 4 needs 1 GiB of memory and several seconds; it is hidden from the default run.
// Run it with: tessera_crypto_tests "[slow]"
TEST_CASE("scrypt known answer (RFC 7914 section 12, case 4: N = 2^20)", "[.][slow][crypto][kdf]") {
  const crypto::scrypt_params prm{1u << 20, 8, 1};
  // 128 * N * r is exactly 1 GiB; with the 128 * r * p block it is just above the default cap.
  CHECK(prm.memory_bytes() == (1ull << 30) + 1024);
  CHECK(crypto::scrypt("pleaseletmein", "SodiumChloride", prm, 64).error() == errc::invalid_kdf_parameters);
  const auto start = std::chrono::steady_clock::now();
  CHECK(hex_of(crypto::scrypt("pleaseletmein", "SodiumChloride", prm, 64, prm.memory_bytes())) ==
        "2101cb9b6a511aaeaddbbe09cf70f881ec568d574a2ffd4dabe5ee9820adaa47"
        "8e56fd8f4ba5d09ffa1c6d927c40f4c337304049e8a952fbcbf45c6fa77a41a4");
  const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("scrypt N=2^20, r=8, p=1 took " << secs << " s");
}

TEST_CASE("scrypt with the issue's parameters (N = 2^17, r = 8) is not refused by a memory cap", "[crypto][kdf]") {
  // EVP_PBE_scrypt with its default 32 MiB cap fails here; tessera raises the cap to what is needed.
  const crypto::scrypt_params prm{};  // defaults: N = 2^17, r = 8, p = 1
  CHECK(prm.n == (1u << 17));
  auto out = crypto::scrypt("correct horse battery staple", "0123456789abcdef", prm, 32);
  REQUIRE(out);
  CHECK(out->size() == 32);
}

TEST_CASE("scrypt refuses invalid parameters", "[crypto][kdf]") {
  const auto bad = errc::invalid_kdf_parameters;
  CHECK(crypto::scrypt("p", "s", {0, 8, 1}, 32).error() == bad);
  CHECK(crypto::scrypt("p", "s", {1, 8, 1}, 32).error() == bad);    // N must be above 1
  CHECK(crypto::scrypt("p", "s", {3, 8, 1}, 32).error() == bad);    // and a power of two
  CHECK(crypto::scrypt("p", "s", {1000, 8, 1}, 32).error() == bad);
  CHECK(crypto::scrypt("p", "s", {16, 0, 1}, 32).error() == bad);   // r = 0
  CHECK(crypto::scrypt("p", "s", {16, 1, 0}, 32).error() == bad);   // p = 0
  CHECK(crypto::scrypt("p", "s", {16, 1, 1}, 0).error() == bad);    // no output
  CHECK(crypto::scrypt("p", "s", {16, 1, 1}, 1025).error() == bad);  // too much output
  CHECK(crypto::scrypt("p", "s", {1ull << 40, 8, 1}, 32).error() == bad);          // memory far above the cap
  CHECK(crypto::scrypt("p", "s", {1ull << 62, 4096, 1}, 32, ~0ull).error() == bad);  // 128 * N * r overflows
  CHECK(crypto::scrypt("p", "s", {16, 1, 0xffffffffu}, 32).error() == bad);        // p * r block above the cap
  CHECK(crypto::scrypt("p", "s", {1u << 14, 8, 1}, 32, 1u << 20).error() == bad);   // caller's own cap
  // RFC 7914 §2 bounds, refused up front rather than failing inside OpenSSL (crypto_failure):
  CHECK(crypto::scrypt("p", "s", {1u << 16, 1, 1}, 32).error() == bad);  // N < 2^(128 * r / 8)
  CHECK(crypto::scrypt("p", "s", {2, 1u << 26, 1u << 31}, 32, ~0ull).error() == bad);  // r * p < 2^30
  CHECK(crypto::scrypt("p", "s", {2, 1, 1u << 24}, 32, ~0ull).error() == bad);  // B longer than INT_MAX
  CHECK(crypto::scrypt("p", "s", {1ull << 63, 8, 1}, 32, ~0ull).error() == bad);  // N * r overflows
  CHECK(crypto::scrypt("p", "s", {16, 1, 1}, 1));  // the smallest valid call
  CHECK(crypto::scrypt("p", "s", {(1u << 16) / 2, 1, 1}, 32));  // the largest N for r = 1
  CHECK(crypto::scrypt("p", "s", {2, 8192, 1}, 32));  // large r: OpenSSL's 256 * r extra bytes fit the cap
}
