#pragma once
// redis::revocation_list — jwt::revocation_check on Redis: a jti revoked, a principal's tokens
// revoked up to a time, a principal deactivated or a signing key withdrawn on one instance is
// refused by every instance on its next check.
//
// No local cache: every check asks Redis, so the staleness bound is zero (a revocation that has
// returned is seen by every check that starts afterwards), at one round trip per check: one
// MGET of the (at most four) keys the token maps to:
//   <prefix>rv:kid:<kid>            withdrawn signing key
//   <prefix>rv:off:<principal>      deactivated principal
//   <prefix>rv:jti:<jti>            revoked token
//   <prefix>rv:before:<principal>   tokens issued at or before this Unix second are revoked
// Key names hold ids only (kid, principal, jti), never a token or signature. Entries live
// forever unless the options give them an end: a revoked jti whose expiry is passed in, and
// cutoffs when max_token_lifetime is set, expire once no token they refuse can still verify.

#include <chrono>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/core/result.hpp"
#include "tessera/jwt/revocation.hpp"
#include "tessera/redis/connection.hpp"
#include "tessera/redis/detail/keys.hpp"
#include "tessera/redis/detail/script.hpp"

namespace tessera::redis {

// How long revocation entries are kept.
struct revocation_options {
  // The verifiers' clock leeway, added to every entry's end so a token accepted a little after
  // its exp is still refused.
  std::chrono::seconds leeway{300};
  // The longest lifetime (exp - iat) of a token the verifiers accept; when set (> 0), a cutoff
  // expires max_token_lifetime + leeway after it. 0 keeps cutoffs forever (needed when tokens
  // without iat or exp are accepted: a cutoff refuses those for as long as it is kept).
  std::chrono::seconds max_token_lifetime{0};
};

// A revocation list shared by every instance using the same Redis server and key prefix.
// check() is noexcept and thread-safe; the writers return store_unavailable when Redis cannot
// be reached (the revocation has then not been recorded: retry it).
class revocation_list {
 public:
  // Keys go under <pool prefix>rv:.
  explicit revocation_list(connection_pool& pool, revocation_options o = {}) : pool_(&pool), opts_(o) {}

  // Revokes one token by its jti. With the token's exp (Unix seconds), the entry expires at
  // exp + leeway; without, it is kept forever. An empty jti revokes nothing.
  result<void> revoke_token(std::string_view jti, std::optional<std::int64_t> expires_at = std::nullopt) noexcept {
    if (jti.empty()) return core::ok();
    try {
      const auto k = key("jti:", jti);
      if (!expires_at) return simple({"SET", k, "1"});
      const auto at = number(*expires_at + opts_.leeway.count());
      return simple({"SET", k, "1", "EXAT", at});
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }
  // Revokes every token of the principal issued at or before `cutoff` (Unix seconds, inclusive:
  // a token issued in the cutoff's own second may predate it) and tokens without iat. A later
  // call with an earlier cutoff changes nothing (the cutoff only moves forward).
  result<void> revoke_issued_at_or_before(std::string_view principal, std::int64_t cutoff) noexcept {
    if (principal.empty()) return core::ok();
    static const detail::script raise(R"lua(
local cur = redis.call('GET', KEYS[1])
if cur and tonumber(cur) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 then redis.call('EXPIREAT', KEYS[1], ARGV[2]) end
return 1
)lua");
    try {
      const auto k = key("before:", principal);
      const auto c = number(cutoff);
      const auto end = number(opts_.max_token_lifetime.count() > 0
                                  ? cutoff + opts_.max_token_lifetime.count() + opts_.leeway.count()
                                  : 0);
      return pool_->with_connection([&](lease& l) -> result<void> {
        auto r = detail::run(l, raise, {k}, {c, end});
        if (!r) return unexpected{r.error()};
        if ((*r)->type != REDIS_REPLY_INTEGER) return unexpected{errc::store_unavailable};
        return core::ok();
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }
  // Deactivates a principal: all its tokens fail with principal_deactivated until reactivated.
  result<void> deactivate(std::string_view principal) noexcept {
    if (principal.empty()) return core::ok();
    try {
      return simple({"SET", key("off:", principal), "1"});
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }
  // Lifts a deactivation (tokens revoked by time or jti stay revoked).
  result<void> reactivate(std::string_view principal) noexcept {
    if (principal.empty()) return core::ok();
    try {
      return simple({"DEL", key("off:", principal)});
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }
  // Withdraws a signing key: every token carrying this kid fails with key_withdrawn.
  result<void> withdraw_key(std::string_view kid) noexcept {
    if (kid.empty()) return core::ok();
    try {
      return simple({"SET", key("kid:", kid), "1"});
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // key_withdrawn, principal_deactivated or token_revoked when the token is refused (in that
  // order of precedence), store_unavailable when Redis cannot answer. One MGET.
  result<void> check(const jwt::token_facts& f) const noexcept {
    try {
      // Slots in precedence order; only the facts the token has are asked about.
      std::string names[4];
      int slot_of[4] = {-1, -1, -1, -1};  // kid, off, jti, before -> position in the MGET
      command c{"MGET"};
      int n = 0;
      auto ask = [&](int slot, std::string_view kind, std::string_view id) {
        names[n] = key(kind, id);
        c.push(names[n]);
        slot_of[slot] = n++;
      };
      if (!f.kid.empty()) ask(0, "kid:", f.kid);
      if (!f.principal.empty()) ask(1, "off:", f.principal);
      if (!f.jwt_id.empty()) ask(2, "jti:", f.jwt_id);
      if (!f.principal.empty()) ask(3, "before:", f.principal);
      if (n == 0) return core::ok();
      return pool_->with_connection([&](lease& l) -> result<void> {
        auto r = l.exec(c);
        if (!r) return unexpected{r.error()};
        const redisReply& a = **r;
        if (a.type != REDIS_REPLY_ARRAY || a.elements != static_cast<std::size_t>(n))
          return unexpected{errc::store_unavailable};
        auto present = [&](int slot) { return slot_of[slot] >= 0 && !is_nil(*a.element[slot_of[slot]]); };
        if (present(0)) return unexpected{errc::key_withdrawn};
        if (present(1)) return unexpected{errc::principal_deactivated};
        if (present(2)) return unexpected{errc::token_revoked};
        if (present(3)) {
          auto cutoff = as_integer(*a.element[slot_of[3]]);
          if (!cutoff) return unexpected{errc::store_unavailable};  // unreadable: refuse
          if (!f.issued_at || *f.issued_at <= *cutoff) return unexpected{errc::token_revoked};
        }
        return core::ok();
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

 private:
  // <prefix>rv:<kind><id>.
  std::string key(std::string_view kind, std::string_view id) const {
    std::string k = detail::plain_key(pool_->prefix(), "rv:", kind);
    k.append(id);
    return k;
  }
  // A decimal argument.
  static std::string number(std::int64_t v) { return std::to_string(v); }

  // Runs one write; any reply but an error is success.
  result<void> simple(command c) noexcept {
    return pool_->with_connection([&](lease& l) -> result<void> {
      auto r = l.exec(c);
      if (!r) return unexpected{r.error()};
      if (is_error(**r)) return unexpected{errc::store_unavailable};
      return core::ok();
    });
  }

  connection_pool* pool_;
  revocation_options opts_;
};
static_assert(jwt::revocation_check<revocation_list>);

}  // namespace tessera::redis
