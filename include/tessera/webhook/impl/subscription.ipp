#pragma once
// The bodies of webhook/subscription.hpp that build JSON (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/webhook/subscription.hpp"

namespace tessera::webhook {

TESSERA_DECL nlohmann::json subscription::to_json() const {
  nlohmann::json j = {{"id", id},
                      {"tenant", tenant},
                      {"url", url},
                      {"event_types", event_types},
                      {"scheme", std::string(name(scheme.kind))},
                      {"active", active},
                      {"created_at", core::unix_seconds(created_at)}};
  if (scheme.kind != scheme_kind::standard_webhooks) {
    j["signature_header"] = scheme.signature_header;
    j["id_header"] = scheme.id_header;
  }
  if (!active) j["deactivation_reason"] = deactivation_reason;
  return j;
}

}  // namespace tessera::webhook
