// Holds the verifier's quick readings to the RFC 8941 parser: read_single_signature
// (request_signing/detail/single_signature.hpp), which reads a Signature-Input and a Signature
// holding one signature in serialized form in place, and read_single_digest
// (request_signing/content_digest.hpp), which does the same for a one-member Content-Digest.
// The input is cut at '\n' into a Signature-Input value, a Signature value and a Content-Digest
// value. Properties:
//  - when read_single_signature accepts, the parser (the verifier's read_signature_fields, under
//    the default policy) accepts too, with one member under the same label; its Inner List holds
//    the same component names, in order, without parameters, each of the kind check_identifier()
//    finds and none twice; its parameters read (read_params) to the same values; its Signature
//    decodes to the same bytes; and its Inner List serializes to the text the quick reading copies
//    into the "@signature-params" line;
//  - when the parser accepts one member whose texts are already in serialized form and hold only
//    what the quick reading takes, the quick reading accepts too (it never sends the usual
//    signature the slow way);
//  - when read_single_digest accepts and its base64 decodes to a digest's size, the parser reads
//    the field as one member under that algorithm's key, a Byte Sequence of the same bytes,
//    without parameters.
#include <algorithm>
#include <string>

#include "fuzz_support.hpp"
#include "tessera/request_signing/content_digest.hpp"
#include "tessera/request_signing/http_message_signatures.hpp"

namespace {
using namespace tessera;
namespace rs = tessera::request_signing;
namespace httpsig = rs::httpsig;
using tessera_fuzz::require;

bool same_params(const httpsig::detail::signature_params& a, const httpsig::detail::signature_params& b) {
  return a.created == b.created && a.expires == b.expires && a.nonce == b.nonce && a.alg == b.alg &&
         a.keyid == b.keyid && a.tag == b.tag;
}

// True when the parsed signature is one the quick reading is meant to take: a single member,
// serialized as sent, components without parameters that check_identifier() accepts (no
// @query-param), distinct, at most 32; parameters that read_params() accepts, each once, and no
// escapes in any String; a Signature without parameters.
bool quick_shape(std::string_view input, std::string_view sig, const httpsig::detail::signature_fields& f) {
  if (f.inputs.size() != 1 || f.sigs.size() != 1) return false;
  if (input.find('\\') != std::string_view::npos) return false;
  const auto& [label, member] = f.inputs[0];
  const auto& il = std::get<rs::sf::inner_list>(member);
  if (il.items.empty() || il.items.size() > httpsig::detail::single_signature::max_components) return false;
  for (std::size_t i = 0; i < il.items.size(); ++i) {
    const auto& it = il.items[i];
    if (!it.params.empty()) return false;
    const auto d = httpsig::detail::check_identifier(it);
    if (!d || *d == httpsig::detail::derived::query_param) return false;
    for (std::size_t j = 0; j < i; ++j)
      if (il.items[j].value == it.value) return false;
  }
  if (!httpsig::detail::read_params(il.params)) return false;
  const auto& sig_item = std::get<rs::sf::item>(f.sigs[0].second);
  if (!sig_item.params.empty()) return false;
  // Serialized as sent: the parser's reading written back gives the same texts (no repeated
  // parameter, which the parser merges; no extra whitespace; no leading zero).
  std::string in_text, sig_text;
  if (!rs::sf::append_dictionary(in_text, f.inputs) || !rs::sf::append_dictionary(sig_text, f.sigs)) return false;
  return in_text == input && sig_text == sig;
}

void check_signature(std::string_view input, std::string_view sig) {
  const httpsig::verifier_options policy;
  httpsig::detail::single_signature one;
  const bool quick =
      httpsig::detail::read_single_signature(input, sig, policy.max_field_bytes, policy.max_components, one);
  httpsig::detail::signature_fields f;
  const auto parsed = httpsig::detail::read_signature_fields(input, sig, policy, f);

  if (!quick) {
    if (parsed) require(!quick_shape(input, sig, f), "the quick reading takes every single signature in serialized form");
    return;
  }
  require(parsed.has_value(), "what the quick reading takes, the parser takes");
  require(f.inputs.size() == 1 && f.sigs.size() == 1, "one signature");
  require(f.inputs[0].first == one.label && f.sigs[0].first == one.label, "the same label");
  const auto& il = std::get<rs::sf::inner_list>(f.inputs[0].second);
  require(il.items.size() == one.count, "the same number of components");
  for (std::size_t i = 0; i < one.count; ++i) {
    const auto& it = il.items[i];
    const auto* name = std::get_if<std::string>(&it.value);
    require(name && *name == one.names[i] && it.params.empty(), "the same component names, without parameters");
    const auto d = httpsig::detail::check_identifier(it);
    require(d && *d == one.kinds[i], "the same component kinds");
    for (std::size_t j = 0; j < i; ++j) require(one.names[j] != one.names[i], "no component twice");
  }
  const auto p = httpsig::detail::read_params(il.params);
  require(p && same_params(*p, one.params), "the same parameters");
  const auto& bytes = std::get<rs::sf::byte_sequence>(std::get<rs::sf::item>(f.sigs[0].second).value).value;
  require(bytes.size() == one.signature_size && std::equal(bytes.begin(), bytes.end(), one.signature.begin()),
          "the same signature bytes");
  std::string list;
  require(rs::sf::append_inner_list(list, il) && list == one.inner_list,
          "the Inner List as sent is its serialization");
}

void check_digest(std::string_view field) {
  const auto one = rs::detail::read_single_digest(field);
  if (!one) return;
  std::uint8_t claimed[64];
  const auto n = core::base64_decode_into(one->base64, claimed);
  if (!n || *n != crypto::digest_size(rs::detail::hash_of(one->alg))) return;
  const auto d = rs::sf::parse_dictionary(field);
  require(d.has_value() && d->size() == 1, "a one-member Content-Digest parses to one member");
  require((*d)[0].first == rs::content_digest_key(one->alg), "under the algorithm's key");
  const auto* it = std::get_if<rs::sf::item>(&(*d)[0].second);
  require(it && it->params.empty(), "an item without parameters");
  const auto* bs = std::get_if<rs::sf::byte_sequence>(&it->value);
  require(bs && bs->value.size() == *n && std::equal(bs->value.begin(), bs->value.end(), claimed),
          "a Byte Sequence of the same bytes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = tessera_fuzz::fields(tessera_fuzz::text(data, size), 3);
  check_signature(parts[0], parts[1]);
  check_digest(parts[2]);
  return 0;
}
