#pragma once
// The AVX2 kernels of core/base64.hpp (see TESSERA_DECL in config.hpp): kept out of the header in
// the separately compiled mode. They are written on the compiler's vector types and its AVX2
// builtins (GCC and Clang name them alike), not on <immintrin.h>, whose every intrinsic header
// would cost each translation unit about a second to parse.

#include <cstring>

#include "tessera/core/base64.hpp"

namespace tessera::core::detail_b64 {

// 32 bytes, 16 halfwords, 8 words and 4 quadwords, as the AVX2 builtins take them; 16 bytes and 2
// quadwords.
using v16qi = char __attribute__((vector_size(16)));
using v32qi = char __attribute__((vector_size(32)));
using v32qu = unsigned char __attribute__((vector_size(32)));
using v16hi = short __attribute__((vector_size(32)));
using v16hu = unsigned short __attribute__((vector_size(32)));
using v8si = int __attribute__((vector_size(32)));
using v8su = unsigned __attribute__((vector_size(32)));
using v4di = long long __attribute__((vector_size(32)));
using v2di = long long __attribute__((vector_size(16)));

// Every lane set to x (T is the lane type; a scalar operand is broadcast to every lane).
template <class V, class T>
__attribute__((target("avx2"))) inline V splat(T x) noexcept {
  static_assert(sizeof(V) % sizeof(T) == 0 && sizeof(V{}[0]) == sizeof(T));
  return V{} + x;
}

// A 16-byte table in both 128-bit lanes (pshufb looks up within a lane).
__attribute__((target("avx2"))) inline v32qi both_lanes(const std::int8_t* table) noexcept {
  v16qi half;
  std::memcpy(&half, table, 16);
  return __builtin_shufflevector(half, half, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,  //
                                 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}

__attribute__((target("avx2"))) TESSERA_DECL std::size_t decode_blocks_avx2(const unsigned char* s, std::size_t n,
                                                                     std::uint8_t* out, const avx2_tables& t,
                                                                     std::uint32_t& bad) noexcept {
  const v32qi lo_lut = both_lanes(t.lo.data()), hi_lut = both_lanes(t.hi.data()), off_lut = both_lanes(t.off.data());
  const v32qi nibble = splat<v32qi>(char{0x0f}), special = splat<v32qi>(static_cast<char>(t.special));
  const v32qi fix = splat<v32qi>(static_cast<char>(t.fix));
  const v32qi pack1 = v32qi(splat<v8si>(0x01400140)), pack2 = v32qi(splat<v8si>(0x00011000));
  const v32qi order = {2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,  //
                       2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1};
  std::size_t i = 0;
  v32qi invalid{};
  for (; i + 38 <= n; i += 32, out += 24) {
    v32qi c;
    std::memcpy(&c, s + i, 32);
    const v32qi hi = v32qi(v8su(c) >> 4) & nibble;
    const v32qi lo = c & nibble;
    invalid |= __builtin_ia32_pshufb256(lo_lut, lo) & __builtin_ia32_pshufb256(hi_lut, hi);
    // Wrapping byte sums (unsigned lanes).
    const v32qu off = v32qu(__builtin_ia32_pshufb256(off_lut, hi)) + v32qu(v32qi(c == special) & fix);
    const v32qi v = v32qi(v32qu(c) + off);  // 6-bit values
    const v8si m = __builtin_ia32_pmaddwd256(__builtin_ia32_pmaddubsw256(v, pack1), v16hi(pack2));  // 24 bits per 4 symbols
    const v32qi b = __builtin_ia32_pshufb256(v32qi(m), order);  // 12 bytes per 128-bit lane
    std::memcpy(out, &b, 16);
    std::memcpy(out + 12, reinterpret_cast<const char*>(&b) + 16, 16);
  }
  const v4di any = v4di(invalid);
  bad |= (any[0] | any[1] | any[2] | any[3]) == 0 ? 0u : 0xff000000u;
  return i;
}

__attribute__((target("avx2"))) TESSERA_DECL std::size_t encode_blocks_avx2(const std::uint8_t* p, std::size_t n, char* out,
                                                                     bool url) noexcept {
  const v32qi gather = {1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,  //
                        1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10};
  const v16hu mask_hi = v16hu(splat<v8su>(0x0fc0fc00u)), mul_hi = v16hu(splat<v8su>(0x04000040u));
  const v16hu mask_lo = v16hu(splat<v8su>(0x003f03f0u)), mul_lo = v16hu(splat<v8su>(0x01000010u));
  // Offset by class: 0 for values 26-51 ('a' - 26), 1-10 for 52-61 ('0' - 52), 11 for 62, 12 for
  // 63, 13 for 0-25 ('A').
  const char s62 = static_cast<char>(url ? '-' - 62 : '+' - 62), s63 = static_cast<char>(url ? '_' - 63 : '/' - 63);
  const v32qi offsets = {'a' - 26, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, s62, s63, 'A', 0, 0,  //
                         'a' - 26, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, s62, s63, 'A', 0, 0};
  const v32qu c51 = splat<v32qu>(static_cast<unsigned char>(51));
  const v32qi c26 = splat<v32qi>(char{26}), c13 = splat<v32qi>(char{13});
  std::size_t i = 0;
  for (; i + 28 <= n; i += 24, out += 32) {
    v2di lo, hi;  // bytes i..i+15 and i+12..i+27: 12 used in each lane
    std::memcpy(&lo, p + i, 16);
    std::memcpy(&hi, p + i + 12, 16);
    const v4di both = __builtin_ia32_insert128i256(__builtin_shufflevector(lo, lo, 0, 1, -1, -1), hi, 1);
    const v32qi in = __builtin_ia32_pshufb256(v32qi(both), gather);
    const v16hu hi6 = v16hu(__builtin_ia32_pmulhuw256(v16hi(v16hu(in) & mask_hi), v16hi(mul_hi)));
    const v32qu v = v32qu(hi6 | ((v16hu(in) & mask_lo) * mul_lo));
    // The class: v - 51 (0 below 52, saturating), or 13 for values below 26.
    const v32qi cls = v32qi((v > c51 ? v : c51) - c51) | (v32qi(c26 > v32qi(v)) & c13);
    const v32qu sym = v + v32qu(__builtin_ia32_pshufb256(offsets, cls));
    std::memcpy(out, &sym, 32);
  }
  return i;
}

}  // namespace tessera::core::detail_b64
