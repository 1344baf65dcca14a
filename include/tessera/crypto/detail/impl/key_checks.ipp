#pragma once
// The bodies of crypto/detail/key_checks.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/crypto/detail/key_checks.hpp"

namespace tessera::crypto::detail {

TESSERA_DECL std::vector<std::uint16_t> sieve_small_odd_primes() {
  std::vector<bool> composite(rsa_trial_division_bound, false);
  std::vector<std::uint16_t> out;
  for (std::uint32_t i = 3; i < rsa_trial_division_bound; i += 2) {
    if (composite[i]) continue;
    out.push_back(static_cast<std::uint16_t>(i));
    for (std::uint64_t j = std::uint64_t{i} * i; j < rsa_trial_division_bound; j += 2 * i) composite[j] = true;
  }
  return out;
}

TESSERA_DECL const std::vector<std::uint16_t>& small_odd_primes() {
  static const std::vector<std::uint16_t> primes = sieve_small_odd_primes();
  return primes;
}

TESSERA_DECL core::result<void> check_rsa_public(EVP_PKEY* pk, const key_policy& policy) noexcept {
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
      BN_mod_sub(t.get(), t.get(), two.get(), n.get(), ctx.get()) != 1 ||  // t = 2^n - 2 mod n
      BN_gcd(g.get(), t.get(), n.get(), ctx.get()) != 1)
    return ossl_fail(core::errc::crypto_failure);
  if (!BN_is_one(g.get())) return ossl_fail(core::errc::weak_key);
  return core::ok();
}

TESSERA_DECL bool ed25519_y_on_curve(const std::uint8_t (&enc)[32]) noexcept {
  std::uint8_t be[32];
  for (std::size_t i = 0; i < 32; ++i) be[i] = enc[31 - i];
  be[0] &= 0x7f;
  std::unique_ptr<BN_CTX, ossl_deleter<BN_CTX_free>> ctx(BN_CTX_new());
  bignum_ptr p(BN_new()), y(BN_bin2bn(be, 32, nullptr)), d(BN_new()), t(BN_new()), num(BN_new()), den(BN_new()),
      u(BN_new()), e(BN_new());
  if (!ctx || !p || !y || !d || !t || !num || !den || !u || !e) return false;
  const bool ok =
      BN_set_bit(p.get(), 255) == 1 && BN_sub_word(p.get(), 19) == 1 &&  // p = 2^255 - 19
      BN_set_word(t.get(), 121666) == 1 && BN_mod_inverse(t.get(), t.get(), p.get(), ctx.get()) != nullptr &&
      BN_set_word(d.get(), 121665) == 1 && BN_mod_mul(d.get(), d.get(), t.get(), p.get(), ctx.get()) == 1 &&
      BN_mod_sub(d.get(), p.get(), d.get(), p.get(), ctx.get()) == 1 &&  // d = -121665/121666
      BN_mod_sqr(t.get(), y.get(), p.get(), ctx.get()) == 1 &&           // t = y^2
      BN_copy(num.get(), t.get()) != nullptr &&
      BN_mod_sub(num.get(), num.get(), BN_value_one(), p.get(), ctx.get()) == 1 &&
      BN_mod_mul(den.get(), d.get(), t.get(), p.get(), ctx.get()) == 1 &&
      BN_mod_add(den.get(), den.get(), BN_value_one(), p.get(), ctx.get()) == 1 &&
      BN_mod_inverse(den.get(), den.get(), p.get(), ctx.get()) != nullptr &&
      BN_mod_mul(u.get(), num.get(), den.get(), p.get(), ctx.get()) == 1 && BN_copy(e.get(), p.get()) != nullptr &&
      BN_sub_word(e.get(), 1) == 1 && BN_rshift1(e.get(), e.get()) == 1 &&
      BN_mod_exp(t.get(), u.get(), e.get(), p.get(), ctx.get()) == 1;  // t = u^((p-1)/2)
  ERR_clear_error();
  return ok && (BN_is_zero(u.get()) || BN_is_one(t.get()));
}

TESSERA_DECL core::result<void> check_ed25519_public(EVP_PKEY* pk) noexcept {
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
