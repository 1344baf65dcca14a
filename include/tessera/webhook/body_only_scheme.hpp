#pragma once
// The body-only scheme: "sha256=<hex>" in a configurable header (GitHub's X-Hub-Signature-256
// layout), HMAC-SHA256 over the raw body alone, keyed with the secret's text as is.

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

namespace tessera::webhook {

// "sha256=<hex>" in a configurable header (default X-Hub-Signature-256), signing the body only.
// The signature carries no timestamp and no id, so it proves origin and integrity but not
// freshness: prefer a timestamped scheme when the sender offers one. A verifier with a replay
// store still refuses an exact resend inside the replay window. Several comma-separated entries
// are accepted (rotation); entries other than sha256=<64 hex digits> are skipped.
class body_only_scheme {
 public:
  // signature_header names the header; id_header (optional, e.g. X-GitHub-Delivery) names an
  // unsigned delivery-id header used for duplicate detection; secret_prefix starts new secrets.
  explicit body_only_scheme(std::string signature_header = "X-Hub-Signature-256", std::string id_header = {},
                            std::string secret_prefix = "whsec_")
      : signature_header_(std::move(signature_header)), id_header_(std::move(id_header)),
        secret_prefix_(std::move(secret_prefix)) {}

  // The label in front of each signature.
  static constexpr std::string_view label = "sha256";

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

  // The next "sha256=<64 hex digits>" entry; every other entry is skipped.
  bool next_signature(std::string_view& cursor, signature_bytes& sig) const noexcept;

  // The body, and nothing else.
  message_parts signed_parts(const delivery_fields&, core::bytes_view body) const noexcept { return {{body}}; }

  // The signature header "sha256=<hex>[,sha256=<hex>...]" (one entry per tag), and the id header when configured.
  result<void> write_headers(const delivery_fields& f, std::span<const signature_bytes> tags, header_list& out) const;

 private:
  std::string signature_header_;
  std::string id_header_;
  std::string secret_prefix_;
};
static_assert(scheme<body_only_scheme>);

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/body_only_scheme.ipp"
#endif
