// Fuzzes the RFC 8941 structured-field parsers and serializers
// (request_signing/structured_field.hpp). The input is parsed as a List, a Dictionary and an
// Item. Properties: parsing never crashes or reads outside the text (ASan); whatever parses
// serializes, and that text parses again to an equal value that serializes identically (the
// round trip); a text that parses as an Item parses as a one-member List holding that item; and
// bounds only restrict: a text that parses under tight bounds parses the same under the
// defaults, while a text the defaults accept fails under tight bounds only with a bound's errc.
#include <string>

#include "fuzz_support.hpp"
#include "tessera/request_signing/structured_field.hpp"

namespace {
using namespace tessera;
namespace sf = tessera::request_signing::sf;
using tessera_fuzz::require;

// Small bounds, so that short inputs reach every bound.
sf::parse_options tight() {
  sf::parse_options o;
  o.max_members = 3;
  o.max_inner_list_items = 3;
  o.max_parameters = 3;
  o.max_key_length = 4;
  o.max_string_length = 8;
  o.max_token_length = 8;
  o.max_byte_sequence_length = 6;
  return o;
}

bool is_bound_error(errc e) {
  return e == errc::sf_too_many_members || e == errc::sf_too_many_inner_list_items || e == errc::sf_too_many_parameters ||
         e == errc::sf_key_too_long || e == errc::sf_string_too_long || e == errc::sf_token_too_long ||
         e == errc::sf_byte_sequence_too_long;
}

// The round trip of one parsed value, and the bounds property against the tight parse.
template <class Parse, class Serialize>
void check(std::string_view in, Parse parse, Serialize serialize, const char* what) {
  const sf::parse_options defaults;
  auto v = parse(in, defaults);
  auto t = parse(in, tight());
  if (t) require(v && *v == *t, what);  // tight accepted: the defaults accept the same value
  if (!v) return;
  if (!t) require(is_bound_error(t.error()), what);  // only a bound can refuse a valid field

  auto text = serialize(*v);
  require(text.has_value(), what);  // every parsed value can be serialized
  // Canonical text can be longer than the input (", " for ","), never twice as long.
  sf::parse_options roomy = defaults;
  roomy.max_input_bytes = 2 * in.size() + 16;
  auto again = parse(*text, roomy);
  require(again && *again == *v, what);  // serialized text parses to the same value
  auto text2 = serialize(*again);
  require(text2 && *text2 == *text, what);  // and serializes identically
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = tessera_fuzz::text(data, size);
  check(in, [](std::string_view s, const sf::parse_options& o) { return sf::parse_list(s, o); },
        [](const sf::list& v) { return sf::serialize_list(v); }, "list round trip");
  check(in, [](std::string_view s, const sf::parse_options& o) { return sf::parse_dictionary(s, o); },
        [](const sf::dictionary& v) { return sf::serialize_dictionary(v); }, "dictionary round trip");
  check(in, [](std::string_view s, const sf::parse_options& o) { return sf::parse_item(s, o); },
        [](const sf::item& v) { return sf::serialize_item(v); }, "item round trip");

  // An item is a list of one member.
  if (auto it = sf::parse_item(in)) {
    auto l = sf::parse_list(in);
    require(l && l->size() == 1 && std::get_if<sf::item>(&(*l)[0]) && *std::get_if<sf::item>(&(*l)[0]) == *it,
            "an item parses as a one-member list");
  }
  // A list's inner lists serialize on their own as they do inside the list.
  if (auto l = sf::parse_list(in)) {
    auto whole = sf::serialize_list(*l);
    std::string pieces;
    for (std::size_t i = 0; i < l->size(); ++i) {
      if (i != 0) pieces += ", ";
      if (const auto* il = std::get_if<sf::inner_list>(&(*l)[i])) require(sf::append_inner_list(pieces, *il).has_value(), "inner list");
      else require(sf::append_item(pieces, std::get<sf::item>((*l)[i])).has_value(), "item");
    }
    require(whole && *whole == pieces, "a list serializes as its members joined with \", \"");
  }
  return 0;
}
