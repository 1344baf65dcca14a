#pragma once
// Everything in tessera::credentials: client id and secret generation, PHC-format slow hashing,
// the concurrency guard, the client registry concept and its in-memory model, and the
// client-credentials authenticator.
#include "tessera/credentials/api_key_revocation.hpp"
#include "tessera/credentials/authenticator.hpp"
#include "tessera/credentials/client_secret.hpp"
#include "tessera/credentials/concurrency_guard.hpp"
#include "tessera/credentials/login_request.hpp"
#include "tessera/credentials/login_throttle.hpp"
#include "tessera/credentials/phc.hpp"
#include "tessera/credentials/registry.hpp"
#include "tessera/credentials/secret_hash.hpp"
#include "tessera/credentials/signing_keys.hpp"
#include "tessera/credentials/token_exchange.hpp"
#include "tessera/credentials/user_login.hpp"
