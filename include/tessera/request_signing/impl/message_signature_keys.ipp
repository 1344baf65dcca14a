#pragma once
// The bodies of request_signing/message_signature_keys.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/request_signing/message_signature_keys.hpp"

namespace tessera::request_signing::httpsig {

TESSERA_DECL auto verification_key::asymmetric(std::string keyid, crypto::public_key key, algorithm alg,
                                               std::string owner) -> result<verification_key> {
  if (!valid_keyid(keyid) || owner.size() > max_keyid_size) return unexpected{errc::invalid_argument};
  const auto s = signature_alg_of(alg);
  if (!s) return unexpected{errc::invalid_argument};
  if (key.type() != crypto::required_key_type(*s)) return unexpected{errc::key_type_mismatch};
  verification_key k(std::move(keyid), std::move(owner), alg);
  k.public_.emplace(std::move(key));
  return k;
}

TESSERA_DECL auto verification_key::hmac_sha256(std::string keyid, core::bytes_view secret, std::string owner)
    -> result<verification_key> {
  if (!valid_keyid(keyid) || owner.size() > max_keyid_size) return unexpected{errc::invalid_argument};
  if (secret.size() < min_hmac_secret_size) return unexpected{errc::secret_too_short};
  auto mac = crypto::hmac_key::create(crypto::hash_alg::sha256, secret);
  if (!mac) return unexpected{mac.error()};
  verification_key k(std::move(keyid), std::move(owner), algorithm::hmac_sha256);
  k.mac_.emplace(*mac);
  return k;
}

TESSERA_DECL auto memory_key_registry::add_public_key(std::string_view keyid, std::string_view public_key_pem,
                                                      algorithm alg, std::string_view owner) -> result<void> {
  auto key = crypto::public_key::from_pem(public_key_pem, policy_);
  if (!key) return unexpected{key.error()};
  return add_public_key(keyid, *key, alg, owner);
}

TESSERA_DECL auto memory_key_registry::add_public_key(std::string_view keyid, const crypto::public_key& key,
                                                      algorithm alg, std::string_view owner) -> result<void> {
  if (key.type() == crypto::key_type::rsa) {
    const auto bits = static_cast<unsigned>(key.bits());
    if (bits < policy_.min_rsa_bits) return unexpected{errc::key_too_small};
    if (bits > policy_.max_rsa_bits) return unexpected{errc::unsupported_key_type};
  }
  auto k = verification_key::asymmetric(std::string(keyid), key, alg, std::string(owner));
  if (!k) return unexpected{k.error()};
  return insert(std::move(*k));
}

TESSERA_DECL auto memory_key_registry::add_hmac_secret(std::string_view keyid, core::bytes_view secret,
                                                       std::string_view owner) -> result<void> {
  auto k = verification_key::hmac_sha256(std::string(keyid), secret, std::string(owner));
  if (!k) return unexpected{k.error()};
  return insert(std::move(*k));
}

TESSERA_DECL auto memory_key_registry::remove(std::string_view keyid) -> bool {
  std::unique_lock lock(mu_);
  auto it = keys_.find(keyid);
  if (it == keys_.end()) return false;
  keys_.erase(it);
  return true;
}

TESSERA_DECL auto memory_key_registry::find(std::string_view keyid) const noexcept -> result<key_handle> {
  try {
    std::shared_lock lock(mu_);
    auto it = keys_.find(keyid);
    if (it == keys_.end()) return unexpected{errc::httpsig_unknown_key};
    return it->second;
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

TESSERA_DECL auto memory_key_registry::insert(verification_key k) -> result<void> {
  auto handle = std::make_shared<const verification_key>(std::move(k));
  std::unique_lock lock(mu_);
  if (keys_.contains(handle->keyid())) return unexpected{errc::invalid_argument};
  keys_.emplace(std::string(handle->keyid()), std::move(handle));
  return core::ok();
}

}  // namespace tessera::request_signing::httpsig
