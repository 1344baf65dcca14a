#pragma once
// principal: who an authenticated request comes from, the same shape whichever credential
// proved it, with the verified credential itself kept for the handler.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/api_key/verifier.hpp"
#include "tessera/authz/scopes.hpp"
#include "tessera/authz/store_scope.hpp"
#include "tessera/jwt/verified_token.hpp"
#include "tessera/request_signing/http_message_signatures.hpp"
#include "tessera/request_signing/verifier.hpp"

namespace tessera::http {

// The credential that authenticated a request.
enum class credential_kind { bearer_token, api_key, signed_request };

// The stable name of a credential kind ("bearer_token", "api_key", "signed_request").
constexpr std::string_view name(credential_kind k) noexcept {
  switch (k) {
    case credential_kind::bearer_token: return "bearer_token";
    case credential_kind::api_key: return "api_key";
    case credential_kind::signed_request: return "signed_request";
  }
  return "";
}

// Who an authenticated request comes from.
struct principal {
  credential_kind kind = credential_kind::bearer_token;
  std::string subject;              // the token's sub, the API key's id, or the signing client's id
  std::string tenant;               // the tenant the credential belongs to ("" when it names none)
  std::vector<std::string> scopes;  // granted scopes, exact strings
  std::vector<std::string> roles;   // held roles, before any hierarchy is applied
  std::vector<std::string> stores;  // store grants ("store-oslo-downtown", "AllStores"), for authz::require_store
  std::vector<std::string> markets; // market grants ("market-nor", "AllMarkets")
  std::optional<jwt::verified_token> token;                   // the bearer token, when there was one
  std::optional<api_key::verified_key> key;                   // the API key record, for api_key
  std::optional<request_signing::verified_request> request;  // the checked signature, for signed_request
  std::optional<request_signing::httpsig::verified_signature> message_signature;  // the checked RFC 9421
                                                                                  // signature, for signed_request

  // True when the scope was granted (exact, case-sensitive; authz::scope_holder).
  bool has_scope(std::string_view s) const noexcept { return std::find(scopes.begin(), scopes.end(), s) != scopes.end(); }
  // True when the role is held by name (no hierarchy; the authenticator applies one).
  bool has_role(std::string_view r) const noexcept { return std::find(roles.begin(), roles.end(), r) != roles.end(); }
  // The store and market grants, as authz::require_store reads them.
  authz::store_grants store_grants() const noexcept { return {stores, markets}; }
};
static_assert(authz::scope_holder<principal>);

}  // namespace tessera::http
