#pragma once
// Everything in tessera::jwt: algorithms, keys, key sets and JWKS, rules, verifier, issuer, revocation, refresh.
#include "tessera/jwt/algorithm.hpp"
#include "tessera/jwt/issuer.hpp"
#include "tessera/jwt/jwks.hpp"
#include "tessera/jwt/jws.hpp"
#include "tessera/jwt/key.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/jwt/refresh.hpp"
#include "tessera/jwt/revocation.hpp"
#include "tessera/jwt/rules.hpp"
#include "tessera/jwt/verified_token.hpp"
#include "tessera/jwt/verifier.hpp"
