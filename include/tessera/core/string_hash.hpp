#pragma once
// tessera::core::string_hash — the transparent hash of every string-keyed map in tessera.

#include <cstddef>
#include <functional>
#include <string_view>

namespace tessera::core {

// Hashes std::string and std::string_view alike, so an unordered container keyed by std::string
// (with std::equal_to<>) is searched with a string_view, without building a std::string.
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

}  // namespace tessera::core
