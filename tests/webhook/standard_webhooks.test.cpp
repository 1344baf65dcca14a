// Tests for tessera/webhook/standard_webhooks.hpp.
//
// Known answer: the Standard Webhooks reference test vector, published with the specification's
// reference libraries (github.com/standard-webhooks/standard-webhooks, e.g.
// libraries/python/tests/test_webhooks.py `test_sign_function`, and the same values in the PHP,
// Go and JavaScript suites):
//   secret    whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
//   msg id    msg_p5jXN8AQM9LWM0D4loKWxJek
//   timestamp 1614265330
//   payload   {"test": 2432232314}
//   signature v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
#include "tessera/webhook/standard_webhooks.hpp"

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
constexpr std::string_view ref_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view ref_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t ref_ts = 1614265330;
constexpr std::string_view ref_body = R"({"test": 2432232314})";
constexpr std::string_view ref_sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

headers_t ref_headers(std::string sig = std::string(ref_sig)) {
  return {{"webhook-id", std::string(ref_id)}, {"webhook-timestamp", "1614265330"}, {"webhook-signature", std::move(sig)}};
}

webhook::key_ring ref_ring() {
  auto r = webhook::key_ring::from_secrets(webhook::standard_webhooks{}, {ref_secret});
  REQUIRE(r);
  return std::move(*r);
}

// A verifier whose clock stands at the reference timestamp, without replay detection.
struct ref_verifier {
  core::manual_clock clock{ref_ts};
  webhook::verifier<webhook::standard_webhooks, webhook::no_replay_check, core::manual_clock&> v{
      webhook::standard_webhooks{}, ref_ring(), webhook::no_replay_check{}, webhook::verify_options{}, clock};
};
}  // namespace

TEST_CASE("Standard Webhooks: the reference signature is reproduced exactly", "[webhook][standard_webhooks][kat]") {
  webhook::signer s(webhook::standard_webhooks{}, ref_ring());
  auto h = s.sign_at(ref_id, ref_ts, ref_body);
  REQUIRE(h);
  REQUIRE(h->size() == 3);
  CHECK(*h->find("webhook-id") == ref_id);
  CHECK(*h->find("webhook-timestamp") == "1614265330");
  CHECK(*h->find("webhook-signature") == ref_sig);
}

TEST_CASE("Standard Webhooks: the reference delivery verifies and a one-character change fails",
          "[webhook][standard_webhooks][kat]") {
  ref_verifier rv;
  auto ok = rv.v.verify(ref_headers(), ref_body);
  REQUIRE(ok);
  CHECK(ok->id() == ref_id);
  CHECK(ok->id_signed());
  CHECK(ok->timestamp() == ref_ts);

  // One character of the body.
  CHECK(rv.v.verify(ref_headers(), R"({"test": 2432232315})").error() == errc::no_valid_signature);
  // One character of the signature (the reference suites' own negative case).
  CHECK(rv.v.verify(ref_headers("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="), ref_body).error() ==
        errc::no_valid_signature);
  // One character of the id, and of the timestamp (inside the window).
  auto h = ref_headers();
  h[0].second = "msg_p5jXN8AQM9LWM0D4loKWxJeK";
  CHECK(rv.v.verify(h, ref_body).error() == errc::no_valid_signature);
  h = ref_headers();
  h[1].second = "1614265331";
  CHECK(rv.v.verify(h, ref_body).error() == errc::no_valid_signature);
}

TEST_CASE("Standard Webhooks: malformed and unknown-version entries are skipped, not fatal",
          "[webhook][standard_webhooks]") {
  ref_verifier rv;
  // The reference suites' multi-signature case: wrong v1, unknown v2, the valid one, wrong v1.
  const std::string multi = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " +
                            std::string(ref_sig) + " v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
  CHECK(rv.v.verify(ref_headers(multi), ref_body));
  // Garbage around the valid entry, asymmetric v1a entries, doubled spaces.
  CHECK(rv.v.verify(ref_headers("v1 v1, v1,!!!! v1a,AAAA  V1,x " + std::string(ref_sig) + " junk"), ref_body));
  // Entries that are all malformed or of another version: no signature verifies.
  for (const char* sigs : {"v1", "v1,", "v1,notbase64", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",
                           "v1,g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=", "V1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                           "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                           "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1,AAAA",
                           "v1=g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}) {
    CAPTURE(sigs);
    CHECK(rv.v.verify(ref_headers(sigs), ref_body).error() == errc::no_valid_signature);
  }
  // A truncated tag (16 bytes) is never accepted.
  CHECK(rv.v.verify(ref_headers("v1,g0hM9SsE+OTPJTGt/tmIKtA=="), ref_body).error() == errc::no_valid_signature);
}

TEST_CASE("Standard Webhooks: malformed headers of every kind", "[webhook][standard_webhooks]") {
  ref_verifier rv;
  auto with = [](std::size_t i, std::string v) {
    auto h = ref_headers();
    h[i].second = std::move(v);
    return h;
  };
  auto without = [](std::size_t i) {
    auto h = ref_headers();
    h.erase(h.begin() + static_cast<std::ptrdiff_t>(i));
    return h;
  };
  SECTION("missing headers") {
    CHECK(rv.v.verify(without(0), ref_body).error() == errc::missing_header);
    CHECK(rv.v.verify(without(1), ref_body).error() == errc::missing_header);
    CHECK(rv.v.verify(without(2), ref_body).error() == errc::missing_header);
    CHECK(rv.v.verify(headers_t{}, ref_body).error() == errc::missing_header);
  }
  SECTION("ids") {
    for (std::string id : {std::string(), std::string("msg.1"), std::string("msg 1"), std::string(" msg_1"),
                           std::string("msg\t1"), std::string("caf\xc3\xa9"), std::string(257, 'a')}) {
      CAPTURE(id);
      CHECK(rv.v.verify(with(0, id), ref_body).error() == errc::malformed_header);
    }
  }
  SECTION("timestamps that are not strict integers") {
    for (const char* ts : {"", "hello", "1614265330.0", "1614265330.5", " 1614265330", "1614265330 ", "+1614265330",
                           "-1614265330", "01614265330", "1.614265330e9", "0x6037A1F2"}) {
      CAPTURE(ts);
      CHECK(rv.v.verify(with(1, ts), ref_body).error() == errc::invalid_timestamp);
    }
  }
  SECTION("signature lists") {
    CHECK(rv.v.verify(with(2, ""), ref_body).error() == errc::malformed_header);
    CHECK(rv.v.verify(with(2, "   "), ref_body).error() == errc::malformed_header);
    std::string crowded;
    for (int i = 0; i < 17; ++i) crowded += std::string(ref_sig) + " ";
    CHECK(rv.v.verify(with(2, crowded), ref_body).error() == errc::malformed_header);
    CHECK(rv.v.verify(with(2, std::string(ref_sig) + " " + std::string(5000, 'A')), ref_body).error() ==
          errc::malformed_header);
    std::string sixteen;
    for (int i = 0; i < 16; ++i) sixteen += std::string(ref_sig) + " ";
    CHECK(rv.v.verify(with(2, sixteen), ref_body));
  }
  SECTION("repeated headers") {
    auto h = ref_headers();
    h.emplace_back("Webhook-Signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");
    CHECK(rv.v.verify(h, ref_body).error() == errc::malformed_header);
    h = ref_headers();
    h.emplace_back("WEBHOOK-ID", "msg_other");
    CHECK(rv.v.verify(h, ref_body).error() == errc::malformed_header);
  }
  SECTION("header names match case-insensitively") {
    headers_t h{{"Webhook-Id", std::string(ref_id)}, {"WEBHOOK-TIMESTAMP", "1614265330"},
                {"Webhook-Signature", std::string(ref_sig)}};
    CHECK(rv.v.verify(h, ref_body));
  }
}

TEST_CASE("Standard Webhooks: secrets must be whsec_ base64 of at least 24 bytes", "[webhook][standard_webhooks]") {
  webhook::standard_webhooks s;
  CHECK(s.key_from_secret(ref_secret));
  CHECK(s.key_from_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").error() == errc::invalid_secret);
  CHECK(s.key_from_secret("whsec_c2hvcnQ=").error() == errc::secret_too_short);
  auto gen = s.generate_secret();
  REQUIRE(gen);
  CHECK(gen->expose_secret_text().starts_with("whsec_"));
  CHECK(s.key_from_secret(gen->expose_secret_text()));
}

TEST_CASE("Standard Webhooks: the signer refuses ids the receiver would refuse", "[webhook][standard_webhooks]") {
  webhook::signer s(webhook::standard_webhooks{}, ref_ring());
  CHECK(s.sign_at("", ref_ts, ref_body).error() == errc::invalid_argument);
  CHECK(s.sign_at("msg.1", ref_ts, ref_body).error() == errc::invalid_argument);
  CHECK(s.sign_at("msg 1", ref_ts, ref_body).error() == errc::invalid_argument);
}
