#pragma once
// The bodies of webhook/delivery_log.hpp that build JSON (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/webhook/delivery_log.hpp"

namespace tessera::webhook {

TESSERA_DECL nlohmann::json delivery_entry::to_json() const {
  nlohmann::json j = {{"subscription_id", subscription_id},
                      {"delivery_id", delivery_id},
                      {"event_type", event_type},
                      {"attempt", attempt},
                      {"http_status", http_status},
                      {"attempted_at", core::unix_seconds(attempted_at)},
                      {"latency_ms", latency.count()},
                      {"state", std::string(name(state))},
                      {"test", test}};
  j["error"] = error == errc::none_ ? nlohmann::json(nullptr) : nlohmann::json(std::string(core::name(error)));
  j["next_attempt_at"] =
      next_attempt_at ? nlohmann::json(core::unix_seconds(*next_attempt_at)) : nlohmann::json(nullptr);
  return j;
}

}  // namespace tessera::webhook
