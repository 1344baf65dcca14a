#pragma once
// tessera::jwt::issuer — signs compact JWS tokens with registered, custom and header claims.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/base64.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/key.hpp"

namespace tessera::jwt {

// The claims of one token to issue. Registered time claims (exp, nbf, iat) and jti are set by
// the issuer; set() refuses to overwrite them or iss.
class claims {
 public:
  // Sets sub.
  claims& subject(std::string sub) { j_["sub"] = std::move(sub); return *this; }
  // Sets aud to a single string.
  claims& audience(std::string aud) { j_["aud"] = std::move(aud); return *this; }
  // Sets aud to an array of strings.
  claims& audiences(std::vector<std::string> aud) { j_["aud"] = std::move(aud); return *this; }
  // Overrides the issuer's default lifetime for this token (at most ±core::max_duration).
  claims& lifetime(std::chrono::seconds s) { lifetime_ = s; return *this; }
  // Uses this jti instead of a random one.
  claims& jwt_id(std::string jti) { jti_ = std::move(jti); return *this; }
  // Sets nbf this far after the issue time (default: nbf = iat; at most ±core::max_duration).
  claims& not_before_delay(std::chrono::seconds s) { nbf_delay_ = s; return *this; }
  // Sets a custom claim (any JSON value). Registered names iss, exp, nbf, iat, jti are refused (false).
  bool set(const std::string& name, nlohmann::json value) {
    if (name == "iss" || name == "exp" || name == "nbf" || name == "iat" || name == "jti") return false;
    j_[name] = std::move(value);
    return true;
  }
  // The claims set so far (without the issuer's registered claims).
  const nlohmann::json& json() const noexcept { return j_; }

 private:
  template <core::clock>
  friend class issuer;
  nlohmann::json j_ = nlohmann::json::object();
  std::optional<std::chrono::seconds> lifetime_, nbf_delay_;
  std::optional<std::string> jti_;
};

// What an issuer writes into every token it signs.
struct issuer_options {
  std::string issuer{};                        // iss ("" to omit)
  std::chrono::seconds lifetime{3600};         // exp = iat + lifetime (at most ±core::max_duration)
  std::string type = "JWT";                    // header typ ("" to omit)
  bool set_not_before = true;                  // write nbf (= iat unless delayed)
  nlohmann::json extra_header = nlohmann::json::object();  // more header fields (alg, kid, typ, crit refused)
};

// A token just issued: the compact form and the facts a login response needs.
struct issued_token {
  std::string token;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::string jwt_id;
};

// Signs tokens with one signing key; the key's algorithm and kid go into the header.
template <core::clock C = core::coarse_clock>
class issuer {
 public:
  issuer(signing_key key, issuer_options opts, C clock = C{})
      : key_(std::move(key)), opts_(std::move(opts)), clock_(std::forward<C>(clock)) {
    header_ = opts_.extra_header.is_object() ? opts_.extra_header : nlohmann::json::object();
    for (const char* reserved : {"alg", "kid", "typ", "crit", "b64", "jwk", "jku", "x5u", "x5c"}) header_.erase(reserved);
    header_["alg"] = std::string(alg_name(key_.algorithm()));
    if (!key_.kid().empty()) header_["kid"] = key_.kid();
    if (!opts_.type.empty()) header_["typ"] = opts_.type;
    header_b64_ = core::base64url_encode(header_.dump());
  }

  // Signs the claims; exp, iat, nbf, jti and iss are added here. invalid_argument when the
  // lifetime or the nbf delay lies beyond ±core::max_duration.
  result<issued_token> issue(const claims& c) const {
    const std::chrono::seconds lifetime = c.lifetime_ ? *c.lifetime_ : opts_.lifetime;
    const std::chrono::seconds nbf_delay = c.nbf_delay_.value_or(std::chrono::seconds{0});
    for (auto d : {lifetime, nbf_delay})
      if (d < -core::max_duration || d > core::max_duration) return unexpected{errc::invalid_argument};
    const std::int64_t now = core::unix_seconds(clock_.now());
    issued_token out;
    out.issued_at = now;
    out.expires_at = now + lifetime.count();
    if (c.jti_) {
      out.jwt_id = *c.jti_;
    } else {
      auto r = core::random_base64url(16);
      if (!r) return unexpected{r.error()};
      out.jwt_id = std::move(*r);
    }
    nlohmann::json body = c.j_;
    if (!opts_.issuer.empty()) body["iss"] = opts_.issuer;
    body["iat"] = now;
    if (opts_.set_not_before) body["nbf"] = now + nbf_delay.count();
    body["exp"] = out.expires_at;
    body["jti"] = out.jwt_id;
    std::string payload = body.dump();
    std::string& tok = out.token;
    tok.reserve(header_b64_.size() + core::base64url_encoded_size(payload.size()) + 2 + 700);
    tok = header_b64_;
    tok.push_back('.');
    core::base64url_append(tok, payload);
    auto sig = key_.sign(tok);
    if (!sig) return unexpected{sig.error()};
    tok.push_back('.');
    core::base64url_append(tok, *sig);
    return out;
  }

  // The header every token carries.
  const nlohmann::json& header() const noexcept { return header_; }
  const signing_key& key() const noexcept { return key_; }
  const issuer_options& options() const noexcept { return opts_; }
  const std::remove_reference_t<C>& clock() const noexcept { return clock_; }

 private:
  signing_key key_;
  issuer_options opts_;
  C clock_;
  nlohmann::json header_;
  std::string header_b64_;
};

}  // namespace tessera::jwt
