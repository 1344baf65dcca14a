// Tests for tessera/jwt/detail/flat_json.hpp: the flat-claims scanner accepts only JSON, reads every
// value as a strict JSON parser does, and gives up (false) on everything outside its subset.
// nlohmann_json is the oracle for "is this JSON, and what does it hold".
#include "tessera/jwt/detail/flat_json.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "support/flat_json_recorder.hpp"

namespace flat_json = tessera::jwt::detail::flat_json;
using ojson = nlohmann::ordered_json;

namespace {
using recorder = tessera_test::flat_json_recorder;

// Scans text with the zero padding the scanner needs.
bool scan(const std::string& text, recorder& r) {
  std::vector<char> buf(text.begin(), text.end());
  buf.resize(text.size() + flat_json::padding, '\0');
  return flat_json::scan(buf.data(), text.size(), r);
}
bool scans(const std::string& text) {
  recorder r;
  return scan(text, r);
}

// When the scanner accepts text, the oracle must read the same object: the same names in the
// same order with equal values (texts with a repeated name are only required to be JSON).
void check_against_oracle(const std::string& text) {
  recorder r;
  if (!scan(text, r)) return;
  CAPTURE(text);
  const ojson oracle = ojson::parse(text, nullptr, false);
  REQUIRE_FALSE(oracle.is_discarded());
  REQUIRE(oracle.is_object());
  if (oracle.size() != r.members.size()) return;  // a repeated name
  std::size_t i = 0;
  for (const auto& [name, value] : oracle.items()) {
    CHECK(r.members[i].first == name);
    CHECK(r.members[i].second == value);
    ++i;
  }
}
}  // namespace

TEST_CASE("string_stop finds what its bytewise reference finds", "[detail][flat_json]") {
  // Every byte class the scan stops on, at every position of two SSE2 blocks.
  const std::string stops = std::string("\"\\\x01\x1f\x7f\x80\xff", 7) + std::string(1, '\0');
  std::mt19937 rng(20261124);
  for (std::size_t len = 0; len < 40; ++len) {
    for (char stop : stops) {
      std::vector<char> buf(len + 1 + flat_json::padding, '\0');
      for (std::size_t i = 0; i < len; ++i) buf[i] = static_cast<char>(0x20 + rng() % 0x5f);  // printable
      for (std::size_t i = 0; i < len; ++i)
        if (buf[i] == '"' || buf[i] == '\\') buf[i] = 'x';
      buf[len] = stop;
      CAPTURE(len, int(static_cast<unsigned char>(stop)));
      // DEL is an ordinary character in a JSON string: the zero after it stops the scan.
      const char* want = buf.data() + len + (stop == '\x7f' ? 1 : 0);
      CHECK(flat_json::string_stop_bytewise(buf.data()) == want);
      CHECK(flat_json::string_stop(buf.data()) == want);
    }
  }
  // Random bytes: both must stop at the same place.
  for (int round = 0; round < 2000; ++round) {
    std::vector<char> buf(64 + flat_json::padding, '\0');
    for (std::size_t i = 0; i < 64; ++i) buf[i] = static_cast<char>(rng() % 8 == 0 ? rng() % 256 : 0x20 + rng() % 0x5f);
    CHECK(flat_json::string_stop(buf.data()) == flat_json::string_stop_bytewise(buf.data()));
  }
}

TEST_CASE("flat_json reads flat objects as JSON reads them", "[detail][flat_json]") {
  for (const char* text :
       {"{}", " { } ", "\n{\t\"a\"\r:\n1 ,\"b\" : \"x y\" }\r\n", R"({"":""})", R"({"a":0,"b":-1,"c":7})",
        R"({"a":true,"b":false,"c":null})", R"({"a":[],"b":["x"],"c":[ "x" , "y" ,"" ]})", R"({"a":"~!@#$%^&*()_+{}[]:;',.<>/?"})",
        "{\"del\":\"\x7f\"}", R"({"iss":"https://auth.example.com","sub":"client-7fb118fb","aud":"orders-api","org_id":"org_123","scope":"orders:read orders:write","iat":1790000000,"nbf":1790000000,"exp":1790003600,"jti":"4f1c2b7e-9a0d-4b8e-8f3a-1c2d3e4f5a6b"})"}) {
    CAPTURE(text);
    CHECK(scans(text));
    check_against_oracle(text);
  }
}

TEST_CASE("flat_json reads integers of every length exactly", "[detail][flat_json]") {
  // 1 to 18 digits, on both sides of the eight-digit step, positive and negative.
  std::mt19937_64 rng(7);
  for (int digits = 1; digits <= 18; ++digits) {
    for (int round = 0; round < 50; ++round) {
      std::string n(1, static_cast<char>('1' + rng() % 9));
      while (static_cast<int>(n.size()) < digits) n += static_cast<char>('0' + rng() % 10);
      for (const std::string& v : {n, "-" + n}) {
        recorder r;
        const std::string text = R"({"n":)" + v + "}";
        CAPTURE(text);
        REQUIRE(scan(text, r));
        CHECK(r.members.at(0).second == std::stoll(v));
      }
    }
  }
  CHECK(scans(R"({"n":999999999999999999})"));
  CHECK(scans(R"({"n":-999999999999999999})"));
}

TEST_CASE("flat_json reads UTF-8 text and passes over nested values as JSON reads them", "[detail][flat_json]") {
  // Names and strings of two-, three- and four-byte sequences at the edges of Unicode §3.9 Table
  // 3-7; objects and arrays of every kind of value, escapes and surrogate pairs inside them.
  for (const char* text :
       {"{\"name\":\"Jos\xc3\xa9\"}", "{\"\xc3\xa9\":1}", "{\"a\":[\"\xe2\x82\xac\",\"\xf0\x9f\x98\x80\"]}",
        "{\"a\":\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"}",
        R"({"a":{}})", R"({"a":{"b":1}})", R"({"a":[1]})", R"({"a":[null]})", R"({"a":[[]]})", R"({"a":[{}]})",
        R"({"realm_access":{"roles":["admin","user"]},"resource_access":{"orders":{"roles":["read"]}},"sub":"u"})",
        R"({"a":[1,-2,0,-0,1.5,-0.25,1e5,1E-5,2e+10,123456789012345678,0.123456789012345678,1e99]})",
        R"({"a":{"s":"\n\t\r\b\f\/\\\"","u":"\u00e9\u20AC\ud83d\ude00","e":"","t":true,"f":false,"z":null}})",
        "{\"a\": { \"b\" : [ 1 , { } , [ ] , \"x\" ] , \"c\" : { \"d\" : { } } } ,\"e\":1}",
        R"({"a":[[[[[[[[[[[[]]]]]]]]]]]]})", R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":{"k":{}}}}}}}}}}}})",
        R"({"a":{"b":1,"b":2}})", "{\"a\":{\"\xc3\xa9\":\"\xc3\xa9\"}}"}) {
    CAPTURE(text);
    CHECK(scans(text));
    check_against_oracle(text);
  }
}

TEST_CASE("flat_json gives up on JSON outside its subset", "[detail][flat_json]") {
  // Valid JSON that the full parser reads instead: escapes outside nested values (a string the
  // token keeps must be unescaped), numbers that are not short integers, a list of strings that
  // holds anything else, nesting deeper than max_nesting, numbers whose range a reader may limit.
  for (const char* text :
       {R"({"a":"\n"})", R"({"a\u0062":1})", R"({"a":"\\"})", R"({"a":["\n"]})", R"({"a":["x","\n"]})", R"({"a":1.5})",
        R"({"a":1e5})", R"({"a":1E5})", R"({"a":-0})", R"({"a":-0.5})", R"({"a":0.0})", R"({"a":1234567890123456789})",
        R"({"a":-1234567890123456789})", R"({"a":9223372036854775807})", R"({"a":["x",{}]})", R"({"a":["x",1]})",
        R"({"a":[1234567890123456789]})", R"({"a":[-18446744073709551616]})", R"({"a":[0.1234567890123456789]})",
        R"({"a":[1e100]})", R"({"a":{"b":1e-400}})", R"({"a":[[[[[[[[[[[[[]]]]]]]]]]]]]})", "[]", "\"a\"", "1", "null"}) {
    CAPTURE(text);
    CHECK_FALSE(scans(text));
    CHECK_FALSE(ojson::parse(text, nullptr, false).is_discarded());  // it is JSON
  }
}

TEST_CASE("flat_json refuses every text that is not JSON", "[detail][flat_json]") {
  using namespace std::string_literals;
  for (const std::string& text :
       {""s, " "s, "{"s, "}"s, "{}}"s, "{}{}"s, "{} x"s, "{}\0"s, "\0{}"s, "{\"a\":1}\0"s, "{\"a\"\0:1}"s, R"({"a":1,})"s,
        R"({,"a":1})"s, R"({"a":1 "b":2})"s, R"({"a" 1})"s, R"({"a";1})"s, R"({"a":1;"b":2})"s, R"({"a":1]})"s, R"({"a":["x"})"s, R"({a:1})"s, R"({'a':1})"s, R"({"a":1)"s, R"({"a":"x})"s,
        R"({"a:1})"s, R"({"a":})"s, R"({"a":,"b":1})"s, R"({"a"::1})"s, R"({"a":01})"s, R"({"a":00})"s, R"({"a":-})"s,
        R"({"a":-a})"s, R"({"a":+1})"s, R"({"a":.5})"s, R"({"a":1.})"s, R"({"a":1e})"s, R"({"a":0x1})"s, R"({"a":1-})"s,
        R"({"a":tru})"s, R"({"a":truex})"s, R"({"a":True})"s, R"({"a":falsey})"s, R"({"a":nul})"s, R"({"a":nulll})"s,
        R"({"a":true false})"s, R"({"a":"x" "y"})"s, R"({"a":["x",]})"s, R"({"a":[,"x"]})"s, R"({"a":["x" "y"]})"s,
        R"({"a":["x",,"y"]})"s, R"({"a":["x")"s, R"({"a":["x"}})"s, R"({"a":[)"s, "{\"a\":\"x\x01y\"}"s,
        "{\"a\":\"x\ty\"}"s, "{\"a\x1f\":1}"s, "{\"a\":1\x0b}"s, "{\"a\":1}\x1a"s, "\xef\xbb\xbf{}"s, "{\"a\":\"\xc3\"}"s,
        // Ill-formed UTF-8 (Unicode §3.9 Table 3-7): a lone continuation byte, overlong forms, an
        // encoded surrogate, beyond U+10FFFF, a truncated sequence, bytes that never occur.
        "{\"a\":\"\x80\"}"s, "{\"a\":\"\xc0\x80\"}"s, "{\"a\":\"\xc1\xbf\"}"s, "{\"a\":\"\xe0\x9f\xbf\"}"s,
        "{\"a\":\"\xed\xa0\x80\"}"s, "{\"a\":\"\xf0\x8f\xbf\xbf\"}"s, "{\"a\":\"\xf4\x90\x80\x80\"}"s, "{\"a\":\"\xe2\x82\"}"s,
        "{\"a\":\"\xf0\x9f\x98\"}"s, "{\"a\":\"\xf5\x80\x80\x80\"}"s, "{\"a\":\"\xff\"}"s, "{\"\xc3\":1}"s, "{\"a\":[\"\xc3\"]}"s,
        "{\"a\":{\"b\":\"\xed\xbf\xbf\"}}"s, "{\"a\":{\"\xc0\xaf\":1}}"s,
        // Nested values that are not JSON.
        R"({"a":{"b"}})"s, R"({"a":{"b":}})"s, R"({"a":{"b" 1}})"s, R"({"a":{b:1}})"s, R"({"a":{,}})"s, R"({"a":{"b":1,}})"s,
        R"({"a":[1,]})"s, R"({"a":[,1]})"s, R"({"a":[1 2]})"s, R"({"a":{"b":1}}})"s, R"({"a":{"b":1})"s, R"({"a":[[]})"s,
        R"({"a":[]]})"s, R"({"a":{]})"s, R"({"a":[}})"s, R"({"a":[01]})"s, R"({"a":[1.]})"s, R"({"a":[.5]})"s, R"({"a":[1e]})"s,
        R"({"a":[1e+]})"s, R"({"a":[-]})"s, R"({"a":[+1]})"s, R"({"a":[0x1]})"s, R"({"a":[tru]})"s, R"({"a":[nul]})"s,
        R"({"a":[True]})"s, R"({"a":[NaN]})"s, R"({"a":[Infinity]})"s, R"({"a":['x']})"s, "{\"a\":[\"x\x01\"]}"s,
        "{\"a\":{\"b\":\"\t\"}}"s, "{\"a\":[1\x0b]}"s, "{\"a\":[1]\0}"s, "{\"a\":[\"x\0\"]}"s,
        // Bad escapes in nested strings: unknown, short, a surrogate not in a high-low pair.
        R"({"a":["\x"]})"s, R"({"a":["\a"]})"s, R"({"a":["\'"]})"s, R"({"a":["\u12"]})"s, R"({"a":["\u12g4"]})"s,
        R"({"a":["\U0041"]})"s, R"({"a":["\ud800"]})"s, R"({"a":["\udc00"]})"s, R"({"a":["\ud800\u0041"]})"s,
        R"({"a":["\ud800\ud800"]})"s, R"({"a":["\ude00\ud83d"]})"s, R"({"a":["\ud83d\n"]})"s, R"({"a":["\"]})"s,
        R"({"a":{"\q":1}})"s}) {
    CAPTURE(text);
    CHECK_FALSE(scans(text));
    // Not JSON, as the oracle reads it too; except where nlohmann stops reading at a NUL byte or
    // passes over a byte-order mark (RFC 8259 §8.1 lets a parser ignore one; the verifier does not).
    if (text.find('\0') == std::string::npos && !text.starts_with("\xef\xbb\xbf"))
      CHECK(ojson::parse(text, nullptr, false).is_discarded());
  }
}

TEST_CASE("flat_json stops when its visitor says so", "[detail][flat_json]") {
  struct refuse_after : recorder {
    std::size_t limit;
    explicit refuse_after(std::size_t l) : limit(l) {}
    bool member(std::string_view k, flat_json::scalar s, std::string_view t, std::int64_t x) {
      return members.size() < limit && recorder::member(k, s, t, x);
    }
  };
  const std::string text = R"({"a":1,"b":2,"c":3})";
  std::vector<char> buf(text.begin(), text.end());
  buf.resize(text.size() + flat_json::padding, '\0');
  refuse_after all(3), two(2);
  CHECK(flat_json::scan(buf.data(), text.size(), all));
  CHECK_FALSE(flat_json::scan(buf.data(), text.size(), two));
  CHECK(two.members.size() == 2);
}

TEST_CASE("flat_json accepts only JSON, over random mutations of claims", "[detail][flat_json]") {
  // Seeds in the scanner's subset, changed one to three bytes at a time, mostly with bytes that
  // matter to JSON, else with any byte. Whatever the scanner accepts, the oracle must read the same way.
  const std::vector<std::string> seeds = {
      R"({"iss":"https://auth.example.com","sub":"client-7fb118fb","aud":"orders-api","iat":1790000000,"exp":1790003600})",
      R"({"aud":["a","b"],"n":-12,"t":true,"f":false,"z":null,"e":[],"s":"x y"})", R"({ "a" : 0 , "b" : [ "c" ] })",
      "{\"realm\":{\"roles\":[\"r\",\"w\"]},\"n\":[1,2.5,-3e2,true,null,{\"k\":\"v\\u00e9\\n\\ud83d\\ude00\"}],\"name\":\"Jos\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80\"}"};
  const std::string alphabet = std::string("\"\\{}[]:,-0123456789.eE+ \t\r\n\x01\x7f\x80\xbf\xc3\xa9\xed\xf0\xf4tfnrulsabdu") + '\0';
  std::mt19937 rng(1124);
  std::size_t accepted = 0, refused = 0;
  for (int round = 0; round < 30000; ++round) {
    std::string text = seeds[rng() % seeds.size()];
    for (int m = 1 + static_cast<int>(rng() % 3); m > 0 && !text.empty(); --m) {
      const std::size_t at = rng() % text.size();
      const char c = rng() % 4 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: text[at] = c; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        default: text.erase(at, 1 + rng() % 3); break;
      }
    }
    recorder r;
    if (scan(text, r)) {
      ++accepted;
      check_against_oracle(text);
    } else {
      ++refused;
    }
  }
  // Both outcomes happen often, or the test proves little.
  CHECK(accepted > 1000);
  CHECK(refused > 1000);
}
