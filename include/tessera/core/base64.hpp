#pragma once
// Strict base64 (RFC 4648 §4, padded) and base64url (RFC 4648 §5, unpadded) encoding and decoding.
//
// Decoders refuse, with errc::invalid_base64: any character outside the alphabet (whitespace
// included), a length that cannot come from an encoder, non-zero trailing bits, and for base64url
// any '=' at all; for standard base64 the padding must be exactly what the encoder writes.
// The *_into forms write to the caller's buffer and never allocate.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"

namespace tessera::core {

namespace detail_b64 {
inline constexpr char std_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_table(const char* alphabet) {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
inline constexpr auto std_table = make_table(std_alphabet);
inline constexpr auto url_table = make_table(url_alphabet);

// Four tables per alphabet, each holding a symbol's 6 bits pre-shifted to its place in a 24-bit
// group, or 0xff000000 for a byte outside the alphabet: a group decodes with four loads and ORs.
struct shifted_tables {
  std::array<std::uint32_t, 256> t[4];
};
constexpr shifted_tables make_shifted(const std::array<std::int8_t, 256>& base) {
  shifted_tables s{};
  for (int c = 0; c < 256; ++c) {
    for (int k = 0; k < 4; ++k) {
      s.t[k][c] = base[c] < 0 ? 0xff000000u : static_cast<std::uint32_t>(base[c]) << (18 - 6 * k);
    }
  }
  return s;
}
inline constexpr shifted_tables std_shifted = make_shifted(std_table);
inline constexpr shifted_tables url_shifted = make_shifted(url_table);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// True when the CPU runs AVX2 (checked once).
inline bool cpu_has_avx2() noexcept {
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return yes;
}

// Nibble tables of the AVX2 decoder, one set per alphabet (url: '-' '_', else '+' '/').
// A byte is valid when lo[its low nibble] & hi[its high nibble] is 0: each high nibble that holds
// symbols has its own bit (4 and 6 share one, their symbols having the same low nibbles), set in
// `lo` for every low nibble that is not a symbol there; 0x80 marks the high nibbles that hold
// none. A symbol's value is the byte plus off[its high nibble], plus `fix` for the one symbol
// whose high nibble's other symbols need a different offset (url '_', standard '/').
struct avx2_tables {
  std::array<std::int8_t, 16> lo, hi, off;
  unsigned char special;
  std::int8_t fix;
};
constexpr avx2_tables make_avx2_tables(bool url) {
  avx2_tables t{};
  constexpr std::int8_t hi_bits[16] = {-128, -128, 0x01, 0x02, 0x04, 0x08, 0x04, 0x10, -128, -128, -128, -128, -128, -128, -128, -128};
  for (int l = 0; l < 16; ++l) {
    const bool sym2 = url ? l == 0xD : (l == 0xB || l == 0xF);  // '-', or '+' and '/'
    const bool sym5 = l <= 0xA || (url && l == 0xF);             // 'P'..'Z', and url '_'
    int bits = 0x80;
    if (!sym2) bits |= 0x01;
    if (l > 9) bits |= 0x02;         // '0'..'9'
    if (l == 0) bits |= 0x04;        // 'A'..'O', 'a'..'o' ('@' and '`' are not symbols)
    if (!sym5) bits |= 0x08;
    if (l > 0xA) bits |= 0x10;       // 'p'..'z'
    t.lo[l] = static_cast<std::int8_t>(bits - (bits > 127 ? 256 : 0));
    t.hi[l] = hi_bits[l];
  }
  t.off = {0, 0, static_cast<std::int8_t>(url ? 62 - '-' : 62 - '+'), 52 - '0', -'A', -'A', 26 - 'a', 26 - 'a', 0, 0, 0, 0, 0, 0, 0, 0};
  t.special = url ? '_' : '/';
  t.fix = static_cast<std::int8_t>(url ? (63 - '_') - (-'A') : (63 - '/') - (62 - '+'));
  return t;
}
inline constexpr avx2_tables url_avx2 = make_avx2_tables(true);
inline constexpr avx2_tables std_avx2 = make_avx2_tables(false);

// Decodes whole 32-symbol blocks with AVX2 while at least 6 more symbols follow a block, so the
// 4 bytes each block writes past its 24 land on output still to come (never past the decoded
// size). Returns the number of symbols consumed; an invalid symbol sets `bad`'s top byte, as the
// scalar tables do.
__attribute__((target("avx2"))) TESSERA_DECL std::size_t decode_blocks_avx2(const unsigned char* s, std::size_t n,
                                                                     std::uint8_t* out, const avx2_tables& t,
                                                                     std::uint32_t& bad) noexcept;

// Encodes whole 24-byte blocks with AVX2 while 4 more bytes follow a block (each 128-bit lane
// loads 16 bytes and uses 12); returns the number of bytes consumed, a multiple of 24, having
// written 32 symbols for each block. For each 3-byte group a b c, a lane's shuffle gathers
// b a c b, so that the 16-bit words a:b and b:c hold the group's four 6-bit values at bits 15-10
// and 9-4, and 11-6 and 5-0; a high and a low multiply by powers of two move each value to its own
// byte. A value becomes its symbol by adding the offset of its class (A-Z, a-z, 0-9, and the two
// alphabet-specific symbols), looked up with one byte shuffle.
__attribute__((target("avx2"))) TESSERA_DECL std::size_t encode_blocks_avx2(const std::uint8_t* p, std::size_t n, char* out,
                                                                     bool url) noexcept;
#endif

// Encodes the bytes with the alphabet, padded or not; returns the number of symbols written.
inline std::size_t encode(bytes_view in, char* out, const char* alphabet, bool pad) noexcept {
  const std::uint8_t* p = in.data();
  std::size_t n = in.size(), o = 0, i = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (n >= 28 && cpu_has_avx2()) {  // a JWT's header, claims and signature are all this long
    i = encode_blocks_avx2(p, n, out, alphabet[62] == '-');
    o = i / 3 * 4;
  }
#endif
  for (; i + 3 <= n; i += 3) {
    std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
    out[o++] = alphabet[(v >> 18) & 63];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63];
    out[o++] = alphabet[v & 63];
  }
  if (n - i == 1) {
    std::uint32_t v = std::uint32_t{p[i]} << 16;
    out[o++] = alphabet[(v >> 18) & 63];
    out[o++] = alphabet[(v >> 12) & 63];
    if (pad) { out[o++] = '='; out[o++] = '='; }
  } else if (n - i == 2) {
    std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8);
    out[o++] = alphabet[(v >> 18) & 63];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63];
    if (pad) out[o++] = '=';
  }
  return o;
}

// Decodes unpadded symbols (in.size() % 4 != 1 already checked) into out (large enough).
// `url` names the alphabet for the AVX2 path (long inputs): base64url, else standard base64.
inline bool decode_unpadded(std::string_view in, std::uint8_t* out, const shifted_tables& st, bool url = true) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const auto& t0 = st.t[0];
  const auto& t1 = st.t[1];
  const auto& t2 = st.t[2];
  const auto& t3 = st.t[3];
  std::size_t n = in.size(), i = 0;
  std::uint32_t bad = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (n >= 38 && cpu_has_avx2()) {
    i = decode_blocks_avx2(s, n, out, url ? url_avx2 : std_avx2, bad);
    out += i / 4 * 3;
  }
#else
  (void)url;
#endif
  for (; i + 4 <= n; i += 4, out += 3) {
    std::uint32_t v = t0[s[i]] | t1[s[i + 1]] | t2[s[i + 2]] | t3[s[i + 3]];
    bad |= v;
    out[0] = static_cast<std::uint8_t>(v >> 16);
    out[1] = static_cast<std::uint8_t>(v >> 8);
    out[2] = static_cast<std::uint8_t>(v);
  }
  std::size_t rest = n - i;
  if (rest == 2) {
    std::uint32_t v = t0[s[i]] | t1[s[i + 1]];
    bad |= v | (v & 0x0000ffffu ? 0xff000000u : 0u);  // non-zero trailing bits
    out[0] = static_cast<std::uint8_t>(v >> 16);
  } else if (rest == 3) {
    std::uint32_t v = t0[s[i]] | t1[s[i + 1]] | t2[s[i + 2]];
    bad |= v | (v & 0x000000ffu ? 0xff000000u : 0u);
    out[0] = static_cast<std::uint8_t>(v >> 16);
    out[1] = static_cast<std::uint8_t>(v >> 8);
  }
  return (bad & 0xff000000u) == 0;
}
}  // namespace detail_b64

// Length of the unpadded base64url text for n bytes.
constexpr std::size_t base64url_encoded_size(std::size_t n) noexcept { return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1); }
// Length of the padded base64 text for n bytes.
constexpr std::size_t base64_encoded_size(std::size_t n) noexcept { return (n + 2) / 3 * 4; }

// Encodes into out (at least base64url_encoded_size(in.size()) chars); returns the length written.
inline std::size_t base64url_encode_into(bytes_view in, std::span<char> out) noexcept {
  if (out.size() < base64url_encoded_size(in.size())) return 0;
  return detail_b64::encode(in, out.data(), detail_b64::url_alphabet, false);
}
// Unpadded base64url text of the bytes.
inline std::string base64url_encode(bytes_view in) {
  std::string s(base64url_encoded_size(in.size()), '\0');
  detail_b64::encode(in, s.data(), detail_b64::url_alphabet, false);
  return s;
}
// Appends the unpadded base64url text of the bytes to out.
inline void base64url_append(std::string& out, bytes_view in) {
  auto at = out.size();
  out.resize(at + base64url_encoded_size(in.size()));
  detail_b64::encode(in, out.data() + at, detail_b64::url_alphabet, false);
}
// Padded standard base64 text of the bytes.
inline std::string base64_encode(bytes_view in) {
  std::string s(base64_encoded_size(in.size()), '\0');
  detail_b64::encode(in, s.data(), detail_b64::std_alphabet, true);
  return s;
}

// Exact decoded size of a base64url text, or invalid_base64 when no encoder writes that length.
inline result<std::size_t> base64url_decoded_size(std::size_t text_len) noexcept {
  if (text_len % 4 == 1) return unexpected{errc::invalid_base64};
  return text_len / 4 * 3 + (text_len % 4 == 0 ? 0 : text_len % 4 - 1);
}

// Strictly decodes base64url into out without allocating; returns the number of bytes written.
inline result<std::size_t> base64url_decode_into(std::string_view in, std::span<std::uint8_t> out) noexcept {
  auto size = base64url_decoded_size(in.size());
  if (!size) return size;
  if (out.size() < *size) return unexpected{errc::buffer_too_small};
  if (!detail_b64::decode_unpadded(in, out.data(), detail_b64::url_shifted)) return unexpected{errc::invalid_base64};
  return *size;
}
// Strictly decodes base64url into a new byte string.
inline result<bytes> base64url_decode(std::string_view in) {
  auto size = base64url_decoded_size(in.size());
  if (!size) return unexpected{size.error()};
  bytes out(*size);
  if (!detail_b64::decode_unpadded(in, out.data(), detail_b64::url_shifted)) return unexpected{errc::invalid_base64};
  return out;
}

// Exact decoded size of a padded base64 text, or invalid_base64 for a length or padding no encoder writes.
inline result<std::size_t> base64_decoded_size(std::string_view in) noexcept {
  if (in.size() % 4 != 0) return unexpected{errc::invalid_base64};
  std::size_t pad = 0;
  if (!in.empty() && in.back() == '=') pad = (in.size() >= 2 && in[in.size() - 2] == '=') ? 2 : 1;
  return in.size() / 4 * 3 - pad;
}
// Strictly decodes padded base64 into out without allocating; returns the number of bytes written.
inline result<std::size_t> base64_decode_into(std::string_view in, std::span<std::uint8_t> out) noexcept {
  auto size = base64_decoded_size(in);
  if (!size) return size;
  if (out.size() < *size) return unexpected{errc::buffer_too_small};
  std::size_t pad = in.size() / 4 * 3 - *size;
  // Any '=' left inside the unpadded symbols is outside the alphabet and is refused by the table.
  if (!detail_b64::decode_unpadded(in.substr(0, in.size() - pad), out.data(), detail_b64::std_shifted, false))
    return unexpected{errc::invalid_base64};
  return *size;
}
// Strictly decodes padded base64 into a new byte string.
inline result<bytes> base64_decode(std::string_view in) {
  auto size = base64_decoded_size(in);
  if (!size) return unexpected{size.error()};
  bytes out(*size);
  auto r = base64_decode_into(in, out);
  if (!r) return unexpected{r.error()};
  return out;
}

}  // namespace tessera::core

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/core/impl/base64.ipp"
#endif
