#pragma once
// Everything in tessera::http: credential extraction from headers, error responses, the
// credential methods, the authenticator pipeline and audit sinks.
#include "tessera/http/audit.hpp"
#include "tessera/http/audit_file.hpp"
#include "tessera/http/authenticator.hpp"
#include "tessera/http/credential_methods.hpp"
#include "tessera/http/error_response.hpp"
#include "tessera/http/business_event.hpp"
#include "tessera/http/headers.hpp"
#include "tessera/http/idempotency.hpp"
#include "tessera/http/principal.hpp"
#include "tessera/http/route.hpp"
