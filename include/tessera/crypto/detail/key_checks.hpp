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

#include "tessera/core/result.hpp"
#include "tessera/crypto/detail/ossl.hpp"
#include "tessera/crypto/key_type.hpp"

namespace tessera::crypto::detail {

// Trial division reaches every prime below this bound.
inline constexpr std::uint32_t rsa_trial_division_bound = 1u << 16;

// The odd primes below rsa_trial_division_bound, by the sieve of Eratosthenes. A named function
// rather than a lambda: a lambda is implicitly constexpr, and GCC then tries to run the whole
// sieve at compile time for the static below (2 s and 340 MB in every translation unit).
inline std::vector<std::uint16_t> sieve_small_odd_primes() {
  std::vector<bool> composite(rsa_trial_division_bound, false);
  std::vector<std::uint16_t> out;
  for (std::uint32_t i = 3; i < rsa_trial_division_bound; i += 2) {
    if (composite[i]) continue;
    out.push_back(static_cast<std::uint16_t>(i));
    for (std::uint64_t j = std::uint64_t{i} * i; j < rsa_trial_division_bound; j += 2 * i) composite[j] = true;
  }
  return out;
}

// The odd primes below rsa_trial_division_bound, sieved once per process.
inline const std::vector<std::uint16_t>& small_odd_primes() {
  static const std::vector<std::uint16_t> primes = sieve_small_odd_primes();
  return primes;
}

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
inline core::result<void> check_rsa_public(EVP_PKEY* pk, const key_policy& policy) noexcept {
  BIGNUM* raw_n = nullptr;
  BIGNUM* raw_e = nullptr;
  const bool got = EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &raw_n) == 1 &&
                   EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &raw_e) == 1;
  bignum_ptr n(raw_n), e(raw_e);
  if (!got || !n || !e) return ossl_fail(core::errc::invalid_key);

  const int bits = BN_num_bits(n.get());
  if (bits <= 0 || !BN_is_odd(n.get())) return ossl_fail(core::errc::invalid_key);
  if (static_cast<unsigned>(bits) < policy.min_rsa_bits) return ossl_fail(core::errc::key_too_small);
  if (static_cast<unsigned>(bits) > policy.max_rsa_bits) return ossl_fail(core::errc::unsupported_key_type);

  if (!BN_is_odd(e.get()) || BN_num_bits(e.get()) < 2) return ossl_fail(core::errc::invalid_key);  // e odd, e >= 3
  if (BN_num_bits(e.get()) > 32 || BN_get_word(e.get()) > policy.effective_max_rsa_exponent())
    return ossl_fail(core::errc::unsupported_key_type);

  try {
    for (std::uint16_t p : small_odd_primes()) {
      const BN_ULONG r = BN_mod_word(n.get(), p);
      if (r == static_cast<BN_ULONG>(-1)) return ossl_fail(core::errc::crypto_failure);
      if (r == 0) return ossl_fail(core::errc::weak_key);
    }
  } catch (...) {
    return ossl_fail(core::errc::internal_error);
  }

  std::unique_ptr<BN_CTX, ossl_deleter<BN_CTX_free>> ctx(BN_CTX_new());
  bignum_ptr two(BN_new()), t(BN_new()), g(BN_new());
  if (!ctx || !two || !t || !g || BN_set_word(two.get(), 2) != 1 ||
      BN_mod_exp(t.get(), two.get(), n.get(), n.get(), ctx.get()) != 1 ||  // t = 2^n mod n
      BN_mod_sub(t.get(), t.get(), two.get(), n.get(), ctx.get()) != 1 ||   // t = 2^n - 2 mod n
      BN_gcd(g.get(), t.get(), n.get(), ctx.get()) != 1)
    return ossl_fail(core::errc::crypto_failure);
  if (!BN_is_one(g.get())) return ossl_fail(core::errc::weak_key);
  return core::ok();
}

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
inline bool ed25519_y_on_curve(const std::uint8_t (&enc)[32]) noexcept {
  std::uint8_t be[32];
  for (std::size_t i = 0; i < 32; ++i) be[i] = enc[31 - i];
  be[0] &= 0x7f;
  std::unique_ptr<BN_CTX, ossl_deleter<BN_CTX_free>> ctx(BN_CTX_new());
  bignum_ptr p(BN_new()), y(BN_bin2bn(be, 32, nullptr)), d(BN_new()), t(BN_new()), num(BN_new()), den(BN_new()),
      u(BN_new()), e(BN_new());
  if (!ctx || !p || !y || !d || !t || !num || !den || !u || !e) return false;
  const bool ok =
      BN_set_bit(p.get(), 255) == 1 && BN_sub_word(p.get(), 19) == 1 &&           // p = 2^255 - 19
      BN_set_word(t.get(), 121666) == 1 && BN_mod_inverse(t.get(), t.get(), p.get(), ctx.get()) != nullptr &&
      BN_set_word(d.get(), 121665) == 1 && BN_mod_mul(d.get(), d.get(), t.get(), p.get(), ctx.get()) == 1 &&
      BN_mod_sub(d.get(), p.get(), d.get(), p.get(), ctx.get()) == 1 &&            // d = -121665/121666
      BN_mod_sqr(t.get(), y.get(), p.get(), ctx.get()) == 1 &&                     // t = y^2
      BN_copy(num.get(), t.get()) != nullptr && BN_mod_sub(num.get(), num.get(), BN_value_one(), p.get(), ctx.get()) == 1 &&
      BN_mod_mul(den.get(), d.get(), t.get(), p.get(), ctx.get()) == 1 &&
      BN_mod_add(den.get(), den.get(), BN_value_one(), p.get(), ctx.get()) == 1 &&
      BN_mod_inverse(den.get(), den.get(), p.get(), ctx.get()) != nullptr &&
      BN_mod_mul(u.get(), num.get(), den.get(), p.get(), ctx.get()) == 1 &&
      BN_copy(e.get(), p.get()) != nullptr && BN_sub_word(e.get(), 1) == 1 && BN_rshift1(e.get(), e.get()) == 1 &&
      BN_mod_exp(t.get(), u.get(), e.get(), p.get(), ctx.get()) == 1;              // t = u^((p-1)/2)
  ERR_clear_error();
  return ok && (BN_is_zero(u.get()) || BN_is_one(t.get()));
}

// Checks an Ed25519 public key's encoding: y must be canonical (y < p) and on the curve
// (invalid_key), and the point must not have small order (weak_key: with such a key one fixed
// signature verifies many or all messages).
inline core::result<void> check_ed25519_public(EVP_PKEY* pk) noexcept {
  std::uint8_t enc[32];
  std::size_t len = sizeof enc;
  if (EVP_PKEY_get_raw_public_key(pk, enc, &len) != 1 || len != sizeof enc) return ossl_fail(core::errc::invalid_key);
  if (ed25519_y_non_canonical(enc)) return core::unexpected{core::errc::invalid_key};
  for (const auto& y : ed25519_small_order_y) {
    bool same = (enc[31] & 0x7f) == y[31];
    for (std::size_t i = 0; i < 31 && same; ++i) same = enc[i] == y[i];
    if (same) return core::unexpected{core::errc::weak_key};
  }
  if (!ed25519_y_on_curve(enc)) return core::unexpected{core::errc::invalid_key};
  return core::ok();
}

}  // namespace tessera::crypto::detail
