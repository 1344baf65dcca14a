// Tests for tessera/webhook/delivery_record.hpp.
#include "tessera/webhook/delivery_record.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

#include "support/catch.hpp"

using namespace tessera;

TEST_CASE("a delivery record serialises for logs and audit", "[webhook][delivery_record]") {
  webhook::delivery_record r;
  r.event_id = "evt_1";
  r.attempt = 2;
  r.http_status = 503;
  r.attempted_at = std::chrono::system_clock::time_point{} + std::chrono::seconds{1'700'000'000};
  r.outcome = webhook::delivery_outcome::retry_scheduled;
  r.next_attempt_at = r.attempted_at + std::chrono::seconds{90};
  auto j = r.to_json();
  CHECK(j["event_id"] == "evt_1");
  CHECK(j["attempt"] == 2);
  CHECK(j["http_status"] == 503);
  CHECK(j["attempted_at"] == 1'700'000'000);
  CHECK(j["outcome"] == "retry_scheduled");
  CHECK(j["next_attempt_at"] == 1'700'000'090);

  r.outcome = webhook::delivery_outcome::delivered;
  r.next_attempt_at.reset();
  CHECK(r.to_json()["next_attempt_at"].is_null());
}

TEST_CASE("outcomes have stable names and 2xx is success", "[webhook][delivery_record]") {
  CHECK(webhook::name(webhook::delivery_outcome::delivered) == "delivered");
  CHECK(webhook::name(webhook::delivery_outcome::retry_scheduled) == "retry_scheduled");
  CHECK(webhook::name(webhook::delivery_outcome::gave_up) == "gave_up");
  CHECK(webhook::name(webhook::delivery_outcome::endpoint_gone) == "endpoint_gone");
  CHECK(webhook::is_success_status(200));
  CHECK(webhook::is_success_status(299));
  CHECK_FALSE(webhook::is_success_status(199));
  CHECK_FALSE(webhook::is_success_status(300));
  CHECK_FALSE(webhook::is_success_status(0));
}
