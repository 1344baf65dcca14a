// JWT benchmarks: verify/<ALG>, jws/verify/HS256, issue/<ALG>, reject/malformed,
// reject/bad_signature/HS256, and (when Debian's libjwt-dev is installed) peer/libjwt/<ALG>.
// Floors live in floors.bench.cpp.

#include "bench_support.hpp"

#include <array>
#include <string>
#include <vector>

#include "tessera/jwt/issuer.hpp"
#include "tessera/jwt/jws.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/jwt/remote_jwks.hpp"
#include "tessera/jwt/rules.hpp"
#include "tessera/jwt/verifier.hpp"

#ifdef TESSERA_BENCH_LIBJWT
#include <jwt.h>
#endif

namespace {

using namespace tessera;
using tessera_bench::alloc_probe;
using tessera_bench::check;
using tessera_bench::fixture;
using reference_verifier = jwt::verifier<jwt::single_key>;

// The full rule set: exp (required), nbf, iat, iss and aud.
jwt::rules reference_rules() {
  return tessera_bench::must(jwt::rules::builder{}
                                 .issuer(std::string(tessera_bench::ref_issuer))
                                 .audience(std::string(tessera_bench::ref_audience))
                                 .build(),
                             "rules");
}

// One pre-built verifier per algorithm, shared by every thread of a benchmark.
const reference_verifier& verifier_for(jwt::alg a) {
  static const reference_verifier hs256(jwt::single_key(*fixture(jwt::alg::hs256).verifier_key), reference_rules());
  static const reference_verifier hs384(jwt::single_key(*fixture(jwt::alg::hs384).verifier_key), reference_rules());
  static const reference_verifier hs512(jwt::single_key(*fixture(jwt::alg::hs512).verifier_key), reference_rules());
  static const reference_verifier rs256(jwt::single_key(*fixture(jwt::alg::rs256).verifier_key), reference_rules());
  static const reference_verifier ps256(jwt::single_key(*fixture(jwt::alg::ps256).verifier_key), reference_rules());
  static const reference_verifier es256(jwt::single_key(*fixture(jwt::alg::es256).verifier_key), reference_rules());
  static const reference_verifier es512(jwt::single_key(*fixture(jwt::alg::es512).verifier_key), reference_rules());
  static const reference_verifier eddsa(jwt::single_key(*fixture(jwt::alg::eddsa).verifier_key), reference_rules());
  switch (a) {
    case jwt::alg::hs256: return hs256;
    case jwt::alg::hs384: return hs384;
    case jwt::alg::hs512: return hs512;
    case jwt::alg::rs256: return rs256;
    case jwt::alg::ps256: return ps256;
    case jwt::alg::es256: return es256;
    case jwt::alg::es512: return es512;
    default: return eddsa;
  }
}

// The HS256 verifier again, but finding its key in a kid_key_set (the rotation case) rather than
// a single_key: its 1→2 thread scaling shows whether key lookups write a shared cache line.
const jwt::verifier<jwt::kid_key_set&>& key_set_verifier() {
  static jwt::kid_key_set keys;
  static const jwt::verifier<jwt::kid_key_set&> v = [] {
    keys.set_default(*fixture(jwt::alg::hs256).verifier_key);
    return jwt::verifier<jwt::kid_key_set&>(keys, reference_rules());
  }();
  return v;
}

// A JWKS source that always answers with the HS256 reference key (kid-less, so it serves the
// reference token), fresh for a day: what a remote_jwks holds once its cache is warm.
struct reference_jwks_fetcher {
  result<jwt::jwks_response> fetch(const jwt::jwks_request&) noexcept {
    try {
      const auto& k = tessera_bench::hmac_secret(jwt::alg::hs256);
      jwt::jwks_response r;
      r.status = 200;
      r.body = R"({"keys":[{"kty":"oct","alg":"HS256","k":")" + core::base64url_encode(k) + R"("}]})";
      r.max_age = std::chrono::hours{24};
      return r;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }
};
using reference_remote_jwks = jwt::remote_jwks<reference_jwks_fetcher>;

// The HS256 verifier with its key found in a remote_jwks whose cache is warm: the lookup must cost
// about what kid_key_set's does (verify/HS256/kid_key_set).
const jwt::verifier<reference_remote_jwks&>& remote_jwks_verifier() {
  static reference_remote_jwks keys = [] {
    jwt::remote_jwks_options o;
    o.jwks.allow_symmetric = true;
    auto s = tessera_bench::must(reference_remote_jwks::create("https://auth.example.com/jwks", {}, o), "remote_jwks");
    if (!s.ready(std::chrono::seconds{10})) tessera_bench::die("remote_jwks did not load");
    return s;
  }();
  static const jwt::verifier<reference_remote_jwks&> v(keys, reference_rules());
  return v;
}

// Times v.verify(token), counting allocations.
template <class V>
void time_verify(benchmark::State& state, const V& v, std::string_view token) {
  alloc_probe probe;
  for (auto _ : state) {
    auto r = v.verify(token);
    benchmark::DoNotOptimize(r);
  }
  probe.report(state);
}

// verify/<ALG>: the full verification of the reference token (signature, exp, nbf, iat, iss, aud).
template <class V>
void verify_with(benchmark::State& state, jwt::alg a, const V& v) {
  const auto& f = fixture(a);
  {
    auto r = v.verify(f.token);
    if (!check(state, r.has_value(), "reference token does not verify")) return;
    if (!check(state, r->issuer() == tessera_bench::ref_issuer && r->subject() == "client-7fb118fb" &&
                          r->claim_string("org_id").value() == "org_123" && r->has_scope("orders:write"),
               "verified claims are wrong"))
      return;
  }
  time_verify(state, v, f.token);
}
void verify(benchmark::State& state, jwt::alg a) { verify_with(state, a, verifier_for(a)); }

// The reference claims with what identity providers often add to them: role objects nested two
// deep, a list that is not all strings, and a name outside ASCII (506 bytes of claims). The HS256
// reference key signs it.
struct nested_fixture {
  std::string token, signing_input;
  core::bytes signature;
};
const nested_fixture& nested_claims() {
  static const nested_fixture f = [] {
    nested_fixture n;
    std::string claims = tessera_bench::reference_claims(tessera_bench::now_seconds());
    claims.pop_back();  // the closing brace
    claims += R"(,"name":"Jos)" "\xc3\xa9" R"( M)" "\xc3\xbc" R"(ller","email_verified":true,)"
              R"("realm_access":{"roles":["offline_access","uma_authorization","default-roles-orders"]},)"
              R"("resource_access":{"orders-api":{"roles":["reader","writer"]},"account":{"roles":["manage-account"]}},)"
              R"("acr":"1","amr":["pwd","otp"],"tier":[1,2,3]})";
    const std::string header = R"({"alg":"HS256","typ":"JWT"})";
    n.signing_input = core::base64url_encode(header) + "." + core::base64url_encode(claims);
    n.signature = tessera_bench::must(fixture(jwt::alg::hs256).signer->sign(n.signing_input), "sign nested token");
    n.token = n.signing_input + "." + core::base64url_encode(n.signature);
    return n;
  }();
  return f;
}

// verify/HS256/nested_claims: the full verification of that token; its nested values are checked
// as JSON and passed over by the flat-claims scanner.
void verify_nested(benchmark::State& state) {
  const auto& v = verifier_for(jwt::alg::hs256);
  const std::string_view token = nested_claims().token;
  {
    auto r = v.verify(token);
    if (!check(state,
               r.has_value() && r->subject() == "client-7fb118fb" &&
                   r->claim_string("name").value() == "Jos\xc3\xa9 M\xc3\xbcller" &&
                   r->claim_json("realm_access").value()["roles"].size() == 3,
               "nested token does not verify as signed"))
      return;
  }
  time_verify(state, v, token);
}

// floor/HS256/nested_claims: the HMAC floor's method over that token's signing input.
void floor_nested(benchmark::State& state) {
  const auto& n = nested_claims();
  const auto& key = tessera_bench::hmac_secret(jwt::alg::hs256);
  tessera_bench::hmac_floor h("SHA2-256", key.data(), key.size());
  const std::string_view msg = n.signing_input;
  auto once = [&]() noexcept { return h.verify(msg.data(), msg.size(), n.signature.data(), n.signature.size()); };
  tessera_bench::time_floor(state, once(), "floor HMAC does not match", once);
}
void verify_key_set(benchmark::State& state) { verify_with(state, jwt::alg::hs256, key_set_verifier()); }
void verify_remote_jwks(benchmark::State& state) { verify_with(state, jwt::alg::hs256, remote_jwks_verifier()); }

BENCHMARK_CAPTURE(verify, HS256, jwt::alg::hs256)->Name("verify/HS256");
BENCHMARK_CAPTURE(verify, HS384, jwt::alg::hs384)->Name("verify/HS384");
BENCHMARK_CAPTURE(verify, HS512, jwt::alg::hs512)->Name("verify/HS512");
BENCHMARK_CAPTURE(verify, RS256, jwt::alg::rs256)->Name("verify/RS256");
BENCHMARK_CAPTURE(verify, PS256, jwt::alg::ps256)->Name("verify/PS256");
BENCHMARK_CAPTURE(verify, ES256, jwt::alg::es256)->Name("verify/ES256");
BENCHMARK_CAPTURE(verify, ES512, jwt::alg::es512)->Name("verify/ES512");
BENCHMARK_CAPTURE(verify, EdDSA, jwt::alg::eddsa)->Name("verify/EdDSA");
// Threaded variants: the same verifier shared by one and by two threads, in wall-clock time.
BENCHMARK_CAPTURE(verify, HS256, jwt::alg::hs256)->Name("verify/HS256")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK_CAPTURE(verify, RS256, jwt::alg::rs256)->Name("verify/RS256")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(verify_key_set)->Name("verify/HS256/kid_key_set")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(verify_remote_jwks)->Name("verify/HS256/remote_jwks")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(verify_nested)->Name("verify/HS256/nested_claims");
BENCHMARK(floor_nested)->Name("floor/HS256/nested_claims");

// jws/verify/HS256: the raw JWS verifier (signature, header and size rules; no claims) on a compact
// JWS whose payload is the reference token's 227 claims bytes. jws_signer writes the reference
// token's header bytes ({"alg":"HS256","typ":"JWT"}), so the JWS is the reference token itself and
// its signing input is exactly the one floor/HS256 MACs.
void jws_verify(benchmark::State& state) {
  const auto& f = fixture(jwt::alg::hs256);
  const std::string_view ref = f.token;
  const auto d1 = ref.find('.'), d2 = ref.rfind('.');
  const core::bytes claims =
      tessera_bench::must(core::base64url_decode(ref.substr(d1 + 1, d2 - d1 - 1)), "claims bytes");
  if (!check(state, claims.size() == 227, "reference claims are not 227 bytes")) return;
  const std::string token =
      tessera_bench::must(jwt::jws_signer(*f.signer).sign_compact(claims, {.typ = "JWT"}), "sign the JWS");
  if (!check(state, token == f.token, "the JWS's signing input is not the floor's")) return;
  static const jwt::jws_verifier<jwt::single_key> v(jwt::single_key(*f.verifier_key));
  {
    auto r = v.verify(token);
    const bool ok = r.has_value() && r->payload == claims && r->algorithm == jwt::alg::hs256;
    if (!check(state, ok, "the JWS does not verify")) return;
  }
  const std::string_view tv = token;
  alloc_probe probe;
  for (auto _ : state) {
    auto r = v.verify(tv);
    benchmark::DoNotOptimize(r);
  }
  probe.report(state);
}
BENCHMARK(jws_verify)->Name("jws/verify/HS256");

// issue/<ALG>: signing a token with the reference claims (random jti: the issuer's default path).
void issue(benchmark::State& state, jwt::alg a) {
  const auto& f = fixture(a);
  jwt::issuer_options opts;
  opts.issuer = std::string(tessera_bench::ref_issuer);
  opts.lifetime = std::chrono::seconds(3600);
  jwt::issuer<> iss(*f.signer, opts);
  jwt::claims c;
  c.subject("client-7fb118fb").audience(std::string(tessera_bench::ref_audience));
  c.set("org_id", "org_123");
  c.set("scope", "orders:read orders:write");
  {
    auto t = iss.issue(c);
    if (!check(state, t.has_value(), "issue failed")) return;
    auto r = verifier_for(a).verify(t->token);
    if (!check(state, r.has_value() && r->claim_string("org_id").value() == "org_123", "issued token does not verify"))
      return;
  }
  alloc_probe probe;
  for (auto _ : state) {
    auto t = iss.issue(c);
    benchmark::DoNotOptimize(t);
  }
  probe.report(state);
}
BENCHMARK_CAPTURE(issue, HS256, jwt::alg::hs256)->Name("issue/HS256");
BENCHMARK_CAPTURE(issue, RS256, jwt::alg::rs256)->Name("issue/RS256");

// Garbage and structurally broken tokens, each refused before any cryptography.
std::vector<std::string> malformed_tokens() {
  const auto& f = fixture(jwt::alg::hs256);
  const std::string& t = f.token;
  const auto d1 = t.find('.'), d2 = t.rfind('.');
  const std::string h = t.substr(0, d1), p = t.substr(d1 + 1, d2 - d1 - 1), s = t.substr(d2 + 1);
  std::vector<std::string> out = {
      "",                                    // empty
      "garbage",                             // no dots
      "Bearer " + t,                         // scheme left on: ' ' is outside base64url
      h + "." + p,                           // two segments
      t + ".extra",                          // four segments
      "." + p + "." + s,                     // empty header
      h + ".." + s,                          // empty payload
      h + "." + p + "." + s + "=",           // padded signature
      h + "." + p + "." + s.substr(0, s.size() - 1) + "*",  // character outside the alphabet
      h + "." + p + "." + s.substr(0, 41),   // 41 chars: a length no encoder writes
      "bm90IGpzb24." + p + "." + s,          // header is base64url of "not json"
      "e30." + p + "." + s,                  // header {} (no alg)
      "eyJhbGciOiJub25lIn0." + p + ".",      // alg none, empty signature
      std::string(9000, 'A') + "." + p + "." + s,  // over the size limit
      h + "." + p + "." + std::string(2000, 'A'),  // signature longer than any key produces
  };
  return out;
}

void reject_malformed(benchmark::State& state) {
  const auto& v = verifier_for(jwt::alg::hs256);
  const auto bad = malformed_tokens();
  for (const auto& b : bad) {
    auto r = v.verify(b);
    if (!check(state, !r.has_value(), "a malformed token verified")) return;
  }
  std::vector<std::string_view> views(bad.begin(), bad.end());
  const std::size_t n = views.size();
  std::size_t i = 0;
  alloc_probe probe;
  for (auto _ : state) {
    auto r = v.verify(views[i]);
    benchmark::DoNotOptimize(r);
    if (++i == n) i = 0;
  }
  probe.report(state);
}
BENCHMARK(reject_malformed)->Name("reject/malformed");

// A well-formed token whose signature is wrong (one signature byte changed).
void reject_bad_signature(benchmark::State& state) {
  const auto& f = fixture(jwt::alg::hs256);
  const auto& v = verifier_for(jwt::alg::hs256);
  std::string token = f.token;
  const auto sig_at = token.rfind('.') + 1;
  token[sig_at + 5] = token[sig_at + 5] == 'A' ? 'B' : 'A';
  {
    auto r = v.verify(token);
    if (!check(state, !r.has_value() && r.error() == errc::bad_signature, "tampered token not refused as bad_signature"))
      return;
  }
  const std::string_view tv = token;
  alloc_probe probe;
  for (auto _ : state) {
    auto r = v.verify(tv);
    benchmark::DoNotOptimize(r);
  }
  probe.report(state);
}
BENCHMARK(reject_bad_signature)->Name("reject/bad_signature/HS256");

#ifdef TESSERA_BENCH_LIBJWT
// peer/libjwt/<ALG>: libjwt's signature check (jwt_decode) plus the same exp/nbf/iat/iss/aud rules.
bool libjwt_verify(const std::string& token, const unsigned char* key, int key_len) {
  jwt_t* j = nullptr;
  if (jwt_decode(&j, token.c_str(), key, key_len) != 0 || j == nullptr) return false;
  const long now = static_cast<long>(tessera_bench::now_seconds());
  bool ok = jwt_get_grant_int(j, "exp") > now && jwt_get_grant_int(j, "nbf") <= now && jwt_get_grant_int(j, "iat") <= now;
  const char* iss = jwt_get_grant(j, "iss");
  const char* aud = jwt_get_grant(j, "aud");
  ok = ok && iss != nullptr && tessera_bench::ref_issuer == iss && aud != nullptr && tessera_bench::ref_audience == aud;
  jwt_free(j);
  return ok;
}

void peer_libjwt(benchmark::State& state, jwt::alg a) {
  const auto& f = fixture(a);
  std::string key;
  if (jwt::is_hmac(a)) {
    const auto& k = tessera_bench::hmac_secret(a);
    key.assign(k.begin(), k.end());
  } else {
    key = tessera_bench::must(f.pub->to_pem(), "public PEM");
  }
  const auto* kp = reinterpret_cast<const unsigned char*>(key.data());
  const int kl = static_cast<int>(key.size());
  if (!check(state, libjwt_verify(f.token, kp, kl), "libjwt refuses the reference token")) return;
  alloc_probe probe;
  for (auto _ : state) {
    bool ok = libjwt_verify(f.token, kp, kl);
    benchmark::DoNotOptimize(ok);
  }
  probe.report(state);
}
BENCHMARK_CAPTURE(peer_libjwt, HS256, jwt::alg::hs256)->Name("peer/libjwt/HS256");
BENCHMARK_CAPTURE(peer_libjwt, RS256, jwt::alg::rs256)->Name("peer/libjwt/RS256");
#endif

}  // namespace
