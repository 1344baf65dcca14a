// Webhook benchmarks: webhook/verify/<size> checks a Standard Webhooks delivery (headers, timestamp
// window, HMAC-SHA256 over "{id}.{timestamp}.{body}", constant-time compare) with replay checking
// explicitly off (no_replay_check: a replay store would refuse every repeat of the same delivery);
// floor/webhook/<size> is the HMAC-SHA256 of the same signed content with the HMAC floor's method.

#include "bench_support.hpp"
#include "webhook_fixture.hpp"

#include <string>

#include "tessera/core/base64.hpp"
#include "tessera/webhook/signer.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/verifier.hpp"

namespace {

using namespace tessera;
using tessera_bench::alloc_probe;
using tessera_bench::check;

constexpr std::string_view delivery_id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";

// A JSON event body of exactly n bytes.
std::string body_of(std::size_t n) {
  std::string b = R"({"type":"order.updated","data":{"order_id":"ord_8f14e45f","status":"shipped","notes":")";
  const std::string tail = "\"}}";
  while (b.size() + tail.size() < n) b.push_back(static_cast<char>('a' + b.size() % 26));
  b += tail;
  b.resize(n);  // never shorter than the prefix for the sizes used here
  return b;
}

void webhook_verify(benchmark::State& state, std::size_t size) {
  const std::string body = body_of(size);
  webhook::signer<> signer(webhook::standard_webhooks{}, tessera_bench::webhook_ring());
  const webhook::verifier<webhook::standard_webhooks, webhook::no_replay_check> v(webhook::standard_webhooks{},
                                                                                   tessera_bench::webhook_ring(),
                                                                                   webhook::no_replay_check{});
  // Signed now, for this run: the verifier's timestamp window is ±5 minutes.
  auto headers = signer.sign(delivery_id, body);
  if (!check(state, headers.has_value(), "signing failed")) return;
  {
    auto r = v.verify(*headers, body);
    if (!check(state, r.has_value() && r->id() == delivery_id, "delivery does not verify")) return;
    std::string tampered = body;
    tampered[tampered.size() / 2] ^= 1;
    auto bad = v.verify(*headers, tampered);
    if (!check(state, !bad && bad.error() == errc::no_valid_signature, "tampered delivery verifies")) return;
  }
  const core::bytes_view bv(body);
  alloc_probe probe;
  for (auto _ : state) {
    auto r = v.verify(*headers, bv);
    benchmark::DoNotOptimize(r);
  }
  probe.report(state);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
BENCHMARK_CAPTURE(webhook_verify, 1KiB, std::size_t{1024})->Name("webhook/verify/1KiB");
BENCHMARK_CAPTURE(webhook_verify, 1MiB, std::size_t{1024 * 1024})->Name("webhook/verify/1MiB");

void floor_webhook(benchmark::State& state, std::size_t size) {
  const std::string body = body_of(size);
  webhook::signer<> signer(webhook::standard_webhooks{}, tessera_bench::webhook_ring());
  auto headers = signer.sign(delivery_id, body);
  if (!check(state, headers.has_value(), "signing failed")) return;
  const auto ts = headers->find("webhook-timestamp");
  const auto sig = headers->find("webhook-signature");
  if (!check(state, ts && sig && sig->starts_with("v1,"), "unexpected webhook headers")) return;
  const auto expected = tessera_bench::must(core::base64_decode(sig->substr(3)), "signature base64");
  // The same signed content, "{id}.{timestamp}.{body}", in one buffer.
  std::string content = std::string(delivery_id) + "." + std::string(*ts) + "." + body;
  const auto& secret = tessera_bench::webhook_secret();
  tessera_bench::hmac_floor h("SHA2-256", secret.data(), secret.size());
  if (!check(state, h.verify(content.data(), content.size(), expected.data(), expected.size()),
             "floor HMAC differs from the delivery's signature"))
    return;
  alloc_probe probe;
  for (auto _ : state) {
    bool ok = h.verify(content.data(), content.size(), expected.data(), expected.size());
    benchmark::DoNotOptimize(ok);
  }
  probe.report(state);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
}
BENCHMARK_CAPTURE(floor_webhook, 1KiB, std::size_t{1024})->Name("floor/webhook/1KiB");
BENCHMARK_CAPTURE(floor_webhook, 1MiB, std::size_t{1024 * 1024})->Name("floor/webhook/1MiB");

}  // namespace
