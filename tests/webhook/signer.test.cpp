// Tests for tessera/webhook/signer.hpp.
#include "tessera/webhook/signer.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/core/clock.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/timestamped_scheme.hpp"
#include "support/catch.hpp"

using namespace tessera;

namespace {
constexpr std::string_view old_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view new_secret = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM=";
}  // namespace

TEST_CASE("the signer timestamps with its clock and keeps the id across attempts", "[webhook][signer]") {
  core::manual_clock clock{1'700'000'000};
  auto ring = webhook::key_ring::from_secrets(webhook::standard_webhooks{}, {old_secret});
  REQUIRE(ring);
  webhook::signer s(webhook::standard_webhooks{}, *ring, clock);
  auto first = s.sign("msg_1", "{}");
  REQUIRE(first);
  CHECK(*first->find("webhook-timestamp") == "1700000000");
  clock.advance(std::chrono::seconds{30});
  auto retry = s.sign("msg_1", "{}");
  REQUIRE(retry);
  CHECK(*retry->find("webhook-id") == "msg_1");
  CHECK(*retry->find("webhook-timestamp") == "1700000030");
  CHECK(*retry->find("webhook-signature") != *first->find("webhook-signature"));
}

TEST_CASE("the signer produces a header map too", "[webhook][signer]") {
  auto ring = webhook::key_ring::from_secrets(webhook::standard_webhooks{}, {old_secret});
  REQUIRE(ring);
  webhook::signer s(webhook::standard_webhooks{}, *ring);
  auto m = s.sign_map("msg_1", "{}");
  REQUIRE(m);
  CHECK(m->size() == 3);
  CHECK(m->at("webhook-id") == "msg_1");
  CHECK(m->at("webhook-signature").starts_with("v1,"));
}

TEST_CASE("during rotation the signer signs with every active secret", "[webhook][signer]") {
  webhook::standard_webhooks sw;
  auto ring = webhook::key_ring::from_secrets(sw, {new_secret, old_secret});
  REQUIRE(ring);
  webhook::signer s(sw, *ring);
  auto h = s.sign_at("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})");
  REQUIRE(h);
  const std::string sig(*h->find("webhook-signature"));
  // Second entry: the reference signature of the old secret (see standard_webhooks.test.cpp).
  CHECK(sig.find(" v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=") != std::string::npos);
  CHECK(sig.starts_with("v1,"));
  CHECK(std::count(sig.begin(), sig.end(), ' ') == 1);

  webhook::timestamped_scheme ts("X-Sig");
  auto ring2 = webhook::key_ring::from_secrets(ts, {"first-secret-0123456789abcdef", "second-secret-0123456789abcdef"});
  REQUIRE(ring2);
  auto h2 = webhook::signer(ts, *ring2).sign_at("e", 1, "b");
  REQUIRE(h2);
  CHECK(std::string(*h2->find("X-Sig")).find(",v1=") != std::string::npos);
}

TEST_CASE("the signer refuses what it cannot sign", "[webhook][signer]") {
  webhook::signer empty(webhook::standard_webhooks{}, webhook::key_ring{});
  CHECK(empty.sign("msg_1", "{}").error() == errc::invalid_argument);
  auto ring = webhook::key_ring::from_secrets(webhook::standard_webhooks{}, {old_secret});
  REQUIRE(ring);
  webhook::signer s(webhook::standard_webhooks{}, *ring);
  CHECK(s.sign_at("msg_1", -1, "{}").error() == errc::invalid_argument);
}
