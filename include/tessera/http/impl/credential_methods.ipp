#pragma once
// The bodies of http/credential_methods.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/http/credential_methods.hpp"

namespace tessera::http::detail {

TESSERA_DECL result<std::vector<std::string>> optional_list(const jwt::verified_token& t, std::string_view claim) {
  if (claim.empty()) return std::vector<std::string>{};
  auto list = t.claim_strings(claim);
  if (!list && list.error() == errc::missing_claim) return std::vector<std::string>{};
  return list;
}

TESSERA_DECL result<principal> token_principal(jwt::verified_token&& t, const claim_names& names,
                                               credential_kind kind) {
  principal p;
  p.kind = kind;
  p.subject = std::string(t.subject());
  if (!names.tenant.empty()) {
    auto tenant = t.claim_string(names.tenant);
    if (!tenant) return unexpected{tenant.error()};
    p.tenant = std::string(*tenant);
  }
  auto scopes = optional_list(t, names.scopes);
  if (!scopes) return unexpected{scopes.error()};
  auto roles = optional_list(t, names.roles);
  if (!roles) return unexpected{roles.error()};
  auto stores = optional_list(t, names.stores);
  if (!stores) return unexpected{stores.error()};
  auto markets = optional_list(t, names.markets);
  if (!markets) return unexpected{markets.error()};
  p.scopes = std::move(*scopes);
  p.roles = std::move(*roles);
  p.stores = std::move(*stores);
  p.markets = std::move(*markets);
  p.token.emplace(std::move(t));
  return p;
}

}  // namespace tessera::http::detail
