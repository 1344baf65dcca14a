// Tests for tessera/credentials/client_secret.hpp: client ids, secrets shown once, and the
// records that keep only their hashes.
#include "tessera/credentials/client_secret.hpp"

#include <chrono>
#include <cmath>
#include <set>
#include <string>

#include "tessera/api_key/checksum.hpp"
#include "support/catch.hpp"

using namespace tessera;
using credentials::hash_policy;

namespace {
const credentials::sys_seconds t0{std::chrono::seconds(1'700'000'000)};
const hash_policy tiny = hash_policy::scrypt_with(16, 1, 1);
}  // namespace

TEST_CASE("client secrets carry at least 256 bits and are all different", "[credentials][client_secret]") {
  CHECK(static_cast<double>(credentials::min_secret_length) * std::log2(62.0) >= 256.0);
  CHECK(static_cast<double>(credentials::min_secret_length - 1) * std::log2(62.0) < 256.0);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto s = credentials::generate_client_secret();
    REQUIRE(s);
    CHECK(s->size() == credentials::default_secret_length);
    CHECK(api_key::is_base62(s->expose_secret_text()));
    seen.emplace(s->expose_secret_text());
  }
  CHECK(seen.size() == 200);
  CHECK(credentials::generate_client_secret(43));
  CHECK(credentials::generate_client_secret(42).error() == errc::invalid_argument);
  CHECK(credentials::generate_client_secret(257).error() == errc::invalid_argument);
}

TEST_CASE("client ids are a prefix and 22 random base62 characters", "[credentials][client_secret]") {
  auto id = credentials::generate_client_id("partner_");
  REQUIRE(id);
  CHECK(id->size() == 8 + 22);
  CHECK(id->rfind("partner_", 0) == 0);
  CHECK(credentials::generate_client_id()->size() == 22);
  CHECK(*credentials::generate_client_id() != *credentials::generate_client_id());
  CHECK(credentials::generate_client_id("has space").error() == errc::invalid_argument);
  CHECK(credentials::generate_client_id(std::string(33, 'p')).error() == errc::invalid_argument);
  CHECK(credentials::generate_client_id("tab\t").error() == errc::invalid_argument);
}

TEST_CASE("a generated client keeps only the hash of its secret", "[credentials][client_secret]") {
  credentials::client_spec spec;
  spec.id_prefix = "cli_";
  spec.tenant = "retailer-1";
  spec.roles = {"CommerceUser"};
  spec.scopes = {"orders:read"};
  spec.stores = {"AllStores"};
  spec.markets = {"market-nor"};
  spec.description = "POS integration";
  auto c = credentials::generate_client(spec, t0, tiny);
  REQUIRE(c);
  const auto& r = c->record;
  CHECK(r.client_id.rfind("cli_", 0) == 0);
  CHECK(r.tenant == "retailer-1");
  CHECK(r.roles == std::vector<std::string>{"CommerceUser"});
  CHECK(r.scopes == std::vector<std::string>{"orders:read"});
  CHECK(r.stores == std::vector<std::string>{"AllStores"});
  CHECK(r.markets == std::vector<std::string>{"market-nor"});
  CHECK(r.description == "POS integration");
  CHECK(r.active);
  CHECK(r.created_at == t0);
  CHECK(r.secret_hash.rfind("$scrypt$ln=4,r=1,p=1$", 0) == 0);
  CHECK(r.secret_hash.find(c->secret.expose_secret_text()) == std::string::npos);
  CHECK(credentials::verify_secret(c->secret.expose_secret(), r.secret_hash));
  CHECK_FALSE(credentials::needs_rehash(r.secret_hash, tiny));

  spec.client_id = "fixed-id";
  CHECK(credentials::generate_client(spec, t0, tiny)->record.client_id == "fixed-id");
  spec.tenant.clear();
  CHECK(credentials::generate_client(spec, t0, tiny).error() == errc::invalid_argument);
  spec.tenant = "t";
  auto bad = tiny;
  bad.salt_size = 4;
  CHECK(credentials::generate_client(spec, t0, bad).error() == errc::invalid_kdf_parameters);
}

TEST_CASE("register_client adds the record; rotation retires the old secret", "[credentials][client_secret]") {
  credentials::memory_client_registry reg;
  credentials::client_spec spec;
  spec.client_id = "acme";
  spec.tenant = "retailer-1";
  auto c = credentials::register_client(reg, spec, t0, tiny);
  REQUIRE(c);
  auto stored = reg.find("acme");
  REQUIRE(stored);
  CHECK(credentials::verify_secret(c->secret.expose_secret(), (*stored)->secret_hash));
  CHECK(credentials::register_client(reg, spec, t0, tiny).error() == errc::invalid_argument);

  auto fresh = credentials::rotate_client_secret(reg, "acme", tiny);
  REQUIRE(fresh);
  const auto& hash = (*reg.find("acme"))->secret_hash;
  CHECK(credentials::verify_secret(fresh->expose_secret(), hash));
  CHECK(credentials::verify_secret(c->secret.expose_secret(), hash).error() == errc::invalid_credentials);
  CHECK(credentials::rotate_client_secret(reg, "nobody", tiny).error() == errc::unknown_client);
}
