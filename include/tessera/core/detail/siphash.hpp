#pragma once
// SipHash-2-4 with a 128-bit output (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
// 2012): a keyed hash for tables whose keys come from outside, so that nobody without the key can
// aim for collisions. Used by core::memory_replay_store to hold a digest of each key instead of
// the key.

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace tessera::core::detail {

// A 128-bit SipHash key, as two little-endian 64-bit words.
struct siphash_key {
  std::uint64_t k0 = 0, k1 = 0;
};

// Reads 8 bytes as a little-endian 64-bit word.
inline std::uint64_t load_le64(const unsigned char* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// SipHash-2-4-128 of `in`: the two 64-bit output words (the reference implementation writes each
// little-endian, first word first).
inline std::array<std::uint64_t, 2> siphash128(const siphash_key& key, std::string_view in) noexcept {
  std::uint64_t v0 = key.k0 ^ 0x736f6d6570736575ULL, v1 = key.k1 ^ 0x646f72616e646f6dULL,
                v2 = key.k0 ^ 0x6c7967656e657261ULL, v3 = key.k1 ^ 0x7465646279746573ULL;
  v1 ^= 0xee;  // the 128-bit variant
  auto round = [&]() noexcept {
    v0 += v1; v1 = std::rotl(v1, 13); v1 ^= v0; v0 = std::rotl(v0, 32);
    v2 += v3; v3 = std::rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = std::rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = std::rotl(v1, 17); v1 ^= v2; v2 = std::rotl(v2, 32);
  };
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size(), whole = n & ~std::size_t{7};
  for (std::size_t i = 0; i < whole; i += 8) {
    const std::uint64_t m = load_le64(p + i);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  std::uint64_t last = static_cast<std::uint64_t>(n & 0xff) << 56;  // the length, mod 256
  for (std::size_t i = whole; i < n; ++i) last |= static_cast<std::uint64_t>(p[i]) << (8 * (i - whole));
  v3 ^= last;
  round();
  round();
  v0 ^= last;
  v2 ^= 0xee;
  for (int i = 0; i < 4; ++i) round();
  const std::uint64_t first = v0 ^ v1 ^ v2 ^ v3;
  v1 ^= 0xdd;
  for (int i = 0; i < 4; ++i) round();
  return {first, v0 ^ v1 ^ v2 ^ v3};
}

}  // namespace tessera::core::detail
