#pragma once
// The bodies of webhook/timestamped_scheme.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/webhook/timestamped_scheme.hpp"

namespace tessera::webhook {

TESSERA_DECL auto timestamped_scheme::read(const header_lookup& headers) const noexcept -> result<delivery_fields> {
  delivery_fields f;
  if (!id_header_.empty()) {
    auto id = detail::required_header(headers, id_header_);
    if (!id) return unexpected{id.error()};
    if (!detail::valid_id(*id, false)) return unexpected{errc::malformed_header};
    f.id = *id;
  }
  auto value = detail::required_header(headers, signature_header_);
  if (!value) return unexpected{value.error()};
  if (!detail::check_list(*value, ',', max_signatures + 1)) return unexpected{errc::malformed_header};
  std::string_view rest = *value, item;
  bool done = false, have_t = false;
  while (detail::next_item(rest, ',', item, done)) {
    if (!item.starts_with("t=")) continue;
    if (have_t) return unexpected{errc::malformed_header};
    have_t = true;
    f.timestamp_text = item.substr(2);
  }
  if (!have_t) return unexpected{errc::malformed_header};
  auto t = parse_timestamp(f.timestamp_text);
  if (!t) return unexpected{t.error()};
  f.timestamp = *t;
  f.signatures = *value;
  return f;
}

TESSERA_DECL auto timestamped_scheme::next_signature(std::string_view& cursor, signature_bytes& sig) const noexcept
    -> bool {
  std::string_view item;
  bool done = cursor.empty();
  while (detail::next_item(cursor, ',', item, done)) {
    if (item.size() <= version.size() || !item.starts_with(version) || item[version.size()] != '=') continue;
    if (detail::decode_hex_tag(item.substr(version.size() + 1), crypto::digest_size(hash()), sig)) return true;
  }
  cursor = {};
  return false;
}

TESSERA_DECL auto timestamped_scheme::write_headers(const delivery_fields& f, std::span<const signature_bytes> tags,
                                                    header_list& out) const -> result<void> {
  if (!detail::is_token(signature_header_) || f.timestamp_text.empty() || tags.empty() || tags.size() > max_signatures)
    return unexpected{errc::invalid_argument};
  if (!id_header_.empty() && (!detail::is_token(id_header_) || !detail::valid_id(f.id, false)))
    return unexpected{errc::invalid_argument};
  std::string value = "t=";
  value.append(f.timestamp_text);
  for (const auto& t : tags) {
    value.push_back(',');
    value.append(version);
    value.push_back('=');
    detail::append_hex(value, t);
  }
  if (!id_header_.empty()) out.add(id_header_, std::string(f.id));
  out.add(signature_header_, std::move(value));
  return core::ok();
}

}  // namespace tessera::webhook
