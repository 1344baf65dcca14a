#pragma once
// The bodies of request_signing/client_registry.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/request_signing/client_registry.hpp"

namespace tessera::request_signing {

TESSERA_DECL auto memory_client_registry::add_key(std::string_view client_id, std::string_view public_key_pem,
                                                  crypto::signature_alg alg, std::string key_id)
    -> result<std::string> {
  auto key = crypto::public_key::from_pem(public_key_pem, policy_);
  if (!key) return unexpected{key.error()};
  return add_key(client_id, *key, alg, std::move(key_id));
}

TESSERA_DECL auto memory_client_registry::add_key(std::string_view client_id, const crypto::public_key& key,
                                                  crypto::signature_alg alg, std::string key_id)
    -> result<std::string> {
  if (!valid_client_id(client_id) || key_id.size() > 128) return unexpected{errc::invalid_argument};
  if (key.type() != crypto::required_key_type(alg)) return unexpected{errc::key_type_mismatch};
  if (key.type() == crypto::key_type::rsa) {
    const auto bits = static_cast<unsigned>(key.bits());
    if (bits < policy_.min_rsa_bits) return unexpected{errc::key_too_small};
    if (bits > policy_.max_rsa_bits) return unexpected{errc::unsupported_key_type};
  }
  const std::string thumb = key.thumbprint();
  const bool id_given = !key_id.empty();
  if (!id_given) key_id = thumb;
  shard& s = shard_for(client_id);
  std::unique_lock lock(s.mu);
  auto it = s.clients.find(client_id);
  auto next = std::make_shared<client_record>();
  if (it != s.clients.end()) *next = *it->second;
  else next->id = std::string(client_id);
  for (const auto& k : next->keys) {
    if (k.key.thumbprint() == thumb) {
      // The same key again: idempotent when nothing differs; one key never gets two algorithms.
      if (k.algorithm == alg && (!id_given || k.id == key_id)) return k.id;
      return unexpected{errc::invalid_argument};
    }
    if (k.id == key_id) return unexpected{errc::invalid_argument};  // id taken by another key
  }
  if (next->keys.size() >= max_keys_per_client) return unexpected{errc::invalid_argument};
  next->keys.push_back(client_key{key_id, key, alg});
  if (it != s.clients.end()) it->second = std::move(next);
  else s.clients.emplace(std::string(client_id), std::move(next));
  return key_id;
}

TESSERA_DECL auto memory_client_registry::remove_key(std::string_view client_id, std::string_view key_id) -> bool {
  shard& s = shard_for(client_id);
  std::unique_lock lock(s.mu);
  auto it = s.clients.find(client_id);
  if (it == s.clients.end()) return false;
  auto next = std::make_shared<client_record>(*it->second);
  const auto before = next->keys.size();
  std::erase_if(next->keys, [&](const client_key& k) { return k.id == key_id; });
  if (next->keys.size() == before) return false;
  if (next->keys.empty()) s.clients.erase(it);
  else it->second = std::move(next);
  return true;
}

TESSERA_DECL auto memory_client_registry::remove_client(std::string_view client_id) -> bool {
  shard& s = shard_for(client_id);
  std::unique_lock lock(s.mu);
  auto it = s.clients.find(client_id);
  if (it == s.clients.end()) return false;
  s.clients.erase(it);
  return true;
}

TESSERA_DECL auto memory_client_registry::find(std::string_view client_id) const noexcept -> result<client_handle> {
  try {
    const shard& s = shard_for(client_id);
    std::shared_lock lock(s.mu);
    auto it = s.clients.find(client_id);
    if (it == s.clients.end()) return unexpected{errc::unknown_client};
    return client_handle(it->second);
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_client_registry::size() const -> std::size_t {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::shared_lock lock(s.mu);
    n += s.clients.size();
  }
  return n;
}

}  // namespace tessera::request_signing
