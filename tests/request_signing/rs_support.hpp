#pragma once
// Shared fixtures of the request_signing tests: keys parsed once per test binary (the one RSA
// key generated at run time is generated once), a reference instant, and an order request.

#include <cstdint>
#include <string>

#include "support/test_keys.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/request_signing/request.hpp"

namespace rs_test {

// 2024-05-17T07:12:50Z = 2024-05-17T14:12:50+07:00.
inline constexpr std::int64_t t0 = 1715929970;

// The fixed RSA-2048 test key.
inline const tessera::crypto::private_key& rsa_a() {
  static const auto k = tessera::crypto::private_key::from_pem(tessera_test::keys::rsa2048_private_pkcs8).value();
  return k;
}
// A second RSA-2048 key for rotation, generated once per test binary.
inline const tessera::crypto::private_key& rsa_b() {
  static const auto k = tessera::crypto::private_key::generate(tessera::crypto::key_spec::rsa2048).value();
  return k;
}
// The fixed P-256 test key.
inline const tessera::crypto::private_key& p256() {
  static const auto k = tessera::crypto::private_key::from_pem(tessera_test::keys::p256_private_pkcs8).value();
  return k;
}
// The fixed Ed25519 test key.
inline const tessera::crypto::private_key& ed25519() {
  static const auto k = tessera::crypto::private_key::from_pem(tessera_test::keys::ed25519_private_pkcs8).value();
  return k;
}
// The fixed RSA-1024 test key, parsed with the explicit opt-in.
inline const tessera::crypto::private_key& rsa1024() {
  static const auto k = tessera::crypto::private_key::from_pem(
                            tessera_test::keys::rsa1024_private_pkcs8,
                            tessera::crypto::key_policy::dangerously_allow_rsa_bits(1024))
                            .value();
  return k;
}
// The SPKI PEM of a key.
inline std::string public_pem(const tessera::crypto::private_key& k) { return k.public_key().value().to_pem().value(); }

// A partner's order call: POST with a query and a JSON body, and a bearer token.
inline tessera::request_signing::request order_request() {
  tessera::request_signing::request r("POST", "/api/v1/orders", "store=oslo&dry_run=false",
                                      R"({"sku":"A-1","qty":2,"external_id":"ord-991"})");
  r.set_header("Content-Type", "application/json");
  r.set_header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJjbGllbnRfaWQiOiJwYXJ0bmVyLTQyIn0.c2ln");
  return r;
}

}  // namespace rs_test
