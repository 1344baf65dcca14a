#pragma once
// tessera::jwt::issuer — signs compact JWS tokens with registered, custom and header claims.

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/detail/json_text.hpp"
#include "tessera/jwt/key.hpp"

namespace tessera::jwt {

// The claims of one token to issue. Registered time claims (exp, nbf, iat) and jti are set by
// the issuer; set() refuses to overwrite them or iss. Each claim is serialised once, when it is
// set, so issuing builds the payload without a JSON document.
class claims {
 public:
  // Sets sub.
  claims& subject(std::string_view sub);
  // Sets aud to a single string.
  claims& audience(std::string_view aud);
  // Sets aud to an array of strings.
  claims& audiences(const std::vector<std::string>& aud);
  // Overrides the issuer's default lifetime for this token (at most ±core::max_duration).
  claims& lifetime(std::chrono::seconds s) { lifetime_ = s; return *this; }
  // Uses this jti instead of a random one.
  claims& jwt_id(std::string jti) { jti_ = std::move(jti); return *this; }
  // Sets nbf this far after the issue time (default: nbf = iat; at most ±core::max_duration).
  claims& not_before_delay(std::chrono::seconds s) { nbf_delay_ = s; return *this; }
  // Sets a custom claim (any JSON value). Registered names iss, exp, nbf, iat, jti are refused (false).
  bool set(const std::string& name, const nlohmann::json& value);
  // Sets a custom string claim (as set(), without building a JSON value).
  bool set_string(const std::string& name, std::string_view value);
  // Sets a custom claim to an array of strings (as set(), without building a JSON value).
  bool set_strings(const std::string& name, const std::vector<std::string>& values);
  // The claims set so far (without the issuer's registered claims), as a JSON object.
  nlohmann::json json() const;

 private:
  template <core::clock>
  friend class issuer;

  // Sets one claim and its serialised form (a string that is not UTF-8 makes issue() refuse).
  void put(std::string_view name, const nlohmann::json& value);

  std::string members_;             // the claims' members, serialised, without the braces
  std::vector<std::string> names_;  // their names, in order
  bool valid_ = true;
  std::optional<std::chrono::seconds> lifetime_, nbf_delay_;
  std::optional<std::string> jti_;
};

// What an issuer writes into every token it signs.
struct issuer_options {
  std::string issuer{};                 // iss ("" to omit)
  std::chrono::seconds lifetime{3600};  // exp = iat + lifetime (at most ±core::max_duration)
  std::string type = "JWT";             // header typ ("" to omit)
  bool set_not_before = true;           // write nbf (= iat unless delayed)
  // More header fields: the text of a JSON object (e.g. R"({"cty":"orders+json"})"), or "" for
  // none. Its alg, kid, typ, crit, b64, jwk, jku, x5u and x5c are left out; text that is not a
  // JSON object makes every issue() refuse (invalid_argument).
  std::string extra_header{};
};

namespace detail {
// An issuer's fixed parts, made once from its options and key: the header (JSON text and
// base64url) and the issuer as a JSON string; valid is false when extra_header is not a JSON
// object or the issuer is not UTF-8.
struct issuer_parts {
  std::string header_json, header_b64, iss_json;
  std::size_t signature_chars = 0;  // the key's signature, base64url-encoded
  bool valid = true;
};
TESSERA_DECL issuer_parts make_issuer_parts(const issuer_options& o, const signing_key& key);
}  // namespace detail

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
      : key_(std::move(key)), opts_(std::move(opts)), clock_(std::forward<C>(clock)),
        parts_(detail::make_issuer_parts(opts_, key_)) {}

  // Signs the claims; exp, iat, nbf, jti and iss are added here. invalid_argument when the
  // lifetime or the nbf delay lies beyond ±core::max_duration, or a claim, the jti or the
  // issuer is a string that is not UTF-8. An HMAC token costs two allocations: the token and,
  // when random, the jti.
  result<issued_token> issue(const claims& c) const {
    const std::chrono::seconds lifetime = c.lifetime_ ? *c.lifetime_ : opts_.lifetime;
    const std::chrono::seconds nbf_delay = c.nbf_delay_.value_or(std::chrono::seconds{0});
    for (auto d : {lifetime, nbf_delay})
      if (d < -core::max_duration || d > core::max_duration) return unexpected{errc::invalid_argument};
    if (!c.valid_ || !parts_.valid) return unexpected{errc::invalid_argument};
    const std::int64_t now = core::unix_seconds(clock_.now());
    issued_token out;
    out.issued_at = now;
    out.expires_at = now + lifetime.count();

    // The payload, in a buffer each thread reuses.
    thread_local std::string payload;
    payload.clear();
    payload.push_back('{');
    payload += c.members_;
    auto member = [&](std::string_view name) {
      if (payload.size() > 1) payload.push_back(',');
      payload.push_back('"');
      payload += name;
      payload += "\":";
    };
    auto number = [&](std::string_view name, std::int64_t v) {
      member(name);
      char digits[24];
      const auto r = std::to_chars(digits, digits + sizeof digits, v);
      payload.append(digits, r.ptr);
    };
    if (!parts_.iss_json.empty()) {
      member("iss");
      payload += parts_.iss_json;
    }
    number("iat", now);
    if (opts_.set_not_before) number("nbf", now + nbf_delay.count());
    number("exp", out.expires_at);
    member("jti");
    if (c.jti_) {
      out.jwt_id = *c.jti_;
      if (!tessera::detail::append_json_string(payload, out.jwt_id)) return unexpected{errc::invalid_argument};
    } else {
      std::array<std::uint8_t, 16> id{};
      if (auto r = core::random_fill_public(id); !r) return unexpected{r.error()};  // public once issued
      core::base64url_append(out.jwt_id, core::bytes_view(id.data(), id.size()));  // no escaping needed
      payload.push_back('"');
      payload += out.jwt_id;
      payload.push_back('"');
    }
    payload.push_back('}');

    std::string& tok = out.token;
    tok.reserve(parts_.header_b64.size() + core::base64url_encoded_size(payload.size()) + 2 + parts_.signature_chars);
    tok = parts_.header_b64;
    tok.push_back('.');
    core::base64url_append(tok, core::bytes_view(payload));
    const std::size_t signed_size = tok.size();
    tok.push_back('.');
    if (auto r = key_.sign_append_base64url(tok, core::bytes_view(tok.data(), signed_size)); !r) return unexpected{r.error()};
    return out;
  }

  // The header every token carries, as JSON text.
  std::string_view header_json() const noexcept { return parts_.header_json; }
  // The signing key.
  const signing_key& key() const noexcept { return key_; }
  // The options it was made with.
  const issuer_options& options() const noexcept { return opts_; }
  // The clock.
  const std::remove_reference_t<C>& clock() const noexcept { return clock_; }

 private:
  signing_key key_;
  issuer_options opts_;
  C clock_;

  detail::issuer_parts parts_;
};

}  // namespace tessera::jwt

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/jwt/impl/issuer.ipp"
#endif
