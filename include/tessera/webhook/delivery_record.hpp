#pragma once
// tessera::webhook::delivery_record — what happened to one delivery attempt and what comes next,
// for a sender to log or audit. The library sends nothing itself: the host's HTTP client does.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "tessera/config.hpp"
#include "tessera/core/clock.hpp"

namespace tessera::webhook {

// How one attempt ended.
enum class delivery_outcome {
  delivered,        // the receiver answered 2xx
  retry_scheduled,  // it failed; another attempt is due at next_attempt_at
  gave_up,          // it failed and the attempts are used up
  endpoint_gone,    // the receiver answered 410 Gone: stop sending and disable the endpoint
};

// The stable snake_case name of an outcome, for logs and JSON.
constexpr std::string_view name(delivery_outcome o) noexcept {
  switch (o) {
    case delivery_outcome::delivered: return "delivered";
    case delivery_outcome::retry_scheduled: return "retry_scheduled";
    case delivery_outcome::gave_up: return "gave_up";
    case delivery_outcome::endpoint_gone: return "endpoint_gone";
  }
  return "unknown";
}

// True for an HTTP status that means the receiver took the delivery (2xx, Standard Webhooks).
constexpr bool is_success_status(int http_status) noexcept { return http_status >= 200 && http_status <= 299; }

// One attempt of one delivery. It holds no body, header or secret, so it is safe to log as is.
struct delivery_record {
  std::string event_id;  // the delivery id, the same on every attempt
  unsigned attempt = 1;  // 1 for the first attempt
  int http_status = 0;   // the receiver's status; 0 when there was none (timeout, connection error)
  std::chrono::system_clock::time_point attempted_at{};
  delivery_outcome outcome = delivery_outcome::gave_up;
  std::optional<std::chrono::system_clock::time_point> next_attempt_at;  // set when a retry is scheduled

  // The record as JSON: {"event_id","attempt","http_status","attempted_at","outcome","next_attempt_at"},
  // times in Unix seconds, next_attempt_at null when no retry is due. Json is nlohmann::json: a
  // caller includes <nlohmann/json.hpp>, which this header does not need.
  template <class Json = nlohmann::json>
  Json to_json() const {
    Json j = {{"event_id", event_id},
              {"attempt", attempt},
              {"http_status", http_status},
              {"attempted_at", core::unix_seconds(attempted_at)},
              {"outcome", std::string(name(outcome))}};
    j["next_attempt_at"] = next_attempt_at ? Json(core::unix_seconds(*next_attempt_at)) : Json(nullptr);
    return j;
  }
};

}  // namespace tessera::webhook
