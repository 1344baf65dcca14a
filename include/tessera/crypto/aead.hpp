#pragma once
// tessera::crypto sealing — secrets kept at rest under a key-encryption key (KEK) with
// AES-256-GCM (OpenSSL 3 EVP), and a ring of KEKs for rotation.
//
// Sealed blob, version 1 (the bytes below, then unpadded base64url as the stored text):
//
//   offset  size  field
//   0       1     version: 0x01
//   1       1     kid length k (1..max_kid_size)
//   2       k     kid: the KEK's id, [A-Za-z0-9._-]
//   2+k     12    nonce: random, fresh for every seal
//   14+k    n     ciphertext of the n plaintext bytes (AES-256-GCM, 128-bit tag)
//   14+k+n  16    tag
//
// The GCM additional data is the header (version, kid length, kid) followed by the caller's
// associated data, so the version and kid are authenticated too, and a blob opens only with the
// associated data it was sealed with (e.g. the id of the record that holds it: a blob copied to
// another record does not open). Random 96-bit nonces keep the collision risk negligible up to
// 2^32 seals under one KEK (NIST SP 800-38D §8.3); rotate KEKs long before that.

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/core/base64.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/crypto/detail/ossl.hpp"

namespace tessera::crypto {

// The size of a sealing key (AES-256), in bytes.
inline constexpr std::size_t sealing_key_size = 32;
// The size of a sealed blob's nonce, in bytes.
inline constexpr std::size_t seal_nonce_size = 12;
// The size of a sealed blob's tag, in bytes.
inline constexpr std::size_t seal_tag_size = 16;
// The longest key id, in characters.
inline constexpr std::size_t max_kid_size = 32;
// The largest plaintext a blob may hold (sealed secrets are small), in bytes.
inline constexpr std::size_t max_sealed_plaintext = 64 * 1024;
// The version byte of the blob layout above.
inline constexpr std::uint8_t seal_version = 1;

namespace detail {
using evp_cipher_ptr = std::unique_ptr<EVP_CIPHER, ossl_deleter<EVP_CIPHER_free>>;
using evp_cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, ossl_deleter<EVP_CIPHER_CTX_free>>;

// AES-256-GCM, fetched once per process (nullptr if the provider lacks it).
inline const EVP_CIPHER* aes256gcm() noexcept {
  static const evp_cipher_ptr c{EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr)};
  return c.get();
}

// A key id a blob may carry: 1..max_kid_size of [A-Za-z0-9._-].
constexpr bool valid_kid(std::string_view kid) noexcept {
  if (kid.empty() || kid.size() > max_kid_size) return false;
  for (char c : kid) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Feeds additional data to a GCM context (in chunks that fit an int).
inline bool gcm_aad(EVP_CIPHER_CTX* ctx, core::bytes_view aad, bool encrypt) noexcept {
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

// AES-256-GCM encryption with a given nonce: out receives the ciphertext (plaintext.size() bytes),
// tag the 16-byte tag. The additional data is aad1 then aad2. Callers of seal() never choose the
// nonce; this is exposed for known-answer tests.
inline result<void> gcm_encrypt(core::bytes_view key, core::bytes_view nonce, core::bytes_view aad1,
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

// AES-256-GCM decryption with a given nonce and tag into out (ciphertext.size() bytes); false
// when the tag does not verify (out is then wiped) or OpenSSL fails.
inline bool gcm_decrypt(core::bytes_view key, core::bytes_view nonce, core::bytes_view aad1, core::bytes_view aad2,
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

// The parts of a decoded blob (views into its bytes).
struct blob_parts {
  core::bytes_view header;  // version, kid length, kid: authenticated as additional data
  std::string_view kid;
  core::bytes_view nonce, ciphertext, tag;
};

// Splits decoded blob bytes; false when they cannot be a version-1 blob.
inline bool split_blob(core::bytes_view b, blob_parts& p) noexcept {
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

// The longest blob text that open() reads.
inline constexpr std::size_t max_blob_text =
    core::base64url_encoded_size(2 + max_kid_size + seal_nonce_size + max_sealed_plaintext + seal_tag_size);

// Decodes blob text into bytes; false on anything that is not strict base64url of a sane size.
inline bool decode_blob(std::string_view text, core::bytes& out) noexcept {
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
}  // namespace detail

// The key id of a sealed blob, read without opening it (nothing in it is trusted until open()
// succeeds); unseal_failed when the text is not a well-formed blob.
inline result<std::string> sealed_kid(std::string_view blob) {
  core::bytes b;
  detail::blob_parts p;
  if (!detail::decode_blob(blob, b) || !detail::split_blob(b, p)) return unexpected{errc::unseal_failed};
  return std::string(p.kid);
}

// A key-encryption key: 32 secret bytes (held in a cleansed buffer) and a short id that sealed
// blobs carry. Copies share the key bytes. Immutable, so thread-safe.
class sealing_key {
 public:
  // A key from 32 bytes and an id of 1..32 [A-Za-z0-9._-]: invalid_argument for a bad id,
  // invalid_key for a key that is not 32 bytes.
  static result<sealing_key> create(std::string_view kid, core::bytes_view key) noexcept {
    if (!detail::valid_kid(kid)) return unexpected{errc::invalid_argument};
    if (key.size() != sealing_key_size) return unexpected{errc::invalid_key};
    try {
      return sealing_key(std::string(kid), std::make_shared<const core::secret>(key));
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // A fresh random key with this id.
  static result<sealing_key> generate(std::string_view kid) noexcept {
    if (!detail::valid_kid(kid)) return unexpected{errc::invalid_argument};
    try {
      auto raw = core::random_secret(sealing_key_size);
      if (!raw) return unexpected{raw.error()};
      return sealing_key(std::string(kid), std::make_shared<const core::secret>(std::move(*raw)));
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // The key's id, as blobs sealed with it carry it.
  const std::string& kid() const noexcept { return kid_; }

  // Seals plaintext (at most max_sealed_plaintext bytes, else input_too_large) bound to the
  // associated data; returns the blob text. A fresh random nonce every time.
  result<std::string> seal(core::bytes_view plaintext, core::bytes_view associated_data) const noexcept {
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
      auto r = detail::gcm_encrypt(key_->expose_secret(), core::bytes_view(nonce, seal_nonce_size),
                                   core::bytes_view(raw.data(), 2 + k), associated_data, plaintext, ct,
                                   ct + plaintext.size());
      if (!r) return unexpected{r.error()};
      return core::base64url_encode(raw);
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // Opens a blob sealed with this key and the same associated data; unseal_failed for anything
  // else (malformed text, another kid, a changed byte, other associated data).
  result<core::secret> open(std::string_view blob, core::bytes_view associated_data) const noexcept {
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

 private:
  friend class sealing_ring;
  sealing_key(std::string kid, std::shared_ptr<const core::secret> key) : kid_(std::move(kid)), key_(std::move(key)) {}

  result<core::secret> open_parts(const detail::blob_parts& p, core::bytes_view associated_data) const {
    core::secret out(p.ciphertext.size());
    if (!detail::gcm_decrypt(key_->expose_secret(), p.nonce, p.header, associated_data, p.ciphertext, p.tag,
                             out.writable_bytes()))
      return unexpected{errc::unseal_failed};
    return out;
  }

  std::string kid_;
  std::shared_ptr<const core::secret> key_;
};

// The KEKs of a deployment: one current key that seals, and older ones kept only to open blobs
// sealed before a rotation. Rotation is: rotate(new key), reseal every stored blob (reseal()
// moves a blob to the current key), then retire() the old key once no blob uses it.
// Const members are thread-safe; rotate() and retire() must not run concurrently with anything
// else (owners guard the ring with a lock).
class sealing_ring {
 public:
  // At most this many keys in a ring.
  static constexpr std::size_t max_keys = 16;

  // A ring whose current key is `current`.
  explicit sealing_ring(sealing_key current) { keys_.push_back(std::move(current)); }

  // Makes `next` the current key; the previous ones stay for opening. A kid already in the ring
  // or a full ring is invalid_argument.
  result<void> rotate(sealing_key next) noexcept {
    if (contains(next.kid()) || keys_.size() >= max_keys) return unexpected{errc::invalid_argument};
    try {
      keys_.insert(keys_.begin(), std::move(next));
    } catch (...) {
      return unexpected{errc::internal_error};
    }
    return core::ok();
  }

  // Drops an old key: key_not_found when absent, invalid_argument for the current key.
  result<void> retire(std::string_view kid) noexcept {
    auto it = std::find_if(keys_.begin(), keys_.end(), [&](const sealing_key& k) { return k.kid() == kid; });
    if (it == keys_.end()) return unexpected{errc::key_not_found};
    if (it == keys_.begin()) return unexpected{errc::invalid_argument};
    keys_.erase(it);
    return core::ok();
  }

  // The key that seals.
  const sealing_key& current() const noexcept { return keys_.front(); }
  // True when a key with this id is in the ring.
  bool contains(std::string_view kid) const noexcept {
    return std::any_of(keys_.begin(), keys_.end(), [&](const sealing_key& k) { return k.kid() == kid; });
  }
  // The number of keys.
  std::size_t size() const noexcept { return keys_.size(); }

  // Seals under the current key (see sealing_key::seal).
  result<std::string> seal(core::bytes_view plaintext, core::bytes_view associated_data) const noexcept {
    return current().seal(plaintext, associated_data);
  }

  // Opens a blob sealed under any key of the ring; unseal_failed for a malformed blob, an unknown
  // kid, a changed byte or other associated data.
  result<core::secret> open(std::string_view blob, core::bytes_view associated_data) const noexcept {
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

  // Opens a blob with any key of the ring and seals its plaintext again under the current key
  // (a fresh nonce, the same associated data).
  result<std::string> reseal(std::string_view blob, core::bytes_view associated_data) const noexcept {
    auto plain = open(blob, associated_data);
    if (!plain) return unexpected{plain.error()};
    return seal(plain->expose_secret(), associated_data);
  }

 private:
  std::vector<sealing_key> keys_;  // current first
};

}  // namespace tessera::crypto
