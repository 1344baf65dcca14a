#pragma once
// tessera::request_signing::verifier — the server side: checks a signed request's headers,
// timestamp window, client keys, signature and freshness. noexcept, no exceptions, no key
// parsing per request; on a warm thread the only allocations are OpenSSL's digest contexts and
// the replay store's new entry (strings to sign are built in reused per-thread buffers).

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tessera/core/base64.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/signature.hpp"
#include "tessera/detail/mutable_holder.hpp"
#include "tessera/request_signing/client_registry.hpp"
#include "tessera/request_signing/profile.hpp"
#include "tessera/request_signing/replay.hpp"
#include "tessera/request_signing/request.hpp"
#include "tessera/request_signing/timestamp.hpp"

namespace tessera::request_signing {

// Windows of a verifier.
struct verifier_options {
  // Largest accepted difference between the signed timestamp and now, either way (±300 s);
  // negative counts as 0, more than max_window as max_window.
  std::chrono::seconds window{300};
  // How long a nonce or signed string is remembered. Raised to 2 × window + 1 s when lower, and
  // lowered to core::max_duration when higher: the window accepts both of its bounds, so a
  // request first seen at the earliest accepted instant must still be remembered at the latest
  // one (a store forgets a key at exactly t + ttl).
  std::chrono::seconds replay_ttl{0};
};

// The widest timestamp window a verifier applies (one year): twice it, plus a second, stays within
// what a replay store keeps (core::max_duration).
inline constexpr std::chrono::seconds max_window{365LL * 24 * 3600};

// Largest signature accepted, in bytes (RSA-8192).
inline constexpr std::size_t max_signature_size = 1024;

namespace detail {
struct verified_request_access;
}  // namespace detail

// A request whose signature, timestamp and freshness have been checked. Only a verifier makes one.
class verified_request {
 public:
  // The client the request was signed for.
  std::string_view client_id() const noexcept { return client_->id; }
  // The registered key that verified the signature (shows which key a rotating partner used).
  const client_key& key() const noexcept { return client_->keys[key_index_]; }
  // The id of that key.
  std::string_view key_id() const noexcept { return key().id; }
  // The signed timestamp.
  std::chrono::system_clock::time_point signed_at() const noexcept { return signed_at_; }

 private:
  friend struct detail::verified_request_access;
  verified_request(client_handle c, std::size_t i, std::chrono::system_clock::time_point t) noexcept
      : client_(std::move(c)), key_index_(i), signed_at_(t) {}
  client_handle client_;
  std::size_t key_index_;
  std::chrono::system_clock::time_point signed_at_;
};

namespace detail {
struct verified_request_access {
  static verified_request make(client_handle c, std::size_t i, std::chrono::system_clock::time_point t) noexcept {
    return verified_request(std::move(c), i, t);
  }
};

// The per-thread buffer a string to sign is built in, so a warm thread does not allocate.
inline std::string& string_to_sign_buffer() noexcept {
  thread_local std::string buf;
  if (buf.capacity() > 64 * 1024) std::string().swap(buf);  // do not keep a huge one forever
  buf.clear();
  return buf;
}
}  // namespace detail

// Verifies signed requests under a profile, against a client key registry, remembering nonces
// or signatures in a replay store. The registry, store and clock may be reference types to share
// objects owned elsewhere (CTAD does that for lvalues):
//   memory_client_registry clients;  core::memory_replay_store seen;
//   verifier v(canonical_request{}, clients, seen);   // verifier<canonical_request, memory_client_registry&, core::memory_replay_store&>
// All members are thread-safe when the registry, store and clock are.
template <signing_profile P, class Registry, class Store, class C = core::coarse_clock>
  requires client_key_registry<std::remove_cvref_t<Registry>> && core::replay_store<std::remove_cvref_t<Store>> &&
           core::clock<std::remove_cvref_t<C>>
class verifier {
 public:
  // A verifier; the options' replay TTL is raised to at least twice the window plus one second.
  // (The parameters are not deducible on purpose: class template argument deduction goes through
  // the guides below only, which hold lvalues by reference on every compiler.)
  verifier(P profile, std::type_identity_t<Registry> registry, std::type_identity_t<Store> store,
           verifier_options options = {}, std::type_identity_t<C> clock = C{})
      : profile_(std::move(profile)), registry_(std::forward<Registry>(registry)), store_{std::forward<Store>(store)},
        options_(normalized(options)), clock_(std::forward<C>(clock)) {}

  // Verifies a request. Checks, in order, each failing with its own errc:
  //  1. client id, timestamp, signature (and nonce) headers present: missing_header;
  //     well-formed (client id and nonce shape, strict padded base64): malformed_header,
  //     invalid_signature_length when the signature is longer than any key's;
  //  2. timestamp strictly in the profile's format: invalid_timestamp; within the window:
  //     stale_timestamp (too old), future_timestamp (too new);
  //  3. client registered: unknown_client (store_unavailable when the registry cannot answer);
  //  4. the request representable by the profile: malformed_request, missing_header /
  //     malformed_header (bound bearer token);
  //  5. signature verified by one of the client's keys, each with its own algorithm:
  //     bad_signature (invalid_signature_length when no key has that signature size);
  //  6. not seen before: replayed (store_unavailable when the store cannot answer). With a nonce
  //     the key is (client id, nonce); without one it is (client id, string to sign), and only
  //     when the profile refuses repeats (refuses_repeats(); client_timestamp accepts them by
  //     default, as its model does).
  template <request_view R>
  result<verified_request> verify(const R& req) const noexcept {
    const header_names& names = profile_.headers();
    const std::optional<std::string_view> client_id = req.header(names.client_id);
    const std::optional<std::string_view> timestamp = req.header(names.timestamp);
    const std::optional<std::string_view> signature = req.header(names.signature);
    std::optional<std::string_view> nonce;
    if (profile_.uses_nonce()) nonce = req.header(names.nonce);
    if (!client_id || !timestamp || !signature || (profile_.uses_nonce() && !nonce))
      return unexpected{errc::missing_header};
    if (!valid_client_id(*client_id) || (nonce && !valid_nonce(*nonce))) return unexpected{errc::malformed_header};

    std::array<std::uint8_t, max_signature_size> sig{};
    auto sig_len = core::base64_decode_into(*signature, sig);
    if (!sig_len)
      return unexpected{sig_len.error() == errc::buffer_too_small ? errc::invalid_signature_length : errc::malformed_header};
    if (*sig_len == 0) return unexpected{errc::malformed_header};
    const core::bytes_view sig_bytes(sig.data(), *sig_len);

    auto signed_at = parse_timestamp(*timestamp, profile_.format());
    if (!signed_at) return unexpected{signed_at.error()};
    const auto now = clock_.now();
    if (auto w = check_timestamp_window(*signed_at, now, options_.window); !w) return unexpected{w.error()};

    auto client = registry_.find(*client_id);
    if (!client) return unexpected{client.error()};
    if (!*client || (*client)->keys.empty()) return unexpected{errc::unknown_client};

    std::string& to_sign = detail::string_to_sign_buffer();
    const request_parts parts = detail::parts_of(req, names.authorization);
    if (auto r = profile_.append_string_to_sign(to_sign, parts, signed_fields{*client_id, *timestamp, nonce.value_or("")}); !r)
      return unexpected{r.error()};

    auto index = verify_with_any_key(**client, to_sign, sig_bytes);
    if (!index) return unexpected{index.error()};

    if (!request_signing::refuses_repeats(profile_))
      return detail::verified_request_access::make(std::move(*client), *index, *signed_at);
    // Keyed on what was signed, never on the signature's bytes: an ECDSA signature (r, s) has a
    // twin (r, n - s) that verifies too, and a randomised scheme signs one message many ways.
    auto key = nonce ? detail::make_replay_key('n', *client_id, *nonce) : detail::make_replay_key('m', *client_id, to_sign);
    if (!key) return unexpected{key.error()};
    auto first = store_.get().remember(key->view(), now, options_.replay_ttl);
    if (!first) return unexpected{first.error()};
    if (!*first) return unexpected{errc::replayed};
    return detail::verified_request_access::make(std::move(*client), *index, *signed_at);
  }

  // The profile.
  const P& profile() const noexcept { return profile_; }
  // The registry, e.g. to rotate keys while the verifier is in use.
  const std::remove_reference_t<Registry>& registry() const noexcept { return registry_; }
  // The replay store.
  std::remove_reference_t<Store>& replay_store() const noexcept { return store_.get(); }
  // The options in force (replay TTL already raised).
  const verifier_options& options() const noexcept { return options_; }
  // The clock.
  const std::remove_reference_t<C>& clock() const noexcept { return clock_; }

 private:
  static verifier_options normalized(verifier_options o) noexcept {
    using std::chrono::seconds;
    o.window = std::clamp(o.window, seconds{0}, max_window);
    o.replay_ttl = std::clamp(o.replay_ttl, 2 * o.window + seconds{1}, core::max_duration);
    return o;
  }

  // The index of the first key that verifies; every key is tried with its own algorithm.
  static result<std::size_t> verify_with_any_key(const client_record& c, std::string_view msg,
                                                 core::bytes_view sig) noexcept {
    bool any_right_size = false;
    bool crypto_failed = false;
    for (std::size_t i = 0; i < c.keys.size(); ++i) {
      auto r = crypto::verify(c.keys[i].key, c.keys[i].algorithm, msg, sig);
      if (r) return i;
      if (r.error() != errc::invalid_signature_length) any_right_size = true;
      if (r.error() == errc::crypto_failure) crypto_failed = true;
    }
    if (crypto_failed) return unexpected{errc::crypto_failure};
    return unexpected{any_right_size ? errc::bad_signature : errc::invalid_signature_length};
  }

  P profile_;
  Registry registry_;
  tessera::detail::mutable_holder<Store> store_;
  verifier_options options_;
  C clock_;
};

// Deduction: lvalue registries, stores and clocks are held by reference, rvalues by value.
template <class P, class Registry, class Store>
verifier(P, Registry&&, Store&&) -> verifier<P, Registry, Store>;
template <class P, class Registry, class Store>
verifier(P, Registry&&, Store&&, verifier_options) -> verifier<P, Registry, Store>;
template <class P, class Registry, class Store, class C>
verifier(P, Registry&&, Store&&, verifier_options, C&&) -> verifier<P, Registry, Store, C>;

}  // namespace tessera::request_signing
