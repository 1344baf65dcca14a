#pragma once
// hiredis plumbing for tessera::redis: owned contexts, timeouts as timevals, a liveness probe
// for idle connections, and SIGPIPE kept from the process while a socket is written.

#include <hiredis/hiredis.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <cerrno>
#include <chrono>
#include <memory>

namespace tessera::redis::detail {

// Frees a hiredis context (closing its socket).
struct context_deleter {
  void operator()(redisContext* c) const noexcept {
    if (c) redisFree(c);
  }
};
// An owned hiredis synchronous context.
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

// A duration as the timeval hiredis takes (at least 1 ms: a zero timeval means "no timeout").
inline timeval to_timeval(std::chrono::milliseconds d) noexcept {
  if (d.count() < 1) d = std::chrono::milliseconds(1);
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(d.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((d.count() % 1000) * 1000);
  return tv;
}

// True when an idle connection still looks open: an idle RESP2 connection never has bytes to
// read, so a readable socket means the server closed it (a restart, a client timeout) or sent
// something unexpected; either way it must not be used. One poll() with no wait.
inline bool still_open(const redisContext& c) noexcept {
  if (c.err != 0 || c.fd < 0) return false;
  pollfd p{};
  p.fd = c.fd;
  p.events = POLLIN;
  int n;
  do {
    n = ::poll(&p, 1, 0);
  } while (n < 0 && errno == EINTR);
  return n == 0;
}

// Blocks SIGPIPE in the calling thread while it lives, and discards a SIGPIPE raised meanwhile
// (a write to a socket the server closed), so that a library call never kills the process. A
// SIGPIPE already pending when it started is left pending. When the process ignores SIGPIPE (as
// most servers do), such a write only fails with EPIPE, and the guard does nothing: one system
// call to read the disposition instead of four to block, check and restore.
class sigpipe_guard {
 public:
  // Blocks SIGPIPE in this thread (when enabled and not ignored by the process).
  explicit sigpipe_guard(bool enabled) noexcept {
    if (!enabled) return;
    struct sigaction now {};
    if (::sigaction(SIGPIPE, nullptr, &now) == 0 && !(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_IGN) return;
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    was_pending_ = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    active_ = pthread_sigmask(SIG_BLOCK, &pipe_, &old_) == 0;
  }
  sigpipe_guard(const sigpipe_guard&) = delete;
  sigpipe_guard& operator=(const sigpipe_guard&) = delete;
  // Discards a SIGPIPE raised meanwhile and restores the thread's signal mask.
  ~sigpipe_guard() {
    if (!active_) return;
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
        const timespec zero{};
        while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
  bool active_ = false;
};

}  // namespace tessera::redis::detail
