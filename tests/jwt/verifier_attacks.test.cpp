// Tests for tessera/jwt/verifier.hpp against known JWT attacks and malformed input: "none" in
// every spelling, HS/RS key confusion, header-embedded keys, kid traversal, forged and
// misencoded ECDSA signatures, signature length games, non-strict base64url, extra segments,
// oversize tokens, nesting bombs, duplicate names, non-integer NumericDates, crit and b64.
// Each refusal is checked for its specific errc, and every one is an HTTP 401.
#include "tessera/jwt/verifier.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"
#include "support/test_keys.hpp"
#include "tessera/core/hex.hpp"

using namespace tessera;
using namespace jwt_test;

namespace {
template <class V>
void refused(const V& v, const std::string& token, errc want) {
  auto r = v.verify(token);
  CHECK(r.error() == want);
  CHECK(core::http_status(r.error()) == 401);
}

jwt::verifier<jwt::single_key, fixed_clock> verifier_for(jwt::alg a, std::string kid = {}) {
  return {jwt::single_key(verifier_key(a, std::move(kid))), lax_rules(), fixed_clock{}};
}

// The base64url symbol value of c (c must be in the alphabet).
int symbol(char c) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  return static_cast<int>(alphabet.find(c));
}
char from_symbol(int v) { return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[v]; }

// The encoding with one of the unused trailing bits of its last symbol set (needs length % 4 != 0).
std::string with_stray_bit(std::string enc) {
  REQUIRE(enc.size() % 4 != 0);
  enc.back() = from_symbol(symbol(enc.back()) | 1);
  return enc;
}
// The encoding with the '=' padding a standard encoder would add.
std::string with_padding(std::string enc) {
  while (enc.size() % 4 != 0) enc.push_back('=');
  return enc;
}

std::string nest(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }
}  // namespace

TEST_CASE("alg none is refused in every spelling, with or without a signature", "[jwt][attack][none]") {
  auto hs = verifier_for(jwt::alg::hs256);
  auto rs = verifier_for(jwt::alg::rs256);
  jwt::kid_key_set set;
  set.put(verifier_key(jwt::alg::hs256));
  jwt::verifier<jwt::kid_key_set&, fixed_clock> by_kid(set, lax_rules(), fixed_clock{});
  const auto claims = b64(valid_claims());
  const auto real_sig = core::base64url_encode(signer(jwt::alg::hs256).sign(b64(R"({"alg":"HS256"})") + "." + claims).value());
  using namespace std::string_literals;
  for (const std::string& spelling : {"none"s, "None"s, "NONE"s, "nOnE"s, ""s, "none "s, "HS256 "s, "NONE\0"s,
                                    "HS256\0"s}) {
    CAPTURE(spelling);
    const auto header = b64(nlohmann::json{{"alg", spelling}}.dump());
    for (const auto& sig : {std::string(), real_sig, std::string("AA")}) {
      const auto tok = join(header, claims, sig);
      refused(hs, tok, errc::algorithm_not_allowed);
      refused(rs, tok, errc::algorithm_not_allowed);
      refused(by_kid, tok, errc::algorithm_not_allowed);
    }
  }
  // The unsecured JWS of RFC 7519 section 6.1, exactly as published.
  refused(hs,
          "eyJhbGciOiJub25lIn0"
          ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.",
          errc::algorithm_not_allowed);
  // A missing or non-string alg is malformed.
  refused(hs, join(b64(R"({"typ":"JWT"})"), claims, ""), errc::token_malformed);
  refused(hs, join(b64(R"({"alg":null})"), claims, ""), errc::token_malformed);
  refused(hs, join(b64(R"({"alg":["HS256"]})"), claims, real_sig), errc::token_malformed);
}

TEST_CASE("HS256 signed with the RSA public key's bytes is refused by an RS256 verifier", "[jwt][attack][confusion]") {
  // The classic key-confusion attack: the attacker knows the public key and uses its PEM text as
  // an HMAC secret, hoping the verifier feeds "the key" to whatever algorithm the header names.
  const auto pub = keys().rsa.public_key().value();
  const std::string pem = pub.to_pem().value();
  const auto der = pub.to_der().value();
  const std::string jwk = pub.to_jwk().dump();
  auto rs = verifier_for(jwt::alg::rs256, "rsa-1");
  jwt::kid_key_set set;
  set.put(verifier_key(jwt::alg::rs256, "rsa-1"));
  set.set_default(verifier_key(jwt::alg::rs256, "rsa-1"));
  jwt::verifier<jwt::kid_key_set&, fixed_clock> by_kid(set, lax_rules(), fixed_clock{});
  for (const std::string& secret : {pem, std::string(der.begin(), der.end()), jwk,
                                    std::string(tessera_test::keys::rsa2048_public_pkcs1)}) {
    for (auto a : {jwt::alg::hs256, jwt::alg::hs384, jwt::alg::hs512}) {
      CAPTURE(jwt::alg_name(a), secret.size());
      auto forger = jwt::signing_key::hmac(a, secret).value();
      for (const char* header : {R"({"alg":"HS256"})", R"({"alg":"HS256","kid":"rsa-1"})"}) {
        std::string h = header;
        h.replace(h.find("HS256"), 5, jwt::alg_name(a));
        const auto tok = make_token(h, valid_claims(), forger);
        refused(rs, tok, errc::algorithm_not_allowed);
        refused(by_kid, tok, errc::algorithm_not_allowed);
      }
    }
  }
}

TEST_CASE("keys embedded in the header (jwk, jku, x5u, x5c) are never trusted", "[jwt][attack][embedded-key]") {
  // The attacker signs with a key of its own and offers it in the header.
  auto attacker = crypto::private_key::generate(crypto::key_spec::p256).value();
  auto attacker_signer = jwt::signing_key::asymmetric(jwt::alg::es256, attacker).value();
  const auto attacker_jwk = attacker.public_key().value().to_jwk();
  auto es = verifier_for(jwt::alg::es256, "legit");
  jwt::kid_key_set set;
  set.set_default(verifier_key(jwt::alg::es256, "legit"));  // also the key for tokens without kid
  jwt::verifier<jwt::kid_key_set&, fixed_clock> by_kid(set, lax_rules(), fixed_clock{});

  const nlohmann::json headers[] = {
      {{"alg", "ES256"}, {"jwk", attacker_jwk}},
      {{"alg", "ES256"}, {"kid", "legit"}, {"jwk", attacker_jwk}},
      {{"alg", "ES256"}, {"kid", "legit"}, {"jku", "https://attacker.example/jwks.json"}},
      {{"alg", "ES256"}, {"kid", "legit"}, {"x5u", "https://attacker.example/cert.pem"}},
      {{"alg", "ES256"}, {"kid", "legit"}, {"x5c", {"MIIBhTCCASugAwIBAgIU"}}},
      {{"alg", "ES256"}, {"kid", "legit"}, {"jwk", attacker_jwk}, {"jku", "https://attacker.example/jwks.json"}},
  };
  for (const auto& h : headers) {
    CAPTURE(h.dump());
    const auto tok = make_token(h.dump(), valid_claims(), attacker_signer);
    refused(es, tok, errc::bad_signature);
    refused(by_kid, tok, errc::bad_signature);
  }
  // Without a default, a kid-indexed set has no key at all for a token without kid (it never
  // loops over its keys looking for one that fits).
  jwt::kid_key_set only_named;
  only_named.put(verifier_key(jwt::alg::es256, "legit"));
  jwt::verifier<jwt::kid_key_set&, fixed_clock> strict(only_named, lax_rules(), fixed_clock{});
  refused(strict, make_token(headers[0].dump(), valid_claims(), attacker_signer), errc::key_not_found);
  // And the legitimate key still verifies a legitimate token carrying the same decorations.
  auto legit = signer(jwt::alg::es256, "legit");
  CHECK(by_kid.verify(make_token(headers[2].dump(), valid_claims(), legit)));
}

TEST_CASE("kid is only a lookup key: traversal, paths and URLs find nothing", "[jwt][attack][kid]") {
  jwt::kid_key_set set;
  set.put(verifier_key(jwt::alg::hs256, "2024-01"));
  jwt::verifier<jwt::kid_key_set&, fixed_clock> v(set, lax_rules(), fixed_clock{});
  auto single = verifier_for(jwt::alg::hs256, "2024-01");
  const auto s = signer(jwt::alg::hs256);
  using namespace std::string_literals;
  for (const std::string& kid : {"../../../../etc/passwd"s, "../2024-01"s, "./2024-01"s, "2024-01/.."s, "/dev/null"s,
                                "file:///etc/passwd"s, "https://attacker.example/key"s, "2024-01\0"s,
                                " 2024-01"s, "2024-01 "s, "2024-0?"s, "2024-*"s, ""s, "%2e%2e%2f"s, "2024-01\n"s}) {
    CAPTURE(kid);
    const auto tok = make_token(nlohmann::json{{"alg", "HS256"}, {"kid", kid}}.dump(), valid_claims(), s);
    refused(v, tok, errc::key_not_found);
    refused(single, tok, errc::key_not_found);
  }
  CHECK(v.verify(make_token(R"({"alg":"HS256","kid":"2024-01"})", valid_claims(), s)));
  // kid must be a string of bounded length.
  refused(v, make_token(R"({"alg":"HS256","kid":7})", valid_claims(), s), errc::token_malformed);
  refused(v, make_token(R"({"alg":"HS256","kid":null})", valid_claims(), s), errc::token_malformed);
  refused(v, make_token(R"({"alg":"HS256","kid":")" + std::string(257, 'k') + R"("})", valid_claims(), s),
          errc::token_malformed);
  refused(v, make_token(R"({"alg":"HS256","kid":")" + std::string(256, 'k') + R"("})", valid_claims(), s),
          errc::key_not_found);
}

TEST_CASE("forged and misencoded ECDSA signatures are refused", "[jwt][attack][ecdsa]") {
  for (auto a : {jwt::alg::es256, jwt::alg::es384, jwt::alg::es512}) {
    CAPTURE(jwt::alg_name(a));
    const std::size_t n = a == jwt::alg::es256 ? 64 : a == jwt::alg::es384 ? 96 : 132;
    auto v = verifier_for(a);
    const std::string header = std::string(R"({"alg":")") + std::string(jwt::alg_name(a)) + R"("})";
    const std::string input = b64(header) + "." + b64(valid_claims());
    const auto good = signer(a).sign(input).value();
    REQUIRE(good.size() == n);
    CHECK(v.verify(input + "." + core::base64url_encode(good)));

    // All-zero r and s (the "psychic signature" of CVE-2022-21449): r = s = 0 never verifies.
    refused(v, input + "." + core::base64url_encode(core::bytes(n, 0)), errc::bad_signature);
    // r valid, s zero; r zero, s valid; r = s.
    core::bytes s_zero = good, r_zero = good, same = good;
    std::fill(s_zero.begin() + n / 2, s_zero.end(), 0);
    std::fill(r_zero.begin(), r_zero.begin() + n / 2, 0);
    std::copy(good.begin(), good.begin() + n / 2, same.begin() + n / 2);
    refused(v, input + "." + core::base64url_encode(s_zero), errc::bad_signature);
    refused(v, input + "." + core::base64url_encode(r_zero), errc::bad_signature);
    refused(v, input + "." + core::base64url_encode(same), errc::bad_signature);
    // r and s set to the curve order n (P-256 / P-384 / P-521, SEC 2 v2 §2.4.2, §2.5.1, §2.6.1): out of range.
    const core::bytes order =
        a == jwt::alg::es256 ? core::hex_decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551").value()
        : a == jwt::alg::es384
            ? core::hex_decode("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973")
                  .value()
            : core::hex_decode("01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
                               "fa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409")
                  .value();
    REQUIRE(order.size() == n / 2);
    core::bytes at_order = order;
    at_order.insert(at_order.end(), order.begin(), order.end());
    refused(v, input + "." + core::base64url_encode(at_order), errc::bad_signature);
    // Every byte 0xff: r and s far beyond the order (for P-521, beyond 521 bits too).
    refused(v, input + "." + core::base64url_encode(core::bytes(n, 0xff)), errc::bad_signature);

    // The same signature DER-encoded (as OpenSSL emits it) is not the JWS form.
    std::array<std::uint8_t, crypto::max_ecdsa_der_size> der{};
    const auto der_len = crypto::ecdsa_raw_to_der(good, der).value();
    REQUIRE(der_len != n);
    refused(v, input + "." + core::base64url_encode(core::bytes_view(der.data(), der_len)), errc::invalid_signature_length);
  }
}

TEST_CASE("ECDSA tokens meet only the key of their own curve", "[jwt][attack][ecdsa]") {
  const auto es256 = verifier_for(jwt::alg::es256), es384 = verifier_for(jwt::alg::es384),
             es512 = verifier_for(jwt::alg::es512);
  // A genuine ES512 token: only the ES512 (P-521) key verifies it; the others refuse its alg.
  const auto tok512 = make_token(R"({"alg":"ES512"})", valid_claims(), signer(jwt::alg::es512));
  CHECK(es512.verify(tok512));
  refused(es256, tok512, errc::algorithm_not_allowed);
  refused(es384, tok512, errc::algorithm_not_allowed);
  // The header cannot move a signature to another curve: ES384 and ES256 headers over P-521
  // signatures meet the ES512 key's binding and are refused before any math.
  for (const char* header : {R"({"alg":"ES384"})", R"({"alg":"ES256"})"}) {
    CAPTURE(header);
    refused(es512, make_token(header, valid_claims(), signer(jwt::alg::es512)), errc::algorithm_not_allowed);
  }
  // "ES512" in the header over a P-384 signature: 96 bytes, not the 132 the P-521 key makes.
  refused(es512, make_token(R"({"alg":"ES512"})", valid_claims(), signer(jwt::alg::es384)), errc::invalid_signature_length);
  // ... and over another P-521 key's signature: the length fits, the signature does not.
  const auto other = jwt::signing_key::asymmetric(jwt::alg::es512, crypto::private_key::generate(crypto::key_spec::p521).value())
                         .value();
  refused(es512, make_token(R"({"alg":"ES512"})", valid_claims(), other), errc::bad_signature);
}

TEST_CASE("truncated, empty and over-long signatures are refused for every algorithm", "[jwt][attack][length]") {
  for (auto a : all_algs) {
    CAPTURE(jwt::alg_name(a));
    auto v = verifier_for(a);
    const std::string input = b64(std::string(R"({"alg":")") + std::string(jwt::alg_name(a)) + R"("})") + "." + b64(valid_claims());
    const auto good = signer(a).sign(input).value();
    CHECK(v.verify(input + "." + core::base64url_encode(good)));
    core::bytes shorter(good.begin(), good.end() - 1), longer = good, longest = good;
    longer.push_back(0);
    longest.resize(3000, 0x41);
    core::bytes half(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2));
    refused(v, input + ".", errc::invalid_signature_length);
    refused(v, input + "." + core::base64url_encode(shorter), errc::invalid_signature_length);
    refused(v, input + "." + core::base64url_encode(half), errc::invalid_signature_length);
    refused(v, input + "." + core::base64url_encode(longer), errc::invalid_signature_length);
    refused(v, input + "." + core::base64url_encode(longest), errc::invalid_signature_length);
  }
}

TEST_CASE("base64url padding and stray trailing bits are refused in every segment", "[jwt][attack][base64]") {
  const auto s = signer(jwt::alg::hs256);
  // Neither the header (25 bytes) nor the claims are a multiple of 3 bytes long, so both encodings
  // end in a symbol with unused bits.
  const std::string header = R"({"alg":"HS256","kid":"k"})";
  std::string claims = R"({"sub":"alice","exp":)" + std::to_string(t0 + 3600) + R"(,"scope":"read write)";
  while ((claims.size() + 2) % 3 == 0) claims += "s";
  claims += "\"}";
  REQUIRE(header.size() % 3 != 0);
  REQUIRE(claims.size() % 3 != 0);
  auto single = jwt::verifier<jwt::single_key, fixed_clock>(jwt::single_key(verifier_key(jwt::alg::hs256, "k")),
                                                            lax_rules(), fixed_clock{});
  const auto good = make_token_raw(b64(header), b64(claims), s);
  REQUIRE(single.verify(good));

  // Header and claims: each misencoding is signed properly, so only the encoding is at fault.
  refused(single, make_token_raw(with_padding(b64(header)), b64(claims), s), errc::token_malformed);
  refused(single, make_token_raw(with_stray_bit(b64(header)), b64(claims), s), errc::token_malformed);
  refused(single, make_token_raw(b64(header), with_padding(b64(claims)), s), errc::token_malformed);
  refused(single, make_token_raw(b64(header), with_stray_bit(b64(claims)), s), errc::token_malformed);
  // Standard-alphabet characters, whitespace and a lone extra symbol.
  std::string plus = b64(claims);
  plus.insert(4, "+");
  refused(single, make_token_raw(b64(header), plus, s), errc::token_malformed);
  refused(single, make_token_raw(b64(header), b64(claims) + " ", s), errc::token_malformed);
  refused(single, make_token_raw(b64(header), " " + b64(claims), s), errc::token_malformed);
  refused(single, make_token_raw(b64(header) + "\n", b64(claims), s), errc::token_malformed);
  refused(single, make_token_raw(b64(header), b64(claims) + "A", s), errc::token_malformed);

  // Signature: a 32-byte MAC is 43 symbols with 2 unused bits.
  const auto dot = good.rfind('.');
  const std::string input = good.substr(0, dot), sig = good.substr(dot + 1);
  REQUIRE(sig.size() == 43);
  refused(single, input + "." + with_padding(sig), errc::token_malformed);
  refused(single, input + "." + with_stray_bit(sig), errc::token_malformed);
  refused(single, input + "." + sig + "=", errc::token_malformed);
  refused(single, input + "." + sig.substr(0, 42) + "/", errc::token_malformed);
  refused(single, input + "." + sig + "\n", errc::token_malformed);
}

TEST_CASE("anything but exactly three segments is malformed", "[jwt][attack][shape]") {
  auto v = verifier_for(jwt::alg::hs256);
  const auto good = make_token(R"({"alg":"HS256"})", valid_claims(), signer(jwt::alg::hs256));
  REQUIRE(v.verify(good));
  refused(v, good + ".AAAA.AAAA", errc::token_malformed);  // five segments (a JWE's shape)
  refused(v, good + ".", errc::token_malformed);
  refused(v, good + "." + std::string(2000, 'A'), errc::token_malformed);  // a fourth segment, however long
  refused(v, good.substr(0, good.rfind('.')), errc::token_malformed);
  for (const char* t : {"", ".", "..", "...", "a.b", "a..c", ".b.c", "abc"}) {
    CAPTURE(t);
    refused(v, t, errc::token_malformed);
  }
  // A compact JWE (RFC 7516 A.1 shape): five segments, refused before anything is decoded.
  refused(v, "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ",
          errc::token_malformed);
}

TEST_CASE("tokens beyond the size limit are refused before anything is decoded", "[jwt][attack][size]") {
  auto v = verifier_for(jwt::alg::hs256);
  const auto s = signer(jwt::alg::hs256);
  // A genuine, correctly signed token of exactly the limit passes; one byte more does not.
  const std::string header = R"({"alg":"HS256"})";
  auto sized = [&](std::size_t total) {
    std::string pad;
    for (;;) {
      auto tok = make_token(header, valid_claims(R"("pad":")" + pad + "\""), s);
      if (tok.size() >= total) return tok;
      pad.push_back('x');
    }
  };
  const auto at_limit = sized(config::max_token_size);
  REQUIRE(at_limit.size() <= config::max_token_size + 1);
  if (at_limit.size() == config::max_token_size) CHECK(v.verify(at_limit));
  const auto over = sized(config::max_token_size + 1);
  REQUIRE(over.size() > config::max_token_size);
  refused(v, over, errc::token_too_large);
  refused(v, std::string(1 << 20, 'A'), errc::token_too_large);
  refused(v, std::string(config::max_token_size + 1, '.'), errc::token_too_large);

  // A verifier may lower the limit, never raise it.
  auto small = jwt::verifier<jwt::single_key, fixed_clock>(jwt::single_key(verifier_key(jwt::alg::hs256)),
                                                           lax_builder().max_token_size(200).build().value(), fixed_clock{});
  const auto ordinary = make_token(header, valid_claims(), s);
  REQUIRE(ordinary.size() <= 200);
  CHECK(small.verify(ordinary));
  refused(small, sized(201), errc::token_too_large);
  CHECK(lax_builder().max_token_size(1 << 30).build().value().max_token_size() == config::max_token_size);
}

TEST_CASE("nesting bombs in the header and in the claims are refused", "[jwt][attack][nesting]") {
  auto v = verifier_for(jwt::alg::hs256);
  const auto s = signer(jwt::alg::hs256);
  for (std::size_t depth : {std::size_t{64}, std::size_t{500}, std::size_t{2000}}) {
    CAPTURE(depth);
    refused(v, make_token(R"({"alg":"HS256","x":)" + nest(depth) + "}", valid_claims(), s), errc::token_malformed);
    refused(v, make_token(R"({"alg":"HS256"})", valid_claims(R"("x":)" + nest(depth)), s), errc::token_malformed);
    if (depth > 500) continue;  // a deeper object chain would exceed the token size limit first
    const std::string objects = [&] {
      std::string o;
      for (std::size_t i = 0; i < depth; ++i) o += R"({"a":)";
      o += "1";
      o += std::string(depth, '}');
      return o;
    }();
    refused(v, make_token(R"({"alg":"HS256"})", valid_claims(R"("x":)" + objects), s), errc::token_malformed);
  }
  // Ordinary nesting is fine (the limit is config::max_json_depth levels, the claims object included).
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", valid_claims(R"("x":)" + nest(config::max_json_depth - 1)), s)));
  refused(v, make_token(R"({"alg":"HS256"})", valid_claims(R"("x":)" + nest(config::max_json_depth)), s),
          errc::token_malformed);
}

TEST_CASE("duplicate names in the header or the claims are refused", "[jwt][attack][duplicates]") {
  auto v = verifier_for(jwt::alg::hs256);
  const auto s = signer(jwt::alg::hs256);
  const std::string exp = std::to_string(t0 + 3600), old = std::to_string(t0 - 3600);
  // Two exp: a parser keeping the first and one keeping the last would disagree on validity.
  refused(v, make_token(R"({"alg":"HS256"})", R"({"exp":)" + old + R"(,"exp":)" + exp + "}", s), errc::token_malformed);
  refused(v, make_token(R"({"alg":"HS256"})", R"({"exp":)" + exp + R"(,"exp":)" + old + "}", s), errc::token_malformed);
  refused(v, make_token(R"({"alg":"HS256"})", R"({"exp":)" + exp + R"(,"e\u0078p":)" + exp + "}", s),
          errc::token_malformed);
  refused(v, make_token(R"({"alg":"HS256"})", valid_claims(R"("sub":"mallory")"), s), errc::token_malformed);
  refused(v, make_token(R"({"alg":"HS256"})", valid_claims(R"("role":"user","x":1,"role":"admin")"), s),
          errc::token_malformed);
  // Long names that share their first bytes are told apart; equal long names are duplicates.
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", valid_claims(R"("organisation_a":1,"organisation_b":2)"), s)));
  refused(v, make_token(R"({"alg":"HS256"})", valid_claims(R"("organisation_a":1,"organisation_a":2)"), s),
          errc::token_malformed);
  // Header members.
  refused(v, make_token(R"({"alg":"HS256","alg":"HS256"})", valid_claims(), s), errc::token_malformed);
  refused(v, make_token(R"({"alg":"HS256","alg":"none"})", valid_claims(), s), errc::token_malformed);
  refused(v, make_token(R"({"alg":"HS256","\u0061lg":"none"})", valid_claims(), s), errc::token_malformed);
  // Escaped spellings of the same names are the same names (JSON compares unescaped text).
  CHECK(v.verify(make_token(R"({"\u0061lg":"HS\u0032\u0035\u0036"})", valid_claims(), s)));
  refused(v, make_token(R"({"alg":"HS256","kid":"a","kid":"b"})", valid_claims(), s), errc::token_malformed);
  refused(v, make_token(R"({"alg":"HS256","typ":"JWT","typ":"JWT"})", valid_claims(), s), errc::token_malformed);
}

TEST_CASE("headers of every shape: nested members, UTF-8, escapes, wrong types", "[jwt][attack][header]") {
  using namespace std::string_literals;
  auto v = verifier_for(jwt::alg::hs256);
  const auto s = signer(jwt::alg::hs256);
  for (const std::string& header :
       {R"({"alg":"HS256","typ":"JWT","ext":{"a":[1,{"b":null}]},"x5c":["MIIB"]})"s, "{\"alg\":\"HS256\",\"typ\":\"JWT\xc3\xa9\"}"s,
        R"({"alg":"HS256","ext":{"a":1,"a":2}})"s, R"({"alg":"HS256","typ":"J\u0057T","ext":[1.5,-0,1e5]})"s}) {
    CAPTURE(header);
    auto t = v.verify(make_token(header, valid_claims(), s));
    REQUIRE(t);
    CHECK(t->type() == nlohmann::json::parse(header).value("typ", ""));
  }
  // A kid written plainly or escaped finds the same key.
  jwt::kid_key_set set;
  set.put(verifier_key(jwt::alg::hs256, "k/1"));
  jwt::verifier<jwt::kid_key_set&, fixed_clock> by_kid(set, lax_rules(), fixed_clock{});
  for (const char* header : {R"({"alg":"HS256","kid":"k/1"})", R"({"alg":"HS256","kid":"k\/1"})", R"({"kid":"k\u002f1","alg":"HS256"})"}) {
    CAPTURE(header);
    auto t = by_kid.verify(make_token(header, valid_claims(), s));
    REQUIRE(t);
    CHECK(t->kid() == "k/1");
  }
  // A registered member of the wrong type; text that is not JSON, or JSON a strict reader refuses.
  for (const std::string& header :
       {R"({"alg":"HS256","kid":5})"s, R"({"alg":"HS256","typ":["JWT"]})"s, R"({"alg":["HS256"]})"s, R"({"alg":"H\u0053256","kid":5})"s,
        R"({"alg":"HS256","cty":{}})"s, "\xEF\xBB\xBF{\"alg\":\"HS256\"}"s, "{\"alg\":\"HS256\"}\0"s, R"({"alg":"HS256","x":18446744073709551616})"s}) {
    CAPTURE(header);
    refused(v, make_token(header, valid_claims(), s), errc::token_malformed);
  }
}

TEST_CASE("NumericDates must be non-negative JSON integers", "[jwt][attack][numeric-date]") {
  auto v = jwt::verifier<jwt::single_key, fixed_clock>(jwt::single_key(verifier_key(jwt::alg::hs256)),
                                                       lax_builder().allow_missing_exp().build().value(), fixed_clock{});
  const auto s = signer(jwt::alg::hs256);
  auto with = [&](const std::string& name, const std::string& value) {
    return make_token(R"({"alg":"HS256"})", R"({"sub":"alice",")" + name + R"(":)" + value + "}", s);
  };
  for (const char* name : {"exp", "nbf", "iat"}) {
    CAPTURE(name);
    // Not a number at all.
    refused(v, with(name, R"("1700003600")"), errc::invalid_claim);
    refused(v, with(name, "true"), errc::invalid_claim);
    refused(v, with(name, "null"), errc::invalid_claim);
    refused(v, with(name, "[1700003600]"), errc::invalid_claim);
    refused(v, with(name, R"({"t":1700003600})"), errc::invalid_claim);
    // Floats: tessera requires integer NumericDates.
    refused(v, with(name, "1.5e9"), errc::invalid_claim);
    refused(v, with(name, "1700000000.0"), errc::invalid_claim);
    refused(v, with(name, "1.7e9"), errc::invalid_claim);
    // Huge: past year 9999, beyond int64, or beyond any double.
    refused(v, with(name, "9e18"), errc::invalid_claim);
    refused(v, with(name, "9000000000000000000"), errc::invalid_claim);
    refused(v, with(name, "18446744073709551615"), errc::invalid_claim);
    refused(v, with(name, "253402300800"), errc::invalid_claim);
    // Numbers no JSON reader here can represent make the whole claims text malformed.
    refused(v, with(name, "99999999999999999999"), errc::token_malformed);
    refused(v, with(name, "1e400"), errc::token_malformed);
    // Negative.
    refused(v, with(name, "-1"), errc::invalid_claim);
  }
  // The bounds themselves are integers and accepted where the rules allow.
  CHECK(v.verify(with("nbf", "0")));
  CHECK(v.verify(with("exp", "253402300799")));
}

TEST_CASE("registered string claims must be strings, aud a string or array of strings", "[jwt][attack][claims]") {
  auto v = verifier_for(jwt::alg::hs256);
  const auto s = signer(jwt::alg::hs256);
  auto tok = [&](const std::string& extra) {
    return make_token(R"({"alg":"HS256"})", R"({"exp":)" + std::to_string(t0 + 60) + "," + extra + "}", s);
  };
  for (const char* bad : {R"("iss":7)", R"("iss":["a"])", R"("iss":null)", R"("sub":{"id":1})", R"("sub":true)",
                          R"("jti":1.5)", R"("jti":["x"])", R"("aud":7)", R"("aud":[1])", R"("aud":["a",null])",
                          R"("aud":{"a":1})", R"("aud":null)"}) {
    CAPTURE(bad);
    refused(v, tok(bad), errc::invalid_claim);
  }
  // Claims that are not a JSON object at all.
  for (const char* body : {"[]", R"("claims")", "42", "null", "true", R"({"exp":1} {"exp":2})", R"({"exp":)", ""}) {
    CAPTURE(body);
    refused(v, make_token(R"({"alg":"HS256"})", body, s), errc::token_malformed);
  }
  // Nor is a header that is not an object.
  refused(v, make_token(R"(["HS256"])", valid_claims(), s), errc::token_malformed);
  // Invalid UTF-8 and lone surrogates.
  refused(v, tok("\"name\":\"\xff\xfe\""), errc::token_malformed);
  refused(v, tok(R"("name":"\udc00")"), errc::token_malformed);
}

TEST_CASE("crit: unknown names refused, understood names accepted, misuse malformed", "[jwt][attack][crit]") {
  auto v = verifier_for(jwt::alg::hs256);
  auto understands = jwt::verifier<jwt::single_key, fixed_clock>(
      jwt::single_key(verifier_key(jwt::alg::hs256)), lax_builder().understand_crit("exp-hint").build().value(), fixed_clock{});
  const auto s = signer(jwt::alg::hs256);
  const std::string known = R"({"alg":"HS256","crit":["exp-hint"],"exp-hint":1})";
  refused(v, make_token(known, valid_claims(), s), errc::unsupported_critical_header);
  CHECK(understands.verify(make_token(known, valid_claims(), s)));
  refused(understands, make_token(R"({"alg":"HS256","crit":["exp-hint","x-other"],"exp-hint":1,"x-other":2})",
                                  valid_claims(), s),
          errc::unsupported_critical_header);
  // RFC 7515 section 4.1.11: an empty list, registered names, names absent from the header, non-strings.
  refused(understands, make_token(R"({"alg":"HS256","crit":[]})", valid_claims(), s), errc::token_malformed);
  refused(understands, make_token(R"({"alg":"HS256","crit":["alg"]})", valid_claims(), s), errc::token_malformed);
  refused(understands, make_token(R"({"alg":"HS256","crit":["exp-hint"]})", valid_claims(), s), errc::token_malformed);
  refused(understands, make_token(R"({"alg":"HS256","crit":"exp-hint","exp-hint":1})", valid_claims(), s),
          errc::token_malformed);
  refused(understands, make_token(R"({"alg":"HS256","crit":[1],"exp-hint":1})", valid_claims(), s), errc::token_malformed);
  refused(understands, make_token(R"({"alg":"HS256","crit":[""]})", valid_claims(), s), errc::token_malformed);
}

TEST_CASE("b64:false (RFC 7797 unencoded payload) is refused", "[jwt][attack][crit]") {
  auto v = verifier_for(jwt::alg::hs256);
  auto understands = jwt::verifier<jwt::single_key, fixed_clock>(
      jwt::single_key(verifier_key(jwt::alg::hs256)), lax_builder().understand_crit("b64").build().value(), fixed_clock{});
  const auto s = signer(jwt::alg::hs256);
  refused(v, make_token(R"({"alg":"HS256","b64":false,"crit":["b64"]})", valid_claims(), s), errc::unsupported_critical_header);
  refused(understands, make_token(R"({"alg":"HS256","b64":false,"crit":["b64"]})", valid_claims(), s),
          errc::unsupported_critical_header);
  refused(v, make_token(R"({"alg":"HS256","b64":false})", valid_claims(), s), errc::unsupported_critical_header);
  refused(v, make_token(R"({"alg":"HS256","b64":"false"})", valid_claims(), s), errc::token_malformed);
  // b64:true is the default meaning and harmless.
  CHECK(v.verify(make_token(R"({"alg":"HS256","b64":true})", valid_claims(), s)));
}

TEST_CASE("the signature is checked before any claim is looked at", "[jwt][attack][order]") {
  auto v = verifier_for(jwt::alg::hs256);
  const auto other = jwt::signing_key::hmac(jwt::alg::hs256, std::string(32, 'z')).value();
  // Claims that would each fail a rule: with a wrong signature the answer is the signature.
  for (const std::string& claims : {std::string(R"({"exp":1})"), std::string(R"({"exp":"soon"})"),
                                    std::string(R"({"exp":1,"exp":2})"), std::string("not json"),
                                    R"({"x":)" + nest(500) + "}"}) {
    CAPTURE(claims);
    refused(v, make_token(R"({"alg":"HS256"})", claims, other), errc::bad_signature);
  }
}

TEST_CASE("headers and claims with too many members are refused", "[jwt][attack][size]") {
  auto v = verifier_for(jwt::alg::hs256);
  const auto s = signer(jwt::alg::hs256);
  auto header_with = [](int extra) {
    std::string h = R"({"alg":"HS256")";
    for (int i = 0; i < extra; ++i) h += ",\"h" + std::to_string(i) + "\":0";
    return h + "}";
  };
  auto claims_with = [](int extra) {
    std::string c = R"({"exp":)" + std::to_string(t0 + 60);
    for (int i = 0; i < extra; ++i) c += ",\"c" + std::to_string(i) + "\":0";
    return c + "}";
  };
  CHECK(v.verify(make_token(header_with(31), valid_claims(), s)));  // 32 members
  refused(v, make_token(header_with(32), valid_claims(), s), errc::token_malformed);
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", claims_with(255), s)));  // 256 members
  refused(v, make_token(R"({"alg":"HS256"})", claims_with(256), s), errc::token_malformed);
}
