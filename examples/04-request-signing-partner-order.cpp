// 04 — signed partner orders: a partner signs an order request with its private key, the server
// verifies it against the public key the partner registered, and (with the canonical profile) a
// replayed copy is refused.
//
// Two profiles decide what the signature covers:
//  - client_timestamp: X-SIGNATURE = base64(SHA256withRSA(key, client_id + "|" + X-TIMESTAMP)),
//    the scheme many payment and ordering APIs use, with X-TIMESTAMP in unix seconds. It proves
//    who signed and when, nothing more: the model has no rule against repeats (two orders in one
//    second carry the same signature), so none is enforced unless asked for (rs::repeats::refused).
//  - canonical_request: the signature also covers the method, path, query, a digest of the body,
//    a one-time nonce and (here) the bearer token, so a captured request cannot be altered or
//    replayed. Its exact format is specified in tessera/request_signing/canonical_request.hpp.
// Both run below. In real life the two halves live in different programs (and companies).
#include <tessera/request_signing.hpp>

#include <cstdio>
#include <string>

namespace rs = tessera::request_signing;
using tessera::errc;

namespace {
// Prints one outcome: "accepted" or the error's stable name and the HTTP status to answer with.
template <class R>
bool report(const char* what, const R& r) {
  if (r) {
    std::printf("  %-44s accepted\n", what);
  } else {
    std::printf("  %-44s refused: %s (HTTP %d)\n", what, std::string(tessera::core::name(r.error())).c_str(),
                tessera::core::http_status(r.error()));
  }
  return static_cast<bool>(r);
}
}  // namespace

int main() {
  // ---- Onboarding (once) -------------------------------------------------------------------
  // The partner creates a key pair and keeps the private key. (Here we generate one; usually it
  // arrives as PEM: rs::signer<...>::from_pem("partner-42", pem) reads PKCS#8 or PKCS#1.)
  auto partner_key = tessera::crypto::private_key::generate(tessera::crypto::key_spec::rsa2048);
  if (!partner_key) return 1;
  // It sends the server its public key (SPKI PEM, or an X.509 certificate PEM).
  auto public_pem = partner_key->public_key().value().to_pem().value();

  // The server registers the key under the partner's client id. Keys are parsed and checked here
  // (RSA below 2048 bits is refused), never per request. A client may hold several keys at once,
  // which is how a partner rotates keys without downtime.
  rs::memory_client_registry clients;
  auto key_id = clients.add_key("partner-42", public_pem);  // SHA256withRSA by default
  if (!key_id) return 1;
  std::printf("registered partner-42, key id %s\n", key_id->c_str());

  // Seen nonces and signatures are remembered for twice the timestamp window (default ±300 s).
  tessera::core::memory_replay_store seen;

  // ---- 1. The classic scheme: client_id|timestamp ----------------------------------------
  std::printf("\nclient_timestamp profile (X-SIGNATURE over \"client_id|X-TIMESTAMP\"):\n");
  {
    // Partner side: X-TIMESTAMP in unix seconds, as the model's document says.
    auto signer = rs::signer<rs::client_timestamp>::create("partner-42", *partner_key,
                                                           tessera::crypto::signature_alg::rsa_pkcs1_sha256,
                                                           rs::client_timestamp{});
    if (!signer) return 1;
    rs::request order("POST", "/api/v1/orders", "", R"({"sku":"A-1","qty":2})");
    auto headers = signer->sign();  // X-CLIENT-ID, X-TIMESTAMP, X-SIGNATURE
    if (!headers) return 1;
    for (const auto& h : *headers) std::printf("  > %s: %.60s%s\n", h.name.c_str(), h.value.c_str(), h.value.size() > 60 ? "..." : "");
    headers->apply_to(order);

    // Server side: one verifier per profile, shared by every request handler thread.
    rs::verifier server(rs::client_timestamp{}, clients, seen);
    if (!report("the partner's order", server.verify(order))) return 1;
    // The weakness: the signature does not cover the request, so within the window these headers
    // are accepted again, on any endpoint, with any body.
    rs::request other("DELETE", "/api/v1/orders/77");
    headers->apply_to(other);
    if (!report("the headers on another endpoint", server.verify(other))) return 1;
    // A server may refuse exact repeats, at the cost of one call per client per second.
    tessera::core::memory_replay_store strict_seen;
    rs::verifier strict(rs::client_timestamp(rs::timestamp_format::unix_seconds, {}, rs::repeats::refused), clients,
                        strict_seen);
    if (!report("the order, at a server refusing repeats", strict.verify(order))) return 1;
    if (report("the same request again (replay)", strict.verify(order))) return 1;
  }

  // ---- 2. The canonical request: nothing can be changed or replayed ----------------------
  std::printf("\ncanonical_request profile (method, path, query, body, nonce, token):\n");
  rs::canonical_request_options options;
  options.bind_bearer_token = true;  // the signature is also bound to the caller's JWT
  const rs::canonical_request profile(options);

  // Partner side.
  auto signer = rs::signer<rs::canonical_request>::create("partner-42", *partner_key,
                                                          tessera::crypto::signature_alg::rsa_pkcs1_sha256, profile);
  if (!signer) return 1;
  rs::request order("POST", "/api/v1/orders", "store=oslo", R"({"sku":"A-1","qty":2,"external_id":"ord-991"})");
  order.set_header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJjbGllbnRfaWQiOiJwYXJ0bmVyLTQyIn0.c2ln");
  auto headers = signer->sign(order);  // adds X-NONCE, a fresh random value per request
  if (!headers) return 1;
  headers->apply_to(order);

  // Server side. A host server adapts its own request type to rs::request_view (method, path,
  // query, body, header lookup); rs::request is the ready-made model used here.
  rs::verifier server(profile, clients, seen);
  auto verified = server.verify(order);
  if (!report("the partner's order", verified)) return 1;
  std::printf("  %-44s client %s, key %.12s...\n", "", std::string(verified->client_id()).c_str(),
              std::string(verified->key_id()).c_str());

  // The JWT that came with the call must belong to the same client as X-CLIENT-ID. With a
  // verified jwt token, pass the token itself: rs::check_client_id(header, token).
  if (!report("X-CLIENT-ID equals the token's client_id", rs::check_client_id(*order.header("X-CLIENT-ID"), "partner-42")))
    return 1;

  // An attacker who captured the request tries again, then tries to alter it.
  if (report("the captured request replayed", server.verify(order))) return 1;
  rs::request altered = order;
  altered.set_body(R"({"sku":"A-1","qty":200,"external_id":"ord-991"})");
  if (report("the captured request with a changed body", server.verify(altered))) return 1;
  rs::request elsewhere = order;
  elsewhere.set_path("/api/v1/refunds");
  if (report("the captured request on another endpoint", server.verify(elsewhere))) return 1;

  std::printf("\nall checks behaved as expected\n");
  return 0;
}
