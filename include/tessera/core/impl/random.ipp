#pragma once
// The bodies of core/random.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/core/random.hpp"

namespace tessera::core {

TESSERA_DECL result<void> random_fill(std::span<std::uint8_t> out) noexcept {
  std::size_t done = 0;
  while (done < out.size()) {
    std::size_t chunk = out.size() - done;
    if (chunk > static_cast<std::size_t>(INT_MAX)) chunk = INT_MAX;
    if (RAND_bytes(out.data() + done, static_cast<int>(chunk)) != 1) return unexpected{errc::random_failure};
    done += chunk;
  }
  return ok();
}

TESSERA_DECL result<void> random_fill_public(std::span<std::uint8_t> out) noexcept {
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

TESSERA_DECL result<bytes> random_bytes(std::size_t n) {
  bytes b(n);
  if (auto r = random_fill(b); !r) return unexpected{r.error()};
  return b;
}

TESSERA_DECL result<secret> random_secret(std::size_t n) {
  secret s(n);
  if (auto r = random_fill({s.writable_bytes(), n}); !r) return unexpected{r.error()};
  return s;
}

TESSERA_DECL result<std::string> random_string(std::size_t n, std::string_view alphabet) {
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

TESSERA_DECL result<std::string> random_base62(std::size_t n) { return random_string(n, base62_alphabet); }

TESSERA_DECL result<std::string> random_base64url(std::size_t nbytes) {
  auto b = random_bytes(nbytes);
  if (!b) return unexpected{b.error()};
  return base64url_encode(*b);
}

TESSERA_DECL result<std::string> random_hex(std::size_t nbytes) {
  auto b = random_bytes(nbytes);
  if (!b) return unexpected{b.error()};
  return hex_encode(*b);
}

}  // namespace tessera::core

namespace tessera::core::detail {

TESSERA_DECL void note_fork_in_child() noexcept { fork_generation.fetch_add(1, std::memory_order_relaxed); }

}  // namespace tessera::core::detail
