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

#include "tessera/config.hpp"
#include "tessera/core/error.hpp"
#include "tessera/http/audit.hpp"
#include "tessera/detail/json_text.hpp"

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
TESSERA_DECL void append_json_field(std::string& out, std::string_view text, std::size_t max_field);

}  // namespace detail

// The JSON line (with its '\n') for an event, each text cut to max_field bytes; written
// directly, in one allocation.
TESSERA_DECL std::string audit_json_line(const audit_event& e, std::size_t max_field = memory_audit::default_max_field);

// An audit sink appending JSON lines to a file rotated by size (see the header comment).
class file_audit {
 public:
  // A sink writing to options.path (opened now; when that fails, on a later record()).
  explicit file_audit(audit_file_options options);
  file_audit(const file_audit&) = delete;
  file_audit& operator=(const file_audit&) = delete;
  // Writes the lines still gathered, then closes the file.
  ~file_audit();

  // Appends the event as one line, or drops it (counted) when it cannot be written in time.
  void record(const audit_event& e) noexcept;

  // Writes the lines gathered so far (with flush_interval; otherwise there are none).
  void flush() noexcept;

  // Writes the lines gathered so far, then asks the disk to keep every line written (fdatasync);
  // false when it fails.
  bool sync() noexcept;

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
  bool open_locked() noexcept;

  // True when the file's last byte is '\n'.
  static bool ends_with_newline(int fd) noexcept;

  // Shifts path.i to path.(i+1), path to path.1, and opens a new path (lock held).
  bool rotate_locked() noexcept;

  // Writes whole JSON lines (each ending in '\n'; '\n' appears nowhere else in a line),
  // rotating between two lines whenever the next would take the file past max_file_bytes, with
  // one write(2) per run of lines that fits (lock held). Counts each line written or dropped.
  void write_lines_locked(std::string_view text) noexcept;

  // With flush_interval: writes what has gathered once per interval, until the destructor stops it.
  void flush_loop() noexcept;

  // Writes the whole text (retrying short writes and EINTR); false on failure.
  bool write_all(std::string_view line) noexcept;

  audit_file_options opts_;
  // Takes the lock within `wait`: try_lock, then yields and short sleeps. A plain mutex rather than
  // std::timed_mutex, whose clock-based lock (pthread_mutex_clocklock) ThreadSanitizer cannot follow.
  static bool lock_within(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds wait) noexcept;

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

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/http/impl/audit_file.ipp"
#endif
