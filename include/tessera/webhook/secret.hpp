#pragma once
// Webhook signing secrets: generation (prefixed, returned once as a core::secret), strict decoding
// of Standard Webhooks `whsec_` secrets, and the 24-byte minimum every webhook key must meet.

#include <openssl/crypto.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/hmac_key.hpp"

namespace tessera::webhook {

// The smallest key a webhook HMAC accepts, in bytes (Standard Webhooks: "at least 24 bytes").
inline constexpr std::size_t min_secret_bytes = 24;
// The largest decoded `whsec_` key, in bytes (Standard Webhooks: 512 bits maximum).
inline constexpr std::size_t max_standard_secret_bytes = 64;
// The prefix that marks a Standard Webhooks symmetric secret.
inline constexpr std::string_view standard_secret_prefix = "whsec_";
// How many random bytes a generated secret carries by default.
inline constexpr std::size_t default_secret_bytes = 32;

namespace detail {
// Builds prefix + encoded into a new secret, wiping the temporary text.
TESSERA_DECL result<core::secret> prefixed_text(std::string_view prefix, std::string& encoded);

constexpr bool is_prefix_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '-';
}
}  // namespace detail

// Keys an HMAC with raw secret bytes, refusing fewer than min_secret_bytes (secret_too_short).
TESSERA_DECL result<crypto::hmac_key> make_key(crypto::hash_alg h, core::bytes_view raw) noexcept;

// Decodes a Standard Webhooks secret: "whsec_" followed by strict padded base64 of 24..64 bytes.
// A missing prefix or bad base64 is invalid_secret; under 24 bytes is secret_too_short; over 64 is invalid_secret.
TESSERA_DECL result<core::secret> decode_standard_secret(std::string_view text) noexcept;

// Generates a Standard Webhooks secret, "whsec_" + base64 of nbytes random bytes (24..64).
// It is returned once, as a core::secret: show it to the subscriber, store it, never log it.
TESSERA_DECL result<core::secret> generate_standard_secret(std::size_t nbytes = default_secret_bytes);

// Generates a text secret for schemes that key the HMAC with the secret's text as is:
// prefix (1..32 of [A-Za-z0-9_-]) + base64url of nbytes (at least 24) random bytes.
// It is returned once, as a core::secret.
TESSERA_DECL result<core::secret> generate_prefixed_secret(std::string_view prefix,
                                                           std::size_t nbytes = default_secret_bytes);

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/secret.ipp"
#endif
