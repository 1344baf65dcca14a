// Peer: jwt-cpp (Thalhammer/jwt-cpp, not packaged by Debian), built only when
// TESSERA_JWT_CPP_INCLUDE_DIR points at a checkout's include/ directory. Default JSON traits
// (its bundled picojson). One jwt::verifier, built once with allow_algorithm(<one algorithm with
// the parsed key>), with_issuer and with_audience, checks the algorithm, the signature, iss, aud,
// and exp, nbf and iat when present; exp is optional to jwt-cpp, so its presence is checked here
// with has_expires_at.

#include "peers.hpp"

#include <jwt-cpp/jwt.h>

#include <stdexcept>
#include <string>
#include <system_error>

#ifndef TESSERA_PEER_VERSION
#define TESSERA_PEER_VERSION "checkout"
#endif

namespace tessera_peers {
namespace {

using jwt_cpp_verifier_t = decltype(jwt::verify());

// The verifier jwt-cpp's README shows: keys parsed once, expectations set once.
jwt_cpp_verifier_t build_verifier(const config& c) {
  auto v = jwt::verify();
  const std::string pem(c.public_pem);
  switch (c.algorithm) {
    case alg::hs256: v.allow_algorithm(jwt::algorithm::hs256{std::string(c.hmac_secret)}); break;
    case alg::rs256: v.allow_algorithm(jwt::algorithm::rs256{pem}); break;
    case alg::es256: v.allow_algorithm(jwt::algorithm::es256{pem}); break;
    case alg::eddsa: v.allow_algorithm(jwt::algorithm::ed25519{pem}); break;
  }
  v.with_issuer(std::string(c.issuer)).with_audience(std::string(c.audience));
  return v;
}

// One jwt::verifier per algorithm.
class jwt_cpp_verifier final : public verifier {
 public:
  // Builds the verifier (throws when jwt-cpp refuses the key).
  explicit jwt_cpp_verifier(const config& c) : v_(build_verifier(c)) {}

  // jwt::decode, verifier::verify (alg, signature, iss, aud, exp/nbf/iat), then exp's presence.
  bool verify(const std::string& token) override {
    try {
      const auto decoded = jwt::decode(token);
      std::error_code ec;
      v_.verify(decoded, ec);
      return !ec && decoded.has_expires_at();
    } catch (const std::exception&) {
      return false;  // decode throws on malformed base64 or JSON
    }
  }

 private:
  jwt_cpp_verifier_t v_;
};

// HS256, RS256, ES256 and EdDSA (Ed25519).
bool jwt_cpp_supports(alg) { return true; }

// The factory peers.bench.cpp calls.
std::unique_ptr<verifier> make_jwt_cpp(const config& c) { return std::make_unique<jwt_cpp_verifier>(c); }

}  // namespace

// jwt-cpp's entry in the peers table.
peer jwt_cpp_peer() {
  return {"jwt-cpp", TESSERA_PEER_VERSION,
          "one jwt::verifier (allow_algorithm with the key parsed once, with_issuer, with_audience): alg, "
          "signature, iss, aud, exp/nbf/iat natively; exp's presence by hand (has_expires_at)",
          &jwt_cpp_supports, &make_jwt_cpp};
}

}  // namespace tessera_peers
