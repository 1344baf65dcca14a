// Redis benchmarks (built only with tessera::redis): what a fleet pays per request for shared
// state. redis/replay_store/remember, redis/api_key/verify (and .../cached, through a local
// cache that Redis invalidates), redis/rate_limit/allow,
// redis/webhook/verify/1KiB (a Standard Webhooks delivery with a new id each time, its replay
// check in Redis), floor/redis/set_nx (the replay check's command through hiredis alone) and
// redis/authenticate/api_key/rate_limited (http::authenticator on an org route: API key from the
// Redis key store, then the Redis rate limiter), each against a private
// redis-server on a free loopback port that the benchmark starts itself
// (tests/redis/redis_fixture.sh) and stops at exit; without redis-server they are skipped with a
// message. memory/... rows run the same operations on the in-memory models in the same run.
// Besides time, each row reports round_trips_per_op (the pool's round-trip counter over the
// timed loop, per operation) and p99_us (the 99th percentile of one operation's latency, in
// microseconds, measured by thread 0). The Redis rows' time is dominated by the loopback round
// trip, not by tessera.

#include "bench_support.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/store.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/authz/rate_limit.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/http/authenticator.hpp"
#include "tessera/redis.hpp"
#include "tessera/request_signing/request.hpp"
#include "tessera/webhook/signer.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/verifier.hpp"

namespace {

using namespace tessera;
using tessera_bench::alloc_probe;
using tessera_bench::check;

// A private redis-server for this process (started on first use, stopped at exit), and a pool.
struct redis_fixture {
  std::string state, why_not;
  int port = 0;
  long pid = 0;  // the redis-server's
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
      if (line.rfind("pid=", 0) == 0) pid = std::atol(line.c_str() + 4);
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

// CPU time per operation over the timed loop, measured by thread 0 (the others add 0;
// kAvgIterations divides by every thread's iterations): cpu_us_per_op for this whole process,
// and for the Redis rows redis_cpu_us_per_op for the redis-server's main thread, which runs every
// command (/proc/<pid>/schedstat, nanoseconds). Their sum bounds what two cores can do: at most
// 2 / (cpu_us_per_op + redis_cpu_us_per_op) million operations per second.
class cpu_probe {
 public:
  cpu_probe(const benchmark::State& state, bool with_server)
      : on_(state.thread_index() == 0), server_(with_server && server().pid > 0) {
    if (!on_) return;
    self0_ = process_cpu_ns();
    if (server_) server0_ = server_cpu_ns();
  }
  // Sets the counters.
  void report(benchmark::State& state) const {
    double self = 0, srv = 0;
    if (on_) {
      self = static_cast<double>(process_cpu_ns() - self0_) / 1e3;
      if (server_) srv = static_cast<double>(server_cpu_ns() - server0_) / 1e3;
    }
    state.counters["cpu_us_per_op"] = benchmark::Counter(self, benchmark::Counter::kAvgIterations);
    if (server_) state.counters["redis_cpu_us_per_op"] = benchmark::Counter(srv, benchmark::Counter::kAvgIterations);
  }

 private:
  static std::int64_t process_cpu_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  }
  static std::int64_t server_cpu_ns() {
    std::ifstream in("/proc/" + std::to_string(server().pid) + "/schedstat");
    std::int64_t ns = 0;
    in >> ns;
    return ns;
  }
  bool on_, server_;
  std::int64_t self0_ = 0, server0_ = 0;
};

// Per-operation latency of thread 0, for the p99_us counter: record() around each operation.
class latency_probe {
 public:
  explicit latency_probe(const benchmark::State& state) : on_(state.thread_index() == 0) {
    if (on_) samples_.reserve(1 << 16);
  }
  // Times one operation.
  template <class Fn>
  void record(Fn&& fn) {
    if (!on_ || samples_.size() == samples_.capacity()) {
      fn();
      return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    samples_.push_back(static_cast<float>(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count()));
  }
  // Sets p99_us (thread 0's 99th percentile; the other threads add 0).
  void report(benchmark::State& state) {
    double p99 = 0;
    if (on_ && !samples_.empty()) {
      const std::size_t k = samples_.size() * 99 / 100;
      std::nth_element(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(k), samples_.end());
      p99 = samples_[k];
    }
    state.counters["p99_us"] = benchmark::Counter(p99);
  }

 private:
  bool on_;
  std::vector<float> samples_;
};

template <class Store>
void replay_remember(benchmark::State& state, Store& store, redis::connection_pool* pool = nullptr) {
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
  const auto before = pool ? pool->stats().round_trips : 0;
  const cpu_probe cpu(state, pool != nullptr);
  latency_probe lat(state);
  alloc_probe probe;
  for (auto _ : state) {
    key = base;
    key += std::to_string(i++);
    lat.record([&] {
      // Two seconds to live on the real clock: entries expire while the suite runs, so the
      // bounded memory store never fills (a full store fails closed and would end the run).
      auto r = store.remember(key, std::chrono::system_clock::now(), std::chrono::seconds(2));
      benchmark::DoNotOptimize(r);
    });
  }
  probe.report(state);
  lat.report(state);
  cpu.report(state);
  if (pool) report_round_trips(state, before);
}

void memory_replay_remember(benchmark::State& state) {
  static core::memory_replay_store store;
  replay_remember(state, store);
}
BENCHMARK(memory_replay_remember)->Name("memory/replay_store/remember")->Threads(1)->Threads(2)->UseRealTime();

void redis_replay_remember(benchmark::State& state) {
  if (!have_server(state)) return;
  redis::replay_store store(*server().pool);
  replay_remember(state, store, server().pool.get());
}
BENCHMARK(redis_replay_remember)->Name("redis/replay_store/remember")->Threads(1)->Threads(2)->UseRealTime();

// The floor of a replay check: hiredis alone, each thread on a connection of its own, sending the
// command redis::replay_store sends (SET key 1 NX PX ms) and reading its reply, with no pool, no
// key prefix and no result<T>. Its 1→2 thread scaling is what a blocking client can reach on this
// machine, where redis-server shares the cores with the client threads.
void floor_redis_set_nx(benchmark::State& state) {
  if (!have_server(state)) return;
  const timeval tv{1, 0};
  const redis::detail::context_ptr c(redisConnectWithTimeout("127.0.0.1", server().port, tv));
  if (!check(state, c && c->err == 0 && redisSetTimeout(c.get(), tv) == REDIS_OK, "hiredis cannot connect")) return;
  const std::string base = "bench:floor-" + std::to_string(state.thread_index()) + "-" +
                           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "-";
  std::string key;
  std::uint64_t i = 0;
  bool ok = true;
  const cpu_probe cpu(state, true);
  latency_probe lat(state);
  for (auto _ : state) {
    key = base;
    key += std::to_string(i++);
    lat.record([&] {
      const char* argv[] = {"SET", key.c_str(), "1", "NX", "PX", "2000"};
      const std::size_t len[] = {3, key.size(), 1, 2, 2, 4};
      auto* r = static_cast<redisReply*>(redisCommandArgv(c.get(), 6, argv, len));
      ok = ok && r != nullptr && r->type == REDIS_REPLY_STATUS;
      if (r) freeReplyObject(r);
    });
  }
  if (!ok) state.SkipWithError("hiredis SET NX failed");
  state.SetItemsProcessed(state.iterations());
  lat.report(state);
  cpu.report(state);
}
BENCHMARK(floor_redis_set_nx)->Name("floor/redis/set_nx")->Threads(1)->Threads(2)->UseRealTime();

// 64 API keys in a Redis key store (with a local cache when `cached`) and a verifier over it.
struct api_key_redis_fixture {
  std::unique_ptr<redis::key_store> store;
  std::vector<std::string> keys;  // bench-only key texts (never printed)
  std::unique_ptr<api_key::verifier<redis::key_store>> verifier;
  explicit api_key_redis_fixture(redis::connection_pool& pool, bool cached = false) {
    redis::key_store_options o;
    o.cache.enabled = cached;
    store = std::make_unique<redis::key_store>(pool, o);
    if (cached) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (!store->cache_statistics()->live && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (!store->cache_statistics()->live) tessera_bench::die("the key store's cache never went live");
    }
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

void redis_api_key_verify(benchmark::State& state, bool cached) {
  if (!have_server(state)) return;
  static api_key_redis_fixture plain(*server().pool);
  static api_key_redis_fixture with_cache(*server().pool, true);
  api_key_redis_fixture& f = cached ? with_cache : plain;
  const std::size_t n = f.keys.size();
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * (n / 2);
  {
    auto r = f.verifier->verify(f.keys[i % n], "org_123");
    if (!check(state, r.has_value(), "API key does not verify against Redis")) return;
  }
  const auto before = server().pool->stats().round_trips;
  const cpu_probe cpu(state, true);
  latency_probe lat(state);
  alloc_probe probe;
  for (auto _ : state) {
    lat.record([&] {
      auto r = f.verifier->verify(f.keys[i], "org_123");
      benchmark::DoNotOptimize(r);
    });
    if (++i == n) i = 0;
  }
  probe.report(state);
  lat.report(state);
  cpu.report(state);
  report_round_trips(state, before);
}
BENCHMARK_CAPTURE(redis_api_key_verify, plain, false)->Name("redis/api_key/verify")->Threads(1)->Threads(2)->UseRealTime();
// The same keys through a key store with a local cache (redis::tracked_cache): no round trip.
BENCHMARK_CAPTURE(redis_api_key_verify, cached, true)
    ->Name("redis/api_key/verify/cached")
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

template <class Limiter>
void rate_limit_allow(benchmark::State& state, Limiter& limiter, redis::connection_pool* pool = nullptr) {
  std::vector<std::string> principals;
  for (int p = 0; p < 1024; ++p) principals.push_back("principal-" + std::to_string(p));
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 512;
  {
    auto r = limiter.acquire(principals[i], std::chrono::system_clock::now());
    if (!check(state, r.has_value(), "rate limiter does not admit")) return;
  }
  const auto before = pool ? pool->stats().round_trips : 0;
  const cpu_probe cpu(state, pool != nullptr);
  latency_probe lat(state);
  alloc_probe probe;
  for (auto _ : state) {
    lat.record([&] {
      auto r = limiter.acquire(principals[i], std::chrono::system_clock::now());
      benchmark::DoNotOptimize(r);
    });
    if (++i == principals.size()) i = 0;
  }
  probe.report(state);
  lat.report(state);
  cpu.report(state);
  if (pool) report_round_trips(state, before);
}

void memory_rate_limit_allow(benchmark::State& state) {
  static authz::token_bucket_limiter limiter(1e9, 1e9);  // never refuses: measures admits
  rate_limit_allow(state, limiter);
}
BENCHMARK(memory_rate_limit_allow)->Name("memory/rate_limit/allow")->Threads(1)->Threads(2)->UseRealTime();

void redis_rate_limit_allow(benchmark::State& state) {
  if (!have_server(state)) return;
  redis::rate_limiter limiter(*server().pool, 1e9, 1e9, "bench");  // never refuses: measures admits
  rate_limit_allow(state, limiter, server().pool.get());
}
BENCHMARK(redis_rate_limit_allow)->Name("redis/rate_limit/allow")->Threads(1)->Threads(2)->UseRealTime();

// Standard Webhooks deliveries of 1 KiB, each with its own id, signed before timing (a pool of
// 32768 per thread, ids unique to the run), verified with the replay check on. The Redis rows
// stay inside the pool; the memory rows, 20 to 50 times faster, run past it, and from there on
// verify duplicates, which cost the same signature check and one lookup without an insert.
struct signed_deliveries {
  std::string body;
  std::vector<webhook::header_list> headers;
  explicit signed_deliveries(int thread) {
    body.assign(R"({"type":"order.updated","data":{"order_id":"ord_8f14e45f","status":"shipped","notes":")");
    while (body.size() < 1021) body.push_back(static_cast<char>('a' + body.size() % 26));
    body += "\"}}";
    webhook::signer<> signer(webhook::standard_webhooks{}, ring());
    const std::string run = std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    headers.reserve(1 << 15);
    for (int i = 0; i < (1 << 15); ++i) {
      auto h = signer.sign("msg_" + run + "_" + std::to_string(thread) + "_" + std::to_string(i), body);
      headers.push_back(tessera_bench::must(std::move(h), "sign a delivery"));
    }
  }
  static webhook::key_ring ring() {
    std::vector<std::uint8_t> secret(32);
    for (std::size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<std::uint8_t>(0x3c ^ (i * 29));
    return tessera_bench::must(
        webhook::key_ring::from_secrets(webhook::standard_webhooks{}, {"whsec_" + core::base64_encode(secret)}),
        "webhook key ring");
  }
};

// A pool per thread index, kept for the whole run so ids are never reused across repetitions.
signed_deliveries& deliveries_for(int thread) {
  static signed_deliveries d0(0), d1(1);
  return thread == 0 ? d0 : d1;
}

template <class Store>
void webhook_verify_replay(benchmark::State& state, Store& store, redis::connection_pool* pool = nullptr) {
  static std::array<std::size_t, 2> next{};  // where each thread's pool continues
  auto& d = deliveries_for(state.thread_index());
  const webhook::verifier<webhook::standard_webhooks, Store&> v(webhook::standard_webhooks{}, signed_deliveries::ring(),
                                                                store);
  std::size_t& i = next[static_cast<std::size_t>(state.thread_index())];
  {
    static std::atomic<int> probes{0};
    webhook::signer<> signer(webhook::standard_webhooks{}, signed_deliveries::ring());
    auto h = signer.sign("probe_" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "_" +
                             std::to_string(probes.fetch_add(1)),
                         d.body);
    auto r = h ? v.verify(*h, d.body) : unexpected{h.error()};
    auto again = h ? v.verify(*h, d.body) : unexpected{h.error()};
    if (!check(state, r.has_value() && !again && again.error() == errc::duplicate_delivery,
               "delivery does not verify once and only once"))
      return;
  }
  const core::bytes_view bv(d.body);
  const auto before = pool ? pool->stats().round_trips : 0;
  const cpu_probe cpu(state, pool != nullptr);
  latency_probe lat(state);
  alloc_probe probe;
  for (auto _ : state) {
    lat.record([&] {
      auto r = v.verify(d.headers[i % d.headers.size()], bv);  // past the pool: duplicates (one lookup)
      benchmark::DoNotOptimize(r);
    });
    ++i;
  }
  probe.report(state);
  lat.report(state);
  cpu.report(state);
  if (pool) report_round_trips(state, before);
}

void memory_webhook_verify(benchmark::State& state) {
  static core::memory_replay_store store;
  webhook_verify_replay(state, store);
}
BENCHMARK(memory_webhook_verify)->Name("memory/webhook/verify/1KiB")->Threads(1)->Threads(2)->UseRealTime();

void redis_webhook_verify(benchmark::State& state) {
  if (!have_server(state)) return;
  static redis::replay_store store(*server().pool, "bench-webhook:");
  webhook_verify_replay(state, store, server().pool.get());
}
BENCHMARK(redis_webhook_verify)->Name("redis/webhook/verify/1KiB")->Threads(1)->Threads(2)->UseRealTime();

// http::authenticator on GET /v2/orgs/org_123/orders with an API key (tenant from the path, scope
// orders:read), then the rate limiter keyed on the principal.
template <class KeyStore, class Limiter>
void authenticate_api_key_limited(benchmark::State& state, const api_key::verifier<KeyStore>& verifier,
                                  const std::vector<std::string>& keys, Limiter& limiter,
                                  redis::connection_pool* pool = nullptr) {
  const http::authenticator auth(http::null_audit{}, limiter, {}, http::api_key_method(verifier));
  static const http::route orders{.pattern = "/v2/orgs/{orgId}/orders", .tenant = "orgId", .scopes = {"orders:read"}};
  const std::string header(verifier.options().header_name);
  std::vector<request_signing::request> reqs;
  for (const auto& k : keys) {
    auto req = request_signing::request::from_target("GET", "/v2/orgs/org_123/orders?limit=50");
    req.set_header(header, k);
    reqs.push_back(std::move(req));
  }
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * (reqs.size() / 2);
  {
    auto r = auth.authenticate(reqs[i], orders);
    if (!check(state, r && r->tenant == "org_123", "reference request refused")) return;
  }
  const auto before = pool ? pool->stats().round_trips : 0;
  const cpu_probe cpu(state, pool != nullptr);
  latency_probe lat(state);
  alloc_probe probe;
  for (auto _ : state) {
    lat.record([&] {
      auto r = auth.authenticate(reqs[i], orders);
      benchmark::DoNotOptimize(r);
    });
    if (++i == reqs.size()) i = 0;
  }
  probe.report(state);
  lat.report(state);
  cpu.report(state);
  if (pool) report_round_trips(state, before);
}

// 64 API keys with scope orders:read in a memory key store.
struct api_key_memory_fixture {
  api_key::memory_key_store store;
  std::vector<std::string> keys;
  std::unique_ptr<api_key::verifier<api_key::memory_key_store>> verifier;
  api_key_memory_fixture() {
    std::array<std::uint8_t, 32> pepper{};
    for (std::size_t i = 0; i < pepper.size(); ++i) pepper[i] = static_cast<std::uint8_t>(0x3c ^ (i * 7));
    auto ring = tessera_bench::must(api_key::pepper_ring::create(1, pepper), "pepper ring");
    auto gen = tessera_bench::must(api_key::generator<>::create(api_key::key_format{}, ring), "key generator");
    for (int i = 0; i < 64; ++i) {
      api_key::key_spec spec;
      spec.tenant = "org_123";
      spec.scopes = {"orders:read"};
      auto k = tessera_bench::must(gen.issue(store, std::move(spec)), "issue API key");
      keys.emplace_back(k.key.expose_secret_text());
    }
    verifier = std::make_unique<api_key::verifier<api_key::memory_key_store>>(tessera_bench::must(
        api_key::verifier<api_key::memory_key_store>::create(api_key::key_format{}, ring, store), "verifier"));
  }
};

void memory_authenticate_api_key(benchmark::State& state) {
  static api_key_memory_fixture f;
  static authz::token_bucket_limiter limiter(1e9, 1e9);
  authenticate_api_key_limited(state, *f.verifier, f.keys, limiter);
}
BENCHMARK(memory_authenticate_api_key)
    ->Name("memory/authenticate/api_key/rate_limited")
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

void redis_authenticate_api_key(benchmark::State& state) {
  if (!have_server(state)) return;
  static api_key_redis_fixture f(*server().pool);
  static redis::rate_limiter limiter(*server().pool, 1e9, 1e9, "bench-auth");
  authenticate_api_key_limited(state, *f.verifier, f.keys, limiter, server().pool.get());
}
BENCHMARK(redis_authenticate_api_key)
    ->Name("redis/authenticate/api_key/rate_limited")
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

}  // namespace
