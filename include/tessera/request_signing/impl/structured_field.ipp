#pragma once
// The bodies of request_signing/structured_field.hpp: the RFC 8941 parser and serializers (see
// TESSERA_DECL in config.hpp).

#include <algorithm>
#include <array>
#include <charconv>

#include "tessera/core/base64.hpp"
#include "tessera/request_signing/structured_field.hpp"

namespace tessera::request_signing::sf {

namespace detail_sf {

enum : std::uint8_t {
  c_digit = 1,       // DIGIT
  c_alpha = 2,       // ALPHA
  c_lcalpha = 4,     // lcalpha
  c_key = 8,         // lcalpha / DIGIT / "_" / "-" / "." / "*"
  c_token = 16,      // tchar / ":" / "/"
  c_b64 = 32,        // ALPHA / DIGIT / "+" / "/" / "="
  c_item_start = 64  // "-" / DIGIT / DQUOTE / ALPHA / "*" / ":" / "?"
};

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> t{};
  auto add = [&](std::string_view chars, std::uint8_t bits) {
    for (char c : chars) t[static_cast<unsigned char>(c)] |= bits;
  };
  constexpr std::string_view digits = "0123456789", lower = "abcdefghijklmnopqrstuvwxyz",
                             upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  add(digits, c_digit | c_key | c_token | c_b64 | c_item_start);
  add(lower, c_alpha | c_lcalpha | c_key | c_token | c_b64 | c_item_start);
  add(upper, c_alpha | c_token | c_b64 | c_item_start);
  add("_-.*", c_key);
  add("!#$%&'*+-.^_`|~:/", c_token);
  add("+/=", c_b64);
  add("-\"*:?", c_item_start);
  return t;
}
inline constexpr auto classes = make_classes();

constexpr bool has(char c, std::uint8_t bits) noexcept { return (classes[static_cast<unsigned char>(c)] & bits) != 0; }
constexpr bool is_key_start(char c) noexcept { return has(c, c_lcalpha) || c == '*'; }
constexpr bool is_token_start(char c) noexcept { return has(c, c_alpha) || c == '*'; }
// A character that may stand unescaped in a string (0x20-0x7E but DQUOTE and "\").
constexpr bool is_plain_string_char(char c) noexcept { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; }

// Merges the repeated keys of parsed entries as §4.2.2 step 2.4 and §4.2.3.2 step 2.7 do one
// at a time: a key keeps the position of its first entry and takes the value of its last.
// Quadratic only for a few entries; a sort of the keys otherwise, so that no field of many
// members costs more than n log n key comparisons.
template <class V>
void merge_repeated_keys(std::vector<std::pair<std::string, V>>& e) {
  const std::size_t n = e.size();
  if (n < 2) return;
  if (n <= 16) {  // the dropped entries in a bit mask: no allocation for the usual few entries
    std::uint32_t dropped = 0;
    for (std::size_t i = 1; i < n; ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if ((dropped >> j & 1u) == 0 && e[j].first == e[i].first) {
          e[j].second = std::move(e[i].second);
          dropped |= std::uint32_t{1} << i;
          break;
        }
      }
    }
    if (dropped == 0) return;
    std::size_t w = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if ((dropped >> i & 1u) != 0) continue;
      if (w != i) e[w] = std::move(e[i]);
      ++w;
    }
    e.resize(w);
    return;
  }
  std::vector<bool> drop(n, false);
  bool any = false;
  {
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return e[a].first < e[b].first; });
    for (std::size_t g = 0; g < n;) {
      std::size_t end = g + 1;
      while (end < n && e[order[end]].first == e[order[g]].first) ++end;
      if (end - g > 1) {  // order[g] is the first position, order[end - 1] the last
        e[order[g]].second = std::move(e[order[end - 1]].second);
        for (std::size_t k = g + 1; k < end; ++k) drop[order[k]] = true;
        any = true;
      }
      g = end;
    }
  }
  if (!any) return;
  std::size_t w = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (drop[i]) continue;
    if (w != i) e[w] = std::move(e[i]);
    ++w;
  }
  e.resize(w);
}

// The §4.2 parsing algorithms over one field value. Each step returns false after recording its
// errc; the position then means nothing.
class parser {
 public:
  parser(std::string_view in, const parse_options& o) noexcept : in_(in), o_(o) {}

  errc error() const noexcept { return err_; }
  bool at_end() const noexcept { return pos_ == in_.size(); }
  void skip_sp() noexcept {
    while (pos_ < in_.size() && in_[pos_] == ' ') ++pos_;
  }

  // §4.2.1
  bool parse_list(list& out) {
    while (!at_end()) {
      if (out.size() >= o_.max_members) return fail(errc::sf_too_many_members);
      out.emplace_back();
      if (!parse_member(out.back(), errc::sf_malformed_list)) return false;
      if (!after_member(errc::sf_malformed_list)) return false;
    }
    return true;
  }

  // §4.2.2
  bool parse_dictionary(dictionary& out) {
    auto& entries = out.entries_;
    std::string_view key;
    while (!at_end()) {
      if (entries.size() >= o_.max_members) return fail(errc::sf_too_many_members);
      if (!parse_key(key)) return false;
      auto& m = entries.emplace_back(std::string(key), member{}).second;
      if (peek() == '=') {
        ++pos_;
        if (!parse_member(m, errc::sf_malformed_dictionary)) return false;
      } else {
        auto& it = m.emplace<item>();
        it.value = true;
        if (!parse_parameters(it.params)) return false;
      }
      if (!after_member(errc::sf_malformed_dictionary)) return false;
    }
    merge_repeated_keys(entries);
    return true;
  }

  // §4.2.3: a bare item and its parameters; `absent` when no bare item starts here.
  bool parse_item(item& out, errc absent) {
    if (!has(peek(), c_item_start)) return fail(absent);
    return parse_bare_item(out.value) && parse_parameters(out.params);
  }

 private:
  // The next character, or '\0' at the end (no grammar rule accepts '\0').
  char peek() const noexcept { return pos_ < in_.size() ? in_[pos_] : '\0'; }
  bool fail(errc e) noexcept {
    err_ = e;
    return false;
  }
  void skip_ows() noexcept {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t')) ++pos_;
  }

  // The separator after a list or dictionary member (§4.2.1 steps 2.2-2.6, §4.2.2 steps 2.6-2.10).
  bool after_member(errc malformed) noexcept {
    skip_ows();
    if (at_end()) return true;
    if (in_[pos_] != ',') return fail(malformed);
    ++pos_;
    skip_ows();
    if (at_end()) return fail(malformed);  // trailing comma
    return true;
  }

  // §4.2.1.1
  bool parse_member(member& out, errc absent) {
    if (peek() == '(') return parse_inner_list(out.emplace<inner_list>());
    return parse_item(out.emplace<item>(), absent);
  }

  // §4.2.1.2
  bool parse_inner_list(inner_list& out) {
    ++pos_;  // "("
    while (!at_end()) {
      skip_sp();
      if (peek() == ')') {
        ++pos_;
        return parse_parameters(out.params);
      }
      if (out.items.size() >= o_.max_inner_list_items) return fail(errc::sf_too_many_inner_list_items);
      if (out.items.empty())
        out.items.reserve(std::min<std::size_t>(8, o_.max_inner_list_items));  // one allocation for a few
      out.items.emplace_back();
      if (!parse_item(out.items.back(), errc::sf_malformed_inner_list)) return false;
      if (peek() != ' ' && peek() != ')') return fail(errc::sf_malformed_inner_list);
    }
    return fail(errc::sf_malformed_inner_list);  // no ")"
  }

  // §4.2.3.2
  bool parse_parameters(parameters& out) {
    auto& entries = out.entries_;
    std::string_view key;
    while (peek() == ';') {
      ++pos_;
      if (entries.size() >= o_.max_parameters) return fail(errc::sf_too_many_parameters);
      skip_sp();
      if (!parse_key(key)) return false;
      if (entries.empty()) entries.reserve(std::min<std::size_t>(4, o_.max_parameters));  // one allocation for a few
      auto& value = entries.emplace_back(std::string(key), true).second;
      if (peek() == '=') {
        ++pos_;
        if (!has(peek(), c_item_start)) return fail(errc::sf_bad_parameter);
        if (!parse_bare_item(value)) return false;
      }
    }
    merge_repeated_keys(entries);
    return true;
  }

  // §4.2.3.3
  bool parse_key(std::string_view& out) noexcept {
    if (!is_key_start(peek())) return fail(errc::sf_bad_key);
    const std::size_t start = pos_;
    while (pos_ < in_.size() && has(in_[pos_], c_key)) {
      if (++pos_ - start > o_.max_key_length) return fail(errc::sf_key_too_long);
    }
    out = in_.substr(start, pos_ - start);
    return true;
  }

  // §4.2.3.1; the first character is one an item starts with.
  bool parse_bare_item(bare_item& out) {
    const char c = peek();
    if (c == '-' || has(c, c_digit)) return parse_number(out);
    if (c == '"') return parse_string(out.emplace<std::string>());
    if (c == ':') return parse_byte_sequence(out.emplace<byte_sequence>().value);
    if (c == '?') return parse_boolean(out);
    return parse_token(out.emplace<token>().value);
  }

  // §4.2.4
  bool parse_number(bare_item& out) noexcept {
    const bool negative = peek() == '-';
    if (negative) ++pos_;
    if (!has(peek(), c_digit)) return fail(errc::sf_bad_integer);
    std::int64_t whole = 0;
    std::size_t digits = 0;
    while (has(peek(), c_digit)) {
      if (++digits > 15) return fail(errc::sf_bad_integer);
      whole = whole * 10 + (in_[pos_++] - '0');
    }
    if (peek() != '.') {
      out = negative ? -whole : whole;
      return true;
    }
    if (digits > 12) return fail(errc::sf_bad_decimal);
    ++pos_;  // "."
    std::int64_t fraction = 0;
    std::size_t fraction_digits = 0;
    while (has(peek(), c_digit)) {
      if (++fraction_digits > 3) return fail(errc::sf_bad_decimal);
      fraction = fraction * 10 + (in_[pos_++] - '0');
    }
    if (fraction_digits == 0) return fail(errc::sf_bad_decimal);
    for (std::size_t i = fraction_digits; i < 3; ++i) fraction *= 10;
    const std::int64_t v = whole * 1000 + fraction;
    out = decimal{negative ? -v : v};
    return true;
  }

  // §4.2.5
  bool parse_string(std::string& out) {
    ++pos_;  // DQUOTE
    while (pos_ < in_.size()) {
      // The run of characters that stand for themselves, appended at once.
      std::size_t run = pos_;
      while (run < in_.size() && is_plain_string_char(in_[run])) ++run;
      if (out.size() + (run - pos_) > o_.max_string_length) return fail(errc::sf_string_too_long);
      out.append(in_.data() + pos_, run - pos_);
      pos_ = run;
      if (at_end()) break;
      const char c = in_[pos_++];
      if (c == '"') return true;
      if (c != '\\') return fail(errc::sf_bad_string);  // a control or non-ASCII byte
      const char next = peek();
      if (next != '"' && next != '\\') return fail(errc::sf_bad_string);
      ++pos_;
      if (out.size() + 1 > o_.max_string_length) return fail(errc::sf_string_too_long);
      out.push_back(next);
    }
    return fail(errc::sf_bad_string);  // no closing DQUOTE
  }

  // §4.2.6; the first character is ALPHA or "*".
  bool parse_token(std::string& out) {
    const std::size_t start = pos_++;
    while (pos_ < in_.size() && has(in_[pos_], c_token)) ++pos_;
    if (pos_ - start > o_.max_token_length) return fail(errc::sf_token_too_long);
    out.assign(in_.substr(start, pos_ - start));
    return true;
  }

  // §4.2.7, with strict padding and zero trailing bits.
  bool parse_byte_sequence(core::bytes& out) {
    ++pos_;  // ":"
    const std::size_t close = in_.find(':', pos_);
    if (close == std::string_view::npos) return fail(errc::sf_bad_byte_sequence);
    const std::string_view text = in_.substr(pos_, close - pos_);
    pos_ = close + 1;
    if (text.size() > core::base64_encoded_size(o_.max_byte_sequence_length))
      return fail(errc::sf_byte_sequence_too_long);
    auto size = core::base64_decoded_size(text);
    if (!size) return fail(errc::sf_bad_byte_sequence);
    if (*size > o_.max_byte_sequence_length) return fail(errc::sf_byte_sequence_too_long);
    out.resize(*size);
    if (!core::base64_decode_into(text, out)) return fail(errc::sf_bad_byte_sequence);
    return true;
  }

  // §4.2.8
  bool parse_boolean(bare_item& out) noexcept {
    ++pos_;  // "?"
    const char c = peek();
    if (c != '0' && c != '1') return fail(errc::sf_bad_boolean);
    ++pos_;
    out = c == '1';
    return true;
  }

  std::string_view in_;
  const parse_options& o_;
  std::size_t pos_ = 0;
  errc err_ = errc::none_;
};

// Runs one top-level parse (§4.2 steps 1-8): size bound, leading SP, the value, trailing SP,
// then the end of the text or `trailing`.
template <class T, class Step>
result<T> parse_field(std::string_view in, const parse_options& o, errc trailing, Step step) noexcept {
  if (in.size() > o.max_input_bytes) return unexpected{errc::sf_input_too_large};
  try {
    parser p(in, o);
    p.skip_sp();
    T out{};
    if (!step(p, out)) return unexpected{p.error()};
    p.skip_sp();
    if (!p.at_end()) return unexpected{trailing};
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

// The field lines joined as one value with ", " (RFC 8941 §4.2, RFC 9110 §5.3), or
// sf_input_too_large when that value would exceed max_input_bytes.
inline result<std::string> join_lines(std::span<const std::string_view> lines, const parse_options& o) noexcept {
  std::size_t total = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    total += lines[i].size() + (i == 0 ? 0 : 2);
    if (total > o.max_input_bytes) return unexpected{errc::sf_input_too_large};
  }
  try {
    std::string joined;
    joined.reserve(total);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i != 0) joined += ", ";
      joined += lines[i];
    }
    return joined;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

// §4.1.1.3
inline errc append_key(std::string& out, std::string_view key) {
  if (key.empty() || !is_key_start(key.front())) return errc::sf_bad_key;
  for (char c : key)
    if (!has(c, c_key)) return errc::sf_bad_key;
  out += key;
  return errc::none_;
}

// §4.1.4
inline errc append_integer(std::string& out, std::int64_t v) {
  if (v < -max_integer || v > max_integer) return errc::sf_bad_integer;
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
  return errc::none_;
}

// §4.1.5; thousandths are exact, so no rounding is needed.
inline errc append_decimal(std::string& out, decimal d) {
  if (d.thousandths < -max_integer || d.thousandths > max_integer) return errc::sf_bad_decimal;
  if (d.thousandths < 0) out += '-';
  const std::int64_t magnitude = d.thousandths < 0 ? -d.thousandths : d.thousandths;
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, magnitude / 1000);
  out.append(buf, r.ptr);
  out += '.';
  int fraction = static_cast<int>(magnitude % 1000);
  char digits[3] = {static_cast<char>('0' + fraction / 100), static_cast<char>('0' + fraction / 10 % 10),
                    static_cast<char>('0' + fraction % 10)};
  std::size_t n = 3;
  while (n > 1 && digits[n - 1] == '0') --n;  // "0" stays for a zero fraction
  out.append(digits, n);
  return errc::none_;
}

// §4.1.6
inline errc append_string(std::string& out, std::string_view s) {
  std::size_t escapes = 0;
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return errc::sf_bad_string;
    escapes += c == '"' || c == '\\';
  }
  out += '"';
  if (escapes == 0) {
    out += s;  // the common case: one copy
  } else {
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
  }
  out += '"';
  return errc::none_;
}

// §4.1.7
inline errc append_token(std::string& out, std::string_view t) {
  if (t.empty() || !is_token_start(t.front())) return errc::sf_bad_token;
  for (char c : t)
    if (!has(c, c_token)) return errc::sf_bad_token;
  out += t;
  return errc::none_;
}

// §4.1.8: padded base64, zero padding bits.
TESSERA_DECL void append_byte_sequence(std::string& out, core::bytes_view b) {
  out += ':';
  const std::size_t at = out.size();
  out.resize(at + core::base64_encoded_size(b.size()));
  core::detail_b64::encode(b, out.data() + at, core::detail_b64::std_alphabet, true);
  out += ':';
}

// §4.1.3.1
inline errc append_bare_item(std::string& out, const bare_item& v) {
  switch (v.index()) {
    case 0:
      return append_integer(out, *std::get_if<std::int64_t>(&v));
    case 1:
      return append_decimal(out, *std::get_if<decimal>(&v));
    case 2:
      return append_string(out, *std::get_if<std::string>(&v));
    case 3:
      return append_token(out, std::get_if<token>(&v)->value);
    case 4:
      append_byte_sequence(out, std::get_if<byte_sequence>(&v)->value);
      return errc::none_;
    case 5:
      out += *std::get_if<bool>(&v) ? "?1" : "?0";
      return errc::none_;
    default:
      return errc::internal_error;  // valueless after a failed assignment
  }
}

// §4.1.1.2
TESSERA_DECL errc append_parameters(std::string& out, const parameters& ps) {
  for (const auto& [key, value] : ps) {
    out += ';';
    if (errc e = append_key(out, key); e != errc::none_) return e;
    if (const bool* b = std::get_if<bool>(&value); b && *b) continue;
    out += '=';
    if (errc e = detail_sf::append_bare_item(out, value); e != errc::none_) return e;
  }
  return errc::none_;
}

// §4.1.3
inline errc append_item(std::string& out, const item& it) {
  if (errc e = detail_sf::append_bare_item(out, it.value); e != errc::none_) return e;
  return detail_sf::append_parameters(out, it.params);
}

// §4.1.1.1
inline errc append_inner_list(std::string& out, const inner_list& il) {
  out += '(';
  for (std::size_t i = 0; i < il.items.size(); ++i) {
    if (i != 0) out += ' ';
    if (errc e = detail_sf::append_item(out, il.items[i]); e != errc::none_) return e;
  }
  out += ')';
  return detail_sf::append_parameters(out, il.params);
}

// An item or an inner list.
inline errc append_member(std::string& out, const member& m) {
  if (const auto* il = std::get_if<inner_list>(&m)) return detail_sf::append_inner_list(out, *il);
  if (const auto* it = std::get_if<item>(&m)) return detail_sf::append_item(out, *it);
  return errc::internal_error;  // valueless after a failed assignment
}

// §4.1.1
inline errc append_list(std::string& out, const list& l) {
  for (std::size_t i = 0; i < l.size(); ++i) {
    if (i != 0) out += ", ";
    if (errc e = detail_sf::append_member(out, l[i]); e != errc::none_) return e;
  }
  return errc::none_;
}

// §4.1.2
inline errc append_dictionary(std::string& out, const dictionary& d) {
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i != 0) out += ", ";
    const auto& [key, m] = d[i];
    if (errc e = append_key(out, key); e != errc::none_) return e;
    const auto* it = std::get_if<item>(&m);
    if (const bool* b = it ? std::get_if<bool>(&it->value) : nullptr; b && *b) {
      if (errc e = detail_sf::append_parameters(out, it->params); e != errc::none_) return e;
      continue;
    }
    out += '=';
    if (errc e = detail_sf::append_member(out, m); e != errc::none_) return e;
  }
  return errc::none_;
}

// Appends with f, leaving out as it was when f fails.
template <class F>
result<void> append_or_restore(std::string& out, F f) noexcept {
  const std::size_t size = out.size();
  try {
    if (errc e = f(); e != errc::none_) {
      out.resize(size);
      return unexpected{e};
    }
    return core::ok();
  } catch (...) {
    out.resize(size);
    return unexpected{errc::internal_error};
  }
}

// Serializes with f into a new string.
template <class F>
result<std::string> serialize_with(F f) noexcept {
  try {
    std::string out;
    if (errc e = f(out); e != errc::none_) return unexpected{e};
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

}  // namespace detail_sf

TESSERA_DECL result<list> parse_list(std::string_view field, const parse_options& o) noexcept {
  return detail_sf::parse_field<list>(field, o, errc::sf_malformed_list,
                                      [](detail_sf::parser& p, list& out) { return p.parse_list(out); });
}

TESSERA_DECL result<dictionary> parse_dictionary(std::string_view field, const parse_options& o) noexcept {
  return detail_sf::parse_field<dictionary>(
      field, o, errc::sf_malformed_dictionary,
      [](detail_sf::parser& p, dictionary& out) { return p.parse_dictionary(out); });
}

TESSERA_DECL result<item> parse_item(std::string_view field, const parse_options& o) noexcept {
  return detail_sf::parse_field<item>(field, o, errc::sf_malformed_item, [](detail_sf::parser& p, item& out) {
    return p.parse_item(out, errc::sf_malformed_item);
  });
}

TESSERA_DECL result<list> parse_list_lines(std::span<const std::string_view> lines, const parse_options& o) noexcept {
  auto joined = detail_sf::join_lines(lines, o);
  if (!joined) return unexpected{joined.error()};
  return parse_list(*joined, o);
}

TESSERA_DECL result<dictionary> parse_dictionary_lines(std::span<const std::string_view> lines,
                                                       const parse_options& o) noexcept {
  auto joined = detail_sf::join_lines(lines, o);
  if (!joined) return unexpected{joined.error()};
  return parse_dictionary(*joined, o);
}

TESSERA_DECL result<void> append_list(std::string& out, const list& l) noexcept {
  return detail_sf::append_or_restore(out, [&] { return detail_sf::append_list(out, l); });
}

TESSERA_DECL result<void> append_dictionary(std::string& out, const dictionary& d) noexcept {
  return detail_sf::append_or_restore(out, [&] { return detail_sf::append_dictionary(out, d); });
}

TESSERA_DECL result<void> append_item(std::string& out, const item& it) noexcept {
  return detail_sf::append_or_restore(out, [&] { return detail_sf::append_item(out, it); });
}

TESSERA_DECL result<void> append_inner_list(std::string& out, const inner_list& il) noexcept {
  return detail_sf::append_or_restore(out, [&] { return detail_sf::append_inner_list(out, il); });
}

TESSERA_DECL result<std::string> serialize_list(const list& l) noexcept {
  return detail_sf::serialize_with([&](std::string& out) { return detail_sf::append_list(out, l); });
}

TESSERA_DECL result<std::string> serialize_dictionary(const dictionary& d) noexcept {
  return detail_sf::serialize_with([&](std::string& out) { return detail_sf::append_dictionary(out, d); });
}

TESSERA_DECL result<std::string> serialize_item(const item& it) noexcept {
  return detail_sf::serialize_with([&](std::string& out) { return detail_sf::append_item(out, it); });
}

TESSERA_DECL result<std::string> serialize_inner_list(const inner_list& il) noexcept {
  return detail_sf::serialize_with([&](std::string& out) { return detail_sf::append_inner_list(out, il); });
}

}  // namespace tessera::request_signing::sf
