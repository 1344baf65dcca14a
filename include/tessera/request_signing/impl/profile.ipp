#pragma once
// The bodies of request_signing/profile.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/request_signing/profile.hpp"

namespace tessera::request_signing {

TESSERA_DECL auto signed_headers::find(std::string_view name) const noexcept -> std::optional<std::string_view> {
  for (const auto& h : headers_)
    if (detail::iequals(h.name, name)) return std::string_view(h.value);
  return std::nullopt;
}

}  // namespace tessera::request_signing
