#pragma once
// The API-key checksum: CRC-32 (IEEE 802.3, the zlib/PNG polynomial) written as six base62
// digits, as GitHub's token format does. It is not a secret check: it lets a server, and any
// secret scanner, reject typos and garbage before a key costs a digest and a store lookup.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tessera/core/random.hpp"

namespace tessera::api_key {

namespace detail {
// Reflected form of the CRC-32 generator polynomial x^32 + x^26 + ... + x + 1 (0x04C11DB7).
inline constexpr std::uint32_t crc32_polynomial = 0xEDB88320u;

// The byte-at-a-time table, derived from the polynomial at compile time.
constexpr std::array<std::uint32_t, 256> make_crc32_table() noexcept {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ crc32_polynomial : c >> 1;
    t[i] = c;
  }
  return t;
}
inline constexpr auto crc32_table = make_crc32_table();

// Slicing-by-8 tables: slice[k][b] is the CRC contribution of byte b followed by k zero bytes,
// so eight bytes fold in with eight independent lookups instead of a chain of eight.
constexpr std::array<std::array<std::uint32_t, 256>, 8> make_crc32_slices() noexcept {
  std::array<std::array<std::uint32_t, 256>, 8> t{};
  t[0] = make_crc32_table();
  for (std::size_t k = 1; k < 8; ++k)
    for (std::size_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFFu];
  return t;
}
inline constexpr auto crc32_slices = make_crc32_slices();

// Four bytes as a little-endian 32-bit value (one load on little-endian machines).
constexpr std::uint32_t load_le32(const char* p) noexcept {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(p[0])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(p[2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(p[3])) << 24;
}

// Value of each base62 digit, or -1 for a byte outside the alphabet.
constexpr std::array<std::int8_t, 256> make_base62_table() noexcept {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < core::base62_alphabet.size(); ++i)
    t[static_cast<unsigned char>(core::base62_alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
inline constexpr auto base62_table = make_base62_table();
}  // namespace detail

// Number of base62 characters a checksum takes (62^6 > 2^32).
inline constexpr std::size_t checksum_length = 6;

// The checksum's text form: six base62 digits, most significant first, zero-padded.
using checksum_text = std::array<char, checksum_length>;

// CRC-32 (IEEE 802.3, reflected, init and final XOR 0xFFFFFFFF) of the bytes; crc32("123456789") == 0xCBF43926.
constexpr std::uint32_t crc32(std::string_view data) noexcept {
  const auto& t = detail::crc32_slices;
  std::uint32_t c = 0xFFFFFFFFu;
  const char* p = data.data();
  std::size_t n = data.size();
  for (; n >= 8; p += 8, n -= 8) {
    const std::uint32_t lo = detail::load_le32(p) ^ c;
    const std::uint32_t hi = detail::load_le32(p + 4);
    c = t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^ t[5][(lo >> 16) & 0xFFu] ^ t[4][lo >> 24] ^
        t[3][hi & 0xFFu] ^ t[2][(hi >> 8) & 0xFFu] ^ t[1][(hi >> 16) & 0xFFu] ^ t[0][hi >> 24];
  }
  if (n >= 4) {
    const std::uint32_t x = detail::load_le32(p) ^ c;
    c = t[3][x & 0xFFu] ^ t[2][(x >> 8) & 0xFFu] ^ t[1][(x >> 16) & 0xFFu] ^ t[0][x >> 24];
    p += 4;
    n -= 4;
  }
  for (; n > 0; ++p, --n) c = t[0][(c ^ static_cast<unsigned char>(*p)) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

// A 32-bit value as six base62 digits.
constexpr checksum_text encode_checksum(std::uint32_t value) noexcept {
  checksum_text out{};
  for (std::size_t i = checksum_length; i-- > 0;) {
    out[i] = core::base62_alphabet[value % 62];
    value /= 62;
  }
  return out;
}

// The checksum text of the given key body (everything in the key before the checksum).
constexpr checksum_text checksum_of(std::string_view body) noexcept { return encode_checksum(crc32(body)); }

// True when c is one of the 62 base62 characters.
constexpr bool is_base62(char c) noexcept { return detail::base62_table[static_cast<unsigned char>(c)] >= 0; }

namespace detail {
// Eight bytes as a little-endian 64-bit value (one load on little-endian machines).
constexpr std::uint64_t load_le64(const char* p) noexcept {
  return std::uint64_t{load_le32(p)} | std::uint64_t{load_le32(p + 4)} << 32;
}
inline constexpr std::uint64_t byte_ones = 0x0101010101010101ull;
inline constexpr std::uint64_t byte_highs = 0x8080808080808080ull;
// For eight ASCII bytes (all below 0x80): the high bit of each byte that lies in [lo, hi].
// Neither sum carries across bytes, since every byte and addend is below 0x80.
constexpr std::uint64_t bytes_in_range(std::uint64_t x, unsigned lo, unsigned hi) noexcept {
  return (x + byte_ones * (0x80u - lo)) & ~(x + byte_ones * (0x7Fu - hi)) & byte_highs;
}
}  // namespace detail

// True when every character of s is base62: eight characters at a time, then one at a time.
constexpr bool is_base62(std::string_view s) noexcept {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t all = detail::byte_highs;
  for (; n >= 8; p += 8, n -= 8) {
    const std::uint64_t x = detail::load_le64(p);
    const std::uint64_t ok = detail::bytes_in_range(x, '0', '9') | detail::bytes_in_range(x, 'A', 'Z') |
                             detail::bytes_in_range(x, 'a', 'z');
    all &= (x & detail::byte_highs) ? 0 : ok;
  }
  int bad = 0;
  for (; n > 0; ++p, --n) bad |= detail::base62_table[static_cast<unsigned char>(*p)];
  return all == detail::byte_highs && bad >= 0;
}

// True when `text` (six base62 characters) is the checksum of `body`. Decoding the six digits
// and comparing numbers is the same test as encoding the CRC and comparing text, since every
// value below 62^6 has exactly one six-digit form; it is just cheaper.
constexpr bool checksum_matches(std::string_view body, std::string_view text) noexcept {
  if (text.size() != checksum_length) return false;
  std::uint64_t v = 0;
  int bad = 0;
  for (char c : text) {
    const int d = detail::base62_table[static_cast<unsigned char>(c)];
    bad |= d;
    v = v * 62 + static_cast<std::uint64_t>(d & 63);
  }
  return bad >= 0 && v == crc32(body);
}

}  // namespace tessera::api_key
