// 01 — quickstart: the building blocks every other example uses.
//
// tessera's verify paths never throw: they return result<T>, which holds either a value or a
// tessera::errc that says exactly what went wrong and which HTTP status to answer with.
#include <tessera/tessera.hpp>

#include <cstdio>

int main() {
  using namespace tessera;

  // A secret is generated once, kept in a cleansed buffer, and cannot be printed by accident.
  result<secret> key_bytes = core::random_secret(32);
  if (!key_bytes) return 1;

  // An HMAC key is keyed once; every sign/verify reuses the pre-keyed state.
  auto key = crypto::hmac_key::create(crypto::hash_alg::sha256, key_bytes->expose_secret());
  if (!key) return 1;

  auto tag = key->sign("hello, partner");
  if (!tag) return 1;
  std::printf("tag: %s\n", core::base64url_encode(*tag).c_str());

  // Verification is constant-time, and a failure is a value, not an exception.
  result<void> good = key->verify("hello, partner", *tag);
  result<void> bad = key->verify("hello, partnerX", *tag);
  std::printf("genuine message: %s\n", good ? "accepted" : "refused");
  std::printf("altered message: %s (%.*s -> HTTP %d)\n", bad ? "accepted" : "refused",
              static_cast<int>(core::name(bad.error()).size()), core::name(bad.error()).data(),
              core::http_status(bad.error()));
  return good && !bad ? 0 : 1;
}
