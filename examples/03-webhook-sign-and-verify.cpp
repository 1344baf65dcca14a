// 03 — webhooks: a sender signs a delivery, a receiver verifies it, and a repeat is reported.
//
// Both sides hold the same per-subscription secret. The sender signs the raw body together with
// a delivery id and a timestamp (the Standard Webhooks scheme) and sends three headers; the
// receiver checks the signature, that the timestamp is recent, and that it has not accepted this
// delivery id before. No HTTP library is involved: headers are plain name/value pairs here, and in
// a real server they come from the request object (any map of headers, or a lookup function).
#include <tessera/tessera.hpp>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>  // the delivery record printed as JSON at the end

using namespace tessera;

namespace {
// Prints an error's stable name and the HTTP status a server would answer with.
void print_refusal(const char* what, errc e) {
  std::printf("%s: refused, %.*s (HTTP %d)\n", what, static_cast<int>(core::name(e).size()), core::name(e).data(),
              core::http_status(e));
}
}  // namespace

int main() {
  // --- Setup, once per subscription ------------------------------------------------------------
  // The sender generates a secret when the integrator subscribes. It is shown to them exactly once
  // (here: printed only as its length) and then stored by both sides; it is never logged.
  webhook::standard_webhooks scheme;
  result<secret> subscription_secret = scheme.generate_secret();  // "whsec_" + base64 of 32 random bytes
  if (!subscription_secret) return 1;
  std::printf("new subscription secret: %zu characters, starts with whsec_\n", subscription_secret->size());

  // Each side turns the secret into a key ring: the keys it signs with or accepts. During a
  // rotation the ring holds the new and the old secret.
  auto keys = webhook::key_ring::from_secrets(scheme, {subscription_secret->expose_secret_text()});
  if (!keys) return 1;

  // --- Sender: sign one delivery ---------------------------------------------------------------
  webhook::signer sender(scheme, *keys);
  const std::string body = R"({"type":"stock.changed","data":{"sku":"A-100","delta":-2}})";
  // The id stays the same on every retry of this event; each attempt is signed afresh.
  result<webhook::header_list> headers = sender.sign("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", body);
  if (!headers) return 1;
  for (const auto& h : *headers)  // webhook-id, webhook-timestamp, webhook-signature (shortened here)
    std::printf("  %s: %.24s%s\n", h.name.c_str(), h.value.c_str(), h.value.size() > 24 ? "..." : "");

  // --- Receiver: verify it, as a request handler would ----------------------------------------
  // The replay store remembers accepted delivery ids; a server keeps one for its lifetime (or a
  // shared one, e.g. Redis, behind the same concept when it runs several instances).
  core::memory_replay_store seen_deliveries;
  webhook::verifier receiver(scheme, *keys, seen_deliveries);  // ±300 s tolerance by default

  // verify() never throws: it returns the verified delivery, or the exact reason for refusal.
  // It must see the raw body bytes exactly as received, never a re-serialised JSON document.
  result<webhook::verified_delivery> first = receiver.verify(*headers, body);
  if (!first) {
    print_refusal("first delivery", first.error());
    return 1;
  }
  std::printf("first delivery: accepted, id %.*s -> process it, answer 200\n", static_cast<int>(first->id().size()), first->id().data());

  // The sender did not see our 200 (a timeout) and retries: same id, so it is a duplicate. The
  // signature was checked first, so the duplicate is authentic: answer 200 and do not act twice.
  result<webhook::verified_delivery> again = receiver.verify(*headers, body);
  if (again || again.error() != errc::duplicate_delivery) return 1;
  std::printf("second delivery: duplicate -> answer 200 without processing it again\n");

  // Anyone without the secret who alters the body gets no_valid_signature (HTTP 401).
  result<webhook::verified_delivery> forged = receiver.verify(*headers, R"({"type":"stock.changed","data":{}})");
  if (forged) return 1;
  print_refusal("altered body", forged.error());

  // --- Sender bookkeeping: when to retry a failed attempt --------------------------------------
  webhook::retry_schedule<> retries;  // 15 attempts, exponential backoff with full jitter
  webhook::delivery_record rec = retries.record("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", 1, 503,
                                                std::chrono::system_clock::now());
  std::printf("after a 503: %s\n", rec.to_json().dump().c_str());
  return rec.outcome == webhook::delivery_outcome::retry_scheduled ? 0 : 1;
}
