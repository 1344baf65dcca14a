#pragma once
// The algorithms of RFC 9421 §3.3 and the keys that verify them: a public key bound to one
// algorithm, or an HMAC-SHA256 shared secret; the key_registry concept a verifier looks a
// `keyid` up in, and memory_key_registry, its thread-safe in-memory model.
//
// The existing request_signing::client_key_registry (client id -> public keys) serves as well:
// the http_message_signatures verifier then reads `keyid` as the client id and tries each of the
// client's keys whose algorithm is one of §3.3's. It holds no shared secret, so HMAC-SHA256
// partners are registered here.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "tessera/config.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/read_mostly_mutex.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/string_hash.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/hmac_key.hpp"
#include "tessera/crypto/key_type.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/crypto/signature.hpp"

namespace tessera::request_signing::httpsig {

// The signature algorithms of RFC 9421 §3.3, by their registered names.
enum class algorithm {
  rsa_pss_sha512,     // "rsa-pss-sha512": RSASSA-PSS, SHA-512, MGF1-SHA-512, 64-byte salt (§3.3.1)
  rsa_v1_5_sha256,    // "rsa-v1_5-sha256": RSASSA-PKCS1-v1_5, SHA-256 (§3.3.2)
  hmac_sha256,        // "hmac-sha256": HMAC-SHA256 (§3.3.3)
  ecdsa_p256_sha256,  // "ecdsa-p256-sha256": ECDSA P-256, SHA-256, r||s of 64 bytes (§3.3.4)
  ecdsa_p384_sha384,  // "ecdsa-p384-sha384": ECDSA P-384, SHA-384, r||s of 96 bytes (§3.3.5)
  ed25519,            // "ed25519": Ed25519 over the signature base, no prehash (§3.3.6)
};

// The registered name of an algorithm ("rsa-pss-sha512", ...), as the `alg` parameter writes it.
constexpr std::string_view name(algorithm a) noexcept {
  switch (a) {
    case algorithm::rsa_pss_sha512: return "rsa-pss-sha512";
    case algorithm::rsa_v1_5_sha256: return "rsa-v1_5-sha256";
    case algorithm::hmac_sha256: return "hmac-sha256";
    case algorithm::ecdsa_p256_sha256: return "ecdsa-p256-sha256";
    case algorithm::ecdsa_p384_sha384: return "ecdsa-p384-sha384";
    case algorithm::ed25519: return "ed25519";
  }
  return "";
}

// The algorithm a registered name denotes, or nullopt (names are case-sensitive).
constexpr std::optional<algorithm> algorithm_named(std::string_view n) noexcept {
  for (auto a : {algorithm::rsa_pss_sha512, algorithm::rsa_v1_5_sha256, algorithm::hmac_sha256,
                 algorithm::ecdsa_p256_sha256, algorithm::ecdsa_p384_sha384, algorithm::ed25519})
    if (name(a) == n) return a;
  return std::nullopt;
}

// The crypto scheme of an asymmetric algorithm, or nullopt for hmac-sha256. (tessera's PSS
// schemes use a salt as long as the digest: 64 bytes for SHA-512, as §3.3.1 requires.)
constexpr std::optional<crypto::signature_alg> signature_alg_of(algorithm a) noexcept {
  switch (a) {
    case algorithm::rsa_pss_sha512: return crypto::signature_alg::rsa_pss_sha512;
    case algorithm::rsa_v1_5_sha256: return crypto::signature_alg::rsa_pkcs1_sha256;
    case algorithm::ecdsa_p256_sha256: return crypto::signature_alg::ecdsa_p256_sha256;
    case algorithm::ecdsa_p384_sha384: return crypto::signature_alg::ecdsa_p384_sha384;
    case algorithm::ed25519: return crypto::signature_alg::ed25519;
    case algorithm::hmac_sha256: return std::nullopt;
  }
  return std::nullopt;
}

// The RFC 9421 algorithm of a crypto scheme, or nullopt for schemes §3.3 does not register
// (RSA PKCS#1 v1.5 with SHA-384 / SHA-512, PSS with SHA-256 / SHA-384, ECDSA P-521).
constexpr std::optional<algorithm> algorithm_of(crypto::signature_alg s) noexcept {
  for (auto a : {algorithm::rsa_pss_sha512, algorithm::rsa_v1_5_sha256, algorithm::ecdsa_p256_sha256,
                 algorithm::ecdsa_p384_sha384, algorithm::ed25519})
    if (signature_alg_of(a) == s) return a;
  return std::nullopt;
}

// Shortest HMAC-SHA256 secret accepted, in bytes (the output size of SHA-256).
inline constexpr std::size_t min_hmac_secret_size = 32;

// Longest key id accepted.
inline constexpr std::size_t max_keyid_size = 256;

// True when s can be a key id: 1 to 256 characters an RFC 8941 String carries (0x20-0x7E).
constexpr bool valid_keyid(std::string_view s) noexcept {
  if (s.empty() || s.size() > max_keyid_size) return false;
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// A key that verifies RFC 9421 signatures, bound to exactly one algorithm: a public key, or an
// HMAC-SHA256 secret (held only as OpenSSL's keyed state). Copies share the key; thread-safe.
class verification_key {
 public:
  // A public key for an asymmetric algorithm. Errors: invalid_argument (key id, or hmac-sha256),
  // key_type_mismatch (the key does not fit the algorithm).
  static result<verification_key> asymmetric(std::string keyid, crypto::public_key key, algorithm alg,
                                             std::string owner = {});
  // An HMAC-SHA256 shared secret of at least min_hmac_secret_size bytes. Errors:
  // invalid_argument (key id), secret_too_short, crypto_failure.
  static result<verification_key> hmac_sha256(std::string keyid, core::bytes_view secret, std::string owner = {});

  // The key id signatures name it by.
  std::string_view keyid() const noexcept { return keyid_; }
  // Whose key it is (a client id); the key id unless given.
  std::string_view owner() const noexcept { return owner_.empty() ? std::string_view(keyid_) : std::string_view(owner_); }
  // The one algorithm it verifies.
  algorithm alg() const noexcept { return alg_; }
  // The public key, or nullptr for an HMAC secret.
  const crypto::public_key* public_key() const noexcept { return public_ ? &*public_ : nullptr; }

  // Verifies a signature over a signature base; HMAC tags are compared in constant time.
  // Errors: invalid_signature_length, bad_signature, crypto_failure.
  result<void> verify(core::bytes_view base, core::bytes_view signature) const noexcept {
    if (mac_) return mac_->verify(base, signature);
    return crypto::verify(*public_, *signature_alg_of(alg_), base, signature);
  }

 private:
  verification_key(std::string keyid, std::string owner, algorithm alg) noexcept
      : keyid_(std::move(keyid)), owner_(std::move(owner)), alg_(alg) {}
  std::string keyid_, owner_;
  algorithm alg_;
  std::optional<crypto::public_key> public_;
  std::optional<crypto::hmac_key> mac_;
};

// A registered key, held by a verification while it runs.
using key_handle = std::shared_ptr<const verification_key>;

// Looks up the key a signature's `keyid` names.
// Rules:
//  - find(keyid) is noexcept and thread-safe, compares the id as an exact byte string, and never
//    parses a key (keys are parsed and checked at registration);
//  - it returns a non-null handle, httpsig_unknown_key when no key has that id, or
//    store_unavailable when a backing store cannot answer (the verifier fails closed);
//  - a lookup that starts after an update has returned sees it.
template <class R>
concept key_registry = requires(const R& r, std::string_view keyid) {
  { r.find(keyid) } noexcept -> std::same_as<result<key_handle>>;
};

// A thread-safe in-memory key registry (a read-mostly lock around one map of key ids).
class memory_key_registry {
 public:
  // A registry whose public keys must satisfy the policy (RSA >= 2048 bits by default).
  explicit memory_key_registry(crypto::key_policy policy = {}) : policy_(policy) {}
  memory_key_registry(const memory_key_registry&) = delete;
  memory_key_registry& operator=(const memory_key_registry&) = delete;

  // Registers a PEM public key (SPKI "PUBLIC KEY", PKCS#1 "RSA PUBLIC KEY" or a "CERTIFICATE")
  // under a key id, for one algorithm. Errors: invalid_argument (key id taken or malformed,
  // hmac-sha256), the key parsing causes, key_type_mismatch.
  result<void> add_public_key(std::string_view keyid, std::string_view public_key_pem, algorithm alg,
                              std::string_view owner = {});
  // Registers a parsed public key (checked against this registry's policy).
  result<void> add_public_key(std::string_view keyid, const crypto::public_key& key, algorithm alg,
                              std::string_view owner = {});
  // Registers an HMAC-SHA256 shared secret under a key id. Errors: invalid_argument,
  // secret_too_short.
  result<void> add_hmac_secret(std::string_view keyid, core::bytes_view secret, std::string_view owner = {});
  // Withdraws a key; false when there was none with this id.
  bool remove(std::string_view keyid);
  // The key with this id, or httpsig_unknown_key.
  result<key_handle> find(std::string_view keyid) const noexcept;
  // Number of registered keys.
  std::size_t size() const {
    std::shared_lock lock(mu_);
    return keys_.size();
  }

 private:
  result<void> insert(verification_key k);

  crypto::key_policy policy_;
  mutable core::read_mostly_mutex mu_;
  std::unordered_map<std::string, key_handle, core::string_hash, std::equal_to<>> keys_;
};
static_assert(key_registry<memory_key_registry>);

}  // namespace tessera::request_signing::httpsig

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/impl/message_signature_keys.ipp"
#endif
