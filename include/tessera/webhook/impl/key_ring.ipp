#pragma once
// The bodies of webhook/key_ring.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/webhook/key_ring.hpp"

namespace tessera::webhook {

TESSERA_DECL auto key_ring::add(crypto::hmac_key key) noexcept -> result<void> {
  if (keys_.size() >= max_keys) return unexpected{errc::invalid_argument};
  if (key.key_size() < min_secret_bytes) return unexpected{errc::secret_too_short};
  try {
    keys_.push_back(std::move(key));
  } catch (...) {
    return unexpected{errc::internal_error};
  }
  return core::ok();
}

}  // namespace tessera::webhook
