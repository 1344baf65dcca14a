#pragma once
// tessera::client::token_cache — the calling side of a partner API: one access token per tenant,
// fetched once and shared by every request, renewed before it expires, with backoff after a
// failed fetch so that an outage of the authorization server does not become a request storm.

#include <algorithm>
#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "tessera/core/clock.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/core/string_hash.hpp"

namespace tessera::client {

// A token as the authorization server issued it, e.g. from {access_token, expires_in} or
// {token, expired_at}.
struct fetched_token {
  core::secret token;                               // the access token: a bearer credential
  std::chrono::system_clock::time_point expires_at;  // when the server stops accepting it
};

// Fetches a new token for a tenant (e.g. POST /auth/token with that tenant's API key, or
// POST /api/token with its ClientId and ClientSecret).
// Rules: called with no lock of the cache held and at most once at a time per tenant; may block;
// returns the token, or the errc that explains the refusal (invalid_credentials, ...), which the
// cache hands to its callers. An exception counts as token_unavailable.
template <class F>
concept token_fetcher = std::invocable<F&, std::string_view> &&
                        std::same_as<std::invoke_result_t<F&, std::string_view>, result<fetched_token>>;

// When a cache renews tokens and how it backs off.
struct cache_options {
  // Renew once less than this lifetime remains. Until the new token arrives, or while the
  // authorization server fails, requests keep the current token if it is still usable.
  std::chrono::seconds renew_before{std::chrono::minutes{5}};
  // Never hand out a token with less than this left: it could expire in flight, or on a server
  // whose clock runs ahead. A fetched token with less than this left is refused (token_unavailable).
  std::chrono::seconds min_remaining{30};
  // After a failed fetch the next attempt waits this long, doubling with each consecutive failure
  // up to max_backoff. Meanwhile callers get the current token if usable, else the last error.
  std::chrono::milliseconds backoff{std::chrono::seconds{1}};
  std::chrono::milliseconds max_backoff{std::chrono::minutes{1}};
};

template <token_fetcher F, core::clock C>
class token_cache;

// A token handed out by a cache. Holders share the cached bytes, which are cleansed once the cache
// and every holder have let go of them (core::secret).
class access_token {
 public:
  // The token text, for the request's "Authorization: Bearer ..." header; never log it.
  std::string_view expose_secret_text() const noexcept { return t_->token.expose_secret_text(); }
  // When the authorization server stops accepting it.
  std::chrono::system_clock::time_point expires_at() const noexcept { return t_->expires_at; }
  // True when both hold the very same fetched token (not merely equal text).
  bool same_as(const access_token& o) const noexcept { return t_ == o.t_; }

 private:
  template <token_fetcher, core::clock>
  friend class token_cache;
  explicit access_token(std::shared_ptr<const fetched_token> t) noexcept : t_(std::move(t)) {}
  std::shared_ptr<const fetched_token> t_;
};

// One token per tenant, e.g. for a server that calls a partner API on behalf of several customers.
//   client::token_cache tokens([&](std::string_view tenant) { return login(tenant); });
//   auto t = tokens.get("store-oslo");  // fetches once; later calls share it until renewal
//   if (partner answers 401) tokens.invalidate("store-oslo", *t);
// Every member is thread-safe. Callers wait only when there is no usable token and a fetch for the
// same tenant is in flight; a renewal never makes anyone wait while the current token is usable.
template <token_fetcher F, core::clock C = core::coarse_clock>
class token_cache {
 public:
  // A cache over `fetch`. Every duration in opts is clamped to [0, core::max_duration], so no
  // setting can overflow the time arithmetic.
  explicit token_cache(F fetch, cache_options opts = {}, C clock = C{})
      : fetch_(std::move(fetch)), opts_(bounded(opts)), clock_(std::forward<C>(clock)) {}
  token_cache(const token_cache&) = delete;
  token_cache& operator=(const token_cache&) = delete;

  // A usable token for the tenant: the cached one, or a fresh one fetched now (by this caller, or
  // by the one already fetching). Errors: the fetcher's own errc, token_unavailable (the fetcher
  // threw or returned an empty or nearly expired token), internal_error (out of memory). During
  // backoff, a tenant without a usable token gets the last error at once, without a fetch.
  result<access_token> get(std::string_view tenant) noexcept {
    try {
      std::unique_lock lock(mu_);
      auto it = entries_.find(tenant);
      if (it == entries_.end()) it = entries_.try_emplace(std::string(tenant)).first;
      entry& e = it->second;  // entries are never erased, so e outlives the unlocked fetch below
      for (;;) {
        const auto now = clock_.now();
        const bool usable = e.current && e.current->expires_at - now > opts_.min_remaining;
        if (usable && e.current->expires_at - now > opts_.renew_before) return access_token(e.current);
        if (e.fetching) {
          if (usable) return access_token(e.current);  // being renewed; this one still serves
          const std::uint64_t seen = e.completed;
          cv_.wait(lock, [&] { return e.completed != seen; });
          continue;  // a success is fresh now; a failure has set a backoff, so its error is returned
        }
        if (now < e.retry_at) {
          if (usable) return access_token(e.current);
          return unexpected{e.last_error};
        }
        return fetch_for(lock, e, tenant);
      }
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // Forgets `rejected` (a token the partner answered 401 to) so that the next get() fetches; a
  // token renewed since then is kept. Backoff after failures still applies.
  void invalidate(std::string_view tenant, const access_token& rejected) noexcept {
    std::lock_guard lock(mu_);
    auto it = entries_.find(tenant);
    if (it != entries_.end() && it->second.current == rejected.t_) it->second.current.reset();
  }

  const cache_options& options() const noexcept { return opts_; }

 private:
  // opts with every duration within [0, core::max_duration].
  static cache_options bounded(cache_options o) noexcept {
    constexpr auto longest = std::chrono::duration_cast<std::chrono::milliseconds>(core::max_duration);
    o.renew_before = core::clamp_duration(o.renew_before);
    o.min_remaining = core::clamp_duration(o.min_remaining);
    o.backoff = std::clamp(o.backoff, std::chrono::milliseconds{0}, longest);
    o.max_backoff = std::clamp(o.max_backoff, std::chrono::milliseconds{0}, longest);
    return o;
  }

  struct entry {
    std::shared_ptr<const fetched_token> current;
    bool fetching = false;
    std::uint64_t completed = 0;  // finished fetches, so that waiters see the one they waited for
    unsigned failures = 0;        // consecutive
    errc last_error = errc::internal_error;
    std::chrono::system_clock::time_point retry_at{};
  };

  // Runs the fetch with the lock released, then publishes the outcome and wakes the waiters.
  result<access_token> fetch_for(std::unique_lock<std::mutex>& lock, entry& e, std::string_view tenant) {
    e.fetching = true;
    lock.unlock();
    result<fetched_token> r = unexpected{errc::token_unavailable};
    try {
      r = std::invoke(fetch_, tenant);
    } catch (...) {
      r = unexpected{errc::token_unavailable};
    }
    if (r && (r->token.empty() || r->expires_at - clock_.now() <= opts_.min_remaining))
      r = unexpected{errc::token_unavailable};
    std::shared_ptr<const fetched_token> fresh;
    if (r) {
      try {
        fresh = std::make_shared<const fetched_token>(std::move(*r));
      } catch (...) {
        r = unexpected{errc::internal_error};
      }
    }
    lock.lock();
    e.fetching = false;
    ++e.completed;
    const auto now = clock_.now();
    if (fresh) {
      e.current = std::move(fresh);
      e.failures = 0;
      e.retry_at = {};
    } else {
      e.last_error = r.error();
      e.failures = std::min(e.failures + 1, 32u);
      e.retry_at = now + backoff_after(e.failures);
    }
    cv_.notify_all();
    if (e.current && e.current->expires_at - now > opts_.min_remaining) return access_token(e.current);
    return unexpected{e.last_error};
  }

  // backoff × 2^(failures-1), capped at max_backoff.
  std::chrono::milliseconds backoff_after(unsigned failures) const noexcept {
    const auto cap = std::max(opts_.max_backoff, std::chrono::milliseconds{0});
    auto d = std::max(opts_.backoff, std::chrono::milliseconds{0});
    for (unsigned i = 1; i < failures && d < cap; ++i) d *= 2;
    return std::min(d, cap);
  }

  F fetch_;
  cache_options opts_;
  C clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, entry, core::string_hash, std::equal_to<>> entries_;
};

template <class F>
token_cache(F) -> token_cache<F>;
template <class F>
token_cache(F, cache_options) -> token_cache<F>;
template <class F, class C>
token_cache(F, cache_options, C) -> token_cache<F, C>;

}  // namespace tessera::client
