#pragma once
// The bodies of api_key/format.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/api_key/format.hpp"

namespace tessera::api_key {

TESSERA_DECL auto key_format::validate() const noexcept -> result<void> {
  auto label_ok = [](std::string_view s) { return !s.empty() && s.size() <= max_label_length && is_base62(s); };
  if (!label_ok(prefix) || !label_ok(environment)) return unexpected{errc::invalid_argument};
  if (random_length < min_random_length || random_length > max_random_length) return unexpected{errc::invalid_argument};
  return core::ok();
}

}  // namespace tessera::api_key
