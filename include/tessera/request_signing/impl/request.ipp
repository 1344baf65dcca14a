#pragma once
// The bodies of request_signing/request.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/request_signing/request.hpp"

namespace tessera::request_signing {

TESSERA_DECL auto request::from_target(std::string method, std::string_view target, std::string body) -> request {
  auto q = target.find('?');
  if (q == std::string_view::npos) return request(std::move(method), std::string(target), {}, std::move(body));
  return request(std::move(method), std::string(target.substr(0, q)), std::string(target.substr(q + 1)),
                 std::move(body));
}

TESSERA_DECL auto request::header(std::string_view name) const noexcept -> std::optional<std::string_view> {
  for (const auto& h : headers_)
    if (detail::iequals(h.name, name)) return std::string_view(h.value);
  return std::nullopt;
}

TESSERA_DECL auto request::set_header(std::string_view name, std::string_view value) -> request& {
  remove_header(name);
  headers_.push_back({std::string(name), std::string(value)});
  return *this;
}

}  // namespace tessera::request_signing
