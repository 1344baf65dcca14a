#pragma once
// The JSON form of an API-key record in Redis. It holds no secret: the key is kept only as its
// peppered digest (base64url), and the last-used time is kept apart (see api_key_store.hpp).
//
//   {"v":1,"key_id","tenant","scopes":[],"integration","description",
//    "status":"active"|"revoked","created_at","expires_at"?,"revoked_at"?,
//    "digest":base64url,"pepper_version"}
// Times are Unix seconds. A value that does not read back as a record fails closed
// (store_unavailable): the store never guesses.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tessera/api_key/store.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/result.hpp"
#include "tessera/redis/detail/json_time.hpp"

namespace tessera::redis::detail {

// base64url of an API-key digest's value (the name of its Redis key).
inline std::string digest_text(const api_key::key_digest& d) { return core::base64url_encode(d.value); }

// The JSON text of an API-key record (its last-used time is kept apart).
inline std::string key_record_json(const api_key::key_record& r) {
  nlohmann::json j = {{"v", 1},
                      {"key_id", r.key_id},
                      {"tenant", r.tenant},
                      {"scopes", r.scopes},
                      {"integration", r.integration},
                      {"description", r.description},
                      {"status", r.status == api_key::key_status::active ? "active" : "revoked"},
                      {"created_at", seconds_of(r.created_at)},
                      {"digest", digest_text(r.digest)},
                      {"pepper_version", r.digest.pepper_version}};
  if (r.expires_at) j["expires_at"] = seconds_of(*r.expires_at);
  if (r.revoked_at) j["revoked_at"] = seconds_of(*r.revoked_at);
  return j.dump();
}

// An API-key record from its JSON text; store_unavailable when the text is not one.
inline result<api_key::key_record> key_record_from_json(std::string_view text) noexcept {
  try {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("v", 0) != 1) return unexpected{errc::store_unavailable};
    api_key::key_record r;
    r.key_id = j.at("key_id").get<std::string>();
    r.tenant = j.at("tenant").get<std::string>();
    r.scopes = j.at("scopes").get<std::vector<std::string>>();
    r.integration = j.at("integration").get<std::string>();
    r.description = j.at("description").get<std::string>();
    const auto status = j.at("status").get<std::string>();
    if (status == "active") r.status = api_key::key_status::active;
    else if (status == "revoked") r.status = api_key::key_status::revoked;
    else return unexpected{errc::store_unavailable};
    r.created_at = time_of(j.at("created_at").get<std::int64_t>());
    r.expires_at = optional_time(j, "expires_at");
    r.revoked_at = optional_time(j, "revoked_at");
    const auto digest = j.at("digest").get<std::string>();
    if (core::base64url_decode_into(digest, r.digest.value).value_or(0) != r.digest.value.size())
      return unexpected{errc::store_unavailable};
    r.digest.pepper_version = j.at("pepper_version").get<std::uint32_t>();
    return r;
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

}  // namespace tessera::redis::detail
