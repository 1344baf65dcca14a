// Tests for tessera/crypto/digest.hpp. Known answers: FIPS 180-2 Appendices B (SHA-256), C (SHA-512)
// and D (SHA-384) — "abc", the multi-block message and one million 'a' — and NIST CAVP
// SHAVS ShortMsg files for the empty message (Len = 0).
#include "tessera/crypto/digest.hpp"

#include <string>
#include <string_view>
#include <thread>

#include "support/catch.hpp"
#include "support/ossl_alloc_counter.hpp"
#include "tessera/core/hex.hpp"

using namespace tessera;
using crypto::hash_alg;

namespace {
std::string hex_of(const result<crypto::digest_value>& d) {
  REQUIRE(d);
  return core::hex_encode(d->view());
}
const std::string msg448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";  // FIPS 180-2 B.2
const std::string msg896 =                                                                // FIPS 180-2 C.2 / D.2
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
const std::string million_a(1'000'000, 'a');  // FIPS 180-2 B.3 / C.3 / D.3
}  // namespace

TEST_CASE("SHA-256 known answers (FIPS 180-2 Appendix B)", "[crypto][digest]") {
  CHECK(hex_of(crypto::digest(hash_alg::sha256, "abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // B.1
  CHECK(hex_of(crypto::digest(hash_alg::sha256, msg448)) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");  // B.2
  CHECK(hex_of(crypto::digest(hash_alg::sha256, million_a)) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");  // B.3
  CHECK(hex_of(crypto::digest(hash_alg::sha256, "")) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");  // SHA256ShortMsg Len = 0
  CHECK(core::hex_encode(crypto::sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("SHA-384 known answers (FIPS 180-2 Appendix D)", "[crypto][digest]") {
  CHECK(hex_of(crypto::digest(hash_alg::sha384, "abc")) ==
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");  // D.1
  CHECK(hex_of(crypto::digest(hash_alg::sha384, msg896)) ==
        "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039");  // D.2
  CHECK(hex_of(crypto::digest(hash_alg::sha384, million_a)) ==
        "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985");  // D.3
  CHECK(hex_of(crypto::digest(hash_alg::sha384, "")) ==
        "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");  // SHA384ShortMsg Len = 0
}

TEST_CASE("SHA-512 known answers (FIPS 180-2 Appendix C)", "[crypto][digest]") {
  CHECK(hex_of(crypto::digest(hash_alg::sha512, "abc")) ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");  // C.1
  CHECK(hex_of(crypto::digest(hash_alg::sha512, msg896)) ==
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
        "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");  // C.2
  CHECK(hex_of(crypto::digest(hash_alg::sha512, million_a)) ==
        "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
        "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");  // C.3
  CHECK(hex_of(crypto::digest(hash_alg::sha512, "")) ==
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
        "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");  // SHA512ShortMsg Len = 0
}

TEST_CASE("digest sizes and names", "[crypto][digest]") {
  CHECK(crypto::digest_size(hash_alg::sha256) == 32);
  CHECK(crypto::digest_size(hash_alg::sha384) == 48);
  CHECK(crypto::digest_size(hash_alg::sha512) == 64);
  CHECK(crypto::hash_name(hash_alg::sha256) == "SHA256");
  CHECK(crypto::hash_name(hash_alg::sha384) == "SHA384");
  CHECK(crypto::hash_name(hash_alg::sha512) == "SHA512");
  for (auto h : {hash_alg::sha256, hash_alg::sha384, hash_alg::sha512}) {
    auto d = crypto::digest(h, "x");
    REQUIRE(d);
    CHECK(d->size == crypto::digest_size(h));
    CHECK(d->view().size() == crypto::digest_size(h));
  }
}

TEST_CASE("incremental hashing equals one-shot hashing", "[crypto][digest]") {
  for (auto h : {hash_alg::sha256, hash_alg::sha384, hash_alg::sha512}) {
    CAPTURE(crypto::hash_name(h));
    const auto expected = hex_of(crypto::digest(h, msg896));
    for (std::size_t chunk : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 111u, 112u, 127u, 128u, 200u}) {
      CAPTURE(chunk);
      crypto::hasher x(h);
      CHECK(x.algorithm() == h);
      for (std::size_t at = 0; at < msg896.size(); at += chunk)
        x.update(std::string_view(msg896).substr(at, chunk));
      CHECK(hex_of(x.finish()) == expected);
    }
    crypto::hasher with_empty(h);  // empty updates change nothing
    with_empty.update("").update(msg896).update(core::bytes_view{});
    CHECK(hex_of(with_empty.finish()) == expected);
    // The multi-part one-shot form hashes the concatenation.
    CHECK(hex_of(crypto::digest(h, {std::string_view(msg896).substr(0, 10), "", std::string_view(msg896).substr(10)})) ==
          expected);
  }
  // One million 'a' fed in 1000-byte pieces (FIPS 180-2 B.3).
  crypto::hasher m(hash_alg::sha256);
  const std::string thousand(1000, 'a');
  for (int i = 0; i < 1000; ++i) m.update(thousand);
  CHECK(hex_of(m.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("a finished hasher refuses to finish again", "[crypto][digest]") {
  crypto::hasher x(hash_alg::sha256);
  x.update("abc");
  REQUIRE(x.finish());
  x.update("more");  // ignored, no crash
  auto again = x.finish();
  REQUIRE_FALSE(again);
  CHECK(again.error() == errc::crypto_failure);
  crypto::hasher empty(hash_alg::sha384);
  CHECK(hex_of(empty.finish()) == hex_of(crypto::digest(hash_alg::sha384, "")));
}

// OpenSSL 3.0 allocates a hash state on every EVP_DigestInit_ex2 (the floor of bench/ pays it
// too); a one-shot digest must cost no more than that: no EVP_MD_CTX of its own.
TEST_CASE("one-shot digests make one OpenSSL allocation each after a thread's first of each hash", "[crypto][digest]") {
  REQUIRE(ossl_alloc_counter::installed);
  const auto all = {hash_alg::sha256, hash_alg::sha384, hash_alg::sha512};
  for (auto h : all) REQUIRE(crypto::digest(h, "warm"));
  bool ok = true;
  ossl_alloc_counter::allocs = 0;
  ossl_alloc_counter::counting = true;
  for (int i = 0; i < 50; ++i)
    for (auto h : all) ok = crypto::digest(h, {msg448, "", msg896}).has_value() && ok;
  ossl_alloc_counter::counting = false;
  CHECK(ok);
  CHECK(ossl_alloc_counter::allocs <= 150);  // 50 rounds of three hashes
  // The reused contexts start afresh each time, interleaved across hashes and on another thread.
  CHECK(hex_of(crypto::digest(hash_alg::sha256, "abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2 B.1
  CHECK(hex_of(crypto::digest(hash_alg::sha512, "abc")) ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");  // FIPS 180-2 C.1
  result<crypto::digest_value> other = unexpected{errc::internal_error};
  std::thread([&] { other = crypto::digest(hash_alg::sha256, msg448); }).join();
  CHECK(hex_of(other) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");  // FIPS 180-2 B.2
}
