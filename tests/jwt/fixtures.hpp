#pragma once
// Shared fixtures for the JWT tests: keys generated once per test binary, hand-made tokens
// (exact header and claims bytes, signed with a real key), a copyable fixed clock, and a
// readable printout of tessera::errc in Catch2 messages.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "support/catch.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/jwt.hpp"

namespace Catch {
template <>
struct StringMaker<tessera::errc> {
  static std::string convert(tessera::errc e) { return std::string(tessera::core::name(e)); }
};
}  // namespace Catch

namespace jwt_test {

using namespace tessera;

// The instant most rule tests treat as "now" (2023-11-14T22:13:20Z).
inline constexpr std::int64_t t0 = 1'700'000'000;

// A copyable clock fixed at construction (manual_clock holds an atomic and is shared by reference).
struct fixed_clock {
  std::int64_t at = t0;
  std::chrono::system_clock::time_point now() const noexcept {
    return std::chrono::system_clock::time_point(std::chrono::seconds(at));
  }
};
static_assert(core::clock<fixed_clock>);

// Key material generated once per test binary (RSA generation is the slow part).
struct key_material {
  crypto::private_key rsa, p256, p384, p521, ed25519;
  std::string hs256, hs384, hs512;  // raw HMAC secrets, exactly as long as each hash
};

inline key_material generate_key_material() {
  auto secret = [](std::size_t n) {
    auto b = core::random_bytes(n).value();
    return std::string(b.begin(), b.end());
  };
  return key_material{crypto::private_key::generate(crypto::key_spec::rsa2048).value(),
                      crypto::private_key::generate(crypto::key_spec::p256).value(),
                      crypto::private_key::generate(crypto::key_spec::p384).value(),
                      crypto::private_key::generate(crypto::key_spec::p521).value(),
                      crypto::private_key::generate(crypto::key_spec::ed25519).value(),
                      secret(32), secret(48), secret(64)};
}

inline const key_material& keys() {
  static const key_material k = generate_key_material();
  return k;
}

inline constexpr jwt::alg all_algs[] = {jwt::alg::hs256, jwt::alg::hs384, jwt::alg::hs512, jwt::alg::rs256,
                                        jwt::alg::rs384, jwt::alg::rs512, jwt::alg::ps256, jwt::alg::ps384,
                                        jwt::alg::ps512, jwt::alg::es256, jwt::alg::es384, jwt::alg::es512,
                                        jwt::alg::eddsa};

// The private key that fits an asymmetric algorithm.
inline const crypto::private_key& private_for(jwt::alg a) {
  const auto& k = keys();
  switch (a) {
    case jwt::alg::es256: return k.p256;
    case jwt::alg::es384: return k.p384;
    case jwt::alg::es512: return k.p521;
    case jwt::alg::eddsa: return k.ed25519;
    default: return k.rsa;
  }
}

// The HMAC secret that fits an HMAC algorithm.
inline const std::string& secret_for(jwt::alg a) {
  const auto& k = keys();
  return a == jwt::alg::hs384 ? k.hs384 : a == jwt::alg::hs512 ? k.hs512 : k.hs256;
}

// A signing key for the algorithm, from the shared key material.
inline jwt::signing_key signer(jwt::alg a, std::string kid = {}) {
  if (jwt::is_hmac(a)) return jwt::signing_key::hmac(a, secret_for(a), std::move(kid)).value();
  return jwt::signing_key::asymmetric(a, private_for(a), std::move(kid)).value();
}

// The matching verification key.
inline jwt::verification_key verifier_key(jwt::alg a, std::string kid = {}) {
  return signer(a, std::move(kid)).verification().value();
}

inline std::string b64(std::string_view s) { return core::base64url_encode(s); }

// header.payload.signature from already-encoded segments.
inline std::string join(std::string_view h, std::string_view p, std::string_view s) {
  std::string t;
  t.append(h).append(".").append(p).append(".").append(s);
  return t;
}

// A token with exactly these header and claims bytes, signed with the key over the encoded segments.
inline std::string make_token(std::string_view header_json, std::string_view claims_json, const jwt::signing_key& k) {
  std::string input = b64(header_json) + "." + b64(claims_json);
  auto sig = k.sign(input).value();
  return input + "." + core::base64url_encode(sig);
}

// The same, from already-encoded header and claims segments (to plant padding or stray bits).
inline std::string make_token_raw(std::string_view header_b64, std::string_view claims_b64, const jwt::signing_key& k) {
  std::string input = std::string(header_b64) + "." + std::string(claims_b64);
  auto sig = k.sign(input).value();
  return input + "." + core::base64url_encode(sig);
}

// Rules that take no position on issuer and audience (each test adds what it checks).
inline jwt::rules::builder lax_builder() {
  jwt::rules::builder b;
  b.ignore_issuer().ignore_audience();
  return b;
}
inline jwt::rules lax_rules() { return lax_builder().build().value(); }

// A claims object valid at t0 for an hour.
inline std::string valid_claims(std::string_view extra = {}) {
  std::string s = R"({"sub":"alice","iat":)" + std::to_string(t0 - 10) + R"(,"exp":)" + std::to_string(t0 + 3600);
  if (!extra.empty()) s.append(",").append(extra);
  s.append("}");
  return s;
}

}  // namespace jwt_test
