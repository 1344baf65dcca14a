#pragma once
// redis::replay_store — core::replay_store on Redis: a delivery id, nonce or signed message
// remembered by one instance is a replay on every other instance sharing the server.
//
// One round trip per remember(): SET <prefix>replay:<base64url(SHA-256(key))> 1 NX PX <ttl ms>.
// The key is always hashed, whatever the caller passes (webhook verifiers may pass a signature's
// hex when the delivery id is not signed; request-signing verifiers pass a digest already), so
// Redis never holds a signature, nonce or id in the clear. The time-to-live runs on the Redis
// server's clock from the moment it receives the command; `now` is not used.

#include <chrono>
#include <charconv>
#include <string>
#include <string_view>

#include "tessera/core/replay_store.hpp"
#include "tessera/core/result.hpp"
#include "tessera/redis/connection.hpp"
#include "tessera/redis/detail/keys.hpp"

namespace tessera::redis {

// A replay store shared by every instance using the same Redis server and key prefix.
class replay_store {
 public:
  // Keys go under <pool prefix><name>; give two stores on one pool different names to keep
  // their keys apart.
  explicit replay_store(connection_pool& pool, std::string name = "replay:") : pool_(&pool), name_(std::move(name)) {}

  // True when key was not seen within its time-to-live (and is now remembered); false on a
  // replay; store_unavailable when Redis cannot answer (the caller refuses). A ttl under 1 ms
  // remembers nothing (true).
  result<bool> remember(std::string_view key, std::chrono::system_clock::time_point /*now*/,
                        std::chrono::seconds ttl) noexcept {
    if (ttl.count() <= 0) return true;
    auto k = detail::hashed_key(pool_->prefix(), name_, key);
    if (!k) return unexpected{errc::store_unavailable};
    char ms[24];
    const auto written = std::to_chars(ms, ms + sizeof ms, std::chrono::milliseconds(ttl).count());
    if (written.ec != std::errc{}) return unexpected{errc::store_unavailable};
    const std::string_view px(ms, static_cast<std::size_t>(written.ptr - ms));
    return pool_->with_connection([&](lease& l) -> result<bool> {
      auto r = l.exec({"SET", *k, "1", "NX", "PX", px});
      if (!r) return unexpected{r.error()};
      if (is_ok(**r)) return true;
      if (is_nil(**r)) return false;
      return unexpected{errc::store_unavailable};
    });
  }

 private:
  connection_pool* pool_;
  std::string name_;
};
static_assert(core::replay_store<replay_store>);

}  // namespace tessera::redis
