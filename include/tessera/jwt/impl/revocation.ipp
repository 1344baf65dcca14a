#pragma once
// The bodies of jwt/revocation.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/jwt/revocation.hpp"

namespace tessera::jwt {

TESSERA_DECL auto memory_revocation_list::check(const token_facts& f) const noexcept -> result<void> {
  try {
    if (!f.kid.empty() && contains(keys_, f.kid)) return unexpected{errc::key_withdrawn};
    if (!f.principal.empty() && contains(deactivated_, f.principal)) return unexpected{errc::principal_deactivated};
    if (!f.jwt_id.empty() && contains(tokens_, f.jwt_id)) return unexpected{errc::token_revoked};
    if (!f.principal.empty()) {
      if (auto t = lookup(before_, f.principal)) {
        if (!f.issued_at || *f.issued_at <= *t) return unexpected{errc::token_revoked};
      }
    }
    return core::ok();
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_revocation_list::erase(table& t, std::string_view k) -> void {
  auto& sh = t.at(k);
  std::unique_lock lock(sh.mu);
  auto it = sh.map.find(k);
  if (it != sh.map.end()) {
    sh.map.erase(it);
    t.count.fetch_sub(1, std::memory_order_release);
  }
}

TESSERA_DECL auto memory_revocation_list::lookup(const table& t, std::string_view k) -> std::optional<std::int64_t> {
  if (t.count.load(std::memory_order_acquire) == 0) return std::nullopt;
  auto& sh = t.at(k);
  std::shared_lock lock(sh.mu);
  auto it = sh.map.find(k);
  if (it == sh.map.end()) return std::nullopt;
  return it->second;
}

}  // namespace tessera::jwt
