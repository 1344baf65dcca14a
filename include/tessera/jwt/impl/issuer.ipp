#pragma once
// The bodies of jwt/issuer.hpp that need nlohmann/json (see TESSERA_DECL in config.hpp).

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tessera/jwt/issuer.hpp"

namespace tessera::jwt {

TESSERA_DECL claims& claims::subject(std::string_view sub) {
  put("sub", nlohmann::json(std::string(sub)));
  return *this;
}

TESSERA_DECL claims& claims::audience(std::string_view aud) {
  put("aud", nlohmann::json(std::string(aud)));
  return *this;
}

TESSERA_DECL claims& claims::audiences(const std::vector<std::string>& aud) {
  put("aud", nlohmann::json(aud));
  return *this;
}

TESSERA_DECL bool claims::set(const std::string& name, const nlohmann::json& value) {
  if (name == "iss" || name == "exp" || name == "nbf" || name == "iat" || name == "jti") return false;
  put(name, value);
  return true;
}

TESSERA_DECL bool claims::set_string(const std::string& name, std::string_view value) {
  return set(name, nlohmann::json(std::string(value)));
}

TESSERA_DECL bool claims::set_strings(const std::string& name, const std::vector<std::string>& values) {
  return set(name, nlohmann::json(values));
}

TESSERA_DECL nlohmann::json claims::json() const {
  auto all = nlohmann::json::parse("{" + members_ + "}", nullptr, false);
  return all.is_object() ? all : nlohmann::json::object();
}

TESSERA_DECL void claims::put(std::string_view name, const nlohmann::json& value) {
  try {
    if (std::find(names_.begin(), names_.end(), name) != names_.end()) {
      // Rare: a claim set again. The whole set is serialised again, its members in name order.
      nlohmann::json all = json();
      all[std::string(name)] = value;
      const std::string text = all.dump();
      members_.assign(text, 1, text.size() - 2);
      names_.clear();
      for (const auto& item : all.items()) names_.push_back(item.key());
      return;
    }
    const std::string key = nlohmann::json(std::string(name)).dump(), text = value.dump();
    if (!members_.empty()) members_.push_back(',');
    members_ += key;
    members_.push_back(':');
    members_ += text;
    names_.emplace_back(name);
  } catch (const nlohmann::json::exception&) {
    valid_ = false;  // a string that is not UTF-8
  }
}

namespace detail {

TESSERA_DECL issuer_parts make_issuer_parts(const issuer_options& o, const signing_key& key) {
  issuer_parts p;
  nlohmann::json header = nlohmann::json::object();
  if (!o.extra_header.empty()) {
    auto extra = nlohmann::json::parse(o.extra_header, nullptr, false);
    if (extra.is_object()) header = std::move(extra);
    else p.valid = false;
  }
  for (const char* reserved : {"alg", "kid", "typ", "crit", "b64", "jwk", "jku", "x5u", "x5c"}) header.erase(reserved);
  header["alg"] = std::string(alg_name(key.algorithm()));
  if (!key.kid().empty()) header["kid"] = key.kid();
  if (!o.type.empty()) header["typ"] = o.type;
  try {
    p.header_json = header.dump();
  } catch (const nlohmann::json::exception&) {
    p.valid = false;  // a kid or typ that is not UTF-8
    p.header_json = "{}";
  }
  p.header_b64 = core::base64url_encode(p.header_json);
  p.signature_chars = core::base64url_encoded_size(key.signature_size());
  if (!o.issuer.empty() && !tessera::detail::append_json_string(p.iss_json, o.issuer)) {
    p.valid = false;
    p.iss_json.clear();
  }
  return p;
}

}  // namespace detail

}  // namespace tessera::jwt
