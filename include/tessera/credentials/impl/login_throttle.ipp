#pragma once
// The bodies of credentials/login_throttle.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/credentials/login_throttle.hpp"

namespace tessera::credentials {

TESSERA_DECL auto memory_login_throttle::admit(std::string_view id, std::chrono::system_clock::time_point now) noexcept
    -> result<void> {
  try {
    shard& s = shard_of(id);
    std::lock_guard lock(s.mu);
    auto it = s.runs.find(id);
    if (it != s.runs.end() && it->second.locked_until > now) return unexpected{errc::too_many_failed_logins};
    return core::ok();
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_login_throttle::failed(std::string_view id, std::chrono::system_clock::time_point now) noexcept
    -> void {
  try {
    shard& s = shard_of(id);
    std::lock_guard lock(s.mu);
    auto it = s.runs.find(id);
    if (it == s.runs.end()) {
      if (s.runs.size() >= per_shard_cap_) make_room(s, now);
      it = s.runs.emplace(std::string(id), run{}).first;
    } else if (now - it->second.last > opts_.forget_after) {
      it->second = run{};
    }
    run& r = it->second;
    r.last = now;
    if (++r.failures >= opts_.max_failures) {
      r.locked_until = now + opts_.lockout;
      r.failures = 0;  // after the lock-out, another full run is needed
    }
  } catch (...) {  // out of memory: this failure goes uncounted
  }
}

TESSERA_DECL auto memory_login_throttle::succeeded(std::string_view id) noexcept -> void {
  shard& s = shard_of(id);
  std::lock_guard lock(s.mu);
  auto it = s.runs.find(id);
  if (it != s.runs.end()) s.runs.erase(it);
}

TESSERA_DECL auto memory_login_throttle::size() const -> std::size_t {
  std::size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.runs.size();
  }
  return n;
}

}  // namespace tessera::credentials
