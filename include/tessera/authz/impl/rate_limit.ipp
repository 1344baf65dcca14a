#pragma once
// The bodies of authz/rate_limit.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/authz/rate_limit.hpp"

namespace tessera::authz {

TESSERA_DECL auto token_bucket_limiter::acquire(std::string_view key,
                                                std::chrono::system_clock::time_point now) noexcept -> result<void> {
  try {
    auto& s = shards_[std::hash<std::string_view>{}(key) % shards];
    std::lock_guard lock(s.mu);
    auto it = s.buckets.find(key);
    if (it == s.buckets.end()) {
      if (s.buckets.size() >= per_shard_) drop_idle(s, now);
      if (s.buckets.size() >= per_shard_) return unexpected{errc::store_unavailable};
      it = s.buckets.emplace(std::string(key), bucket{burst_, now}).first;
    }
    bucket& b = it->second;
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    if (elapsed > 0) {
      b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
      b.last = now;
    }
    if (b.tokens < 1.0) return unexpected{errc::rate_limited};
    b.tokens -= 1.0;
    return core::ok();
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto token_bucket_limiter::drop_idle(shard& s, std::chrono::system_clock::time_point now) -> void {
  std::erase_if(s.buckets, [&](const auto& e) {
    return e.second.tokens + std::chrono::duration<double>(now - e.second.last).count() * rate_ >= burst_;
  });
}

}  // namespace tessera::authz
