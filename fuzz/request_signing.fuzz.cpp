// Fuzzes request-signature verification (request_signing/verifier.hpp) under both profiles:
// the input is cut into method, target, header values and body. Properties: never crashes; a
// request that verifies names the registered client; the timestamp parser, strict base64,
// canonical form (path, query, body digest) and nonce checks all see hostile text.
#include <string>

#include "fuzz_support.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/request_signing/canonical_request.hpp"
#include "tessera/request_signing/client_registry.hpp"
#include "tessera/request_signing/client_timestamp.hpp"
#include "tessera/request_signing/request.hpp"
#include "tessera/request_signing/verifier.hpp"

namespace {
using namespace tessera;
namespace rs = tessera::request_signing;

struct world {
  rs::memory_client_registry clients;
  core::memory_replay_store seen;
  rs::verifier<rs::client_timestamp, rs::memory_client_registry&, core::memory_replay_store&> classic{
      rs::client_timestamp{}, clients, seen};
  rs::verifier<rs::canonical_request, rs::memory_client_registry&, core::memory_replay_store&> canonical{
      rs::canonical_request{}, clients, seen};
  world() {
    auto key = crypto::private_key::generate(crypto::key_spec::rsa2048).value();
    tessera_fuzz::require(clients.add_key("partner-42", key.public_key().value().to_pem().value()).has_value(),
                          "the fuzzing client registers");
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static world w;
  auto f = tessera_fuzz::fields(tessera_fuzz::text(data, size), 7);
  auto req = rs::request::from_target(std::string(f[0]), f[1], std::string(f[6]));
  req.set_header("X-CLIENT-ID", f[2]);
  req.set_header("X-TIMESTAMP", f[3]);
  req.set_header("X-SIGNATURE", f[4]);
  req.set_header("X-NONCE", f[5]);
  if (auto v = w.classic.verify(req)) tessera_fuzz::require(v->client_id() == "partner-42", "the registered client");
  if (auto v = w.canonical.verify(req)) tessera_fuzz::require(v->client_id() == "partner-42", "the registered client");
  return 0;
}
