// Redis benchmarks (built only with tessera::redis): redis/replay_store/remember,
// redis/api_key/verify and redis/rate_limit/allow, each against a private redis-server on a free
// loopback port that the benchmark starts itself (tests/redis/redis_fixture.sh) and stops at
// exit. Without redis-server they are skipped with a message. Besides time, each row reports
// round_trips_per_op (the pool's round-trip counter over the timed loop, per operation): one for
// every store call here. The time is dominated by the loopback round trip, not by tessera.

#include "bench_support.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/redis.hpp"

namespace {

using namespace tessera;
using tessera_bench::alloc_probe;
using tessera_bench::check;

// A private redis-server for this process (started on first use, stopped at exit), and a pool.
struct redis_fixture {
  std::string state, why_not;
  int port = 0;
  std::unique_ptr<redis::connection_pool> pool;

  redis_fixture() {
    char tmpl[] = "/tmp/tessera-bench-redis.XXXXXX";
    const int fd = ::mkstemp(tmpl);
    if (fd < 0) {
      why_not = "cannot create a state file";
      return;
    }
    ::close(fd);
    state = tmpl;
    const std::string cmd = std::string("sh '") + TESSERA_BENCH_REDIS_FIXTURE + "' start '" + state + "' >/dev/null";
    if (std::system(cmd.c_str()) != 0) {
      why_not = "redis-server did not start";
      return;
    }
    std::ifstream in(state);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("port=", 0) == 0) port = std::atoi(line.c_str() + 5);
      if (line.rfind("unavailable=", 0) == 0) why_not = line.substr(12);
    }
    if (why_not.empty() && port == 0) why_not = "redis-server did not report a port";
    if (!why_not.empty()) return;
    redis::options o;
    o.port = port;
    o.key_prefix = "bench:";
    o.command_timeout = std::chrono::milliseconds(1000);
    pool = std::make_unique<redis::connection_pool>(std::move(o));
  }
  ~redis_fixture() {
    pool.reset();
    if (state.empty()) return;
    const std::string cmd = std::string("sh '") + TESSERA_BENCH_REDIS_FIXTURE + "' stop '" + state + "' >/dev/null";
    (void)std::system(cmd.c_str());
    std::remove(state.c_str());
  }
};

redis_fixture& server() {
  static redis_fixture f;
  return f;
}

// Skips the benchmark when there is no server; true when it may run.
bool have_server(benchmark::State& state) {
  auto& s = server();
  if (s.pool) return true;
  const std::string why = "skipped: " + s.why_not;
  state.SkipWithError(why.c_str());
  return false;
}

// Reports the pool's round trips per operation over the timed loop. The counter is pool-wide,
// so thread 0 reports it and the others 0; kAvgIterations divides the sum by every thread's
// iterations.
void report_round_trips(benchmark::State& state, std::uint64_t before) {
  const auto n = static_cast<double>(server().pool->stats().round_trips - before);
  state.counters["round_trips_per_op"] =
      benchmark::Counter(state.thread_index() == 0 ? n : 0.0, benchmark::Counter::kAvgIterations);
}

void redis_replay_remember(benchmark::State& state) {
  if (!have_server(state)) return;
  redis::replay_store store(*server().pool);
  const auto now = std::chrono::system_clock::now();
  const std::string base = "delivery-" + std::to_string(state.thread_index()) + "-" +
                           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "-";
  std::uint64_t i = 0;
  {
    auto first = store.remember(base + "probe", now, std::chrono::seconds(60));
    auto again = store.remember(base + "probe", now, std::chrono::seconds(60));
    if (!check(state, first && *first && again && !*again, "replay store does not remember")) return;
  }
  std::string key;
  const auto before = server().pool->stats().round_trips;
  alloc_probe probe;
  for (auto _ : state) {
    key = base;
    key += std::to_string(i++);
    auto r = store.remember(key, now, std::chrono::seconds(60));
    benchmark::DoNotOptimize(r);
  }
  probe.report(state);
  report_round_trips(state, before);
}
BENCHMARK(redis_replay_remember)->Name("redis/replay_store/remember")->Threads(1)->Threads(2)->UseRealTime();

// 64 API keys in a Redis key store and a verifier over it.
struct api_key_redis_fixture {
  std::unique_ptr<redis::key_store> store;
  std::vector<std::string> keys;  // bench-only key texts (never printed)
  std::unique_ptr<api_key::verifier<redis::key_store>> verifier;
  explicit api_key_redis_fixture(redis::connection_pool& pool) {
    store = std::make_unique<redis::key_store>(pool);
    std::array<std::uint8_t, 32> pepper{};
    for (std::size_t i = 0; i < pepper.size(); ++i) pepper[i] = static_cast<std::uint8_t>(0x3c ^ (i * 7));
    auto ring = tessera_bench::must(api_key::pepper_ring::create(1, pepper), "pepper ring");
    auto gen = tessera_bench::must(api_key::generator<>::create(api_key::key_format{}, ring), "key generator");
    const std::string integration = "bench-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    for (int i = 0; i < 64; ++i) {
      api_key::key_spec spec;
      spec.tenant = "org_123";
      spec.scopes = {"orders:read"};
      spec.integration = integration;
      auto k = tessera_bench::must(gen.issue(*store, std::move(spec)), "issue API key into Redis");
      keys.emplace_back(k.key.expose_secret_text());
    }
    verifier = std::make_unique<api_key::verifier<redis::key_store>>(
        tessera_bench::must(api_key::verifier<redis::key_store>::create(api_key::key_format{}, ring, *store), "verifier"));
  }
};

void redis_api_key_verify(benchmark::State& state) {
  if (!have_server(state)) return;
  static api_key_redis_fixture f(*server().pool);
  const std::size_t n = f.keys.size();
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * (n / 2);
  {
    auto r = f.verifier->verify(f.keys[i % n], "org_123");
    if (!check(state, r.has_value(), "API key does not verify against Redis")) return;
  }
  const auto before = server().pool->stats().round_trips;
  alloc_probe probe;
  for (auto _ : state) {
    auto r = f.verifier->verify(f.keys[i], "org_123");
    benchmark::DoNotOptimize(r);
    if (++i == n) i = 0;
  }
  probe.report(state);
  report_round_trips(state, before);
}
BENCHMARK(redis_api_key_verify)->Name("redis/api_key/verify")->Threads(1)->Threads(2)->UseRealTime();

void redis_rate_limit_allow(benchmark::State& state) {
  if (!have_server(state)) return;
  redis::rate_limiter limiter(*server().pool, 1e9, 1e9, "bench");  // never refuses: measures admits
  std::vector<std::string> principals;
  for (int p = 0; p < 1024; ++p) principals.push_back("principal-" + std::to_string(p));
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 512;
  {
    auto r = limiter.acquire(principals[i], std::chrono::system_clock::now());
    if (!check(state, r.has_value(), "rate limiter does not admit")) return;
  }
  const auto before = server().pool->stats().round_trips;
  alloc_probe probe;
  for (auto _ : state) {
    auto r = limiter.acquire(principals[i], std::chrono::system_clock::now());
    benchmark::DoNotOptimize(r);
    if (++i == principals.size()) i = 0;
  }
  probe.report(state);
  report_round_trips(state, before);
}
BENCHMARK(redis_rate_limit_allow)->Name("redis/rate_limit/allow")->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
