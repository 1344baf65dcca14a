// Tests for tessera/jwt/detail/strict_json.hpp: read_strict_json reads what nlohmann_json reads,
// except what the JOSE readers refuse (a byte-order mark, a NUL byte, integers beyond 64 bits,
// numbers out of a double's range, nesting beyond its depth, a repeated name where names must
// be unique).
#include "tessera/jwt/detail/strict_json.hpp"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "support/catch.hpp"

namespace {
using tessera::jwt::detail::read_strict_json;
constexpr std::size_t deep = 64;  // a depth no text below reaches
}  // namespace

TEST_CASE("read_strict_json reads JSON as nlohmann does", "[detail][strict_json]") {
  for (const char* text :
       {"{}", "[]", "1", "-0", "\"x\"", "null", " { \"a\" : [ 1 , -2.5e3 , true , false , null , \"\\u00e9\\ud83d\\ude00\" ] } ",
        R"({"a":{"b":{"c":[{}]}},"d":"e"})", R"({"big":18446744073709551615,"neg":-9223372036854775808,"tiny":1e-400})",
        "{\"name\":\"Jos\xc3\xa9\"}"}) {
    CAPTURE(text);
    const auto v = read_strict_json(text, deep, deep);
    REQUIRE(v);
    CHECK(*v == nlohmann::json::parse(text));
  }
}

TEST_CASE("read_strict_json refuses what JSON does not allow", "[detail][strict_json]") {
  using namespace std::string_literals;
  for (const std::string& text :
       {""s, "{"s, "{}}"s, "{} x"s, R"({"a":1,})"s, R"({'a':1})"s, R"({"a":01})"s, R"([1.])"s, R"(["\x"])"s, R"(["\ud800"])"s,
        "[\"\x80\"]"s, "[\"\t\"]"s, "/* c */ {}"s, "{} // c"s, "[NaN]"s, "[Infinity]"s}) {
    CAPTURE(text);
    CHECK_FALSE(read_strict_json(text, deep, deep));
  }
}

TEST_CASE("read_strict_json refuses JSON that JOSE readers must not take", "[detail][strict_json]") {
  using namespace std::string_literals;
  // nlohmann reads each of these; the readers refuse them.
  for (const std::string& text :
       {"\xEF\xBB\xBF{}"s,                 // a byte-order mark
        "{}\0"s, "{\"a\":1}\0 "s,           // a NUL byte, where nlohmann stops reading
        R"({"a":18446744073709551616})"s,   // 2^64: nlohmann reads it as a double
        R"({"a":-9223372036854775809})"s,   // -2^63 - 1
        R"({"a":[123456789012345678901234]})"s}) {
    CAPTURE(text);
    CHECK_FALSE(nlohmann::json::parse(text, nullptr, false).is_discarded());
    CHECK_FALSE(read_strict_json(text, deep, deep));
  }
  // Out of a double's range (nlohmann refuses these too).
  CHECK_FALSE(read_strict_json(R"({"a":1e400})", deep, deep));
  CHECK_FALSE(read_strict_json(R"({"a":-1e400})", deep, deep));
}

TEST_CASE("read_strict_json counts depth as the root, each container and a scalar in the deepest", "[detail][strict_json]") {
  for (const char* text : {"1", "[]", "{}"}) CHECK(read_strict_json(text, 1, 1));
  for (const char* text : {"[1]", "[[]]", R"({"a":1})", R"({"a":{}})", R"({"a":[]})"}) {
    CAPTURE(text);
    CHECK_FALSE(read_strict_json(text, 1, 1));
    CHECK(read_strict_json(text, 2, 1));
  }
  for (const char* text : {"[[1]]", "[[[]]]", R"({"a":{"b":1}})", R"({"a":[[]]})", R"([{"a":1}])"}) {
    CAPTURE(text);
    CHECK_FALSE(read_strict_json(text, 2, 1));
    CHECK(read_strict_json(text, 3, 1));
  }
  // Far deeper than the limit: refused without recursion.
  CHECK_FALSE(read_strict_json(std::string(100000, '[') + std::string(100000, ']'), 16, 1));
}

TEST_CASE("read_strict_json refuses a repeated name down to unique_depth", "[detail][strict_json]") {
  CHECK_FALSE(read_strict_json(R"({"a":1,"a":1})", deep, 1));
  CHECK_FALSE(read_strict_json(R"({"a":1,"b":{},"a":[]})", deep, 1));
  // Deeper objects keep the last value, as nlohmann does...
  const auto v = read_strict_json(R"({"x":{"a":1,"a":{"b":2}},"y":[{"c":1,"c":2}]})", deep, 1);
  REQUIRE(v);
  CHECK((*v)["x"]["a"] == nlohmann::json{{"b", 2}});
  CHECK((*v)["y"][0]["c"] == 2);
  // ...unless they must be unique too.
  CHECK_FALSE(read_strict_json(R"({"x":{"a":1,"a":2}})", 2, 2));
  CHECK_FALSE(read_strict_json(R"({"y":[{"c":1,"c":2}]})", deep, 3));
  CHECK(read_strict_json(R"({"y":[{"c":1,"c":2}]})", deep, 2));
}

TEST_CASE("read_strict_json agrees with nlohmann over random mutations", "[detail][strict_json]") {
  // Whatever it reads, nlohmann reads the same; whatever nlohmann reads it reads too, unless the
  // text repeats a name at its root or holds an integer beyond 64 bits (the mutations make no
  // NUL byte or byte-order mark).
  const std::vector<std::string> seeds = {
      R"({"iss":"https://auth.example.com","aud":["a","b"],"exp":1790003600,"x":{"k":[1,2.5,-3e2,true,null]}})",
      R"([{"a":"\u00e9\n"},[],{},"s",0,-1])"};
  const std::string alphabet = "\"\\{}[]:,-0123456789.eE+ \t\r\nabtfnrulsu";
  std::mt19937 rng(508);
  std::size_t read = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[rng() % seeds.size()];
    for (int m = 1 + static_cast<int>(rng() % 3); m > 0 && !text.empty(); --m) {
      const std::size_t at = rng() % text.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: text[at] = c; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        default: text.erase(at, 1 + rng() % 3); break;
      }
    }
    CAPTURE(text);
    const auto mine = read_strict_json(text, deep, 1);
    const auto oracle = nlohmann::json::parse(text, nullptr, false);
    if (mine) {
      ++read;
      REQUIRE_FALSE(oracle.is_discarded());
      CHECK(*mine == oracle);
    } else if (!oracle.is_discarded()) {
      // Refused JSON: only for a repeated name at the root or an integer beyond 64 bits.
      const bool repeated = read_strict_json(text, deep, 0).has_value();  // read once repeats are allowed
      bool long_number = false;
      for (std::size_t i = 0, run = 0; i < text.size(); ++i) {
        run = (text[i] >= '0' && text[i] <= '9') ? run + 1 : 0;
        long_number = long_number || run > 18;
      }
      CHECK((repeated || long_number));
    }
  }
  CHECK(read > 1000);
}
