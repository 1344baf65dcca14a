#pragma once
// redis::tracked_cache — a bounded local cache of values read from Redis, kept coherent by Redis
// itself. A listener thread holds one connection on which it turns on server-assisted
// invalidation (CLIENT TRACKING on REDIRECT <itself> BCAST PREFIX ..., Redis 6 or later) and
// subscribes to __redis__:invalidate. From then on every write to a key under the tracked
// prefixes, by any client of that Redis, drops the key from every instance's cache.
//
// The staleness bound. An entry is served only while the listener is subscribed and Redis has
// answered, within the last max_staleness, a PING the listener sent (one every max_staleness / 4;
// the answer is dated when its PING was sent, so it vouches that every invalidation Redis sent
// before then has been applied). Redis sends the invalidation in the same turn of
// its event loop as the writer's reply, so a change is normally seen by every instance as soon
// as the writer's call returns, plus one network hop. When the listener's connection breaks,
// stalls or falls behind, the cache stops serving within max_staleness (250 ms by default) and
// every lookup reads Redis again; so no instance serves a value more than max_staleness after it
// changed. The cache is emptied each time the listener subscribes again.
//
// Races. A value read from Redis is cached only if no invalidation and no loss of the listener
// happened between taking a ticket (before the read) and put() (after it): an invalidation
// that arrives before put() makes it a no-op, and one that arrives after it erases the entry.
//
// A Redis without CLIENT TRACKING (before 6.0), or an ACL user not allowed to use it, leaves
// the cache unused: every lookup reads Redis.

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tessera/core/read_mostly_mutex.hpp"
#include "tessera/core/string_hash.hpp"
#include "tessera/redis/command.hpp"
#include "tessera/redis/connection.hpp"

namespace tessera::redis {

// Whether and how a store keeps a local cache (off by default: every lookup reads Redis).
struct cache_options {
  bool enabled = false;                           // keep a local cache
  std::size_t max_entries = 10'000;               // entries held at most (an arbitrary one is evicted beyond)
  std::chrono::milliseconds max_staleness{250};   // longest time an entry is served without news from Redis
};

// A cache's counters, for tests and metrics.
struct cache_stats {
  bool live = false;                 // the listener is subscribed and has heard from Redis lately
  std::size_t entries = 0;           // entries held now
  std::uint64_t invalidations = 0;   // invalidation messages received
  std::uint64_t subscriptions = 0;   // times the listener (re)subscribed
};

// A local cache of V by Redis key name, invalidated by Redis (see the top of this header).
// Thread-safe; find() and ticket() take no exclusive lock.
template <class V>
class tracked_cache {
 public:
  // Starts the listener on a connection of its own, set up like the pool's; it tracks every key
  // that starts with one of `prefixes` (full key names, deployment prefix included).
  tracked_cache(connection_pool& pool, std::vector<std::string> prefixes, cache_options o)
      : pool_(&pool), prefixes_(std::move(prefixes)), opts_(o) {
    opts_.max_entries = std::max<std::size_t>(1, opts_.max_entries);
    opts_.max_staleness = std::max(opts_.max_staleness, std::chrono::milliseconds(4));
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) wake_[0] = wake_[1] = -1;
    listener_ = std::thread([this] { run(); });
  }
  tracked_cache(const tracked_cache&) = delete;
  tracked_cache& operator=(const tracked_cache&) = delete;
  // Stops the listener and closes its connection.
  ~tracked_cache() {
    stop_.store(true, std::memory_order_relaxed);
    if (wake_[1] >= 0) {
      const char b = 1;
      [[maybe_unused]] const auto n = ::write(wake_[1], &b, 1);
    }
    if (listener_.joinable()) listener_.join();
    for (int fd : wake_)
      if (fd >= 0) ::close(fd);
  }

  // True while entries may be served: subscribed, and news from Redis within max_staleness.
  bool live() const noexcept {
    if (!subscribed_.load(std::memory_order_acquire)) return false;
    return steady::now().time_since_epoch().count() - last_heard_.load(std::memory_order_acquire) < staleness_ticks();
  }

  // The cached value for a key, when the cache is live and holds one.
  std::optional<V> find(std::string_view key) const noexcept {
    if (!live()) return std::nullopt;
    std::shared_lock lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }

  // Calls fn(value) under the cache's shared lock when the cache is live and holds the key
  // (true then): the value is read in place, not copied. fn must be noexcept and must not call
  // back into the cache.
  template <class Fn>
  bool visit(std::string_view key, Fn&& fn) const noexcept {
    static_assert(std::is_nothrow_invocable_v<Fn&, const V&>, "visit() takes a noexcept function");
    if (!live()) return false;
    std::shared_lock lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    fn(it->second);
    return true;
  }

  // Taken before reading a value from Redis, handed to put() after: 0 when the cache is not live.
  std::uint64_t ticket() const noexcept { return live() ? epoch_.load(std::memory_order_acquire) : 0; }

  // Caches a value read from Redis after ticket() returned `t`, unless an invalidation or a loss
  // of the listener came in between (then nothing happens).
  void put(std::string_view key, V value, std::uint64_t t) noexcept {
    if (t == 0) return;
    try {
      std::unique_lock lock(mu_);
      if (t != epoch_.load(std::memory_order_relaxed)) return;
      if (map_.size() >= opts_.max_entries && !map_.contains(key)) map_.erase(map_.begin());
      map_.insert_or_assign(std::string(key), std::move(value));
    } catch (...) {
    }
  }

  // A snapshot of the counters.
  cache_stats stats() const noexcept {
    cache_stats s;
    s.live = live();
    s.invalidations = invalidations_.load(std::memory_order_relaxed);
    s.subscriptions = subscriptions_.load(std::memory_order_relaxed);
    std::shared_lock lock(mu_);
    s.entries = map_.size();
    return s;
  }

  // The settings in force.
  const cache_options& options() const noexcept { return opts_; }

 private:
  using steady = std::chrono::steady_clock;

  std::int64_t staleness_ticks() const noexcept {
    return std::chrono::duration_cast<steady::duration>(opts_.max_staleness).count();
  }
  // Redis was in touch as of `when` (the send time of a PING it has answered).
  void heard(steady::time_point when) noexcept {
    last_heard_.store(when.time_since_epoch().count(), std::memory_order_release);
  }

  // Empties the cache and voids every ticket taken so far; subscribed as of `since` when given.
  void reset(std::optional<steady::time_point> since) noexcept {
    std::unique_lock lock(mu_);
    map_.clear();
    epoch_.fetch_add(1, std::memory_order_acq_rel);
    if (since) heard(*since);
    subscribed_.store(since.has_value(), std::memory_order_release);
  }

  // The listener: subscribe, serve until the connection fails or stalls, go dark, retry.
  void run() noexcept {
    while (!stop_.load(std::memory_order_relaxed)) {
      const auto since = steady::now();
      auto c = pool_->open_dedicated();
      if (c && subscribe(**c)) {
        subscriptions_.fetch_add(1, std::memory_order_relaxed);
        reset(since);
        serve(**c);
      }
      reset(std::nullopt);
      wait(std::max(pool_->reconnect_backoff(), std::chrono::milliseconds(10)));
    }
  }

  // Turns on tracking of the prefixes, redirected to this connection, and subscribes to the
  // invalidation channel. False when Redis refuses or does not answer.
  bool subscribe(redisContext& c) noexcept {
    auto call = [&](std::vector<std::string_view> args) -> reply {
      std::vector<const char*> argv;
      std::vector<std::size_t> lens;
      for (auto a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
      }
      // Written by detail::flush_output, as the pool writes: a closed socket fails with EPIPE.
      void* raw = nullptr;
      if (redisAppendCommandArgv(&c, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK ||
          !detail::flush_output(c) || redisGetReply(&c, &raw) != REDIS_OK)
        return reply{};
      return reply(static_cast<redisReply*>(raw));
    };
    try {
      auto id = call({"CLIENT", "ID"});
      if (!id || id->type != REDIS_REPLY_INTEGER) return false;
      const std::string id_text = std::to_string(id->integer);
      std::vector<std::string_view> track{"CLIENT", "TRACKING", "on", "REDIRECT", id_text, "BCAST"};
      for (const auto& p : prefixes_) {
        track.push_back("PREFIX");
        track.push_back(p);
      }
      auto on = call(std::move(track));
      if (!on || !is_ok(*on)) return false;
      auto sub = call({"SUBSCRIBE", channel});
      return sub && sub->type == REDIS_REPLY_ARRAY && sub->elements == 3;
    } catch (...) {
      return false;
    }
  }

  // Reads messages until the connection fails, stays silent past max_staleness, or stop; one
  // PING at a time, every max_staleness / 4.
  void serve(redisContext& c) noexcept {
    const auto quiet = std::max(opts_.max_staleness / 4, std::chrono::milliseconds(1));
    auto last_ping = steady::now();
    bool ping_out = false;
    for (;;) {
      void* raw = nullptr;
      while (redisGetReplyFromReader(&c, &raw) == REDIS_OK && raw != nullptr) {
        reply r(static_cast<redisReply*>(raw));
        raw = nullptr;
        if (handle(*r) && ping_out) {
          ping_out = false;
          heard(last_ping);
        }
      }
      if (c.err != 0 || stop_.load(std::memory_order_relaxed)) return;
      const auto now = steady::now();
      if (now.time_since_epoch().count() - last_heard_.load(std::memory_order_relaxed) >= staleness_ticks()) return;
      if (!ping_out && now - last_ping >= quiet) {
        if (redisAppendCommand(&c, "PING") != REDIS_OK || !detail::flush_output(c)) return;
        last_ping = now;
        ping_out = true;
      }
      pollfd p[2]{{c.fd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      const int n = ::poll(p, wake_[0] >= 0 ? 2 : 1, static_cast<int>(quiet.count()));
      if (n < 0 && errno != EINTR) return;
      if (n > 0 && (p[1].revents & POLLIN)) return;
      if (n > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) && redisBufferRead(&c) != REDIS_OK) return;
    }
  }

  // One pushed message: an invalidation (some keys, or nil for all) is applied; true when it
  // is the answer to a PING (["pong", ""]).
  bool handle(const redisReply& r) noexcept {
    if (r.type != REDIS_REPLY_ARRAY || r.elements < 1) return false;
    const auto kind = as_string(*r.element[0]);
    if (!kind) return false;
    if (*kind == "pong") return true;
    if (*kind != "message" || r.elements != 3) return false;
    invalidations_.fetch_add(1, std::memory_order_relaxed);
    const redisReply& keys = *r.element[2];
    std::unique_lock lock(mu_);
    if (keys.type == REDIS_REPLY_ARRAY) {
      for (std::size_t i = 0; i < keys.elements; ++i)
        if (auto k = as_string(*keys.element[i])) map_.erase(std::string(*k));
    } else {
      map_.clear();  // nil: FLUSHDB, FLUSHALL, or keys too many to name
    }
    epoch_.fetch_add(1, std::memory_order_acq_rel);
    return false;
  }

  // Sleeps for d, or until stop.
  void wait(std::chrono::milliseconds d) noexcept {
    if (stop_.load(std::memory_order_relaxed)) return;
    pollfd p{wake_[0], POLLIN, 0};
    if (wake_[0] >= 0) (void)::poll(&p, 1, static_cast<int>(d.count()));
    else std::this_thread::sleep_for(d);
  }

  static constexpr std::string_view channel = "__redis__:invalidate";

  connection_pool* pool_;
  std::vector<std::string> prefixes_;
  cache_options opts_;
  mutable core::read_mostly_mutex mu_;
  std::unordered_map<std::string, V, core::string_hash, std::equal_to<>> map_;
  std::atomic<std::uint64_t> epoch_{1};
  std::atomic<bool> subscribed_{false};
  std::atomic<std::int64_t> last_heard_{0};
  std::atomic<std::uint64_t> invalidations_{0}, subscriptions_{0};
  std::atomic<bool> stop_{false};
  int wake_[2]{-1, -1};
  std::thread listener_;
};

}  // namespace tessera::redis
