#pragma once
// tessera::errc — every distinct failure cause, its HTTP status and its stable name, in one table.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace tessera::core {

// X-macro table: value, stable snake_case name, HTTP status, human message (never holds input).
// Later areas add their causes here so that the mapping to HTTP stays in one place.
#define TESSERA_ERRC_TABLE(X)                                                                   \
  /* core: encodings and arguments */                                                           \
  X(invalid_argument, "invalid_argument", 400, "an argument is out of range")                   \
  X(invalid_base64, "invalid_base64", 400, "input is not strict base64 or base64url")           \
  X(invalid_hex, "invalid_hex", 400, "input is not valid hexadecimal")                          \
  X(buffer_too_small, "buffer_too_small", 500, "the output buffer is too small")                \
  X(input_too_large, "input_too_large", 400, "input exceeds its size limit")                    \
  X(random_failure, "random_failure", 500, "the random generator failed")                       \
  X(internal_error, "internal_error", 500, "internal error")                                     \
  /* crypto: keys and primitives */                                                             \
  X(crypto_failure, "crypto_failure", 500, "a cryptographic operation failed")                  \
  X(invalid_key, "invalid_key", 400, "key material is malformed")                               \
  X(unsupported_key_type, "unsupported_key_type", 400, "the key type or curve is not supported") \
  X(key_type_mismatch, "key_type_mismatch", 400, "the key does not fit the algorithm")          \
  X(key_too_small, "key_too_small", 400, "the key is smaller than the allowed minimum")         \
  X(weak_key, "weak_key", 400, "the key is weak (small factors or a small-order point)")       \
  X(invalid_signature_length, "invalid_signature_length", 401, "the signature has the wrong length") \
  X(bad_signature, "bad_signature", 401, "the signature does not verify")                       \
  X(invalid_kdf_parameters, "invalid_kdf_parameters", 400, "key derivation parameters are invalid") \
  /* jwt */                                                                                     \
  X(token_malformed, "token_malformed", 401, "the token is malformed")                          \
  X(token_too_large, "token_too_large", 401, "the token exceeds the size limit")                \
  X(algorithm_not_allowed, "algorithm_not_allowed", 401, "the token's algorithm is not allowed") \
  X(key_not_found, "key_not_found", 401, "no key matches the token")                            \
  X(token_expired, "token_expired", 401, "the token has expired")                               \
  X(token_not_yet_valid, "token_not_yet_valid", 401, "the token is not yet valid")              \
  X(token_issued_in_future, "token_issued_in_future", 401, "the token was issued in the future") \
  X(token_too_old, "token_too_old", 401, "the token is older than the maximum age")             \
  X(wrong_issuer, "wrong_issuer", 401, "the token's issuer is not accepted")                    \
  X(wrong_audience, "wrong_audience", 401, "the token's audience is not accepted")              \
  X(wrong_subject, "wrong_subject", 401, "the token's subject is not accepted")                 \
  X(wrong_token_type, "wrong_token_type", 401, "the token's type is not accepted")              \
  X(missing_claim, "missing_claim", 401, "a required claim is missing")                         \
  X(invalid_claim, "invalid_claim", 401, "a claim has the wrong type or value")                 \
  X(unsupported_critical_header, "unsupported_critical_header", 401, "the token has a critical header that is not understood") \
  X(claim_check_failed, "claim_check_failed", 401, "a claim check failed")                      \
  X(token_revoked, "token_revoked", 401, "the token has been revoked")                          \
  X(key_withdrawn, "key_withdrawn", 401, "the token's signing key has been withdrawn")          \
  X(principal_deactivated, "principal_deactivated", 401, "the principal has been deactivated")  \
  X(refresh_window_passed, "refresh_window_passed", 401, "the token is too old to refresh")     \
  X(refresh_already_used, "refresh_already_used", 401, "the token has already been refreshed")  \
  /* webhooks */                                                                                \
  X(missing_header, "missing_header", 400, "a required header is missing")                      \
  X(malformed_header, "malformed_header", 400, "a header is malformed")                         \
  X(invalid_timestamp, "invalid_timestamp", 400, "the timestamp is not a strict value")         \
  X(stale_timestamp, "stale_timestamp", 401, "the timestamp is outside the allowed window")     \
  X(future_timestamp, "future_timestamp", 401, "the timestamp is too far in the future")        \
  X(no_valid_signature, "no_valid_signature", 401, "no signature verifies")                     \
  X(duplicate_delivery, "duplicate_delivery", 409, "the delivery was already accepted")         \
  X(secret_too_short, "secret_too_short", 400, "the secret is shorter than the minimum")        \
  X(invalid_secret, "invalid_secret", 400, "the secret is malformed")                           \
  /* request signing */                                                                         \
  X(unknown_client, "unknown_client", 401, "the client is not registered")                      \
  X(replayed, "replayed", 401, "the request was already seen")                                  \
  X(client_mismatch, "client_mismatch", 401, "the client id does not match the token")          \
  X(malformed_request, "malformed_request", 400, "the request cannot be put in canonical form")  \
  X(missing_signature, "missing_signature", 401, "the request signature or one of its headers is missing") \
  X(malformed_signature, "malformed_signature", 401, "the request signature or one of its headers is malformed") \
  X(bad_request_signature, "bad_request_signature", 401, "the request signature does not verify") \
  /* api keys and client credentials */                                                         \
  X(api_key_malformed, "api_key_malformed", 401, "the API key is malformed")                    \
  X(api_key_bad_checksum, "api_key_bad_checksum", 401, "the API key checksum does not match")   \
  X(api_key_unknown, "api_key_unknown", 401, "the API key is not known")                        \
  X(api_key_revoked, "api_key_revoked", 401, "the API key has been revoked")                    \
  X(api_key_expired, "api_key_expired", 401, "the API key has expired")                         \
  X(api_key_wrong_environment, "api_key_wrong_environment", 401, "the API key belongs to another environment") \
  X(wrong_tenant, "wrong_tenant", 401, "the credential is not valid for this tenant")           \
  X(invalid_credentials, "invalid_credentials", 401, "the client credentials are not valid")    \
  X(client_deactivated, "client_deactivated", 401, "the client has been deactivated")           \
  X(invalid_hash_string, "invalid_hash_string", 500, "a stored hash string is malformed")       \
  X(too_many_requests, "too_many_requests", 429, "too many concurrent requests")                \
  X(too_many_failed_logins, "too_many_failed_logins", 429, "too many failed logins; retry later") \
  X(missing_field, "missing_field", 400, "a required field is missing")                         \
  X(unsupported_grant_type, "unsupported_grant_type", 400, "the grant type is not supported")   \
  /* authorization */                                                                           \
  X(invalid_scope, "invalid_scope", 400, "a scope is not an RFC 6749 scope-token")             \
  X(missing_scope, "missing_scope", 403, "the credential lacks a required scope")               \
  X(forbidden, "forbidden", 403, "the credential may not access this resource")                 \
  X(tenant_mismatch, "tenant_mismatch", 403, "the resource belongs to another tenant")          \
  X(rate_limited, "rate_limited", 429, "the rate limit has been exceeded")                      \
  X(route_not_found, "route_not_found", 404, "no route matches the request path")               \
  X(malformed_path, "malformed_path", 400, "the request path is not in normal form")            \
  X(store_not_allowed, "store_not_allowed", 403, "the credential may not access this store or market") \
  X(missing_parameter, "missing_parameter", 400, "a request parameter the route needs is missing") \
  X(malformed_parameter, "malformed_parameter", 400, "a request parameter is malformed or given twice") \
  X(credential_not_accepted, "credential_not_accepted", 401, "this route does not accept this kind of credential") \
  /* http credential extraction */                                                              \
  X(missing_credentials, "missing_credentials", 401, "no credentials were presented")           \
  X(malformed_credentials, "malformed_credentials", 401, "the credentials are malformed")       \
  X(store_unavailable, "store_unavailable", 503, "a backing store failed")                       \
  /* outbound side: idempotency, deliveries, sealed secrets */                                  \
  X(invalid_idempotency_key, "invalid_idempotency_key", 400, "the idempotency key is malformed") \
  X(idempotency_key_reused, "idempotency_key_reused", 422, "the idempotency key was used for another request") \
  X(request_in_progress, "request_in_progress", 409, "a request with this idempotency key is still in progress") \
  X(url_not_allowed, "url_not_allowed", 400, "the URL's scheme, host or address is not allowed") \
  X(unknown_subscription, "unknown_subscription", 404, "the subscription is not known")         \
  X(queue_full, "queue_full", 503, "the queue is full; retry later")                            \
  X(unseal_failed, "unseal_failed", 500, "a sealed secret cannot be opened")                    \
  /* client side of a partner API */                                                           \
  X(token_unavailable, "token_unavailable", 500, "no usable token could be obtained")            \
  X(connection_failed, "connection_failed", 502, "the remote server could not be reached")       \
  X(remote_error, "remote_error", 502, "the remote server answered with an error")              \
  /* structured field values (RFC 8941): one cause per malformed construct and per bound */      \
  X(sf_input_too_large, "sf_input_too_large", 400, "a structured field is longer than its limit") \
  X(sf_malformed_list, "sf_malformed_list", 400, "a structured list is malformed")               \
  X(sf_malformed_dictionary, "sf_malformed_dictionary", 400, "a structured dictionary is malformed") \
  X(sf_malformed_inner_list, "sf_malformed_inner_list", 400, "a structured inner list is malformed") \
  X(sf_malformed_item, "sf_malformed_item", 400, "a structured item is missing or followed by other text") \
  X(sf_bad_parameter, "sf_bad_parameter", 400, "a structured parameter has no valid value after its '='") \
  X(sf_bad_key, "sf_bad_key", 400, "a structured dictionary or parameter key is malformed")   \
  X(sf_bad_integer, "sf_bad_integer", 400, "a structured integer is malformed or out of range") \
  X(sf_bad_decimal, "sf_bad_decimal", 400, "a structured decimal is malformed or out of range") \
  X(sf_bad_string, "sf_bad_string", 400, "a structured string is malformed")                 \
  X(sf_bad_token, "sf_bad_token", 400, "a structured token is malformed")                    \
  X(sf_bad_byte_sequence, "sf_bad_byte_sequence", 400, "a structured byte sequence is not strict padded base64") \
  X(sf_bad_boolean, "sf_bad_boolean", 400, "a structured boolean is neither ?0 nor ?1")       \
  X(sf_too_many_members, "sf_too_many_members", 400, "a structured list or dictionary has too many members") \
  X(sf_too_many_inner_list_items, "sf_too_many_inner_list_items", 400, "a structured inner list has too many items") \
  X(sf_too_many_parameters, "sf_too_many_parameters", 400, "a structured item or inner list has too many parameters") \
  X(sf_key_too_long, "sf_key_too_long", 400, "a structured key is longer than its limit")     \
  X(sf_string_too_long, "sf_string_too_long", 400, "a structured string is longer than its limit") \
  X(sf_token_too_long, "sf_token_too_long", 400, "a structured token is longer than its limit") \
  X(sf_byte_sequence_too_long, "sf_byte_sequence_too_long", 400, "a structured byte sequence is longer than its limit") \
  /* RFC 9530 Content-Digest */                                                                 \
  X(content_digest_missing, "content_digest_missing", 400, "the Content-Digest header is missing") \
  X(content_digest_malformed, "content_digest_malformed", 400, "the Content-Digest header is not a dictionary of digests of the right sizes") \
  X(content_digest_unsupported, "content_digest_unsupported", 400, "the Content-Digest header holds no sha-256 or sha-512 digest") \
  X(content_digest_mismatch, "content_digest_mismatch", 401, "a Content-Digest digest does not match the content") \
  /* RFC 9421 HTTP Message Signatures: the signature fields, covered components, verifier policy */ \
  X(httpsig_malformed_signature_input, "httpsig_malformed_signature_input", 400, "the Signature-Input header is malformed") \
  X(httpsig_malformed_signature, "httpsig_malformed_signature", 400, "the Signature header is malformed") \
  X(httpsig_label_mismatch, "httpsig_label_mismatch", 400, "a signature label is in only one of Signature-Input and Signature") \
  X(httpsig_input_too_large, "httpsig_input_too_large", 400, "a signature header or signature base exceeds its limit") \
  X(httpsig_bad_signature_parameter, "httpsig_bad_signature_parameter", 400, "a signature parameter is unknown or has the wrong type") \
  X(httpsig_duplicate_component, "httpsig_duplicate_component", 400, "a component is covered twice") \
  X(httpsig_unknown_component, "httpsig_unknown_component", 400, "a covered component is neither a known derived component nor a lowercase field name") \
  X(httpsig_bad_component_parameter, "httpsig_bad_component_parameter", 400, "a covered component has an unknown, unsupported or conflicting parameter") \
  X(httpsig_missing_component, "httpsig_missing_component", 400, "a covered component is not in the message") \
  X(httpsig_ambiguous_component, "httpsig_ambiguous_component", 400, "a covered query parameter occurs more than once") \
  X(httpsig_malformed_component, "httpsig_malformed_component", 400, "a covered component's value cannot be canonicalized") \
  X(httpsig_component_not_covered, "httpsig_component_not_covered", 401, "the signature does not cover a component the server requires") \
  X(httpsig_missing_parameter, "httpsig_missing_parameter", 401, "the signature lacks a parameter the server requires") \
  X(httpsig_expired, "httpsig_expired", 401, "the signature has expired") \
  X(httpsig_alg_mismatch, "httpsig_alg_mismatch", 401, "the signature's alg parameter disagrees with its key") \
  X(httpsig_wrong_tag, "httpsig_wrong_tag", 401, "the signature's tag is not the one expected") \
  X(httpsig_label_not_found, "httpsig_label_not_found", 401, "no signature has a label the server accepts") \
  X(httpsig_unknown_key, "httpsig_unknown_key", 401, "no signature names a key the server trusts")

// Every distinct failure cause; 0 is never used so that errc converts to a failing error_code.
enum class errc : int {
#define TESSERA_ERRC_ENUM(name, str, status, msg) name,
  none_ = 0,
  TESSERA_ERRC_TABLE(TESSERA_ERRC_ENUM)
#undef TESSERA_ERRC_ENUM
      count_
};

namespace detail_errc {
struct entry {
  std::string_view name;
  int http_status;
  std::string_view message;
};
inline constexpr std::array<entry, static_cast<std::size_t>(errc::count_)> table{{
    {"ok", 200, "success"},
#define TESSERA_ERRC_ENTRY(name, str, status, msg) {str, status, msg},
    TESSERA_ERRC_TABLE(TESSERA_ERRC_ENTRY)
#undef TESSERA_ERRC_ENTRY
}};
constexpr const entry& lookup(errc e) noexcept {
  auto i = static_cast<std::size_t>(e);
  return i < table.size() ? table[i] : table[static_cast<std::size_t>(errc::internal_error)];
}
}  // namespace detail_errc

// The stable snake_case name of a cause, used as the "error" field of JSON error bodies.
constexpr std::string_view name(errc e) noexcept { return detail_errc::lookup(e).name; }

// The HTTP status a server should answer with for this cause (400 to 503).
constexpr int http_status(errc e) noexcept { return detail_errc::lookup(e).http_status; }

// A short fixed description of the cause; it never includes any input, token or secret.
constexpr std::string_view message(errc e) noexcept { return detail_errc::lookup(e).message; }

// The std::error_category under which tessera::errc values are registered.
class error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "tessera"; }
  std::string message(int ev) const override { return std::string(core::message(static_cast<errc>(ev))); }
};

// The single tessera error category instance.
inline const std::error_category& error_category() noexcept {
  static const error_category_impl instance;
  return instance;
}

// Makes a std::error_code from a tessera::errc (found by ADL).
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace tessera::core

template <>
struct std::is_error_code_enum<tessera::core::errc> : std::true_type {};

namespace tessera {
using core::errc;
}  // namespace tessera
