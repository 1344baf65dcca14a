#pragma once
// redis::client_registry — credentials::client_registry and managed_client_registry on Redis:
// API clients shared by every instance, so a client registered, deactivated or given a new
// secret on one instance is seen that way by every instance on its next find(). That holds as
// written without a local cache of records (the default: the staleness bound is zero). With
// client_registry_options::cache enabled, records found are kept in a redis::tracked_cache that
// Redis invalidates on every change (tracked_cache.hpp): a change then reaches every instance one
// network hop after it returns, and never later than cache.max_staleness, and a cached find()
// makes no round trip.
//
// Redis never holds a client secret: a record keeps the secret's PHC hash string only, and
// signing keys as public SubjectPublicKeyInfo (detail/client_record_json.hpp).
//   <prefix>cr:c:<client id>   the record, JSON
//   <prefix>cr:t:<tenant>      the set of the tenant's client ids (list())
//
// Round trips: find() one GET (none when cached); add() one script; every change (deactivate, reactivate,
// set_secret_hash, update_secret_hash, signing keys, modify) two: a GET, then a compare-and-set
// script that retries, up to 16 times, when another instance changed the record meanwhile;
// erase() two; list() one script. Parsed signing keys are memoised by their DER bytes (a pure
// function of the bytes, so this cache cannot be stale), sparing an RSA key parse per find().

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tessera/authz/scopes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/string_hash.hpp"
#include "tessera/credentials/registry.hpp"
#include "tessera/crypto/key_type.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/redis/connection.hpp"
#include "tessera/redis/detail/client_record_json.hpp"
#include "tessera/redis/detail/keys.hpp"
#include "tessera/redis/detail/script.hpp"
#include "tessera/redis/tracked_cache.hpp"

namespace tessera::redis {

// How a client registry reads signing keys back.
struct client_registry_options {
  // The policy stored signing keys are loaded under (use the one they were registered with).
  crypto::key_policy key_policy{};
  // Parsed signing keys kept, at most (the memo is emptied when full).
  std::size_t parsed_key_cache = 1024;
  // A local cache of found records, invalidated by Redis (off by default).
  cache_options cache{};
};

// A client registry shared by every instance using the same Redis server and key prefix.
class client_registry {
 public:
  // Called after a client is deactivated on this instance, with its new record, before
  // deactivate() returns.
  using deactivation_listener = std::function<void(const credentials::client_record&)>;

  // A registry whose keys go under <pool prefix>cr:.
  explicit client_registry(connection_pool& pool, client_registry_options o = {})
      : pool_(&pool),
        opts_(o),
        by_id_(detail::plain_key(pool.prefix(), "cr:c:", "")),
        by_tenant_(detail::plain_key(pool.prefix(), "cr:t:", "")) {
    if (opts_.cache.enabled)
      cache_ = std::make_unique<tracked_cache<credentials::client_ptr>>(pool, std::vector<std::string>{by_id_}, opts_.cache);
  }
  client_registry(const client_registry&) = delete;
  client_registry& operator=(const client_registry&) = delete;

  // Sets the listener told about deactivations made through this object (set it before the
  // registry is shared; it must not throw, nor call back into this registry's writers).
  void on_deactivate(deactivation_listener l) { listener_ = std::move(l); }

  // The current record of a client (unknown_client when none, store_unavailable when Redis
  // cannot answer or the stored value does not read back). One round trip, none when cached.
  result<credentials::client_ptr> find(std::string_view client_id) const noexcept {
    try {
      const std::string k = by_id_ + std::string(client_id);
      std::uint64_t ticket = 0;
      if (cache_) {
        if (auto hit = cache_->find(k)) return std::move(*hit);
        ticket = cache_->ticket();
      }
      return pool_->with_connection([&](lease& l) -> result<credentials::client_ptr> {
        auto r = l.exec({"GET", k});
        if (!r) return unexpected{r.error()};
        if (is_nil(**r)) return unexpected{errc::unknown_client};
        auto text = as_string(**r);
        if (!text) return unexpected{errc::store_unavailable};
        auto c = parse(*text);
        if (!c) return unexpected{c.error()};
        credentials::client_ptr found(std::make_shared<const credentials::client_record>(std::move(*c)));
        if (cache_) cache_->put(k, found, ticket);
        return found;
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // The local cache's counters (nullopt when the registry keeps no cache).
  std::optional<cache_stats> cache_statistics() const noexcept {
    if (!cache_) return std::nullopt;
    return cache_->stats();
  }

  // Registers a client (invalid_argument without an id or for a taken one; invalid_scope when a
  // scope is not an RFC 6749 scope-token). One round trip.
  result<void> add(const credentials::client_record& c) noexcept {
    if (c.client_id.empty()) return unexpected{errc::invalid_argument};
    if (auto v = authz::validate_scopes(c.scopes); !v) return v;
    static const detail::script put(R"lua(
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
redis.call('SADD', KEYS[2], ARGV[2])
return 1
)lua");
    try {
      auto json = detail::client_record_json(c);
      if (!json) return unexpected{errc::internal_error};
      const std::string k = by_id_ + c.client_id, t = by_tenant_ + c.tenant;
      return pool_->with_connection([&](lease& l) -> result<void> {
        auto n = detail::run_integer(l, put, {k, t}, {*json, c.client_id});
        if (!n) return unexpected{n.error()};
        if (*n == 0) return unexpected{errc::invalid_argument};
        return core::ok();
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Deactivates a client at time t: logins and token checks fail from the next call on, on
  // every instance. Idempotent: a second call changes nothing (and tells no listener).
  result<void> deactivate(std::string_view client_id, credentials::sys_seconds t) noexcept {
    credentials::client_ptr changed;
    auto r = modify_impl(client_id, [&](credentials::client_record& c) {
      if (!c.active) return false;
      c.active = false;
      c.deactivated_at = t;
      return true;
    }, &changed);
    if (!r) return r;
    if (changed && listener_) {
      try {
        listener_(*changed);
      } catch (...) {
        return unexpected{errc::internal_error};  // the client stays deactivated
      }
    }
    return core::ok();
  }
  // Lets a deactivated client log in again (deactivated_at is kept).
  result<void> reactivate(std::string_view client_id) noexcept {
    return modify_impl(client_id, [](credentials::client_record& c) {
      if (c.active) return false;
      c.active = true;
      return true;
    });
  }
  // Replaces the stored secret hash (secret rotation).
  result<void> set_secret_hash(std::string_view client_id, std::string_view phc) noexcept {
    return modify_impl(client_id, [&](credentials::client_record& c) {
      if (c.secret_hash == phc) return false;
      c.secret_hash.assign(phc);
      return true;
    });
  }
  // Replaces the stored secret hash only while it still equals `expected` (rehash at login).
  result<void> update_secret_hash(std::string_view client_id, std::string_view expected,
                                  std::string_view replacement) noexcept {
    return modify_impl(client_id, [&](credentials::client_record& c) {
      if (c.secret_hash != expected) return false;
      c.secret_hash.assign(replacement);
      return true;
    });
  }
  // Registers a request-signing key (as memory_client_registry::add_signing_key: invalid_argument
  // for a taken id or a full key list, key_type_mismatch for a key that cannot make its signatures).
  result<void> add_signing_key(std::string_view client_id, credentials::signing_key k) noexcept {
    if (k.key_id.empty()) return unexpected{errc::invalid_argument};
    if (k.key.type() != crypto::required_key_type(k.algorithm)) return unexpected{errc::key_type_mismatch};
    bool duplicate = false;
    auto r = modify_impl(client_id, [&](credentials::client_record& c) {
      duplicate = c.find_signing_key(k.key_id) != nullptr || c.signing_keys.size() >= credentials::max_signing_keys;
      if (duplicate) return false;
      c.signing_keys.push_back(k);
      return true;
    });
    if (r && duplicate) return unexpected{errc::invalid_argument};
    return r;
  }
  // Withdraws a request-signing key (key_not_found when the client has none with that id).
  result<void> remove_signing_key(std::string_view client_id, std::string_view key_id) noexcept {
    bool found = false;
    auto r = modify_impl(client_id, [&](credentials::client_record& c) {
      found = std::erase_if(c.signing_keys, [&](const credentials::signing_key& k) { return k.key_id == key_id; }) > 0;
      return found;
    });
    if (r && !found) return unexpected{errc::key_not_found};
    return r;
  }
  // Edits a client's record (roles, scopes, stores, markets, tenant, description...) with
  // edit(client_record&), which may run more than once (when another instance changed the
  // record meanwhile); the client id cannot change (invalid_argument), scopes must stay
  // scope-tokens (invalid_scope), and a throwing edit changes nothing (internal_error). Use
  // deactivate() to deactivate.
  template <class Edit>
  result<void> modify(std::string_view client_id, Edit edit) noexcept {
    bool renamed = false, deactivated = false, bad_scope = false;
    auto r = modify_impl(client_id, [&](credentials::client_record& c) {
      const bool was_active = c.active;
      edit(c);
      renamed = c.client_id != client_id;
      deactivated = was_active && !c.active;
      bad_scope = !authz::validate_scopes(c.scopes);
      return !renamed && !deactivated && !bad_scope;
    });
    if (r && bad_scope) return unexpected{errc::invalid_scope};
    if (r && (renamed || deactivated)) return unexpected{errc::invalid_argument};
    return r;
  }
  // Deletes a client outright (unknown_client when none; deactivation is usually what you want).
  result<void> erase(std::string_view client_id) noexcept {
    static const detail::script del(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
return 1
)lua");
    try {
      const std::string k = by_id_ + std::string(client_id);
      return pool_->with_connection([&](lease& l) -> result<void> {
        for (int attempt = 0; attempt < max_attempts; ++attempt) {
          auto cur = read(l, k);
          if (!cur) return unexpected{cur.error()};
          const std::string t = by_tenant_ + cur->second.tenant;
          auto n = detail::run_integer(l, del, {k, t}, {cur->first, client_id});
          if (!n) return unexpected{n.error()};
          if (*n == 1) return core::ok();
        }
        return unexpected{errc::store_unavailable};
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Every client of a tenant, ordered by client id (admin screens). One round trip.
  result<std::vector<credentials::client_ptr>> list(std::string_view tenant) const noexcept {
    static const detail::script all(R"lua(
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local rec = redis.call('GET', ARGV[1] .. id)
  if rec then out[#out + 1] = rec end
end
return out
)lua");
    try {
      const std::string t = by_tenant_ + std::string(tenant);
      return pool_->with_connection([&](lease& l) -> result<std::vector<credentials::client_ptr>> {
        auto x = detail::run(l, all, {t}, {by_id_});
        if (!x) return unexpected{x.error()};
        const redisReply& a = **x;
        if (a.type != REDIS_REPLY_ARRAY) return unexpected{errc::store_unavailable};
        std::vector<credentials::client_ptr> out;
        for (std::size_t i = 0; i < a.elements; ++i) {
          auto text = as_string(*a.element[i]);
          if (!text) return unexpected{errc::store_unavailable};
          auto c = parse(*text);
          if (!c) return unexpected{c.error()};
          if (c->tenant != tenant) continue;
          out.push_back(std::make_shared<const credentials::client_record>(std::move(*c)));
        }
        std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x->client_id < y->client_id; });
        return out;
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

 private:
  static constexpr int max_attempts = 16;

  // The stored JSON text and the record it reads as (unknown_client when none).
  result<std::pair<std::string, credentials::client_record>> read(lease& l, const std::string& k) const {
    auto r = l.exec({"GET", k});
    if (!r) return unexpected{r.error()};
    if (is_nil(**r)) return unexpected{errc::unknown_client};
    auto text = as_string(**r);
    if (!text) return unexpected{errc::store_unavailable};
    auto c = parse(*text);
    if (!c) return unexpected{c.error()};
    return std::pair<std::string, credentials::client_record>(std::string(*text), std::move(*c));
  }

  // A record from its JSON text, its signing keys loaded through the memo.
  result<credentials::client_record> parse(std::string_view text) const noexcept {
    return detail::client_record_from_json(text, [&](std::string key_id, const core::bytes& der) -> result<credentials::signing_key> {
      auto k = load_key(der);
      if (!k) return unexpected{k.error()};
      return credentials::signing_key{std::move(key_id), std::move(*k)};
    });
  }

  // A public key from its DER SubjectPublicKeyInfo, parsed once per distinct DER.
  result<crypto::public_key> load_key(const core::bytes& der) const {
    std::string id(der.begin(), der.end());
    {
      std::lock_guard lock(keys_mu_);
      if (auto it = keys_.find(id); it != keys_.end()) return it->second;
    }
    auto k = crypto::public_key::from_der(der, opts_.key_policy);
    if (!k) return unexpected{k.error()};
    std::lock_guard lock(keys_mu_);
    if (keys_.size() >= std::max<std::size_t>(1, opts_.parsed_key_cache)) keys_.clear();
    keys_.insert_or_assign(std::move(id), *k);
    return k;
  }

  // Replaces a record with an edited copy when edit returns true (read, edit, compare-and-set,
  // retried while another writer got in between); *changed gets the new record.
  template <class Edit>
  result<void> modify_impl(std::string_view client_id, Edit&& edit, credentials::client_ptr* changed = nullptr) noexcept {
    static const detail::script cas(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if KEYS[2] ~= KEYS[3] then
  redis.call('SREM', KEYS[2], ARGV[3])
  redis.call('SADD', KEYS[3], ARGV[3])
end
return 1
)lua");
    try {
      const std::string k = by_id_ + std::string(client_id);
      return pool_->with_connection([&](lease& l) -> result<void> {
        for (int attempt = 0; attempt < max_attempts; ++attempt) {
          auto cur = read(l, k);
          if (!cur) return unexpected{cur.error()};
          const std::string old_tenant = by_tenant_ + cur->second.tenant;
          auto copy = std::make_shared<credentials::client_record>(std::move(cur->second));
          if (!edit(*copy)) return core::ok();
          auto json = detail::client_record_json(*copy);
          if (!json) return unexpected{errc::internal_error};
          const std::string new_tenant = by_tenant_ + copy->tenant;
          auto n = detail::run_integer(l, cas, {k, old_tenant, new_tenant}, {cur->first, *json, client_id});
          if (!n) return unexpected{n.error()};
          if (*n == 1) {
            if (changed) *changed = std::move(copy);
            return core::ok();
          }
        }
        return unexpected{errc::store_unavailable};  // kept losing the race
      });
    } catch (...) {
      return unexpected{errc::internal_error};  // a throwing edit (or no memory): nothing written
    }
  }

  connection_pool* pool_;
  client_registry_options opts_;
  std::string by_id_, by_tenant_;
  deactivation_listener listener_;
  mutable std::mutex keys_mu_;
  mutable std::unordered_map<std::string, crypto::public_key> keys_;
  std::unique_ptr<tracked_cache<credentials::client_ptr>> cache_;  // declared last: its listener stops first
};
static_assert(credentials::client_registry<client_registry>);
static_assert(credentials::managed_client_registry<client_registry>);

}  // namespace tessera::redis
