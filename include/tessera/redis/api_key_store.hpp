#pragma once
// redis::key_store — api_key::key_store on Redis: API-key records shared by every instance, so a
// key generated on one verifies on all, and a key revoked on one is refused by all on their
// next call. That holds as written without a local cache (the default: the staleness bound is
// zero). With key_store_options::cache enabled, records that find() and get() read are kept in a
// local redis::tracked_cache that Redis invalidates on every change (tracked_cache.hpp): a
// revocation then reaches every instance one network hop after it returns, and never later than
// cache.max_staleness (250 ms by default), and a cached verification, or a cached revocation
// check of a token (credentials::api_key_revocation calls get()), makes no round trip.
//
// Redis never holds an API key: records are stored under the key's peppered digest.
//   <prefix>ak:d:<base64url(digest)>   the record, JSON (detail/key_record_json.hpp)
//   <prefix>ak:id:<key id>             base64url(digest) of the key's current record
//   <prefix>ak:t:<tenant>              the set of the tenant's key ids (list())
//   <prefix>ak:used                    sorted set: key id -> last-used Unix second
//
// Round trips: find() one GET (a verifier with several peppers makes one per pepper it tries);
// insert() one script; get() one script; find() and get() none when the record is cached;
// revoke(), replace_digest() and erase() two (a read, then a compare-and-set script that retries,
// up to 16 times, when another instance changed the record meanwhile); list() one script.
// note_use() makes none: last-used times are gathered in memory and written with the next find()
// that comes after usage_flush_interval, in the same round trip (or by flush_usage()); they are
// best effort, as key_lookup allows. Records from find() carry no last-used time; get() and
// list() read it.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tessera/api_key/store.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/read_mostly_mutex.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/string_hash.hpp"
#include "tessera/redis/connection.hpp"
#include "tessera/redis/detail/key_record_json.hpp"
#include "tessera/redis/detail/keys.hpp"
#include "tessera/redis/detail/script.hpp"
#include "tessera/redis/tracked_cache.hpp"

namespace tessera::redis {

// How a key store batches last-used times.
struct key_store_options {
  // Last-used times are written at most this often (with the next find()).
  std::chrono::milliseconds usage_flush_interval{10'000};
  // Keys whose use waits to be written, at most; uses beyond are dropped until the next write.
  std::size_t max_pending_uses = 10'000;
  // Keys whose last-used time one find() writes, at most.
  std::size_t flush_batch = 64;
  // A local cache of found records, invalidated by Redis (off by default).
  cache_options cache{};
};

// An API-key store shared by every instance using the same Redis server and key prefix.
class key_store {
 public:
  // A store whose keys go under <pool prefix>ak:.
  explicit key_store(connection_pool& pool, key_store_options o = {})
      : pool_(&pool),
        opts_(o),
        by_digest_(detail::plain_key(pool.prefix(), "ak:d:", "")),
        by_id_(detail::plain_key(pool.prefix(), "ak:id:", "")),
        by_tenant_(detail::plain_key(pool.prefix(), "ak:t:", "")),
        used_(detail::plain_key(pool.prefix(), "ak:used", "")) {
    opts_.flush_batch = std::max<std::size_t>(1, opts_.flush_batch);
    if (opts_.cache.enabled)
      cache_ = std::make_unique<tracked_cache<api_key::record_ptr>>(pool, std::vector<std::string>{by_digest_, by_id_},
                                                                    opts_.cache);
  }
  key_store(const key_store&) = delete;
  key_store& operator=(const key_store&) = delete;

  // The record stored under exactly this digest (value and pepper version); api_key_unknown
  // when there is none, store_unavailable when Redis cannot answer or the stored value does not
  // read back. One round trip, or none when the record is cached.
  result<api_key::record_ptr> find(const api_key::key_digest& d) const noexcept {
    try {
      const std::string k = by_digest_ + detail::digest_text(d);
      std::uint64_t ticket = 0;
      if (cache_) {
        if (auto hit = cache_->find(k)) {
          if ((*hit)->digest != d) return unexpected{errc::api_key_unknown};
          flush_due_uses();
          return std::move(*hit);
        }
        ticket = cache_->ticket();
      }
      auto pending = take_due_uses();
      return pool_->with_connection([&](lease& l) -> result<api_key::record_ptr> {
        std::vector<command> cmds;
        cmds.reserve(1 + pending.size());
        cmds.push_back(command{"GET", k});
        for (const auto& [id, secs] : pending) cmds.push_back(command{"ZADD", used_, "GT", secs, id});
        std::vector<reply> replies(cmds.size());
        if (auto r = l.exec(cmds, replies); !r) return unexpected{r.error()};
        const redisReply& got = *replies[0];
        if (is_nil(got)) return unexpected{errc::api_key_unknown};
        auto text = as_string(got);
        if (!text) return unexpected{errc::store_unavailable};
        auto rec = detail::key_record_from_json(*text);
        if (!rec) return unexpected{rec.error()};
        if (rec->digest != d) return unexpected{errc::api_key_unknown};  // stored under another pepper version
        api_key::record_ptr found(std::make_shared<const api_key::key_record>(std::move(*rec)));
        if (cache_) cache_->put(k, found, ticket);
        return found;
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Calls fn(record) with the record stored under exactly this digest, as find() would return it;
  // with the cache on, a cached record is read in place (no reference count touched, so cores
  // verifying at once share no written cache line). api_key_unknown or store_unavailable as find().
  template <class Fn>
  result<void> visit(const api_key::key_digest& d, Fn&& fn) const noexcept {
    static_assert(std::is_nothrow_invocable_v<Fn&, const api_key::key_record&>, "visit() takes a noexcept function");
    if (cache_) {
      try {
        thread_local std::string k;
        k.assign(by_digest_);
        core::base64url_append(k, d.value);
        bool other_pepper = false;
        if (cache_->visit(k, [&](const api_key::record_ptr& r) noexcept {
              if (r->digest != d) other_pepper = true;
              else fn(*r);
            })) {
          flush_due_uses();
          if (other_pepper) return unexpected{errc::api_key_unknown};
          return core::ok();
        }
      } catch (...) {
        return unexpected{errc::store_unavailable};
      }
    }
    auto r = find(d);
    if (!r) return unexpected{r.error()};
    fn(**r);
    return core::ok();
  }

  // Records a successful use (best effort: batched, written with a later find() or flush_usage()).
  void note_use(const api_key::key_record& r, api_key::sys_seconds now) const noexcept {
    try {
      const std::int64_t s = now.time_since_epoch().count();
      {
        // Already noted for this second (the common case under load): a read under this thread's
        // own reader slot, so threads verifying at once share no written cache line.
        std::shared_lock lock(uses_mu_);
        auto it = uses_.find(r.key_id);
        if (it != uses_.end() && it->second >= s) return;
      }
      std::unique_lock lock(uses_mu_);
      auto it = uses_.find(r.key_id);
      if (it != uses_.end()) {
        it->second = std::max(it->second, s);
      } else if (uses_.size() < opts_.max_pending_uses) {
        uses_.emplace(r.key_id, s);
        has_uses_.store(true, std::memory_order_relaxed);
      }
    } catch (...) {
    }
  }

  // Writes every gathered last-used time now (e.g. before shutdown); store_unavailable when
  // Redis cannot be reached (those times are then dropped).
  result<void> flush_usage() noexcept {
    try {
      std::vector<std::pair<std::string, std::string>> all;
      {
        std::unique_lock lock(uses_mu_);
        for (auto& [id, s] : uses_) all.emplace_back(id, std::to_string(s));
        uses_.clear();
        has_uses_.store(false, std::memory_order_relaxed);
      }
      return write_uses(all);
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // The local cache's counters (nullopt when the store keeps no cache).
  std::optional<cache_stats> cache_statistics() const noexcept {
    if (!cache_) return std::nullopt;
    return cache_->stats();
  }

  // Stores a new key record (invalid_argument without a key id, or when its key id or digest is
  // already stored). One round trip.
  result<void> insert(const api_key::key_record& r) noexcept {
    if (r.key_id.empty()) return unexpected{errc::invalid_argument};
    static const detail::script add(R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[3])
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[4], 'GT', ARGV[4], ARGV[3]) end
return 1
)lua");
    try {
      const std::string d = detail::digest_text(r.digest);
      const std::string json = detail::key_record_json(r);
      const std::string id_key = by_id_ + r.key_id, d_key = by_digest_ + d, t_key = by_tenant_ + r.tenant;
      const auto used = r.last_used.get();
      const std::string used_text = used ? std::to_string(used->time_since_epoch().count()) : std::string();
      return pool_->with_connection([&](lease& l) -> result<void> {
        auto n = detail::run_integer(l, add, {id_key, d_key, t_key, used_}, {d, json, r.key_id, used_text});
        if (!n) return unexpected{n.error()};
        if (*n == 0) return unexpected{errc::invalid_argument};
        return core::ok();
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Revokes a key (api_key_unknown for an unknown id): every find that starts after this
  // returns, on any instance, has status revoked. Idempotent: the first revocation time stays.
  result<void> revoke(std::string_view key_id, api_key::sys_seconds now) noexcept {
    return update(key_id, [&](api_key::key_record& r) {
      if (r.status == api_key::key_status::revoked) return false;
      r.status = api_key::key_status::revoked;
      r.revoked_at = now;
      return true;
    });
  }

  // Moves a key to a new digest (same record), only while its digest is still `from`
  // (otherwise nothing happens); invalid_argument when `to` is another key's digest.
  result<void> replace_digest(std::string_view key_id, const api_key::key_digest& from,
                              const api_key::key_digest& to) noexcept {
    return update(key_id, [&](api_key::key_record& r) {
      if (r.digest != from) return false;
      r.digest = to;
      return true;
    });
  }

  // The current record of a key by its id, with its last-used time (api_key_unknown when none).
  // One round trip, none when cached: then the last-used time is the one read with the record,
  // or none (best effort, as key_lookup allows); status and every other field are current.
  result<api_key::record_ptr> get(std::string_view key_id) const noexcept {
    try {
      const std::string id_key = by_id_ + std::string(key_id);
      std::uint64_t ticket = 0;
      if (cache_) {
        // The id entry names the digest; the digest entry, which every change to the record
        // invalidates, is the answer.
        if (auto mapped = cache_->find(id_key)) {
          if (auto hit = cache_->find(by_digest_ + detail::digest_text((*mapped)->digest))) return std::move(*hit);
        }
        ticket = cache_->ticket();
      }
      return pool_->with_connection([&](lease& l) -> result<api_key::record_ptr> {
        auto cur = read(l, key_id);
        if (!cur) return unexpected{cur.error()};
        auto rec = detail::key_record_from_json(cur->json);
        if (!rec) return unexpected{rec.error()};
        if (cur->last_used) rec->last_used = api_key::last_used_time(detail::time_of(*cur->last_used));
        api_key::record_ptr found(std::make_shared<const api_key::key_record>(std::move(*rec)));
        if (cache_) {
          cache_->put(by_digest_ + cur->digest, found, ticket);
          cache_->put(id_key, found, ticket);
        }
        return found;
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Deletes a key outright (api_key_unknown when none; a revoked key is usually kept instead).
  result<void> erase(std::string_view key_id) noexcept {
    static const detail::script del(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SREM', KEYS[3], ARGV[3])
redis.call('ZREM', KEYS[4], ARGV[3])
return 1
)lua");
    try {
      return pool_->with_connection([&](lease& l) -> result<void> {
        for (int attempt = 0; attempt < max_attempts; ++attempt) {
          auto cur = read(l, key_id);
          if (!cur) return unexpected{cur.error()};
          auto rec = detail::key_record_from_json(cur->json);
          if (!rec) return unexpected{rec.error()};
          const std::string id_key = by_id_ + std::string(key_id), d_key = by_digest_ + cur->digest,
                            t_key = by_tenant_ + rec->tenant;
          auto n = detail::run_integer(l, del, {id_key, d_key, t_key, used_}, {cur->digest, cur->json, key_id});
          if (!n) return unexpected{n.error()};
          if (*n == 1) return core::ok();
        }
        return unexpected{errc::store_unavailable};
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Every key of a tenant (active and revoked), ordered by key id, for admin screens;
  // optionally one integration's. One round trip.
  result<std::vector<api_key::record_ptr>> list(std::string_view tenant,
                                                 std::optional<std::string_view> integration = std::nullopt) const noexcept {
    static const detail::script all(R"lua(
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local d = redis.call('GET', ARGV[1] .. id)
  if d then
    local rec = redis.call('GET', ARGV[2] .. d)
    if rec then
      out[#out + 1] = rec
      out[#out + 1] = redis.call('ZSCORE', KEYS[2], id) or ''
    end
  end
end
return out
)lua");
    try {
      const std::string t_key = by_tenant_ + std::string(tenant);
      return pool_->with_connection([&](lease& l) -> result<std::vector<api_key::record_ptr>> {
        auto x = detail::run(l, all, {t_key, used_}, {by_id_, by_digest_});
        if (!x) return unexpected{x.error()};
        const redisReply& a = **x;
        if (a.type != REDIS_REPLY_ARRAY || a.elements % 2 != 0) return unexpected{errc::store_unavailable};
        std::vector<api_key::record_ptr> out;
        for (std::size_t i = 0; i < a.elements; i += 2) {
          auto text = as_string(*a.element[i]);
          if (!text) return unexpected{errc::store_unavailable};
          auto rec = detail::key_record_from_json(*text);
          if (!rec) return unexpected{rec.error()};
          if (rec->tenant != tenant || (integration && rec->integration != *integration)) continue;
          if (auto used = as_integer(*a.element[i + 1]))
            rec->last_used = api_key::last_used_time(detail::time_of(*used));
          out.push_back(std::make_shared<const api_key::key_record>(std::move(*rec)));
        }
        std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x->key_id < y->key_id; });
        return out;
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

 private:
  static constexpr int max_attempts = 16;

  // A key's current state as one script read it.
  struct current {
    std::string digest;  // base64url of the digest the id points to
    std::string json;    // the record stored there
    std::optional<std::int64_t> last_used;
  };

  // Reads the id -> digest -> record chain atomically: one round trip.
  result<current> read(lease& l, std::string_view key_id) const {
    static const detail::script chain(R"lua(
local d = redis.call('GET', KEYS[1])
if not d then return false end
local rec = redis.call('GET', ARGV[1] .. d)
if not rec then return false end
return {d, rec, redis.call('ZSCORE', KEYS[2], ARGV[2]) or ''}
)lua");
    const std::string id_key = by_id_ + std::string(key_id);
    auto x = detail::run(l, chain, {id_key, used_}, {by_digest_, key_id});
    if (!x) return unexpected{x.error()};
    const redisReply& a = **x;
    if (is_nil(a)) return unexpected{errc::api_key_unknown};
    if (a.type != REDIS_REPLY_ARRAY || a.elements != 3) return unexpected{errc::store_unavailable};
    auto d = as_string(*a.element[0]);
    auto json = as_string(*a.element[1]);
    if (!d || !json) return unexpected{errc::store_unavailable};
    current c{std::string(*d), std::string(*json), std::nullopt};
    c.last_used = as_integer(*a.element[2]);
    return c;
  }

  // Replaces a key's record with an edited copy (edit returns false to leave it unchanged):
  // read, edit, then compare-and-set, retried while another writer got in between.
  template <class Edit>
  result<void> update(std::string_view key_id, Edit edit) noexcept {
    static const detail::script cas(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
if KEYS[3] ~= KEYS[2] then
  if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[1], ARGV[3])
end
redis.call('SET', KEYS[3], ARGV[4])
return 1
)lua");
    try {
      return pool_->with_connection([&](lease& l) -> result<void> {
        for (int attempt = 0; attempt < max_attempts; ++attempt) {
          auto cur = read(l, key_id);
          if (!cur) return unexpected{cur.error()};
          auto rec = detail::key_record_from_json(cur->json);
          if (!rec) return unexpected{rec.error()};
          if (!edit(*rec)) return core::ok();
          const std::string new_digest = detail::digest_text(rec->digest);
          const std::string json = detail::key_record_json(*rec);
          const std::string id_key = by_id_ + std::string(key_id), old_key = by_digest_ + cur->digest,
                            new_key = by_digest_ + new_digest;
          auto n = detail::run_integer(l, cas, {id_key, old_key, new_key}, {cur->digest, cur->json, new_digest, json});
          if (!n) return unexpected{n.error()};
          if (*n == 1) return core::ok();
          if (*n == -1) return unexpected{errc::invalid_argument};
        }
        return unexpected{errc::store_unavailable};  // kept losing the race
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Writes the gathered last-used times when the flush interval has passed (best effort): a
  // cached find() has no round trip of its own to carry them.
  void flush_due_uses() const noexcept {
    if (!has_uses_.load(std::memory_order_relaxed)) return;
    try {
      (void)write_uses(take_due_uses());
    } catch (...) {
    }
  }

  // Writes last-used times in one round trip (none when there are none).
  result<void> write_uses(const std::vector<std::pair<std::string, std::string>>& uses) const noexcept {
    if (uses.empty()) return core::ok();
    try {
      return pool_->with_connection([&](lease& l) -> result<void> {
        std::vector<command> cmds;
        for (const auto& [id, secs] : uses) cmds.push_back(command{"ZADD", used_, "GT", secs, id});
        std::vector<reply> replies(cmds.size());
        return l.exec(cmds, replies);
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // The gathered uses to write with this find(), when the flush interval has passed.
  std::vector<std::pair<std::string, std::string>> take_due_uses() const {
    std::vector<std::pair<std::string, std::string>> out;
    if (!has_uses_.load(std::memory_order_relaxed)) return out;
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    auto due = next_flush_.load(std::memory_order_relaxed);
    if (now < due) return out;
    const auto next = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(opts_.usage_flush_interval).count();
    if (!next_flush_.compare_exchange_strong(due, next, std::memory_order_relaxed)) return out;  // another find flushes
    std::unique_lock lock(uses_mu_);
    for (auto it = uses_.begin(); it != uses_.end() && out.size() < opts_.flush_batch;) {
      out.emplace_back(it->first, std::to_string(it->second));
      it = uses_.erase(it);
    }
    has_uses_.store(!uses_.empty(), std::memory_order_relaxed);
    if (!uses_.empty()) next_flush_.store(now, std::memory_order_relaxed);  // more to write: the next find does
    return out;
  }

  connection_pool* pool_;
  key_store_options opts_;
  std::string by_digest_, by_id_, by_tenant_, used_;
  // Uses waiting to be written, by key id: read on every use, written once per key and second.
  mutable core::read_mostly_mutex uses_mu_;
  mutable std::unordered_map<std::string, std::int64_t, core::string_hash, std::equal_to<>> uses_;
  mutable std::atomic<bool> has_uses_{false};
  mutable std::atomic<std::chrono::steady_clock::rep> next_flush_{0};
  std::unique_ptr<tracked_cache<api_key::record_ptr>> cache_;  // declared last: its listener stops first
};
static_assert(api_key::key_store<key_store>);
static_assert(api_key::redigestable_key_store<key_store>);
static_assert(api_key::record_visitor<key_store>);

}  // namespace tessera::redis
