#pragma once
// The Standard Webhooks scheme (https://www.standardwebhooks.com, specification 1.0.0, symmetric):
// headers webhook-id, webhook-timestamp and webhook-signature ("v1,<base64>" entries separated by
// spaces), HMAC-SHA256 over "{id}.{timestamp}.{body}", secrets "whsec_" + base64 of 24..64 bytes.

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
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
  result<crypto::hmac_key> key_from_secret(std::string_view text) const noexcept;

  // A fresh "whsec_" secret of 32 random bytes, returned once.
  result<core::secret> generate_secret() const { return generate_standard_secret(); }

  // Reads webhook-id, webhook-timestamp and webhook-signature.
  result<delivery_fields> read(const header_lookup& headers) const noexcept;

  // The next "v1,<base64 of 32 bytes>" entry; other versions and malformed entries are skipped.
  bool next_signature(std::string_view& cursor, signature_bytes& sig) const noexcept;

  // "{id}.{timestamp}.{body}".
  message_parts signed_parts(const delivery_fields& f, core::bytes_view body) const noexcept {
    return {{core::bytes_view(f.id), core::bytes_view("."), core::bytes_view(f.timestamp_text), core::bytes_view("."),
             body}};
  }

  // webhook-id, webhook-timestamp, and webhook-signature with one "v1,<base64>" entry per tag.
  result<void> write_headers(const delivery_fields& f, std::span<const signature_bytes> tags, header_list& out) const;
};
static_assert(scheme<standard_webhooks>);

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/standard_webhooks.ipp"
#endif
