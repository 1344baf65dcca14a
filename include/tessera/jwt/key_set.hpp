#pragma once
// Key sets: where a verifier finds the key for a token. A single key, or keys indexed by kid for rotation.

#include <concepts>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/string_hash.hpp"
#include "tessera/core/read_mostly_mutex.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/key.hpp"

namespace tessera::jwt {

// Finds the one key that may verify a token, from the token's kid (nullopt when it has none).
// Rules:
//  - find() is noexcept, thread-safe, and returns a pointer-like handle that is falsy when no key
//    matches; the handle keeps the key usable for as long as the caller holds it;
//  - a kid is only compared as an opaque string: never a path, URL or pattern;
//  - a token without a kid gets at most one candidate key: a set never loops over its keys.
template <class K>
concept key_set = requires(const K& ks, std::optional<std::string_view> kid) {
  { ks.find(kid) } noexcept;
  { static_cast<bool>(ks.find(kid)) };
  { *ks.find(kid) } -> std::convertible_to<const verification_key&>;
};

// A key set that can also lend its key in place: visit(kid, fn) calls fn(key) while the key is
// held, and returns whether a key matched. No handle is copied, so cores verifying with the same key
// write no shared reference count. fn must not call back into the set. Verifiers prefer it to find().
template <class K>
concept key_visitor = key_set<K> && requires(const K& ks, std::optional<std::string_view> kid,
                                             void (*fn)(const verification_key&) noexcept) {
  { ks.visit(kid, fn) } noexcept -> std::same_as<bool>;
};

// Exactly one key. A token naming a different kid than the key's own (when the key has one) is
// refused with key_not_found; a token without kid is verified with this key.
class single_key {
 public:
  explicit single_key(verification_key k) : key_(std::move(k)) {}
  const verification_key* find(std::optional<std::string_view> kid) const noexcept {
    if (kid && !key_.kid().empty() && *kid != key_.kid()) return nullptr;
    return &key_;
  }
  const verification_key& key() const noexcept { return key_; }

 private:
  verification_key key_;
};
static_assert(key_set<single_key>);

// Keys indexed by kid, replaceable at run time while other threads verify (key rotation).
// Readers take a shared lock: find() only long enough to copy one shared_ptr, visit() to lend the
// key in place (what verifiers use: no shared counter is written per verification). Writers
// change the index in place under the exclusive lock, so adding one key costs a hash insert, not
// a copy of the set (a rehash of a large set holds readers for its duration).
class kid_key_set {
 public:
  kid_key_set() = default;

  // Adds or replaces the key under its kid. A key with an empty kid becomes the (only) key for
  // tokens without a kid. Refuses nothing; use jwks import for documents from outside.
  void put(verification_key k);
  // Makes `k` the key for tokens that carry no kid (it also stays findable under its own kid).
  void set_default(verification_key k);
  // Removes the key with this kid (and the no-kid default if it is that key). True if it was present.
  bool remove(std::string_view kid);
  // Replaces every key at once (e.g. after fetching a JWKS); the new index is built outside the lock.
  void replace_all(std::vector<verification_key> keys);

  // The key for the kid, or for tokens without one; null when none matches.
  std::shared_ptr<const verification_key> find(std::optional<std::string_view> kid) const noexcept;
  // Calls fn(key) with the key for the kid (or for tokens without one) under the shared lock, and
  // returns true; false, without calling fn, when none matches. fn must not call into this set.
  template <class Fn>
    requires std::is_nothrow_invocable_v<Fn&, const verification_key&>
  bool visit(std::optional<std::string_view> kid, Fn&& fn) const noexcept {
    std::shared_lock lock(mu_);
    const auto* k = lookup(kid);
    if (!k || !*k) return false;
    fn(**k);
    return true;
  }
  // Number of keys with a kid.
  std::size_t size() const {
    std::shared_lock lock(mu_);
    return by_kid_.size();
  }
  // Every key, for export (the no-kid default last if it has no kid).
  std::vector<std::shared_ptr<const verification_key>> keys() const;

 private:
  using index = std::unordered_map<std::string, std::shared_ptr<const verification_key>, core::string_hash, std::equal_to<>>;
  // The slot holding the key for the kid; null when there is none. Call with mu_ held.
  const std::shared_ptr<const verification_key>* lookup(std::optional<std::string_view> kid) const noexcept;

  mutable core::read_mostly_mutex mu_;
  index by_kid_;
  std::shared_ptr<const verification_key> no_kid_;
};
static_assert(key_set<kid_key_set>);
static_assert(key_visitor<kid_key_set>);

}  // namespace tessera::jwt

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/jwt/impl/key_set.ipp"
#endif
