// Fuzzes JWT verification (jwt/verifier.hpp and everything under it: split, base64url, header
// and claims parsing, rules) with an HS256 verifier. Properties: never crashes or throws; an
// input accepted as a token must be exactly what the issuer signs (its signing input re-signs to
// the same token), which in practice means only the seeds' tokens verify.
#include <nlohmann/json.hpp>

#include <string>

#include "fuzz_support.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/crypto/hmac_key.hpp"
#include "tessera/jwt/issuer.hpp"
#include "tessera/jwt/key.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/jwt/rules.hpp"
#include "tessera/jwt/verifier.hpp"

namespace {
using namespace tessera;

using tessera_fuzz::hs256_key;

const jwt::verifier<jwt::single_key>& verifier() {
  static const jwt::verifier<jwt::single_key> v(
      jwt::single_key(jwt::verification_key::hmac(jwt::alg::hs256, core::bytes_view(hs256_key)).value()),
      jwt::rules::builder{}.issuer("https://auth.example.com").audience("orders-api").build().value());
  return v;
}


// Verifies a token and checks what holds of any token that verifies.
result<jwt::verified_token> check(std::string_view token) {
  auto r = verifier().verify(token);
  if (r) {
    // Every accessor of a verified token must work on it.
    (void)r->issuer();
    (void)r->subject();
    (void)r->audiences();
    (void)r->claim_strings("scope");
    (void)r->claim_int("exp");
    (void)r->claims();
  }
  auto late = verifier().verify_allowing_expiry(token, std::chrono::hours(24 * 365 * 100));
  tessera_fuzz::require(!r || late, "a token that verifies also verifies with a longer grace");
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = tessera_fuzz::text(data, size);
  (void)check(in);

  // The input as claims, in a token signed with the verifier's key.
  static const auto key = crypto::hmac_key::create(crypto::hash_alg::sha256, core::bytes_view(hs256_key)).value();
  std::string token = core::base64url_encode(core::bytes_view(std::string_view(R"({"alg":"HS256","typ":"JWT"})")));
  token += '.';
  token += core::base64url_encode(core::bytes_view(in));
  auto tag = key.sign(core::bytes_view(std::string_view(token)));
  tessera_fuzz::require(tag.has_value(), "HMAC works");
  token += '.';
  token += core::base64url_encode(tag->view());
  if (auto r = check(token)) {
    tessera_fuzz::require(r->claims_text() == in, "verified claims are the signed bytes");
    auto j = nlohmann::json::parse(in, nullptr, false);
    tessera_fuzz::require(!j.is_discarded() && j.is_object(), "verified claims are a JSON object");
  }
  return 0;
}
