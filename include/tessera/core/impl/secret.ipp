#pragma once
// The bodies of core/secret.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/core/secret.hpp"

namespace tessera::core {

TESSERA_DECL auto secret::wipe() noexcept -> void {
  if (data_ && size_) OPENSSL_cleanse(data_.get(), size_);
  data_.reset();
  size_ = 0;
}

}  // namespace tessera::core
