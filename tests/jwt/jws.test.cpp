// Tests for tessera/jwt/jws.hpp: JWS over arbitrary payload bytes in the compact, flattened and
// general serializations, detached and unencoded (RFC 7797) payloads, the key-decides-algorithm
// rule, crit, bounds, and general JWS whose untrusted or malformed signatures decide nothing.
// The RFC examples are in jws_rfc_vectors.test.cpp.
#include "tessera/jwt/jws.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jwt/fixtures.hpp"
#include "support/catch.hpp"

using namespace tessera;
using namespace jwt_test;

namespace {
core::bytes bytes_of(std::string_view s) { return core::bytes(s.begin(), s.end()); }
std::string text_of(const core::bytes& b) { return std::string(b.begin(), b.end()); }

jwt::jws_verifier<jwt::single_key> verifier_for(jwt::alg a, jwt::jws_options o = {}, std::string kid = {}) {
  return jwt::jws_verifier<jwt::single_key>(jwt::single_key(verifier_key(a, std::move(kid))), std::move(o));
}

// A payload that is not JSON and not text: every byte value.
core::bytes all_bytes() {
  core::bytes b(256);
  for (int i = 0; i < 256; ++i) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  return b;
}
}  // namespace

TEST_CASE("jws: compact round trip for every algorithm, payload returned byte for byte", "[jwt][jws]") {
  const core::bytes payload = all_bytes();
  for (auto a : all_algs) {
    INFO(jwt::alg_name(a));
    jwt::jws_signer s(signer(a));
    auto compact = s.sign_compact(payload, {.typ = "example+jws", .cty = "application/octet-stream"});
    REQUIRE(compact);
    auto v = verifier_for(a).verify(*compact);
    REQUIRE(v);
    CHECK(v->payload == payload);
    CHECK(v->algorithm == a);
    CHECK(v->typ == "example+jws");
    CHECK(v->cty == "application/octet-stream");
    CHECK_FALSE(v->unencoded);
    // The same through the flattened and general serializations.
    auto flat = s.sign_flattened(payload);
    REQUIRE(flat);
    auto vf = verifier_for(a).verify_json(*flat);
    REQUIRE(vf);
    CHECK(vf->payload == payload);
    const std::vector<jwt::jws_signer> one{s};
    auto general = jwt::jws_signer::sign_general(one, payload);
    REQUIRE(general);
    auto vg = verifier_for(a).verify_json(*general);
    REQUIRE(vg);
    CHECK(vg->payload == payload);
  }
}

TEST_CASE("jws: the key decides the algorithm; tampering and bad shapes are refused", "[jwt][jws]") {
  jwt::jws_signer s(signer(jwt::alg::hs256));
  auto compact = s.sign_compact(bytes_of("hello"));
  REQUIRE(compact);
  // A key of another algorithm (same secret bytes for HS384 would still be another key).
  CHECK(verifier_for(jwt::alg::hs384).verify(*compact).error() == errc::algorithm_not_allowed);
  CHECK(verifier_for(jwt::alg::rs256).verify(*compact).error() == errc::algorithm_not_allowed);
  // Payload changed: the signature no longer matches.
  std::string tampered = *compact;
  const auto d1 = tampered.find('.');
  tampered[d1 + 1] = tampered[d1 + 1] == 'a' ? 'b' : 'a';
  CHECK(verifier_for(jwt::alg::hs256).verify(tampered).error() == errc::bad_signature);
  // Shapes.
  auto v = verifier_for(jwt::alg::hs256);
  CHECK(v.verify("a.b").error() == errc::token_malformed);
  CHECK(v.verify(*compact + ".x").error() == errc::token_malformed);
  CHECK(v.verify(compact->substr(0, d1) + ".." + compact->substr(compact->rfind('.') + 1)).error() ==
        errc::token_malformed);  // an empty payload segment is a detached JWS
  CHECK(v.verify(*compact + "=").error() == errc::token_malformed);  // not strict base64url
  // Bound.
  CHECK(verifier_for(jwt::alg::hs256, {.max_size = 40}).verify(*compact).error() == errc::token_too_large);
  // alg none and an unknown alg.
  const std::string none = b64(R"({"alg":"none"})") + "." + b64("hello") + ".";
  CHECK_FALSE(v.verify(none));
  const std::string unknown = b64(R"({"alg":"HS999"})") + "." + b64("hello") + "." + b64("x");
  CHECK(v.verify(unknown).error() == errc::algorithm_not_allowed);
}

TEST_CASE("jws: detached payloads (RFC 7515 Appendix F)", "[jwt][jws]") {
  jwt::jws_signer s(signer(jwt::alg::es256));
  const core::bytes payload = bytes_of(R"({"amount":"10.00","currency":"EUR"})");
  auto compact = s.sign_compact(payload, {}, /*detached=*/true);
  REQUIRE(compact);
  CHECK(compact->find("..") != std::string::npos);
  auto v = verifier_for(jwt::alg::es256);
  auto ok = v.verify_detached(*compact, payload);
  REQUIRE(ok);
  CHECK(ok->payload == payload);
  CHECK(v.verify_detached(*compact, bytes_of(R"({"amount":"99.00","currency":"EUR"})")).error() == errc::bad_signature);
  CHECK(v.verify(*compact).error() == errc::token_malformed);  // no payload to verify
  auto attached = s.sign_compact(payload);
  REQUIRE(attached);
  CHECK(v.verify_detached(*attached, payload).error() == errc::token_malformed);  // payload given twice
  // JSON serializations without "payload".
  auto flat = s.sign_flattened(payload, {}, true);
  REQUIRE(flat);
  CHECK(flat->find("\"payload\"") == std::string::npos);
  CHECK(v.verify_json_detached(*flat, payload));
  CHECK(v.verify_json(*flat).error() == errc::token_malformed);
}

TEST_CASE("jws: unencoded payloads (RFC 7797) only for a caller that understands b64", "[jwt][jws]") {
  jwt::jws_signer s(signer(jwt::alg::hs256));
  const core::bytes payload = bytes_of("$.02");  // the RFC 7797 §4 example's payload
  auto compact = s.sign_compact(payload, {.unencoded = true}, /*detached=*/true);
  REQUIRE(compact);
  auto refused = verifier_for(jwt::alg::hs256).verify_detached(*compact, payload);
  CHECK(refused.error() == errc::unsupported_critical_header);
  auto v = verifier_for(jwt::alg::hs256, {.understood_crit = {"b64"}});
  auto ok = v.verify_detached(*compact, payload);
  REQUIRE(ok);
  CHECK(ok->unencoded);
  CHECK(ok->payload == payload);
  CHECK(v.verify_detached(*compact, bytes_of("$.03")).error() == errc::bad_signature);
  // Attached, the payload travels as it is; a '.' in it cannot go in the compact form.
  CHECK(s.sign_compact(payload, {.unencoded = true}).error() == errc::invalid_argument);
  auto attached = s.sign_compact(bytes_of("no dots here"), {.unencoded = true});
  REQUIRE(attached);
  CHECK(text_of(v.verify(*attached)->payload) == "no dots here");
  // b64:false outside crit is malformed (RFC 7797 §6), even for a caller that understands it.
  const auto hs = signer(jwt::alg::hs256);
  const std::string header = b64(R"({"alg":"HS256","b64":false})");
  const std::string input = header + ".no dots here";
  auto sig = hs.sign(core::bytes_view(input));
  REQUIRE(sig);
  CHECK(v.verify(input + "." + core::base64url_encode(core::bytes_view(*sig))).error() == errc::token_malformed);
  // The flattened serialization carries any payload unencoded, dots included.
  auto flat = s.sign_flattened(payload, {.unencoded = true});
  REQUIRE(flat);
  CHECK(text_of(v.verify_json(*flat)->payload) == "$.02");
  // Unencoded in JSON, the payload is a JSON string: escaped where it must be, and refused when
  // it is not UTF-8 (JSON cannot carry it), unless it is detached.
  const core::bytes text = bytes_of("caf\xC3\xA9 \"quoted\" \\ tab\t nul\x01");
  for (bool general : {false, true}) {
    INFO(general);
    const std::vector<jwt::jws_signer> one{s};
    auto sign = [&](const core::bytes& p, bool detached) {
      return general ? jwt::jws_signer::sign_general(one, p, {.unencoded = true}, detached)
                     : s.sign_flattened(p, {.unencoded = true}, detached);
    };
    auto escaped = sign(text, false);
    REQUIRE(escaped);
    CHECK(nlohmann::json::parse(*escaped)["payload"] == "caf\xC3\xA9 \"quoted\" \\ tab\t nul\x01");
    CHECK(v.verify_json(*escaped)->payload == text);
    const core::bytes not_utf8 = bytes_of("ok \xC0\xAF");
    CHECK(sign(not_utf8, false).error() == errc::invalid_argument);
    auto detached = sign(not_utf8, true);
    REQUIRE(detached);
    CHECK(v.verify_json_detached(*detached, not_utf8));
  }
}

TEST_CASE("jws: a JWT verifier still refuses b64:false, whatever it understands", "[jwt][jws]") {
  const auto hs = signer(jwt::alg::hs256);
  const std::string header = b64(R"({"alg":"HS256","b64":false,"crit":["b64"]})");
  const std::string claims = valid_claims();
  const std::string input = header + "." + claims;
  auto sig = hs.sign(core::bytes_view(input));
  REQUIRE(sig);
  const std::string token = input + "." + core::base64url_encode(core::bytes_view(*sig));
  auto rules = lax_builder().understand_crit("b64").build();
  REQUIRE(rules);
  jwt::verifier<jwt::single_key> v(jwt::single_key(verifier_key(jwt::alg::hs256)), *rules);
  CHECK(v.verify(token).error() == errc::unsupported_critical_header);
}

TEST_CASE("jws: general JSON, the first signature a trusted key verifies wins; others decide nothing",
          "[jwt][jws]") {
  const core::bytes payload = bytes_of("the payload");
  jwt::jws_signer trusted(signer(jwt::alg::es256, "trusted"));
  jwt::jws_signer stranger(signer(jwt::alg::rs256, "stranger"));
  jwt::jws_signer hmac(signer(jwt::alg::hs256, "hmac"));
  const std::vector<jwt::jws_signer> three{stranger, hmac, trusted};
  auto general = jwt::jws_signer::sign_general(three, payload);
  REQUIRE(general);
  jwt::kid_key_set keys;
  keys.put(verifier_key(jwt::alg::es256, "trusted"));
  jwt::jws_verifier<jwt::kid_key_set&> v(keys);
  auto ok = v.verify_json(*general);
  REQUIRE(ok);
  CHECK(ok->signature_index == 2);
  CHECK(ok->kid == "trusted");
  CHECK(ok->algorithm == jwt::alg::es256);

  // A first signature whose header lies about its kid to reach the trusted key, with a bad
  // signature: it fails, and the genuine one after it still verifies.
  auto j = nlohmann::json::parse(*general);
  j["signatures"][0]["protected"] = b64(R"({"alg":"ES256","kid":"trusted"})");
  auto forged = v.verify_json(j.dump());
  REQUIRE(forged);
  CHECK(forged->signature_index == 2);

  // Only untrusted signatures: refused, with the furthest error.
  jwt::kid_key_set other;
  other.put(verifier_key(jwt::alg::es384, "someone-else"));
  jwt::jws_verifier<jwt::kid_key_set&> nobody(other);
  CHECK(nobody.verify_json(*general).error() == errc::key_not_found);
  // The trusted signature's payload changed: every signature fails.
  j = nlohmann::json::parse(*general);
  j["payload"] = b64("another payload");
  CHECK(v.verify_json(j.dump()).error() == errc::bad_signature);
  // max_signatures: the trusted one is third; with two tried it is never reached.
  jwt::jws_verifier<jwt::kid_key_set&> two(keys, {.max_signatures = 2});
  CHECK_FALSE(two.verify_json(*general));
}

TEST_CASE("jws: JSON serialization shapes", "[jwt][jws]") {
  jwt::jws_signer s(signer(jwt::alg::hs256, "k1"));
  auto v = verifier_for(jwt::alg::hs256, {}, "k1");
  auto flat = nlohmann::json::parse(*s.sign_flattened(bytes_of("x")));
  auto with = [&](auto edit) {
    auto j = flat;
    edit(j);
    return v.verify_json(j.dump());
  };
  CHECK(with([](nlohmann::json&) {}));
  CHECK(with([](nlohmann::json& j) { j["unknown_member"] = 1; }));  // ignored (RFC 7515 §7.2.1)
  CHECK(with([](nlohmann::json& j) { j["signatures"] = nlohmann::json::array(); }).error() == errc::token_malformed);
  CHECK(with([](nlohmann::json& j) { j.erase("signature"); }).error() == errc::token_malformed);
  CHECK(with([](nlohmann::json& j) { j["signature"] = 5; }).error() == errc::token_malformed);
  CHECK(with([](nlohmann::json& j) { j["header"] = {{"kid", "k1"}}; }).error() == errc::token_malformed);  // kid twice
  CHECK(with([](nlohmann::json& j) { j["header"] = {{"crit", {"x"}}}; }).error() == errc::token_malformed);
  CHECK(with([](nlohmann::json& j) { j["header"] = "text"; }).error() == errc::token_malformed);
  CHECK(with([](nlohmann::json& j) { j["header"] = {{"alg", "HS512"}}; }).error() == errc::token_malformed);  // alg twice
  CHECK(v.verify_json("[]").error() == errc::token_malformed);
  CHECK(v.verify_json("{").error() == errc::token_malformed);
  CHECK(v.verify_json(R"({"payload":"eA","payload":"eA"})").error() == errc::token_malformed);
  // alg and kid only in the unprotected header: the key still decides.
  const auto hs = signer(jwt::alg::hs256, "k1");
  auto sig = hs.sign(core::bytes_view(std::string(".") + b64("x")));
  REQUIRE(sig);
  nlohmann::json bare = {{"payload", b64("x")},
                         {"header", {{"alg", "HS256"}, {"kid", "k1"}}},
                         {"signature", core::base64url_encode(core::bytes_view(*sig))}};
  CHECK(v.verify_json(bare.dump()));
  bare["header"]["alg"] = "HS384";
  CHECK(v.verify_json(bare.dump()).error() == errc::algorithm_not_allowed);
  // Deep nesting stays bounded.
  std::string deep = R"({"payload":"eA","x":)" + std::string(100, '[') + std::string(100, ']') + "}";
  CHECK(v.verify_json(deep).error() == errc::token_malformed);
  // No member name twice in the header object; no byte-order mark, NUL byte, or number beyond
  // 64-bit integers or a double's range anywhere. An unknown member of any other shape is
  // passed over.
  const std::string text = flat.dump();
  const std::string open = text.substr(0, text.size() - 1);
  CHECK(v.verify_json(open + R"(,"x":{"a":[1,{"b":null}]}})"));
  CHECK(v.verify_json(open + R"(,"header":{"x":1,"x":1}})").error() == errc::token_malformed);
  CHECK(v.verify_json(open + R"(,"x":18446744073709551616})").error() == errc::token_malformed);
  CHECK(v.verify_json(open + R"(,"x":[1e400]})").error() == errc::token_malformed);
  CHECK(v.verify_json("\xEF\xBB\xBF" + text).error() == errc::token_malformed);
  CHECK(v.verify_json(text + std::string(1, '\0')).error() == errc::token_malformed);
}

TEST_CASE("jws: the signer refuses to let extra header members override what it writes", "[jwt][jws]") {
  jwt::jws_signer s(signer(jwt::alg::hs256));
  for (const char* m : {"alg", "kid", "crit", "b64", "jwk", "jku", "x5u", "x5c"}) {
    jwt::jws_sign_options o;
    o.extra_header = nlohmann::json{{m, "x"}}.dump();
    CHECK(s.sign_compact(bytes_of("p"), o).error() == errc::invalid_argument);
  }
  for (const char* odd_text : {"[1]", "{", "null"}) {
    jwt::jws_sign_options o;
    o.extra_header = odd_text;
    CHECK(s.sign_compact(bytes_of("p"), o).error() == errc::invalid_argument);
  }
  jwt::jws_sign_options o;
  o.extra_header = R"({"x-request-id":"r-1"})";
  auto c = s.sign_compact(bytes_of("p"), o);
  REQUIRE(c);
  CHECK(verifier_for(jwt::alg::hs256).verify(*c));
}

TEST_CASE("jws: the signatures of one general JWS must agree on b64 (RFC 7797 §3)", "[jwt][jws]") {
  const core::bytes payload = bytes_of("abc");
  jwt::jws_signer a(signer(jwt::alg::hs256, "a")), b(signer(jwt::alg::es256, "b"));
  auto encoded = nlohmann::json::parse(*jwt::jws_signer::sign_general(std::vector<jwt::jws_signer>{a}, payload, {}, true));
  auto unencoded = nlohmann::json::parse(
      *jwt::jws_signer::sign_general(std::vector<jwt::jws_signer>{b}, payload, {.unencoded = true}, true));
  nlohmann::json mixed = {{"signatures", {encoded["signatures"][0], unencoded["signatures"][0]}}};
  jwt::kid_key_set keys;
  keys.put(verifier_key(jwt::alg::hs256, "a"));
  keys.put(verifier_key(jwt::alg::es256, "b"));
  jwt::jws_verifier<jwt::kid_key_set&> v(keys, {.understood_crit = {"b64"}});
  CHECK(v.verify_json_detached(encoded.dump(), payload));
  CHECK(v.verify_json_detached(unencoded.dump(), payload));
  CHECK(v.verify_json_detached(mixed.dump(), payload).error() == errc::token_malformed);
}
