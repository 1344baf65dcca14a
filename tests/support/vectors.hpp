#pragma once
// Locates the public test vectors folder given by the TESSERA_TEST_VECTORS_DIR cache variable.
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace tessera_test {

// The vectors folder, or nullopt when it was not configured or does not exist.
inline std::optional<std::filesystem::path> vectors_dir() {
  std::filesystem::path p = TESSERA_TEST_VECTORS_DIR;
  if (p.empty() || !std::filesystem::is_directory(p)) return std::nullopt;
  return p;
}

// The whole content of a file.
inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace tessera_test
