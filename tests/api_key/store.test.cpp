// Tests for tessera/api_key/store.hpp: key records, the store concepts and memory_key_store.
#include "tessera/api_key/store.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using namespace std::chrono_literals;

namespace {
const api_key::sys_seconds t0{std::chrono::seconds(1'700'000'000)};

api_key::key_digest digest_of(int n, std::uint32_t version = 1) {
  api_key::key_digest d;
  for (std::size_t i = 0; i < d.value.size(); ++i) d.value[i] = static_cast<std::uint8_t>((n * 131 + 7) >> (i % 3) ^ (i * 29) ^ n);
  d.value[0] = static_cast<std::uint8_t>(n);  // spread over shards
  d.value[1] = static_cast<std::uint8_t>(n >> 8);
  d.pepper_version = version;
  return d;
}

api_key::key_record record(int n, std::string tenant = "org_1", std::string integration = "erp") {
  api_key::key_record r;
  r.key_id = "key_" + std::to_string(n);
  r.tenant = std::move(tenant);
  r.scopes = {"orders:read", "stock:write"};
  r.integration = std::move(integration);
  r.description = "ERP connector";
  r.created_at = t0;
  r.digest = digest_of(n);
  return r;
}

struct throwing_store {
  result<api_key::record_ptr> find(const api_key::key_digest&) { return unexpected{errc::api_key_unknown}; }
  void note_use(const api_key::key_record&, api_key::sys_seconds) noexcept {}
};
struct read_only_store {
  result<api_key::record_ptr> find(const api_key::key_digest&) const noexcept { return unexpected{errc::api_key_unknown}; }
  void note_use(const api_key::key_record&, api_key::sys_seconds) const noexcept {}
};
}  // namespace

static_assert(api_key::key_store<api_key::memory_key_store>);
static_assert(api_key::key_lookup<api_key::memory_key_store>);
static_assert(api_key::redigestable_key_store<api_key::memory_key_store>);
static_assert(!api_key::key_lookup<throwing_store>);
static_assert(api_key::key_lookup<read_only_store>);
static_assert(!api_key::key_store<read_only_store>);
static_assert(!std::is_copy_constructible_v<api_key::memory_key_store>);

TEST_CASE("a stored record is found by its digest and by its id", "[api_key][store]") {
  api_key::memory_key_store store;
  REQUIRE(store.insert(record(1)));
  auto r = store.find(digest_of(1));
  REQUIRE(r);
  CHECK((*r)->key_id == "key_1");
  CHECK((*r)->tenant == "org_1");
  CHECK((*r)->has_scope("orders:read"));
  CHECK_FALSE((*r)->has_scope("orders"));
  CHECK((*r)->integration == "erp");
  CHECK((*r)->status == api_key::key_status::active);
  CHECK((*r)->created_at == t0);
  CHECK_FALSE((*r)->expires_at);
  CHECK_FALSE((*r)->last_used.get());
  CHECK(store.get("key_1")->get() == r->get());  // the same shared snapshot
  CHECK(store.size() == 1);

  CHECK(store.find(digest_of(2)).error() == errc::api_key_unknown);
  CHECK(store.find(digest_of(1, 2)).error() == errc::api_key_unknown);  // same bytes, other pepper
  CHECK(store.get("key_2").error() == errc::api_key_unknown);
}

TEST_CASE("insert refuses a missing id, a duplicate id and a duplicate digest", "[api_key][store]") {
  api_key::memory_key_store store;
  REQUIRE(store.insert(record(1)));
  auto no_id = record(2);
  no_id.key_id.clear();
  CHECK(store.insert(no_id).error() == errc::invalid_argument);
  auto same_id = record(3);
  same_id.key_id = "key_1";
  CHECK(store.insert(same_id).error() == errc::invalid_argument);
  auto same_digest = record(1);
  same_digest.key_id = "key_other";
  CHECK(store.insert(same_digest).error() == errc::invalid_argument);
  CHECK(store.size() == 1);
  CHECK(store.get("key_other").error() == errc::api_key_unknown);
}

TEST_CASE("revocation replaces the snapshot: the next lookup sees it, held snapshots do not change",
          "[api_key][store]") {
  api_key::memory_key_store store;
  REQUIRE(store.insert(record(1)));
  auto before = store.find(digest_of(1));
  REQUIRE(before);
  REQUIRE(store.revoke("key_1", t0 + 10s));
  auto after = store.find(digest_of(1));
  REQUIRE(after);
  CHECK((*after)->status == api_key::key_status::revoked);
  CHECK((*after)->revoked_at == t0 + 10s);
  CHECK((*before)->status == api_key::key_status::active);
  // Idempotent: the first revocation time stays.
  REQUIRE(store.revoke("key_1", t0 + 20s));
  CHECK((*store.find(digest_of(1)))->revoked_at == t0 + 10s);
  CHECK(store.revoke("key_9", t0).error() == errc::api_key_unknown);
}

TEST_CASE("last use only moves forward and survives a revocation copy", "[api_key][store]") {
  api_key::memory_key_store store;
  REQUIRE(store.insert(record(1)));
  auto r = *store.find(digest_of(1));
  store.note_use(*r, t0 + 5s);
  CHECK(r->last_used.get() == t0 + 5s);
  store.note_use(*r, t0 + 3s);
  CHECK(r->last_used.get() == t0 + 5s);
  store.note_use(*r, t0 + 6s);
  CHECK((*store.find(digest_of(1)))->last_used.get() == t0 + 6s);
  REQUIRE(store.revoke("key_1", t0 + 7s));
  CHECK((*store.find(digest_of(1)))->last_used.get() == t0 + 6s);

  api_key::last_used_time a(t0);
  api_key::last_used_time b = a;
  b.note(t0 + 1s);
  CHECK(a.get() == t0);
  CHECK(b.get() == t0 + 1s);
  a = b;
  CHECK(a.get() == t0 + 1s);
}

TEST_CASE("expiry is inclusive of its second", "[api_key][store]") {
  auto r = record(1);
  CHECK_FALSE(r.expired(t0 + 1000000s));
  r.expires_at = t0 + 60s;
  CHECK_FALSE(r.expired(t0 + 59s));
  CHECK(r.expired(t0 + 60s));
  CHECK(r.expired(t0 + 61s));
}

TEST_CASE("replace_digest moves a key to a new pepper, only from its current digest", "[api_key][store]") {
  api_key::memory_key_store store;
  REQUIRE(store.insert(record(1)));
  REQUIRE(store.revoke("key_1", t0 + 1s));
  const auto to = digest_of(300, 2);
  REQUIRE(store.replace_digest("key_1", digest_of(1), to));
  CHECK(store.find(digest_of(1)).error() == errc::api_key_unknown);
  auto moved = store.find(to);
  REQUIRE(moved);
  CHECK((*moved)->digest == to);
  CHECK((*moved)->status == api_key::key_status::revoked);  // everything else kept
  CHECK((*store.get("key_1"))->digest == to);
  // A stale move (the key is no longer at `from`) does nothing.
  REQUIRE(store.replace_digest("key_1", digest_of(1), digest_of(301, 3)));
  CHECK(store.find(digest_of(301, 3)).error() == errc::api_key_unknown);
  CHECK(store.replace_digest("key_9", digest_of(1), to).error() == errc::api_key_unknown);
  // Moving onto a digest that another key holds is refused.
  REQUIRE(store.insert(record(2)));
  CHECK(store.replace_digest("key_2", digest_of(2), to).error() == errc::invalid_argument);
  // Within one shard.
  auto same_shard = digest_of(2 + 256, 5);
  REQUIRE(store.replace_digest("key_2", digest_of(2), same_shard));
  CHECK(store.find(same_shard));
}

TEST_CASE("several keys per integration, listed per tenant, and erased", "[api_key][store]") {
  api_key::memory_key_store store;
  REQUIRE(store.insert(record(1, "org_1", "erp")));
  REQUIRE(store.insert(record(2, "org_1", "erp")));
  REQUIRE(store.insert(record(3, "org_1", "shop")));
  REQUIRE(store.insert(record(4, "org_2", "erp")));
  auto all = store.list("org_1");
  REQUIRE(all.size() == 3);
  CHECK(all[0]->key_id == "key_1");
  CHECK(all[2]->key_id == "key_3");
  CHECK(store.list("org_1", "erp").size() == 2);
  CHECK(store.list("org_2").size() == 1);
  CHECK(store.list("org_3").empty());
  REQUIRE(store.erase("key_2"));
  CHECK(store.find(digest_of(2)).error() == errc::api_key_unknown);
  CHECK(store.erase("key_2").error() == errc::api_key_unknown);
  CHECK(store.size() == 3);
}

TEST_CASE("concurrent lookups, uses, inserts and revocations stay consistent", "[api_key][store][concurrency]") {
  api_key::memory_key_store store;
  constexpr int initial = 64;
  for (int i = 0; i < initial; ++i) REQUIRE(store.insert(record(i)));

  std::atomic<bool> stop{false};
  std::atomic<int> revoked_upto{-1};  // keys [0, revoked_upto] are revoked
  std::atomic<long> lookups{0};
  std::atomic<int> violations{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      int i = t;
      while (!stop.load(std::memory_order_acquire)) {
        i = (i + 7) % initial;
        const int upto = revoked_upto.load(std::memory_order_acquire);
        auto r = store.find(digest_of(i));
        if (!r) {
          violations.fetch_add(1);
          continue;
        }
        store.note_use(**r, t0 + std::chrono::seconds(i));
        // A revocation that completed before this lookup started must be visible.
        if (i <= upto && (*r)->status != api_key::key_status::revoked) violations.fetch_add(1);
        lookups.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::atomic<int> write_failures{0};
  std::thread writer([&] {  // Catch2 assertions are not thread-safe: count failures instead
    for (int i = 0; i < initial; ++i) {
      if (!store.revoke("key_" + std::to_string(i), t0)) write_failures.fetch_add(1);
      revoked_upto.store(i, std::memory_order_release);
      if (!store.insert(record(1000 + i))) write_failures.fetch_add(1);
      if (!store.replace_digest("key_" + std::to_string(1000 + i), digest_of(1000 + i), digest_of(5000 + i, 2)))
        write_failures.fetch_add(1);
      std::this_thread::yield();
    }
  });
  writer.join();
  // Let readers run over the fully revoked set for a moment.
  while (lookups.load() < 2000) std::this_thread::yield();
  stop.store(true, std::memory_order_release);
  for (auto& th : readers) th.join();

  CHECK(violations.load() == 0);
  CHECK(write_failures.load() == 0);
  CHECK(store.size() == 2 * initial);
  for (int i = 0; i < initial; ++i) {
    CHECK((*store.find(digest_of(i)))->status == api_key::key_status::revoked);
    CHECK(store.find(digest_of(5000 + i, 2)));
  }
}
