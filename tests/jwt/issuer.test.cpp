// Tests for tessera/jwt/issuer.hpp: registered claims from the options and the clock, custom
// claims as JSON or typed values, header fields, and refusal of reserved names.
#include "tessera/jwt/issuer.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"

using namespace tessera;
using namespace jwt_test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {
json segment(const std::string& token, int index) {
  std::size_t from = 0;
  for (int i = 0; i < index; ++i) from = token.find('.', from) + 1;
  auto to = token.find('.', from);
  auto bytes = core::base64url_decode(std::string_view(token).substr(from, to - from)).value();
  return json::parse(bytes.begin(), bytes.end());
}
}  // namespace

TEST_CASE("the issuer writes iss, iat, nbf, exp and a random jti", "[jwt][issuer]") {
  jwt::issuer<fixed_clock> iss(signer(jwt::alg::es256, "signing-2024"),
                               {.issuer = "https://auth.example", .lifetime = 10min}, fixed_clock{t0});
  jwt::claims c;
  c.subject("alice").audience("orders");
  auto out = iss.issue(c);
  REQUIRE(out);
  CHECK(out->issued_at == t0);
  CHECK(out->expires_at == t0 + 600);
  CHECK(out->jwt_id.size() == 22);  // 16 random bytes, base64url

  const json header = segment(out->token, 0), body = segment(out->token, 1);
  CHECK(header == json{{"alg", "ES256"}, {"kid", "signing-2024"}, {"typ", "JWT"}});
  CHECK(body == json{{"iss", "https://auth.example"}, {"sub", "alice"}, {"aud", "orders"}, {"iat", t0},
                     {"nbf", t0}, {"exp", t0 + 600}, {"jti", out->jwt_id}});
  CHECK(json::parse(iss.header_json()) == header);

  std::set<std::string> jtis;
  for (int i = 0; i < 50; ++i) jtis.insert(iss.issue(c).value().jwt_id);
  CHECK(jtis.size() == 50);
}

TEST_CASE("the signing key decides the header's alg and the signature's size", "[jwt][issuer]") {
  struct row {
    jwt::alg a;
    const char* name;
    std::size_t sig_size;  // raw r‖s for ECDSA (RFC 7518 §3.4)
  };
  for (const auto& r : {row{jwt::alg::es256, "ES256", 64}, row{jwt::alg::es384, "ES384", 96},
                        row{jwt::alg::es512, "ES512", 132}, row{jwt::alg::eddsa, "EdDSA", 64}}) {
    CAPTURE(r.name);
    jwt::issuer<fixed_clock> iss(signer(r.a, "k"), {.issuer = "https://auth.example"}, fixed_clock{t0});
    const auto out = iss.issue(jwt::claims{}).value();
    CHECK(segment(out.token, 0) == json{{"alg", r.name}, {"kid", "k"}, {"typ", "JWT"}});
    const auto sig = core::base64url_decode(std::string_view(out.token).substr(out.token.rfind('.') + 1)).value();
    CHECK(sig.size() == r.sig_size);
    jwt::verifier<jwt::single_key, fixed_clock> v(jwt::single_key(verifier_key(r.a, "k")), lax_rules(), fixed_clock{t0});
    CHECK(v.verify(out.token));
  }
}

TEST_CASE("per-token lifetime, jti and nbf delay; options that omit claims", "[jwt][issuer]") {
  jwt::issuer<fixed_clock> iss(signer(jwt::alg::hs256), {.issuer = "", .lifetime = 1h, .type = "", .set_not_before = false},
                               fixed_clock{t0});
  jwt::claims c;
  c.lifetime(240h).jwt_id("order-run-77").audiences({"orders", "stock"});
  auto out = iss.issue(c).value();
  CHECK(out.expires_at == t0 + 240 * 3600);
  CHECK(out.jwt_id == "order-run-77");
  const json header = segment(out.token, 0), body = segment(out.token, 1);
  CHECK(header == json{{"alg", "HS256"}});  // no kid, no typ
  CHECK_FALSE(body.contains("iss"));
  CHECK_FALSE(body.contains("nbf"));
  CHECK(body["aud"] == json::array({"orders", "stock"}));
  CHECK(body["jti"] == "order-run-77");

  jwt::issuer<fixed_clock> delayed(signer(jwt::alg::hs256), {}, fixed_clock{t0});
  jwt::claims later;
  later.not_before_delay(30s);
  CHECK(segment(delayed.issue(later).value().token, 1)["nbf"] == t0 + 30);
}

TEST_CASE("custom claims: typed values and JSON; registered names are refused", "[jwt][issuer]") {
  jwt::claims c;
  CHECK(c.set("org_id", "org-42"));
  CHECK(c.set("limit", 500));
  CHECK(c.set("admin", false));
  CHECK(c.set("scope", "orders:read orders:write"));
  CHECK(c.set("roles", json::array({"CommerceUser", "XRead"})));
  CHECK(c.set("tenant", {{"market", "market-nor"}, {"stores", {"store-oslo-downtown"}}}));
  for (const char* reserved : {"iss", "exp", "nbf", "iat", "jti"}) {
    CAPTURE(reserved);
    CHECK_FALSE(c.set(reserved, 1));
  }
  CHECK_FALSE(c.json().contains("exp"));
  CHECK(c.set("sub", "alice"));  // sub and aud may be set directly too

  jwt::issuer<fixed_clock> iss(signer(jwt::alg::eddsa), {.issuer = "https://auth.example"}, fixed_clock{t0});
  auto tok = iss.issue(c).value();
  jwt::verifier<jwt::single_key, fixed_clock> v(jwt::single_key(verifier_key(jwt::alg::eddsa)),
                                               jwt::rules::builder{}.issuer("https://auth.example").ignore_audience().build().value(),
                                               fixed_clock{t0});
  auto t = v.verify(tok.token);
  REQUIRE(t);
  CHECK(t->subject() == "alice");
  CHECK(t->claim_string("org_id").value() == "org-42");
  CHECK(t->claim_int("limit").value() == 500);
  CHECK_FALSE(t->claim_bool("admin").value());
  CHECK(t->has_scope("orders:write"));
  CHECK(t->claim_strings("roles").value() == std::vector<std::string>{"CommerceUser", "XRead"});
  CHECK(t->claim_json("tenant").value()["market"] == "market-nor");
  CHECK(t->expires_at() == t0 + 3600);  // the default lifetime is one hour
}

TEST_CASE("set_string and set_strings write what set() writes with a JSON value", "[jwt][issuer]") {
  jwt::claims typed, with_json;
  CHECK(typed.set_string("tenant", "org \"42\"\n"));
  CHECK(typed.set_strings("roles", {"CommerceUser", "XRead"}));
  CHECK(typed.set_strings("none", {}));
  CHECK(with_json.set("tenant", "org \"42\"\n"));
  CHECK(with_json.set("roles", json::array({"CommerceUser", "XRead"})));
  CHECK(with_json.set("none", json::array()));
  CHECK(typed.json() == with_json.json());
  CHECK(typed.json() == json{{"tenant", "org \"42\"\n"}, {"roles", {"CommerceUser", "XRead"}}, {"none", json::array()}});
  for (const char* reserved : {"iss", "exp", "nbf", "iat", "jti"}) {
    CAPTURE(reserved);
    CHECK_FALSE(typed.set_string(reserved, "x"));
    CHECK_FALSE(typed.set_strings(reserved, {"x"}));
  }
  jwt::issuer<fixed_clock> iss(signer(jwt::alg::hs256), {}, fixed_clock{t0});
  const json payload = segment(iss.issue(typed).value().token, 1);
  CHECK(payload["tenant"] == "org \"42\"\n");
  CHECK(payload["roles"] == json::array({"CommerceUser", "XRead"}));
  // Text that is not UTF-8 makes issuing refuse, as with set().
  jwt::claims bad;
  bad.set_string("tenant", "\xff\xfe");
  CHECK(iss.issue(bad).error() == errc::invalid_argument);
}

TEST_CASE("extra header fields are written; reserved ones cannot be overridden", "[jwt][issuer]") {
  json extra = {{"cty", "orders+json"},    {"x-tenant", "nor"},          {"alg", "none"},
                {"kid", "../evil"},        {"typ", "evil"},              {"crit", {"x-tenant"}},
                {"b64", false},            {"jwk", {{"kty", "oct"}}},    {"jku", "https://attacker.example/"},
                {"x5u", "https://x.example"}, {"x5c", {"MII"}}};
  jwt::issuer_options opts;
  opts.type = "at+jwt";
  opts.extra_header = extra.dump();
  jwt::issuer<fixed_clock> iss(signer(jwt::alg::hs256, "k-1"), opts, fixed_clock{t0});
  const json header = segment(iss.issue(jwt::claims{}).value().token, 0);
  CHECK(header == json{{"alg", "HS256"}, {"kid", "k-1"}, {"typ", "at+jwt"}, {"cty", "orders+json"}, {"x-tenant", "nor"}});

  // An extra_header that is not the text of a JSON object makes every issue() refuse.
  for (const char* odd_text : {"[1,2]", "{\"cty\":", "\"x\"", "{} {}"}) {
    jwt::issuer_options odd_opts;
    odd_opts.extra_header = odd_text;
    jwt::issuer<fixed_clock> odd(signer(jwt::alg::hs256), odd_opts, fixed_clock{t0});
    CHECK(odd.issue(jwt::claims{}).error() == errc::invalid_argument);
  }
}

TEST_CASE("the issuer's clock sets the times of each token", "[jwt][issuer]") {
  core::manual_clock clock(t0);
  jwt::issuer<core::manual_clock&> iss(signer(jwt::alg::hs256), {.issuer = "", .lifetime = 12h}, clock);
  auto a = iss.issue(jwt::claims{}).value();
  clock.advance(90min);
  auto b = iss.issue(jwt::claims{}).value();
  CHECK(a.issued_at == t0);
  CHECK(b.issued_at == t0 + 5400);
  CHECK(b.expires_at == t0 + 5400 + 12 * 3600);
  CHECK(iss.clock().now() == clock.now());
  CHECK(iss.key().algorithm() == jwt::alg::hs256);
  CHECK(iss.options().lifetime == 12h);
}

TEST_CASE("lifetimes and nbf delays beyond core::max_duration are invalid_argument", "[jwt][issuer]") {
  using std::chrono::seconds;
  jwt::issuer<fixed_clock> iss(signer(jwt::alg::hs256), {}, fixed_clock{t0});
  for (auto bad : {seconds::max(), seconds::min(), core::max_duration + 1s, -core::max_duration - 1s}) {
    CAPTURE(bad.count());
    jwt::claims c;
    c.lifetime(bad);
    CHECK(iss.issue(c).error() == errc::invalid_argument);
    jwt::claims d;
    d.not_before_delay(bad);
    CHECK(iss.issue(d).error() == errc::invalid_argument);
    jwt::issuer<fixed_clock> by_default(signer(jwt::alg::hs256), {.issuer = "", .lifetime = bad}, fixed_clock{t0});
    CHECK(by_default.issue(jwt::claims{}).error() == errc::invalid_argument);
  }
  jwt::claims longest;
  longest.lifetime(core::max_duration).not_before_delay(core::max_duration);
  auto out = iss.issue(longest);
  REQUIRE(out);
  CHECK(out->expires_at == t0 + core::max_duration.count());
}

TEST_CASE("a claim set twice keeps its last value; a given jti is escaped; non-UTF-8 text is refused", "[jwt][issuer]") {
  jwt::issuer<fixed_clock> iss(signer(jwt::alg::hs256, "k"), {.issuer = "https://auth.example"}, fixed_clock{t0});
  jwt::claims c;
  c.subject("alice");
  REQUIRE(c.set("org_id", "org_1"));
  REQUIRE(c.set("roles", json::array({"a", "b"})));
  c.subject("bob");  // replaced, not repeated
  REQUIRE(c.set("org_id", 42));
  c.jwt_id("id \"quoted\" \\ and \n newline");
  auto out = iss.issue(c);
  REQUIRE(out);
  const json body = segment(out->token, 1);
  CHECK(body == json{{"iss", "https://auth.example"}, {"sub", "bob"}, {"org_id", 42}, {"roles", {"a", "b"}},
                     {"iat", t0}, {"nbf", t0}, {"exp", t0 + 3600}, {"jti", "id \"quoted\" \\ and \n newline"}});
  CHECK(out->jwt_id == "id \"quoted\" \\ and \n newline");
  // Each member once in the payload text itself (a JSON parser would hide a repeat).
  const auto raw = core::base64url_decode(std::string_view(out->token).substr(out->token.find('.') + 1,
                                          out->token.rfind('.') - out->token.find('.') - 1)).value();
  const std::string text(raw.begin(), raw.end());
  CHECK(text.find("\"sub\"") == text.rfind("\"sub\""));
  CHECK(text.find("\"org_id\"") == text.rfind("\"org_id\""));

  jwt::claims bad;
  bad.subject("caf\xC3");  // a truncated UTF-8 sequence
  CHECK(iss.issue(bad).error() == errc::invalid_argument);
  jwt::claims bad_jti;
  bad_jti.jwt_id("\xFF\xFE");
  CHECK(iss.issue(bad_jti).error() == errc::invalid_argument);
  jwt::issuer<fixed_clock> bad_iss(signer(jwt::alg::hs256, "k"), {.issuer = "\xC0\xAF"}, fixed_clock{t0});
  CHECK(bad_iss.issue(jwt::claims{}).error() == errc::invalid_argument);
}

TEST_CASE("an issued token holds room for its own signature only", "[jwt][issuer]") {
  // The token's buffer is sized once from the key's signature length: an HMAC token does not
  // carry the room an RSA-8192 signature would need.
  for (auto a : all_algs) {
    CAPTURE(jwt::alg_name(a));
    jwt::issuer<fixed_clock> iss(signer(a), {.issuer = "https://auth.example"}, fixed_clock{t0});
    jwt::claims c;
    c.subject("alice");
    auto out = iss.issue(c);
    REQUIRE(out);
    CHECK(out->token.capacity() < out->token.size() + 32);
    const std::string_view tok = out->token;
    const auto sig = core::base64url_decode(tok.substr(tok.rfind('.') + 1));
    REQUIRE(sig);
    CHECK(verifier_key(a).verify(core::bytes_view(tok.substr(0, tok.rfind('.'))), *sig));
  }
}
