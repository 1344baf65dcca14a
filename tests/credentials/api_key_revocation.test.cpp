// Tests for tessera/credentials/api_key_revocation.hpp: a token exchanged from an API key stops
// working on the next call once its key is revoked, whatever its exp.
#include "tessera/credentials/api_key_revocation.hpp"

#include <chrono>
#include <string>

#include "credentials/key_world.hpp"
#include "support/catch.hpp"
#include "tessera/core/random.hpp"
#include "tessera/credentials/token_exchange.hpp"
#include "tessera/jwt/verifier.hpp"

using namespace tessera;
using namespace std::chrono_literals;

TEST_CASE("revoking an API key stops the tokens exchanged from it on the next call", "[credentials][exchange]") {
  credentials_test::key_world w;
  auto& store = w.store;
  auto revoked_key = w.issue("org_a", {"orders:read"});
  auto kept_key = w.issue("org_a", {"orders:read"});

  auto sk = jwt::signing_key::hmac<jwt::hs256>(core::random_secret(32)->expose_secret()).value();
  jwt::issuer<> issuer(sk, {.issuer = "https://auth.example.com"});
  credentials::api_key_exchange<api_key::verifier<>&, jwt::issuer<>&> exchange(w.keys, issuer, {.lifetime = 1h, .audience = ""});
  auto rules = jwt::rules::builder{}.issuer("https://auth.example.com").ignore_audience().build().value();
  credentials::api_key_revocation<api_key::memory_key_store> by_key(store);
  jwt::verifier tokens(jwt::single_key(sk.verification().value()), rules, core::coarse_clock{}, by_key);

  auto doomed = exchange.exchange(revoked_key.key.expose_secret_text(), "org_a").value();
  auto fine = exchange.exchange(kept_key.key.expose_secret_text(), "org_a").value();
  REQUIRE(tokens.verify(doomed.token));
  REQUIRE(tokens.verify(fine.token));
  // The token names its key by id, never by the key.
  CHECK(doomed.token.find(std::string(revoked_key.key.expose_secret_text())) == std::string::npos);

  REQUIRE(store.revoke(revoked_key.record.key_id, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
  CHECK(tokens.verify(doomed.token).error() == errc::token_revoked);
  CHECK(tokens.verify(fine.token));

  // A key id that is not in the store (deleted, or a token from elsewhere) is refused too.
  jwt::claims stray;
  stray.subject("key_not_stored");
  CHECK(tokens.verify(issuer.issue(stray)->token).error() == errc::token_revoked);
}
