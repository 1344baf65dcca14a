// Cost as the work grows: sweep/... rows, each one operation timed at several sizes of what it
// works on (claims, key set, key store, replay store, rate limiter, webhook body). Fixtures are
// built once per size, outside the timed loop, and kept for the process (never destroyed: freeing
// a million entries at exit takes seconds), so that repetitions do not rebuild them. Store rows
// read every key in turn (traffic spread over all callers, so large stores pay the cache misses
// they bring); their _hot twins cycle through 64 keys spread across the store (a few busy callers).
// Memory counters (bytes_per_entry, bytes_per_principal, bytes_per_key) are the growth of the
// heap in use (glibc's mallinfo2: chunks with their headers, and mapped blocks) while a fresh
// store is filled, divided by the entries added.

#include "bench_support.hpp"
#include "webhook_fixture.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "tessera/api_key/format.hpp"
#include "tessera/api_key/pepper.hpp"
#include "tessera/api_key/store.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/authz/rate_limit.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/jwt/rules.hpp"
#include "tessera/jwt/verifier.hpp"
#include "tessera/webhook/signer.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/verifier.hpp"

namespace {

using namespace tessera;
using tessera_bench::alloc_probe;
using tessera_bench::check;
using tessera_bench::die;
using tessera_bench::must;
using sys_time = std::chrono::system_clock::time_point;

// Bytes of heap in use by the whole process, or -1 where glibc's mallinfo2 is not available.
double heap_in_use() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  const struct mallinfo2 m = mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd);
#else
  return -1;
#endif
}

// Heap growth per item between two heap_in_use() readings (0 when they are not available).
double per_item(double before, double after, std::size_t items) {
  return before < 0 || items == 0 ? 0.0 : (after - before) / static_cast<double>(items);
}

// A deterministic 64-bit sequence (splitmix64): fixtures are the same in every run, and fast to make.
std::uint64_t mix(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Adds one to the decimal digits in text[at, at + n), as an odometer (the carry past the first digit is lost).
void next_decimal(std::string& text, std::size_t at, std::size_t n) noexcept {
  for (std::size_t i = at + n; i-- > at;) {
    if (text[i] != '9') {
      ++text[i];
      return;
    }
    text[i] = '0';
  }
}

// Sets the decimal digits in text[at, at + n) to v, zero-padded.
void set_decimal(std::string& text, std::size_t at, std::size_t n, std::uint64_t v) noexcept {
  for (std::size_t i = at + n; i-- > at; v /= 10) text[i] = static_cast<char>('0' + v % 10);
}

// How a sweep spreads its operations: over every key of the store in turn, or over a hot set of
// at most hot_keys of them spread evenly across it (most traffic comes from a few busy callers).
enum class walk { all, hot };
constexpr std::size_t hot_keys = 64;

// The indices a sweep over n keys visits, in order.
std::vector<std::size_t> walk_indices(std::size_t n, walk w) {
  const std::size_t m = w == walk::hot ? std::min(n, hot_keys) : n;
  std::vector<std::size_t> out(m);
  for (std::size_t k = 0; k < m; ++k) out[k] = k * n / m;
  return out;
}

// The rule set of the reference token: exp (required), nbf, iat, iss and aud.
jwt::rules reference_rules() {
  return must(jwt::rules::builder{}
                  .issuer(std::string(tessera_bench::ref_issuer))
                  .audience(std::string(tessera_bench::ref_audience))
                  .build(),
              "rules");
}

// The reference claims padded to exactly n bytes with one more string claim ("pad").
std::string claims_of(std::size_t n) {
  std::string c = tessera_bench::reference_claims(tessera_bench::now_seconds());
  if (n <= c.size()) return c;
  c.pop_back();  // the closing brace
  c += R"(,"pad":")";
  while (c.size() + 2 < n) c.push_back(static_cast<char>('a' + c.size() % 26));
  c += "\"}";
  return c;
}

// A compact HS256 JWT of these claims under the header text, signed with k.
std::string sign_token(const jwt::signing_key& k, std::string_view header, std::string_view claims) {
  std::string input = core::base64url_encode(header) + "." + core::base64url_encode(claims);
  const auto sig = must(k.sign(input), "sign token");
  return input + "." + core::base64url_encode(sig);
}

// ---------------------------------------------------------------------------------------------
// sweep/jwt/verify/claims_bytes:<n>: verify/HS256 with the claims padded to n bytes.

struct claims_fixture {
  std::string token;
  std::string signing_input;  // header.payload
  core::bytes signature;
  std::unique_ptr<jwt::verifier<jwt::single_key>> verifier;
};

const claims_fixture& claims_fixture_of(std::size_t n) {
  static auto* cache = new std::map<std::size_t, std::unique_ptr<claims_fixture>>;
  auto& slot = (*cache)[n];
  if (!slot) {
    const auto& ref = tessera_bench::fixture(jwt::alg::hs256);
    slot = std::make_unique<claims_fixture>();
    const std::string claims = claims_of(n);
    if (claims.size() != n) die("padded claims have the wrong size");
    slot->token = sign_token(*ref.signer, R"({"alg":"HS256","typ":"JWT"})", claims);
    slot->signing_input = slot->token.substr(0, slot->token.rfind('.'));
    slot->signature = must(ref.signer->sign(slot->signing_input), "sign padded token");
    slot->verifier = std::make_unique<jwt::verifier<jwt::single_key>>(jwt::single_key(*ref.verifier_key), reference_rules());
  }
  return *slot;
}

void sweep_claims(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto& f = claims_fixture_of(n);
  {
    auto r = f.verifier->verify(f.token);
    if (!check(state, r.has_value() && r->subject() == "client-7fb118fb", "padded token does not verify")) return;
  }
  const std::string_view token = f.token;
  alloc_probe probe;
  for (auto _ : state) {
    auto r = f.verifier->verify(token);
    benchmark::DoNotOptimize(r);
  }
  probe.report(state);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["token_bytes"] = static_cast<double>(f.token.size());
}
// 6,080 bytes is about the most a token under the default 8 KiB limit (config::max_token_size) can carry.
BENCHMARK(sweep_claims)->Name("sweep/jwt/verify")->ArgName("claims_bytes")->Arg(227)->Arg(1024)->Arg(2048)->Arg(4096)->Arg(6080);

// sweep/jwt/floor/claims_bytes:<n>: floor/HS256 on the same tokens: the pre-keyed HMAC of the
// signing input and a constant-time compare, so that the verify sweep's growth splits into HMAC and the rest.
void sweep_claims_floor(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto& f = claims_fixture_of(n);
  const auto& secret = tessera_bench::hmac_secret(jwt::alg::hs256);
  tessera_bench::hmac_floor h("SHA2-256", secret.data(), secret.size());
  const std::string_view in = f.signing_input;
  if (!check(state, h.verify(in.data(), in.size(), f.signature.data(), f.signature.size()), "floor HMAC differs")) return;
  alloc_probe probe;
  for (auto _ : state) {
    bool ok = h.verify(in.data(), in.size(), f.signature.data(), f.signature.size());
    benchmark::DoNotOptimize(ok);
  }
  probe.report(state);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(sweep_claims_floor)->Name("sweep/jwt/floor")->ArgName("claims_bytes")->Arg(227)->Arg(1024)->Arg(2048)->Arg(4096)->Arg(6080);

// Claims of 8 KiB make a token of about 11 KiB, which the default limit refuses before any work.
void sweep_claims_limit(benchmark::State& state) {
  const auto& ref = tessera_bench::fixture(jwt::alg::hs256);
  const std::string token = sign_token(*ref.signer, R"({"alg":"HS256","typ":"JWT"})", claims_of(8192));
  const jwt::verifier<jwt::single_key> v(jwt::single_key(*ref.verifier_key), reference_rules());
  {
    auto r = v.verify(token);
    if (!check(state, !r && r.error() == errc::token_too_large, "an 8 KiB claims token is not refused as too large")) return;
  }
  for (auto _ : state) {
    auto r = v.verify(token);
    benchmark::DoNotOptimize(r);
  }
  state.counters["token_bytes"] = static_cast<double>(token.size());
}
BENCHMARK(sweep_claims_limit)->Name("sweep/jwt/verify_refused")->ArgName("claims_bytes")->Arg(8192)->Repetitions(1)->MinTime(0.01);

// ---------------------------------------------------------------------------------------------
// sweep/jwt/kid_key_set/{verify,verify_hot,put}/keys:<n>: a kid_key_set of n HS256 keys, each with
// its own secret, and one reference token per kid.

struct kid_fixture {
  jwt::kid_key_set keys;
  std::vector<std::string> tokens;  // tokens[i] carries kid i
  std::unique_ptr<jwt::verifier<jwt::kid_key_set&>> verifier;
  double max_put_us = 0;  // slowest single put() while the set grew to n (a rehash)
};

std::string kid_of(std::size_t i) {
  std::string k = "kid-00000000";
  set_decimal(k, 4, 8, i);
  return k;
}

kid_fixture& kid_fixture_of(std::size_t n) {
  static auto* cache = new std::map<std::size_t, std::unique_ptr<kid_fixture>>;
  auto& slot = (*cache)[n];
  if (!slot) {
    slot = std::make_unique<kid_fixture>();
    auto& f = *slot;
    const std::string claims = tessera_bench::reference_claims(tessera_bench::now_seconds());
    f.tokens.reserve(n);
    std::vector<std::uint8_t> secret(32);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t b = 0; b < secret.size(); b += 8) {
        const std::uint64_t r = mix(i * 4 + b / 8);
        for (std::size_t j = 0; j < 8; ++j) secret[b + j] = static_cast<std::uint8_t>(r >> (8 * j));
      }
      const std::string kid = kid_of(i);
      auto signer = must(jwt::signing_key::hmac(jwt::alg::hs256, secret, kid), "HS256 signing key");
      auto key = must(signer.verification(), "HS256 verification key");
      f.tokens.push_back(sign_token(signer, R"({"alg":"HS256","kid":")" + kid + R"(","typ":"JWT"})", claims));
      const auto t0 = std::chrono::steady_clock::now();
      f.keys.put(std::move(key));
      const auto t1 = std::chrono::steady_clock::now();
      f.max_put_us = std::max(f.max_put_us, std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
    f.verifier = std::make_unique<jwt::verifier<jwt::kid_key_set&>>(f.keys, reference_rules());
    for (const auto& t : f.tokens)
      if (!f.verifier->verify(t)) die("a kid token does not verify");
  }
  return *slot;
}

void sweep_kid_verify(benchmark::State& state, walk w) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto& f = kid_fixture_of(n);
  std::vector<std::string_view> tokens;
  for (std::size_t i : walk_indices(n, w)) tokens.emplace_back(f.tokens[i]);
  if (!check(state, f.verifier->verify(tokens.front()).has_value() && f.verifier->verify(tokens.back()).has_value(),
             "kid token does not verify"))
    return;
  const std::size_t m = tokens.size();
  std::size_t i = 0;
  alloc_probe probe;
  for (auto _ : state) {
    auto r = f.verifier->verify(tokens[i]);
    benchmark::DoNotOptimize(r);
    if (++i == m) i = 0;
  }
  probe.report(state);
}
BENCHMARK_CAPTURE(sweep_kid_verify, all, walk::all)
    ->Name("sweep/jwt/kid_key_set/verify")
    ->ArgName("keys")
    ->RangeMultiplier(10)
    ->Range(1, 100'000);
BENCHMARK_CAPTURE(sweep_kid_verify, hot, walk::hot)
    ->Name("sweep/jwt/kid_key_set/verify_hot")
    ->ArgName("keys")
    ->RangeMultiplier(10)
    ->Range(1, 100'000);

// put() of a fresh kid into the set of n keys, timed alone (manual time, one clock pair per put);
// the key is removed again outside the timed span, so every put finds n keys.
void sweep_kid_put(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto& f = kid_fixture_of(n);
  const std::string fresh_kid = "kid-fresh";
  const auto fresh = must(jwt::verification_key::hmac(jwt::alg::hs256, tessera_bench::hmac_secret(jwt::alg::hs256), fresh_kid),
                          "fresh key");
  for (auto _ : state) {
    auto k = fresh;
    const auto t0 = std::chrono::steady_clock::now();
    f.keys.put(std::move(k));
    const auto t1 = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    if (!f.keys.remove(fresh_kid)) {
      state.SkipWithError("fresh kid was not stored");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["max_put_us"] = f.max_put_us;
  if (f.keys.size() != n) state.SkipWithError("key set size changed");
}
BENCHMARK(sweep_kid_put)
    ->Name("sweep/jwt/kid_key_set/put")
    ->ArgName("keys")
    ->RangeMultiplier(10)
    ->Range(1, 100'000)
    ->UseManualTime()
    ->MinTime(0.02);

// ---------------------------------------------------------------------------------------------
// sweep/api_key/{verify,verify_hot}/keys:<n>: api_key/verify over a memory_key_store of n keys of
// one tenant.

constexpr std::string_view api_tenant = "org_123";

struct api_key_sweep_fixture {
  api_key::memory_key_store store;
  std::string texts;  // the n key texts back to back, key_length bytes each
  std::size_t key_length = 0;
  std::unique_ptr<api_key::verifier<>> verifier;
  double bytes_per_key = 0;
};

api_key_sweep_fixture& api_key_fixture_of(std::size_t n) {
  static auto* cache = new std::map<std::size_t, std::unique_ptr<api_key_sweep_fixture>>;
  auto& slot = (*cache)[n];
  if (!slot) {
    slot = std::make_unique<api_key_sweep_fixture>();
    auto& f = *slot;
    std::vector<std::uint8_t> pepper(32);
    for (std::size_t i = 0; i < pepper.size(); ++i) pepper[i] = static_cast<std::uint8_t>(0xa5 ^ (i * 11));
    auto ring = must(api_key::pepper_ring::create(1, pepper), "pepper ring");
    const api_key::key_format format;
    f.key_length = format.key_length();
    f.texts.reserve(n * f.key_length);
    static constexpr char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string random(format.random_length, '0');
    api_key::key_record r;
    r.tenant = std::string(api_tenant);
    r.scopes = {"orders:read", "orders:write"};
    r.integration = "erp";
    r.created_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    std::string id = "key_00000000";
    const double before = heap_in_use();
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t bits = 0;
      for (std::size_t j = 0; j < random.size(); ++j) {
        if (j % 10 == 0) bits = mix(i * 4 + j / 10);
        random[j] = base62[bits % 62];
        bits /= 62;
      }
      auto key = must(api_key::compose(format, random), "compose API key");
      const std::string_view text = key.expose_secret_text();
      r.digest = must(ring.digest(text), "API key digest");
      set_decimal(id, 4, 8, i);
      r.key_id = id;
      if (!f.store.insert(r)) die("insert API key");
      f.texts.append(text);
    }
    f.bytes_per_key = per_item(before, heap_in_use(), n);
    f.verifier = std::make_unique<api_key::verifier<>>(
        must(api_key::verifier<>::create(format, std::move(ring), f.store), "API-key verifier"));
  }
  return *slot;
}

void sweep_api_key(benchmark::State& state, walk w) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto& f = api_key_fixture_of(n);
  const std::string_view texts = f.texts;
  const std::size_t len = f.key_length;
  // The hot keys are copied side by side; the walk over every key reads the texts in place, in order.
  std::string hot;
  if (w == walk::hot)
    for (std::size_t i : walk_indices(n, w)) hot.append(texts.substr(i * len, len));
  const std::string_view keys = w == walk::hot ? std::string_view(hot) : texts;
  const std::size_t m = keys.size() / len;
  for (std::size_t i : {std::size_t{0}, m - 1}) {
    auto r = f.verifier->verify(keys.substr(i * len, len), api_tenant);
    if (!check(state, r.has_value() && r->has_scope("orders:write"), "API key does not verify")) return;
  }
  std::size_t i = 0;
  alloc_probe probe;
  for (auto _ : state) {
    auto r = f.verifier->verify(keys.substr(i * len, len), api_tenant);
    benchmark::DoNotOptimize(r);
    if (++i == m) i = 0;
  }
  probe.report(state);
  state.counters["bytes_per_key"] = f.bytes_per_key;
}
BENCHMARK_CAPTURE(sweep_api_key, all, walk::all)
    ->Name("sweep/api_key/verify")
    ->ArgName("keys")
    ->RangeMultiplier(10)
    ->Range(1, 1'000'000);
BENCHMARK_CAPTURE(sweep_api_key, hot, walk::hot)
    ->Name("sweep/api_key/verify_hot")
    ->ArgName("keys")
    ->RangeMultiplier(10)
    ->Range(1, 1'000'000);

// ---------------------------------------------------------------------------------------------
// sweep/replay_store/...: memory_replay_store with keys shaped like the webhook verifier's (a
// 26-byte key namespace, "id", and a 31-byte Standard Webhooks delivery id: 61 bytes), each
// delivery id unique.

// A replay key; its last 12 characters are a decimal counter (at counter_at).
struct replay_key {
  static constexpr std::size_t counter_digits = 12;
  std::string text = std::string("k:3f6c0a9e1b2d4c5e6f708192\x1fid\x1fmsg_2KWPBgLlAfxdpx2") + std::string(counter_digits, '0');
  std::size_t counter_at = text.size() - counter_digits;
  void set(std::uint64_t v) noexcept { set_decimal(text, counter_at, counter_digits, v); }
  void next() noexcept { next_decimal(text, counter_at, counter_digits); }
};

// A store filled with n keys remembered for an hour, all still held: the replay (lookup) fixture.
struct replay_fill_fixture {
  std::unique_ptr<core::memory_replay_store> store;
  sys_time at;
  double bytes_per_entry = 0;
};

const replay_fill_fixture& replay_fill_of(std::size_t n) {
  static auto* cache = new std::map<std::size_t, std::unique_ptr<replay_fill_fixture>>;
  auto& slot = (*cache)[n];
  if (!slot) {
    slot = std::make_unique<replay_fill_fixture>();
    auto& f = *slot;
    f.at = std::chrono::system_clock::now();
    replay_key key;
    const double before = heap_in_use();
    f.store = std::make_unique<core::memory_replay_store>(2 * n);
    for (std::size_t i = 0; i < n; ++i, key.next()) {
      auto r = f.store->remember(key.text, f.at, std::chrono::hours{1});
      if (!r || !*r) die("replay store refused a first-seen key");
    }
    f.bytes_per_entry = per_item(before, heap_in_use(), n);
    if (f.store->size() != n) die("replay store size");
  }
  return *slot;
}

// remember() of a key the store already holds (a replay: a lookup that finds the key). The walk
// over every key steps a counter through the keys; the hot walk cycles through prepared keys.
void sweep_replay_lookup(benchmark::State& state, walk w) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto& f = replay_fill_of(n);
  auto& store = *f.store;
  replay_key key;
  std::vector<std::string> hot;
  for (std::size_t i : walk_indices(n, walk::hot)) {
    key.set(i);
    hot.push_back(key.text);
  }
  key.set(0);
  for (const auto& k : hot) {
    auto r = store.remember(k, f.at, std::chrono::hours{1});
    if (!check(state, r.has_value() && !*r, "a held key is not reported as a replay")) return;
  }
  std::size_t i = 0;
  alloc_probe probe;
  if (w == walk::hot) {
    for (auto _ : state) {
      auto r = store.remember(hot[i], f.at, std::chrono::hours{1});
      benchmark::DoNotOptimize(r);
      if (++i == hot.size()) i = 0;
    }
  } else {
    for (auto _ : state) {
      auto r = store.remember(key.text, f.at, std::chrono::hours{1});
      benchmark::DoNotOptimize(r);
      if (++i == n) {
        i = 0;
        key.set(0);
      } else {
        key.next();
      }
    }
  }
  probe.report(state);
  state.counters["bytes_per_entry"] = f.bytes_per_entry;
  state.counters["key_bytes"] = static_cast<double>(key.text.size());
}
BENCHMARK_CAPTURE(sweep_replay_lookup, all, walk::all)
    ->Name("sweep/replay_store/replay")
    ->ArgName("entries")
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000);
BENCHMARK_CAPTURE(sweep_replay_lookup, hot, walk::hot)
    ->Name("sweep/replay_store/replay_hot")
    ->ArgName("entries")
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000);

// A steady stream of first-seen keys: one new key every 1/n s of simulated time, each remembered
// for 1 s, so about n keys are live at any moment and the store sweeps expired ones as it grows.
struct replay_stream_fixture {
  std::unique_ptr<core::memory_replay_store> store;
  replay_key key;
  sys_time now;
  std::chrono::nanoseconds tick{};
};

replay_stream_fixture& replay_stream_of(std::size_t n) {
  static auto* cache = new std::map<std::size_t, std::unique_ptr<replay_stream_fixture>>;
  auto& slot = (*cache)[n];
  if (!slot) {
    slot = std::make_unique<replay_stream_fixture>();
    auto& f = *slot;
    f.store = std::make_unique<core::memory_replay_store>(4 * n);
    f.now = std::chrono::system_clock::now();
    f.tick = std::chrono::nanoseconds(1'000'000'000 / static_cast<std::int64_t>(n));
    for (std::size_t i = 0; i < 2 * n; ++i) {  // two lifetimes: the store reaches its steady state
      auto r = f.store->remember(f.key.text, f.now, std::chrono::seconds{1});
      if (!r || !*r) die("replay stream refused a first-seen key");
      f.key.next();
      f.now += f.tick;
    }
  }
  return *slot;
}

void sweep_replay_remember(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto& f = replay_stream_of(n);
  auto& store = *f.store;
  std::uint64_t refused = 0;
  alloc_probe probe;
  for (auto _ : state) {
    auto r = store.remember(f.key.text, f.now, std::chrono::seconds{1});
    refused += !(r && *r);
    f.key.next();
    f.now += f.tick;
  }
  probe.report(state);
  if (refused) state.SkipWithError("the stream's store refused a first-seen key");
  state.counters["held_entries"] = static_cast<double>(store.size());
}
BENCHMARK(sweep_replay_remember)
    ->Name("sweep/replay_store/remember")
    ->ArgName("entries")
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000);

// ---------------------------------------------------------------------------------------------
// sweep/rate_limit/acquire/principals:<n>: token_bucket_limiter tracking n principals, keyed as
// http::authenticator keys them ("api_key" \x1f tenant \x1f key id: 43 bytes), each acquired in turn.

struct limiter_fixture {
  std::unique_ptr<authz::token_bucket_limiter> limiter;
  sys_time at;
  double bytes_per_principal = 0;
};

// A principal key; its 12-digit counter sits at the end.
std::string principal_key() { return std::string("api_key\x1f" "org_000123\x1f" "key_00000000") + std::string(12, '0'); }

const limiter_fixture& limiter_of(std::size_t n) {
  static auto* cache = new std::map<std::size_t, std::unique_ptr<limiter_fixture>>;
  auto& slot = (*cache)[n];
  if (!slot) {
    slot = std::make_unique<limiter_fixture>();
    auto& f = *slot;
    f.at = std::chrono::system_clock::now();
    std::string key = principal_key();
    const double before = heap_in_use();
    // A burst no benchmark exhausts: every acquire is admitted.
    f.limiter = std::make_unique<authz::token_bucket_limiter>(1.0, 1e15, 2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!f.limiter->acquire(key, f.at)) die("rate limiter refused a principal");
      next_decimal(key, key.size() - 12, 12);
    }
    f.bytes_per_principal = per_item(before, heap_in_use(), n);
  }
  return *slot;
}

void sweep_rate_limit(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto& f = limiter_of(n);
  std::string key = principal_key();
  if (!check(state, f.limiter->acquire(key, f.at).has_value(), "principal not admitted")) return;
  std::size_t i = 0;
  std::uint64_t refused = 0;
  alloc_probe probe;
  for (auto _ : state) {
    refused += !f.limiter->acquire(key, f.at);
    if (++i == n) {
      i = 0;
      set_decimal(key, key.size() - 12, 12, 0);
    } else {
      next_decimal(key, key.size() - 12, 12);
    }
  }
  probe.report(state);
  if (refused) state.SkipWithError("a principal was refused");
  state.counters["bytes_per_principal"] = f.bytes_per_principal;
}
BENCHMARK(sweep_rate_limit)
    ->Name("sweep/rate_limit/acquire")
    ->ArgName("principals")
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000);

// ---------------------------------------------------------------------------------------------
// sweep/webhook/verify/body_bytes:<n>: webhook/verify (Standard Webhooks, no replay check) on a
// JSON body of n bytes.


// A JSON event body of exactly n bytes.
std::string webhook_body(std::size_t n) {
  std::string b = R"({"type":"order.updated","data":{"order_id":"ord_8f14e45f","status":"shipped","notes":")";
  while (b.size() + 3 < n) b.push_back(static_cast<char>('a' + b.size() % 26));
  b += "\"}}";
  b.resize(n);
  return b;
}

void sweep_webhook(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  constexpr std::string_view id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
  const std::string body = webhook_body(n);
  const webhook::signer<> signer(webhook::standard_webhooks{}, tessera_bench::webhook_ring());
  const webhook::verifier<webhook::standard_webhooks, webhook::no_replay_check> v(webhook::standard_webhooks{},
                                                                                   tessera_bench::webhook_ring(), webhook::no_replay_check{});
  auto headers = signer.sign(id, body);  // signed for this run: the timestamp window is ±5 minutes
  if (!check(state, headers.has_value(), "signing failed")) return;
  {
    auto r = v.verify(*headers, body);
    if (!check(state, r.has_value() && r->id() == id, "delivery does not verify")) return;
  }
  const core::bytes_view bv(body);
  alloc_probe probe;
  for (auto _ : state) {
    auto r = v.verify(*headers, bv);
    benchmark::DoNotOptimize(r);
  }
  probe.report(state);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(sweep_webhook)
    ->Name("sweep/webhook/verify")
    ->ArgName("body_bytes")
    ->Arg(1024)
    ->Arg(16 * 1024)
    ->Arg(64 * 1024)
    ->Arg(256 * 1024)
    ->Arg(1024 * 1024);

}  // namespace
