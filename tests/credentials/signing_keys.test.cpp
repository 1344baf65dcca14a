// Tests for tessera/credentials/signing_keys.hpp: one client registry holds a partner's secret
// hash, its signing keys (with rotation) and its status, and a deactivation stops its logins,
// tokens and signatures on the next call.
#include "tessera/credentials/signing_keys.hpp"

#include <chrono>
#include <string>

#include "support/catch.hpp"
#include "support/test_keys.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/credentials/client_secret.hpp"
#include "tessera/credentials/token_exchange.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/jwt/verifier.hpp"
#include "tessera/request_signing/client_timestamp.hpp"
#include "tessera/request_signing/signer.hpp"
#include "tessera/request_signing/verifier.hpp"

using namespace tessera;
namespace rs = tessera::request_signing;

namespace {
constexpr std::int64_t t0 = 1'750'000'000;
credentials::sys_seconds at(std::int64_t s) { return credentials::sys_seconds(std::chrono::seconds(s)); }

// A client_timestamp order signed with a key at the clock's time.
rs::request signed_order(const crypto::private_key& key, crypto::signature_alg alg, core::manual_clock& clock,
                         const std::string& client_id) {
  auto s = rs::signer<rs::client_timestamp, core::manual_clock&>::create(client_id, key, alg, rs::client_timestamp{}, {},
                                                                          clock);
  rs::request r("POST", "/api/v1/orders");
  s.value().sign().value().apply_to(r);
  return r;
}
}  // namespace

TEST_CASE("one registry: secret, signing keys with rotation, and status; deactivation stops everything at once",
          "[credentials][signing_keys]") {
  core::manual_clock clock(t0);
  credentials::memory_client_registry partners;
  const auto policy = credentials::hash_policy::scrypt_with(1u << 10, 8, 1);
  credentials::client_spec spec;
  spec.tenant = "partner-tenant";
  spec.client_id = "partner-42";
  auto client = credentials::register_client(partners, spec, at(t0), policy);
  REQUIRE(client);
  const std::string secret(client->secret.expose_secret_text());

  const auto rsa = crypto::private_key::from_pem(tessera_test::keys::rsa2048_private_pkcs8).value();
  const auto p256 = crypto::private_key::from_pem(tessera_test::keys::p256_private_pkcs8).value();
  REQUIRE(partners.add_signing_key("partner-42", credentials::signing_key::from_pem(
                                                     "2026-01", tessera_test::keys::rsa2048_public_spki).value()));

  core::memory_replay_store seen;
  rs::verifier signatures(rs::client_timestamp{}, credentials::signing_key_registry(partners), seen, {}, clock);
  const auto pkcs1 = crypto::signature_alg::rsa_pkcs1_sha256;
  auto ok = signatures.verify(signed_order(rsa, pkcs1, clock, "partner-42"));
  REQUIRE(ok);
  CHECK(ok->key_id() == "2026-01");

  // Rotation: a second key (with its own algorithm) verifies alongside; the old one is withdrawn.
  REQUIRE(partners.add_signing_key("partner-42", credentials::signing_key::from_pem(
                                                     "2026-06", tessera_test::keys::p256_public_spki,
                                                     crypto::signature_alg::ecdsa_p256_sha256).value()));
  CHECK(signatures.verify(signed_order(p256, crypto::signature_alg::ecdsa_p256_sha256, clock, "partner-42"))->key_id() ==
        "2026-06");
  REQUIRE(partners.remove_signing_key("partner-42", "2026-01"));
  CHECK(signatures.verify(signed_order(rsa, pkcs1, clock, "partner-42")).error() == errc::invalid_signature_length);
  // A key put on the client is never ignored, and a key must fit its algorithm.
  CHECK(credentials::signing_key::from_pem("k", tessera_test::keys::p256_public_spki).error() == errc::key_type_mismatch);
  auto mismatched = credentials::signing_key::from_pem("k", tessera_test::keys::rsa2048_public_spki).value();
  mismatched.algorithm = crypto::signature_alg::ed25519;
  CHECK(partners.add_signing_key("partner-42", mismatched).error() == errc::key_type_mismatch);
  // Unknown clients, and clients without keys, are unknown_client to a verifier.
  CHECK(signatures.verify(signed_order(rsa, pkcs1, clock, "partner-7")).error() == errc::unknown_client);

  // Login and tokens through the same registry.
  credentials::authenticator_options aopts;
  aopts.policy = policy;
  auto auth = credentials::client_authenticator<>::create(partners, aopts).value();
  auto sk = jwt::signing_key::hmac<jwt::hs256>(core::random_secret(32)->expose_secret()).value();
  jwt::issuer<core::manual_clock&> issuer(sk, {.issuer = "https://auth.example.com"}, clock);
  credentials::client_credentials_exchange<credentials::client_authenticator<>&, jwt::issuer<core::manual_clock&>&> login(
      auth, issuer, {.lifetime = std::chrono::hours(12), .audience = "orders-api"});
  using revocation = credentials::client_revocation<credentials::memory_client_registry&>;
  auto rules = jwt::rules::builder{}.issuer("https://auth.example.com").audience("orders-api").principal_claim("client_id").build().value();
  jwt::verifier<jwt::single_key, core::manual_clock&, revocation> tokens(jwt::single_key(sk.verification().value()), rules,
                                                                          clock, revocation(partners));
  auto token = login.exchange("partner-42", secret);
  REQUIRE(token);
  REQUIRE(tokens.verify(token->token));

  // Deactivate once: login, token and signature all refused on the next call.
  REQUIRE(partners.deactivate("partner-42", at(t0 + 1)));
  CHECK(login.exchange("partner-42", secret).error() == errc::client_deactivated);
  CHECK(tokens.verify(token->token).error() == errc::principal_deactivated);
  CHECK(signatures.verify(signed_order(p256, crypto::signature_alg::ecdsa_p256_sha256, clock, "partner-42")).error() ==
        errc::client_deactivated);
  REQUIRE(partners.reactivate("partner-42"));
  CHECK(signatures.verify(signed_order(p256, crypto::signature_alg::ecdsa_p256_sha256, clock, "partner-42")));
  CHECK(tokens.verify(token->token).error() == errc::token_revoked);  // issued before the deactivation
}
