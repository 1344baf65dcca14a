// Interop with PyJWT (Debian python3-jwt) both ways, for HS256, RS256, PS256, ES256 and EdDSA:
// tokens PyJWT signs verify here, tokens issued here verify in PyJWT (with the public key as PEM
// and as the JWK tessera exports), and a tampered token fails on both sides. The Python half is
// tests/jwt/pyjwt_interop.py; keys are generated here and handed over as files.
// Needs TESSERA_PYTHON (an interpreter that can import jwt and cryptography); skipped without.
#include "tessera/jwt/verifier.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/files.hpp"
#include "jwt/fixtures.hpp"
#include "support/vectors.hpp"

using namespace tessera;
using namespace jwt_test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
using tessera_test::write_file;
using tessera_test::quoted;

// Runs a command, returning its standard output lines and exit status.
std::vector<std::string> run(const std::string& command, int& status) {
  std::vector<std::string> lines;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string line;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      lines.push_back(line);
      line.clear();
    }
  }
  if (!line.empty()) lines.push_back(line);
  status = ::pclose(pipe);
  return lines;
}

std::string tamper(std::string token) {  // changes one claims character: still base64url, no longer signed
  auto at = token.find('.') + 6;
  token[at] = token[at] == 'A' ? 'B' : 'A';
  return token;
}

std::string file_slug(jwt::alg a) { return std::string(jwt::alg_name(a)); }
}  // namespace

TEST_CASE("PyJWT interop both ways for HS256, RS256, PS256, ES256 and EdDSA", "[jwt][interop][pyjwt]") {
  const std::string python = TESSERA_PYTHON;
  if (python.empty()) TESSERA_SKIP("PyJWT interop: TESSERA_PYTHON is empty (no Python that imports jwt and cryptography)");
  const fs::path dir = fs::path(TESSERA_TEST_BINARY_DIR) / "jwt_interop";
  const fs::path script = fs::path(TESSERA_TEST_SOURCE_DIR) / "jwt" / "pyjwt_interop.py";
  fs::create_directories(dir);

  const jwt::alg algs[] = {jwt::alg::hs256, jwt::alg::rs256, jwt::alg::ps256, jwt::alg::es256, jwt::alg::eddsa};
  const std::int64_t now = core::unix_seconds(core::coarse_clock{}.now());
  const json py_claims = {{"iss", "https://pyjwt.example"}, {"aud", "tessera"},  {"sub", "bob"},
                          {"iat", now},                     {"nbf", now},        {"exp", now + 600},
                          {"scope", "orders:read stock:read"}, {"org_id", "org-7"}};
  write_file(dir / "claims.json", py_claims.dump());

  // Tessera's side: one issuer per algorithm; its tokens and a tampered copy go to files.
  struct expected {
    jwt::alg a;
    std::string token;
  };
  std::vector<expected> issued;
  std::ostringstream batch;
  for (auto a : algs) {
    const std::string slug = file_slug(a);
    const fs::path priv = dir / (slug + ".key"), pub = dir / (slug + ".pub.pem"), jwk = dir / (slug + ".pub.jwk"),
                   tok = dir / (slug + ".token"), bad = dir / (slug + ".tampered");
    if (jwt::is_hmac(a)) {
      write_file(priv, secret_for(a));
    } else {
      write_file(priv, private_for(a).to_pem().value().expose_secret_text());
      write_file(pub, private_for(a).public_key().value().to_pem().value());
      write_file(jwk, jwt::export_jwk(verifier_key(a, "tessera-" + slug)).value().dump());
    }
    jwt::issuer<> iss(signer(a, "tessera-" + slug), {.issuer = "https://tessera.example", .lifetime = std::chrono::minutes(10)});
    jwt::claims c;
    c.subject("alice").audience("pyjwt");
    c.set("org_id", "org-42");
    c.set("roles", json::array({"ApiUser", "XRead"}));
    auto t = iss.issue(c).value();
    write_file(tok, t.token);
    write_file(bad, tamper(t.token));
    issued.push_back({a, t.token});

    const std::string common = " --alg " + slug + " --audience pyjwt --issuer https://tessera.example";
    batch << "sign --alg " << slug << " --key " << quoted(priv.string()) << " --claims " << quoted((dir / "claims.json").string())
          << " --kid py-" << slug << "\n";
    if (jwt::is_hmac(a)) {
      batch << "verify" << common << " --key-format raw --key " << quoted(priv.string()) << " --token " << quoted(tok.string()) << "\n";
      batch << "verify" << common << " --key-format raw --key " << quoted(priv.string()) << " --token " << quoted(bad.string()) << "\n";
      batch << "verify" << common << " --key-format raw --key " << quoted(priv.string()) << " --token " << quoted(tok.string()) << "\n";
    } else {
      batch << "verify" << common << " --key-format pem --key " << quoted(pub.string()) << " --token " << quoted(tok.string()) << "\n";
      batch << "verify" << common << " --key-format pem --key " << quoted(pub.string()) << " --token " << quoted(bad.string()) << "\n";
      batch << "verify" << common << " --key-format jwk --key " << quoted(jwk.string()) << " --token " << quoted(tok.string()) << "\n";
    }
  }
  // PyJWT's own unsecured token, for the refusal check below.
  batch << "sign --alg none --key /dev/null --claims " << quoted((dir / "claims.json").string()) << "\n";
  write_file(dir / "batch.txt", batch.str());

  int status = 0;
  auto lines = run(quoted(python) + " " + quoted(script.string()) + " batch " + quoted((dir / "batch.txt").string()) +
                       " 2>" + quoted((dir / "stderr.txt").string()),
                   status);
  INFO("stderr: " << tessera_test::read_file(dir / "stderr.txt"));
  REQUIRE(status == 0);
  REQUIRE(lines.size() == 4 * std::size(algs) + 1);

  // The verifiers on this side hold the same key material under PyJWT's kids.
  jwt::kid_key_set keys;
  for (auto a : algs) keys.put(verifier_key(a, "py-" + file_slug(a)));
  jwt::verifier<jwt::kid_key_set&> v(keys, jwt::rules::builder{}.issuer("https://pyjwt.example").audience("tessera").build().value());

  for (std::size_t i = 0; i < std::size(algs); ++i) {
    const auto a = algs[i];
    CAPTURE(jwt::alg_name(a));
    const auto& signed_line = lines[4 * i];
    const auto& verified_line = lines[4 * i + 1];
    const auto& tampered_line = lines[4 * i + 2];
    const auto& second_line = lines[4 * i + 3];

    // PyJWT -> tessera.
    REQUIRE(signed_line.rfind("ok ", 0) == 0);
    const std::string py_token = signed_line.substr(3);
    auto t = v.verify(py_token);
    REQUIRE(t);
    CHECK(t->algorithm() == a);
    CHECK(t->kid() == "py-" + file_slug(a));
    CHECK(t->subject() == "bob");
    CHECK(t->issued_at() == now);
    CHECK(t->has_scope("stock:read"));
    CHECK(t->claim_string("org_id").value() == "org-7");
    CHECK(v.verify(tamper(py_token)).error() == errc::bad_signature);

    // tessera -> PyJWT, with the key as PEM (or raw secret) and as tessera's exported JWK.
    for (const auto* line : {&verified_line, &second_line}) {
      CAPTURE(*line);
      REQUIRE(line->rfind("ok ", 0) == 0);
      const json claims = json::parse(line->substr(3));
      CHECK(claims["sub"] == "alice");
      CHECK(claims["aud"] == "pyjwt");
      CHECK(claims["org_id"] == "org-42");
      CHECK(claims["roles"] == json::array({"ApiUser", "XRead"}));
    }
    // A tampered tessera token fails in PyJWT as well.
    CHECK(tampered_line == "fail InvalidSignatureError");
  }

  // PyJWT's "alg":"none" token is refused here.
  const auto& none_line = lines.back();
  REQUIRE(none_line.rfind("ok ", 0) == 0);
  CHECK(v.verify(none_line.substr(3)).error() == errc::algorithm_not_allowed);

  // The scratch private keys are not left behind (they stay only when a REQUIRE above stopped the test).
  for (auto a : algs) fs::remove(dir / (file_slug(a) + ".key"));
}
