#pragma once
// hiredis plumbing for tessera::redis: owned contexts, timeouts as timevals, a liveness probe
// for idle connections, and commands written without SIGPIPE.

#include <hiredis/hiredis.h>
#include <hiredis/sds.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
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

// Sends the commands a context holds (its output buffer) with send(MSG_NOSIGNAL): a write to a
// connection the server closed fails with EPIPE instead of raising SIGPIPE, whatever the process
// does with that signal, and costs no system call beyond the writes. False on an I/O error or a
// send timeout (SO_SNDTIMEO, which the command timeout sets); the context is then marked failed.
// redisGetReply afterwards finds nothing left to write and only reads.
inline bool flush_output(redisContext& c) noexcept {
  while (sdslen(c.obuf) > 0) {
    const ssize_t n = ::send(c.fd, c.obuf, sdslen(c.obuf), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      c.err = REDIS_ERR_IO;
      std::snprintf(c.errstr, sizeof c.errstr, "send: errno %d", errno);
      return false;
    }
    // What is left moves to the front; the buffer is kept for the next command. (With sds.h's
    // inline functions only: hiredis 0.14 declares the others without C linkage for C++.)
    const std::size_t left = sdslen(c.obuf) - static_cast<std::size_t>(n);
    if (left != 0) std::memmove(c.obuf, c.obuf + n, left);
    sdssetlen(c.obuf, left);
    c.obuf[left] = '\0';
  }
  return true;
}

}  // namespace tessera::redis::detail
