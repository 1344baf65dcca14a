// Tests for tessera/core/base64.hpp. Known answers: RFC 4648 §10 test vectors.
#include "tessera/core/base64.hpp"

#include <array>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "support/catch.hpp"

using namespace tessera;

namespace {
std::string text(const core::bytes& b) { return {b.begin(), b.end()}; }

// RFC 4648 §4 read literally: the bits in order, six at a time, the last group zero-filled, then
// '=' to a multiple of four symbols when padded. The reference the encoders are held to.
std::string reference_encode(core::bytes_view in, std::string_view alphabet, bool pad) {
  std::string out;
  std::size_t bits = 0;
  unsigned acc = 0;
  for (std::uint8_t b : in) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63];
  while (pad && out.size() % 4 != 0) out += '=';
  return out;
}
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

TEST_CASE("every byte value outside the alphabet is refused in every position", "[core][base64]") {
  const std::string_view std_alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string_view url_alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  int refused_std = 0, refused_url = 0;
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool in_std = std_alpha.find(ch) != std::string_view::npos;
    const bool in_url = url_alpha.find(ch) != std::string_view::npos;
    for (std::size_t pos = 0; pos < 4; ++pos) {
      std::string s = "Zm9vYmFy";  // "foobar"; every symbol carries 6 data bits, so any in-alphabet swap decodes
      s[pos + 4] = ch;
      CAPTURE(c, pos);
      CHECK(static_cast<bool>(core::base64url_decode(s)) == in_url);
      CHECK(static_cast<bool>(core::base64_decode(s)) == in_std);
      refused_url += in_url ? 0 : 1;
      refused_std += in_std ? 0 : 1;
      if (!in_url) CHECK(core::base64url_decode(s).error() == errc::invalid_base64);
      if (!in_std) CHECK(core::base64_decode(s).error() == errc::invalid_base64);
    }
  }
  CHECK(refused_url == (256 - 64) * 4);
  CHECK(refused_std == (256 - 64) * 4);
}

TEST_CASE("long inputs (the vector decoder's blocks) refuse a bad byte in any position", "[core][base64]") {
  // 32-symbol blocks are decoded with AVX2 where the CPU has it; this checks that path, the scalar
  // tail after it, and the boundary between them, against the alphabet tables.
  const std::string_view std_alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string_view url_alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string base;
  for (std::size_t i = 0; i < 104; ++i) base += url_alpha[(i * 7) % 62];  // letters and digits only: in both alphabets
  REQUIRE(core::base64url_decode(base));
  REQUIRE(core::base64_decode(base));
  std::size_t wrong = 0, cases = 0;
  for (std::size_t pos = 0; pos < base.size(); ++pos) {
    for (int c = 0; c < 256; ++c) {
      std::string s = base;
      s[pos] = static_cast<char>(c);
      const bool in_url = url_alpha.find(static_cast<char>(c)) != std::string_view::npos;
      const bool in_std = std_alpha.find(static_cast<char>(c)) != std::string_view::npos;
      ++cases;
      auto u = core::base64url_decode(s);
      auto p = core::base64_decode(s);
      // '=' in the last place of padded base64 is padding, which the zero bits before it allow.
      const bool std_padding = c == '=' && pos == base.size() - 1;
      if (static_cast<bool>(u) != in_url || (!u && u.error() != errc::invalid_base64)) {
        ++wrong;
        UNSCOPED_INFO("base64url, position " << pos << ", byte " << c);
      }
      if (!std_padding && (static_cast<bool>(p) != in_std || (!p && p.error() != errc::invalid_base64))) {
        ++wrong;
        UNSCOPED_INFO("base64, position " << pos << ", byte " << c);
      }
      if (u && in_url) {  // the decoded value of the replaced symbol must be its alphabet index
        const auto idx = url_alpha.find(static_cast<char>(c));
        const auto& out = *u;
        const std::size_t bit = pos * 6;
        unsigned v = 0;
        for (std::size_t b = 0; b < 6; ++b) {
          const std::size_t at = bit + b;
          v = (v << 1) | ((out[at / 8] >> (7 - at % 8)) & 1u);
        }
        if (v != idx) {
          ++wrong;
          UNSCOPED_INFO("wrong bits at position " << pos << " for byte " << c);
        }
      }
    }
  }
  CAPTURE(cases);
  CHECK(wrong == 0);
}

TEST_CASE("base64 round-trips every length and large inputs", "[core][base64]") {
  core::bytes data(70000);
  std::uint32_t x = 2463534242u;  // xorshift32: deterministic bytes of every value
  for (auto& b : data) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::uint8_t>(x);
  }
  for (std::size_t n = 0; n <= 200; ++n) {
    core::bytes_view part(data.data(), n);
    const auto u = core::base64url_encode(part);
    const auto p = core::base64_encode(part);
    CAPTURE(n);
    CHECK(u.size() == core::base64url_encoded_size(n));
    CHECK(p.size() == core::base64_encoded_size(n));
    CHECK(core::base64url_decode(u).value() == core::bytes(part.begin(), part.end()));
    CHECK(core::base64_decode(p).value() == core::bytes(part.begin(), part.end()));
    CHECK(core::base64url_decoded_size(u.size()).value() == n);
    CHECK(core::base64_decoded_size(p).value() == n);
  }
  const auto big_u = core::base64url_encode(data);
  const auto big_p = core::base64_encode(data);
  // The encoder (AVX2 blocks where the CPU has them) against OpenSSL's EVP_EncodeBlock.
  for (std::size_t n : {std::size_t{0}, std::size_t{27}, std::size_t{28}, std::size_t{51}, std::size_t{52},
                        std::size_t{200}, data.size()}) {
    std::string expected(4 * ((n + 2) / 3) + 1, '\0');
    expected.resize(static_cast<std::size_t>(
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(expected.data()), data.data(), static_cast<int>(n))));
    CAPTURE(n);
    CHECK(core::base64_encode(core::bytes_view(data.data(), n)) == expected);
  }
  CHECK(core::base64url_decode(big_u).value() == data);
  CHECK(core::base64_decode(big_p).value() == data);
  core::bytes out(data.size());
  CHECK(core::base64url_decode_into(big_u, out).value() == data.size());
  CHECK(out == data);
}

TEST_CASE("base64 encoding into a caller's buffer and appending", "[core][base64]") {
  std::array<char, 8> buf{};
  CHECK(core::base64url_encode_into("foobar", buf) == 8);
  CHECK(std::string_view(buf.data(), 8) == "Zm9vYmFy");
  std::array<char, 7> small{};
  CHECK(core::base64url_encode_into("foobar", small) == 0);  // refuses rather than truncating
  std::string s = "prefix.";
  core::base64url_append(s, "fo");
  CHECK(s == "prefix.Zm8");
  core::base64url_append(s, "");
  CHECK(s == "prefix.Zm8");
}

TEST_CASE("base64 decoders refuse impossible lengths and small buffers", "[core][base64]") {
  for (std::size_t len : {1u, 5u, 9u, 4097u}) CHECK(core::base64url_decoded_size(len).error() == errc::invalid_base64);
  std::array<std::uint8_t, 5> out{};
  CHECK(core::base64_decode_into("Zm9vYmFy", out).error() == errc::buffer_too_small);
  CHECK(core::base64_decode_into("Zm9vYmE=", out).value() == 5);
  std::array<std::uint8_t, 6> six{};
  CHECK(core::base64_decode_into("Zm9vYm=y", six).error() == errc::invalid_base64);  // '=' inside
  CHECK(core::base64_decode_into("Zm9", out).error() == errc::invalid_base64);
  CHECK(core::base64url_decode_into("Z", out).error() == errc::invalid_base64);
  CHECK(core::base64url_decode_into("", std::span<std::uint8_t>{}).value() == 0);
  CHECK(core::base64_decode_into("", std::span<std::uint8_t>{}).value() == 0);
  CHECK(core::base64_decode("").value().empty());
  CHECK(core::base64url_decode("").value().empty());
}

TEST_CASE("encoders match RFC 4648 read literally at every length, offset and byte value", "[core][base64]") {
  // Long inputs take the vector encoder's 24-byte blocks (where the CPU has AVX2) and finish with
  // the scalar loop; the offsets move the blocks across every alignment.
  constexpr std::string_view url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  constexpr std::string_view std64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  core::bytes data(4096);
  std::uint32_t x = 88172645u;  // xorshift32
  for (std::size_t i = 0; i < data.size(); ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    data[i] = i < 512 ? static_cast<std::uint8_t>(i) : static_cast<std::uint8_t>(x);  // every value, then noise
  }
  for (std::size_t offset = 0; offset < 32; ++offset) {
    for (std::size_t n = 0; n <= 300; ++n) {
      const core::bytes_view part(data.data() + offset * 17, n);
      CAPTURE(offset, n);
      REQUIRE(core::base64url_encode(part) == reference_encode(part, url, false));
      REQUIRE(core::base64_encode(part) == reference_encode(part, std64, true));
    }
  }
  const core::bytes_view all(data.data(), data.size());
  CHECK(core::base64url_encode(all) == reference_encode(all, url, false));
  CHECK(core::base64_encode(all) == reference_encode(all, std64, true));
  // The symbols 63 and 62 of each alphabet, from 48 bytes of 0xff (all ones) and of 0xfb 0xef 0xbe
  // (111110 repeated): two whole blocks each.
  const core::bytes ones(48, 0xff);
  CHECK(core::base64url_encode(ones) == std::string(64, '_'));
  CHECK(core::base64_encode(ones) == std::string(64, '/'));
  core::bytes sixty_twos;
  for (int i = 0; i < 16; ++i) sixty_twos.insert(sixty_twos.end(), {0xfb, 0xef, 0xbe});
  CHECK(core::base64url_encode(sixty_twos) == std::string(64, '-'));
  CHECK(core::base64_encode(sixty_twos) == std::string(64, '+'));
}
