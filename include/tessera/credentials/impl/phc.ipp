#pragma once
// The bodies of credentials/phc.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/credentials/phc.hpp"

namespace tessera::credentials {

TESSERA_DECL auto phc_hash::scrypt_log_n() const noexcept -> std::uint32_t {
  std::uint32_t ln = 0;
  while (ln < 63 && (std::uint64_t{1} << ln) < scrypt.n) ++ln;
  return ln;
}

}  // namespace tessera::credentials

namespace tessera::credentials::detail {

TESSERA_DECL std::size_t b64_decode(std::string_view in, std::span<std::uint8_t> out) noexcept {
  constexpr std::size_t max_text = (max_salt_size > max_hash_size ? max_salt_size : max_hash_size) / 3 * 4 + 4;
  if (in.empty() || in.size() > max_text || in.size() % 4 == 1 || in.find('=') != std::string_view::npos) return 0;
  char buf[max_text + 4];
  std::memcpy(buf, in.data(), in.size());
  std::size_t len = in.size();
  while (len % 4 != 0) buf[len++] = '=';
  auto n = core::base64_decode_into(std::string_view(buf, len), out);
  return n ? *n : 0;
}

TESSERA_DECL std::string b64_encode(core::bytes_view b) {
  std::string s = core::base64_encode(b);
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

}  // namespace tessera::credentials::detail

namespace tessera::credentials {

TESSERA_DECL result<void> check_limits(const phc_hash& h, const hash_limits& lim) noexcept {
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

TESSERA_DECL result<phc_hash> parse_phc(std::string_view s, const hash_limits& lim) noexcept {
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

TESSERA_DECL std::string format_phc(const phc_hash& h) {
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
