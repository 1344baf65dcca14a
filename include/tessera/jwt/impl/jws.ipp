#pragma once
// The bodies of jwt/jws.hpp: the JSON serialization's reader (simdjson) and the signer (see
// TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "tessera/detail/json_text.hpp"
#include "tessera/jwt/jws.hpp"

namespace tessera::jwt {

namespace detail {

// A JSON member as a string view; nullopt when it is absent, an error when it is not a string.
inline result<std::optional<std::string_view>> string_member(simdjson::dom::object o, std::string_view name) noexcept {
  simdjson::dom::element e;
  if (o.at_key(name).get(e) != simdjson::SUCCESS) return std::optional<std::string_view>{};
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
  return std::optional<std::string_view>{s};
}

// True when a JSON object has no member name twice.
inline bool unique_members(simdjson::dom::object o) noexcept {
  name_set<max_header_members> names;
  for (auto f : o) {
    if (names.full() || !names.insert(f.key, name_fingerprint(f.key))) return false;
  }
  return true;
}

// True when every signature's protected header gives "b64" the same value (absent: true); a
// header that cannot be read counts as true here and is refused when its signature is tried.
inline bool same_b64(simdjson::dom::array sigs, std::size_t max_signatures) {
  std::optional<bool> seen;
  std::size_t i = 0;
  for (auto s : sigs) {
    if (i++ == max_signatures) break;
    std::string_view prot;
    bool b64 = true;
    if (s.at_key("protected").get_string().get(prot) == simdjson::SUCCESS) {
      if (auto decoded = core::base64url_decode(prot)) {
        auto j = nlohmann::json::parse(decoded->begin(), decoded->end(), nullptr, false);
        if (j.is_object()) {
          auto it = j.find("b64");
          if (it != j.end() && it->is_boolean()) b64 = it->get<bool>();
        }
      }
    }
    if (seen && *seen != b64) return false;
    seen = b64;
  }
  return true;
}

// Reads one signature entry: its members, its protected header (strictly), its unprotected
// header's alg and kid (disjoint from the protected one's members), and its signature.
inline jws_json_entry read_jws_entry(simdjson::dom::object sig_obj, std::span<const std::string> understood_crit) {
  jws_json_entry out;
  auto fail = [&](errc e) {
    jws_json_entry f;
    f.error = e;
    return f;
  };
  try {
    auto prot = string_member(sig_obj, "protected");
    auto signature = string_member(sig_obj, "signature");
    if (!prot || !signature || !*signature) return fail(errc::token_malformed);
    simdjson::dom::object unprotected;
    bool has_unprotected = false;
    if (simdjson::dom::element e; sig_obj.at_key("header").get(e) == simdjson::SUCCESS) {
      if (e.get_object().get(unprotected) != simdjson::SUCCESS || !unique_members(unprotected)) return fail(errc::token_malformed);
      has_unprotected = true;
    }
    std::array<std::uint8_t, 1024> sig;
    auto sig_len = core::base64url_decode_into(**signature, sig);
    if (!sig_len)
      return fail(sig_len.error() == errc::buffer_too_small ? errc::invalid_signature_length : errc::token_malformed);
    // The protected header (strict, as in the compact form), then the unprotected members.
    bool have_alg = false;
    if (*prot && !(*prot)->empty()) {
      auto h = parse_header<true>(**prot, understood_crit);
      if (!h) return fail(h.error());
      out.algorithm = h->algorithm;
      have_alg = true;
      if (h->kid) out.kid.emplace(*h->kid);
      out.typ.assign(h->typ);
      out.cty.assign(h->cty);
      out.encoded = h->b64;
      if (has_unprotected) {
        // Disjoint member names (RFC 7515 §7.2.1): decode the protected header's names again.
        auto decoded = core::base64url_decode(**prot);
        if (!decoded) return fail(errc::token_malformed);
        auto j = nlohmann::json::parse(decoded->begin(), decoded->end(), nullptr, false);
        if (!j.is_object()) return fail(errc::token_malformed);
        for (auto f : unprotected)
          if (j.contains(std::string(f.key))) return fail(errc::token_malformed);
      }
    }
    if (has_unprotected) {
      for (auto f : unprotected) {
        std::string_view v;
        if (f.key == "crit" || f.key == "b64") return fail(errc::token_malformed);  // must be protected
        if (f.key == "alg") {
          if (f.value.get_string().get(v) != simdjson::SUCCESS) return fail(errc::token_malformed);
          auto a = alg_from_name(v);
          if (!a) return fail(errc::algorithm_not_allowed);
          out.algorithm = *a;
          have_alg = true;
        } else if (f.key == "kid") {
          if (f.value.get_string().get(v) != simdjson::SUCCESS || v.size() > max_kid_length) return fail(errc::token_malformed);
          out.kid.emplace(v);
        }
      }
    }
    if (!have_alg) return fail(errc::token_malformed);
    if (*prot) out.protected_text.assign(**prot);
    out.signature.assign(sig.begin(), sig.begin() + static_cast<std::ptrdiff_t>(*sig_len));
    return out;
  } catch (...) {
    return fail(errc::internal_error);
  }
}

TESSERA_DECL result<jws_json_doc> read_jws_json(std::string_view json, bool detached, std::size_t max_signatures,
                                                std::span<const std::string> understood_crit) noexcept {
  try {
    simdjson::dom::parser parser;
    if (parser.allocate(json.size() + 1, config::max_json_depth) != simdjson::SUCCESS) return unexpected{errc::internal_error};
    const simdjson::padded_string padded(json);
    simdjson::dom::element root;
    simdjson::dom::object top;
    if (parser.parse(padded).get(root) != simdjson::SUCCESS || root.get_object().get(top) != simdjson::SUCCESS ||
        !unique_members(top))
      return unexpected{errc::token_malformed};
    auto payload = string_member(top, "payload");
    if (!payload) return unexpected{payload.error()};
    if (detached == payload->has_value()) return unexpected{errc::token_malformed};
    jws_json_doc doc;
    if (*payload) doc.payload.emplace(**payload);
    simdjson::dom::element sigs_el;
    if (top.at_key("signatures").get(sigs_el) == simdjson::SUCCESS) {
      // General: no flattened members beside "signatures".
      for (std::string_view m : {"protected", "header", "signature"})
        if (simdjson::dom::element e; top.at_key(m).get(e) == simdjson::SUCCESS) return unexpected{errc::token_malformed};
      simdjson::dom::array sigs;
      if (sigs_el.get_array().get(sigs) != simdjson::SUCCESS || sigs.size() == 0) return unexpected{errc::token_malformed};
      if (!same_b64(sigs, max_signatures)) return unexpected{errc::token_malformed};
      for (auto s : sigs) {
        if (doc.entries.size() == max_signatures) break;
        simdjson::dom::object o;
        if (s.get_object().get(o) == simdjson::SUCCESS && unique_members(o)) {
          doc.entries.push_back(read_jws_entry(o, understood_crit));
        } else {
          doc.entries.emplace_back().error = errc::token_malformed;
        }
      }
      return doc;
    }
    doc.entries.push_back(read_jws_entry(top, understood_crit));  // flattened
    return doc;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

}  // namespace detail

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
// Appends the JSON serialization's "payload" member: the payload base64url, or as it is when
// unencoded, then JSON-escaped; false when an unencoded payload is not UTF-8 (JSON cannot carry it).
inline bool append_payload_member(std::string& out, core::bytes_view payload, bool unencoded) {
  out += ",\"payload\":";
  if (unencoded)
    return tessera::detail::append_json_string(
        out, std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
  out.push_back('"');
  core::base64url_append(out, payload);
  out.push_back('"');
  return true;
}
}  // namespace detail

TESSERA_DECL result<std::string> jws_signer::sign_flattened(core::bytes_view payload, const jws_sign_options& o,
                                                            bool detached) const {
  auto entry = entry_members(payload, o);
  if (!entry) return unexpected{entry.error()};
  std::string out = "{";
  out += *entry;
  if (!detached && !detail::append_payload_member(out, payload, o.unencoded)) return unexpected{errc::invalid_argument};
  out.push_back('}');
  return out;
}

TESSERA_DECL result<std::string> jws_signer::sign_general(std::span<const jws_signer> signers, core::bytes_view payload,
                                                          const jws_sign_options& o, bool detached) {
  if (signers.empty()) return unexpected{errc::invalid_argument};
  std::string out = "{\"signatures\":[";
  for (std::size_t i = 0; i < signers.size(); ++i) {
    auto e = signers[i].entry_members(payload, o);
    if (!e) return unexpected{e.error()};
    out += i == 0 ? "{" : ",{";
    out += *e;
    out.push_back('}');
  }
  out.push_back(']');
  if (!detached && !detail::append_payload_member(out, payload, o.unencoded)) return unexpected{errc::invalid_argument};
  out.push_back('}');
  return out;
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
