#pragma once
// Shared support for the tessera::redis tests: the suite's redis-server (the CTest fixture's,
// named by TESSERA_REDIS_STATE, or one this process starts when run by hand), private servers
// that fault tests kill, pause and restart, pools with a prefix of their own per test, and an
// admin view of everything stored.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "tessera/redis.hpp"

namespace Catch {
template <>
struct StringMaker<tessera::errc> {
  static std::string convert(tessera::errc e) { return std::string(tessera::core::name(e)); }
};
}  // namespace Catch

namespace redis_test {

using namespace tessera;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// What a fixture state file says.
struct server_info {
  int port = 0;
  pid_t pid = 0;
  std::string unavailable;  // why there is no server ("" when there is one)
};

// The fixture script (from CTest's environment, else from the source tree).
inline std::string fixture_script() {
  if (const char* s = std::getenv("TESSERA_REDIS_FIXTURE"); s && *s) return s;
  return std::string(TESSERA_TEST_SOURCE_DIR) + "/redis/redis_fixture.sh";
}

// Reads a state file written by the fixture script.
inline server_info read_state(const std::string& path) {
  server_info info;
  std::ifstream in(path);
  if (!in) {
    info.unavailable = "no redis-server state file at " + path;
    return info;
  }
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto name = line.substr(0, eq), value = line.substr(eq + 1);
    if (name == "port") info.port = std::atoi(value.c_str());
    else if (name == "pid") info.pid = static_cast<pid_t>(std::atoi(value.c_str()));
    else if (name == "unavailable") info.unavailable = value;
  }
  if (info.unavailable.empty() && info.port == 0) info.unavailable = "the state file names no port";
  return info;
}

// True while the process exists and is not a zombie.
inline bool process_alive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  std::ifstream st("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(st, line))
    if (line.rfind("State:", 0) == 0) return line.find('Z') == std::string::npos;
  return true;
}

// True when a TCP connect to 127.0.0.1:port is refused (nothing listens there).
inline bool port_refuses(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const bool refused = rc != 0 && errno == ECONNREFUSED;
  ::close(fd);
  return refused;
}

// A redis-server of this process's own, started with the fixture script; stopped when destroyed.
class private_server {
 public:
  // Starts one on a free port (or on `port`).
  explicit private_server(int port = 0) {
    char tmpl[] = "/tmp/tessera-redis-state.XXXXXX";
    int fd = ::mkstemp(tmpl);
    if (fd >= 0) ::close(fd);
    state_ = tmpl;
    start(port);
  }
  private_server(const private_server&) = delete;
  private_server& operator=(const private_server&) = delete;
  ~private_server() {
    run("stop '" + state_ + "'");
    std::remove(state_.c_str());
  }

  // The port, pid and availability of the server, as the fixture recorded them.
  const server_info& info() const { return info_; }
  // Why there is no server ("" when it runs).
  const std::string& unavailable() const { return info_.unavailable; }
  int port() const { return info_.port; }
  pid_t pid() const { return info_.pid; }

  // SIGKILL, then waits until the process is gone and its port refuses connections (the main
  // thread of a killed multi-threaded process can be a zombie while another thread still holds
  // the listening socket).
  void kill_hard() {
    ::kill(info_.pid, SIGKILL);
    const auto until = steady::now() + 5s;
    while ((process_alive(info_.pid) || !port_refuses(info_.port)) && steady::now() < until)
      std::this_thread::sleep_for(5ms);
  }
  // SIGSTOP, then waits until the process is stopped (kill() returns before it is): from then on
  // the server accepts connections (the kernel does) but never answers.
  void pause() {
    ::kill(info_.pid, SIGSTOP);
    const auto until = steady::now() + 2s;
    while (!stopped() && steady::now() < until) std::this_thread::sleep_for(100us);
  }
  // SIGCONT.
  void resume() { ::kill(info_.pid, SIGCONT); }
  // Starts a new server on the same port (after kill_hard()); true when it answers.
  bool restart() {
    run("stop '" + state_ + "'");
    return start(info_.port);
  }

 private:
  bool start(int port) {
    std::string args = "start '" + state_ + "'";
    if (port) args += " " + std::to_string(port);
    run(args);
    info_ = read_state(state_);
    return info_.unavailable.empty();
  }
  // True when /proc says the process is stopped (state T).
  bool stopped() const {
    std::ifstream st("/proc/" + std::to_string(info_.pid) + "/status");
    std::string line;
    while (std::getline(st, line))
      if (line.rfind("State:", 0) == 0) return line.find('T') != std::string::npos;
    return false;
  }
  void run(const std::string& args) {
    const std::string cmd = "sh '" + fixture_script() + "' " + args + " >/dev/null";
    if (std::system(cmd.c_str()) != 0) info_.unavailable = "the fixture script failed: " + cmd;
  }
  std::string state_;
  server_info info_;
};

// The suite's server: the CTest fixture's, else one started for this process.
inline const server_info& shared_server() {
  static const server_info info = [] {
    if (const char* s = std::getenv("TESSERA_REDIS_STATE"); s && *s) return read_state(s);
    static private_server own;  // run by hand: a server for this process, stopped at exit
    server_info i;
    i.port = own.port();
    i.pid = own.pid();
    i.unavailable = own.unavailable();
    return i;
  }();
  return info;
}

// Skips the test case (visibly) when there is no redis-server.
#define REDIS_TEST_REQUIRE_SERVER(info)                                                        \
  do {                                                                                        \
    if (!(info).unavailable.empty()) {                                                        \
      if ((info).unavailable.find("not installed") != std::string::npos)                      \
        TESSERA_SKIP("redis-server is not installed");                                        \
      FAIL("no redis-server: " << (info).unavailable);                                        \
    }                                                                                         \
  } while (0)

// A key prefix no other test uses: "t<pid>.<n>:".
inline std::string unique_prefix() {
  static std::atomic<int> n{0};
  return "t" + std::to_string(::getpid()) + "." + std::to_string(n.fetch_add(1)) + ":";
}

// Pool settings for a test: loopback, the given port and prefix, short timeouts.
inline redis::options options_for(int port, std::string prefix, std::chrono::milliseconds timeout = 200ms) {
  redis::options o;
  o.port = port;
  o.key_prefix = std::move(prefix);
  o.connect_timeout = timeout;
  o.command_timeout = timeout;
  o.reconnect_backoff = 20ms;
  o.max_connections = 8;
  return o;
}

// A pool of its own (one "instance" of a server fleet).
inline std::unique_ptr<redis::connection_pool> make_pool(int port, const std::string& prefix,
                                                         std::chrono::milliseconds timeout = 200ms) {
  return std::make_unique<redis::connection_pool>(options_for(port, prefix, timeout));
}

// Direct commands for the tests' own checks (DBSIZE, SCAN, GET, PTTL, DEBUG SLEEP...).
class admin {
 public:
  explicit admin(int port, std::chrono::milliseconds timeout = 2000ms) : pool_(options_for(port, "", timeout)) {}
  // Runs one command; fails the test when Redis cannot answer.
  redis::reply run(redis::command c) {
    auto l = pool_.acquire();
    REQUIRE(l);
    auto r = l->exec(c);
    REQUIRE(r);
    return std::move(*r);
  }
  // An integer reply.
  long long integer(redis::command c) {
    auto r = run(c);
    REQUIRE(r->type == REDIS_REPLY_INTEGER);
    return r->integer;
  }
  // Every key (SCAN), optionally those starting with a prefix.
  std::vector<std::string> keys(const std::string& prefix = "") {
    std::vector<std::string> out;
    std::string cursor = "0";
    const std::string pattern = prefix + "*";
    do {
      auto r = run({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
      REQUIRE(r->type == REDIS_REPLY_ARRAY);
      REQUIRE(r->elements == 2);
      cursor.assign(r->element[0]->str, r->element[0]->len);
      for (std::size_t i = 0; i < r->element[1]->elements; ++i)
        out.emplace_back(r->element[1]->element[i]->str, r->element[1]->element[i]->len);
    } while (cursor != "0");
    return out;
  }
  // Everything a key holds, as text: a string's value, a set's members, a sorted set's members
  // and scores, a hash's fields and values.
  std::string dump(const std::string& key) {
    auto type = run({"TYPE", key});
    const std::string t(type->str, type->len);
    redis::reply r;
    if (t == "string") r = run({"GET", key});
    else if (t == "set") r = run({"SMEMBERS", key});
    else if (t == "zset") r = run({"ZRANGE", key, "0", "-1", "WITHSCORES"});
    else if (t == "hash") r = run({"HGETALL", key});
    else if (t == "list") r = run({"LRANGE", key, "0", "-1"});
    else return {};  // expired meanwhile ("none")
    return flatten(*r);
  }

 private:
  static std::string flatten(const redisReply& r) {
    if (r.type == REDIS_REPLY_ARRAY) {
      std::string s;
      for (std::size_t i = 0; i < r.elements; ++i) s += flatten(*r.element[i]) + "\n";
      return s;
    }
    if (r.str) return std::string(r.str, r.len);
    return {};
  }
  redis::connection_pool pool_;
};

// True when a replay store answered "first seen".
inline bool is_first(const result<bool>& r) { return r && *r; }
// True when a replay store answered "replay".
inline bool is_replay(const result<bool>& r) { return r && !*r; }

// Milliseconds since `from`.
inline long long ms_since(steady::time_point from) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - from).count();
}

}  // namespace redis_test
