#pragma once
// Shared set-up of the credentials tests that exchange API keys: a pepper ring, an in-memory key
// store, and the generator and verifier of "ak_live_" keys over them.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/core/random.hpp"

namespace credentials_test {

// An API-key world: keys are issued into `store` and verified by `keys`.
struct key_world {
  tessera::api_key::pepper_ring peppers =
      tessera::api_key::pepper_ring::create(1, tessera::core::random_secret(32)->expose_secret()).value();
  tessera::api_key::memory_key_store store;
  tessera::api_key::key_format format{"ak", "live", 30};
  tessera::api_key::generator<> gen = tessera::api_key::generator<>::create(format, peppers).value();
  tessera::api_key::verifier<> keys = tessera::api_key::verifier<>::create(format, peppers, store).value();

  // Issues a key of `tenant` with `scopes` (and a lifetime, when given) into the store.
  tessera::api_key::issued_key issue(std::string tenant, std::vector<std::string> scopes,
                                     std::optional<std::chrono::seconds> lifetime = std::nullopt) {
    tessera::api_key::key_spec spec;
    spec.tenant = std::move(tenant);
    spec.scopes = std::move(scopes);
    spec.lifetime = lifetime;
    return gen.issue(store, spec).value();
  }
};

}  // namespace credentials_test
