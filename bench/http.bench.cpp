// The authenticator pipeline: authenticate/bearer/HS256 runs http::authenticator on a request
// carrying the reference HS256 token, on an org route (path match and tenant binding to
// org_id, scope orders:read), with no audit sink and no rate limit. Against floor/HS256, its
// ratio shows what the whole pipeline costs on top of the HMAC; next to verify/HS256, what the
// pipeline adds to the verification (the principal it builds is most of it).

#include "bench_support.hpp"

#include <string>

#include "tessera/http/authenticator.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/jwt/rules.hpp"
#include "tessera/jwt/verifier.hpp"
#include "tessera/request_signing/request.hpp"

namespace {

using namespace tessera;
using tessera_bench::alloc_probe;
using tessera_bench::check;
using tessera_bench::fixture;

void authenticate_bearer(benchmark::State& state) {
  const auto& f = fixture(jwt::alg::hs256);
  static const jwt::verifier<jwt::single_key> tokens(
      jwt::single_key(*f.verifier_key),
      tessera_bench::must(jwt::rules::builder{}
                              .issuer(std::string(tessera_bench::ref_issuer))
                              .audience(std::string(tessera_bench::ref_audience))
                              .build(),
                          "rules"));
  static const http::authenticator auth(http::null_audit{}, http::no_rate_limit{}, {},
                                        http::bearer_method(tokens, {.tenant = "org_id"}));
  static const http::route orders{.pattern = "/v2/orgs/{orgId}/orders", .tenant = "orgId", .scopes = {"orders:read"}};

  auto req = request_signing::request::from_target("GET", "/v2/orgs/org_123/orders?limit=50");
  req.set_header("Accept", "application/json");
  req.set_header("Authorization", "Bearer " + f.token);
  {
    auto r = auth.authenticate(req, orders);
    if (!check(state, r && r->subject == "client-7fb118fb" && r->tenant == "org_123", "reference request refused")) return;
    auto other = request_signing::request::from_target("GET", "/v2/orgs/org_456/orders");
    other.set_header("Authorization", "Bearer " + f.token);
    auto refused = auth.authenticate(other, orders);
    if (!check(state, !refused && refused.error() == errc::tenant_mismatch, "another org's path let through")) return;
  }
  alloc_probe probe;
  for (auto _ : state) {
    auto r = auth.authenticate(req, orders);
    benchmark::DoNotOptimize(r);
  }
  probe.report(state);
}
BENCHMARK(authenticate_bearer)->Name("authenticate/bearer/HS256");

}  // namespace
