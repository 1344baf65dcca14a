#pragma once
// Slow hashing of client secrets for storage, as PHC strings: scrypt N=2^17, r=8, p=1 by
// default (about 128 MiB and a few hundred milliseconds per hash), PBKDF2-HMAC-SHA256 with
// 600,000 iterations as the alternative. Verification reads the parameters back from the
// stored string (within hash_limits), compares in constant time, and needs_rehash() tells a
// login whether to store a fresh hash under the current policy.
// Slow hashing is what lets a flood of logins exhaust a server: run it behind a
// concurrency_guard (client_authenticator does).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/ct_equal.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/credentials/phc.hpp"
#include "tessera/crypto/kdf.hpp"

namespace tessera::credentials {

// Longest secret hashed or verified; longer input is refused before any hashing.
inline constexpr std::size_t max_secret_size = 1024;

// How new secret hashes are made.
struct hash_policy {
  hash_algorithm algorithm = hash_algorithm::scrypt;
  crypto::scrypt_params scrypt{std::uint64_t{1} << 17, 8, 1};  // N, r, p
  std::uint32_t pbkdf2_iterations = 600'000;
  std::size_t salt_size = 16;  // bytes of fresh random salt per hash
  std::size_t hash_size = 32;  // bytes of derived hash

  // The default: scrypt N=2^17, r=8, p=1.
  static constexpr hash_policy scrypt_default() noexcept { return {}; }
  // The alternative: PBKDF2-HMAC-SHA256 with the given iterations (600,000 by default).
  static constexpr hash_policy pbkdf2_sha256(std::uint32_t iterations = 600'000) noexcept {
    hash_policy p;
    p.algorithm = hash_algorithm::pbkdf2_sha256;
    p.pbkdf2_iterations = iterations;
    return p;
  }
  // Small scrypt parameters (N, r, p of your choice), for tests that are not about cost.
  static constexpr hash_policy scrypt_with(std::uint64_t n, std::uint32_t r, std::uint32_t p) noexcept {
    hash_policy h;
    h.scrypt = {n, r, p};
    return h;
  }

  // The parameters of this policy as a PHC header (no salt or hash yet).
  phc_hash parameters() const noexcept;
  // Checks that hashes made under this policy would be accepted by verifiers with these limits
  // (invalid_kdf_parameters otherwise), and that salts are at least 16 bytes.
  result<void> validate(const hash_limits& lim = {}) const noexcept;
};

// Slow-hash work in units that do not depend on the machine: scrypt's N * r * p (its time grows
// with it) and PBKDF2's iterations. A login's cost is the difference of thread_kdf_work() across it.
struct kdf_work {
  std::uint64_t scrypt = 0;  // sum of N * r * p over scrypt runs
  std::uint64_t pbkdf2 = 0;  // sum of iterations over PBKDF2-HMAC-SHA256 runs
  std::uint64_t runs = 0;    // KDF runs
  // The work done between `earlier` and this reading.
  constexpr kdf_work since(const kdf_work& earlier) const noexcept {
    return {scrypt - earlier.scrypt, pbkdf2 - earlier.pbkdf2, runs - earlier.runs};
  }
};

namespace detail {
// This thread's running total of slow-hash work.
TESSERA_DECL kdf_work& work_meter() noexcept;
// Derives the hash of a secret under the parameters and salt of h, into a cleansed buffer.
// The parameters have passed check_limits already. Its work is added to this thread's meter once
// the KDF has run.
TESSERA_DECL result<core::secret> derive(core::bytes_view secret, const phc_hash& h);
}  // namespace detail

// The slow-hash work this thread has done so far (for tests and metrics).
TESSERA_DECL kdf_work thread_kdf_work() noexcept;

// The slow-hash work of one hash made under a policy.
constexpr kdf_work hash_work(const hash_policy& p) noexcept {
  if (p.algorithm == hash_algorithm::scrypt) return {p.scrypt.n * p.scrypt.r * p.scrypt.p, 0, 1};
  return {0, p.pbkdf2_iterations, 1};
}

// Hashes a secret under the policy with a fresh random salt; returns the PHC string to store.
// invalid_kdf_parameters for a policy whose hashes the limits would refuse, invalid_argument
// for an empty or over-long secret.
TESSERA_DECL result<std::string> hash_secret(core::bytes_view secret, const hash_policy& policy = {},
                                             const hash_limits& lim = {}) noexcept;

// Checks a secret against a stored PHC string in constant time (in the secret and the hash).
// invalid_credentials when it does not match (or is empty or over-long); invalid_hash_string
// when the stored string is malformed or demands more than the limits allow (a server fault).
TESSERA_DECL result<void> verify_secret(core::bytes_view secret, std::string_view stored,
                                        const hash_limits& lim = {}) noexcept;

// True when a stored hash should be replaced at the next successful login: another algorithm,
// other cost parameters, another hash size, a salt shorter than the policy's, or a string that
// does not parse at all.
TESSERA_DECL bool needs_rehash(std::string_view stored, const hash_policy& policy, const hash_limits& lim = {}) noexcept;

}  // namespace tessera::credentials

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/credentials/impl/secret_hash.ipp"
#endif
