#pragma once
// Conversion between ECDSA signatures as fixed-size raw r‖s (IEEE P1363, as JWS uses) and DER.

#include <openssl/ec.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "tessera/config.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/detail/ossl.hpp"

namespace tessera::crypto {

// Largest raw r‖s accepted: two P-521 integers of 66 bytes each.
inline constexpr std::size_t max_ecdsa_raw_size = 2 * 66;

// Largest DER encoding of a raw r‖s of max_ecdsa_raw_size bytes: each INTEGER is a tag, a
// short-form length and up to 67 bytes (a zero pad keeps a high first byte positive); the body of
// up to 138 bytes takes the SEQUENCE's two-byte length form (0x81 n).
inline constexpr std::size_t max_ecdsa_der_size = 3 + 2 * (2 + max_ecdsa_raw_size / 2 + 1);

// Encodes raw r‖s (two big-endian integers of equal size, up to 66 bytes each) as a DER
// ECDSA-Sig-Value into out, without allocating; returns the length written.
TESSERA_DECL result<std::size_t> ecdsa_raw_to_der(core::bytes_view raw, std::span<std::uint8_t> out) noexcept;

// Decodes a DER ECDSA-Sig-Value to raw r‖s with each integer left-padded to field_size bytes.
// Refuses non-canonical DER, trailing bytes and integers that do not fit.
TESSERA_DECL result<core::bytes> ecdsa_der_to_raw(core::bytes_view der, std::size_t field_size);

}  // namespace tessera::crypto

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/crypto/impl/ecdsa_der.ipp"
#endif
