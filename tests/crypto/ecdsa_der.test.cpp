// Tests for tessera/crypto/ecdsa_der.hpp: raw r‖s (IEEE P1363) <-> DER ECDSA-Sig-Value.
// The DER layout checked here is X.690 §8.3 (INTEGER: minimal two's complement) inside the
// ECDSA-Sig-Value SEQUENCE of RFC 3279 §2.2.3, whose length takes the long form (X.690 §8.1.3.5:
// 0x81 and one length byte) once the body reaches 128 bytes, as P-521 signatures' bodies do.
#include "tessera/crypto/ecdsa_der.hpp"

#include <array>
#include <string>

#include "support/catch.hpp"
#include "tessera/core/hex.hpp"

using namespace tessera;

namespace {
core::bytes hex(std::string_view h) { return core::hex_decode(h).value(); }
std::string to_der_hex(const core::bytes& raw) {
  std::array<std::uint8_t, crypto::max_ecdsa_der_size> out{};
  auto n = crypto::ecdsa_raw_to_der(raw, out);
  REQUIRE(n);
  return core::hex_encode(core::bytes_view(out.data(), *n));
}
const std::string z31(62, '0');  // 31 zero bytes
}  // namespace

TEST_CASE("raw to DER uses minimal positive INTEGERs", "[crypto][ecdsa_der]") {
  // r = 1, s = 0x80 followed by 31 zero bytes (needs a 0x00 to stay positive).
  const auto raw = hex(z31 + "01" + "80" + z31);
  CHECK(to_der_hex(raw) == "3026" "020101" "022100" "80" + z31);
  CHECK(crypto::ecdsa_der_to_raw(hex("3026" "020101" "022100" "80" + z31), 32).value() == raw);
  // r = s = 0x7f.. (no padding needed): 32-byte INTEGERs.
  const std::string r7f = "7f" + std::string(62, 'f');
  CHECK(to_der_hex(hex(r7f + r7f)) == "3044" "0220" + r7f + "0220" + r7f);
  // Zero is one zero byte.
  CHECK(to_der_hex(core::bytes(64, 0)) == "3006020100020100");
  // P-384 with both high bits set: the longest body, still a short-form length (102 bytes).
  const std::string ff48(96, 'f');
  CHECK(to_der_hex(hex(ff48 + ff48)) == "3066" "023100" + ff48 + "023100" + ff48);
  CHECK(crypto::ecdsa_der_to_raw(hex("3066" "023100" + ff48 + "023100" + ff48), 48).value() == hex(ff48 + ff48));
}

TEST_CASE("P-521 signatures take the SEQUENCE's long-form length", "[crypto][ecdsa_der]") {
  // r = s = 0x01ff..ff, the largest a P-521 field element can be: 66-byte INTEGERs, 136-byte body.
  const std::string top = "01" + std::string(130, 'f');
  CHECK(to_der_hex(hex(top + top)) == "308188" "0242" + top + "0242" + top);
  CHECK(crypto::ecdsa_der_to_raw(hex("308188" "0242" + top + "0242" + top), 66).value() == hex(top + top));
  // Every byte 0xff (beyond the curve, but a raw input an attacker may send): two 67-byte
  // INTEGERs, the longest encoding there is.
  const std::string ff66(132, 'f');
  const std::string longest = "30818a" "024300" + ff66 + "024300" + ff66;
  CHECK(to_der_hex(hex(ff66 + ff66)) == longest);
  CHECK(hex(longest).size() == crypto::max_ecdsa_der_size);
  CHECK(crypto::ecdsa_der_to_raw(hex(longest), 66).value() == hex(ff66 + ff66));
  // Too large for a 48-byte field.
  CHECK(crypto::ecdsa_der_to_raw(hex(longest), 48).error() == errc::bad_signature);
  // A P-521 r‖s with leading zero bytes: r = 1 and s = 0x01ff..ff, a short body again.
  const auto small_r = hex(std::string(130, '0') + "01" + top);
  CHECK(to_der_hex(small_r) == "3047" "020101" "0242" + top);
  CHECK(crypto::ecdsa_der_to_raw(hex("3047" "020101" "0242" + top), 66).value() == small_r);
  // The same SEQUENCE with a short-form length byte of 0x88 is not DER: 0x88 would open a
  // long form of eight length bytes.
  CHECK(crypto::ecdsa_der_to_raw(hex("3088" "0242" + top + "0242" + top), 66).error() == errc::bad_signature);
  // A long-form length with a leading zero byte (0x82 0x00 0x88) is not minimal.
  CHECK(crypto::ecdsa_der_to_raw(hex("30820088" "0242" + top + "0242" + top), 66).error() == errc::bad_signature);
}

TEST_CASE("the SEQUENCE length switches to the long form at a 128-byte body", "[crypto][ecdsa_der]") {
  // Halves of 61 bytes: r with its high bit set (a 62-byte INTEGER) and s without (61 bytes)
  // make a 127-byte body; both with it make 128.
  const std::string hi61 = "80" + std::string(120, '1'), lo61 = "7f" + std::string(120, '1');
  CHECK(to_der_hex(hex(hi61 + lo61)) == "307f" "023e00" + hi61 + "023d" + lo61);
  CHECK(to_der_hex(hex(hi61 + hi61)) == "308180" "023e00" + hi61 + "023e00" + hi61);
  CHECK(crypto::ecdsa_der_to_raw(hex("307f" "023e00" + hi61 + "023d" + lo61), 61).value() == hex(hi61 + lo61));
  CHECK(crypto::ecdsa_der_to_raw(hex("308180" "023e00" + hi61 + "023e00" + hi61), 61).value() == hex(hi61 + hi61));
  // A 127-byte body written with the long form is not DER.
  CHECK(crypto::ecdsa_der_to_raw(hex("30817f" "023e00" + hi61 + "023d" + lo61), 61).error() == errc::bad_signature);
}

TEST_CASE("raw to DER refuses impossible raw lengths and small buffers", "[crypto][ecdsa_der]") {
  std::array<std::uint8_t, crypto::max_ecdsa_der_size> out{};
  CHECK(crypto::ecdsa_raw_to_der({}, out).error() == errc::invalid_signature_length);
  CHECK(crypto::ecdsa_raw_to_der(core::bytes(63, 1), out).error() == errc::invalid_signature_length);
  CHECK(crypto::ecdsa_raw_to_der(core::bytes(133, 1), out).error() == errc::invalid_signature_length);
  CHECK(crypto::ecdsa_raw_to_der(core::bytes(134, 1), out).error() == errc::invalid_signature_length);
  CHECK(crypto::ecdsa_raw_to_der(core::bytes(132, 1), out));  // P-521: 2 × 66 bytes
  std::array<std::uint8_t, 8> small{};
  CHECK(crypto::ecdsa_raw_to_der(core::bytes(64, 0x80), small).error() == errc::buffer_too_small);
  CHECK(crypto::ecdsa_raw_to_der(core::bytes(64, 0x80), std::span<std::uint8_t>{}).error() == errc::buffer_too_small);
  // The longest encoding needs all of max_ecdsa_der_size.
  CHECK(crypto::ecdsa_raw_to_der(core::bytes(132, 0xff), out).value() == crypto::max_ecdsa_der_size);
  CHECK(crypto::ecdsa_raw_to_der(core::bytes(132, 0xff), std::span(out).first(crypto::max_ecdsa_der_size - 1)).error() ==
        errc::buffer_too_small);
}

TEST_CASE("DER to raw round-trips every raw value shape", "[crypto][ecdsa_der]") {
  for (std::size_t field : {std::size_t{32}, std::size_t{48}, std::size_t{66}}) {
    for (int shape = 0; shape < 6; ++shape) {
      core::bytes raw(2 * field, 0);
      for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(i * 37 + 11);
      if (shape == 1) raw[0] = 0;                                  // r one byte shorter
      if (shape == 2) { raw[0] = 0; raw[1] = 0; raw[2] = 0x80; }   // r shorter and needing padding
      if (shape == 3) raw[field] = 0xff;                           // s needing padding
      if (shape == 4) for (std::size_t i = 0; i < field - 1; ++i) raw[i] = 0;  // r is a single byte
      if (shape == 5) for (std::size_t i = 0; i < field; ++i) raw[field + i] = 0;  // s is zero
      CAPTURE(field, shape);
      std::array<std::uint8_t, crypto::max_ecdsa_der_size> der{};
      auto n = crypto::ecdsa_raw_to_der(raw, der);
      REQUIRE(n);
      CHECK(crypto::ecdsa_der_to_raw(core::bytes_view(der.data(), *n), field).value() == raw);
    }
  }
}

TEST_CASE("DER to raw refuses malformed and non-canonical DER", "[crypto][ecdsa_der]") {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"empty", ""},
      {"garbage", "deadbeef"},
      {"empty sequence", "3000"},
      {"one integer", "3003020101"},
      {"three integers", "3009020101020101020101"},
      {"truncated", "300602010102"},
      {"length beyond the input", "3008020101020101"},
      {"trailing byte", "300602010102010100"},
      {"long-form length for a short body", "308106020101020101"},
      {"non-minimal INTEGER (extra zero)", "300702020001020101"},
      {"non-minimal INTEGER (extra 0xff)", "30070202ff80020101"},
      {"negative r", "30060201ff020101"},
      {"negative s", "3006020101020180"},
      {"negative s, two bytes", "3007020101" "0202ff01"},
      {"INTEGER with no content", "30050200020101"},
      {"BIT STRING instead of INTEGER", "3006030101020101"},
      {"SET instead of SEQUENCE", "3106020101020101"},
      {"indefinite length", "3080020101020101" "0000"},
      {"r longer than the field", "3026" "022101" + std::string(64, '1') + "020101"},
  };
  for (const auto& [what, h] : bad) {
    CAPTURE(what, h);
    auto r = crypto::ecdsa_der_to_raw(hex(h), 32);
    CHECK_FALSE(r);
    if (!r) CHECK(r.error() == errc::bad_signature);
  }
  // r and s that fit 32 bytes but not the 16-byte field asked for.
  const std::string r20 = "02" "14" + std::string(40, '1');
  CHECK(crypto::ecdsa_der_to_raw(hex("302c" + r20 + r20), 16).error() == errc::bad_signature);
  CHECK(crypto::ecdsa_der_to_raw(hex("302c" + r20 + r20), 32).value().size() == 64);
}
