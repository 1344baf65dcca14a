#pragma once
// The replay_store concept (remember an id or nonce once within a time-to-live) and its
// sharded in-memory model. Webhook receivers and request-signature verifiers share it.

#include <algorithm>
#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "tessera/config.hpp"
#include "tessera/core/cleanse.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/detail/siphash.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"

namespace tessera::core {

// Remembers keys (delivery ids, nonces, signatures) for a while, to spot a second use.
// Rules:
//  - remember(key, now, ttl) is atomic: of several concurrent calls with the same key inside
//    its time-to-live, exactly one returns true ("first seen") and the others false ("replay");
//  - a key remembered at t is reported as seen until at least t + ttl (a ttl beyond
//    core::max_duration may be shortened to it, a negative one counts as 0);
//  - it is noexcept; a backing store that cannot answer returns errc::store_unavailable, and
//    callers fail closed (refuse the request) on any error.
template <class S>
concept replay_store = requires(S& s, std::string_view key, std::chrono::system_clock::time_point now,
                                std::chrono::seconds ttl) {
  { s.remember(key, now, ttl) } noexcept -> std::same_as<result<bool>>;
};

// A thread-safe in-memory replay store: 16 independently locked shards (no global lock on the
// hot path), expired entries swept as shards grow, and a hard capacity beyond which it fails
// closed with store_unavailable rather than forget keys still inside their time-to-live.
// It holds a 128-bit digest of each key, not the key: SipHash-2-4 under a random key of its own
// (detail/siphash.hpp), so an entry takes about 60 bytes whatever the key's length, no nonce or
// signature stays in memory, and two keys are taken for one another only with probability 2^-128
// per pair, which nobody without the store's hash key can aim for.
class memory_replay_store {
 public:
  // capacity bounds the number of keys held at once, across all shards. Throws
  // std::runtime_error when no random hash key can be had.
  explicit memory_replay_store(std::size_t capacity = 1'000'000) : per_shard_cap_(capacity / shard_count + 1) {
    std::array<std::uint8_t, 16> k{};
    if (!random_fill(k)) throw std::runtime_error("memory_replay_store: no random hash key");
    key_.k0 = detail::load_le64(k.data());
    key_.k1 = detail::load_le64(k.data() + 8);
    cleanse(k.data(), k.size());
  }
  memory_replay_store(const memory_replay_store&) = delete;
  memory_replay_store& operator=(const memory_replay_store&) = delete;

  // True when key was not seen within its time-to-live (and is now remembered); false on a replay.
  // The time-to-live is clamped to [0, core::max_duration], so that now + ttl cannot overflow.
  result<bool> remember(std::string_view key, std::chrono::system_clock::time_point now,
                        std::chrono::seconds ttl) noexcept {
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
      if (s.entries.size() >= s.next_sweep || (s.entries.size() >= per_shard_cap_ && s.earliest <= now))
        sweep(s, now);
      if (s.entries.size() >= per_shard_cap_) return unexpected{errc::store_unavailable};
      s.entries.emplace(d, now + ttl);
      s.earliest = std::min(s.earliest, now + ttl);
      return true;
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Number of keys currently held (expired ones included until swept).
  std::size_t size() const {
    std::size_t n = 0;
    for (auto& s : shards_) {
      std::lock_guard lock(s.mu);
      n += s.entries.size();
    }
    return n;
  }

 private:
  static constexpr std::size_t shard_count = 16;
  // A key's digest, and its hash in the table (one word of a keyed PRF: already uniform).
  struct digest {
    std::uint64_t lo = 0, hi = 0;
    bool operator==(const digest&) const noexcept = default;
  };
  struct digest_hash {
    std::size_t operator()(const digest& d) const noexcept { return static_cast<std::size_t>(d.lo); }
  };
  struct alignas(config::shard_alignment) shard {  // one per cache line pair: no false sharing
    mutable std::mutex mu;
    std::unordered_map<digest, std::chrono::system_clock::time_point, digest_hash> entries;
    std::size_t next_sweep = 1024;
    std::chrono::system_clock::time_point earliest = std::chrono::system_clock::time_point::max();
  };
  // Drops expired entries; the next sweep happens when the shard has doubled from what is left.
  void sweep(shard& s, std::chrono::system_clock::time_point now) {
    auto earliest = std::chrono::system_clock::time_point::max();
    std::erase_if(s.entries, [&](const auto& e) {
      if (e.second <= now) return true;
      earliest = std::min(earliest, e.second);
      return false;
    });
    s.earliest = earliest;
    s.next_sweep = std::max<std::size_t>(1024, s.entries.size() * 2);
  }

  std::size_t per_shard_cap_;
  detail::siphash_key key_;
  std::array<shard, shard_count> shards_;
};
static_assert(replay_store<memory_replay_store>);

}  // namespace tessera::core
