#pragma once
// Compile-time limits shared by every area; each can be overridden by defining it before inclusion.

#include <cstddef>

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
