// A signed-orders partner's RFC 9421 signer, on tessera's httpsig::signer: the headers a partner
// adds to an order request (Content-Digest, Signature-Input, Signature), for the server of this
// folder or any RFC 9421 verifier.
//
// Reads one JSON request per line on stdin and writes one JSON line per request on stdout:
//   in:  {"keyid": "partner_...", "private_key_pem": "...", "algorithm": "ed25519" | "rsa-v1_5-sha256" | ...,
//         "method": "POST", "target": "/api/v1/orders", "authority": "127.0.0.1:8080",
//         "scheme": "http", "headers": [["Authorization", "Bearer ..."], ...], "body": "...",
//         "components": ["@method", "@path", "@authority", ...],   (optional; the signer's default)
//         "content_digest": true, "alg_parameter": false, "label": "sig1"}   (optional)
//   out: {"headers": [["Content-Digest", "..."], ["Signature-Input", "..."], ["Signature", "..."]]}
//        or {"error": "<tessera error name>"}
// The key is used for that line only; a fresh nonce and `created` (now) are added to each
// signature.
#include <tessera/request_signing.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {
using namespace tessera;
namespace rs = tessera::request_signing;
namespace httpsig = tessera::request_signing::httpsig;

nlohmann::json failure(errc e) { return {{"error", std::string(core::name(e))}}; }

// Signs the request one input line describes.
nlohmann::json sign(const nlohmann::json& in) {
  const auto alg = httpsig::algorithm_named(in.value("algorithm", "ed25519"));
  if (!alg) return failure(errc::invalid_argument);
  auto signer = httpsig::signer<>::from_pem(in.at("keyid").get<std::string>(), in.at("private_key_pem").get<std::string>(), *alg);
  if (!signer) return failure(signer.error());

  auto req = rs::request::from_target(in.at("method").get<std::string>(), in.at("target").get<std::string>(),
                                      in.value("body", std::string()));
  req.set_header("Host", in.at("authority").get<std::string>());
  for (const auto& h : in.value("headers", nlohmann::json::array())) req.set_header(h.at(0).get<std::string>(), h.at(1).get<std::string>());

  httpsig::sign_options o;
  o.label = in.value("label", std::string("sig1"));
  for (const auto& c : in.value("components", nlohmann::json::array())) {
    auto parsed = httpsig::component::parse("\"" + c.get<std::string>() + "\"");
    if (!parsed) return failure(parsed.error());
    o.components.push_back(std::move(*parsed));
  }
  o.add_content_digest = in.value("content_digest", !req.body().empty());
  o.add_alg = in.value("alg_parameter", false);
  o.message_context.scheme = in.value("scheme", std::string("https"));
  auto headers = signer->sign(req, o);
  if (!headers) return failure(headers.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : *headers) out.push_back({h.name, h.value});
  return {{"headers", out}};
}
}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    nlohmann::json out;
    try {
      out = sign(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception&) {
      out = failure(errc::invalid_argument);
    }
    std::printf("%s\n", out.dump().c_str());
    std::fflush(stdout);
  }
  return 0;
}
