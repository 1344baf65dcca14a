// Peer: libjwt 1.10 (Debian's libjwt-dev, on OpenSSL and jansson). jwt_decode checks the token's
// form and signature only; 1.10 has no claim validation API (jwt_valid_* came in a later release),
// so iss, aud and exp are read with jwt_get_grant / jwt_get_grant_int and compared here, and the
// token's alg with the expected one (jwt_decode follows the header's alg). libjwt 1.10 has no EdDSA.

#include "peers.hpp"

#include <jwt.h>

#include <cerrno>
#include <ctime>
#include <stdexcept>
#include <string>

#ifndef TESSERA_PEER_VERSION
#define TESSERA_PEER_VERSION "?"
#endif

namespace tessera_peers {
namespace {

// libjwt's algorithm constant for ours.
jwt_alg_t libjwt_alg(alg a) {
  switch (a) {
    case alg::hs256: return JWT_ALG_HS256;
    case alg::rs256: return JWT_ALG_RS256;
    case alg::es256: return JWT_ALG_ES256;
    default: return JWT_ALG_INVAL;
  }
}

// The key bytes (HMAC secret or PEM) handed to jwt_decode on every call, as libjwt's API requires.
class libjwt_verifier final : public verifier {
 public:
  // Keeps the key and expectations; libjwt parses the key inside each jwt_decode.
  explicit libjwt_verifier(const config& c)
      : alg_(libjwt_alg(c.algorithm)),
        key_(c.algorithm == alg::hs256 ? c.hmac_secret : c.public_pem),
        issuer_(c.issuer),
        audience_(c.audience) {
    if (alg_ == JWT_ALG_INVAL) throw std::invalid_argument("libjwt 1.10 does not support this algorithm");
    if (key_.empty()) throw std::invalid_argument("no key");
  }

  // jwt_decode (algorithm from the header, signature), then alg, iss, aud and exp by hand.
  bool verify(const std::string& token) override {
    jwt_t* j = nullptr;
    if (jwt_decode(&j, token.c_str(), reinterpret_cast<const unsigned char*>(key_.data()),
                   static_cast<int>(key_.size())) != 0 ||
        j == nullptr)
      return false;
    bool ok = jwt_get_alg(j) == alg_;
    if (ok) {
      const char* iss = jwt_get_grant(j, "iss");
      const char* aud = jwt_get_grant(j, "aud");
      ok = iss != nullptr && issuer_ == iss && aud != nullptr && audience_ == aud;
    }
    if (ok) {
      errno = 0;
      const long exp = jwt_get_grant_int(j, "exp");
      ok = errno == 0 && exp > static_cast<long>(std::time(nullptr));
    }
    jwt_free(j);
    return ok;
  }

 private:
  jwt_alg_t alg_;
  std::string key_, issuer_, audience_;
};

// HS256, RS256 and ES256 (libjwt 1.10 has no EdDSA).
bool libjwt_supports(alg a) { return a != alg::eddsa; }

// The factory peers.bench.cpp calls.
std::unique_ptr<verifier> make_libjwt(const config& c) { return std::make_unique<libjwt_verifier>(c); }

}  // namespace

// libjwt's entry in the peers table.
peer libjwt_peer() {
  return {"libjwt", TESSERA_PEER_VERSION,
          "jwt_decode (signature, with the key passed per call); alg, iss, aud, exp compared by hand "
          "(1.10 has no claim validation API)",
          &libjwt_supports, &make_libjwt};
}

}  // namespace tessera_peers
