#pragma once
// Idempotency keys (IETF httpapi "The Idempotency-Key HTTP Header Field" draft, with Stripe's
// semantics): a client retrying a create after a lost answer gets the first answer again, and the
// handler runs at most once per key.
//
//   http::memory_idempotency_store store;   // one instance; redis::idempotency_store for a fleet
//   http::idempotency<http::memory_idempotency_store> idem(store, {.body_field = "external_reference"});
//   ...
//   auto r = idem.run(view, *who, [&] { return http::stored_response{201, {{"Content-Type", "application/json"}}, body}; });
//   if (!r) return write(res, auth.respond(r.error()));   // 400 / 409 / 422 / 503
//   send(r->response);                                    // r->replayed: the handler did not run
//
// Semantics, for a request carrying key K from principal P (tenant + subject):
//  - the first request records the fingerprint of the request (SHA-256 over method, path, query
//    and body) under (P, K) and is marked in flight; when the handler returns, its answer (status,
//    the headers options.stored_headers names, body) is stored for options.ttl (24 h by default);
//  - a retry with the same key and fingerprint gets the stored answer, with the header
//    "Idempotent-Replayed: true" added; the handler does not run;
//  - the same key with another fingerprint (another body, path or method) is idempotency_key_reused
//    (422), whether the first is finished or still in flight;
//  - a retry while the first is still in flight is request_in_progress (409);
//  - a key is scoped to its principal: the same key from another tenant or subject is another key;
//  - an answer that allows a retry (options.release_on: 5xx, 408 and 429 by default), an error
//    result from the handler, or an exception thrown by it, releases the key instead of storing
//    the answer, so a retry runs the handler again. This is Stripe's choice for requests that did
//    not complete: it requires that a handler answering 5xx (or throwing) committed nothing, e.g.
//    by rolling its transaction back. Answers that do not allow a retry (2xx, 3xx, 4xx other
//    than 408/429) are stored and replayed, errors included;
//  - the in-flight mark lives options.in_flight_ttl (2 min by default): a server that dies while
//    handling a request frees the key for a retry after that time. A handler running longer than
//    it loses the key, and a retry may then run again: set it above the longest handler time.
//
// The key is read from the Idempotency-Key header (1..255 visible ASCII characters, optionally
// as a structured-field string in double quotes) and/or from a top-level string member of a
// JSON body the route names (e.g. "external_reference", "external_id"), read with simdjson from a
// body of at most options.max_body_for_key bytes. When both are given they must be equal.
// A request without a key runs the handler unprotected, unless options.required.
//
// Stores never see a key or a principal in the clear (the driver hands them a SHA-256 digest of
// both), and never a credential. They do keep the answer: an answer that carries a secret shown
// once (a new API key, a webhook signing secret) sets stored_response::keep_body = false, and
// its replays come back with the status and headers only (body_omitted).


#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/string_hash.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/request_signing/request.hpp"

namespace tessera::http {

using request_signing::request_view;

// An answer as a handler gives it and as it is kept for retries.
struct stored_response {
  int status = 200;                                          // HTTP status
  std::vector<std::pair<std::string, std::string>> headers;  // kept: those options.stored_headers names
  std::string body;                                          // the body bytes
  bool keep_body = true;      // handler: false when the body holds a secret shown once (not stored)
  bool body_omitted = false;  // replay: the body was not kept (keep_body false, or over a size bound)
};

// SHA-256 of a request's method, path, query and body.
using request_fingerprint = std::array<std::uint8_t, 32>;

// What a store found when a keyed request began.
enum class idempotency_state {
  started,    // no live entry: one is now in flight for this attempt (run the handler)
  in_flight,  // the same request is being handled (409)
  completed,  // the same request was answered: the answer is in begin_result::response
  mismatch,   // the key holds another request's fingerprint (422)
};

// A store's answer to begin().
struct begin_result {
  idempotency_state state = idempotency_state::started;
  stored_response response;  // the stored answer, for completed
};

// Keeps idempotency entries: a key's fingerprint, whether it is in flight, and its answer.
// Rules:
//  - key is opaque text (the driver passes base64url(SHA-256(principal, key)), 43 characters);
//    owner is opaque text unique to one attempt (the driver passes 32 random hex characters);
//  - begin(key, fp, owner, now, in_flight_ttl) is atomic: with no live entry under key it creates
//    one in flight, owned by owner, living in_flight_ttl, and says started; of several concurrent
//    calls exactly one is started. With a live entry: mismatch when its fingerprint differs from
//    fp (in flight or not), else in_flight or completed (with a copy of the stored answer);
//  - complete(key, owner, answer, now, ttl) stores the answer and makes the entry live ttl from
//    now, only when the entry is still in flight and owned by owner (true); otherwise (it expired,
//    another attempt took the key over, it was released) it changes nothing and says false. A
//    store may drop the body (body_omitted in replays) to stay within its bounds, never the entry;
//  - release(key, owner) removes the entry when it is in flight and owned by owner, else nothing;
//  - an entry is live until at least its time-to-live has passed (ttls beyond core::max_duration
//    may be shortened to it); expired entries count as absent;
//  - every call is noexcept and thread-safe; a store that cannot answer (or is full) returns
//    store_unavailable, and the driver fails closed on begin (503, handler not run).
template <class S>
concept idempotency_store = requires(S& s, std::string_view key, const request_fingerprint& fp,
                                     std::string_view owner, const stored_response& answer,
                                     std::chrono::system_clock::time_point now, std::chrono::milliseconds ttl) {
  { s.begin(key, fp, owner, now, ttl) } noexcept -> std::same_as<result<begin_result>>;
  { s.complete(key, owner, answer, now, ttl) } noexcept -> std::same_as<result<bool>>;
  { s.release(key, owner) } noexcept -> std::same_as<result<void>>;
};

// Bounds of a memory_idempotency_store.
struct memory_idempotency_limits {
  std::size_t max_entries = 100'000;          // entries held at once (in flight and answered)
  std::size_t max_stored_bytes = 64u << 20;   // bytes of stored answers (bodies and headers) at once
};

// A thread-safe in-memory idempotency store for one instance: 16 independently locked shards,
// expired entries swept as shards grow and before refusing. When full it never evicts a live
// entry (forgetting one would let a retry run its handler twice): begin() refuses new keys with
// store_unavailable (503) until entries expire. When the byte budget is spent, complete() keeps
// the entry and drops the answer's body (then its headers), so retries still never run twice.
class memory_idempotency_store {
 public:
  // A store with these bounds (each at least 1).
  explicit memory_idempotency_store(memory_idempotency_limits limits = {})
      : max_entries_(std::max<std::size_t>(1, limits.max_entries)),
        max_bytes_(std::max<std::size_t>(1, limits.max_stored_bytes)) {}
  memory_idempotency_store(const memory_idempotency_store&) = delete;
  memory_idempotency_store& operator=(const memory_idempotency_store&) = delete;

  // Starts an attempt, or reports the live entry under key (see idempotency_store).
  result<begin_result> begin(std::string_view key, const request_fingerprint& fp, std::string_view owner,
                             std::chrono::system_clock::time_point now, std::chrono::milliseconds ttl) noexcept {
    try {
      shard& s = shard_of(key);
      for (int attempt = 0; attempt < 2; ++attempt) {
        {
          std::lock_guard lock(s.mu);
          auto it = s.entries.find(key);
          if (it != s.entries.end()) {
            if (it->second.expires > now) return state_of(it->second, fp);
            erase(s, it);
          }
          if (s.entries.size() >= s.next_sweep) sweep(s, now);
          if (entries_.fetch_add(1, std::memory_order_relaxed) < max_entries_) {
            entry e;
            e.fp = fp;
            e.owner.assign(owner);
            e.expires = expiry(now, ttl);
            try {
              s.entries.emplace(std::string(key), std::move(e));
            } catch (...) {
              entries_.fetch_sub(1, std::memory_order_relaxed);
              throw;
            }
            s.earliest = std::min(s.earliest, expiry(now, ttl));
            return begin_result{};
          }
          entries_.fetch_sub(1, std::memory_order_relaxed);
        }
        if (attempt == 0) sweep_all(now);  // full: drop what expired everywhere, then try once more
      }
      return unexpected{errc::store_unavailable};
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Stores the answer of the attempt owner (see idempotency_store).
  result<bool> complete(std::string_view key, std::string_view owner, const stored_response& answer,
                        std::chrono::system_clock::time_point now, std::chrono::milliseconds ttl) noexcept {
    // Bytes are taken from the budget before the shard is locked: when they do not fit, expired
    // entries everywhere are swept first (sweeping locks each shard, never two at once).
    std::size_t header_bytes = 0;
    for (const auto& [n, v] : answer.headers) header_bytes += n.size() + v.size();
    const bool omit = answer.body_omitted || !answer.keep_body;
    const std::size_t body_bytes = omit ? 0 : answer.body.size();
    auto take = [&](std::size_t n) {
      if (reserve(n)) return true;
      sweep_all(now);
      return reserve(n);
    };
    std::size_t bytes = 0;
    bool keep_headers = true, keep_body = !omit;
    if (take(header_bytes + body_bytes)) {
      bytes = header_bytes + body_bytes;
    } else {
      keep_body = false;
      if (take(header_bytes)) bytes = header_bytes;
      else keep_headers = false;
    }
    try {
      stored_response kept;
      kept.status = answer.status;
      kept.body_omitted = !keep_body;
      kept.keep_body = keep_body;
      if (keep_headers) kept.headers = answer.headers;
      if (keep_body) kept.body = answer.body;
      shard& s = shard_of(key);
      std::lock_guard lock(s.mu);
      auto it = s.entries.find(key);
      if (it == s.entries.end() || it->second.done || it->second.owner != owner || it->second.expires <= now) {
        if (it != s.entries.end() && it->second.expires <= now) erase(s, it);
        bytes_.fetch_sub(bytes, std::memory_order_relaxed);
        return false;
      }
      entry& e = it->second;
      e.response = std::move(kept);
      e.bytes = bytes;
      e.done = true;
      e.owner.clear();
      e.expires = expiry(now, ttl);
      s.earliest = std::min(s.earliest, e.expires);
      return true;
    } catch (...) {
      bytes_.fetch_sub(bytes, std::memory_order_relaxed);
      return unexpected{errc::store_unavailable};
    }
  }

  // Removes the in-flight entry of the attempt owner (see idempotency_store).
  result<void> release(std::string_view key, std::string_view owner) noexcept {
    shard& s = shard_of(key);
    std::lock_guard lock(s.mu);
    auto it = s.entries.find(key);
    if (it != s.entries.end() && !it->second.done && it->second.owner == owner) erase(s, it);
    return core::ok();
  }

  // Number of entries held (expired ones included until swept).
  std::size_t size() const noexcept { return entries_.load(std::memory_order_relaxed); }
  // Bytes of stored answers held (expired ones included until swept).
  std::size_t stored_bytes() const noexcept { return bytes_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t shard_count = 16;
  struct entry {
    request_fingerprint fp{};
    std::string owner;  // the attempt in flight ("" once answered)
    bool done = false;
    std::chrono::system_clock::time_point expires{};
    stored_response response;
    std::size_t bytes = 0;  // counted against max_bytes_
  };
  struct alignas(config::shard_alignment) shard {
    std::mutex mu;
    std::unordered_map<std::string, entry, core::string_hash, std::equal_to<>> entries;
    std::size_t next_sweep = 1024;
    std::chrono::system_clock::time_point earliest = std::chrono::system_clock::time_point::max();
  };

  shard& shard_of(std::string_view key) noexcept { return shards_[std::hash<std::string_view>{}(key) % shard_count]; }

  static std::chrono::system_clock::time_point expiry(std::chrono::system_clock::time_point now,
                                                      std::chrono::milliseconds ttl) noexcept {
    const auto max_ms = std::chrono::duration_cast<std::chrono::milliseconds>(core::max_duration);
    ttl = std::clamp(ttl, std::chrono::milliseconds{0}, max_ms);
    return now + ttl;
  }

  static result<begin_result> state_of(const entry& e, const request_fingerprint& fp) {
    begin_result r;
    if (e.fp != fp) r.state = idempotency_state::mismatch;
    else if (!e.done) r.state = idempotency_state::in_flight;
    else {
      r.state = idempotency_state::completed;
      r.response = e.response;
    }
    return r;
  }

  // Takes n bytes from the budget; false (nothing taken) when they do not fit.
  bool reserve(std::size_t n) noexcept {
    if (n == 0) return true;
    if (bytes_.fetch_add(n, std::memory_order_relaxed) + n <= max_bytes_) return true;
    bytes_.fetch_sub(n, std::memory_order_relaxed);
    return false;
  }

  template <class It>
  void erase(shard& s, It it) noexcept {
    bytes_.fetch_sub(it->second.bytes, std::memory_order_relaxed);
    entries_.fetch_sub(1, std::memory_order_relaxed);
    s.entries.erase(it);
  }

  // Drops expired entries (lock held); the next sweep happens when the shard has doubled.
  void sweep(shard& s, std::chrono::system_clock::time_point now) noexcept {
    auto earliest = std::chrono::system_clock::time_point::max();
    for (auto it = s.entries.begin(); it != s.entries.end();) {
      if (it->second.expires <= now) {
        auto dead = it++;
        erase(s, dead);
      } else {
        earliest = std::min(earliest, it->second.expires);
        ++it;
      }
    }
    s.earliest = earliest;
    s.next_sweep = std::max<std::size_t>(1024, s.entries.size() * 2);
  }

  // Sweeps every shard holding an expired entry (each locked on its own).
  void sweep_all(std::chrono::system_clock::time_point now) noexcept {
    for (auto& s : shards_) {
      std::lock_guard lock(s.mu);
      if (s.earliest <= now) sweep(s, now);
    }
  }

  std::size_t max_entries_;
  std::size_t max_bytes_;
  std::atomic<std::size_t> entries_{0};
  std::atomic<std::size_t> bytes_{0};
  std::array<shard, shard_count> shards_;
};
static_assert(idempotency_store<memory_idempotency_store>);

// True for the statuses that allow a retry, whose answers are released rather than stored:
// every 5xx, 408 Request Timeout and 429 Too Many Requests.
inline bool default_release_on(int status) noexcept { return status >= 500 || status == 408 || status == 429; }

// How the idempotency driver reads keys and keeps answers.
struct idempotency_options {
  std::string header = "Idempotency-Key";  // the key's header ("" to read no header)
  std::string body_field{};                // a top-level JSON string member holding the key ("" for none)
  bool required = false;                   // refuse requests without a key (missing_header / missing_field)
  std::chrono::milliseconds ttl = std::chrono::hours(24);            // how long an answer is replayed
  std::chrono::milliseconds in_flight_ttl = std::chrono::minutes(2);  // how long an attempt holds its key
  std::size_t max_response_bytes = 64 * 1024;  // a larger answer (body + kept headers) is stored without its body
  std::size_t max_body_for_key = 1u << 20;     // largest body read for body_field (input_too_large beyond)
  std::size_t max_json_depth = config::max_json_depth;  // deepest nesting of that body
  // The answer headers stored and replayed (case-insensitive names); others, Set-Cookie among
  // them, are given to the first caller only.
  std::vector<std::string> stored_headers = {"Content-Type", "Content-Language", "Location", "ETag", "Last-Modified"};
  // True when an answer's status allows a retry: the key is released, not stored.
  std::function<bool(int)> release_on = default_release_on;
};

// What run() gives back.
struct idempotent_response {
  stored_response response;  // the answer to send
  bool replayed = false;     // it is a stored answer: the handler did not run
  bool stored = false;       // the handler ran and its answer is kept for retries
  bool keyed = false;        // the request carried an idempotency key
};

// The principal an idempotency key belongs to: its tenant and subject.
struct idempotency_scope {
  std::string_view tenant;
  std::string_view subject;
};

// Anything with a tenant and a subject (http::principal, idempotency_scope).
template <class P>
concept scoped_principal = requires(const P& p) {
  { std::string_view(p.tenant) };
  { std::string_view(p.subject) };
};

// The name of the header run() adds to replayed answers.
inline constexpr std::string_view replayed_header = "Idempotent-Replayed";

namespace detail {
// Longest idempotency key, in bytes.
inline constexpr std::size_t max_idempotency_key = 255;

// A key as a header carries it: bare, or as a structured-field string ("..." without escapes).
// invalid_idempotency_key unless 1..255 visible ASCII characters remain.
inline result<std::string_view> header_key(std::string_view v) noexcept {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    v = v.substr(1, v.size() - 2);
    if (v.find_first_of("\"\\") != std::string_view::npos) return unexpected{errc::invalid_idempotency_key};
  }
  if (v.empty() || v.size() > max_idempotency_key || !core::visible_ascii(v))
    return unexpected{errc::invalid_idempotency_key};
  return v;
}

// Adds a length-prefixed part to a hash (8-byte big-endian length, then the bytes), so that no
// two different lists of parts hash the same.
inline void hash_part(crypto::hasher& h, core::bytes_view part) noexcept {
  std::uint8_t len[8];
  std::uint64_t n = part.size();
  for (int i = 7; i >= 0; --i, n >>= 8) len[i] = static_cast<std::uint8_t>(n & 0xff);
  h.update(core::bytes_view(len, 8)).update(part);
}

// The store's key: base64url(SHA-256(tenant, subject, key)), 43 characters.
inline result<std::string> store_key(std::string_view tenant, std::string_view subject, std::string_view key) noexcept {
  crypto::hasher h(crypto::hash_alg::sha256);
  hash_part(h, core::bytes_view("tessera-idempotency-key-v1"));
  hash_part(h, core::bytes_view(tenant));
  hash_part(h, core::bytes_view(subject));
  hash_part(h, core::bytes_view(key));
  auto d = h.finish();
  if (!d) return unexpected{d.error()};
  try {
    return core::base64url_encode(d->view());
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

// The string member `field` of the JSON object `body`: nullopt when the body is empty or has no
// such member; invalid_idempotency_key when it is not a valid key, not a string, or given twice;
// malformed_request when the body is not a JSON object (or is nested deeper than max_depth);
// input_too_large beyond max_size.
TESSERA_DECL result<std::optional<std::string>> body_key(std::string_view body, std::string_view field, std::size_t max_size,
                                                         std::size_t max_depth) noexcept;

// Calls a handler returning stored_response or result<stored_response>, as a result.
template <class Handler>
result<stored_response> call_handler(Handler& handler) {
  using R = std::invoke_result_t<Handler&>;
  if constexpr (std::is_same_v<std::remove_cvref_t<R>, result<stored_response>>) return std::invoke(handler);
  else return stored_response(std::invoke(handler));
}
}  // namespace detail

// The fingerprint of a request: SHA-256 over its method, raw path, raw query and body (each
// length-prefixed). crypto_failure when hashing fails.
template <request_view R>
result<request_fingerprint> fingerprint_of(const R& req) noexcept {
  crypto::hasher h(crypto::hash_alg::sha256);
  detail::hash_part(h, core::bytes_view("tessera-idempotency-request-v1"));
  detail::hash_part(h, core::bytes_view(req.method()));
  detail::hash_part(h, core::bytes_view(req.path()));
  detail::hash_part(h, core::bytes_view(req.query()));
  detail::hash_part(h, core::bytes_view(req.body()));
  auto d = h.finish();
  if (!d || d->size != 32) return unexpected{errc::crypto_failure};
  request_fingerprint fp;
  std::memcpy(fp.data(), d->bytes.data(), fp.size());
  return fp;
}

// The idempotency driver a server calls around a handler. Store is an idempotency_store, held
// by reference (the caller owns it and shares it between routes); Clock times the entries
// (core::manual_clock& in tests). Thread-safe: one driver serves every request of a route.
template <idempotency_store Store, class Clock = core::coarse_clock>
  requires core::clock<std::remove_cvref_t<Clock>>
class idempotency {
 public:
  // A driver over store with these options, on the default clock.
  explicit idempotency(Store& store, idempotency_options options = {})
    requires std::is_default_constructible_v<Clock>
      : store_(store), options_(std::move(options)), clock_() {}
  // A driver over store with these options, on a given clock.
  idempotency(Store& store, idempotency_options options, std::type_identity_t<Clock> clock)
      : store_(store), options_(std::move(options)), clock_(std::forward<Clock>(clock)) {}

  // The request's idempotency key, validated: nullopt when it carries none (see the header
  // comment for where keys come from); invalid_idempotency_key, malformed_request or
  // input_too_large when what it carries cannot be a key.
  template <request_view R>
  result<std::optional<std::string>> key_of(const R& req) const noexcept {
    std::optional<std::string_view> from_header;
    if (!options_.header.empty()) {
      if (auto h = req.header(options_.header)) {
        auto k = detail::header_key(*h);
        if (!k) return unexpected{k.error()};
        from_header = *k;
      }
    }
    std::optional<std::string> key;
    if (!options_.body_field.empty()) {
      auto b = detail::body_key(core::bytes_view(req.body()).as_chars(), options_.body_field,
                                options_.max_body_for_key, options_.max_json_depth);
      if (!b) return unexpected{b.error()};
      key = std::move(*b);
      if (key && from_header && *key != *from_header) return unexpected{errc::invalid_idempotency_key};
    }
    try {
      if (!key && from_header) key.emplace(*from_header);
    } catch (...) {
      return unexpected{errc::internal_error};
    }
    return key;
  }

  // Runs handler at most once per (principal, key) and fingerprint: see the header comment.
  // handler() returns stored_response or result<stored_response>. Errors: the key's
  // (invalid_idempotency_key 400, malformed_request 400, input_too_large 400), missing_header or
  // missing_field (400, options.required), idempotency_key_reused (422), request_in_progress
  // (409), store_unavailable (503, handler not run), random_failure / crypto_failure (500), or
  // the handler's own error result. An exception from the handler releases the key and
  // propagates. A failure to store the answer after the handler ran is not an error: the answer
  // is returned with stored = false (the key is freed when its in-flight mark expires).
  template <request_view R, scoped_principal P, class Handler>
    requires std::invocable<Handler&>
  result<idempotent_response> run(const R& req, const P& who, Handler&& handler) {
    auto key = key_of(req);
    if (!key) return unexpected{key.error()};
    if (!*key) {
      if (options_.required) return unexpected{options_.body_field.empty() ? errc::missing_header : errc::missing_field};
      auto answer = detail::call_handler(handler);
      if (!answer) return unexpected{answer.error()};
      return idempotent_response{std::move(*answer), false, false, false};
    }
    auto fp = fingerprint_of(req);
    if (!fp) return unexpected{fp.error()};
    auto skey = detail::store_key(std::string_view(who.tenant), std::string_view(who.subject), **key);
    if (!skey) return unexpected{skey.error()};
    auto owner = core::random_hex(16);
    if (!owner) return unexpected{owner.error()};

    auto begun = store_.begin(*skey, *fp, *owner, clock_.now(), options_.in_flight_ttl);
    if (!begun) return unexpected{begun.error()};
    switch (begun->state) {
      case idempotency_state::mismatch: return unexpected{errc::idempotency_key_reused};
      case idempotency_state::in_flight: return unexpected{errc::request_in_progress};
      case idempotency_state::completed: {
        idempotent_response out{std::move(begun->response), true, false, true};
        out.response.headers.emplace_back(std::string(replayed_header), "true");
        return out;
      }
      case idempotency_state::started: break;
    }

    result<stored_response> answer = unexpected{errc::internal_error};
    try {
      answer = detail::call_handler(handler);
    } catch (...) {
      (void)store_.release(*skey, *owner);
      throw;
    }
    if (!answer) {
      (void)store_.release(*skey, *owner);
      return unexpected{answer.error()};
    }
    idempotent_response out{std::move(*answer), false, false, true};
    if (releases(out.response.status)) {
      (void)store_.release(*skey, *owner);
      return out;
    }
    try {
      auto done = store_.complete(*skey, *owner, kept(out.response), clock_.now(), options_.ttl);
      out.stored = done && *done;
    } catch (...) {
      out.stored = false;  // no memory for the copy: the answer still goes out
    }
    return out;
  }

  // The settings.
  const idempotency_options& options() const noexcept { return options_; }

 private:
  bool releases(int status) const noexcept {
    try {
      return options_.release_on ? options_.release_on(status) : default_release_on(status);
    } catch (...) {
      return true;
    }
  }

  // What is stored of an answer: its status, the headers options.stored_headers names, and its
  // body when it may be kept and fits max_response_bytes.
  stored_response kept(const stored_response& a) const {
    stored_response k;
    k.status = a.status;
    std::size_t size = 0;
    for (const auto& h : a.headers) {
      const bool wanted = std::any_of(options_.stored_headers.begin(), options_.stored_headers.end(),
                                      [&](const std::string& s) { return core::iequals(s, h.first); });
      if (!wanted || core::iequals(h.first, replayed_header)) continue;
      size += h.first.size() + h.second.size();
      k.headers.push_back(h);
    }
    if (size > options_.max_response_bytes) k.headers.clear();
    k.body_omitted = a.body_omitted || !a.keep_body || size + a.body.size() > options_.max_response_bytes;
    k.keep_body = !k.body_omitted;
    if (!k.body_omitted) k.body = a.body;
    return k;
  }

  Store& store_;
  idempotency_options options_;
  Clock clock_;
};

}  // namespace tessera::http

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/http/impl/idempotency.ipp"
#endif
