#pragma once
// The bodies of webhook/headers.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/webhook/headers.hpp"

namespace tessera::webhook {

TESSERA_DECL auto header_list::find(std::string_view name) const noexcept -> std::optional<std::string_view> {
  for (const auto& h : items_)
    if (detail::iequals(h.name, name)) return std::string_view(h.value);
  return std::nullopt;
}

TESSERA_DECL auto header_list::to_map() const -> std::map<std::string, std::string> {
  std::map<std::string, std::string> m;
  for (const auto& h : items_) m.insert_or_assign(h.name, h.value);
  return m;
}

TESSERA_DECL auto header_lookup::find(std::string_view name) const noexcept -> result<std::optional<std::string_view>> {
  hit h;
  if (auto r = each_(source_, std::span<const std::string_view>(&name, 1), std::span<hit>(&h, 1)); !r)
    return unexpected{r.error()};
  if (h.repeated) return unexpected{errc::malformed_header};
  return h.value;
}

}  // namespace tessera::webhook
