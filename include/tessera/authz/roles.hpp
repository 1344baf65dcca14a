#pragma once
// Role hierarchies: roles that include other roles (CommerceUser includes ApiUser), and roles
// that include everything (ApiOwner). Built once, then read from any thread.

#include <algorithm>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"

namespace tessera::authz {

// A role hierarchy. Define it with include()/include_all(), then ask grants(); inclusion is
// transitive and cycles are harmless. Not to be modified while other threads read it.
class role_hierarchy {
 public:
  // Declares that `role` includes `included` (and, transitively, whatever that includes).
  role_hierarchy& include(std::string role, std::string included) {
    edges_[std::move(role)].insert(std::move(included));
    return *this;
  }
  // Declares that `role` includes every role, named or not (e.g. ApiOwner).
  role_hierarchy& include_all(std::string role) {
    all_.insert(std::move(role));
    return *this;
  }

  // True when holding `held` grants `needed`.
  bool grants(std::string_view held, std::string_view needed) const;

  // Succeeds when any held role grants the needed one; forbidden (403) otherwise.
  result<void> require(std::span<const std::string> held, std::string_view needed) const;

 private:
  std::map<std::string, std::set<std::string>, std::less<>> edges_;
  std::set<std::string, std::less<>> all_;
};

}  // namespace tessera::authz

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/authz/impl/roles.ipp"
#endif
