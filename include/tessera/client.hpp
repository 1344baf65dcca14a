#pragma once
// Everything in tessera::client: the calling side of a partner API (a per-tenant token cache with
// renewal before expiry and backoff after failures).
#include "tessera/client/http_client.hpp"
#include "tessera/client/caller.hpp"
#include "tessera/client/token_cache.hpp"
