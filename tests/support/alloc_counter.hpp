#pragma once
// Counts the heap allocations the current thread makes while counting is switched on, by
// replacing the global operator new and delete. Include it from exactly one test file of a test
// executable (a second would define the replacements twice). Sanitizers own operator new
// themselves: under one, nothing is replaced, TESSERA_TEST_SANITIZED is defined, and a counting
// test skips.
//
//   alloc_counter::allocs = 0;
//   alloc_counter::counting = true;
//   ... the code under test ...
//   alloc_counter::counting = false;   // then read alloc_counter::allocs

#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TESSERA_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TESSERA_TEST_SANITIZED 1
#endif
#endif

namespace alloc_counter {
inline thread_local bool counting = false;  // count this thread's allocations now
inline thread_local long allocs = 0;        // allocations counted
}  // namespace alloc_counter

#ifndef TESSERA_TEST_SANITIZED
void* operator new(std::size_t n) {
  if (alloc_counter::counting) ++alloc_counter::allocs;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif
