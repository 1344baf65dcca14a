#pragma once
// The bodies of crypto/aead.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/crypto/aead.hpp"

namespace tessera::crypto {

TESSERA_DECL auto sealing_key::create(std::string_view kid, core::bytes_view key) noexcept -> result<sealing_key> {
  if (!detail::valid_kid(kid)) return unexpected{errc::invalid_argument};
  if (key.size() != sealing_key_size) return unexpected{errc::invalid_key};
  try {
    return sealing_key(std::string(kid), std::make_shared<const core::secret>(key));
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto sealing_key::generate(std::string_view kid) noexcept -> result<sealing_key> {
  if (!detail::valid_kid(kid)) return unexpected{errc::invalid_argument};
  try {
    auto raw = core::random_secret(sealing_key_size);
    if (!raw) return unexpected{raw.error()};
    return sealing_key(std::string(kid), std::make_shared<const core::secret>(std::move(*raw)));
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto sealing_key::seal(core::bytes_view plaintext, core::bytes_view associated_data) const noexcept
    -> result<std::string> {
  if (plaintext.size() > max_sealed_plaintext) return unexpected{errc::input_too_large};
  try {
    const std::size_t k = kid_.size();
    core::bytes raw(2 + k + seal_nonce_size + plaintext.size() + seal_tag_size);
    raw[0] = seal_version;
    raw[1] = static_cast<std::uint8_t>(k);
    std::copy(kid_.begin(), kid_.end(), raw.begin() + 2);
    std::uint8_t* nonce = raw.data() + 2 + k;
    if (auto r = core::random_fill({nonce, seal_nonce_size}); !r) return unexpected{r.error()};
    std::uint8_t* ct = nonce + seal_nonce_size;
    auto r =
        detail::gcm_encrypt(key_->expose_secret(), core::bytes_view(nonce, seal_nonce_size),
                            core::bytes_view(raw.data(), 2 + k), associated_data, plaintext, ct, ct + plaintext.size());
    if (!r) return unexpected{r.error()};
    return core::base64url_encode(raw);
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto sealing_key::open(std::string_view blob, core::bytes_view associated_data) const noexcept
    -> result<core::secret> {
  try {
    core::bytes b;
    detail::blob_parts p;
    if (!detail::decode_blob(blob, b) || !detail::split_blob(b, p) || p.kid != kid_)
      return unexpected{errc::unseal_failed};
    return open_parts(p, associated_data);
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto sealing_key::open_parts(const detail::blob_parts& p, core::bytes_view associated_data) const
    -> result<core::secret> {
  core::secret out(p.ciphertext.size());
  if (!detail::gcm_decrypt(key_->expose_secret(), p.nonce, p.header, associated_data, p.ciphertext, p.tag,
                           out.writable_bytes()))
    return unexpected{errc::unseal_failed};
  return out;
}

TESSERA_DECL auto sealing_ring::rotate(sealing_key next) noexcept -> result<void> {
  if (contains(next.kid()) || keys_.size() >= max_keys) return unexpected{errc::invalid_argument};
  try {
    keys_.insert(keys_.begin(), std::move(next));
  } catch (...) {
    return unexpected{errc::internal_error};
  }
  return core::ok();
}

TESSERA_DECL auto sealing_ring::retire(std::string_view kid) noexcept -> result<void> {
  auto it = std::find_if(keys_.begin(), keys_.end(), [&](const sealing_key& k) { return k.kid() == kid; });
  if (it == keys_.end()) return unexpected{errc::key_not_found};
  if (it == keys_.begin()) return unexpected{errc::invalid_argument};
  keys_.erase(it);
  return core::ok();
}

TESSERA_DECL auto sealing_ring::open(std::string_view blob, core::bytes_view associated_data) const noexcept
    -> result<core::secret> {
  try {
    core::bytes b;
    detail::blob_parts p;
    if (!detail::decode_blob(blob, b) || !detail::split_blob(b, p)) return unexpected{errc::unseal_failed};
    for (const auto& k : keys_)
      if (k.kid() == p.kid) return k.open_parts(p, associated_data);
    return unexpected{errc::unseal_failed};
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto sealing_ring::reseal(std::string_view blob, core::bytes_view associated_data) const noexcept
    -> result<std::string> {
  auto plain = open(blob, associated_data);
  if (!plain) return unexpected{plain.error()};
  return seal(plain->expose_secret(), associated_data);
}

}  // namespace tessera::crypto

namespace tessera::crypto::detail {

TESSERA_DECL const EVP_CIPHER* aes256gcm() noexcept {
  static const evp_cipher_ptr c{EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr)};
  return c.get();
}

TESSERA_DECL bool gcm_aad(EVP_CIPHER_CTX* ctx, core::bytes_view aad, bool encrypt) noexcept {
  std::size_t done = 0;
  while (done < aad.size()) {
    const std::size_t chunk = std::min<std::size_t>(aad.size() - done, INT_MAX / 2);
    int outl = 0;
    const int rc = encrypt ? EVP_EncryptUpdate(ctx, nullptr, &outl, aad.data() + done, static_cast<int>(chunk))
                           : EVP_DecryptUpdate(ctx, nullptr, &outl, aad.data() + done, static_cast<int>(chunk));
    if (rc != 1) return false;
    done += chunk;
  }
  return true;
}

TESSERA_DECL result<void> gcm_encrypt(core::bytes_view key, core::bytes_view nonce, core::bytes_view aad1,
                                      core::bytes_view aad2, core::bytes_view plaintext, std::uint8_t* out,
                                      std::uint8_t* tag) noexcept {
  if (key.size() != sealing_key_size || nonce.size() != seal_nonce_size || plaintext.size() > max_sealed_plaintext)
    return core::unexpected{errc::invalid_argument};
  const EVP_CIPHER* cipher = aes256gcm();
  evp_cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
  if (!cipher || !ctx || EVP_EncryptInit_ex2(ctx.get(), cipher, key.data(), nonce.data(), nullptr) != 1)
    return ossl_fail(errc::crypto_failure);
  if (!gcm_aad(ctx.get(), aad1, true) || !gcm_aad(ctx.get(), aad2, true)) return ossl_fail(errc::crypto_failure);
  int outl = 0, finl = 0;
  if (!plaintext.empty() &&
      EVP_EncryptUpdate(ctx.get(), out, &outl, plaintext.data(), static_cast<int>(plaintext.size())) != 1)
    return ossl_fail(errc::crypto_failure);
  if (EVP_EncryptFinal_ex(ctx.get(), out + outl, &finl) != 1 ||
      static_cast<std::size_t>(outl + finl) != plaintext.size())
    return ossl_fail(errc::crypto_failure);
  OSSL_PARAM params[2] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, seal_tag_size),
                          OSSL_PARAM_construct_end()};
  if (EVP_CIPHER_CTX_get_params(ctx.get(), params) != 1) return ossl_fail(errc::crypto_failure);
  return core::ok();
}

TESSERA_DECL bool gcm_decrypt(core::bytes_view key, core::bytes_view nonce, core::bytes_view aad1, core::bytes_view aad2,
                              core::bytes_view ciphertext, core::bytes_view tag, std::uint8_t* out) noexcept {
  if (key.size() != sealing_key_size || nonce.size() != seal_nonce_size || tag.size() != seal_tag_size ||
      ciphertext.size() > max_sealed_plaintext)
    return false;
  const EVP_CIPHER* cipher = aes256gcm();
  evp_cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
  if (!cipher || !ctx || EVP_DecryptInit_ex2(ctx.get(), cipher, key.data(), nonce.data(), nullptr) != 1) {
    ossl_fail(errc::crypto_failure);
    return false;
  }
  std::array<std::uint8_t, seal_tag_size> t{};
  std::copy(tag.begin(), tag.end(), t.begin());
  OSSL_PARAM params[2] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, t.data(), t.size()),
                          OSSL_PARAM_construct_end()};
  int outl = 0, finl = 0;
  bool ok = EVP_CIPHER_CTX_set_params(ctx.get(), params) == 1 && gcm_aad(ctx.get(), aad1, false) &&
            gcm_aad(ctx.get(), aad2, false);
  if (ok && !ciphertext.empty())
    ok = EVP_DecryptUpdate(ctx.get(), out, &outl, ciphertext.data(), static_cast<int>(ciphertext.size())) == 1;
  if (ok) ok = EVP_DecryptFinal_ex(ctx.get(), out + outl, &finl) == 1;
  if (!ok) {
    if (!ciphertext.empty()) OPENSSL_cleanse(out, ciphertext.size());
    ossl_fail(errc::unseal_failed);
  }
  return ok;
}

TESSERA_DECL bool split_blob(core::bytes_view b, blob_parts& p) noexcept {
  if (b.size() < 2 + 1 + seal_nonce_size + seal_tag_size || b[0] != seal_version) return false;
  const std::size_t k = b[1];
  if (k == 0 || k > max_kid_size || b.size() < 2 + k + seal_nonce_size + seal_tag_size) return false;
  p.header = b.subview(0, 2 + k);
  p.kid = b.subview(2, k).as_chars();
  if (!valid_kid(p.kid)) return false;
  p.nonce = b.subview(2 + k, seal_nonce_size);
  const std::size_t n = b.size() - (2 + k + seal_nonce_size + seal_tag_size);
  if (n > max_sealed_plaintext) return false;
  p.ciphertext = b.subview(2 + k + seal_nonce_size, n);
  p.tag = b.subview(2 + k + seal_nonce_size + n, seal_tag_size);
  return true;
}

TESSERA_DECL bool decode_blob(std::string_view text, core::bytes& out) noexcept {
  if (text.empty() || text.size() > max_blob_text) return false;
  auto size = core::base64url_decoded_size(text.size());
  if (!size) return false;
  try {
    out.resize(*size);
  } catch (...) {
    return false;
  }
  auto n = core::base64url_decode_into(text, out);
  return n && *n == out.size();
}

}  // namespace tessera::crypto::detail

namespace tessera::crypto {

TESSERA_DECL result<std::string> sealed_kid(std::string_view blob) {
  core::bytes b;
  detail::blob_parts p;
  if (!detail::decode_blob(blob, b) || !detail::split_blob(b, p)) return unexpected{errc::unseal_failed};
  return std::string(p.kid);
}

}  // namespace tessera::crypto
