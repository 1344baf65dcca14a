// Tests for tessera/request_signing/verifier.hpp: every failure cause and its order, timestamp
// edges in both formats, the replay TTL, key rotation, unknown clients, small keys, and
// registries or stores that cannot answer.
#include "tessera/request_signing/verifier.hpp"

#include <string>
#include <string_view>

#include "support/catch.hpp"
#include "rs_support.hpp"
#include "tessera/request_signing/canonical_request.hpp"
#include "tessera/request_signing/client_timestamp.hpp"
#include "tessera/request_signing/signer.hpp"

using namespace tessera;
using namespace tessera::request_signing;
using namespace std::string_view_literals;
using crypto::signature_alg;
using std::chrono::seconds;

namespace {
// A server and a partner sharing a manual clock.
template <class P>
struct world {
  P profile;
  memory_client_registry clients;
  core::memory_replay_store seen;
  core::manual_clock clock{rs_test::t0};
  verifier<P, memory_client_registry&, core::memory_replay_store&, core::manual_clock&> server;
  signer<P, core::manual_clock&> partner;

  explicit world(P p = P{}, verifier_options o = {}, std::chrono::minutes offset = std::chrono::minutes(420))
      : profile(p),
        server(profile, clients, seen, o, clock),
        partner(signer<P, core::manual_clock&>::create("partner-1", rs_test::rsa_a(), signature_alg::rsa_pkcs1_sha256,
                                                      profile, signer_options{offset}, clock)
                    .value()) {
    clients.add_key("partner-1", rs_test::public_pem(rs_test::rsa_a())).value();
  }
  // The order request, signed now.
  request signed_order() {
    request r = rs_test::order_request();
    partner.sign(r).value().apply_to(r);
    return r;
  }
};

// A registry whose backing store is down.
struct broken_registry {
  result<client_handle> find(std::string_view) const noexcept { return unexpected{errc::store_unavailable}; }
};
static_assert(client_key_registry<broken_registry>);
// A replay store whose backing store is down.
struct broken_store {
  result<bool> remember(std::string_view, std::chrono::system_clock::time_point, seconds) noexcept {
    return unexpected{errc::store_unavailable};
  }
};
}  // namespace

TEST_CASE("each missing or malformed header has its own cause", "[request_signing][verifier]") {
  world<canonical_request> w;
  const request good = w.signed_order();
  for (auto h : {"X-CLIENT-ID"sv, "X-TIMESTAMP"sv, "X-SIGNATURE"sv, "X-NONCE"sv}) {
    CAPTURE(h);
    request r = good;
    r.remove_header(h);
    CHECK(w.server.verify(r).error() == errc::missing_header);
  }
  auto with = [&](std::string_view name, std::string_view value) {
    request r = good;
    r.set_header(name, value);
    return w.server.verify(r).error();
  };
  CHECK(with("X-CLIENT-ID", "") == errc::malformed_header);
  CHECK(with("X-CLIENT-ID", "partner 1") == errc::malformed_header);
  CHECK(with("X-NONCE", "short") == errc::malformed_header);
  CHECK(with("X-NONCE", "AAAAAAAAAAAAAAAAAAAAAA==") == errc::malformed_header);
  CHECK(with("X-SIGNATURE", "") == errc::malformed_header);
  CHECK(with("X-SIGNATURE", "not base64!") == errc::malformed_header);
  std::string sig(*good.header("X-SIGNATURE"));
  CHECK(with("X-SIGNATURE", sig + " ") == errc::malformed_header);
  std::string url = sig;
  for (auto& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  if (url != sig) CHECK(with("X-SIGNATURE", url) == errc::malformed_header);  // base64url is not base64
  CHECK(with("X-SIGNATURE", sig.substr(0, sig.size() - 4)) == errc::invalid_signature_length);
  CHECK(with("X-SIGNATURE", std::string(1368 + 4, 'A')) == errc::invalid_signature_length);
  CHECK(with("X-SIGNATURE", core::base64_encode(std::string(1024, 'x'))) == errc::invalid_signature_length);
  CHECK(with("X-TIMESTAMP", "") == errc::invalid_timestamp);
  // The genuine request still verifies after all that: no failure consumed its nonce.
  CHECK(w.server.verify(good));
}

TEST_CASE("timestamp format errors are invalid_timestamp in both formats", "[request_signing][verifier]") {
  SECTION("ISO-8601") {
    world<client_timestamp> w{client_timestamp(timestamp_format::iso8601)};
    request r = w.signed_order();
    for (auto bad : {"2024-05-17T14:12:50+07:00 "sv, "2024-05-17T14:12:50+0700"sv, "2024-05-17T14:12:50+07"sv,
                     "2024-05-17T14:12:50.000+07:00"sv, "2024-05-17T14:12:50"sv, "1715929970"sv}) {
      CAPTURE(bad);
      r.set_header("X-TIMESTAMP", bad);
      CHECK(w.server.verify(r).error() == errc::invalid_timestamp);
    }
  }
  SECTION("unix seconds") {
    world<canonical_request> w;
    request r = w.signed_order();
    for (auto bad : {"1715929970 "sv, "1715929970.5"sv, "01715929970"sv, "+1715929970"sv, "2024-05-17T07:12:50Z"sv}) {
      CAPTURE(bad);
      r.set_header("X-TIMESTAMP", bad);
      CHECK(w.server.verify(r).error() == errc::invalid_timestamp);
    }
  }
}

TEST_CASE("the X-TIMESTAMP header must be the exact string that was signed", "[request_signing][verifier]") {
  world<client_timestamp> w{client_timestamp(timestamp_format::iso8601)};
  request r = w.signed_order();
  REQUIRE(*r.header("X-TIMESTAMP") == "2024-05-17T14:12:50+07:00");
  // The same instant, written differently, is not what was signed.
  for (auto same_instant : {"2024-05-17T07:12:50Z"sv, "2024-05-17T07:12:50+00:00"sv, "2024-05-17T02:12:50-05:00"sv}) {
    CAPTURE(same_instant);
    r.set_header("X-TIMESTAMP", same_instant);
    CHECK(w.server.verify(r).error() == errc::bad_signature);
  }
}

namespace {
// Signs at t0 and verifies at t0 + delta, for a profile in the given format.
template <class P>
errc verify_at(P profile, std::int64_t delta) {
  world<P> w(profile);
  request r = w.signed_order();
  w.clock.set(rs_test::t0 + delta);
  auto v = w.server.verify(r);
  return v ? errc::none_ : v.error();
}
}  // namespace

TEST_CASE("window edges: exactly at ±300 s accepted, one second past refused", "[request_signing][verifier]") {
  SECTION("ISO-8601 with offset (client_timestamp)") {
    CHECK(verify_at(client_timestamp{}, 0) == errc::none_);
    CHECK(verify_at(client_timestamp{}, 300) == errc::none_);
    CHECK(verify_at(client_timestamp{}, 301) == errc::stale_timestamp);
    CHECK(verify_at(client_timestamp{}, -300) == errc::none_);
    CHECK(verify_at(client_timestamp{}, -301) == errc::future_timestamp);
  }
  SECTION("ISO-8601 with milliseconds") {
    client_timestamp p(timestamp_format::iso8601_millis);
    CHECK(verify_at(p, 300) == errc::none_);
    CHECK(verify_at(p, 301) == errc::stale_timestamp);
    CHECK(verify_at(p, -300) == errc::none_);
    CHECK(verify_at(p, -301) == errc::future_timestamp);
  }
  SECTION("unix seconds (canonical_request)") {
    CHECK(verify_at(canonical_request{}, 300) == errc::none_);
    CHECK(verify_at(canonical_request{}, 301) == errc::stale_timestamp);
    CHECK(verify_at(canonical_request{}, -300) == errc::none_);
    CHECK(verify_at(canonical_request{}, -301) == errc::future_timestamp);
  }
  SECTION("a narrower window") {
    world<canonical_request> w(canonical_request{}, verifier_options{seconds(30)});
    request r = w.signed_order();
    w.clock.set(rs_test::t0 + 31);
    CHECK(w.server.verify(r).error() == errc::stale_timestamp);
    w.clock.set(rs_test::t0 + 30);
    CHECK(w.server.verify(r));
  }
}

TEST_CASE("the replay TTL outlives every moment the timestamp is accepted", "[request_signing][verifier]") {
  world<canonical_request> w;
  CHECK(w.server.options().replay_ttl == seconds(601));
  request r = w.signed_order();
  w.clock.set(rs_test::t0 - 300);  // first seen at the earliest accepted moment
  REQUIRE(w.server.verify(r));
  w.clock.set(rs_test::t0 + 300);  // replayed at the latest accepted moment
  CHECK(w.server.verify(r).error() == errc::replayed);

  world<canonical_request> longer(canonical_request{}, verifier_options{seconds(300), seconds(3600)});
  CHECK(longer.server.options().replay_ttl == seconds(3600));
  world<canonical_request> raised(canonical_request{}, verifier_options{seconds(120), seconds(10)});
  CHECK(raised.server.options().replay_ttl == seconds(241));
}

TEST_CASE("extreme windows and TTLs are bounded where they are configured", "[request_signing][verifier]") {
  // seconds::max() used to overflow in 2 * window (UBSan: signed overflow).
  world<canonical_request> wide(canonical_request{}, verifier_options{seconds::max(), seconds::max()});
  CHECK(wide.server.options().window == max_window);
  CHECK(wide.server.options().replay_ttl == core::max_duration);
  request r = wide.signed_order();
  CHECK(wide.server.verify(r));
  CHECK(wide.server.verify(r).error() == errc::replayed);
  world<canonical_request> negative(canonical_request{}, verifier_options{seconds::min(), seconds::min()});
  CHECK(negative.server.options().window == seconds(0));
  CHECK(negative.server.options().replay_ttl == seconds(1));
}

TEST_CASE("an unknown client, and a signature by someone else's key", "[request_signing][verifier]") {
  world<client_timestamp> w;
  request r = w.signed_order();
  r.set_header("X-CLIENT-ID", "partner-2");
  CHECK(w.server.verify(r).error() == errc::unknown_client);

  // partner-2 is registered, but the request is signed with partner-1's key.
  REQUIRE(w.clients.add_key("partner-2", rs_test::public_pem(rs_test::rsa_b())));
  auto mallory = signer<client_timestamp, core::manual_clock&>::create(
      "partner-2", rs_test::rsa_a(), signature_alg::rsa_pkcs1_sha256, client_timestamp{}, {}, w.clock);
  request m = rs_test::order_request();
  mallory->sign()->apply_to(m);
  CHECK(w.server.verify(m).error() == errc::bad_signature);

  // A client removed from the registry is unknown on the very next request.
  REQUIRE(w.clients.remove_client("partner-1"));
  CHECK(w.server.verify(w.signed_order()).error() == errc::unknown_client);
}

TEST_CASE("key rotation: old and new keys overlap, then the old one is withdrawn", "[request_signing][verifier]") {
  world<canonical_request> w;
  auto old_id = w.clients.find("partner-1").value()->keys.at(0).id;
  auto next = signer<canonical_request, core::manual_clock&>::create(
      "partner-1", rs_test::rsa_b(), signature_alg::rsa_pkcs1_sha256, canonical_request{}, {}, w.clock);
  REQUIRE(next);
  auto sign_with_new = [&] {
    request r = rs_test::order_request();
    next->sign(r)->apply_to(r);
    return r;
  };
  // Before the new key is registered, its signatures fail.
  CHECK(w.server.verify(sign_with_new()).error() == errc::bad_signature);
  auto new_id = w.clients.add_key("partner-1", rs_test::public_pem(rs_test::rsa_b()));
  REQUIRE(new_id);
  // During the overlap both keys verify, and the verifier says which one did.
  auto by_old = w.server.verify(w.signed_order());
  auto by_new = w.server.verify(sign_with_new());
  REQUIRE(by_old);
  REQUIRE(by_new);
  CHECK(by_old->key_id() == old_id);
  CHECK(by_new->key_id() == *new_id);
  // The old key is withdrawn: its signatures fail at once, the new key's keep working.
  REQUIRE(w.clients.remove_key("partner-1", old_id));
  CHECK(w.server.verify(w.signed_order()).error() == errc::bad_signature);
  CHECK(w.server.verify(sign_with_new()));
}

TEST_CASE("rotation across key types: each key verifies only under its own algorithm", "[request_signing][verifier]") {
  world<client_timestamp> w;
  REQUIRE(w.clients.add_key("partner-1", tessera_test::keys::ed25519_public_spki, signature_alg::ed25519));
  auto ed = signer<client_timestamp, core::manual_clock&>::create("partner-1", rs_test::ed25519(), signature_alg::ed25519,
                                                                  client_timestamp{}, {}, w.clock);
  request r = rs_test::order_request();
  ed->sign()->apply_to(r);
  auto ok = w.server.verify(r);
  REQUIRE(ok);
  CHECK(ok->key().algorithm == signature_alg::ed25519);
  // 64 bytes is no RSA-2048 signature size, 256 bytes no Ed25519 one: when no key has the size,
  // the cause is the length.
  request odd = rs_test::order_request();
  ed->sign()->apply_to(odd);
  w.clock.advance(seconds(1));
  odd.set_header("X-SIGNATURE", core::base64_encode(std::string(100, 'x')));
  CHECK(w.server.verify(odd).error() == errc::invalid_signature_length);
}

TEST_CASE("a 1024-bit RSA key is refused by default and accepted only with the explicit opt-in",
          "[request_signing][verifier]") {
  const auto pub1024 = tessera_test::keys::rsa1024_public_spki;
  memory_client_registry strict;
  CHECK(strict.add_key("legacy", pub1024).error() == errc::key_too_small);
  auto parsed = crypto::public_key::from_pem(pub1024, crypto::key_policy::dangerously_allow_rsa_bits(1024));
  REQUIRE(parsed);
  CHECK(strict.add_key("legacy", *parsed).error() == errc::key_too_small);  // the registry's policy decides

  memory_client_registry lenient(crypto::key_policy::dangerously_allow_rsa_bits(1024));
  REQUIRE(lenient.add_key("legacy", pub1024));
  core::memory_replay_store seen;
  core::manual_clock clock(rs_test::t0);
  verifier v(client_timestamp{}, lenient, seen, verifier_options{}, clock);
  auto s = signer<client_timestamp, core::manual_clock&>::create("legacy", rs_test::rsa1024(),
                                                                 signature_alg::rsa_pkcs1_sha256, client_timestamp{}, {}, clock);
  REQUIRE(s);
  request r("POST", "/api/v1/orders");
  s->sign()->apply_to(r);
  CHECK(v.verify(r));
}

TEST_CASE("registries and stores that cannot answer make the verifier fail closed", "[request_signing][verifier]") {
  world<canonical_request> w;
  const request r = w.signed_order();
  broken_registry down;
  verifier v1(canonical_request{}, down, w.seen, verifier_options{}, w.clock);
  CHECK(v1.verify(r).error() == errc::store_unavailable);
  verifier v2(canonical_request{}, w.clients, broken_store{}, verifier_options{}, w.clock);
  CHECK(v2.verify(r).error() == errc::store_unavailable);
  CHECK(w.server.verify(r));
}

TEST_CASE("CTAD holds lvalues by reference and rvalues by value", "[request_signing][verifier]") {
  memory_client_registry clients;
  core::memory_replay_store seen;
  verifier a(canonical_request{}, clients, seen);
  static_assert(std::is_same_v<decltype(a), verifier<canonical_request, memory_client_registry&, core::memory_replay_store&>>);
  verifier b(client_timestamp{}, clients, no_replay_protection{}, verifier_options{});
  static_assert(std::is_same_v<decltype(b), verifier<client_timestamp, memory_client_registry&, no_replay_protection>>);
  core::manual_clock clock;
  verifier c(canonical_request{}, clients, seen, verifier_options{}, clock);
  static_assert(std::is_same_v<decltype(c), verifier<canonical_request, memory_client_registry&,
                                                     core::memory_replay_store&, core::manual_clock&>>);
  CHECK(&c.registry() == &clients);
  CHECK(&c.replay_store() == &seen);
  CHECK(&c.clock() == &clock);
  static_assert(noexcept(a.verify(std::declval<const request&>())));
}
