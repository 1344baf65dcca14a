#pragma once
// tessera::webhook delivery log — what happened to each delivery attempt, listed per
// subscription for the server's API or console: the log concept and its bounded in-memory model.
// An entry holds no body, header, signature or secret, so it is safe to show and to log.

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "tessera/config.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/string_hash.hpp"

namespace tessera::webhook {

// Where a delivery stands after an entry.
enum class delivery_state {
  pending,    // the attempt failed; another is due at next_attempt_at
  delivered,  // the receiver answered 2xx
  failed,     // the attempts or the maximum age are used up
  gone,       // the receiver answered 410 Gone (or its subscription ended that way): never retried
  cancelled,  // the subscription was deactivated or removed before the delivery went out
};

// The stable snake_case name of a state, for JSON.
constexpr std::string_view name(delivery_state s) noexcept {
  switch (s) {
    case delivery_state::pending: return "pending";
    case delivery_state::delivered: return "delivered";
    case delivery_state::failed: return "failed";
    case delivery_state::gone: return "gone";
    case delivery_state::cancelled: return "cancelled";
  }
  return "failed";
}

// One attempt of one delivery (attempt 0: the delivery ended before any attempt).
struct delivery_entry {
  std::string subscription_id;  // the subscription it went to
  std::string delivery_id;      // the delivery (message) id, the same on every attempt
  std::string event_type;       // the event's type
  unsigned attempt = 0;         // 1 for the first attempt; 0 when none was made
  int http_status = 0;          // the receiver's status; 0 when there was no answer
  errc error = errc::none_;     // why there was no answer (connection_failed, url_not_allowed, ...)
  std::chrono::system_clock::time_point attempted_at{};  // when, by the dispatcher's clock
  std::chrono::milliseconds latency{0};                  // how long the HTTP exchange took
  std::optional<std::chrono::system_clock::time_point> next_attempt_at;  // set while pending
  delivery_state state = delivery_state::pending;  // where the delivery stands after this entry
  bool test = false;  // a test event sent on request

  // The entry as JSON: ids, type, attempt, http_status, error (name or null), attempted_at and
  // next_attempt_at (Unix seconds or null), latency_ms, state, test. Json is nlohmann::json: a
  // caller includes <nlohmann/json.hpp>, which this header does not need.
  template <class Json = nlohmann::json>
  Json to_json() const {
    Json j = {{"subscription_id", subscription_id},
              {"delivery_id", delivery_id},
              {"event_type", event_type},
              {"attempt", attempt},
              {"http_status", http_status},
              {"attempted_at", core::unix_seconds(attempted_at)},
              {"latency_ms", latency.count()},
              {"state", std::string(name(state))},
              {"test", test}};
    j["error"] = error == errc::none_ ? Json(nullptr) : Json(std::string(core::name(error)));
    j["next_attempt_at"] = next_attempt_at ? Json(core::unix_seconds(*next_attempt_at)) : Json(nullptr);
    return j;
  }
};

// Where delivery entries are kept for listing.
// Rules: append() and list() are noexcept and thread-safe; append() never fails the delivery (a
// log that cannot keep an entry drops it); list() returns at most `limit` entries of one
// subscription, newest first (an unknown subscription has none); memory is bounded: old entries
// are dropped, never the process.
template <class L>
concept delivery_log = requires(L& l, const L& cl, const delivery_entry& e, std::string_view id, std::size_t n) {
  { l.append(e) } noexcept -> std::same_as<void>;
  { cl.list(id, n) } noexcept -> std::same_as<result<std::vector<delivery_entry>>>;
};

// The in-memory delivery log: the last per_subscription entries of each of the most recently
// active max_subscriptions subscriptions (so at most their product in all).
class memory_delivery_log {
 public:
  // A log keeping per_subscription entries for each of up to max_subscriptions subscriptions.
  explicit memory_delivery_log(std::size_t per_subscription = 100, std::size_t max_subscriptions = 10000)
      : per_sub_(std::max<std::size_t>(per_subscription, 1)), max_subs_(std::max<std::size_t>(max_subscriptions, 1)) {}

  // Keeps an entry, dropping the subscription's oldest beyond the limit and the least recently
  // written subscription beyond max_subscriptions.
  void append(const delivery_entry& e) noexcept;

  // Up to `limit` entries of a subscription, newest first.
  result<std::vector<delivery_entry>> list(std::string_view subscription_id, std::size_t limit) const noexcept;

  // The number of entries kept in all.
  std::size_t size() const noexcept;

 private:
  struct node {
    std::deque<delivery_entry> entries;
    std::list<std::string>::iterator pos;  // in recent_
  };
  std::size_t per_sub_, max_subs_;
  mutable std::mutex mu_;
  std::list<std::string> recent_;  // subscription ids, most recently written first
  std::unordered_map<std::string, node, core::string_hash, std::equal_to<>> subs_;
};
static_assert(delivery_log<memory_delivery_log>);

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/delivery_log.ipp"
#endif
