#pragma once
// The bodies of jwt/remote_jwks.hpp that need nlohmann/json (see TESSERA_DECL in config.hpp).

#include <unordered_set>

#include <nlohmann/json.hpp>

#include "tessera/jwt/impl/jwks.ipp"
#include "tessera/jwt/remote_jwks.hpp"

namespace tessera::jwt {

namespace detail {
TESSERA_DECL result<bool> remote_key_wanted(const nlohmann::json& jwk) {
  if (!jwk.is_object()) return unexpected{errc::invalid_key};
  if (auto use = jwk.find("use"); use != jwk.end()) {
    if (!use->is_string()) return unexpected{errc::invalid_key};
    if (use->get_ref<const std::string&>() != "sig") return false;
  }
  if (auto ops = jwk.find("key_ops"); ops != jwk.end()) {
    if (!ops->is_array()) return unexpected{errc::invalid_key};
    bool verify = false;
    for (auto& o : *ops) {
      if (!o.is_string()) return unexpected{errc::invalid_key};
      verify = verify || o.get_ref<const std::string&>() == "verify";
    }
    if (!verify) return false;
  }
  if (auto al = jwk.find("alg"); al != jwk.end()) {
    if (!al->is_string()) return unexpected{errc::invalid_key};
    if (!alg_from_name(al->get_ref<const std::string&>())) return false;
  }
  const std::string_view kty = str_member(jwk, "kty");
  if (kty == "OKP") return str_member(jwk, "crv") == "Ed25519";
  return kty == "RSA" || kty == "EC" || kty == "oct";
}

}  // namespace detail

TESSERA_DECL result<std::vector<verification_key>> import_remote_jwks(std::string_view document,
                                                                const jwks_options& opts) {
  if (document.size() > opts.max_document_size) return unexpected{errc::input_too_large};
  auto doc = nlohmann::json::parse(document, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return unexpected{errc::invalid_key};
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) return unexpected{errc::invalid_key};
  if (keys->size() > opts.max_keys) return unexpected{errc::input_too_large};
  std::vector<verification_key> out;
  std::unordered_set<std::string> kids;
  bool anonymous = false, symmetric = false, asymmetric = false;
  for (auto& jwk : *keys) {
    auto wanted = detail::remote_key_wanted(jwk);
    if (!wanted) return unexpected{wanted.error()};
    if (!*wanted) continue;
    auto k = import_jwk(jwk, opts);
    if (!k) {
      if (k.error() == errc::unsupported_key_type || k.error() == errc::algorithm_not_allowed) continue;
      return unexpected{k.error()};
    }
    (is_hmac(k->algorithm()) ? symmetric : asymmetric) = true;
    if (symmetric && asymmetric) return unexpected{errc::key_type_mismatch};
    if (k->kid().empty()) {
      if (anonymous) return unexpected{errc::invalid_key};
      anonymous = true;
    } else if (!kids.insert(k->kid()).second) {
      return unexpected{errc::invalid_key};  // duplicate kid
    }
    out.push_back(std::move(*k));
  }
  if (out.empty()) return unexpected{errc::invalid_key};
  return out;
}

}  // namespace tessera::jwt
