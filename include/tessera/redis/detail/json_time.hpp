#pragma once
// Times in the records tessera::redis stores: Unix seconds, or milliseconds where a record needs them.

#include <chrono>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace tessera::redis::detail {

// Unix seconds of a time in a record.
inline std::int64_t seconds_of(std::chrono::sys_seconds t) noexcept { return t.time_since_epoch().count(); }

// The time of Unix seconds in a record.
inline std::chrono::sys_seconds time_of(std::int64_t s) noexcept { return std::chrono::sys_seconds(std::chrono::seconds(s)); }

// Reads an optional time member (absent or null: nullopt).
inline std::optional<std::chrono::sys_seconds> optional_time(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return time_of(it->get<std::int64_t>());
}

// Unix milliseconds of a time point.
inline std::int64_t unix_ms(std::chrono::system_clock::time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// The time point of Unix milliseconds.
inline std::chrono::system_clock::time_point from_unix_ms(std::int64_t ms) noexcept {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace tessera::redis::detail
