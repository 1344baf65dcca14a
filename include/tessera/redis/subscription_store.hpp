#pragma once
// redis::subscription_store — webhook::subscription_store on Redis: a subscription created,
// deactivated (by a 410 on any instance) or resealed on one instance is what every instance's
// dispatcher reads on its next delivery.
//
// Keys under <pool prefix><name> (default "wsub:"): r:<id> the record (JSON), t:<tenant> and all
// the sets of ids. insert, find, list and erase are one round trip each (Lua scripts for the
// writes); set_active and replace_sealed_secret read the record and write it back only if it is
// unchanged (two round trips, retried a few times under contention). A record holds the signing
// secret only as the sealed text the registry gives it (AES-256-GCM under a key-encryption key
// Redis never sees).

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tessera/core/result.hpp"
#include "tessera/redis/command.hpp"
#include "tessera/redis/connection.hpp"
#include "tessera/redis/detail/json_time.hpp"
#include "tessera/redis/detail/keys.hpp"
#include "tessera/redis/detail/script.hpp"
#include "tessera/webhook/subscription.hpp"

namespace tessera::redis {

namespace detail {
// A subscription as stored.
inline std::string encode_subscription(const webhook::subscription& s) {
  nlohmann::json j = {{"id", s.id},
                      {"tenant", s.tenant},
                      {"url", s.url},
                      {"event_types", s.event_types},
                      {"scheme", static_cast<int>(s.scheme.kind)},
                      {"signature_header", s.scheme.signature_header},
                      {"id_header", s.scheme.id_header},
                      {"sealed_secret", s.sealed_secret},
                      {"active", s.active},
                      {"reason", s.deactivation_reason},
                      {"created_at", unix_ms(s.created_at)}};
  return j.dump();
}

// Decodes a subscription written by encode_subscription; nullopt when the value is not one.
inline std::optional<webhook::subscription> decode_subscription(std::string_view text) noexcept {
  try {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    webhook::subscription s;
    s.id = j.at("id").get<std::string>();
    s.tenant = j.at("tenant").get<std::string>();
    s.url = j.at("url").get<std::string>();
    s.event_types = j.at("event_types").get<std::vector<std::string>>();
    const int kind = j.at("scheme").get<int>();
    if (kind < 0 || kind > static_cast<int>(webhook::scheme_kind::body_only)) return std::nullopt;
    s.scheme.kind = static_cast<webhook::scheme_kind>(kind);
    s.scheme.signature_header = j.at("signature_header").get<std::string>();
    s.scheme.id_header = j.at("id_header").get<std::string>();
    s.sealed_secret = j.at("sealed_secret").get<std::string>();
    s.active = j.at("active").get<bool>();
    s.deactivation_reason = j.at("reason").get<std::string>();
    s.created_at = from_unix_ms(j.at("created_at").get<std::int64_t>());
    return s;
  } catch (...) {
    return std::nullopt;
  }
}
}  // namespace detail

// A subscription store shared by every instance using the same Redis server, key prefix and name.
class subscription_store {
 public:
  // Keys go under <pool prefix><name>.
  explicit subscription_store(connection_pool& pool, std::string name = "wsub:")
      : pool_(&pool), base_(std::string(pool.prefix()) + name) {}

  // Adds a record; invalid_argument when the id exists.
  result<void> insert(const webhook::subscription& sub) noexcept {
    static const detail::script insert_script(R"lua(
if redis.call('SET', KEYS[1], ARGV[1], 'NX') == false then return 0 end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[2])
return 1
)lua");
    try {
      const std::string value = detail::encode_subscription(sub);
      const std::string rec = record_key(sub.id), tenant = base_ + "t:" + sub.tenant, all = base_ + "all";
      return pool_->with_connection([&](lease& l) -> result<void> {
        auto n = detail::run_integer(l, insert_script, {rec, tenant, all}, {value, sub.id});
        if (!n) return unexpected{n.error()};
        if (*n != 1) return unexpected{errc::invalid_argument};
        return core::ok();
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // A copy of the record; unknown_subscription when absent.
  result<webhook::subscription> find(std::string_view id) const noexcept {
    try {
      auto v = read(id);
      if (!v) return unexpected{v.error()};
      auto s = detail::decode_subscription(*v);
      if (!s) return unexpected{errc::store_unavailable};
      return std::move(*s);
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Copies of a tenant's records, by id.
  result<std::vector<webhook::subscription>> list_tenant(std::string_view tenant) const noexcept {
    try {
      return list_set(base_ + "t:" + std::string(tenant));
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Copies of every record, by id.
  result<std::vector<webhook::subscription>> list_all() const noexcept {
    try {
      return list_set(base_ + "all");
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Sets the active flag and the reason.
  result<void> set_active(std::string_view id, bool active, const std::string& reason) noexcept {
    auto r = update(id, [&](webhook::subscription& s) {
      s.active = active;
      s.deactivation_reason = active ? std::string() : reason;
      return true;
    });
    if (!r) return unexpected{r.error()};
    return core::ok();
  }

  // Replaces the sealed secret while it still equals `expected` (false when it does not).
  result<bool> replace_sealed_secret(std::string_view id, const std::string& expected,
                                     const std::string& next) noexcept {
    return update(id, [&](webhook::subscription& s) {
      if (s.sealed_secret != expected) return false;
      s.sealed_secret = next;
      return true;
    });
  }

  // Removes a record.
  result<void> erase(std::string_view id) noexcept {
    static const detail::script erase_script(R"lua(
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local tenant = cjson.decode(v)['tenant']
redis.call('DEL', KEYS[1])
redis.call('SREM', ARGV[1] .. tenant, ARGV[2])
redis.call('SREM', KEYS[2], ARGV[2])
return 1
)lua");
    try {
      const std::string rec = record_key(id), all = base_ + "all", tenant_base = base_ + "t:";
      return pool_->with_connection([&](lease& l) -> result<void> {
        auto n = detail::run_integer(l, erase_script, {rec, all}, {tenant_base, id});
        if (!n) return unexpected{n.error()};
        if (*n != 1) return unexpected{errc::unknown_subscription};
        return core::ok();
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

 private:
  std::string record_key(std::string_view id) const { return base_ + "r:" + std::string(id); }

  result<std::string> read(std::string_view id) const {
    const std::string rec = record_key(id);
    return pool_->with_connection([&](lease& l) -> result<std::string> {
      auto r = l.exec({"GET", rec});
      if (!r) return unexpected{r.error()};
      if (is_nil(**r)) return unexpected{errc::unknown_subscription};
      auto v = as_string(**r);
      if (!v) return unexpected{errc::store_unavailable};
      return std::string(*v);
    });
  }

  result<std::vector<webhook::subscription>> list_set(const std::string& set) const {
    static const detail::script list_script(R"lua(
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local v = redis.call('GET', ARGV[1] .. id)
  if v then out[#out + 1] = v end
end
return out
)lua");
    const std::string rec_base = base_ + "r:";
    return pool_->with_connection([&](lease& l) -> result<std::vector<webhook::subscription>> {
      auto r = detail::run(l, list_script, {set}, {rec_base});
      if (!r) return unexpected{r.error()};
      const redisReply& a = **r;
      if (a.type != REDIS_REPLY_ARRAY) return unexpected{errc::store_unavailable};
      std::vector<webhook::subscription> out;
      out.reserve(a.elements);
      for (std::size_t i = 0; i < a.elements; ++i) {
        auto v = as_string(*a.element[i]);
        if (!v) return unexpected{errc::store_unavailable};
        auto s = detail::decode_subscription(*v);
        if (!s) return unexpected{errc::store_unavailable};
        out.push_back(std::move(*s));
      }
      std::sort(out.begin(), out.end(),
                [](const webhook::subscription& x, const webhook::subscription& y) { return x.id < y.id; });
      return out;
    });
  }

  // Reads a record, lets edit change it (false: leave it and answer false), and writes it back
  // only if nobody changed it meanwhile; retried a few times, then store_unavailable.
  template <class Edit>
  result<bool> update(std::string_view id, Edit edit) noexcept {
    static const detail::script swap_script(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
)lua");
    try {
      const std::string rec = record_key(id);
      for (int tries = 0; tries < 8; ++tries) {
        auto old = read(id);
        if (!old) return unexpected{old.error()};
        auto s = detail::decode_subscription(*old);
        if (!s) return unexpected{errc::store_unavailable};
        if (!edit(*s)) return false;
        const std::string next = detail::encode_subscription(*s);
        auto n = pool_->with_connection([&](lease& l) { return detail::run_integer(l, swap_script, {rec}, {*old, next}); });
        if (!n) return unexpected{n.error()};
        if (*n == 1) return true;
      }
      return unexpected{errc::store_unavailable};
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  connection_pool* pool_;
  std::string base_;
};
static_assert(webhook::subscription_store<subscription_store>);

}  // namespace tessera::redis
