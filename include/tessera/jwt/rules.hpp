#pragma once
// Validation rules a verifier applies after the signature: time claims, issuer, audience,
// subject, type, required claims and custom checks. Built once, shared by every verification.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/verified_token.hpp"

namespace tessera::jwt {

// A custom claim check: returns an errc of its choice to refuse the token.
using claim_check = std::function<result<void>(const verified_token&)>;

// The rules of one verifier. Obtain them from rules::builder, which refuses to build until the
// issuer and the audience have each been either expected or explicitly ignored.
class rules {
 public:
  class builder;

  // Accepted issuers (any of them); empty when the issuer is explicitly ignored.
  const std::vector<std::string>& issuers() const noexcept { return issuers_; }
  // Accepted audiences (the token's aud must hold at least one); empty when explicitly ignored.
  const std::vector<std::string>& audiences() const noexcept { return audiences_; }
  bool require_exp() const noexcept { return require_exp_; }
  std::chrono::seconds leeway() const noexcept { return leeway_; }
  std::optional<std::chrono::seconds> max_age() const noexcept { return max_age_; }
  const std::optional<std::string>& subject() const noexcept { return subject_; }
  const std::optional<std::string>& type() const noexcept { return type_; }
  const std::vector<std::string>& required_claims() const noexcept { return required_; }
  const std::vector<claim_check>& checks() const noexcept { return checks_; }
  const std::vector<std::string>& understood_crit() const noexcept { return crit_; }
  const std::string& principal_claim() const noexcept { return principal_claim_; }
  std::size_t max_token_size() const noexcept { return max_token_size_; }

 private:
  std::vector<std::string> issuers_, audiences_;
  bool issuer_decided_ = false, audience_decided_ = false;
  bool require_exp_ = true;
  std::chrono::seconds leeway_{0};
  std::optional<std::chrono::seconds> max_age_;
  std::optional<std::string> subject_, type_;
  std::vector<std::string> required_;
  std::vector<claim_check> checks_;
  std::vector<std::string> crit_;
  std::string principal_claim_ = "sub";
  std::size_t max_token_size_ = config::max_token_size;
};

// Builds rules step by step: `rules::builder{}.issuer("https://auth").audience("api").build()`.
class rules::builder {
 public:
  // Accepts tokens whose iss equals this (call again to accept several issuers).
  builder& issuer(std::string iss) { r_.issuers_.push_back(std::move(iss)); r_.issuer_decided_ = true; return *this; }
  // Explicitly accepts any issuer (or none).
  builder& ignore_issuer() { r_.issuer_decided_ = true; return *this; }
  // Accepts tokens whose aud holds this (call again to accept several audiences).
  builder& audience(std::string aud) { r_.audiences_.push_back(std::move(aud)); r_.audience_decided_ = true; return *this; }
  // Explicitly accepts any audience (or none).
  builder& ignore_audience() { r_.audience_decided_ = true; return *this; }
  // Accepts tokens without exp (they then never expire): an explicit, visible opt-out.
  builder& allow_missing_exp() { r_.require_exp_ = false; return *this; }
  // Tolerance applied to exp, nbf and iat for clock skew (default 0; at most core::max_duration).
  builder& leeway(std::chrono::seconds s) { r_.leeway_ = s; return *this; }
  // Refuses tokens issued longer ago than this (requires iat; at most core::max_duration).
  builder& max_age(std::chrono::seconds s) { r_.max_age_ = s; return *this; }
  // Requires sub to equal this.
  builder& subject(std::string sub) { r_.subject_ = std::move(sub); return *this; }
  // Requires the header typ to equal this (compared case-insensitively, RFC 7515 §4.1.9).
  builder& type(std::string typ) { r_.type_ = std::move(typ); return *this; }
  // Requires the claim to be present.
  builder& require_claim(std::string name) { r_.required_.push_back(std::move(name)); return *this; }
  // Adds a custom check, run after every built-in rule; a throwing check counts as claim_check_failed.
  builder& check(claim_check c) { r_.checks_.push_back(std::move(c)); return *this; }
  // Declares a crit header name this application understands (all others are refused).
  builder& understand_crit(std::string name) { r_.crit_.push_back(std::move(name)); return *this; }
  // The claim that names the principal for revocation (default "sub"; e.g. "client_id").
  builder& principal_claim(std::string name) { r_.principal_claim_ = std::move(name); return *this; }
  // Largest token accepted, in bytes (default and upper bound: config::max_token_size).
  builder& max_token_size(std::size_t n) { r_.max_token_size_ = n < config::max_token_size ? n : config::max_token_size; return *this; }

  // The rules, or invalid_argument when the issuer or the audience was left undecided, or the
  // leeway or max age is negative or longer than core::max_duration.
  result<rules> build() const {
    if (!r_.issuer_decided_ || !r_.audience_decided_) return unexpected{errc::invalid_argument};
    auto bounded = [](std::chrono::seconds d) { return core::clamp_duration(d) == d; };
    if (!bounded(r_.leeway_) || (r_.max_age_ && !bounded(*r_.max_age_))) return unexpected{errc::invalid_argument};
    return r_;
  }

 private:
  rules r_;
};

}  // namespace tessera::jwt
