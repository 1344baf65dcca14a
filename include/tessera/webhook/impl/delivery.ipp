#pragma once
// The bodies of webhook/delivery.hpp that build JSON (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/webhook/delivery.hpp"

namespace tessera::webhook::detail {

TESSERA_DECL std::string test_event_body(std::string_view id, std::int64_t timestamp, std::string_view subscription_id) {
  const nlohmann::json body = {{"type", test_event_type},
                               {"id", std::string(id)},
                               {"timestamp", timestamp},
                               {"data", {{"subscription_id", std::string(subscription_id)}, {"message", "test event"}}}};
  return body.dump();
}

}  // namespace tessera::webhook::detail
