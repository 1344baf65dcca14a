#pragma once
// Small file and shell helpers for tests that drive other programs (openssl, Python, Node).

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "support/catch.hpp"

namespace tessera_test {

// Writes content to a file, replacing it; fails the test when the write fails.
inline void write_file(const std::filesystem::path& p, std::string_view content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  REQUIRE(out.good());
}

// A path or argument in single quotes for a shell command line (the tests' own paths only).
inline std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace tessera_test
