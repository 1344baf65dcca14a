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
  explicit memory_replay_store(std::size_t capacity = 1'000'000);
  memory_replay_store(const memory_replay_store&) = delete;
  memory_replay_store& operator=(const memory_replay_store&) = delete;

  // True when key was not seen within its time-to-live (and is now remembered); false on a replay.
  // The time-to-live is clamped to [0, core::max_duration], so that now + ttl cannot overflow.
  result<bool> remember(std::string_view key, std::chrono::system_clock::time_point now,
                        std::chrono::seconds ttl) noexcept;

  // Number of keys currently held (expired ones included until swept).
  std::size_t size() const;

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
  void sweep(shard& s, std::chrono::system_clock::time_point now);

  std::size_t per_shard_cap_;
  detail::siphash_key key_;
  std::array<shard, shard_count> shards_;
};
static_assert(replay_store<memory_replay_store>);

}  // namespace tessera::core

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/core/impl/replay_store.ipp"
#endif
