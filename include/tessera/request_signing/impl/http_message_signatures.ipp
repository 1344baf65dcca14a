#pragma once
// The bodies of request_signing/http_message_signatures.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/request_signing/http_message_signatures.hpp"

namespace tessera::request_signing::httpsig::detail {

TESSERA_DECL auto verified_signature_access::fill(verified_signature& v, std::string_view label,
                                                  const signature_params& p, std::string_view owner,
                                                  std::string_view key_id, algorithm alg,
                                                  std::vector<component> components) -> verified_signature& {
  v.label_ = std::string(label);
  v.keyid_ = *p.keyid;
  v.owner_ = std::string(owner);
  v.key_id_ = std::string(key_id);
  v.alg_ = alg;
  v.components_ = std::move(components);
  v.created_ = p.created;
  v.expires_ = p.expires;
  if (p.nonce) v.nonce_ = *p.nonce;
  if (p.tag) v.tag_ = *p.tag;
  return v;
}

}  // namespace tessera::request_signing::httpsig::detail

namespace tessera::request_signing::httpsig::detail {

TESSERA_DECL std::string& base_buffer() noexcept {
  thread_local std::string buf;
  if (buf.capacity() > 256 * 1024) std::string().swap(buf);  // do not keep a huge one forever
  buf.clear();
  return buf;
}

TESSERA_DECL result<signature_params> read_params(const sf::parameters& ps) noexcept {
  signature_params out;
  for (const auto& [key, value] : ps) {
    if (key == "created" || key == "expires") {
      const auto* n = std::get_if<std::int64_t>(&value);
      if (!n || *n < 0) return unexpected{errc::httpsig_bad_signature_parameter};
      (key == "created" ? out.created : out.expires) = *n;
      continue;
    }
    const auto* s = std::get_if<std::string>(&value);
    if (!s) return unexpected{errc::httpsig_bad_signature_parameter};
    if (key == "nonce") {
      if (s->empty() || s->size() > max_nonce_bytes) return unexpected{errc::httpsig_bad_signature_parameter};
      out.nonce = *s;
    } else if (key == "alg") {
      out.alg = *s;
    } else if (key == "keyid") {
      out.keyid = *s;
    } else if (key == "tag") {
      out.tag = *s;
    } else {
      return unexpected{errc::httpsig_bad_signature_parameter};
    }
  }
  return out;
}

}  // namespace tessera::request_signing::httpsig::detail

namespace tessera::request_signing::httpsig::detail {

TESSERA_DECL result<void> read_signature_fields(std::string_view input_text, std::string_view sig_text,
                                                const verifier_options& o, signature_fields& out) noexcept {
  if (input_text.size() > o.max_field_bytes || sig_text.size() > o.max_field_bytes)
    return unexpected{errc::httpsig_input_too_large};
  sf::parse_options po;
  po.max_input_bytes = o.max_field_bytes;
  po.max_members = o.max_signatures;
  po.max_inner_list_items = o.max_components;
  po.max_byte_sequence_length = max_signature_bytes;
  auto inputs = sf::parse_dictionary(input_text, po);
  if (!inputs) return unexpected{field_parse_error(inputs.error(), errc::httpsig_malformed_signature_input)};
  auto sigs = sf::parse_dictionary(sig_text, po);
  if (!sigs) return unexpected{field_parse_error(sigs.error(), errc::httpsig_malformed_signature)};
  if (inputs->empty() || sigs->empty()) return unexpected{errc::missing_signature};
  // Labels are unique across all field lines (§4.1, §4.2); RFC 8941 parsing would merge repeats.
  if (member_count(input_text) != inputs->size()) return unexpected{errc::httpsig_malformed_signature_input};
  if (member_count(sig_text) != sigs->size()) return unexpected{errc::httpsig_malformed_signature};
  for (const auto& [label, m] : *inputs)
    if (!std::holds_alternative<sf::inner_list>(m)) return unexpected{errc::httpsig_malformed_signature_input};
  for (const auto& [label, m] : *sigs) {
    const auto* it = std::get_if<sf::item>(&m);
    if (!it || !std::holds_alternative<sf::byte_sequence>(it->value)) return unexpected{errc::httpsig_malformed_signature};
    if (!inputs->contains(label)) return unexpected{errc::httpsig_label_mismatch};
  }
  if (inputs->size() != sigs->size()) return unexpected{errc::httpsig_label_mismatch};
  out.inputs = std::move(*inputs);
  out.sigs = std::move(*sigs);
  return core::ok();
}

}  // namespace tessera::request_signing::httpsig::detail

namespace tessera::request_signing::httpsig::detail {

TESSERA_DECL std::vector<component> covered_components(const sign_options& o, bool response) {
  std::vector<component> components = o.components;
  if (components.empty()) {
    if (response) components = {"@status"};
    else components = {"@method", "@authority", "@path", "@query"};
  }
  if (o.add_content_digest &&
      std::find(components.begin(), components.end(), component("content-digest")) == components.end())
    components.emplace_back("content-digest");
  return components;
}

TESSERA_DECL result<sf::parameters> signature_parameters(const sign_options& o, std::int64_t now, std::string_view keyid,
                                                          algorithm alg) {
  sf::parameters ps;
  if (o.add_created) ps.set("created", now);
  ps.set("keyid", std::string(keyid));
  if (o.add_alg) ps.set("alg", std::string(name(alg)));
  if (o.expires_in.count() > 0) ps.set("expires", now + core::clamp_duration(o.expires_in).count());
  if (o.add_nonce) {
    std::string nonce = o.nonce;
    if (nonce.empty()) {
      auto fresh = core::random_base64url(16);
      if (!fresh) return unexpected{fresh.error()};
      nonce = std::move(*fresh);
    }
    ps.set("nonce", std::move(nonce));
  }
  if (!o.tag.empty()) ps.set("tag", o.tag);
  return ps;
}

TESSERA_DECL result<std::string> dictionary_member(std::string_view label, const sf::inner_list& input) noexcept {
  try {
    std::string member;
    if (!sf::append_dictionary(member, sf::dictionary{{std::string(label), sf::member{input}}}))
      return unexpected{errc::invalid_argument};
    return member;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL result<signed_headers> signature_headers(std::string_view label, std::string_view input_member,
                                                      core::bytes sig, std::optional<std::string_view> old_input,
                                                      std::optional<std::string_view> old_sig) {
  std::string sig_member;
  const sf::item value{sf::byte_sequence{std::move(sig)}, {}};
  if (!sf::append_dictionary(sig_member, sf::dictionary{{std::string(label), sf::member{value}}}))
    return unexpected{errc::internal_error};
  for (const auto& old : {old_input, old_sig}) {
    if (!old) continue;
    auto d = sf::parse_dictionary(*old);
    if (!d) return unexpected{errc::invalid_argument};  // cannot append to a malformed field
    if (d->contains(label)) return unexpected{errc::invalid_argument};
  }
  signed_headers out;
  std::string input(input_member);
  if (old_input && !old_input->empty()) input = std::string(*old_input) + ", " + input;
  out.add("Signature-Input", std::move(input));
  out.add("Signature", old_sig && !old_sig->empty() ? std::string(*old_sig) + ", " + sig_member : sig_member);
  return out;
}

}  // namespace tessera::request_signing::httpsig::detail
