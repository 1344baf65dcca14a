#pragma once
// What every reference server shares, none of it security: the command line (--port, --audit-file),
// listening on 127.0.0.1, the start-up line a partner script reads, JSON answers, and a clean stop
// on SIGTERM or SIGINT. The security is all tessera's, in each server's own file.
#include <tessera/adapters/httplib.hpp>
#include <tessera/http.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

namespace servers {

// The command line: --port N (0: any free port), --audit-file PATH (JSON lines) and
// --audit-flush-ms N (0, the default: each audit line written at once; N: lines gathered and
// written every N ms, at most N ms of them lost in a crash).
struct options {
  int port = 0;
  std::string audit_file = "audit.jsonl";
  std::chrono::milliseconds audit_flush{0};
  bool fast_hashing = false;  // --fast-hashing: cheap scrypt, for load runs and tests only
};

inline options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--port" && i + 1 < argc) o.port = std::atoi(argv[++i]);
    else if (a == "--audit-file" && i + 1 < argc) o.audit_file = argv[++i];
    else if (a == "--audit-flush-ms" && i + 1 < argc) o.audit_flush = std::chrono::milliseconds(std::atoi(argv[++i]));
    else if (a == "--fast-hashing") o.fast_hashing = true;
    else {
      std::fprintf(stderr, "usage: %s [--port N] [--audit-file PATH] [--audit-flush-ms N] [--fast-hashing]\n", argv[0]);
      std::exit(2);
    }
  }
  return o;
}

// Writes a JSON answer.
inline void reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json");
}

// Blocks SIGTERM and SIGINT in every thread (call first in main, before any thread starts), so
// that run() can wait for them on one thread and stop the server cleanly.
inline sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Listens on 127.0.0.1, prints {"port": N, ...hello} as the first line of stdout, serves until
// SIGTERM or SIGINT, then stops. Returns main's exit status.
inline int run(httplib::Server& server, const options& o, sigset_t stop_signals, nlohmann::json hello = nlohmann::json::object()) {
  const int port = o.port == 0 ? server.bind_to_any_port("127.0.0.1") : (server.bind_to_port("127.0.0.1", o.port) ? o.port : -1);
  if (port <= 0) {
    std::fprintf(stderr, "cannot listen on 127.0.0.1:%d\n", o.port);
    return 1;
  }
  hello["port"] = port;
  std::printf("%s\n", hello.dump().c_str());
  std::fflush(stdout);
  std::thread stopper([&server, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
  });
  server.listen_after_bind();
  if (stopper.joinable()) {
    pthread_kill(stopper.native_handle(), SIGTERM);  // wakes the waiter if listen ended on its own
    stopper.join();
  }
  return 0;
}

}  // namespace servers
