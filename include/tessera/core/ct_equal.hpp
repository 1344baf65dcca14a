#pragma once
// tessera::core::ct_equal — constant-time comparison of secret material.

#include <cstdint>
#include <cstring>

#include "tessera/core/bytes.hpp"

namespace tessera::core {

namespace detail_ct {
// Hides v from the optimiser, so it cannot turn the accumulation below into an early exit.
inline std::uint64_t opaque(std::uint64_t v) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __asm__("" : "+r"(v));
#endif
  return v;
}
}  // namespace detail_ct

// True when a and b hold the same bytes. Time depends only on the lengths, never on the contents;
// lengths are treated as public, and different lengths compare unequal at once.
// Inline, eight bytes per step: OpenSSL's CRYPTO_memcmp is an out-of-line byte loop, which cost
// ~15 ns of a ~600 ns HS256 verification (perf, bench/verify/HS256).
inline bool ct_equal(bytes_view a, bytes_view b) noexcept {
  if (a.size() != b.size()) return false;
  const std::size_t n = a.size();
  std::uint64_t diff = 0;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    diff = detail_ct::opaque(diff | (x ^ y));
  }
  for (; i < n; ++i) diff = detail_ct::opaque(diff | static_cast<std::uint64_t>(a[i] ^ b[i]));
  return diff == 0;
}

}  // namespace tessera::core
