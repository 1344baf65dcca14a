#pragma once
// Everything in tessera::authz: scopes, role hierarchies, tenant binding, store/market scoping, rate limits.
#include "tessera/authz/rate_limit.hpp"
#include "tessera/authz/roles.hpp"
#include "tessera/authz/scopes.hpp"
#include "tessera/authz/store_scope.hpp"
#include "tessera/authz/tenant.hpp"
