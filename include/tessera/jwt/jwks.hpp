#pragma once
// JWKS (RFC 7517 §5) import into verification keys, and export of public keys as a JWKS.

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/key_type.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/jwt/algorithm.hpp"
#include "tessera/jwt/key.hpp"
#include "tessera/jwt/key_set.hpp"

namespace tessera::jwt {

// How a JWKS document is read.
struct jwks_options {
  // Algorithm for RSA keys that carry no "alg" (EC and OKP keys imply theirs: ES256/ES384/ES512/EdDSA).
  std::optional<jwt::alg> default_rsa_alg = jwt::alg::rs256;
  // Accept "oct" (HMAC) keys; off by default, since a JWKS is usually public.
  bool allow_symmetric = false;
  // Size bounds for RSA keys.
  crypto::key_policy policy{};
  // Largest document and number of keys read.
  std::size_t max_document_size = 256 * 1024;
  std::size_t max_keys = 64;
};

namespace detail {
TESSERA_DECL bool alg_fits_kty(jwt::alg a, std::string_view kty, std::string_view crv) noexcept;

}  // namespace detail

// Reads one JWK into a verification key bound to one algorithm. Refuses (invalid_key unless
// said otherwise): "use" other than "sig"; "key_ops" without "verify"; an "alg" that is unknown
// (algorithm_not_allowed) or conflicts with the key type (key_type_mismatch); private members;
// RSA below the policy minimum (key_too_small); oct keys unless allowed, or shorter than the hash.
TESSERA_DECL result<verification_key> import_jwk(const nlohmann::json& jwk, const jwks_options& opts = {});

// Reads a JWKS document ({"keys": [...]}) into verification keys. The whole document is
// refused on the first bad key, on duplicate kids, on more than one key without a kid, and on
// documents or key counts beyond the options' bounds.
TESSERA_DECL result<std::vector<verification_key>> import_jwks(std::string_view document, const jwks_options& opts = {});

// Reads a JWKS document straight into a kid_key_set, replacing what it held (nothing on failure).
TESSERA_DECL result<void> load_jwks(kid_key_set& set, std::string_view document, const jwks_options& opts = {});

// The public JWK of a verification key with its kid, alg and "use":"sig"; nullopt for HMAC keys,
// which are never published.
TESSERA_DECL std::optional<nlohmann::json> export_jwk(const verification_key& k);

// A JWKS document with the public keys of a key set (HMAC keys are left out).
TESSERA_DECL nlohmann::json export_jwks(const kid_key_set& set);

}  // namespace tessera::jwt

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/jwt/impl/jwks.ipp"
#endif
