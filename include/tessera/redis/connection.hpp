#pragma once
// The connection pool every tessera::redis store borrows from: a few hiredis synchronous
// contexts shared by many threads, with connect and command timeouts, reconnection after the
// server restarts, optional AUTH (password, or ACL user and password) and SELECT, and the key
// prefix of one deployment.
//
// Failure model: every failure (refused or timed-out connect, AUTH refused, a command that times
// out, a broken socket, a protocol error, every connection lent for longer than the command
// timeout) is errc::store_unavailable, and the stores built on the pool turn it into a refusal:
// they fail closed. A connection on which a command failed is closed, never reused; the next
// acquire() opens a new one. Idle connections are probed (one poll(), no round trip) before
// reuse, so connections the server closed while idle (a restart) are replaced, not failed on.
// After a failed connect, acquire() fails at once for `reconnect_backoff`, so an outage costs
// one connect attempt per backoff period instead of one per request.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/redis/command.hpp"
#include "tessera/redis/detail/hiredis.hpp"

namespace tessera::redis {

// How a pool reaches Redis (a single primary: every store's "visible at once" relies on reads
// and writes going to the same server; Redis Cluster is not supported).
struct options {
  std::string host = "127.0.0.1";                     // TCP host (name or address)
  int port = 6379;                                    // TCP port
  std::string unix_socket;                            // when set, connect to this socket path instead
  std::chrono::milliseconds connect_timeout{250};     // TCP connect (and AUTH/SELECT) bound
  std::chrono::milliseconds command_timeout{250};     // per read/write on a connection, and the longest wait for a free one
  std::chrono::milliseconds reconnect_backoff{100};   // after a failed connect, fail fast this long
  std::size_t max_connections = 16;                   // connections open at once (lent and idle)
  std::string key_prefix = "tessera:";                // every key of this deployment starts with it
  std::string username;                               // ACL user for AUTH (empty: the default user)
  core::secret password;                              // AUTH password (empty: no AUTH)
  int database = 0;                                   // SELECT this database when not 0
  bool tcp_keepalive = true;                          // SO_KEEPALIVE on TCP connections
};

// A pool's counters, for tests, benchmarks and metrics (each read separately, relaxed).
struct pool_stats {
  std::uint64_t connects = 0;          // connections opened and set up
  std::uint64_t connect_failures = 0;  // connect or set-up attempts that failed
  std::uint64_t round_trips = 0;       // batches of commands sent and answered (one network round trip each)
  std::uint64_t dropped = 0;           // connections closed after an error or found closed when idle
  std::size_t open = 0;                // connections open now (lent and idle)
  std::size_t idle = 0;                // connections idle in the pool now
};

class connection_pool;

// One pooled connection, borrowed: handed back to the pool when the lease ends, or closed if a
// command on it failed. One thread uses a lease at a time; it must end before its pool does.
class lease {
 public:
  // Takes over another lease's connection.
  lease(lease&& o) noexcept : pool_(std::exchange(o.pool_, nullptr)), ctx_(std::move(o.ctx_)), broken_(o.broken_) {}
  lease& operator=(lease&&) = delete;
  lease(const lease&) = delete;
  lease& operator=(const lease&) = delete;
  // Hands the connection back to the pool, or closes it when a command on it failed.
  inline ~lease();

  // Sends the commands in one write and reads one reply for each into `out` (out.size() must
  // equal cmds.size()): one round trip. Error replies ("-ERR ...") are replies, and leave the
  // connection usable; an invalid command, an I/O error, a timeout or a protocol error return
  // store_unavailable and close the connection when the lease ends.
  inline result<void> exec(std::span<command> cmds, std::span<reply> out) noexcept;
  // Sends one command and reads its reply: one round trip.
  result<reply> exec(command c) noexcept {
    reply r;
    if (auto e = exec(std::span<command>(&c, 1), std::span<reply>(&r, 1)); !e) return unexpected{e.error()};
    return r;
  }
  // The key prefix of the pool's deployment.
  inline std::string_view prefix() const noexcept;

 private:
  friend class connection_pool;
  lease(connection_pool& p, detail::context_ptr c) noexcept : pool_(&p), ctx_(std::move(c)) {}
  connection_pool* pool_;
  detail::context_ptr ctx_;
  bool broken_ = false;
};

// A thread-safe pool of connections to one Redis server. Connections open lazily (a pool
// created while Redis is down works once it is up) and at most max_connections are open.
class connection_pool {
 public:
  // A pool with these settings; nothing is connected yet. Out-of-range values are clamped
  // (at least one connection, timeouts of at least 1 ms, database 0 when negative).
  explicit connection_pool(options o) : opts_(std::move(o)) {
    opts_.max_connections = std::max<std::size_t>(1, opts_.max_connections);
    opts_.connect_timeout = std::max(opts_.connect_timeout, std::chrono::milliseconds(1));
    opts_.command_timeout = std::max(opts_.command_timeout, std::chrono::milliseconds(1));
    opts_.reconnect_backoff = std::max(opts_.reconnect_backoff, std::chrono::milliseconds(0));
    opts_.database = std::max(opts_.database, 0);
    database_text_ = std::to_string(opts_.database);
  }
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;
  // Closes the idle connections (every lease must have ended).
  ~connection_pool() = default;

  // Borrows a connection: an idle one still open, else a new one (connect, then AUTH and SELECT
  // in one round trip), waiting up to command_timeout while max_connections are all lent.
  // store_unavailable when none can be had.
  result<lease> acquire() noexcept {
    try {
      const auto deadline = std::chrono::steady_clock::now() + opts_.command_timeout;
      for (;;) {
        detail::context_ptr ctx;
        {
          std::unique_lock lock(mu_);
          if (!free_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < opts_.max_connections; }))
            return unexpected{errc::store_unavailable};
          if (idle_.empty()) {
            ++open_;  // a slot for the connection opened below, outside the lock
          } else {
            ctx = std::move(idle_.back());
            idle_.pop_back();
          }
        }
        if (ctx) {
          if (detail::still_open(*ctx)) return lease(*this, std::move(ctx));
          discard(std::move(ctx));  // closed while idle: try the next one, or open a new one
          continue;
        }
        auto fresh = connect();
        if (!fresh) {
          release_slot();
          return unexpected{fresh.error()};
        }
        return lease(*this, std::move(*fresh));
      }
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Borrows a connection and calls fn(lease&), which returns a result; store_unavailable when
  // no connection can be had. What fn throws propagates (the lease is handed back first).
  template <class Fn>
  auto with_connection(Fn&& fn) noexcept(noexcept(fn(std::declval<lease&>()))) -> decltype(fn(std::declval<lease&>())) {
    auto l = acquire();
    if (!l) return unexpected{l.error()};
    return fn(*l);
  }

  // Opens a connection outside the pool, set up like the pool's (AUTH, SELECT, timeouts), for a
  // caller that keeps it for itself (a listener); it does not count against max_connections.
  result<detail::context_ptr> open_dedicated() noexcept {
    auto c = open_and_set_up();
    (c ? connects_ : connect_failures_).fetch_add(1, std::memory_order_relaxed);
    return c;
  }

  // The key prefix of this deployment.
  std::string_view prefix() const noexcept { return opts_.key_prefix; }
  // How long acquire() fails fast after a failed connect.
  std::chrono::milliseconds reconnect_backoff() const noexcept { return opts_.reconnect_backoff; }
  // The command timeout (also the longest wait for a free connection).
  std::chrono::milliseconds command_timeout() const noexcept { return opts_.command_timeout; }

  // A snapshot of the counters.
  pool_stats stats() const noexcept {
    pool_stats s;
    s.connects = connects_.load(std::memory_order_relaxed);
    s.connect_failures = connect_failures_.load(std::memory_order_relaxed);
    s.round_trips = round_trips_.load(std::memory_order_relaxed);
    s.dropped = dropped_.load(std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    s.open = open_;
    s.idle = idle_.size();
    return s;
  }

 private:
  friend class lease;
  using steady = std::chrono::steady_clock;

  // Opens and sets up one connection (no lock held).
  result<detail::context_ptr> connect() noexcept {
    const auto now = steady::now().time_since_epoch().count();
    if (now < no_connect_before_.load(std::memory_order_relaxed)) return unexpected{errc::store_unavailable};
    auto c = open_and_set_up();
    if (!c) {
      connect_failures_.fetch_add(1, std::memory_order_relaxed);
      no_connect_before_.store(
          (steady::now() + opts_.reconnect_backoff).time_since_epoch().count(), std::memory_order_relaxed);
      return c;
    }
    connects_.fetch_add(1, std::memory_order_relaxed);
    return c;
  }

  // Connects, then AUTH and SELECT when configured (one round trip), then sets the command timeout.
  result<detail::context_ptr> open_and_set_up() noexcept {
    const timeval connect_tv = detail::to_timeval(opts_.connect_timeout);
    detail::context_ptr c(opts_.unix_socket.empty()
                              ? redisConnectWithTimeout(opts_.host.c_str(), opts_.port, connect_tv)
                              : redisConnectUnixWithTimeout(opts_.unix_socket.c_str(), connect_tv));
    if (!c || c->err != 0) return unexpected{errc::store_unavailable};
    // AUTH and SELECT run under the connect timeout; commands afterwards under the command timeout.
    if (redisSetTimeout(c.get(), connect_tv) != REDIS_OK) return unexpected{errc::store_unavailable};
    if (opts_.tcp_keepalive && opts_.unix_socket.empty()) (void)redisEnableKeepAlive(c.get());
    std::array<command, 2> setup;
    std::size_t n = 0;
    if (!opts_.password.empty()) {
      setup[n] = command{"AUTH"};
      if (!opts_.username.empty()) setup[n].push(opts_.username);
      setup[n].push(opts_.password.expose_secret_text());
      ++n;
    }
    if (opts_.database != 0) setup[n++] = command{"SELECT", database_text_};
    if (n > 0) {
      std::array<reply, 2> replies;
      lease probe(*this, std::move(c));
      auto r = probe.exec(std::span<command>(setup.data(), n), std::span<reply>(replies.data(), n));
      c = std::move(probe.ctx_);
      probe.pool_ = nullptr;  // the context is not the pool's yet: nothing to hand back
      if (!r) return unexpected{errc::store_unavailable};
      for (std::size_t i = 0; i < n; ++i)
        if (!is_ok(*replies[i])) return unexpected{errc::store_unavailable};
    }
    if (redisSetTimeout(c.get(), detail::to_timeval(opts_.command_timeout)) != REDIS_OK)
      return unexpected{errc::store_unavailable};
    return c;
  }

  // Takes back a healthy connection.
  void give_back(detail::context_ptr c) noexcept {
    {
      std::lock_guard lock(mu_);
      try {
        idle_.push_back(std::move(c));
      } catch (...) {
        --open_;  // no room to keep it: close it (c is still owned here)
      }
    }
    free_.notify_one();
  }
  // Closes a broken connection and frees its slot.
  void discard(detail::context_ptr c) noexcept {
    c.reset();
    dropped_.fetch_add(1, std::memory_order_relaxed);
    release_slot();
  }
  // Frees the slot of a connection that is gone (or was never opened).
  void release_slot() noexcept {
    {
      std::lock_guard lock(mu_);
      --open_;
    }
    free_.notify_one();
  }

  options opts_;
  std::string database_text_;
  mutable std::mutex mu_;
  std::condition_variable free_;
  std::vector<detail::context_ptr> idle_;
  std::size_t open_ = 0;
  std::atomic<std::int64_t> no_connect_before_{0};
  std::atomic<std::uint64_t> connects_{0}, connect_failures_{0}, round_trips_{0}, dropped_{0};
};

inline lease::~lease() {
  if (!pool_ || !ctx_) return;
  if (broken_ || ctx_->err != 0) pool_->discard(std::move(ctx_));
  else pool_->give_back(std::move(ctx_));
}

inline std::string_view lease::prefix() const noexcept { return pool_ ? pool_->prefix() : std::string_view{}; }

inline result<void> lease::exec(std::span<command> cmds, std::span<reply> out) noexcept {
  if (!ctx_ || broken_ || cmds.size() != out.size() || cmds.empty()) return unexpected{errc::store_unavailable};
  for (auto& c : cmds)
    if (!c.valid()) return unexpected{errc::store_unavailable};
  for (auto& c : cmds) {
    if (redisAppendCommandArgv(ctx_.get(), c.argc(), c.argv(), c.lengths()) != REDIS_OK) {
      broken_ = true;  // part of a batch may sit in the output buffer
      return unexpected{errc::store_unavailable};
    }
  }
  // Written here, never by hiredis: a closed connection fails with EPIPE, not SIGPIPE.
  if (!detail::flush_output(*ctx_)) {
    broken_ = true;
    return unexpected{errc::store_unavailable};
  }
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_.get(), &raw) != REDIS_OK || raw == nullptr) {
      broken_ = true;
      return unexpected{errc::store_unavailable};
    }
    out[i].reset(static_cast<redisReply*>(raw));
  }
  if (pool_) pool_->round_trips_.fetch_add(1, std::memory_order_relaxed);
  return core::ok();
}

}  // namespace tessera::redis
