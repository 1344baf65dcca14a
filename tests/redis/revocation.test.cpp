// Tests for tessera/redis/revocation.hpp, through real JWT verifiers on two instances sharing
// one server: a jti, a principal's tokens up to a cutoff (inclusive), a deactivation and a
// withdrawn kid, each refused by the other instance on its next verify; one round trip per
// check; entries that expire; concurrent revocation and verification; failing closed.
#include "tessera/redis/revocation.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis/redis_support.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/jwt.hpp"

using namespace redis_test;

namespace {
constexpr std::int64_t t0 = 1'700'000'000;

// One instance of the fleet: its own pool, revocation list and verifier.
struct instance {
  std::unique_ptr<redis::connection_pool> pool;
  redis::revocation_list revoked;
  jwt::verifier<jwt::kid_key_set&, core::manual_clock&, redis::revocation_list&> verifier;
  instance(int port, const std::string& prefix, jwt::kid_key_set& keys, core::manual_clock& clock,
           std::chrono::milliseconds timeout = 200ms)
      : pool(make_pool(port, prefix, timeout)),
        revoked(*pool),
        verifier(keys, jwt::rules::builder{}.ignore_issuer().ignore_audience().build().value(), clock, revoked) {}
};

// Two instances sharing one server and key prefix, the keys and an issuer.
struct fleet {
  core::manual_clock clock{t0};
  std::string secret = [] {
    auto b = core::random_bytes(32).value();
    return std::string(b.begin(), b.end());
  }();
  jwt::kid_key_set keys;
  jwt::issuer<core::manual_clock&> k1{jwt::signing_key::hmac(jwt::alg::hs256, secret, "k1").value(), {}, clock};
  jwt::issuer<core::manual_clock&> k2{jwt::signing_key::hmac(jwt::alg::hs256, secret, "k2").value(), {}, clock};
  std::string prefix = unique_prefix();
  instance a, b;
  explicit fleet(int port, std::chrono::milliseconds timeout = 200ms)
      : a(port, prefix, keys, clock, timeout), b(port, prefix, keys, clock, timeout) {
    keys.put(jwt::signing_key::hmac(jwt::alg::hs256, secret, "k1").value().verification().value());
    keys.put(jwt::signing_key::hmac(jwt::alg::hs256, secret, "k2").value().verification().value());
  }
  jwt::issued_token issue(const std::string& sub, bool second_key = false) {
    jwt::claims c;
    c.subject(sub);
    return (second_key ? k2 : k1).issue(c).value();
  }
};
}  // namespace

static_assert(jwt::revocation_check<redis::revocation_list>);

TEST_CASE("a jti revoked on one instance is refused by the other on its next verify", "[redis][revocation]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto t1 = f.issue("alice"), t2 = f.issue("alice");
  REQUIRE(f.b.verifier.verify(t1.token));
  REQUIRE(f.a.revoked.revoke_token(t1.jwt_id));
  CHECK(f.b.verifier.verify(t1.token).error() == errc::token_revoked);
  CHECK(f.a.verifier.verify(t1.token).error() == errc::token_revoked);
  CHECK(f.b.verifier.verify(t2.token));
  CHECK(f.a.revoked.revoke_token(""));  // an empty jti revokes nothing
}

TEST_CASE("revoke_issued_at_or_before: inclusive whole seconds, only moving forward", "[redis][revocation]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto old_alice = f.issue("alice");
  auto bob = f.issue("bob");
  f.clock.advance(10s);
  auto same_second = f.issue("alice");  // issued in the cutoff's own second
  REQUIRE(f.a.revoked.revoke_issued_at_or_before("alice", t0 + 10));
  f.clock.advance(1s);
  auto new_alice = f.issue("alice");
  CHECK(f.b.verifier.verify(old_alice.token).error() == errc::token_revoked);
  CHECK(f.b.verifier.verify(same_second.token).error() == errc::token_revoked);
  CHECK(f.b.verifier.verify(new_alice.token));
  CHECK(f.b.verifier.verify(bob.token));
  // An earlier cutoff does not lower it.
  REQUIRE(f.b.revoked.revoke_issued_at_or_before("alice", t0));
  CHECK(f.a.verifier.verify(same_second.token).error() == errc::token_revoked);
  // Tokens without iat are refused by a cutoff (the facts, as a verifier reports them).
  jwt::token_facts no_iat{.jwt_id = "", .subject = "alice", .principal = "alice", .kid = "k1",
                          .issued_at = std::nullopt, .expires_at = std::nullopt};
  CHECK(f.a.revoked.check(no_iat).error() == errc::token_revoked);
}

TEST_CASE("deactivate and reactivate a principal across instances", "[redis][revocation]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto t = f.issue("partner-7");
  REQUIRE(f.a.revoked.deactivate("partner-7"));
  CHECK(f.b.verifier.verify(t.token).error() == errc::principal_deactivated);
  REQUIRE(f.b.revoked.reactivate("partner-7"));
  CHECK(f.a.verifier.verify(t.token));
  // Reactivation does not undo a jti revocation.
  REQUIRE(f.a.revoked.revoke_token(t.jwt_id));
  REQUIRE(f.a.revoked.deactivate("partner-7"));
  REQUIRE(f.a.revoked.reactivate("partner-7"));
  CHECK(f.b.verifier.verify(t.token).error() == errc::token_revoked);
}

TEST_CASE("a withdrawn kid refuses every token signed under it, first in precedence", "[redis][revocation]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto under_k1 = f.issue("carol"), under_k2 = f.issue("carol", true);
  REQUIRE(f.a.revoked.deactivate("carol"));
  REQUIRE(f.a.revoked.revoke_token(under_k2.jwt_id));
  REQUIRE(f.a.revoked.withdraw_key("k2"));
  CHECK(f.b.verifier.verify(under_k2.token).error() == errc::key_withdrawn);
  CHECK(f.b.verifier.verify(under_k1.token).error() == errc::principal_deactivated);
}

TEST_CASE("one round trip per check, none for a token with no facts", "[redis][revocation]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto t = f.issue("dave");
  REQUIRE(f.a.verifier.verify(t.token));  // warms the connection
  const auto before = f.a.pool->stats().round_trips;
  for (int i = 0; i < 10; ++i) REQUIRE(f.a.verifier.verify(t.token));
  CHECK(f.a.pool->stats().round_trips - before == 10);
  CHECK(f.a.revoked.check(jwt::token_facts{}));
  CHECK(f.a.pool->stats().round_trips - before == 10);
}

TEST_CASE("entries end when they can no longer matter", "[redis][revocation]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool = make_pool(srv.port, prefix);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  redis::revocation_list kept(*pool);
  redis::revocation_list bounded(*pool, {.leeway = 60s, .max_token_lifetime = 3600s});
  admin a(srv.port);
  REQUIRE(kept.revoke_token("jti-forever"));
  REQUIRE(kept.revoke_token("jti-until-exp", now + 600));
  REQUIRE(kept.revoke_issued_at_or_before("erin", now));
  REQUIRE(bounded.revoke_issued_at_or_before("frank", now));
  CHECK(a.integer({"TTL", prefix + "rv:jti:jti-forever"}) == -1);
  const auto jti_ttl = a.integer({"TTL", prefix + "rv:jti:jti-until-exp"});
  CHECK(jti_ttl > 800);  // exp + the default leeway of 300 s
  CHECK(jti_ttl <= 900);
  CHECK(a.integer({"TTL", prefix + "rv:before:erin"}) == -1);
  const auto cutoff_ttl = a.integer({"TTL", prefix + "rv:before:frank"});
  CHECK(cutoff_ttl > 3600);
  CHECK(cutoff_ttl <= 3660);
}

TEST_CASE("concurrent revocation and verification on two instances", "[redis][revocation][concurrency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port, 2000ms);
  constexpr int n = 60;
  std::vector<jwt::issued_token> tokens;
  for (int i = 0; i < n; ++i) tokens.push_back(f.issue("user-" + std::to_string(i % 6)));
  std::atomic<bool> done{false};
  std::atomic<int> unavailable{0}, unexpected_error{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      auto& v = r % 2 ? f.a.verifier : f.b.verifier;
      while (!done.load()) {
        for (const auto& t : tokens) {
          auto got = v.verify(t.token);
          if (got) continue;
          if (got.error() == errc::store_unavailable) ++unavailable;
          else if (got.error() != errc::token_revoked && got.error() != errc::principal_deactivated) ++unexpected_error;
        }
      }
    });
  }
  std::atomic<int> write_failures{0};  // Catch2 assertions stay on the test's own thread
  std::thread writer([&] {
    for (int i = 0; i < n; i += 2)
      if (!f.a.revoked.revoke_token(tokens[i].jwt_id)) ++write_failures;
    if (!f.b.revoked.deactivate("user-1")) ++write_failures;
  });
  writer.join();
  CHECK(write_failures == 0);
  // Once the writes have returned, every check that starts afterwards sees them, on both instances.
  for (int i = 0; i < n; ++i) {
    auto on_a = f.a.verifier.verify(tokens[i].token), on_b = f.b.verifier.verify(tokens[i].token);
    if (i % 6 == 1) {
      CHECK(on_a.error() == errc::principal_deactivated);
      CHECK(on_b.error() == errc::principal_deactivated);
    } else if (i % 2 == 0) {
      CHECK(on_a.error() == errc::token_revoked);
      CHECK(on_b.error() == errc::token_revoked);
    } else {
      CHECK(on_a);
      CHECK(on_b);
    }
  }
  done = true;
  for (auto& t : readers) t.join();
  CHECK(unavailable == 0);
  CHECK(unexpected_error == 0);
}

TEST_CASE("Redis gone: checks and revocations fail closed", "[redis][revocation][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  fleet f(srv.port());
  auto t = f.issue("gina");
  REQUIRE(f.a.verifier.verify(t.token));
  srv.kill_hard();
  CHECK(f.a.verifier.verify(t.token).error() == errc::store_unavailable);
  CHECK(f.b.verifier.verify(t.token).error() == errc::store_unavailable);
  CHECK(f.a.revoked.revoke_token(t.jwt_id).error() == errc::store_unavailable);
  CHECK(f.a.revoked.deactivate("gina").error() == errc::store_unavailable);
  CHECK(f.a.revoked.revoke_issued_at_or_before("gina", t0).error() == errc::store_unavailable);
  CHECK(f.a.revoked.withdraw_key("k1").error() == errc::store_unavailable);
}
