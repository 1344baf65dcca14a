#pragma once
// A Redis command's arguments (viewed, never copied) and an owned reply, with the few readers
// the stores need. Replies are RESP2 (hiredis 0.14 and 1.x alike).

#include <hiredis/hiredis.h>

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string_view>

namespace tessera::redis {

// Frees a hiredis reply.
struct reply_deleter {
  void operator()(redisReply* r) const noexcept {
    if (r) freeReplyObject(r);
  }
};
// An owned hiredis reply (never null once a command has succeeded).
using reply = std::unique_ptr<redisReply, reply_deleter>;

// The arguments of one command, name first, as views: the viewed strings must outlive the
// call that sends it. Holds at most max_args; pushing more makes the command invalid (it is
// then refused before anything is sent).
class command {
 public:
  // Most arguments one command holds.
  static constexpr std::size_t max_args = 16;

  // An empty (invalid) command.
  command() noexcept = default;
  // A command from its arguments, e.g. {"SET", key, "1", "NX"}.
  command(std::initializer_list<std::string_view> args) noexcept {
    for (auto a : args) push(a);
  }
  // Appends one argument.
  command& push(std::string_view a) noexcept {
    if (n_ == max_args) {
      overflow_ = true;
      return *this;
    }
    ptr_[n_] = a.empty() ? "" : a.data();
    len_[n_] = a.size();
    ++n_;
    return *this;
  }
  // True when it has a name and no argument was lost.
  bool valid() const noexcept { return n_ > 0 && !overflow_; }
  // Number of arguments, name included.
  int argc() const noexcept { return static_cast<int>(n_); }
  // The arguments' bytes, as hiredis takes them.
  const char** argv() noexcept { return ptr_.data(); }
  // The arguments' lengths, as hiredis takes them.
  const std::size_t* lengths() const noexcept { return len_.data(); }

 private:
  std::array<const char*, max_args> ptr_{};
  std::array<std::size_t, max_args> len_{};
  std::size_t n_ = 0;
  bool overflow_ = false;
};

// True for an error reply ("-ERR ...", "-NOSCRIPT ...").
inline bool is_error(const redisReply& r) noexcept { return r.type == REDIS_REPLY_ERROR; }
// True for a nil reply (a missing key, a SET NX that did not set).
inline bool is_nil(const redisReply& r) noexcept { return r.type == REDIS_REPLY_NIL; }
// True for the status reply "OK".
inline bool is_ok(const redisReply& r) noexcept {
  return r.type == REDIS_REPLY_STATUS && std::string_view(r.str, static_cast<std::size_t>(r.len)) == "OK";
}
// True for an error reply whose code (its first word) is `code`, e.g. "NOSCRIPT".
inline bool is_error_code(const redisReply& r, std::string_view code) noexcept {
  if (!is_error(r)) return false;
  std::string_view text(r.str, static_cast<std::size_t>(r.len));
  return text.substr(0, code.size()) == code && (text.size() == code.size() || text[code.size()] == ' ');
}
// The bytes of a bulk-string reply; nullopt for any other type.
inline std::optional<std::string_view> as_string(const redisReply& r) noexcept {
  if (r.type != REDIS_REPLY_STRING) return std::nullopt;
  return std::string_view(r.str, static_cast<std::size_t>(r.len));
}
// The value of an integer reply, or of a bulk string holding a decimal integer (a stored
// counter); nullopt otherwise.
inline std::optional<std::int64_t> as_integer(const redisReply& r) noexcept {
  if (r.type == REDIS_REPLY_INTEGER) return static_cast<std::int64_t>(r.integer);
  if (r.type != REDIS_REPLY_STRING) return std::nullopt;
  std::int64_t v = 0;
  const char* end = r.str + r.len;
  auto [p, ec] = std::from_chars(r.str, end, v);
  if (ec != std::errc{} || p != end || r.len == 0) return std::nullopt;
  return v;
}

}  // namespace tessera::redis
