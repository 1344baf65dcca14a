#pragma once
// PHC-format hash strings (the Password Hashing Competition string format) for the two slow
// hashes tessera stores client secrets with:
//   $scrypt$ln=17,r=8,p=1$<salt>$<hash>         scrypt, N = 2^ln (RFC 7914)
//   $pbkdf2-sha256$i=600000$<salt>$<hash>       PBKDF2-HMAC-SHA256 (RFC 8018)
// <salt> and <hash> are standard base64 without padding ("B64" in the PHC format).
// Parsing is strict, and bounded: a stored string, even a hostile one, cannot make a verifier
// spend more memory or CPU than hash_limits allows.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/kdf.hpp"

namespace tessera::credentials {

// The slow hashes a client secret may be stored with.
enum class hash_algorithm : std::uint8_t { scrypt, pbkdf2_sha256 };

// The PHC identifier of an algorithm ("scrypt", "pbkdf2-sha256").
constexpr std::string_view phc_id(hash_algorithm a) noexcept {
  return a == hash_algorithm::scrypt ? "scrypt" : "pbkdf2-sha256";
}

// Fewest salt bytes a stored string may carry (needs_rehash upgrades short salts).
inline constexpr std::size_t min_salt_size = 4;
// Most salt bytes a stored string may carry.
inline constexpr std::size_t max_salt_size = 64;
// Fewest hash bytes a stored string may carry.
inline constexpr std::size_t min_hash_size = 16;
// Most hash bytes a stored string may carry.
inline constexpr std::size_t max_hash_size = 64;
// Longest PHC string accepted; anything longer is refused before it is looked at.
inline constexpr std::size_t max_phc_length = 256;

// Upper bounds on the cost a stored hash string may demand. The defaults admit the default
// policy (scrypt 2^17/8/1, PBKDF2 600,000) with room to raise it, and nothing wildly beyond.
struct hash_limits {
  std::uint32_t max_scrypt_log_n = 20;                 // N <= 2^20
  std::uint32_t max_scrypt_r = 32;                     // block size
  std::uint32_t max_scrypt_p = 16;                     // parallelism
  std::uint64_t max_scrypt_memory = 256ull << 20;      // 128 * N * r: bytes held at once
  std::uint64_t max_scrypt_work = 512ull << 20;        // 128 * N * r * p: bounds CPU time
  std::uint32_t max_pbkdf2_iterations = 2'000'000;     // about 3x the default
};

// A parsed PHC string: algorithm, cost parameters, salt and expected hash (held inline).
struct phc_hash {
  hash_algorithm algorithm = hash_algorithm::scrypt;
  crypto::scrypt_params scrypt{};   // scrypt only
  std::uint32_t iterations = 0;     // PBKDF2 only
  std::array<std::uint8_t, max_salt_size> salt{};
  std::size_t salt_size = 0;
  std::array<std::uint8_t, max_hash_size> hash{};
  std::size_t hash_size = 0;

  // The salt bytes.
  core::bytes_view salt_bytes() const noexcept { return {salt.data(), salt_size}; }
  // The expected hash bytes.
  core::bytes_view hash_bytes() const noexcept { return {hash.data(), hash_size}; }
  // log2(N) for scrypt (N is a power of two).
  std::uint32_t scrypt_log_n() const noexcept;
};

namespace detail {
// A decimal 1..2^32-1 with no sign, no leading zero and nothing else.
constexpr bool parse_u32(std::string_view s, std::uint32_t& out) noexcept {
  if (s.empty() || s.size() > 10 || s[0] == '0') return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > 0xFFFFFFFFull) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}
// Takes "name=<u32>" off the front of a comma-separated parameter list.
constexpr bool take_param(std::string_view& rest, std::string_view name, std::uint32_t& out, bool last) noexcept {
  if (rest.substr(0, name.size()) != name || rest.size() <= name.size() || rest[name.size()] != '=') return false;
  rest.remove_prefix(name.size() + 1);
  const std::size_t end = last ? rest.size() : rest.find(',');
  if (end == std::string_view::npos) return false;
  if (!parse_u32(rest.substr(0, end), out)) return false;
  rest.remove_prefix(last ? end : end + 1);
  return true;
}
// Decodes PHC B64 (standard alphabet, no padding, zero trailing bits) into out; the count, or 0.
TESSERA_DECL std::size_t b64_decode(std::string_view in, std::span<std::uint8_t> out) noexcept;
// PHC B64 text of the bytes.
TESSERA_DECL std::string b64_encode(core::bytes_view b);
}  // namespace detail

// Checks parameters against the limits (invalid_hash_string when outside them or ill-formed).
TESSERA_DECL result<void> check_limits(const phc_hash& h, const hash_limits& lim) noexcept;

// Parses a stored PHC string strictly: exactly "$<id>$<params>$<salt>$<hash>", parameters
// named and ordered as tessera writes them, decimal without leading zeros, unpadded base64 with
// zero trailing bits, and every cost within the limits. Anything else is invalid_hash_string.
TESSERA_DECL result<phc_hash> parse_phc(std::string_view s, const hash_limits& lim = {}) noexcept;

// The PHC string of a hash (scrypt N must be a power of two).
TESSERA_DECL std::string format_phc(const phc_hash& h);

}  // namespace tessera::credentials

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/credentials/impl/phc.ipp"
#endif
