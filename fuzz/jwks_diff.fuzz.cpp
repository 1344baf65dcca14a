// Differential target for two parsers with no reference of their own elsewhere:
//  - jwt::import_jwks (jwt/jwks.hpp), against a reference built from nlohmann_json and the
//    single-key importer: a document is accepted exactly when it is a JSON object whose "keys"
//    array holds at most max_keys JWKs, each accepted by import_jwk, with distinct kids and at
//    most one key without a kid; the keys come back in order, with the same algorithm, kid and
//    public key (RFC 7638 thumbprint), and each exported JWK imports back to the same key;
//  - webhook::decode_standard_secret (webhook/secret.hpp), against the reference strict padded
//    base64 decoder: accepted exactly when the text is "whsec_" + base64 of 24..64 bytes, with
//    those bytes; secret_too_short below 24 bytes, invalid_secret for everything else.
// Both are also asked twice: the same bytes always get the same verdict.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "tessera/jwt/jwks.hpp"
#include "tessera/webhook/secret.hpp"

namespace {
using namespace tessera;

// The error of a result, or errc{} for a value.
template <class T>
errc verdict(const result<T>& r) {
  return r ? errc{} : r.error();
}

// True when two verification keys are the same key for the same algorithm and kid.
bool same_key(const jwt::verification_key& a, const jwt::verification_key& b) {
  if (a.algorithm() != b.algorithm() || a.kid() != b.kid()) return false;
  const crypto::public_key* pa = a.public_key();
  const crypto::public_key* pb = b.public_key();
  if (!pa || !pb) return pa == pb;
  return pa->thumbprint() == pb->thumbprint();
}

// The reference verdict of import_jwks for a document, from nlohmann_json and import_jwk.
errc reference_jwks(std::string_view doc_text, const jwt::jwks_options& opts, std::vector<jwt::verification_key>& keys) {
  if (doc_text.size() > opts.max_document_size) return errc::input_too_large;
  auto doc = nlohmann::json::parse(doc_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return errc::invalid_key;
  auto list = doc.find("keys");
  if (list == doc.end() || !list->is_array()) return errc::invalid_key;
  if (list->size() > opts.max_keys) return errc::input_too_large;
  std::vector<std::string> kids;
  bool anonymous = false;
  for (const auto& jwk : *list) {
    auto k = jwt::import_jwk(jwk, opts);
    if (!k) return k.error();
    if (k->kid().empty()) {
      if (anonymous) return errc::invalid_key;
      anonymous = true;
    } else {
      if (std::find(kids.begin(), kids.end(), k->kid()) != kids.end()) return errc::invalid_key;
      kids.push_back(k->kid());
    }
    keys.push_back(std::move(*k));
  }
  return errc{};
}

// import_jwks against its reference, with and without symmetric keys allowed.
void check_jwks(std::string_view in) {
  for (bool symmetric : {false, true}) {
    jwt::jwks_options opts;
    opts.allow_symmetric = symmetric;
    opts.max_keys = 8;
    auto got = jwt::import_jwks(in, opts);
    std::vector<jwt::verification_key> want;
    const errc want_verdict = reference_jwks(in, opts, want);
    tessera_fuzz::require(verdict(got) == want_verdict, "import_jwks verdict = reference verdict");
    tessera_fuzz::require(verdict(jwt::import_jwks(in, opts)) == want_verdict, "import_jwks gives the same verdict twice");
    if (!got) continue;
    tessera_fuzz::require(got->size() == want.size(), "import_jwks keeps every key");
    for (std::size_t i = 0; i < got->size(); ++i) {
      tessera_fuzz::require(same_key((*got)[i], want[i]), "import_jwks key i = import_jwk of member i");
      if (auto exported = jwt::export_jwk((*got)[i])) {
        auto again = jwt::import_jwk(*exported, opts);
        tessera_fuzz::require(again.has_value() && same_key(*again, (*got)[i]), "an exported JWK imports back to the same key");
      }
    }
  }
}

// decode_standard_secret against the reference base64 decoder.
void check_secret(std::string_view in) {
  auto got = webhook::decode_standard_secret(in);
  errc want = errc::invalid_secret;
  std::optional<tessera_fuzz::byte_vec> raw;
  if (in.starts_with("whsec_")) raw = tessera_fuzz::ref_base64_decode(in.substr(6), false, true);
  if (raw && raw->size() <= 64) want = raw->size() < 24 ? errc::secret_too_short : errc{};
  tessera_fuzz::require(verdict(got) == want, "decode_standard_secret verdict = reference verdict");
  tessera_fuzz::require(verdict(webhook::decode_standard_secret(in)) == want, "decode_standard_secret gives the same verdict twice");
  if (got) {
    const auto bytes = got->expose_secret();
    tessera_fuzz::require(bytes.size() == raw->size() && std::equal(bytes.begin(), bytes.end(), raw->begin()),
                          "decode_standard_secret bytes = reference bytes");
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = tessera_fuzz::text(data, size);
  check_jwks(in);
  check_secret(in);
  return 0;
}
