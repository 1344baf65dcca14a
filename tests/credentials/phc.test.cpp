// Tests for tessera/credentials/phc.hpp: strict, bounded PHC string parsing and formatting.
#include "tessera/credentials/phc.hpp"

#include <string>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using credentials::hash_algorithm;

namespace {
// 16-byte salt 00..0f and 32-byte hash 00..1f, in PHC B64.
const std::string salt16 = "AAECAwQFBgcICQoLDA0ODw";
const std::string hash32 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
std::string scrypt_str(std::string params, std::string salt = salt16, std::string hash = hash32) {
  return "$scrypt$" + params + "$" + salt + "$" + hash;
}
std::string pbkdf2_str(std::string params, std::string salt = salt16, std::string hash = hash32) {
  return "$pbkdf2-sha256$" + params + "$" + salt + "$" + hash;
}
}  // namespace

TEST_CASE("scrypt and PBKDF2 strings parse and format back byte for byte", "[credentials][phc]") {
  const std::string s = scrypt_str("ln=17,r=8,p=1");
  auto h = credentials::parse_phc(s);
  REQUIRE(h);
  CHECK(h->algorithm == hash_algorithm::scrypt);
  CHECK(h->scrypt.n == (1u << 17));
  CHECK(h->scrypt.r == 8);
  CHECK(h->scrypt.p == 1);
  CHECK(h->scrypt_log_n() == 17);
  CHECK(h->salt_size == 16);
  CHECK(h->hash_size == 32);
  CHECK(h->salt[15] == 15);
  CHECK(h->hash[31] == 31);
  CHECK(credentials::format_phc(*h) == s);

  const std::string p = pbkdf2_str("i=600000");
  auto g = credentials::parse_phc(p);
  REQUIRE(g);
  CHECK(g->algorithm == hash_algorithm::pbkdf2_sha256);
  CHECK(g->iterations == 600000);
  CHECK(credentials::format_phc(*g) == p);
  CHECK(credentials::phc_id(hash_algorithm::scrypt) == "scrypt");
  CHECK(credentials::phc_id(hash_algorithm::pbkdf2_sha256) == "pbkdf2-sha256");
}

TEST_CASE("anything but the exact PHC shape is refused", "[credentials][phc]") {
  const std::vector<std::string> bad{
      "",
      "scrypt$ln=17,r=8,p=1$" + salt16 + "$" + hash32,            // no leading $
      "$scrypt$ln=17,r=8,p=1$" + salt16,                          // no hash
      scrypt_str("ln=17,r=8,p=1") + "$",                          // extra field
      "$scrypt$v=1$ln=17,r=8,p=1$" + salt16 + "$" + hash32,        // version field
      "$argon2id$m=65536,t=3,p=4$" + salt16 + "$" + hash32,       // other algorithm
      "$SCRYPT$ln=17,r=8,p=1$" + salt16 + "$" + hash32,           // case
      "$pbkdf2$i=600000$" + salt16 + "$" + hash32,                // SHA-1 flavour
      "$pbkdf2-sha512$i=600000$" + salt16 + "$" + hash32,
      scrypt_str("r=8,ln=17,p=1"),                                // order
      scrypt_str("ln=17,r=8"),                                    // missing parameter
      scrypt_str("ln=17,r=8,p=1,"),                               // trailing comma
      scrypt_str("ln=17,r=8,p=1,x=2"),                            // extra parameter
      scrypt_str("ln=017,r=8,p=1"),                               // leading zero
      scrypt_str("ln=+17,r=8,p=1"),                               // sign
      scrypt_str("ln=17, r=8,p=1"),                               // space
      scrypt_str("ln=17,r=8,p=0"),                                // zero
      scrypt_str("ln=0,r=8,p=1"),                                 // N = 1
      scrypt_str("ln=,r=8,p=1"),                                  // empty value
      scrypt_str("n=131072,r=8,p=1"),                             // other spelling
      pbkdf2_str("i=0"),
      pbkdf2_str("i=600000,x=1"),
      pbkdf2_str("iterations=600000"),
      pbkdf2_str("i=4294967296"),                                 // overflow
      pbkdf2_str("i=99999999999"),
      scrypt_str("ln=17,r=8,p=1", salt16 + "=="),                 // padding
      scrypt_str("ln=17,r=8,p=1", salt16, hash32 + "="),
      scrypt_str("ln=17,r=8,p=1", "AAECAwQFBgcICQoLDA0ODx"),      // non-zero trailing bits
      scrypt_str("ln=17,r=8,p=1", "AAECAwQFBgcICQoLDA0OD-"),      // base64url alphabet
      scrypt_str("ln=17,r=8,p=1", "AAECAwQFBgcICQoLDA0OD_"),
      scrypt_str("ln=17,r=8,p=1", "AAECAwQFBg cICQoLDA0ODw"),     // whitespace
      scrypt_str("ln=17,r=8,p=1", "AAECAwQFBgcICQoLDA0OD"),       // impossible length (4k+1)
      scrypt_str("ln=17,r=8,p=1", ""),                            // empty salt
      scrypt_str("ln=17,r=8,p=1", "AAEC"),                        // 3-byte salt
      scrypt_str("ln=17,r=8,p=1", std::string(88, 'A')),          // 66-byte salt
      scrypt_str("ln=17,r=8,p=1", salt16, "AAECAwQFBgcICQoLDA0O"), // 15-byte hash
      scrypt_str("ln=17,r=8,p=1", salt16, std::string(88, 'A')),  // 66-byte hash
      scrypt_str("ln=17,r=8,p=1", salt16, hash32) + std::string(300, 'A'),
  };
  for (const auto& s : bad) {
    CAPTURE(s);
    CHECK(credentials::parse_phc(s).error() == errc::invalid_hash_string);
  }
}

TEST_CASE("a stored string cannot demand more memory or CPU than the limits allow", "[credentials][phc]") {
  const credentials::hash_limits lim;  // defaults
  auto err = [&](const std::string& s) { return credentials::parse_phc(s, lim).error(); };
  CHECK(credentials::parse_phc(scrypt_str("ln=18,r=8,p=1")));         // 256 MiB: at the memory limit
  CHECK(err(scrypt_str("ln=19,r=8,p=1")) == errc::invalid_hash_string);   // 512 MiB
  CHECK(credentials::parse_phc(scrypt_str("ln=20,r=2,p=1")));         // 256 MiB, at the limit too
  CHECK(credentials::parse_phc(scrypt_str("ln=15,r=1,p=1")));
  CHECK(err(scrypt_str("ln=16,r=1,p=1")) == errc::invalid_hash_string);  // RFC 7914: N < 2^(16 r)
  CHECK(err(scrypt_str("ln=20,r=1,p=1")) == errc::invalid_hash_string);
  CHECK(err(scrypt_str("ln=21,r=1,p=1")) == errc::invalid_hash_string);  // above log N limit
  CHECK(err(scrypt_str("ln=63,r=1,p=1")) == errc::invalid_hash_string);
  CHECK(err(scrypt_str("ln=64,r=1,p=1")) == errc::invalid_hash_string);
  CHECK(err(scrypt_str("ln=4294967295,r=4294967295,p=4294967295")) == errc::invalid_hash_string);
  CHECK(err(scrypt_str("ln=10,r=33,p=1")) == errc::invalid_hash_string);
  CHECK(err(scrypt_str("ln=10,r=8,p=17")) == errc::invalid_hash_string);
  CHECK(credentials::parse_phc(scrypt_str("ln=17,r=8,p=4")));         // 512 MiB of work: at the limit
  CHECK(err(scrypt_str("ln=17,r=8,p=5")) == errc::invalid_hash_string);   // more work than allowed
  CHECK(credentials::parse_phc(pbkdf2_str("i=2000000")));
  CHECK(err(pbkdf2_str("i=2000001")) == errc::invalid_hash_string);

  credentials::hash_limits generous;
  generous.max_scrypt_memory = 2ull << 30;
  generous.max_scrypt_work = 2ull << 30;
  generous.max_pbkdf2_iterations = 10'000'000;
  CHECK(credentials::parse_phc(scrypt_str("ln=20,r=8,p=1"), generous));
  CHECK(credentials::parse_phc(pbkdf2_str("i=10000000"), generous));

  credentials::hash_limits extreme;  // even absurd limits cannot make the checks overflow
  extreme.max_scrypt_log_n = 63;
  extreme.max_scrypt_r = 0xFFFFFFFFu;
  extreme.max_scrypt_p = 0xFFFFFFFFu;
  extreme.max_scrypt_memory = ~0ull;
  extreme.max_scrypt_work = ~0ull;
  CHECK(credentials::parse_phc(scrypt_str("ln=63,r=4294967295,p=4294967295"), extreme).error() ==
        errc::invalid_hash_string);
  CHECK(credentials::parse_phc(scrypt_str("ln=40,r=4294967295,p=1"), extreme).error() == errc::invalid_hash_string);
}

TEST_CASE("salts and hashes of every allowed size round-trip", "[credentials][phc]") {
  for (std::size_t salt = credentials::min_salt_size; salt <= credentials::max_salt_size; ++salt) {
    for (std::size_t hash : {credentials::min_hash_size, std::size_t{32}, credentials::max_hash_size}) {
      credentials::phc_hash h;
      h.algorithm = hash_algorithm::pbkdf2_sha256;
      h.iterations = 1000;
      h.salt_size = salt;
      h.hash_size = hash;
      for (std::size_t i = 0; i < salt; ++i) h.salt[i] = static_cast<std::uint8_t>(0xF0 ^ i);
      for (std::size_t i = 0; i < hash; ++i) h.hash[i] = static_cast<std::uint8_t>(0xA5 + i);
      const auto text = credentials::format_phc(h);
      auto back = credentials::parse_phc(text);
      CAPTURE(text);
      REQUIRE(back);
      CHECK(back->salt_bytes().as_chars() == h.salt_bytes().as_chars());
      CHECK(back->hash_bytes().as_chars() == h.hash_bytes().as_chars());
      CHECK(credentials::format_phc(*back) == text);
    }
  }
}
