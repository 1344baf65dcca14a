// 02 — issue a JWT and verify it: the org-scoped integration token.
//
// An integration of organisation "org-42" trades its API key for a token that is valid for one
// hour and says which organisation it acts for (org_id) and what it may do (scope). Every API
// call then carries that token, and the server verifies it before trusting anything in it.
//
// Three ideas to take away:
//  - the KEY decides the algorithm: a verifier built from an HS256 key accepts HS256 tokens
//    signed with that key and nothing else (no "alg: none", no algorithm chosen by the token);
//  - the RULES must say which issuer and which audience are expected (or say explicitly that
//    they are ignored), otherwise build() fails;
//  - verify() never throws: it returns result<verified_token>, which holds either the token or a
//    tessera::errc naming exactly why it was refused, with the HTTP status to answer.
#include <tessera/jwt.hpp>

#include <chrono>
#include <cstdio>
#include <string>

using namespace tessera;
using namespace std::chrono_literals;

namespace {
void say_refused(const char* what, errc e) {
  std::printf("%-28s refused: %.*s -> HTTP %d\n", what, static_cast<int>(core::name(e).size()), core::name(e).data(),
              core::http_status(e));
}
}  // namespace

int main() {
  // ---- Once, at start-up: keys, an issuer and a verifier ------------------------------------

  // A 32-byte secret for HS256 (HMAC keys shorter than the hash are refused). In production it
  // comes from your secret store; here it is random, so every run signs with a new key.
  result<secret> key_bytes = core::random_secret(32);
  if (!key_bytes) return 1;

  // A signing key bound to HS256, with a key id ("kid") so keys can be rotated later.
  auto signing = jwt::signing_key::hmac<jwt::hs256>(key_bytes->expose_secret(), "2024-06");
  if (!signing) return 1;

  // The issuer writes iss, iat, nbf, exp (= iat + lifetime) and a random jti into every token.
  jwt::issuer<> issuer(*signing, {.issuer = "https://auth.example.com", .lifetime = 1h});

  // The verifier needs the matching verification key (for HMAC: the same secret) and rules.
  auto rules = jwt::rules::builder{}.issuer("https://auth.example.com").audience("orders-api").build();
  auto verification = signing->verification();
  if (!rules || !verification) return 1;
  jwt::verifier verifier(jwt::single_key(std::move(*verification)), *rules);

  // ---- POST /auth/token: issue the org-scoped token -----------------------------------------

  jwt::claims claims;
  claims.subject("integration-17").audience("orders-api");
  claims.set_string("org_id", "org-42");
  claims.set_string("scope", "orders:read orders:write");
  result<jwt::issued_token> issued = issuer.issue(claims);
  if (!issued) return 1;
  // Never log whole tokens: anyone holding one can use it until it expires.
  std::printf("issued a %zu-byte token %.12s..., valid until %lld\n", issued->token.size(), issued->token.c_str(),
              static_cast<long long>(issued->expires_at));

  // ---- GET /v2/orgs/org-42/orders: verify, then read the claims -----------------------------

  result<jwt::verified_token> token = verifier.verify(issued->token);
  if (!token) {
    say_refused("genuine token", token.error());
    return 1;
  }
  // Typed access: claim_string() answers missing_claim or invalid_claim instead of guessing.
  result<std::string_view> org = token->claim_string("org_id");
  std::printf("verified: sub=%.*s org_id=%.*s orders:write=%s\n", static_cast<int>(token->subject().size()),
              token->subject().data(), org ? static_cast<int>(org->size()) : 0, org ? org->data() : "",
              token->has_scope("orders:write") ? "yes" : "no");
  // The organisation in the URL must be the token's organisation (otherwise answer 403).
  const std::string_view org_in_path = "org-42";
  if (!org || *org != org_in_path || !token->has_scope("orders:write")) return 1;

  // ---- What an attacker or a confused client gets -----------------------------------------

  // 1. One character of the claims changed: the signature no longer matches.
  std::string tampered = issued->token;
  const std::size_t claims_at = tampered.find('.') + 10;
  tampered[claims_at] = tampered[claims_at] == 'x' ? 'y' : 'x';
  result<jwt::verified_token> forged = verifier.verify(tampered);
  if (forged) return 1;
  say_refused("tampered token", forged.error());

  // 2. The genuine token presented to another API: its audience is not "billing-api".
  auto billing_rules = jwt::rules::builder{}.issuer("https://auth.example.com").audience("billing-api").build();
  if (!billing_rules) return 1;
  jwt::verifier billing(jwt::single_key(*signing->verification()), *billing_rules);
  result<jwt::verified_token> elsewhere = billing.verify(issued->token);
  if (elsewhere) return 1;
  say_refused("token for another audience", elsewhere.error());

  // 3. A token that claims "alg": "none" and carries no signature at all.
  //    (A compact token is header.claims.signature; "eyJhbGciOiJub25lIn0" is base64url of {"alg":"none"}.)
  const std::size_t first_dot = issued->token.find('.'), last_dot = issued->token.rfind('.');
  const std::string claims_part = issued->token.substr(first_dot + 1, last_dot - first_dot - 1);
  const std::string unsigned_token = "eyJhbGciOiJub25lIn0." + claims_part + ".";
  result<jwt::verified_token> none = verifier.verify(unsigned_token);
  if (none) return 1;
  say_refused("alg: none", none.error());

  return forged.error() == errc::bad_signature && elsewhere.error() == errc::wrong_audience &&
                 none.error() == errc::algorithm_not_allowed
             ? 0
             : 1;
}
