#pragma once
// Everything in tessera::crypto: digests, HMAC keys, public/private keys, signatures, key derivation.
#include "tessera/crypto/aead.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/ecdsa_der.hpp"
#include "tessera/crypto/hmac_key.hpp"
#include "tessera/crypto/kdf.hpp"
#include "tessera/crypto/key_type.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/crypto/signature.hpp"
