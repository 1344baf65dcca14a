#pragma once
// tessera::webhook::receiver — the endpoint a platform calls with a static credential we gave it
// (an "Authorization: Bearer" token, or an API key in a header such as X-Api-Key), instead of
// signing its deliveries: checks the credential in constant time, reads the event id, and tells
// the server whether to process the event or answer 200 at once because it already did.
//
//   core::memory_replay_store seen;
//   auto creds = webhook::static_credentials::bearer(configured_token);   // a core::secret
//   webhook::receiver rx(std::move(*creds), webhook::header_event_id{"X-Event-Id"}, seen);
//   auto v = rx.verify(adapters::httplib::request(req));
//   if (!v) return answer(v.error());                      // 401 / 400 / 503
//   if (v->action == webhook::delivery_action::process) handle(req.body);
//   answer 200;                                             // a duplicate is acknowledged, not redone

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/request_signing/request.hpp"
#include "tessera/webhook/header_auth.hpp"
#include "tessera/webhook/headers.hpp"

namespace tessera::webhook {

// Which configured credential a platform's call carried.
enum class inbound_credential { bearer_token, api_key };

// Authenticates the platform's call from its headers.
// Rules: check() is noexcept and thread-safe and never reads the body; it compares secret
// material in constant time; it returns the kind of credential accepted, or missing_credentials
// (none presented), malformed_credentials (wrong shape, two credentials at once, a credential
// header sent twice — as a repeated name in a header_range, or as field lines combined with ", "
// by a header_function) or invalid_credentials (no configured value matches).
template <class A>
concept inbound_authenticator = requires(const A& a, const header_lookup& h) {
  { a.check(h) } noexcept -> std::same_as<result<inbound_credential>>;
};

// The default authenticator: a static Bearer token and/or an API key in a named header, each
// with one or more accepted values (several during rotation), as header_credential keeps them
// (SHA-256 digests only, compared in constant time). When both kinds are configured, a call that
// carries both headers is refused (malformed_credentials): which of the two vouches for it would
// be ambiguous. Immutable and thread-safe once built.
class static_credentials {
 public:
  // Accepts "Authorization: Bearer <token>" (token: RFC 6750 token68, at least min_secret_bytes).
  static result<static_credentials> bearer(const core::secret& token) {
    return make(header_credential::bearer(token.expose_secret_text()), std::nullopt);
  }
  // Accepts "<header_name>: <key>" (key: visible ASCII without ',' of at least min_secret_bytes).
  static result<static_credentials> api_key(std::string_view header_name, const core::secret& key) {
    if (!usable_key(key)) return unexpected{errc::invalid_secret};
    return make(std::nullopt, header_credential::api_key(header_name, key.expose_secret_text()));
  }
  // Accepts either credential (never both in one call).
  static result<static_credentials> bearer_or_api_key(const core::secret& token, std::string_view header_name,
                                                      const core::secret& key) {
    if (!usable_key(key)) return unexpected{errc::invalid_secret};
    return make(header_credential::bearer(token.expose_secret_text()),
                header_credential::api_key(header_name, key.expose_secret_text()));
  }
  // From header credentials built elsewhere (e.g. with several values for a rotation); at least
  // one of them, bearer a Bearer credential, api_key one read from another header than bearer's.
  // An API-key value containing ',' can never match (a comma marks combined field lines).
  static result<static_credentials> make(std::optional<result<header_credential>> bearer,
                                         std::optional<result<header_credential>> api_key) {
    if (bearer && !*bearer) return unexpected{bearer->error()};
    if (api_key && !*api_key) return unexpected{api_key->error()};
    if (!bearer && !api_key) return unexpected{errc::invalid_argument};
    if (bearer && !(*bearer)->is_bearer()) return unexpected{errc::invalid_argument};
    if (api_key && (*api_key)->is_bearer()) return unexpected{errc::invalid_argument};
    if (bearer && api_key && core::iequals((*bearer)->header_name(), (*api_key)->header_name()))
      return unexpected{errc::invalid_argument};
    static_credentials c;
    if (bearer) c.bearer_.emplace(std::move(**bearer));
    if (api_key) c.api_key_.emplace(std::move(**api_key));
    return c;
  }

  // Checks the call's credential header (see inbound_authenticator for the failures).
  result<inbound_credential> check(const header_lookup& headers) const noexcept {
    const std::string_view names[2] = {bearer_ ? std::string_view(bearer_->header_name()) : std::string_view(),
                                       api_key_ ? std::string_view(api_key_->header_name()) : std::string_view()};
    header_lookup::hit hits[2];
    if (auto r = headers.find_each(names, hits); !r) return unexpected{r.error()};
    const bool has_bearer = bearer_ && hits[0].value, has_key = api_key_ && hits[1].value;
    if ((bearer_ && hits[0].repeated) || (api_key_ && hits[1].repeated)) return unexpected{errc::malformed_credentials};
    if (has_bearer && has_key) return unexpected{errc::malformed_credentials};
    if (has_key) {
      // Field lines combined with ", ", spaces or control characters: never one key.
      if (hits[1].value->empty()) return unexpected{errc::missing_credentials};
      for (char c : *hits[1].value) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == ',') return unexpected{errc::malformed_credentials};
      }
      if (auto r = api_key_->check(headers); !r) return unexpected{r.error()};
      return inbound_credential::api_key;
    }
    if (has_bearer) {
      // The token68 syntax header_credential checks refuses ',' and ' ' inside the token, so
      // combined field lines ("Bearer a, Bearer b") are malformed_credentials there.
      if (auto r = bearer_->check(headers); !r) return unexpected{r.error()};
      return inbound_credential::bearer_token;
    }
    return unexpected{errc::missing_credentials};
  }

  // True when Bearer tokens are accepted.
  bool accepts_bearer() const noexcept { return bearer_.has_value(); }
  // The API-key header name, or "" when API keys are not accepted.
  std::string_view api_key_header() const noexcept {
    return api_key_ ? std::string_view(api_key_->header_name()) : std::string_view();
  }

 private:
  static_credentials() = default;
  static bool usable_key(const core::secret& key) noexcept {
    return core::visible_ascii(key.expose_secret_text(), ',');
  }

  std::optional<header_credential> bearer_;
  std::optional<header_credential> api_key_;
};
static_assert(inbound_authenticator<static_credentials>);

// The longest event id a receiver accepts.
inline constexpr std::size_t max_event_id_size = 256;

// True for an event id a receiver accepts: 1 to max_event_id_size bytes of visible ASCII without
// ',' (so two header lines combined with ", " never read as one id).
constexpr bool valid_event_id(std::string_view id) noexcept {
  return !id.empty() && id.size() <= max_event_id_size && core::visible_ascii(id, ',');
}

// Reads the platform's id of the event a call delivers.
// Rules: event_id() is noexcept and thread-safe; it runs only after the call is authenticated;
// it returns an id for which valid_event_id() holds, or: missing_header / missing_field (no id),
// malformed_header / malformed_request (an id of the wrong shape or type, given twice, or a body
// that is not the expected JSON), input_too_large, internal_error (out of memory).
template <class E>
concept event_id_source = requires(const E& e, const header_lookup& h, core::bytes_view body) {
  { e.event_id(h, body) } noexcept -> std::same_as<result<std::string>>;
};

// The event id from a header ("webhook-id" in Standard Webhooks, or e.g. "X-Event-Id").
struct header_event_id {
  std::string name = "webhook-id";  // the header (matched case-insensitively)

  // The header's value: missing_header when absent, malformed_header when repeated or invalid.
  result<std::string> event_id(const header_lookup& headers, core::bytes_view) const noexcept {
    auto v = headers.find(name);
    if (!v) return unexpected{v.error()};
    if (!*v) return unexpected{errc::missing_header};
    if (!valid_event_id(**v)) return unexpected{errc::malformed_header};
    try {
      return std::string(**v);
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }
};
static_assert(event_id_source<header_event_id>);

// A replay store that can also forget a key, so an event whose processing failed can be
// processed when the platform delivers it again.
// Rules: those of core::replay_store; forget(key) is noexcept and removes key (a missing key is
// not an error); a store that cannot answer returns store_unavailable.
template <class S>
concept releasable_replay_store = core::replay_store<S> && requires(S& s, std::string_view key) {
  { s.forget(key) } noexcept -> std::same_as<result<void>>;
};

// What the server does with an authenticated call.
enum class delivery_action {
  process,            // first delivery of this event: process it, then answer 2xx
  already_processed,  // an event already accepted: answer 2xx without processing it again
};

// The verdict on an authenticated call.
struct delivery_verdict {
  delivery_action action = delivery_action::process;
  std::string event_id;                                     // the platform's id of the event
  inbound_credential credential = inbound_credential::bearer_token;  // what authenticated it

  // True for the first delivery of the event.
  bool should_process() const noexcept { return action == delivery_action::process; }
};

// How a receiver remembers the events it accepted.
struct receiver_options {
  // How long an accepted event id is remembered: longer than the platform keeps retrying a
  // delivery (at most core::max_duration; negative counts as 0).
  std::chrono::seconds remember_for{std::chrono::hours{24 * 7}};
  // Prefix of this receiver's keys in a shared store (one per platform or endpoint), so that two
  // platforms' ids never collide.
  std::string replay_namespace = "webhook-receiver";
};

// Authenticates a platform's call and deduplicates its events, in this order:
//  1. the credential (Auth): missing_credentials, malformed_credentials, invalid_credentials (401);
//  2. the event id (Ids), read only from an authenticated call: missing_header, malformed_header,
//     missing_field, malformed_request (400);
//  3. the replay store remembers namespace + id: first seen → process; seen → already_processed.
//     A store that fails answers store_unavailable (503), so the platform retries later.
// Since the id is remembered only after the credential verified, an unauthenticated caller cannot
// burn event ids. The id is claimed when verify() answers process: if processing then fails, call
// release() (stores that can forget) before answering 5xx, or the platform's retry will be
// acknowledged without being processed. Store and Clock may be reference types (the default
// shares a store owned by the server). verify() is thread-safe when the policies are.
template <inbound_authenticator Auth = static_credentials, event_id_source Ids = header_event_id,
          core::replay_store Store = core::memory_replay_store&, core::clock Clock = core::coarse_clock>
class receiver {
 public:
  // A receiver over its policies; Store and Clock are not deduced here (see the guides below).
  receiver(Auth auth, Ids ids, std::type_identity_t<Store> store, receiver_options opts = {},
           std::type_identity_t<Clock> clock = Clock{})
      : auth_(std::move(auth)), ids_(std::move(ids)), opts_(std::move(opts)), store_(hold(std::forward<Store>(store))),
        clock_(std::forward<Clock>(clock)) {
    opts_.remember_for = core::clamp_duration(opts_.remember_for);
  }

  // Verifies a call from its headers (any header_source) and raw body.
  result<delivery_verdict> verify(const header_lookup& headers, core::bytes_view body) const noexcept {
    auto who = auth_.check(headers);
    if (!who) return unexpected{who.error()};
    auto id = ids_.event_id(headers, body);
    if (!id) return unexpected{id.error()};
    if (!valid_event_id(*id)) return unexpected{errc::malformed_request};  // a custom source's slip
    try {
      const std::string key = store_key(*id);
      auto first = store().remember(key, clock_.now(), opts_.remember_for);
      if (!first) return unexpected{first.error()};
      delivery_verdict v;
      v.action = *first ? delivery_action::process : delivery_action::already_processed;
      v.event_id = std::move(*id);
      v.credential = *who;
      return v;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // Verifies a call given as a request view (e.g. adapters::httplib::request). The view must
  // report a header sent twice as its field lines combined with ", " (or by its first value, in
  // which case a duplicate cannot be seen); the adapters shipped with tessera combine them.
  template <request_signing::request_view R>
  result<delivery_verdict> verify(const R& req) const noexcept {
    const auto lookup = [&req](std::string_view name) noexcept { return req.header(name); };
    return verify(header_lookup(lookup), core::bytes_view(req.body()));
  }

  // Forgets an event answered `process` whose processing failed, so that the platform's next
  // delivery of it is processed. Only with a store that can forget.
  result<void> release(const delivery_verdict& v) const noexcept
    requires releasable_replay_store<std::remove_reference_t<Store>>
  {
    try {
      return store().forget(store_key(v.event_id));
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // The options in force.
  const receiver_options& options() const noexcept { return opts_; }
  // The authenticator.
  const Auth& authenticator() const noexcept { return auth_; }

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
  // namespace \x1f "event" \x1f id (\x1f cannot occur in a valid id).
  std::string store_key(std::string_view id) const {
    std::string key;
    key.reserve(opts_.replay_namespace.size() + id.size() + 7);
    key.append(opts_.replay_namespace).append("\x1f" "event" "\x1f").append(id);
    return key;
  }

  Auth auth_;
  Ids ids_;
  receiver_options opts_;
  mutable store_member store_;
  Clock clock_;
};

template <class A, class I, class St>
receiver(A, I, St&&) -> receiver<A, I, St, core::coarse_clock>;
template <class A, class I, class St>
receiver(A, I, St&&, receiver_options) -> receiver<A, I, St, core::coarse_clock>;
template <class A, class I, class St, class C>
receiver(A, I, St&&, receiver_options, C&&) -> receiver<A, I, St, C>;

}  // namespace tessera::webhook
