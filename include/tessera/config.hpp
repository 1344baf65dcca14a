#pragma once
// Compile-time limits shared by every area, each overridable by defining it before inclusion, and
// the build mode.

#include <cstddef>

// The build mode. Header-only is the default: every function is defined in the headers. With
// TESSERA_SEPARATE_COMPILATION defined (by the tessera::tessera target when CMake is configured
// with -DTESSERA_SEPARATE_COMPILATION=ON, or by hand in every translation unit), the bodies of
// the functions that are not templates stay out of the headers, and exactly one translation unit
// of the program compiles them by including <tessera/src.hpp>.
#if defined(TESSERA_SEPARATE_COMPILATION)
// Declares and defines a function compiled once, in the translation unit of <tessera/src.hpp>.
#define TESSERA_DECL
#else
// Declares and defines a function defined in the headers.
#define TESSERA_DECL inline
#endif

#ifndef TESSERA_MAX_TOKEN_SIZE
// Longest compact JWT a verifier reads before refusing it (token_too_large).
#define TESSERA_MAX_TOKEN_SIZE 8192
#endif
#ifndef TESSERA_MAX_JSON_DEPTH
// Deepest JSON nesting accepted in an untrusted header or claims object.
#define TESSERA_MAX_JSON_DEPTH 16
#endif

namespace tessera::config {
// Default maximum length of a compact JWT, in bytes.
inline constexpr std::size_t max_token_size = TESSERA_MAX_TOKEN_SIZE;
// Default maximum nesting depth of untrusted JSON.
inline constexpr std::size_t max_json_depth = TESSERA_MAX_JSON_DEPTH;
// Alignment of each shard of a sharded store, so that threads locking different shards never
// write to one cache line (64 bytes on x86-64 and most ARM cores; 128 covers Apple M-series
// pairs of lines). std::hardware_destructive_interference_size is not used: GCC warns that its
// value may differ between compilers, which matters in a header-only library.
inline constexpr std::size_t shard_alignment = 128;
}  // namespace tessera::config
