#pragma once
// HTTP headers as webhooks see them: the list a signer produces, and the read-only lookup a
// verifier runs over whatever header container the host server already has.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/headers.hpp"

namespace tessera::webhook {

namespace detail {
using core::iequals;  // header names are case-insensitive (RFC 9110 §5.1)

using core::is_token;  // header names are RFC 9110 tokens

// Splits the next item off a list separated by `sep`, dropping spaces and tabs around the item.
// Returns false when the list is exhausted. Empty items are returned as empty views.
constexpr bool next_item(std::string_view& rest, char sep, std::string_view& item, bool& done) noexcept {
  if (done) return false;
  std::size_t at = rest.find(sep);
  item = rest.substr(0, at);
  if (at == std::string_view::npos) {
    rest = {};
    done = true;
  } else {
    rest.remove_prefix(at + 1);
  }
  while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
  while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
  return true;
}
}  // namespace detail

// One HTTP header field, as a signer emits it.
struct header {
  std::string name;
  std::string value;
  friend bool operator==(const header&, const header&) = default;
};

// The headers a signer produces for one delivery, in the order they should be sent.
class header_list {
 public:
  using value_type = header;
  using const_iterator = std::vector<header>::const_iterator;

  // Appends a header.
  void add(std::string name, std::string value) { items_.push_back({std::move(name), std::move(value)}); }
  // The value of the first header with this name (case-insensitive), if any.
  std::optional<std::string_view> find(std::string_view name) const noexcept;
  // The headers as a name → value map, for HTTP clients that take one.
  std::map<std::string, std::string> to_map() const;
  // Number of headers.
  std::size_t size() const noexcept { return items_.size(); }
  // True when there is no header.
  bool empty() const noexcept { return items_.empty(); }
  // Iteration over the headers in order (a header_list is itself a header_source).
  const_iterator begin() const noexcept { return items_.begin(); }
  const_iterator end() const noexcept { return items_.end(); }
  // The i-th header (i < size()).
  const header& operator[](std::size_t i) const noexcept { return items_[i]; }

 private:
  std::vector<header> items_;
};

// The header-container vocabulary every area shares (core/headers.hpp): header_pair,
// header_field, header_range, header_function and header_source. For a header_range, a name
// present more than once is refused here as malformed_header.
using core::header_field;
using core::header_function;
using core::header_pair;
using core::header_range;
using core::header_source;
static_assert(header_source<header_list>);
static_assert(header_source<std::map<std::string, std::string>>);

// A non-owning, type-erased view of a header_source, valid while the source lives. Verifiers
// take it so that one non-template entry point serves every container.
class header_lookup {
 public:
  // Views any header_source (implicitly, so verify(headers, body) takes the container itself).
  template <class H>
    requires header_source<H> && (!std::is_same_v<std::remove_cvref_t<H>, header_lookup>)
  header_lookup(const H& source) noexcept : source_(&source), each_(&each_in<H>) {}  // NOLINT(google-explicit-constructor)

  // What find_each reports for one name.
  using hit = core::header_hit;

  // The value of the header with this name; nullopt when absent; malformed_header when repeated.
  result<std::optional<std::string_view>> find(std::string_view name) const noexcept;

  // Looks several names up in one pass over a header_range (a header_function is asked once per
  // name); out[i] answers names[i]. internal_error when an accessor throws.
  result<void> find_each(std::span<const std::string_view> names, std::span<hit> out) const noexcept {
    return each_(source_, names, out);
  }

 private:
  using each_fn = result<void> (*)(const void*, std::span<const std::string_view>, std::span<hit>) noexcept;

  template <class H>
  static result<void> each_in(const void* p, std::span<const std::string_view> names, std::span<hit> out) noexcept {
    return core::find_headers(*static_cast<const H*>(p), names, out);
  }

  const void* source_;
  each_fn each_;
};

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/headers.ipp"
#endif
