// Proves an embedding project can include the umbrella header, link, and call tessera: an HMAC
// (header code in both modes) and a JWK thumbprint (compiled once in the separately compiled mode).
#include <tessera/tessera.hpp>

#include <cstdio>
#include <string>

#if defined(TESSERA_EXPECT_SEPARATE) != defined(TESSERA_SEPARATE_COMPILATION)
#error "tessera::tessera did not carry the build mode it was configured with"
#endif

int main() {
  // RFC 4231 test case 2.
  auto key = tessera::crypto::hmac_key::create(tessera::crypto::hash_alg::sha256, "Jefe");
  if (!key) return 1;
  auto tag = key->sign("what do ya want for nothing?");
  if (!tag) return 1;
  auto hex = tessera::core::hex_encode(*tag);
  std::printf("tessera %s: %s\n", tessera::version_string, hex.c_str());
  if (hex != "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") return 1;

  // RFC 8037 Appendix A.2 (the Ed25519 public key) and A.3 (its RFC 7638 thumbprint).
  auto pub = tessera::crypto::public_key::from_jwk(
      std::string_view(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"));
  if (!pub) return 2;
  const std::string thumb = pub->thumbprint();
  std::printf("RFC 8037 thumbprint: %s (%s)\n", thumb.c_str(),
#if defined(TESSERA_SEPARATE_COMPILATION)
              "separately compiled"
#else
              "header-only"
#endif
  );
  return thumb == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k" ? 0 : 3;
}
