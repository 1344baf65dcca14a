#pragma once
// Random bytes, secrets and strings (base62, base64url, hex) from OpenSSL's DRBG.

#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/hex.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"

namespace tessera::core {

// The 62 characters of base62, in the order used by tessera's API-key format.
inline constexpr std::string_view base62_alphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Fills out with cryptographically secure random bytes.
TESSERA_DECL result<void> random_fill(std::span<std::uint8_t> out) noexcept;

namespace detail {
// Bumped in a forked child, so that no per-thread buffer of random_fill_public() bytes is
// served on both sides of a fork.
inline std::atomic<std::uint64_t> fork_generation{0};
TESSERA_DECL void note_fork_in_child() noexcept;

// Unused random bytes of this thread, and the fork generation they were drawn in.
struct public_random_pool {
  static constexpr std::size_t capacity = 1024;
  std::uint8_t bytes[capacity];
  std::size_t left = 0;
  std::uint64_t generation = 0;
};
}  // namespace detail

// Fills out with random bytes for values that are random but public once used: ids such as a
// token's jti, never keys, secrets or nonces that must stay unknown. RAND_bytes costs the same
// syscall (OpenSSL's fork check) for 16 bytes as for 1 KiB, so each thread draws 1 KiB at a time
// and serves requests of at most 64 bytes from it; larger ones go to RAND_bytes directly. A
// forked child discards what its parent drew (pthread_atfork), so the two never hand out the
// same bytes.
TESSERA_DECL result<void> random_fill_public(std::span<std::uint8_t> out) noexcept;

// n random bytes.
TESSERA_DECL result<bytes> random_bytes(std::size_t n);

// A secret of n random bytes.
TESSERA_DECL result<secret> random_secret(std::size_t n);

// n characters drawn uniformly from the alphabet (2..256 characters), by rejection sampling.
TESSERA_DECL result<std::string> random_string(std::size_t n, std::string_view alphabet);

// n uniformly random base62 characters.
TESSERA_DECL result<std::string> random_base62(std::size_t n);

// nbytes random bytes as unpadded base64url text.
TESSERA_DECL result<std::string> random_base64url(std::size_t nbytes);

// nbytes random bytes as lowercase hex text.
TESSERA_DECL result<std::string> random_hex(std::size_t nbytes);

}  // namespace tessera::core

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/core/impl/random.ipp"
#endif
