#pragma once
// Structured Field Values for HTTP (RFC 8941): strict parsing and canonical serialization of
// Lists, Dictionaries and Items, as RFC 9421 uses them for Signature-Input and Signature.
//
// Parsing follows RFC 8941 §4.2 step by step and fails the whole field on the first deviation:
//   - top level: leading and trailing SP are dropped; nothing else may surround the value;
//   - lists and dictionaries: members separated by OWS "," OWS (SP or HTAB), no empty member,
//     no trailing comma; an empty field is an empty list or dictionary;
//   - inner lists: "(" *SP [ item *( 1*SP item ) *SP ] ")" parameters; they never nest;
//   - parameters: *( ";" *SP key [ "=" bare-item ] ), a key without a value is Boolean true;
//   - keys: ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" );
//   - integers: ["-"] 1*15DIGIT; decimals: ["-"] 1*12DIGIT "." 1*3DIGIT;
//   - strings: DQUOTE, characters 0x20-0x7E, escapes \" and \\ only, DQUOTE;
//   - tokens: ( ALPHA / "*" ) *( tchar / ":" / "/" );
//   - byte sequences: ":" padded base64 (RFC 4648 §4) ":", the padding exactly what an encoder
//     writes and the bits below the last byte zero (RFC 8941 §4.2.7 lets a parser refuse both);
//   - booleans: "?0" or "?1".
// A key repeated in a dictionary or in one item's parameters keeps its first position and takes
// the last value (§4.2.2, §4.2.3.2).
//
// Every bound in parse_options has its own errc, and so does every malformed construct (the
// sf_* causes of core/error.hpp, all HTTP 400). A bare item that starts with no character any
// item type starts with is reported as its container's cause (sf_malformed_list,
// sf_malformed_dictionary, sf_malformed_inner_list, sf_malformed_item, or sf_bad_parameter
// after a parameter's "="). Parsing does no recursion beyond an inner list's items; its memory is
// linear and its work at most n log n in the input, which max_input_bytes bounds.
//
// Serializers write the canonical form of §4.1 (", " between members, no space after ";",
// Boolean true values left out in dictionaries and parameters, decimals without trailing zeros)
// and refuse a value the grammar cannot carry with the same errcs. An empty list or dictionary
// serializes to "" (the field is left out).

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"

namespace tessera::request_signing::sf {

// A Token (§3.3.4), kept apart from String so that the distinction survives a round trip.
struct token {
  std::string value;
  friend bool operator==(const token&, const token&) = default;
};

// A Decimal (§3.3.2), held exactly as a count of thousandths: 4.5 is {4500}, -0.25 is {-250}.
struct decimal {
  std::int64_t thousandths = 0;
  friend bool operator==(const decimal&, const decimal&) = default;
};

// A Byte Sequence (§3.3.5): the decoded bytes.
struct byte_sequence {
  core::bytes value;
  friend bool operator==(const byte_sequence&, const byte_sequence&) = default;
};

// A Bare Item (§3.3): Integer, Decimal, String, Token, Byte Sequence or Boolean.
using bare_item = std::variant<std::int64_t, decimal, std::string, token, byte_sequence, bool>;

// The largest magnitude of an Integer (§3.3.1), and of a Decimal in thousandths (§3.3.2).
inline constexpr std::int64_t max_integer = 999'999'999'999'999;

namespace detail_sf {
class parser;
}  // namespace detail_sf

// Keys mapped to values in the order they were added, each key at most once (the Parameters of
// §3.1.2 and the Dictionary of §3.2); reached by index or by key.
template <class V>
class ordered_map {
 public:
  // One entry: a key and its value.
  using value_type = std::pair<std::string, V>;
  // Walks the entries in order.
  using const_iterator = typename std::vector<value_type>::const_iterator;

  // An empty map.
  ordered_map() = default;
  // The entries in order; a repeated key takes the later value at the earlier position.
  ordered_map(std::initializer_list<value_type> entries) {
    for (const auto& e : entries) set(e.first, e.second);
  }

  // The value under key, or nullptr.
  const V* find(std::string_view key) const noexcept {
    for (const auto& e : entries_)
      if (e.first == key) return &e.second;
    return nullptr;
  }
  // The value under key, or nullptr.
  V* find(std::string_view key) noexcept {
    for (auto& e : entries_)
      if (e.first == key) return &e.second;
    return nullptr;
  }
  // True when key is present.
  bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }
  // Gives key the value: in place when the key is present, else as a new last entry.
  void set(std::string_view key, V value) {
    if (V* v = find(key)) *v = std::move(value);
    else entries_.emplace_back(std::string(key), std::move(value));
  }

  // The number of entries.
  std::size_t size() const noexcept { return entries_.size(); }
  // True when there is no entry.
  bool empty() const noexcept { return entries_.empty(); }
  // The i-th entry (i < size()).
  const value_type& operator[](std::size_t i) const noexcept { return entries_[i]; }
  // The first entry.
  const_iterator begin() const noexcept { return entries_.begin(); }
  // One past the last entry.
  const_iterator end() const noexcept { return entries_.end(); }

  // Same keys with equal values, in the same order.
  friend bool operator==(const ordered_map&, const ordered_map&) = default;

 private:
  friend class detail_sf::parser;  // appends every parsed entry, then merges repeated keys at once
  std::vector<value_type> entries_;
};

// Parameters (§3.1.2) of an item or an inner list.
using parameters = ordered_map<bare_item>;

// An Item (§3.3): a bare item and its parameters.
struct item {
  bare_item value;
  parameters params;
  friend bool operator==(const item&, const item&) = default;
};

// An Inner List (§3.1.1): items, and the parameters of the list itself.
struct inner_list {
  std::vector<item> items;
  parameters params;
  friend bool operator==(const inner_list&, const inner_list&) = default;
};

// A member of a List or the value of a Dictionary member: an item or an inner list.
using member = std::variant<item, inner_list>;

// A List (§3.1).
using list = std::vector<member>;

// A Dictionary (§3.2).
using dictionary = ordered_map<member>;

// Bounds on what the parsers accept; the defaults are the minimums RFC 8941 requires a parser
// to support. Each bound exceeded fails with its own errc.
struct parse_options {
  std::size_t max_input_bytes = 32 * 1024;        // the field value (all lines, joined): sf_input_too_large
  std::size_t max_members = 1024;                 // list or dictionary members, repeats counted: sf_too_many_members
  std::size_t max_inner_list_items = 256;         // items of one inner list: sf_too_many_inner_list_items
  std::size_t max_parameters = 256;               // parameters of one item or inner list: sf_too_many_parameters
  std::size_t max_key_length = 64;                // characters of a key: sf_key_too_long
  std::size_t max_string_length = 1024;           // characters of a string, after unescaping: sf_string_too_long
  std::size_t max_token_length = 512;             // characters of a token: sf_token_too_long
  std::size_t max_byte_sequence_length = 16384;   // decoded bytes of a byte sequence: sf_byte_sequence_too_long
};

namespace detail_sf {
// The §4.2 parsing algorithms over one field value (impl/structured_field.ipp).
class parser;
// Appends the canonical text of parameters (§4.1.1.2); its errc when one cannot be written.
TESSERA_DECL errc append_parameters(std::string& out, const parameters& ps);
// Appends the canonical text of a byte sequence (§4.1.8).
TESSERA_DECL void append_byte_sequence(std::string& out, core::bytes_view b);
}  // namespace detail_sf

// Parses a field value as a List (RFC 8941 §4.2 with field_type "list").
TESSERA_DECL result<list> parse_list(std::string_view field, const parse_options& o = {}) noexcept;

// Parses a field value as a Dictionary (RFC 8941 §4.2 with field_type "dictionary").
TESSERA_DECL result<dictionary> parse_dictionary(std::string_view field, const parse_options& o = {}) noexcept;

// Parses a field value as an Item (RFC 8941 §4.2 with field_type "item").
TESSERA_DECL result<item> parse_item(std::string_view field, const parse_options& o = {}) noexcept;

// Parses the lines of a List field that arrived as several field lines, joined with ", ".
TESSERA_DECL result<list> parse_list_lines(std::span<const std::string_view> lines, const parse_options& o = {}) noexcept;

// Parses the lines of a Dictionary field that arrived as several field lines, joined with ", ".
TESSERA_DECL result<dictionary> parse_dictionary_lines(std::span<const std::string_view> lines,
                                                       const parse_options& o = {}) noexcept;

// Appends the canonical text of a List (§4.1.1) to out; on failure out is left as it was.
TESSERA_DECL result<void> append_list(std::string& out, const list& l) noexcept;

// Appends the canonical text of a Dictionary (§4.1.2) to out; on failure out is left as it was.
TESSERA_DECL result<void> append_dictionary(std::string& out, const dictionary& d) noexcept;

// Appends the canonical text of an Item (§4.1.3) to out; on failure out is left as it was.
TESSERA_DECL result<void> append_item(std::string& out, const item& it) noexcept;

// Appends the canonical text of an Inner List with its parameters (§4.1.1.1) to out; on failure
// out is left as it was.
TESSERA_DECL result<void> append_inner_list(std::string& out, const inner_list& il) noexcept;

// The canonical text of a List (§4.1.1); "" for an empty list.
TESSERA_DECL result<std::string> serialize_list(const list& l) noexcept;

// The canonical text of a Dictionary (§4.1.2); "" for an empty dictionary.
TESSERA_DECL result<std::string> serialize_dictionary(const dictionary& d) noexcept;

// The canonical text of an Item (§4.1.3).
TESSERA_DECL result<std::string> serialize_item(const item& it) noexcept;

// The canonical text of an Inner List with its parameters (§4.1.1.1), as RFC 9421 writes the
// value of "@signature-params".
TESSERA_DECL result<std::string> serialize_inner_list(const inner_list& il) noexcept;

}  // namespace tessera::request_signing::sf

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/impl/structured_field.ipp"
#endif
