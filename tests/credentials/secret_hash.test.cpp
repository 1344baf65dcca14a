// Tests for tessera/credentials/secret_hash.hpp: known answers for PBKDF2-HMAC-SHA256 and
// scrypt, PHC round trips, needs_rehash, and refusal of wrong secrets.
#include "tessera/credentials/secret_hash.hpp"

#include <algorithm>
#include <string>
#include <thread>

#include "tessera/core/hex.hpp"
#include "support/catch.hpp"

using namespace tessera;
using credentials::hash_algorithm;
using credentials::hash_policy;

namespace {
// A PHC string built from published inputs and outputs.
std::string phc(hash_algorithm alg, std::uint32_t ln_or_i, std::uint32_t r, std::uint32_t p, std::string_view salt,
                std::string_view hex_hash) {
  credentials::phc_hash h;
  h.algorithm = alg;
  if (alg == hash_algorithm::scrypt) h.scrypt = {std::uint64_t{1} << ln_or_i, r, p};
  else h.iterations = ln_or_i;
  std::copy(salt.begin(), salt.end(), h.salt.begin());
  h.salt_size = salt.size();
  auto bytes = core::hex_decode(hex_hash);
  REQUIRE(bytes);
  std::copy(bytes->begin(), bytes->end(), h.hash.begin());
  h.hash_size = bytes->size();
  return credentials::format_phc(h);
}

// Tiny scrypt parameters, for tests that are not about the cost.
const hash_policy tiny = hash_policy::scrypt_with(16, 1, 1);
}  // namespace

// RFC 7914 §11 — PBKDF2-HMAC-SHA256 test vectors.
constexpr std::string_view rfc7914_pbkdf2_1 =
    "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
    "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783";  // P="passwd", S="salt", c=1
constexpr std::string_view rfc7914_pbkdf2_2 =
    "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
    "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d";  // P="Password", S="NaCl", c=80000
// RFC 7914 §12 — scrypt test vectors.
constexpr std::string_view rfc7914_scrypt_1 =
    "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
    "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906";  // P="", S="", N=16, r=1, p=1
constexpr std::string_view rfc7914_scrypt_2 =
    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
    "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640";  // P="password", S="NaCl", N=1024, r=8, p=16
constexpr std::string_view rfc7914_scrypt_3 =
    "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
    "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887";  // P="pleaseletmein", S="SodiumChloride", N=16384, r=8, p=1

TEST_CASE("PBKDF2-HMAC-SHA256 matches RFC 7914 section 11", "[credentials][secret_hash][kat]") {
  auto d1 = crypto::pbkdf2(crypto::hash_alg::sha256, "passwd", "salt", 1, 64);
  REQUIRE(d1);
  CHECK(core::hex_encode(d1->expose_secret()) == rfc7914_pbkdf2_1);
  // Through the PHC path: parameters and salt read back from the stored string.
  const auto s1 = phc(hash_algorithm::pbkdf2_sha256, 1, 0, 0, "salt", rfc7914_pbkdf2_1);
  CHECK(s1 == "$pbkdf2-sha256$i=1$c2FsdA$VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLxJypzM8Xm2RZkWZLOdd+8xfHG4RbHjC9UJESBB06GXgw");
  CHECK(credentials::verify_secret("passwd", s1));
  CHECK(credentials::verify_secret("passwe", s1).error() == errc::invalid_credentials);

  const auto s2 = phc(hash_algorithm::pbkdf2_sha256, 80000, 0, 0, "NaCl", rfc7914_pbkdf2_2);
  CHECK(credentials::verify_secret("Password", s2));
  CHECK(credentials::verify_secret("password", s2).error() == errc::invalid_credentials);
}

TEST_CASE("scrypt matches RFC 7914 section 12", "[credentials][secret_hash][kat]") {
  auto d1 = crypto::scrypt("", "", {16, 1, 1}, 64);  // empty salt: below what a PHC string may hold
  REQUIRE(d1);
  CHECK(core::hex_encode(d1->expose_secret()) == rfc7914_scrypt_1);

  const auto s2 = phc(hash_algorithm::scrypt, 10, 8, 16, "NaCl", rfc7914_scrypt_2);
  CHECK(s2 == "$scrypt$ln=10,r=8,p=16$TmFDbA$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/xCSedmDDaxyevuUqD7m2DYMvfoswGQA");
  CHECK(credentials::verify_secret("password", s2));
  CHECK(credentials::verify_secret("Password", s2).error() == errc::invalid_credentials);

  const auto s3 = phc(hash_algorithm::scrypt, 14, 8, 1, "SodiumChloride", rfc7914_scrypt_3);
  CHECK(credentials::verify_secret("pleaseletmein", s3));
  CHECK(credentials::verify_secret("pleaseletmeout", s3).error() == errc::invalid_credentials);

  // The fourth vector (N = 2^20, r = 8: 1 GiB) is over the default limits, so a stored string
  // asking for it is refused without any hashing.
  const auto s4 = phc(hash_algorithm::scrypt, 20, 8, 1, "SodiumChloride", rfc7914_scrypt_3);
  CHECK(credentials::verify_secret("pleaseletmein", s4).error() == errc::invalid_hash_string);
}

TEST_CASE("the default policy is scrypt N=2^17, r=8, p=1 and round-trips", "[credentials][secret_hash][slow]") {
  // The one test that pays the default cost (about 128 MiB and a few hundred ms per hash).
  auto h = credentials::hash_secret("client-secret-under-test");
  REQUIRE(h);
  CHECK(h->rfind("$scrypt$ln=17,r=8,p=1$", 0) == 0);
  auto parsed = credentials::parse_phc(*h);
  REQUIRE(parsed);
  CHECK(parsed->salt_size == 16);
  CHECK(parsed->hash_size == 32);
  CHECK(credentials::verify_secret("client-secret-under-test", *h));
  CHECK_FALSE(credentials::needs_rehash(*h, hash_policy{}));
}

TEST_CASE("the PBKDF2 alternative is 600,000 iterations and round-trips", "[credentials][secret_hash][slow]") {
  const auto policy = hash_policy::pbkdf2_sha256();
  CHECK(policy.pbkdf2_iterations == 600000);
  auto h = credentials::hash_secret("client-secret-under-test", policy);
  REQUIRE(h);
  CHECK(h->rfind("$pbkdf2-sha256$i=600000$", 0) == 0);
  CHECK(credentials::verify_secret("client-secret-under-test", *h));
  CHECK_FALSE(credentials::needs_rehash(*h, policy));
  CHECK(credentials::needs_rehash(*h, hash_policy{}));
}

TEST_CASE("hashing salts every hash, and a wrong secret is refused", "[credentials][secret_hash]") {
  for (const auto& policy : {tiny, hash_policy::pbkdf2_sha256(1000)}) {
    auto a = credentials::hash_secret("s3cret", policy);
    auto b = credentials::hash_secret("s3cret", policy);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(*a != *b);  // fresh salt each time
    CHECK(credentials::verify_secret("s3cret", *a));
    CHECK(credentials::verify_secret("s3cret", *b));
    CHECK(credentials::verify_secret("s3cres", *a).error() == errc::invalid_credentials);
    CHECK(credentials::verify_secret("s3cret ", *a).error() == errc::invalid_credentials);
    CHECK(credentials::verify_secret("S3CRET", *a).error() == errc::invalid_credentials);
    CHECK(credentials::verify_secret("", *a).error() == errc::invalid_credentials);
    CHECK(credentials::verify_secret(std::string(credentials::max_secret_size + 1, 'x'), *a).error() ==
          errc::invalid_credentials);
    // A tampered stored hash no longer matches; a broken one is a server fault.
    std::string tampered = *a;
    tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
    CHECK(credentials::verify_secret("s3cret", tampered).error() == errc::invalid_credentials);
    CHECK(credentials::verify_secret("s3cret", a->substr(1)).error() == errc::invalid_hash_string);
  }
  // Binary secrets are fine too.
  const std::string binary("\0\x01\xff", 3);
  auto h = credentials::hash_secret(binary, tiny);
  REQUIRE(h);
  CHECK(credentials::verify_secret(binary, *h));
  CHECK(credentials::verify_secret(std::string("\0\x01\xfe", 3), *h).error() == errc::invalid_credentials);
}

TEST_CASE("hash_secret refuses bad policies and secrets", "[credentials][secret_hash]") {
  CHECK(credentials::hash_secret("", tiny).error() == errc::invalid_argument);
  CHECK(credentials::hash_secret(std::string(credentials::max_secret_size + 1, 'x'), tiny).error() ==
        errc::invalid_argument);
  CHECK(credentials::hash_secret(std::string(credentials::max_secret_size, 'x'), tiny));
  auto p = tiny;
  p.salt_size = 8;
  CHECK(credentials::hash_secret("x", p).error() == errc::invalid_kdf_parameters);
  p = tiny;
  p.hash_size = 8;
  CHECK(credentials::hash_secret("x", p).error() == errc::invalid_kdf_parameters);
  p = hash_policy::scrypt_with(1000, 1, 1);  // not a power of two
  CHECK(credentials::hash_secret("x", p).error() == errc::invalid_kdf_parameters);
  p = hash_policy::scrypt_with(std::uint64_t{1} << 20, 8, 1);  // 1 GiB: over the default limits
  CHECK(credentials::hash_secret("x", p).error() == errc::invalid_kdf_parameters);
  CHECK(p.validate().error() == errc::invalid_kdf_parameters);
  CHECK(hash_policy::pbkdf2_sha256(0).validate().error() == errc::invalid_kdf_parameters);
  CHECK(hash_policy{}.validate());
  CHECK(hash_policy::pbkdf2_sha256().validate());
}

TEST_CASE("needs_rehash flags any change of algorithm, cost or size", "[credentials][secret_hash]") {
  auto stored = credentials::hash_secret("s3cret", tiny);
  REQUIRE(stored);
  CHECK_FALSE(credentials::needs_rehash(*stored, tiny));
  CHECK(credentials::needs_rehash(*stored, hash_policy::scrypt_with(32, 1, 1)));
  CHECK(credentials::needs_rehash(*stored, hash_policy::scrypt_with(16, 2, 1)));
  CHECK(credentials::needs_rehash(*stored, hash_policy::scrypt_with(16, 1, 2)));
  CHECK(credentials::needs_rehash(*stored, hash_policy{}));
  CHECK(credentials::needs_rehash(*stored, hash_policy::pbkdf2_sha256(1000)));
  auto bigger_hash = tiny;
  bigger_hash.hash_size = 64;
  CHECK(credentials::needs_rehash(*stored, bigger_hash));
  auto bigger_salt = tiny;
  bigger_salt.salt_size = 32;
  CHECK(credentials::needs_rehash(*stored, bigger_salt));
  auto smaller_salt = bigger_salt;
  auto salted32 = credentials::hash_secret("s3cret", bigger_salt);
  REQUIRE(salted32);
  smaller_salt.salt_size = 16;
  CHECK_FALSE(credentials::needs_rehash(*salted32, smaller_salt));  // a longer salt is fine

  auto pb = credentials::hash_secret("s3cret", hash_policy::pbkdf2_sha256(1000));
  REQUIRE(pb);
  CHECK_FALSE(credentials::needs_rehash(*pb, hash_policy::pbkdf2_sha256(1000)));
  CHECK(credentials::needs_rehash(*pb, hash_policy::pbkdf2_sha256(2000)));
  CHECK(credentials::needs_rehash(*pb, tiny));

  CHECK(credentials::needs_rehash("", tiny));
  CHECK(credentials::needs_rehash("plaintext-password", tiny));
  CHECK(credentials::needs_rehash("$scrypt$ln=99,r=8,p=1$AAAA$AAAA", tiny));
}

TEST_CASE("slow-hash work is counted per thread, in units that do not depend on the machine",
          "[credentials][secret_hash]") {
  const hash_policy scrypt = hash_policy::scrypt_with(16, 2, 3);
  const hash_policy pbkdf2 = hash_policy::pbkdf2_sha256(1000);
  CHECK(credentials::hash_work(scrypt).scrypt == 16 * 2 * 3);
  CHECK(credentials::hash_work(pbkdf2).pbkdf2 == 1000);

  auto before = credentials::thread_kdf_work();
  auto s = credentials::hash_secret("s3cret", scrypt);
  REQUIRE(s);
  REQUIRE(credentials::verify_secret("s3cret", *s));
  auto p = credentials::hash_secret("s3cret", pbkdf2);
  REQUIRE(p);
  auto w = credentials::thread_kdf_work().since(before);
  CHECK(w.scrypt == 2 * 16 * 2 * 3);
  CHECK(w.pbkdf2 == 1000);
  CHECK(w.runs == 3);

  // Refused before the KDF runs: nothing counted. Another thread's work is its own.
  before = credentials::thread_kdf_work();
  CHECK_FALSE(credentials::verify_secret(std::string(credentials::max_secret_size + 1, 'x'), *s));
  CHECK_FALSE(credentials::verify_secret("s3cret", "$scrypt$ln=99,r=8,p=1$AAAA$AAAA"));
  std::thread([&] { CHECK(credentials::hash_secret("s3cret", scrypt)); }).join();
  CHECK(credentials::thread_kdf_work().since(before).runs == 0);
}
