#pragma once
// The bodies of api_key/store.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/api_key/store.hpp"

namespace tessera::api_key {

TESSERA_DECL auto last_used_time::get() const noexcept -> std::optional<sys_seconds> {
  auto v = s_.load(std::memory_order_relaxed);
  if (v == never) return std::nullopt;
  return sys_seconds(std::chrono::seconds(v));
}

TESSERA_DECL auto last_used_time::note(sys_seconds t) const noexcept -> void {
  const std::int64_t v = t.time_since_epoch().count();
  auto cur = s_.load(std::memory_order_relaxed);
  while (cur < v && !s_.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

TESSERA_DECL auto memory_key_store::find(const key_digest& d) const noexcept -> result<record_ptr> {
  record_ptr out;
  auto r = with_record(d, [&](const record_ptr& rec) noexcept { out = rec; });
  if (!r) return unexpected{r.error()};
  return out;
}

TESSERA_DECL auto memory_key_store::insert(const key_record& r) noexcept -> result<void> {
  if (r.key_id.empty()) return unexpected{errc::invalid_argument};
  try {
    auto rec = std::make_shared<const key_record>(r);
    std::unique_lock admin(admin_mu_);
    if (ids_.find(r.key_id) != ids_.end()) return unexpected{errc::invalid_argument};
    shard& s = shard_of(r.digest.value);
    std::unique_lock lock(s.mu);
    if (s.by_digest.find(r.digest.value) != s.by_digest.end()) return unexpected{errc::invalid_argument};
    ids_.emplace(r.key_id, r.digest.value);
    try {
      s.by_digest.emplace(r.digest.value, std::move(rec));
    } catch (...) {
      ids_.erase(ids_.find(r.key_id));
      throw;
    }
    return core::ok();
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_key_store::revoke(std::string_view key_id, sys_seconds now) noexcept -> result<void> {
  return update(key_id, [&](key_record& r) {
    if (r.status == key_status::revoked) return false;
    r.status = key_status::revoked;
    r.revoked_at = now;
    return true;
  });
}

TESSERA_DECL auto memory_key_store::replace_digest(std::string_view key_id, const key_digest& from,
                                                   const key_digest& to) noexcept -> result<void> {
  try {
    std::unique_lock admin(admin_mu_);
    auto id = ids_.find(key_id);
    if (id == ids_.end()) return unexpected{errc::api_key_unknown};
    if (id->second != from.value) return core::ok();
    shard& a = shard_of(from.value);
    shard& b = shard_of(to.value);
    std::unique_lock la(a.mu, std::defer_lock);
    std::unique_lock lb(b.mu, std::defer_lock);
    if (&a == &b) la.lock();
    else std::lock(la, lb);
    auto it = a.by_digest.find(from.value);
    if (it == a.by_digest.end() || it->second->digest != from) return core::ok();
    auto copy = std::make_shared<key_record>(*it->second);
    copy->digest = to;
    if (from.value == to.value) {  // only the version changes
      it->second = std::move(copy);
      return core::ok();
    }
    if (b.by_digest.find(to.value) != b.by_digest.end()) return unexpected{errc::invalid_argument};
    b.by_digest.emplace(to.value, std::move(copy));
    a.by_digest.erase(from.value);
    id->second = to.value;
    return core::ok();
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_key_store::erase(std::string_view key_id) noexcept -> result<void> {
  try {
    std::unique_lock admin(admin_mu_);
    auto id = ids_.find(key_id);
    if (id == ids_.end()) return unexpected{errc::api_key_unknown};
    shard& s = shard_of(id->second);
    std::unique_lock lock(s.mu);
    s.by_digest.erase(id->second);
    ids_.erase(id);
    return core::ok();
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_key_store::get(std::string_view key_id) const noexcept -> result<record_ptr> {
  try {
    std::shared_lock admin(admin_mu_);
    auto id = ids_.find(key_id);
    if (id == ids_.end()) return unexpected{errc::api_key_unknown};
    const shard& s = shard_of(id->second);
    std::shared_lock lock(s.mu);
    auto it = s.by_digest.find(id->second);
    if (it == s.by_digest.end()) return unexpected{errc::api_key_unknown};
    return it->second;
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_key_store::list(std::string_view tenant, std::optional<std::string_view> integration) const
    -> std::vector<record_ptr> {
  std::vector<record_ptr> out;
  for (const shard& s : shards_) {
    std::shared_lock lock(s.mu);
    for (const auto& [d, r] : s.by_digest)
      if (r->tenant == tenant && (!integration || r->integration == *integration)) out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const record_ptr& a, const record_ptr& b) { return a->key_id < b->key_id; });
  return out;
}

}  // namespace tessera::api_key
