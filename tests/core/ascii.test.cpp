// Tests for tessera/core/ascii.hpp: case-insensitive names and the word-at-a-time visible-ASCII check.
#include "tessera/core/ascii.hpp"

#include <string>

#include "support/catch.hpp"

using namespace tessera;

namespace {
// The byte-by-byte definition that visible_ascii must agree with.
bool reference(std::string_view s, char banned) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e || (banned != 0 && c == banned)) return false;
  }
  return true;
}
}  // namespace

TEST_CASE("iequals folds ASCII case only", "[core][ascii]") {
  CHECK(core::iequals("Webhook-ID", "webhook-id"));
  CHECK(core::iequals("", ""));
  CHECK_FALSE(core::iequals("webhook-id", "webhook-i"));
  CHECK_FALSE(core::iequals("X-CLIENT_ID", "X-CLIENT-ID"));
  CHECK_FALSE(core::iequals("\xc3\x89", "\xc3\xa9"));  // no folding beyond ASCII
  static_assert(core::iequals("ApiKey", "APIKEY"));
}

TEST_CASE("iequals agrees with the byte definition for every pair of bytes", "[core][ascii]") {
  // Lengths around the 8-byte word boundary, bytes placed first, last and in the middle.
  auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c; };
  for (std::size_t len : {1u, 7u, 8u, 9u, 15u, 16u, 17u, 23u}) {
    for (std::size_t pos : {std::size_t{0}, len / 2, len - 1}) {
      for (int x = 0; x < 256; ++x) {
        for (int y = 0; y < 256; ++y) {
          std::string a(len, 'k'), b(len, 'K');
          a[pos] = static_cast<char>(x);
          b[pos] = static_cast<char>(y);
          const bool expected = lower(static_cast<unsigned char>(x)) == lower(static_cast<unsigned char>(y));
          if (core::iequals(a, b) != expected) {
            INFO("len " << len << " pos " << pos << " bytes " << x << ", " << y);
            FAIL("iequals disagrees with the byte definition");
          }
        }
      }
    }
  }
}

TEST_CASE("visible_ascii accepts 0x21..0x7e and refuses everything else", "[core][ascii]") {
  CHECK(core::visible_ascii(""));
  CHECK(core::visible_ascii("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
  CHECK_FALSE(core::visible_ascii("msg 1"));
  CHECK_FALSE(core::visible_ascii("msg\x01"));
  CHECK_FALSE(core::visible_ascii("caf\xc3\xa9"));
  CHECK_FALSE(core::visible_ascii("msg_2KWPBgLlAfxd.px2AI54pPJ85f4W", '.'));
  CHECK(core::visible_ascii("msg_2KWPBgLlAfxd.px2AI54pPJ85f4W"));
  static_assert(core::visible_ascii("abc~!"));
  static_assert(!core::visible_ascii("a.c", '.'));
}

TEST_CASE("visible_ascii agrees with the byte definition for every byte in every position", "[core][ascii]") {
  // Lengths 1..24 cover the short path, whole words, and the overlapping last word; every one of
  // the 256 byte values is placed at every position of a valid string, with and without a ban.
  for (std::size_t len = 1; len <= 24; ++len) {
    for (std::size_t pos = 0; pos < len; ++pos) {
      for (int b = 0; b < 256; ++b) {
        std::string s(len, 'A');
        s[pos] = static_cast<char>(b);
        for (char banned : {'\0', '.', 'B'}) {
          if (core::visible_ascii(s, banned) != reference(s, banned)) {
            INFO("len " << len << " pos " << pos << " byte " << b << " banned " << int(banned));
            FAIL("visible_ascii disagrees with the byte definition");
          }
        }
      }
    }
  }
  // Two bad bytes, where a borrow or carry from one could mask the other.
  for (int a : {0x00, 0x20, 0x7f, 0x80, 0xff}) {
    for (int b : {0x00, 0x20, 0x7f, 0x80, 0xff}) {
      std::string s(16, 'z');
      s[3] = static_cast<char>(a);
      s[4] = static_cast<char>(b);
      CHECK_FALSE(core::visible_ascii(s));
    }
  }
}
