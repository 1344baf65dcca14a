// Holds the API-key text format (api_key/format.hpp, api_key/checksum.hpp) to a reference written
// here from the format's description: "<prefix>_<environment>_<random><checksum>", base62 digits
// 0-9 A-Z a-z, and the checksum the six-digit base62 form of the bit-by-bit CRC-32 (reflected
// polynomial 0xEDB88320) of everything before it. The input is cut into a prefix, an environment,
// a random length (one byte) and the key text; the key is parsed with the default format and, when
// those fields make a valid format, with that format too. Properties:
//  - parse() accepts exactly the keys the reference accepts, refuses the others with the
//    reference's error (malformed, then bad checksum, then wrong environment), and splits an
//    accepted key into the same parts; compose() rebuilds an accepted key from its random part;
//  - the slicing-by-8 crc32() and the eight-at-a-time is_base62() agree with the bit-by-bit and
//    per-character references on the whole input.
#include <string>

#include "fuzz_support.hpp"
#include "tessera/api_key/checksum.hpp"
#include "tessera/api_key/format.hpp"

namespace {
using namespace tessera;
using tessera_fuzz::require;

// The base62 digits in order of value, as the format defines them.
constexpr std::string_view digits62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Reference CRC-32 (IEEE 802.3), one bit at a time.
std::uint32_t ref_crc32(std::string_view s) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : s) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
  }
  return ~c;
}

// Reference base62 check: every character is one of the 62 digits.
bool ref_base62(std::string_view s) { return s.find_first_not_of(digits62) == std::string_view::npos; }

// The six-digit base62 text of a 32-bit value, most significant digit first.
std::string ref_checksum(std::uint32_t v) {
  std::string out(6, '0');
  for (int i = 5; i >= 0; --i, v /= 62) out[static_cast<std::size_t>(i)] = digits62[v % 62];
  return out;
}

// What the reference makes of a key: an error, or the environment and random part it holds.
struct ref_key {
  errc error = errc{};
  std::string_view environment, random;
};

// A refusal with the given error.
ref_key refused(errc e) {
  ref_key k;
  k.error = e;
  return k;
}

// Reference parse of a key of format f.
ref_key ref_parse(std::string_view key, const api_key::key_format& f) {
  const std::size_t tail = f.random_length + 6;  // random part and checksum
  const std::string head = f.prefix + "_";
  if (key.size() > api_key::max_key_length || key.size() < head.size() + tail + 2 || key.substr(0, head.size()) != head)
    return refused(errc::api_key_malformed);
  const std::string_view middle = key.substr(head.size(), key.size() - tail - head.size());  // "<environment>_"
  if (middle.back() != '_') return refused(errc::api_key_malformed);
  ref_key k;
  k.environment = middle.substr(0, middle.size() - 1);
  k.random = key.substr(key.size() - tail, f.random_length);
  if (k.environment.size() > api_key::max_label_length || !ref_base62(k.environment) ||
      !ref_base62(key.substr(key.size() - tail)))
    return refused(errc::api_key_malformed);
  if (ref_checksum(ref_crc32(key.substr(0, key.size() - 6))) != key.substr(key.size() - 6))
    return refused(errc::api_key_bad_checksum);
  if (k.environment != f.environment) return refused(errc::api_key_wrong_environment);
  return k;
}

// parse() and compose() against the reference for one format.
void check_key(std::string_view key, const api_key::key_format& f) {
  auto got = api_key::parse(key, f);
  const ref_key want = ref_parse(key, f);
  require(got.has_value() == (want.error == errc{}), "parse accepts exactly the reference's keys");
  if (!got) {
    require(got.error() == want.error, "parse refuses with the reference's error");
    return;
  }
  require(got->text == key && got->prefix == f.prefix && got->environment == want.environment &&
              got->random == want.random && got->checksum == key.substr(key.size() - 6),
          "parse splits a key into the reference's parts");
  auto again = api_key::compose(f, got->random);
  require(again.has_value() && again->expose_secret_text() == key, "compose rebuilds an accepted key");
}
}  // namespace

// One input: prefix, environment, random length and key, cut at '\n'.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool reference_checked = [] {
    require(ref_crc32("123456789") == 0xCBF43926u, "reference CRC-32 check value");
    return true;
  }();
  (void)reference_checked;

  const std::string_view in = tessera_fuzz::text(data, size);
  require(api_key::crc32(in) == ref_crc32(in), "crc32 = bit-by-bit reference");
  require(api_key::is_base62(in) == ref_base62(in), "is_base62 = per-character reference");

  auto f = tessera_fuzz::fields(in, 4);
  check_key(f[3], api_key::key_format{});
  api_key::key_format custom;
  custom.prefix = std::string(f[0]);
  custom.environment = std::string(f[1]);
  custom.random_length = f[2].empty() ? 30 : static_cast<unsigned char>(f[2][0]);
  if (custom.validate()) check_key(f[3], custom);
  return 0;
}
