#pragma once
// The bodies of api_key/verifier.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/api_key/verifier.hpp"

namespace tessera::api_key {

TESSERA_DECL auto verified_key::has_scope(std::string_view s) const noexcept -> bool {
  for (std::size_t i = 0; i < scope_count_; ++i)
    if (scope_at(i) == s) return true;
  return false;
}

TESSERA_DECL verified_key::verified_key(const key_record& r) {
  std::size_t n = r.key_id.size() + r.tenant.size() + r.integration.size() + r.scopes.size() * sizeof(span);
  for (const auto& sc : r.scopes) n += sc.size();
  if (n > small_.size()) large_.resize(n);
  size_ = static_cast<std::uint32_t>(n);
  char* const base = buffer();
  char* p = base;
  auto put = [&](std::string_view v) {
    const span sp{static_cast<std::uint32_t>(p - base), static_cast<std::uint32_t>(v.size())};
    if (!v.empty()) std::memcpy(p, v.data(), v.size());
    p += v.size();
    return sp;
  };
  key_id_ = put(r.key_id);
  tenant_ = put(r.tenant);
  integration_ = put(r.integration);
  scopes_at_ = static_cast<std::uint32_t>(n - r.scopes.size() * sizeof(span));
  for (std::size_t i = 0; i < r.scopes.size(); ++i) {
    const span sp = put(r.scopes[i]);
    std::memcpy(base + scopes_at_ + i * sizeof(span), &sp, sizeof sp);
  }
  scope_count_ = static_cast<std::uint32_t>(r.scopes.size());
  expires_at_ = r.expires_at;
  last_used_ = r.last_used.get();
}

TESSERA_DECL auto verified_key::scope_at(std::size_t i) const noexcept -> std::string_view {
  span sp;
  std::memcpy(&sp, buffer() + scopes_at_ + i * sizeof(span), sizeof sp);
  return slice(sp);
}

}  // namespace tessera::api_key
