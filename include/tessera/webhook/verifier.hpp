#pragma once
// tessera::webhook::verifier — the receiving side: checks a delivery's headers and raw body
// against the active keys, the freshness window and a replay store. noexcept; every failure is a
// distinct errc; nothing read from the request is trusted before a signature verifies.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tessera/core/bytes.hpp"
#include "tessera/core/cleanse.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/ct_equal.hpp"
#include "tessera/core/hex.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/core/result.hpp"
#include "tessera/webhook/headers.hpp"
#include "tessera/webhook/key_ring.hpp"
#include "tessera/webhook/scheme.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/timestamp.hpp"

namespace tessera::webhook {

// The replay policy that remembers nothing, for receivers that deduplicate elsewhere. It must be
// named explicitly: a verifier has no default store, so opting out of duplicate detection is visible.
struct no_replay_check {
  // Always "first seen".
  result<bool> remember(std::string_view, std::chrono::system_clock::time_point, std::chrono::seconds) const noexcept {
    return true;
  }
};
static_assert(core::replay_store<no_replay_check>);

// How a verifier judges time and remembers deliveries.
struct verify_options {
  // A delivery's timestamp may be this far behind or ahead of the clock (edges included).
  // Negative counts as 0; more than max_tolerance is clamped.
  std::chrono::seconds tolerance = default_tolerance;
  // Skips the freshness check (the timestamp must still be a strict integer and is still signed).
  // Only for replaying stored events in tests; never in a server.
  bool insecure_skip_timestamp_check = false;
  // How long an accepted delivery is remembered; never less than twice the tolerance plus one
  // second (the default), never more than core::max_duration.
  std::chrono::seconds replay_ttl{0};
  // Prefix of this verifier's keys in a shared replay store (e.g. the subscription or sender name).
  // Empty (the default): each key of the ring names its own namespace by a fingerprint (see
  // verifier), so senders with different secrets never share delivery ids.
  std::string replay_namespace{};
};

template <scheme Scheme, core::replay_store Store, core::clock Clock>
class verifier;

// A delivery whose signature has verified. Only a verifier constructs one.
class verified_delivery {
 public:
  // The delivery id ("" when the scheme carries none); use it as the idempotency key.
  std::string_view id() const noexcept { return id_len_ <= inline_id ? std::string_view(small_.data(), id_len_) : std::string_view(large_); }
  // True when the signature covers the id; an unsigned id (from a separate header) is only a hint.
  bool id_signed() const noexcept { return id_signed_; }
  // The signed timestamp in Unix seconds, when the scheme carries one.
  std::optional<std::int64_t> timestamp() const noexcept { return timestamp_; }
  // Index in the key ring of the key that verified (a non-zero index tells that an older key is still in use).
  std::size_t key_index() const noexcept { return key_index_; }

 private:
  template <scheme, core::replay_store, core::clock>
  friend class verifier;
  // Ids of up to this many bytes (UUIDs, Standard Webhooks' msg_ ids) are kept inline, unallocated.
  static constexpr std::size_t inline_id = 48;

  verified_delivery(std::string_view id, bool id_signed, std::optional<std::int64_t> ts, std::size_t key)
      : id_len_(static_cast<std::uint16_t>(id.size())), id_signed_(id_signed), timestamp_(ts), key_index_(key) {
    if (id.size() > inline_id) large_.assign(id);
    else if (!id.empty()) std::memcpy(small_.data(), id.data(), id.size());
  }

  std::array<char, inline_id> small_{};
  std::string large_;
  std::uint16_t id_len_ = 0;  // schemes refuse ids longer than max_id_size
  bool id_signed_ = false;
  std::optional<std::int64_t> timestamp_;
  std::size_t key_index_ = 0;
};

// Verifies deliveries for one subscription (or one sender), in this order:
//  1. the scheme reads the headers (missing_header, malformed_header, invalid_timestamp);
//  2. the timestamp lies within ±tolerance (stale_timestamp, future_timestamp) — checked before the
//     MAC so that stale traffic costs no hashing, and trusted only once step 3 succeeds;
//  3. some well-formed signature entry equals the HMAC of the signed parts under some key of the
//     ring, compared in constant time; malformed and unknown-version entries are skipped
//     (no_valid_signature);
//  4. the replay store has not seen the delivery within the replay window (duplicate_delivery).
//     The store is asked only after the signature verified, so duplicate_delivery means "authentic,
//     already accepted": answer 2xx and do not act twice. Keys are the signed id; for schemes whose
//     id is unsigned, what was signed first (an exact resend: the tag of the signed parts under
//     the ring's first key, never the received signature's bytes), then the id (a retry).
//     Each is remembered in options().replay_namespace when set, else once in the namespace of each
//     key of the ring: "k:" and hex of 12 bytes of the key's MAC of "tessera.replay-ns", which names a
//     key without revealing it. Senders with other secrets thus never claim each other's ids, and a
//     ring in rotation (new and old keys) still sees what was accepted under the old key alone.
// Store and Clock may be reference types (the defaults share a store owned by the server):
//   core::memory_replay_store seen;
//   webhook::verifier v(webhook::standard_webhooks{}, std::move(ring), seen);
// verify() is thread-safe when the store and clock are.
template <scheme Scheme = standard_webhooks, core::replay_store Store = core::memory_replay_store&,
          core::clock Clock = core::coarse_clock>
class verifier {
 public:
  // Store and Clock are not deduced from these parameters (the guides below decide, so that an
  // lvalue store or clock is held by reference and a temporary one by value).
  verifier(Scheme s, key_ring keys, std::type_identity_t<Store> store, verify_options opts = {},
           std::type_identity_t<Clock> clock = Clock{})
      : scheme_(std::move(s)), keys_(std::move(keys)), opts_(std::move(opts)),
        store_(hold(std::forward<Store>(store))), clock_(std::forward<Clock>(clock)),
        key_namespaces_(fingerprints(keys_)) {}

  // Verifies a delivery from its request headers (any header_source) and its raw body bytes,
  // exactly as received: never a re-serialised or re-encoded body.
  result<verified_delivery> verify(const header_lookup& headers, core::bytes_view body) const noexcept {
    auto f = scheme_.read(headers);
    if (!f) return unexpected{f.error()};

    if (f->timestamp && !opts_.insecure_skip_timestamp_check) {
      if (auto t = check_timestamp(*f->timestamp, core::unix_seconds(clock_.now()), opts_.tolerance); !t)
        return unexpected{t.error()};
    }

    // At least one well-formed entry, before any hashing; the entries after it are decoded only
    // while no match has been found.
    std::string_view after_first = f->signatures;
    signature_bytes first;
    if (!scheme_.next_signature(after_first, first)) return unexpected{errc::no_valid_signature};

    const message_parts m = scheme_.signed_parts(*f, body);
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::size_t matched_key = none;
    signature_bytes matched;
    for (std::size_t k = 0; k < keys_.size() && matched_key == none; ++k) {
      const crypto::hmac_key& key = keys_[k];
      if (key.algorithm() != scheme_.hash()) return unexpected{errc::key_type_mismatch};
      // One MAC per key, compared with every entry (at most max_signatures of them): the body is
      // hashed once per key, not per entry.
      auto tag = key.sign(m.part);
      if (!tag) return unexpected{tag.error()};
      if (core::ct_equal(tag->view(), first.view())) {
        matched_key = k;
        matched = first;
      }
      std::string_view cursor = after_first;
      for (std::size_t i = 1; matched_key == none && i < max_signatures && scheme_.next_signature(cursor, matched); ++i)
        if (core::ct_equal(tag->view(), matched.view())) matched_key = k;
      // The expected tag is a valid signature for whatever was sent: do not leave it behind.
      core::cleanse(tag->bytes.data(), tag->bytes.size());
    }
    if (matched_key == none) return unexpected{errc::no_valid_signature};

    // Without a signed id, an exact resend is recognised by what was signed: the tag of the
    // signed parts under the ring's first key, whichever key's tag the sender put in the header
    // (keying on the received tag let a resend carrying only the other key's tag through).
    if constexpr (!std::is_same_v<std::remove_cv_t<store_type>, no_replay_check>) {
      if (!f->id_signed && matched_key != 0) {
        auto canonical = keys_[0].sign(m.part);
        if (!canonical) return unexpected{canonical.error()};
        core::cleanse(matched.bytes.data(), matched.bytes.size());
        matched = *canonical;
        core::cleanse(canonical->bytes.data(), canonical->bytes.size());
      }
    }
    if (auto r = check_replay(*f, matched); !r) return unexpected{r.error()};
    try {
      return result<verified_delivery>(core::from_call, [&] {
        return verified_delivery(f->id, f->id_signed, f->timestamp, matched_key);
      });
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // How long accepted deliveries are remembered: the larger of replay_ttl and twice the tolerance
  // plus one second (the window accepts both of its edges, and a store forgets a key at exactly
  // t + ttl), at most core::max_duration.
  std::chrono::seconds replay_ttl() const noexcept {
    auto tol = std::clamp(opts_.tolerance, std::chrono::seconds{0}, max_tolerance);
    return std::min(std::max(opts_.replay_ttl, 2 * tol + std::chrono::seconds{1}), core::max_duration);
  }

  // The scheme, the accepted keys and the options of this verifier.
  const Scheme& scheme() const noexcept { return scheme_; }
  const key_ring& keys() const noexcept { return keys_; }
  const verify_options& options() const noexcept { return opts_; }

 private:
  using store_type = std::remove_reference_t<Store>;
  using store_member = std::conditional_t<std::is_reference_v<Store>, store_type*, store_type>;

  static store_member hold(Store&& s) {
    if constexpr (std::is_reference_v<Store>) return &s;
    else return store_member(std::move(s));
  }
  store_type& store() const noexcept {
    if constexpr (std::is_reference_v<Store>) return *store_;
    else return store_;
  }

  // The default namespace of each key of a ring ("" for a key whose MAC failed: refused on use).
  static std::vector<std::string> fingerprints(const key_ring& ring) {
    std::vector<std::string> out;
    for (const crypto::hmac_key& k : ring.keys()) {
      std::string& ns = out.emplace_back();
      auto tag = k.sign(core::bytes_view(std::string_view("tessera.replay-ns")));
      if (!tag || tag->size < 12) continue;
      std::array<char, 24> hex{};
      ns.assign("k:").append(hex.data(), core::hex_encode_into(core::bytes_view(tag->bytes.data(), 12), hex));
    }
    return out;
  }

  // Remembers (kind, value) in the explicit namespace, else in every key's; a replay in any of them
  // is a duplicate.
  result<void> remember(std::string& key, std::string_view kind, std::string_view value,
                        std::chrono::system_clock::time_point now) const noexcept {
    if (!opts_.replay_namespace.empty()) return remember_in(key, opts_.replay_namespace, kind, value, now);
    for (const std::string& ns : key_namespaces_) {
      if (ns.empty()) return unexpected{errc::crypto_failure};
      TESSERA_TRY_VOID(remember_in(key, ns, kind, value, now));
    }
    return core::ok();
  }

  // Remembers ns \x1f kind \x1f value (built in key): duplicate_delivery when the store has seen it.
  result<void> remember_in(std::string& key, std::string_view ns, std::string_view kind, std::string_view value,
                           std::chrono::system_clock::time_point now) const noexcept {
    try {
      key.assign(ns);
      key.push_back('\x1f');
      key.append(kind);
      key.push_back('\x1f');
      key.append(value);
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
    auto r = store().remember(key, now, replay_ttl());
    if (!r) return unexpected{r.error()};
    if (!*r) return unexpected{errc::duplicate_delivery};
    return core::ok();
  }

  result<void> check_replay(const delivery_fields& f, const signature_bytes& sig) const noexcept {
    if constexpr (std::is_same_v<std::remove_cv_t<store_type>, no_replay_check>) {
      return core::ok();
    } else {
      const auto now = clock_.now();
      std::string key;
      if (!f.id_signed) {
        // Without a signed id, an exact resend is recognised by its signature. This runs before
        // the id is remembered, so a resend carrying a made-up id cannot reserve that id.
        std::array<char, 2 * sizeof(sig.bytes)> hex{};
        const std::size_t len = core::hex_encode_into(sig.view(), hex);
        TESSERA_TRY_VOID(remember(key, "sig", std::string_view(hex.data(), len), now));
      }
      if (!f.id.empty()) TESSERA_TRY_VOID(remember(key, "id", f.id, now));
      return core::ok();
    }
  }

  Scheme scheme_;
  key_ring keys_;
  verify_options opts_;
  mutable store_member store_;
  Clock clock_;
  std::vector<std::string> key_namespaces_;  // one per key of keys_, in ring order
};

template <scheme S, class St>
verifier(S, key_ring, St&&) -> verifier<S, St, core::coarse_clock>;
template <scheme S, class St>
verifier(S, key_ring, St&&, verify_options) -> verifier<S, St, core::coarse_clock>;
template <scheme S, class St, class C>
verifier(S, key_ring, St&&, verify_options, C&&) -> verifier<S, St, C>;

}  // namespace tessera::webhook
