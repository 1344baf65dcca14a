// 06 — client credentials: register an API user (its secret shown once, stored only as a hash),
// log in for a JWT, use the token, refresh it, and deactivate the user — which refuses its still
// unexpired token on the very next call.
//
// This is the server side of POST /api/token (or /api/v1/auth/login) and /auth/refresh; the
// HTTP framework is yours: read the body, call exchange_json(), answer with the JSON below.
#include <tessera/credentials.hpp>
#include <tessera/http.hpp>
#include <tessera/jwt.hpp>

#include <cstdio>
#include <string>

using namespace tessera;
using namespace std::chrono_literals;

namespace {
// Prints the outcome of a token check: accepted, or the cause and the HTTP answer.
void report(const char* what, const result<jwt::verified_token>& r) {
  if (r) {
    std::printf("%-38s accepted (client %s)\n", what, std::string(*r->claim_string("client_id")).c_str());
    return;
  }
  auto answer = http::make_error_response(r.error());
  std::printf("%-38s refused: HTTP %d %s\n", what, answer.status, answer.body.c_str());
}
}  // namespace

int main() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());

  // 1. Registration (an admin API): the secret comes back once; the registry keeps a PHC hash.
  //    (Small scrypt parameters keep this example quick; the default is N=2^17, r=8, p=1.)
  const auto policy = credentials::hash_policy::scrypt_with(1u << 12, 8, 1);
  credentials::memory_client_registry registry;
  credentials::client_spec spec;
  spec.id_prefix = "erp-";
  spec.tenant = "acme";
  spec.roles = {"CommerceUser"};
  spec.scopes = {"orders:write"};
  spec.stores = {"store-oslo-downtown"};
  auto client = credentials::register_client(registry, spec, now, policy);
  if (!client) return 1;
  const std::string client_id = client->record.client_id;
  std::printf("registered %s; secret shown once (%zu characters); stored: %.24s...\n", client_id.c_str(),
              client->secret.size(), client->record.secret_hash.c_str());

  // 2. Server set-up: who may log in, how tokens are signed, and how they are checked. The
  //    revocation policy reads the registry, so deactivation reaches tokens already issued.
  credentials::authenticator_options auth_opts;
  auth_opts.policy = policy;
  auto authenticator = credentials::client_authenticator<>::create(registry, auth_opts);
  auto signing = jwt::signing_key::hmac<jwt::hs256>(core::random_secret(32)->expose_secret());
  if (!authenticator || !signing) return 1;
  jwt::issuer<> issuer(*signing, {.issuer = "https://auth.example.com"});
  credentials::client_credentials_exchange<credentials::client_authenticator<>&, jwt::issuer<>&> login(
      *authenticator, issuer, {.lifetime = 240h, .audience = "commerce-api"});  // a 10-day token

  using revocation = credentials::client_revocation<credentials::memory_client_registry&>;
  auto rules = jwt::rules::builder{}
                   .issuer("https://auth.example.com")
                   .audience("commerce-api")
                   .principal_claim("client_id")  // the claim deactivation is keyed on
                   .build();
  jwt::verifier<jwt::single_key, core::coarse_clock, revocation> verifier(
      jwt::single_key(signing->verification().value()), std::move(*rules), {}, revocation(registry));

  // 3. POST /api/token with the credentials in a JSON body.
  const std::string body = R"({"client_id":")" + client_id + R"(","client_secret":")" +
                           std::string(client->secret.expose_secret_text()) + R"("})";
  auto token = login.exchange_json(body);
  if (!token) return 1;
  std::printf("login: {\"access_token\": <%zu bytes>, \"expires_in\": %lld, \"token_type\": \"Bearer\"}\n",
              token->token.size(), static_cast<long long>(token->expires_in()));

  // A wrong secret gets 401 invalid_credentials, whether or not the client exists.
  auto wrong = login.exchange(client_id, "not-the-secret");
  std::printf("login with a wrong secret: HTTP %d %s\n", core::http_status(wrong.error()),
              std::string(core::name(wrong.error())).c_str());

  // 4. Calls carry "Authorization: Bearer <token>".
  auto call = verifier.verify(token->token);
  report("GET /api/orders", call);

  // 5. POST /auth/refresh renews the token without credentials (same claims, new jti and exp).
  jwt::refresher<decltype(verifier)&, jwt::issuer<>&> refresher(verifier, issuer, {.window = 1h});
  auto renewed = refresher.refresh(token->token);
  if (!renewed) return 1;
  report("GET /api/orders with the renewed token", verifier.verify(renewed->token));

  // 6. Deactivate the user: both tokens, though unexpired, are refused on the next call.
  if (!registry.deactivate(client_id, now)) return 1;
  auto after = verifier.verify(token->token);
  report("GET /api/orders after deactivation", after);
  auto relogin = login.exchange(client_id, client->secret.expose_secret());
  std::printf("login after deactivation: %s\n", std::string(core::name(relogin.error())).c_str());

  return call && !wrong && !after && relogin.error() == errc::client_deactivated ? 0 : 1;
}
