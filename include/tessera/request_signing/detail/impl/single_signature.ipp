#pragma once
// The bodies of request_signing/detail/single_signature.hpp (see TESSERA_DECL in config.hpp).

#include <algorithm>

#include "tessera/core/base64.hpp"
#include "tessera/request_signing/detail/single_signature.hpp"

namespace tessera::request_signing::httpsig::detail {

namespace single {

// The limits of sf::parse_options that the verifier leaves at their defaults.
inline constexpr std::size_t max_key_length = sf::parse_options{}.max_key_length;
inline constexpr std::size_t max_string_length = sf::parse_options{}.max_string_length;

constexpr bool key_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*';
}

// A Dictionary key at `pos` (RFC 8941 §4.2.3.3), advancing pos past it; empty when none.
constexpr std::string_view read_key(std::string_view in, std::size_t& pos) noexcept {
  if (pos >= in.size() || !((in[pos] >= 'a' && in[pos] <= 'z') || in[pos] == '*')) return {};
  const std::size_t start = pos;
  while (pos < in.size() && key_char(in[pos])) ++pos;
  if (pos - start > max_key_length) return {};
  return in.substr(start, pos - start);
}

// A String at `pos` without escapes (in serialized form only `"` and `\` are escaped, and the
// strings read here hold neither), advancing pos past it; nullopt when there is none.
constexpr std::optional<std::string_view> read_string(std::string_view in, std::size_t& pos) noexcept {
  if (pos >= in.size() || in[pos] != '"') return std::nullopt;
  const std::size_t start = ++pos;
  while (pos < in.size() && in[pos] >= 0x20 && in[pos] <= 0x7e && in[pos] != '"' && in[pos] != '\\') ++pos;
  if (pos >= in.size() || in[pos] != '"' || pos - start > max_string_length) return std::nullopt;
  return in.substr(start, pos++ - start);
}

// A non-negative Integer in serialized form (no leading zero, at most 15 digits) at `pos`, not
// followed by a decimal point; nullopt otherwise.
constexpr std::optional<std::int64_t> read_integer(std::string_view in, std::size_t& pos) noexcept {
  const std::size_t start = pos;
  std::int64_t v = 0;
  while (pos < in.size() && in[pos] >= '0' && in[pos] <= '9') {
    if (pos - start == 15) return std::nullopt;  // a 16th digit
    v = v * 10 + (in[pos++] - '0');
  }
  const std::size_t digits = pos - start;
  if (digits == 0 || (digits > 1 && in[start] == '0')) return std::nullopt;
  if (pos < in.size() && in[pos] == '.') return std::nullopt;
  return v;
}

// The index of a §2.3 parameter in created, expires, nonce, alg, keyid, tag; 6 for any other key.
constexpr unsigned parameter_index(std::string_view key) noexcept {
  switch (key.size()) {
    case 3:
      return key == "alg" ? 3 : key == "tag" ? 5 : 6;
    case 5:
      return key == "nonce" ? 2 : key == "keyid" ? 4 : 6;
    case 7:
      return key == "created" ? 0 : key == "expires" ? 1 : 6;
    default:
      return 6;
  }
}

}  // namespace single

TESSERA_DECL bool read_single_signature(std::string_view input, std::string_view sig, std::size_t max_field_bytes,
                                        std::size_t max_components, single_signature& out) noexcept {
  if (input.size() > max_field_bytes || sig.size() > max_field_bytes) return false;
  std::size_t pos = 0;
  out.label = single::read_key(input, pos);
  if (out.label.empty() || input.substr(pos, 2) != "=(") return false;
  const std::size_t list_start = ++pos;

  // The Inner List: names separated by one space, each checked as check_identifier() would.
  const std::size_t most = std::min(max_components, single_signature::max_components);
  out.count = 0;
  ++pos;
  if (pos < input.size() && input[pos] == ')') return false;  // no components: left to the parser
  for (;;) {
    const auto name = single::read_string(input, pos);
    if (!name || out.count == most) return false;
    derived d = derived::none;
    if (!name->empty() && name->front() == '@') {
      d = derived_named(*name);
      if (d == derived::none || d == derived::query_param) return false;  // unknown, or needs its `name`
    } else if (!lowercase_field_name(*name)) {
      return false;
    }
    for (std::size_t i = 0; i < out.count; ++i)
      if (out.names[i] == *name) return false;
    out.names[out.count] = *name;
    out.kinds[out.count] = d;
    ++out.count;
    if (pos >= input.size()) return false;
    if (input[pos] == ')') break;
    if (input[pos] != ' ') return false;
    ++pos;
  }
  ++pos;

  // The parameters: the six of §2.3, each once, of its type.
  out.params = {};
  unsigned seen = 0;
  while (pos < input.size()) {
    if (input[pos] != ';') return false;  // a second member, whitespace, or parameters on an item
    ++pos;
    const std::string_view key = single::read_key(input, pos);
    if (pos >= input.size() || input[pos] != '=') return false;  // also a Boolean parameter
    ++pos;
    const unsigned k = single::parameter_index(key);
    if (k == 6 || (seen >> k & 1u) != 0) return false;
    seen |= 1u << k;
    if (k < 2) {
      const auto n = single::read_integer(input, pos);
      if (!n) return false;
      (k == 0 ? out.params.created : out.params.expires) = *n;
      continue;
    }
    const auto s = single::read_string(input, pos);
    if (!s) return false;
    switch (k) {
      case 2:
        if (s->empty() || s->size() > max_nonce_bytes) return false;
        out.params.nonce = *s;
        break;
      case 3:
        out.params.alg = *s;
        break;
      case 4:
        out.params.keyid = *s;
        break;
      default:
        out.params.tag = *s;
        break;
    }
  }
  out.inner_list = input.substr(list_start);

  // Signature: the same label and one Byte Sequence.
  if (sig.size() < out.label.size() + 3 || sig.substr(0, out.label.size()) != out.label) return false;
  std::string_view rest = sig.substr(out.label.size());
  if (rest.substr(0, 2) != "=:" || rest.back() != ':') return false;
  const std::string_view text = rest.substr(2, rest.size() - 3);
  if (text.find(':') != std::string_view::npos) return false;
  const auto size = core::base64_decoded_size(text);
  if (!size || *size > out.signature.size()) return false;
  const auto n = core::base64_decode_into(text, out.signature);
  if (!n) return false;
  out.signature_size = *n;
  return true;
}

}  // namespace tessera::request_signing::httpsig::detail
