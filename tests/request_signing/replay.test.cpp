// Tests for tessera/request_signing/replay.hpp: what the verifier remembers, the explicit
// opt-out, and a captured request raced from many threads (exactly one may pass).
#include "tessera/request_signing/replay.hpp"

#include <openssl/bn.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "rs_support.hpp"
#include "tessera/request_signing/canonical_request.hpp"
#include "tessera/request_signing/client_timestamp.hpp"
#include "tessera/request_signing/signer.hpp"
#include "tessera/request_signing/verifier.hpp"

using namespace tessera;
using namespace tessera::request_signing;
using crypto::signature_alg;

TEST_CASE("replay keys are short, fixed-size hashes, distinct per client and kind", "[request_signing][replay]") {
  std::set<std::string> keys;
  for (auto [kind, client, material] : {std::tuple{'n', "a", "nonce-0123456789ab"}, std::tuple{'n', "b", "nonce-0123456789ab"},
                                        std::tuple{'m', "a", "nonce-0123456789ab"}, std::tuple{'n', "ab", "nonce-0123456789a"},
                                        std::tuple{'n', "a", "bnonce-0123456789a"}}) {
    auto k = request_signing::detail::make_replay_key(kind, client, material);
    REQUIRE(k);
    CHECK(k->size == 56);
    CHECK(k->view().starts_with(std::string("tessera.rs.") + kind + ":"));
    CHECK(k->view().find("nonce") == std::string_view::npos);  // never the raw value
    keys.insert(std::string(k->view()));
  }
  CHECK(keys.size() == 5);
  CHECK(request_signing::detail::make_replay_key('n', "a", "x")->view() == request_signing::detail::make_replay_key('n', "a", "x")->view());
}

TEST_CASE("no_replay_protection is the explicit opt-out for client_timestamp", "[request_signing][replay]") {
  memory_client_registry clients;
  REQUIRE(clients.add_key("partner-1", rs_test::public_pem(rs_test::rsa_a())));
  core::manual_clock clock(rs_test::t0);
  verifier v(client_timestamp(timestamp_format::iso8601, {}, repeats::refused), clients, no_replay_protection{}, verifier_options{}, clock);
  auto s = signer<client_timestamp, core::manual_clock&>::create("partner-1", rs_test::rsa_a(),
                                                                 signature_alg::rsa_pkcs1_sha256, client_timestamp(timestamp_format::iso8601, {}, repeats::refused), {}, clock);
  request r("POST", "/api/v1/orders");
  s->sign()->apply_to(r);
  CHECK(v.verify(r));
  CHECK(v.verify(r));  // accepted again: the caller chose this

  core::memory_replay_store seen;
  verifier strict(client_timestamp(timestamp_format::iso8601, {}, repeats::refused), clients, seen, verifier_options{}, clock);
  CHECK(strict.verify(r));
  CHECK(strict.verify(r).error() == errc::replayed);
}

namespace {
// The P-256 group order (SEC 2 v2, §2.4.2).
constexpr const char* p256_order_hex = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

// The other valid form (r, n - s) of a raw P-256 signature r || s, as padded base64.
std::string malleated_p256(std::string_view signature_b64) {
  auto raw = core::base64_decode(signature_b64).value();
  REQUIRE(raw.size() == 64);
  BIGNUM* n = nullptr;
  REQUIRE(BN_hex2bn(&n, p256_order_hex) > 0);
  BIGNUM* sv = BN_bin2bn(raw.data() + 32, 32, nullptr);
  REQUIRE(BN_sub(sv, n, sv) == 1);
  REQUIRE(BN_bn2binpad(sv, raw.data() + 32, 32) == 32);
  BN_free(sv);
  BN_free(n);
  return core::base64_encode(raw);
}
}  // namespace

TEST_CASE("a rewritten signature over the same signed string is a replay", "[request_signing][replay]") {
  memory_client_registry clients;
  core::memory_replay_store seen;
  core::manual_clock clock(rs_test::t0);
  const client_timestamp profile(timestamp_format::unix_seconds, {}, repeats::refused);

  SECTION("ECDSA: (r, n - s) verifies too, and is refused as the same request") {
    REQUIRE(clients.add_key("partner-1", rs_test::public_pem(rs_test::p256()), signature_alg::ecdsa_p256_sha256));
    verifier v(profile, clients, seen, verifier_options{}, clock);
    auto s = signer<client_timestamp, core::manual_clock&>::create("partner-1", rs_test::p256(),
                                                                   signature_alg::ecdsa_p256_sha256, profile, {}, clock);
    request r("POST", "/api/v1/orders");
    s->sign()->apply_to(r);
    request twin = r;
    twin.set_header("X-SIGNATURE", malleated_p256(*r.header("X-SIGNATURE")));
    REQUIRE(*twin.header("X-SIGNATURE") != *r.header("X-SIGNATURE"));
    CHECK(v.verify(r));
    CHECK(v.verify(twin).error() == errc::replayed);

    // The twin is a valid signature: a verifier that never saw the original accepts it once.
    core::memory_replay_store fresh;
    verifier other(profile, clients, fresh, verifier_options{}, clock);
    CHECK(other.verify(twin));
    CHECK(other.verify(r).error() == errc::replayed);
  }
  SECTION("RSA-PSS: a second signature of the same string is refused") {
    REQUIRE(clients.add_key("partner-1", rs_test::public_pem(rs_test::rsa_a()), signature_alg::rsa_pss_sha256));
    verifier v(profile, clients, seen, verifier_options{}, clock);
    auto s = signer<client_timestamp, core::manual_clock&>::create("partner-1", rs_test::rsa_a(),
                                                                   signature_alg::rsa_pss_sha256, profile, {}, clock);
    request first("POST", "/api/v1/orders"), second("POST", "/api/v1/orders");
    s->sign()->apply_to(first);
    s->sign()->apply_to(second);
    REQUIRE(*first.header("X-SIGNATURE") != *second.header("X-SIGNATURE"));  // PSS is randomised
    CHECK(v.verify(first));
    CHECK(v.verify(second).error() == errc::replayed);
  }
}

TEST_CASE("a failed verification never consumes a nonce", "[request_signing][replay]") {
  memory_client_registry clients;
  REQUIRE(clients.add_key("partner-1", rs_test::public_pem(rs_test::ed25519()), signature_alg::ed25519));
  core::memory_replay_store seen;
  core::manual_clock clock(rs_test::t0);
  verifier v(canonical_request{}, clients, seen, verifier_options{}, clock);
  auto s = signer<canonical_request, core::manual_clock&>::create("partner-1", rs_test::ed25519(), signature_alg::ed25519,
                                                                  canonical_request{}, {}, clock);
  request r("POST", "/api/v1/orders", "", "{}");
  s->sign(r)->apply_to(r);
  request forged = r;
  forged.set_body("{\"qty\":1000}");
  CHECK(v.verify(forged).error() == errc::bad_signature);
  CHECK(seen.size() == 0);
  CHECK(v.verify(r));
  CHECK(seen.size() == 1);
}

namespace {
// Verifies each captured request from several threads at once; returns how many passed per request.
template <class P>
std::vector<int> race(const P& profile, signature_alg alg, const crypto::private_key& key, int requests, int threads) {
  memory_client_registry clients;
  clients.add_key("partner-1", rs_test::public_pem(key), alg).value();
  core::memory_replay_store seen;
  core::manual_clock clock(rs_test::t0);
  verifier v(profile, clients, seen, verifier_options{}, clock);
  auto s = signer<P, core::manual_clock&>::create("partner-1", key, alg, profile, {}, clock).value();
  std::vector<request> captured;
  for (int i = 0; i < requests; ++i) {
    request r("POST", "/api/v1/orders", "n=" + std::to_string(i), "{}");
    s.sign(r).value().apply_to(r);
    captured.push_back(std::move(r));
    clock.advance(std::chrono::seconds(1));  // distinct timestamps: distinct client_timestamp signatures
  }
  std::vector<std::atomic<int>> passed(static_cast<std::size_t>(requests));
  std::atomic<int> other_errors{0};
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      ++ready;
      while (ready.load() < threads) std::this_thread::yield();
      for (std::size_t i = 0; i < captured.size(); ++i) {
        auto ok = v.verify(captured[i]);
        if (ok) ++passed[i];
        else if (ok.error() != errc::replayed) ++other_errors;
      }
    });
  }
  for (auto& t : pool) t.join();
  CHECK(other_errors.load() == 0);
  std::vector<int> out;
  for (auto& p : passed) out.push_back(p.load());
  return out;
}
}  // namespace

TEST_CASE("a captured request raced from many threads passes exactly once", "[request_signing][replay][concurrency]") {
  SECTION("canonical_request: nonces") {
    for (int n : race(canonical_request{}, signature_alg::ed25519, rs_test::ed25519(), 40, 4)) CHECK(n == 1);
  }
  SECTION("client_timestamp: signatures, RSA SHA256withRSA") {
    for (int n : race(client_timestamp(timestamp_format::unix_seconds, {}, repeats::refused), signature_alg::rsa_pkcs1_sha256, rs_test::rsa_a(),
                      20, 4))
      CHECK(n == 1);
  }
}

namespace {
// Signs one request at t0, verifies it first at the earliest instant the window accepts it and
// again at the latest; returns the second answer.
template <class P>
errc replay_across_window(const P& profile, std::chrono::seconds window) {
  memory_client_registry clients;
  clients.add_key("partner-1", rs_test::public_pem(rs_test::ed25519()), signature_alg::ed25519).value();
  core::memory_replay_store seen;
  core::manual_clock clock(rs_test::t0);
  verifier v(profile, clients, seen, verifier_options{window}, clock);
  auto s = signer<P, core::manual_clock&>::create("partner-1", rs_test::ed25519(), signature_alg::ed25519, profile, {}, clock)
               .value();
  request r("POST", "/api/v1/orders", "", "{}");
  s.sign(r).value().apply_to(r);
  clock.set(rs_test::t0 - window.count());  // the timestamp is as far ahead as it may be
  REQUIRE(v.verify(r));
  clock.set(rs_test::t0 + window.count());  // and now as far behind
  auto again = v.verify(r);
  return again ? errc{} : again.error();
}
}  // namespace

TEST_CASE("a request first seen at the earliest accepted instant is a replay at the latest", "[request_signing][replay]") {
  using std::chrono::seconds;
  for (auto window : {seconds(300), seconds(30), seconds(0)}) {
    CAPTURE(window.count());
    CHECK(replay_across_window(canonical_request{}, window) == errc::replayed);                          // nonces
    CHECK(replay_across_window(client_timestamp(timestamp_format::unix_seconds, {}, repeats::refused), window) == errc::replayed);  // no nonce
    CHECK(replay_across_window(client_timestamp(timestamp_format::iso8601, {}, repeats::refused), window) == errc::replayed);
  }
}
