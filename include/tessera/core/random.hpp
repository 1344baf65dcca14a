#pragma once
// Random bytes, secrets and strings (base62, base64url, hex) from OpenSSL's DRBG.

#include <openssl/rand.h>

#include <climits>
#include <cstdint>
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
