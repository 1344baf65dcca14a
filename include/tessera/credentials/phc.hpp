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
  std::uint32_t scrypt_log_n() const noexcept {
    std::uint32_t ln = 0;
    while (ln < 63 && (std::uint64_t{1} << ln) < scrypt.n) ++ln;
    return ln;
  }
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
inline std::size_t b64_decode(std::string_view in, std::span<std::uint8_t> out) noexcept {
  constexpr std::size_t max_text = (max_salt_size > max_hash_size ? max_salt_size : max_hash_size) / 3 * 4 + 4;
  if (in.empty() || in.size() > max_text || in.size() % 4 == 1 || in.find('=') != std::string_view::npos) return 0;
  char buf[max_text + 4];
  std::memcpy(buf, in.data(), in.size());
  std::size_t len = in.size();
  while (len % 4 != 0) buf[len++] = '=';
  auto n = core::base64_decode_into(std::string_view(buf, len), out);
  return n ? *n : 0;
}
// PHC B64 text of the bytes.
inline std::string b64_encode(core::bytes_view b) {
  std::string s = core::base64_encode(b);
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}
}  // namespace detail

// Checks parameters against the limits (invalid_hash_string when outside them or ill-formed).
inline result<void> check_limits(const phc_hash& h, const hash_limits& lim) noexcept {
  const auto bad = unexpected{errc::invalid_hash_string};
  if (h.salt_size < min_salt_size || h.salt_size > max_salt_size) return bad;
  if (h.hash_size < min_hash_size || h.hash_size > max_hash_size) return bad;
  if (h.algorithm == hash_algorithm::pbkdf2_sha256) {
    if (h.iterations == 0 || h.iterations > lim.max_pbkdf2_iterations) return bad;
    return core::ok();
  }
  const auto& s = h.scrypt;
  if (s.n < 2 || (s.n & (s.n - 1)) != 0 || h.scrypt_log_n() > lim.max_scrypt_log_n) return bad;
  if (s.r == 0 || s.r > lim.max_scrypt_r || s.p == 0 || s.p > lim.max_scrypt_p) return bad;
  // RFC 7914 §2: r * p < 2^30 and N < 2^(128 * r / 8), as crypto::scrypt also requires.
  if (std::uint64_t{s.r} * s.p >= (std::uint64_t{1} << 30) || (s.r < 4 && s.n >= (std::uint64_t{1} << (16 * s.r))))
    return bad;
  constexpr std::uint64_t max64 = ~std::uint64_t{0};
  // Whatever the limits say, 128 * N * r and 128 * r * p stay far from overflowing 64 bits.
  if (s.n > (max64 / 256) / s.r || s.p > (max64 / 256) / s.r) return bad;
  const std::uint64_t block = 128ull * s.n * s.r;
  if (block > lim.max_scrypt_memory) return bad;
  if (block > max64 / s.p || block * s.p > lim.max_scrypt_work) return bad;
  return core::ok();
}

// Parses a stored PHC string strictly: exactly "$<id>$<params>$<salt>$<hash>", parameters
// named and ordered as tessera writes them, decimal without leading zeros, unpadded base64 with
// zero trailing bits, and every cost within the limits. Anything else is invalid_hash_string.
inline result<phc_hash> parse_phc(std::string_view s, const hash_limits& lim = {}) noexcept {
  const auto bad = unexpected{errc::invalid_hash_string};
  if (s.size() > max_phc_length || s.empty() || s[0] != '$') return bad;
  std::string_view fields[4];
  std::string_view rest = s.substr(1);
  for (int i = 0; i < 4; ++i) {
    const std::size_t at = rest.find('$');
    if ((i < 3) == (at == std::string_view::npos)) return bad;  // exactly four fields
    fields[i] = rest.substr(0, at);
    if (i < 3) rest.remove_prefix(at + 1);
  }
  phc_hash h;
  std::string_view params = fields[1];
  if (fields[0] == "scrypt") {
    h.algorithm = hash_algorithm::scrypt;
    std::uint32_t ln = 0, r = 0, p = 0;
    if (!detail::take_param(params, "ln", ln, false) || !detail::take_param(params, "r", r, false) ||
        !detail::take_param(params, "p", p, true) || !params.empty())
      return bad;
    if (ln == 0 || ln > 63 || ln > lim.max_scrypt_log_n) return bad;
    h.scrypt = {std::uint64_t{1} << ln, r, p};
  } else if (fields[0] == "pbkdf2-sha256") {
    h.algorithm = hash_algorithm::pbkdf2_sha256;
    if (!detail::take_param(params, "i", h.iterations, true) || !params.empty()) return bad;
  } else {
    return bad;
  }
  h.salt_size = detail::b64_decode(fields[2], h.salt);
  h.hash_size = detail::b64_decode(fields[3], h.hash);
  if (auto c = check_limits(h, lim); !c) return bad;
  return h;
}

// The PHC string of a hash (scrypt N must be a power of two).
inline std::string format_phc(const phc_hash& h) {
  std::string out = "$";
  out += phc_id(h.algorithm);
  if (h.algorithm == hash_algorithm::scrypt) {
    out += "$ln=" + std::to_string(h.scrypt_log_n()) + ",r=" + std::to_string(h.scrypt.r) +
           ",p=" + std::to_string(h.scrypt.p);
  } else {
    out += "$i=" + std::to_string(h.iterations);
  }
  out += '$';
  out += detail::b64_encode(h.salt_bytes());
  out += '$';
  out += detail::b64_encode(h.hash_bytes());
  return out;
}

}  // namespace tessera::credentials
