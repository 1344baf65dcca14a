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

#include "tessera/config.hpp"
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
TESSERA_DECL const EVP_CIPHER* aes256gcm() noexcept;

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
TESSERA_DECL bool gcm_aad(EVP_CIPHER_CTX* ctx, core::bytes_view aad, bool encrypt) noexcept;

// AES-256-GCM encryption with a given nonce: out receives the ciphertext (plaintext.size() bytes),
// tag the 16-byte tag. The additional data is aad1 then aad2. Callers of seal() never choose the
// nonce; this is exposed for known-answer tests.
TESSERA_DECL result<void> gcm_encrypt(core::bytes_view key, core::bytes_view nonce, core::bytes_view aad1,
                                      core::bytes_view aad2, core::bytes_view plaintext, std::uint8_t* out,
                                      std::uint8_t* tag) noexcept;

// AES-256-GCM decryption with a given nonce and tag into out (ciphertext.size() bytes); false
// when the tag does not verify (out is then wiped) or OpenSSL fails.
TESSERA_DECL bool gcm_decrypt(core::bytes_view key, core::bytes_view nonce, core::bytes_view aad1, core::bytes_view aad2,
                              core::bytes_view ciphertext, core::bytes_view tag, std::uint8_t* out) noexcept;

// The parts of a decoded blob (views into its bytes).
struct blob_parts {
  core::bytes_view header;  // version, kid length, kid: authenticated as additional data
  std::string_view kid;
  core::bytes_view nonce, ciphertext, tag;
};

// Splits decoded blob bytes; false when they cannot be a version-1 blob.
TESSERA_DECL bool split_blob(core::bytes_view b, blob_parts& p) noexcept;

// The longest blob text that open() reads.
inline constexpr std::size_t max_blob_text =
    core::base64url_encoded_size(2 + max_kid_size + seal_nonce_size + max_sealed_plaintext + seal_tag_size);

// Decodes blob text into bytes; false on anything that is not strict base64url of a sane size.
TESSERA_DECL bool decode_blob(std::string_view text, core::bytes& out) noexcept;
}  // namespace detail

// The key id of a sealed blob, read without opening it (nothing in it is trusted until open()
// succeeds); unseal_failed when the text is not a well-formed blob.
TESSERA_DECL result<std::string> sealed_kid(std::string_view blob);

// A key-encryption key: 32 secret bytes (held in a cleansed buffer) and a short id that sealed
// blobs carry. Copies share the key bytes. Immutable, so thread-safe.
class sealing_key {
 public:
  // A key from 32 bytes and an id of 1..32 [A-Za-z0-9._-]: invalid_argument for a bad id,
  // invalid_key for a key that is not 32 bytes.
  static result<sealing_key> create(std::string_view kid, core::bytes_view key) noexcept;

  // A fresh random key with this id.
  static result<sealing_key> generate(std::string_view kid) noexcept;

  // The key's id, as blobs sealed with it carry it.
  const std::string& kid() const noexcept { return kid_; }

  // Seals plaintext (at most max_sealed_plaintext bytes, else input_too_large) bound to the
  // associated data; returns the blob text. A fresh random nonce every time.
  result<std::string> seal(core::bytes_view plaintext, core::bytes_view associated_data) const noexcept;

  // Opens a blob sealed with this key and the same associated data; unseal_failed for anything
  // else (malformed text, another kid, a changed byte, other associated data).
  result<core::secret> open(std::string_view blob, core::bytes_view associated_data) const noexcept;

 private:
  friend class sealing_ring;
  sealing_key(std::string kid, std::shared_ptr<const core::secret> key) : kid_(std::move(kid)), key_(std::move(key)) {}

  result<core::secret> open_parts(const detail::blob_parts& p, core::bytes_view associated_data) const;

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
  result<void> rotate(sealing_key next) noexcept;

  // Drops an old key: key_not_found when absent, invalid_argument for the current key.
  result<void> retire(std::string_view kid) noexcept;

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
  result<core::secret> open(std::string_view blob, core::bytes_view associated_data) const noexcept;

  // Opens a blob with any key of the ring and seals its plaintext again under the current key
  // (a fresh nonce, the same associated data).
  result<std::string> reseal(std::string_view blob, core::bytes_view associated_data) const noexcept;

 private:
  std::vector<sealing_key> keys_;  // current first
};

}  // namespace tessera::crypto

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/crypto/impl/aead.ipp"
#endif
