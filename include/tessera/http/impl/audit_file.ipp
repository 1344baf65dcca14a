#pragma once
// The bodies of http/audit_file.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/http/audit_file.hpp"

namespace tessera::http {

TESSERA_DECL file_audit::file_audit(audit_file_options options) : opts_(std::move(options)) {
  opts_.max_file_bytes = std::max<std::size_t>(opts_.max_file_bytes, 1024);
  opts_.max_field = std::max(opts_.max_field, audit_truncated.size());
  opts_.flush_interval = std::max(opts_.flush_interval, std::chrono::milliseconds{0});
  {
    std::lock_guard lock(mu_);
    open_locked();
  }
  if (opts_.flush_interval.count() > 0) flusher_ = std::thread([this] { flush_loop(); });
}

TESSERA_DECL file_audit::~file_audit() {
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

TESSERA_DECL auto file_audit::record(const audit_event& e) noexcept -> void {
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

TESSERA_DECL auto file_audit::flush() noexcept -> void {
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

TESSERA_DECL auto file_audit::sync() noexcept -> bool {
  flush();
  std::lock_guard lock(mu_);
  return fd_ >= 0 && ::fdatasync(fd_) == 0;
}

TESSERA_DECL auto file_audit::open_locked() noexcept -> bool {
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

TESSERA_DECL auto file_audit::ends_with_newline(int fd) noexcept -> bool {
  char c = 0;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size == 0) return true;
  return ::pread(fd, &c, 1, st.st_size - 1) == 1 && c == '\n';
}

TESSERA_DECL auto file_audit::rotate_locked() noexcept -> bool {
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

TESSERA_DECL auto file_audit::write_lines_locked(std::string_view text) noexcept -> void {
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

TESSERA_DECL auto file_audit::flush_loop() noexcept -> void {
  std::unique_lock lock(stop_mu_);
  while (!stop_) {
    stop_cv_.wait_for(lock, opts_.flush_interval, [this] { return stop_; });
    lock.unlock();
    flush();
    lock.lock();
  }
}

TESSERA_DECL auto file_audit::write_all(std::string_view line) noexcept -> bool {
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

TESSERA_DECL auto file_audit::lock_within(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds wait) noexcept
    -> bool {
  if (lock.try_lock()) return true;
  const auto until = std::chrono::steady_clock::now() + wait;
  for (unsigned spins = 0;; ++spins) {
    if (spins < 64) std::this_thread::yield();
    else std::this_thread::sleep_for(std::chrono::microseconds(50));
    if (lock.try_lock()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
  }
}

}  // namespace tessera::http

namespace tessera::http::detail {

TESSERA_DECL void append_json_field(std::string& out, std::string_view text, std::size_t max_field) {
  out.push_back('"');
  if (text.size() <= max_field) {
    tessera::detail::append_json_text(out, text);
  } else {
    tessera::detail::append_json_text(out, text.substr(0, kept_before_cut(text, max_field)));
    tessera::detail::append_json_text(out, audit_truncated);
  }
  out.push_back('"');
}

}  // namespace tessera::http::detail

namespace tessera::http {

TESSERA_DECL std::string audit_json_line(const audit_event& e, std::size_t max_field) {
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
    tessera::detail::append_json_text(line, core::name(e.cause));
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

}  // namespace tessera::http
