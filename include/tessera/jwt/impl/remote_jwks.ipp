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

namespace tessera::jwt {

TESSERA_DECL result<void> check_jwks_url(std::string_view url) noexcept {
  auto u = webhook::parse_url(url);
  if (!u) return unexpected{u.error()};
  if (u->tls()) return core::ok();
  const bool loopback = u->host_ip ? webhook::classify(*u->host_ip) == webhook::address_class::loopback
                                   : webhook::detail::is_localhost_name(u->host);
  if (!loopback) return unexpected{errc::url_not_allowed};
  return core::ok();
}

TESSERA_DECL std::optional<std::chrono::seconds> cache_max_age(std::string_view cache_control) noexcept {
  std::optional<std::chrono::seconds> age;
  bool uncacheable = false;
  while (!cache_control.empty()) {
    const std::size_t comma = cache_control.find(',');
    std::string_view d = cache_control.substr(0, comma);
    cache_control = comma == std::string_view::npos ? std::string_view{} : cache_control.substr(comma + 1);
    while (!d.empty() && (d.front() == ' ' || d.front() == '\t')) d.remove_prefix(1);
    while (!d.empty() && (d.back() == ' ' || d.back() == '\t')) d.remove_suffix(1);
    const std::size_t eq = d.find('=');
    const std::string_view name = d.substr(0, eq);
    if (eq == std::string_view::npos && (core::iequals(name, "no-store") || core::iequals(name, "no-cache"))) {
      uncacheable = true;
    } else if (eq != std::string_view::npos && core::iequals(name, "max-age") && !age) {
      std::string_view v = d.substr(eq + 1);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      std::int64_t n = 0;
      bool valid = !v.empty();
      for (char c : v) {
        if (c < '0' || c > '9') {
          valid = false;
          break;
        }
        if (n < core::max_duration.count()) n = n * 10 + (c - '0');
      }
      age = std::chrono::seconds{valid ? std::min<std::int64_t>(n, core::max_duration.count()) : 0};
    }
  }
  if (uncacheable) return std::chrono::seconds{0};
  return age;
}

}  // namespace tessera::jwt
