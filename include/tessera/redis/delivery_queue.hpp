#pragma once
// redis::delivery_queue — webhook::delivery_queue on Redis: the dispatchers of every instance
// sharing the server take deliveries from one queue, so an event published on one instance is
// delivered once by whichever has a free worker, retries survive a restart, and the capacity
// holds for the whole fleet.
//
// Keys under <pool prefix><name> (default "wq:"):
//   due       sorted set of tickets by due time (Unix milliseconds);
//   run       sorted set of tickets taken by a worker, by the end of their lease;
//   seq       the ticket counter;
//   d:<n>     the delivery (ids, type, attempt count, times, payload);
//   s:<sub>   the tickets of one subscription (for dropping them after a 410).
// Each call is one Lua script (EVALSHA, EVAL on NOSCRIPT): one round trip, atomic. A taken
// delivery is leased for options.lease; a taker that dies (or outlives the lease) loses it, and
// the next take_due() on any instance puts it back as due at once, so every delivery is attempted
// at least once; the delivery id stays the same, and receivers deduplicate on it. The lease must
// be well over the dispatcher's request_timeout. Deliveries hold the payload (which the server
// chose to send) but no signature and no secret: every attempt is signed when it is made. Due
// times and leases are compared with the instances' clocks, which must agree within seconds.

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/core/result.hpp"
#include "tessera/redis/command.hpp"
#include "tessera/redis/connection.hpp"
#include "tessera/redis/detail/json_time.hpp"
#include "tessera/redis/detail/script.hpp"
#include "tessera/webhook/delivery_queue.hpp"

namespace tessera::redis {

// How a Redis delivery queue runs.
struct delivery_queue_options {
  std::string name = "wq:";  // the key prefix after the pool's, to keep queues on one pool apart
  std::chrono::milliseconds lease{std::chrono::minutes{5}};  // how long a taken delivery stays with its taker
  std::size_t reclaim_per_take = 16;  // expired leases one take_due() puts back at most
};

namespace detail {
// Appends <decimal length>':'<bytes>.
inline void put_field(std::string& out, std::string_view v) {
  out += std::to_string(v.size());
  out += ':';
  out += v;
}

// Reads a field written by put_field from the front of text; nullopt when malformed.
inline std::optional<std::string_view> take_field(std::string_view& text) noexcept {
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || p == text.data() || p == text.data() + text.size() || *p != ':') return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(p - text.data()) + 1);
  if (n > text.size()) return std::nullopt;
  auto v = text.substr(0, n);
  text.remove_prefix(n);
  return v;
}

// Reads a decimal integer field.
inline std::optional<std::int64_t> take_int(std::string_view& text) noexcept {
  auto f = take_field(text);
  if (!f || f->empty()) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(f->data(), f->data() + f->size(), v);
  if (ec != std::errc{} || p != f->data() + f->size()) return std::nullopt;
  return v;
}

// A delivery as stored: subscription, id, type, attempts, first queued, next due, payload.
inline std::string encode_delivery(const webhook::pending_delivery& d) {
  std::string out;
  out.reserve(64 + d.subscription_id.size() + d.delivery_id.size() + d.event_type.size() +
              (d.payload ? d.payload->size() : 0));
  put_field(out, d.subscription_id);
  put_field(out, d.delivery_id);
  put_field(out, d.event_type);
  put_field(out, std::to_string(d.attempts_made));
  put_field(out, std::to_string(unix_ms(d.first_queued_at)));
  put_field(out, std::to_string(unix_ms(d.next_attempt_at)));
  put_field(out, d.payload ? std::string_view(*d.payload) : std::string_view{});
  return out;
}

// Decodes a delivery written by encode_delivery; nullopt when the value is not one.
inline std::optional<webhook::pending_delivery> decode_delivery(std::string_view text, std::string_view ticket) {
  webhook::pending_delivery d;
  auto sub = take_field(text), id = take_field(text), type = take_field(text);
  auto attempts = take_int(text), first = take_int(text), next = take_int(text);
  auto payload = take_field(text);
  if (!sub || !id || !type || !attempts || !first || !next || !payload || !text.empty() || *attempts < 0 ||
      *attempts > 1'000'000)
    return std::nullopt;
  d.subscription_id.assign(*sub);
  d.delivery_id.assign(*id);
  d.event_type.assign(*type);
  d.attempts_made = static_cast<unsigned>(*attempts);
  d.first_queued_at = from_unix_ms(*first);
  d.next_attempt_at = from_unix_ms(*next);
  d.payload = std::make_shared<const std::string>(*payload);
  d.ticket.assign(ticket);
  return d;
}
}  // namespace detail

// A delivery queue shared by every instance using the same Redis server, key prefix and name.
class delivery_queue {
 public:
  // A queue under <pool prefix><o.name>.
  explicit delivery_queue(connection_pool& pool, delivery_queue_options o = {})
      : pool_(&pool), options_(std::move(o)) {
    const std::string base = std::string(pool.prefix()) + options_.name;
    due_ = base + "due";
    run_ = base + "run";
    seq_ = base + "seq";
    record_ = base + "d:";
    by_sub_ = base + "s:";
    if (options_.lease < std::chrono::milliseconds{1}) options_.lease = std::chrono::milliseconds{1};
    if (options_.reclaim_per_take == 0) options_.reclaim_per_take = 1;
  }

  // Queues the whole batch or nothing: queue_full when the fleet's queue would exceed capacity.
  result<void> push(std::vector<webhook::pending_delivery> batch, std::size_t capacity) noexcept {
    static const detail::script push_script(R"lua(
local items, pos, batch = {}, 1, ARGV[4]
while pos <= #batch do
  local c = string.find(batch, ':', pos, true)
  local len = tonumber(string.sub(batch, pos, c - 1))
  items[#items + 1] = string.sub(batch, c + 1, c + len)
  pos = c + 1 + len
end
local n = #items / 3
if redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) + n > tonumber(ARGV[1]) then return 0 end
for i = 0, n - 1 do
  local t = redis.call('INCR', KEYS[3])
  redis.call('SET', ARGV[2] .. t, items[3 * i + 3])
  redis.call('ZADD', KEYS[1], items[3 * i + 2], t)
  redis.call('SADD', ARGV[3] .. items[3 * i + 1], t)
end
return 1
)lua");
    try {
      if (batch.empty()) return core::ok();
      std::string packed;
      for (const auto& d : batch) {
        detail::put_field(packed, d.subscription_id);
        detail::put_field(packed, std::to_string(detail::unix_ms(d.next_attempt_at)));
        detail::put_field(packed, detail::encode_delivery(d));
      }
      const std::string cap = std::to_string(capacity);
      return pool_->with_connection([&](lease& l) -> result<void> {
        auto n = detail::run_integer(l, push_script, {due_, run_, seq_}, {cap, record_, by_sub_, packed});
        if (!n) return unexpected{n.error()};
        if (*n != 1) return unexpected{errc::queue_full};
        return core::ok();
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Takes the delivery due earliest when it is due by now, leasing it; first puts back the
  // deliveries whose lease ran out.
  result<webhook::taken_delivery> take_due(std::chrono::system_clock::time_point now) noexcept {
    static const detail::script take_script(R"lua(
local now = tonumber(ARGV[1])
for _, t in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))) do
  redis.call('ZREM', KEYS[2], t)
  redis.call('ZADD', KEYS[1], now, t)
end
local t, rec = '', ''
while true do
  local first = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)
  if #first == 0 then break end
  redis.call('ZREM', KEYS[1], first[1])
  local v = redis.call('GET', ARGV[3] .. first[1])
  if v then
    t, rec = first[1], v
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), t)
    break
  end
end
local nxt = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {t, rec, nxt[2] or ''}
)lua");
    try {
      const std::string now_ms = std::to_string(detail::unix_ms(now));
      const std::string lease_ms = std::to_string(options_.lease.count());
      const std::string reclaim = std::to_string(options_.reclaim_per_take);
      return pool_->with_connection([&](lease& l) -> result<webhook::taken_delivery> {
        auto r = detail::run(l, take_script, {due_, run_}, {now_ms, lease_ms, record_, reclaim});
        if (!r) return unexpected{r.error()};
        const redisReply& a = **r;
        if (a.type != REDIS_REPLY_ARRAY || a.elements != 3) return unexpected{errc::store_unavailable};
        auto ticket = as_string(*a.element[0]), rec = as_string(*a.element[1]), next = as_string(*a.element[2]);
        if (!ticket || !rec || !next) return unexpected{errc::store_unavailable};
        webhook::taken_delivery out;
        if (!ticket->empty()) {
          out.delivery = detail::decode_delivery(*rec, *ticket);
          if (!out.delivery) {
            forget(l, *ticket, {});  // not a record this queue wrote: drop it rather than loop on it
            return unexpected{errc::store_unavailable};
          }
        }
        if (!next->empty()) {
          double ms = 0;
          auto [p, ec] = std::from_chars(next->data(), next->data() + next->size(), ms);
          if (ec == std::errc{} && p == next->data() + next->size())
            out.next_due = detail::from_unix_ms(static_cast<std::int64_t>(ms));
        }
        return out;
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Puts a taken delivery back, due at its next_attempt_at, while its lease still holds (a
  // delivery whose lease ran out was put back already, and is left as it is).
  result<void> requeue(webhook::pending_delivery d) noexcept {
    static const detail::script requeue_script(R"lua(
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('SET', ARGV[4] .. ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
)lua");
    try {
      if (d.ticket.empty()) return unexpected{errc::invalid_argument};
      const std::string due = std::to_string(detail::unix_ms(d.next_attempt_at));
      const std::string rec = detail::encode_delivery(d);
      return pool_->with_connection([&](lease& l) -> result<void> {
        auto n = detail::run_integer(l, requeue_script, {due_, run_}, {d.ticket, due, rec, record_});
        if (!n) return unexpected{n.error()};
        return core::ok();
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Forgets a taken delivery (delivered, failed for good, or cancelled). When Redis cannot be
  // reached the lease runs out and the delivery is attempted again: at least once.
  void finish(const webhook::pending_delivery& d) noexcept {
    if (d.ticket.empty()) return;
    (void)pool_->with_connection([&](lease& l) -> result<void> {
      forget(l, d.ticket, d.subscription_id);
      return core::ok();
    });
  }

  // Removes and returns the queued (not taken) deliveries of one subscription.
  result<std::vector<webhook::pending_delivery>> drop_subscription(std::string_view subscription_id) noexcept {
    static const detail::script drop_script(R"lua(
local out = {}
for _, t in ipairs(redis.call('SMEMBERS', ARGV[1])) do
  if redis.call('ZREM', KEYS[1], t) == 1 then
    out[#out + 1] = t
    out[#out + 1] = redis.call('GET', ARGV[2] .. t) or ''
    redis.call('DEL', ARGV[2] .. t)
    redis.call('SREM', ARGV[1], t)
  end
end
return out
)lua");
    try {
      const std::string set = by_sub_ + std::string(subscription_id);
      return pool_->with_connection([&](lease& l) -> result<std::vector<webhook::pending_delivery>> {
        auto r = detail::run(l, drop_script, {due_}, {set, record_});
        if (!r) return unexpected{r.error()};
        const redisReply& a = **r;
        if (a.type != REDIS_REPLY_ARRAY || a.elements % 2 != 0) return unexpected{errc::store_unavailable};
        std::vector<webhook::pending_delivery> out;
        for (std::size_t i = 0; i < a.elements; i += 2) {
          auto t = as_string(*a.element[i]), rec = as_string(*a.element[i + 1]);
          if (!t || !rec) continue;
          if (auto d = detail::decode_delivery(*rec, {})) out.push_back(std::move(*d));
        }
        return out;
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // None: the queue is shared, and its deliveries stay for the other instances (or this one's
  // next start).
  std::vector<webhook::pending_delivery> take_all() noexcept { return {}; }

  // Deliveries queued or taken, fleet-wide (0 when Redis cannot answer).
  std::size_t size() const noexcept { return count(true); }

  // Deliveries queued, not counting those taken (0 when Redis cannot answer).
  std::size_t queued() const noexcept { return count(false); }

  // The options in force.
  const delivery_queue_options& options() const noexcept { return options_; }

 private:
  // Deletes a ticket's lease, record and index entry (sub empty: the index entry is left; it is
  // skipped when dropped, as its record is gone).
  void forget(lease& l, std::string_view ticket, std::string_view sub) const noexcept {
    try {
      const std::string rec = record_ + std::string(ticket);
      const std::string set = by_sub_ + std::string(sub);
      command cmds[3] = {{"ZREM", run_, ticket}, {"DEL", rec}, {"SREM", set, ticket}};
      reply out[3];
      (void)l.exec(std::span<command>(cmds, sub.empty() ? 2 : 3), std::span<reply>(out, sub.empty() ? 2 : 3));
    } catch (...) {
    }
  }

  std::size_t count(bool with_taken) const noexcept {
    auto n = pool_->with_connection([&](lease& l) -> result<std::size_t> {
      command cmds[2] = {{"ZCARD", due_}, {"ZCARD", run_}};
      reply out[2];
      const std::size_t k = with_taken ? 2 : 1;
      if (auto r = l.exec(std::span<command>(cmds, k), std::span<reply>(out, k)); !r) return unexpected{r.error()};
      std::size_t total = 0;
      for (std::size_t i = 0; i < k; ++i) {
        auto v = as_integer(*out[i]);
        if (!v || *v < 0) return unexpected{errc::store_unavailable};
        total += static_cast<std::size_t>(*v);
      }
      return total;
    });
    return n ? *n : 0;
  }

  connection_pool* pool_;
  delivery_queue_options options_;
  std::string due_, run_, seq_, record_, by_sub_;
};
static_assert(webhook::delivery_queue<delivery_queue>);

}  // namespace tessera::redis
