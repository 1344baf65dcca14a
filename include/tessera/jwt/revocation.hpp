#pragma once
// Revocation: the check a verifier runs after the signature, and a thread-safe in-memory list
// that revokes single tokens (jti), every token of a principal issued up to a time, whole
// principals (deactivation), and withdrawn signing keys.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tessera/core/string_hash.hpp"
#include "tessera/core/read_mostly_mutex.hpp"
#include "tessera/config.hpp"
#include "tessera/core/result.hpp"

namespace tessera::jwt {

// What a revocation check is told about a token whose signature has verified.
struct token_facts {
  std::string_view jwt_id;     // jti ("" when absent)
  std::string_view subject;    // sub
  std::string_view principal;  // the principal claim configured in the rules (sub by default)
  std::string_view kid;        // header kid
  std::optional<std::int64_t> issued_at;
  std::optional<std::int64_t> expires_at;
};

// Decides whether a verified token has been revoked.
// Rules: check() is noexcept and thread-safe; once a revocation call on the policy has returned,
// every check that starts afterwards sees it; it returns token_revoked, principal_deactivated or
// key_withdrawn for the respective cause, and store_unavailable when it cannot tell (callers
// refuse the token).
template <class R>
concept revocation_check = requires(const R& r, const token_facts& f) {
  { r.check(f) } noexcept -> std::same_as<result<void>>;
};

// No revocation at all: tokens live until they expire.
struct no_revocation {
  result<void> check(const token_facts&) const noexcept { return core::ok(); }
};
static_assert(revocation_check<no_revocation>);

// A thread-safe in-memory revocation list, sharded by key so concurrent checks do not serialise.
// Checks skip a category entirely while it is empty.
class memory_revocation_list {
 public:
  memory_revocation_list() = default;
  memory_revocation_list(const memory_revocation_list&) = delete;
  memory_revocation_list& operator=(const memory_revocation_list&) = delete;

  // Revokes one token by its jti.
  void revoke_token(std::string_view jti) { put(tokens_, jti, 0); }
  // Revokes every token of the principal issued at or before `cutoff` (Unix seconds), and tokens
  // without iat. iat has whole seconds, so a token issued in the cutoff's own second may predate
  // it: it is refused too (call it with the current time when a principal's credential changes).
  void revoke_issued_at_or_before(std::string_view principal, std::int64_t cutoff) {
    put(before_, principal, cutoff, [](std::int64_t& cur, std::int64_t v) { cur = std::max(cur, v); });
  }
  // Deactivates a principal: all its tokens fail with principal_deactivated until reactivated.
  void deactivate(std::string_view principal) { put(deactivated_, principal, 0); }
  // Lifts a deactivation (tokens revoked by time or jti stay revoked).
  void reactivate(std::string_view principal) { erase(deactivated_, principal); }
  // Withdraws a signing key: every token carrying this kid fails with key_withdrawn.
  void withdraw_key(std::string_view kid) { put(keys_, kid, 0); }

  result<void> check(const token_facts& f) const noexcept;

 private:
  using hash = core::string_hash;
  static constexpr std::size_t shards = 16;
  struct alignas(config::shard_alignment) shard {  // one per cache line pair: no false sharing
    mutable core::read_mostly_mutex mu;
    std::unordered_map<std::string, std::int64_t, hash, std::equal_to<>> map;
  };
  struct table {
    std::atomic<std::size_t> count{0};
    std::array<shard, shards> s;
    shard& at(std::string_view k) { return s[hash{}(k) % shards]; }
    const shard& at(std::string_view k) const { return s[hash{}(k) % shards]; }
  };

  template <class Merge = std::nullptr_t>
  static void put(table& t, std::string_view k, std::int64_t v, Merge merge = nullptr) {
    auto& sh = t.at(k);
    std::unique_lock lock(sh.mu);
    auto it = sh.map.find(k);
    if (it == sh.map.end()) {
      sh.map.emplace(std::string(k), v);
      t.count.fetch_add(1, std::memory_order_release);
    } else if constexpr (!std::is_same_v<Merge, std::nullptr_t>) {
      merge(it->second, v);
    } else {
      it->second = v;
    }
  }
  static void erase(table& t, std::string_view k);
  static std::optional<std::int64_t> lookup(const table& t, std::string_view k);
  static bool contains(const table& t, std::string_view k) { return lookup(t, k).has_value(); }

  table tokens_, before_, deactivated_, keys_;
};
static_assert(revocation_check<memory_revocation_list>);

}  // namespace tessera::jwt

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/jwt/impl/revocation.ipp"
#endif
