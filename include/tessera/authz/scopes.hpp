#pragma once
// Scope checks: a route demands scopes, a verified credential holds some (missing → 403).

#include <concepts>
#include <initializer_list>
#include <string_view>

#include "tessera/core/result.hpp"

namespace tessera::authz {

// Anything that can say whether it grants a scope (jwt::verified_token, an API-key record, ...).
// Rules: has_scope is exact, case-sensitive string equality on one scope; it never does prefix
// or wildcard matching, so "orders" never grants "orders:write".
template <class T>
concept scope_holder = requires(const T& t, std::string_view s) {
  { t.has_scope(s) } -> std::convertible_to<bool>;
};

// Succeeds when the holder has every scope listed; missing_scope (403) otherwise.
template <scope_holder T>
result<void> require_all_scopes(const T& holder, std::initializer_list<std::string_view> needed) noexcept {
  for (auto s : needed)
    if (!holder.has_scope(s)) return unexpected{errc::missing_scope};
  return core::ok();
}

// Succeeds when the holder has at least one of the scopes listed; missing_scope (403) otherwise.
template <scope_holder T>
result<void> require_any_scope(const T& holder, std::initializer_list<std::string_view> accepted) noexcept {
  for (auto s : accepted)
    if (holder.has_scope(s)) return core::ok();
  return unexpected{errc::missing_scope};
}

// True when s is one RFC 6749 §3.3 scope-token: 1*( %x21 / %x23-5B / %x5D-7E ), i.e. one or more
// visible ASCII characters other than '"' and '\\'. A space would split it into two scopes once
// it travels in a token's space-separated "scope" claim, so no scope may contain one.
constexpr bool valid_scope(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}

// Succeeds when every scope is a valid scope-token (valid_scope); invalid_scope (400) otherwise.
// Called wherever scopes enter: API-key issue, client registration, token claims, route declarations.
template <class Range>
result<void> validate_scopes(const Range& scopes) noexcept {
  for (const auto& s : scopes)
    if (!valid_scope(std::string_view(s))) return unexpected{errc::invalid_scope};
  return core::ok();
}

// True when a space-separated scope string (OAuth "scope") contains the scope exactly.
constexpr bool scope_string_has(std::string_view scopes, std::string_view scope) noexcept {
  std::size_t i = 0;
  while (i < scopes.size()) {
    while (i < scopes.size() && scopes[i] == ' ') ++i;
    std::size_t j = i;
    while (j < scopes.size() && scopes[j] != ' ') ++j;
    if (j > i && scopes.substr(i, j - i) == scope) return true;
    i = j;
  }
  return false;
}

}  // namespace tessera::authz
