#pragma once
// The bodies of crypto/kdf.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/crypto/kdf.hpp"

namespace tessera::crypto::detail {

TESSERA_DECL void* octets(core::bytes_view b) noexcept {
  static std::uint8_t empty_input = 0;
  return b.empty() ? &empty_input : const_cast<std::uint8_t*>(b.data());
}

TESSERA_DECL result<secret> run_kdf(EVP_KDF* kdf, OSSL_PARAM* params, std::size_t out_len) {
  crypto::detail::evp_kdf_ctx_ptr ctx(EVP_KDF_CTX_new(kdf));
  if (!ctx) return crypto::detail::ossl_fail(errc::crypto_failure);
  secret out(out_len);
  if (EVP_KDF_derive(ctx.get(), out.writable_bytes(), out_len, params) != 1)
    return crypto::detail::ossl_fail(errc::crypto_failure);
  return out;
}

}  // namespace tessera::crypto::detail

namespace tessera::crypto {

TESSERA_DECL result<secret> pbkdf2(hash_alg h, core::bytes_view password, core::bytes_view salt,
                                   std::uint32_t iterations, std::size_t out_len) {
  if (iterations == 0 || out_len == 0 || out_len > 1024) return core::unexpected{errc::invalid_kdf_parameters};
  const char* md = h == hash_alg::sha256 ? "SHA2-256" : h == hash_alg::sha384 ? "SHA2-384" : "SHA2-512";
  std::uint64_t iter = iterations;
  int pkcs5 = 1;  // PKCS#5 mode: no SP 800-132 lower bounds, so RFC 6070 vectors run as published
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, detail::octets(password), password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, detail::octets(salt), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_ITER, &iter),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(md), 0),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_PKCS5, &pkcs5),
      OSSL_PARAM_construct_end()};
  return detail::run_kdf(crypto::detail::algs().pbkdf2.get(), params, out_len);
}

TESSERA_DECL result<secret> scrypt(core::bytes_view password, core::bytes_view salt, scrypt_params prm,
                                   std::size_t out_len, std::uint64_t max_memory) {
  if (prm.n < 2 || (prm.n & (prm.n - 1)) != 0 || prm.r == 0 || prm.p == 0 || out_len == 0 || out_len > 1024)
    return core::unexpected{errc::invalid_kdf_parameters};
  // RFC 7914 §2: r * p < 2^30 and N < 2^(128 * r / 8); OpenSSL also passes the 128 * r * p bytes
  // of B to PBKDF2 as an int. Checked here first, so memory_bytes() cannot overflow either.
  const std::uint64_t rp = std::uint64_t{prm.r} * prm.p;
  if (rp >= (1u << 30) || rp > static_cast<std::uint64_t>(INT_MAX) / 128 ||
      (prm.r < 4 && prm.n >= (std::uint64_t{1} << (16 * prm.r))))
    return core::unexpected{errc::invalid_kdf_parameters};
  if (prm.n > (std::numeric_limits<std::uint64_t>::max() / 128) / prm.r - 2 || prm.memory_bytes() > max_memory)
    return core::unexpected{errc::invalid_kdf_parameters};
  std::uint64_t n = prm.n;
  std::uint32_t r = prm.r, p = prm.p;
  // OpenSSL's own count is 128 * r * (N + 2) + 128 * r * p: allow the 256 * r bytes on top.
  std::uint64_t maxmem = prm.memory_bytes() + 256ull * r + (1u << 20);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, detail::octets(password), password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, detail::octets(salt), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end()};
  return detail::run_kdf(crypto::detail::algs().scrypt.get(), params, out_len);
}

}  // namespace tessera::crypto
