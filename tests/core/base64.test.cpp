// Tests for tessera/core/base64.hpp. Known answers: RFC 4648 §10 test vectors.
#include "tessera/core/base64.hpp"

#include <string>
#include <string_view>

#include "support/catch.hpp"

using namespace tessera;

namespace {
std::string text(const core::bytes& b) { return {b.begin(), b.end()}; }
}  // namespace

TEST_CASE("base64 encodes the RFC 4648 section 10 vectors", "[core][base64]") {
  // RFC 4648 §10: BASE64("") = "", ("f") = "Zg==", ... ("foobar") = "Zm9vYmFy".
  const char* in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* padded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  const char* unpadded[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    CHECK(core::base64_encode(in[i]) == padded[i]);
    CHECK(core::base64url_encode(in[i]) == unpadded[i]);
    auto d = core::base64_decode(padded[i]);
    REQUIRE(d);
    CHECK(text(*d) == in[i]);
    auto u = core::base64url_decode(unpadded[i]);
    REQUIRE(u);
    CHECK(text(*u) == in[i]);
  }
}

TEST_CASE("base64url uses the URL alphabet", "[core][base64]") {
  const std::uint8_t b[] = {0xfb, 0xff, 0xbf};
  CHECK(core::base64url_encode(core::bytes_view(b, 3)) == "-_-_");
  CHECK(core::base64_encode(core::bytes_view(b, 3)) == "+/+/");
}

TEST_CASE("base64url decoding is strict", "[core][base64]") {
  using namespace std::string_view_literals;
  for (std::string_view bad : {"Zg=="sv, "Zg="sv, "Z"sv, "Zm9vY"sv, "Zm 9v"sv, "Zm9v\n"sv, "Zh"sv, "Zm9"sv, "Zm+v"sv,
                               "Zm/v"sv, "Zm9v\0AAA"sv, "\xffZm9"sv}) {
    auto r = core::base64url_decode(bad);
    CHECK_FALSE(r);
  }
  CHECK(core::base64url_decode("Zh").error() == errc::invalid_base64);   // non-zero trailing bits
  CHECK(core::base64url_decode("Zm9=").error() == errc::invalid_base64);  // padding
}

TEST_CASE("standard base64 requires exact padding", "[core][base64]") {
  for (const char* bad : {"Zg", "Zg=", "Zg===", "Z===", "====", "Zm9-", "Zm9_", "Zh==", "Zm9=Zm9v", " Zg="}) {
    CHECK_FALSE(core::base64_decode(bad));
  }
}

TEST_CASE("decoding into a caller's buffer", "[core][base64]") {
  std::uint8_t out[6];
  auto n = core::base64url_decode_into("Zm9vYmFy", out);
  REQUIRE(n);
  CHECK(*n == 6);
  std::uint8_t small[2];
  CHECK(core::base64url_decode_into("Zm9vYmFy", small).error() == errc::buffer_too_small);
}
