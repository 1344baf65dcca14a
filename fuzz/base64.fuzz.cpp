// Fuzzes the strict base64url and base64 decoders (core/base64.hpp). Properties: decoding never
// crashes; whatever decodes is canonical, so encoding the bytes gives back the very input (no
// padding, stray bits or whitespace slip through); the size functions agree with the decoders.
#include "fuzz_support.hpp"
#include "tessera/core/base64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tessera;
  const std::string_view in = tessera_fuzz::text(data, size);

  if (auto url = core::base64url_decode(in)) {
    tessera_fuzz::require(core::base64url_encode(*url) == in, "base64url: decode then encode gives the input");
    auto n = core::base64url_decoded_size(in.size());
    tessera_fuzz::require(n && *n == url->size(), "base64url: decoded size matches");
  }
  if (auto std64 = core::base64_decode(in)) {
    tessera_fuzz::require(core::base64_encode(*std64) == in, "base64: decode then encode gives the input");
    auto n = core::base64_decoded_size(in);
    tessera_fuzz::require(n && *n == std64->size(), "base64: decoded size matches");
  }
  return 0;
}
