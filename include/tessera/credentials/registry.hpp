#pragma once
// The client registry: who may log in with a client id and secret, what they may do (tenant,
// roles, scopes, stores, markets), whether they are still active, and which public keys they
// sign requests with. The client_registry concept is what login and token checks need; the
// managed_client_registry concept adds what an admin API needs; memory_client_registry is a
// thread-safe in-memory model of both.
//
// Deactivation is observable three ways, so token checks can follow it on the very next call:
// the record's `active` flag and `deactivated_at` time (kept after a reactivation, so tokens
// issued before it can stay refused), and an optional listener called synchronously by
// deactivate() before it returns.

#include <algorithm>
#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tessera/authz/scopes.hpp"
#include "tessera/core/string_hash.hpp"
#include "tessera/core/read_mostly_mutex.hpp"
#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/key_type.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/crypto/signature.hpp"

namespace tessera::credentials {

// Times in records are whole seconds since the Unix epoch (UTC).
using sys_seconds = std::chrono::sys_seconds;

// A public key a client signs requests with, parsed once when it is registered, bound to one
// signature algorithm (RSASSA-PKCS1-v1_5 with SHA-256, the signed-orders model's, unless told).
struct signing_key {
  std::string key_id;       // names the key among the client's keys (rotation keeps two or more)
  crypto::public_key key;   // RSA, P-256, P-384, P-521 or Ed25519
  crypto::signature_alg algorithm = crypto::signature_alg::rsa_pkcs1_sha256;  // the only one it verifies

  // Parses a PEM public key, RSA public key or X.509 certificate (its key) for registration:
  // invalid_argument without a key id, key_type_mismatch when the key cannot make `alg`
  // signatures, and the key parser's errors (invalid_key, key_too_small, weak_key...).
  static result<signing_key> from_pem(std::string key_id, std::string_view pem,
                                      crypto::signature_alg alg = crypto::signature_alg::rsa_pkcs1_sha256,
                                      const crypto::key_policy& policy = {});
};

// Most signing keys a client may hold at once (a rotation needs two): bounds the signature
// checks one request can cost.
inline constexpr std::size_t max_signing_keys = 8;

// Everything a server knows about one API client. The secret itself is never stored.
struct client_record {
  std::string client_id;                     // public identifier, sent with every login
  std::string tenant;                        // the tenant the client belongs to
  std::vector<std::string> roles;            // e.g. "ApiOwner", "CommerceUser" (hierarchy lives in authz)
  std::vector<std::string> scopes;           // e.g. "orders:read"
  std::vector<std::string> stores;           // allowed stores, e.g. "store-oslo-downtown" or "AllStores"
  std::vector<std::string> markets;          // allowed markets, e.g. "market-nor" or "AllMarkets"
  std::string secret_hash;                   // PHC string of the client secret
  bool active = true;                        // false once deactivated
  std::optional<sys_seconds> deactivated_at; // the last deactivation (kept after reactivation)
  sys_seconds created_at{};                  // when the client was registered
  std::vector<signing_key> signing_keys;     // request-signing public keys (rotation: several)
  std::string description;                   // free text for people

  // True when the client holds this role (exact match; inheritance is the authz area's).
  bool has_role(std::string_view r) const noexcept { return contains(roles, r); }
  // True when the client carries this scope (exact match).
  bool has_scope(std::string_view s) const noexcept { return contains(scopes, s); }
  // The registered signing key with this id, or nullptr.
  const signing_key* find_signing_key(std::string_view id) const noexcept;
  // True when a token issued at `issued_at` may predate the last deactivation: issued before it or
  // in its second (iat has whole seconds, so a same-second token cannot prove it came after).
  bool issued_before_deactivation(sys_seconds issued_at) const noexcept {
    return deactivated_at && issued_at <= *deactivated_at;
  }

 private:
  static bool contains(const std::vector<std::string>& v, std::string_view s) noexcept {
    return std::find(v.begin(), v.end(), s) != v.end();
  }
};

// Records are shared, immutable snapshots: finding one copies a pointer, never the record.
using client_ptr = std::shared_ptr<const client_record>;

// What login and token checks need from a client registry.
// Rules:
//  - find(id) is noexcept and thread-safe; it returns the client's current record,
//    unknown_client when there is none, store_unavailable when the registry cannot answer;
//  - once a change (deactivation, new secret, new roles) has returned, every find that starts
//    afterwards sees it;
//  - update_secret_hash(id, expected, replacement) stores the replacement only while the stored
//    hash still equals `expected` (compare-and-set), so a rehash at login can never overwrite a
//    secret that was rotated meanwhile; it returns ok when nothing was replaced.
template <class R>
concept client_registry = requires(R& r, std::string_view id, std::string_view hash) {
  { r.find(id) } noexcept -> std::same_as<result<client_ptr>>;
  { r.update_secret_hash(id, hash, hash) } noexcept -> std::same_as<result<void>>;
};

// A client registry that an admin API writes to.
// Rules (besides client_registry's): every member is noexcept and thread-safe; add refuses a
// record without client id, or one already registered (invalid_argument); deactivate(id, t)
// sets active = false and deactivated_at = t (idempotent: a second call changes nothing);
// reactivate(id) sets active = true and keeps deactivated_at; set_secret_hash replaces the
// stored hash unconditionally (secret rotation); unknown ids give unknown_client.
template <class R>
concept managed_client_registry =
    client_registry<R> && requires(R& r, const client_record& c, std::string_view id, sys_seconds t) {
      { r.add(c) } noexcept -> std::same_as<result<void>>;
      { r.deactivate(id, t) } noexcept -> std::same_as<result<void>>;
      { r.reactivate(id) } noexcept -> std::same_as<result<void>>;
      { r.set_secret_hash(id, id) } noexcept -> std::same_as<result<void>>;
    };

// A thread-safe in-memory client registry: 16 shards under reader/writer locks (finds never
// serialise), changes made by replacing a record's snapshot, so readers holding an older
// snapshot are never disturbed and the next find sees the change.
class memory_client_registry {
 public:
  // Called after a client is deactivated, with its new record, before deactivate() returns.
  using deactivation_listener = std::function<void(const client_record&)>;

  memory_client_registry() = default;
  memory_client_registry(const memory_client_registry&) = delete;
  memory_client_registry& operator=(const memory_client_registry&) = delete;

  // Sets the listener told about deactivations (set it before the registry is shared; it must
  // not throw, and must not call back into this registry's writers).
  void on_deactivate(deactivation_listener l) { listener_ = std::move(l); }

  // The current record of a client (unknown_client when none). No allocation.
  result<client_ptr> find(std::string_view client_id) const noexcept;

  // Registers a client (invalid_argument without an id or for a taken one; invalid_scope when a
  // scope is not an RFC 6749 scope-token).
  result<void> add(const client_record& c) noexcept;

  // Deactivates a client at time t: logins fail with client_deactivated from the next call on.
  result<void> deactivate(std::string_view client_id, sys_seconds t) noexcept;
  // Lets a deactivated client log in again (deactivated_at is kept).
  result<void> reactivate(std::string_view client_id) noexcept;
  // Replaces the stored secret hash (secret rotation).
  result<void> set_secret_hash(std::string_view client_id, std::string_view phc) noexcept;
  // Replaces the stored secret hash only while it still equals `expected` (rehash at login).
  result<void> update_secret_hash(std::string_view client_id, std::string_view expected,
                                  std::string_view replacement) noexcept;
  // Registers a request-signing key: invalid_argument when the client has one with that id or
  // already holds max_signing_keys, key_type_mismatch when the key cannot make its algorithm's
  // signatures. Signatures by it verify from the next request on (signing_key_registry).
  result<void> add_signing_key(std::string_view client_id, signing_key k) noexcept;
  // Withdraws a request-signing key (key_not_found when the client has none with that id).
  result<void> remove_signing_key(std::string_view client_id, std::string_view key_id) noexcept;
  // Edits a client's record (roles, scopes, stores, markets, description...) with
  // edit(client_record&); the client id cannot change (invalid_argument), scopes must stay
  // scope-tokens (invalid_scope), and a throwing edit changes nothing (internal_error). Use
  // deactivate() to deactivate, so the listener runs.
  template <class Edit>
  result<void> modify(std::string_view client_id, Edit edit) noexcept {
    bool renamed = false, deactivated = false, bad_scope = false;
    auto r = modify_impl(client_id, [&](client_record& c) {
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
  // Deletes a client outright (deactivation is usually what you want).
  result<void> erase(std::string_view client_id) noexcept;

  // Every client of a tenant, ordered by client id (admin screens).
  std::vector<client_ptr> list(std::string_view tenant) const;
  // Number of clients registered.
  std::size_t size() const;

 private:
  static constexpr std::size_t shard_count = 16;
  using string_hash = core::string_hash;
  struct alignas(config::shard_alignment) shard {  // one per cache line pair: no false sharing
    mutable core::read_mostly_mutex mu;
    std::unordered_map<std::string, client_ptr, string_hash, std::equal_to<>> clients;
  };
  shard& shard_of(std::string_view id) noexcept { return shards_[string_hash{}(id) % shard_count]; }
  const shard& shard_of(std::string_view id) const noexcept { return shards_[string_hash{}(id) % shard_count]; }

  // Replaces a record with an edited copy when edit returns true; *changed gets the new record.
  template <class Edit>
  result<void> modify_impl(std::string_view client_id, Edit&& edit, client_ptr* changed = nullptr) noexcept {
    try {
      shard& s = shard_of(client_id);
      std::unique_lock lock(s.mu);
      auto it = s.clients.find(client_id);
      if (it == s.clients.end()) return unexpected{errc::unknown_client};
      auto copy = std::make_shared<client_record>(*it->second);
      if (edit(*copy)) {
        it->second = copy;
        if (changed) *changed = std::move(copy);
      }
      return core::ok();
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  deactivation_listener listener_;
  std::array<shard, shard_count> shards_;
};
static_assert(client_registry<memory_client_registry>);
static_assert(managed_client_registry<memory_client_registry>);

}  // namespace tessera::credentials

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/credentials/impl/registry.ipp"
#endif
