#pragma once
// JWS algorithms (RFC 7518, RFC 8037) as policy types, and the runtime id each one carries.

#include <concepts>
#include <optional>
#include <string_view>

#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/signature.hpp"

namespace tessera::jwt {

// Every JWS algorithm tessera signs and verifies. There is no "none".
enum class alg { hs256, hs384, hs512, rs256, rs384, rs512, ps256, ps384, ps512, es256, es384, es512, eddsa };

// The JOSE name of an algorithm ("HS256", ..., "EdDSA").
constexpr std::string_view alg_name(alg a) noexcept {
  constexpr std::string_view names[] = {"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256",
                                        "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"};
  return names[static_cast<int>(a)];
}

// The algorithm with exactly this JOSE name (case-sensitive), or nullopt ("none" included).
constexpr std::optional<alg> alg_from_name(std::string_view n) noexcept {
  for (int i = 0; i <= static_cast<int>(alg::eddsa); ++i)
    if (alg_name(static_cast<alg>(i)) == n) return static_cast<alg>(i);
  return std::nullopt;
}

// True for the HMAC algorithms.
constexpr bool is_hmac(alg a) noexcept { return a == alg::hs256 || a == alg::hs384 || a == alg::hs512; }

// The hash of an HMAC algorithm.
constexpr crypto::hash_alg hmac_hash(alg a) noexcept {
  return a == alg::hs384 ? crypto::hash_alg::sha384 : a == alg::hs512 ? crypto::hash_alg::sha512 : crypto::hash_alg::sha256;
}

// The signature scheme of an asymmetric algorithm.
constexpr crypto::signature_alg signature_scheme(alg a) noexcept {
  switch (a) {
    case alg::rs384: return crypto::signature_alg::rsa_pkcs1_sha384;
    case alg::rs512: return crypto::signature_alg::rsa_pkcs1_sha512;
    case alg::ps256: return crypto::signature_alg::rsa_pss_sha256;
    case alg::ps384: return crypto::signature_alg::rsa_pss_sha384;
    case alg::ps512: return crypto::signature_alg::rsa_pss_sha512;
    case alg::es256: return crypto::signature_alg::ecdsa_p256_sha256;
    case alg::es384: return crypto::signature_alg::ecdsa_p384_sha384;
    case alg::es512: return crypto::signature_alg::ecdsa_p521_sha512;
    case alg::eddsa: return crypto::signature_alg::ed25519;
    default: return crypto::signature_alg::rsa_pkcs1_sha256;
  }
}

// An algorithm policy type: names one JWS algorithm at compile time.
// Rules: `id` is the runtime id and `name` its JOSE name; keys built from the policy are bound to it.
template <class A>
concept algorithm = requires {
  { A::id } -> std::convertible_to<alg>;
  { A::name } -> std::convertible_to<std::string_view>;
};

namespace detail {
template <alg A>
struct alg_policy {
  static constexpr jwt::alg id = A;
  static constexpr std::string_view name = alg_name(A);
};
}  // namespace detail

// HMAC with SHA-256 (RFC 7518 §3.2).
struct hs256 : detail::alg_policy<alg::hs256> {};
// HMAC with SHA-384.
struct hs384 : detail::alg_policy<alg::hs384> {};
// HMAC with SHA-512.
struct hs512 : detail::alg_policy<alg::hs512> {};
// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
struct rs256 : detail::alg_policy<alg::rs256> {};
// RSASSA-PKCS1-v1_5 with SHA-384.
struct rs384 : detail::alg_policy<alg::rs384> {};
// RSASSA-PKCS1-v1_5 with SHA-512.
struct rs512 : detail::alg_policy<alg::rs512> {};
// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt (RFC 7518 §3.5).
struct ps256 : detail::alg_policy<alg::ps256> {};
// RSASSA-PSS with SHA-384.
struct ps384 : detail::alg_policy<alg::ps384> {};
// RSASSA-PSS with SHA-512.
struct ps512 : detail::alg_policy<alg::ps512> {};
// ECDSA P-256 with SHA-256, raw r‖s (RFC 7518 §3.4).
struct es256 : detail::alg_policy<alg::es256> {};
// ECDSA P-384 with SHA-384.
struct es384 : detail::alg_policy<alg::es384> {};
// ECDSA P-521 with SHA-512, raw r‖s of 2 × 66 bytes (RFC 7518 §3.4).
struct es512 : detail::alg_policy<alg::es512> {};
// EdDSA with Ed25519 (RFC 8037).
struct eddsa : detail::alg_policy<alg::eddsa> {};

static_assert(algorithm<hs256> && algorithm<rs256> && algorithm<ps256> && algorithm<es256> && algorithm<eddsa>);

}  // namespace tessera::jwt
