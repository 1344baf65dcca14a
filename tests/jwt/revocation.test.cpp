// Tests for tessera/jwt/revocation.hpp: revocation by jti, by principal issued-before time,
// principal deactivation and key withdrawal, each taking effect on the very next verify, even
// for unexpired tokens; reactivation; a principal claim other than sub; failing closed.
#include "tessera/jwt/revocation.hpp"

#include <string>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"

using namespace tessera;
using namespace jwt_test;
using namespace std::chrono_literals;

namespace {
struct unavailable_store {  // a shared store that cannot answer
  result<void> check(const jwt::token_facts&) const noexcept { return unexpected{errc::store_unavailable}; }
};
struct throwing_check {  // check() may throw: not a revocation_check
  result<void> check(const jwt::token_facts&) const { return core::ok(); }
};

// One verifier with shared keys, clock and revocation list, and an issuer on the same clock.
struct setup {
  jwt::kid_key_set keys;
  core::manual_clock clock{t0};
  jwt::memory_revocation_list revoked;
  jwt::verifier<jwt::kid_key_set&, core::manual_clock&, jwt::memory_revocation_list&> verifier;
  jwt::issuer<core::manual_clock&> issuer_k1, issuer_k2;

  explicit setup(jwt::rules r = lax_rules())
      : verifier(keys, std::move(r), clock, revoked),
        issuer_k1(signer(jwt::alg::hs256, "k1"), {.issuer = "https://auth.example"}, clock),
        issuer_k2(signer(jwt::alg::es256, "k2"), {.issuer = "https://auth.example"}, clock) {
    keys.put(verifier_key(jwt::alg::hs256, "k1"));
    keys.put(verifier_key(jwt::alg::es256, "k2"));
  }
  jwt::issued_token issue(const std::string& sub, bool second_key = false) {
    jwt::claims c;
    c.subject(sub);
    return (second_key ? issuer_k2 : issuer_k1).issue(c).value();
  }
};
}  // namespace

static_assert(jwt::revocation_check<jwt::no_revocation>);
static_assert(jwt::revocation_check<jwt::memory_revocation_list>);
static_assert(jwt::revocation_check<unavailable_store>);
static_assert(!jwt::revocation_check<throwing_check>);

TEST_CASE("revoke_token: that jti fails on the very next verify, others do not", "[jwt][revocation]") {
  setup s;
  auto a = s.issue("alice"), b = s.issue("alice");
  REQUIRE(s.verifier.verify(a.token));
  s.revoked.revoke_token(a.jwt_id);
  CHECK(s.verifier.verify(a.token).error() == errc::token_revoked);
  CHECK(s.verifier.verify(b.token));
  s.revoked.revoke_token(a.jwt_id);  // idempotent
  CHECK(s.verifier.verify(a.token).error() == errc::token_revoked);
  // A token without jti cannot be revoked by jti, and an empty jti revokes nothing.
  s.revoked.revoke_token("");
  auto no_jti = make_token(R"({"alg":"HS256","kid":"k1"})", valid_claims(), signer(jwt::alg::hs256));
  CHECK(s.verifier.verify(no_jti));
}

TEST_CASE("revoke_issued_at_or_before: every token of that principal issued up to T", "[jwt][revocation]") {
  setup s;
  auto old_alice = s.issue("alice");
  auto bob = s.issue("bob");
  s.clock.advance(10s);
  auto new_alice = s.issue("alice");
  REQUIRE(s.verifier.verify(old_alice.token));

  s.revoked.revoke_issued_at_or_before("alice", t0 + 9);
  CHECK(s.verifier.verify(old_alice.token).error() == errc::token_revoked);
  CHECK(s.verifier.verify(new_alice.token));  // iat after the cutoff
  CHECK(s.verifier.verify(bob.token));
  // A token issued in the cutoff's own second may predate it: refused.
  s.revoked.revoke_issued_at_or_before("alice", t0 + 10);
  CHECK(s.verifier.verify(new_alice.token).error() == errc::token_revoked);
  // A cutoff never moves back.
  s.revoked.revoke_issued_at_or_before("alice", t0);
  CHECK(s.verifier.verify(new_alice.token).error() == errc::token_revoked);
  // A token of that principal with no iat cannot prove it is recent.
  auto no_iat = make_token(R"({"alg":"HS256","kid":"k1"})", R"({"sub":"alice","exp":)" + std::to_string(t0 + 600) + "}",
                           signer(jwt::alg::hs256));
  CHECK(s.verifier.verify(no_iat).error() == errc::token_revoked);
}

TEST_CASE("deactivate: all of a principal's tokens, unexpired ones too, until reactivated", "[jwt][revocation]") {
  setup s;
  auto a1 = s.issue("api-user-1"), a2 = s.issue("api-user-1", true), other = s.issue("api-user-2");
  REQUIRE(s.verifier.verify(a1.token));
  s.revoked.deactivate("api-user-1");
  CHECK(s.verifier.verify(a1.token).error() == errc::principal_deactivated);
  CHECK(s.verifier.verify(a2.token).error() == errc::principal_deactivated);
  CHECK(s.verifier.verify(other.token));
  // New tokens for a deactivated principal are refused too.
  CHECK(s.verifier.verify(s.issue("api-user-1").token).error() == errc::principal_deactivated);

  s.revoked.reactivate("api-user-1");
  CHECK(s.verifier.verify(a1.token));
  CHECK(s.verifier.verify(a2.token));
  s.revoked.reactivate("api-user-1");  // reactivating twice is harmless
  s.revoked.reactivate("never-deactivated");
  CHECK(s.verifier.verify(other.token));

  // Reactivation does not undo a jti revocation.
  s.revoked.revoke_token(a1.jwt_id);
  s.revoked.deactivate("api-user-1");
  s.revoked.reactivate("api-user-1");
  CHECK(s.verifier.verify(a1.token).error() == errc::token_revoked);
  CHECK(s.verifier.verify(a2.token));
}

TEST_CASE("withdraw_key: every token carrying that kid", "[jwt][revocation]") {
  setup s;
  auto k1 = s.issue("alice"), k2 = s.issue("alice", true);
  s.revoked.withdraw_key("k1");
  CHECK(s.verifier.verify(k1.token).error() == errc::key_withdrawn);
  CHECK(s.verifier.verify(k2.token));
  // Withdrawal outranks the other causes for the same token.
  s.revoked.deactivate("alice");
  s.revoked.revoke_token(k1.jwt_id);
  CHECK(s.verifier.verify(k1.token).error() == errc::key_withdrawn);
  CHECK(s.verifier.verify(k2.token).error() == errc::principal_deactivated);
}

TEST_CASE("the principal can be a claim other than sub (client_id)", "[jwt][revocation]") {
  setup s(lax_builder().principal_claim("client_id").build().value());
  jwt::claims c;
  c.subject("service-account");
  CHECK(c.set("client_id", "partner-17"));
  auto tok = s.issuer_k1.issue(c).value();
  REQUIRE(s.verifier.verify(tok.token));
  s.revoked.deactivate("service-account");  // the sub is not the principal here
  CHECK(s.verifier.verify(tok.token));
  s.revoked.deactivate("partner-17");
  CHECK(s.verifier.verify(tok.token).error() == errc::principal_deactivated);
  s.revoked.reactivate("partner-17");
  s.revoked.revoke_issued_at_or_before("partner-17", t0);
  CHECK(s.verifier.verify(tok.token).error() == errc::token_revoked);
}

TEST_CASE("the check itself: facts in, cause out", "[jwt][revocation]") {
  jwt::memory_revocation_list rl;
  jwt::token_facts f{"jti-1", "alice", "alice", "k1", t0, t0 + 60};
  CHECK(rl.check(f));
  rl.revoke_token("jti-1");
  CHECK(rl.check(f).error() == errc::token_revoked);
  f.jwt_id = "jti-2";
  CHECK(rl.check(f));
  rl.deactivate("alice");
  CHECK(rl.check(f).error() == errc::principal_deactivated);
  f.principal = "";  // no principal: nothing to match
  CHECK(rl.check(f));
  rl.withdraw_key("k1");
  CHECK(rl.check(f).error() == errc::key_withdrawn);
  f.kid = "";
  CHECK(rl.check(f));
  CHECK(jwt::no_revocation{}.check(f));
}

TEST_CASE("a revocation store that cannot answer fails closed", "[jwt][revocation]") {
  jwt::verifier<jwt::single_key, fixed_clock, unavailable_store> v(jwt::single_key(verifier_key(jwt::alg::hs256)),
                                                                  lax_rules(), fixed_clock{});
  auto r = v.verify(make_token(R"({"alg":"HS256"})", valid_claims(), signer(jwt::alg::hs256)));
  CHECK(r.error() == errc::store_unavailable);
  // Only a genuine token reaches the store: a bad signature is reported as such.
  auto forged = make_token(R"({"alg":"HS256"})", valid_claims(), jwt::signing_key::hmac(jwt::alg::hs256, std::string(32, 'f')).value());
  CHECK(v.verify(forged).error() == errc::bad_signature);
}
