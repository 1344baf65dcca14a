#pragma once
// Everything in tessera::redis (optional: the CMake target tessera::redis, on hiredis): the
// connection pool and Redis models of the stores a fleet of instances must share — replay
// store, JWT revocation list, rate limiter, API-key store and client registry. Each fails
// closed (store_unavailable, HTTP 503), keeps no secret in Redis (digests and ids only), and
// costs at most one round trip per request that needs it. tessera/tessera.hpp never includes it.
#include "tessera/redis/command.hpp"
#include "tessera/redis/connection.hpp"
#include "tessera/redis/replay_store.hpp"
#include "tessera/redis/revocation.hpp"
#include "tessera/redis/rate_limiter.hpp"
#include "tessera/redis/tracked_cache.hpp"
#include "tessera/redis/api_key_store.hpp"
#include "tessera/redis/client_registry.hpp"
#include "tessera/redis/idempotency_store.hpp"
#include "tessera/redis/subscription_store.hpp"
#include "tessera/redis/delivery_queue.hpp"
#include "tessera/redis/delivery_log.hpp"
