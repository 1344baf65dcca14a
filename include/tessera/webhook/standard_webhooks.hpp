#pragma once
// The Standard Webhooks scheme (https://www.standardwebhooks.com, specification 1.0.0, symmetric):
// headers webhook-id, webhook-timestamp and webhook-signature ("v1,<base64>" entries separated by
// spaces), HMAC-SHA256 over "{id}.{timestamp}.{body}", secrets "whsec_" + base64 of 24..64 bytes.

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "tessera/core/base64.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/hmac_key.hpp"
#include "tessera/webhook/headers.hpp"
#include "tessera/webhook/scheme.hpp"
#include "tessera/webhook/secret.hpp"
#include "tessera/webhook/timestamp.hpp"

namespace tessera::webhook {

// Standard Webhooks, symmetric signatures (version identifier v1). The default scheme.
// Stricter than the reference libraries: the secret must carry its "whsec_" prefix and decode to
// 24..64 bytes; the timestamp must be a canonical integer; the id must be visible ASCII without '.'
// (the specification forbids '.' so that "id.timestamp.body" cannot be re-split); a header present
// twice is malformed. Asymmetric (v1a) entries are skipped as an unknown version.
class standard_webhooks {
 public:
  // The header names the specification fixes (matched case-insensitively).
  static constexpr std::string_view id_header = "webhook-id";
  static constexpr std::string_view timestamp_header = "webhook-timestamp";
  static constexpr std::string_view signature_header = "webhook-signature";
  // The signature identifier of symmetric (HMAC-SHA256) signatures.
  static constexpr std::string_view version = "v1";

  // HMAC-SHA256, as the specification fixes for v1.
  crypto::hash_alg hash() const noexcept { return crypto::hash_alg::sha256; }

  // Keys an HMAC from a "whsec_..." secret (decoded strictly; see decode_standard_secret).
  result<crypto::hmac_key> key_from_secret(std::string_view text) const noexcept {
    auto raw = decode_standard_secret(text);
    if (!raw) return unexpected{raw.error()};
    return make_key(hash(), raw->expose_secret());
  }

  // A fresh "whsec_" secret of 32 random bytes, returned once.
  result<core::secret> generate_secret() const { return generate_standard_secret(); }

  // Reads webhook-id, webhook-timestamp and webhook-signature.
  result<delivery_fields> read(const header_lookup& headers) const noexcept {
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

  // The next "v1,<base64 of 32 bytes>" entry; other versions and malformed entries are skipped.
  bool next_signature(std::string_view& cursor, signature_bytes& sig) const noexcept {
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

  // "{id}.{timestamp}.{body}".
  message_parts signed_parts(const delivery_fields& f, core::bytes_view body) const noexcept {
    return {{core::bytes_view(f.id), core::bytes_view("."), core::bytes_view(f.timestamp_text), core::bytes_view("."),
             body}};
  }

  // webhook-id, webhook-timestamp, and webhook-signature with one "v1,<base64>" entry per tag.
  result<void> write_headers(const delivery_fields& f, std::span<const signature_bytes> tags, header_list& out) const {
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
};
static_assert(scheme<standard_webhooks>);

}  // namespace tessera::webhook
