#pragma once
// tessera::webhook subscriptions — where a tenant's webhook deliveries go and how they are signed:
// the subscription record, the store concept (secrets only ever sealed) with its in-memory
// model, and the registry that creates subscriptions, shows each signing secret once, seals it
// under a crypto::sealing_ring, signs with it, and reseals everything when the KEK rotates.

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "tessera/config.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/core/string_hash.hpp"
#include "tessera/crypto/aead.hpp"
#include "tessera/webhook/body_only_scheme.hpp"
#include "tessera/webhook/headers.hpp"
#include "tessera/webhook/key_ring.hpp"
#include "tessera/webhook/signer.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/timestamped_scheme.hpp"
#include "tessera/webhook/url_guard.hpp"

namespace tessera::webhook {

// The signature family a subscription's deliveries carry.
enum class scheme_kind {
  standard_webhooks,  // webhook-id / webhook-timestamp / webhook-signature (the default)
  timestamped,        // "t=<unix>,v1=<hex>" in one header (default X-Signature)
  body_only,          // "sha256=<hex>" in one header (default X-Hub-Signature-256)
};

// The stable snake_case name of a scheme kind, for JSON.
constexpr std::string_view name(scheme_kind k) noexcept {
  switch (k) {
    case scheme_kind::standard_webhooks: return "standard_webhooks";
    case scheme_kind::timestamped: return "timestamped";
    case scheme_kind::body_only: return "body_only";
  }
  return "standard_webhooks";
}

// How a subscription's deliveries are signed. For timestamped and body_only, signature_header
// names the header (e.g. "X-PharmaOne-Signature"; empty: the scheme's default) and id_header an
// optional unsigned delivery-id header; both are ignored for standard_webhooks.
struct scheme_config {
  scheme_kind kind = scheme_kind::standard_webhooks;
  std::string signature_header{};
  std::string id_header{};
};

// Any of the three schemes, built from a scheme_config.
using any_scheme = std::variant<standard_webhooks, timestamped_scheme, body_only_scheme>;

namespace detail {
// A header name a subscription may configure: an RFC 9110 token of at most 64 characters that is
// not one the HTTP layer owns.
TESSERA_DECL bool configurable_header(std::string_view h) noexcept;
}  // namespace detail

// The scheme a config describes; invalid_argument for a header name that is not allowed.
TESSERA_DECL result<any_scheme> make_scheme(const scheme_config& c) noexcept;

// The longest event type name.
inline constexpr std::size_t max_event_type_size = 128;
// The most event types one subscription may list.
inline constexpr std::size_t max_event_types = 64;
// The longest tenant id.
inline constexpr std::size_t max_tenant_size = 128;

// An event type: "*" (every type) or 1..128 of [A-Za-z0-9._:-], e.g. "order.created".
constexpr bool valid_event_type(std::string_view t) noexcept {
  if (t == "*") return true;
  if (t.empty() || t.size() > max_event_type_size) return false;
  for (char c : t) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' ||
                    c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// A tenant id: 1..128 visible ASCII characters.
constexpr bool valid_tenant(std::string_view t) noexcept {
  return !t.empty() && t.size() <= max_tenant_size && core::visible_ascii(t);
}

// One subscription as the store keeps it. It holds the signing secret only sealed.
struct subscription {
  std::string id;                        // "sub_" + 24 base62 characters
  std::string tenant;                    // the tenant that owns it
  std::string url;                       // the endpoint, in normal form, checked by the guard
  std::vector<std::string> event_types;  // the types it receives ("*": all)
  scheme_config scheme;                  // how deliveries are signed
  std::string sealed_secret;             // the signing secret, sealed (crypto::sealing_ring)
  bool active = true;                    // false: no deliveries
  std::string deactivation_reason;       // why it is inactive, e.g. "endpoint_gone"
  std::chrono::system_clock::time_point created_at{};

  // True when the subscription receives events of this type.
  bool wants(std::string_view type) const noexcept {
    return std::any_of(event_types.begin(), event_types.end(),
                       [&](const std::string& t) { return t == "*" || t == type; });
  }

  // The subscription for an API answer: every field but the sealed secret (never shown). Json is
  // nlohmann::json: a caller includes <nlohmann/json.hpp>, which this header does not need.
  template <class Json = nlohmann::json>
  Json to_json() const {
    Json j = {{"id", id},
              {"tenant", tenant},
              {"url", url},
              {"event_types", event_types},
              {"scheme", std::string(name(scheme.kind))},
              {"active", active},
              {"created_at", core::unix_seconds(created_at)}};
    if (scheme.kind != scheme_kind::standard_webhooks) {
      j["signature_header"] = scheme.signature_header;
      j["id_header"] = scheme.id_header;
    }
    if (!active) j["deactivation_reason"] = deactivation_reason;
    return j;
  }
};

// Where subscriptions are kept.
// Rules:
//  - every member is noexcept and thread-safe; store_unavailable when a backend fails;
//  - insert() adds a new record (invalid_argument when the id exists); find() returns a copy
//    (unknown_subscription when absent); list_tenant() a tenant's records, list_all() every record;
//  - set_active() sets the active flag and its reason (unknown_subscription when absent);
//  - replace_sealed_secret() swaps the sealed secret only while it still equals `expected`
//    (false when another writer changed it first), so a reseal never loses a concurrent change;
//  - erase() removes a record (unknown_subscription when absent);
//  - a store holds secrets only as the sealed text it is given: never anything it could open.
template <class S>
concept subscription_store =
    requires(S& s, const S& cs, const subscription& sub, std::string_view id, const std::string& text, bool flag) {
      { s.insert(sub) } noexcept -> std::same_as<result<void>>;
      { cs.find(id) } noexcept -> std::same_as<result<subscription>>;
      { cs.list_tenant(id) } noexcept -> std::same_as<result<std::vector<subscription>>>;
      { cs.list_all() } noexcept -> std::same_as<result<std::vector<subscription>>>;
      { s.set_active(id, flag, text) } noexcept -> std::same_as<result<void>>;
      { s.replace_sealed_secret(id, text, text) } noexcept -> std::same_as<result<bool>>;
      { s.erase(id) } noexcept -> std::same_as<result<void>>;
    };

// The in-memory subscription store (one process). A hash map under a reader-writer lock.
class memory_subscription_store {
 public:
  // Adds a record; invalid_argument when the id exists.
  result<void> insert(const subscription& sub) noexcept;
  // A copy of the record; unknown_subscription when absent.
  result<subscription> find(std::string_view id) const noexcept;
  // Copies of a tenant's records, by id.
  result<std::vector<subscription>> list_tenant(std::string_view tenant) const noexcept {
    return collect([&](const subscription& s) { return s.tenant == tenant; });
  }
  // Copies of every record, by id.
  result<std::vector<subscription>> list_all() const noexcept {
    return collect([](const subscription&) { return true; });
  }
  // Sets the active flag and the reason.
  result<void> set_active(std::string_view id, bool active, const std::string& reason) noexcept;
  // Replaces the sealed secret while it still equals `expected`.
  result<bool> replace_sealed_secret(std::string_view id, const std::string& expected,
                                     const std::string& next) noexcept;
  // Removes a record.
  result<void> erase(std::string_view id) noexcept;

 private:
  template <class Pred>
  result<std::vector<subscription>> collect(Pred pred) const noexcept {
    try {
      std::vector<subscription> out;
      {
        std::shared_lock lk(mu_);
        for (const auto& [id, s] : by_id_)
          if (pred(s)) out.push_back(s);
      }
      std::sort(out.begin(), out.end(), [](const subscription& a, const subscription& b) { return a.id < b.id; });
      return out;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, subscription, core::string_hash, std::equal_to<>> by_id_;
};
static_assert(subscription_store<memory_subscription_store>);

// What a caller asks for when subscribing.
struct subscription_request {
  std::string tenant{};                  // the owner
  std::string url{};                     // the endpoint (https unless the guard allows http)
  std::vector<std::string> event_types{};  // at least one; "*" for all
  scheme_config scheme{};                // how deliveries are signed
};

// A new subscription and its signing secret. The secret exists only here: show it to the
// subscriber once; it is stored sealed and can never be read back.
struct created_subscription {
  subscription record;  // as stored (sealed secret included; use record.to_json() to answer)
  core::secret secret;  // the signing secret's text, e.g. "whsec_..."
};

// Creates and manages subscriptions over a store, sealing each signing secret under a ring of
// key-encryption keys. Thread-safe. The store is held by reference and must outlive the registry.
template <subscription_store Store = memory_subscription_store, core::clock Clock = core::system_clock>
class subscription_registry {
 public:
  // A registry over `store`, sealing with `ring`, checking URLs with `guard` (no DNS at
  // registration: the connect-time check decides), stamping creation times from `clock`.
  subscription_registry(Store& store, crypto::sealing_ring ring, url_guard_options guard = {},
                        std::type_identity_t<Clock> clock = Clock{})
      : store_(store), ring_(std::move(ring)), guard_(guard), clock_(std::forward<Clock>(clock)) {}

  // Creates a subscription: invalid_argument for a bad tenant, event type list or scheme header,
  // url_not_allowed for a URL the guard refuses. Returns the record and its secret (shown once).
  result<created_subscription> create(const subscription_request& req) noexcept {
    try {
      if (!valid_tenant(req.tenant) || req.event_types.empty() || req.event_types.size() > max_event_types)
        return unexpected{errc::invalid_argument};
      for (const auto& t : req.event_types)
        if (!valid_event_type(t)) return unexpected{errc::invalid_argument};
      auto url = guard_.check(req.url);
      if (!url) return unexpected{url.error()};
      auto scheme = make_scheme(req.scheme);
      if (!scheme) return unexpected{scheme.error()};
      auto secret = std::visit([](const auto& s) { return s.generate_secret(); }, *scheme);
      if (!secret) return unexpected{secret.error()};
      auto rnd = core::random_base62(24);
      if (!rnd) return unexpected{rnd.error()};

      subscription sub;
      sub.id = "sub_" + *rnd;
      sub.tenant = req.tenant;
      sub.url = url->normalized();
      for (const auto& t : req.event_types)
        if (std::find(sub.event_types.begin(), sub.event_types.end(), t) == sub.event_types.end())
          sub.event_types.push_back(t);
      sub.scheme = req.scheme;  // with the header names actually sent
      if (auto* t = std::get_if<timestamped_scheme>(&*scheme)) sub.scheme.signature_header = t->signature_header();
      if (auto* b = std::get_if<body_only_scheme>(&*scheme)) sub.scheme.signature_header = b->signature_header();
      if (sub.scheme.kind == scheme_kind::standard_webhooks) sub.scheme.signature_header.clear(), sub.scheme.id_header.clear();
      sub.created_at = clock_.now();
      {
        std::shared_lock lk(ring_mu_);
        auto sealed = ring_.seal(secret->expose_secret(), associated_data(sub));
        if (!sealed) return unexpected{sealed.error()};
        sub.sealed_secret = std::move(*sealed);
      }
      if (auto r = store_.insert(sub); !r) return unexpected{r.error()};
      return created_subscription{std::move(sub), std::move(*secret)};
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // The record; unknown_subscription when absent.
  result<subscription> find(std::string_view id) const noexcept { return store_.find(id); }
  // A tenant's records.
  result<std::vector<subscription>> list(std::string_view tenant) const noexcept { return store_.list_tenant(tenant); }

  // Stops deliveries to a subscription, recording why (e.g. "endpoint_gone" after a 410).
  result<void> deactivate(std::string_view id, std::string_view reason = "deactivated") noexcept {
    try {
      return store_.set_active(id, false, std::string(reason));
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }
  // Resumes deliveries, after checking the URL against the guard again.
  result<void> reactivate(std::string_view id) noexcept {
    auto sub = store_.find(id);
    if (!sub) return unexpected{sub.error()};
    if (auto u = guard_.check(sub->url); !u) return unexpected{u.error()};
    try {
      return store_.set_active(id, true, std::string());
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }
  // Deletes a subscription.
  result<void> remove(std::string_view id) noexcept { return store_.erase(id); }

  // Signs a delivery for a subscription at the given time: opens the sealed secret (unseal_failed
  // when no key of the ring opens it), signs with the subscription's scheme, wipes the secret.
  result<header_list> sign(const subscription& sub, std::string_view delivery_id, std::int64_t unix_time,
                           core::bytes_view body) const noexcept {
    try {
      auto scheme = make_scheme(sub.scheme);
      if (!scheme) return unexpected{scheme.error()};
      result<core::secret> secret = unexpected{errc::unseal_failed};
      {
        std::shared_lock lk(ring_mu_);
        secret = ring_.open(sub.sealed_secret, associated_data(sub));
      }
      if (!secret) return unexpected{secret.error()};
      return std::visit(
          [&](const auto& s) -> result<header_list> {
            key_ring keys;
            if (auto r = keys.add(s, secret->expose_secret_text()); !r) return unexpected{r.error()};
            using S = std::decay_t<decltype(s)>;
            return signer<S, core::system_clock>(s, std::move(keys)).sign_at(delivery_id, unix_time, body);
          },
          *scheme);
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // Rotates the key-encryption key: `next` becomes current, then every stored secret is resealed
  // under it. Returns how many were resealed; the old key stays in the ring until retire_kek().
  result<std::size_t> rotate_kek(crypto::sealing_key next) noexcept {
    {
      std::unique_lock lk(ring_mu_);
      if (auto r = ring_.rotate(std::move(next)); !r) return unexpected{r.error()};
    }
    return reseal_all();
  }

  // Reseals every stored secret that is not under the current KEK; returns how many it moved.
  // A record changed concurrently is retried once; unseal_failed when a secret no key opens.
  result<std::size_t> reseal_all() noexcept {
    try {
      auto all = store_.list_all();
      if (!all) return unexpected{all.error()};
      std::size_t moved = 0;
      for (auto& sub : *all) {
        for (int tries = 0; tries < 2; ++tries) {
          std::shared_lock lk(ring_mu_);
          auto kid = crypto::sealed_kid(sub.sealed_secret);
          if (kid && *kid == ring_.current().kid()) break;
          auto next = ring_.reseal(sub.sealed_secret, associated_data(sub));
          if (!next) return unexpected{next.error()};
          auto swapped = store_.replace_sealed_secret(sub.id, sub.sealed_secret, *next);
          if (!swapped) {
            if (swapped.error() == errc::unknown_subscription) break;  // removed meanwhile
            return unexpected{swapped.error()};
          }
          if (*swapped) {
            ++moved;
            break;
          }
          auto fresh = store_.find(sub.id);  // changed meanwhile: read it again
          if (!fresh) break;
          sub = std::move(*fresh);
        }
      }
      return moved;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // Drops an old KEK from the ring: invalid_argument while a stored secret is still sealed under
  // it (reseal first) or when it is the current key, key_not_found when unknown.
  result<void> retire_kek(std::string_view kid) noexcept {
    auto all = store_.list_all();
    if (!all) return unexpected{all.error()};
    for (const auto& sub : *all) {
      auto k = crypto::sealed_kid(sub.sealed_secret);
      if (k && *k == kid) return unexpected{errc::invalid_argument};
    }
    std::unique_lock lk(ring_mu_);
    return ring_.retire(kid);
  }

  // The id of the KEK that seals new secrets.
  std::string current_kid() const {
    std::shared_lock lk(ring_mu_);
    return ring_.current().kid();
  }

  // The URL guard's options (the dispatcher's HTTP client applies its own at connect time).
  const url_guard_options& guard_options() const noexcept { return guard_.options(); }

 private:
  // Binds a sealed secret to its subscription: a blob copied into another record does not open.
  static std::string associated_data(const subscription& s) {
    std::string aad = "tessera.webhook.subscription.v1";
    aad.push_back('\0');
    aad += s.id;
    aad.push_back('\0');
    aad += s.tenant;
    return aad;
  }

  Store& store_;
  mutable std::shared_mutex ring_mu_;
  crypto::sealing_ring ring_;
  url_guard<> guard_;
  Clock clock_;
};

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/subscription.ipp"
#endif
