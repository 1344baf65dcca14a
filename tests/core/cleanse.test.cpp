// Tests for tessera/core/cleanse.hpp: zeroing memory that held secrets.
#include "tessera/core/cleanse.hpp"

#include <array>
#include <cstdint>

#include "support/catch.hpp"

using namespace tessera;

TEST_CASE("cleanse zeroes exactly the bytes it is given", "[core][cleanse]") {
  std::array<std::uint8_t, 80> buf;
  for (std::size_t n : {0u, 1u, 7u, 32u, 64u, 79u}) {
    buf.fill(0xa5);
    core::cleanse(buf.data(), n);
    for (std::size_t i = 0; i < buf.size(); ++i) {
      CAPTURE(n, i);
      CHECK(buf[i] == (i < n ? 0x00 : 0xa5));
    }
  }
  core::cleanse(nullptr, 0);  // nothing to do, and no memset(nullptr)
}
