// API-key benchmarks: api_key/verify (format, checksum, peppered HMAC-SHA256 digest, sharded store
// lookup, tenant, status and expiry), authenticate/api_key (the same keys through the whole
// authenticator on an org route) and their floor, floor/api_key: the HMAC-SHA256 digest of the
// same key under the same pepper, with the HMAC floor's method (bench_support.hpp).

#include "bench_support.hpp"

#include <string>
#include <vector>

#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/http/authenticator.hpp"
#include "tessera/request_signing/request.hpp"

namespace {

using namespace tessera;
using tessera_bench::alloc_probe;
using tessera_bench::check;

constexpr std::string_view tenant = "org_123";

// A store of 64 keys of one tenant, the pepper they are stored under, and a verifier. Each thread
// walks the keys from its own starting point, so two threads look up different keys (and, as with
// real traffic, share a store shard now and then).
struct api_key_fixture {
  std::vector<std::uint8_t> pepper;
  api_key::memory_key_store store;
  std::vector<std::string> keys;  // the key texts (bench-only material; never printed)
  std::vector<api_key::key_digest> digests;
  std::unique_ptr<api_key::verifier<>> verifier;

  api_key_fixture() {
    pepper.resize(32);
    for (std::size_t i = 0; i < pepper.size(); ++i) pepper[i] = static_cast<std::uint8_t>(0xa5 ^ (i * 11));
    auto ring = tessera_bench::must(api_key::pepper_ring::create(1, pepper), "pepper ring");
    auto gen = tessera_bench::must(api_key::generator<>::create(api_key::key_format{}, ring), "key generator");
    for (int i = 0; i < 64; ++i) {
      api_key::key_spec spec;
      spec.tenant = std::string(tenant);
      spec.scopes = {"orders:read", "orders:write"};
      spec.integration = "erp";
      auto k = tessera_bench::must(gen.issue(store, std::move(spec)), "issue API key");
      keys.emplace_back(k.key.expose_secret_text());
      digests.push_back(k.record.digest);
    }
    verifier = std::make_unique<api_key::verifier<>>(
        tessera_bench::must(api_key::verifier<>::create(api_key::key_format{}, ring, store), "API-key verifier"));
  }
};

api_key_fixture& fixture() {
  static api_key_fixture f;
  return f;
}

void api_key_verify(benchmark::State& state) {
  auto& f = fixture();
  const std::size_t n = f.keys.size();
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * (n / 2);
  {
    auto r = f.verifier->verify(f.keys[i % n], tenant);
    if (!check(state, r.has_value() && r->tenant() == tenant && r->has_scope("orders:write"), "API key does not verify"))
      return;
    auto wrong = f.verifier->verify(f.keys[i % n], "org_456");
    if (!check(state, !wrong && wrong.error() == errc::wrong_tenant, "API key verifies for another tenant")) return;
  }
  std::vector<std::string_view> keys(f.keys.begin(), f.keys.end());
  alloc_probe probe;
  for (auto _ : state) {
    auto r = f.verifier->verify(keys[i], tenant);
    benchmark::DoNotOptimize(r);
    if (++i == n) i = 0;
  }
  probe.report(state);
}
BENCHMARK(api_key_verify)->Name("api_key/verify");
BENCHMARK(api_key_verify)->Name("api_key/verify")->Threads(1)->Threads(2)->UseRealTime();

// authenticate/api_key: the whole request with an API key, as authenticate/bearer/HS256 runs it
// with a token: http::authenticator on the org route (path match, tenant binding to {orgId},
// scope orders:read), no audit sink and no rate limit, the keys of api_key/verify in turn.
void authenticate_api_key(benchmark::State& state) {
  auto& f = fixture();
  static const http::authenticator auth(http::null_audit{}, http::no_rate_limit{}, {}, http::api_key_method(*f.verifier));
  static const http::route orders{.pattern = "/v2/orgs/{orgId}/orders", .tenant = "orgId", .scopes = {"orders:read"}};
  std::vector<request_signing::request> reqs;
  for (const auto& k : f.keys) {
    auto req = request_signing::request::from_target("GET", "/v2/orgs/org_123/orders?limit=50");
    req.set_header("Accept", "application/json");
    req.set_header("ApiKey", k);
    reqs.push_back(std::move(req));
  }
  {
    auto r = auth.authenticate(reqs[0], orders);
    if (!check(state, r && r->tenant == tenant && r->has_scope("orders:read"), "reference API-key request refused")) return;
    auto other = request_signing::request::from_target("GET", "/v2/orgs/org_456/orders");
    other.set_header("ApiKey", f.keys[0]);
    auto refused = auth.authenticate(other, orders);
    if (!check(state, !refused && refused.error() == errc::wrong_tenant, "another org's path let through")) return;
  }
  std::size_t i = 0;
  alloc_probe probe;
  for (auto _ : state) {
    auto r = auth.authenticate(reqs[i], orders);
    benchmark::DoNotOptimize(r);
    if (++i == reqs.size()) i = 0;
  }
  probe.report(state);
}
BENCHMARK(authenticate_api_key)->Name("authenticate/api_key");

// floor/api_key: HMAC-SHA256(pepper, key text) of the same keys, compared with the stored digest.
void floor_api_key(benchmark::State& state) {
  auto& f = fixture();
  tessera_bench::hmac_floor h("SHA2-256", f.pepper.data(), f.pepper.size());
  const std::size_t n = f.keys.size();
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * (n / 2);
  for (std::size_t k = 0; k < n; ++k) {
    if (!check(state, h.verify(f.keys[k].data(), f.keys[k].size(), f.digests[k].value.data(), 32),
               "floor digest differs from the stored digest"))
      return;
  }
  std::vector<std::string_view> keys(f.keys.begin(), f.keys.end());
  alloc_probe probe;
  for (auto _ : state) {
    bool ok = h.verify(keys[i].data(), keys[i].size(), f.digests[i].value.data(), 32);
    benchmark::DoNotOptimize(ok);
    if (++i == n) i = 0;
  }
  probe.report(state);
}
BENCHMARK(floor_api_key)->Name("floor/api_key");
BENCHMARK(floor_api_key)->Name("floor/api_key")->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
