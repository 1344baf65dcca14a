// Fuzzes the two claims readers of jwt/detail/parse.hpp against each other and against
// nlohmann_json, on the input as a token's claims text (no signature in the way). Properties:
// the default reader (the flat_json scanner, handing anything else to the full walk) and the full
// walk alone give the same error or tokens equal in every accessor; a text either accepts is a
// JSON object to nlohmann, with every member found by has_claim.
#include <nlohmann/json.hpp>

#include <string>

#include "fuzz_support.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/jwt/detail/parse.hpp"

namespace {
using namespace tessera;
using builder = jwt::detail::token_builder;

template <class A, class B>
bool same(const A& a, const B& b) {
  return a.has_value() == b.has_value() && (a ? *a == *b : a.error() == b.error());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = tessera_fuzz::text(data, size);
  const std::string b64 = core::base64url_encode(text);
  jwt::detail::header_fields h;
  h.typ = "JWT";
  const auto fast = builder::build(jwt::alg::hs256, h, b64);
  const auto full = builder::build(jwt::alg::hs256, h, b64, builder::reader::full);
  tessera_fuzz::require(fast.has_value() == full.has_value(), "both readers accept or both refuse");
  if (!fast) {
    tessera_fuzz::require(fast.error() == full.error(), "the same error");
    return 0;
  }
  tessera_fuzz::require(fast->claims_text() == text && full->claims_text() == text, "the claims text kept");
  tessera_fuzz::require(fast->issuer() == full->issuer() && fast->subject() == full->subject() &&
                            fast->jwt_id() == full->jwt_id() && fast->audiences() == full->audiences() &&
                            fast->expires_at() == full->expires_at() && fast->not_before() == full->not_before() &&
                            fast->issued_at() == full->issued_at(),
                        "the same registered claims");
  const auto all = nlohmann::json::parse(text, nullptr, false);
  tessera_fuzz::require(!all.is_discarded() && all.is_object(), "accepted claims are a JSON object");
  for (const auto& [name, value] : all.items()) {
    tessera_fuzz::require(fast->has_claim(name) == full->has_claim(name), "the same claims");
    tessera_fuzz::require(same(fast->claim_string(name), full->claim_string(name)) &&
                              same(fast->claim_int(name), full->claim_int(name)) &&
                              same(fast->claim_bool(name), full->claim_bool(name)) &&
                              same(fast->claim_strings(name), full->claim_strings(name)),
                          "the same claim values");
  }
  return 0;
}
