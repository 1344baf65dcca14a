#pragma once
// The bodies of authz/tenant.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/authz/tenant.hpp"

namespace tessera::authz {

TESSERA_DECL auto path_params::get(std::string_view name) const noexcept -> std::optional<std::string_view> {
  for (std::size_t i = 0; i < n_; ++i)
    if (std::string_view(slots_[i].name, slots_[i].name_size) == name)
      return std::string_view(slots_[i].value, slots_[i].value_size);
  return std::nullopt;
}

}  // namespace tessera::authz
