// Fuzzes the conversions between raw r‖s ECDSA signatures (as JWS and request signatures carry
// them) and DER ECDSA-Sig-Value (crypto/ecdsa_der.hpp). The hand-written encoder runs on every
// ES256/ES384/ES512 verification, on attacker-chosen bytes. Properties:
//  - ecdsa_raw_to_der accepts exactly the raw inputs of even length 2..132 and writes the bytes
//    OpenSSL's i2d_ECDSA_SIG writes for the same r and s; it needs exactly that much room
//    (one byte less is buffer_too_small);
//  - ecdsa_der_to_raw, for P-256, P-384 and P-521 field sizes, accepts exactly the strict DER
//    that the reader written here accepts (definite minimal lengths, minimal non-negative
//    INTEGERs that fit the field, nothing after), returns r and s left-padded to the field, and
//    the encoder turns that back into the same DER.
#include <openssl/ec.h>

#include <array>
#include <memory>

#include "fuzz_support.hpp"
#include "tessera/crypto/ecdsa_der.hpp"

namespace {
using namespace tessera;
using tessera_fuzz::byte_vec;
using tessera_fuzz::require;

// OpenSSL's DER for the raw halves r‖s (each an unsigned big-endian number).
byte_vec openssl_der(const std::uint8_t* raw, std::size_t half) {
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(raw, static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(raw + half, static_cast<int>(half), nullptr);
  require(sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1, "OpenSSL builds the signature");
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &der);
  require(len > 0, "OpenSSL encodes the signature");
  byte_vec out(der, der + len);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

// Reads a strict DER length at in[at], advancing at; nullopt when absent, indefinite or not minimal.
std::optional<std::size_t> der_length(const byte_vec& in, std::size_t& at) {
  if (at >= in.size()) return std::nullopt;
  const std::uint8_t first = in[at++];
  if (first < 0x80) return first;
  const std::size_t k = first & 0x7f;
  if (k == 0 || k > 4 || in.size() - at < k || in[at] == 0) return std::nullopt;
  std::size_t n = 0;
  for (std::size_t i = 0; i < k; ++i) n = n << 8 | in[at++];
  if (n < 0x80) return std::nullopt;  // the short form was required
  return n;
}

// Reads a minimal non-negative DER INTEGER at in[at] into its magnitude (no leading zero).
std::optional<byte_vec> der_uint(const byte_vec& in, std::size_t& at) {
  if (at >= in.size() || in[at++] != 0x02) return std::nullopt;
  auto len = der_length(in, at);
  if (!len || *len == 0 || in.size() - at < *len) return std::nullopt;
  const std::uint8_t* p = in.data() + at;
  at += *len;
  if (p[0] & 0x80) return std::nullopt;                              // negative
  if (*len > 1 && p[0] == 0 && !(p[1] & 0x80)) return std::nullopt;  // needless leading zero
  const std::size_t skip = p[0] == 0 ? 1 : 0;                        // the sign byte, or zero itself
  return byte_vec(p + skip, p + *len);
}

// Reference reading of a DER ECDSA-Sig-Value into r‖s padded to field bytes each, or nullopt.
std::optional<byte_vec> ref_der_to_raw(const byte_vec& in, std::size_t field) {
  std::size_t at = 0;
  if (in.empty() || in[at++] != 0x30) return std::nullopt;
  auto len = der_length(in, at);
  if (!len || in.size() - at != *len) return std::nullopt;  // exactly the sequence, nothing after
  auto r = der_uint(in, at);
  if (!r) return std::nullopt;
  auto s = der_uint(in, at);
  if (!s || at != in.size() || r->size() > field || s->size() > field) return std::nullopt;
  byte_vec out(2 * field, 0);
  std::copy(r->begin(), r->end(), out.begin() + static_cast<std::ptrdiff_t>(field - r->size()));
  std::copy(s->begin(), s->end(), out.end() - static_cast<std::ptrdiff_t>(s->size()));
  return out;
}
}  // namespace

// One input, as a raw r‖s signature and as DER.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const byte_vec in(data, data + size);

  // Raw to DER.
  std::array<std::uint8_t, crypto::max_ecdsa_der_size> buf{};
  auto n = crypto::ecdsa_raw_to_der(core::bytes_view(data, size), buf);
  const bool raw_ok = size >= 2 && size % 2 == 0 && size <= 132;
  require(n.has_value() == raw_ok, "ecdsa_raw_to_der accepts exactly even lengths 2..132");
  if (!n) {
    require(n.error() == errc::invalid_signature_length,
            "a raw signature of another length is invalid_signature_length");
  } else {
    const byte_vec want = openssl_der(data, size / 2);
    require(byte_vec(buf.data(), buf.data() + *n) == want, "ecdsa_raw_to_der = i2d_ECDSA_SIG");
    std::vector<std::uint8_t> tight(want.size() - 1);
    auto short_buf = crypto::ecdsa_raw_to_der(core::bytes_view(data, size), tight);
    require(!short_buf && short_buf.error() == errc::buffer_too_small, "one byte less room is buffer_too_small");
  }

  // DER to raw, and back.
  for (std::size_t field : {std::size_t{32}, std::size_t{48}, std::size_t{66}}) {
    auto raw = crypto::ecdsa_der_to_raw(core::bytes_view(data, size), field);
    const auto want = ref_der_to_raw(in, field);
    require(raw.has_value() == want.has_value(), "ecdsa_der_to_raw accepts exactly strict DER that fits the field");
    if (!raw) continue;
    require(byte_vec(raw->begin(), raw->end()) == *want, "ecdsa_der_to_raw reads the reference's r and s");
    auto again = crypto::ecdsa_raw_to_der(*raw, buf);
    require(again && byte_vec(buf.data(), buf.data() + *again) == in, "the DER round trip gives the input back");
  }
  return 0;
}
