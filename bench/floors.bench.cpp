// The raw OpenSSL floors of the JWT benchmarks: floor/<ALG> runs only the cryptography of a
// verification, on the same signing input and signature as verify/<ALG>, on an already parsed key
// and already fetched algorithms; floor/sign/RS256 the signing that issue/RS256 does. hmac_method/* measures the candidate ways to run a pre-keyed
// HMAC-SHA256, which is how the HMAC floor's method was chosen (see hmac_floor).

#include "bench_support.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <array>
#include <cstring>

namespace {

using namespace tessera;
using tessera_bench::alloc_probe;
using tessera_bench::check;
using tessera_bench::fixture;

const char* hmac_digest_name(jwt::alg a) {
  return a == jwt::alg::hs384 ? "SHA2-384" : a == jwt::alg::hs512 ? "SHA2-512" : "SHA2-256";
}

// floor/HS*: one pre-keyed HMAC of the signing input and a constant-time compare.
void floor_hmac(benchmark::State& state, jwt::alg a) {
  const auto& f = fixture(a);
  const auto& key = tessera_bench::hmac_secret(a);
  tessera_bench::hmac_floor h(hmac_digest_name(a), key.data(), key.size());
  const std::string_view msg = f.signing_input;
  const std::uint8_t* sig = f.signature.data();
  const std::size_t sig_len = f.signature.size();
  if (!check(state, h.verify(msg.data(), msg.size(), sig, sig_len), "floor HMAC does not match the token")) return;
  alloc_probe probe;
  for (auto _ : state) {
    bool ok = h.verify(msg.data(), msg.size(), sig, sig_len);
    benchmark::DoNotOptimize(ok);
  }
  probe.report(state);
}
BENCHMARK_CAPTURE(floor_hmac, HS256, jwt::alg::hs256)->Name("floor/HS256");
BENCHMARK_CAPTURE(floor_hmac, HS384, jwt::alg::hs384)->Name("floor/HS384");
BENCHMARK_CAPTURE(floor_hmac, HS512, jwt::alg::hs512)->Name("floor/HS512");
BENCHMARK_CAPTURE(floor_hmac, HS256, jwt::alg::hs256)->Name("floor/HS256")->Threads(1)->Threads(2)->UseRealTime();

// floor/<RS|PS|ES|Ed>: EVP_DigestVerifyInit + EVP_DigestVerify on the parsed key, with the digest
// fetched once and one EVP_MD_CTX reused (reset) per call. ES256 and ES512 verify the DER
// signature; ES512 hashes with SHA-512, the others with SHA-256.
void floor_asym(benchmark::State& state, jwt::alg a) {
  const auto& f = fixture(a);
  EVP_PKEY* pk = f.pub->native_handle();
  const bool ed = a == jwt::alg::eddsa;
  const bool pss = a == jwt::alg::ps256;
  const bool ecdsa = a == jwt::alg::es256 || a == jwt::alg::es512;
  EVP_MD* md = ed ? nullptr : EVP_MD_fetch(nullptr, a == jwt::alg::es512 ? "SHA2-512" : "SHA2-256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const auto& sig = ecdsa ? f.der_signature : f.signature;
  const auto* msg = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  const std::size_t msg_len = f.signing_input.size();
  auto once = [&]() noexcept {
    EVP_MD_CTX_reset(ctx);
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, pk) != 1) return false;
    if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1))
      return false;
    return EVP_DigestVerify(ctx, sig.data(), sig.size(), msg, msg_len) == 1;
  };
  tessera_bench::time_floor(state, once(), "floor signature does not verify", once);
  EVP_MD_CTX_free(ctx);
  EVP_MD_free(md);
}
BENCHMARK_CAPTURE(floor_asym, RS256, jwt::alg::rs256)->Name("floor/RS256");
BENCHMARK_CAPTURE(floor_asym, PS256, jwt::alg::ps256)->Name("floor/PS256");
BENCHMARK_CAPTURE(floor_asym, ES256, jwt::alg::es256)->Name("floor/ES256");
BENCHMARK_CAPTURE(floor_asym, ES512, jwt::alg::es512)->Name("floor/ES512");
BENCHMARK_CAPTURE(floor_asym, EdDSA, jwt::alg::eddsa)->Name("floor/EdDSA");
BENCHMARK_CAPTURE(floor_asym, RS256, jwt::alg::rs256)->Name("floor/RS256")->Threads(1)->Threads(2)->UseRealTime();

// floor/sign/RS256: the raw signing floor of issue/RS256. EVP_DigestSignInit + EVP_DigestSign
// with the same private key over the reference signing input, the digest fetched once and one
// EVP_MD_CTX reused (reset) per call; the signature buffer is sized once.
void floor_sign(benchmark::State& state, jwt::alg a) {
  const auto& f = fixture(a);
  EVP_PKEY* pk = f.priv->native_handle();
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const auto* msg = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  const std::size_t msg_len = f.signing_input.size();
  std::array<unsigned char, 512> sig{};
  auto once = [&]() noexcept {
    EVP_MD_CTX_reset(ctx);
    if (EVP_DigestSignInit(ctx, nullptr, md, nullptr, pk) != 1) return false;
    std::size_t len = sig.size();
    return EVP_DigestSign(ctx, sig.data(), &len, msg, msg_len) == 1 && len == f.signature.size();
  };
  tessera_bench::time_floor(state, once() && std::memcmp(sig.data(), f.signature.data(), f.signature.size()) == 0,
                            "floor signature differs from the reference token's", once);
  EVP_MD_CTX_free(ctx);
  EVP_MD_free(md);
}
BENCHMARK_CAPTURE(floor_sign, RS256, jwt::alg::rs256)->Name("floor/sign/RS256");

// ---- hmac_method/*: candidate ways to run a pre-keyed HMAC-SHA256 over the HS256 signing input.

struct hmac_input {
  const unsigned char* msg;
  std::size_t len;
  const std::uint8_t* sig;
};
hmac_input hs256_input() {
  const auto& f = fixture(jwt::alg::hs256);
  return {reinterpret_cast<const unsigned char*>(f.signing_input.data()), f.signing_input.size(), f.signature.data()};
}
EVP_MAC_CTX* keyed_hmac_sha256() {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA2-256"), 0),
                         OSSL_PARAM_construct_end()};
  const auto& key = tessera_bench::hmac_secret(jwt::alg::hs256);
  if (EVP_MAC_init(ctx, key.data(), key.size(), params) != 1) tessera_bench::die("HMAC key");
  return ctx;
}

template <class Fn>
void run_hmac_method(benchmark::State& state, Fn&& tag_of) {
  const hmac_input in = hs256_input();
  std::uint8_t out[64];
  if (!check(state, tag_of(in, out) == 32 && std::memcmp(out, in.sig, 32) == 0, "HMAC method gives a wrong tag")) return;
  alloc_probe probe;
  for (auto _ : state) {
    std::size_t n = tag_of(in, out);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out);
  }
  probe.report(state);
}

// EVP_MAC_init(ctx, NULL, 0, NULL) on one keyed context: re-uses the keyed state.
void hmac_method_reinit(benchmark::State& state) {
  EVP_MAC_CTX* ctx = keyed_hmac_sha256();
  run_hmac_method(state, [&](const hmac_input& in, std::uint8_t* out) noexcept -> std::size_t {
    std::size_t len = 0;
    if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 || EVP_MAC_update(ctx, in.msg, in.len) != 1 ||
        EVP_MAC_final(ctx, out, &len, 64) != 1)
      return 0;
    return len;
  });
  EVP_MAC_CTX_free(ctx);
}
BENCHMARK(hmac_method_reinit)->Name("hmac_method/mac_reinit");

// EVP_MAC_CTX_dup of a keyed template per message, freed afterwards.
void hmac_method_dup(benchmark::State& state) {
  EVP_MAC_CTX* tmpl = keyed_hmac_sha256();
  run_hmac_method(state, [&](const hmac_input& in, std::uint8_t* out) noexcept -> std::size_t {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(tmpl);
    std::size_t len = 0;
    const bool ok = ctx && EVP_MAC_update(ctx, in.msg, in.len) == 1 && EVP_MAC_final(ctx, out, &len, 64) == 1;
    EVP_MAC_CTX_free(ctx);
    return ok ? len : 0;
  });
  EVP_MAC_CTX_free(tmpl);
}
BENCHMARK(hmac_method_dup)->Name("hmac_method/mac_ctx_dup");

// RFC 2104 on the digest API: inner and outer SHA-256 states keyed once, copied per message with
// EVP_MD_CTX_copy_ex (what OpenSSL's HMAC does internally, without the EVP_MAC layer). The
// fastest: this is the floor's method (tessera_bench::hmac_floor).
void hmac_method_md_copy(benchmark::State& state) {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  EVP_MD_CTX* inner = EVP_MD_CTX_new();
  EVP_MD_CTX* outer = EVP_MD_CTX_new();
  EVP_MD_CTX* work = EVP_MD_CTX_new();
  {
    const auto& key = tessera_bench::hmac_secret(jwt::alg::hs256);
    std::array<unsigned char, 64> ipad{}, opad{};
    for (std::size_t i = 0; i < 64; ++i) {
      const unsigned char k = i < key.size() ? key[i] : 0;
      ipad[i] = k ^ 0x36;
      opad[i] = k ^ 0x5c;
    }
    EVP_DigestInit_ex2(inner, md, nullptr);
    EVP_DigestUpdate(inner, ipad.data(), 64);
    EVP_DigestInit_ex2(outer, md, nullptr);
    EVP_DigestUpdate(outer, opad.data(), 64);
  }
  run_hmac_method(state, [&](const hmac_input& in, std::uint8_t* out) noexcept -> std::size_t {
    unsigned char ih[32];
    unsigned n = 0;
    if (EVP_MD_CTX_copy_ex(work, inner) != 1 || EVP_DigestUpdate(work, in.msg, in.len) != 1 ||
        EVP_DigestFinal_ex(work, ih, &n) != 1 || EVP_MD_CTX_copy_ex(work, outer) != 1 ||
        EVP_DigestUpdate(work, ih, 32) != 1 || EVP_DigestFinal_ex(work, out, &n) != 1)
      return 0;
    return n;
  });
  EVP_MD_CTX_free(work);
  EVP_MD_CTX_free(outer);
  EVP_MD_CTX_free(inner);
  EVP_MD_free(md);
}
BENCHMARK(hmac_method_md_copy)->Name("hmac_method/md_ctx_copy");

// RFC 2104 on the digest API without copying states: the padded key blocks are prepared once and
// each message re-initialises two digest contexts (no allocation, one extra compression each).
void hmac_method_md_pads(benchmark::State& state) {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  EVP_MD_CTX* in_ctx = EVP_MD_CTX_new();
  EVP_MD_CTX* out_ctx = EVP_MD_CTX_new();
  std::array<unsigned char, 64> ipad{}, opad{};
  {
    const auto& key = tessera_bench::hmac_secret(jwt::alg::hs256);
    for (std::size_t i = 0; i < 64; ++i) {
      const unsigned char k = i < key.size() ? key[i] : 0;
      ipad[i] = k ^ 0x36;
      opad[i] = k ^ 0x5c;
    }
  }
  run_hmac_method(state, [&](const hmac_input& in, std::uint8_t* out) noexcept -> std::size_t {
    unsigned char ih[32];
    unsigned n = 0;
    if (EVP_DigestInit_ex2(in_ctx, md, nullptr) != 1 || EVP_DigestUpdate(in_ctx, ipad.data(), 64) != 1 ||
        EVP_DigestUpdate(in_ctx, in.msg, in.len) != 1 || EVP_DigestFinal_ex(in_ctx, ih, &n) != 1 ||
        EVP_DigestInit_ex2(out_ctx, md, nullptr) != 1 || EVP_DigestUpdate(out_ctx, opad.data(), 64) != 1 ||
        EVP_DigestUpdate(out_ctx, ih, 32) != 1 || EVP_DigestFinal_ex(out_ctx, out, &n) != 1)
      return 0;
    return n;
  });
  EVP_MD_CTX_free(out_ctx);
  EVP_MD_CTX_free(in_ctx);
  EVP_MD_free(md);
}
BENCHMARK(hmac_method_md_pads)->Name("hmac_method/md_reinit_pads");

// The HMAC EVP_PKEY route: EVP_DigestSignInit once with an EVP_PKEY_HMAC key, EVP_MD_CTX_copy_ex per message.
void hmac_method_pkey(benchmark::State& state) {
  const auto& key = tessera_bench::hmac_secret(jwt::alg::hs256);
  EVP_PKEY* pk = EVP_PKEY_new_raw_private_key_ex(nullptr, "HMAC", nullptr, key.data(), key.size());
  EVP_MD_CTX* tmpl = EVP_MD_CTX_new();
  EVP_MD_CTX* work = EVP_MD_CTX_new();
  if (!pk || EVP_DigestSignInit_ex(tmpl, nullptr, "SHA2-256", nullptr, nullptr, pk, nullptr) != 1)
    tessera_bench::die("HMAC pkey");
  run_hmac_method(state, [&](const hmac_input& in, std::uint8_t* out) noexcept -> std::size_t {
    std::size_t len = 64;
    if (EVP_MD_CTX_copy_ex(work, tmpl) != 1 || EVP_DigestSignUpdate(work, in.msg, in.len) != 1 ||
        EVP_DigestSignFinal(work, out, &len) != 1)
      return 0;
    return len;
  });
  EVP_MD_CTX_free(work);
  EVP_MD_CTX_free(tmpl);
  EVP_PKEY_free(pk);
}
BENCHMARK(hmac_method_pkey)->Name("hmac_method/pkey_digestsign_copy");

// Not pre-keyed, for scale: EVP_Q_mac keys (and fetches) on every call.
void hmac_method_q_mac(benchmark::State& state) {
  const auto& key = tessera_bench::hmac_secret(jwt::alg::hs256);
  run_hmac_method(state, [&](const hmac_input& in, std::uint8_t* out) noexcept -> std::size_t {
    std::size_t len = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA2-256", nullptr, key.data(), key.size(), in.msg, in.len, out, 64, &len))
      return 0;
    return len;
  });
}
BENCHMARK(hmac_method_q_mac)->Name("hmac_method/q_mac_unkeyed");

}  // namespace
