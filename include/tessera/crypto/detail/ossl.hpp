#pragma once
// OpenSSL 3 plumbing that users never name: RAII owners, error-queue capture, and the
// algorithms tessera fetches once per process and shares between threads.

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <climits>
#include <memory>

#include "tessera/core/result.hpp"

namespace tessera::crypto::detail {

template <auto Fn>
struct ossl_deleter {
  template <class T>
  void operator()(T* p) const noexcept { Fn(p); }
};

// RAII owners for every OpenSSL object tessera uses.
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, ossl_deleter<EVP_PKEY_free>>;
using evp_pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, ossl_deleter<EVP_PKEY_CTX_free>>;
using evp_md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, ossl_deleter<EVP_MD_CTX_free>>;
using evp_mac_ctx_ptr = std::unique_ptr<EVP_MAC_CTX, ossl_deleter<EVP_MAC_CTX_free>>;
using evp_kdf_ctx_ptr = std::unique_ptr<EVP_KDF_CTX, ossl_deleter<EVP_KDF_CTX_free>>;
using evp_md_ptr = std::unique_ptr<EVP_MD, ossl_deleter<EVP_MD_free>>;
using evp_mac_ptr = std::unique_ptr<EVP_MAC, ossl_deleter<EVP_MAC_free>>;
using evp_kdf_ptr = std::unique_ptr<EVP_KDF, ossl_deleter<EVP_KDF_free>>;
using bio_ptr = std::unique_ptr<BIO, ossl_deleter<BIO_free_all>>;
using x509_ptr = std::unique_ptr<X509, ossl_deleter<X509_free>>;
using bignum_ptr = std::unique_ptr<BIGNUM, ossl_deleter<BN_free>>;
using param_bld_ptr = std::unique_ptr<OSSL_PARAM_BLD, ossl_deleter<OSSL_PARAM_BLD_free>>;
using params_ptr = std::unique_ptr<OSSL_PARAM, ossl_deleter<OSSL_PARAM_free>>;

// Clears the thread's OpenSSL error queue and returns the given cause. OpenSSL's own error
// strings are dropped on purpose: some of them quote the offending input (key material).
inline core::unexpected ossl_fail(core::errc e) noexcept {
  ERR_clear_error();
  return core::unexpected{e};
}

// The algorithm implementations tessera uses, fetched once per process. Fetched objects are
// immutable and reference counted, so every thread may use them at once.
struct algorithms {
  evp_md_ptr sha256{EVP_MD_fetch(nullptr, "SHA2-256", nullptr)};
  evp_md_ptr sha384{EVP_MD_fetch(nullptr, "SHA2-384", nullptr)};
  evp_md_ptr sha512{EVP_MD_fetch(nullptr, "SHA2-512", nullptr)};
  evp_mac_ptr hmac{EVP_MAC_fetch(nullptr, "HMAC", nullptr)};
  evp_kdf_ptr pbkdf2{EVP_KDF_fetch(nullptr, "PBKDF2", nullptr)};
  evp_kdf_ptr scrypt{EVP_KDF_fetch(nullptr, "SCRYPT", nullptr)};
};

// The process-wide fetched algorithms (thread-safe initialisation on first use).
inline const algorithms& algs() noexcept {
  static const algorithms a;
  return a;
}

// A memory BIO reading the given bytes (no copy).
inline bio_ptr mem_bio(const void* data, std::size_t n) noexcept {
  return bio_ptr(BIO_new_mem_buf(data, n > static_cast<std::size_t>(INT_MAX) ? -1 : static_cast<int>(n)));
}

}  // namespace tessera::crypto::detail
