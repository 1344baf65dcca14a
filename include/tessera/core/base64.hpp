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

inline std::size_t encode(bytes_view in, char* out, const char* alphabet, bool pad) noexcept {
  const std::uint8_t* p = in.data();
  std::size_t n = in.size(), o = 0, i = 0;
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

// Decodes unpadded symbols (in.size() % 4 != 1 already checked) into out (large enough).
inline bool decode_unpadded(std::string_view in, std::uint8_t* out, const shifted_tables& st) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const auto& t0 = st.t[0];
  const auto& t1 = st.t[1];
  const auto& t2 = st.t[2];
  const auto& t3 = st.t[3];
  std::size_t n = in.size(), i = 0;
  std::uint32_t bad = 0;
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
  if (!detail_b64::decode_unpadded(in.substr(0, in.size() - pad), out.data(), detail_b64::std_shifted))
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
