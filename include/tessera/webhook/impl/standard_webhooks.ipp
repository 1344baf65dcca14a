#pragma once
// The bodies of webhook/standard_webhooks.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/webhook/standard_webhooks.hpp"

namespace tessera::webhook {

TESSERA_DECL auto standard_webhooks::key_from_secret(std::string_view text) const noexcept -> result<crypto::hmac_key> {
  auto raw = decode_standard_secret(text);
  if (!raw) return unexpected{raw.error()};
  return make_key(hash(), raw->expose_secret());
}

TESSERA_DECL auto standard_webhooks::read(const header_lookup& headers) const noexcept -> result<delivery_fields> {
  std::array<std::string_view, 3> v;
  if (auto r = detail::required_headers<3>(headers, {id_header, timestamp_header, signature_header}, v); !r)
    return unexpected{r.error()};
  const std::string_view id = v[0], ts = v[1], sigs = v[2];  // not a structured binding: lambdas capture these
  if (!detail::valid_id(id, true)) return unexpected{errc::malformed_header};
  auto t = parse_timestamp(ts);
  if (!t) return unexpected{t.error()};
  if (!detail::check_list(sigs, ' ', max_signatures)) return unexpected{errc::malformed_header};
  return result<delivery_fields>(core::from_call, [&] { return delivery_fields{id, true, ts, *t, sigs}; });
}

TESSERA_DECL auto standard_webhooks::next_signature(std::string_view& cursor, signature_bytes& sig) const noexcept
    -> bool {
  std::string_view entry;
  bool done = cursor.empty();
  while (detail::next_item(cursor, ' ', entry, done)) {
    if (entry.size() <= version.size() || !entry.starts_with(version) || entry[version.size()] != ',') continue;
    const std::string_view b64 = entry.substr(version.size() + 1);
    auto n = core::base64_decode_into(b64, sig.bytes);
    if (!n || *n != crypto::digest_size(hash())) continue;
    sig.size = *n;
    return true;
  }
  cursor = {};
  return false;
}

TESSERA_DECL auto standard_webhooks::write_headers(const delivery_fields& f, std::span<const signature_bytes> tags,
                                                   header_list& out) const -> result<void> {
  if (!detail::valid_id(f.id, true) || f.timestamp_text.empty() || tags.empty() || tags.size() > max_signatures)
    return unexpected{errc::invalid_argument};
  std::string sig;
  for (const auto& t : tags) {
    if (!sig.empty()) sig.push_back(' ');
    sig.append(version);
    sig.push_back(',');
    sig.append(core::base64_encode(t.view()));
  }
  out.add(std::string(id_header), std::string(f.id));
  out.add(std::string(timestamp_header), std::string(f.timestamp_text));
  out.add(std::string(signature_header), std::move(sig));
  return core::ok();
}

}  // namespace tessera::webhook
