#pragma once
// Shared pieces of tessera's benchmark suite: the allocation counters, the reference token of
// the benchmarks (227-byte claims, times relative to now) signed with every algorithm, and the keys,
// all built once per process.
//
// Allocation counting: main.bench.cpp (and only it) replaces the global operator new/delete and
// installs OpenSSL memory hooks; both bump the calling thread's counters below. A benchmark reads
// the counters right before and right after its timed loop (alloc_probe), so the counters cost
// one thread-local increment per allocation and are never read inside the loop.

#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/base64.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/crypto/ecdsa_der.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/jwt/algorithm.hpp"
#include "tessera/jwt/key.hpp"

namespace tessera_bench {

// operator new calls made by this thread (incremented by main.bench.cpp's replacement).
inline thread_local std::uint64_t new_calls = 0;
// CRYPTO_malloc/CRYPTO_realloc calls made by this thread (OpenSSL's own heap use; informational).
inline thread_local std::uint64_t ossl_allocs = 0;
// True when main.bench.cpp managed to install the OpenSSL memory hooks.
inline bool ossl_hooks_installed = false;

// Reads the calling thread's counters around a timed loop and reports, per iteration,
// allocs_per_op (global operator new calls; the issue's figure) and ossl_allocs_per_op
// (OpenSSL's internal allocations, which operator new does not see). Also sets
// items_per_second. kAvgIterations divides the sum over threads by the total iterations.
class alloc_probe {
 public:
  alloc_probe() noexcept : new0_(new_calls), ossl0_(ossl_allocs) {}
  void report(benchmark::State& state, std::int64_t items_per_iteration = 1) const {
    const auto n = static_cast<double>(new_calls - new0_);
    const auto o = static_cast<double>(ossl_allocs - ossl0_);
    state.counters["allocs_per_op"] = benchmark::Counter(n, benchmark::Counter::kAvgIterations);
    if (ossl_hooks_installed)
      state.counters["ossl_allocs_per_op"] = benchmark::Counter(o, benchmark::Counter::kAvgIterations);
    state.SetItemsProcessed(state.iterations() * items_per_iteration);
  }

 private:
  std::uint64_t new0_, ossl0_;
};

// Stops the process: the suite's fixtures must never be silently wrong.
[[noreturn]] inline void die(const char* what) {
  std::fprintf(stderr, "tessera_bench: setup failed: %s\n", what);
  std::abort();
}
template <class R>
auto must(R&& r, const char* what) {
  if (!r) die(what);
  return std::move(*r);
}

inline std::int64_t now_seconds() { return tessera::core::unix_seconds(tessera::core::coarse_clock{}); }

// The issuer and audience of the reference token, which every verifier expects.
inline constexpr std::string_view ref_issuer = "https://auth.example.com";
inline constexpr std::string_view ref_audience = "orders-api";

// The reference claims, with iat = nbf = now and exp = now + 1 hour. With ten-digit
// Unix times the text is exactly 227 bytes.
inline std::string reference_claims(std::int64_t now) {
  std::string s = R"({"iss":"https://auth.example.com","sub":"client-7fb118fb","aud":"orders-api","org_id":"org_123",)"
                  R"("scope":"orders:read orders:write","iat":)";
  s += std::to_string(now);
  s += R"(,"nbf":)";
  s += std::to_string(now);
  s += R"(,"exp":)";
  s += std::to_string(now + 3600);
  s += R"(,"jti":"4f1c2b7e-9a0d-4b8e-8f3a-1c2d3e4f5a6b"})";
  return s;
}

// One algorithm's fixture: keys, the signed reference token, and its parts as a floor uses them.
struct alg_fixture {
  tessera::jwt::alg alg{};
  std::string token;             // header.payload.signature
  std::string signing_input;     // header.payload
  tessera::core::bytes signature;  // decoded (raw r‖s for ECDSA)
  tessera::core::bytes der_signature;  // ECDSA only: the DER form of the same signature
  std::unique_ptr<tessera::jwt::signing_key> signer;
  std::unique_ptr<tessera::jwt::verification_key> verifier_key;
  std::unique_ptr<tessera::crypto::private_key> priv;  // asymmetric only
  std::unique_ptr<tessera::crypto::public_key> pub;    // asymmetric only
};

// The 32-byte HMAC key of the reference tokens (HS384/HS512 need longer keys per RFC 7518 §3.2,
// so they get this key repeated to the hash size).
inline const std::vector<std::uint8_t>& hmac_secret(tessera::jwt::alg a) {
  static const std::vector<std::uint8_t> k32 = [] {
    std::vector<std::uint8_t> k(32);
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(0x5a ^ (i * 37));
    return k;
  }();
  static const std::vector<std::uint8_t> k48 = [] {
    auto k = k32;
    k.insert(k.end(), k32.begin(), k32.begin() + 16);
    return k;
  }();
  static const std::vector<std::uint8_t> k64 = [] {
    auto k = k32;
    k.insert(k.end(), k32.begin(), k32.end());
    return k;
  }();
  return a == tessera::jwt::alg::hs384 ? k48 : a == tessera::jwt::alg::hs512 ? k64 : k32;
}

inline const tessera::crypto::private_key& shared_private_key(tessera::crypto::key_spec spec) {
  using tessera::crypto::key_spec;
  using tessera::crypto::private_key;
  static const private_key rsa = must(private_key::generate(key_spec::rsa2048), "RSA-2048 keygen");
  static const private_key p256 = must(private_key::generate(key_spec::p256), "P-256 keygen");
  static const private_key p521 = must(private_key::generate(key_spec::p521), "P-521 keygen");
  static const private_key ed = must(private_key::generate(key_spec::ed25519), "Ed25519 keygen");
  switch (spec) {
    case key_spec::p256: return p256;
    case key_spec::p521: return p521;
    case key_spec::ed25519: return ed;
    default: return rsa;
  }
}

inline tessera::crypto::key_spec key_spec_for(tessera::jwt::alg a) {
  using tessera::jwt::alg;
  if (a == alg::es256) return tessera::crypto::key_spec::p256;
  if (a == alg::es512) return tessera::crypto::key_spec::p521;
  if (a == alg::eddsa) return tessera::crypto::key_spec::ed25519;
  return tessera::crypto::key_spec::rsa2048;
}

inline alg_fixture make_fixture(tessera::jwt::alg a) {
  using namespace tessera;
  alg_fixture f;
  f.alg = a;
  if (jwt::is_hmac(a)) {
    f.signer = std::make_unique<jwt::signing_key>(must(jwt::signing_key::hmac(a, hmac_secret(a)), "HMAC signing key"));
    f.verifier_key =
        std::make_unique<jwt::verification_key>(must(jwt::verification_key::hmac(a, hmac_secret(a)), "HMAC verification key"));
  } else {
    f.priv = std::make_unique<crypto::private_key>(shared_private_key(key_spec_for(a)));
    f.pub = std::make_unique<crypto::public_key>(must(f.priv->public_key(), "public key"));
    f.signer = std::make_unique<jwt::signing_key>(must(jwt::signing_key::asymmetric(a, *f.priv), "signing key"));
    f.verifier_key = std::make_unique<jwt::verification_key>(must(jwt::verification_key::asymmetric(a, *f.pub), "verification key"));
  }
  const std::string header = std::string(R"({"alg":")") + std::string(jwt::alg_name(a)) + R"(","typ":"JWT"})";
  const std::string claims = reference_claims(now_seconds());
  if (claims.size() != 227) die("reference claims are not 227 bytes");
  f.signing_input = core::base64url_encode(header) + "." + core::base64url_encode(claims);
  f.signature = must(f.signer->sign(f.signing_input), "sign reference token");
  f.token = f.signing_input + "." + core::base64url_encode(f.signature);
  if (!jwt::is_hmac(a) && crypto::is_ecdsa(jwt::signature_scheme(a))) {
    std::vector<std::uint8_t> der(crypto::max_ecdsa_der_size);
    auto n = must(crypto::ecdsa_raw_to_der(f.signature, der), "ECDSA DER");
    der.resize(n);
    f.der_signature = std::move(der);
  }
  return f;
}

// The fixture of one algorithm, built on first use and kept for the process.
inline const alg_fixture& fixture(tessera::jwt::alg a) {
  using tessera::jwt::alg;
  static const alg_fixture hs256 = make_fixture(alg::hs256), hs384 = make_fixture(alg::hs384),
                           hs512 = make_fixture(alg::hs512), rs256 = make_fixture(alg::rs256),
                           ps256 = make_fixture(alg::ps256), es256 = make_fixture(alg::es256),
                           es512 = make_fixture(alg::es512), eddsa = make_fixture(alg::eddsa);
  switch (a) {
    case alg::hs256: return hs256;
    case alg::hs384: return hs384;
    case alg::hs512: return hs512;
    case alg::rs256: return rs256;
    case alg::ps256: return ps256;
    case alg::es256: return es256;
    case alg::es512: return es512;
    case alg::eddsa: return eddsa;
    default: die("no fixture for this algorithm");
  }
}

// Skips the benchmark with a message when a one-off check outside the timed loop fails.
// Returns true when the benchmark may run.
inline bool check(benchmark::State& state, bool ok, const char* what) {
  if (!ok) state.SkipWithError(what);
  return ok;
}

// Times a floor's one call, `once` (returning whether it held), when the one-off check before it
// passed: a floor that cannot do its work is reported as an error, not timed.
template <class Once>
void time_floor(benchmark::State& state, bool holds, const char* failure, Once& once) {
  if (!check(state, holds, failure)) return;
  alloc_probe probe;
  for (auto _ : state) {
    bool ok = once();
    benchmark::DoNotOptimize(ok);
  }
  probe.report(state);
}

// The HMAC floor: the fastest non-deprecated pre-keyed HMAC-SHA2 that the hmac_method/*
// benchmarks (floors.bench.cpp) found on OpenSSL 3.0: RFC 2104 on the EVP digest API, with the
// inner (key ⊕ ipad) and outer (key ⊕ opad) digest states absorbed once and copied per message
// with EVP_MD_CTX_copy_ex. It beats EVP_MAC "HMAC" re-initialised with EVP_MAC_init(ctx, NULL,
// 0, NULL) by about 10% (that path does the same two copies plus parameter round trips) and
// EVP_MAC_CTX_dup per message by about 2x. One instance per thread (contexts are not shareable).
class hmac_floor {
 public:
  hmac_floor(const char* digest, const std::uint8_t* key, std::size_t key_len) {
    md_ = EVP_MD_fetch(nullptr, digest, nullptr);
    inner_ = EVP_MD_CTX_new();
    outer_ = EVP_MD_CTX_new();
    work_ = EVP_MD_CTX_new();
    if (!md_ || !inner_ || !outer_ || !work_) die("HMAC floor contexts");
    const auto block = static_cast<std::size_t>(EVP_MD_get_block_size(md_));
    unsigned char k0[128] = {}, pad[128];
    if (key_len > block) {
      unsigned n = 0;
      if (EVP_Digest(key, key_len, k0, &n, md_, nullptr) != 1) die("HMAC floor key hash");
    } else {
      std::memcpy(k0, key, key_len);
    }
    for (std::size_t i = 0; i < block; ++i) pad[i] = static_cast<unsigned char>(k0[i] ^ 0x36);
    if (EVP_DigestInit_ex2(inner_, md_, nullptr) != 1 || EVP_DigestUpdate(inner_, pad, block) != 1) die("HMAC floor key");
    for (std::size_t i = 0; i < block; ++i) pad[i] = static_cast<unsigned char>(k0[i] ^ 0x5c);
    if (EVP_DigestInit_ex2(outer_, md_, nullptr) != 1 || EVP_DigestUpdate(outer_, pad, block) != 1) die("HMAC floor key");
    OPENSSL_cleanse(k0, sizeof k0);
    OPENSSL_cleanse(pad, sizeof pad);
  }
  hmac_floor(const hmac_floor&) = delete;
  hmac_floor& operator=(const hmac_floor&) = delete;
  ~hmac_floor() {
    EVP_MD_CTX_free(work_);
    EVP_MD_CTX_free(outer_);
    EVP_MD_CTX_free(inner_);
    EVP_MD_free(md_);
  }

  // The tag of msg into out (at least 64 bytes); returns its length (0 on failure).
  std::size_t tag(const void* msg, std::size_t n, std::uint8_t* out) noexcept {
    unsigned char ih[EVP_MAX_MD_SIZE];
    unsigned ih_len = 0, len = 0;
    if (EVP_MD_CTX_copy_ex(work_, inner_) != 1 || EVP_DigestUpdate(work_, msg, n) != 1 ||
        EVP_DigestFinal_ex(work_, ih, &ih_len) != 1 || EVP_MD_CTX_copy_ex(work_, outer_) != 1 ||
        EVP_DigestUpdate(work_, ih, ih_len) != 1 || EVP_DigestFinal_ex(work_, out, &len) != 1)
      return 0;
    return len;
  }
  // True when expected is the tag of msg (constant-time comparison, as a verifier must do).
  bool verify(const void* msg, std::size_t n, const std::uint8_t* expected, std::size_t expected_len) noexcept {
    std::uint8_t t[EVP_MAX_MD_SIZE];
    const std::size_t len = tag(msg, n, t);
    return len != 0 && len == expected_len && CRYPTO_memcmp(t, expected, len) == 0;
  }

 private:
  EVP_MD* md_ = nullptr;
  EVP_MD_CTX *inner_ = nullptr, *outer_ = nullptr, *work_ = nullptr;
};

}  // namespace tessera_bench
