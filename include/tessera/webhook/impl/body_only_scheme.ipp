#pragma once
// The bodies of webhook/body_only_scheme.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/webhook/body_only_scheme.hpp"

namespace tessera::webhook {

TESSERA_DECL auto body_only_scheme::read(const header_lookup& headers) const noexcept -> result<delivery_fields> {
  delivery_fields f;
  if (!id_header_.empty()) {
    auto id = detail::required_header(headers, id_header_);
    if (!id) return unexpected{id.error()};
    if (!detail::valid_id(*id, false)) return unexpected{errc::malformed_header};
    f.id = *id;
  }
  auto value = detail::required_header(headers, signature_header_);
  if (!value) return unexpected{value.error()};
  if (!detail::check_list(*value, ',', max_signatures)) return unexpected{errc::malformed_header};
  f.signatures = *value;
  return f;
}

TESSERA_DECL auto body_only_scheme::next_signature(std::string_view& cursor, signature_bytes& sig) const noexcept
    -> bool {
  std::string_view item;
  bool done = cursor.empty();
  while (detail::next_item(cursor, ',', item, done)) {
    if (item.size() <= label.size() || !item.starts_with(label) || item[label.size()] != '=') continue;
    if (detail::decode_hex_tag(item.substr(label.size() + 1), crypto::digest_size(hash()), sig)) return true;
  }
  cursor = {};
  return false;
}

TESSERA_DECL auto body_only_scheme::write_headers(const delivery_fields& f, std::span<const signature_bytes> tags,
                                                  header_list& out) const -> result<void> {
  if (!detail::is_token(signature_header_) || tags.empty() || tags.size() > max_signatures)
    return unexpected{errc::invalid_argument};
  if (!id_header_.empty() && (!detail::is_token(id_header_) || !detail::valid_id(f.id, false)))
    return unexpected{errc::invalid_argument};
  std::string value;
  for (const auto& t : tags) {
    if (!value.empty()) value.push_back(',');
    value.append(label);
    value.push_back('=');
    detail::append_hex(value, t);
  }
  if (!id_header_.empty()) out.add(id_header_, std::string(f.id));
  out.add(signature_header_, std::move(value));
  return core::ok();
}

}  // namespace tessera::webhook
