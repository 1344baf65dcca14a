// Tests for tessera/request_signing/signer.hpp: the headers it produces, round trips for every
// profile and algorithm through the verifier, and the errors of building a signer.
#include "tessera/request_signing/signer.hpp"

#include <string>
#include <vector>

#include "support/catch.hpp"
#include "rs_support.hpp"
#include "tessera/request_signing/canonical_request.hpp"
#include "tessera/request_signing/client_timestamp.hpp"
#include "tessera/request_signing/verifier.hpp"

using namespace tessera;
using namespace tessera::request_signing;
using crypto::signature_alg;

namespace {
// The fixed P-521 test key (ECDSA P-521 SHA-512 signatures are 132 bytes raw).
const crypto::private_key& p521() {
  static const auto k = crypto::private_key::from_pem(tessera_test::keys::p521_private_pkcs8).value();
  return k;
}

struct algo_case {
  const char* name;
  signature_alg alg;
  const crypto::private_key& (*key)();
};
const algo_case algorithms[] = {
    {"RSA PKCS#1 v1.5 SHA-256", signature_alg::rsa_pkcs1_sha256, &rs_test::rsa_a},
    {"RSA-PSS SHA-256", signature_alg::rsa_pss_sha256, &rs_test::rsa_a},
    {"ECDSA P-256 SHA-256", signature_alg::ecdsa_p256_sha256, &rs_test::p256},
    {"Ed25519", signature_alg::ed25519, &rs_test::ed25519},
    {"ECDSA P-521 SHA-512", signature_alg::ecdsa_p521_sha512, &p521},
};

// Signs the order request under profile P and verifies it on a fresh server.
template <class P>
void round_trip(const P& profile, const algo_case& a, std::chrono::minutes offset = std::chrono::minutes{0}) {
  CAPTURE(a.name);
  memory_client_registry clients;
  REQUIRE(clients.add_key("partner-7", rs_test::public_pem(a.key()), a.alg));
  core::memory_replay_store seen;
  core::manual_clock clock(rs_test::t0);
  verifier v(profile, clients, seen, verifier_options{}, clock);
  auto s = signer<P, core::manual_clock&>::create("partner-7", a.key(), a.alg, profile, signer_options{offset}, clock);
  REQUIRE(s);
  request r = rs_test::order_request();
  auto h = s->sign(r);
  REQUIRE(h);
  h->apply_to(r);
  auto ok = v.verify(r);
  CAPTURE(core::name(ok.error()));
  REQUIRE(ok);
  CHECK(ok->client_id() == "partner-7");
  CHECK(ok->key().algorithm == a.alg);
  CHECK(ok->signed_at() == std::chrono::system_clock::time_point(std::chrono::seconds(rs_test::t0)));
  if (refuses_repeats(profile)) CHECK(v.verify(r).error() == errc::replayed);
  else CHECK(v.verify(r));  // a profile that accepts repeats (client_timestamp by default)
}
}  // namespace

TEST_CASE("round trip: client_timestamp, every algorithm and timestamp format", "[request_signing][signer]") {
  for (const auto& a : algorithms) {
    round_trip(client_timestamp(timestamp_format::iso8601), a, std::chrono::minutes(420));
    round_trip(client_timestamp(timestamp_format::iso8601_millis), a, std::chrono::minutes(-300));
    round_trip(client_timestamp(timestamp_format::unix_seconds), a);
  }
}

TEST_CASE("round trip: canonical_request, every algorithm and option", "[request_signing][signer]") {
  for (const auto& a : algorithms) {
    round_trip(canonical_request{}, a);
    canonical_request_options o;
    o.format = timestamp_format::iso8601;
    o.body_digest = body_digest_form::content_digest;
    o.bind_bearer_token = true;
    round_trip(canonical_request(o), a, std::chrono::minutes(420));
  }
}

TEST_CASE("round trip with renamed headers", "[request_signing][signer]") {
  header_names n;
  n.client_id = "X-Partner-Id";
  n.timestamp = "X-Partner-Time";
  n.signature = "X-Partner-Signature";
  n.nonce = "X-Partner-Nonce";
  canonical_request_options o;
  o.headers = n;
  round_trip(canonical_request(o), algorithms[0]);
  round_trip(client_timestamp(timestamp_format::unix_seconds, n), algorithms[3]);
}

TEST_CASE("the signer's headers: names, order, fresh nonces", "[request_signing][signer]") {
  auto s = signer<canonical_request>::create("partner-7", rs_test::ed25519(), signature_alg::ed25519);
  REQUIRE(s);
  CHECK(s->client_id() == "partner-7");
  CHECK(s->algorithm() == signature_alg::ed25519);
  const request r("GET", "/api/v1/orders/1");
  auto a = s->sign(r);
  auto b = s->sign(r);
  REQUIRE(a);
  REQUIRE(b);
  std::vector<std::string> names;
  for (const auto& h : *a) names.push_back(h.name);
  CHECK(names == std::vector<std::string>{"X-CLIENT-ID", "X-TIMESTAMP", "X-NONCE", "X-SIGNATURE"});
  CHECK(a->find("X-NONCE")->size() == 22);
  CHECK(valid_nonce(*a->find("X-NONCE")));
  CHECK(*a->find("X-NONCE") != *b->find("X-NONCE"));
  CHECK(core::base64_decode(*a->find("X-SIGNATURE"))->size() == 64);
  auto ts = parse_timestamp(*a->find("X-TIMESTAMP"), timestamp_format::unix_seconds);
  REQUIRE(ts);
  CHECK(std::chrono::abs(*ts - std::chrono::system_clock::now()) < std::chrono::seconds(5));
}

TEST_CASE("building a signer refuses what cannot work", "[request_signing][signer]") {
  using S = signer<client_timestamp>;
  CHECK(S::create("partner 7", rs_test::rsa_a()).error() == errc::invalid_argument);
  CHECK(S::create("", rs_test::rsa_a()).error() == errc::invalid_argument);
  CHECK(S::create("p", rs_test::rsa_a(), signature_alg::ed25519).error() == errc::key_type_mismatch);
  CHECK(S::create("p", rs_test::p256(), signature_alg::rsa_pkcs1_sha256).error() == errc::key_type_mismatch);
  CHECK(S::create("p", rs_test::rsa_a(), signature_alg::rsa_pkcs1_sha256, client_timestamp{},
                  signer_options{std::chrono::minutes(24 * 60)})
            .error() == errc::invalid_argument);
  // PEM: PKCS#8 and PKCS#1 are accepted; public keys, garbage and small RSA keys are not.
  CHECK(S::from_pem("p", tessera_test::keys::rsa2048_private_pkcs8));
  CHECK(S::from_pem("p", tessera_test::keys::rsa2048_private_pkcs1));
  CHECK(signer<client_timestamp>::from_pem("p", tessera_test::keys::p256_private_sec1, signature_alg::ecdsa_p256_sha256));
  CHECK_FALSE(S::from_pem("p", tessera_test::keys::rsa2048_public_spki));
  CHECK(S::from_pem("p", "not a key").error() == errc::invalid_key);
  CHECK(S::from_pem("p", tessera_test::keys::rsa1024_private_pkcs8).error() == errc::key_too_small);
  CHECK(S::from_pem("p", tessera_test::keys::p256_private_encrypted_pkcs8, signature_alg::ecdsa_p256_sha256).error() ==
        errc::unsupported_key_type);
  // The explicit opt-in: parse with a lowered policy, then create.
  CHECK(S::create("p", rs_test::rsa1024()));
}

TEST_CASE("signing with a chosen nonce", "[request_signing][signer]") {
  auto c = signer<canonical_request>::create("partner-7", rs_test::ed25519(), signature_alg::ed25519);
  const request r("GET", "/x");
  auto h = c->sign(r, "9f1c2e7b-5d3a-4c8e-b0a1-2f3e4d5c6b7a");
  REQUIRE(h);
  CHECK(*h->find("X-NONCE") == "9f1c2e7b-5d3a-4c8e-b0a1-2f3e4d5c6b7a");
  CHECK(c->sign(r, "short").error() == errc::invalid_argument);
  CHECK(c->sign(r, "has spaces in it ok?").error() == errc::invalid_argument);
  auto t = signer<client_timestamp>::create("partner-7", rs_test::ed25519(), signature_alg::ed25519);
  CHECK(t->sign(r, "9f1c2e7b-5d3a-4c8e-b0a1-2f3e4d5c6b7a").error() == errc::invalid_argument);
  // A request the profile cannot represent is refused on the client side already.
  CHECK(c->sign(request("GET", "no-slash")).error() == errc::malformed_request);
}
