// Tests for tessera/redis/connection.hpp: lazy connections, one round trip per batch, the pool
// bound, AUTH (password and ACL user) and SELECT, and the failure model: a refused connect, a
// server restart (reconnection without a new pool), a stopped server (the command timeout
// holds) and a slow one (DEBUG SLEEP), each failing with store_unavailable.
#include "tessera/redis/connection.hpp"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis/redis_support.hpp"

using namespace redis_test;

TEST_CASE("a pool connects lazily and counts one round trip per batch", "[redis][connection]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  redis::connection_pool pool(options_for(srv.port, unique_prefix()));
  CHECK(pool.stats().connects == 0);  // nothing until the first use
  {
    auto l = pool.acquire();
    REQUIRE(l);
    std::vector<redis::command> batch{{"PING"}, {"ECHO", "x"}, {"PING"}};
    std::vector<redis::reply> replies(3);
    REQUIRE(l->exec(batch, replies));
    CHECK(redis::as_string(*replies[1]) == "x");
    CHECK(pool.stats().round_trips == 1);  // three commands, one round trip
    auto err = l->exec({"NOSUCHCOMMAND"});
    REQUIRE(err);  // an error reply is a reply: the connection stays usable
    CHECK(redis::is_error(**err));
    CHECK(l->exec({"PING"}));
  }
  auto s = pool.stats();
  CHECK(s.connects == 1);
  CHECK(s.open == 1);
  CHECK(s.idle == 1);
  CHECK(s.dropped == 0);
  // The idle connection is reused.
  REQUIRE(pool.acquire());
  CHECK(pool.stats().connects == 1);
}

TEST_CASE("large commands and batches are written whole, and the connection stays in step", "[redis][connection]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const std::string prefix = unique_prefix();
  redis::connection_pool pool(options_for(srv.port, prefix, 2000ms));
  auto l = pool.acquire();
  REQUIRE(l);
  // 24 MiB in one command: far beyond a socket buffer, so the writes go out in pieces.
  std::string big(24 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>('a' + i % 26);
  const std::string key = prefix + "big";
  auto set = l->exec({"SET", key, big});
  REQUIRE(set);
  CHECK(redis::is_ok(**set));
  auto got = l->exec({"GET", key});
  REQUIRE(got);
  const auto text = redis::as_string(**got);
  REQUIRE(text);
  CHECK(text->size() == big.size());
  CHECK(*text == big);
  // A batch after it: the output buffer was left empty, so every reply matches its command.
  std::vector<redis::command> batch{{"ECHO", "one"}, {"STRLEN", key}, {"ECHO", "three"}};
  std::vector<redis::reply> replies(3);
  REQUIRE(l->exec(batch, replies));
  CHECK(redis::as_string(*replies[0]) == "one");
  CHECK(replies[1]->type == REDIS_REPLY_INTEGER);
  CHECK(replies[1]->integer == static_cast<long long>(big.size()));
  CHECK(redis::as_string(*replies[2]) == "three");
  CHECK(l->exec({"DEL", key}));
}

TEST_CASE("an invalid command is refused before anything is sent", "[redis][connection]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  redis::connection_pool pool(options_for(srv.port, unique_prefix()));
  auto l = pool.acquire();
  REQUIRE(l);
  redis::command too_long{"MGET"};
  for (int i = 0; i < 20; ++i) too_long.push("k");
  CHECK_FALSE(too_long.valid());
  CHECK(l->exec(too_long).error() == errc::store_unavailable);
  CHECK(l->exec(redis::command{}).error() == errc::store_unavailable);
}

TEST_CASE("at most max_connections are open; a borrower waits at most the command timeout", "[redis][connection]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  auto o = options_for(srv.port, unique_prefix());
  o.max_connections = 2;
  redis::connection_pool pool(std::move(o));
  auto a = pool.acquire();
  auto b = pool.acquire();
  REQUIRE(a);
  REQUIRE(b);
  const auto t = steady::now();
  CHECK(pool.acquire().error() == errc::store_unavailable);
  const auto waited = ms_since(t);
  CHECK(waited >= 150);
  CHECK(waited < 1000);
  // A lease handed back wakes a waiting borrower.
  std::thread giver([&] {
    std::this_thread::sleep_for(50ms);
    auto done = std::move(*a);
  });
  CHECK(pool.acquire());
  giver.join();
  CHECK(pool.stats().open == 2);
}

TEST_CASE("AUTH with a password or an ACL user, and SELECT of a database", "[redis][connection]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  admin root(srv.port());
  REQUIRE(redis::is_ok(*root.run({"ACL", "SETUSER", "svc", "on", ">svc-pass-7f3a", "~*", "+@all"})));
  REQUIRE(redis::is_ok(*root.run({"CONFIG", "SET", "requirepass", "root-pass-91c2"})));

  auto with = [&](std::string user, std::string pass, int db) {
    auto o = options_for(srv.port(), "auth:");
    o.username = std::move(user);
    if (!pass.empty()) o.password = core::secret(core::bytes_view(pass));
    o.database = db;
    return std::make_unique<redis::connection_pool>(std::move(o));
  };
  {
    // Without a password no AUTH is sent: commands get NOAUTH error replies (stores refuse).
    auto none = with("", "", 0);
    auto l = none->acquire();
    REQUIRE(l);
    auto r = l->exec({"PING"});
    REQUIRE(r);
    CHECK(redis::is_error_code(**r, "NOAUTH"));
  }
  CHECK(with("", "wrong", 0)->acquire().error() == errc::store_unavailable);        // wrong password
  CHECK(with("svc", "root-pass-91c2", 0)->acquire().error() == errc::store_unavailable);  // wrong user
  auto by_password = with("", "root-pass-91c2", 0);
  auto l = by_password->acquire();
  REQUIRE(l);
  REQUIRE(l->exec({"SET", "auth:k", "db0"}));
  auto by_user = with("svc", "svc-pass-7f3a", 3);
  auto u = by_user->acquire();
  REQUIRE(u);
  auto who = u->exec({"ACL", "WHOAMI"});
  REQUIRE(who);
  CHECK(redis::as_string(**who) == "svc");
  auto in_db3 = u->exec({"GET", "auth:k"});
  REQUIRE(in_db3);
  CHECK(redis::is_nil(**in_db3));  // database 3 is not database 0
  REQUIRE(u->exec({"SET", "auth:k", "db3"}));
  auto in_db0 = l->exec({"GET", "auth:k"});
  REQUIRE(in_db0);
  CHECK(redis::as_string(**in_db0) == "db0");
  // The admin connection predates requirepass and stays authenticated; put things back for stop.
  root.run({"CONFIG", "SET", "requirepass", ""});
}

TEST_CASE("a pool made while Redis is down works once it is up; refused connects fail fast", "[redis][connection][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  const int port = srv.port();
  srv.kill_hard();
  redis::connection_pool pool(options_for(port, unique_prefix()));
  auto t = steady::now();
  CHECK(pool.acquire().error() == errc::store_unavailable);
  CHECK(ms_since(t) < 200);  // a refused connect is immediate on loopback
  // Within the reconnect backoff, no connect is even tried.
  const auto failures = pool.stats().connect_failures;
  CHECK(pool.acquire().error() == errc::store_unavailable);
  CHECK(pool.stats().connect_failures == failures);
  REQUIRE(srv.restart());
  std::this_thread::sleep_for(30ms);  // past the 20 ms backoff
  auto l = pool.acquire();
  REQUIRE(l);
  CHECK(l->exec({"PING"}));
}

TEST_CASE("after a restart, the same pool reconnects: stale idle connections are replaced", "[redis][connection][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  redis::connection_pool pool(options_for(srv.port(), unique_prefix()));
  {
    // Three idle connections.
    auto a = pool.acquire(), b = pool.acquire(), c = pool.acquire();
    REQUIRE((a && b && c));
    REQUIRE(a->exec({"PING"}));
  }
  REQUIRE(pool.stats().idle == 3);
  srv.kill_hard();
  REQUIRE(srv.restart());
  // The first use after the restart succeeds: the closed idle connections are noticed (one
  // poll, no round trip) and dropped, and a new one is opened.
  const auto t = steady::now();
  auto l = pool.acquire();
  REQUIRE(l);
  auto r = l->exec({"PING"});
  REQUIRE(r);
  CHECK(std::string((*r)->str, (*r)->len) == "PONG");
  const auto took = ms_since(t);
  INFO("first call after the restart took " << took << " ms");
  CHECK(took < 200);
  auto s = pool.stats();
  CHECK(s.dropped == 3);
  CHECK(s.connects == 4);
}

TEST_CASE("a stopped server: the command timeout holds, and the pool recovers when it resumes", "[redis][connection][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  redis::connection_pool pool(options_for(srv.port(), unique_prefix(), 200ms));
  REQUIRE(pool.acquire());  // one idle connection
  srv.pause();
  // On the idle connection: the write succeeds, the read times out.
  auto t = steady::now();
  {
    auto l = pool.acquire();
    REQUIRE(l);
    CHECK(l->exec({"PING"}).error() == errc::store_unavailable);
  }
  auto took = ms_since(t);
  INFO("PING on a stopped server failed after " << took << " ms");
  CHECK(took >= 150);
  CHECK(took < 400);
  CHECK(pool.stats().dropped == 1);  // that connection is closed, never reused
  // On a new connection: the kernel accepts it, the read times out.
  t = steady::now();
  {
    auto l = pool.acquire();
    REQUIRE(l);
    CHECK(l->exec({"PING"}).error() == errc::store_unavailable);
  }
  took = ms_since(t);
  CHECK(took < 400);
  srv.resume();
  auto l = pool.acquire();
  REQUIRE(l);
  CHECK(l->exec({"PING"}));
}

TEST_CASE("a slow server (DEBUG SLEEP): calls fail within the timeout instead of waiting", "[redis][connection][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  redis::connection_pool pool(options_for(srv.port(), unique_prefix(), 200ms));
  REQUIRE(pool.acquire());
  std::thread sleeper([&] {  // no Catch2 assertion off the test's own thread
    redis::connection_pool slow(options_for(srv.port(), "", 3000ms));
    if (auto l = slow.acquire()) (void)l->exec({"DEBUG", "SLEEP", "1"});
  });
  std::this_thread::sleep_for(100ms);  // the server is now busy for about a second
  const auto t = steady::now();
  auto l = pool.acquire();
  REQUIRE(l);
  CHECK(l->exec({"PING"}).error() == errc::store_unavailable);
  const auto took = ms_since(t);
  INFO("PING during DEBUG SLEEP failed after " << took << " ms");
  CHECK(took < 400);
  sleeper.join();
}

namespace {
// The calling thread's blocked signals include SIGPIPE.
bool sigpipe_blocked() {
  sigset_t now;
  sigemptyset(&now);
  pthread_sigmask(SIG_BLOCK, nullptr, &now);
  return sigismember(&now, SIGPIPE) == 1;
}

// Writes a 4 MiB value to a server that was killed after the connection opened; returns what the
// call answered.
result<redis::reply> write_to_dead_server() {
  private_server srv;
  if (!srv.unavailable().empty()) return unexpected{errc::store_unavailable};
  redis::connection_pool pool(options_for(srv.port(), unique_prefix(), 500ms));
  auto l = pool.acquire();
  REQUIRE(l);
  REQUIRE(l->exec({"PING"}));
  srv.kill_hard();
  const std::string big(4 << 20, 'x');
  return l->exec({"SET", "big", big});
}
}  // namespace

TEST_CASE("a write to a dead server fails closed, raises no SIGPIPE and leaves the signal mask alone, SIGPIPE ignored or not",
          "[redis][connection][faults]") {
  REDIS_TEST_REQUIRE_SERVER(shared_server());
  struct sigaction before {};
  REQUIRE(sigaction(SIGPIPE, nullptr, &before) == 0);
  REQUIRE_FALSE(sigpipe_blocked());

  SECTION("default disposition: the write fails with EPIPE, and the process lives") {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    REQUIRE(sigaction(SIGPIPE, &dfl, nullptr) == 0);
    auto r = write_to_dead_server();
    CHECK_FALSE(r);
    CHECK(r.error() == errc::store_unavailable);
  }
  SECTION("ignored by the process") {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    REQUIRE(sigaction(SIGPIPE, &ign, nullptr) == 0);
    auto r = write_to_dead_server();
    CHECK_FALSE(r);
    CHECK(r.error() == errc::store_unavailable);
  }
  CHECK_FALSE(sigpipe_blocked());
  sigset_t pending;
  sigemptyset(&pending);
  REQUIRE(sigpending(&pending) == 0);
  CHECK(sigismember(&pending, SIGPIPE) == 0);
  REQUIRE(sigaction(SIGPIPE, &before, nullptr) == 0);
}
