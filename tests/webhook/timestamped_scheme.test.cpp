// Tests for tessera/webhook/timestamped_scheme.hpp.
//
// Known answer, computed independently with the OpenSSL command line:
//   printf '%s' '1700000000.{"event":"order.created","id":42}' |
//     openssl dgst -sha256 -hmac 'whsec_partner_test_secret_0123456789'
//   = dd17ceb340adfdab8979114bc394e2d4cfd2ccee824b76afb25b1c4720165c43
#include "tessera/webhook/timestamped_scheme.hpp"

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
constexpr std::string_view secret = "whsec_partner_test_secret_0123456789";
constexpr std::string_view body = R"({"event":"order.created","id":42})";
constexpr std::string_view tag_hex = "dd17ceb340adfdab8979114bc394e2d4cfd2ccee824b76afb25b1c4720165c43";
constexpr std::int64_t ts = 1700000000;

webhook::key_ring ring(const webhook::timestamped_scheme& s, std::string_view text = secret) {
  auto r = webhook::key_ring::from_secrets(s, {text});
  REQUIRE(r);
  return std::move(*r);
}

struct fixture {
  webhook::timestamped_scheme scheme{"X-Partner-Signature"};
  core::manual_clock clock{ts};
  webhook::verifier<webhook::timestamped_scheme, webhook::no_replay_check, core::manual_clock&> v{
      scheme, ring(scheme), webhook::no_replay_check{}, webhook::verify_options{}, clock};
  result<webhook::verified_delivery> check(std::string value) const {
    return v.verify(headers_t{{"X-Partner-Signature", std::move(value)}}, body);
  }
};
}  // namespace

TEST_CASE("t=/v1=: the signed content is {timestamp}.{body}", "[webhook][timestamped][kat]") {
  webhook::timestamped_scheme s("X-Partner-Signature");
  webhook::signer sg(s, ring(s));
  auto h = sg.sign_at("evt_1", ts, body);
  REQUIRE(h);
  REQUIRE(h->size() == 1);
  CHECK((*h)[0].name == "X-Partner-Signature");
  CHECK((*h)[0].value == "t=1700000000,v1=" + std::string(tag_hex));

  fixture f;
  auto ok = f.check("t=1700000000,v1=" + std::string(tag_hex));
  REQUIRE(ok);
  CHECK(ok->timestamp() == ts);
  CHECK(ok->id().empty());
}

TEST_CASE("t=/v1=: items are parsed strictly, signatures skipped when malformed", "[webhook][timestamped]") {
  fixture f;
  const std::string v1 = "v1=" + std::string(tag_hex);
  SECTION("accepted layouts") {
    CHECK(f.check("t=1700000000," + v1));
    CHECK(f.check(v1 + ",t=1700000000"));
    CHECK(f.check("t=1700000000, v0=abcd, v1=00ff, " + v1));
    CHECK(f.check("t=1700000000,v2=" + std::string(tag_hex) + "," + v1 + ",extra"));
  }
  SECTION("no usable v1 entry") {
    for (const char* rest : {"", ",v1=", ",v1", ",v0=dd17ceb340adfdab8979114bc394e2d4cfd2ccee824b76afb25b1c4720165c43",
                             ",V1=dd17ceb340adfdab8979114bc394e2d4cfd2ccee824b76afb25b1c4720165c43",
                             ",v1=dd17ceb340adfdab8979114bc394e2d4cfd2ccee824b76afb25b1c4720165c4",
                             ",v1=dd17ceb340adfdab8979114bc394e2d4cfd2ccee824b76afb25b1c4720165c4x",
                             ",v1 = dd17ceb340adfdab8979114bc394e2d4cfd2ccee824b76afb25b1c4720165c43"}) {
      CAPTURE(rest);
      CHECK(f.check(std::string("t=1700000000") + rest).error() == errc::no_valid_signature);
    }
  }
  SECTION("the timestamp item") {
    CHECK(f.check(v1).error() == errc::malformed_header);
    CHECK(f.check("t=1700000000,t=1700000000," + v1).error() == errc::malformed_header);
    CHECK(f.check("t=1700000001,t=1700000000," + v1).error() == errc::malformed_header);
    for (const char* t : {"t=", "t=abc", "t=1700000000.0", "t=-1700000000", "t=01700000000", "t= 1700000000"}) {
      CAPTURE(t);
      CHECK(f.check(std::string(t) + "," + v1).error() == errc::invalid_timestamp);
    }
  }
  SECTION("whole header") {
    CHECK(f.check("").error() == errc::malformed_header);
    CHECK(f.check(",,,").error() == errc::malformed_header);
    std::string crowded = "t=1700000000";
    for (int i = 0; i < 17; ++i) crowded += "," + v1;
    CHECK(f.check(crowded).error() == errc::malformed_header);
    CHECK(f.v.verify(headers_t{}, body).error() == errc::missing_header);
  }
  SECTION("a changed timestamp or body fails") {
    CHECK(f.check("t=1700000001," + v1).error() == errc::no_valid_signature);
    CHECK(f.v.verify(headers_t{{"X-Partner-Signature", "t=1700000000," + v1}}, R"({"event":"order.created","id":43})")
              .error() == errc::no_valid_signature);
  }
}

TEST_CASE("t=/v1=: an optional unsigned id header", "[webhook][timestamped]") {
  webhook::timestamped_scheme s("X-Partner-Signature", "X-Partner-Delivery");
  core::manual_clock clock{ts};
  core::memory_replay_store seen;
  webhook::verifier v(s, ring(s), seen, webhook::verify_options{}, clock);
  webhook::signer sg(s, ring(s), clock);
  auto h = sg.sign("dlv_0001", body);
  REQUIRE(h);
  CHECK(*h->find("X-Partner-Delivery") == "dlv_0001");
  auto ok = v.verify(*h, body);
  REQUIRE(ok);
  CHECK(ok->id() == "dlv_0001");
  CHECK_FALSE(ok->id_signed());
  CHECK(v.verify(headers_t{{"X-Partner-Signature", std::string(*h->find("X-Partner-Signature"))}}, body).error() ==
        errc::missing_header);
  CHECK(sg.sign("", body).error() == errc::invalid_argument);
  CHECK(sg.sign("dlv 1", body).error() == errc::invalid_argument);
}

TEST_CASE("t=/v1=: configuration mistakes are refused when signing", "[webhook][timestamped]") {
  webhook::timestamped_scheme bad("X Partner Signature");
  webhook::signer sg(bad, ring(bad));
  CHECK(sg.sign_at("evt", ts, body).error() == errc::invalid_argument);
  webhook::timestamped_scheme s;
  CHECK(s.key_from_secret("too short").error() == errc::secret_too_short);
  auto gen = webhook::timestamped_scheme("X-Sig", "", "acme_whsec_").generate_secret();
  REQUIRE(gen);
  CHECK(gen->expose_secret_text().starts_with("acme_whsec_"));
}
