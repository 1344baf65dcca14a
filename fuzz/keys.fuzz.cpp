// Fuzzes public and private key parsing (crypto/public_key.hpp, crypto/private_key.hpp): PEM,
// DER SubjectPublicKeyInfo and JWK. Properties: never crashes; a public key that parses
// exports to a JWK that parses back to the same key (same RFC 7638 thumbprint).
#include "fuzz_support.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/crypto/public_key.hpp"

namespace {
using namespace tessera;

void round_trip(const crypto::public_key& k) {
  auto again = crypto::public_key::from_jwk(k.to_jwk());
  tessera_fuzz::require(again.has_value(), "an exported JWK parses");
  tessera_fuzz::require(again->thumbprint() == k.thumbprint(), "the JWK round trip keeps the key");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = tessera_fuzz::text(data, size);
  if (auto k = crypto::public_key::from_pem(in)) round_trip(*k);
  if (auto k = crypto::public_key::from_der(core::bytes_view(data, size))) round_trip(*k);
  if (auto k = crypto::public_key::from_jwk(in)) round_trip(*k);
  if (auto k = crypto::private_key::from_pem(in)) (void)k->public_key();
  return 0;
}
