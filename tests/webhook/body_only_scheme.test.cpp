// Tests for tessera/webhook/body_only_scheme.hpp.
//
// Known answer: GitHub's documented X-Hub-Signature-256 test values, "Validating webhook
// deliveries", section "Testing the webhook payload validation"
// (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries):
//   secret  It's a Secret to Everybody
//   payload Hello, World!
//   X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17
#include "tessera/webhook/body_only_scheme.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/core/clock.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/webhook/signer.hpp"
#include "tessera/webhook/verifier.hpp"
#include "support/catch.hpp"

using namespace tessera;
using headers_t = std::vector<std::pair<std::string, std::string>>;

namespace {
constexpr std::string_view gh_secret = "It's a Secret to Everybody";
constexpr std::string_view gh_body = "Hello, World!";
constexpr std::string_view gh_sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

webhook::key_ring ring(const webhook::body_only_scheme& s, std::string_view secret) {
  auto r = webhook::key_ring::from_secrets(s, {secret});
  REQUIRE(r);
  return std::move(*r);
}
}  // namespace

TEST_CASE("body-only: GitHub's documented X-Hub-Signature-256 example verifies", "[webhook][body_only][kat]") {
  webhook::body_only_scheme gh;  // X-Hub-Signature-256 by default
  webhook::verifier v(gh, ring(gh, gh_secret), webhook::no_replay_check{});
  headers_t h{{"X-Hub-Signature-256", std::string(gh_sig)}};
  auto ok = v.verify(h, gh_body);
  REQUIRE(ok);
  CHECK(ok->id().empty());
  CHECK_FALSE(ok->timestamp());
  CHECK(v.verify(h, "Hello, World?").error() == errc::no_valid_signature);
  // Hex digits of either case are accepted.
  headers_t upper{{"x-hub-signature-256", "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17"}};
  CHECK(v.verify(upper, gh_body));

  // The signer reproduces the documented header.
  webhook::signer s(gh, ring(gh, gh_secret));
  auto out = s.sign("ignored", gh_body);
  REQUIRE(out);
  REQUIRE(out->size() == 1);
  CHECK((*out)[0].name == "X-Hub-Signature-256");
  CHECK((*out)[0].value == gh_sig);
}

TEST_CASE("body-only: entries other than sha256=<64 hex> are skipped", "[webhook][body_only]") {
  webhook::body_only_scheme gh;
  webhook::verifier v(gh, ring(gh, gh_secret), webhook::no_replay_check{});
  auto check = [&](std::string value) { return v.verify(headers_t{{"X-Hub-Signature-256", std::move(value)}}, gh_body); };
  CHECK(check("sha1=7d38cdd689735b008b3c702edd92eea23791c5f6, " + std::string(gh_sig)));
  CHECK(check("sha256=00, sha256=zz, " + std::string(gh_sig)));
  for (const char* bad : {"sha256=", "sha256", "sha1=7d38cdd689735b008b3c702edd92eea23791c5f6",
                          "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                          "SHA256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                          "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1",
                          "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17ff",
                          "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1g",
                          "sha256 =757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}) {
    CAPTURE(bad);
    CHECK(check(bad).error() == errc::no_valid_signature);
  }
  CHECK(check("").error() == errc::malformed_header);
  CHECK(check(" , ,").error() == errc::malformed_header);
  CHECK(v.verify(headers_t{}, gh_body).error() == errc::missing_header);
  CHECK(v.verify(headers_t{{"X-Hub-Signature-256", std::string(gh_sig)}, {"x-hub-signature-256", std::string(gh_sig)}},
                 gh_body)
            .error() == errc::malformed_header);
}

TEST_CASE("body-only: a configured id header is sent, required and used for duplicates", "[webhook][body_only]") {
  webhook::body_only_scheme gh("X-Hub-Signature-256", "X-GitHub-Delivery");
  core::memory_replay_store seen;
  webhook::verifier v(gh, ring(gh, gh_secret), seen);
  webhook::signer s(gh, ring(gh, gh_secret));
  auto out = s.sign("72d3162e-cc78-11e3-81ab-4c9367dc0958", gh_body);
  REQUIRE(out);
  CHECK(*out->find("X-GitHub-Delivery") == "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  auto ok = v.verify(*out, gh_body);
  REQUIRE(ok);
  CHECK(ok->id() == "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  CHECK_FALSE(ok->id_signed());
  CHECK(v.verify(*out, gh_body).error() == errc::duplicate_delivery);
  CHECK(v.verify(headers_t{{"X-Hub-Signature-256", std::string(gh_sig)}}, gh_body).error() == errc::missing_header);
  CHECK(s.sign("", gh_body).error() == errc::invalid_argument);
}

TEST_CASE("body-only: ids of every accepted length come back whole", "[webhook][body_only]") {
  // verified_delivery keeps short ids inline and longer ones on the heap; both must read back.
  webhook::body_only_scheme gh("X-Hub-Signature-256", "X-GitHub-Delivery");
  webhook::verifier v(gh, ring(gh, gh_secret), webhook::no_replay_check{});
  webhook::signer s(gh, ring(gh, gh_secret));
  for (std::size_t n : {std::size_t{1}, std::size_t{47}, std::size_t{48}, std::size_t{49}, std::size_t{200}, webhook::max_id_size}) {
    std::string id(n, 'd');
    id[0] = 'a';
    id[n - 1] = 'z';
    auto out = s.sign(id, gh_body);
    REQUIRE(out);
    auto ok = v.verify(*out, gh_body);
    REQUIRE(ok);
    CAPTURE(n);
    CHECK(ok->id() == id);
    const webhook::verified_delivery copy = *ok;  // copies keep their own id
    CHECK(copy.id() == id);
  }
}

TEST_CASE("body-only: text secrets are the key as written, at least 24 bytes", "[webhook][body_only]") {
  webhook::body_only_scheme gh;
  CHECK(gh.key_from_secret("short secret").error() == errc::secret_too_short);
  auto gen = gh.generate_secret();
  REQUIRE(gen);
  CHECK(gen->expose_secret_text().starts_with("whsec_"));
  CHECK(gh.key_from_secret(gen->expose_secret_text()));
}
