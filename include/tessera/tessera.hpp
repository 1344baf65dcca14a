#pragma once
// The umbrella header: includes every public area of tessera.
#include "tessera/config.hpp"
#include "tessera/version.hpp"
#include "tessera/core.hpp"
#include "tessera/crypto.hpp"
#include "tessera/jwt.hpp"
