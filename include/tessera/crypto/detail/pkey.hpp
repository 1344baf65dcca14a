#pragma once
// EVP_PKEY machinery shared by public_key and private_key: classification, JWK codec, PEM/DER I/O.

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <cstring>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/crypto/key_type.hpp"
#include "tessera/crypto/detail/key_checks.hpp"
#include "tessera/crypto/detail/ossl.hpp"

namespace tessera::crypto::detail {

using shared_pkey = std::shared_ptr<EVP_PKEY>;
inline shared_pkey share(EVP_PKEY* p) { return shared_pkey(p, [](EVP_PKEY* k) { EVP_PKEY_free(k); }); }

// Coordinate / scalar size in bytes of an EC key kind (P-521: ceil(521 / 8) = 66).
constexpr std::size_t ec_field_size(crypto::key_type t) noexcept {
  return t == crypto::key_type::ec_p521 ? 66 : t == crypto::key_type::ec_p384 ? 48 : 32;
}

// Classifies a key and applies the key policy. RSA and Ed25519 keys are checked deterministically
// (key_checks.hpp); an EC point is checked by OpenSSL (on the curve, not the identity), which
// draws nothing at random for it.
TESSERA_DECL core::result<crypto::key_type> classify(EVP_PKEY* pk, const crypto::key_policy& policy) noexcept;

// Checks that an EC private key's stated public point is d·G (OpenSSL's import does not; a JWK or
// SEC1 key with a mismatched point would sign for one key and publish another).
TESSERA_DECL core::result<void> check_keypair(EVP_PKEY* pk, crypto::key_type t) noexcept;

// ---- JWK codec -------------------------------------------------------------------------------

// Builds an EVP_PKEY from a JWK object (RSA n/e[/d/p/q/dp/dq/qi], EC P-256/P-384/P-521 x/y[/d],
// OKP Ed25519 x[/d]).
// want_private selects whether the private members are required (true) or refused (false).
TESSERA_DECL core::result<EVP_PKEY*> pkey_from_jwk(const nlohmann::json& j, bool want_private);

// The public JWK members of a key, in RFC 7638 member order (kty-specific required members only).
TESSERA_DECL nlohmann::json public_jwk(EVP_PKEY* pk, crypto::key_type t);

// ---- PEM / DER -------------------------------------------------------------------------------

// One PEM block: its label and DER body. Refuses encrypted blocks and anything but whitespace after it.
struct pem_block {
  std::string label;
  core::bytes der;
};
TESSERA_DECL core::result<pem_block> read_single_pem(std::string_view pem);

// Decodes DER of the given structure ("SubjectPublicKeyInfo", "PrivateKeyInfo", "type-specific")
// and key type (nullptr for any) with OpenSSL's decoder; refuses other structures and trailing bytes.
TESSERA_DECL core::result<EVP_PKEY*> decode_der(core::bytes_view der, const char* structure, const char* keytype, int selection);

// The public key of a DER X.509 certificate; refuses trailing bytes.
TESSERA_DECL core::result<EVP_PKEY*> pkey_from_cert_der(core::bytes_view der);

// Writes a key with a BIO writer function and returns the text as a secret (the memory BIO is wiped).
template <class Fn>
inline core::result<core::secret> write_bio(Fn&& fn) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!bio || !fn(bio.get())) return ossl_fail(core::errc::crypto_failure);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  core::secret out(core::bytes_view(data, static_cast<std::size_t>(len > 0 ? len : 0)));
  if (len > 0) OPENSSL_cleanse(data, static_cast<std::size_t>(len));
  return out;
}

}  // namespace tessera::crypto::detail

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/crypto/detail/impl/pkey.ipp"
#endif
