#pragma once
// tessera::jwt::remote_jwks — a key set read from an identity provider's JWKS URL, cached, and
// refreshed in the background: it follows key rotation without a restart, and an attacker's
// random kids never turn into a flood of outbound requests. The fetch itself is a concept
// (jwks_fetcher), so this header needs no HTTP library; the default fetcher, on cpp-httplib, is
// tessera/adapters/httplib_jwks_fetcher.hpp.

#include <nlohmann/json_fwd.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/algorithm.hpp"
#include "tessera/jwt/jwks.hpp"
#include "tessera/jwt/key.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/webhook/url_guard.hpp"

namespace tessera::jwt {

// One request for a JWKS document.
struct jwks_request {
  std::string url{};                  // the JWKS URL (https, or http to a loopback host)
  std::string if_none_match{};        // the ETag of the set held, for a conditional GET; empty: none
  std::chrono::milliseconds timeout{std::chrono::seconds{5}};  // connect, and each read or write
  std::size_t max_body = 256 * 1024;  // a longer body fails the fetch with input_too_large
};

// The answer to a JWKS request.
struct jwks_response {
  int status = 0;                                 // HTTP status: 200 with a document, 304 not modified
  std::string body{};                             // the document (200 only)
  std::string etag{};                             // the ETag header's value, empty when absent
  std::optional<std::chrono::seconds> max_age{};  // freshness left (Cache-Control max-age minus Age); nullopt: none given
};

// Fetches JWKS documents over HTTP for a remote_jwks.
// Rules:
//  - fetch() is noexcept; remote_jwks calls it from its own refresh thread, one call at a time;
//  - it sends a GET to request.url, with If-None-Match when request.if_none_match is not empty,
//    and gives up after request.timeout (connection_failed);
//  - it refuses, before any connection, URLs that check_jwks_url() refuses (url_not_allowed);
//  - it verifies TLS certificates (chain and host name) unless its owner turned that off;
//  - it never follows redirects (a 3xx is returned as an answer) and uses no proxy;
//  - any HTTP status is an answer, not an error; no answer is connection_failed; a body longer
//    than request.max_body is input_too_large, stopping the download there;
//  - max_age comes from Cache-Control (no-store and no-cache give 0), less the Age header;
//  - it never logs a request, an answer or a key.
template <class F>
concept jwks_fetcher = requires(F& f, const jwks_request& r) {
  { f.fetch(r) } noexcept -> std::same_as<result<jwks_response>>;
};

// Checks a JWKS URL: https, or plain http only when the host is loopback (127.0.0.0/8, ::1 or a
// "localhost" name); url_not_allowed for anything else or for a URL that is not strict
// (userinfo, fragment, bad port, ...: see webhook::parse_url).
TESSERA_DECL result<void> check_jwks_url(std::string_view url) noexcept;

// The freshness lifetime a Cache-Control value gives (RFC 9111 §5.2.2): 0 for no-store or
// no-cache, else the first max-age (an invalid max-age counts as 0, values beyond
// core::max_duration as core::max_duration); nullopt when it says nothing about freshness.
TESSERA_DECL std::optional<std::chrono::seconds> cache_max_age(std::string_view cache_control) noexcept;

namespace detail {
// Whether one JWK of a remote set is meant for verifying signatures: false ("skip it") when its
// "use" is not "sig", its "key_ops" lack "verify", its "alg" is not a JWS algorithm tessera
// verifies (an encryption algorithm, "none", an unknown name), or its kty or OKP curve is not one
// tessera reads; invalid_key when one of those members has the wrong JSON type.
TESSERA_DECL result<bool> remote_key_wanted(const nlohmann::json& jwk);
}  // namespace detail

// Reads a JWKS document fetched from an identity provider into verification keys, with the
// bounds of jwks_options (document size, key count, RSA sizes) and import_jwk's rules for each
// key (the key decides the algorithm), but skipping the keys not meant for verification (see
// detail::remote_key_wanted, and keys of a type or curve tessera does not support) instead of
// refusing the document for them. The document is refused when a wanted key is malformed, when
// kids repeat or more than one key has no kid, when a symmetric ("oct") key sits in a set with
// asymmetric ones (key_type_mismatch), when it holds symmetric keys and opts.allow_symmetric is
// off, and when no key is left (invalid_key).
TESSERA_DECL result<std::vector<verification_key>> import_remote_jwks(std::string_view document,
                                                                const jwks_options& opts = {});

// How a remote_jwks fetches and caches. Durations are clamped when the set is created: negative
// ones to 0, any beyond core::max_duration to it, and as each member says.
struct remote_jwks_options {
  // Document bounds and key rules (allow_symmetric stays off for a public JWKS).
  jwks_options jwks{};
  // Freshness of a set whose answer carries no Cache-Control max-age.
  std::chrono::seconds ttl{std::chrono::minutes{10}};
  // Bounds on the freshness of any set (max-age or ttl): at least 1 s; max_freshness is raised to
  // min_freshness when below it.
  std::chrono::seconds min_freshness{std::chrono::seconds{30}};
  std::chrono::seconds max_freshness{std::chrono::hours{24}};
  // Shortest time between two fetches, whatever asks for them (an unknown kid, a stale set, a
  // failed fetch's retry); at least 1 s. Random kids therefore cost one request per cooldown.
  std::chrono::seconds cooldown{std::chrono::seconds{30}};
  // How long past its freshness the last good set is still served while refreshes fail; after
  // that, lookups fail closed until a fetch succeeds.
  std::chrono::seconds max_staleness{std::chrono::hours{1}};
  // Bound on one fetch (connect, and each read or write); 1 ms to 5 min.
  std::chrono::milliseconds timeout{std::chrono::seconds{5}};
  // How long a lookup made before the very first fetch has finished waits for it; 0 to 5 min.
  // No other lookup ever waits for a fetch.
  std::chrono::milliseconds first_load_wait{std::chrono::seconds{5}};
};

// What a remote_jwks holds and has done, for health checks and logs.
struct remote_jwks_status {
  bool loaded = false;              // a good set is held (it may be too stale to serve)
  bool servable = false;            // lookups use the set (held, and within max_staleness)
  std::size_t keys = 0;             // keys in the set held
  std::uint64_t fetches = 0;        // requests made
  std::uint64_t updates = 0;        // 200 answers that replaced the set
  std::uint64_t not_modified = 0;   // 304 answers that kept it
  std::uint64_t failures = 0;       // fetches that failed (no answer, an error status, a refused document)
  errc last_error = errc::none_;    // the latest fetch's failure; none_ when it succeeded
  std::chrono::system_clock::time_point fresh_until{};  // the set is refreshed after this
  std::chrono::system_clock::time_point serve_until{};  // the set is no longer served after this
};

// A key set read from a JWKS URL (a key_set and key_visitor model).
//  - Served from cache, with no request, while fresh: for Cache-Control max-age, else ttl, both
//    within [min_freshness, max_freshness].
//  - Once stale, a lookup asks for a conditional GET (If-None-Match with the set's ETag); a 304
//    keeps the keys and renews their freshness.
//  - A lookup of an unknown kid asks for a refresh; no more than one fetch is made per cooldown,
//    whatever asks for it.
//  - A failed fetch keeps the last good set, served until max_staleness past its freshness;
//    then lookups fail closed (find() null, so a verifier answers key_not_found; get() tells
//    store_unavailable) until a fetch succeeds.
//  - Fetches run on the set's own thread, one at a time; lookups never wait for one (they use
//    the set held), except those made before the very first fetch finished, for at most
//    first_load_wait.
//  - Documents are read by import_remote_jwks (bounds, skipped keys, no symmetric key mixed
//    into an asymmetric set); a refused document keeps the last good set.
//  - Lookups are kid_key_set's: a shared lock on the calling thread's own reader slot, a hash
//    lookup, no allocation (visit), plus one clock read and one atomic load.
// Thread-safe. F and C may be reference types to share a fetcher or clock owned elsewhere.
// Destroying the set waits for a fetch in flight (at most its timeout). A moved-from set may
// only be destroyed or assigned to.
template <class F, class C = core::coarse_clock>
  requires jwks_fetcher<std::remove_reference_t<F>> && core::clock<std::remove_reference_t<C>>
class remote_jwks {
 public:
  // A set for this URL, whose first fetch starts at once on the set's thread. url_not_allowed
  // when check_jwks_url() refuses the URL; internal_error when the thread cannot start.
  static result<remote_jwks> create(std::string url, F fetcher, remote_jwks_options options = {}, C clock = C{}) {
    if (auto u = check_jwks_url(url); !u) return unexpected{u.error()};
    auto s = std::make_unique<state>(std::move(url), std::forward<F>(fetcher), normalized(options),
                                     std::forward<C>(clock));
    if (!s->start()) return unexpected{errc::internal_error};
    return remote_jwks(std::move(s));
  }

  // Moves the set; its thread, cache and fetcher stay where they are and go with it.
  remote_jwks(remote_jwks&&) noexcept = default;
  // Replaces the set held (the one replaced stops its thread, waiting for a fetch in flight).
  remote_jwks& operator=(remote_jwks&&) noexcept = default;

  // The key for the kid (or the set's kid-less key for a token without one); null when none
  // matches or the set cannot be served.
  std::shared_ptr<const verification_key> find(std::optional<std::string_view> kid) const noexcept {
    auto k = get(kid);
    return k ? std::move(*k) : nullptr;
  }
  // The same, saying why there is none: key_not_found when the set held lacks the kid,
  // store_unavailable when no set can be served (none fetched yet, or too stale).
  result<std::shared_ptr<const verification_key>> get(std::optional<std::string_view> kid) const noexcept {
    std::int64_t now = s_->now_ns();
    if (const errc e = s_->admit(now); e != errc::none_) return unexpected{e};
    auto k = s_->keys.find(kid);
    if (!k) {
      s_->ask(now);
      return unexpected{errc::key_not_found};
    }
    return k;
  }
  // Calls fn(key) with the key for the kid while the key is held, and returns true; false,
  // without calling fn, when find() would return null. fn must not call into this set.
  template <class Fn>
    requires std::is_nothrow_invocable_v<Fn&, const verification_key&>
  bool visit(std::optional<std::string_view> kid, Fn&& fn) const noexcept {
    return s_->lookup(kid, fn) == errc::none_;
  }

  // Fetches the set now, one fetch at a time as always, outside the cooldown (which it restarts),
  // and waits up to max_wait for the outcome: ok, or the fetch's failure; store_unavailable
  // when it has not finished in time (it goes on in the background).
  result<void> refresh(std::chrono::milliseconds max_wait) noexcept { return s_->refresh(max_wait); }
  // Waits up to max_wait for the first fetch: ok once a set is held, else that fetch's failure,
  // or store_unavailable when it has not finished in time.
  result<void> ready(std::chrono::milliseconds max_wait) const noexcept { return s_->ready(max_wait); }
  // Waits up to max_wait until no fetch is asked for or running; true when that happened.
  bool wait_idle(std::chrono::milliseconds max_wait) const noexcept { return s_->wait_idle(max_wait); }
  // A snapshot of what the set holds and has done.
  remote_jwks_status status() const noexcept { return s_->status(); }
  // The JWKS URL.
  const std::string& url() const noexcept { return s_->url; }
  // The options in force, after clamping.
  const remote_jwks_options& options() const noexcept { return s_->opts; }

 private:
  using ns = std::chrono::nanoseconds;
  static constexpr std::int64_t never = std::numeric_limits<std::int64_t>::min();

  static remote_jwks_options normalized(remote_jwks_options o) noexcept {
    using std::chrono::seconds;
    using std::chrono::milliseconds;
    o.ttl = core::clamp_duration(o.ttl);
    o.min_freshness = std::max(core::clamp_duration(o.min_freshness), seconds{1});
    o.max_freshness = std::max(core::clamp_duration(o.max_freshness), o.min_freshness);
    o.cooldown = std::max(core::clamp_duration(o.cooldown), seconds{1});
    o.max_staleness = core::clamp_duration(o.max_staleness);
    o.timeout = std::clamp(o.timeout, milliseconds{1}, milliseconds{std::chrono::minutes{5}});
    o.first_load_wait = std::clamp(o.first_load_wait, milliseconds{0}, milliseconds{std::chrono::minutes{5}});
    return o;
  }

  // Everything the set's thread shares with lookups; it stays put when the set is moved.
  struct state {
    state(std::string u, F f, remote_jwks_options o, C c)
        : url(std::move(u)), opts(o), fetcher(std::forward<F>(f)), clock(std::forward<C>(c)) {}
    state(const state&) = delete;
    state& operator=(const state&) = delete;
    ~state() {
      {
        std::lock_guard lock(mu);
        stop = true;
      }
      work.notify_all();
      done.notify_all();
      if (worker.joinable()) worker.join();
    }

    std::int64_t now_ns() const noexcept {
      return std::chrono::duration_cast<ns>(clock.now().time_since_epoch()).count();
    }
    static std::int64_t to_ns(std::chrono::seconds d) noexcept { return std::chrono::duration_cast<ns>(d).count(); }

    // Starts the thread with the first fetch asked for.
    bool start() noexcept {
      next_fetch.store(now_ns() + to_ns(opts.cooldown), std::memory_order_relaxed);
      pending = true;
      requested = 1;
      try {
        worker = std::thread([this] { run(); });
        return true;
      } catch (...) {
        return false;
      }
    }

    // Whether lookups at `now` may use the set held: none_, or store_unavailable when there is
    // none or it is past max_staleness. Asks for a fetch when the set is stale. Only a lookup
    // made before the first fetch finished waits (for it, at most first_load_wait; `now` is then
    // read again).
    errc admit(std::int64_t& now) const noexcept {
      if (now < stale_at.load(std::memory_order_acquire)) [[likely]] return errc::none_;
      if (!first_done.load(std::memory_order_acquire)) {
        wait_first_load();
        now = now_ns();
      }
      if (now >= serve_until.load(std::memory_order_acquire)) {
        ask(now);
        return errc::store_unavailable;
      }
      if (now >= stale_at.load(std::memory_order_acquire)) ask(now);  // conditional GET, in the background
      return errc::none_;
    }

    // The lookup behind visit: none_ when fn was called with the key.
    template <class Fn>
    errc lookup(std::optional<std::string_view> kid, Fn& fn) const noexcept {
      std::int64_t now = now_ns();
      if (const errc e = admit(now); e != errc::none_) return e;
      if (keys.visit(kid, fn)) return errc::none_;
      ask(now);  // an unknown kid: a rotation, or a forged token (the cooldown bounds both)
      return errc::key_not_found;
    }

    // Asks for a fetch unless one was asked for within the cooldown.
    void ask(std::int64_t now) const noexcept {
      std::int64_t next = next_fetch.load(std::memory_order_relaxed);
      if (now < next) return;
      if (!next_fetch.compare_exchange_strong(next, now + to_ns(opts.cooldown), std::memory_order_relaxed)) return;
      enqueue();
    }
    // Queues one fetch (joining one queued and not yet started); returns its number, 0 on failure.
    std::uint64_t enqueue() const noexcept {
      try {
        std::uint64_t n;
        {
          std::lock_guard lock(mu);
          if (!pending) {
            ++requested;
            pending = true;
          }
          n = requested;
        }
        work.notify_one();
        return n;
      } catch (...) {
        return 0;
      }
    }

    void wait_first_load() const noexcept {
      try {
        std::unique_lock lock(mu);
        done.wait_for(lock, opts.first_load_wait,
                      [&] { return first_done.load(std::memory_order_relaxed) || stop; });
      } catch (...) {
      }
    }

    result<void> refresh(std::chrono::milliseconds max_wait) noexcept {
      const std::int64_t now = now_ns();
      std::int64_t next = next_fetch.load(std::memory_order_relaxed);
      while (next < now + to_ns(opts.cooldown) &&
             !next_fetch.compare_exchange_weak(next, now + to_ns(opts.cooldown), std::memory_order_relaxed)) {
      }
      const std::uint64_t n = enqueue();
      if (n == 0) return unexpected{errc::internal_error};
      try {
        std::unique_lock lock(mu);
        if (!done.wait_for(lock, std::max(max_wait, std::chrono::milliseconds{0}),
                           [&] { return completed >= n || stop; }) ||
            completed < n)
          return unexpected{errc::store_unavailable};
        if (last_error != errc::none_) return unexpected{last_error};
        return core::ok();
      } catch (...) {
        return unexpected{errc::internal_error};
      }
    }

    result<void> ready(std::chrono::milliseconds max_wait) const noexcept {
      try {
        std::unique_lock lock(mu);
        done.wait_for(lock, std::max(max_wait, std::chrono::milliseconds{0}),
                      [&] { return first_done.load(std::memory_order_relaxed) || stop; });
        if (loaded) return core::ok();
        if (!first_done.load(std::memory_order_relaxed)) return unexpected{errc::store_unavailable};
        return unexpected{last_error != errc::none_ ? last_error : errc::store_unavailable};
      } catch (...) {
        return unexpected{errc::internal_error};
      }
    }

    bool wait_idle(std::chrono::milliseconds max_wait) const noexcept {
      try {
        std::unique_lock lock(mu);
        return done.wait_for(lock, std::max(max_wait, std::chrono::milliseconds{0}),
                             [&] { return (!pending && completed == requested) || stop; });
      } catch (...) {
        return false;
      }
    }

    remote_jwks_status status() const noexcept {
      remote_jwks_status s;
      const std::int64_t now = now_ns();
      const std::int64_t fresh = stale_at.load(std::memory_order_acquire);
      const std::int64_t serve = serve_until.load(std::memory_order_acquire);
      try {
        std::lock_guard lock(mu);
        s.loaded = loaded;
        s.keys = key_count;
        s.fetches = fetches;
        s.updates = updates;
        s.not_modified = not_modified;
        s.failures = failures;
        s.last_error = last_error;
      } catch (...) {
        s.last_error = errc::internal_error;
      }
      s.servable = s.loaded && now < serve;
      if (s.loaded) {
        s.fresh_until = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(ns{fresh}));
        s.serve_until = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(ns{serve}));
      }
      return s;
    }

    // The refresh thread: one fetch per request, until stopped.
    void run() noexcept {
      try {
        std::unique_lock lock(mu);
        for (;;) {
          work.wait(lock, [&] { return pending || stop; });
          if (stop) return;
          pending = false;
          const std::uint64_t serving = requested;
          const std::string held_etag = loaded ? etag : std::string();
          ++fetches;
          lock.unlock();
          outcome o = fetch_once(held_etag);
          lock.lock();
          if (o.error == errc::none_) {
            if (o.replaced) {
              loaded = true;
              key_count = o.key_count;
              etag = std::move(o.etag);
              ++updates;
            } else {
              ++not_modified;
              if (!o.etag.empty()) etag = std::move(o.etag);
            }
          } else {
            ++failures;
          }
          last_error = o.error;
          completed = serving;
          first_done.store(true, std::memory_order_release);
          done.notify_all();
        }
      } catch (...) {
        // A lock that cannot be taken: the thread ends and lookups keep the set held.
        first_done.store(true, std::memory_order_release);
      }
    }

    struct outcome {
      errc error = errc::none_;
      bool replaced = false;
      std::size_t key_count = 0;
      std::string etag{};
    };

    // One fetch, and the set replaced or renewed by its answer; the lock is not held.
    outcome fetch_once(const std::string& held_etag) noexcept {
      outcome o;
      try {
        jwks_request req;
        req.url = url;
        req.if_none_match = held_etag;
        req.timeout = opts.timeout;
        req.max_body = opts.jwks.max_document_size;
        auto r = fetcher.fetch(req);
        if (!r) {
          o.error = r.error();
          return o;
        }
        if (r->status == 304 && !held_etag.empty()) {
          renew(r->max_age);
          o.etag = std::move(r->etag);
          return o;
        }
        if (r->status != 200) {
          o.error = errc::remote_error;
          return o;
        }
        auto parsed = import_remote_jwks(r->body, opts.jwks);
        if (!parsed) {
          o.error = parsed.error();
          return o;
        }
        o.key_count = parsed->size();
        keys.replace_all(std::move(*parsed));
        renew(r->max_age);
        o.replaced = true;
        o.etag = std::move(r->etag);
      } catch (...) {
        o.error = errc::internal_error;
      }
      return o;
    }

    // Makes the set held fresh from now for max_age (or ttl), within the freshness bounds.
    void renew(std::optional<std::chrono::seconds> max_age) noexcept {
      const auto fresh = std::clamp(max_age ? core::clamp_duration(*max_age) : opts.ttl, opts.min_freshness,
                                    opts.max_freshness);
      const std::int64_t at = now_ns() + to_ns(fresh);
      serve_until.store(at + to_ns(opts.max_staleness), std::memory_order_release);
      stale_at.store(at, std::memory_order_release);
    }

    const std::string url;
    const remote_jwks_options opts;
    F fetcher;
    C clock;
    kid_key_set keys;
    // Lookups read these without a lock (nanoseconds since the Unix epoch).
    std::atomic<std::int64_t> stale_at{never};     // fresh before this
    std::atomic<std::int64_t> serve_until{never};  // served before this
    mutable std::atomic<std::int64_t> next_fetch{never};  // no fetch asked for before this
    std::atomic<bool> first_done{false};           // the first fetch has finished

    // Guarded by mu.
    mutable std::mutex mu;
    mutable std::condition_variable work, done;
    mutable bool pending = false;
    mutable std::uint64_t requested = 0;
    std::uint64_t completed = 0;
    bool stop = false;
    bool loaded = false;
    std::size_t key_count = 0;
    std::string etag;
    std::uint64_t fetches = 0, updates = 0, not_modified = 0, failures = 0;
    errc last_error = errc::none_;

    std::thread worker;  // last: started once every other member exists
  };

  explicit remote_jwks(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}

  std::unique_ptr<state> s_;
};

namespace detail {
// A fetcher that never reaches anything: checks remote_jwks against the key-set concepts.
struct unreachable_jwks_fetcher {
  result<jwks_response> fetch(const jwks_request&) noexcept { return unexpected{errc::connection_failed}; }
};
static_assert(jwks_fetcher<unreachable_jwks_fetcher>);
static_assert(key_set<remote_jwks<unreachable_jwks_fetcher>>);
static_assert(key_visitor<remote_jwks<unreachable_jwks_fetcher>>);
}  // namespace detail

}  // namespace tessera::jwt

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/jwt/impl/remote_jwks.ipp"
#endif
