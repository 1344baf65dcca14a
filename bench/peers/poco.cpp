// Peer: POCO JWT 1.11 (Debian's libpoco-dev: PocoJWT on PocoCrypto, OpenSSL). Poco::JWT::Signer,
// restricted to the one expected algorithm with setAlgorithms, checks the algorithm and the
// signature; it validates no claim, so iss, aud and exp are read from the verified Token
// (getIssuer, getAudience, getExpiration) and compared here. POCO 1.11 has no EdDSA.

#include "peers.hpp"

#include <Poco/Crypto/ECKey.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/SharedPtr.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef TESSERA_PEER_VERSION
#define TESSERA_PEER_VERSION "?"
#endif

namespace tessera_peers {
namespace {

// A Signer holding the parsed key (once), allowed only the expected algorithm.
class poco_verifier final : public verifier {
 public:
  // Parses the key into the Signer and restricts its algorithms.
  explicit poco_verifier(const config& c) : issuer_(c.issuer), audience_(c.audience) {
    try {
      std::istringstream pem{std::string(c.public_pem)};
      switch (c.algorithm) {
        case alg::hs256: signer_.setHMACKey(std::string(c.hmac_secret)); break;
        case alg::rs256: signer_.setRSAKey(new Poco::Crypto::RSAKey(&pem)); break;
        case alg::es256: signer_.setECKey(new Poco::Crypto::ECKey(&pem)); break;
        default: throw std::invalid_argument("POCO JWT 1.11 does not support EdDSA");
      }
      signer_.setAlgorithms({std::string(alg_name(c.algorithm))});
    } catch (const Poco::Exception& e) {
      throw std::runtime_error("POCO key setup: " + e.displayText());
    }
  }

  // Signer::tryVerify (alg, signature), then iss, aud and exp from the Token.
  bool verify(const std::string& token) override {
    try {
      Poco::JWT::Token t;
      if (!signer_.tryVerify(token, t)) return false;
      if (t.getIssuer() != issuer_) return false;
      const std::vector<std::string> aud = t.getAudience();
      if (std::find(aud.begin(), aud.end(), audience_) == aud.end()) return false;
      const Poco::Timestamp exp = t.getExpiration();  // zero when absent
      return exp != Poco::Timestamp(0) && Poco::Timestamp() < exp;
    } catch (const std::exception&) {
      return false;  // Poco::Exception and JSON errors on malformed claims
    }
  }

 private:
  Poco::JWT::Signer signer_;
  std::string issuer_, audience_;
};

// HS256, RS256 and ES256.
bool poco_supports(alg a) { return a != alg::eddsa; }

// The factory peers.bench.cpp calls.
std::unique_ptr<verifier> make_poco(const config& c) { return std::make_unique<poco_verifier>(c); }

}  // namespace

// POCO JWT's entry in the peers table.
peer poco_peer() {
  return {"poco-jwt", TESSERA_PEER_VERSION,
          "Signer with setAlgorithms({expected}) and the key parsed once: alg, signature; iss, aud, exp "
          "compared by hand from the Token (the Signer checks no claim)",
          &poco_supports, &make_poco};
}

}  // namespace tessera_peers
