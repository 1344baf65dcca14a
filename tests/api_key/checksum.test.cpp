// Tests for tessera/api_key/checksum.hpp: CRC-32 from its polynomial and the base62 checksum text.
#include "tessera/api_key/checksum.hpp"

#include <cstdint>
#include <string>
#include <string_view>

#include "support/catch.hpp"

using namespace tessera;

namespace {
std::string text(const api_key::checksum_text& c) { return std::string(c.data(), c.size()); }
}  // namespace

// The CRC-32 "check" value of the catalogue of parametrised CRCs (CRC-32/ISO-HDLC, as in zlib):
// crc("123456789") = 0xCBF43926; computed at compile time.
static_assert(api_key::crc32("123456789") == 0xCBF43926u);
static_assert(api_key::crc32("") == 0u);

TEST_CASE("CRC-32 matches the published check values", "[api_key][checksum]") {
  CHECK(api_key::crc32("123456789") == 0xCBF43926u);
  CHECK(api_key::crc32("The quick brown fox jumps over the lazy dog") == 0x414FA339u);  // zlib.crc32
  CHECK(api_key::crc32("a") == 0xE8B7BE43u);
  CHECK(api_key::crc32(std::string_view("\0", 1)) == 0xD202EF8Du);
  // The table is the one derived from the reflected polynomial.
  CHECK(api_key::detail::crc32_table[1] == 0x77073096u);
  CHECK(api_key::detail::crc32_table[255] == 0x2D02EF8Du);
}

TEST_CASE("checksums are six zero-padded base62 digits", "[api_key][checksum]") {
  CHECK(text(api_key::encode_checksum(0)) == "000000");
  CHECK(text(api_key::encode_checksum(61)) == "00000z");
  CHECK(text(api_key::encode_checksum(62)) == "000010");
  CHECK(text(api_key::encode_checksum(0xFFFFFFFFu)) == "4gfFC3");  // 62^6 > 2^32: six digits always suffice
  CHECK(text(api_key::checksum_of("123456789")) == "3jZRME");
  CHECK(text(api_key::checksum_of("ak_live_0123456789ABCDEFGHIJabcdefghij")) == "2rc0BP");  // python zlib
}

TEST_CASE("checksum_matches decodes the six digits and compares them with the CRC", "[api_key][checksum]") {
  const std::string_view body = "ak_live_0123456789ABCDEFGHIJabcdefghij";
  CHECK(api_key::checksum_matches(body, "2rc0BP"));
  CHECK_FALSE(api_key::checksum_matches(body, "2rc0BQ"));
  CHECK_FALSE(api_key::checksum_matches(body, "2rc0B"));
  CHECK_FALSE(api_key::checksum_matches(body, "2rc0BP0"));
  CHECK_FALSE(api_key::checksum_matches(body, "2rc0B_"));
  CHECK_FALSE(api_key::checksum_matches(body, "zzzzzz"));  // 62^6 - 1: above any CRC
  CHECK(api_key::checksum_matches("", "000000"));
  // Every CRC of the first few thousand values of a counter agrees with its encoding.
  for (int i = 0; i < 5000; ++i) {
    const std::string b = "body-" + std::to_string(i);
    const auto enc = api_key::checksum_of(b);
    CHECK(api_key::checksum_matches(b, std::string_view(enc.data(), enc.size())));
  }
}

TEST_CASE("the sliced CRC equals the bytewise definition at every length", "[api_key][checksum]") {
  std::string data;
  for (int i = 0; i < 100; ++i) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (char ch : data) c = api_key::detail::crc32_table[(c ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (c >> 8);
    CAPTURE(data.size());
    CHECK(api_key::crc32(data) == (c ^ 0xFFFFFFFFu));
    data.push_back(static_cast<char>(i * 37 + 11));
  }
}

TEST_CASE("every single-bit error in a key body changes the CRC", "[api_key][checksum]") {
  std::string body = "ak_live_0123456789ABCDEFGHIJabcdefghij";
  const auto original = api_key::crc32(body);
  for (std::size_t i = 0; i < body.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string m = body;
      m[i] = static_cast<char>(m[i] ^ (1 << bit));
      CAPTURE(i, bit);
      CHECK(api_key::crc32(m) != original);
    }
  }
}

TEST_CASE("base62 classification is exactly the 62 alphanumerics", "[api_key][checksum]") {
  int count = 0;
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    CHECK(api_key::is_base62(ch) == alnum);
    count += api_key::is_base62(ch) ? 1 : 0;
  }
  CHECK(count == 62);
  CHECK(api_key::is_base62(std::string_view("abcXYZ019")));
  CHECK(api_key::is_base62(std::string_view("")));
  CHECK_FALSE(api_key::is_base62(std::string_view("abc_def")));
  CHECK_FALSE(api_key::is_base62(std::string_view("abc\0", 4)));

  // The eight-at-a-time path agrees with the table for every byte at every position.
  const std::string base = "0123456789ABCDEFGHIJabcdefghijXYZ";  // 33: four blocks of 8 and a tail
  REQUIRE(api_key::is_base62(std::string_view(base)));
  for (std::size_t i = 0; i < base.size(); ++i) {
    for (int c = 0; c < 256; ++c) {
      std::string m = base;
      m[i] = static_cast<char>(c);
      INFO("position " << i << " byte " << c);
      REQUIRE(api_key::is_base62(std::string_view(m)) == api_key::is_base62(static_cast<char>(c)));
    }
  }
  // Boundaries of each range, and bytes that would carry if the high bit were not checked.
  for (const char* s : {"////////", "::::::::", "@@@@@@@@", "[[[[[[[[", "````````", "{{{{{{{{", "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f",
                        "\xb0\xb0\xb0\xb0\xb0\xb0\xb0\xb0", "\xff\xff\xff\xff\xff\xff\xff\xff"})
    CHECK_FALSE(api_key::is_base62(std::string_view(s)));
  CHECK(api_key::is_base62(std::string_view("09AZaz09")));
}
