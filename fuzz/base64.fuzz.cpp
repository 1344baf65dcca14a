// Fuzzes the strict base64url, base64 and hex decoders (core/base64.hpp, core/hex.hpp).
// Properties: decoding never crashes; whatever decodes is canonical, so encoding the bytes gives
// back the very input (no padding, stray bits or whitespace slip through); the size functions
// agree with the decoders; and each decoder (the AVX2 path of long inputs included) accepts
// exactly the texts the reference decoder in fuzz_support.hpp accepts, with the same bytes, so a
// valid text is never refused either. The *_into forms agree with the allocating ones.
#include <array>

#include "fuzz_support.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/hex.hpp"

namespace {
using namespace tessera;
using tessera_fuzz::byte_vec;
using tessera_fuzz::require;

// True when a decoder's result and the reference's agree on acceptance and bytes.
template <class R>
bool agrees(const R& got, const std::optional<byte_vec>& want) {
  if (got.has_value() != want.has_value()) return false;
  return !got || byte_vec(got->begin(), got->end()) == *want;
}

// True when an *_into decode into a large enough buffer agrees with the reference.
bool into_agrees(const result<std::size_t>& n, const std::uint8_t* buf, const std::optional<byte_vec>& want) {
  if (n.has_value() != want.has_value()) return false;
  return !n || byte_vec(buf, buf + *n) == *want;
}
}  // namespace

// One input, through every decoder and its reference.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = tessera_fuzz::text(data, size);
  if (size > 65536) return 0;
  static std::array<std::uint8_t, 65536> buf;

  auto url = core::base64url_decode(in);
  if (url) {
    require(core::base64url_encode(*url) == in, "base64url: decode then encode gives the input");
    auto n = core::base64url_decoded_size(in.size());
    require(n && *n == url->size(), "base64url: decoded size matches");
  }
  const auto url_ref = tessera_fuzz::ref_base64_decode(in, true, false);
  require(agrees(url, url_ref), "base64url: decoder = reference");
  require(into_agrees(core::base64url_decode_into(in, buf), buf.data(), url_ref), "base64url_decode_into = reference");

  auto std64 = core::base64_decode(in);
  if (std64) {
    require(core::base64_encode(*std64) == in, "base64: decode then encode gives the input");
    auto n = core::base64_decoded_size(in);
    require(n && *n == std64->size(), "base64: decoded size matches");
  }
  const auto std_ref = tessera_fuzz::ref_base64_decode(in, false, true);
  require(agrees(std64, std_ref), "base64: decoder = reference");
  require(into_agrees(core::base64_decode_into(in, buf), buf.data(), std_ref), "base64_decode_into = reference");

  auto hex = core::hex_decode(in);
  const auto hex_ref = tessera_fuzz::ref_hex_decode(in);
  require(agrees(hex, hex_ref), "hex: decoder = reference");
  require(into_agrees(core::hex_decode_into(in, buf), buf.data(), hex_ref), "hex_decode_into = reference");
  if (hex_ref) {
    std::string lower(in);
    for (auto& c : lower) c = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    require(core::hex_encode(*hex) == lower, "hex: decode then encode gives the input in lower case");
  }
  return 0;
}
