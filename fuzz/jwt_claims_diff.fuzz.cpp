// Fuzzes the two claims readers of jwt/detail/parse.hpp against each other and against
// nlohmann_json, on the input as a token's claims text (no signature in the way). Properties:
// the default reader (the flat_json scanner, handing anything else to the DOM walk) and the DOM
// walk alone give the same error or tokens equal in every accessor; a text either accepts is a
// JSON object to nlohmann, and both readers answer alike for each of its members.
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
  const auto dom = builder::build(jwt::alg::hs256, h, b64, builder::reader::dom);
  tessera_fuzz::require(fast.has_value() == dom.has_value(), "both readers accept or both refuse");
  if (!fast) {
    tessera_fuzz::require(fast.error() == dom.error(), "the same error");
    return 0;
  }
  tessera_fuzz::require(fast->claims_text() == text && dom->claims_text() == text, "the claims text kept");
  tessera_fuzz::require(fast->issuer() == dom->issuer() && fast->subject() == dom->subject() &&
                            fast->jwt_id() == dom->jwt_id() && fast->audiences() == dom->audiences() &&
                            fast->expires_at() == dom->expires_at() && fast->not_before() == dom->not_before() &&
                            fast->issued_at() == dom->issued_at(),
                        "the same registered claims");
  const auto all = nlohmann::json::parse(text, nullptr, false);
  tessera_fuzz::require(!all.is_discarded() && all.is_object(), "accepted claims are a JSON object");
  for (const auto& [name, value] : all.items()) {
    tessera_fuzz::require(fast->has_claim(name) == dom->has_claim(name), "the same claims");
    tessera_fuzz::require(same(fast->claim_string(name), dom->claim_string(name)) &&
                              same(fast->claim_int(name), dom->claim_int(name)) &&
                              same(fast->claim_bool(name), dom->claim_bool(name)) &&
                              same(fast->claim_strings(name), dom->claim_strings(name)),
                          "the same claim values");
  }
  return 0;
}
