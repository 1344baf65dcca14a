#pragma once
// The bodies of webhook/secret.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/webhook/secret.hpp"

namespace tessera::webhook::detail {

TESSERA_DECL result<core::secret> prefixed_text(std::string_view prefix, std::string& encoded) {
  core::secret out(prefix.size() + encoded.size());
  auto* w = out.writable_bytes();
  for (char c : prefix) *w++ = static_cast<std::uint8_t>(c);
  for (char c : encoded) *w++ = static_cast<std::uint8_t>(c);
  OPENSSL_cleanse(encoded.data(), encoded.size());
  return out;
}

}  // namespace tessera::webhook::detail

namespace tessera::webhook {

TESSERA_DECL result<crypto::hmac_key> make_key(crypto::hash_alg h, core::bytes_view raw) noexcept {
  if (raw.size() < min_secret_bytes) return unexpected{errc::secret_too_short};
  return crypto::hmac_key::create(h, raw);
}

TESSERA_DECL result<core::secret> decode_standard_secret(std::string_view text) noexcept {
  if (!text.starts_with(standard_secret_prefix)) return unexpected{errc::invalid_secret};
  const std::string_view b64 = text.substr(standard_secret_prefix.size());
  auto size = core::base64_decoded_size(b64);
  if (!size) return unexpected{errc::invalid_secret};
  if (*size > max_standard_secret_bytes) return unexpected{errc::invalid_secret};
  try {
    core::secret key(*size);
    auto n = core::base64_decode_into(b64, {key.writable_bytes(), key.size()});
    if (!n) return unexpected{errc::invalid_secret};
    if (*n < min_secret_bytes) return unexpected{errc::secret_too_short};
    return key;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL result<core::secret> generate_standard_secret(std::size_t nbytes) {
  if (nbytes < min_secret_bytes || nbytes > max_standard_secret_bytes) return unexpected{errc::invalid_argument};
  auto raw = core::random_secret(nbytes);
  if (!raw) return unexpected{raw.error()};
  std::string encoded = core::base64_encode(raw->expose_secret());
  return detail::prefixed_text(standard_secret_prefix, encoded);
}

TESSERA_DECL result<core::secret> generate_prefixed_secret(std::string_view prefix, std::size_t nbytes) {
  if (prefix.empty() || prefix.size() > 32 || nbytes < min_secret_bytes || nbytes > 1024)
    return unexpected{errc::invalid_argument};
  for (char c : prefix)
    if (!detail::is_prefix_char(c)) return unexpected{errc::invalid_argument};
  auto raw = core::random_secret(nbytes);
  if (!raw) return unexpected{raw.error()};
  std::string encoded = core::base64url_encode(raw->expose_secret());
  return detail::prefixed_text(prefix, encoded);
}

}  // namespace tessera::webhook
