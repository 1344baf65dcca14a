// 07 — the calling side: one token per tenant, shared by every request, renewed before expiry.
//
// Your service calls a partner's API on behalf of several stores. The partner hands out tokens at
// POST /api/token (per store) and checks them on every call. Fetching a token per request would
// hammer the partner's login endpoint; a token_cache fetches once per store and shares the token.
//
// Three ideas to take away:
//  - the cache calls YOUR fetcher (the HTTP call to the partner's token endpoint), with no lock
//    held, and at most once at a time per tenant: many requests arriving together wait for one fetch;
//  - a token is renewed once less than renew_before remains, while requests keep using the current
//    one; after a failed fetch, the cache backs off instead of retrying on every request;
//  - when the partner answers 401 anyway (the token was revoked), invalidate() that token and get()
//    a new one.
// Here the "partner" is played by tessera itself (an issuer and a verifier), so the program runs
// without a network.
#include <tessera/client.hpp>
#include <tessera/jwt.hpp>

#include <chrono>
#include <cstdio>
#include <string>

using namespace tessera;
using namespace std::chrono_literals;

int main() {
  // ---- The partner: issues 1-hour tokens per store, verifies them on every call --------------
  auto key = core::random_secret(32);
  if (!key) return 1;
  auto signing = jwt::signing_key::hmac<jwt::hs256>(key->expose_secret(), "partner-1");
  auto rules = jwt::rules::builder{}.issuer("https://partner.example").audience("orders").build();
  if (!signing || !rules) return 1;
  jwt::issuer<> partner_login(*signing, {.issuer = "https://partner.example", .lifetime = 1h});
  jwt::verifier partner_api(jwt::single_key(signing->verification().value()), *rules);
  int logins = 0;

  // ---- Your service: the fetcher is where the HTTP call to POST /api/token would go ----------
  auto fetch = [&](std::string_view store) -> result<client::fetched_token> {
    ++logins;
    jwt::claims claims;
    claims.subject(std::string(store)).audience("orders");
    auto issued = partner_login.issue(claims);  // in real life: the partner's JSON response
    if (!issued) return unexpected{issued.error()};
    return client::fetched_token{core::secret(core::bytes_view(issued->token)),
                                 std::chrono::system_clock::time_point(std::chrono::seconds(issued->expires_at))};
  };
  client::token_cache tokens(fetch, {.renew_before = 5min});

  // ---- Requests: three calls for one store, one for another: two logins in all ---------------
  for (const char* store : {"store-oslo", "store-oslo", "store-bergen", "store-oslo"}) {
    auto token = tokens.get(store);
    if (!token) return 1;
    // "Authorization: Bearer " + token->expose_secret_text() goes on the partner request.
    auto answer = partner_api.verify(token->expose_secret_text());
    std::printf("%-13s -> partner says %s\n", store, answer ? "200" : "401");
    if (!answer) return 1;
  }
  std::printf("logins: %d (one per store)\n", logins);
  if (logins != 2) return 1;

  // ---- A 401 from the partner: drop that token, fetch a new one ------------------------------
  auto stale = tokens.get("store-oslo").value();
  tokens.invalidate("store-oslo", stale);
  auto fresh = tokens.get("store-oslo");
  if (!fresh || fresh->same_as(stale)) return 1;
  std::printf("after a 401: logins: %d, new token valid until %lld\n", logins,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(fresh->expires_at().time_since_epoch()).count()));
  return logins == 3 ? 0 : 1;
}
