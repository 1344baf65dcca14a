#pragma once
// The bodies of webhook/delivery_record.hpp that build JSON (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/webhook/delivery_record.hpp"

namespace tessera::webhook {

TESSERA_DECL nlohmann::json delivery_record::to_json() const {
  auto secs = [](std::chrono::system_clock::time_point t) {
    return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  };
  nlohmann::json j = {{"event_id", event_id},
                      {"attempt", attempt},
                      {"http_status", http_status},
                      {"attempted_at", secs(attempted_at)},
                      {"outcome", std::string(name(outcome))}};
  j["next_attempt_at"] = next_attempt_at ? nlohmann::json(secs(*next_attempt_at)) : nlohmann::json(nullptr);
  return j;
}

}  // namespace tessera::webhook
