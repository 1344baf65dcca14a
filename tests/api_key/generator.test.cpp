// Tests for tessera/api_key/generator.hpp: keys shown once, records holding only digests.
#include "tessera/api_key/generator.hpp"

#include <array>
#include <chrono>
#include <set>
#include <string>

#include "support/catch.hpp"

using namespace tessera;
using namespace std::chrono_literals;

namespace {
api_key::pepper_ring ring(std::uint32_t version = 1) {
  std::array<std::uint8_t, 32> p{};
  p.fill(static_cast<std::uint8_t>(version));
  auto r = api_key::pepper_ring::create(version, p);
  REQUIRE(r);
  return std::move(*r);
}
api_key::key_spec spec(std::string tenant = "org_42") {
  api_key::key_spec s;
  s.tenant = std::move(tenant);
  s.scopes = {"orders:read"};
  s.integration = "erp";
  s.description = "ERP connector, production";
  return s;
}
}  // namespace

TEST_CASE("a generated key parses, and its record holds the digest and the spec", "[api_key][generator]") {
  core::manual_clock clock(1'700'000'000);
  auto gen = api_key::generator<core::manual_clock&>::create({}, ring(), clock);
  REQUIRE(gen);
  auto s = spec();
  s.lifetime = 90 * 24h;
  auto k = gen->generate(s);
  REQUIRE(k);
  const std::string_view text = k->key.expose_secret_text();
  CHECK(text.size() == gen->format().key_length());
  CHECK(text.substr(0, 8) == "ak_live_");
  REQUIRE(api_key::parse(text, gen->format()));

  const api_key::key_record& r = k->record;
  CHECK(r.key_id.substr(0, 4) == "key_");
  CHECK(r.key_id.size() == 24);
  CHECK(r.tenant == "org_42");
  CHECK(r.scopes == std::vector<std::string>{"orders:read"});
  CHECK(r.integration == "erp");
  CHECK(r.description == "ERP connector, production");
  CHECK(r.status == api_key::key_status::active);
  CHECK(r.created_at == api_key::sys_seconds(std::chrono::seconds(1'700'000'000)));
  CHECK(r.expires_at == r.created_at + 90 * 24h);
  CHECK(r.digest == *ring().digest(text));
  // The key appears nowhere in the record.
  for (const std::string* f : {&r.key_id, &r.tenant, &r.integration, &r.description})
    CHECK(f->find(text.substr(8, 10)) == std::string::npos);
}

TEST_CASE("generated keys and ids are unique", "[api_key][generator]") {
  auto gen = api_key::generator<>::create({"sk", "test", 22}, ring());
  REQUIRE(gen);
  std::set<std::string> keys, ids;
  for (int i = 0; i < 500; ++i) {
    auto k = gen->generate(spec());
    REQUIRE(k);
    CHECK(k->key.expose_secret_text().substr(0, 8) == "sk_test_");
    keys.emplace(k->key.expose_secret_text());
    ids.insert(k->record.key_id);
  }
  CHECK(keys.size() == 500);
  CHECK(ids.size() == 500);
}

TEST_CASE("generation refuses bad formats, empty rings and bad specs", "[api_key][generator]") {
  CHECK(api_key::generator<>::create({"a_b", "live", 30}, ring()).error() == errc::invalid_argument);
  CHECK(api_key::generator<>::create({}, api_key::pepper_ring{}).error() == errc::invalid_key);
  auto gen = api_key::generator<>::create({}, ring());
  REQUIRE(gen);
  CHECK(gen->generate(spec("")).error() == errc::invalid_argument);
  auto s = spec();
  s.lifetime = 0s;
  CHECK(gen->generate(s).error() == errc::invalid_argument);
  s.lifetime = -5s;
  CHECK(gen->generate(s).error() == errc::invalid_argument);
  for (auto too_long : {std::chrono::seconds::max(), core::max_duration + 1s}) {
    s.lifetime = too_long;
    CHECK(gen->generate(s).error() == errc::invalid_argument);
  }
  s.lifetime = core::max_duration;
  CHECK(gen->generate(s));
  s.lifetime.reset();
  auto k = gen->generate(s);
  REQUIRE(k);
  CHECK_FALSE(k->record.expires_at);
}

TEST_CASE("issue() stores the record and returns the key only when stored", "[api_key][generator]") {
  api_key::memory_key_store store;
  auto gen = api_key::generator<>::create({}, ring());
  REQUIRE(gen);
  auto s = spec();
  s.key_id = "key_fixed";
  auto k = gen->issue(store, s);
  REQUIRE(k);
  CHECK(k->record.key_id == "key_fixed");
  auto found = store.find(k->record.digest);
  REQUIRE(found);
  CHECK((*found)->key_id == "key_fixed");
  CHECK(gen->issue(store, s).error() == errc::invalid_argument);  // the id is taken
  CHECK(store.size() == 1);
}

TEST_CASE("a new current pepper stores new keys under its version", "[api_key][generator]") {
  auto r = ring(1);
  std::array<std::uint8_t, 32> p2{};
  p2.fill(0xAB);
  REQUIRE(r.add(2, p2));
  REQUIRE(r.set_current(2));
  auto gen = api_key::generator<>::create({}, r);
  REQUIRE(gen);
  auto k = gen->generate(spec());
  REQUIRE(k);
  CHECK(k->record.digest.pepper_version == 2);
  CHECK(k->record.digest == *r.digest(k->key.expose_secret_text(), 2));
}

TEST_CASE("a key's scopes are scope-tokens: one with a space is refused", "[api_key][generator]") {
  auto gen = api_key::generator<>::create({}, ring());
  REQUIRE(gen);
  api_key::memory_key_store store;
  auto s = spec();
  s.scopes = {"orders:read stock:write"};  // in a token's "scope" claim this would grant stock:write
  CHECK(gen->issue(store, s).error() == errc::invalid_scope);
  s.scopes = {"orders:read", ""};
  CHECK(gen->issue(store, s).error() == errc::invalid_scope);
  s.scopes = {"orders:read", "stock:write"};
  CHECK(gen->issue(store, s));
}
