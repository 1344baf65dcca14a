// Interop with panva/jose (the npm package "jose", pinned in tests/package-lock.json) both ways,
// for every JWS algorithm both implement (HS256/384/512, RS256/384/512, PS256/384/512,
// ES256/384/512, EdDSA): JWS that jose signs verify here and JWS signed here verify in jose, in
// the compact, flattened and general JSON serializations, with attached, detached (RFC 7515
// Appendix F) and detached unencoded (RFC 7797) payloads; a tampered JWS fails on both sides; a
// general JWS carrying one signature per algorithm verifies on each side through the one key that
// side trusts. The keys travel as JWKS: tessera's export_jwks is what jose's createLocalJWKSet
// reads, and jose's exportJWK output is what tessera's import_jwks reads.
// The Node half is tests/jwt/jose_interop.mjs, run once for the whole exchange. Needs
// TESSERA_NODE (Node 20) and tests/node_modules/jose (scripts/install-deps runs npm ci); skipped
// without them.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jwt/fixtures.hpp"
#include "support/catch.hpp"
#include "support/files.hpp"
#include "support/vectors.hpp"
#include "tessera/jwt/jwks.hpp"
#include "tessera/jwt/jws.hpp"

#ifndef TESSERA_NODE
#define TESSERA_NODE ""
#endif

using namespace tessera;
using namespace jwt_test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
using tessera_test::write_file;
using tessera_test::quoted;
core::bytes bytes_of(std::string_view s) { return core::bytes(s.begin(), s.end()); }
std::string name_of(jwt::alg a) { return std::string(jwt::alg_name(a)); }

// Payload bytes that are neither text nor JSON: every byte value.
core::bytes binary_payload() {
  core::bytes b(256);
  for (int i = 0; i < 256; ++i) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  return b;
}

std::string tamper(std::string compact) {  // one payload character replaced: still base64url, not what was signed
  const auto at = compact.find('.') + 1;
  compact[at] = compact[at] == 'A' ? 'B' : 'A';
  return compact;
}
}  // namespace

TEST_CASE("jose interop both ways: every algorithm, compact and JSON serializations, detached payloads, JWKS",
          "[jwt][interop][jose]") {
  const std::string node = TESSERA_NODE;
  if (node.empty()) TESSERA_SKIP("jose interop: TESSERA_NODE is empty (no node found)");
  const fs::path tests_dir = fs::path(TESSERA_TEST_SOURCE_DIR);
  if (!fs::exists(tests_dir / "node_modules" / "jose" / "package.json"))
    TESSERA_SKIP("jose interop: tests/node_modules/jose is missing (scripts/install-deps runs npm ci)");
  const fs::path script = tests_dir / "jwt" / "jose_interop.mjs";
  const fs::path dir = fs::path(TESSERA_TEST_BINARY_DIR) / "jose_interop";
  fs::create_directories(dir);

  const core::bytes payload = binary_payload();
  const core::bytes unencoded = bytes_of("$.02");  // the RFC 7797 §4 payload: a '.' the compact form cannot carry
  const std::string payload_b64 = core::base64url_encode(core::bytes_view(payload));

  // Tessera's side: one key per algorithm under kid "tessera-<ALG>"; public keys exported as a
  // JWKS, HMAC secrets as oct JWKs.
  jwt::kid_key_set tessera_public;
  json secrets = {{"keys", json::array()}};
  for (auto a : all_algs) {
    const std::string kid = "tessera-" + name_of(a);
    if (jwt::is_hmac(a)) {
      secrets["keys"].push_back({{"kty", "oct"}, {"kid", kid}, {"alg", name_of(a)}, {"k", b64(secret_for(a))}});
    } else {
      tessera_public.put(verifier_key(a, kid));
    }
  }
  const json tessera_jwks = jwt::export_jwks(tessera_public);
  REQUIRE(tessera_jwks["keys"].size() == std::size(all_algs) - 3);

  // Every JWS tessera signs for jose to verify.
  json objects = json::array();
  auto add = [&](const std::string& alg, const std::string& form, const std::string& mode, json jws) {
    objects.push_back({{"id", "tessera/" + alg + "/" + form + "/" + mode}, {"alg", alg}, {"form", form}, {"mode", mode},
                       {"jws", std::move(jws)}});
  };
  const jwt::jws_sign_options plain{}, raw{.unencoded = true};
  std::vector<jwt::jws_signer> all_signers;
  for (auto a : all_algs) {
    const std::string alg = name_of(a);
    jwt::jws_signer s(signer(a, "tessera-" + alg));
    all_signers.push_back(s);
    const std::vector<jwt::jws_signer> one{s};
    const std::string compact = s.sign_compact(payload).value();
    add(alg, "compact", "attached", compact);
    add(alg, "compact", "detached", s.sign_compact(payload, plain, true).value());
    add(alg, "compact", "unencoded", s.sign_compact(unencoded, raw, true).value());
    add(alg, "compact", "tampered", tamper(compact));
    add(alg, "flattened", "attached", json::parse(s.sign_flattened(payload).value()));
    add(alg, "flattened", "detached", json::parse(s.sign_flattened(payload, plain, true).value()));
    add(alg, "flattened", "unencoded", json::parse(s.sign_flattened(unencoded, raw, true).value()));
    add(alg, "general", "attached", json::parse(jwt::jws_signer::sign_general(one, payload).value()));
    add(alg, "general", "detached", json::parse(jwt::jws_signer::sign_general(one, payload, plain, true).value()));
    add(alg, "general", "unencoded", json::parse(jwt::jws_signer::sign_general(one, unencoded, raw, true).value()));
  }
  // One general JWS with a signature per algorithm, which jose verifies holding only the ES512 key.
  add("*", "general", "attached", json::parse(jwt::jws_signer::sign_general(all_signers, payload).value()));
  objects.back()["only_kid"] = "tessera-ES512";

  json algs = json::array();
  for (auto a : all_algs) algs.push_back(name_of(a));
  const json request = {{"algs", algs},
                        {"payload", payload_b64},
                        {"unencoded", core::base64url_encode(core::bytes_view(unencoded))},
                        {"tessera_jwks", tessera_jwks},
                        {"tessera_secrets", secrets},
                        {"objects", objects}};
  write_file(dir / "request.json", request.dump());

  const std::string command = quoted(node) + " " + quoted(script.string()) + " <" +
                              quoted((dir / "request.json").string()) + " >" + quoted((dir / "answer.json").string()) +
                              " 2>" + quoted((dir / "stderr.txt").string());
  const int status = std::system(command.c_str());
  INFO("stderr: " << tessera_test::read_file(dir / "stderr.txt"));
  REQUIRE(status == 0);
  const json answer = json::parse(tessera_test::read_file(dir / "answer.json"));
  // The request carried HMAC secrets; the scratch files go (they stay only when a REQUIRE above stopped the test).
  fs::remove(dir / "request.json");

  {  // tessera signs, jose verifies
    const auto& verified = answer.at("verified");
    REQUIRE(verified.size() == objects.size());
    std::size_t passed = 0, refused = 0;
    for (std::size_t i = 0; i < objects.size(); ++i) {
      const auto& o = objects[i];
      const auto& r = verified[i];
      INFO(o["id"].get<std::string>() << " -> " << r.dump());
      REQUIRE(r["id"] == o["id"]);
      if (o["mode"] == "tampered") {
        CHECK(r["ok"] == false);
        CHECK(r["error"] == "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
        refused += r["ok"] == false ? 1 : 0;
        continue;
      }
      REQUIRE(r["ok"] == true);
      ++passed;
      const std::string alg = o["alg"] == "*" ? "ES512" : o["alg"].get<std::string>();
      CHECK(r["alg"] == alg);
      CHECK(r["kid"] == "tessera-" + alg);
      const std::string unencoded_b64 = core::base64url_encode(core::bytes_view(unencoded));
      CHECK(r["payload"] == (o["mode"] == "unencoded" ? unencoded_b64 : payload_b64));
    }
    CHECK(passed == 9 * std::size(all_algs) + 1);
    CHECK(refused == std::size(all_algs));
  }

  {  // jose's RFC 7638 thumbprints of tessera's exported JWKs are tessera's own
    for (auto a : all_algs) {
      if (jwt::is_hmac(a)) continue;
      INFO(name_of(a));
      CHECK(answer.at("thumbprints").at("tessera-" + name_of(a)) == verifier_key(a).public_key()->thumbprint());
    }
  }

  // jose's keys, read through tessera's JWKS import: public keys as a JWKS, secrets as oct JWKs.
  jwt::kid_key_set jose_keys;
  REQUIRE(jwt::load_jwks(jose_keys, answer.at("jose_jwks").dump()));
  REQUIRE(jose_keys.size() == std::size(all_algs) - 3);
  auto jose_secrets = jwt::import_jwks(answer.at("jose_secrets").dump(), {.allow_symmetric = true});
  REQUIRE(jose_secrets);
  REQUIRE(jose_secrets->size() == 3);
  for (auto& k : *jose_secrets) jose_keys.put(std::move(k));

  {  // jose's JWKS, imported and exported again by tessera, is the same document
    std::map<std::string, json> exported, original;
    const json reexported = jwt::export_jwks(jose_keys);
    for (auto& k : reexported["keys"]) exported[k["kid"].get<std::string>()] = k;
    for (auto& k : answer.at("jose_jwks")["keys"]) original[k["kid"].get<std::string>()] = k;
    CHECK(exported == original);
  }

  {  // jose signs, tessera verifies
    const jwt::jws_verifier<jwt::kid_key_set&> v(jose_keys);
    const jwt::jws_verifier<jwt::kid_key_set&> v_b64(jose_keys, {.understood_crit = {"b64"}});
    const auto& signed_objects = answer.at("signed");
    REQUIRE(signed_objects.size() == 10 * std::size(all_algs) + 1);
    std::size_t passed = 0, refused = 0;
    for (const auto& o : signed_objects) {
      const std::string id = o["id"], form = o["form"], mode = o["mode"];
      INFO(id);
      if (o["alg"] == "*") continue;  // below
      const auto a = jwt::alg_from_name(o["alg"].get<std::string>());
      REQUIRE(a);
      const std::string text = form == "compact" ? o["jws"].get<std::string>() : o["jws"].dump();
      const bool json_form = form != "compact";
      result<jwt::verified_jws> r = unexpected{errc::internal_error};
      if (mode == "attached" || mode == "tampered") {
        r = json_form ? v.verify_json(text) : v.verify(text);
      } else if (mode == "detached") {
        r = json_form ? v.verify_json_detached(text, payload) : v.verify_detached(text, payload);
      } else {
        // b64:false is refused unless the caller understands it, then verifies (RFC 7797).
        auto plain_r = json_form ? v.verify_json_detached(text, unencoded) : v.verify_detached(text, unencoded);
        CHECK(plain_r.error() == errc::unsupported_critical_header);
        r = json_form ? v_b64.verify_json_detached(text, unencoded) : v_b64.verify_detached(text, unencoded);
      }
      if (mode == "tampered") {
        CHECK(r.error() == errc::bad_signature);
        refused += !r && r.error() == errc::bad_signature ? 1 : 0;
        continue;
      }
      REQUIRE(r);
      ++passed;
      CHECK(r->algorithm == *a);
      CHECK(r->kid == "jose-" + name_of(*a));
      CHECK(r->unencoded == (mode == "unencoded"));
      CHECK(r->payload == (mode == "unencoded" ? unencoded : payload));
      CHECK(r->signature_index == 0);
    }
    CHECK(passed == 9 * std::size(all_algs));
    CHECK(refused == std::size(all_algs));

    // jose's general JWS with a signature per algorithm (alg protected, kid unprotected): with all
    // of jose's keys the first signature decides; with only the ES512 key (twelfth of thirteen, so
    // max_signatures is raised above its default of 8), its signature does and the others decide
    // nothing.
    const std::string multi = signed_objects.back().at("jws").dump();
    REQUIRE(signed_objects.back()["alg"] == "*");
    auto first = v.verify_json(multi);
    REQUIRE(first);
    CHECK(first->signature_index == 0);
    CHECK(first->algorithm == jwt::alg::hs256);
    jwt::kid_key_set only_es512;
    only_es512.put(*jose_keys.find(std::string_view("jose-ES512")));
    auto chosen = jwt::jws_verifier<jwt::kid_key_set&>(only_es512, {.max_signatures = 16}).verify_json(multi);
    REQUIRE(chosen);
    CHECK(chosen->signature_index == 11);
    CHECK(chosen->algorithm == jwt::alg::es512);
    CHECK(chosen->kid == "jose-ES512");
    CHECK(chosen->payload == payload);
  }

  fs::remove(dir / "answer.json");
  fs::remove(dir / "stderr.txt");
}
