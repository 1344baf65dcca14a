#pragma once
// Shared set-up for the http pipeline tests: an HS256 issuer and verifier, an API-key store with
// its generator and verifier, and a partner registered for SHA256withRSA request signatures.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/test_keys.hpp"
#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/jwt/issuer.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/jwt/rules.hpp"
#include "tessera/jwt/verifier.hpp"
#include "tessera/request_signing/client_registry.hpp"
#include "tessera/request_signing/client_timestamp.hpp"
#include "tessera/request_signing/request.hpp"
#include "tessera/request_signing/signer.hpp"
#include "tessera/request_signing/verifier.hpp"

namespace http_fixture {
using namespace tessera;
namespace rs = tessera::request_signing;

using token_verifier_t = jwt::verifier<jwt::single_key>;
using signature_verifier_t = rs::verifier<rs::client_timestamp, rs::memory_client_registry&, core::memory_replay_store&>;

// Every credential a test needs, made once per test case.
struct world {
  jwt::signing_key signing = jwt::signing_key::hmac(jwt::alg::hs256, core::random_secret(32).value().expose_secret(), "k1").value();
  jwt::issuer<> issuer{signing, {.issuer = "https://auth.example.com", .lifetime = std::chrono::hours(1)}};
  token_verifier_t tokens{
      jwt::single_key(signing.verification().value()),
      jwt::rules::builder{}.issuer("https://auth.example.com").audience("orders-api").build().value()};

  api_key::memory_key_store key_store;
  api_key::key_format format{"ak", "test", 30};
  api_key::pepper_ring peppers = api_key::pepper_ring::create(1, core::random_secret(32).value().expose_secret()).value();
  api_key::generator<> key_generator = api_key::generator<>::create(format, peppers).value();
  api_key::verifier<> keys = api_key::verifier<>::create(format, peppers, key_store).value();

  rs::memory_client_registry clients;
  core::memory_replay_store seen;
  signature_verifier_t signatures{rs::client_timestamp{}, clients, seen};
  crypto::private_key partner_key = crypto::private_key::from_pem(tessera_test::keys::rsa2048_private_pkcs8).value();

  world() { REQUIRE(clients.add_key("partner-42", partner_key.public_key().value().to_pem().value())); }

  // A token for orders-api with these extra claims.
  std::string token(const nlohmann::json& extra, std::string sub = "integration-17") {
    jwt::claims c;
    c.subject(std::move(sub)).audience("orders-api");
    for (auto it = extra.begin(); it != extra.end(); ++it) REQUIRE(c.set(it.key(), it.value()));
    return issuer.issue(c).value().token;
  }
  // A stored API key for a tenant with these scopes; returns the key text.
  std::string key(std::string tenant, std::vector<std::string> scopes, std::string id = {}) {
    api_key::key_spec spec;
    spec.tenant = std::move(tenant);
    spec.scopes = std::move(scopes);
    spec.key_id = std::move(id);
    auto issued = key_generator.issue(key_store, spec).value();
    return std::string(issued.key.expose_secret_text());
  }
  // Signs a request as partner-42 (client_id|timestamp profile). Each call signs a timestamp one
  // second further in the past (within the window): PKCS#1 v1.5 is deterministic, so two
  // signatures of one second would be the same signature, which the verifier refuses as a replay.
  void sign(rs::request& req, std::string client_id = "partner-42") {
    core::manual_clock at(std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count() - ++signed_);
    auto signer = rs::signer<rs::client_timestamp, core::manual_clock&>::create(
                      client_id, partner_key, crypto::signature_alg::rsa_pkcs1_sha256, rs::client_timestamp{}, {}, at)
                      .value();
    signer.sign().value().apply_to(req);
  }
  int signed_ = 0;
};

// A request with headers.
inline rs::request make_request(std::string method, std::string_view target,
                                std::initializer_list<std::pair<std::string_view, std::string_view>> headers) {
  auto r = rs::request::from_target(std::move(method), target);
  for (auto [n, v] : headers) r.set_header(n, v);
  return r;
}
}  // namespace http_fixture
