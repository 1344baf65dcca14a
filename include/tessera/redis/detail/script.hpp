#pragma once
// Lua scripts for tessera::redis: sent as EVALSHA <sha1>, falling back to EVAL <source> when the
// server does not hold the script (NOSCRIPT: first use, after a restart or SCRIPT FLUSH); the
// EVAL caches it, so later calls are one EVALSHA round trip again.

#include <openssl/evp.h>

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "tessera/core/result.hpp"
#include "tessera/redis/command.hpp"
#include "tessera/redis/connection.hpp"

namespace tessera::redis::detail {

// A Lua script and its SHA-1 (the name Redis caches it under). Build it once (a static).
class script {
 public:
  // The script's source must outlive it (a string literal).
  explicit script(std::string_view source) noexcept : source_(source) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(source.data(), source.size(), md, &len, EVP_sha1(), nullptr) == 1 && len == 20) {
      constexpr char digits[] = "0123456789abcdef";
      for (unsigned i = 0; i < len; ++i) {
        sha1_[2 * i] = digits[md[i] >> 4];
        sha1_[2 * i + 1] = digits[md[i] & 15];
      }
      has_sha1_ = true;
    }
  }
  // The Lua source.
  std::string_view source() const noexcept { return source_; }
  // The lowercase hex SHA-1 of the source ("" when it could not be computed: EVAL is used).
  std::string_view sha1() const noexcept { return has_sha1_ ? std::string_view(sha1_.data(), sha1_.size()) : std::string_view{}; }

 private:
  std::string_view source_;
  std::array<char, 40> sha1_{};
  bool has_sha1_ = false;
};

// Runs a script with its keys and arguments (at most 13 together): one round trip, two the first
// time a server sees the script. Error replies are returned as replies.
inline result<reply> run(lease& l, const script& s, std::initializer_list<std::string_view> keys,
                         std::initializer_list<std::string_view> args) noexcept {
  char numkeys[24];
  auto [end, ec] = std::to_chars(numkeys, numkeys + sizeof numkeys, keys.size());
  if (ec != std::errc{}) return unexpected{errc::store_unavailable};
  const std::string_view n(numkeys, static_cast<std::size_t>(end - numkeys));
  auto build = [&](bool by_sha) {
    command c;
    c.push(by_sha ? "EVALSHA" : "EVAL").push(by_sha ? s.sha1() : s.source()).push(n);
    for (auto k : keys) c.push(k);
    for (auto a : args) c.push(a);
    return c;
  };
  if (!s.sha1().empty()) {
    auto r = l.exec(build(true));
    if (!r || !is_error_code(**r, "NOSCRIPT")) return r;
  }
  return l.exec(build(false));
}

// Runs a script whose reply is an integer (a count, or a verdict code the caller reads):
// store_unavailable when the call fails or the reply is anything else.
inline result<std::int64_t> run_integer(lease& l, const script& s, std::initializer_list<std::string_view> keys,
                                        std::initializer_list<std::string_view> args) noexcept {
  auto x = run(l, s, keys, args);
  if (!x) return unexpected{x.error()};
  auto n = as_integer(**x);
  if (!n) return unexpected{errc::store_unavailable};
  return *n;
}

}  // namespace tessera::redis::detail
