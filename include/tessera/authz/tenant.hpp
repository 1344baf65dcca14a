#pragma once
// Tenant binding: a path like /v2/orgs/{orgId}/stock must name the tenant the credential belongs to,
// and must be in normal form, so that it names the same resource here and in any router behind.

#include <cstddef>
#include <optional>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/result.hpp"

namespace tessera::authz {

class path_params;
namespace detail {
// match_path's work, captures written into `out` (which starts empty): errc::none_ on a match.
constexpr errc match_path_into(std::string_view pattern, std::string_view path, path_params& out) noexcept;
}  // namespace detail

// Up to eight named parameters captured from a path.
class path_params {
 public:
  // The value captured for {name}, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  // Number of captured parameters.
  std::size_t size() const noexcept { return n_; }

  // No captures. The slots are left unwritten: only the first size() of them are ever read.
  constexpr path_params() noexcept {}
  // Copies the captures (only the slots in use).
  constexpr path_params(const path_params& o) noexcept { *this = o; }
  // Replaces the captures with a copy of another's (only the slots in use).
  constexpr path_params& operator=(const path_params& o) noexcept {
    n_ = o.n_;
    for (std::size_t i = 0; i < n_; ++i) slots_[i] = o.slots_[i];
    return *this;
  }

  // Most captures a pattern may hold.
  static constexpr std::size_t capacity = 8;

 private:
  friend constexpr errc detail::match_path_into(std::string_view, std::string_view, path_params&) noexcept;
  // One capture: the name and the value, as pointers and sizes (a plain type, so that a
  // path_params on the stack costs nothing to create).
  struct slot {
    const char* name;
    std::size_t name_size;
    const char* value;
    std::size_t value_size;
  };
  slot slots_[capacity];
  std::size_t n_ = 0;
};

// True when a path is in normal form: no "." or ".." segment, no empty segment except a single
// trailing slash (a segment's ";params" set aside, as servlet containers do: "..;x" is ".."), no
// backslash, and no percent-encoded '.', '/' or '\' (%2e, %2f, %5c in either case) nor %c0 / %c1
// (lead bytes of their overlong UTF-8 forms). A router that normalises paths, or decodes them before
// routing, would send any other path elsewhere than the segments it spells.
constexpr bool normal_path(std::string_view path) noexcept {
  // Most paths hold none of '%', '\\', '.', ';' nor an empty segment ("//"): then every segment
  // is a plain name and the path is normal, which one pass without calls tells.
  bool plain = true;
  for (std::size_t i = 0; i < path.size() && plain; ++i) {
    const char c = path[i];
    plain = c != '%' && c != '\\' && c != '.' && c != ';' && !(c == '/' && i + 1 < path.size() && path[i + 1] == '/');
  }
  if (plain) return true;
  std::size_t start = 0;  // where the current segment begins
  for (std::size_t i = 0; i <= path.size(); ++i) {
    const char c = i < path.size() ? path[i] : '/';  // a '/' past the end closes the last segment
    if (c == '\\') return false;
    if (c == '%')
      for (std::string_view bad : {"2e", "2f", "5c", "c0", "c1"})
        if (core::iequals(path.substr(i + 1, 2), bad)) return false;
    if (c != '/') continue;
    if (i > 0) {
      const auto seg = path.substr(start, i - start);
      const auto name = seg.substr(0, seg.find(';'));
      const bool trailing_slash = seg.empty() && i == path.size();
      if ((name.empty() && !trailing_slash) || name == "." || name == "..") return false;
    }
    start = i + 1;
  }
  return true;
}

namespace detail {
constexpr errc match_path_into(std::string_view pattern, std::string_view path, path_params& out) noexcept {
  std::size_t pi = 0, si = 0;
  // The segment after position i (past one leading '/'), built from its pointer and size: a
  // substr would be an out-of-line call whose checked result is then reloaded.
  auto next = [](std::string_view s, std::size_t& i) {
    if (i < s.size() && s[i] == '/') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != '/') ++j;
    const std::string_view seg(s.data() + i, j - i);
    i = j;
    return seg;
  };
  if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return errc::forbidden;
  if (!normal_path(path)) return errc::malformed_path;
  while (pi < pattern.size()) {
    auto p = next(pattern, pi);
    if (p == "*" && pi == pattern.size()) return errc::none_;
    if (si >= path.size()) return errc::forbidden;
    auto s = next(path, si);
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
      if (s.empty() || s.find('%') != std::string_view::npos) return errc::forbidden;
      if (out.n_ == path_params::capacity) return errc::invalid_argument;
      out.slots_[out.n_++] = {p.data() + 1, p.size() - 2, s.data(), s.size()};
    } else if (p != s) {
      return errc::forbidden;
    }
  }
  if (si != path.size()) return errc::forbidden;
  return errc::none_;
}
}  // namespace detail

// Matches a path against a pattern of literal segments, {name} captures and an optional final
// "*" (any rest). The whole path, the rest a "*" takes included, must be in normal form
// (normal_path). Captures must be non-empty and may not contain '%' (an encoded character is never
// a tenant id). A trailing slash is matched literally: "/a/" fits "/a/*" but not "/a". Errors:
// malformed_path (400) for a path not in normal form; forbidden when the path does not fit the
// pattern (the route is not this one); invalid_argument for a pattern with more than eight captures.
inline result<path_params> match_path(std::string_view pattern, std::string_view path) noexcept {
  path_params out;
  if (const errc e = detail::match_path_into(pattern, path, out); e != errc::none_) return unexpected{e};
  return out;
}

// Succeeds when the tenant named by the request (path) is the credential's tenant; tenant_mismatch (403) otherwise.
constexpr result<void> require_tenant(std::string_view requested, std::string_view credential_tenant) noexcept {
  if (requested.empty() || credential_tenant.empty() || requested != credential_tenant)
    return unexpected{errc::tenant_mismatch};
  return core::ok();
}

}  // namespace tessera::authz

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/authz/impl/tenant.ipp"
#endif
