#pragma once
// Everything in tessera::api_key: key format and checksum, peppered storage digests, the key
// store concept and its in-memory model, generation, and verification.
#include "tessera/api_key/checksum.hpp"
#include "tessera/api_key/format.hpp"
#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/pepper.hpp"
#include "tessera/api_key/store.hpp"
#include "tessera/api_key/verifier.hpp"
