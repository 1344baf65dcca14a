#pragma once
// The ways a request proves who it is, each turning one kind of credential into a principal:
// bearer_jwt (Authorization: Bearer <JWT>), api_key_header (an ApiKey header) and
// signed_bearer (a Bearer JWT plus a request signature by the same client: a request_signing
// profile's, such as X-SIGNATURE over client_id|X-TIMESTAMP, or an RFC 9421 message signature).
// Each holds its verifier by value, or by reference when its type is a reference (the
// bearer_method(), api_key_method() and signed_request_method() helpers hold references to
// verifiers you own).

#include <concepts>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/http/headers.hpp"
#include "tessera/http/principal.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/jwt/verifier.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/request_signing/client_id.hpp"
#include "tessera/request_signing/client_registry.hpp"
#include "tessera/request_signing/client_timestamp.hpp"
#include "tessera/request_signing/http_message_signatures.hpp"
#include "tessera/request_signing/request.hpp"

namespace tessera::http {

// A request as the authenticator reads it: method, raw path and query, body and headers (see
// request_signing::request_view for the rules; request_signing::request is a model).
using request_signing::request_view;

// A JWT verifier: jwt::verifier, or anything that verifies a compact token the same way.
template <class V>
concept token_verifier = requires(const V& v, std::string_view token) {
  { v.verify(token) } noexcept -> std::same_as<result<jwt::verified_token>>;
};

// An API-key verifier: api_key::verifier, or anything with its verify calls and header name.
template <class V>
concept key_verifier = requires(const V& v, std::string_view key) {
  { v.verify(key, key) } noexcept -> std::same_as<result<api_key::verified_key>>;
  { v.verify_any_tenant(key) } noexcept -> std::same_as<result<api_key::verified_key>>;
  { v.options().header_name } -> std::convertible_to<std::string_view>;
};

static_assert(token_verifier<jwt::verifier<jwt::single_key>>);
static_assert(key_verifier<api_key::verifier<>>);

// A request-signature verifier for requests of type R (request_signing::verifier is one).
template <class V, class R>
concept signature_verifier = requires(const V& v, const R& r) {
  { v.verify(r) } noexcept -> std::same_as<result<request_signing::verified_request>>;
};
static_assert(signature_verifier<request_signing::verifier<request_signing::client_timestamp,
                                                           request_signing::memory_client_registry&,
                                                           core::memory_replay_store&>,
                                 request_signing::request>);

// An RFC 9421 message-signature verifier for requests of type R (request_signing::httpsig::verifier
// is one); the signature's owner() is the client that signed.
template <class V, class R>
concept message_signature_verifier = requires(const V& v, const R& r) {
  { v.verify(r) } noexcept -> std::same_as<result<request_signing::httpsig::verified_signature>>;
};
static_assert(message_signature_verifier<request_signing::httpsig::verifier<request_signing::memory_client_registry&,
                                                                            core::memory_replay_store&>,
                                         request_signing::request>);

// How a verified token's claims become a principal's tenant, scopes and roles.
struct claim_names {
  std::string tenant;                 // the claim naming the tenant ("org_id"); "" when tokens name none
  std::string scopes = "scope";       // space-separated string or array of strings; may be absent
  std::string roles = "roles";        // array or space-separated string; may be absent
  std::string stores = "stores";      // store grants, array or space-separated; may be absent
  std::string markets = "markets";    // market grants, array or space-separated; may be absent
  std::string client_id = "client_id";  // signed_bearer: must equal the signing client's id
};

namespace detail {
// An optional list claim: absent is an empty list; any other type is invalid_claim.
TESSERA_DECL result<std::vector<std::string>> optional_list(const jwt::verified_token& t, std::string_view claim);

// The principal of a verified token (the authenticator binds it to the route's tenant).
TESSERA_DECL result<principal> token_principal(jwt::verified_token&& t, const claim_names& names, credential_kind kind);

// Runs fn, turning an exception (out of memory while building a principal) into internal_error.
template <class Fn>
result<principal> guarded(Fn&& fn) noexcept {
  try {
    return fn();
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}
}  // namespace detail

// Authorization: Bearer <JWT>. The "Bearer " prefix is mandatory (RFC 6750). The principal's
// tenant is the claim names.tenant; the authenticator then requires it to equal the route's
// tenant (tenant_mismatch, 403), so the refusal is audited with the token's subject.
template <class V>
  requires token_verifier<std::remove_cvref_t<V>>
class bearer_jwt {
 public:
  static constexpr credential_kind kind = credential_kind::bearer_token;

  explicit bearer_jwt(V verifier, claim_names names = {}) : verifier_(std::forward<V>(verifier)), names_(std::move(names)) {}

  // True when the request carries an Authorization header (of any scheme: a wrong scheme is
  // then refused as malformed_credentials rather than reported as missing).
  template <request_view R>
  bool offered(const R& req) const noexcept {
    return req.header("Authorization").has_value();
  }
  // Verifies the bearer token and reads its principal (the route's tenant is bound by the caller).
  template <request_view R>
  result<principal> authenticate(const R& req, std::optional<std::string_view>) const noexcept {
    auto token = bearer_token_of(req);
    if (!token) return unexpected{token.error()};
    auto verified = verifier_.verify(*token);
    if (!verified) return unexpected{verified.error()};
    return detail::guarded([&] { return detail::token_principal(std::move(*verified), names_, kind); });
  }

 private:
  V verifier_;
  claim_names names_;
};

// An API key in its header ("ApiKey" unless the verifier says otherwise; name matched
// case-insensitively). On a route with a tenant the verifier checks that the key belongs to it:
// wrong_tenant (401), refused like an unknown key so a key learns nothing of other tenants, and
// every API-key failure shares one status.
template <class V>
  requires key_verifier<std::remove_cvref_t<V>>
class api_key_header {
 public:
  static constexpr credential_kind kind = credential_kind::api_key;

  explicit api_key_header(V verifier) : verifier_(std::forward<V>(verifier)) {}

  // True when the request carries the key header.
  template <request_view R>
  bool offered(const R& req) const noexcept {
    return req.header(verifier_.options().header_name).has_value();
  }
  // Verifies the key (for the route's tenant, when it has one) and reads its principal.
  template <request_view R>
  result<principal> authenticate(const R& req, std::optional<std::string_view> route_tenant) const noexcept {
    auto key = credential_value(req.header(verifier_.options().header_name));
    if (!key) return unexpected{key.error()};
    auto verified = route_tenant ? verifier_.verify(*key, *route_tenant) : verifier_.verify_any_tenant(*key);
    if (!verified) return unexpected{verified.error()};
    return detail::guarded([&] {
      // Built in place: the principal is never moved.
      return result<principal>(core::from_call, [&] {
        principal p;
        p.kind = kind;
        p.subject = std::string(verified->key_id());
        p.tenant = std::string(verified->tenant());
        p.scopes.reserve(verified->scopes().size());  // one allocation for the list, whatever its length
        for (auto s : verified->scopes()) p.scopes.emplace_back(s);
        p.key.emplace(std::move(*verified));
        return p;
      });
    });
  }

 private:
  V verifier_;
};

namespace detail {
// A request-signature failure as the signed_request credential reports it (see signed_bearer).
constexpr errc signature_failure(errc e) noexcept {
  switch (e) {
    case errc::missing_header: return errc::missing_signature;
    case errc::malformed_header:
    case errc::invalid_timestamp:
    case errc::invalid_signature_length: return errc::malformed_signature;
    case errc::bad_signature: return errc::bad_request_signature;
    default: return e;
  }
}
}  // namespace detail

// The signed partner-order model: a Bearer JWT and a request signature, both verified, by the
// same client: the token's client-id claim must equal the signature's client id
// (client_mismatch, 401). The signature verifier is a request_signing::verifier (X-SIGNATURE and
// its profile: principal::request) or an RFC 9421 message-signature verifier (Signature-Input
// and Signature, keyid = client id: principal::message_signature). The request-signature
// verifier's header causes, which are 400s where a lone signature is checked, become this
// credential's own 401s: missing_signature (a signature header absent), malformed_signature (a
// header, the timestamp's format or the signature's length wrong), bad_request_signature (it
// does not verify). Window, replay and client causes keep their names (stale_timestamp,
// future_timestamp, replayed, unknown_client), and so do the RFC 9421 verifier's own causes
// (httpsig_*, content_digest_*: its policy's 401s, and 400s for a field or component that cannot
// be read). None of these blames the token, so a 401 for them challenges Bearer without
// error="invalid_token" (a client does not renew a good token).
// The token is checked first (cheap), so a bad token never reaches the signature check or the
// signature's replay store. It is offered by the same Authorization header as bearer_jwt, so an
// authenticator holds one of the two, never both (every bearer request would then be ambiguous,
// and refused), and one signed_bearer: a server taking both kinds of signature holds one
// authenticator per kind and picks one by the signature fields the request carries.
template <class TV, class SV>
  requires token_verifier<std::remove_cvref_t<TV>>
class signed_bearer {
 public:
  static constexpr credential_kind kind = credential_kind::signed_request;

  signed_bearer(TV tokens, SV signatures, claim_names names = {})
      : tokens_(std::forward<TV>(tokens)), signatures_(std::forward<SV>(signatures)), names_(std::move(names)) {}

  // True when the request carries an Authorization header (the signature headers are then
  // required: a request without them is refused, never let through on the token alone).
  template <request_view R>
  bool offered(const R& req) const noexcept {
    return req.header("Authorization").has_value();
  }
  // Verifies the token, then the signature, then that both name the same client.
  template <request_view R>
    requires signature_verifier<std::remove_cvref_t<SV>, R> || message_signature_verifier<std::remove_cvref_t<SV>, R>
  result<principal> authenticate(const R& req, std::optional<std::string_view>) const noexcept {
    constexpr bool rfc9421 = message_signature_verifier<std::remove_cvref_t<SV>, R>;
    auto token = bearer_token_of(req);
    if (!token) return unexpected{token.error()};
    auto verified = tokens_.verify(*token);
    if (!verified) return unexpected{verified.error()};
    auto signature = signatures_.verify(req);
    if (!signature) return unexpected{detail::signature_failure(signature.error())};
    std::string_view client;
    if constexpr (rfc9421) client = signature->owner();
    else client = signature->client_id();
    if (auto same = request_signing::check_client_id(client, *verified, names_.client_id); !same)
      return unexpected{same.error()};
    return detail::guarded([&]() -> result<principal> {
      auto p = detail::token_principal(std::move(*verified), names_, kind);
      if (!p) return p;
      p->subject = std::string(client);
      if constexpr (rfc9421) p->message_signature.emplace(std::move(*signature));
      else p->request.emplace(std::move(*signature));
      return p;
    });
  }

 private:
  TV tokens_;
  SV signatures_;
  claim_names names_;
};

// A bearer_jwt over a verifier you own.
template <class V>
bearer_jwt<const V&> bearer_method(const V& verifier, claim_names names = {}) {
  return bearer_jwt<const V&>(verifier, std::move(names));
}
// An api_key_header over a verifier you own.
template <class V>
api_key_header<const V&> api_key_method(const V& verifier) {
  return api_key_header<const V&>(verifier);
}
// A signed_bearer over verifiers you own.
template <class TV, class SV>
signed_bearer<const TV&, const SV&> signed_request_method(const TV& tokens, const SV& signatures, claim_names names = {}) {
  return signed_bearer<const TV&, const SV&>(tokens, signatures, std::move(names));
}

}  // namespace tessera::http

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/http/impl/credential_methods.ipp"
#endif
