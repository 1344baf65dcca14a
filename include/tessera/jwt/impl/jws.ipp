#pragma once
// The bodies of jwt/jws.hpp's signer (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/jwt/jws.hpp"

namespace tessera::jwt {

TESSERA_DECL result<std::string> jws_signer::sign_compact(core::bytes_view payload, const jws_sign_options& o,
                                                          bool detached) const {
  if (o.unencoded && !detached && std::find(payload.begin(), payload.end(), static_cast<std::uint8_t>('.')) != payload.end())
    return unexpected{errc::invalid_argument};
  auto prot = protected_header(o);
  if (!prot) return unexpected{prot.error()};
  auto sig = signature(*prot, payload, o.unencoded);
  if (!sig) return unexpected{sig.error()};
  std::string out = *prot;
  out.push_back('.');
  if (!detached) append_payload(out, payload, o.unencoded);
  out.push_back('.');
  core::base64url_append(out, core::bytes_view(*sig));
  return out;
}

namespace detail {
// A JSON serialization's text: the entries and, unless detached, the payload ("payload" holds it
// base64url, or as it is when unencoded: then JSON-escaped, and a payload that is not UTF-8 is
// invalid_argument).
inline result<std::string> jws_json_text(nlohmann::json j, core::bytes_view payload, bool unencoded, bool detached) {
  if (!detached) {
    std::string text;
    if (unencoded) text.assign(reinterpret_cast<const char*>(payload.data()), payload.size());
    else core::base64url_append(text, payload);
    j["payload"] = std::move(text);
  }
  try {
    return j.dump();
  } catch (const nlohmann::json::exception&) {
    return unexpected{errc::invalid_argument};
  }
}
}  // namespace detail

TESSERA_DECL result<std::string> jws_signer::sign_flattened(core::bytes_view payload, const jws_sign_options& o,
                                                            bool detached) const {
  auto entry = entry_members(payload, o);
  if (!entry) return unexpected{entry.error()};
  return detail::jws_json_text(nlohmann::json::parse("{" + *entry + "}"), payload, o.unencoded, detached);
}

TESSERA_DECL result<std::string> jws_signer::sign_general(std::span<const jws_signer> signers, core::bytes_view payload,
                                                          const jws_sign_options& o, bool detached) {
  if (signers.empty()) return unexpected{errc::invalid_argument};
  nlohmann::json sigs = nlohmann::json::array();
  for (const auto& s : signers) {
    auto e = s.entry_members(payload, o);
    if (!e) return unexpected{e.error()};
    sigs.push_back(nlohmann::json::parse("{" + *e + "}"));
  }
  return detail::jws_json_text(nlohmann::json{{"signatures", std::move(sigs)}}, payload, o.unencoded, detached);
}

TESSERA_DECL result<std::string> jws_signer::protected_header(const jws_sign_options& o) const {
  nlohmann::json h = nlohmann::json::object();
  if (!o.extra_header.empty()) {
    h = nlohmann::json::parse(o.extra_header, nullptr, false);
    if (!h.is_object()) return unexpected{errc::invalid_argument};
  }
  for (const char* reserved : {"alg", "kid", "crit", "b64", "jwk", "jku", "x5u", "x5c"})
    if (h.contains(reserved)) return unexpected{errc::invalid_argument};
  h["alg"] = std::string(alg_name(key_.algorithm()));
  if (!key_.kid().empty()) h["kid"] = key_.kid();
  if (!o.typ.empty()) h["typ"] = o.typ;
  if (!o.cty.empty()) h["cty"] = o.cty;
  if (o.unencoded) {
    h["b64"] = false;
    h["crit"] = nlohmann::json::array({"b64"});
  }
  try {
    return core::base64url_encode(h.dump());
  } catch (const nlohmann::json::exception&) {
    return unexpected{errc::invalid_argument};  // a member that is not UTF-8
  }
}

TESSERA_DECL void jws_signer::append_payload(std::string& out, core::bytes_view payload, bool unencoded) {
  if (unencoded) out.append(reinterpret_cast<const char*>(payload.data()), payload.size());
  else core::base64url_append(out, payload);
}

TESSERA_DECL result<core::bytes> jws_signer::signature(const std::string& prot, core::bytes_view payload,
                                                        bool unencoded) const {
  std::string input = prot;
  input.push_back('.');
  append_payload(input, payload, unencoded);
  return key_.sign(core::bytes_view(input));
}

TESSERA_DECL result<std::string> jws_signer::entry_members(core::bytes_view payload, const jws_sign_options& o) const {
  auto prot = protected_header(o);
  if (!prot) return unexpected{prot.error()};
  auto sig = signature(*prot, payload, o.unencoded);
  if (!sig) return unexpected{sig.error()};
  // Both values are base64url: JSON strings without escapes.
  std::string e = "\"protected\":\"";
  e += *prot;
  e += "\",\"signature\":\"";
  core::base64url_append(e, core::bytes_view(*sig));
  e.push_back('"');
  return e;
}

}  // namespace tessera::jwt
