#pragma once
// The bodies of credentials/concurrency_guard.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/credentials/concurrency_guard.hpp"

namespace tessera::credentials {

TESSERA_DECL auto concurrency_guard::try_acquire() noexcept -> result<permit> {
  try {
    std::lock_guard lock(mu_);
    if (in_use_ >= capacity_) return unexpected{errc::too_many_requests};
    ++in_use_;
    return permit(this);
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto concurrency_guard::acquire_for(std::chrono::milliseconds wait) noexcept -> result<permit> {
  try {
    std::unique_lock lock(mu_);
    if (in_use_ < capacity_) {
      ++in_use_;
      return permit(this);
    }
    if (wait.count() <= 0 || waiting_ >= max_waiting_) return unexpected{errc::too_many_requests};
    ++waiting_;
    const bool got = freed_.wait_for(lock, wait, [&] { return in_use_ < capacity_; });
    --waiting_;
    if (!got) return unexpected{errc::too_many_requests};
    ++in_use_;
    return permit(this);
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto concurrency_guard::give_back() noexcept -> void {
  {
    std::lock_guard lock(mu_);
    --in_use_;
  }
  freed_.notify_one();
}

}  // namespace tessera::credentials
