#pragma once
// The bodies of jwt/key_set.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/jwt/key_set.hpp"

namespace tessera::jwt {

TESSERA_DECL auto kid_key_set::put(verification_key k) -> void {
  auto key = std::make_shared<const verification_key>(std::move(k));
  std::string kid(key->kid());
  std::unique_lock lock(mu_);
  if (kid.empty()) no_kid_ = std::move(key);
  else by_kid_.insert_or_assign(std::move(kid), std::move(key));
}

TESSERA_DECL auto kid_key_set::set_default(verification_key k) -> void {
  auto key = std::make_shared<const verification_key>(std::move(k));
  std::string kid(key->kid());
  std::unique_lock lock(mu_);
  if (!kid.empty()) by_kid_.insert_or_assign(std::move(kid), key);
  no_kid_ = std::move(key);
}

TESSERA_DECL auto kid_key_set::remove(std::string_view kid) -> bool {
  std::shared_ptr<const verification_key> gone;  // released after the lock
  std::unique_lock lock(mu_);
  auto it = by_kid_.find(kid);
  if (it == by_kid_.end()) return false;
  if (no_kid_ == it->second) no_kid_.reset();
  gone = std::move(it->second);
  by_kid_.erase(it);
  return true;
}

TESSERA_DECL auto kid_key_set::replace_all(std::vector<verification_key> keys) -> void {
  index next;
  std::shared_ptr<const verification_key> next_default;
  for (auto& k : keys) {
    auto key = std::make_shared<const verification_key>(std::move(k));
    if (key->kid().empty()) next_default = key;
    else next.insert_or_assign(std::string(key->kid()), key);
  }
  std::unique_lock lock(mu_);
  by_kid_.swap(next);
  no_kid_.swap(next_default);
}

TESSERA_DECL auto kid_key_set::find(std::optional<std::string_view> kid) const noexcept
    -> std::shared_ptr<const verification_key> {
  std::shared_lock lock(mu_);
  const auto* k = lookup(kid);
  return k ? *k : nullptr;
}

TESSERA_DECL auto kid_key_set::keys() const -> std::vector<std::shared_ptr<const verification_key>> {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const verification_key>> out;
  out.reserve(by_kid_.size() + 1);
  for (auto& [_, k] : by_kid_) out.push_back(k);
  if (no_kid_ && no_kid_->kid().empty()) out.push_back(no_kid_);
  return out;
}

TESSERA_DECL auto kid_key_set::lookup(std::optional<std::string_view> kid) const noexcept
    -> const std::shared_ptr<const verification_key>* {
  if (!kid) return &no_kid_;
  auto it = by_kid_.find(*kid);
  return it == by_kid_.end() ? nullptr : &it->second;
}

}  // namespace tessera::jwt
