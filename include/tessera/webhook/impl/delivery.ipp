#pragma once
// The bodies of webhook/delivery.hpp (see TESSERA_DECL in config.hpp).

#include <charconv>

#include "tessera/detail/json_text.hpp"
#include "tessera/webhook/delivery.hpp"

namespace tessera::webhook::detail {

TESSERA_DECL std::string test_event_body(std::string_view id, std::int64_t timestamp, std::string_view subscription_id) {
  std::string body = "{\"type\":\"";
  tessera::detail::append_json_text(body, test_event_type);
  body += "\",\"id\":\"";
  tessera::detail::append_json_text(body, id);
  body += "\",\"timestamp\":";
  char digits[24];
  body.append(digits, std::to_chars(digits, digits + sizeof digits, timestamp).ptr);
  body += ",\"data\":{\"subscription_id\":\"";
  tessera::detail::append_json_text(body, subscription_id);
  body += "\",\"message\":\"test event\"}}";
  return body;
}

}  // namespace tessera::webhook::detail
