// Proves an embedding project can include the umbrella header, link, and compute an HMAC.
#include <tessera/tessera.hpp>

#include <cstdio>

int main() {
  // RFC 4231 test case 2.
  auto key = tessera::crypto::hmac_key::create(tessera::crypto::hash_alg::sha256, "Jefe");
  if (!key) return 1;
  auto tag = key->sign("what do ya want for nothing?");
  if (!tag) return 1;
  auto hex = tessera::core::hex_encode(*tag);
  std::printf("tessera %s: %s\n", tessera::version_string, hex.c_str());
  return hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" ? 0 : 1;
}
