#pragma once
// JWT keys: a verification key and a signing key, each bound to exactly one algorithm.

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/hmac_key.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/crypto/signature.hpp"
#include "tessera/jwt/algorithm.hpp"

namespace tessera::jwt {

// A key that verifies tokens of one algorithm only; the token never chooses the algorithm.
class verification_key {
 public:
  // An HMAC key for HS256/384/512. Refuses keys shorter than the hash output (RFC 7518 §3.2).
  static result<verification_key> hmac(alg a, core::bytes_view secret_bytes, std::string kid = {});
  // The same, with the algorithm named by its policy type: verification_key::hmac<hs256>(bytes).
  template <algorithm A>
  static result<verification_key> hmac(core::bytes_view secret_bytes, std::string kid = {}) {
    return hmac(A::id, secret_bytes, std::move(kid));
  }
  // A public key for an asymmetric algorithm; refuses a key of the wrong kind (key_type_mismatch).
  static result<verification_key> asymmetric(alg a, crypto::public_key key, std::string kid = {});
  // The same, with the algorithm named by its policy type: verification_key::asymmetric<rs256>(pub).
  template <algorithm A>
  static result<verification_key> asymmetric(crypto::public_key key, std::string kid = {}) {
    return asymmetric(A::id, std::move(key), std::move(kid));
  }

  // The one algorithm this key verifies.
  jwt::alg algorithm() const noexcept { return alg_; }
  // The key id ("" when none); only ever a lookup key.
  const std::string& kid() const noexcept { return kid_; }
  // The public key, for asymmetric algorithms (nullptr for HMAC).
  const crypto::public_key* public_key() const noexcept { return std::get_if<crypto::public_key>(&key_); }

  // Checks sig over the JWS signing input with this key's algorithm.
  result<void> verify(core::bytes_view signing_input, core::bytes_view sig) const noexcept {
    if (auto* h = std::get_if<crypto::hmac_key>(&key_)) return h->verify(signing_input, sig);
    return crypto::verify(std::get<crypto::public_key>(key_), signature_scheme(alg_), signing_input, sig);
  }

 private:
  friend class signing_key;
  static verification_key from_shared_hmac(jwt::alg a, crypto::hmac_key k, std::string kid) {
    return verification_key(a, std::move(k), std::move(kid));
  }
  verification_key(jwt::alg a, std::variant<crypto::hmac_key, crypto::public_key> k, std::string kid)
      : alg_(a), key_(std::move(k)), kid_(std::move(kid)) {}
  jwt::alg alg_;
  std::variant<crypto::hmac_key, crypto::public_key> key_;
  std::string kid_;
};

// A key that signs tokens of one algorithm; the issuer writes that algorithm into the header.
class signing_key {
 public:
  // An HMAC key for HS256/384/512; refuses keys shorter than the hash output.
  static result<signing_key> hmac(alg a, core::bytes_view secret_bytes, std::string kid = {});
  // The same, with the algorithm named by its policy type.
  template <algorithm A>
  static result<signing_key> hmac(core::bytes_view secret_bytes, std::string kid = {}) {
    return hmac(A::id, secret_bytes, std::move(kid));
  }
  // A private key for an asymmetric algorithm; refuses a key of the wrong kind.
  static result<signing_key> asymmetric(alg a, crypto::private_key key, std::string kid = {});
  // The same, with the algorithm named by its policy type.
  template <algorithm A>
  static result<signing_key> asymmetric(crypto::private_key key, std::string kid = {}) {
    return asymmetric(A::id, std::move(key), std::move(kid));
  }

  jwt::alg algorithm() const noexcept { return alg_; }
  const std::string& kid() const noexcept { return kid_; }

  // The signature over the JWS signing input (raw r‖s for ECDSA).
  result<core::bytes> sign(core::bytes_view signing_input) const;

  // Appends base64url(signature over the signing input) to out; no allocation for HMAC keys
  // beyond out's growth. The input may view out's own bytes.
  result<void> sign_append_base64url(std::string& out, core::bytes_view signing_input) const;

  // The matching verification key (same algorithm and kid); for HMAC it shares the keyed state.
  result<verification_key> verification() const;

  // The length of its signatures in bytes (HMAC: the tag; RSA: the modulus; ECDSA: r‖s).
  std::size_t signature_size() const noexcept;

 private:
  signing_key(jwt::alg a, std::variant<crypto::hmac_key, crypto::private_key> k, std::string kid)
      : alg_(a), key_(std::move(k)), kid_(std::move(kid)) {}
  jwt::alg alg_;
  std::variant<crypto::hmac_key, crypto::private_key> key_;
  std::string kid_;
};

}  // namespace tessera::jwt

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/jwt/impl/key.ipp"
#endif
