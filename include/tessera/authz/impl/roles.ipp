#pragma once
// The bodies of authz/roles.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/authz/roles.hpp"

namespace tessera::authz {

TESSERA_DECL auto role_hierarchy::grants(std::string_view held, std::string_view needed) const -> bool {
  if (held == needed || all_.count(std::string(held))) return true;
  std::vector<std::string_view> stack{held};
  std::set<std::string_view> seen{held};
  while (!stack.empty()) {
    auto r = stack.back();
    stack.pop_back();
    auto it = edges_.find(std::string(r));
    if (it == edges_.end()) continue;
    for (auto& next : it->second) {
      if (next == needed || all_.count(next)) return true;
      if (seen.insert(next).second) stack.push_back(next);
    }
  }
  return false;
}

TESSERA_DECL auto role_hierarchy::require(std::span<const std::string> held, std::string_view needed) const
    -> result<void> {
  for (auto& h : held)
    if (grants(h, needed)) return core::ok();
  return unexpected{errc::forbidden};
}

}  // namespace tessera::authz
