// tessera_peers_bench: the reference token of bench_support.hpp (227-byte claims, the same keys)
// verified by tessera and by every peer JWT library that was found at configure time, side by
// side in one process: rows <library>/<ALG> for HS256, RS256, ES256 and EdDSA, each library on
// each algorithm it supports. scripts/bench --peers builds and runs it and prints the table.
//
// Before a row is timed, its library must accept the reference token and refuse a tampered copy
// (one signature byte changed), an expired token, a token of another issuer, a token for another
// audience and a token without exp, all signed with the same key. A row that fails is skipped
// with the reason (SkipWithError), never timed.

#include "bench_support.hpp"
#include "peers.hpp"

#include <openssl/crypto.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tessera/core/clock.hpp"
#include "tessera/jwt/issuer.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/jwt/rules.hpp"
#include "tessera/jwt/verifier.hpp"

namespace {

using namespace tessera;
using tessera_bench::must;
namespace peers = tessera_peers;

constexpr peers::alg kAlgs[] = {peers::alg::hs256, peers::alg::rs256, peers::alg::es256, peers::alg::eddsa};

// tessera's algorithm for a peers-run algorithm.
jwt::alg tessera_alg(peers::alg a) {
  switch (a) {
    case peers::alg::hs256: return jwt::alg::hs256;
    case peers::alg::rs256: return jwt::alg::rs256;
    case peers::alg::es256: return jwt::alg::es256;
    case peers::alg::eddsa: return jwt::alg::eddsa;
  }
  return jwt::alg::hs256;
}

// The key material every library of one algorithm is given, and the tokens of the pre-checks.
struct alg_material {
  std::string hmac_secret;  // HS256 only
  std::string public_pem;   // asymmetric only
  std::string token;        // the reference token (bench_support.hpp's fixture, the timed input)
  // Pre-check tokens, all signed with the same key, as {description, token}.
  std::vector<std::pair<std::string, std::string>> must_accept, must_refuse;
};

// Signs header.payload of the given claims text with the fixture's key (for the no-exp token).
std::string sign_claims(const tessera_bench::alg_fixture& f, const std::string& claims) {
  const std::string header = std::string(R"({"alg":")") + std::string(jwt::alg_name(f.alg)) + R"(","typ":"JWT"})";
  std::string input = core::base64url_encode(header) + "." + core::base64url_encode(claims);
  const auto sig = must(f.signer->sign(input), "sign pre-check token");
  return input + "." + core::base64url_encode(sig);
}

// A token from tessera's issuer with the reference claims, signed with the fixture's key: issued
// at now + shift, for the given issuer and audience.
std::string issue(const tessera_bench::alg_fixture& f, std::int64_t shift, std::string_view iss, std::string_view aud) {
  jwt::issuer_options o;
  o.issuer = std::string(iss);
  o.lifetime = std::chrono::seconds(3600);
  core::manual_clock clock(tessera_bench::now_seconds() + shift);
  jwt::issuer<core::manual_clock&> issuer(*f.signer, o, clock);
  jwt::claims c;
  c.subject("client-7fb118fb").audience(std::string(aud));
  c.set("org_id", "org_123");
  c.set("scope", "orders:read orders:write");
  return must(issuer.issue(c), "issue pre-check token").token;
}

// Builds the key material and pre-check tokens of one algorithm from bench_support's fixture.
alg_material make_material(peers::alg a) {
  const auto& f = tessera_bench::fixture(tessera_alg(a));
  alg_material m;
  if (jwt::is_hmac(f.alg)) {
    const auto& k = tessera_bench::hmac_secret(f.alg);
    m.hmac_secret.assign(k.begin(), k.end());
  } else {
    m.public_pem = must(f.pub->to_pem(), "public key PEM");
  }
  m.token = f.token;
  const auto iss = tessera_bench::ref_issuer, aud = tessera_bench::ref_audience;

  // One byte of the decoded signature changed, re-encoded: a well-formed token with a wrong signature.
  auto sig = f.signature;
  sig[5] ^= 0x01;
  const std::string tampered = f.signing_input + "." + core::base64url_encode(sig);

  // The reference claims without exp (iat and nbf kept).
  const std::int64_t now = tessera_bench::now_seconds();
  const std::string no_exp_claims = R"({"iss":")" + std::string(iss) + R"(","sub":"client-7fb118fb","aud":")" +
                                    std::string(aud) + R"(","iat":)" + std::to_string(now) +
                                    R"(,"nbf":)" + std::to_string(now) + "}";

  m.must_accept = {{"the reference token", f.token}, {"a token from tessera's issuer", issue(f, 0, iss, aud)}};
  m.must_refuse = {{"a tampered token (one signature byte changed)", tampered},
                   {"an expired token (exp one hour ago)", issue(f, -7200, iss, aud)},
                   {"a token of another issuer", issue(f, 0, "https://evil.example.com", aud)},
                   {"a token for another audience", issue(f, 0, iss, "billing-api")},
                   {"a token without exp", sign_claims(f, no_exp_claims)}};
  return m;
}

// The material of one algorithm, built once.
const alg_material& material(peers::alg a) {
  static const alg_material hs256 = make_material(peers::alg::hs256), rs256 = make_material(peers::alg::rs256),
                            es256 = make_material(peers::alg::es256), eddsa = make_material(peers::alg::eddsa);
  switch (a) {
    case peers::alg::hs256: return hs256;
    case peers::alg::rs256: return rs256;
    case peers::alg::es256: return es256;
    case peers::alg::eddsa: return eddsa;
  }
  return hs256;
}

// tessera behind the peers' interface: a verifier<single_key> with the rule set of jwt.bench.cpp
// (signature, exp required, nbf, iat, iss, aud), so every row pays the same virtual call.
class tessera_verifier final : public peers::verifier {
 public:
  // One verifier with the fixture's key and the reference rules.
  explicit tessera_verifier(const peers::config& c)
      : v_(jwt::single_key(*tessera_bench::fixture(tessera_alg(c.algorithm)).verifier_key),
           must(jwt::rules::builder{}.issuer(std::string(c.issuer)).audience(std::string(c.audience)).build(), "rules")) {}
  // jwt::verifier::verify: true when the token is accepted.
  bool verify(const std::string& token) override { return v_.verify(token).has_value(); }

 private:
  jwt::verifier<jwt::single_key> v_;
};

// tessera's entry, listed first.
peers::peer tessera_peer() {
  return {"tessera", TESSERA_PEER_VERSION,
          "jwt::verifier<single_key> with rules issuer + audience: alg, signature, exp (required), nbf, iat, iss, aud",
          [](peers::alg) { return true; },
          [](const peers::config& c) -> std::unique_ptr<peers::verifier> { return std::make_unique<tessera_verifier>(c); }};
}

// Every library in this build: tessera, then the peers found at configure time.
std::vector<peers::peer> libraries() {
  std::vector<peers::peer> out{tessera_peer()};
#ifdef TESSERA_PEER_LIBJWT
  out.push_back(peers::libjwt_peer());
#endif
#ifdef TESSERA_PEER_CPP_JWT
  out.push_back(peers::cpp_jwt_peer());
#endif
#ifdef TESSERA_PEER_POCO
  out.push_back(peers::poco_peer());
#endif
#ifdef TESSERA_PEER_RHONABWY
  out.push_back(peers::rhonabwy_peer());
#endif
#ifdef TESSERA_PEER_JWT_CPP
  out.push_back(peers::jwt_cpp_peer());
#endif
  return out;
}

// One row's verifier, set up and pre-checked once (on the row's first repetition).
struct row_state {
  std::unique_ptr<peers::verifier> v;
  std::string error;  // non-empty: the row is skipped with this reason
};

// Builds a row's verifier and runs the pre-checks; the reason of the first failure, if any.
row_state prepare(const peers::peer& p, peers::alg a) {
  row_state s;
  const auto& m = material(a);
  peers::config c;
  c.algorithm = a;
  c.hmac_secret = m.hmac_secret;
  c.public_pem = m.public_pem;
  c.issuer = tessera_bench::ref_issuer;
  c.audience = tessera_bench::ref_audience;
  try {
    s.v = p.make(c);
  } catch (const std::exception& e) {
    s.error = "setup failed: " + std::string(e.what());
    return s;
  }
  for (const auto& [what, token] : m.must_accept)
    if (!s.v->verify(token)) {
      s.error = "pre-check failed: refuses " + what;
      return s;
    }
  for (const auto& [what, token] : m.must_refuse)
    if (s.v->verify(token)) {
      s.error = "pre-check failed: accepts " + what;
      return s;
    }
  return s;
}

// <library>/<ALG>: the library's full verification of the reference token, once per iteration.
void verify_row(benchmark::State& state, const peers::peer* p, peers::alg a) {
  static std::map<std::string, row_state> rows;
  const std::string key = p->name + "/" + std::string(peers::alg_name(a));
  auto it = rows.find(key);
  if (it == rows.end()) it = rows.emplace(key, prepare(*p, a)).first;
  row_state& s = it->second;
  if (!s.error.empty()) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  const std::string& token = material(a).token;
  peers::verifier& v = *s.v;
  for (auto _ : state) {
    bool ok = v.verify(token);
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}

// The CPU model as the kernel reports it, for the JSON context.
std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto start = line.find_first_not_of(" \t", line.find(':') + 1);
      if (start != std::string::npos) return line.substr(start);
    }
  return "unknown";
}

}  // namespace

// Registers one row per library and supported algorithm, records versions and checks in the
// JSON context, and runs the rows.
int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  static const std::vector<peers::peer> libs = libraries();
  for (peers::alg a : kAlgs) material(a);  // keys and tokens before any timing
  for (const auto& p : libs) {
    benchmark::AddCustomContext("version/" + p.name, p.version);
    benchmark::AddCustomContext("checks/" + p.name, p.checks);
    std::string supported;
    for (peers::alg a : kAlgs) {
      if (!p.supports(a)) continue;
      benchmark::RegisterBenchmark((p.name + "/" + std::string(peers::alg_name(a))).c_str(), verify_row, &p, a);
      if (!supported.empty()) supported += ',';
      supported += peers::alg_name(a);
    }
    benchmark::AddCustomContext("algorithms/" + p.name, supported);
  }
  benchmark::AddCustomContext("openssl", OpenSSL_version(OPENSSL_VERSION));
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("claims_bytes", "227");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
