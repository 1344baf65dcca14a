#pragma once
// tessera::jwt::refresher — renews a token without credentials (POST /auth/refresh): accepts a
// token that is valid or expired within a window, refuses revoked or deactivated principals,
// and issues a new token with the same identity claims and lifetime, and a new jti and exp.

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/issuer.hpp"
#include "tessera/jwt/verifier.hpp"

namespace tessera::jwt {

namespace detail {
// Copies a verified token's claims into the claims of its replacement, but for the ones the issuer
// writes itself (iss, exp, nbf, iat, jti). internal_error when the claims are not an object.
TESSERA_DECL result<void> copy_claims(const verified_token& t, claims& c);
}  // namespace detail

// How refresh behaves.
struct refresh_options {
  // How long after exp a token may still be refreshed (beyond the verifier's leeway). Negative
  // counts as 0, more than core::max_duration as core::max_duration.
  std::chrono::seconds window{std::chrono::hours(24)};
};

// A replay store that remembers nothing: every token may be refreshed any number of times.
struct unlimited_refresh {
  result<bool> remember(std::string_view, std::chrono::system_clock::time_point, std::chrono::seconds) noexcept {
    return true;
  }
};
static_assert(core::replay_store<unlimited_refresh>);

// Renews tokens: verifies with V (which applies every rule and the revocation check), then
// issues with I. With a real replay store S, each token (by jti) may be refreshed only once: its
// entry lives as long as V accepts the token (exp + window + V's rules().leeway()).
// V, I and S may be reference types to share objects owned elsewhere.
template <class V, class I, core::replay_store S = unlimited_refresh>
class refresher {
 public:
  refresher(V verifier, I issuer, refresh_options opts = {}, S once = S{})
      : verifier_(std::forward<V>(verifier)), issuer_(std::forward<I>(issuer)), opts_(opts), once_(std::forward<S>(once)) {
    opts_.window = core::clamp_duration(opts_.window);
  }

  // A new token for the holder of `token`. Errors: every verifier error (expired beyond the
  // window is refresh_window_passed; revoked and deactivated principals are refused), missing_claim
  // when a once-only refresher meets a token without jti, refresh_already_used on a second use.
  result<issued_token> refresh(std::string_view token) {
    auto t = verifier_.verify_allowing_expiry(token, opts_.window);
    if (!t) return unexpected{t.error()};
    if constexpr (!std::is_same_v<std::remove_cvref_t<S>, unlimited_refresh>) {
      if (t->jwt_id().empty()) return unexpected{errc::missing_claim};
      // Remembered for as long as the verifier still accepts the token: until exp + window +
      // leeway, plus 1 s (a store forgets at exactly now + keep); a token without exp for
      // core::max_duration, the longest any store keeps an entry.
      auto now = issuer_.clock().now();
      auto keep = core::max_duration;
      if (auto exp = t->expires_at())
        keep = std::chrono::seconds(*exp - core::unix_seconds(now)) + opts_.window + verifier_.rules().leeway() +
               std::chrono::seconds(1);
      keep = std::max(keep, std::chrono::seconds(1));
      std::string key = "refresh:";
      key += t->jwt_id();
      auto first = once_.remember(key, now, keep);
      if (!first) return unexpected{first.error()};
      if (!*first) return unexpected{errc::refresh_already_used};
    }
    claims c;
    // The new token lives as long as the one it replaces (exp - iat), else the issuer's default.
    if (auto iat = t->issued_at(), exp = t->expires_at(); iat && exp && *exp > *iat)
      c.lifetime(core::clamp_duration(std::chrono::seconds(*exp - *iat)));
    if (auto r = detail::copy_claims(*t, c); !r) return unexpected{r.error()};
    return issuer_.issue(c);
  }

 private:
  V verifier_;
  I issuer_;
  refresh_options opts_;
  S once_;
};

}  // namespace tessera::jwt

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/jwt/impl/refresh.ipp"
#endif
