#pragma once
// Everything in tessera::core: errors, results, encodings, constant-time compare, header lookup, secrets, randomness, clocks.
#include "tessera/core/ascii.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/ct_equal.hpp"
#include "tessera/core/headers.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/hex.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
