#pragma once
// The bodies of webhook/delivery_queue.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/webhook/delivery_queue.hpp"

namespace tessera::webhook {

TESSERA_DECL auto memory_delivery_queue::push(std::vector<pending_delivery> batch, std::size_t capacity) noexcept
    -> result<void> {
  try {
    std::lock_guard lk(mu_);
    if (queue_.size() + in_flight_ + batch.size() > capacity) return unexpected{errc::queue_full};
    for (auto& d : batch) {
      d.ticket.clear();
      const auto due = d.next_attempt_at;
      queue_.emplace(due, std::move(d));
    }
    return core::ok();
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto memory_delivery_queue::take_due(std::chrono::system_clock::time_point now) noexcept
    -> result<taken_delivery> {
  try {
    std::lock_guard lk(mu_);
    taken_delivery t;
    if (!queue_.empty() && queue_.begin()->first <= now) {
      t.delivery = std::move(queue_.begin()->second);
      queue_.erase(queue_.begin());
      ++in_flight_;
    }
    if (!queue_.empty()) t.next_due = queue_.begin()->first;
    return t;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto memory_delivery_queue::requeue(pending_delivery d) noexcept -> result<void> {
  std::lock_guard lk(mu_);
  if (in_flight_ > 0) --in_flight_;
  try {
    const auto due = d.next_attempt_at;
    queue_.emplace(due, std::move(d));
    return core::ok();
  } catch (...) {
    return unexpected{errc::internal_error};  // out of memory: the retry is lost
  }
}

TESSERA_DECL auto memory_delivery_queue::drop_subscription(std::string_view subscription_id) noexcept
    -> result<std::vector<pending_delivery>> {
  try {
    std::vector<pending_delivery> out;
    std::lock_guard lk(mu_);
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (it->second.subscription_id == subscription_id) {
        out.push_back(std::move(it->second));
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto memory_delivery_queue::take_all() noexcept -> std::vector<pending_delivery> {
  std::vector<pending_delivery> out;
  std::lock_guard lk(mu_);
  try {
    out.reserve(queue_.size());
    for (auto& [due, d] : queue_) out.push_back(std::move(d));
  } catch (...) {
    // out of memory while handing back: what could not be moved is dropped
  }
  queue_.clear();
  return out;
}

}  // namespace tessera::webhook
