// Tests for tessera/webhook/key_ring.hpp.
#include "tessera/webhook/key_ring.hpp"

#include <array>
#include <string>
#include <vector>

#include "tessera/core/secret.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/timestamped_scheme.hpp"
#include "support/catch.hpp"

using namespace tessera;

TEST_CASE("a key ring holds 1..8 keys read by the scheme", "[webhook][key_ring]") {
  webhook::standard_webhooks sw;
  auto r = webhook::key_ring::from_secrets(sw, {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"});
  REQUIRE(r);
  CHECK(r->size() == 1);
  CHECK((*r)[0].key_size() == 24);
  CHECK(webhook::key_ring::from_secrets(sw, {}).error() == errc::invalid_argument);
  CHECK(webhook::key_ring::from_secrets(sw, {"not-a-whsec"}).error() == errc::invalid_secret);

  webhook::timestamped_scheme ts;
  std::vector<std::string> texts;
  for (int i = 0; i < 9; ++i) texts.push_back("secret-number-" + std::to_string(i) + "-0123456789abcdef");
  webhook::key_ring ring;
  for (int i = 0; i < 8; ++i) REQUIRE(ring.add(ts, texts[static_cast<std::size_t>(i)]));
  CHECK(ring.add(ts, texts[8]).error() == errc::invalid_argument);
  CHECK(ring.size() == webhook::key_ring::max_keys);
}

TEST_CASE("a key ring is built from secrets held as core::secret", "[webhook][key_ring]") {
  webhook::standard_webhooks sw;
  std::array<core::secret, 2> held;
  for (auto& s : held) {
    auto g = sw.generate_secret();
    REQUIRE(g);
    s = std::move(*g);
  }
  auto r = webhook::key_ring::from_secrets(sw, std::span<const core::secret>(held));
  REQUIRE(r);
  CHECK(r->size() == 2);
}

TEST_CASE("keys made elsewhere must still be 24 bytes", "[webhook][key_ring]") {
  auto k = crypto::hmac_key::create(crypto::hash_alg::sha256, std::string(16, 'k'));
  REQUIRE(k);
  webhook::key_ring ring;
  CHECK(ring.add(*k).error() == errc::secret_too_short);
  CHECK(ring.empty());
}
