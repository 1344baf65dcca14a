#pragma once
// redis::idempotency_store — http::idempotency_store on Redis: an idempotency key taken by one
// instance is in flight, then answered, on every instance sharing the server, so a retry that
// the load balancer sends elsewhere is still replayed (or told 409) and never runs twice.
//
// One round trip per call:
//  - begin:    SET <key> F<fingerprint><owner> NX PX <in-flight ttl> GET (Redis 7.0+): nil means
//              the key was free and is now in flight; otherwise the reply is the live entry, read
//              without a second trip. On an older server (the GET option is refused) the same is
//              done by a Lua script, decided once per store;
//  - complete: a Lua script replaces the in-flight entry by the answer, PX <ttl>, only while it is
//              still in flight for this owner (EVALSHA, EVAL on NOSCRIPT);
//  - release:  a Lua script deletes the entry only while it is in flight for this owner.
// Keys are <pool prefix><name><base64url(SHA-256(key))>; the driver's key is already a digest of
// the principal and the idempotency key, so Redis holds no key, principal or credential. Values
// hold the request's fingerprint (a SHA-256), the attempt's random owner id, and the answer
// (status, the headers the driver keeps, the body unless stored_response::keep_body is false).
// Times to live run on the Redis server's clock; `now` is not used. Configure the server with
// maxmemory-policy noeviction (as for every tessera store): an evicted entry would let a retry
// run its handler twice, while a refused write fails closed (store_unavailable, 503).

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/core/hex.hpp"
#include "tessera/core/result.hpp"
#include "tessera/http/idempotency.hpp"
#include "tessera/redis/command.hpp"
#include "tessera/redis/connection.hpp"
#include "tessera/redis/detail/keys.hpp"
#include "tessera/redis/detail/script.hpp"

namespace tessera::redis {

namespace detail {
// Stored values: "F" <64 hex fingerprint> <owner> while in flight; "D" <64 hex fingerprint>
// <answer> once answered, where <answer> is <3-digit status><'0' body kept | '1' body omitted>
// <header count>':' then <length>':'<bytes> for each header name and value, then the body.
inline constexpr std::size_t fp_hex_size = 64;

// The encoded answer (what follows "D" and the fingerprint).
inline std::string encode_answer(const http::stored_response& a) {
  std::string out;
  std::size_t size = 8 + a.body.size();
  for (const auto& [n, v] : a.headers) size += n.size() + v.size() + 24;
  out.reserve(size);
  const int status = a.status >= 100 && a.status <= 999 ? a.status : 500;
  out += std::to_string(status);
  out += (a.body_omitted || !a.keep_body) ? '1' : '0';
  out += std::to_string(a.headers.size());
  out += ':';
  for (const auto& [n, v] : a.headers) {
    for (std::string_view part : {std::string_view(n), std::string_view(v)}) {
      out += std::to_string(part.size());
      out += ':';
      out += part;
    }
  }
  if (!(a.body_omitted || !a.keep_body)) out += a.body;
  return out;
}

// Reads a decimal <n>':' at the front of text; nullopt when malformed.
inline std::optional<std::size_t> take_length(std::string_view& text) noexcept {
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || p == text.data() || p == text.data() + text.size() || *p != ':') return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(p - text.data()) + 1);
  return n;
}

// Decodes an answer written by encode_answer; nullopt when the value is not one.
inline std::optional<http::stored_response> decode_answer(std::string_view text) {
  if (text.size() < 4) return std::nullopt;
  http::stored_response a;
  auto [p, ec] = std::from_chars(text.data(), text.data() + 3, a.status);
  if (ec != std::errc{} || p != text.data() + 3) return std::nullopt;
  if (text[3] != '0' && text[3] != '1') return std::nullopt;
  a.body_omitted = text[3] == '1';
  a.keep_body = !a.body_omitted;
  text.remove_prefix(4);
  auto count = take_length(text);
  if (!count || *count > text.size()) return std::nullopt;
  a.headers.reserve(*count);
  for (std::size_t i = 0; i < *count; ++i) {
    std::string_view parts[2];
    for (auto& part : parts) {
      auto n = take_length(text);
      if (!n || *n > text.size()) return std::nullopt;
      part = text.substr(0, *n);
      text.remove_prefix(*n);
    }
    a.headers.emplace_back(std::string(parts[0]), std::string(parts[1]));
  }
  if (a.body_omitted && !text.empty()) return std::nullopt;
  a.body.assign(text);
  return a;
}

// What a live entry says to a begin() with fingerprint `fp_hex`; store_unavailable when the
// value is not one tessera wrote.
inline result<http::begin_result> read_entry(std::string_view value, std::string_view fp_hex) noexcept {
  if (value.size() < 1 + fp_hex_size || (value[0] != 'F' && value[0] != 'D')) return unexpected{errc::store_unavailable};
  http::begin_result r;
  if (value.substr(1, fp_hex_size) != fp_hex) {
    r.state = http::idempotency_state::mismatch;
    return r;
  }
  if (value[0] == 'F') {
    r.state = http::idempotency_state::in_flight;
    return r;
  }
  try {
    auto a = decode_answer(value.substr(1 + fp_hex_size));
    if (!a) return unexpected{errc::store_unavailable};
    r.state = http::idempotency_state::completed;
    r.response = std::move(*a);
    return r;
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

// Milliseconds as PX takes them: at least 1, at most core::max_duration.
inline std::string px_text(std::chrono::milliseconds ttl) {
  const auto max_ms = std::chrono::duration_cast<std::chrono::milliseconds>(core::max_duration).count();
  const auto ms = ttl.count() < 1 ? 1 : ttl.count() > max_ms ? max_ms : ttl.count();
  return std::to_string(ms);
}
}  // namespace detail

// An idempotency store shared by every instance using the same Redis server and key prefix.
class idempotency_store {
 public:
  // Keys go under <pool prefix><name>; stores on one pool with different names keep apart.
  // begin_by_script: begin with the Lua script from the first call (a server known to be older
  // than 7.0); otherwise the store switches to it by itself when SET NX GET is refused.
  explicit idempotency_store(connection_pool& pool, std::string name = "idem:", bool begin_by_script = false)
      : pool_(&pool), name_(std::move(name)), use_script_(begin_by_script) {}

  // Starts an attempt, or reports the live entry under key (http::idempotency_store rules);
  // store_unavailable when Redis cannot answer. One round trip.
  result<http::begin_result> begin(std::string_view key, const http::request_fingerprint& fp, std::string_view owner,
                                   std::chrono::system_clock::time_point /*now*/,
                                   std::chrono::milliseconds in_flight_ttl) noexcept {
    static const detail::script begin_script(R"lua(
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
)lua");
    try {
      auto k = detail::hashed_key(pool_->prefix(), name_, key);
      if (!k) return unexpected{errc::store_unavailable};
      std::string marker;
      marker.reserve(1 + detail::fp_hex_size + owner.size());
      marker += 'F';
      marker += core::hex_encode(core::bytes_view(fp));
      marker += owner;
      const std::string_view fp_hex = std::string_view(marker).substr(1, detail::fp_hex_size);
      const std::string px = detail::px_text(in_flight_ttl);
      return pool_->with_connection([&](lease& l) -> result<http::begin_result> {
        result<reply> r = unexpected{errc::store_unavailable};
        if (!use_script_.load(std::memory_order_relaxed)) {
          r = l.exec({"SET", *k, marker, "NX", "PX", px, "GET"});
          if (r && is_error_code(**r, "ERR") &&
              std::string_view((*r)->str, static_cast<std::size_t>((*r)->len)).find("syntax") != std::string_view::npos) {
            // A server before 7.0: no NX with GET.
            use_script_.store(true, std::memory_order_relaxed);
            r = detail::run(l, begin_script, {*k}, {marker, px});
          }
        } else {
          r = detail::run(l, begin_script, {*k}, {marker, px});
        }
        if (!r) return unexpected{r.error()};
        if (is_nil(**r)) return http::begin_result{};
        auto value = as_string(**r);
        if (!value) return unexpected{errc::store_unavailable};
        return detail::read_entry(*value, fp_hex);
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Stores the answer of the attempt owner while it still holds the key (true), else changes
  // nothing (false); store_unavailable when Redis cannot answer. One round trip.
  result<bool> complete(std::string_view key, std::string_view owner, const http::stored_response& answer,
                        std::chrono::system_clock::time_point /*now*/, std::chrono::milliseconds ttl) noexcept {
    static const detail::script complete_script(R"lua(
local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, 1) ~= 'F' or string.sub(v, 66) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], 'D' .. string.sub(v, 2, 65) .. ARGV[2], 'PX', ARGV[3])
return 1
)lua");
    try {
      auto k = detail::hashed_key(pool_->prefix(), name_, key);
      if (!k) return unexpected{errc::store_unavailable};
      const std::string encoded = detail::encode_answer(answer);
      const std::string px = detail::px_text(ttl);
      return pool_->with_connection([&](lease& l) -> result<bool> {
        auto n = detail::run_integer(l, complete_script, {*k}, {owner, encoded, px});
        if (!n) return unexpected{n.error()};
        return *n == 1;
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Deletes the entry while it is in flight for the attempt owner, else nothing;
  // store_unavailable when Redis cannot answer. One round trip.
  result<void> release(std::string_view key, std::string_view owner) noexcept {
    static const detail::script release_script(R"lua(
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 1) == 'F' and string.sub(v, 66) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
)lua");
    auto k = detail::hashed_key(pool_->prefix(), name_, key);
    if (!k) return unexpected{errc::store_unavailable};
    return pool_->with_connection([&](lease& l) -> result<void> {
      auto n = detail::run_integer(l, release_script, {*k}, {owner});
      if (!n) return unexpected{n.error()};
      return core::ok();
    });
  }

 private:
  connection_pool* pool_;
  std::string name_;
  std::atomic<bool> use_script_;  // begin by script: the server refused SET NX GET (before Redis 7.0)
};
static_assert(http::idempotency_store<idempotency_store>);

}  // namespace tessera::redis
