#pragma once
// The client-id check of signed partner calls: the client id a request presents in its header
// (X-CLIENT-ID) must equal the client id of the bearer token that authenticated it.

#include <concepts>
#include <string_view>

#include "tessera/core/result.hpp"

namespace tessera::request_signing {

// Checks the header client id against the token's client id: exact, case-sensitive byte
// equality. missing_header when the header id is empty; client_mismatch when they differ
// (an empty token id never matches).
inline result<void> check_client_id(std::string_view header_client_id, std::string_view token_client_id) noexcept {
  if (header_client_id.empty()) return unexpected{errc::missing_header};
  if (token_client_id.empty() || header_client_id != token_client_id) return unexpected{errc::client_mismatch};
  return core::ok();
}

// A verified token that exposes its string claims by name (jwt::verified_token is one).
// Rules: claim_string(name) is noexcept, returns the claim's text when it is a JSON string, and
// an error (missing_claim, invalid_claim) otherwise; it is only called on verified tokens.
template <class T>
concept client_claim_source = requires(const T& t, std::string_view name) {
  { t.claim_string(name) } noexcept -> std::same_as<result<std::string_view>>;
};

// Checks the header client id against a verified token's string claim (default "client_id").
// The claim's own error is passed on (missing_claim, invalid_claim); otherwise as above.
template <client_claim_source T>
result<void> check_client_id(std::string_view header_client_id, const T& token,
                             std::string_view claim = "client_id") noexcept {
  if (header_client_id.empty()) return unexpected{errc::missing_header};
  auto id = token.claim_string(claim);
  if (!id) return unexpected{id.error()};
  return check_client_id(header_client_id, *id);
}

}  // namespace tessera::request_signing
