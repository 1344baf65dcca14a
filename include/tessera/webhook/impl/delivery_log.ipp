#pragma once
// The bodies of webhook/delivery_log.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/webhook/delivery_log.hpp"

namespace tessera::webhook {

TESSERA_DECL auto memory_delivery_log::append(const delivery_entry& e) noexcept -> void {
  try {
    std::lock_guard lk(mu_);
    auto it = subs_.find(e.subscription_id);
    if (it == subs_.end()) {
      recent_.push_front(e.subscription_id);
      it = subs_.try_emplace(e.subscription_id, node{{}, recent_.begin()}).first;
      if (subs_.size() > max_subs_) {
        subs_.erase(subs_.find(recent_.back()));
        recent_.pop_back();
      }
    } else {
      recent_.splice(recent_.begin(), recent_, it->second.pos);
    }
    auto& q = it->second.entries;
    q.push_back(e);
    while (q.size() > per_sub_) q.pop_front();
  } catch (...) {
    // dropped: logging never fails a delivery
  }
}

TESSERA_DECL auto memory_delivery_log::list(std::string_view subscription_id, std::size_t limit) const noexcept
    -> result<std::vector<delivery_entry>> {
  try {
    std::lock_guard lk(mu_);
    std::vector<delivery_entry> out;
    auto it = subs_.find(subscription_id);
    if (it == subs_.end()) return out;
    const auto& q = it->second.entries;
    for (auto e = q.rbegin(); e != q.rend() && out.size() < limit; ++e) out.push_back(*e);
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto memory_delivery_log::size() const noexcept -> std::size_t {
  std::lock_guard lk(mu_);
  std::size_t n = 0;
  for (const auto& [id, node] : subs_) n += node.entries.size();
  return n;
}

}  // namespace tessera::webhook
