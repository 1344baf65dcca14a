// Tests for tessera/request_signing/detail/single_signature.hpp and the one-member reading of
// Content-Digest (read_single_digest in content_digest.hpp): what the verifier reads in place,
// and every shape it leaves to the RFC 8941 parser. fuzz/httpsig_single_signature_diff.fuzz.cpp
// holds both readings to the parser on arbitrary input.
#include "tessera/request_signing/detail/single_signature.hpp"

#include <string>
#include <string_view>

#include "support/catch.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/request_signing/content_digest.hpp"

using namespace tessera;
using namespace tessera::request_signing;
using httpsig::detail::derived;
using httpsig::detail::read_single_signature;
using httpsig::detail::single_signature;

namespace {
// 32 bytes standing in for a signature, and their base64.
const std::string sig_b64 = core::base64_encode(core::bytes(32, 0xa5));
const std::string sig_field = "sig1=:" + sig_b64 + ":";

bool reads(std::string_view input, std::string_view sig = sig_field, std::size_t max_components = 32,
           std::size_t max_field_bytes = 16 * 1024) {
  single_signature s;
  return read_single_signature(input, sig, max_field_bytes, max_components, s);
}
}  // namespace

TEST_CASE("a signature in serialized form is read in place", "[request_signing][single_signature]") {
  const std::string input =
      R"(sig1=("@method" "@path" "@authority" "content-digest");created=1700000000;expires=1700000300;)"
      R"(nonce="n-1,2";alg="hmac-sha256";keyid="partner-42";tag="app")";
  single_signature s;
  REQUIRE(read_single_signature(input, sig_field, 16 * 1024, 32, s));
  CHECK(s.label == "sig1");
  REQUIRE(s.count == 4);
  CHECK(s.names[0] == "@method");
  CHECK(s.kinds[0] == derived::method);
  CHECK(s.names[2] == "@authority");
  CHECK(s.kinds[2] == derived::authority);
  CHECK(s.names[3] == "content-digest");
  CHECK(s.kinds[3] == derived::none);
  CHECK(s.params.created == 1700000000);
  CHECK(s.params.expires == 1700000300);
  CHECK(s.params.nonce == "n-1,2");
  CHECK(s.params.alg == "hmac-sha256");
  CHECK(s.params.keyid == "partner-42");
  CHECK(s.params.tag == "app");
  // The "@signature-params" line copies the Inner List with its parameters.
  CHECK(s.inner_list == std::string_view(input).substr(5));
  CHECK(s.signature_size == 32);
  CHECK(s.signature[0] == 0xa5);
  CHECK(s.signature[31] == 0xa5);

  // No parameters at all, an Integer 0, and a key starting with "*".
  single_signature t;
  REQUIRE(read_single_signature(R"(*a.b-c_1=("x-a");created=0)", "*a.b-c_1=:" + sig_b64 + ":", 16 * 1024, 32, t));
  CHECK(t.label == "*a.b-c_1");
  CHECK(t.params.created == 0);
  CHECK_FALSE(t.params.keyid.has_value());
  CHECK(reads(R"(sig1=("@method"))"));
}

TEST_CASE("every other shape is left to the parser", "[request_signing][single_signature]") {
  const char* const inputs[] = {
      "",
      R"(sig1=())",                                     // no components
      R"(sig1=();keyid="k")",
      R"( sig1=("@method"))",                           // leading space
      R"(sig1=("@method") )",                           // trailing space
      R"(sig1=( "@method"))",                           // whitespace inside the list
      R"(sig1=("@method" ))",
      R"(sig1=("@method"  "@path"))",
      R"(sig1=("@method";req))",                        // a component parameter
      R"(sig1=("@query-param";name="a"))",
      R"(sig1=("@query-param"))",
      R"(sig1=("@unknown"))",
      R"(sig1=("@signature-params"))",
      R"(sig1=("Content-Type"))",                       // not a lowercase field name
      R"(sig1=(""))",
      R"(sig1=("a\"b"))",                               // an escape
      R"(sig1=("@method" "@method"))",                  // a component twice
      R"(sig1=(@method))",                              // a Token
      R"(sig1=("@method");created=-1)",                 // negative
      R"(sig1=("@method");created=01)",                 // a leading zero
      R"(sig1=("@method");created=1.5)",                // a Decimal
      R"(sig1=("@method");created=1234567890123456)",   // 16 digits
      R"(sig1=("@method");created="1")",                // a String
      R"(sig1=("@method");keyid=k)",                    // a Token
      R"(sig1=("@method");keyid)",                      // a Boolean
      R"(sig1=("@method");keyid="a\\b")",               // an escape
      R"(sig1=("@method");keyid="a";keyid="a")",        // a parameter twice
      R"(sig1=("@method");other="x")",                  // not a §2.3 parameter
      R"(sig1=("@method"); keyid="k")",                 // whitespace
      R"(sig1=("@method");nonce="")",                   // an empty nonce
      R"(sig1=("@method"), sig2=("@path"))",            // two signatures
      R"(sig1=("@method"),sig2=("@path"))",
      R"(sig1="@method")",                              // not an Inner List
      R"(Sig1=("@method"))",                            // not a key
      R"(sig1=("@method")x)",
  };
  for (const char* input : inputs) {
    CAPTURE(input);
    CHECK_FALSE(reads(input));
  }
  const std::string long_nonce = R"(sig1=("@method");nonce=")" + std::string(257, 'n') + "\"";
  CHECK_FALSE(reads(long_nonce));
  CHECK(reads(R"(sig1=("@method");nonce=")" + std::string(256, 'n') + "\""));
  const std::string long_label = std::string(65, 'a') + R"(=("@method"))";
  CHECK_FALSE(reads(long_label, std::string(65, 'a') + "=:" + sig_b64 + ":"));

  // The Signature: the same label, one Byte Sequence without parameters, strict base64.
  const std::string input = R"(sig1=("@method");keyid="k")";
  CHECK_FALSE(reads(input, "sig2=:" + sig_b64 + ":"));
  CHECK_FALSE(reads(input, "sig1=:" + sig_b64 + ":;p"));
  CHECK_FALSE(reads(input, "sig1=:" + sig_b64 + ":, sig2=:" + sig_b64 + ":"));
  CHECK_FALSE(reads(input, "sig1=:" + sig_b64.substr(1) + ":"));
  CHECK_FALSE(reads(input, "sig1=" + sig_b64));
  CHECK_FALSE(reads(input, "sig1=:YR==:"));  // bits below the last byte set
  CHECK(reads(input, "sig1=:YQ==:"));
  CHECK(reads(input, "sig1=::"));
  const std::string largest = core::base64_encode(core::bytes(httpsig::max_signature_bytes, 1));
  CHECK(reads(input, "sig1=:" + largest + ":"));
  CHECK_FALSE(reads(input, "sig1=:" + core::base64_encode(core::bytes(httpsig::max_signature_bytes + 1, 1)) + ":"));

  // The policy's bounds.
  const std::string three = R"(sig1=("@method" "@path" "@authority"))";
  CHECK(reads(three, sig_field, 3));
  CHECK_FALSE(reads(three, sig_field, 2));
  CHECK_FALSE(reads(three, sig_field, 32, three.size() - 1));
  std::string many = "sig1=(";
  for (int i = 0; i < 33; ++i) many += (i ? " \"x-" : "\"x-") + std::to_string(i) + "\"";
  many += ")";
  CHECK_FALSE(reads(many, sig_field, 64));  // more than single_signature holds
}

TEST_CASE("a one-member Content-Digest is read in place", "[request_signing][content_digest]") {
  const auto one = request_signing::detail::read_single_digest("sha-512=:YWJj:");
  REQUIRE(one);
  CHECK(one->alg == content_digest_alg::sha512);
  CHECK(one->base64 == "YWJj");
  CHECK(request_signing::detail::read_single_digest("sha-256=::"));
  for (const char* field : {"", "sha-256", "sha-256=", "sha-256=:", "sha-256=:a:b:", "sha-256=:YWJj:;p", " sha-256=:YWJj:",
                            "sha-256=:YWJj: ", "md5=:YWJj:", "sha-256=:YWJj:, sha-512=:YWJj:", "SHA-256=:YWJj:"}) {
    CAPTURE(field);
    CHECK_FALSE(request_signing::detail::read_single_digest(field));
  }
  // Whatever reads it, a check gives the same answer.
  const std::string body = "{\"hello\": \"world\"}";
  const auto right = content_digest(core::bytes_view(std::string_view(body))).value();
  CHECK(check_content_digest(right, core::bytes_view(std::string_view(body))).value() == content_digest_alg::sha256);
  CHECK(check_content_digest(right + ";p", core::bytes_view(std::string_view(body))).value() == content_digest_alg::sha256);
  CHECK(check_content_digest(right, core::bytes_view(std::string_view("other"))).error() == errc::content_digest_mismatch);
  CHECK(check_content_digest("sha-256=:YWJj:", core::bytes_view(std::string_view(body))).error() ==
        errc::content_digest_malformed);  // 3 bytes: not a SHA-256 value
  CHECK(check_content_digest("sha-256=:YWJ=:", core::bytes_view(std::string_view(body))).error() ==
        errc::content_digest_malformed);
  content_digest_options none;
  none.max_members = 0;
  CHECK(check_content_digest(right, core::bytes_view(std::string_view(body)), none).error() ==
        errc::content_digest_malformed);
}
