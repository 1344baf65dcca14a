// Tests for tessera/detail/json_text.hpp: the JSON string writer behind tessera's hand-written JSON.
#include "tessera/detail/json_text.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "support/catch.hpp"

using tessera::detail::append_json_string;
using tessera::detail::append_json_text;

namespace {
std::string quoted(std::string_view s) {
  std::string out = "prefix";
  REQUIRE(append_json_string(out, s));
  REQUIRE(out.starts_with("prefix"));
  return out.substr(6);
}
// The bytes as hex, for failure messages.
std::string hex(std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
    out += ' ';
  }
  return out;
}
std::string text(std::string_view s) {
  std::string out;
  append_json_text(out, s);
  return out;
}
}  // namespace

TEST_CASE("JSON strings: escapes, and UTF-8 kept as it is", "[detail][json_text]") {
  CHECK(quoted("") == R"("")");
  CHECK(quoted("plain text: 0-9 a-z ~!") == R"("plain text: 0-9 a-z ~!")");
  CHECK(quoted("a\"b\\c") == R"("a\"b\\c")");
  CHECK(quoted("\b\t\n\f\r") == R"("\b\t\n\f\r")");
  CHECK(quoted(std::string_view("\x00\x01\x1f", 3)) == R"("\u0000\u0001\u001f")");
  CHECK(quoted("\x7f") == "\"\x7f\"");  // DEL needs no escape in JSON
  // Two-, three- and four-byte sequences at the edges of their ranges.
  for (std::string_view ok : {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
                              "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91"}) {
    INFO(ok);
    CHECK(quoted(ok) == "\"" + std::string(ok) + "\"");
    CHECK(text(ok) == ok);
  }
}

TEST_CASE("JSON strings: text that is not UTF-8 is refused, the output unchanged", "[detail][json_text]") {
  for (std::string_view bad : {"\x80", "\xBF", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xE0\x9F\xBF", "\xED\xA0\x80",
                               "\xED\xBF\xBF", "\xF0\x80\x80\xAF", "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80",
                               "\xF5\x80\x80\x80", "\xFF", "\xE2\x82", "\xF0\x9F\x94", "ok\xC3", "\xC3(",
                               "a\xE2\x28\xA1"}) {
    INFO(hex(bad));
    std::string out = "kept";
    CHECK_FALSE(append_json_string(out, bad));
    CHECK(out == "kept");
  }
}

TEST_CASE("JSON text: each maximal ill-formed subpart becomes one U+FFFD", "[detail][json_text]") {
  // The Unicode Standard, version 15.0, §3.9, Table 3-8 ("Use of U+FFFD in UTF-8 Conversion"):
  // 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 converts to a, FFFD, FFFD, FFFD, b, FFFD, c, FFFD, FFFD, d.
  const std::string r = "\xEF\xBF\xBD";
  CHECK(text("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64") == "a" + r + r + r + "b" + r + "c" + r + r + "d");
  CHECK(text("\xC0\xAF") == r + r);          // C0 never starts a sequence
  CHECK(text("\xED\xA0\x80") == r + r + r);  // a surrogate: ED A0 is already ill-formed
  CHECK(text("\xE2\x82") == r);              // truncated at the end
  CHECK(text("a\"\n\x01") == R"(a\"\n\u0001)");
}

TEST_CASE("JSON strings agree with nlohmann_json on random bytes", "[detail][json_text]") {
  // Short strings over bytes that matter: ASCII specials, continuation bytes, every kind of lead
  // byte. nlohmann_json's dump() throws on ill-formed UTF-8 and otherwise escapes as tessera does.
  const unsigned char alphabet[] = {'a', '"', '\\', '\n', 0x01, 0x1f, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
                                    0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff};
  std::uint64_t state = 0x2545f4914f6cdd1du;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int valid = 0;
  for (int n = 0; n < 100000; ++n) {
    std::string s;
    const std::size_t len = next() % 7;
    for (std::size_t i = 0; i < len; ++i) s.push_back(static_cast<char>(alphabet[next() % sizeof alphabet]));
    std::string theirs;
    bool theirs_ok = true;
    try {
      theirs = nlohmann::json(s).dump();
    } catch (const nlohmann::json::type_error&) {
      theirs_ok = false;
    }
    std::string ours;
    const bool ours_ok = append_json_string(ours, s);
    INFO(hex(s));
    REQUIRE(ours_ok == theirs_ok);
    if (ours_ok) {
      REQUIRE(ours == theirs);
      REQUIRE(text(s) == theirs.substr(1, theirs.size() - 2));
      ++valid;
    }
  }
  CHECK(valid > 5000);  // both outcomes were exercised
}
