#pragma once
// The bodies of jwt/jwks.hpp (see TESSERA_DECL in config.hpp).

#include <unordered_set>

#include <nlohmann/json.hpp>

#include "tessera/jwt/jwks.hpp"

namespace tessera::jwt {

namespace detail {
// A string member of a JSON object, or "" when it is absent or not a string.
TESSERA_DECL std::string_view str_member(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>()) : std::string_view{};
}

}  // namespace detail

TESSERA_DECL result<verification_key> import_jwk(const nlohmann::json& jwk, const jwks_options& opts) {
  if (!jwk.is_object()) return unexpected{errc::invalid_key};
  const std::string_view kty = detail::str_member(jwk, "kty");
  const std::string_view crv = detail::str_member(jwk, "crv");
  if (jwk.contains("use") && detail::str_member(jwk, "use") != "sig") return unexpected{errc::invalid_key};
  if (auto ops = jwk.find("key_ops"); ops != jwk.end()) {
    if (!ops->is_array()) return unexpected{errc::invalid_key};
    bool verify = false;
    for (auto& o : *ops) verify = verify || (o.is_string() && o.get_ref<const std::string&>() == "verify");
    if (!verify) return unexpected{errc::invalid_key};
  }
  std::string kid;
  if (auto k = jwk.find("kid"); k != jwk.end()) {
    if (!k->is_string() || k->get_ref<const std::string&>().empty() || k->get_ref<const std::string&>().size() > 256)
      return unexpected{errc::invalid_key};
    kid = k->get<std::string>();
  }
  std::optional<jwt::alg> a;
  if (auto al = jwk.find("alg"); al != jwk.end()) {
    if (!al->is_string()) return unexpected{errc::invalid_key};
    a = alg_from_name(al->get_ref<const std::string&>());
    if (!a) return unexpected{errc::algorithm_not_allowed};
    if (!detail::alg_fits_kty(*a, kty, crv)) return unexpected{errc::key_type_mismatch};
  } else if (kty == "EC") {
    a = crv == "P-521" ? jwt::alg::es512 : crv == "P-384" ? jwt::alg::es384 : jwt::alg::es256;
  } else if (kty == "OKP") {
    a = jwt::alg::eddsa;
  } else if (kty == "RSA") {
    a = opts.default_rsa_alg;
  }
  if (!a) return unexpected{errc::algorithm_not_allowed};  // oct without alg, or RSA without a default
  if (kty != "oct") {
    // Any private member (RFC 7518 §6.2.2, §6.3.2), not only "d", marks a key that must not be published.
    for (const char* m : {"d", "p", "q", "dp", "dq", "qi", "oth"})
      if (jwk.contains(m)) return unexpected{errc::invalid_key};
  }
  if (kty == "oct") {
    if (!opts.allow_symmetric) return unexpected{errc::key_type_mismatch};
    auto k = detail::str_member(jwk, "k");
    auto bytes = core::base64url_decode(k);
    if (k.empty() || !bytes) return unexpected{errc::invalid_key};
    return verification_key::hmac(*a, *bytes, std::move(kid));
  }
  auto pub = crypto::public_key::from_jwk(jwk, opts.policy);
  if (!pub) return unexpected{pub.error()};
  return verification_key::asymmetric(*a, std::move(*pub), std::move(kid));
}

TESSERA_DECL result<std::vector<verification_key>> import_jwks(std::string_view document, const jwks_options& opts) {
  if (document.size() > opts.max_document_size) return unexpected{errc::input_too_large};
  auto doc = nlohmann::json::parse(document, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return unexpected{errc::invalid_key};
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) return unexpected{errc::invalid_key};
  if (keys->size() > opts.max_keys) return unexpected{errc::input_too_large};
  std::vector<verification_key> out;
  std::unordered_set<std::string> kids;
  bool anonymous = false;
  for (auto& jwk : *keys) {
    auto k = import_jwk(jwk, opts);
    if (!k) return unexpected{k.error()};
    if (k->kid().empty()) {
      if (anonymous) return unexpected{errc::invalid_key};
      anonymous = true;
    } else if (!kids.insert(k->kid()).second) {
      return unexpected{errc::invalid_key};  // duplicate kid
    }
    out.push_back(std::move(*k));
  }
  return out;
}

TESSERA_DECL std::optional<nlohmann::json> export_jwk(const verification_key& k) {
  const crypto::public_key* pub = k.public_key();
  if (!pub) return std::nullopt;
  nlohmann::json j = pub->to_jwk();
  if (!k.kid().empty()) j["kid"] = k.kid();
  j["alg"] = std::string(alg_name(k.algorithm()));
  j["use"] = "sig";
  return j;
}

TESSERA_DECL nlohmann::json export_jwks(const kid_key_set& set) {
  nlohmann::json doc = {{"keys", nlohmann::json::array()}};
  for (auto& k : set.keys())
    if (auto j = export_jwk(*k)) doc["keys"].push_back(std::move(*j));
  return doc;
}

}  // namespace tessera::jwt

namespace tessera::jwt::detail {

TESSERA_DECL bool alg_fits_kty(jwt::alg a, std::string_view kty, std::string_view crv) noexcept {
  if (kty == "oct") return is_hmac(a);
  if (kty == "RSA") return !is_hmac(a) && crypto::required_key_type(signature_scheme(a)) == crypto::key_type::rsa;
  if (kty == "EC")
    return (a == jwt::alg::es256 && crv == "P-256") || (a == jwt::alg::es384 && crv == "P-384") ||
           (a == jwt::alg::es512 && crv == "P-521");
  if (kty == "OKP") return a == jwt::alg::eddsa && crv == "Ed25519";
  return false;
}

}  // namespace tessera::jwt::detail

namespace tessera::jwt {

TESSERA_DECL result<void> load_jwks(kid_key_set& set, std::string_view document, const jwks_options& opts) {
  auto keys = import_jwks(document, opts);
  if (!keys) return unexpected{keys.error()};
  set.replace_all(std::move(*keys));
  return core::ok();
}

}  // namespace tessera::jwt
