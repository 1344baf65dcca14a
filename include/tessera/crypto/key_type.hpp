#pragma once
// Which asymmetric keys tessera accepts, and the policy that bounds their sizes.

#include <cstdint>
#include <string_view>

namespace tessera::crypto {

// The asymmetric key kinds tessera supports. Anything else (DSA, DH, X25519, other curves,
// RSA-PSS-restricted keys) is refused with errc::unsupported_key_type.
enum class key_type { rsa, ec_p256, ec_p384, ec_p521, ed25519 };

// The stable name of a key kind: "RSA", "P-256", "P-384", "P-521", "Ed25519".
constexpr std::string_view key_type_name(key_type t) noexcept {
  switch (t) {
    case key_type::rsa: return "RSA";
    case key_type::ec_p256: return "P-256";
    case key_type::ec_p384: return "P-384";
    case key_type::ec_p521: return "P-521";
    case key_type::ed25519: return "Ed25519";
  }
  return "unknown";
}

// Size bounds applied whenever a key is loaded or generated.
struct key_policy {
  // Smallest RSA modulus accepted, in bits. 2048 unless lowered through dangerously_allow_rsa_bits().
  unsigned min_rsa_bits = 2048;
  // Largest RSA modulus accepted, in bits: bounds the cost of a verification an attacker can force.
  unsigned max_rsa_bits = 8192;
  // Largest RSA public exponent accepted (65537 by default). The exponent's size bounds the cost
  // of a verification too; values above 2^32 - 1 count as 2^32 - 1 (effective_max_rsa_exponent).
  std::uint64_t max_rsa_exponent = 65537;

  // The exponent bound in force: max_rsa_exponent, never above 2^32 - 1.
  constexpr std::uint64_t effective_max_rsa_exponent() const noexcept {
    return max_rsa_exponent < 0xffffffffull ? max_rsa_exponent : 0xffffffffull;
  }

  // The explicit, visible opt-in for RSA moduli below 2048 bits (legacy partners only).
  static constexpr key_policy dangerously_allow_rsa_bits(unsigned min_bits) noexcept {
    key_policy p;
    p.min_rsa_bits = min_bits;
    return p;
  }
};

}  // namespace tessera::crypto
