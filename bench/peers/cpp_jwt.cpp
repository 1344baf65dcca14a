// Peer: cpp-jwt 1.4 (Debian's libcpp-jwt-dev, header-only, on OpenSSL and nlohmann_json).
// jwt::decode with algorithms({expected}), secret(key), issuer(...), aud(...) checks the algorithm,
// the signature, iss and aud natively, and exp (and nbf) when present. exp is optional to cpp-jwt
// (no option makes it required), so its presence is checked here with has_claim after decoding.
// cpp-jwt 1.4 has no EdDSA.
//
// Only this translation unit may include <jwt/jwt.hpp>: it defines a non-inline function
// (jwt::jwt_throw_exception), and its namespace jwt collides with jwt-cpp's.

#include "peers.hpp"

#include <jwt/jwt.hpp>

#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#ifndef TESSERA_PEER_VERSION
#define TESSERA_PEER_VERSION "?"
#endif

namespace tessera_peers {
namespace {

// The key (HMAC secret or PEM) and expectations, given to jwt::decode on each call as its API takes them.
class cpp_jwt_verifier final : public verifier {
 public:
  // Keeps the key, the one allowed algorithm and the expected iss and aud.
  explicit cpp_jwt_verifier(const config& c)
      : algorithms_{std::string(alg_name(c.algorithm))},
        key_(c.algorithm == alg::hs256 ? c.hmac_secret : c.public_pem),
        issuer_(c.issuer),
        audience_(c.audience) {
    if (c.algorithm == alg::eddsa) throw std::invalid_argument("cpp-jwt 1.4 does not support EdDSA");
    if (key_.empty()) throw std::invalid_argument("no key");
  }

  // jwt::decode with verification on (alg, signature, exp, nbf, iss, aud), then exp's presence.
  bool verify(const std::string& token) override {
    using namespace jwt::params;
    try {
      std::error_code ec;
      auto obj = jwt::decode(token, algorithms(algorithms_), ec, secret(key_), issuer(issuer_), aud(audience_),
                             jwt::params::verify(true));
      return !ec && obj.has_claim(jwt::registered_claims::expiration);
    } catch (const std::exception&) {
      return false;  // malformed input can still throw (JSON or base64 errors)
    }
  }

 private:
  std::vector<std::string> algorithms_;
  std::string key_, issuer_, audience_;
};

// HS256, RS256 and ES256.
bool cpp_jwt_supports(alg a) { return a != alg::eddsa; }

// The factory peers.bench.cpp calls.
std::unique_ptr<verifier> make_cpp_jwt(const config& c) { return std::make_unique<cpp_jwt_verifier>(c); }

}  // namespace

// cpp-jwt's entry in the peers table.
peer cpp_jwt_peer() {
  return {"cpp-jwt", TESSERA_PEER_VERSION,
          "jwt::decode with algorithms, secret, issuer, aud, verify(true): alg, signature, iss, aud, "
          "exp and nbf natively; exp's presence by hand (has_claim)",
          &cpp_jwt_supports, &make_cpp_jwt};
}

}  // namespace tessera_peers
