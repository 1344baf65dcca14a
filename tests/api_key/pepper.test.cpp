// Tests for tessera/api_key/pepper.hpp: peppered storage digests and pepper versions.
#include "tessera/api_key/pepper.hpp"

#include <array>
#include <cstdint>
#include <string>

#include "tessera/core/hex.hpp"
#include "support/catch.hpp"

using namespace tessera;

namespace {
std::array<std::uint8_t, 32> pepper(std::uint8_t first) {
  std::array<std::uint8_t, 32> p{};
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(first + i);
  return p;
}
constexpr std::string_view key = "ak_live_0123456789ABCDEFGHIJabcdefghij2rc0BP";
}  // namespace

TEST_CASE("the storage digest is HMAC-SHA256(pepper, key)", "[api_key][pepper]") {
  // Expected value from Python: hmac.new(bytes(range(32)), body, hashlib.sha256).hexdigest()
  // with body = "ak_live_0123456789ABCDEFGHIJabcdefghij" (the key without its checksum).
  auto ring = api_key::pepper_ring::create(7, pepper(0));
  REQUIRE(ring);
  auto d = ring->digest("ak_live_0123456789ABCDEFGHIJabcdefghij");
  REQUIRE(d);
  CHECK(core::hex_encode(d->value) == "c487b88555f6bdb1a0a4e6bfbd6cbb6a779331dc65bc4eab4a0dfe4cef2563a2");
  CHECK(d->pepper_version == 7);
  // Deterministic, and specific to the key and to the pepper.
  CHECK(*ring->digest(key) == *ring->digest(key));
  CHECK(ring->digest(key)->value != d->value);
  auto other = api_key::pepper_ring::create(7, pepper(1));
  REQUIRE(other);
  CHECK(other->digest(key)->value != ring->digest(key)->value);
}

TEST_CASE("peppers are at least 256 bits, versions unique, and the ring small", "[api_key][pepper]") {
  auto p = pepper(0);
  CHECK(api_key::pepper_ring::create(1, core::bytes_view(p.data(), 31)).error() == errc::secret_too_short);
  CHECK(api_key::pepper_ring::create(1, core::bytes_view()).error() == errc::secret_too_short);
  api_key::pepper_ring ring;
  CHECK(ring.empty());
  CHECK(ring.digest(key).error() == errc::invalid_key);
  for (std::uint32_t v = 1; v <= api_key::max_peppers; ++v) REQUIRE(ring.add(v, pepper(static_cast<std::uint8_t>(v))));
  CHECK(ring.add(100, pepper(100)).error() == errc::invalid_argument);
  CHECK(ring.size() == api_key::max_peppers);
  api_key::pepper_ring two;
  REQUIRE(two.add(1, p));
  CHECK(two.add(1, pepper(9)).error() == errc::invalid_argument);
}

TEST_CASE("rotation: the current pepper is tried first, then newest to oldest", "[api_key][pepper]") {
  auto ring = api_key::pepper_ring::create(1, pepper(1));
  REQUIRE(ring);
  CHECK(ring->current_version() == 1);
  REQUIRE(ring->add(3, pepper(3)));
  REQUIRE(ring->add(2, pepper(2)));
  CHECK(ring->current_version() == 1);  // adding does not switch
  CHECK(ring->version_at(0) == 1);
  CHECK(ring->version_at(1) == 3);
  CHECK(ring->version_at(2) == 2);
  REQUIRE(ring->set_current(3));
  CHECK(ring->version_at(0) == 3);
  CHECK(ring->version_at(1) == 2);
  CHECK(ring->version_at(2) == 1);
  CHECK(ring->digest(key)->pepper_version == 3);
  CHECK(ring->set_current(9).error() == errc::invalid_argument);

  // An old key's digest is the same under any ring holding its pepper.
  auto old_only = api_key::pepper_ring::create(1, pepper(1));
  CHECK(ring->digest(key, 1)->value == old_only->digest(key)->value);
  CHECK(ring->digest_at(2, key)->value == old_only->digest(key)->value);
  CHECK(ring->digest(key, 9).error() == errc::invalid_key);

  CHECK(ring->remove(3).error() == errc::invalid_argument);  // the current one stays
  REQUIRE(ring->remove(1));
  CHECK_FALSE(ring->contains(1));
  CHECK(ring->digest(key, 1).error() == errc::invalid_key);
  CHECK(ring->remove(1).error() == errc::invalid_argument);
  CHECK(ring->size() == 2);
}

TEST_CASE("copies of a ring share the keyed state and give the same digests", "[api_key][pepper]") {
  auto ring = api_key::pepper_ring::create(1, pepper(5));
  REQUIRE(ring);
  api_key::pepper_ring copy = *ring;
  CHECK(copy.digest(key)->value == ring->digest(key)->value);
}
