#pragma once
// Counts the allocations OpenSSL makes on the current thread while counting is switched on. It
// installs counting allocation functions (CRYPTO_set_mem_functions), which OpenSSL accepts only
// before its first allocation, from a static initializer: include it from exactly one test file
// of a test executable. `installed` is false when OpenSSL allocated first; a counting test must
// then fail rather than pass on a count of nothing.
//
//   REQUIRE(ossl_alloc_counter::installed);
//   ossl_alloc_counter::allocs = 0;
//   ossl_alloc_counter::counting = true;
//   ... the code under test ...
//   ossl_alloc_counter::counting = false;   // then read ossl_alloc_counter::allocs

#include <openssl/crypto.h>

#include <cstddef>
#include <cstdlib>

namespace ossl_alloc_counter {
inline thread_local bool counting = false;  // count this thread's OpenSSL allocations now
inline thread_local long allocs = 0;        // allocations (and reallocations) counted

inline void* counted_malloc(std::size_t n, const char*, int) {
  if (counting) ++allocs;
  return std::malloc(n);
}
inline void* counted_realloc(void* p, std::size_t n, const char*, int) {
  if (counting) ++allocs;
  return std::realloc(p, n);
}
inline void plain_free(void* p, const char*, int) { std::free(p); }

// True when the counting functions are OpenSSL's.
inline const bool installed = CRYPTO_set_mem_functions(counted_malloc, counted_realloc, plain_free) == 1;
}  // namespace ossl_alloc_counter
