#pragma once
// The timestamped header scheme: one header, named by the integrator (e.g. X-Partner-Signature),
// holding "t=<unix>,v1=<hex>[,v1=<hex>...]", with HMAC-SHA256 over "{timestamp}.{body}". The
// secret's text is the HMAC key as is (the layout Stripe-style senders use).

#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/hmac_key.hpp"
#include "tessera/webhook/headers.hpp"
#include "tessera/webhook/scheme.hpp"
#include "tessera/webhook/secret.hpp"
#include "tessera/webhook/timestamp.hpp"

namespace tessera::webhook {

// "t=<unix>,v1=<hex>" in a configurable header, signing "{timestamp}.{body}".
// Exactly one t= item is required (a second one is malformed, never first- or last-wins); items
// other than v1= (v0=, unknown keys) and v1= items that are not 64 hex digits are skipped.
// Spaces or tabs after a comma are tolerated. The scheme does not sign a delivery id: when an id
// header is configured it is sent and read for duplicate detection only.
class timestamped_scheme {
 public:
  // signature_header names the header; id_header (optional) names an unsigned delivery-id header;
  // secret_prefix is what generate_secret() puts in front of new secrets.
  explicit timestamped_scheme(std::string signature_header = "X-Signature", std::string id_header = {},
                              std::string secret_prefix = "whsec_")
      : signature_header_(std::move(signature_header)), id_header_(std::move(id_header)),
        secret_prefix_(std::move(secret_prefix)) {}

  // The key of signature items.
  static constexpr std::string_view version = "v1";

  // The configured signature header name.
  const std::string& signature_header() const noexcept { return signature_header_; }
  // The configured id header name ("" when none).
  const std::string& id_header() const noexcept { return id_header_; }

  // HMAC-SHA256.
  crypto::hash_alg hash() const noexcept { return crypto::hash_alg::sha256; }

  // Keys an HMAC with the secret's bytes exactly as written (at least 24 of them).
  result<crypto::hmac_key> key_from_secret(std::string_view text) const noexcept { return make_key(hash(), text); }

  // A fresh secret: secret_prefix + base64url of 32 random bytes, returned once.
  result<core::secret> generate_secret() const { return generate_prefixed_secret(secret_prefix_); }

  // Reads the signature header (and the id header, when configured).
  result<delivery_fields> read(const header_lookup& headers) const noexcept;

  // The next "v1=<64 hex digits>" item; every other item is skipped.
  bool next_signature(std::string_view& cursor, signature_bytes& sig) const noexcept;

  // "{timestamp}.{body}".
  message_parts signed_parts(const delivery_fields& f, core::bytes_view body) const noexcept {
    return {{core::bytes_view(f.timestamp_text), core::bytes_view("."), body}};
  }

  // The signature header "t=<unix>,v1=<hex>,..." (one v1 per tag), and the id header when configured.
  result<void> write_headers(const delivery_fields& f, std::span<const signature_bytes> tags, header_list& out) const;

 private:
  std::string signature_header_;
  std::string id_header_;
  std::string secret_prefix_;
};
static_assert(scheme<timestamped_scheme>);

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/timestamped_scheme.ipp"
#endif
