// Fuzzes webhook verification (webhook/verifier.hpp with the Standard Webhooks and `t=,v1=`
// schemes): the input is cut into header values and a body. Properties: never crashes; nothing
// verifies except what the key signed (the seeds), and a verified delivery's id is the header's.
#include <string>
#include <utility>
#include <vector>

#include "fuzz_support.hpp"
#include "tessera/webhook/key_ring.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/timestamped_scheme.hpp"
#include "tessera/webhook/verifier.hpp"

namespace {
using namespace tessera;
using headers_t = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view sw_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

template <class S>
webhook::verifier<S, webhook::no_replay_check> make(const S& s, std::string_view secret) {
  webhook::verify_options o;
  o.insecure_skip_timestamp_check = true;  // reach the signature with any timestamp
  return webhook::verifier<S, webhook::no_replay_check>(s, webhook::key_ring::from_secrets(s, {secret}).value(),
                                                         webhook::no_replay_check{}, o);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto f = tessera_fuzz::fields(tessera_fuzz::text(data, size), 4);
  const core::bytes_view body{f[3]};

  static const auto sw = make(webhook::standard_webhooks{}, sw_secret);
  headers_t h{{"webhook-id", std::string(f[0])}, {"webhook-timestamp", std::string(f[1])},
              {"webhook-signature", std::string(f[2])}};
  if (auto d = sw.verify(h, body)) tessera_fuzz::require(d->id() == f[0], "the verified id is the header's");

  static const webhook::timestamped_scheme ts{};
  static const auto tv = make(ts, "partner-secret-0123456789abcdef-xyz");
  headers_t t{{std::string(ts.signature_header()), std::string(f[2])}};
  (void)tv.verify(t, body);
  return 0;
}
