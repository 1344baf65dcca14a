// Request-signature benchmarks: request_signature/verify/RS256 (the SNAP-style client_timestamp
// profile, "client_id|timestamp" signed with SHA256withRSA) and verify_canonical/RS256 (the
// canonical_request profile: method, path, query, body digest, nonce). Replay bookkeeping is a
// policy and is replaced by a store that accepts everything (a real store refuses every repeat of
// the same signed request); its cost is a hash-map insert, noise next to an RSA verify.
// The floors: EVP_DigestVerify of the same string to sign and signature on the parsed key (for
// the canonical profile plus the SHA-256 of the body that its string to sign carries).

#include "bench_support.hpp"

#include <openssl/evp.h>

#include <string>

#include "tessera/core/base64.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/request_signing/canonical_request.hpp"
#include "tessera/request_signing/client_registry.hpp"
#include "tessera/request_signing/client_timestamp.hpp"
#include "tessera/request_signing/signer.hpp"
#include "tessera/request_signing/verifier.hpp"

namespace {

using namespace tessera;
using tessera_bench::alloc_probe;
using tessera_bench::check;

constexpr std::string_view client_id = "client-7fb118fb";

// Accepts every key: replay protection switched off for the benchmark only.
struct accept_all_store {
  result<bool> remember(std::string_view, std::chrono::system_clock::time_point, std::chrono::seconds) noexcept {
    return true;
  }
};
static_assert(core::replay_store<accept_all_store>);

const crypto::private_key& rsa_key() { return tessera_bench::shared_private_key(crypto::key_spec::rsa2048); }

request_signing::memory_client_registry& registry() {
  static request_signing::memory_client_registry r;
  static const bool added = [] {
    auto pub = tessera_bench::must(rsa_key().public_key(), "public key");
    tessera_bench::must(r.add_key(client_id, pub, crypto::signature_alg::rsa_pkcs1_sha256), "register client key");
    return true;
  }();
  (void)added;
  return r;
}

// The canonical profile's request: an order creation with a JSON body.
request_signing::request order_request() {
  return request_signing::request(
      "POST", "/api/v1/orders", "channel=partner&dry_run=false",
      R"({"external_id":"po-2024-000123","items":[{"sku":"SKU-1001","qty":2},{"sku":"SKU-2002","qty":1}],"currency":"NOK"})");
}

// A floor: SHA256withRSA verify of msg on the parsed key (fetched digest, one reused context).
struct rsa_floor {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~rsa_floor() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
  bool verify(EVP_PKEY* pk, const std::string& msg, const core::bytes& sig) noexcept {
    EVP_MD_CTX_reset(ctx);
    return EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, pk) == 1 &&
           EVP_DigestVerify(ctx, sig.data(), sig.size(), reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1;
  }
};

template <class Profile>
void request_verify(benchmark::State& state) {
  auto signer = tessera_bench::must(request_signing::signer<Profile>::create(std::string(client_id), rsa_key()), "signer");
  request_signing::verifier v(Profile{}, registry(), accept_all_store{});
  request_signing::request req = order_request();
  auto headers = tessera_bench::must(signer.sign(req), "sign request");  // signed now: the window is ±300 s
  headers.apply_to(req);
  {
    auto r = v.verify(req);
    if (!check(state, r.has_value() && r->client_id() == client_id, "signed request does not verify")) return;
    request_signing::request moved = req;
    moved.set_path("/api/v1/refunds");
    auto bad = v.verify(moved);
    if constexpr (Profile::binds_request) {
      if (!check(state, !bad && bad.error() == errc::bad_signature, "request moved to another path verifies")) return;
    }
  }
  alloc_probe probe;
  for (auto _ : state) {
    auto r = v.verify(req);
    benchmark::DoNotOptimize(r);
  }
  probe.report(state);
}
BENCHMARK_TEMPLATE(request_verify, request_signing::client_timestamp)->Name("request_signature/verify/RS256");
BENCHMARK_TEMPLATE(request_verify, request_signing::canonical_request)->Name("request_signature/verify_canonical/RS256");

template <class Profile>
void floor_request(benchmark::State& state) {
  auto signer = tessera_bench::must(request_signing::signer<Profile>::create(std::string(client_id), rsa_key()), "signer");
  request_signing::request req = order_request();
  auto headers = tessera_bench::must(signer.sign(req), "sign request");
  const Profile profile{};
  const auto& names = profile.headers();
  const auto ts = headers.find(names.timestamp);
  const auto nonce = headers.find(names.nonce);
  const auto sig_b64 = headers.find(names.signature);
  if (!check(state, ts && sig_b64, "unexpected signed headers")) return;
  const auto sig = tessera_bench::must(core::base64_decode(*sig_b64), "signature base64");
  const std::string to_sign = tessera_bench::must(
      request_signing::string_to_sign(profile, req, request_signing::signed_fields{client_id, *ts, nonce.value_or("")}),
      "string to sign");
  const auto body = req.body();
  const auto pub = tessera_bench::must(rsa_key().public_key(), "public key");
  EVP_PKEY* pk = pub.native_handle();
  rsa_floor f;
  auto once = [&]() noexcept {
    if constexpr (Profile::binds_request) {
      auto d = crypto::sha256(body);  // the body digest the canonical string carries
      benchmark::DoNotOptimize(d);
    }
    return f.verify(pk, to_sign, sig);
  };
  if (!check(state, once(), "floor signature does not verify")) return;
  alloc_probe probe;
  for (auto _ : state) {
    bool ok = once();
    benchmark::DoNotOptimize(ok);
  }
  probe.report(state);
}
BENCHMARK_TEMPLATE(floor_request, request_signing::client_timestamp)->Name("floor/request_signature/RS256");
BENCHMARK_TEMPLATE(floor_request, request_signing::canonical_request)->Name("floor/request_signature_canonical/RS256");

}  // namespace
