// Tests for tessera/crypto/signature.hpp: sign and verify for every scheme, key/scheme mismatches,
// refusal of malformed signatures, the fixed RSA-PSS salt length, and the per-thread cache of
// verify contexts.
// Known answer: RFC 8037 Appendix A.4/A.5 (Ed25519 JWS signature).
#include "tessera/crypto/signature.hpp"

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "support/test_keys.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/crypto/private_key.hpp"

using namespace tessera;
using crypto::key_type;
using crypto::private_key;
using crypto::public_key;
using crypto::signature_alg;
namespace keys = tessera_test::keys;

namespace {
const signature_alg all_algs[] = {
    signature_alg::rsa_pkcs1_sha256,  signature_alg::rsa_pkcs1_sha384, signature_alg::rsa_pkcs1_sha512,
    signature_alg::rsa_pss_sha256,    signature_alg::rsa_pss_sha384,   signature_alg::rsa_pss_sha512,
    signature_alg::ecdsa_p256_sha256, signature_alg::ecdsa_p384_sha384, signature_alg::ecdsa_p521_sha512,
    signature_alg::ed25519};

const char* alg_name(signature_alg a) {
  switch (a) {
    case signature_alg::rsa_pkcs1_sha256: return "RS256";
    case signature_alg::rsa_pkcs1_sha384: return "RS384";
    case signature_alg::rsa_pkcs1_sha512: return "RS512";
    case signature_alg::rsa_pss_sha256: return "PS256";
    case signature_alg::rsa_pss_sha384: return "PS384";
    case signature_alg::rsa_pss_sha512: return "PS512";
    case signature_alg::ecdsa_p256_sha256: return "ES256";
    case signature_alg::ecdsa_p384_sha384: return "ES384";
    case signature_alg::ecdsa_p521_sha512: return "ES512";
    case signature_alg::ed25519: return "EdDSA";
  }
  return "?";
}

struct key_pair {
  private_key priv;
  public_key pub;
};
// A new key object with the same key (its own EVP_PKEY, through its DER), so only the caller's
// copies own it.
public_key fresh_copy(const public_key& k) { return public_key::from_der(k.to_der().value()).value(); }
// The fixture key pair for each key kind, parsed once.
const key_pair& pair_for(key_type t) {
  static const key_pair rsa{private_key::from_pem(keys::rsa2048_private_pkcs8).value(),
                            public_key::from_pem(keys::rsa2048_public_spki).value()};
  static const key_pair p256{private_key::from_pem(keys::p256_private_pkcs8).value(),
                             public_key::from_pem(keys::p256_public_spki).value()};
  static const key_pair p384{private_key::from_pem(keys::p384_private_pkcs8).value(),
                             public_key::from_pem(keys::p384_public_spki).value()};
  static const key_pair p521{private_key::from_pem(keys::p521_private_pkcs8).value(),
                             public_key::from_pem(keys::p521_public_spki).value()};
  static const key_pair ed{private_key::from_pem(keys::ed25519_private_pkcs8).value(),
                           public_key::from_pem(keys::ed25519_public_spki).value()};
  switch (t) {
    case key_type::rsa: return rsa;
    case key_type::ec_p256: return p256;
    case key_type::ec_p384: return p384;
    case key_type::ec_p521: return p521;
    case key_type::ed25519: return ed;
  }
  return rsa;
}

// An RSA-PSS signature made directly with OpenSSL, with a chosen salt length.
core::bytes openssl_pss_sign(const private_key& k, const EVP_MD* md, int salt_len, std::string_view msg) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  core::bytes sig(512);
  std::size_t len = sig.size();
  bool ok = EVP_DigestSignInit(ctx, &pctx, md, nullptr, k.native_handle()) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt_len) == 1 &&
            EVP_DigestSign(ctx, sig.data(), &len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1;
  EVP_MD_CTX_free(ctx);
  REQUIRE(ok);
  sig.resize(len);
  return sig;
}
}  // namespace

TEST_CASE("every signature scheme signs and verifies", "[crypto][signature]") {
  const std::string msg = "client-42|2024-01-01T00:00:00+07:00";
  for (auto a : all_algs) {
    CAPTURE(alg_name(a));
    const auto& kp = pair_for(crypto::required_key_type(a));
    auto sig = crypto::sign(kp.priv, a, msg);
    REQUIRE(sig);
    CHECK(sig->size() == crypto::signature_size(kp.pub, a));
    CHECK(crypto::verify(kp.pub, a, msg, *sig));
    CHECK(crypto::verify(kp.priv.public_key().value(), a, msg, *sig));
    // Any change to the message or the signature is caught.
    CHECK(crypto::verify(kp.pub, a, msg + " ", *sig).error() == errc::bad_signature);
    CHECK(crypto::verify(kp.pub, a, "", *sig).error() == errc::bad_signature);
    for (std::size_t i : {std::size_t{0}, sig->size() / 2, sig->size() - 1}) {
      auto bad = *sig;
      bad[i] ^= 0x01;
      CAPTURE(i);
      CHECK(crypto::verify(kp.pub, a, msg, bad).error() == errc::bad_signature);
    }
    // The empty message can be signed too.
    auto empty_sig = crypto::sign(kp.priv, a, "");
    REQUIRE(empty_sig);
    CHECK(crypto::verify(kp.pub, a, core::bytes_view{}, *empty_sig));
  }
}

TEST_CASE("signature sizes and scheme properties", "[crypto][signature]") {
  CHECK(crypto::signature_size(pair_for(key_type::rsa).pub, signature_alg::rsa_pss_sha512) == 256);
  CHECK(crypto::signature_size(pair_for(key_type::ec_p256).pub, signature_alg::ecdsa_p256_sha256) == 64);
  CHECK(crypto::signature_size(pair_for(key_type::ec_p384).pub, signature_alg::ecdsa_p384_sha384) == 96);
  CHECK(crypto::signature_size(pair_for(key_type::ec_p521).pub, signature_alg::ecdsa_p521_sha512) == 132);
  CHECK(crypto::signature_size(pair_for(key_type::ed25519).pub, signature_alg::ed25519) == 64);
  CHECK(crypto::signature_hash(signature_alg::rsa_pss_sha384) == crypto::hash_alg::sha384);
  CHECK(crypto::signature_hash(signature_alg::ecdsa_p256_sha256) == crypto::hash_alg::sha256);
  CHECK(crypto::signature_hash(signature_alg::ecdsa_p521_sha512) == crypto::hash_alg::sha512);
  CHECK(crypto::required_key_type(signature_alg::ecdsa_p521_sha512) == key_type::ec_p521);
  CHECK(crypto::name(signature_alg::ecdsa_p521_sha512) == "ecdsa_p521_sha512");
  CHECK(crypto::signature_alg_named("ecdsa_p521_sha512") == signature_alg::ecdsa_p521_sha512);
  for (auto a : all_algs) {
    CAPTURE(alg_name(a));
    const auto t = crypto::required_key_type(a);
    CHECK(crypto::is_ecdsa(a) == (t == key_type::ec_p256 || t == key_type::ec_p384 || t == key_type::ec_p521));
  }
  CHECK(crypto::is_pss(signature_alg::rsa_pss_sha256));
  CHECK_FALSE(crypto::is_pss(signature_alg::rsa_pkcs1_sha256));
  // PKCS#1 v1.5 and Ed25519 are deterministic; PSS and ECDSA are randomised.
  const auto& rsa = pair_for(key_type::rsa).priv;
  CHECK(crypto::sign(rsa, signature_alg::rsa_pkcs1_sha256, "m").value() ==
        crypto::sign(rsa, signature_alg::rsa_pkcs1_sha256, "m").value());
  CHECK(crypto::sign(rsa, signature_alg::rsa_pss_sha256, "m").value() !=
        crypto::sign(rsa, signature_alg::rsa_pss_sha256, "m").value());
  const auto& ed = pair_for(key_type::ed25519).priv;
  CHECK(crypto::sign(ed, signature_alg::ed25519, "m").value() == crypto::sign(ed, signature_alg::ed25519, "m").value());
  const auto& p256 = pair_for(key_type::ec_p256).priv;
  CHECK(crypto::sign(p256, signature_alg::ecdsa_p256_sha256, "m").value() !=
        crypto::sign(p256, signature_alg::ecdsa_p256_sha256, "m").value());
  const auto& p521 = pair_for(key_type::ec_p521).priv;
  CHECK(crypto::sign(p521, signature_alg::ecdsa_p521_sha512, "m").value() !=
        crypto::sign(p521, signature_alg::ecdsa_p521_sha512, "m").value());
}

TEST_CASE("Ed25519 known answer (RFC 8037 appendix A.4)", "[crypto][signature]") {
  auto k = private_key::from_jwk(nlohmann::json::parse(R"({"kty":"OKP","crv":"Ed25519",
      "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"));
  REQUIRE(k);
  const std::string signing_input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
  auto sig = crypto::sign(*k, signature_alg::ed25519, signing_input);
  REQUIRE(sig);
  CHECK(core::base64url_encode(*sig) ==
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
  // A.5: verification with the public key.
  auto pub = public_key::from_jwk(
      std::string_view(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"));
  REQUIRE(pub);
  CHECK(crypto::verify(*pub, signature_alg::ed25519, signing_input, *sig));
}

TEST_CASE("a key that does not fit the scheme is refused with key_type_mismatch", "[crypto][signature]") {
  for (auto a : all_algs) {
    for (auto t : {key_type::rsa, key_type::ec_p256, key_type::ec_p384, key_type::ec_p521, key_type::ed25519}) {
      if (t == crypto::required_key_type(a)) continue;
      CAPTURE(alg_name(a), crypto::key_type_name(t));
      const auto& kp = pair_for(t);
      CHECK(crypto::sign(kp.priv, a, "m").error() == errc::key_type_mismatch);
      // A signature of the size the scheme expects, so that only the key decides.
      const std::size_t size = a == signature_alg::ecdsa_p521_sha512   ? 132
                               : a == signature_alg::ecdsa_p384_sha384 ? 96
                               : a < signature_alg::ecdsa_p256_sha256  ? 256
                                                                       : 64;
      const core::bytes sig(size, 1);
      CHECK(crypto::verify(kp.pub, a, "m", sig).error() == errc::key_type_mismatch);
      CHECK(crypto::verify(kp.pub, a, "m", {}).error() == errc::key_type_mismatch);
    }
  }
}

TEST_CASE("signatures of the wrong length, empty or all zero are refused", "[crypto][signature]") {
  for (auto a : all_algs) {
    CAPTURE(alg_name(a));
    const auto& kp = pair_for(crypto::required_key_type(a));
    const auto size = crypto::signature_size(kp.pub, a);
    const auto good = crypto::sign(kp.priv, a, "m").value();
    CHECK(crypto::verify(kp.pub, a, "m", {}).error() == errc::invalid_signature_length);
    CHECK(crypto::verify(kp.pub, a, "m", core::bytes(1, 0)).error() == errc::invalid_signature_length);
    CHECK(crypto::verify(kp.pub, a, "m", core::bytes(good.begin(), good.end() - 1)).error() ==
          errc::invalid_signature_length);
    auto longer = good;
    longer.push_back(0);
    CHECK(crypto::verify(kp.pub, a, "m", longer).error() == errc::invalid_signature_length);
    auto zero_prefixed = good;
    zero_prefixed.insert(zero_prefixed.begin(), 0);
    CHECK(crypto::verify(kp.pub, a, "m", zero_prefixed).error() == errc::invalid_signature_length);
    CHECK(crypto::verify(kp.pub, a, "m", core::bytes(2 * size, 0)).error() == errc::invalid_signature_length);
    CHECK(crypto::verify(kp.pub, a, "m", core::bytes(size, 0)).error() == errc::bad_signature);
    CHECK(crypto::verify(kp.pub, a, "m", core::bytes(size, 0xff)).error() == errc::bad_signature);
    CHECK(crypto::verify(kp.pub, a, "", core::bytes(size, 0)).error() == errc::bad_signature);
  }
}

TEST_CASE("RSA-PSS verification requires a salt as long as the digest", "[crypto][signature]") {
  const auto& kp = pair_for(key_type::rsa);
  const std::string msg = "pss salt";
  struct row {
    signature_alg alg;
    const EVP_MD* md;
    int digest_len;
  };
  for (const auto& r : {row{signature_alg::rsa_pss_sha256, EVP_sha256(), 32}, row{signature_alg::rsa_pss_sha384, EVP_sha384(), 48},
                        row{signature_alg::rsa_pss_sha512, EVP_sha512(), 64}}) {
    CAPTURE(alg_name(r.alg));
    CHECK(crypto::verify(kp.pub, r.alg, msg, openssl_pss_sign(kp.priv, r.md, r.digest_len, msg)));
    for (int salt : {0, 20, r.digest_len - 1, r.digest_len + 1, RSA_PSS_SALTLEN_MAX}) {
      CAPTURE(salt);
      CHECK(crypto::verify(kp.pub, r.alg, msg, openssl_pss_sign(kp.priv, r.md, salt, msg)).error() ==
            errc::bad_signature);
    }
  }
  // PKCS#1 v1.5 and PSS signatures are not interchangeable, nor are the hashes.
  auto pkcs1 = crypto::sign(kp.priv, signature_alg::rsa_pkcs1_sha256, msg).value();
  CHECK(crypto::verify(kp.pub, signature_alg::rsa_pss_sha256, msg, pkcs1).error() == errc::bad_signature);
  auto pss = crypto::sign(kp.priv, signature_alg::rsa_pss_sha256, msg).value();
  CHECK(crypto::verify(kp.pub, signature_alg::rsa_pkcs1_sha256, msg, pss).error() == errc::bad_signature);
  CHECK(crypto::verify(kp.pub, signature_alg::rsa_pss_sha384, msg, pss).error() == errc::bad_signature);
  CHECK(crypto::verify(kp.pub, signature_alg::rsa_pkcs1_sha512, msg, pkcs1).error() == errc::bad_signature);
}

TEST_CASE("the raw ECDSA verifier refuses DER signatures", "[crypto][signature]") {
  for (auto a : {signature_alg::ecdsa_p256_sha256, signature_alg::ecdsa_p384_sha384, signature_alg::ecdsa_p521_sha512}) {
    CAPTURE(alg_name(a));
    const auto& kp = pair_for(crypto::required_key_type(a));
    const auto raw = crypto::sign(kp.priv, a, "m").value();
    std::array<std::uint8_t, crypto::max_ecdsa_der_size> der{};
    const auto n = crypto::ecdsa_raw_to_der(raw, der).value();
    const core::bytes der_sig(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(n));
    CHECK(der_sig.size() != raw.size());  // DER adds 6 to 8 bytes of framing
    CHECK(crypto::verify(kp.pub, a, "m", der_sig).error() == errc::invalid_signature_length);
    // Back to raw, it verifies.
    CHECK(crypto::verify(kp.pub, a, "m", crypto::ecdsa_der_to_raw(der_sig, raw.size() / 2).value()));
  }
}

TEST_CASE("verification from many threads", "[crypto][signature][concurrency]") {
  struct job {
    signature_alg alg;
    core::bytes sig;
  };
  std::vector<job> jobs;
  for (auto a : all_algs) jobs.push_back({a, crypto::sign(pair_for(crypto::required_key_type(a)).priv, a, "shared").value()});
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t) {
    pool.emplace_back([&, t] {
      for (int r = 0; r < 20; ++r) {
        const auto& j = jobs[static_cast<std::size_t>(r + t) % jobs.size()];
        const auto& pub = pair_for(crypto::required_key_type(j.alg)).pub;
        if (!crypto::verify(pub, j.alg, "shared", j.sig)) ++failures;
        if (crypto::verify(pub, j.alg, "other", j.sig)) ++failures;
        if (r % 5 == 0 && !crypto::sign(pair_for(crypto::required_key_type(j.alg)).priv, j.alg, "x")) ++failures;
      }
    });
  }
  for (auto& th : pool) th.join();
  CHECK(failures.load() == 0);
}

// verify() keeps per-thread contexts for the RSA and ECDSA schemes, keyed by key and scheme, in
// a fixed number of slots: more keys than slots, and one key under several schemes, must each
// still get their own answer whatever was verified before.
TEST_CASE("cached verify contexts follow the key and the scheme", "[crypto][signature]") {
  constexpr std::size_t n = 2 * crypto::detail::verify_ctx_cache::slots + 3;
  std::vector<public_key> pubs;
  std::vector<core::bytes> sigs;
  for (std::size_t i = 0; i < n; ++i) {
    auto priv = private_key::generate(crypto::key_spec::p256).value();
    pubs.push_back(priv.public_key().value());
    sigs.push_back(crypto::sign(priv, signature_alg::ecdsa_p256_sha256, "rotating").value());
  }
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < n; ++i) {
      CAPTURE(round, i);
      CHECK(crypto::verify(pubs[i], signature_alg::ecdsa_p256_sha256, "rotating", sigs[i]));
      CHECK(crypto::verify(pubs[(i + 1) % n], signature_alg::ecdsa_p256_sha256, "rotating", sigs[i]).error() ==
            errc::bad_signature);
    }
  }

  // One RSA key under five schemes, verified in an interleaved order: only the scheme that made a
  // signature accepts it.
  const auto& rsa = pair_for(key_type::rsa);
  const signature_alg rsa_algs[] = {signature_alg::rsa_pkcs1_sha256, signature_alg::rsa_pss_sha256,
                                    signature_alg::rsa_pkcs1_sha384, signature_alg::rsa_pss_sha512,
                                    signature_alg::rsa_pkcs1_sha512};
  std::vector<core::bytes> rsa_sigs;
  for (auto a : rsa_algs) rsa_sigs.push_back(crypto::sign(rsa.priv, a, "schemes").value());
  for (int round = 0; round < 2; ++round) {
    for (std::size_t s = 0; s < std::size(rsa_algs); ++s) {
      for (std::size_t v = 0; v < std::size(rsa_algs); ++v) {
        const auto a = rsa_algs[(v + static_cast<std::size_t>(round)) % std::size(rsa_algs)];
        CAPTURE(round, alg_name(rsa_algs[s]), alg_name(a));
        auto r = crypto::verify(rsa.pub, a, "schemes", rsa_sigs[s]);
        if (a == rsa_algs[s]) CHECK(r);
        else CHECK(r.error() == errc::bad_signature);
      }
    }
  }
}

// A cached context holds a reference to its key, so a key freed by its owner is never mistaken
// for a new key that OpenSSL happens to allocate at the same address.
TEST_CASE("keys made and dropped one after another verify only their own signatures", "[crypto][signature]") {
  core::bytes previous;
  for (int i = 0; i < 40; ++i) {
    CAPTURE(i);
    auto priv = private_key::generate(crypto::key_spec::p256).value();
    auto pub = priv.public_key().value();
    auto sig = crypto::sign(priv, signature_alg::ecdsa_p256_sha256, "short-lived").value();
    CHECK(crypto::verify(pub, signature_alg::ecdsa_p256_sha256, "short-lived", sig));
    if (!previous.empty())
      CHECK(crypto::verify(pub, signature_alg::ecdsa_p256_sha256, "short-lived", previous).error() == errc::bad_signature);
    previous = sig;
  }
}

// A key's last owner frees it, not a thread's leftover OpenSSL context. verify() keeps per-thread
// contexts; if one of them held the last reference, the key would be freed at that thread's exit
// through OpenSSL's own reference count, which orders nothing that ThreadSanitizer (or the C++
// memory model) can see against another thread's earlier reads of the key. Here two threads
// verify with their own copies of fresh keys, drop the copies and exit, with no ordering between
// them; the keys' owner in this thread is gone before either exits. Under the tsan preset, this
// reported a race (free in a thread's exit against the other's read) before the fix.
TEST_CASE("keys dropped by every owner are freed by their last owner and not at a thread's exit",
          "[crypto][signature][concurrency]") {
  struct job {
    signature_alg alg;
    public_key pub;
    core::bytes sig;
  };
  for (int round = 0; round < 4; ++round) {
    auto jobs = std::make_optional<std::vector<job>>();
    for (auto a : all_algs) {
      const auto& kp = pair_for(crypto::required_key_type(a));
      // A fresh key object (its own EVP_PKEY) each round, so only this round's owners hold it.
      jobs->push_back({a, fresh_copy(kp.pub), crypto::sign(kp.priv, a, "drop").value()});
    }
    std::atomic<bool> owner_gone{false};
    std::atomic<int> failures{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 2; ++t) {
      pool.emplace_back([&failures, &owner_gone, mine = std::make_optional(*jobs)]() mutable {
        for (const auto& j : *mine)
          if (!crypto::verify(j.pub, j.alg, "drop", j.sig)) ++failures;
        mine.reset();
        while (!owner_gone.load(std::memory_order_acquire)) std::this_thread::yield();
      });
    }
    jobs.reset();
    owner_gone.store(true, std::memory_order_release);
    for (auto& th : pool) th.join();
    CHECK(failures.load() == 0);
  }
}

// Each slot of the verify-context cache holds a copy of its key's owner (besides OpenSSL's own
// reference inside the context), so the key outlives the slot's context and is freed by the
// owner's last release.
TEST_CASE("a cached verify context keeps its key's owner until it is replaced", "[crypto][signature]") {
  const auto& kp = pair_for(key_type::ec_p256);
  const auto pub = fresh_copy(kp.pub);
  const auto& owner = crypto::detail::pkey_access::of(pub);
  const auto alone = owner.use_count();
  {
    crypto::detail::verify_ctx_cache cache;
    REQUIRE(cache.get(owner, signature_alg::ecdsa_p256_sha256) != nullptr);
    CHECK(owner.use_count() == alone + 1);
    // The same key and scheme again: the same slot, no second copy.
    REQUIRE(cache.get(owner, signature_alg::ecdsa_p256_sha256) != nullptr);
    CHECK(owner.use_count() == alone + 1);
    // Enough other keys to replace every slot: the first key's slot lets go of it.
    std::vector<public_key> others;
    for (std::size_t i = 0; i < crypto::detail::verify_ctx_cache::slots; ++i) {
      others.push_back(fresh_copy(kp.pub));
      REQUIRE(cache.get(crypto::detail::pkey_access::of(others.back()), signature_alg::ecdsa_p256_sha256) != nullptr);
    }
    CHECK(owner.use_count() == alone);
    CHECK(crypto::detail::pkey_access::of(others.front()).use_count() == 2);
  }
  CHECK(owner.use_count() == alone);
}
