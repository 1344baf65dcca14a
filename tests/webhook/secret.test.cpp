// Tests for tessera/webhook/secret.hpp. The whsec_ value is the Standard Webhooks reference test
// secret (standard-webhooks/standard-webhooks, libraries/python/tests/test_webhooks.py).
#include "tessera/webhook/secret.hpp"

#include <string>
#include <string_view>

#include "tessera/core/base64.hpp"
#include "support/catch.hpp"

using namespace tessera;

TEST_CASE("the reference whsec_ secret decodes to its 24 bytes", "[webhook][secret]") {
  auto k = webhook::decode_standard_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  REQUIRE(k);
  CHECK(k->size() == 24);
  auto expect = core::base64_decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  REQUIRE(expect);
  CHECK(k->ct_equals(*expect));
}

TEST_CASE("whsec_ secrets are decoded strictly", "[webhook][secret]") {
  const std::string b64_64 = core::base64_encode(std::string(64, 'k'));
  const std::string b64_65 = core::base64_encode(std::string(65, 'k'));
  const std::string b64_23 = core::base64_encode(std::string(23, 'k'));
  CHECK(webhook::decode_standard_secret("whsec_" + b64_64));
  CHECK(webhook::decode_standard_secret("whsec_" + b64_65).error() == errc::invalid_secret);
  CHECK(webhook::decode_standard_secret("whsec_" + b64_23).error() == errc::secret_too_short);
  CHECK(webhook::decode_standard_secret("whsec_").error() == errc::secret_too_short);
  // The prefix is required, exactly.
  CHECK(webhook::decode_standard_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").error() == errc::invalid_secret);
  CHECK(webhook::decode_standard_secret("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").error() == errc::invalid_secret);
  // Whitespace, URL alphabet, missing padding and stray characters are refused.
  for (const char* bad : {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ", "whsec_ MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                          "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-w", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",
                          "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=", "whsec_MfKQ9r8GKYqrTwjUPD8IL\nPZIo2LaLaSw"}) {
    CAPTURE(bad);
    CHECK(webhook::decode_standard_secret(bad).error() == errc::invalid_secret);
  }
}

TEST_CASE("generated Standard Webhooks secrets carry the prefix and decode back", "[webhook][secret]") {
  auto a = webhook::generate_standard_secret();
  auto b = webhook::generate_standard_secret();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->expose_secret_text().starts_with("whsec_"));
  CHECK(a->expose_secret_text() != b->expose_secret_text());
  auto raw = webhook::decode_standard_secret(a->expose_secret_text());
  REQUIRE(raw);
  CHECK(raw->size() == webhook::default_secret_bytes);
  CHECK(webhook::generate_standard_secret(64));
  CHECK(webhook::generate_standard_secret(23).error() == errc::invalid_argument);
  CHECK(webhook::generate_standard_secret(65).error() == errc::invalid_argument);
}

TEST_CASE("generated text secrets carry their prefix and base64url randomness", "[webhook][secret]") {
  auto s = webhook::generate_prefixed_secret("partner_wh_");
  REQUIRE(s);
  const std::string_view text = s->expose_secret_text();
  CHECK(text.starts_with("partner_wh_"));
  CHECK(text.size() == std::string_view("partner_wh_").size() + 43);
  CHECK(core::base64url_decode(text.substr(11)));
  CHECK(webhook::generate_prefixed_secret("").error() == errc::invalid_argument);
  CHECK(webhook::generate_prefixed_secret("bad prefix").error() == errc::invalid_argument);
  CHECK(webhook::generate_prefixed_secret("p_", 16).error() == errc::invalid_argument);
}

TEST_CASE("webhook keys are at least 24 bytes", "[webhook][secret]") {
  CHECK(webhook::make_key(crypto::hash_alg::sha256, std::string(23, 'k')).error() == errc::secret_too_short);
  auto k = webhook::make_key(crypto::hash_alg::sha256, std::string(24, 'k'));
  REQUIRE(k);
  CHECK(k->key_size() == 24);
}
