#pragma once
// The element types of header containers, shared by every area that reads request headers from a
// container (webhook verification, API-key extraction): (name, value) pairs such as std::map's
// value_type, and {name, value} fields such as webhook::header; and the token syntax of header
// names and auth-schemes.

#include <string_view>
#include <utility>

namespace tessera::detail {

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

}  // namespace tessera::detail
