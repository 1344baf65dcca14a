#pragma once
// API-key records, the key_lookup / key_store concepts a verifier and an admin API use, and
// memory_key_store, a thread-safe in-memory model sharded across cores.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "tessera/core/string_hash.hpp"
#include "tessera/core/read_mostly_mutex.hpp"
#include "tessera/config.hpp"
#include "tessera/api_key/pepper.hpp"
#include "tessera/core/result.hpp"

namespace tessera::api_key {

// Times in records are whole seconds since the Unix epoch (UTC).
using sys_seconds = std::chrono::sys_seconds;

// Whether a key may still be used.
enum class key_status : std::uint8_t { active, revoked };

// A last-used time that a store may move forward through a shared, otherwise immutable record.
// Copies take a snapshot of the time.
class last_used_time {
 public:
  last_used_time() noexcept = default;
  // Starts at the given time.
  explicit last_used_time(sys_seconds t) noexcept : s_(t.time_since_epoch().count()) {}
  last_used_time(const last_used_time& o) noexcept : s_(o.s_.load(std::memory_order_relaxed)) {}
  last_used_time& operator=(const last_used_time& o) noexcept {
    s_.store(o.s_.load(std::memory_order_relaxed), std::memory_order_relaxed);
    return *this;
  }

  // The last recorded use, or nullopt when the key was never used.
  std::optional<sys_seconds> get() const noexcept;
  // Moves the time forward to t (never back). It writes only when the second changes, so a
  // busy key does not bounce a cache line between cores on every call.
  void note(sys_seconds t) const noexcept;

 private:
  static constexpr std::int64_t never = std::numeric_limits<std::int64_t>::min();
  mutable std::atomic<std::int64_t> s_{never};
};

// Everything a server knows about one API key. The key itself is never stored: only its digest.
struct key_record {
  std::string key_id;               // public, stable id of the key (shown in admin UIs and audit logs)
  std::string tenant;               // the tenant or org the key belongs to; it works nowhere else
  std::vector<std::string> scopes;  // what the key may do
  std::string integration;          // the integration it belongs to; an integration may hold several keys
  std::string description;          // free text naming the integration for people
  key_status status = key_status::active;  // active, or revoked for good
  sys_seconds created_at{};                // when it was generated
  std::optional<sys_seconds> expires_at;   // when it stops working (nullopt: never)
  std::optional<sys_seconds> revoked_at;   // when it was revoked
  last_used_time last_used;                // last successful verification (best effort)
  key_digest digest;                       // HMAC-SHA256 of the key under pepper digest.pepper_version

  // True when the key carries this scope (exact match).
  bool has_scope(std::string_view s) const noexcept {
    return std::find(scopes.begin(), scopes.end(), s) != scopes.end();
  }
  // True when the key has an expiry and it is not after now.
  bool expired(sys_seconds now) const noexcept { return expires_at && now >= *expires_at; }
};

// Records are shared, immutable snapshots: finding one copies a pointer, never the record.
using record_ptr = std::shared_ptr<const key_record>;

// What a verifier needs from a key store.
// Rules:
//  - find(digest) is noexcept and thread-safe; it returns the record stored under exactly that
//    digest (value and pepper version), api_key_unknown when there is none, and
//    store_unavailable when the store cannot answer (the verifier then refuses the key);
//  - revocation takes effect on the very next call: once a revoke has returned, every find that
//    starts afterwards returns the revoked record (a caching store must honour this, or bound its
//    staleness and say so, as redis::key_store's opt-in cache does);
//  - note_use(record, now) is noexcept, thread-safe and best effort: it may batch or drop
//    last-used updates, and never fails a verification.
template <class S>
concept key_lookup = requires(S& s, const key_digest& d, const key_record& r, sys_seconds now) {
  { s.find(d) } noexcept -> std::same_as<result<record_ptr>>;
  { s.note_use(r, now) } noexcept;
};

// A key_lookup that can also lend a record in place: visit(d, fn) calls fn(const key_record&)
// (noexcept) with the record stored under digest d, while the record cannot change, and returns
// api_key_unknown when there is none. Verifiers prefer it to find(): no reference count is
// touched, so cores verifying the same keys do not write to shared cache lines. fn must not call
// back into the store.
template <class S>
concept record_visitor = key_lookup<S> && requires(const S& s, const key_digest& d, void (*fn)(const key_record&) noexcept) {
  { s.visit(d, fn) } noexcept -> std::same_as<result<void>>;
};

// A key store that generation, revocation and admin screens write to.
// Rules (besides key_lookup's): every member is noexcept and thread-safe; insert refuses a
// record without key id, or whose key id or digest is already stored (invalid_argument);
// revoke marks the key revoked at the given time (api_key_unknown for an unknown id) and is
// idempotent (the first revocation time stays); get returns the current record by key id.
template <class S>
concept key_store = key_lookup<S> && requires(S& s, const key_record& r, std::string_view id, sys_seconds t) {
  { s.insert(r) } noexcept -> std::same_as<result<void>>;
  { s.revoke(id, t) } noexcept -> std::same_as<result<void>>;
  { s.get(id) } noexcept -> std::same_as<result<record_ptr>>;
};

// A key store that can move a key to a new digest, so the verifier can re-pepper old keys.
// Rule: replace_digest(id, from, to) moves the key only while its digest still equals `from`
// (otherwise it does nothing and returns ok), keeping every other field as it is at that moment.
template <class S>
concept redigestable_key_store = requires(S& s, std::string_view id, const key_digest& d) {
  { s.replace_digest(id, d, d) } noexcept -> std::same_as<result<void>>;
};

// A thread-safe in-memory key store. Lookups by digest go to one of 16 shards under a shared
// (reader) lock, so verifying threads never serialise; writes replace a record's snapshot
// under the shard's exclusive lock, so a revocation is seen by the next lookup.
class memory_key_store {
 public:
  memory_key_store() = default;
  memory_key_store(const memory_key_store&) = delete;
  memory_key_store& operator=(const memory_key_store&) = delete;

  // The record stored under this digest; api_key_unknown when there is none. No allocation.
  result<record_ptr> find(const key_digest& d) const noexcept;
  // Calls fn(record) under the shard's read lock with the record stored under this digest;
  // api_key_unknown when there is none. fn must be noexcept and must not call into the store.
  template <class Fn>
  result<void> visit(const key_digest& d, Fn&& fn) const noexcept {
    static_assert(std::is_nothrow_invocable_v<Fn&, const key_record&>, "visit() takes a noexcept function");
    return with_record(d, [&](const record_ptr& rec) noexcept { fn(*rec); });
  }
  // Records a successful use (moves last_used forward; at most one write per key per second).
  void note_use(const key_record& r, sys_seconds now) const noexcept { r.last_used.note(now); }

  // Stores a new key record.
  result<void> insert(const key_record& r) noexcept;

  // Revokes a key: every lookup that starts after this returns has status revoked.
  result<void> revoke(std::string_view key_id, sys_seconds now) noexcept;

  // Moves a key to a new digest (same record), if its digest is still `from`.
  result<void> replace_digest(std::string_view key_id, const key_digest& from, const key_digest& to) noexcept;

  // Deletes a key outright (a revoked key is usually kept instead, for audit).
  result<void> erase(std::string_view key_id) noexcept;

  // The current record of a key by its id (api_key_unknown when there is none).
  result<record_ptr> get(std::string_view key_id) const noexcept;

  // Every key of a tenant (active and revoked), for admin screens; optionally one integration's.
  std::vector<record_ptr> list(std::string_view tenant, std::optional<std::string_view> integration = std::nullopt) const;

  // Number of keys stored.
  std::size_t size() const {
    std::shared_lock admin(admin_mu_);
    return ids_.size();
  }

 private:
  static constexpr std::size_t shard_count = 16;
  using digest_bytes = std::array<std::uint8_t, digest_size>;

  // Digests are uniformly random: their leading bytes are already a good hash.
  struct digest_hash {
    std::size_t operator()(const digest_bytes& d) const noexcept {
      std::size_t h;
      std::memcpy(&h, d.data() + 1, sizeof h);
      return h;
    }
  };
  using string_hash = core::string_hash;
  struct alignas(config::shard_alignment) shard {  // one per cache line pair: no false sharing
    mutable core::read_mostly_mutex mu;
    std::unordered_map<digest_bytes, record_ptr, digest_hash> by_digest;
  };

  // Runs fn(record_ptr) under the read lock of the digest's shard; api_key_unknown when the
  // digest (with its pepper version) is not stored.
  template <class Fn>
  result<void> with_record(const key_digest& d, Fn&& fn) const noexcept {
    try {
      const shard& s = shard_of(d.value);
      std::shared_lock lock(s.mu);
      auto it = s.by_digest.find(d.value);
      if (it == s.by_digest.end() || it->second->digest.pepper_version != d.pepper_version)
        return unexpected{errc::api_key_unknown};
      fn(it->second);
      return core::ok();
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  shard& shard_of(const digest_bytes& d) noexcept { return shards_[d[0] % shard_count]; }
  const shard& shard_of(const digest_bytes& d) const noexcept { return shards_[d[0] % shard_count]; }

  // Replaces a key's record with an edited copy; edit returns false to leave it unchanged.
  template <class Edit>
  result<void> update(std::string_view key_id, Edit edit) noexcept {
    try {
      std::unique_lock admin(admin_mu_);
      auto id = ids_.find(key_id);
      if (id == ids_.end()) return unexpected{errc::api_key_unknown};
      shard& s = shard_of(id->second);
      std::unique_lock lock(s.mu);
      auto it = s.by_digest.find(id->second);
      if (it == s.by_digest.end()) return unexpected{errc::api_key_unknown};
      auto copy = std::make_shared<key_record>(*it->second);
      if (edit(*copy)) it->second = std::move(copy);
      return core::ok();
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  mutable std::shared_mutex admin_mu_;  // guards ids_ and orders writers (always taken before a shard)
  std::unordered_map<std::string, digest_bytes, string_hash, std::equal_to<>> ids_;
  std::array<shard, shard_count> shards_;
};
static_assert(key_store<memory_key_store>);
static_assert(redigestable_key_store<memory_key_store>);
static_assert(record_visitor<memory_key_store>);

}  // namespace tessera::api_key

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/api_key/impl/store.ipp"
#endif
