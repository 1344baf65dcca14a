#pragma once
// ASCII helpers for protocol text: case-insensitive comparison of header names and auth schemes.

#include <cstddef>
#include <string_view>

namespace tessera::core {

// ASCII case-insensitive equality, as HTTP header names, auth schemes and JOSE "typ" compare.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a == b) return true;  // names usually arrive in the expected case: one memcmp
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace tessera::core
