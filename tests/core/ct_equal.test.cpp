// Tests for tessera/core/ct_equal.hpp: constant-time comparison, eight bytes per step.
#include "tessera/core/ct_equal.hpp"

#include <string>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;

TEST_CASE("ct_equal compares contents", "[core][ct_equal]") {
  CHECK(core::ct_equal("abc", "abc"));
  CHECK_FALSE(core::ct_equal("abc", "abd"));
  CHECK_FALSE(core::ct_equal("abc", "ab"));   // different lengths
  CHECK_FALSE(core::ct_equal("ab", "abc"));
  CHECK_FALSE(core::ct_equal("", "a"));
  CHECK(core::ct_equal("", ""));
  CHECK(core::ct_equal(core::bytes_view{}, core::bytes_view{}));  // null data, zero size
  CHECK(core::ct_equal(core::bytes_view{}, ""));
  const std::string with_nul("a\0b", 3), other_nul("a\0c", 3);
  CHECK(core::ct_equal(with_nul, std::string("a\0b", 3)));
  CHECK_FALSE(core::ct_equal(with_nul, other_nul));  // bytes after a NUL still count
}

TEST_CASE("ct_equal notices a single flipped bit anywhere", "[core][ct_equal]") {
  std::vector<std::uint8_t> a(67);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::uint8_t>(i * 7 + 3);
  const auto b = a;
  REQUIRE(core::ct_equal(a, b));
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto c = a;
      c[i] ^= static_cast<std::uint8_t>(1u << bit);
      CAPTURE(i, bit);
      CHECK_FALSE(core::ct_equal(a, c));
    }
  }
}

TEST_CASE("ct_equal covers every length and alignment of its word loop and its tail", "[core][ct_equal]") {
  // Lengths 0..40 cross the 8-byte steps and every tail length; offsets 0..7 make the loads
  // unaligned. A difference in the first, a middle, or the last byte must be seen.
  std::vector<std::uint8_t> buf_a(64), buf_b(64);
  for (std::size_t i = 0; i < buf_a.size(); ++i) buf_a[i] = buf_b[i] = static_cast<std::uint8_t>(0xA5 ^ i);
  for (std::size_t off = 0; off < 8; ++off) {
    for (std::size_t n = 0; n <= 40; ++n) {
      const core::bytes_view a(buf_a.data() + off, n);
      CAPTURE(off, n);
      CHECK(core::ct_equal(a, core::bytes_view(buf_b.data() + off, n)));
      for (std::size_t at : {std::size_t{0}, n / 2, n - 1}) {
        if (n == 0) break;
        auto c = buf_b;
        c[off + at] ^= 0x80;
        CAPTURE(at);
        CHECK_FALSE(core::ct_equal(a, core::bytes_view(c.data() + off, n)));
      }
    }
  }
}
