#pragma once
// Everything in tessera::webhook: schemes (Standard Webhooks, t=/v1= and sha256= layouts), secrets,
// key rings, the signer and verifier, receiver header credentials, and retry bookkeeping.
// webhook::json_event_id, which reads JSON bodies with simdjson, has its own header:
// <tessera/webhook/json_event_id.hpp>.
#include "tessera/webhook/body_only_scheme.hpp"
#include "tessera/webhook/delivery.hpp"
#include "tessera/webhook/delivery_log.hpp"
#include "tessera/webhook/delivery_record.hpp"
#include "tessera/webhook/header_auth.hpp"
#include "tessera/webhook/headers.hpp"
#include "tessera/webhook/key_ring.hpp"
#include "tessera/webhook/receiver.hpp"
#include "tessera/webhook/retry.hpp"
#include "tessera/webhook/scheme.hpp"
#include "tessera/webhook/secret.hpp"
#include "tessera/webhook/signer.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/subscription.hpp"
#include "tessera/webhook/timestamp.hpp"
#include "tessera/webhook/timestamped_scheme.hpp"
#include "tessera/webhook/url_guard.hpp"
#include "tessera/webhook/verifier.hpp"
