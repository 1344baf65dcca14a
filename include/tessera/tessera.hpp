#pragma once
// The umbrella header: includes every public area of tessera.
#include "tessera/config.hpp"
#include "tessera/version.hpp"
#include "tessera/core.hpp"
#include "tessera/crypto.hpp"
#include "tessera/jwt.hpp"
#include "tessera/api_key.hpp"
#include "tessera/credentials.hpp"
#include "tessera/webhook.hpp"
#include "tessera/webhook/json_event_id.hpp"  // outside webhook.hpp: it brings simdjson
#include "tessera/request_signing.hpp"
#include "tessera/authz.hpp"
#include "tessera/http.hpp"
#include "tessera/client.hpp"
