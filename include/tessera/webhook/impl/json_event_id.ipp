#pragma once
// The body of webhook/json_event_id.hpp, which reads JSON with simdjson (see TESSERA_DECL in config.hpp).

#include <simdjson.h>

#include "tessera/webhook/json_event_id.hpp"

namespace tessera::webhook {

TESSERA_DECL result<std::string> json_event_id::read(std::string_view body) const {
  if (body.size() > max_body_bytes) return unexpected{errc::input_too_large};
  if (body.empty()) return unexpected{errc::missing_field};
  simdjson::dom::parser parser;
  if (parser.allocate(body.size(), config::max_json_depth) != simdjson::SUCCESS) return unexpected{errc::internal_error};
  const simdjson::padded_string text(body);
  simdjson::dom::element at;
  if (parser.parse(text).get(at) != simdjson::SUCCESS) return unexpected{errc::malformed_request};
  std::string_view rest = path;
  for (;;) {
    const std::size_t dot = rest.find('.');
    const std::string_view member = rest.substr(0, dot);
    simdjson::dom::object obj;
    if (member.empty() || at.get_object().get(obj) != simdjson::SUCCESS) return unexpected{errc::malformed_request};
    std::optional<simdjson::dom::element> found;
    for (const auto field : obj) {
      if (field.key != member) continue;
      if (found) return unexpected{errc::malformed_request};  // given twice
      found = field.value;
    }
    if (!found) return unexpected{errc::missing_field};
    at = *found;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  std::string id;
  std::string_view s;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  if (at.get_string().get(s) == simdjson::SUCCESS) id.assign(s);
  else if (at.is_int64() && at.get_int64().get(i) == simdjson::SUCCESS) id = std::to_string(i);
  else if (at.is_uint64() && at.get_uint64().get(u) == simdjson::SUCCESS) id = std::to_string(u);
  else return unexpected{errc::malformed_request};
  if (!valid_event_id(id)) return unexpected{errc::malformed_request};
  return id;
}

}  // namespace tessera::webhook
