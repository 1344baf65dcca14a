#pragma once
// tessera::core::cleanse — zeroes memory that held secret material, in a way the compiler keeps.

#include <openssl/crypto.h>

#include <cstddef>
#include <cstring>

namespace tessera::core {

// Overwrites n bytes at p with zeros even when p is never read again. On GCC and Clang this is a
// memset followed by a compiler barrier that claims to read the memory (as glibc's explicit_bzero
// and Linux's memzero_explicit do), so the stores cannot be removed and short buffers cost a few
// stores; elsewhere it is OPENSSL_cleanse. For the hot paths; cold ones may call OPENSSL_cleanse.
inline void cleanse(void* p, std::size_t n) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  if (n == 0) return;
  std::memset(p, 0, n);
  __asm__ __volatile__("" : : "r"(p) : "memory");
#else
  OPENSSL_cleanse(p, n);
#endif
}

}  // namespace tessera::core
