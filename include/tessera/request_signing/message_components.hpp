#pragma once
// RFC 9421 message components and the signature base: component identifiers (§2), the values
// of derived components (§2.2) and of header fields with their `sf`, `key` and `bs` parameters
// (§2.1), and the signature base with its "@signature-params" line (§2.3, §2.5).
//
// Strict, as §2.5 requires: a component covered twice, an unknown derived component, a field
// name that is not lower case, an unknown or misplaced parameter, and a component the message
// does not hold each fail with their own errc, and no base comes out. The `req` and `tr`
// parameters (request components in a signed response, trailers) are refused: tessera signs and
// verifies one message at a time, from its header section.
//
// A message is any type with the members below (message_view): a server's request view
// (request_signing::request_view, e.g. adapters::httplib::request), request_signing::request,
// httpsig::response, or a struct of views written for the occasion.

#include <algorithm>
#include <array>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/headers.hpp"
#include "tessera/request_signing/detail/message_components.hpp"
#include "tessera/request_signing/profile.hpp"
#include "tessera/request_signing/request.hpp"
#include "tessera/request_signing/structured_field.hpp"

namespace tessera::request_signing::httpsig {

// The top-level type of a structured field (RFC 8941 §3), for the `sf` and `key` parameters.
enum class field_type { item, list, dictionary };

// The type of a structured field tessera knows by name (lower case), or nullopt: the RFC 9421
// and RFC 9530 fields (Signature-Input, Signature, Accept-Signature, Content-Digest, Repr-Digest,
// Want-Content-Digest, Want-Repr-Digest: Dictionaries), Priority (RFC 9218, Dictionary),
// Cache-Status and Proxy-Status (RFC 9211, RFC 9209: Lists), Client-Cert (RFC 9440, Item) and
// Client-Cert-Chain (RFC 9440, List).
constexpr std::optional<field_type> known_field_type(std::string_view name) noexcept {
  constexpr std::string_view dictionaries[] = {"signature-input", "signature", "accept-signature",
                                               "content-digest",  "repr-digest", "want-content-digest",
                                               "want-repr-digest", "priority"};
  for (auto d : dictionaries)
    if (name == d) return field_type::dictionary;
  if (name == "cache-status" || name == "proxy-status" || name == "client-cert-chain") return field_type::list;
  if (name == "client-cert") return field_type::item;
  return std::nullopt;
}

// The signature context signer and verifier share (RFC 9421 §2): what a message does not say.
struct context {
  // @scheme (and the scheme of @target-uri and of the @authority default port) for messages
  // without a scheme() member: what the server is reached by.
  std::string scheme{"https"};
  // Structured fields the application knows besides known_field_type()'s (lower-case names):
  // what the `sf` parameter re-serializes.
  std::vector<std::pair<std::string, field_type>> structured_fields{};
};

// A component identifier (RFC 9421 §2): a component name and its parameters, e.g. "@method",
// "content-digest", `"@query-param";name="id"` or `"example-dict";key="a"`.
class component {
 public:
  // A component without parameters; a field name is lower-cased ("Content-Type" names
  // "content-type"), a derived name ("@method") is kept. Not checked until used.
  component(std::string_view name) : item_{std::string(name), {}} {
    auto& n = std::get<std::string>(item_.value);
    if (n.empty() || n.front() != '@')
      for (char& c : n)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  // A component without parameters, from a C string.
  component(const char* name) : component(std::string_view(name)) {}
  // A component without parameters, from a string.
  component(const std::string& name) : component(std::string_view(name)) {}

  // The component a serialized identifier names (an RFC 8941 String item with parameters, e.g.
  // `"@query-param";name="id"`), checked as a covered component is. Errors: the sf_* causes, and
  // those of check().
  static result<component> parse(std::string_view text) noexcept;
  // The component an RFC 8941 item names, checked (see check()).
  static result<component> from_item(sf::item it) noexcept;
  // `"@query-param";name="<encoded name>"` (§2.2.8); the name as it appears once encoded
  // ("a b" is "a%20b").
  static component query_param(std::string_view encoded_name);
  // `"<field>";key="<key>"`: one member of a Dictionary field (§2.1.2).
  static component dictionary_member(std::string_view field, std::string_view key);
  // `"<field>";sf`: a structured field, strictly re-serialized (§2.1.1).
  static component structured(std::string_view field);
  // `"<field>";bs`: each field line wrapped as a Byte Sequence (§2.1.3).
  static component byte_sequences(std::string_view field);

  // The component name ("@method", "content-type").
  std::string_view name() const noexcept { return std::get<std::string>(item_.value); }
  // The parameters, in their order.
  const sf::parameters& params() const noexcept { return item_.params; }
  // The identifier as an RFC 8941 item (a String with parameters).
  const sf::item& item() const noexcept { return item_; }
  // True for a derived component ("@...").
  bool derived() const noexcept { return !name().empty() && name().front() == '@'; }
  // Checks the identifier as a covered component (§2.5 step 2.4). Errors:
  // httpsig_unknown_component, httpsig_bad_component_parameter.
  result<void> check() const noexcept;
  // The serialized identifier (`"@query-param";name="id"`), as the signature base writes it.
  std::string to_string() const;

  // The same component: the same name and parameters, whatever the parameters' order (§2).
  friend bool operator==(const component& a, const component& b) noexcept {
    return detail::same_identifier(a.item_, b.item_);
  }

 private:
  component(sf::item it, int) : item_(std::move(it)) {}
  sf::item item_;
};

// What the signature base reads from an HTTP message. Required:
//  - header(name): the value of the field whose name equals `name` ASCII-case-insensitively,
//    or nullopt; a field sent in several lines must come back as its lines combined with ", "
//    (RFC 9110 §5.3), as adapters::httplib::request does, unless the type has headers().
// Optional, each used when present:
//  - headers(): every field line in order, as a range of {name, value} elements or
//    (name, value) pairs; then field values are combined here, line by line (§2.1), and the
//    `bs` parameter sees each line (through header() alone a combined value is one line);
//  - method(), path(), query(): the request's method, raw path (still percent-encoded, no
//    query) and raw query (no "?"), as request_signing::request_view defines them;
//  - authority(): host[:port] of the target URI; without it the Host header is used (HTTP/1.1;
//    an HTTP/2 or HTTP/3 adapter should supply :authority here);
//  - scheme(): "https" or "http"; without it context::scheme;
//  - target_uri(), request_target(): the absolute target URI and the request-target as
//    received, when they cannot be rebuilt from scheme, authority, path and query (absolute-form,
//    authority-form or asterisk-form request lines);
//  - status(): the status code of a response; a message without it is a request;
//  - body(): the content, for checking Content-Digest.
// Every member is noexcept and returns views that stay valid while a call runs.
template <class M>
concept message_view = requires(const M& m, std::string_view name) {
  { m.header(name) } noexcept -> std::same_as<std::optional<std::string_view>>;
};

// An owning HTTP response: what a server signs before sending it, and what a client checks.
class response {
 public:
  // A response with a status code and content.
  explicit response(int status = 200, std::string body = {}) : status_(status), body_(std::move(body)) {}

  // The status code.
  int status() const noexcept { return status_; }
  // The content bytes.
  core::bytes_view body() const noexcept { return core::bytes_view(std::string_view(body_)); }
  // The first field line of this name (ASCII case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const noexcept;
  // Every field line, in order.
  const std::vector<request::header_field>& headers() const noexcept { return headers_; }

  // Appends a field line, keeping the lines of the same name already there.
  response& add_header(std::string_view name, std::string_view value) {
    headers_.push_back({std::string(name), std::string(value)});
    return *this;
  }
  // Sets a field, replacing every line of the same name.
  response& set_header(std::string_view name, std::string_view value) {
    remove_header(name);
    return add_header(name, value);
  }
  // Removes every line of this name.
  response& remove_header(std::string_view name) {
    std::erase_if(headers_, [&](const request::header_field& h) { return core::iequals(h.name, name); });
    return *this;
  }
  // Sets every header a signer produced, replacing lines of the same names.
  response& apply(const signed_headers& h) {
    for (const auto& f : h) set_header(f.name, f.value);
    return *this;
  }

 private:
  int status_;
  std::string body_;
  std::vector<request::header_field> headers_;
};
static_assert(message_view<response>);
static_assert(message_view<request>);

// A field line that stands in for every line of the same name in a message while a base is
// built: what a signer is about to add (its Content-Digest) is signed as it will be sent.
struct field_line {
  std::string_view name;   // the field name (matched ASCII-case-insensitively)
  std::string_view value;  // the field value
};

namespace detail {

// A message whose headers() lists every field line.
template <class M>
concept lists_headers = requires(const M& m) {
  m.headers().begin();
  m.headers().end();
  requires core::header_field<std::remove_cvref_t<decltype(*m.headers().begin())>> ||
               core::header_pair<std::remove_cvref_t<decltype(*m.headers().begin())>>;
};

// Calls f(value) for every field line named `name`, in message order; lines of that name among
// `over` replace the message's. Returns the number of lines.
template <message_view M, class F>
std::size_t for_each_line(const M& m, std::span<const field_line> over, std::string_view name, F&& f) {
  std::size_t n = 0;
  for (const auto& o : over)
    if (core::iequals(o.name, name)) {
      f(o.value);
      ++n;
    }
  if (n != 0) return n;
  if constexpr (lists_headers<M>) {
    for (const auto& h : m.headers()) {
      const auto [k, v] = core::name_and_value(h);
      if (core::iequals(k, name)) {
        f(v);
        ++n;
      }
    }
  } else {
    if (auto v = m.header(name)) {
      f(*v);
      ++n;
    }
  }
  return n;
}

// The raw value of a field, its lines combined with ", " (in `buf` when there are several), or
// nullopt when absent.
template <message_view M>
std::optional<std::string_view> raw_field(const M& m, std::span<const field_line> over, std::string_view name,
                                          std::string& buf) {
  std::optional<std::string_view> first;
  std::size_t n = 0;
  for_each_line(m, over, name, [&](std::string_view v) {
    if (n++ == 0) {
      first = v;
      return;
    }
    if (n == 2) buf.assign(*first);
    buf += ", ";
    buf += v;
  });
  if (n > 1) return std::string_view(buf);
  return first;
}

// The request's method, or nullopt (a response, or no method).
template <class M>
std::optional<std::string_view> method_of(const M& m) noexcept {
  if constexpr (requires { { m.method() } -> std::convertible_to<std::string_view>; }) {
    const std::string_view v = m.method();
    if (!v.empty()) return v;
  }
  return std::nullopt;
}
// The request's raw path, or nullopt for a response.
template <class M>
std::optional<std::string_view> path_of(const M& m) noexcept {
  if constexpr (requires { { m.path() } -> std::convertible_to<std::string_view>; }) {
    if constexpr (requires { { m.status() } -> std::convertible_to<int>; }) return std::nullopt;
    else return std::string_view(m.path());
  }
  return std::nullopt;
}
// The request's raw query, or nullopt for a response.
template <class M>
std::optional<std::string_view> query_of(const M& m) noexcept {
  if constexpr (requires { { m.query() } -> std::convertible_to<std::string_view>; }) {
    if constexpr (requires { { m.status() } -> std::convertible_to<int>; }) return std::nullopt;
    else return std::string_view(m.query());
  }
  return std::nullopt;
}
// The response's status code, or nullopt for a request.
template <class M>
std::optional<int> status_of(const M& m) noexcept {
  if constexpr (requires { { m.status() } -> std::convertible_to<int>; }) return static_cast<int>(m.status());
  return std::nullopt;
}

// Appends the lower-cased scheme: the message's, or the context's.
template <class M>
bool append_message_scheme(std::string& out, const M& m, const context& ctx) {
  if constexpr (requires { { m.scheme() } -> std::convertible_to<std::string_view>; })
    return append_scheme(out, std::string_view(m.scheme()));
  else return append_scheme(out, ctx.scheme);
}

// Appends the normalized authority: the message's authority(), or its one Host field line.
template <class M>
result<void> append_message_authority(std::string& out, const M& m, std::span<const field_line> over,
                                      const context& ctx) {
  std::string scheme;
  if (!append_message_scheme(scheme, m, ctx)) return unexpected{errc::httpsig_malformed_component};
  std::optional<std::string_view> a;
  if constexpr (requires { { m.authority() } -> std::convertible_to<std::string_view>; }) {
    a = std::string_view(m.authority());
  } else {
    if (status_of(m)) return unexpected{errc::httpsig_missing_component};  // responses have none
    std::size_t n = 0;
    for_each_line(m, over, "host", [&](std::string_view v) {
      ++n;
      a = v;
    });
    if (n > 1) return unexpected{errc::httpsig_malformed_component};
    if (a) {
      while (!a->empty() && (a->front() == ' ' || a->front() == '\t')) a->remove_prefix(1);
      while (!a->empty() && (a->back() == ' ' || a->back() == '\t')) a->remove_suffix(1);
    }
  }
  if (!a || a->empty()) return unexpected{errc::httpsig_missing_component};
  if (!append_authority(out, *a, scheme)) return unexpected{errc::httpsig_malformed_component};
  return core::ok();
}

// The type of a field for `sf` and `key`: the context's, else known_field_type()'s.
TESSERA_DECL std::optional<field_type> type_of(std::string_view name, const context& ctx) noexcept;

// Appends the value of a header field component (§2.1, §2.1.1-§2.1.3).
template <message_view M>
result<void> append_field_value(std::string& out, const M& m, std::span<const field_line> over, std::string_view name,
                                const sf::parameters& params, const context& ctx) {
  bool bad = false;
  if (flag_set(params, "bs")) {
    std::string line;
    std::size_t n = 0;
    for_each_line(m, over, name, [&](std::string_view v) {
      line.clear();
      if (!append_field_line(line, v, true)) bad = true;
      if (n++ != 0) out += ", ";
      sf::detail_sf::append_byte_sequence(out, core::bytes_view(std::string_view(line)));
    });
    if (n == 0) return unexpected{errc::httpsig_missing_component};
    if (bad) return unexpected{errc::httpsig_malformed_component};
    return core::ok();
  }
  const std::string* key = string_param(params, "key");
  const bool strict = flag_set(params, "sf");
  std::string combined;
  std::string& value = key || strict ? combined : out;
  std::size_t n = 0;
  for_each_line(m, over, name, [&](std::string_view v) {
    if (n++ != 0) value += ", ";
    if (!append_field_line(value, v)) bad = true;
  });
  if (n == 0) return unexpected{errc::httpsig_missing_component};
  if (bad) return unexpected{errc::httpsig_malformed_component};
  if (!key && !strict) return core::ok();

  const auto type = type_of(name, ctx);
  if (key) {
    if (type && *type != field_type::dictionary) return unexpected{errc::httpsig_bad_component_parameter};
    auto dict = sf::parse_dictionary(combined);
    if (!dict) return unexpected{errc::httpsig_malformed_component};
    const sf::member* mem = dict->find(*key);
    if (!mem) return unexpected{errc::httpsig_missing_component};
    auto r = std::holds_alternative<sf::item>(*mem) ? sf::append_item(out, std::get<sf::item>(*mem))
                                                     : sf::append_inner_list(out, std::get<sf::inner_list>(*mem));
    if (!r) return unexpected{errc::httpsig_malformed_component};
    return core::ok();
  }
  if (!type) return unexpected{errc::httpsig_bad_component_parameter};
  result<void> r = core::ok();
  switch (*type) {
    case field_type::item: {
      auto v = sf::parse_item(combined);
      r = v ? sf::append_item(out, *v) : result<void>(unexpected{v.error()});
      break;
    }
    case field_type::list: {
      auto v = sf::parse_list(combined);
      r = v ? sf::append_list(out, *v) : result<void>(unexpected{v.error()});
      break;
    }
    case field_type::dictionary: {
      auto v = sf::parse_dictionary(combined);
      r = v ? sf::append_dictionary(out, *v) : result<void>(unexpected{v.error()});
      break;
    }
  }
  if (!r) return unexpected{errc::httpsig_malformed_component};
  return core::ok();
}

// Appends the value of a checked component identifier (§2.1, §2.2): its name, its parameters
// and what check_identifier() found it names.
template <message_view M>
result<void> append_value(std::string& out, const M& m, std::span<const field_line> over, std::string_view name,
                          const sf::parameters& params, derived d, const context& ctx) {
  if (d == derived::none) return append_field_value(out, m, over, name, params, ctx);
  const std::size_t start = out.size();
  const auto path = path_of(m);
  const auto query = query_of(m);
  switch (d) {
    case derived::method: {
      const auto v = method_of(m);
      if (!v || status_of(m)) return unexpected{errc::httpsig_missing_component};
      out += *v;
      break;
    }
    case derived::scheme:
      if (status_of(m)) return unexpected{errc::httpsig_missing_component};
      if (!append_message_scheme(out, m, ctx)) return unexpected{errc::httpsig_malformed_component};
      break;
    case derived::authority:
      if (auto r = append_message_authority(out, m, over, ctx); !r) return r;
      break;
    case derived::target_uri:
      if constexpr (requires { { m.target_uri() } -> std::convertible_to<std::string_view>; }) {
        out += std::string_view(m.target_uri());
      } else {
        if (!path) return unexpected{errc::httpsig_missing_component};
        if (!append_message_scheme(out, m, ctx)) return unexpected{errc::httpsig_malformed_component};
        out += "://";
        if (auto r = append_message_authority(out, m, over, ctx); !r) return r;
        out += path->empty() ? std::string_view("/") : *path;
        if (query && !query->empty()) {
          out += '?';
          out += *query;
        }
      }
      break;
    case derived::request_target:
      if constexpr (requires { { m.request_target() } -> std::convertible_to<std::string_view>; }) {
        out += std::string_view(m.request_target());
      } else {
        if (!path) return unexpected{errc::httpsig_missing_component};
        out += path->empty() ? std::string_view("/") : *path;
        if (query && !query->empty()) {
          out += '?';
          out += *query;
        }
      }
      break;
    case derived::path:
      if (!path) return unexpected{errc::httpsig_missing_component};
      out += path->empty() ? std::string_view("/") : *path;
      break;
    case derived::query:
      if (!query) return unexpected{errc::httpsig_missing_component};
      out += '?';
      out += *query;
      break;
    case derived::query_param:
      if (!query) return unexpected{errc::httpsig_missing_component};
      if (auto r = append_query_param(out, *query, *string_param(params, "name")); !r) return r;
      break;
    case derived::status: {
      const auto s = status_of(m);
      if (!s) return unexpected{errc::httpsig_missing_component};
      if (*s < 100 || *s > 999) return unexpected{errc::httpsig_malformed_component};
      char buf[4];
      std::to_chars(buf, buf + 3, *s);
      out.append(buf, 3);
      break;
    }
    case derived::none:
      break;
  }
  if (!derived_value_ok(std::string_view(out).substr(start))) return unexpected{errc::httpsig_malformed_component};
  return core::ok();
}

}  // namespace detail

// Appends the value of one component of a message (§2.1, §2.2), e.g. "POST" for "@method" or
// "?1" for `"example-dict";key="d"`; `over` stands in for field lines of the same names. Errors:
// httpsig_unknown_component, httpsig_bad_component_parameter, httpsig_missing_component,
// httpsig_ambiguous_component, httpsig_malformed_component; on failure out is left as it was.
template <message_view M>
result<void> append_component_value(std::string& out, const M& msg, const component& c, const context& ctx = {},
                                    std::span<const field_line> over = {}) noexcept {
  const std::size_t size = out.size();
  try {
    auto d = detail::check_identifier(c.item());
    auto r = d ? detail::append_value(out, msg, over, c.name(), c.params(), *d, ctx) : result<void>(unexpected{d.error()});
    if (!r) out.resize(size);
    return r;
  } catch (...) {
    out.resize(size);
    return unexpected{errc::internal_error};
  }
}

// The value of one component of a message (see append_component_value()).
template <message_view M>
result<std::string> component_value(const M& msg, const component& c, const context& ctx = {}) noexcept {
  try {
    std::string out;
    if (auto r = append_component_value(out, msg, c, ctx); !r) return unexpected{r.error()};
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

// The Signature-Input member of a signature (§2.3, §4.1): the covered components as an Inner
// List of Strings, in order, with the signature parameters (created, expires, nonce, alg, keyid,
// tag) in the order given.
TESSERA_DECL sf::inner_list signature_input(std::span<const component> components, sf::parameters params = {});

// Appends the signature base (§2.5) of a message for one signature: for each covered component
// in order, its identifier, ": ", its value and LF, then the line
//   "@signature-params": <the Inner List with its parameters, serialized (§2.3)>
// with no LF after it. `over` stands in for field lines of the same names (a signer's added
// Content-Digest). Errors: httpsig_malformed_signature_input (an item that is not a String, a
// parameter that cannot be serialized), httpsig_duplicate_component, and those of
// append_component_value(); on failure out is left as it was.
template <message_view M>
result<void> append_signature_base(std::string& out, const M& msg, const sf::inner_list& input,
                                   const context& ctx = {}, std::span<const field_line> over = {}) noexcept {
  const std::size_t size = out.size();
  auto fail = [&](errc e) -> result<void> {
    out.resize(size);
    return unexpected{e};
  };
  try {
    const auto& items = input.items;
    // Where each identifier was written, so that the last line copies them rather than
    // serializing them again (up to 64 components; more are serialized again).
    std::array<std::pair<std::size_t, std::size_t>, 64> ids;
    for (std::size_t i = 0; i < items.size(); ++i) {
      auto d = detail::check_identifier(items[i]);
      if (!d) return fail(d.error());
      for (std::size_t j = 0; j < i; ++j)
        if (detail::same_identifier(items[i], items[j])) return fail(errc::httpsig_duplicate_component);
      // A checked name is a derived name or a lowercase token: no character a String escapes.
      const std::size_t at = out.size();
      out += '"';
      out += std::get<std::string>(items[i].value);
      out += '"';
      if (sf::detail_sf::append_parameters(out, items[i].params) != errc::none_)
        return fail(errc::httpsig_malformed_signature_input);
      if (i < ids.size()) ids[i] = {at, out.size() - at};
      out += ": ";
      if (auto r = detail::append_value(out, msg, over, std::get<std::string>(items[i].value), items[i].params, *d, ctx);
          !r)
        return fail(r.error());
      out += '\n';
    }
    out += "\"@signature-params\": ";
    if (items.size() > ids.size()) {
      if (!sf::append_inner_list(out, input)) return fail(errc::httpsig_malformed_signature_input);
      return core::ok();
    }
    std::size_t list_size = 2;
    for (std::size_t i = 0; i < items.size(); ++i) list_size += ids[i].second + 1;
    out.reserve(out.size() + list_size);  // no reallocation while out copies from itself
    out += '(';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i != 0) out += ' ';
      out.append(out.data() + ids[i].first, ids[i].second);
    }
    out += ')';
    if (sf::detail_sf::append_parameters(out, input.params) != errc::none_)
      return fail(errc::httpsig_malformed_signature_input);
    return core::ok();
  } catch (...) {
    return fail(errc::internal_error);
  }
}

// The signature base of a message for one signature (see append_signature_base()).
template <message_view M>
result<std::string> signature_base(const M& msg, const sf::inner_list& input, const context& ctx = {}) noexcept {
  try {
    std::string out;
    if (auto r = append_signature_base(out, msg, input, ctx); !r) return unexpected{r.error()};
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

}  // namespace tessera::request_signing::httpsig

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/impl/message_components.ipp"
#endif
