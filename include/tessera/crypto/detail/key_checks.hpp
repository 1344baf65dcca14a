#pragma once
// Deterministic validation of public keys where they enter: RSA modulus and exponent, and the
// Ed25519 point encoding. Every check gives the same verdict for the same bytes, every time.

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/detail/ossl.hpp"
#include "tessera/crypto/key_type.hpp"

namespace tessera::crypto::detail {

// Trial division reaches every prime below this bound.
inline constexpr std::uint32_t rsa_trial_division_bound = 1u << 16;

// The odd primes below rsa_trial_division_bound, by the sieve of Eratosthenes. A named function
// rather than a lambda: a lambda is implicitly constexpr, and GCC then tries to run the whole
// sieve at compile time for the static below (2 s and 340 MB in every translation unit).
TESSERA_DECL std::vector<std::uint16_t> sieve_small_odd_primes();

// The odd primes below rsa_trial_division_bound, sieved once per process.
TESSERA_DECL const std::vector<std::uint16_t>& small_odd_primes();

// Checks an RSA public key without randomness (OpenSSL's EVP_PKEY_public_check draws random
// Miller-Rabin bases, so a weak modulus could pass or fail from one import to the next):
//  - the modulus is odd and within the policy's bit bounds (key_too_small, unsupported_key_type);
//  - the exponent is odd, at least 3 (invalid_key), and at most policy.max_rsa_exponent
//    (unsupported_key_type: a huge exponent makes every verification dearer);
//  - the modulus has no prime factor below 2^16 (weak_key: anyone could factor it and sign);
//  - gcd(2^n - 2 mod n, n) is 1 (weak_key otherwise). Fermat gives a^(p^k) = a (mod p) for a
//    prime p, so for a prime or a prime power n the gcd is at least p; for a product of distinct
//    primes it is 1 unless it has just exposed a factor. Either way a gcd other than 1 means
//    anyone can sign for the key.
TESSERA_DECL core::result<void> check_rsa_public(EVP_PKEY* pk, const key_policy& policy) noexcept;

// The y coordinates (little-endian, sign bit clear) of the eight Ed25519 points whose order
// divides 8: y = 1 (the identity), y = p - 1 (order 2), y = 0 (order 4), and the two roots
// y = ±sqrt((-1 - sqrt(1 + d)) / d) (order 8), with p = 2^255 - 19 and d the curve constant
// -121665/121666 (RFC 8032 §5.1). Either sign of x gives a small-order point or a
// non-canonical encoding; both are refused.
inline constexpr std::array<std::array<std::uint8_t, 32>, 5> ed25519_small_order_y{{
    {0x00},
    {0x01},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
     0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
     0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
}};

// True when the 32-byte encoding's y (sign bit cleared) is at least p = 2^255 - 19.
constexpr bool ed25519_y_non_canonical(const std::uint8_t (&enc)[32]) noexcept {
  if ((enc[31] & 0x7f) != 0x7f) return false;
  for (int i = 30; i >= 1; --i)
    if (enc[i] != 0xff) return false;
  return enc[0] >= 0xed;
}

// True when some x satisfies the curve equation -x^2 + y^2 = 1 + d x^2 y^2 for this y, i.e.
// when u = (y^2 - 1) / (d y^2 + 1) is zero or a square mod p (Euler's criterion). False also
// when the arithmetic fails.
TESSERA_DECL bool ed25519_y_on_curve(const std::uint8_t (&enc)[32]) noexcept;

// Checks an Ed25519 public key's encoding: y must be canonical (y < p) and on the curve
// (invalid_key), and the point must not have small order (weak_key: with such a key one fixed
// signature verifies many or all messages).
TESSERA_DECL core::result<void> check_ed25519_public(EVP_PKEY* pk) noexcept;

}  // namespace tessera::crypto::detail

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/crypto/detail/impl/key_checks.ipp"
#endif
