// Tests for tessera/http/credential_methods.hpp: each method on its own (what it says it is
// offered, what it verifies, the principal it reads), custom claim names, signed_bearer over an
// RFC 9421 verifier, and a method written outside the library plugged into the authenticator.
#include "tessera/http/credential_methods.hpp"

#include <string>

#include "http/challenges.hpp"
#include "http/fixtures.hpp"
#include "support/alloc_counter.hpp"
#include "support/catch.hpp"
#include "tessera/core/ct_equal.hpp"
#include "tessera/http/authenticator.hpp"
#include "tessera/request_signing/http_message_signatures.hpp"

// This file owns its test executable's allocation counter (support/alloc_counter.hpp).
using alloc_counter::allocs;

using namespace tessera;
using http_fixture::challenges;
using http_fixture::make_request;
using http_fixture::world;

static_assert(http::token_verifier<http_fixture::token_verifier_t>);
static_assert(http::key_verifier<api_key::verifier<>>);
static_assert(http::signature_verifier<http_fixture::signature_verifier_t, request_signing::request>);
static_assert(http::credential_method<http::bearer_jwt<const http_fixture::token_verifier_t&>, request_signing::request>);
static_assert(http::credential_method<http::api_key_header<const api_key::verifier<>&>, request_signing::request>);
static_assert(http::credential_method<
              http::signed_bearer<const http_fixture::token_verifier_t&, const http_fixture::signature_verifier_t&>,
              request_signing::request>);

TEST_CASE("bearer_jwt: offered by any Authorization header, reads claims by the names given", "[http][credential_methods]") {
  world w;
  auto m = http::bearer_method(w.tokens, {.tenant = "tid", .scopes = "scp", .roles = "groups"});
  const std::string tok = w.token({{"tid", "t-1"}, {"scp", {"a:read", "b:write"}}, {"groups", "admins ops"}});

  CHECK_FALSE(m.offered(make_request("GET", "/", {})));
  CHECK(m.offered(make_request("GET", "/", {{"Authorization", "Basic dXNlcjpwYXNz"}})));
  CHECK(m.authenticate(make_request("GET", "/", {{"Authorization", "Basic dXNlcjpwYXNz"}}), std::nullopt).error() ==
        errc::malformed_credentials);

  auto p = m.authenticate(make_request("GET", "/", {{"Authorization", "Bearer " + tok}}), std::nullopt);
  REQUIRE(p);
  CHECK(p->tenant == "t-1");
  CHECK(p->scopes == std::vector<std::string>{"a:read", "b:write"});
  CHECK(p->roles == std::vector<std::string>{"admins", "ops"});
  CHECK(p->has_role("ops"));
  CHECK_FALSE(p->has_role("op"));

  // The method reports the token's tenant whatever the route's; the authenticator binds it.
  auto elsewhere = m.authenticate(make_request("GET", "/", {{"Authorization", "Bearer " + tok}}), "t-2");
  REQUIRE(elsewhere);
  CHECK(elsewhere->tenant == "t-1");
  // A token whose claims lack scopes and roles has none; one with no tenant claim name set has no tenant.
  auto plain = http::bearer_method(w.tokens);
  auto q = plain.authenticate(make_request("GET", "/", {{"Authorization", "Bearer " + w.token({})}}), std::nullopt);
  REQUIRE(q);
  CHECK(q->tenant.empty());
  CHECK(q->scopes.empty());
  CHECK(q->roles.empty());
  // Token failures pass through with their own cause.
  CHECK(plain.authenticate(make_request("GET", "/", {{"Authorization", "Bearer x.y.z"}}), std::nullopt).error() ==
        errc::token_malformed);
}

TEST_CASE("api_key_header: offered by the verifier's header, bound to the route's tenant", "[http][credential_methods]") {
  world w;
  auto m = http::api_key_method(w.keys);
  const std::string key = w.key("org_1", {"x:read", "y:write"}, "key_one");
  CHECK_FALSE(m.offered(make_request("GET", "/", {{"Authorization", "Bearer abc"}})));
  CHECK(m.offered(make_request("GET", "/", {{"apikey", "anything"}})));

  auto p = m.authenticate(make_request("GET", "/", {{"ApiKey", key}}), "org_1");
  REQUIRE(p);
  CHECK(p->kind == http::credential_kind::api_key);
  CHECK(p->subject == "key_one");
  CHECK(p->tenant == "org_1");
  CHECK(p->scopes == std::vector<std::string>{"x:read", "y:write"});
  CHECK(p->roles.empty());
  CHECK(m.authenticate(make_request("GET", "/", {{"ApiKey", key}}), std::nullopt));
  CHECK(m.authenticate(make_request("GET", "/", {{"ApiKey", key}}), "org_2").error() == errc::wrong_tenant);
  for (std::string_view bad : {" leading", "trailing ", "a,b", "tab\there"}) {
    CAPTURE(bad);
    CHECK(m.authenticate(make_request("GET", "/", {{"ApiKey", bad}}), std::nullopt).error() == errc::malformed_credentials);
  }
  CHECK(m.authenticate(make_request("GET", "/", {{"ApiKey", "ak_test_short"}}), std::nullopt).error() ==
        errc::api_key_malformed);
}

namespace {
// A credential method written by a server author: a shared service password in X-Service-Token,
// compared in constant time. It shows that the authenticator takes any credential_method.
struct service_token {
  static constexpr http::credential_kind kind = http::credential_kind::api_key;
  std::string expected;
  template <class R>
  bool offered(const R& r) const noexcept {
    return r.header("X-Service-Token").has_value();
  }
  template <class R>
  result<http::principal> authenticate(const R& r, std::optional<std::string_view>) const noexcept {
    auto v = http::credential_value(r.header("X-Service-Token"));
    if (!v) return unexpected{v.error()};
    if (!core::ct_equal(*v, expected)) return unexpected{errc::invalid_credentials};
    http::principal p;
    p.kind = kind;
    p.subject = "billing-service";
    p.scopes = {"invoices:write"};
    return p;
  }
};
static_assert(http::credential_method<service_token, request_signing::request>);
}  // namespace

TEST_CASE("a server's own credential method composes with the library's", "[http][credential_methods]") {
  world w;
  http::authenticator auth(http::null_audit{}, http::no_rate_limit{}, {}, http::bearer_method(w.tokens),
                           service_token{"s3rvice-passw0rd"});
  const http::route invoices{.pattern = "/invoices", .scopes = {"invoices:write"}};
  auto p = auth.authenticate(make_request("POST", "/invoices", {{"X-Service-Token", "s3rvice-passw0rd"}}), invoices);
  REQUIRE(p);
  CHECK(p->subject == "billing-service");
  CHECK(auth.authenticate(make_request("POST", "/invoices", {{"X-Service-Token", "guess"}}), invoices).error() ==
        errc::invalid_credentials);
  // A bearer token without the scope is refused by the same route.
  CHECK(auth.authenticate(make_request("POST", "/invoices", {{"Authorization", "Bearer " + w.token({})}}), invoices)
            .error() == errc::missing_scope);
  // The method ignores the route's tenant; the authenticator still binds its principal (which
  // has none), so it cannot reach a tenant's route: wrong_tenant, as for every api_key-kind
  // credential.
  const http::route org_invoices{.pattern = "/orgs/{org}/invoices", .tenant = "org", .scopes = {"invoices:write"}};
  CHECK(auth.authenticate(make_request("POST", "/orgs/o1/invoices", {{"X-Service-Token", "s3rvice-passw0rd"}}),
                          org_invoices)
            .error() == errc::wrong_tenant);
}

TEST_CASE("signed_bearer over an RFC 9421 verifier: keyid is the client id, bound to the token's", "[http][credential_methods]") {
  namespace httpsig = request_signing::httpsig;
  world w;  // partner-42 holds an RSA key registered for RSASSA-PKCS1-v1_5 SHA-256: rsa-v1_5-sha256
  core::memory_replay_store nonces;
  httpsig::verifier_options policy;
  policy.required_components = {"@method", "@path", "@authority"};
  policy.require_content_digest = true;
  policy.require_nonce = true;
  httpsig::verifier messages(w.clients, nonces, policy);
  http::authenticator auth(http::null_audit{}, http::no_rate_limit{}, {}, http::signed_request_method(w.tokens, messages));
  const http::route orders{.pattern = "/api/v1/orders"};
  const std::string bearer = "Bearer " + w.token({{"client_id", "partner-42"}}, "partner-42");
  auto partner = httpsig::signer<>::create("partner-42", w.partner_key, httpsig::algorithm::rsa_v1_5_sha256).value();
  auto sign = [&](request_signing::request r, std::vector<httpsig::component> components = {"@method", "@path", "@authority"}) {
    httpsig::sign_options o;
    o.components = std::move(components);
    o.add_content_digest = !r.body().empty();
    partner.sign(r, o).value().apply_to(r);
    return r;
  };
  auto order = [&](std::string token) {
    auto r = request_signing::request::from_target("POST", "/api/v1/orders", R"({"items":[]})");
    r.set_header("Host", "api.example.com");
    r.set_header("Authorization", token);
    return r;
  };
  const std::string stranger_token = "Bearer " + w.token({{"client_id", "partner-42"}, {"note", "another"}}, "partner-42");
  const std::vector<std::string> plain{"Bearer realm=\"api\""};
  auto cause = [&](const request_signing::request& r) {
    auto p = auth.authenticate(r, orders);
    return p ? errc{} : p.error();
  };

  const auto good = sign(order(bearer), {"@method", "@path", "@authority", "authorization"});
  auto p = auth.authenticate(good, orders);
  REQUIRE(p);
  CHECK(p->kind == http::credential_kind::signed_request);
  CHECK(p->subject == "partner-42");
  REQUIRE(p->message_signature);
  CHECK(p->message_signature->owner() == "partner-42");
  CHECK(p->message_signature->keyid() == "partner-42");
  CHECK(p->message_signature->alg() == httpsig::algorithm::rsa_v1_5_sha256);
  CHECK(p->message_signature->covers("content-digest"));
  CHECK_FALSE(p->request);
  REQUIRE(p->token);

  // Every refusal is the credential's own, with a challenge that does not blame the token.
  CHECK(cause(good) == errc::replayed);
  auto tampered = sign(order(bearer));
  tampered.set_header("Host", "evil.example.com");
  CHECK(cause(tampered) == errc::bad_request_signature);
  auto renamed = sign(order(bearer), {"@method", "@path", "@authority", "authorization"});
  renamed.set_header("Authorization", stranger_token);
  CHECK(cause(renamed) == errc::bad_request_signature);  // a covered token cannot be swapped
  auto body = sign(order(bearer));
  body.set_body(R"({"items":[1]})");
  CHECK(cause(body) == errc::content_digest_mismatch);
  auto unsigned_order = order(bearer);
  CHECK(cause(unsigned_order) == errc::missing_signature);
  auto short_sig = sign(order(bearer));
  short_sig.set_header("Signature", "sig1=:AAAA:");
  CHECK(cause(short_sig) == errc::malformed_signature);
  for (errc e : {errc::replayed, errc::bad_request_signature, errc::content_digest_mismatch, errc::missing_signature,
                 errc::malformed_signature}) {
    CAPTURE(core::name(e));
    CHECK(auth.respond(e).status == 401);
    CHECK(challenges(auth.respond(e)) == plain);
  }
  // A body the signature does not cover through Content-Digest.
  auto bare = order(bearer);
  httpsig::sign_options o;
  o.components = {"@method", "@path", "@authority"};
  partner.sign(bare, o).value().apply_to(bare);
  CHECK(cause(bare) == errc::httpsig_component_not_covered);

  // A token issued to another client, with partner-42's signature: client_mismatch.
  const std::string stranger = "Bearer " + w.token({{"client_id", "partner-7"}}, "partner-7");
  CHECK(cause(sign(order(stranger))) == errc::client_mismatch);
  // A keyid no registry knows decides nothing: httpsig_unknown_key.
  auto other = httpsig::signer<>::create("partner-9", w.partner_key, httpsig::algorithm::rsa_v1_5_sha256).value();
  auto unknown = order(bearer);
  httpsig::sign_options uo;
  uo.add_content_digest = true;
  other.sign(unknown, uo).value().apply_to(unknown);
  CHECK(cause(unknown) == errc::httpsig_unknown_key);

  // A bad token is refused before the signature is checked, so its nonce is not spent.
  auto bad_token = sign(order("Bearer a.b.c"));
  CHECK(cause(bad_token) == errc::token_malformed);
  bad_token.set_header("Authorization", bearer);
  CHECK(cause(bad_token) == errc{});
}

TEST_CASE("a principal's scope list is allocated once, however many scopes the credential holds", "[http][credential_methods]") {
#ifdef TESSERA_TEST_SANITIZED
  TESSERA_SKIP("allocation counting needs the test's own operator new, which sanitizers replace");
#endif
  // Allocations of one authentication with a single scope and with five: the same count when the
  // list is sized once (a list grown scope by scope reallocates at 1, 2 and 4). Five short scopes
  // keep the API key's own copy within api_key::verified_key::inline_bytes, as one does.
  world w;
  const std::vector<std::string> five{"a:1", "b:2", "c:3", "d:4", "e:5"};
  auto keys = http::api_key_method(w.keys);
  auto tokens = http::bearer_method(w.tokens, {.tenant = "tid"});
  const auto key_req = [&](const std::vector<std::string>& scopes, const char* id) {
    return make_request("GET", "/", {{"ApiKey", w.key("org_1", scopes, id)}});
  };
  const auto token_req = [&](const std::vector<std::string>& scopes) {
    return make_request("GET", "/", {{"Authorization", "Bearer " + w.token({{"tid", "t-1"}, {"scope", scopes}})}});
  };
  const auto count = [](auto&& run) {
    allocs = 0;
    alloc_counter::counting = true;
    auto p = run();
    alloc_counter::counting = false;
    REQUIRE(p);
    return allocs;
  };
  const auto one_key = key_req({"a:1"}, "key_one"), five_keys = key_req(five, "key_two");
  const auto one_tok = token_req({"a:1"}), five_tok = token_req(five);
  (void)keys.authenticate(one_key, "org_1");  // warm up this thread's HMAC and parser state
  (void)tokens.authenticate(one_tok, std::nullopt);
  CHECK(count([&] { return keys.authenticate(five_keys, "org_1"); }) ==
        count([&] { return keys.authenticate(one_key, "org_1"); }));
  CHECK(count([&] { return tokens.authenticate(five_tok, std::nullopt); }) ==
        count([&] { return tokens.authenticate(one_tok, std::nullopt); }));
}
