#pragma once
// Hexadecimal (RFC 4648 §8 base16) encoding, lowercase, and strict decoding of either case.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"

namespace tessera::core {

namespace detail_hex {
inline constexpr char digits[] = "0123456789abcdef";
constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<std::int8_t>(i);
  for (int i = 0; i < 6; ++i) {
    t['a' + i] = static_cast<std::int8_t>(10 + i);
    t['A' + i] = static_cast<std::int8_t>(10 + i);
  }
  return t;
}
inline constexpr auto table = make_table();
}  // namespace detail_hex

// Writes 2 * in.size() lowercase hex digits to out; returns the count, or 0 if out is too small.
inline std::size_t hex_encode_into(bytes_view in, std::span<char> out) noexcept {
  if (out.size() < in.size() * 2) return 0;
  std::size_t o = 0;
  for (std::uint8_t b : in) {
    out[o++] = detail_hex::digits[b >> 4];
    out[o++] = detail_hex::digits[b & 15];
  }
  return o;
}
// Lowercase hex text of the bytes.
inline std::string hex_encode(bytes_view in) {
  std::string s(in.size() * 2, '\0');
  hex_encode_into(in, s);
  return s;
}
// Strictly decodes hex (even length, digits of either case, nothing else) into out without allocating.
inline result<std::size_t> hex_decode_into(std::string_view in, std::span<std::uint8_t> out) noexcept {
  if (in.size() % 2 != 0) return unexpected{errc::invalid_hex};
  if (out.size() < in.size() / 2) return unexpected{errc::buffer_too_small};
  std::int32_t bad = 0;
  for (std::size_t i = 0; i < in.size(); i += 2) {
    std::int32_t hi = detail_hex::table[static_cast<unsigned char>(in[i])];
    std::int32_t lo = detail_hex::table[static_cast<unsigned char>(in[i + 1])];
    bad |= hi | lo;
    out[i / 2] = static_cast<std::uint8_t>((static_cast<unsigned>(hi) << 4) | (static_cast<unsigned>(lo) & 15u));
  }
  if (bad < 0) return unexpected{errc::invalid_hex};
  return in.size() / 2;
}
// Strictly decodes hex into a new byte string.
inline result<bytes> hex_decode(std::string_view in) {
  if (in.size() % 2 != 0) return unexpected{errc::invalid_hex};
  bytes out(in.size() / 2);
  auto r = hex_decode_into(in, out);
  if (!r) return unexpected{r.error()};
  return out;
}

}  // namespace tessera::core
