// Tests for tessera/core/hex.hpp. Known answers: RFC 4648 §10 base16 test vectors.
#include "tessera/core/hex.hpp"

#include <array>
#include <string>
#include <string_view>

#include "support/catch.hpp"

using namespace tessera;

namespace {
std::string text(const core::bytes& b) { return {b.begin(), b.end()}; }
}  // namespace

TEST_CASE("hex encodes and decodes the RFC 4648 section 10 base16 vectors", "[core][hex]") {
  // RFC 4648 §10: BASE16("") = "", ("f") = "66", ("fo") = "666F", ... ("foobar") = "666F6F626172".
  const char* in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* upper[] = {"", "66", "666F", "666F6F", "666F6F62", "666F6F6261", "666F6F626172"};
  const char* lower[] = {"", "66", "666f", "666f6f", "666f6f62", "666f6f6261", "666f6f626172"};
  for (int i = 0; i < 7; ++i) {
    CAPTURE(in[i]);
    CHECK(core::hex_encode(in[i]) == lower[i]);  // tessera writes lowercase
    auto u = core::hex_decode(upper[i]);        // and reads either case
    REQUIRE(u);
    CHECK(text(*u) == in[i]);
    auto l = core::hex_decode(lower[i]);
    REQUIRE(l);
    CHECK(text(*l) == in[i]);
  }
}

TEST_CASE("hex round-trips every byte value", "[core][hex]") {
  core::bytes all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  auto h = core::hex_encode(all);
  CHECK(h.size() == 512);
  CHECK(h.substr(0, 8) == "00010203");
  CHECK(h.substr(504) == "fcfdfeff");
  auto d = core::hex_decode(h);
  REQUIRE(d);
  CHECK(*d == all);
  CHECK(core::hex_decode("aBcD").value() == core::bytes{0xab, 0xcd});
}

TEST_CASE("hex decoding is strict", "[core][hex]") {
  using namespace std::string_view_literals;
  SECTION("odd length") {
    for (auto bad : {"6"sv, "666"sv, "666F6"sv}) {
      CAPTURE(bad);
      CHECK(core::hex_decode(bad).error() == errc::invalid_hex);
    }
  }
  SECTION("characters outside the hex digits") {
    for (auto bad : {"6g"sv, "g6"sv, "0x66"sv, "66 6f"sv, " 666f"sv, "666f "sv, "66\n6f"sv, "66\t6"sv, "6-"sv,
                     "+6"sv, "6\0"sv, "\xff\xff"sv, "zz"sv, "GG"sv}) {
      CAPTURE(bad);
      CHECK(core::hex_decode(bad).error() == errc::invalid_hex);
    }
  }
  SECTION("every non-hex byte value is refused in either position") {
    for (int c = 0; c < 256; ++c) {
      const char ch = static_cast<char>(c);
      const bool is_hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
      const std::string first{ch, '0'}, second{'0', ch};
      CAPTURE(c);
      CHECK(static_cast<bool>(core::hex_decode(first)) == is_hex);
      CHECK(static_cast<bool>(core::hex_decode(second)) == is_hex);
    }
  }
  SECTION("empty input is the empty byte string") {
    auto e = core::hex_decode("");
    REQUIRE(e);
    CHECK(e->empty());
  }
}

TEST_CASE("hex into a caller's buffer", "[core][hex]") {
  std::array<std::uint8_t, 3> out{};
  auto n = core::hex_decode_into("666f6f", out);
  REQUIRE(n);
  CHECK(*n == 3);
  CHECK(out == std::array<std::uint8_t, 3>{'f', 'o', 'o'});

  std::array<std::uint8_t, 2> small{};
  CHECK(core::hex_decode_into("666f6f", small).error() == errc::buffer_too_small);
  CHECK(core::hex_decode_into("666", small).error() == errc::invalid_hex);
  CHECK(core::hex_decode_into("6x", small).error() == errc::invalid_hex);
  auto empty = core::hex_decode_into("", std::span<std::uint8_t>{});
  REQUIRE(empty);
  CHECK(*empty == 0);

  std::array<char, 6> text_out{};
  CHECK(core::hex_encode_into("foo", text_out) == 6);
  CHECK(std::string_view(text_out.data(), 6) == "666f6f");
  std::array<char, 5> too_small{};
  CHECK(core::hex_encode_into("foo", too_small) == 0);  // refuses rather than truncating
  CHECK(core::hex_encode("") == "");
}
