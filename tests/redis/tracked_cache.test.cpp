// Tests for tessera/redis/tracked_cache.hpp against real redis-servers: a write by any client
// drops the key from the cache (and only keys under the tracked prefixes); a value read before
// an invalidation is not cached after it; the listener's connection killed or Redis paused makes
// the cache stop serving within max_staleness; a user without CLIENT TRACKING never gets a live
// cache; FLUSHDB empties it; the entry count stays bounded.
#include "tessera/redis/tracked_cache.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "redis/redis_support.hpp"

using namespace redis_test;

namespace {

// Polls pred every millisecond until it holds or `limit` passes; the time it took, or nullopt.
template <class Pred>
std::optional<std::chrono::milliseconds> within(std::chrono::milliseconds limit, Pred pred) {
  const auto from = steady::now();
  for (;;) {
    if (pred()) return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - from);
    if (steady::now() - from > limit) return std::nullopt;
    std::this_thread::sleep_for(1ms);
  }
}

redis::cache_options cache_with(std::chrono::milliseconds staleness, std::size_t entries = 100) {
  redis::cache_options o;
  o.enabled = true;
  o.max_staleness = staleness;
  o.max_entries = entries;
  return o;
}

// A cache of ints over keys "<prefix>c:...", live before it is returned.
struct cached {
  std::unique_ptr<redis::connection_pool> pool;
  redis::tracked_cache<int> cache;
  std::string prefix;
  cached(int port, std::string p, redis::cache_options o)
      : pool(make_pool(port, p)), cache(*pool, {p + "c:"}, o), prefix(std::move(p)) {
    REQUIRE(within(5s, [&] { return cache.live(); }));
  }
  std::string key(const std::string& name) const { return prefix + "c:" + name; }
  void put(const std::string& name, int v) { cache.put(key(name), v, cache.ticket()); }
  std::optional<int> find(const std::string& name) const { return cache.find(key(name)); }
};

}  // namespace

TEST_CASE("a write by any client drops the key from every cache; other keys stay", "[redis][cache]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  cached one(srv.port, prefix, cache_with(250ms)), two(srv.port, prefix, cache_with(250ms));
  one.put("a", 1);
  one.put("b", 2);
  two.put("a", 1);
  CHECK(one.find("a") == 1);
  CHECK(two.find("a") == 1);
  admin adm(srv.port);
  adm.run({"SET", prefix + "elsewhere", "x"});  // not under the tracked prefix
  adm.run({"SET", one.key("a"), "changed"});
  const auto took = within(250ms, [&] { return !one.find("a") && !two.find("a"); });
  REQUIRE(took);
  INFO("invalidation seen after " << took->count() << " ms");
  CHECK(one.find("b") == 2);  // untouched
  CHECK(one.cache.stats().invalidations >= 1);
  // A DEL invalidates as well (of a key that exists: deleting nothing changes nothing).
  adm.run({"SET", one.key("b"), "stored"});
  REQUIRE(within(250ms, [&] { return !one.find("b"); }));
  one.put("a", 3);
  one.put("b", 4);
  adm.run({"DEL", one.key("b")});
  CHECK(within(250ms, [&] { return !one.find("b"); }));
  CHECK(one.find("a") == 3);
}

TEST_CASE("a value read before an invalidation is not cached after it", "[redis][cache]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  cached c(srv.port, unique_prefix(), cache_with(250ms));
  const auto t = c.cache.ticket();
  REQUIRE(t != 0);
  const auto seen = c.cache.stats().invalidations;
  admin(srv.port).run({"SET", c.key("k"), "new"});
  REQUIRE(within(1s, [&] { return c.cache.stats().invalidations > seen; }));
  c.cache.put(c.key("k"), 1, t);  // read (conceptually) before the write: must not stick
  CHECK_FALSE(c.find("k"));
  c.cache.put(c.key("k"), 2, c.cache.ticket());
  CHECK(c.find("k") == 2);
  c.cache.put(c.key("k"), 9, 0);  // a ticket taken while not live
  CHECK(c.find("k") == 2);
}

TEST_CASE("the listener's connection killed: the cache stops serving, then resubscribes empty", "[redis][cache][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  cached c(srv.port(), unique_prefix(), cache_with(250ms));
  c.put("a", 1);
  REQUIRE(c.find("a") == 1);
  admin adm(srv.port());
  adm.run({"CLIENT", "KILL", "TYPE", "pubsub"});
  CHECK(within(250ms, [&] { return !c.find("a"); }));
  REQUIRE(within(5s, [&] { return c.cache.live() && c.cache.stats().subscriptions >= 2; }));
  CHECK(c.cache.stats().entries == 0);
  CHECK_FALSE(c.find("a"));
  // Tracking is on again: a write still invalidates.
  c.put("a", 2);
  REQUIRE(c.find("a") == 2);
  adm.run({"SET", c.key("a"), "x"});
  CHECK(within(250ms, [&] { return !c.find("a"); }));
}

TEST_CASE("Redis paused: the cache stops serving within max_staleness; resumed, it serves again", "[redis][cache][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  cached c(srv.port(), unique_prefix(), cache_with(100ms));
  c.put("a", 1);
  REQUIRE(c.find("a") == 1);
  srv.pause();
  // Nothing is heard from a stopped server, so the last news predates pause(): after
  // max_staleness from here, no entry may be served.
  std::this_thread::sleep_for(101ms);
  CHECK_FALSE(c.find("a"));
  CHECK_FALSE(c.cache.live());
  CHECK(c.cache.ticket() == 0);
  srv.resume();
  // Live again: on the same connection (the answer to the PING left waiting vouches for every
  // invalidation sent before it) or on a new one (emptied when it subscribed). Either way writes
  // invalidate.
  REQUIRE(within(5s, [&] { return c.cache.live(); }));
  c.put("a", 2);
  REQUIRE(c.find("a") == 2);
  admin(srv.port()).run({"SET", c.key("a"), "x"});
  CHECK(within(250ms, [&] { return !c.find("a"); }));
}

TEST_CASE("Redis killed and restarted: dark while it is down, live again after", "[redis][cache][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  cached c(srv.port(), unique_prefix(), cache_with(250ms));
  c.put("a", 1);
  srv.kill_hard();
  CHECK(within(250ms, [&] { return !c.cache.live(); }));
  CHECK_FALSE(c.find("a"));
  REQUIRE(srv.restart());
  REQUIRE(within(5s, [&] { return c.cache.live(); }));
  c.put("a", 2);
  CHECK(c.find("a") == 2);
}

TEST_CASE("a user not allowed CLIENT TRACKING never gets a live cache", "[redis][cache]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  admin(srv.port()).run({"ACL", "SETUSER", "limited", "on", ">limited-pw", "~*", "&*", "+@all", "-client"});
  auto o = options_for(srv.port(), unique_prefix());
  o.username = "limited";
  const std::string pw = "limited-pw";
  o.password = core::secret(core::bytes_view(pw));
  redis::connection_pool pool(std::move(o));
  REQUIRE(pool.with_connection([](redis::lease& l) -> result<void> {
    auto r = l.exec({"PING"});
    if (!r) return unexpected{r.error()};
    return core::ok();
  }));  // the user works
  redis::tracked_cache<int> cache(pool, {std::string(pool.prefix()) + "c:"}, cache_with(50ms));
  std::this_thread::sleep_for(200ms);
  CHECK_FALSE(cache.live());
  cache.put(std::string(pool.prefix()) + "c:a", 1, cache.ticket());
  CHECK_FALSE(cache.find(std::string(pool.prefix()) + "c:a"));
}

TEST_CASE("FLUSHDB empties every cache; entries stay within max_entries", "[redis][cache]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  cached c(srv.port(), unique_prefix(), cache_with(250ms, 3));
  for (int i = 0; i < 10; ++i) c.put("k" + std::to_string(i), i);
  CHECK(c.cache.stats().entries == 3);
  CHECK(c.find("k9") == 9);  // the newest is kept
  admin(srv.port()).run({"FLUSHDB"});
  CHECK(within(250ms, [&] { return c.cache.stats().entries == 0; }));
}
