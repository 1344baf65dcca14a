#pragma once
// The AVX2 kernels of core/base64.hpp (see TESSERA_DECL in config.hpp): kept out of the header in
// the separately compiled mode, with the <immintrin.h> they need.

#include <immintrin.h>

#include "tessera/core/base64.hpp"

namespace tessera::core::detail_b64 {

__attribute__((target("avx2"))) TESSERA_DECL std::size_t decode_blocks_avx2(const unsigned char* s, std::size_t n,
                                                                     std::uint8_t* out, const avx2_tables& t,
                                                                     std::uint32_t& bad) noexcept {
  const __m256i lo_lut = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t.lo.data())));
  const __m256i hi_lut = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t.hi.data())));
  const __m256i off_lut = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t.off.data())));
  const __m256i nibble = _mm256_set1_epi8(0x0f), special = _mm256_set1_epi8(static_cast<char>(t.special));
  const __m256i fix = _mm256_set1_epi8(t.fix);
  const __m256i pack1 = _mm256_set1_epi32(0x01400140), pack2 = _mm256_set1_epi32(0x00011000);
  const __m256i order = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,  //
                                         2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  std::size_t i = 0;
  __m256i invalid = _mm256_setzero_si256();
  for (; i + 38 <= n; i += 32, out += 24) {
    const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i));
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi32(c, 4), nibble);
    const __m256i lo = _mm256_and_si256(c, nibble);
    invalid = _mm256_or_si256(invalid, _mm256_and_si256(_mm256_shuffle_epi8(lo_lut, lo), _mm256_shuffle_epi8(hi_lut, hi)));
    const __m256i off = _mm256_add_epi8(_mm256_shuffle_epi8(off_lut, hi), _mm256_and_si256(_mm256_cmpeq_epi8(c, special), fix));
    const __m256i v = _mm256_add_epi8(c, off);                                    // 6-bit values
    const __m256i m = _mm256_madd_epi16(_mm256_maddubs_epi16(v, pack1), pack2);  // 24 bits per 4 symbols
    const __m256i b = _mm256_shuffle_epi8(m, order);                             // 12 bytes per 128-bit lane
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm256_castsi256_si128(b));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 12), _mm256_extracti128_si256(b, 1));
  }
  bad |= _mm256_testz_si256(invalid, invalid) ? 0u : 0xff000000u;
  return i;
}

__attribute__((target("avx2"))) TESSERA_DECL std::size_t encode_blocks_avx2(const std::uint8_t* p, std::size_t n, char* out,
                                                                     bool url) noexcept {
  const __m256i gather = _mm256_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,  //
                                          1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
  const __m256i mask_hi = _mm256_set1_epi32(0x0fc0fc00), mul_hi = _mm256_set1_epi32(0x04000040);
  const __m256i mask_lo = _mm256_set1_epi32(0x003f03f0), mul_lo = _mm256_set1_epi32(0x01000010);
  // Offset by class: 0 for values 26-51 ('a' - 26), 1-10 for 52-61 ('0' - 52), 11 for 62, 12 for
  // 63, 13 for 0-25 ('A').
  const char s62 = static_cast<char>(url ? '-' - 62 : '+' - 62), s63 = static_cast<char>(url ? '_' - 63 : '/' - 63);
  const __m256i offsets = _mm256_setr_epi8('a' - 26, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, s62, s63, 'A', 0, 0,  //
                                           'a' - 26, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, s62, s63, 'A', 0, 0);
  const __m256i c51 = _mm256_set1_epi8(51), c26 = _mm256_set1_epi8(26), c13 = _mm256_set1_epi8(13);
  std::size_t i = 0;
  for (; i + 28 <= n; i += 24, out += 32) {
    const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 12));
    const __m256i in = _mm256_shuffle_epi8(_mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1), gather);
    const __m256i v = _mm256_or_si256(_mm256_mulhi_epu16(_mm256_and_si256(in, mask_hi), mul_hi),
                                      _mm256_mullo_epi16(_mm256_and_si256(in, mask_lo), mul_lo));
    const __m256i cls = _mm256_or_si256(_mm256_subs_epu8(v, c51), _mm256_and_si256(_mm256_cmpgt_epi8(c26, v), c13));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_add_epi8(v, _mm256_shuffle_epi8(offsets, cls)));
  }
  return i;
}

}  // namespace tessera::core::detail_b64
