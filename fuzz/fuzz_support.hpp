#pragma once
// Shared by the libFuzzer targets: splitting one input into fields, a check that aborts (so
// libFuzzer saves the input) when a property the target states does not hold, and the reference
// decoders the differential targets hold tessera's to. The references are written for clarity,
// not speed, and share no code with the library: one bit-accumulator loop for base64 in both
// alphabets, a character search for hex.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

namespace tessera_fuzz {

// The fuzzing HMAC key, 32 bytes: the HS256 verifiers of the JWT and authenticator targets use
// it, and their token seeds are signed with it.
inline constexpr std::string_view hs256_key = "tessera-fuzz-hs256-key-012345678";

// The input as text.
inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The input cut at each '\n' into at most n fields (the last keeps the rest, '\n' included).
inline std::vector<std::string_view> fields(std::string_view in, std::size_t n) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < n) {
    auto nl = in.find('\n');
    if (nl == std::string_view::npos) break;
    out.push_back(in.substr(0, nl));
    in.remove_prefix(nl + 1);
  }
  out.push_back(in);
  while (out.size() < n) out.emplace_back();
  return out;
}

// Aborts with a message when a stated property fails.
inline void require(bool ok, const char* property) {
  if (!ok) {
    std::fprintf(stderr, "property failed: %s\n", property);
    std::abort();
  }
}

// Bytes, as the references produce them.
using byte_vec = std::vector<std::uint8_t>;

// Reference strict base64 decoder (RFC 4648 §4 when url is false, §5 when true). Unpadded: no
// '=' at all, and a length that is not 1 more than a multiple of 4. Padded: a multiple of 4
// long, with exactly the '=' an encoder writes. Both: every other character in the alphabet and
// the bits below the last whole byte zero. nullopt for anything else.
inline std::optional<byte_vec> ref_base64_decode(std::string_view in, bool url, bool padded) {
  const std::string_view alphabet = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                                        : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (padded) {
    if (in.size() % 4 != 0) return std::nullopt;
    std::size_t pad = 0;
    while (pad < 2 && pad < in.size() && in[in.size() - 1 - pad] == '=') ++pad;
    in.remove_suffix(pad);
    if (pad != 0 && in.size() % 4 != 4 - pad) return std::nullopt;  // "==" after 2 symbols, "=" after 3
  } else if (in.size() % 4 == 1) {
    return std::nullopt;
  }
  byte_vec out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const std::size_t v = alphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;  // '=' included
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return std::nullopt;  // stray bits below the last byte
  return out;
}

// Reference strict hex decoder: an even number of digits of either case, nothing else.
inline std::optional<byte_vec> ref_hex_decode(std::string_view in) {
  constexpr std::string_view lower = "0123456789abcdef", upper = "0123456789ABCDEF";
  if (in.size() % 2 != 0) return std::nullopt;
  byte_vec out;
  for (std::size_t i = 0; i < in.size(); i += 2) {
    unsigned v = 0;
    for (std::size_t k = i; k < i + 2; ++k) {
      std::size_t d = lower.find(in[k]);
      if (d == std::string_view::npos) d = upper.find(in[k]);
      if (d == std::string_view::npos) return std::nullopt;
      v = v * 16 + static_cast<unsigned>(d);
    }
    out.push_back(static_cast<std::uint8_t>(v));
  }
  return out;
}

}  // namespace tessera_fuzz
