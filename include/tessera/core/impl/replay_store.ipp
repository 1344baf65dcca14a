#pragma once
// The bodies of core/replay_store.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/core/replay_store.hpp"

namespace tessera::core {

TESSERA_DECL memory_replay_store::memory_replay_store(std::size_t capacity)
    : per_shard_cap_(capacity / shard_count + 1) {
  std::array<std::uint8_t, 16> k{};
  if (!random_fill(k)) throw std::runtime_error("memory_replay_store: no random hash key");
  key_.k0 = detail::load_le64(k.data());
  key_.k1 = detail::load_le64(k.data() + 8);
  cleanse(k.data(), k.size());
}

TESSERA_DECL auto memory_replay_store::remember(std::string_view key, std::chrono::system_clock::time_point now,
                                                std::chrono::seconds ttl) noexcept -> result<bool> {
  ttl = clamp_duration(ttl);
  try {
    const auto w = detail::siphash128(key_, key);
    const digest d{w[0], w[1]};
    shard& s = shards_[d.hi % shard_count];  // the table indexes by the other word
    std::lock_guard lock(s.mu);
    auto it = s.entries.find(d);
    if (it != s.entries.end()) {
      if (it->second > now) return false;
      it->second = now + ttl;
      return true;
    }
    // Sweep as the shard grows, and before refusing a key when full if some entry has expired
    // (earliest is a lower bound of every expiry, so a full shard of live keys is not rescanned).
    if (s.entries.size() >= s.next_sweep || (s.entries.size() >= per_shard_cap_ && s.earliest <= now)) sweep(s, now);
    if (s.entries.size() >= per_shard_cap_) return unexpected{errc::store_unavailable};
    s.entries.emplace(d, now + ttl);
    s.earliest = std::min(s.earliest, now + ttl);
    return true;
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_replay_store::size() const -> std::size_t {
  std::size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.entries.size();
  }
  return n;
}

TESSERA_DECL auto memory_replay_store::sweep(shard& s, std::chrono::system_clock::time_point now) -> void {
  auto earliest = std::chrono::system_clock::time_point::max();
  std::erase_if(s.entries, [&](const auto& e) {
    if (e.second <= now) return true;
    earliest = std::min(earliest, e.second);
    return false;
  });
  s.earliest = earliest;
  s.next_sweep = std::max<std::size_t>(1024, s.entries.size() * 2);
}

}  // namespace tessera::core
