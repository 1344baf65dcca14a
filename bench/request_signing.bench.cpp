// Request-signature benchmarks: request_signature/verify/RS256 (the SNAP-style client_timestamp
// profile, "client_id|timestamp" signed with SHA256withRSA), verify_canonical/RS256 (the
// canonical_request profile: method, path, query, body digest, nonce) and verify_rfc9421/<alg>
// (RFC 9421 HTTP Message Signatures: "@method" "@path" "@authority" "content-digest" covered,
// created, keyid and nonce, a 1 KiB body whose RFC 9530 Content-Digest the verifier checks).
// Replay bookkeeping is a policy and is replaced by a store that accepts everything (a real store
// refuses every repeat of the same signed request); its cost is a hash-map insert, noise next to
// an RSA verify. The nonce's replay key is still derived (a SHA-256), as a real store needs it.
// The floors: EVP_DigestVerify of the same string to sign and signature on the parsed key (for
// the canonical profile plus the SHA-256 of the body that its string to sign carries); for
// RFC 9421, the same signature base verified (EVP_DigestVerify, or the pre-keyed HMAC floor)
// plus the SHA-256 of the body compared with the Content-Digest's bytes.

#include "bench_support.hpp"

#include <openssl/evp.h>

#include <string>
#include <variant>

#include "tessera/core/base64.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/request_signing/canonical_request.hpp"
#include "tessera/request_signing/http_message_signatures.hpp"
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

// ---- RFC 9421 ---------------------------------------------------------------------------------

namespace httpsig = request_signing::httpsig;

// The partner's key under keyid "partner-42": Ed25519, or the 32-byte HMAC-SHA256 secret.
httpsig::memory_key_registry& rfc9421_keys(httpsig::algorithm alg) {
  static httpsig::memory_key_registry ed, mac;
  static const bool added = [] {
    const auto pub = tessera_bench::must(tessera_bench::shared_private_key(crypto::key_spec::ed25519).public_key(), "public key");
    if (!ed.add_public_key("partner-42", pub, httpsig::algorithm::ed25519)) tessera_bench::die("register Ed25519 key");
    const auto& secret = tessera_bench::hmac_secret(jwt::alg::hs256);
    if (!mac.add_hmac_secret("partner-42", core::bytes_view(secret.data(), secret.size()))) tessera_bench::die("register HMAC key");
    return true;
  }();
  (void)added;
  return alg == httpsig::algorithm::ed25519 ? ed : mac;
}

// An order with a 1 KiB JSON body, signed now over four components, its Content-Digest added.
request_signing::request rfc9421_order(httpsig::algorithm alg) {
  std::string body = R"({"external_id":"po-2024-000123","note":")";
  body.append(1024 - body.size() - 2, 'x');
  body += R"("})";
  request_signing::request req("POST", "/api/v1/orders", "", std::move(body));
  req.set_header("Host", "api.example.com");
  req.set_header("Content-Type", "application/json");
  auto signer = alg == httpsig::algorithm::ed25519
                    ? httpsig::signer<>::create("partner-42", tessera_bench::shared_private_key(crypto::key_spec::ed25519), alg)
                    : httpsig::signer<>::hmac_sha256("partner-42", core::bytes_view(tessera_bench::hmac_secret(jwt::alg::hs256).data(), 32));
  auto s = tessera_bench::must(std::move(signer), "RFC 9421 signer");
  httpsig::sign_options o;
  o.components = {"@method", "@path", "@authority"};
  o.add_content_digest = true;  // appended: the fourth component
  tessera_bench::must(s.sign(req, o), "RFC 9421 sign").apply_to(req);
  return req;
}

httpsig::verifier_options rfc9421_policy() {
  httpsig::verifier_options o;
  o.required_components = {"@method", "@path", "@authority", "content-digest"};
  o.require_nonce = true;
  return o;
}

void request_verify_rfc9421(benchmark::State& state, httpsig::algorithm alg) {
  const httpsig::verifier v(rfc9421_keys(alg), accept_all_store{}, rfc9421_policy());
  const request_signing::request req = rfc9421_order(alg);
  {
    auto r = v.verify(req);
    if (!check(state, r.has_value() && r->owner() == "partner-42" && r->components().size() == 4,
               "RFC 9421 signed request does not verify"))
      return;
    request_signing::request moved = req;
    moved.set_path("/api/v1/refunds");
    auto bad = v.verify(moved);
    if (!check(state, !bad && bad.error() == errc::bad_signature, "RFC 9421 request moved to another path verifies")) return;
    request_signing::request changed = req;
    changed.set_body(std::string(1024, 'y'));
    auto tampered = v.verify(changed);
    if (!check(state, !tampered && tampered.error() == errc::content_digest_mismatch, "RFC 9421 body change not seen"))
      return;
  }
  alloc_probe probe;
  for (auto _ : state) {
    auto r = v.verify(req);
    benchmark::DoNotOptimize(r);
  }
  probe.report(state);
}
BENCHMARK_CAPTURE(request_verify_rfc9421, ed25519, httpsig::algorithm::ed25519)->Name("request_signature/verify_rfc9421/ed25519");
BENCHMARK_CAPTURE(request_verify_rfc9421, hmac_sha256, httpsig::algorithm::hmac_sha256)
    ->Name("request_signature/verify_rfc9421/hmac-sha256");

// The floor: the same signature base (built once, outside the loop) verified with the raw
// primitive, and the body's SHA-256 (one reused context, digest fetched once) compared with the
// bytes its Content-Digest carries.
void floor_rfc9421(benchmark::State& state, httpsig::algorithm alg) {
  const request_signing::request req = rfc9421_order(alg);
  auto input = tessera_bench::must(request_signing::sf::parse_dictionary(*req.header("Signature-Input")), "Signature-Input");
  auto sigs = tessera_bench::must(request_signing::sf::parse_dictionary(*req.header("Signature")), "Signature");
  auto claimed = tessera_bench::must(request_signing::sf::parse_dictionary(*req.header("Content-Digest")), "Content-Digest");
  const auto& il = std::get<request_signing::sf::inner_list>(*input.find("sig1"));
  const core::bytes sig = std::get<request_signing::sf::byte_sequence>(std::get<request_signing::sf::item>(*sigs.find("sig1")).value).value;
  const core::bytes digest =
      std::get<request_signing::sf::byte_sequence>(std::get<request_signing::sf::item>(*claimed.find("sha-256")).value).value;
  const std::string base = tessera_bench::must(httpsig::signature_base(req, il), "signature base");
  const auto body = req.body();

  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  EVP_MD_CTX* dctx = EVP_MD_CTX_new();
  EVP_MD_CTX* vctx = EVP_MD_CTX_new();
  const auto pub = tessera_bench::must(tessera_bench::shared_private_key(crypto::key_spec::ed25519).public_key(), "public key");
  EVP_PKEY* pk = pub.native_handle();
  const auto& secret = tessera_bench::hmac_secret(jwt::alg::hs256);
  tessera_bench::hmac_floor mac("SHA2-256", secret.data(), secret.size());
  const bool ed = alg == httpsig::algorithm::ed25519;
  auto once = [&]() noexcept {
    unsigned char d[32];
    unsigned n = 0;
    if (EVP_DigestInit_ex2(dctx, sha256, nullptr) != 1 || EVP_DigestUpdate(dctx, body.data(), body.size()) != 1 ||
        EVP_DigestFinal_ex(dctx, d, &n) != 1 || n != digest.size() || CRYPTO_memcmp(d, digest.data(), n) != 0)
      return false;
    if (!ed) return mac.verify(base.data(), base.size(), sig.data(), sig.size());
    EVP_MD_CTX_reset(vctx);
    return EVP_DigestVerifyInit(vctx, nullptr, nullptr, nullptr, pk) == 1 &&
           EVP_DigestVerify(vctx, sig.data(), sig.size(), reinterpret_cast<const unsigned char*>(base.data()), base.size()) == 1;
  };
  tessera_bench::time_floor(state, once(), "RFC 9421 floor does not verify", once);
  EVP_MD_CTX_free(vctx);
  EVP_MD_CTX_free(dctx);
  EVP_MD_free(sha256);
}
BENCHMARK_CAPTURE(floor_rfc9421, ed25519, httpsig::algorithm::ed25519)->Name("floor/request_signature_rfc9421/ed25519");
BENCHMARK_CAPTURE(floor_rfc9421, hmac_sha256, httpsig::algorithm::hmac_sha256)->Name("floor/request_signature_rfc9421/hmac-sha256");

}  // namespace
