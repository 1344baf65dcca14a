#pragma once
// The bodies of crypto/digest.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/crypto/digest.hpp"

namespace tessera::crypto {

TESSERA_DECL auto hasher::finish() noexcept -> result<digest_value> {
  digest_value d;
  unsigned len = 0;
  if (!ok_ || EVP_DigestFinal_ex(ctx_.get(), d.bytes.data(), &len) != 1) {
    ok_ = false;
    return crypto::detail::ossl_fail(errc::crypto_failure);
  }
  ok_ = false;
  d.size = len;
  return d;
}

}  // namespace tessera::crypto
