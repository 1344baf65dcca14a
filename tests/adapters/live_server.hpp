#pragma once
// Test helper for the adapter tests: a cpp-httplib server prepared by tessera, on a free loopback
// port, listening on its own thread until destroyed.
#include <httplib.h>

#include <chrono>
#include <thread>

#include "support/catch.hpp"
#include "tessera/adapters/httplib.hpp"

namespace adapters_test {
struct live_server {
  httplib::Server server;
  int port = 0;
  std::thread thread;

  template <class Setup>
  explicit live_server(Setup&& setup) {
    tessera::adapters::httplib::prepare(server);
    setup(server);
    port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~live_server() {
    server.stop();
    thread.join();
  }
};
}  // namespace adapters_test
