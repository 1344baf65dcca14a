// Fuzzes the authenticator pipeline (http/authenticator.hpp) with a bearer method and an API-key
// method on an org route: the input is cut into method, target, Authorization and ApiKey values.
// Properties: never crashes; the SSE2 b64token check agrees with its bytewise reference; an
// accepted request names the org of its path; match_path captures only what the path holds.
#include <string>

#include "fuzz_support.hpp"
#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/http/authenticator.hpp"
#include "tessera/jwt/key.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/jwt/rules.hpp"
#include "tessera/jwt/verifier.hpp"
#include "tessera/request_signing/request.hpp"

namespace {
using namespace tessera;

using tessera_fuzz::hs256_key;

struct world {
  jwt::verifier<jwt::single_key> tokens{
      jwt::single_key(jwt::verification_key::hmac(jwt::alg::hs256, core::bytes_view(hs256_key)).value()),
      jwt::rules::builder{}.issuer("https://auth.example.com").audience("orders-api").build().value()};
  api_key::memory_key_store store;
  api_key::pepper_ring peppers = api_key::pepper_ring::create(1, core::bytes_view(hs256_key)).value();
  api_key::verifier<> keys = api_key::verifier<>::create(api_key::key_format{}, peppers, store).value();
  http::authenticator<http::null_audit, http::no_rate_limit, core::coarse_clock,
                      http::bearer_jwt<const jwt::verifier<jwt::single_key>&>, http::api_key_header<const api_key::verifier<>&>>
      auth{http::null_audit{}, http::no_rate_limit{}, {}, http::bearer_method(tokens, {.tenant = "org_id"}),
           http::api_key_method(keys)};
  http::route orders{"/v2/orgs/{orgId}/orders/*", "orgId", {"orders:read"}, ""};
  world() {
    api_key::key_spec spec;
    spec.tenant = "org_123";
    spec.scopes = {"orders:read"};
    auto gen = api_key::generator<>::create(api_key::key_format{}, peppers).value();
    tessera_fuzz::require(gen.issue(store, spec).has_value(), "a key is stored");
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static world w;
  auto f = tessera_fuzz::fields(tessera_fuzz::text(data, size), 4);

  bool bytewise = true;
  for (char c : f[2]) bytewise = bytewise && http::detail::b64token_char(c);
  tessera_fuzz::require(http::detail::b64token_chars(f[2]) == bytewise, "SSE2 b64token check = bytewise");

  auto req = request_signing::request::from_target(std::string(f[0]), f[1]);
  if (!f[2].empty()) req.set_header("Authorization", f[2]);
  if (!f[3].empty()) req.set_header("ApiKey", f[3]);
  if (auto who = w.auth.authenticate(req, w.orders)) {
    auto params = authz::match_path(w.orders.pattern, req.path());
    tessera_fuzz::require(params && params->get("orgId") == std::optional<std::string_view>(who->tenant),
                          "an accepted request names its principal's org in the path");
    tessera_fuzz::require(who->has_scope("orders:read"), "an accepted request holds the route's scope");
  }
  if (auto p = authz::match_path("/a/{x}/b/{y}", f[1])) {
    for (auto name : {"x", "y"}) {
      auto v = p->get(name);
      tessera_fuzz::require(v && !v->empty() && v->find('/') == std::string_view::npos &&
                                v->find('%') == std::string_view::npos,
                            "a capture is one non-empty segment without '%'");
    }
  }
  return 0;
}
