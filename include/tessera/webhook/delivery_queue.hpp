#pragma once
// tessera::webhook delivery queue — where webhook deliveries wait for their next attempt: the
// pending delivery, the queue concept a dispatcher runs on, and its in-memory model (one process).
// A fleet shares one queue through redis::delivery_queue instead.

#include <chrono>
#include <concepts>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"

namespace tessera::webhook {

// A delivery waiting in the queue, as stop() hands it back and resume() takes it. It holds the
// payload but never a signature or secret: every attempt is signed when it is made.
struct pending_delivery {
  std::string delivery_id;                     // the same on every attempt
  std::string subscription_id;                 // where it goes
  std::string event_type;                      // the event's type
  std::shared_ptr<const std::string> payload;  // the body (shared between a fan-out's deliveries)
  unsigned attempts_made = 0;                  // attempts already made
  std::chrono::system_clock::time_point first_queued_at{};  // when it entered the queue first
  std::chrono::system_clock::time_point next_attempt_at{};  // when it is due
  std::string ticket{};  // the queue's handle while the delivery is taken (opaque; empty otherwise)
};

// What take_due() found: a delivery now in flight, or none, and when the earliest queued one is due.
struct taken_delivery {
  std::optional<pending_delivery> delivery;  // the delivery to attempt now, if one is due
  std::optional<std::chrono::system_clock::time_point> next_due;  // the earliest due time still queued
};

// Where deliveries wait.
// Rules:
//  - every member is noexcept and thread-safe; store_unavailable when a shared backend fails;
//  - push(batch, capacity) queues every delivery of the batch or none: queue_full when
//    size() + batch.size() would exceed capacity;
//  - take_due(now) takes the delivery due earliest, if it is due at or before now; it is then in
//    flight (still counted by size()) until finish() or requeue() is called with it. A shared
//    queue lends it for a bounded time: if its taker never comes back, another takes it again,
//    so deliveries are at least once (receivers deduplicate on the delivery id);
//  - requeue(d) puts an in-flight delivery back, due at d.next_attempt_at (no capacity check: it
//    was counted already); finish(d) forgets an in-flight delivery;
//  - drop_subscription(id) removes and returns the queued (not in-flight) deliveries of one
//    subscription;
//  - take_all() removes and returns what a stopping dispatcher hands back. A shared queue keeps
//    its deliveries for the other instances and returns none;
//  - size() counts queued and in-flight deliveries, queued() only the queued ones (0 when the
//    backend cannot say).
template <class Q>
concept delivery_queue =
    requires(Q& q, const Q& cq, std::vector<pending_delivery> batch, pending_delivery d, const pending_delivery& cd,
             std::size_t n, std::chrono::system_clock::time_point now, std::string_view id) {
      { q.push(std::move(batch), n) } noexcept -> std::same_as<result<void>>;
      { q.take_due(now) } noexcept -> std::same_as<result<taken_delivery>>;
      { q.requeue(std::move(d)) } noexcept -> std::same_as<result<void>>;
      { q.finish(cd) } noexcept -> std::same_as<void>;
      { q.drop_subscription(id) } noexcept -> std::same_as<result<std::vector<pending_delivery>>>;
      { q.take_all() } noexcept -> std::same_as<std::vector<pending_delivery>>;
      { cq.size() } noexcept -> std::same_as<std::size_t>;
      { cq.queued() } noexcept -> std::same_as<std::size_t>;
    };

// The in-memory delivery queue: deliveries ordered by due time under one mutex.
class memory_delivery_queue {
 public:
  // Queues the whole batch or nothing (queue_full).
  result<void> push(std::vector<pending_delivery> batch, std::size_t capacity) noexcept;

  // Takes the delivery due earliest when it is due by now.
  result<taken_delivery> take_due(std::chrono::system_clock::time_point now) noexcept;

  // Puts an in-flight delivery back, due at its next_attempt_at.
  result<void> requeue(pending_delivery d) noexcept;

  // Forgets an in-flight delivery.
  void finish(const pending_delivery&) noexcept {
    std::lock_guard lk(mu_);
    if (in_flight_ > 0) --in_flight_;
  }

  // Removes and returns the queued deliveries of one subscription.
  result<std::vector<pending_delivery>> drop_subscription(std::string_view subscription_id) noexcept;

  // Removes and returns every queued delivery, earliest due first.
  std::vector<pending_delivery> take_all() noexcept;

  // Deliveries queued or in flight.
  std::size_t size() const noexcept {
    std::lock_guard lk(mu_);
    return queue_.size() + in_flight_;
  }

  // Deliveries queued, not counting those in flight.
  std::size_t queued() const noexcept {
    std::lock_guard lk(mu_);
    return queue_.size();
  }

 private:
  mutable std::mutex mu_;
  std::multimap<std::chrono::system_clock::time_point, pending_delivery> queue_;  // by due time
  std::size_t in_flight_ = 0;
};
static_assert(delivery_queue<memory_delivery_queue>);

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/delivery_queue.ipp"
#endif
