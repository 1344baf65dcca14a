#pragma once
// The API-key text format, "<prefix>_<environment>_<random><checksum>", for example
//   ak_live_4Tq0ZbW7nX2cKpR9sL1mV8yH3jD6fG5eA0aB1c
// where <random> is random base62 (30 characters, about 178 bits, by default; never fewer than
// 22, about 131 bits) and <checksum> is six base62 digits of the CRC-32 of everything before
// it. The fixed prefix lets secret scanners find leaked keys; the checksum lets them, and the
// server, tell a real key from a typo without any lookup.

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/api_key/checksum.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"

namespace tessera::api_key {

// Longest prefix or environment label (1 to 16 base62 characters each).
inline constexpr std::size_t max_label_length = 16;
// Fewest random characters a key may have: 22 base62 characters carry 130.9 bits.
inline constexpr std::size_t min_random_length = 22;
// Most random characters a key may have.
inline constexpr std::size_t max_random_length = 64;
// Longest key text any format can produce; longer input is refused before any other work.
inline constexpr std::size_t max_key_length = 2 * max_label_length + 2 + max_random_length + checksum_length;

namespace detail {
// True when the s.size() characters at p equal s (an inline loop: labels are a few bytes).
constexpr bool same_chars(const char* p, std::string_view s) noexcept {
  bool same = true;
  for (std::size_t i = 0; i < s.size(); ++i) same &= p[i] == s[i];
  return same;
}
}  // namespace detail

// What keys look like for one deployment: prefix, environment and amount of randomness.
struct key_format {
  std::string prefix = "ak";         // identifies the issuer to secret scanners ("ak", "sk", ...)
  std::string environment = "live";  // "live", "test", ...: a test key is refused by a live server
  std::size_t random_length = 30;    // base62 characters of randomness

  // Checks the labels (1-16 base62 characters) and the random length (22-64).
  result<void> validate() const noexcept;
  // Length of every key of this format.
  std::size_t key_length() const noexcept {
    return prefix.size() + 1 + environment.size() + 1 + random_length + checksum_length;
  }
};

// The parts of a well-formed key, as views into the text given to parse().
struct key_parts {
  std::string_view text;         // the whole key
  std::string_view prefix;       // "ak"
  std::string_view environment;  // "live"
  std::string_view random;       // the random base62 characters
  std::string_view checksum;     // the six checksum characters
};

// Checks a key's shape and checksum without allocating, in this order:
//  - api_key_malformed: too long, wrong prefix, wrong length, a character outside base62, or a
//    missing '_' separator;
//  - api_key_bad_checksum: well formed, but the checksum does not match (a typo or a forgery);
//  - api_key_wrong_environment: a genuine-looking key of another environment (a test key sent
//    to a live server).
inline result<key_parts> parse(std::string_view text, const key_format& f) noexcept {
  if (text.size() > max_key_length) return unexpected{errc::api_key_malformed};
  const std::size_t body_len = f.random_length + checksum_length;
  const std::size_t head = f.prefix.size() + 1;
  if (f.prefix.empty() || text.size() < head + 2 + body_len) return unexpected{errc::api_key_malformed};
  if (!detail::same_chars(text.data(), f.prefix) || text[f.prefix.size()] != '_')
    return unexpected{errc::api_key_malformed};
  const std::size_t body_at = text.size() - body_len;
  if (text[body_at - 1] != '_') return unexpected{errc::api_key_malformed};
  key_parts p;
  p.text = text;
  p.prefix = text.substr(0, f.prefix.size());
  p.environment = text.substr(head, body_at - 1 - head);
  p.random = text.substr(body_at, f.random_length);
  p.checksum = text.substr(text.size() - checksum_length);
  if (p.environment.size() > max_label_length || !is_base62(p.environment) || !is_base62(text.substr(body_at)))
    return unexpected{errc::api_key_malformed};
  if (!checksum_matches(text.substr(0, text.size() - checksum_length), p.checksum))
    return unexpected{errc::api_key_bad_checksum};
  if (p.environment.size() != f.environment.size() || !detail::same_chars(p.environment.data(), f.environment))
    return unexpected{errc::api_key_wrong_environment};
  return p;
}

// Builds a key of this format around the given random base62 characters (exactly
// f.random_length of them), returned as a secret. generator uses it with fresh randomness.
inline result<core::secret> compose(const key_format& f, std::string_view random) {
  if (auto v = f.validate(); !v) return unexpected{v.error()};
  if (random.size() != f.random_length || !is_base62(random)) return unexpected{errc::invalid_argument};
  core::secret out(f.key_length());
  char* p = reinterpret_cast<char*>(out.writable_bytes());
  std::size_t at = 0;
  auto put = [&](std::string_view s) {
    std::memcpy(p + at, s.data(), s.size());
    at += s.size();
  };
  put(f.prefix);
  put("_");
  put(f.environment);
  put("_");
  put(random);
  const checksum_text sum = checksum_of(std::string_view(p, at));
  put(std::string_view(sum.data(), sum.size()));
  return out;
}

}  // namespace tessera::api_key

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/api_key/impl/format.ipp"
#endif
