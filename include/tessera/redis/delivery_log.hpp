#pragma once
// redis::delivery_log — webhook::delivery_log on Redis: every instance of a fleet appends its
// delivery attempts to one log, and any instance lists a subscription's attempts, newest first.
//
// One list per subscription, <pool prefix><name><subscription id>, of JSON entries. append() is
// one round trip (LPUSH, LTRIM to per_subscription, PEXPIRE retention, pipelined); list() is one
// LRANGE. Memory is bounded by per_subscription entries for each subscription that had a delivery
// within the retention time. Entries hold ids, type, status, times and state: no body, header,
// signature or secret.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tessera/core/error.hpp"
#include "tessera/core/result.hpp"
#include "tessera/redis/command.hpp"
#include "tessera/redis/connection.hpp"
#include "tessera/redis/detail/json_time.hpp"
#include "tessera/redis/detail/keys.hpp"
#include "tessera/webhook/delivery_log.hpp"

namespace tessera::redis {

// How a Redis delivery log keeps entries.
struct delivery_log_options {
  std::string name = "wlog:";             // the key prefix after the pool's
  std::size_t per_subscription = 100;     // entries kept per subscription, newest
  std::chrono::seconds retention{std::chrono::hours{24 * 30}};  // a subscription's log expires this long after its last entry
};

namespace detail {
// The errc of a stable name; nullopt when it names none.
inline std::optional<errc> errc_named(std::string_view n) noexcept {
  for (int i = 1; i < static_cast<int>(errc::count_); ++i)
    if (core::name(static_cast<errc>(i)) == n) return static_cast<errc>(i);
  return std::nullopt;
}

// A delivery state from its stable name; nullopt when it names none.
inline std::optional<webhook::delivery_state> state_named(std::string_view n) noexcept {
  using webhook::delivery_state;
  for (auto s : {delivery_state::pending, delivery_state::delivered, delivery_state::failed, delivery_state::gone,
                 delivery_state::cancelled})
    if (webhook::name(s) == n) return s;
  return std::nullopt;
}

// An entry as stored (times in Unix milliseconds).
inline std::string encode_entry(const webhook::delivery_entry& e) {
  nlohmann::json j = {{"s", e.subscription_id},
                      {"d", e.delivery_id},
                      {"t", e.event_type},
                      {"a", e.attempt},
                      {"h", e.http_status},
                      {"e", e.error == errc::none_ ? std::string() : std::string(core::name(e.error))},
                      {"at", unix_ms(e.attempted_at)},
                      {"l", e.latency.count()},
                      {"st", std::string(webhook::name(e.state))},
                      {"x", e.test}};
  j["n"] = e.next_attempt_at ? nlohmann::json(unix_ms(*e.next_attempt_at)) : nlohmann::json(nullptr);
  return j.dump();
}

// Decodes an entry written by encode_entry; nullopt when the value is not one.
inline std::optional<webhook::delivery_entry> decode_entry(std::string_view text) noexcept {
  try {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    webhook::delivery_entry e;
    e.subscription_id = j.at("s").get<std::string>();
    e.delivery_id = j.at("d").get<std::string>();
    e.event_type = j.at("t").get<std::string>();
    e.attempt = j.at("a").get<unsigned>();
    e.http_status = j.at("h").get<int>();
    const auto err = j.at("e").get<std::string>();
    if (!err.empty()) {
      auto c = errc_named(err);
      if (!c) return std::nullopt;
      e.error = *c;
    }
    e.attempted_at = from_unix_ms(j.at("at").get<std::int64_t>());
    e.latency = std::chrono::milliseconds(j.at("l").get<std::int64_t>());
    auto st = state_named(j.at("st").get<std::string>());
    if (!st) return std::nullopt;
    e.state = *st;
    e.test = j.at("x").get<bool>();
    if (const auto& n = j.at("n"); !n.is_null()) e.next_attempt_at = from_unix_ms(n.get<std::int64_t>());
    return e;
  } catch (...) {
    return std::nullopt;
  }
}
}  // namespace detail

// A delivery log shared by every instance using the same Redis server, key prefix and name.
class delivery_log {
 public:
  // A log under <pool prefix><o.name>.
  explicit delivery_log(connection_pool& pool, delivery_log_options o = {}) : pool_(&pool), options_(std::move(o)) {
    if (options_.per_subscription == 0) options_.per_subscription = 1;
    if (options_.retention.count() < 1) options_.retention = std::chrono::seconds{1};
  }

  // Keeps an entry (dropped when Redis cannot take it: logging never fails a delivery).
  void append(const webhook::delivery_entry& e) noexcept {
    try {
      const std::string key = detail::plain_key(pool_->prefix(), options_.name, e.subscription_id);
      const std::string value = detail::encode_entry(e);
      const std::string last = std::to_string(static_cast<long long>(options_.per_subscription) - 1);
      const std::string px = std::to_string(std::chrono::milliseconds(options_.retention).count());
      (void)pool_->with_connection([&](lease& l) -> result<void> {
        command cmds[3] = {{"LPUSH", key, value}, {"LTRIM", key, "0", last}, {"PEXPIRE", key, px}};
        reply out[3];
        return l.exec(std::span<command>(cmds), std::span<reply>(out));
      });
    } catch (...) {
      // dropped
    }
  }

  // Up to `limit` entries of a subscription, newest first; store_unavailable when Redis cannot
  // answer.
  result<std::vector<webhook::delivery_entry>> list(std::string_view subscription_id,
                                                    std::size_t limit) const noexcept {
    try {
      std::vector<webhook::delivery_entry> out;
      if (limit == 0) return out;
      const std::string key = detail::plain_key(pool_->prefix(), options_.name, subscription_id);
      const std::string stop = std::to_string(std::min(limit, options_.per_subscription) - 1);
      return pool_->with_connection([&](lease& l) -> result<std::vector<webhook::delivery_entry>> {
        auto r = l.exec({"LRANGE", key, "0", stop});
        if (!r) return unexpected{r.error()};
        const redisReply& a = **r;
        if (a.type != REDIS_REPLY_ARRAY) return unexpected{errc::store_unavailable};
        for (std::size_t i = 0; i < a.elements; ++i) {
          auto v = as_string(*a.element[i]);
          if (!v) continue;
          if (auto e = detail::decode_entry(*v)) out.push_back(std::move(*e));
        }
        return out;
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // The options in force.
  const delivery_log_options& options() const noexcept { return options_; }

 private:
  connection_pool* pool_;
  delivery_log_options options_;
};
static_assert(webhook::delivery_log<delivery_log>);

}  // namespace tessera::redis
