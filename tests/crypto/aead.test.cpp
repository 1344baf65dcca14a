// Tests for tessera/crypto/aead.hpp: AES-256-GCM sealing under a ring of key-encryption keys —
// round trip, tampering with each part of a blob, associated data, rotation and resealing, and
// known answers from the GCM specification.
#include "tessera/crypto/aead.hpp"

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/catch.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/hex.hpp"

using namespace tessera;

namespace {
crypto::sealing_key key_of(std::string_view kid, std::uint8_t fill) {
  std::vector<std::uint8_t> raw(crypto::sealing_key_size, fill);
  auto k = crypto::sealing_key::create(kid, raw);
  REQUIRE(k);
  return *k;
}

std::string text_of(const core::secret& s) { return std::string(s.expose_secret_text()); }

core::bytes unhex(std::string_view h) {
  auto b = core::hex_decode(h);
  REQUIRE(b);
  return *b;
}

// A blob with one decoded byte flipped at `at`, re-encoded.
std::string flip(const std::string& blob, std::size_t at) {
  auto raw = core::base64url_decode(blob);
  REQUIRE(raw);
  REQUIRE(at < raw->size());
  (*raw)[at] ^= 0x01;
  return core::base64url_encode(*raw);
}
}  // namespace

TEST_CASE("a sealed secret opens with the same key and associated data", "[crypto][aead]") {
  const auto k = key_of("kek-1", 0x42);
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  auto blob = k.seal(secret, "sub_123");
  REQUIRE(blob);
  CHECK(blob->find(secret) == std::string::npos);
  auto opened = k.open(*blob, "sub_123");
  REQUIRE(opened);
  CHECK(text_of(*opened) == secret);

  // The layout: version 1, kid length, kid, 12-byte nonce, ciphertext, 16-byte tag.
  auto raw = core::base64url_decode(*blob);
  REQUIRE(raw);
  REQUIRE(raw->size() == 2 + 5 + 12 + secret.size() + 16);
  CHECK((*raw)[0] == 1);
  CHECK((*raw)[1] == 5);
  CHECK(std::string(raw->begin() + 2, raw->begin() + 7) == "kek-1");
  auto kid = crypto::sealed_kid(*blob);
  REQUIRE(kid);
  CHECK(*kid == "kek-1");

  // The empty plaintext seals and opens too.
  auto empty = k.seal("", "aad");
  REQUIRE(empty);
  auto e = k.open(*empty, "aad");
  REQUIRE(e);
  CHECK(e->empty());
}

TEST_CASE("every seal uses a fresh nonce", "[crypto][aead]") {
  const auto k = key_of("kek-1", 1);
  std::set<std::string> blobs;
  for (int i = 0; i < 50; ++i) {
    auto b = k.seal("same plaintext", "same aad");
    REQUIRE(b);
    blobs.insert(*b);
  }
  CHECK(blobs.size() == 50);
}

TEST_CASE("changing any byte of a blob makes it fail to open", "[crypto][aead]") {
  const auto k = key_of("kek-1", 7);
  const std::string secret = "a secret of some length, 40 bytes long..";
  auto blob = k.seal(secret, "sub_1");
  REQUIRE(blob);
  auto raw = core::base64url_decode(*blob);
  REQUIRE(raw);
  // version (0), kid length (1), kid (2..6), nonce (7..18), ciphertext, tag: every single byte.
  for (std::size_t at = 0; at < raw->size(); ++at) {
    INFO("byte " << at);
    auto r = k.open(flip(*blob, at), "sub_1");
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::unseal_failed);
  }
  // Truncation, extension, and text that is not a blob.
  CHECK(k.open(blob->substr(0, blob->size() - 4), "sub_1").error() == errc::unseal_failed);
  CHECK(k.open(*blob + "AAAA", "sub_1").error() == errc::unseal_failed);
  CHECK(k.open("", "sub_1").error() == errc::unseal_failed);
  CHECK(k.open("not base64url!", "sub_1").error() == errc::unseal_failed);
  CHECK(k.open(*blob + "=", "sub_1").error() == errc::unseal_failed);
  CHECK(k.open("AQVrZWstMQ", "sub_1").error() == errc::unseal_failed);  // a header and nothing else
}

TEST_CASE("a blob opens only with the associated data it was sealed with", "[crypto][aead]") {
  const auto k = key_of("kek-1", 9);
  auto blob = k.seal("secret-bytes-secret-bytes", "sub_A|tenant_1");
  REQUIRE(blob);
  CHECK(k.open(*blob, "sub_B|tenant_1").error() == errc::unseal_failed);
  CHECK(k.open(*blob, "sub_A|tenant_2").error() == errc::unseal_failed);
  CHECK(k.open(*blob, "").error() == errc::unseal_failed);
  CHECK(k.open(*blob, "sub_A|tenant_1").has_value());
}

TEST_CASE("another key, or the same key under another id, does not open a blob", "[crypto][aead]") {
  const auto a = key_of("kek-a", 1);
  const auto b = key_of("kek-b", 2);
  const auto a_renamed = key_of("kek-b", 1);  // a's bytes under b's id
  auto blob = a.seal("secret", "x");
  REQUIRE(blob);
  CHECK(b.open(*blob, "x").error() == errc::unseal_failed);
  CHECK(a_renamed.open(*blob, "x").error() == errc::unseal_failed);
  // The kid in the header is authenticated: rewriting it to a key with the same bytes fails.
  auto raw = core::base64url_decode(*blob);
  REQUIRE(raw);
  (*raw)[6] = 'b';
  CHECK(a_renamed.open(core::base64url_encode(*raw), "x").error() == errc::unseal_failed);
}

TEST_CASE("sealing keys refuse bad ids and sizes", "[crypto][aead]") {
  std::vector<std::uint8_t> raw(32, 1), short_raw(31, 1), long_raw(33, 1);
  CHECK(crypto::sealing_key::create("", raw).error() == errc::invalid_argument);
  CHECK(crypto::sealing_key::create("has space", raw).error() == errc::invalid_argument);
  CHECK(crypto::sealing_key::create(std::string(33, 'k'), raw).error() == errc::invalid_argument);
  CHECK(crypto::sealing_key::create("kek", short_raw).error() == errc::invalid_key);
  CHECK(crypto::sealing_key::create("kek", long_raw).error() == errc::invalid_key);
  CHECK(crypto::sealing_key::create(std::string(32, 'k'), raw).has_value());
  auto g = crypto::sealing_key::generate("kek-2024.1_a");
  REQUIRE(g);
  CHECK(g->kid() == "kek-2024.1_a");
  std::string big(crypto::max_sealed_plaintext + 1, 'x');
  CHECK(g->seal(big, "").error() == errc::input_too_large);
}

TEST_CASE("rotation: old blobs open, reseal moves them to the new key, retire drops the old", "[crypto][aead]") {
  crypto::sealing_ring ring(key_of("kek-1", 1));
  auto old_blob = ring.seal("the subscription secret", "sub_9");
  REQUIRE(old_blob);
  CHECK(*crypto::sealed_kid(*old_blob) == "kek-1");

  REQUIRE(ring.rotate(key_of("kek-2", 2)));
  CHECK(ring.current().kid() == "kek-2");
  CHECK(ring.size() == 2);
  CHECK(ring.rotate(key_of("kek-1", 3)).error() == errc::invalid_argument);  // id already present

  auto opened = ring.open(*old_blob, "sub_9");
  REQUIRE(opened);
  CHECK(text_of(*opened) == "the subscription secret");

  auto moved = ring.reseal(*old_blob, "sub_9");
  REQUIRE(moved);
  CHECK(*crypto::sealed_kid(*moved) == "kek-2");
  CHECK(ring.reseal(*old_blob, "sub_other").error() == errc::unseal_failed);

  CHECK(ring.retire("kek-2").error() == errc::invalid_argument);  // the current key stays
  CHECK(ring.retire("kek-x").error() == errc::key_not_found);
  REQUIRE(ring.retire("kek-1"));
  CHECK(ring.open(*old_blob, "sub_9").error() == errc::unseal_failed);
  auto again = ring.open(*moved, "sub_9");
  REQUIRE(again);
  CHECK(text_of(*again) == "the subscription secret");
}

// Known answers: AES-256 test cases 13 to 16 of D. McGrew and J. Viega, "The Galois/Counter Mode
// of Operation (GCM)", revised submission to NIST (2005), Appendix B
// (csrc.nist.gov/CSRC/media/Projects/Block-Cipher-Techniques/documents/BCM/proposed-modes/gcm/gcm-spec.pdf);
// the same values come out of Python's cryptography AESGCM on this machine.
TEST_CASE("AES-256-GCM matches the GCM specification's test cases 13-16", "[crypto][aead][kat]") {
  struct vec {
    const char *key, *iv, *pt, *aad, *ct, *tag;
  };
  const char* k0 = "0000000000000000000000000000000000000000000000000000000000000000";
  const char* k1 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
  const char* p15 =
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
  const char* c15 =
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad";
  const vec cases[] = {
      {k0, "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
      {k0, "000000000000000000000000", "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18",
       "d0d1c8a799996bf0265b98b5d48ab919"},
      {k1, "cafebabefacedbaddecaf888", p15, "", c15, "b094dac5d93471bdec1a502270e3cc6c"},
      {k1, "cafebabefacedbaddecaf888",
       "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
       "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
       "feedfacedeadbeeffeedfacedeadbeefabaddad2",
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
       "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
       "76fc6ece0f4e1768cddf8853bb2d551b"},
  };
  int n = 13;
  for (const auto& c : cases) {
    INFO("test case " << n++);
    const auto key = unhex(c.key), iv = unhex(c.iv), pt = unhex(c.pt), aad = unhex(c.aad);
    std::vector<std::uint8_t> ct(pt.size() + 1), tag(16);
    // The additional data is split across the two parts, as seal() feeds header then caller data.
    const std::size_t half = aad.size() / 2;
    REQUIRE(crypto::detail::gcm_encrypt(key, iv, core::bytes_view(aad.data(), half),
                                        core::bytes_view(aad.data() + half, aad.size() - half), pt, ct.data(),
                                        tag.data()));
    CHECK(core::hex_encode(core::bytes_view(ct.data(), pt.size())) == c.ct);
    CHECK(core::hex_encode(tag) == c.tag);

    std::vector<std::uint8_t> back(pt.size() + 1);
    CHECK(crypto::detail::gcm_decrypt(key, iv, aad, "", core::bytes_view(ct.data(), pt.size()), tag, back.data()));
    CHECK(core::hex_encode(core::bytes_view(back.data(), pt.size())) == c.pt);
    tag[0] ^= 0x80;
    CHECK_FALSE(
        crypto::detail::gcm_decrypt(key, iv, aad, "", core::bytes_view(ct.data(), pt.size()), tag, back.data()));
  }
}
