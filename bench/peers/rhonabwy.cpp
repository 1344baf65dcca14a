// Peer: rhonabwy 1.1 (Debian's librhonabwy-dev, on GnuTLS/Nettle and jansson). The key is imported
// once into a jwk_t (r_jwk_import_from_symmetric_key, r_jwk_import_from_pem_der). Per token:
// r_jwt_advanced_parsen with R_PARSE_NONE (no key taken from the header, nothing fetched), the
// header's alg compared with r_jwt_get_sign_alg, r_jwt_verify_signature with that key, then
// r_jwt_validate_claims with R_JWT_CLAIM_ISS, R_JWT_CLAIM_AUD and R_JWT_CLAIM_EXP =
// R_JWT_CLAIM_NOW, which refuses a token without exp: iss, aud and exp are checked natively.

#include "peers.hpp"

#include <rhonabwy.h>

#include <stdexcept>
#include <string>

#ifndef TESSERA_PEER_VERSION
#define TESSERA_PEER_VERSION RHONABWY_VERSION_STR
#endif

namespace tessera_peers {
namespace {

// rhonabwy's algorithm constant for ours.
jwa_alg rhonabwy_alg(alg a) {
  switch (a) {
    case alg::hs256: return R_JWA_ALG_HS256;
    case alg::rs256: return R_JWA_ALG_RS256;
    case alg::es256: return R_JWA_ALG_ES256;
    case alg::eddsa: return R_JWA_ALG_EDDSA;
  }
  return R_JWA_ALG_UNKNOWN;
}

// A jwk_t holding the imported key, and the expected alg, iss and aud.
class rhonabwy_verifier final : public verifier {
 public:
  // Initialises rhonabwy (once per process) and imports the key into a jwk_t.
  explicit rhonabwy_verifier(const config& c) : alg_(rhonabwy_alg(c.algorithm)), issuer_(c.issuer), audience_(c.audience) {
    static const int global = r_global_init();
    if (global != RHN_OK) throw std::runtime_error("r_global_init failed");
    if (r_jwk_init(&key_) != RHN_OK) throw std::runtime_error("r_jwk_init failed");
    int r;
    if (c.algorithm == alg::hs256)
      r = r_jwk_import_from_symmetric_key(key_, reinterpret_cast<const unsigned char*>(c.hmac_secret.data()),
                                          c.hmac_secret.size());
    else
      r = r_jwk_import_from_pem_der(key_, R_X509_TYPE_PUBKEY, R_FORMAT_PEM,
                                    reinterpret_cast<const unsigned char*>(c.public_pem.data()), c.public_pem.size());
    if (r != RHN_OK) {
      r_jwk_free(key_);
      throw std::runtime_error("rhonabwy refused the key (error " + std::to_string(r) + ")");
    }
  }
  rhonabwy_verifier(const rhonabwy_verifier&) = delete;
  rhonabwy_verifier& operator=(const rhonabwy_verifier&) = delete;
  // Frees the jwk_t.
  ~rhonabwy_verifier() override { r_jwk_free(key_); }

  // Parse, alg, signature, then iss, aud and exp (required, after now) with r_jwt_validate_claims.
  bool verify(const std::string& token) override {
    jwt_t* j = nullptr;
    if (r_jwt_init(&j) != RHN_OK) return false;
    const bool ok = r_jwt_advanced_parsen(j, token.data(), token.size(), R_PARSE_NONE, 0) == RHN_OK &&
                    r_jwt_get_type(j) == R_JWT_TYPE_SIGN && r_jwt_get_sign_alg(j) == alg_ &&
                    r_jwt_verify_signature(j, key_, 0) == RHN_OK &&
                    r_jwt_validate_claims(j, R_JWT_CLAIM_ISS, issuer_.c_str(), R_JWT_CLAIM_AUD, audience_.c_str(),
                                          R_JWT_CLAIM_EXP, R_JWT_CLAIM_NOW, R_JWT_CLAIM_NOP) == RHN_OK;
    r_jwt_free(j);
    return ok;
  }

 private:
  jwa_alg alg_;
  std::string issuer_, audience_;
  jwk_t* key_ = nullptr;
};

// HS256, RS256, ES256 and EdDSA (Ed25519, through GnuTLS).
bool rhonabwy_supports(alg) { return true; }

// The factory peers.bench.cpp calls.
std::unique_ptr<verifier> make_rhonabwy(const config& c) { return std::make_unique<rhonabwy_verifier>(c); }

}  // namespace

// rhonabwy's entry in the peers table.
peer rhonabwy_peer() {
  return {"rhonabwy", TESSERA_PEER_VERSION,
          "key imported once; r_jwt_advanced_parsen (R_PARSE_NONE), alg compared, r_jwt_verify_signature, "
          "r_jwt_validate_claims(ISS, AUD, EXP=NOW): iss, aud, exp (required) natively",
          &rhonabwy_supports, &make_rhonabwy};
}

}  // namespace tessera_peers
