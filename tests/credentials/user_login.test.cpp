// Tests for tessera/credentials/user_login.hpp: a storefront's customers log in with an email and
// password bound to one tenant, with the slow hashing, throttle and revocation of client logins.
#include "tessera/credentials/user_login.hpp"

#include <chrono>
#include <string>

#include "support/catch.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/jwt/verifier.hpp"
#include "tessera/request_signing/request.hpp"

using namespace tessera;

namespace {
constexpr std::int64_t t0 = 1'750'000'000;
credentials::sys_seconds at(std::int64_t s) { return credentials::sys_seconds(std::chrono::seconds(s)); }
core::bytes_view text(std::string_view s) { return core::bytes_view(s); }
request_signing::request post(std::string body) { return request_signing::request("POST", "/login", "", std::move(body)); }
}  // namespace

TEST_CASE("customers log in with email and password on their own tenant only", "[credentials][user_login]") {
  core::manual_clock clock(t0);
  credentials::memory_client_registry users;
  const auto policy = credentials::hash_policy::scrypt_with(1u << 10, 8, 1);
  REQUIRE(credentials::register_user(users, {.tenant = "acme", .email = "Alice@Example.com", .roles = {"customer"},
                                            .scopes = {"cart:write"}},
                                     text("correct horse battery"), at(t0), policy));
  CHECK(credentials::register_user(users, {.tenant = "acme", .email = "alice@example.com"}, text("another password"), at(t0),
                                   policy)
            .error() == errc::invalid_argument);  // the same user, whatever the case
  CHECK(credentials::register_user(users, {.tenant = "acme", .email = "bob@example.com"}, text("short"), at(t0), policy)
            .error() == errc::secret_too_short);
  CHECK(credentials::register_user(users, {.tenant = "acme", .email = "not-an-email"}, text("long enough"), at(t0), policy)
            .error() == errc::invalid_argument);
  CHECK(credentials::register_user(users, {.tenant = "a:b", .email = "x@y.z"}, text("long enough"), at(t0), policy)
            .error() == errc::invalid_argument);

  credentials::authenticator_options aopts;
  aopts.policy = policy;
  aopts.throttle.max_failures = 3;
  auto auth = credentials::client_authenticator<>::create(users, aopts).value();
  auto sk = jwt::signing_key::hmac<jwt::hs256>(core::random_secret(32)->expose_secret()).value();
  jwt::issuer<core::manual_clock&> issuer(sk, {.issuer = "https://shop.example.com"}, clock);
  credentials::user_login<credentials::client_authenticator<>&, jwt::issuer<core::manual_clock&>&> login(
      auth, issuer, {.lifetime = std::chrono::hours(1), .audience = "storefront"});

  auto ok = login.login("acme", post(R"({"email":"ALICE@example.com","password":"correct horse battery"})"));
  REQUIRE(ok);
  using revocation = credentials::client_revocation<credentials::memory_client_registry&>;
  auto rules = jwt::rules::builder{}.issuer("https://shop.example.com").audience("storefront").principal_claim("sub").build().value();
  jwt::verifier<jwt::single_key, core::manual_clock&, revocation> tokens(jwt::single_key(sk.verification().value()), rules,
                                                                          clock, revocation(users));
  auto t = tokens.verify(ok->token);
  REQUIRE(t);
  CHECK(t->subject() == "acme:alice@example.com");
  CHECK(*t->claim_string("tenant") == "acme");
  CHECK(*t->claim_string("email") == "alice@example.com");
  CHECK(t->has_scope("cart:write"));
  CHECK(ok->expires_in() == 3600);

  // Another tenant's storefront: the same answer as an unknown email.
  CHECK(login.login("globex", post(R"({"email":"alice@example.com","password":"correct horse battery"})")).error() ==
        errc::invalid_credentials);
  CHECK(login.login("acme", post(R"({"email":"nobody@example.com","password":"correct horse battery"})")).error() ==
        errc::invalid_credentials);
  CHECK(login.login("acme", post(R"({"email":"not-an-email","password":"correct horse battery"})")).error() ==
        errc::invalid_credentials);
  CHECK(login.login("acme", post(R"({"email":"alice@example.com"})")).error() == errc::missing_field);
  CHECK(login.login("acme", post(std::string(9000, ' '))).error() == errc::input_too_large);

  // Three wrong passwords in a row lock the email out (429), before any hashing.
  for (int i = 0; i < 3; ++i)
    CHECK(login.login("acme", post(R"({"email":"alice@example.com","password":"wrong password"})")).error() ==
          errc::invalid_credentials);
  CHECK(login.login("acme", post(R"({"email":"alice@example.com","password":"correct horse battery"})")).error() ==
        errc::too_many_failed_logins);

  // Deactivating the user stops the token on the next call.
  REQUIRE(users.deactivate("acme:alice@example.com", at(t0 + 1)));
  CHECK(tokens.verify(ok->token).error() == errc::principal_deactivated);
}
