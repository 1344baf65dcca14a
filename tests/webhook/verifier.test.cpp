// Tests for tessera/webhook/verifier.hpp: round trips, rotation, the freshness window, duplicate
// deliveries, bodies as raw bytes, store failures and concurrent use of one replay store.
#include "tessera/webhook/verifier.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "tessera/core/clock.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/webhook/body_only_scheme.hpp"
#include "tessera/webhook/signer.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/timestamped_scheme.hpp"
#include "support/catch.hpp"

using namespace tessera;
using std::chrono::seconds;
using headers_t = std::vector<std::pair<std::string, std::string>>;

namespace {
constexpr std::int64_t t0 = 1'700'000'000;
constexpr std::string_view sw_old = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view sw_new = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM=";
constexpr std::string_view text_old = "old-partner-secret-0123456789abcdef";
constexpr std::string_view text_new = "new-partner-secret-0123456789abcdef";

template <class S>
webhook::key_ring ring(const S& s, std::initializer_list<std::string_view> secrets) {
  auto r = webhook::key_ring::from_secrets(s, secrets);
  REQUIRE(r);
  return std::move(*r);
}

// A store that cannot answer.
struct down_store {
  result<bool> remember(std::string_view, std::chrono::system_clock::time_point, seconds) const noexcept {
    return unexpected{errc::store_unavailable};
  }
};
static_assert(core::replay_store<down_store>);

// A Standard Webhooks sender and receiver sharing a manual clock and an in-memory replay store.
struct sw_pair {
  core::manual_clock clock{t0};
  core::memory_replay_store seen;
  webhook::signer<webhook::standard_webhooks, core::manual_clock&> sender{webhook::standard_webhooks{},
                                                                           ring(webhook::standard_webhooks{}, {sw_old}), clock};
  webhook::verifier<webhook::standard_webhooks, core::memory_replay_store&, core::manual_clock&> receiver{
      webhook::standard_webhooks{}, ring(webhook::standard_webhooks{}, {sw_old}), seen, webhook::verify_options{}, clock};
};
}  // namespace

static_assert(noexcept(std::declval<const webhook::verifier<>&>().verify(std::declval<const headers_t&>(),
                                                                           std::string_view())));

TEST_CASE("deduction holds a named store or clock by reference and a temporary one by value", "[webhook][verifier]") {
  core::memory_replay_store seen;
  core::manual_clock clock{t0};
  webhook::standard_webhooks sw;
  webhook::verifier a(sw, webhook::key_ring{}, seen);
  webhook::verifier b(sw, webhook::key_ring{}, webhook::no_replay_check{});
  webhook::verifier c(sw, webhook::key_ring{}, seen, webhook::verify_options{}, clock);
  webhook::signer d(sw, webhook::key_ring{}, clock);
  static_assert(std::is_same_v<decltype(a), webhook::verifier<webhook::standard_webhooks, core::memory_replay_store&,
                                                              core::coarse_clock>>);
  static_assert(std::is_same_v<decltype(b), webhook::verifier<webhook::standard_webhooks, webhook::no_replay_check,
                                                              core::coarse_clock>>);
  static_assert(std::is_same_v<decltype(c), webhook::verifier<webhook::standard_webhooks, core::memory_replay_store&,
                                                              core::manual_clock&>>);
  static_assert(std::is_same_v<decltype(d), webhook::signer<webhook::standard_webhooks, core::manual_clock&>>);
  CHECK(a.replay_ttl() == seconds{601});
}

TEST_CASE("each scheme round-trips through signer and verifier", "[webhook][verifier]") {
  core::manual_clock clock{t0};
  auto round_trip = [&](const auto& scheme, std::initializer_list<std::string_view> secrets, bool has_ts) {
    core::memory_replay_store seen;
    webhook::signer s(scheme, ring(scheme, secrets), clock);
    webhook::verifier v(scheme, ring(scheme, secrets), seen, webhook::verify_options{}, clock);
    auto h = s.sign("evt_123", R"({"type":"invoice.paid"})");
    REQUIRE(h);
    auto ok = v.verify(*h, R"({"type":"invoice.paid"})");
    REQUIRE(ok);
    CHECK(ok->key_index() == 0);
    CHECK(ok->timestamp().has_value() == has_ts);
    CHECK(v.verify(*h, R"({"type":"invoice.paid "})").error() == errc::no_valid_signature);
  };
  SECTION("Standard Webhooks") { round_trip(webhook::standard_webhooks{}, {sw_old}, true); }
  SECTION("t=/v1=") { round_trip(webhook::timestamped_scheme("X-Partner-Signature", "X-Partner-Delivery"), {text_old}, true); }
  SECTION("sha256=") { round_trip(webhook::body_only_scheme("X-Signature-256", "X-Delivery"), {text_old}, false); }
}

TEST_CASE("rotation: old and new secrets are both accepted, a removed one is refused", "[webhook][verifier]") {
  auto rotation = [](const auto& scheme, std::string_view old_s, std::string_view new_s) {
    core::manual_clock clock{t0};
    auto sign_with = [&](std::initializer_list<std::string_view> secrets, std::string_view id) {
      auto h = webhook::signer(scheme, ring(scheme, secrets), clock).sign(id, "body");
      REQUIRE(h);
      return std::move(*h);
    };
    const auto by_old = sign_with({old_s}, "d1");
    const auto by_new = sign_with({new_s}, "d2");
    const auto by_both = sign_with({new_s, old_s}, "d3");

    webhook::verifier during(scheme, ring(scheme, {new_s, old_s}), webhook::no_replay_check{}, webhook::verify_options{}, clock);
    auto a = during.verify(by_old, "body");
    REQUIRE(a);
    CHECK(a->key_index() == 1);  // an old key still in use
    auto b = during.verify(by_new, "body");
    REQUIRE(b);
    CHECK(b->key_index() == 0);
    CHECK(during.verify(by_both, "body"));

    webhook::verifier after(scheme, ring(scheme, {new_s}), webhook::no_replay_check{}, webhook::verify_options{}, clock);
    CHECK(after.verify(by_old, "body").error() == errc::no_valid_signature);
    CHECK(after.verify(by_new, "body"));
    CHECK(after.verify(by_both, "body"));  // the sender still signs with both: the new entry verifies
  };
  SECTION("Standard Webhooks") { rotation(webhook::standard_webhooks{}, sw_old, sw_new); }
  SECTION("t=/v1=") { rotation(webhook::timestamped_scheme("X-Sig", "X-Id"), text_old, text_new); }
  SECTION("sha256=") { rotation(webhook::body_only_scheme("X-Sig", "X-Id"), text_old, text_new); }
}

TEST_CASE("the tolerance edges: exactly ±tolerance passes, one second beyond fails", "[webhook][verifier]") {
  auto edges = [](const auto& scheme, std::string_view secret, seconds tol) {
    core::manual_clock clock{t0};
    webhook::verify_options o;
    o.tolerance = tol;
    webhook::verifier v(scheme, ring(scheme, {secret}), webhook::no_replay_check{}, o, clock);
    webhook::signer s(scheme, ring(scheme, {secret}));
    auto at = [&](std::int64_t ts) {
      auto h = s.sign_at("evt_1", ts, "{}");
      REQUIRE(h);
      return v.verify(*h, "{}");
    };
    const std::int64_t t = tol.count();
    CHECK(at(t0));
    CHECK(at(t0 - t));
    CHECK(at(t0 + t));
    CHECK(at(t0 - t - 1).error() == errc::stale_timestamp);
    CHECK(at(t0 + t + 1).error() == errc::future_timestamp);
    CHECK(at(t0 + 86400 * 365).error() == errc::future_timestamp);
    CHECK(at(0).error() == errc::stale_timestamp);
  };
  SECTION("Standard Webhooks, default 300 s") { edges(webhook::standard_webhooks{}, sw_old, webhook::default_tolerance); }
  SECTION("Standard Webhooks, 60 s") { edges(webhook::standard_webhooks{}, sw_old, seconds{60}); }
  SECTION("t=/v1=, default 300 s") { edges(webhook::timestamped_scheme("X-Sig"), text_old, seconds{300}); }
  SECTION("t=/v1=, 0 s") { edges(webhook::timestamped_scheme("X-Sig"), text_old, seconds{0}); }
}

TEST_CASE("the window follows the injected clock", "[webhook][verifier]") {
  sw_pair p;
  auto h = p.sender.sign("msg_clock", "{}");
  REQUIRE(h);
  p.clock.advance(seconds{301});
  CHECK(p.receiver.verify(*h, "{}").error() == errc::stale_timestamp);
  p.clock.advance(seconds{-602});
  CHECK(p.receiver.verify(*h, "{}").error() == errc::future_timestamp);
  p.clock.advance(seconds{301});
  CHECK(p.receiver.verify(*h, "{}"));
}

TEST_CASE("the visibly named option skips the freshness check, not the syntax or the signature",
          "[webhook][verifier]") {
  webhook::verify_options o;
  o.insecure_skip_timestamp_check = true;
  webhook::verifier v(webhook::standard_webhooks{}, ring(webhook::standard_webhooks{}, {sw_old}), webhook::no_replay_check{}, o);
  // The 2021 reference delivery, replayed today from storage.
  headers_t h{{"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
              {"webhook-timestamp", "1614265330"},
              {"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}};
  CHECK(v.verify(h, R"({"test": 2432232314})"));
  CHECK(v.verify(h, R"({"test": 2432232315})").error() == errc::no_valid_signature);
  h[1].second = "1614265330.0";
  CHECK(v.verify(h, R"({"test": 2432232314})").error() == errc::invalid_timestamp);

  webhook::verifier strict(webhook::standard_webhooks{}, ring(webhook::standard_webhooks{}, {sw_old}), webhook::no_replay_check{});
  h[1].second = "1614265330";
  CHECK(strict.verify(h, R"({"test": 2432232314})").error() == errc::stale_timestamp);
}

TEST_CASE("a delivery id already accepted is reported as a duplicate", "[webhook][verifier]") {
  sw_pair p;
  auto h = p.sender.sign("msg_dup", R"({"n":1})");
  REQUIRE(h);
  REQUIRE(p.receiver.verify(*h, R"({"n":1})"));

  SECTION("the same request again") { CHECK(p.receiver.verify(*h, R"({"n":1})").error() == errc::duplicate_delivery); }
  SECTION("a retry: same id, fresh timestamp and signature") {
    p.clock.advance(seconds{60});
    auto retry = p.sender.sign("msg_dup", R"({"n":1})");
    REQUIRE(retry);
    CHECK(p.receiver.verify(*retry, R"({"n":1})").error() == errc::duplicate_delivery);
  }
  SECTION("a forged request reusing the id is not authentic, so it is not a duplicate") {
    CHECK(p.receiver.verify(*h, R"({"n":2})").error() == errc::no_valid_signature);
  }
  SECTION("another id is not a duplicate") {
    auto other = p.sender.sign("msg_other", R"({"n":1})");
    REQUIRE(other);
    CHECK(p.receiver.verify(*other, R"({"n":1})"));
  }
  SECTION("ids are remembered for at least twice the tolerance") {
    CHECK(p.receiver.replay_ttl() == seconds{601});
    p.clock.advance(seconds{599});
    auto retry = p.sender.sign("msg_dup", R"({"n":1})");
    REQUIRE(retry);
    CHECK(p.receiver.verify(*retry, R"({"n":1})").error() == errc::duplicate_delivery);
    p.clock.advance(seconds{2});
    auto late = p.sender.sign("msg_dup", R"({"n":1})");
    REQUIRE(late);
    CHECK(p.receiver.verify(*late, R"({"n":1})"));
  }
}

TEST_CASE("the replay window is never shorter than twice the tolerance plus one second", "[webhook][verifier]") {
  core::memory_replay_store seen;
  auto sw = webhook::standard_webhooks{};
  webhook::verify_options o;
  o.tolerance = seconds{120};
  o.replay_ttl = seconds{10};
  CHECK(webhook::verifier(sw, ring(sw, {sw_old}), seen, o).replay_ttl() == seconds{241});
  o.replay_ttl = seconds{3600};
  CHECK(webhook::verifier(sw, ring(sw, {sw_old}), seen, o).replay_ttl() == seconds{3600});
  o.tolerance = seconds{0};
  o.replay_ttl = seconds{0};
  CHECK(webhook::verifier(sw, ring(sw, {sw_old}), seen, o).replay_ttl() == seconds{1});
}

TEST_CASE("replay namespaces keep receivers apart in one shared store", "[webhook][verifier]") {
  core::manual_clock clock{t0};
  core::memory_replay_store shared;
  auto sw = webhook::standard_webhooks{};
  webhook::verify_options a, b;
  a.replay_namespace = "subscription-a";
  b.replay_namespace = "subscription-b";
  webhook::verifier va(sw, ring(sw, {sw_old}), shared, a, clock);
  webhook::verifier vb(sw, ring(sw, {sw_old}), shared, b, clock);
  auto h = webhook::signer(sw, ring(sw, {sw_old}), clock).sign("msg_1", "{}");
  REQUIRE(h);
  CHECK(va.verify(*h, "{}"));
  CHECK(vb.verify(*h, "{}"));
  CHECK(va.verify(*h, "{}").error() == errc::duplicate_delivery);
}

TEST_CASE("with an unsigned id, an exact resend is a duplicate whatever id it carries", "[webhook][verifier]") {
  core::manual_clock clock{t0};
  core::memory_replay_store seen;
  webhook::timestamped_scheme s("X-Partner-Signature", "X-Partner-Delivery");
  webhook::verifier v(s, ring(s, {text_old}), seen, webhook::verify_options{}, clock);
  webhook::signer sg(s, ring(s, {text_old}), clock);
  auto h = sg.sign("dlv_1", "{}");
  REQUIRE(h);
  REQUIRE(v.verify(*h, "{}"));
  // The captured request, replayed with a made-up id.
  headers_t forged{{"X-Partner-Delivery", "dlv_2"}, {"X-Partner-Signature", std::string(*h->find("X-Partner-Signature"))}};
  CHECK(v.verify(forged, "{}").error() == errc::duplicate_delivery);
  // ...and that attempt did not reserve dlv_2 for the real sender.
  clock.advance(seconds{1});
  auto real = sg.sign("dlv_2", "{}");
  REQUIRE(real);
  CHECK(v.verify(*real, "{}"));
  // A retry of dlv_1 (fresh timestamp, new signature) is a duplicate by its id.
  auto retry = sg.sign("dlv_1", "{}");
  REQUIRE(retry);
  CHECK(v.verify(*retry, "{}").error() == errc::duplicate_delivery);
}

TEST_CASE("bodies are bytes: empty, NUL bytes, invalid UTF-8", "[webhook][verifier]") {
  sw_pair p;
  const std::string empty;
  const std::string nul("a\0b\0\0c", 6);
  const std::string bad_utf8 = "\xff\xfe\xc3\x28\xa0\xa1\xe2\x82\xf0\x28\x8c\xbc";
  int n = 0;
  for (const std::string* body : {&empty, &nul, &bad_utf8}) {
    CAPTURE(n);
    auto h = p.sender.sign("msg_bytes_" + std::to_string(n++), *body);
    REQUIRE(h);
    CHECK(p.receiver.verify(*h, "x").error() == errc::no_valid_signature);  // tried first: not remembered
    auto ok = p.receiver.verify(*h, *body);
    CHECK(ok);
  }
  // A NUL-truncated or re-encoded body is a different message.
  auto h = p.sender.sign("msg_nul", nul);
  REQUIRE(h);
  CHECK(p.receiver.verify(*h, std::string_view("a")).error() == errc::no_valid_signature);
  auto h2 = p.sender.sign("msg_utf8", bad_utf8);
  REQUIRE(h2);
  CHECK(p.receiver.verify(*h2, "\xef\xbf\xbd\xef\xbf\xbd").error() == errc::no_valid_signature);
}

TEST_CASE("a 16 MiB body signs and verifies", "[webhook][verifier]") {
  sw_pair p;
  std::string body(16u << 20, '\0');
  for (std::size_t i = 0; i < body.size(); i += 4096) body[i] = static_cast<char>(i >> 12);
  auto h = p.sender.sign("msg_huge", body);
  REQUIRE(h);
  CHECK(p.receiver.verify(*h, body));
}

TEST_CASE("a store that cannot answer fails closed", "[webhook][verifier]") {
  auto sw = webhook::standard_webhooks{};
  webhook::verifier v(sw, ring(sw, {sw_old}), down_store{});
  auto h = webhook::signer(sw, ring(sw, {sw_old})).sign("msg_1", "{}");
  REQUIRE(h);
  CHECK(v.verify(*h, "{}").error() == errc::store_unavailable);
}

TEST_CASE("no_replay_check opts out of duplicate detection, visibly", "[webhook][verifier]") {
  auto sw = webhook::standard_webhooks{};
  webhook::verifier v(sw, ring(sw, {sw_old}), webhook::no_replay_check{});
  auto h = webhook::signer(sw, ring(sw, {sw_old})).sign("msg_1", "{}");
  REQUIRE(h);
  CHECK(v.verify(*h, "{}"));
  CHECK(v.verify(*h, "{}"));
}

TEST_CASE("an empty key ring verifies nothing", "[webhook][verifier]") {
  auto sw = webhook::standard_webhooks{};
  webhook::verifier v(sw, webhook::key_ring{}, webhook::no_replay_check{});
  auto h = webhook::signer(sw, ring(sw, {sw_old})).sign("msg_1", "{}");
  REQUIRE(h);
  CHECK(v.verify(*h, "{}").error() == errc::no_valid_signature);
}

TEST_CASE("concurrent receivers accept each delivery exactly once", "[webhook][verifier][concurrency]") {
  core::manual_clock clock{t0};
  core::memory_replay_store seen;
  auto sw = webhook::standard_webhooks{};
  webhook::verifier v(sw, ring(sw, {sw_old}), seen, webhook::verify_options{}, clock);
  webhook::signer s(sw, ring(sw, {sw_old}), clock);

  constexpr int deliveries = 64;
  constexpr int threads = 4;
  std::vector<webhook::header_list> signed_headers;
  for (int i = 0; i < deliveries; ++i) {
    auto h = s.sign("msg_" + std::to_string(i), "{\"i\":" + std::to_string(i) + "}");
    REQUIRE(h);
    signed_headers.push_back(std::move(*h));
  }
  std::vector<std::atomic<int>> accepted(deliveries);
  std::atomic<int> duplicates{0}, other{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int k = 0; k < deliveries; ++k) {
        const int i = (k + t * 7) % deliveries;  // threads start at different deliveries
        auto r = v.verify(signed_headers[static_cast<std::size_t>(i)], "{\"i\":" + std::to_string(i) + "}");
        if (r) accepted[static_cast<std::size_t>(i)].fetch_add(1);
        else if (r.error() == errc::duplicate_delivery) duplicates.fetch_add(1);
        else other.fetch_add(1);
      }
    });
  }
  for (auto& th : pool) th.join();
  for (int i = 0; i < deliveries; ++i) CHECK(accepted[static_cast<std::size_t>(i)].load() == 1);
  CHECK(duplicates.load() == deliveries * (threads - 1));
  CHECK(other.load() == 0);
}

TEST_CASE("a delivery first seen at the earliest accepted instant is a duplicate at the latest", "[webhook][verifier]") {
  auto edges = [](const auto& scheme, std::string_view secret, seconds tol) {
    core::manual_clock clock{t0};
    core::memory_replay_store seen;
    webhook::verify_options o;
    o.tolerance = tol;
    webhook::verifier v(scheme, ring(scheme, {secret}), seen, o, clock);
    auto h = webhook::signer(scheme, ring(scheme, {secret})).sign_at("evt_edge", t0, "{}");
    REQUIRE(h);
    clock.set(t0 - tol.count());  // the timestamp is as far ahead as it may be
    REQUIRE(v.verify(*h, "{}"));
    clock.set(t0 + tol.count());  // and now as far behind
    CHECK(v.verify(*h, "{}").error() == errc::duplicate_delivery);
    auto retry = webhook::signer(scheme, ring(scheme, {secret})).sign_at("evt_edge", t0, "{}");
    REQUIRE(retry);
    CHECK(v.verify(*retry, "{}").error() == errc::duplicate_delivery);
  };
  SECTION("Standard Webhooks, default 300 s") { edges(webhook::standard_webhooks{}, sw_old, webhook::default_tolerance); }
  SECTION("Standard Webhooks, 0 s") { edges(webhook::standard_webhooks{}, sw_old, seconds{0}); }
  SECTION("t=/v1=, unsigned id, 60 s") { edges(webhook::timestamped_scheme("X-Sig", "X-Id"), text_old, seconds{60}); }
}

TEST_CASE("senders sharing one replay store cannot claim each other's delivery ids", "[webhook][verifier]") {
  core::manual_clock clock{t0};
  core::memory_replay_store shared;
  auto sw = webhook::standard_webhooks{};
  // Two subscriptions, each with its own secret, and no replay_namespace set.
  webhook::verifier from_a(sw, ring(sw, {sw_old}), shared, webhook::verify_options{}, clock);
  webhook::verifier from_b(sw, ring(sw, {sw_new}), shared, webhook::verify_options{}, clock);
  auto by_a = webhook::signer(sw, ring(sw, {sw_old}), clock).sign("msg_X", "{}");
  auto by_b = webhook::signer(sw, ring(sw, {sw_new}), clock).sign("msg_X", "{}");
  REQUIRE(by_a);
  REQUIRE(by_b);
  REQUIRE(from_a.verify(*by_a, "{}"));
  CHECK(from_b.verify(*by_b, "{}"));  // B's genuine delivery is not A's duplicate
  CHECK(from_a.verify(*by_a, "{}").error() == errc::duplicate_delivery);
  CHECK(from_b.verify(*by_b, "{}").error() == errc::duplicate_delivery);

  SECTION("rotation keeps one memory: a retry signed with the new key is still a duplicate") {
    core::memory_replay_store seen;
    webhook::verifier before(sw, ring(sw, {sw_old}), seen, webhook::verify_options{}, clock);
    webhook::verifier during(sw, ring(sw, {sw_new, sw_old}), seen, webhook::verify_options{}, clock);
    webhook::verifier after(sw, ring(sw, {sw_new}), seen, webhook::verify_options{}, clock);
    auto r_old = webhook::signer(sw, ring(sw, {sw_old}), clock).sign("msg_R", "{}");
    auto r_new = webhook::signer(sw, ring(sw, {sw_new}), clock).sign("msg_R", "{}");
    auto s_new = webhook::signer(sw, ring(sw, {sw_new}), clock).sign("msg_S", "{}");
    REQUIRE(r_old);
    REQUIRE(r_new);
    REQUIRE(s_new);
    REQUIRE(before.verify(*r_old, "{}"));
    CHECK(during.verify(*r_new, "{}").error() == errc::duplicate_delivery);
    REQUIRE(during.verify(*s_new, "{}"));
    CHECK(after.verify(*s_new, "{}").error() == errc::duplicate_delivery);
  }
  SECTION("an explicit namespace still wins: verifiers naming the same one share their memory") {
    webhook::verify_options same;
    same.replay_namespace = "partner";
    webhook::verifier a(sw, ring(sw, {sw_old}), shared, same, clock);
    webhook::verifier b(sw, ring(sw, {sw_new}), shared, same, clock);
    auto z_a = webhook::signer(sw, ring(sw, {sw_old}), clock).sign("msg_Z", "{}");
    auto z_b = webhook::signer(sw, ring(sw, {sw_new}), clock).sign("msg_Z", "{}");
    REQUIRE(z_a);
    REQUIRE(z_b);
    REQUIRE(a.verify(*z_a, "{}"));
    CHECK(b.verify(*z_b, "{}").error() == errc::duplicate_delivery);
  }
}

namespace {
// A store that records every key it is asked to remember.
struct recording_store {
  std::vector<std::string>* keys;
  result<bool> remember(std::string_view key, std::chrono::system_clock::time_point, seconds) noexcept {
    keys->emplace_back(key);
    return true;
  }
};
static_assert(core::replay_store<recording_store>);
}  // namespace

TEST_CASE("replay store keys never hold secret material", "[webhook][verifier]") {
  std::vector<std::string> keys;
  auto sw = webhook::standard_webhooks{};
  webhook::timestamped_scheme ts("X-Sig", "X-Id");
  webhook::verifier v(sw, ring(sw, {sw_old}), recording_store{&keys});
  webhook::verifier u(ts, ring(ts, {text_old}), recording_store{&keys});
  auto h = webhook::signer(sw, ring(sw, {sw_old})).sign("msg_1", "{}");
  auto g = webhook::signer(ts, ring(ts, {text_old})).sign("dlv_1", "{}");
  REQUIRE(h);
  REQUIRE(g);
  REQUIRE(v.verify(*h, "{}"));
  REQUIRE(u.verify(*g, "{}"));
  REQUIRE(keys.size() == 3);  // the signed id; the signature, then the unsigned id
  const std::string sw_key = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";  // sw_old's base64 secret
  for (const auto& k : keys) {
    CAPTURE(k);
    CHECK(k.find(sw_key) == std::string::npos);
    CHECK(k.find(text_old) == std::string::npos);
    CHECK(k.find("partner-secret") == std::string::npos);
  }
  CHECK(keys[0].ends_with("msg_1"));
  CHECK(keys[2].ends_with("dlv_1"));
}

TEST_CASE("extreme tolerance and replay TTL values are bounded, without overflow", "[webhook][verifier]") {
  core::manual_clock clock{t0};
  core::memory_replay_store seen;
  auto sw = webhook::standard_webhooks{};
  webhook::verify_options o;
  o.tolerance = seconds::max();
  o.replay_ttl = seconds::max();
  webhook::verifier v(sw, ring(sw, {sw_old}), seen, o, clock);
  CHECK(v.replay_ttl() == core::max_duration);
  auto h = webhook::signer(sw, ring(sw, {sw_old})).sign_at("msg_far", t0 - webhook::max_tolerance.count(), "{}");
  REQUIRE(h);
  REQUIRE(v.verify(*h, "{}"));
  CHECK(v.verify(*h, "{}").error() == errc::duplicate_delivery);

  o.tolerance = seconds::min();
  o.replay_ttl = seconds::min();
  webhook::verifier w(sw, ring(sw, {sw_old}), seen, o, clock);
  CHECK(w.replay_ttl() == seconds{1});
  auto now = webhook::signer(sw, ring(sw, {sw_old}), clock).sign("msg_now", "{}");
  REQUIRE(now);
  CHECK(w.verify(*now, "{}"));
}

TEST_CASE("an unsigned-id delivery resent with only another key's signature is still a duplicate",
          "[webhook][verifier]") {
  // During a rotation the sender signs with both keys; a captured delivery re-sent with only the
  // old key's tag (and a made-up id, which is not signed) must not be new: replays are keyed on
  // what was signed, never on the signature's bytes.
  const webhook::body_only_scheme scheme("X-Sig", "X-Id");
  core::manual_clock clock{t0};
  core::memory_replay_store seen;
  webhook::verifier v(scheme, ring(scheme, {text_new, text_old}), seen, webhook::verify_options{}, clock);
  auto both = webhook::signer(scheme, ring(scheme, {text_new, text_old}), clock).sign("d1", "body");
  auto old_only = webhook::signer(scheme, ring(scheme, {text_old}), clock).sign("d2", "body");
  REQUIRE(both);
  REQUIRE(old_only);
  REQUIRE(v.verify(*both, "body"));
  CHECK(v.verify(*old_only, "body").error() == errc::duplicate_delivery);
  auto other_body = webhook::signer(scheme, ring(scheme, {text_old}), clock).sign("d3", "another body");
  CHECK(v.verify(*other_body, "another body"));  // another message is new
}
