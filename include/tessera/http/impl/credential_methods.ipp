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
  // Built in place and returned by name: the principal is never moved. Default-initialised, not
  // value-initialised: principal{} would first zero all of it (over a kilobyte).
  result<principal> out(core::from_call, [] {
    principal p;
    return p;
  });
  const errc e = [&] {
    principal& p = *out;
    p.kind = kind;
    p.subject = std::string(t.subject());
    if (!names.tenant.empty()) {
      auto tenant = t.claim_string(names.tenant);
      if (!tenant) return tenant.error();
      p.tenant = std::string(*tenant);
    }
    using list_claim = std::pair<std::string_view, std::vector<std::string>*>;
    for (auto [claim, list] : {list_claim{names.scopes, &p.scopes}, list_claim{names.roles, &p.roles},
                               list_claim{names.stores, &p.stores}, list_claim{names.markets, &p.markets}}) {
      auto values = optional_list(t, claim);
      if (!values) return values.error();
      *list = std::move(*values);
    }
    p.token.emplace(std::move(t));
    return errc::none_;
  }();
  if (e != errc::none_) out = unexpected{e};
  return out;
}

}  // namespace tessera::http::detail
