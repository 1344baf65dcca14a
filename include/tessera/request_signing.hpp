#pragma once
// Everything in tessera::request_signing: signed partner requests (SHA256withRSA and friends),
// the client_id|timestamp and canonical-request profiles, signer, verifier, key registry, replay
// protection and the client-id check.
#include "tessera/request_signing/canonical_request.hpp"
#include "tessera/request_signing/client_id.hpp"
#include "tessera/request_signing/client_registry.hpp"
#include "tessera/request_signing/client_timestamp.hpp"
#include "tessera/request_signing/profile.hpp"
#include "tessera/request_signing/replay.hpp"
#include "tessera/request_signing/request.hpp"
#include "tessera/request_signing/signer.hpp"
#include "tessera/request_signing/timestamp.hpp"
#include "tessera/request_signing/verifier.hpp"
