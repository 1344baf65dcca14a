#pragma once
// The peer JWT libraries of `scripts/bench --peers` (tessera_peers_bench), behind plain
// declarations. Each peer sits in its own translation unit (bench/peers/<peer>.cpp) because their
// headers collide: libjwt and rhonabwy both define a C `jwt_t`, rhonabwy brings jansson's
// `json_t`, cpp-jwt and jwt-cpp both open `namespace jwt`. Nothing here includes a peer's header,
// so the benchmark translation unit (peers.bench.cpp) sees only this file.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tessera_peers {

// The algorithms of the peers run.
enum class alg { hs256, rs256, es256, eddsa };

// The JWS name of an algorithm ("HS256", "RS256", "ES256", "EdDSA").
constexpr std::string_view alg_name(alg a) noexcept {
  switch (a) {
    case alg::hs256: return "HS256";
    case alg::rs256: return "RS256";
    case alg::es256: return "ES256";
    case alg::eddsa: return "EdDSA";
  }
  return "?";
}

// What a peer verifier is configured with: the same key material and expectations as tessera's.
struct config {
  alg algorithm = alg::hs256;
  std::string_view hmac_secret;  // HS256: the raw secret bytes
  std::string_view public_pem;   // RS256, ES256, EdDSA: the public key as SubjectPublicKeyInfo PEM
  std::string_view issuer;       // the iss every accepted token carries
  std::string_view audience;     // the aud every accepted token carries
};

// One library configured for one algorithm: key parsed and expectations set once (as far as the
// library's API allows), then verify() per token.
class verifier {
 public:
  virtual ~verifier() = default;
  // True when the library accepts the token: algorithm, signature, iss, aud and exp all checked.
  // The token comes as a std::string so that each library gets the form it takes (a NUL-terminated
  // string, a std::string or a view) without a copy charged to it.
  virtual bool verify(const std::string& token) = 0;
};

// One peer library as the benchmark sees it.
struct peer {
  std::string name;     // row label, e.g. "libjwt"
  std::string version;  // upstream version (from the package's pkg-config or CMake files)
  std::string checks;   // how it checks iss, aud and exp (native option or by hand), for the report
  bool (*supports)(alg) = nullptr;
  // Builds a verifier; throws std::exception with the reason when the library refuses the setup.
  std::unique_ptr<verifier> (*make)(const config&) = nullptr;
};

// One function per peer, defined in that peer's translation unit (only built peers are linked).
peer libjwt_peer();
peer cpp_jwt_peer();
peer poco_peer();
peer rhonabwy_peer();
peer jwt_cpp_peer();

}  // namespace tessera_peers
