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

#include "tessera/core/base64.hpp"
#include "tessera/core/hex.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"

namespace tessera::core {

// The 62 characters of base62, in the order used by tessera's API-key format.
inline constexpr std::string_view base62_alphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Fills out with cryptographically secure random bytes.
inline result<void> random_fill(std::span<std::uint8_t> out) noexcept {
  std::size_t done = 0;
  while (done < out.size()) {
    std::size_t chunk = out.size() - done;
    if (chunk > static_cast<std::size_t>(INT_MAX)) chunk = INT_MAX;
    if (RAND_bytes(out.data() + done, static_cast<int>(chunk)) != 1) return unexpected{errc::random_failure};
    done += chunk;
  }
  return ok();
}

namespace detail {
// Bumped in a forked child, so that no per-thread buffer of random_fill_public() bytes is
// served on both sides of a fork.
inline std::atomic<std::uint64_t> fork_generation{0};
inline void note_fork_in_child() noexcept { fork_generation.fetch_add(1, std::memory_order_relaxed); }

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
inline result<void> random_fill_public(std::span<std::uint8_t> out) noexcept {
  if (out.empty()) return ok();  // an empty span may have no pointer at all
  static const bool fork_hook = pthread_atfork(nullptr, nullptr, &detail::note_fork_in_child) == 0;
  if (!fork_hook || out.size() > 64) return random_fill(out);
  thread_local detail::public_random_pool pool;
  const std::uint64_t gen = detail::fork_generation.load(std::memory_order_relaxed);
  if (pool.generation != gen) {
    pool.left = 0;
    pool.generation = gen;
  }
  if (pool.left < out.size()) {
    if (RAND_bytes(pool.bytes, static_cast<int>(detail::public_random_pool::capacity)) != 1) {
      pool.left = 0;
      return unexpected{errc::random_failure};
    }
    pool.left = detail::public_random_pool::capacity;
  }
  // Served from the end, and wiped as served: a byte is handed out once.
  pool.left -= out.size();
  std::memcpy(out.data(), pool.bytes + pool.left, out.size());
  std::memset(pool.bytes + pool.left, 0, out.size());
  return ok();
}

// n random bytes.
inline result<bytes> random_bytes(std::size_t n) {
  bytes b(n);
  if (auto r = random_fill(b); !r) return unexpected{r.error()};
  return b;
}

// A secret of n random bytes.
inline result<secret> random_secret(std::size_t n) {
  secret s(n);
  if (auto r = random_fill({s.writable_bytes(), n}); !r) return unexpected{r.error()};
  return s;
}

// n characters drawn uniformly from the alphabet (2..256 characters), by rejection sampling.
inline result<std::string> random_string(std::size_t n, std::string_view alphabet) {
  if (alphabet.size() < 2 || alphabet.size() > 256) return unexpected{errc::invalid_argument};
  const unsigned limit = 256u - (256u % static_cast<unsigned>(alphabet.size()));  // unbiased range
  std::string out;
  out.reserve(n);
  std::uint8_t buf[64];
  while (out.size() < n) {
    if (auto r = random_fill(buf); !r) return unexpected{r.error()};
    for (std::uint8_t b : buf) {
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == n) break;
    }
  }
  OPENSSL_cleanse(buf, sizeof buf);
  return out;
}

// n uniformly random base62 characters.
inline result<std::string> random_base62(std::size_t n) { return random_string(n, base62_alphabet); }

// nbytes random bytes as unpadded base64url text.
inline result<std::string> random_base64url(std::size_t nbytes) {
  auto b = random_bytes(nbytes);
  if (!b) return unexpected{b.error()};
  return base64url_encode(*b);
}

// nbytes random bytes as lowercase hex text.
inline result<std::string> random_hex(std::size_t nbytes) {
  auto b = random_bytes(nbytes);
  if (!b) return unexpected{b.error()};
  return hex_encode(*b);
}

}  // namespace tessera::core
