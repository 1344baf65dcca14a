#pragma once
// The bodies of credentials/registry.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/credentials/registry.hpp"

namespace tessera::credentials {

TESSERA_DECL auto signing_key::from_pem(std::string key_id, std::string_view pem, crypto::signature_alg alg,
                                        const crypto::key_policy& policy) -> result<signing_key> {
  if (key_id.empty()) return unexpected{errc::invalid_argument};
  auto k = crypto::public_key::from_pem(pem, policy);
  if (!k) return unexpected{k.error()};
  if (k->type() != crypto::required_key_type(alg)) return unexpected{errc::key_type_mismatch};
  return signing_key{std::move(key_id), std::move(*k), alg};
}

TESSERA_DECL auto client_record::find_signing_key(std::string_view id) const noexcept -> const signing_key* {
  for (const auto& k : signing_keys)
    if (k.key_id == id) return &k;
  return nullptr;
}

TESSERA_DECL auto memory_client_registry::find(std::string_view client_id) const noexcept -> result<client_ptr> {
  try {
    const shard& s = shard_of(client_id);
    std::shared_lock lock(s.mu);
    auto it = s.clients.find(client_id);
    if (it == s.clients.end()) return unexpected{errc::unknown_client};
    return it->second;
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_client_registry::add(const client_record& c) noexcept -> result<void> {
  if (c.client_id.empty() || c.signing_keys.size() > max_signing_keys) return unexpected{errc::invalid_argument};
  if (auto v = authz::validate_scopes(c.scopes); !v) return v;
  try {
    auto rec = std::make_shared<const client_record>(c);
    shard& s = shard_of(c.client_id);
    std::unique_lock lock(s.mu);
    if (s.clients.find(std::string_view(c.client_id)) != s.clients.end()) return unexpected{errc::invalid_argument};
    s.clients.emplace(c.client_id, std::move(rec));
    return core::ok();
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_client_registry::deactivate(std::string_view client_id, sys_seconds t) noexcept
    -> result<void> {
  client_ptr changed;
  auto r = modify_impl(
      client_id,
      [&](client_record& c) {
        if (!c.active) return false;
        c.active = false;
        c.deactivated_at = t;
        return true;
      },
      &changed);
  if (!r) return r;
  if (changed && listener_) {
    try {
      listener_(*changed);
    } catch (...) {
      return unexpected{errc::internal_error};  // the client stays deactivated
    }
  }
  return core::ok();
}

TESSERA_DECL auto memory_client_registry::reactivate(std::string_view client_id) noexcept -> result<void> {
  return modify_impl(client_id, [](client_record& c) {
    if (c.active) return false;
    c.active = true;
    return true;
  });
}

TESSERA_DECL auto memory_client_registry::set_secret_hash(std::string_view client_id, std::string_view phc) noexcept
    -> result<void> {
  return modify_impl(client_id, [&](client_record& c) {
    c.secret_hash.assign(phc);
    return true;
  });
}

TESSERA_DECL auto memory_client_registry::update_secret_hash(std::string_view client_id, std::string_view expected,
                                                             std::string_view replacement) noexcept -> result<void> {
  return modify_impl(client_id, [&](client_record& c) {
    if (c.secret_hash != expected) return false;
    c.secret_hash.assign(replacement);
    return true;
  });
}

TESSERA_DECL auto memory_client_registry::add_signing_key(std::string_view client_id, signing_key k) noexcept
    -> result<void> {
  if (k.key_id.empty()) return unexpected{errc::invalid_argument};
  if (k.key.type() != crypto::required_key_type(k.algorithm)) return unexpected{errc::key_type_mismatch};
  bool duplicate = false;
  auto r = modify_impl(client_id, [&](client_record& c) {
    if (c.find_signing_key(k.key_id) || c.signing_keys.size() >= max_signing_keys) {
      duplicate = true;
      return false;
    }
    c.signing_keys.push_back(k);
    return true;
  });
  if (r && duplicate) return unexpected{errc::invalid_argument};
  return r;
}

TESSERA_DECL auto memory_client_registry::remove_signing_key(std::string_view client_id,
                                                             std::string_view key_id) noexcept -> result<void> {
  bool found = false;
  auto r = modify_impl(client_id, [&](client_record& c) {
    found = std::erase_if(c.signing_keys, [&](const signing_key& k) { return k.key_id == key_id; }) > 0;
    return found;
  });
  if (r && !found) return unexpected{errc::key_not_found};
  return r;
}

TESSERA_DECL auto memory_client_registry::erase(std::string_view client_id) noexcept -> result<void> {
  try {
    shard& s = shard_of(client_id);
    std::unique_lock lock(s.mu);
    auto it = s.clients.find(client_id);
    if (it == s.clients.end()) return unexpected{errc::unknown_client};
    s.clients.erase(it);
    return core::ok();
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_client_registry::list(std::string_view tenant) const -> std::vector<client_ptr> {
  std::vector<client_ptr> out;
  for (const shard& s : shards_) {
    std::shared_lock lock(s.mu);
    for (const auto& [id, c] : s.clients)
      if (c->tenant == tenant) out.push_back(c);
  }
  std::sort(out.begin(), out.end(),
            [](const client_ptr& a, const client_ptr& b) { return a->client_id < b->client_id; });
  return out;
}

TESSERA_DECL auto memory_client_registry::size() const -> std::size_t {
  std::size_t n = 0;
  for (const shard& s : shards_) {
    std::shared_lock lock(s.mu);
    n += s.clients.size();
  }
  return n;
}

}  // namespace tessera::credentials
