#pragma once
// Password-based key derivation through EVP_KDF: PBKDF2-HMAC-SHA256/512 (RFC 8018) and scrypt (RFC 7914).

#include <climits>
#include <cstdint>
#include <limits>

#include "tessera/config.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/detail/ossl.hpp"

namespace tessera::crypto {

// scrypt cost parameters: N (a power of two above 1), r and p.
struct scrypt_params {
  std::uint64_t n = 1u << 17;
  std::uint32_t r = 8;
  std::uint32_t p = 1;
  // Bytes of memory the derivation needs (128 * N * r plus 128 * r * p), used as OpenSSL's cap.
  constexpr std::uint64_t memory_bytes() const noexcept { return 128ull * r * n + 128ull * r * p; }
};

namespace detail {
// OpenSSL refuses a NULL octet-string parameter, so empty inputs point at a real (unread) byte.
TESSERA_DECL void* octets(core::bytes_view b) noexcept;
TESSERA_DECL result<secret> run_kdf(EVP_KDF* kdf, OSSL_PARAM* params, std::size_t out_len);
}  // namespace detail

// PBKDF2-HMAC with the given hash; refuses zero iterations and outputs outside 1..1024 bytes.
TESSERA_DECL result<secret> pbkdf2(hash_alg h, core::bytes_view password, core::bytes_view salt,
                                   std::uint32_t iterations, std::size_t out_len);

// scrypt; refuses N that is not a power of two above 1, zero r or p, and outputs outside 1..1024
// bytes. OpenSSL's memory cap is raised to exactly what the parameters need (its default,
// 32 MiB, would refuse N = 2^17, r = 8); max_memory bounds that need (default 1 GiB).
TESSERA_DECL result<secret> scrypt(core::bytes_view password, core::bytes_view salt, scrypt_params prm,
                                   std::size_t out_len, std::uint64_t max_memory = 1ull << 30);

}  // namespace tessera::crypto

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/crypto/impl/kdf.ipp"
#endif
