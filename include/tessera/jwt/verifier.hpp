#pragma once
// tessera::jwt::verifier — checks a compact JWS token: size and shape, then the signature with
// the key its key set holds for it, then the rules, then revocation. noexcept, no exceptions,
// no per-call key parsing or algorithm fetch, and no allocation for a token whose claims fit in
// the verified token's inline storage (one beyond it).

#include <array>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tessera/core/ascii.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/detail/parse.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/jwt/revocation.hpp"
#include "tessera/jwt/rules.hpp"
#include "tessera/jwt/verified_token.hpp"

namespace tessera::jwt {

// Verifies tokens against a key set, rules, a clock and a revocation check.
// Template arguments may be reference types to share an object owned elsewhere, e.g.
// verifier<kid_key_set&, core::coarse_clock, memory_revocation_list&>. All members are
// thread-safe when the key set, clock and revocation check are.
template <key_set K, core::clock C = core::coarse_clock, revocation_check R = no_revocation>
class verifier {
 public:
  verifier(K keys, jwt::rules r, C clock = C{}, R revocation = R{})
      : keys_(std::forward<K>(keys)), rules_(std::move(r)), clock_(std::forward<C>(clock)),
        revocation_(std::forward<R>(revocation)) {}
  // Owns a key set that starts empty and is filled through keys() (a kid_key_set cannot be
  // moved in, since it holds a mutex): verifier<kid_key_set> v(rules); v.keys().put(...).
  explicit verifier(jwt::rules r, C clock = C{}, R revocation = R{})
    requires(!std::is_reference_v<K> && std::default_initializable<K>)
      : rules_(std::move(r)), clock_(std::forward<C>(clock)), revocation_(std::forward<R>(revocation)) {}

  // Verifies a token. Each failure has its own errc; every one of them maps to HTTP 401.
  result<verified_token> verify(std::string_view token) const noexcept { return run(token, std::nullopt); }

  // Verifies a token that may have expired at most `grace` ago, every other rule applying as usual.
  // This exists for refresh endpoints (see refresher); ordinary request handling uses verify().
  // A negative grace counts as 0, one longer than core::max_duration as core::max_duration.
  result<verified_token> verify_allowing_expiry(std::string_view token, std::chrono::seconds grace) const noexcept {
    return run(token, core::clamp_duration(grace));
  }

  // The key set, e.g. to rotate keys while the verifier is in use.
  std::remove_reference_t<K>& keys() noexcept { return keys_; }
  const std::remove_reference_t<K>& keys() const noexcept { return keys_; }
  const jwt::rules& rules() const noexcept { return rules_; }
  const std::remove_reference_t<C>& clock() const noexcept { return clock_; }
  const std::remove_reference_t<R>& revocation() const noexcept { return revocation_; }

 private:
  result<verified_token> run(std::string_view token, std::optional<std::chrono::seconds> grace) const noexcept {
    // 1-2. Shape and signature; then 3. the claims, read only from a token whose signature holds.
    // The token is built in the result that run returns by name, its one return statement, so
    // its inline bytes are never copied (a refusal replaces the token with its errc).
    detail::segments seg;
    detail::header_fields h;
    const errc signed_ok = check_signed(token, seg, h);
    result<verified_token> t = signed_ok == errc::none_ ? detail::token_builder::build(h.algorithm, h, seg.payload)
                                                        : result<verified_token>(unexpected{signed_ok});
    if (t) {
      // 3. The rules. 4. Revocation, after the signature.
      if (auto r = apply_rules(*t, grace); !r) {
        t = unexpected{r.error()};
      } else if constexpr (!std::is_same_v<std::remove_cvref_t<R>, no_revocation>) {
        token_facts facts{t->jwt_id(), t->subject(), principal_of(*t), t->kid(), t->issued_at(), t->expires_at()};
        if (auto rv = revocation_.check(facts); !rv) t = unexpected{rv.error()};
      }
    }
    return t;
  }

  // Size and shape, the header, the key and the signature: errc::none_ when the token is signed
  // by a key of the set for its algorithm, with its segments and header written to seg and h.
  errc check_signed(std::string_view token, detail::segments& seg, detail::header_fields& h) const noexcept {
    // 1. Size and shape, before anything is decoded.
    if (token.size() > rules_.max_token_size()) return errc::token_too_large;
    auto split = detail::split(token);
    if (!split) return split.error();
    seg = *split;
    // The signature is decoded up front: strict base64url is part of the token's shape.
    std::array<std::uint8_t, 1024> sig;  // written by the decoder before any read
    auto sig_len = core::base64url_decode_into(seg.signature, sig);
    if (!sig_len) {
      const bool too_long = sig_len.error() == errc::buffer_too_small && seg.signature.find('.') == std::string_view::npos;
      return too_long ? errc::invalid_signature_length : errc::token_malformed;  // a 4th segment is malformed
    }

    // 2. Header, key lookup, algorithm binding, signature.
    auto header = detail::parse_header(seg.header, rules_.understood_crit());
    if (!header) return header.error();
    h = *header;
    auto check = [&](const verification_key& k) noexcept -> result<void> {
      if (k.algorithm() != h.algorithm) return unexpected{errc::algorithm_not_allowed};
      return k.verify(seg.signing_input, core::bytes_view(sig.data(), *sig_len));
    };
    if constexpr (key_visitor<std::remove_cvref_t<K>>) {
      result<void> v = unexpected{errc::key_not_found};
      keys_.visit(h.kid, [&](const verification_key& k) noexcept { v = check(k); });
      if (!v) return v.error();
    } else {
      auto key = keys_.find(h.kid);
      if (!key) return errc::key_not_found;
      if (auto v = check(*key); !v) return v.error();
    }
    return errc::none_;
  }

  std::string_view principal_of(const verified_token& t) const noexcept {
    auto p = t.claim_string(rules_.principal_claim());
    return p ? *p : std::string_view{};
  }

  result<void> apply_rules(const verified_token& t, std::optional<std::chrono::seconds> grace) const noexcept {
    const std::int64_t now = core::unix_seconds(clock_.now());
    const std::int64_t leeway = rules_.leeway().count();
    if (auto exp = t.expires_at()) {
      const std::int64_t allowed = leeway + (grace ? grace->count() : 0);
      if (now - allowed >= *exp) return unexpected{grace ? errc::refresh_window_passed : errc::token_expired};
    } else if (rules_.require_exp()) {
      return unexpected{errc::missing_claim};
    }
    if (auto nbf = t.not_before(); nbf && now + leeway < *nbf) return unexpected{errc::token_not_yet_valid};
    if (auto iat = t.issued_at(); iat && now + leeway < *iat) return unexpected{errc::token_issued_in_future};
    if (auto age = rules_.max_age()) {
      auto iat = t.issued_at();
      if (!iat) return unexpected{errc::missing_claim};
      if (now - leeway - *iat > age->count()) return unexpected{errc::token_too_old};
    }
    if (!rules_.issuers().empty()) {
      if (!t.has_claim("iss")) return unexpected{errc::missing_claim};
      bool ok = false;
      for (auto& i : rules_.issuers()) ok = ok || t.issuer() == i;
      if (!ok) return unexpected{errc::wrong_issuer};
    }
    if (!rules_.audiences().empty()) {
      if (!t.has_claim("aud")) return unexpected{errc::missing_claim};
      bool ok = false;
      for (auto& a : rules_.audiences()) ok = ok || t.has_audience(a);
      if (!ok) return unexpected{errc::wrong_audience};
    }
    if (auto& s = rules_.subject(); s && t.subject() != *s) {
      return unexpected{t.has_claim("sub") ? errc::wrong_subject : errc::missing_claim};
    }
    if (auto& ty = rules_.type(); ty && !core::iequals(t.type(), *ty)) return unexpected{errc::wrong_token_type};
    for (auto& name : rules_.required_claims())
      if (!t.has_claim(name)) return unexpected{errc::missing_claim};
    for (auto& check : rules_.checks()) {
      try {
        if (auto r = check(t); !r) return r;
      } catch (...) {
        return unexpected{errc::claim_check_failed};
      }
    }
    return core::ok();
  }

  K keys_;
  jwt::rules rules_;
  C clock_;
  R revocation_;
};

}  // namespace tessera::jwt
