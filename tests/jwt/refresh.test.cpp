// Tests for tessera/jwt/refresh.hpp: renewing a token without credentials within a window
// after exp, refusing revoked and deactivated principals, keeping the identity claims with a
// new jti and exp, and the once-only mode backed by a replay store.
#include "tessera/jwt/refresh.hpp"

#include <string>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"
#include "tessera/core/replay_store.hpp"

using namespace tessera;
using namespace jwt_test;
using namespace std::chrono_literals;

namespace {
using verifier_t = jwt::verifier<jwt::single_key, core::manual_clock&, jwt::memory_revocation_list&>;
using issuer_t = jwt::issuer<core::manual_clock&>;

// The signed-partner-orders model: 12-hour tokens, refreshable up to a day after they expire.
struct setup {
  core::manual_clock clock{t0};
  jwt::memory_revocation_list revoked;
  verifier_t verifier{jwt::single_key(verifier_key(jwt::alg::rs256, "p-1")),
                      jwt::rules::builder{}.issuer("https://auth.partner.example").audience("orders").build().value(),
                      clock, revoked};
  issuer_t issuer{signer(jwt::alg::rs256, "p-1"),
                  {.issuer = "https://auth.partner.example", .lifetime = std::chrono::hours(12)},
                  clock};

  jwt::issued_token login(const std::string& client_id) {
    jwt::claims c;
    c.subject(client_id).audiences({"orders", "stock"});
    c.set("client_id", client_id);
    c.set("scope", "orders:create orders:read");
    c.set("tenant", {{"market", "market-nor"}, {"stores", {"store-oslo-downtown"}}});
    return issuer.issue(c).value();
  }
};
}  // namespace

TEST_CASE("an expired token refreshes within the window into a new token of the same identity", "[jwt][refresh]") {
  setup s;
  jwt::refresher<verifier_t&, issuer_t&> refresher(s.verifier, s.issuer, {.window = 24h});
  auto old = s.login("partner-9");
  s.clock.advance(13h);  // expired an hour ago
  REQUIRE(s.verifier.verify(old.token).error() == errc::token_expired);

  auto fresh = refresher.refresh(old.token);
  REQUIRE(fresh);
  CHECK(fresh->jwt_id != old.jwt_id);
  CHECK(fresh->issued_at == t0 + 13 * 3600);
  CHECK(fresh->expires_at == t0 + 25 * 3600);
  auto t = s.verifier.verify(fresh->token);
  REQUIRE(t);
  CHECK(t->subject() == "partner-9");
  CHECK(t->issuer() == "https://auth.partner.example");
  CHECK(t->audiences() == std::vector<std::string_view>{"orders", "stock"});
  CHECK(t->claim_string("client_id").value() == "partner-9");
  CHECK(t->has_scope("orders:create"));
  CHECK(t->claim_json("tenant").value()["stores"][0] == "store-oslo-downtown");
  CHECK(t->jwt_id() == fresh->jwt_id);
  CHECK(t->issued_at() == fresh->issued_at);
  CHECK(t->not_before() == fresh->issued_at);

  // A still-valid token may be refreshed as well.
  CHECK(refresher.refresh(fresh->token));
}

TEST_CASE("refresh: the window after exp is exact, and beyond it refresh_window_passed", "[jwt][refresh]") {
  setup s;
  jwt::refresher<verifier_t&, issuer_t&> refresher(s.verifier, s.issuer, {.window = 24h});
  auto tok = s.login("partner-9");
  const std::int64_t exp = tok.expires_at;
  s.clock.set(exp + 24 * 3600 - 1);
  CHECK(refresher.refresh(tok.token));
  s.clock.set(exp + 24 * 3600);
  CHECK(refresher.refresh(tok.token).error() == errc::refresh_window_passed);
  s.clock.set(exp + 400 * 24 * 3600);
  CHECK(refresher.refresh(tok.token).error() == errc::refresh_window_passed);

  jwt::refresher<verifier_t&, issuer_t&> none(s.verifier, s.issuer, {.window = 0s});
  s.clock.set(exp);
  CHECK(none.refresh(tok.token).error() == errc::refresh_window_passed);
  s.clock.set(exp - 1);
  CHECK(none.refresh(tok.token));
}

TEST_CASE("refresh refuses revoked tokens and deactivated principals, and bad tokens", "[jwt][refresh]") {
  setup s;
  jwt::refresher<verifier_t&, issuer_t&> refresher(s.verifier, s.issuer);
  auto a = s.login("partner-1"), b = s.login("partner-2"), c = s.login("partner-3");
  s.clock.advance(13h);
  s.revoked.revoke_token(a.jwt_id);
  s.revoked.deactivate("partner-2");
  s.revoked.revoke_issued_at_or_before("partner-3", t0 + 1);
  CHECK(refresher.refresh(a.token).error() == errc::token_revoked);
  CHECK(refresher.refresh(b.token).error() == errc::principal_deactivated);
  CHECK(refresher.refresh(c.token).error() == errc::token_revoked);
  s.revoked.reactivate("partner-2");
  CHECK(refresher.refresh(b.token));

  // Forged, malformed, or for another audience: refused like any verification.
  auto forged = b.token;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  CHECK(refresher.refresh(forged).error() == errc::bad_signature);
  CHECK(refresher.refresh("not.a.token").error() == errc::token_malformed);
  jwt::claims other;
  other.subject("partner-2").audience("billing");
  auto wrong_aud = s.issuer.issue(other).value();
  CHECK(refresher.refresh(wrong_aud.token).error() == errc::wrong_audience);
}

TEST_CASE("once-only refresh with a replay store: each token refreshes once", "[jwt][refresh]") {
  setup s;
  core::memory_replay_store used;
  jwt::refresher<verifier_t&, issuer_t&, core::memory_replay_store&> refresher(s.verifier, s.issuer, {.window = 24h}, used);
  auto first = s.login("partner-4");
  s.clock.advance(13h);
  auto second = refresher.refresh(first.token);
  REQUIRE(second);
  CHECK(refresher.refresh(first.token).error() == errc::refresh_already_used);
  CHECK(refresher.refresh(first.token).error() == errc::refresh_already_used);
  // The new token has its own jti, so it can be refreshed once in turn.
  auto third = refresher.refresh(second->token);
  REQUIRE(third);
  CHECK(refresher.refresh(second->token).error() == errc::refresh_already_used);
  // A failed refresh does not use the token up.
  auto fourth_src = s.login("partner-5");
  s.revoked.deactivate("partner-5");
  CHECK(refresher.refresh(fourth_src.token).error() == errc::principal_deactivated);
  s.revoked.reactivate("partner-5");
  CHECK(refresher.refresh(fourth_src.token));

  // Once-only needs a jti to remember.
  auto no_jti = make_token(R"({"alg":"RS256","kid":"p-1"})",
                           R"({"iss":"https://auth.partner.example","aud":"orders","sub":"partner-6","exp":)" +
                               std::to_string(core::unix_seconds(s.clock) + 60) + "}",
                           signer(jwt::alg::rs256));
  REQUIRE(s.verifier.verify(no_jti));
  CHECK(refresher.refresh(no_jti).error() == errc::missing_claim);
}

TEST_CASE("a refreshed token keeps the lifetime of the one it replaces", "[jwt][refresh]") {
  setup s;
  jwt::refresher<verifier_t&, issuer_t&> refresher(s.verifier, s.issuer, {.window = 24h});
  jwt::claims c;
  c.subject("partner-9").audience("orders").lifetime(30min);
  auto short_lived = s.issuer.issue(c).value();
  s.clock.advance(40min);
  auto renewed = refresher.refresh(short_lived.token);
  REQUIRE(renewed);
  CHECK(renewed->expires_at - renewed->issued_at == 30 * 60);
  // A token without iat gets the issuer's default lifetime.
  auto no_iat = make_token(R"({"alg":"RS256","kid":"p-1"})",
                           R"({"iss":"https://auth.partner.example","aud":"orders","sub":"partner-6","exp":)" +
                               std::to_string(core::unix_seconds(s.clock) + 60) + "}",
                           signer(jwt::alg::rs256));
  auto from_default = refresher.refresh(no_iat);
  REQUIRE(from_default);
  CHECK(from_default->expires_at - from_default->issued_at == 12 * 3600);
}

TEST_CASE("once-only refresh holds for as long as the verifier accepts the token, leeway included", "[jwt][refresh]") {
  // Leeway 120 s: the token is refreshable until exp + window + leeway - 1, so the once-only
  // entry must outlive that second, whenever the first refresh happened.
  setup s;
  verifier_t lenient{jwt::single_key(verifier_key(jwt::alg::rs256, "p-1")),
                     jwt::rules::builder{}.issuer("https://auth.partner.example").audience("orders").leeway(120s).build().value(),
                     s.clock, s.revoked};
  core::memory_replay_store used;
  jwt::refresher<verifier_t&, issuer_t&, core::memory_replay_store&> refresher(lenient, s.issuer, {.window = 1h}, used);
  auto early = s.login("partner-7"), late = s.login("partner-8");
  const std::int64_t last = early.expires_at + 3600 + 120 - 1;  // the last accepted second

  s.clock.set(early.expires_at + 1);
  REQUIRE(refresher.refresh(early.token));
  s.clock.set(last);
  CHECK(refresher.refresh(early.token).error() == errc::refresh_already_used);
  REQUIRE(refresher.refresh(late.token));
  CHECK(refresher.refresh(late.token).error() == errc::refresh_already_used);
  s.clock.set(last + 1);
  CHECK(refresher.refresh(early.token).error() == errc::refresh_window_passed);
}

TEST_CASE("refresh windows are clamped between 0 and core::max_duration, without overflow", "[jwt][refresh]") {
  setup s;
  core::memory_replay_store used;
  jwt::refresher<verifier_t&, issuer_t&, core::memory_replay_store&> widest(s.verifier, s.issuer,
                                                                            {.window = std::chrono::seconds::max()}, used);
  auto tok = s.login("partner-9");
  s.clock.set(tok.expires_at + core::max_duration.count() - 1);
  REQUIRE(widest.refresh(tok.token));
  CHECK(widest.refresh(tok.token).error() == errc::refresh_already_used);
  s.clock.set(tok.expires_at + core::max_duration.count());
  CHECK(widest.refresh(tok.token).error() == errc::refresh_window_passed);

  s.clock.set(t0);
  auto other = s.login("partner-10");
  jwt::refresher<verifier_t&, issuer_t&> none(s.verifier, s.issuer, {.window = std::chrono::seconds::min()});
  s.clock.set(other.expires_at);
  CHECK(none.refresh(other.token).error() == errc::refresh_window_passed);
  s.clock.set(other.expires_at - 1);
  CHECK(none.refresh(other.token));
}
