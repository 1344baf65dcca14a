#pragma once
// file_audit: an audit sink writing JSON lines (one JSON object per line, https://jsonlines.org)
// to an append-only file, rotated by size, for a log shipper to collect.
//
//   http::file_audit audit({.path = "/var/log/orders-api/audit.jsonl", .max_file_bytes = 64 << 20, .keep = 10});
//   http::authenticator auth(audit, limiter, {}, ...);      // every decision, one line each
//   audit.record(http::business_event(*who, "stock.adjust", "stock/sku-1", reason));
//
// A line, with every text cut to max_field bytes (audit_truncated marks a cut, never inside a
// UTF-8 sequence; bytes that are not UTF-8 become U+FFFD) and escaped as JSON (the very bytes
// nlohmann_json would write):
//   {"at":"2023-11-14T22:13:20.000Z","action":"stock.adjust","allowed":true,"cause":null,
//    "credential":"bearer_token","actor":"integration-17","tenant":"org_1","method":"PATCH",
//    "path":"/v2/orgs/org_1/stock/sku-1","target":"stock/sku-1","request_id":"req-9",
//    "reason":"cycle count"}
// "cause" is the errc's stable name when the event was refused (or carries a cause), else null.
//
// Rotation: before a line would take the file past max_file_bytes, file.jsonl becomes
// file.jsonl.1, file.jsonl.1 becomes file.jsonl.2, ... up to file.jsonl.<keep> (the oldest is
// overwritten), and a new file.jsonl is opened (mode 0600). A line longer than max_file_bytes
// still goes whole into a file of its own. One process owns the files: several processes
// appending to one path would rotate each other's files.
//
// record() is noexcept and thread-safe: the line is built outside the lock, then written with one
// write(2) per line (O_APPEND) under a lock it waits for at most max_wait; an event that cannot be
// written (lock not had in time, open or write failure, no memory) is dropped and counted. By
// default lines go to the kernel at once (no user-space buffer), so a crash loses none that
// record() wrote; sync() asks the disk to keep them too.
//
// With flush_interval above zero, record() only appends the line to a buffer in memory, and a
// thread of the sink's own writes what has gathered once per interval, one write(2) per group of
// lines (rotation still falls between lines, exactly as above). An append to a file costs a
// system call and the file system's work, about a tenth of a small request's whole cost on a busy
// server; gathered, it is paid once per interval. The price: a crash loses the lines of the last
// interval (a clean shutdown loses none: the destructor, flush() and sync() write them), and
// lines beyond max_pending_bytes waiting at once are dropped (counted). When the file cannot be opened, opening is retried at
// most once per reopen_interval. No text is judged secret here: what keeps credentials out of
// the trail is that the authenticator never puts them in an event (see audit_event).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "tessera/core/error.hpp"
#include "tessera/http/audit.hpp"
#include "tessera/http/detail/json_text.hpp"

namespace tessera::http {

// Settings of a file_audit.
struct audit_file_options {
  std::string path{};                                // the live file, e.g. "audit.jsonl"
  std::size_t max_file_bytes = std::size_t{64} << 20;  // rotate before a line takes the file past this (at least 1024)
  std::size_t keep = 5;                              // rotated files kept: path.1 (newest) .. path.<keep>; 0 keeps none
  std::size_t max_field = memory_audit::default_max_field;  // longest text per field, in bytes
  std::chrono::milliseconds max_wait{50};            // longest wait for the file lock before an event is dropped
  std::chrono::milliseconds reopen_interval{1000};   // after a failed open, the next attempt waits this long
  std::chrono::milliseconds flush_interval{0};       // 0: each line written at once; else gathered and written this often
  std::size_t max_pending_bytes = std::size_t{4} << 20;  // with flush_interval: most bytes of lines waiting at once
};

namespace detail {

// Appends `text` as a JSON string, cut to max_field bytes as detail::bounded_text cuts it.
inline void append_json_field(std::string& out, std::string_view text, std::size_t max_field) {
  out.push_back('"');
  if (text.size() <= max_field) {
    append_json_text(out, text);
  } else {
    append_json_text(out, text.substr(0, kept_before_cut(text, max_field)));
    append_json_text(out, audit_truncated);
  }
  out.push_back('"');
}

}  // namespace detail

// The JSON line (with its '\n') for an event, each text cut to max_field bytes; written
// directly, in one allocation.
inline std::string audit_json_line(const audit_event& e, std::size_t max_field = memory_audit::default_max_field) {
  max_field = std::max(max_field, audit_truncated.size());
  // RFC 3339 UTC with milliseconds.
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(e.at.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const int milli = static_cast<int>(ms - static_cast<std::int64_t>(secs) * 1000);
  std::tm tm{};
  char at[96] = "1970-01-01T00:00:00.000Z";  // room for any int the fields may hold
  if (gmtime_r(&secs, &tm) != nullptr)
    std::snprintf(at, sizeof at, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
  std::string line;
  line.reserve(256 + e.action.size() + e.actor.size() + e.tenant.size() + e.path.size() + e.target.size() +
               e.request_id.size() + e.reason.size());
  auto field = [&](std::string_view name, std::string_view value) {
    line.push_back(line.empty() ? '{' : ',');
    line.push_back('"');
    line += name;
    line += "\":";
    detail::append_json_field(line, value, max_field);
  };
  field("at", at);
  field("action", e.action);
  line += ",\"allowed\":";
  line += e.allowed ? "true" : "false";
  line += ",\"cause\":";
  if (e.cause == errc{}) {
    line += "null";
  } else {
    line.push_back('"');
    detail::append_json_text(line, core::name(e.cause));
    line.push_back('"');
  }
  field("credential", e.credential);
  field("actor", e.actor);
  field("tenant", e.tenant);
  field("method", e.method);
  field("path", e.path);
  field("target", e.target);
  field("request_id", e.request_id);
  field("reason", e.reason);
  line += "}\n";
  return line;
}

// An audit sink appending JSON lines to a file rotated by size (see the header comment).
class file_audit {
 public:
  // A sink writing to options.path (opened now; when that fails, on a later record()).
  explicit file_audit(audit_file_options options) : opts_(std::move(options)) {
    opts_.max_file_bytes = std::max<std::size_t>(opts_.max_file_bytes, 1024);
    opts_.max_field = std::max(opts_.max_field, audit_truncated.size());
    opts_.flush_interval = std::max(opts_.flush_interval, std::chrono::milliseconds{0});
    {
      std::lock_guard lock(mu_);
      open_locked();
    }
    if (opts_.flush_interval.count() > 0) flusher_ = std::thread([this] { flush_loop(); });
  }
  file_audit(const file_audit&) = delete;
  file_audit& operator=(const file_audit&) = delete;
  // Writes the lines still gathered, then closes the file.
  ~file_audit() {
    if (flusher_.joinable()) {
      {
        std::lock_guard lock(stop_mu_);
        stop_ = true;
      }
      stop_cv_.notify_all();
      flusher_.join();
      flush();
    }
    if (fd_ >= 0) ::close(fd_);
  }

  // Appends the event as one line, or drops it (counted) when it cannot be written in time.
  void record(const audit_event& e) noexcept {
    std::string line;
    try {
      line = audit_json_line(e, opts_.max_field);
    } catch (...) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (flusher_.joinable()) {
      std::unique_lock pending_lock(pending_mu_, std::defer_lock);
      if (!lock_within(pending_lock, opts_.max_wait) || pending_.size() + line.size() > opts_.max_pending_bytes) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      try {
        pending_ += line;
      } catch (...) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
      }
      return;
    }
    std::unique_lock lock(mu_, std::defer_lock);
    if (!lock_within(lock, opts_.max_wait)) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    write_lines_locked(line);
  }

  // Writes the lines gathered so far (with flush_interval; otherwise there are none).
  void flush() noexcept {
    std::lock_guard flushing(flush_mu_);  // one batch at a time, so batches keep their order
    {
      std::lock_guard pending_lock(pending_mu_);
      if (pending_.empty()) return;
      batch_.swap(pending_);
    }
    {
      std::lock_guard lock(mu_);
      write_lines_locked(batch_);
    }
    batch_.clear();  // keeps its capacity for the next batch
  }

  // Writes the lines gathered so far, then asks the disk to keep every line written (fdatasync);
  // false when it fails.
  bool sync() noexcept {
    flush();
    std::lock_guard lock(mu_);
    return fd_ >= 0 && ::fdatasync(fd_) == 0;
  }

  // Events written to the file (with flush_interval, once their batch is).
  std::uint64_t written() const noexcept { return written_.load(std::memory_order_relaxed); }
  // Events dropped (lock not had in time, file not open, write failed, no memory).
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  // Rotations done.
  std::uint64_t rotations() const noexcept { return rotations_.load(std::memory_order_relaxed); }
  // The settings (bounds applied).
  const audit_file_options& options() const noexcept { return opts_; }

 private:
  // Opens the live file for appending (lock held); false when it cannot, until reopen_interval passes.
  bool open_locked() noexcept {
    const auto now = std::chrono::steady_clock::now();
    if (now < no_open_before_) return false;
    // Read access too, only to see whether the file ends inside a line (pread of its last byte).
    const int fd = ::open(opts_.path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      if (fd >= 0) ::close(fd);
      no_open_before_ = now + opts_.reopen_interval;
      return false;
    }
    fd_ = fd;
    size_ = static_cast<std::size_t>(st.st_size);
    broken_line_ = size_ > 0 && !ends_with_newline(fd);
    return true;
  }

  // True when the file's last byte is '\n'.
  static bool ends_with_newline(int fd) noexcept {
    char c = 0;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size == 0) return true;
    return ::pread(fd, &c, 1, st.st_size - 1) == 1 && c == '\n';
  }

  // Shifts path.i to path.(i+1), path to path.1, and opens a new path (lock held).
  bool rotate_locked() noexcept {
    try {
      ::close(fd_);
      fd_ = -1;
      if (opts_.keep == 0) {
        ::unlink(opts_.path.c_str());
      } else {
        for (std::size_t i = opts_.keep; i-- > 1;) {
          const std::string from = opts_.path + "." + std::to_string(i);
          const std::string to = opts_.path + "." + std::to_string(i + 1);
          ::rename(from.c_str(), to.c_str());  // ENOENT for files not made yet: fine
        }
        ::rename(opts_.path.c_str(), (opts_.path + ".1").c_str());
      }
      rotations_.fetch_add(1, std::memory_order_relaxed);
      no_open_before_ = {};
      return open_locked();
    } catch (...) {
      return false;
    }
  }

  // Writes whole JSON lines (each ending in '\n'; '\n' appears nowhere else in a line),
  // rotating between two lines whenever the next would take the file past max_file_bytes, with
  // one write(2) per run of lines that fits (lock held). Counts each line written or dropped.
  void write_lines_locked(std::string_view text) noexcept {
    std::size_t at = 0;
    while (at < text.size()) {
      std::size_t next = text.find('\n', at);
      next = next == std::string_view::npos ? text.size() : next + 1;
      if (fd_ < 0 && !open_locked()) {  // this line and every one after it
        const auto rest = text.substr(at);
        dropped_.fetch_add(static_cast<std::uint64_t>(std::count(rest.begin(), rest.end(), '\n')),
                           std::memory_order_relaxed);
        return;
      }
      if (size_ > 0 && size_ + (next - at) > opts_.max_file_bytes && !rotate_locked()) {
        dropped_.fetch_add(1, std::memory_order_relaxed);  // this line; the next may find the file again
        at = next;
        continue;
      }
      // The run: this line, and those after it that still fit in the file.
      std::size_t end = next, count = 1;
      while (end < text.size()) {
        std::size_t after = text.find('\n', end);
        after = after == std::string_view::npos ? text.size() : after + 1;
        if (size_ + (after - at) > opts_.max_file_bytes) break;
        end = after;
        ++count;
      }
      if (broken_line_ && write_all("\n")) broken_line_ = false;  // end the fragment a failed write left
      const bool ok = !broken_line_ && write_all(text.substr(at, end - at));
      (ok ? written_ : dropped_).fetch_add(count, std::memory_order_relaxed);
      at = end;
    }
  }

  // With flush_interval: writes what has gathered once per interval, until the destructor stops it.
  void flush_loop() noexcept {
    std::unique_lock lock(stop_mu_);
    while (!stop_) {
      stop_cv_.wait_for(lock, opts_.flush_interval, [this] { return stop_; });
      lock.unlock();
      flush();
      lock.lock();
    }
  }

  // Writes the whole text (retrying short writes and EINTR); false on failure.
  bool write_all(std::string_view line) noexcept {
    std::size_t done = 0;
    while (done < line.size()) {
      const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (done > 0) broken_line_ = true;
        size_ += done;
        return false;
      }
      done += static_cast<std::size_t>(n);
    }
    size_ += done;
    return true;
  }

  audit_file_options opts_;
  // Takes the lock within `wait`: try_lock, then yields and short sleeps. A plain mutex rather than
  // std::timed_mutex, whose clock-based lock (pthread_mutex_clocklock) ThreadSanitizer cannot follow.
  static bool lock_within(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds wait) noexcept {
    if (lock.try_lock()) return true;
    const auto until = std::chrono::steady_clock::now() + wait;
    for (unsigned spins = 0;; ++spins) {
      if (spins < 64) std::this_thread::yield();
      else std::this_thread::sleep_for(std::chrono::microseconds(50));
      if (lock.try_lock()) return true;
      if (std::chrono::steady_clock::now() >= until) return false;
    }
  }

  std::mutex mu_;  // the file
  int fd_ = -1;
  std::size_t size_ = 0;
  bool broken_line_ = false;  // the file ends inside a line a failed write left
  std::chrono::steady_clock::time_point no_open_before_{};
  std::atomic<std::uint64_t> written_{0}, dropped_{0}, rotations_{0};
  // With flush_interval: the lines gathered (pending_mu_), the batch being written (flush_mu_),
  // and the thread writing them.
  std::mutex pending_mu_, flush_mu_;
  std::string pending_, batch_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread flusher_;
};
static_assert(audit_sink<file_audit>);

}  // namespace tessera::http
