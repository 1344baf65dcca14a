#pragma once
// Everything in tessera::request_signing: signed partner requests (SHA256withRSA and friends),
// the client_id|timestamp and canonical-request profiles, signer, verifier, key registry, replay
// protection and the client-id check; RFC 9421 HTTP Message Signatures (httpsig::verifier and
// signer, message components, keys), RFC 9530 Content-Digest and RFC 8941 Structured Fields.
#include "tessera/request_signing/canonical_request.hpp"
#include "tessera/request_signing/client_id.hpp"
#include "tessera/request_signing/client_registry.hpp"
#include "tessera/request_signing/client_timestamp.hpp"
#include "tessera/request_signing/content_digest.hpp"
#include "tessera/request_signing/http_message_signatures.hpp"
#include "tessera/request_signing/message_components.hpp"
#include "tessera/request_signing/message_signature_keys.hpp"
#include "tessera/request_signing/profile.hpp"
#include "tessera/request_signing/replay.hpp"
#include "tessera/request_signing/request.hpp"
#include "tessera/request_signing/signer.hpp"
#include "tessera/request_signing/structured_field.hpp"
#include "tessera/request_signing/timestamp.hpp"
#include "tessera/request_signing/verifier.hpp"
