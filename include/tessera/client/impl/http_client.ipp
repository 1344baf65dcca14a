#pragma once
// The bodies of client/http_client.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/client/http_client.hpp"

namespace tessera::client {

TESSERA_DECL auto http_response::header(std::string_view name) const noexcept -> std::optional<std::string_view> {
  auto it = std::find_if(headers.begin(), headers.end(), [&](const auto& h) { return core::iequals(h.first, name); });
  if (it == headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace tessera::client
