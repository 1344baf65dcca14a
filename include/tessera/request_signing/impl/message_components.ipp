#pragma once
// The bodies of request_signing/message_components.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/request_signing/message_components.hpp"

namespace tessera::request_signing::httpsig {

TESSERA_DECL auto component::parse(std::string_view text) noexcept -> result<component> {
  auto it = sf::parse_item(text);
  if (!it) return unexpected{it.error()};
  return from_item(std::move(*it));
}

TESSERA_DECL auto component::from_item(sf::item it) noexcept -> result<component> {
  try {
    component c(std::move(it), 0);
    if (auto r = c.check(); !r) return unexpected{r.error()};
    return c;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto component::query_param(std::string_view encoded_name) -> component {
  component c("@query-param");
  c.item_.params.set("name", std::string(encoded_name));
  return c;
}

TESSERA_DECL auto component::dictionary_member(std::string_view field, std::string_view key) -> component {
  component c(field);
  c.item_.params.set("key", std::string(key));
  return c;
}

TESSERA_DECL auto component::structured(std::string_view field) -> component {
  component c(field);
  c.item_.params.set("sf", true);
  return c;
}

TESSERA_DECL auto component::byte_sequences(std::string_view field) -> component {
  component c(field);
  c.item_.params.set("bs", true);
  return c;
}

TESSERA_DECL auto component::check() const noexcept -> result<void> {
  auto d = detail::check_identifier(item_);
  if (!d) return unexpected{d.error()};
  return core::ok();
}

TESSERA_DECL auto component::to_string() const -> std::string {
  std::string out;
  (void)sf::append_item(out, item_);
  return out;
}

TESSERA_DECL auto response::header(std::string_view name) const noexcept -> std::optional<std::string_view> {
  for (const auto& h : headers_)
    if (core::iequals(h.name, name)) return std::string_view(h.value);
  return std::nullopt;
}

}  // namespace tessera::request_signing::httpsig

namespace tessera::request_signing::httpsig {

TESSERA_DECL sf::inner_list signature_input(std::span<const component> components, sf::parameters params) {
  sf::inner_list il;
  il.items.reserve(components.size());
  for (const auto& c : components) il.items.push_back(c.item());
  il.params = std::move(params);
  return il;
}

}  // namespace tessera::request_signing::httpsig

namespace tessera::request_signing::httpsig::detail {

TESSERA_DECL std::optional<field_type> type_of(std::string_view name, const context& ctx) noexcept {
  for (const auto& [n, t] : ctx.structured_fields)
    if (n == name) return t;
  return known_field_type(name);
}

}  // namespace tessera::request_signing::httpsig::detail
