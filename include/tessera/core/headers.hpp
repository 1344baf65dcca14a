#pragma once
// Where every area reads request headers from: one concept, header_source, for the three shapes
// a host server hands headers in (a container of fields, an accessor function, a request object
// with .header(name)), and one lookup over all three that reports a name sent twice.
// Each area decides what a repeated name means for it (webhook: malformed_header; API key and
// credential headers: malformed_credentials); the lookup only says that it happened.

#include <concepts>
#include <cstddef>
#include <functional>
#include <optional>
#include <ranges>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tessera/core/ascii.hpp"
#include "tessera/core/result.hpp"

namespace tessera::core {

// True for an RFC 9110 §5.6.2 token (the syntax of a header name or an auth-scheme).
constexpr bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

// An element of a header container that is a (name, value) pair, e.g. std::map's value_type.
template <class T>
concept header_pair = requires(const T& p) {
  std::string_view(p.first);
  std::string_view(p.second);
};

// An element of a header container with .name and .value members, e.g. webhook::header.
template <class T>
concept header_field = requires(const T& h) {
  std::string_view(h.name);
  std::string_view(h.value);
};

// The name and value of either kind of element.
template <class T>
  requires header_field<T> || header_pair<T>
constexpr std::pair<std::string_view, std::string_view> name_and_value(const T& f) noexcept {
  if constexpr (header_field<T>) return {std::string_view(f.name), std::string_view(f.value)};
  else return {std::string_view(f.first), std::string_view(f.second)};
}

// A container of header fields: std::map, std::multimap, a vector of pairs, webhook::header_list...
template <class R>
concept header_range = std::ranges::input_range<const R> &&
                       (header_pair<std::ranges::range_value_t<const R>> ||
                        header_field<std::ranges::range_value_t<const R>>);

// A host's own header accessor: called with a header name, returns exactly
// std::optional<std::string_view> (a view into the request; an accessor returning owning strings
// is refused, as the view taken from its temporary would dangle).
template <class F>
concept header_function = std::is_invocable_v<const F&, std::string_view> &&
                          std::same_as<std::invoke_result_t<const F&, std::string_view>, std::optional<std::string_view>>;

// A request object whose .header(name) returns exactly std::optional<std::string_view> (the
// request views of the HTTP adapters; same rule on owning strings as header_function).
template <class O>
concept header_object = requires(const O& o, std::string_view name) {
  { o.header(name) } -> std::same_as<std::optional<std::string_view>>;
};

// Where a verifier reads request headers from.
// Rules: names match ASCII-case-insensitively. A header_range reports a name present more than
// once as repeated (the caller refuses it: no first-wins or last-wins ambiguity); a
// header_function or header_object applies its own policy for repeated fields (a server that
// folds them into "a, b" hands credential readers a value they refuse). Values are used exactly
// as given (no trimming or unfolding).
template <class H>
concept header_source = header_range<H> || header_function<H> || header_object<H>;

// What a lookup found for one name.
struct header_hit {
  std::optional<std::string_view> value;  // the header's value (the first, when repeated); nullopt when absent
  bool repeated = false;                  // present more than once (a header_range only)
};

// Looks several names up: one pass over a header_range, one call per name otherwise; out[i]
// answers names[i]. internal_error when an accessor throws.
template <header_source H>
result<void> find_headers(const H& source, std::span<const std::string_view> names, std::span<header_hit> out) noexcept {
  const std::size_t n = names.size() < out.size() ? names.size() : out.size();
  for (std::size_t i = 0; i < n; ++i) out[i] = header_hit{};
  if constexpr (header_function<H> || header_object<H>) {
    try {
      for (std::size_t i = 0; i < n; ++i) {
        if constexpr (header_function<H>) out[i].value = std::invoke(source, names[i]);
        else out[i].value = source.header(names[i]);
      }
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  } else {
    for (const auto& field : source) {
      const auto [name, value] = name_and_value(field);
      for (std::size_t i = 0; i < n; ++i) {
        if (name.size() != names[i].size() || !iequals(name, names[i])) continue;
        if (out[i].value) out[i].repeated = true;
        else out[i].value = value;
      }
    }
  }
  return ok();
}

// Looks one name up (see find_headers).
template <header_source H>
result<header_hit> find_header(const H& source, std::string_view name) noexcept {
  header_hit hit;
  if (auto r = find_headers(source, std::span<const std::string_view>(&name, 1), std::span<header_hit>(&hit, 1)); !r)
    return unexpected{r.error()};
  return hit;
}

}  // namespace tessera::core
