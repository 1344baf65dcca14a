// Holds the PHC hash-string parser and formatter (credentials/phc.hpp) to a reference written here
// from the header's format: "$scrypt$ln=<u32>,r=<u32>,p=<u32>$<salt>$<hash>" or
// "$pbkdf2-sha256$i=<u32>$<salt>$<hash>", decimals without sign or leading zero, salt and hash in
// unpadded standard base64 (reference decoder), and every cost bound of hash_limits evaluated in
// 128-bit integers. The input is parsed with the default limits, and (when long enough) its head
// with limits taken from its last 32 bytes. Properties: parse_phc accepts exactly what the
// reference accepts and reads the same algorithm, parameters, salt and hash; format_phc writes an
// accepted string back byte for byte; and a hash built from the input's bytes formats to a string
// that parses back to that hash exactly when the reference accepts it.
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "tessera/credentials/phc.hpp"

namespace {
using namespace tessera;
namespace cr = tessera::credentials;
using tessera_fuzz::byte_vec;
using tessera_fuzz::require;
using u128 = unsigned __int128;

// What the reference reads from a PHC string.
struct ref_phc {
  cr::hash_algorithm algorithm = cr::hash_algorithm::scrypt;
  std::uint64_t ln = 0, r = 0, p = 0, iterations = 0;
  byte_vec salt, hash;
};

// The pieces of s between separators (all of them, empty ones included).
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const std::size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// A decimal in 1..2^32-1 without sign or leading zero, or nullopt.
std::optional<std::uint64_t> u32(std::string_view s) {
  if (s.empty() || s.size() > 10 || s[0] == '0') return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > 0xFFFFFFFFull) return std::nullopt;
  return v;
}

// The named parameters of a comma-separated "name=value" list, in the exact order given, or nullopt.
std::optional<std::vector<std::uint64_t>> params(std::string_view list, std::initializer_list<std::string_view> names) {
  const auto parts = split(list, ',');
  if (parts.size() != names.size()) return std::nullopt;
  std::vector<std::uint64_t> out;
  auto name = names.begin();
  for (auto part : parts) {
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos || part.substr(0, eq) != *name++) return std::nullopt;
    auto v = u32(part.substr(eq + 1));
    if (!v) return std::nullopt;
    out.push_back(*v);
  }
  return out;
}

// True when the costs and sizes are within the limits (and RFC 7914's bounds for scrypt).
bool within(const ref_phc& h, const cr::hash_limits& lim) {
  if (h.salt.size() < cr::min_salt_size || h.salt.size() > cr::max_salt_size) return false;
  if (h.hash.size() < cr::min_hash_size || h.hash.size() > cr::max_hash_size) return false;
  if (h.algorithm == cr::hash_algorithm::pbkdf2_sha256) return h.iterations <= lim.max_pbkdf2_iterations;
  if (h.ln > 63 || h.ln > lim.max_scrypt_log_n || h.r > lim.max_scrypt_r || h.p > lim.max_scrypt_p) return false;
  if (u128{h.r} * h.p >= (u128{1} << 30) || h.ln >= 16 * h.r) return false;  // r·p < 2^30, N < 2^(16·r)
  const u128 block = u128{128} << h.ln;
  return block * h.r <= lim.max_scrypt_memory && block * h.r * h.p <= lim.max_scrypt_work;
}

// Reference reading of a PHC string under the limits, or nullopt.
std::optional<ref_phc> ref_parse(std::string_view s, const cr::hash_limits& lim) {
  if (s.empty() || s.size() > cr::max_phc_length || s[0] != '$') return std::nullopt;
  const auto f = split(s.substr(1), '$');
  if (f.size() != 4) return std::nullopt;
  ref_phc h;
  if (f[0] == "scrypt") {
    auto v = params(f[1], {"ln", "r", "p"});
    if (!v) return std::nullopt;
    h.ln = (*v)[0], h.r = (*v)[1], h.p = (*v)[2];
  } else if (f[0] == "pbkdf2-sha256") {
    auto v = params(f[1], {"i"});
    if (!v) return std::nullopt;
    h.algorithm = cr::hash_algorithm::pbkdf2_sha256;
    h.iterations = (*v)[0];
  } else {
    return std::nullopt;
  }
  auto salt = tessera_fuzz::ref_base64_decode(f[2], false, false);
  auto hash = tessera_fuzz::ref_base64_decode(f[3], false, false);
  if (!salt || !hash) return std::nullopt;
  h.salt = *salt, h.hash = *hash;
  if (!within(h, lim)) return std::nullopt;
  return h;
}

// True when tessera's parsed hash holds what the reference read.
bool same(const cr::phc_hash& got, const ref_phc& want) {
  if (got.algorithm != want.algorithm) return false;
  if (byte_vec(got.salt_bytes().begin(), got.salt_bytes().end()) != want.salt) return false;
  if (byte_vec(got.hash_bytes().begin(), got.hash_bytes().end()) != want.hash) return false;
  if (want.algorithm == cr::hash_algorithm::pbkdf2_sha256) return got.iterations == want.iterations;
  return got.scrypt.n == (std::uint64_t{1} << want.ln) && got.scrypt.r == want.r && got.scrypt.p == want.p &&
         got.scrypt_log_n() == want.ln;
}

// parse_phc against the reference, and format_phc of what it accepts.
void check_string(std::string_view s, const cr::hash_limits& lim) {
  auto got = cr::parse_phc(s, lim);
  auto want = ref_parse(s, lim);
  require(got.has_value() == want.has_value(), "parse_phc accepts exactly the reference's strings");
  if (!got) {
    require(got.error() == errc::invalid_hash_string, "a refused PHC string is invalid_hash_string");
    return;
  }
  require(same(*got, *want), "parse_phc reads what the reference reads");
  require(cr::format_phc(*got) == s, "format_phc writes an accepted string back unchanged");
}

// Reads n little-endian bytes at p as an unsigned number.
std::uint64_t take(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = v << 8 | p[i];
  return v;
}

// Limits from 32 bytes, with memory and work below 2^62 (the range the header's bounds are for).
cr::hash_limits limits_from(const std::uint8_t* p) {
  cr::hash_limits lim;
  lim.max_scrypt_log_n = static_cast<std::uint32_t>(p[0] % 64);
  lim.max_scrypt_r = static_cast<std::uint32_t>(take(p + 1, 4));
  lim.max_scrypt_p = static_cast<std::uint32_t>(take(p + 5, 4));
  lim.max_scrypt_memory = take(p + 9, 8) >> 2;
  lim.max_scrypt_work = take(p + 17, 8) >> 2;
  lim.max_pbkdf2_iterations = static_cast<std::uint32_t>(take(p + 25, 4));
  return lim;
}

// A hash built from input bytes, formatted, must parse back to itself exactly when in bounds.
void check_built(const std::uint8_t* p, std::size_t n) {
  if (n < 16) return;
  cr::phc_hash h;
  h.algorithm = p[0] & 1 ? cr::hash_algorithm::pbkdf2_sha256 : cr::hash_algorithm::scrypt;
  const unsigned ln = 1 + p[1] % 63;
  h.scrypt = {std::uint64_t{1} << ln, static_cast<std::uint32_t>(1 + p[2] % 40),
              static_cast<std::uint32_t>(1 + p[3] % 20)};
  h.iterations = static_cast<std::uint32_t>(1 + take(p + 4, 3) % 2'100'000);
  h.salt_size = std::min<std::size_t>(1 + p[7] % cr::max_salt_size, n - 8);
  h.hash_size = std::min<std::size_t>(1 + p[8] % cr::max_hash_size, n - 8);
  std::memcpy(h.salt.data(), p + 8, h.salt_size);
  std::memcpy(h.hash.data(), p + n - h.hash_size, h.hash_size);
  const std::string text = cr::format_phc(h);
  check_string(text, cr::hash_limits{});
  ref_phc want;
  want.algorithm = h.algorithm;
  want.ln = ln, want.r = h.scrypt.r, want.p = h.scrypt.p, want.iterations = h.iterations;
  want.salt.assign(p + 8, p + 8 + h.salt_size);
  want.hash.assign(p + n - h.hash_size, p + n);
  auto back = cr::parse_phc(text);
  require(back.has_value() == within(want, cr::hash_limits{}),
          "a formatted hash parses exactly when within the limits");
  if (back) require(same(*back, want), "a formatted hash parses back to itself");
}
}  // namespace

// One input: a PHC string, the same with limits from its last 32 bytes, and a hash built from its bytes.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = tessera_fuzz::text(data, size);
  check_string(in, cr::hash_limits{});
  if (size >= 32) check_string(in.substr(0, size - 32), limits_from(data + size - 32));
  check_built(data, size);
  return 0;
}
