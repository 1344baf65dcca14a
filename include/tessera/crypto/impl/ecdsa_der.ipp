#pragma once
// The bodies of crypto/ecdsa_der.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/crypto/ecdsa_der.hpp"

namespace tessera::crypto {

TESSERA_DECL result<std::size_t> ecdsa_raw_to_der(core::bytes_view raw, std::span<std::uint8_t> out) noexcept {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > max_ecdsa_raw_size)
    return unexpected{errc::invalid_signature_length};
  const std::size_t half = raw.size() / 2;
  std::array<std::uint8_t, max_ecdsa_der_size - 3> body{};
  std::size_t n = 0;
  for (int part = 0; part < 2; ++part) {
    const std::uint8_t* p = raw.data() + part * half;
    std::size_t len = half;
    while (len > 1 && *p == 0) {
      ++p;
      --len;
    }                                   // minimal encoding
    const bool pad = (*p & 0x80) != 0;  // keep the INTEGER positive
    body[n++] = 0x02;
    body[n++] = static_cast<std::uint8_t>(len + (pad ? 1 : 0));
    if (pad) body[n++] = 0x00;
    for (std::size_t i = 0; i < len; ++i) body[n++] = p[i];
  }
  const std::size_t total = n + (n >= 128 ? 3 : 2);
  if (out.size() < total) return unexpected{errc::buffer_too_small};
  std::size_t o = 0;
  out[o++] = 0x30;
  if (n >= 128) out[o++] = 0x81;
  out[o++] = static_cast<std::uint8_t>(n);
  for (std::size_t i = 0; i < n; ++i) out[o++] = body[i];
  return total;
}

TESSERA_DECL result<core::bytes> ecdsa_der_to_raw(core::bytes_view der, std::size_t field_size) {
  const unsigned char* p = der.data();
  std::unique_ptr<ECDSA_SIG, crypto::detail::ossl_deleter<ECDSA_SIG_free>> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != der.data() + der.size()) return crypto::detail::ossl_fail(errc::bad_signature);
  // Re-encode and compare, so only the canonical DER form is accepted.
  unsigned char* re = nullptr;
  int relen = i2d_ECDSA_SIG(sig.get(), &re);
  bool canonical = relen == static_cast<int>(der.size()) && std::memcmp(re, der.data(), der.size()) == 0;
  OPENSSL_free(re);
  if (!canonical) return crypto::detail::ossl_fail(errc::bad_signature);
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  core::bytes raw(2 * field_size);
  if (BN_bn2binpad(r, raw.data(), static_cast<int>(field_size)) < 0 ||
      BN_bn2binpad(s, raw.data() + field_size, static_cast<int>(field_size)) < 0)
    return crypto::detail::ossl_fail(errc::bad_signature);
  return raw;
}

}  // namespace tessera::crypto
