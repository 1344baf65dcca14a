#pragma once
// The JSON form of a client record in Redis. It holds no secret: the client secret is kept only
// as its PHC hash string, and signing keys as their public SubjectPublicKeyInfo (base64url DER).
//
//   {"v":1,"client_id","tenant","roles":[],"scopes":[],"stores":[],"markets":[],
//    "secret_hash","active","deactivated_at"?,"created_at",
//    "signing_keys":[{"key_id","alg","spki":base64url(DER)}],"description"}
// Times are Unix seconds. A value that does not read back as a record fails closed
// (store_unavailable): the registry never guesses.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tessera/core/base64.hpp"
#include "tessera/core/result.hpp"
#include "tessera/credentials/registry.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/crypto/signature.hpp"
#include "tessera/redis/detail/json_time.hpp"

namespace tessera::redis::detail {

// The JSON text of a client record (signing keys as base64url DER SubjectPublicKeyInfo).
inline result<std::string> client_record_json(const credentials::client_record& c) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& k : c.signing_keys) {
    auto der = k.key.to_der();
    if (!der) return unexpected{der.error()};
    keys.push_back({{"key_id", k.key_id}, {"alg", std::string(crypto::name(k.algorithm))},
                    {"spki", core::base64url_encode(*der)}});
  }
  nlohmann::json j = {{"v", 1},
                      {"client_id", c.client_id},
                      {"tenant", c.tenant},
                      {"roles", c.roles},
                      {"scopes", c.scopes},
                      {"stores", c.stores},
                      {"markets", c.markets},
                      {"secret_hash", c.secret_hash},
                      {"active", c.active},
                      {"created_at", seconds_of(c.created_at)},
                      {"signing_keys", std::move(keys)},
                      {"description", c.description}};
  if (c.deactivated_at) j["deactivated_at"] = seconds_of(*c.deactivated_at);
  return j.dump();
}

// A client record from its JSON text; parse_key(key_id, der) turns a stored SubjectPublicKeyInfo
// into a signing key. store_unavailable when the text is not a record or a key does not load.
template <class ParseKey>
result<credentials::client_record> client_record_from_json(std::string_view text, ParseKey&& parse_key) noexcept {
  try {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("v", 0) != 1) return unexpected{errc::store_unavailable};
    credentials::client_record c;
    c.client_id = j.at("client_id").get<std::string>();
    c.tenant = j.at("tenant").get<std::string>();
    c.roles = j.at("roles").get<std::vector<std::string>>();
    c.scopes = j.at("scopes").get<std::vector<std::string>>();
    c.stores = j.at("stores").get<std::vector<std::string>>();
    c.markets = j.at("markets").get<std::vector<std::string>>();
    c.secret_hash = j.at("secret_hash").get<std::string>();
    c.active = j.at("active").get<bool>();
    c.deactivated_at = optional_time(j, "deactivated_at");
    c.created_at = time_of(j.at("created_at").get<std::int64_t>());
    c.description = j.at("description").get<std::string>();
    for (const auto& k : j.at("signing_keys")) {
      auto der = core::base64url_decode(k.at("spki").get<std::string>());
      if (!der) return unexpected{errc::store_unavailable};
      result<credentials::signing_key> key = parse_key(k.at("key_id").get<std::string>(), *der);
      if (!key) return unexpected{errc::store_unavailable};
      const auto alg = crypto::signature_alg_named(k.at("alg").get<std::string>());
      if (!alg) return unexpected{errc::store_unavailable};
      key->algorithm = *alg;
      c.signing_keys.push_back(std::move(*key));
    }
    return c;
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

}  // namespace tessera::redis::detail
