#pragma once
// Everything in tessera::http: credential extraction from headers and error responses.
#include "tessera/http/error_response.hpp"
#include "tessera/http/headers.hpp"
