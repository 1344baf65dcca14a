// Tests for tessera/crypto/hmac_key.hpp. Known answers: RFC 4231 §4.2–4.8, test cases 1–7, for
// HMAC-SHA-256, HMAC-SHA-384 and HMAC-SHA-512.
#include "tessera/crypto/hmac_key.hpp"

#include <openssl/evp.h>

#include <atomic>
#include <span>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "support/catch.hpp"
#include "tessera/core/hex.hpp"

using namespace tessera;
using crypto::hash_alg;

namespace {
struct rfc4231_case {
  int number;
  std::string key;
  std::string data;
  const char* sha256;
  const char* sha384;
  const char* sha512;
};

std::string bytes_of(const char* hex) {
  auto b = core::hex_decode(hex).value();
  return {b.begin(), b.end()};
}

const std::vector<rfc4231_case>& rfc4231() {
  static const std::vector<rfc4231_case> cases = {
      {1, std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4"
       "be9d914eeb61f1702e696c203a126854"},
      {2, "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
       "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fd"
       "caeab1a34d4a6b4b636e070a38bce737"},
      {3, std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
       "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27",
       "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807"
       "b946a337bee8942674278859e13292fb"},
      {4, bytes_of("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
       "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb",
       "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063"
       "a5f19741120c4f2de2adebeb10a298dd"},
      // Test case 5's published outputs are truncated to 128 bits.
      {5, std::string(20, '\x0c'), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b",
       "3abf34c3503b2a23a46efc619baef897", "415fad6271580a531d4179bc891d87a6"},
      {6, std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e52"
       "95e64f73f63f0aec8b915a985d786598"},
      {7, std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size data. The key needs "
       "to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
       "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
       "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15"
       "134676fb6de0446065c97440fa8c6a58"},
  };
  return cases;
}

const char* expected_for(const rfc4231_case& c, hash_alg h) {
  return h == hash_alg::sha256 ? c.sha256 : h == hash_alg::sha384 ? c.sha384 : c.sha512;
}
}  // namespace

TEST_CASE("HMAC known answers (RFC 4231 test cases 1-7)", "[crypto][hmac]") {
  for (const auto& c : rfc4231()) {
    for (auto h : {hash_alg::sha256, hash_alg::sha384, hash_alg::sha512}) {
      CAPTURE(c.number, crypto::hash_name(h));
      auto key = crypto::hmac_key::create(h, c.key);
      REQUIRE(key);
      CHECK(key->algorithm() == h);
      CHECK(key->key_size() == c.key.size());
      CHECK(key->tag_size() == crypto::digest_size(h));
      const std::string expected = expected_for(c, h);
      for (int round = 0; round < 3; ++round) {  // repeated calls reuse per-thread state
        auto tag = key->sign(c.data);
        REQUIRE(tag);
        REQUIRE(tag->size == crypto::digest_size(h));
        const auto hex = core::hex_encode(tag->view());
        if (c.number == 5) {
          CHECK(hex.substr(0, 32) == expected);  // RFC 4231 §4.6: truncated to 128 bits
          // The truncated tag is refused by the full-length verify, however correct its bits are.
          auto truncated = core::hex_decode(expected).value();
          CHECK(key->verify(c.data, truncated).error() == errc::invalid_signature_length);
          CHECK(key->verify(c.data, *tag));
        } else {
          CHECK(hex == expected);
          CHECK(key->verify(c.data, core::hex_decode(expected).value()));
        }
      }
    }
  }
}

TEST_CASE("HMAC verify refuses wrong, truncated, extended and empty tags", "[crypto][hmac]") {
  for (auto h : {hash_alg::sha256, hash_alg::sha384, hash_alg::sha512}) {
    CAPTURE(crypto::hash_name(h));
    auto key = crypto::hmac_key::create(h, "a key for verify tests").value();
    const std::string msg = "message";
    auto tag = key.sign(msg).value();
    core::bytes full(tag.view().begin(), tag.view().end());
    CHECK(key.verify(msg, full));
    CHECK(key.verify(msg + "!", full).error() == errc::bad_signature);
    for (std::size_t i = 0; i < full.size(); ++i) {
      auto bad = full;
      bad[i] ^= 0x01;
      CAPTURE(i);
      CHECK(key.verify(msg, bad).error() == errc::bad_signature);
    }
    for (std::size_t len : {std::size_t{0}, std::size_t{1}, full.size() / 2, full.size() - 1}) {
      CAPTURE(len);
      CHECK(key.verify(msg, core::bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len))).error() ==
            errc::invalid_signature_length);
    }
    auto longer = full;
    longer.push_back(0);
    CHECK(key.verify(msg, longer).error() == errc::invalid_signature_length);
    CHECK(key.verify(msg, core::bytes(full.size(), 0)).error() == errc::bad_signature);  // all zero
    // A tag for the empty message.
    auto empty_tag = key.sign("").value();
    CHECK(key.verify("", empty_tag));
    CHECK(key.verify(core::bytes_view{}, empty_tag));
    CHECK(key.verify("x", empty_tag).error() == errc::bad_signature);
  }
}

TEST_CASE("HMAC over parts equals HMAC over their concatenation", "[crypto][hmac]") {
  auto key = crypto::hmac_key::create(hash_alg::sha256, "parts").value();
  auto whole = key.sign("v1.1700000000.{\"a\":1}").value();
  auto parts = key.sign({"v1", ".", "1700000000", "", ".", "{\"a\":1}"}).value();
  CHECK(core::hex_encode(whole.view()) == core::hex_encode(parts.view()));
  CHECK(key.verify({"v1.", "1700000000.", "{\"a\":1}"}, whole));
  CHECK(key.verify({"v1.", "1700000000.", "{\"a\":2}"}, whole).error() == errc::bad_signature);
  CHECK(key.verify({}, key.sign({}).value()));
}

TEST_CASE("HMAC agrees with OpenSSL's own HMAC for every key and message length shape", "[crypto][hmac]") {
  // Differential check against EVP_Q_mac("HMAC"): keys around each block size (64 and 128 bytes),
  // where RFC 2104 switches from zero-padding the key to hashing it, and messages around 256 bytes.
  std::string bytes(400, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 + 7);
  for (auto h : {hash_alg::sha256, hash_alg::sha384, hash_alg::sha512}) {
    const std::string md = h == hash_alg::sha256 ? "SHA256" : h == hash_alg::sha384 ? "SHA384" : "SHA512";
    for (std::size_t key_len : {1u, 20u, 63u, 64u, 65u, 127u, 128u, 129u, 200u}) {
      for (std::size_t msg_len : {0u, 1u, 255u, 256u, 257u, 399u}) {
        CAPTURE(md, key_len, msg_len);
        const std::string_view key = std::string_view(bytes).substr(0, key_len);
        const std::string_view msg = std::string_view(bytes).substr(1, msg_len);
        unsigned char expected[64];
        std::size_t expected_len = 0;
        REQUIRE(EVP_Q_mac(nullptr, "HMAC", nullptr, md.c_str(), nullptr, key.data(), key.size(),
                          reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), expected, sizeof expected,
                          &expected_len) != nullptr);
        auto k = crypto::hmac_key::create(h, key).value();
        auto tag = k.sign(msg);
        REQUIRE(tag);
        CHECK(core::hex_encode(tag->view()) == core::hex_encode(core::bytes_view(expected, expected_len)));
      }
    }
  }
}

TEST_CASE("HMAC over parts of every size equals HMAC over their concatenation", "[crypto][hmac]") {
  std::string bytes(3000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 17 + 3);
  const std::vector<std::vector<std::size_t>> splits = {
      {0, 1, 255, 256, 257, 1000, 3, 300},  // short parts gathered, long ones passed through
      {256},
      {255, 1},
      {100, 100, 56},  // exactly fills a 256-byte gather buffer
      {100, 100, 57},
      {300, 1, 1, 1},
      {1, 1, 1, 1, 1, 1, 1, 1},
      {0, 0, 0},
      // Gathered bytes topped up to whole blocks from the next long part (64- and 128-byte blocks).
      {31, 1, 10, 1, 1024},  // a Standard Webhooks delivery: id . timestamp . body
      {43, 300},
      {64, 500},
      {128, 500},
      {200, 57, 300},
      {2, 3, 5, 6, 7, 9, 700},  // every short-copy size
      {1, 1000, 1, 1000},
      {255, 1, 2, 300},
  };
  for (auto h : {hash_alg::sha256, hash_alg::sha384, hash_alg::sha512}) {
    for (const auto& split : splits) {
      auto key = crypto::hmac_key::create(h, "parts of every size").value();
      std::vector<std::string_view> parts;
      std::size_t at = 0;
      for (auto n : split) {
        parts.push_back(std::string_view(bytes).substr(at, n));
        at += n;
      }
      const auto whole = core::hex_encode(key.sign(std::string_view(bytes).substr(0, at)).value().view());
      // Up to 8 parts through the initializer_list form.
      REQUIRE(parts.size() <= 8);
      std::vector<core::bytes_view> v(parts.begin(), parts.end());
      v.resize(8);
      auto tag = key.sign({v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]});
      REQUIRE(tag);
      CAPTURE(static_cast<int>(h), split.size(), at);
      CHECK(core::hex_encode(tag->view()) == whole);
      CHECK(key.verify({v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]}, *tag));
      // The span form, over exactly the parts.
      auto spanned = key.sign(std::span<const core::bytes_view>(v.data(), split.size()));
      REQUIRE(spanned);
      CHECK(core::hex_encode(spanned->view()) == whole);
    }
  }
}

TEST_CASE("an empty HMAC key is refused", "[crypto][hmac]") {
  for (auto h : {hash_alg::sha256, hash_alg::sha384, hash_alg::sha512}) {
    CHECK(crypto::hmac_key::create(h, "").error() == errc::invalid_key);
    CHECK(crypto::hmac_key::create(h, core::bytes_view{}).error() == errc::invalid_key);
  }
  // One byte, or a key with NUL bytes, is a key (length policies belong to the areas that use it).
  CHECK(crypto::hmac_key::create(hash_alg::sha256, std::string_view("\0", 1)));
}

TEST_CASE("HMAC key copies share the keyed state", "[crypto][hmac]") {
  auto original = crypto::hmac_key::create(hash_alg::sha512, "shared").value();
  const auto expected = core::hex_encode(original.sign("m").value().view());
  crypto::hmac_key copy = original;
  CHECK(core::hex_encode(copy.sign("m").value().view()) == expected);
  crypto::hmac_key moved = std::move(copy);
  CHECK(core::hex_encode(moved.sign("m").value().view()) == expected);
  // A moved-from key is still the same key (moving copies the shared state; it never leaves an
  // empty key to crash on).
  CHECK(core::hex_encode(copy.sign("m").value().view()) == expected);  // NOLINT(bugprone-use-after-move)
  crypto::hmac_key assigned = original;
  assigned = std::move(moved);
  CHECK(assigned.verify("m", moved.sign("m").value()));  // NOLINT(bugprone-use-after-move)
  static_assert(std::is_nothrow_move_constructible_v<crypto::hmac_key>);
  {
    crypto::hmac_key scoped = original;
  }  // destroying a copy leaves the others working
  CHECK(core::hex_encode(original.sign("m").value().view()) == expected);
  CHECK(moved.key_size() == original.key_size());
  // A different key with the same bytes signs the same, and a different key differs.
  auto twin = crypto::hmac_key::create(hash_alg::sha512, "shared").value();
  CHECK(core::hex_encode(twin.sign("m").value().view()) == expected);
  auto other = crypto::hmac_key::create(hash_alg::sha512, "shared!").value();
  CHECK(core::hex_encode(other.sign("m").value().view()) != expected);
}

TEST_CASE("many keys used in turn stay correct", "[crypto][hmac]") {
  // Cycling through 20 keys of mixed hashes: no per-thread state may leak from one key to the next.
  std::vector<crypto::hmac_key> keys;
  std::vector<std::string> expected;
  for (int i = 0; i < 20; ++i) {
    auto h = i % 3 == 0 ? hash_alg::sha256 : i % 3 == 1 ? hash_alg::sha384 : hash_alg::sha512;
    keys.push_back(crypto::hmac_key::create(h, "key-" + std::to_string(i)).value());
    expected.push_back(core::hex_encode(keys.back().sign("payload").value().view()));
  }
  for (int round = 0; round < 5; ++round) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::size_t k = (i * 7 + static_cast<std::size_t>(round)) % keys.size();
      CAPTURE(round, k);
      CHECK(core::hex_encode(keys[k].sign("payload").value().view()) == expected[k]);
    }
  }
  // A key created after others were destroyed never picks up a stale cached context.
  keys.clear();
  auto fresh = crypto::hmac_key::create(hash_alg::sha256, "key-1").value();
  CHECK(core::hex_encode(fresh.sign("payload").value().view()) != expected[0]);
  auto k0 = crypto::hmac_key::create(hash_alg::sha256, "key-0").value();
  CHECK(core::hex_encode(k0.sign("payload").value().view()) == expected[0]);
}

TEST_CASE("HMAC keys sign and verify from many threads", "[crypto][hmac][concurrency]") {
  constexpr int key_count = 12;  // more keys than any small per-thread cache would hold
  constexpr int thread_count = 4, rounds = 150;
  std::vector<crypto::hmac_key> keys;
  std::vector<std::vector<core::bytes>> expected(key_count);
  for (int k = 0; k < key_count; ++k) {
    auto h = k % 3 == 0 ? hash_alg::sha256 : k % 3 == 1 ? hash_alg::sha384 : hash_alg::sha512;
    keys.push_back(crypto::hmac_key::create(h, "concurrent-key-" + std::to_string(k)).value());
    for (int m = 0; m < 4; ++m) {
      auto t = keys.back().sign("message-" + std::to_string(m)).value();
      expected[static_cast<std::size_t>(k)].emplace_back(t.view().begin(), t.view().end());
    }
  }
  std::atomic<int> failures{0}, checks{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < thread_count; ++t) {
    pool.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int r = 0; r < rounds; ++r) {
        const auto k = static_cast<std::size_t>((r * 5 + t * 3) % key_count);
        const auto m = static_cast<std::size_t>((r + t) % 4);
        const std::string msg = "message-" + std::to_string(m);
        const crypto::hmac_key local = keys[k];  // copies are used across threads too
        auto tag = local.sign(msg);
        if (!tag || core::bytes(tag->view().begin(), tag->view().end()) != expected[k][m]) ++failures;
        if (!keys[k].verify(msg, expected[k][m])) ++failures;
        if (keys[k].verify(msg, expected[(k + 1) % key_count][m])) ++failures;  // another key's tag
        if (keys[k].verify(msg + "x", expected[k][m]).error() != errc::bad_signature) ++failures;
        checks += 4;
      }
    });
  }
  go = true;
  for (auto& th : pool) th.join();
  CHECK(checks.load() == thread_count * rounds * 4);
  CHECK(failures.load() == 0);
}
