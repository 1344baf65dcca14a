#pragma once
// The separately compiled part of tessera: include this header in exactly one translation unit of
// a program built with TESSERA_SEPARATE_COMPILATION defined (the tessera::tessera target does so
// when CMake is configured with -DTESSERA_SEPARATE_COMPILATION=ON). It defines the functions that
// the headers then only declare.

#if !defined(TESSERA_SEPARATE_COMPILATION)
#error "<tessera/src.hpp> is for the separately compiled mode: define TESSERA_SEPARATE_COMPILATION"
#endif

#include "tessera/tessera.hpp"

#include "tessera/client/impl/caller.ipp"
#include "tessera/credentials/impl/login_request.ipp"
#include "tessera/credentials/impl/token_exchange.ipp"
#include "tessera/crypto/detail/impl/pkey.ipp"
#include "tessera/crypto/impl/private_key.ipp"
#include "tessera/crypto/impl/public_key.ipp"
#include "tessera/http/impl/idempotency.ipp"
#include "tessera/jwt/detail/impl/parse.ipp"
#include "tessera/jwt/impl/issuer.ipp"
#include "tessera/jwt/impl/jwks.ipp"
#include "tessera/jwt/impl/jws.ipp"
#include "tessera/jwt/impl/refresh.ipp"
#include "tessera/jwt/impl/remote_jwks.ipp"
#include "tessera/jwt/impl/verified_token.ipp"
#include "tessera/webhook/impl/delivery.ipp"
#include "tessera/webhook/impl/delivery_log.ipp"
#include "tessera/webhook/impl/delivery_record.ipp"
#include "tessera/webhook/impl/receiver.ipp"
#include "tessera/webhook/impl/subscription.ipp"
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include "tessera/core/impl/base64.ipp"
#endif
