#pragma once
// tessera's version, as numbers and as text.

#define TESSERA_VERSION_MAJOR 0
#define TESSERA_VERSION_MINOR 1
#define TESSERA_VERSION_PATCH 0
#define TESSERA_VERSION_STRING "0.1.0"

namespace tessera {
// The library version as "major.minor.patch".
inline constexpr const char* version_string = TESSERA_VERSION_STRING;
}  // namespace tessera
