// Tests for tessera/jwt/verified_token.hpp: typed access to registered and custom claims,
// missing_claim versus invalid_claim, escaped strings, scope lists and audiences.
#include "tessera/jwt/verified_token.hpp"

#include "tessera/jwt/detail/parse.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "support/alloc_counter.hpp"
#include "support/catch.hpp"
#include "jwt/fixtures.hpp"

// This file owns its test executable's allocation counter (support/alloc_counter.hpp).
using alloc_counter::allocs;

using namespace tessera;
using namespace jwt_test;

// Only a verifier can make one: no public constructor but copy and move.
static_assert(!std::is_default_constructible_v<jwt::verified_token>);
static_assert(!std::is_constructible_v<jwt::verified_token, std::string>);
static_assert(!std::is_constructible_v<jwt::verified_token, nlohmann::json>);
static_assert(std::is_copy_constructible_v<jwt::verified_token>);

namespace {
// Verifies hand-written claims (HS256, a kid and a typ) and returns the token.
jwt::verified_token verified(const std::string& claims, const std::string& header = R"({"alg":"HS256","kid":"k-9","typ":"at+jwt"})") {
  jwt::verifier<jwt::single_key, fixed_clock> v(jwt::single_key(verifier_key(jwt::alg::hs256)),
                                               lax_builder().allow_missing_exp().build().value(), fixed_clock{});
  auto t = v.verify(make_token(header, claims, signer(jwt::alg::hs256)));
  REQUIRE(t);
  return *t;
}
std::vector<std::string> strs(std::initializer_list<const char*> l) { return {l.begin(), l.end()}; }
}  // namespace

TEST_CASE("registered claims and header fields are typed", "[jwt][verified_token]") {
  auto t = verified(R"({"iss":"https://auth.example","sub":"client-7","aud":"orders","jti":"j-1",)"
                    R"("exp":1700003600,"nbf":1699999000,"iat":1699999999})");
  CHECK(t.algorithm() == jwt::alg::hs256);
  CHECK(t.kid() == "k-9");
  CHECK(t.type() == "at+jwt");
  CHECK(t.issuer() == "https://auth.example");
  CHECK(t.subject() == "client-7");
  CHECK(t.jwt_id() == "j-1");
  CHECK(t.expires_at() == 1700003600);
  CHECK(t.not_before() == 1699999000);
  CHECK(t.issued_at() == 1699999999);
  CHECK(t.has_claim("iss"));
  CHECK(t.has_claim("aud"));
  CHECK(t.has_claim("exp"));
  CHECK_FALSE(t.has_claim("scope"));
  CHECK(t.claim_int("exp").value() == 1700003600);
  CHECK(t.claim_string("sub").value() == "client-7");

  auto bare = verified(R"({})", R"({"alg":"HS256"})");
  CHECK(bare.kid().empty());
  CHECK(bare.type().empty());
  CHECK(bare.issuer().empty());
  CHECK(bare.subject().empty());
  CHECK(bare.jwt_id().empty());
  CHECK_FALSE(bare.expires_at());
  CHECK_FALSE(bare.not_before());
  CHECK_FALSE(bare.issued_at());
  CHECK_FALSE(bare.has_claim("iss"));
  CHECK_FALSE(bare.has_claim("sub"));
  CHECK_FALSE(bare.has_claim("aud"));
  CHECK(bare.audiences().empty());
  CHECK(bare.claims() == nlohmann::json::object());
}

TEST_CASE("registered claims answer the generic accessors, typed as they were signed", "[jwt][verified_token]") {
  // Registered claims are kept in typed members rather than the claim table; every accessor must
  // still see them, and only where they are present.
  auto t = verified(R"({"iss":"i","sub":"s","aud":"a","jti":"j","exp":1700003600,"nbf":1699999000,"iat":1699999999,"x":1})");
  for (const char* name : {"iss", "sub", "aud", "jti", "exp", "nbf", "iat", "x"}) {
    CAPTURE(name);
    CHECK(t.has_claim(name));
  }
  CHECK(t.claim_string("iss").value() == "i");
  CHECK(t.claim_string("aud").value() == "a");
  CHECK(t.claim_string("jti").value() == "j");
  CHECK(t.claim_int("nbf").value() == 1699999000);
  CHECK(t.claim_int("iat").value() == 1699999999);
  CHECK(t.claim_int("iss").error() == errc::invalid_claim);
  CHECK(t.claim_string("exp").error() == errc::invalid_claim);
  CHECK(t.claim_bool("sub").error() == errc::invalid_claim);
  CHECK(t.claim_strings("aud").value() == std::vector<std::string>{"a"});
  CHECK(t.claim_json("exp").value() == 1700003600);

  auto none = verified(R"({"x":1})");
  for (const char* name : {"iss", "sub", "aud", "jti", "exp", "nbf", "iat"}) {
    CAPTURE(name);
    CHECK_FALSE(none.has_claim(name));
    CHECK(none.claim_string(name).error() == errc::missing_claim);
    CHECK(none.claim_int(name).error() == errc::missing_claim);
  }
  // An empty jti is present; names that only share a fingerprint with a registered one are not it.
  auto empty = verified(R"({"jti":"","ixs":"no","e_p":5})");
  CHECK(empty.has_claim("jti"));
  CHECK(empty.jwt_id().empty());
  CHECK_FALSE(empty.has_claim("iss"));
  CHECK_FALSE(empty.has_claim("exp"));
  CHECK(empty.claim_string("ixs").value() == "no");
  CHECK(empty.claim_int("e_p").value() == 5);
  // An aud list stays in the table, each element its own value.
  auto list = verified(R"({"aud":["a","b"],"sub":"s"})");
  CHECK(list.has_claim("aud"));
  CHECK(list.claim_string("aud").error() == errc::invalid_claim);
  CHECK(list.claim_strings("aud").value() == std::vector<std::string>{"a", "b"});
  CHECK(list.has_audience("b"));
}

TEST_CASE("custom claims as string, integer and bool; missing versus invalid", "[jwt][verified_token]") {
  auto t = verified(R"({"org_id":"org-42","limit":-17,"big":9223372036854775807,"ratio":0.5,"huge":18446744073709551615,)"
                    R"("admin":true,"beta":false,"nothing":null,"obj":{"a":1},"list":["x","y"],"mixed":["x",1]})");
  CHECK(t.claim_string("org_id").value() == "org-42");
  CHECK(t.claim_int("limit").value() == -17);
  CHECK(t.claim_int("big").value() == INT64_MAX);
  CHECK(t.claim_bool("admin").value());
  CHECK_FALSE(t.claim_bool("beta").value());

  // Absent: missing_claim. Present with another type: invalid_claim.
  CHECK(t.claim_string("tenant").error() == errc::missing_claim);
  CHECK(t.claim_int("tenant").error() == errc::missing_claim);
  CHECK(t.claim_bool("tenant").error() == errc::missing_claim);
  CHECK(t.claim_string("limit").error() == errc::invalid_claim);
  CHECK(t.claim_string("admin").error() == errc::invalid_claim);
  CHECK(t.claim_string("nothing").error() == errc::invalid_claim);
  CHECK(t.claim_string("obj").error() == errc::invalid_claim);
  CHECK(t.claim_string("list").error() == errc::invalid_claim);
  CHECK(t.claim_int("org_id").error() == errc::invalid_claim);
  CHECK(t.claim_int("ratio").error() == errc::invalid_claim);
  CHECK(t.claim_int("huge").error() == errc::invalid_claim);
  CHECK(t.claim_int("admin").error() == errc::invalid_claim);
  CHECK(t.claim_bool("org_id").error() == errc::invalid_claim);
  CHECK(t.claim_bool("limit").error() == errc::invalid_claim);
  CHECK(t.claim_bool("nothing").error() == errc::invalid_claim);
  // Names are case-sensitive.
  CHECK(t.claim_string("Org_Id").error() == errc::missing_claim);
  CHECK(t.has_claim("nothing"));
  CHECK(t.has_claim("obj"));
  CHECK(t.has_claim("mixed"));
}

TEST_CASE("escaped strings are read unescaped, in values and in names", "[jwt][verified_token]") {
  auto t = verified(R"({"a":"\u0041BC","nl":"line1\nline2","q":"say \"hi\"","bs":"back\\slash","sl":"a\/b",)"
                    R"("e":"caf\u00e9","smile":"\ud83d\ude00","nul":"x\u0000y","na\u006de":"escaped name",)"
                    R"("raw":"ĉu ŝi?"})");
  CHECK(t.claim_string("a").value() == "ABC");
  CHECK(t.claim_string("nl").value() == "line1\nline2");
  CHECK(t.claim_string("q").value() == "say \"hi\"");
  CHECK(t.claim_string("bs").value() == "back\\slash");
  CHECK(t.claim_string("sl").value() == "a/b");
  CHECK(t.claim_string("e").value() == "caf\xc3\xa9");
  CHECK(t.claim_string("smile").value() == "\xf0\x9f\x98\x80");
  CHECK(t.claim_string("nul").value() == std::string_view("x\0y", 3));
  CHECK(t.claim_string("name").value() == "escaped name");
  CHECK(t.claim_string("raw").value() == "ĉu ŝi?");
  // The JSON view agrees with the typed view.
  auto j = t.claims();
  CHECK(j["a"] == "ABC");
  CHECK(j["q"] == "say \"hi\"");
  CHECK(j["name"] == "escaped name");
  CHECK(t.claim_json("nl").value() == "line1\nline2");

  auto reg = verified(R"({"iss":"https:\/\/auth.example","sub":"\u0061lice"})");
  CHECK(reg.issuer() == "https://auth.example");
  CHECK(reg.subject() == "alice");
}

TEST_CASE("string lists: space-separated scope or an array of strings", "[jwt][verified_token]") {
  auto t = verified(R"({"scope":"orders:read  orders:write stock:read","scp":["orders:read","admin tools"],)"
                    R"("none":"","spaces":"   ","empty":[],"n":3,"mixed":["a",2],"roles":"ApiOwner"})");
  CHECK(t.claim_strings("scope").value() == strs({"orders:read", "orders:write", "stock:read"}));
  CHECK(t.claim_strings("scp").value() == strs({"orders:read", "admin tools"}));
  CHECK(t.claim_strings("roles").value() == strs({"ApiOwner"}));
  CHECK(t.claim_strings("none").value().empty());
  CHECK(t.claim_strings("spaces").value().empty());
  CHECK(t.claim_strings("empty").value().empty());
  CHECK(t.claim_strings("absent").error() == errc::missing_claim);
  CHECK(t.claim_strings("n").error() == errc::invalid_claim);
  CHECK(t.claim_strings("mixed").error() == errc::invalid_claim);

  CHECK(t.has_scope("orders:read"));
  CHECK(t.has_scope("stock:read"));
  CHECK_FALSE(t.has_scope("orders"));  // whole items only, never prefixes
  CHECK_FALSE(t.has_scope("orders:read orders:write"));
  CHECK_FALSE(t.has_scope(""));
  CHECK_FALSE(t.has_scope("admin"));
  CHECK(t.has_in_list("admin tools", "scp"));  // array items are whole strings
  CHECK_FALSE(t.has_in_list("admin", "scp"));
  CHECK_FALSE(t.has_in_list("x", "absent"));
  CHECK_FALSE(t.has_in_list("a", "mixed"));

  auto arr = verified(R"({"scope":["orders:read","orders:write"]})");
  CHECK(arr.has_scope("orders:write"));
  CHECK(arr.claim_strings("scope").value() == strs({"orders:read", "orders:write"}));
}

TEST_CASE("audiences(): one for a string aud, each for an array", "[jwt][verified_token]") {
  auto one = verified(R"({"aud":"orders"})");
  CHECK(one.audiences() == std::vector<std::string_view>{"orders"});
  CHECK(one.has_audience("orders"));
  CHECK_FALSE(one.has_audience("order"));
  CHECK(one.claim_strings("aud").value() == strs({"orders"}));

  auto many = verified(R"({"aud":["orders","stock","billing"]})");
  CHECK(many.audiences() == std::vector<std::string_view>{"orders", "stock", "billing"});
  CHECK(many.has_audience("stock"));
  CHECK_FALSE(many.has_audience("web"));

  auto empty = verified(R"({"aud":[]})");
  CHECK(empty.audiences().empty());
  CHECK(empty.has_claim("aud"));
  CHECK_FALSE(empty.has_audience(""));
}

TEST_CASE("claim_json and claims() materialise JSON on demand", "[jwt][verified_token]") {
  const std::string text = R"({"sub":"alice","perms":{"stores":["store-oslo-downtown"],"markets":"AllMarkets"},)"
                           R"("n":1.25,"flag":null,"list":[1,"two",{"three":3}]})";
  auto t = verified(text);
  CHECK(t.claims_text() == text);
  auto all = t.claims();
  REQUIRE(all.is_object());
  CHECK(all == nlohmann::json::parse(text));
  CHECK(t.claim_json("perms").value()["stores"][0] == "store-oslo-downtown");
  CHECK(t.claim_json("n").value() == 1.25);
  CHECK(t.claim_json("flag").value().is_null());
  CHECK(t.claim_json("list").value()[2]["three"] == 3);
  CHECK(t.claim_json("absent").error() == errc::missing_claim);
  // Copies are independent of the verifier that made the original.
  jwt::verified_token copy = t;
  CHECK(copy.subject() == "alice");
  CHECK(copy.claim_json("perms").value()["markets"] == "AllMarkets");
}

namespace {
// Claims texts on both sides of the flat form that the verifier reads without a DOM (see
// detail::token_builder): JSON that is flat or not, escaped or not, and text that is not JSON.
std::vector<std::string> claim_texts() {
  return {
      "{}", "{ }", "\n{\"a\":1}\t\r\n ", R"({"a" : 1 , "b" :true,"c":false })", R"({"":1})", R"({"a":0})",
      R"({"a":123456789012345678})", R"({"a":1234567890123456789})", R"({"a":9223372036854775807})",
      R"({"a":12345678901234567890})", R"({"a":-5})", R"({"a":-0})", R"({"a":1E5})", R"({"a":0.0})", R"({"a":10})",
      R"({"a":"x"})", R"({"a":""})", R"({"a":"\/"})", R"({"a":"\u0041"})", "{\"a\":\"\xc3\xa9\"}", "{\"a\":\"x\x7fy\"}",
      R"({"a":null})", R"({"a":[1]})", R"({"a":{}})", R"({"a":"b","c":"d","e":12,"f":true,"g":false,"h":"i j k"})",
      R"({"a":[]})", R"({"a":["x"]})", R"({"a":[ "x" , "y" ]})", R"({"a":["x",1]})", R"({"a":["x",["y"]]})", R"({"a":[null]})",
      R"({"a\u0062":1})", R"({"a\"b":"c\"d"})", R"({"a":"x\\"})", R"({"a":"\\"})", R"({"\\":"\""})", R"({"a":"0123456789abcdef\n"})",
      R"({"k":"0123456789abcdefg","l":"01234567"})", R"({"a":-9223372036854775808})",
      // Ten-digit integers (NumericDates) and their near misses.
      R"({"a":1790000000})", R"({"a":1790000000 ,"b":9999999999})", R"({"a":1000000000})", R"({"a":17900000001})",
      R"({"a":-1790000000})", R"({"a":1790000000.5})", R"({"a":1790000000e1})", R"({"a":[1790000000]})",
      // Not JSON: each must be refused as malformed, whichever reader looks at it first.
      R"({"n":01})", R"({"n":00})", R"({"n":0790000000})", R"({"n":179000000a})", R"({"n":17900000:0})", R"({"n":1.})", R"({"n":.5})", R"({"n":+1})", R"({"n":1e})", R"({"n":-})",
      R"({"a":tru})", R"({"a":truex})", R"({"a":falsey})", R"({"a":nul})", R"({"a":true false})", R"({"a":1}x)",
      R"({"a":1,})", R"({"a":1 "b":2})", R"({"a" 1})", R"({a:1})", R"({"a":1)", R"({"a":"x})", R"({"a":1}})",
      "{\"a\":\"x\x01y\"}", "{\"a\":\"\xc3\"}", R"({"a":"\u00"})", "{\"a\":1}\x1a", "{\"a\":1\x0b}", R"({"a":"x\"})",
      R"({"a":["x",]})", R"({"a":["x" "y"]})", R"({"a":["x",,"y"]})", R"({"a":[,"x"]})", R"({"a":["x")", R"({"a":["x"}})",
      R"({"a\x":1})", R"({"a":"\ud800"})", "{\"a\":\"x\"}\"", R"({"a":1}{"b":2})",
      R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"r":18,"s":19,"t":20,"u":21,"v":22,"w":23,"x":24,"y":25,"z":26,"A":27,"B":28,"C":29,"D":30,"E":31,"F":32,"G":33})",
  };
}
}  // namespace

TEST_CASE("claims are read exactly as a strict JSON parser reads them, flat or not", "[jwt][verified_token][parser]") {
  // nlohmann_json is the oracle: it must accept exactly the texts the verifier accepts (duplicate
  // names, which it tolerates, are tested in verifier_attacks), and agree on every typed value.
  using namespace std::string_literals;
  const auto texts = claim_texts();
  jwt::verifier<jwt::single_key, fixed_clock> v(jwt::single_key(verifier_key(jwt::alg::hs256)),
                                               lax_builder().allow_missing_exp().build().value(), fixed_clock{});
  const auto s = signer(jwt::alg::hs256);
  for (const auto& text : texts) {
    CAPTURE(text);
    const auto oracle = nlohmann::json::parse(text, nullptr, false);
    auto t = v.verify(make_token(R"({"alg":"HS256"})", text, s));
    if (oracle.is_discarded() || !oracle.is_object()) {
      CHECK(t.error() == errc::token_malformed);
      continue;
    }
    REQUIRE(t);
    CHECK(t->claims() == oracle);
    for (auto& [name, value] : oracle.items()) {
      CAPTURE(name);
      CHECK(t->has_claim(name));
      if (value.is_string()) CHECK(t->claim_string(name).value() == value.get<std::string>());
      else CHECK(t->claim_string(name).error() == errc::invalid_claim);
      if (value.is_number_integer() && (!value.is_number_unsigned() || value.get<std::uint64_t>() <= INT64_MAX))
        CHECK(t->claim_int(name).value() == value.get<std::int64_t>());
      else CHECK(t->claim_int(name).error() == errc::invalid_claim);
      if (value.is_boolean()) CHECK(t->claim_bool(name).value() == value.get<bool>());
      else CHECK(t->claim_bool(name).error() == errc::invalid_claim);
      const bool string_list = value.is_array() && std::all_of(value.begin(), value.end(), [](auto& e) { return e.is_string(); });
      if (string_list) CHECK(t->claim_strings(name).value() == value.get<std::vector<std::string>>());
      else if (!value.is_string()) CHECK(t->claim_strings(name).error() == errc::invalid_claim);
    }
  }
  // Integers beyond 64 bits are JSON that the verifier refuses (RFC 8259 §9 lets a parser limit
  // the range of numbers): simdjson reads them as a number error, nlohmann as doubles.
  for (const char* big : {R"({"a":-9223372036854775809})", R"({"a":18446744073709551616})", R"({"a":[1,-18446744073709551616]})"})
    CHECK(v.verify(make_token(R"({"alg":"HS256"})", big, s)).error() == errc::token_malformed);
  // A NUL byte after the object: nlohmann stops reading there, the verifier refuses the text.
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", "{\"a\":1}\0"s, s)).error() == errc::token_malformed);
  // Registered claims in the flat form are checked like any other.
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", R"({"exp":253402300800})", s)).error() == errc::invalid_claim);
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", R"({"sub":1})", s)).error() == errc::invalid_claim);
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", R"({"aud":true})", s)).error() == errc::invalid_claim);
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", R"({"a":1,"b":2,"a":3})", s)).error() == errc::token_malformed);
}

namespace {
// Builds a token from text with both readers of detail::token_builder: the default (the flat_json
// scanner, handing anything else to the DOM walk) and the DOM walk alone. The results must be
// equal: the same error, or tokens equal in every accessor.
void check_readers_agree(const std::string& text) {
  using builder = jwt::detail::token_builder;
  CAPTURE(text);
  auto same = [](const auto& a, const auto& b) { return a.has_value() == b.has_value() && (a ? *a == *b : a.error() == b.error()); };
  jwt::detail::header_fields h;
  h.kid = "k-1";
  h.typ = "JWT";
  const std::string b64 = core::base64url_encode(text);
  auto fast = builder::build(jwt::alg::hs256, h, b64);
  auto dom = builder::build(jwt::alg::hs256, h, b64, builder::reader::dom);
  REQUIRE(fast.has_value() == dom.has_value());
  if (!fast) {
    CHECK(fast.error() == dom.error());
    return;
  }
  CHECK(fast->claims_text() == dom->claims_text());
  CHECK(fast->kid() == "k-1");
  CHECK(dom->kid() == "k-1");
  CHECK(fast->type() == dom->type());
  CHECK(fast->issuer() == dom->issuer());
  CHECK(fast->subject() == dom->subject());
  CHECK(fast->jwt_id() == dom->jwt_id());
  CHECK(fast->audiences() == dom->audiences());
  CHECK(fast->expires_at() == dom->expires_at());
  CHECK(fast->not_before() == dom->not_before());
  CHECK(fast->issued_at() == dom->issued_at());
  const auto all = nlohmann::json::parse(text, nullptr, false);
  REQUIRE(all.is_object());
  for (auto& [name, value] : all.items()) {
    CAPTURE(name);
    CHECK(fast->has_claim(name) == dom->has_claim(name));
    CHECK(same(fast->claim_string(name), dom->claim_string(name)));
    CHECK(same(fast->claim_int(name), dom->claim_int(name)));
    CHECK(same(fast->claim_bool(name), dom->claim_bool(name)));
    CHECK(same(fast->claim_strings(name), dom->claim_strings(name)));
  }
}
}  // namespace

TEST_CASE("the flat-claims reader and the DOM reader build the same token", "[jwt][verified_token][parser]") {
  auto texts = claim_texts();
  for (const char* more : {R"({"iss":"i","sub":"s","aud":"a","jti":"j","exp":1,"nbf":2,"iat":3,"x":[]})",
                           R"({"aud":["a","b"],"scope":"r w","n":-1,"t":true,"f":false,"z":null})", R"({"aud":[]})",
                           R"({"iss":1})", R"({"sub":null})", R"({"jti":["j"]})", R"({"aud":[1]})", R"({"aud":true})",
                           R"({"exp":1790000000,"nbf":1790000123,"iat":2000000000})", R"({"exp":9999999999})", R"({"exp":-1})", R"({"exp":1.5})", R"({"nbf":"1"})", R"({"iat":253402300800})", R"({"exp":253402300799})",
                           R"({"i\u0073s":"escaped name"})", R"({"iss":"a\/b"})", R"({"a":1,"b":2,"a":3})", R"({"a":{"b":1},"c":"d"})",
                           R"({"aud":{"a":1}})", R"({"sub":[1]})", R"({"exp":{}})", R"({"iss":["a"]})", "{\"iss\":\"Jos\xc3\xa9\"}",
                           R"({"realm_access":{"roles":["admin"]},"a":{"b":1},"a":2})", "{\"a\":{\"b\":\"\xed\xa0\x80\"}}"})
    texts.emplace_back(more);
  for (const auto& text : texts) check_readers_agree(text);
}

TEST_CASE("the two claims readers agree on random claims of every type", "[jwt][verified_token][parser]") {
  // Random objects: registered and other names, each with a value of a random type (in and out
  // of the flat form, right and wrong for the claim), sometimes a repeated name, random spacing.
  const std::vector<std::string> names = {"iss", "sub", "aud", "jti", "exp", "nbf", "iat", "scope", "x", ""};
  const std::vector<std::string> values = {
      R"("s")", R"("")", R"("a\u0062")", "0", "-1", "7", "1790000000", "253402300799", "253402300800", "-0", "1.5", "1e3",
      "123456789012345678", "1234567890123456789", "true", "false", "null", "[]", R"(["a"])", R"([ "a" , "b" ])", "[1]",
      R"(["a",null])", "{}", R"({"k":"v"})", R"({"k":[1,{"b":null}],"e":"\u00e9\ud83d\ude00"})", "\"caf\xc3\xa9\"",
      "\"\xc3\"", R"([1.5,"x"])", R"([[1],[2]])", R"({"x":{"y":[1e5,-0,true]}})", "[12345678901234567890]", "[1e400]",
      R"({"k":"\ud800"})", R"({"k":})", "[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]"};
  const std::vector<std::string> spaces = {"", "", "", " ", "\n\t"};
  std::mt19937 rng(2411);
  for (int round = 0; round < 5000; ++round) {
    std::string text = "{";
    for (std::size_t m = rng() % 7; m > 0; --m) {
      if (text.size() > 1) text += ",";
      text += spaces[rng() % spaces.size()] + "\"" + names[rng() % names.size()] + "\"" + spaces[rng() % spaces.size()] + ":" +
              values[rng() % values.size()] + spaces[rng() % spaces.size()];
    }
    text += "}";
    check_readers_agree(text);
  }
}

TEST_CASE("a string list is allocated once, however many items it holds", "[jwt][verified_token]") {
#ifdef TESSERA_TEST_SANITIZED
  TESSERA_SKIP("allocation counting needs the test's own operator new, which sanitizers replace");
#endif
  // Items of up to 15 characters fit in std::string itself, so the list's own buffer is the only
  // allocation; a list grown item by item would reallocate at 1, 2, 4 and 8 items.
  auto t = verified(R"({"scope":"a:1 b:2 c:3 d:4 e:5 f:6 g:7 h:8 i:9","scp":["a","b","c","d","e","f","g","h","i"]})");
  for (const char* claim : {"scope", "scp"}) {
    INFO(claim);
    allocs = 0;
    alloc_counter::counting = true;
    auto list = t.claim_strings(claim);
    alloc_counter::counting = false;
    REQUIRE(list);
    CHECK(list->size() == 9);
    CHECK(allocs == 1);
  }
}

TEST_CASE("a token of the usual size is verified without an allocation", "[jwt][verified_token]") {
#ifdef TESSERA_TEST_SANITIZED
  TESSERA_SKIP("allocation counting needs the test's own operator new, which sanitizers replace");
#endif
  // The claims, the kid and typ and the claim table (here ~260 bytes) fit in the token's inline
  // storage (detail::token_bytes::inline_capacity bytes).
  jwt::verifier<jwt::single_key, fixed_clock> v(jwt::single_key(verifier_key(jwt::alg::hs256)),
                                               lax_builder().allow_missing_exp().build().value(), fixed_clock{});
  const std::string token =
      make_token(R"({"alg":"HS256","kid":"k-9","typ":"JWT"})",
                 R"({"iss":"https://auth.example.com","sub":"client-7fb118fb","aud":"orders-api","org_id":"org_123",)"
                 R"("scope":"orders:read orders:write","iat":1700000000,"jti":"4f1c2b7e-9a0d-4b8e-8f3a-1c2d3e4f5a6b"})",
                 signer(jwt::alg::hs256));
  REQUIRE(v.verify(token));  // the thread's parser state is made on its first token
  allocs = 0;
  alloc_counter::counting = true;
  auto t = v.verify(token);
  alloc_counter::counting = false;
  REQUIRE(t);
  CHECK(allocs == 0);
  CHECK(*t->claim_string("org_id") == "org_123");
}

TEST_CASE("a header that is not a JSON object is refused without an allocation", "[jwt][verified_token]") {
#ifdef TESSERA_TEST_SANITIZED
  TESSERA_SKIP("allocation counting needs the test's own operator new, which sanitizers replace");
#endif
  // Such headers reach no key and no signature check: they must cost as little as any other
  // malformed token.
  jwt::verifier<jwt::single_key, fixed_clock> v(jwt::single_key(verifier_key(jwt::alg::hs256)),
                                               lax_builder().allow_missing_exp().build().value(), fixed_clock{});
  const std::string claims = core::base64url_encode(std::string(R"({"sub":"s"})"));
  for (const char* header : {"not json", " [1]", "\"x\"", "null", "\t"}) {
    CAPTURE(header);
    const std::string token = core::base64url_encode(std::string(header)) + "." + claims + ".AAAA";
    REQUIRE(v.verify(token).error() == errc::token_malformed);
    allocs = 0;
    alloc_counter::counting = true;
    auto r = v.verify(token);
    alloc_counter::counting = false;
    CHECK(r.error() == errc::token_malformed);
    CHECK(allocs == 0);
  }
}

TEST_CASE("claims beyond the inline storage read alike in the token, its copies and its moves", "[jwt][verified_token]") {
  for (std::size_t pad : {std::size_t{10}, jwt::detail::token_bytes::inline_capacity, std::size_t{3000}}) {
    INFO(pad);
    const std::string note(pad, 'n');
    const std::string claims = R"({"sub":"s-1","note":")" + note + R"(","scope":"a b","x\/y":"esc"})";
    auto t = verified(claims);
    auto check = [&](const jwt::verified_token& x) {
      CHECK(x.claims_text() == claims);
      CHECK(x.subject() == "s-1");
      CHECK(x.kid() == "k-9");
      CHECK(*x.claim_string("note") == note);
      CHECK(*x.claim_string("x/y") == "esc");
      CHECK(*x.claim_strings("scope") == strs({"a", "b"}));
    };
    check(t);
    const jwt::verified_token copy = t;
    check(copy);
    jwt::verified_token moved = std::move(t);
    check(moved);
    check(copy);
    moved = copy;
    check(moved);
    std::optional<jwt::verified_token> held;
    held.emplace(std::move(moved));
    check(*held);
  }
}
