#pragma once
// RFC 9421 HTTP Message Signatures as a request-signing profile: httpsig::verifier reads the
// Signature-Input and Signature fields of a message, applies the server's policy and verifies one
// signature with the key its `keyid` names; httpsig::signer writes both fields (and, on request,
// the RFC 9530 Content-Digest of the content). Both share the area's clock, replay store, key
// registries and result<T> errors.
//
// A server handler:
//   httpsig::memory_key_registry keys;                // or a request_signing::client_key_registry
//   keys.add_public_key("partner-42", pem, httpsig::algorithm::ed25519);
//   core::memory_replay_store seen;
//   httpsig::verifier_options policy;
//   policy.required_components = {"@method", "@path", "@authority", "content-digest"};
//   httpsig::verifier server(keys, seen, policy);
//   auto v = server.verify(adapters::httplib::request(req));    // result<verified_signature>
//   if (!v) answer core::http_status(v.error()) with core::name(v.error());
//   v->owner(), v->keyid(), v->label(), v->components()
// A client:
//   auto s = httpsig::signer<>::create("partner-42", private_key, httpsig::algorithm::ed25519);
//   httpsig::sign_options o;  o.add_content_digest = true;
//   s->sign(request, o)->apply_to(request);   // Content-Digest, Signature-Input, Signature
//
// Verification (verify()), in order, each failure with its own errc:
//  1. Signature-Input and Signature present (missing_signature), each within max_field_bytes,
//     max_signatures members, max_components components (httpsig_input_too_large), Dictionaries
//     of Inner Lists of Strings and of Byte Sequences, each label once (httpsig_malformed_signature_input,
//     httpsig_malformed_signature), with the same labels (httpsig_label_mismatch; §4);
//  2. the candidates: the labels the policy names, in its order (httpsig_label_not_found when the
//     message has none of them), or every signature in message order. The first candidate whose
//     `keyid` the registry knows is the one verified; a candidate without a `keyid`, or with a
//     `keyid` the registry does not know, is skipped and decides nothing (httpsig_unknown_key
//     when none is left; httpsig_missing_parameter when no candidate has a `keyid`;
//     store_unavailable when the registry cannot answer);
//  3. its parameters: only created, expires (Integers), nonce, alg, keyid, tag (Strings)
//     (httpsig_bad_signature_parameter); an `alg` naming another algorithm than the key's
//     (httpsig_alg_mismatch: the key decides); the tag the policy expects (httpsig_wrong_tag);
//     every component the policy requires covered, and content-digest when the policy requires
//     it of a message with content (httpsig_component_not_covered); created,
//     expires and nonce present when the policy requires them (httpsig_missing_parameter);
//     created not after now + leeway (future_timestamp), not older than max_age
//     (stale_timestamp); now before expires + leeway (httpsig_expired);
//  4. the signature base (message_components.hpp: its component errcs; httpsig_input_too_large
//     beyond max_base_bytes);
//  5. the signature, with the key's one algorithm (bad_signature, invalid_signature_length);
//  6. a covered Content-Digest checked against the content (content_digest_*);
//  7. the nonce, when present, not seen before for this keyid (replayed; store_unavailable).
// The usual message, one signature written as RFC 8941 serializes it (what signers send), is read
// in place, without the parser's value trees (detail/single_signature.hpp); the answer is the
// same either way.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/hmac_key.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/crypto/signature.hpp"
#include "tessera/detail/mutable_holder.hpp"
#include "tessera/request_signing/client_registry.hpp"
#include "tessera/request_signing/content_digest.hpp"
#include "tessera/request_signing/detail/single_signature.hpp"
#include "tessera/request_signing/message_components.hpp"
#include "tessera/request_signing/message_signature_keys.hpp"
#include "tessera/request_signing/profile.hpp"
#include "tessera/request_signing/replay.hpp"
#include "tessera/request_signing/structured_field.hpp"

namespace tessera::request_signing::httpsig {

// The policy of a verifier (RFC 9421 §3.2.1: what the application requires).
struct verifier_options {
  // Components every signature must cover, at least (e.g. {"@method", "@path", "@authority",
  // "content-digest"}); compared as identifiers, parameters in any order.
  std::vector<component> required_components{};
  // The labels the server accepts, in order of preference; empty: any label.
  std::vector<std::string> labels{};
  // Oldest `created` accepted (now - created <= max_age); negative counts as 0.
  std::chrono::seconds max_age{300};
  // Clock difference tolerated: `created` up to this far in the future, `expires` this much late.
  std::chrono::seconds leeway{60};
  // Refuse a signature without `created` (httpsig_missing_parameter).
  bool require_created{true};
  // Refuse a signature without `expires`.
  bool require_expires{false};
  // Refuse a signature without `nonce` (with one, the nonce is always checked for replays).
  bool require_nonce{false};
  // The `tag` every signature must carry; empty: any tag, or none.
  std::string tag{};
  // Check a covered Content-Digest against the message content.
  bool check_content_digest{true};
  // Refuse a message with content (a non-empty body()) whose signature does not cover
  // content-digest (httpsig_component_not_covered): the content is then signed through its
  // digest, which check_content_digest compares with it. A message without content needs none.
  bool require_content_digest{false};
  // The signature context: the scheme the server is reached by, and application field types.
  context message_context{};
  // Longest Signature-Input or Signature value accepted (all lines combined), in bytes.
  std::size_t max_field_bytes{16 * 1024};
  // Most signatures (labels) one message may carry.
  std::size_t max_signatures{8};
  // Most components one signature may cover.
  std::size_t max_components{32};
  // Longest signature base built, in bytes.
  std::size_t max_base_bytes{64 * 1024};
};

namespace detail {
struct verified_signature_access;

// The per-thread buffer a signature base is built in, so a warm thread does not allocate for it.
TESSERA_DECL std::string& base_buffer() noexcept;

// Reads the parameters: only the six of §2.3, each of its type. httpsig_bad_signature_parameter
// otherwise.
TESSERA_DECL result<signature_params> read_params(const sf::parameters& ps) noexcept;

// The errc of a failed parse of Signature-Input or Signature: a bound exceeded, or `malformed`.
constexpr errc field_parse_error(errc e, errc malformed) noexcept {
  switch (e) {
    case errc::sf_input_too_large:
    case errc::sf_too_many_members:
    case errc::sf_too_many_inner_list_items:
    case errc::sf_byte_sequence_too_long:
      return errc::httpsig_input_too_large;
    case errc::internal_error:
      return errc::internal_error;
    default:
      return malformed;
  }
}

// The number of members a well-formed Dictionary field value holds, repeated keys counted: its
// commas outside Strings, plus one (a comma stands nowhere else in a valid field).
constexpr std::size_t member_count(std::string_view field) noexcept {
  if (field.find(',') == std::string_view::npos) return 1;  // one member: the usual case, no scan
  std::size_t n = 1;
  bool in_string = false;
  for (std::size_t i = 0; i < field.size(); ++i) {
    const char c = field[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ',') {
      ++n;
    }
  }
  return n;
}

// Signature-Input and Signature, parsed, each label once, matched label for label.
struct signature_fields {
  sf::dictionary inputs, sigs;
};

// Parses Signature-Input and Signature under the policy's bounds into out, with the errcs of
// verification step 1 (the list at the top of this header).
TESSERA_DECL result<void> read_signature_fields(std::string_view input_text, std::string_view sig_text,
                                                const verifier_options& o, signature_fields& out) noexcept;

// True when a registry's lookup error means "no such key" (the signature is untrusted) rather
// than a failure to answer.
constexpr bool not_found(errc e) noexcept {
  return e == errc::httpsig_unknown_key || e == errc::unknown_client || e == errc::key_not_found;
}
}  // namespace detail

// A signature that verified under the policy. Only a verifier makes one.
class verified_signature {
 public:
  // The label it was sent under.
  std::string_view label() const noexcept { return label_; }
  // The `keyid` it named.
  std::string_view keyid() const noexcept { return keyid_; }
  // Whose key verified it: the client id (client registry) or the key's owner (key registry).
  std::string_view owner() const noexcept { return owner_; }
  // The id of the registered key that verified it (with a client registry, which of the
  // client's keys; with a key registry, the keyid).
  std::string_view key_id() const noexcept { return key_id_; }
  // The algorithm it was verified with.
  algorithm alg() const noexcept { return alg_; }
  // The covered components, in their signed order.
  const std::vector<component>& components() const noexcept { return components_; }
  // True when the signature covers this component.
  bool covers(const component& c) const noexcept {
    return std::find(components_.begin(), components_.end(), c) != components_.end();
  }
  // The `created` parameter, Unix seconds.
  std::optional<std::int64_t> created() const noexcept { return created_; }
  // The `expires` parameter, Unix seconds.
  std::optional<std::int64_t> expires() const noexcept { return expires_; }
  // The `nonce` parameter ("" when none).
  std::string_view nonce() const noexcept { return nonce_; }
  // The `tag` parameter ("" when none).
  std::string_view tag() const noexcept { return tag_; }

 private:
  friend struct detail::verified_signature_access;
  verified_signature() = default;
  std::string label_, keyid_, owner_, key_id_;
  algorithm alg_ = algorithm::ed25519;
  std::vector<component> components_;
  std::optional<std::int64_t> created_, expires_;
  std::string nonce_, tag_;
};

namespace detail {
struct verified_signature_access {
  static verified_signature make() { return verified_signature(); }
  // Fills v with what was verified.
  static verified_signature& fill(verified_signature& v, std::string_view label, const signature_params& p,
                                  std::string_view owner, std::string_view key_id, algorithm alg,
                                  std::vector<component> components);
};

// The covered components of a signature parsed by the RFC 8941 parser, as verifier::check() reads them.
struct parsed_components {
  sf::inner_list& il;
  // True when the signature covers c (the same identifier, parameters in any order).
  bool covers(const component& c) const noexcept {
    return std::any_of(il.items.begin(), il.items.end(), [&](const sf::item& it) { return same_identifier(c.item(), it); });
  }
  // True when the signature covers the Content-Digest field (with any parameters).
  bool covers_content_digest() const noexcept {
    return std::any_of(il.items.begin(), il.items.end(), [](const sf::item& it) {
      const auto* n = std::get_if<std::string>(&it.value);
      return n && *n == "content-digest";
    });
  }
  // Appends the signature base.
  template <message_view M>
  result<void> append_base(std::string& out, const M& msg, const context& ctx) const noexcept {
    return append_signature_base(out, msg, il, ctx);
  }
  // The components, moved out of the list (already checked by the signature base).
  std::vector<component> take() const {
    std::vector<component> out;
    out.reserve(il.items.size());
    for (auto& it : il.items) out.push_back(*component::from_item(std::move(it)));
    return out;
  }
};

// The covered components of a signature read in place (single_signature.hpp): names without
// parameters, already checked, and the Inner List in serialized form.
struct single_components {
  const single_signature& s;
  bool covers(const component& c) const noexcept {
    if (!c.params().empty()) return false;
    for (std::size_t i = 0; i < s.count; ++i)
      if (s.names[i] == c.name()) return true;
    return false;
  }
  bool covers_content_digest() const noexcept {
    for (std::size_t i = 0; i < s.count; ++i)
      if (s.names[i] == "content-digest") return true;
    return false;
  }
  // Appends the signature base as append_signature_base() writes it; the last line copies the
  // Inner List.
  template <message_view M>
  result<void> append_base(std::string& out, const M& msg, const context& ctx) const noexcept {
    try {
      static const sf::parameters none;
      for (std::size_t i = 0; i < s.count; ++i) {
        out += '"';
        out += s.names[i];
        out += "\": ";
        if (auto r = append_value(out, msg, {}, s.names[i], none, s.kinds[i], ctx); !r) return r;
        out += '\n';
      }
      out += "\"@signature-params\": ";
      out += s.inner_list;
      return core::ok();
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }
  std::vector<component> take() const {
    std::vector<component> out;
    out.reserve(s.count);
    for (std::size_t i = 0; i < s.count; ++i) out.emplace_back(s.names[i]);
    return out;
  }
};
}  // namespace detail

// Verifies RFC 9421 signatures of requests (or responses) under a policy, with keys from a
// registry (an httpsig::key_registry, or a request_signing::client_key_registry read with
// `keyid` as the client id), remembering nonces in a replay store. The registry, store and clock
// may be reference types to share objects owned elsewhere (CTAD does that for lvalues):
//   httpsig::memory_key_registry keys;  core::memory_replay_store seen;
//   httpsig::verifier v(keys, seen, policy);   // verifier<memory_key_registry&, memory_replay_store&>
// All members are thread-safe when the registry, store and clock are.
template <class Registry, class Store, class C = core::coarse_clock>
  requires(key_registry<std::remove_cvref_t<Registry>> || client_key_registry<std::remove_cvref_t<Registry>>) &&
          core::replay_store<std::remove_cvref_t<Store>> && core::clock<std::remove_cvref_t<C>>
class verifier {
 public:
  // A verifier (the parameters are not deducible on purpose: CTAD goes through the guides below).
  verifier(std::type_identity_t<Registry> registry, std::type_identity_t<Store> store, verifier_options options = {},
           std::type_identity_t<C> clock = C{})
      : registry_(std::forward<Registry>(registry)), store_{std::forward<Store>(store)}, options_(std::move(options)),
        clock_(std::forward<C>(clock)) {
    options_.max_age = core::clamp_duration(options_.max_age);
    options_.leeway = core::clamp_duration(options_.leeway);
  }

  // Verifies the message's signature under the policy (the steps are listed at the top of this
  // header).
  template <message_view M>
  result<verified_signature> verify(const M& msg) const noexcept {
    try {
      return run(msg);
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // The registry.
  const std::remove_reference_t<Registry>& registry() const noexcept { return registry_; }
  // The replay store.
  std::remove_reference_t<Store>& replay_store() const noexcept { return store_.get(); }
  // The policy in force.
  const verifier_options& options() const noexcept { return options_; }
  // The clock.
  const std::remove_reference_t<C>& clock() const noexcept { return clock_; }

 private:
  static constexpr bool by_client = client_key_registry<std::remove_cvref_t<Registry>>;
  using handle = std::conditional_t<by_client, client_handle, key_handle>;

  template <message_view M>
  result<verified_signature> run(const M& msg) const {
    std::string input_buf, sig_buf;
    const auto input_text = detail::raw_field(msg, {}, "signature-input", input_buf);
    const auto sig_text = detail::raw_field(msg, {}, "signature", sig_buf);
    if (!input_text || !sig_text) return unexpected{errc::missing_signature};

    // One signature in serialized form is read in place (detail/single_signature.hpp); every
    // other shape, and a signature this reading leaves undecided, goes through the RFC 8941
    // parser below, which then gives the same answer the quick reading would have.
    {
      detail::single_signature one;
      if (options_.max_signatures != 0 &&
          detail::read_single_signature(*input_text, *sig_text, options_.max_field_bytes, options_.max_components, one) &&
          one.params.keyid &&
          (options_.labels.empty() ||
           std::find(options_.labels.begin(), options_.labels.end(), one.label) != options_.labels.end())) {
        if (auto found = find_key(*one.params.keyid)) {
          if (!*found) return unexpected{found->error()};
          return check(msg, one.label, detail::single_components{one}, one.params,
                       core::bytes_view(one.signature.data(), one.signature_size), **found);
        }
      }
    }

    detail::signature_fields fields;
    if (auto r = detail::read_signature_fields(*input_text, *sig_text, options_, fields); !r) return unexpected{r.error()};
    sf::dictionary* inputs = &fields.inputs;
    sf::dictionary* sigs = &fields.sigs;

    // The candidates, in order; the first whose key is known decides.
    bool any_keyid = false;
    auto attempt = [&](std::string_view label) -> std::optional<result<verified_signature>> {
      auto& il = std::get<sf::inner_list>(*inputs->find(label));
      const std::string* keyid = detail::string_param(il.params, "keyid");
      if (!keyid) return std::nullopt;
      any_keyid = true;
      auto found = find_key(*keyid);
      if (!found) return std::nullopt;
      if (!*found) return unexpected{found->error()};
      const auto& sig = std::get<sf::byte_sequence>(std::get<sf::item>(*sigs->find(label)).value).value;
      auto p = detail::read_params(il.params);
      if (!p) return unexpected{p.error()};
      return check(msg, label, detail::parsed_components{il}, *p, sig, **found);
    };
    if (options_.labels.empty()) {
      for (std::size_t i = 0; i < inputs->size(); ++i)
        if (auto r = attempt((*inputs)[i].first)) return std::move(*r);
    } else {
      bool any_label = false;
      for (const auto& label : options_.labels) {
        if (!inputs->contains(label)) continue;
        any_label = true;
        if (auto r = attempt(label)) return std::move(*r);
      }
      if (!any_label) return unexpected{errc::httpsig_label_not_found};
    }
    return unexpected{any_keyid ? errc::httpsig_unknown_key : errc::httpsig_missing_parameter};
  }

  // The keys registered under a keyid; nullopt when there are none that verify RFC 9421
  // signatures (the signature is then untrusted and decides nothing), an error when the registry
  // cannot answer.
  std::optional<result<handle>> find_key(std::string_view keyid) const noexcept {
    auto found = registry_.find(keyid);
    if (!found) {
      if (detail::not_found(found.error())) return std::nullopt;
      return result<handle>(unexpected{found.error()});
    }
    if (!*found) return std::nullopt;
    if constexpr (by_client) {
      const auto& keys = (*found)->keys;
      if (std::none_of(keys.begin(), keys.end(), [](const client_key& k) { return algorithm_of(k.algorithm).has_value(); }))
        return std::nullopt;  // no key of this client verifies RFC 9421 signatures
    }
    return found;
  }

  // Verifies the chosen signature (steps 3 to 7): its covered components (detail::parsed_components
  // or detail::single_components), its parameters and signature bytes, with the keys found.
  template <message_view M, class Covered>
  result<verified_signature> check(const M& msg, std::string_view label, const Covered& covered,
                                   const detail::signature_params& p, core::bytes_view sig, const handle& keys) const {
    std::optional<algorithm> wanted;
    if (p.alg) {
      wanted = algorithm_named(*p.alg);
      if (!wanted) return unexpected{errc::httpsig_alg_mismatch};
      bool fits = false;
      if constexpr (by_client) {
        for (const auto& k : keys->keys) fits = fits || algorithm_of(k.algorithm) == wanted;
      } else {
        fits = keys->alg() == *wanted;
      }
      if (!fits) return unexpected{errc::httpsig_alg_mismatch};
    }
    if (!options_.tag.empty() && (!p.tag || *p.tag != options_.tag)) return unexpected{errc::httpsig_wrong_tag};
    for (const auto& req : options_.required_components)
      if (!covered.covers(req)) return unexpected{errc::httpsig_component_not_covered};
    if (options_.require_content_digest && has_content(msg) && !covered.covers_content_digest())
      return unexpected{errc::httpsig_component_not_covered};
    if ((options_.require_created && !p.created) || (options_.require_expires && !p.expires) ||
        (options_.require_nonce && !p.nonce))
      return unexpected{errc::httpsig_missing_parameter};
    const auto now_tp = clock_.now();
    const std::int64_t now = core::unix_seconds(now_tp);
    const std::int64_t leeway = options_.leeway.count(), max_age = options_.max_age.count();
    if (p.created) {
      if (*p.created > now + leeway) return unexpected{errc::future_timestamp};
      if (now - *p.created > max_age) return unexpected{errc::stale_timestamp};
    }
    if (p.expires && now >= *p.expires + leeway) return unexpected{errc::httpsig_expired};

    std::string& base = detail::base_buffer();
    if (auto r = covered.append_base(base, msg, options_.message_context); !r) return unexpected{r.error()};
    if (base.size() > options_.max_base_bytes) return unexpected{errc::httpsig_input_too_large};

    algorithm used = algorithm::ed25519;
    std::string_view key_id;
    if constexpr (by_client) {
      bool any_size = false, crypto_failed = false, verified = false;
      for (const auto& k : keys->keys) {
        const auto a = algorithm_of(k.algorithm);
        if (!a || (wanted && *a != *wanted)) continue;
        auto r = crypto::verify(k.key, k.algorithm, base, sig);
        if (r) {
          used = *a;
          key_id = k.id;
          verified = true;
          break;
        }
        if (r.error() != errc::invalid_signature_length) any_size = true;
        if (r.error() == errc::crypto_failure) crypto_failed = true;
      }
      if (!verified) {
        if (crypto_failed) return unexpected{errc::crypto_failure};
        return unexpected{any_size ? errc::bad_signature : errc::invalid_signature_length};
      }
    } else {
      if (auto r = keys->verify(base, sig); !r) return unexpected{r.error()};
      used = keys->alg();
      key_id = keys->keyid();
    }

    if (options_.check_content_digest) {
      if (covered.covers_content_digest()) {
        if constexpr (requires { core::bytes_view(msg.body()); }) {
          std::string buf;
          auto field = detail::raw_field(msg, {}, "content-digest", buf);
          if (auto r = check_content_digest(field, core::bytes_view(msg.body())); !r) return unexpected{r.error()};
        } else {
          return unexpected{errc::invalid_argument};  // no content to check the digest against
        }
      }
    }

    if (p.nonce) {
      // Remembered until no signature carrying it can be accepted any more.
      std::int64_t last = std::numeric_limits<std::int64_t>::max();
      if (p.created) last = std::min(last, *p.created + max_age);
      if (p.expires) last = std::min(last, *p.expires + leeway - 1);
      std::chrono::seconds ttl = core::max_duration;
      if (last != std::numeric_limits<std::int64_t>::max())
        ttl = core::clamp_duration(std::chrono::seconds{std::max<std::int64_t>(last - now + 1, 1)});
      auto key = request_signing::detail::make_replay_key('h', *p.keyid, *p.nonce);
      if (!key) return unexpected{key.error()};
      auto first = store_.get().remember(key->view(), now_tp, ttl);
      if (!first) return unexpected{first.error()};
      if (!*first) return unexpected{errc::replayed};
    }

    std::string_view owner;
    if constexpr (by_client) owner = keys->id;
    else owner = keys->owner();
    auto v = detail::verified_signature_access::make();
    detail::verified_signature_access::fill(v, label, p, owner, key_id, used, covered.take());
    return v;
  }

  // True when the message has content: a body() that is not empty.
  template <message_view M>
  static bool has_content(const M& msg) noexcept {
    if constexpr (requires { core::bytes_view(msg.body()); }) return !core::bytes_view(msg.body()).empty();
    else return false;
  }

  Registry registry_;
  tessera::detail::mutable_holder<Store> store_;
  verifier_options options_;
  C clock_;
};

// Deduction: lvalue registries, stores and clocks are held by reference, rvalues by value.
template <class Registry, class Store>
verifier(Registry&&, Store&&) -> verifier<Registry, Store>;
template <class Registry, class Store>
verifier(Registry&&, Store&&, verifier_options) -> verifier<Registry, Store>;
template <class Registry, class Store, class C>
verifier(Registry&&, Store&&, verifier_options, C&&) -> verifier<Registry, Store, C>;

// What a signer adds besides the covered components.
struct sign_options {
  // The signature's label (an RFC 8941 key: lower case, digits, "_-.*").
  std::string label{"sig1"};
  // The covered components, in order; empty: "@method" "@authority" "@path" "@query" for a
  // request, "@status" for a response. "content-digest" is appended when a Content-Digest is
  // added and the list does not cover it yet.
  std::vector<component> components{};
  // Add `created` (now).
  bool add_created{true};
  // When positive, add `expires` = now + this.
  std::chrono::seconds expires_in{0};
  // Add `alg` (RFC 9421 lets the key decide; some verifiers want it).
  bool add_alg{false};
  // Add a `nonce`: this one when not empty, else 16 random bytes as base64url.
  bool add_nonce{true};
  // The nonce to send (used when add_nonce); never reuse one.
  std::string nonce{};
  // The `tag` to add; empty: none.
  std::string tag{};
  // Add a Content-Digest of the content (the message must have body()) and cover it.
  bool add_content_digest{false};
  // The Content-Digest algorithm.
  content_digest_alg digest{content_digest_alg::sha256};
  // The signature context (the scheme, application field types).
  context message_context{};
};

namespace detail {
// The components a signer covers: o.components, or the default set of a request or a response,
// with content-digest appended when o adds a Content-Digest the list does not cover.
TESSERA_DECL std::vector<component> covered_components(const sign_options& o, bool response);

// The parameters a signer sends under o (created, keyid, alg, expires, nonce, tag, in that
// order); random_failure when a fresh nonce cannot be drawn.
TESSERA_DECL result<sf::parameters> signature_parameters(const sign_options& o, std::int64_t now, std::string_view keyid,
                                                          algorithm alg);

// The text of a Dictionary with one member, the inner list `input` under `label`;
// invalid_argument when the label or the list cannot be written.
TESSERA_DECL result<std::string> dictionary_member(std::string_view label, const sf::inner_list& input) noexcept;

// Signature-Input and Signature for one new signature (its Signature-Input member text and its
// signature bytes), each appended to the field's current value (nullopt: absent); invalid_argument
// when a current value is malformed or already carries the label.
TESSERA_DECL result<signed_headers> signature_headers(std::string_view label, std::string_view input_member,
                                                      core::bytes sig, std::optional<std::string_view> old_input,
                                                      std::optional<std::string_view> old_sig);
}  // namespace detail

// Signs messages with one key under one keyid: writes Signature-Input and Signature (appended to
// any signatures the message already has) and, on request, Content-Digest. The clock may be a
// reference type to share a clock owned elsewhere. Thread-safe.
template <class C = core::coarse_clock>
  requires core::clock<std::remove_cvref_t<C>>
class signer {
 public:
  // A signer with a private key for an asymmetric algorithm. Errors: invalid_argument (key id,
  // or hmac-sha256), key_type_mismatch.
  static result<signer> create(std::string keyid, crypto::private_key key, algorithm alg, C clock = C{}) {
    if (!valid_keyid(keyid)) return unexpected{errc::invalid_argument};
    const auto s = signature_alg_of(alg);
    if (!s) return unexpected{errc::invalid_argument};
    if (key.type() != crypto::required_key_type(*s)) return unexpected{errc::key_type_mismatch};
    signer out(std::move(keyid), alg, std::forward<C>(clock));
    out.private_.emplace(std::move(key));
    return out;
  }
  // A signer with a PEM private key (PKCS#8, PKCS#1 or SEC1, unencrypted).
  static result<signer> from_pem(std::string keyid, std::string_view private_key_pem, algorithm alg, C clock = C{}) {
    auto key = crypto::private_key::from_pem(private_key_pem);
    if (!key) return unexpected{key.error()};
    return create(std::move(keyid), std::move(*key), alg, std::forward<C>(clock));
  }
  // A signer with an HMAC-SHA256 shared secret (at least min_hmac_secret_size bytes). Errors:
  // invalid_argument, secret_too_short, crypto_failure.
  static result<signer> hmac_sha256(std::string keyid, core::bytes_view secret, C clock = C{}) {
    if (!valid_keyid(keyid)) return unexpected{errc::invalid_argument};
    if (secret.size() < min_hmac_secret_size) return unexpected{errc::secret_too_short};
    auto mac = crypto::hmac_key::create(crypto::hash_alg::sha256, secret);
    if (!mac) return unexpected{mac.error()};
    signer out(std::move(keyid), algorithm::hmac_sha256, std::forward<C>(clock));
    out.mac_.emplace(*mac);
    return out;
  }

  // Signs a message now: parameters created, keyid, alg, expires, nonce, tag (those chosen, in
  // that order), over the chosen components. Returns the headers to set: Content-Digest (when
  // added), Signature-Input and Signature. Errors: invalid_argument (label taken or malformed,
  // nonce or tag not an RFC 8941 String, Content-Digest asked of a message without body()), the
  // component errcs of message_components.hpp, random_failure, crypto_failure.
  template <message_view M>
  result<signed_headers> sign(const M& msg, const sign_options& o = {}) const {
    constexpr bool response = requires { { msg.status() } -> std::convertible_to<int>; };
    std::vector<component> components = detail::covered_components(o, response);
    std::string digest;
    if (o.add_content_digest) {
      if constexpr (requires { core::bytes_view(msg.body()); }) {
        auto d = content_digest(core::bytes_view(msg.body()), o.digest);
        if (!d) return unexpected{d.error()};
        digest = std::move(*d);
      } else {
        return unexpected{errc::invalid_argument};
      }
    }
    auto ps = detail::signature_parameters(o, core::unix_seconds(clock_.now()), keyid_, alg_);
    if (!ps) return unexpected{ps.error()};
    const field_line over[] = {{"content-digest", digest}};
    auto input = signature_input(components, std::move(*ps));
    auto out = sign_input(msg, o.label, input, o.message_context,
                          o.add_content_digest ? std::span<const field_line>(over) : std::span<const field_line>());
    if (!out) return out;
    if (!o.add_content_digest) return out;
    signed_headers with_digest;
    with_digest.add("Content-Digest", std::move(digest));
    for (const auto& h : *out) with_digest.add(h.name, h.value);
    return with_digest;
  }

  // Signs a message with a Signature-Input member given whole: the covered components and the
  // parameters exactly as in `input` (nothing added: not even keyid). `over` stands in for field
  // lines the message will carry. Returns Signature-Input and Signature, each appended to the
  // message's own when it has them.
  template <message_view M>
  result<signed_headers> sign_input(const M& msg, std::string_view label, const sf::inner_list& input,
                                    const context& ctx = {}, std::span<const field_line> over = {}) const {
    auto member = detail::dictionary_member(label, input);
    if (!member) return unexpected{errc::invalid_argument};
    std::string base;
    if (auto r = append_signature_base(base, msg, input, ctx, over); !r) return unexpected{r.error()};
    core::bytes sig;
    if (mac_) {
      auto tag = mac_->sign(base);
      if (!tag) return unexpected{tag.error()};
      sig.assign(tag->view().begin(), tag->view().end());
    } else {
      auto s = crypto::sign(*private_, *signature_alg_of(alg_), base);
      if (!s) return unexpected{s.error()};
      sig = std::move(*s);
    }
    std::string in_buf, sig_buf;
    const auto old_input = detail::raw_field(msg, over, "signature-input", in_buf);
    const auto old_sig = detail::raw_field(msg, over, "signature", sig_buf);
    return detail::signature_headers(label, *member, std::move(sig), old_input, old_sig);
  }

  // The key id the signer sends.
  std::string_view keyid() const noexcept { return keyid_; }
  // The algorithm it signs with.
  algorithm alg() const noexcept { return alg_; }

 private:
  signer(std::string keyid, algorithm alg, C clock) : keyid_(std::move(keyid)), alg_(alg), clock_(std::forward<C>(clock)) {}

  std::string keyid_;
  algorithm alg_;
  std::optional<crypto::private_key> private_;
  std::optional<crypto::hmac_key> mac_;
  C clock_;
};

}  // namespace tessera::request_signing::httpsig

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/impl/http_message_signatures.ipp"
#endif
