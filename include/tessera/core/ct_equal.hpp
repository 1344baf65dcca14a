#pragma once
// tessera::core::ct_equal — constant-time comparison of secret material (CRYPTO_memcmp).

#include <openssl/crypto.h>

#include "tessera/core/bytes.hpp"

namespace tessera::core {

// True when a and b hold the same bytes. Time depends only on the lengths, never on the contents;
// lengths are treated as public, and different lengths compare unequal at once.
inline bool ct_equal(bytes_view a, bytes_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tessera::core
