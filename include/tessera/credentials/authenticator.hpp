#pragma once
// client_authenticator: the client-credentials check behind a login endpoint. Given a client id
// and a client secret it answers, in this order:
//   missing_field        the id or the secret is empty (HTTP 400)
//   too_many_requests    too many slow hashes are running already (HTTP 429; nothing was hashed)
//   invalid_credentials  unknown client, or wrong secret; an unknown client costs the same
//                        slow hash as a known one, so timing does not reveal which ids exist
//   client_deactivated   right secret, but the client has been deactivated
//   invalid_hash_string  the stored hash is malformed or over the cost limits (HTTP 500)
//   store_unavailable    the registry could not answer (HTTP 500)
// and on success the client's record (tenant, roles, scopes, stores, markets, keys). A stored
// hash made under older parameters is replaced under the current policy at that login.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/core/bytes.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/credentials/concurrency_guard.hpp"
#include "tessera/credentials/phc.hpp"
#include "tessera/credentials/registry.hpp"
#include "tessera/credentials/secret_hash.hpp"

namespace tessera::credentials {

// Settings of a client_authenticator.
struct authenticator_options {
  hash_policy policy{};                          // current hashing policy (rehash target)
  hash_limits limits{};                          // most a stored hash may demand
  std::size_t max_concurrent = default_concurrency();  // slow hashes at once (with the default guard)
  std::size_t max_waiting = 0;                   // callers that may wait for a slot
  std::chrono::milliseconds max_wait{0};         // how long they may wait (0: refuse at once)
  bool rehash_on_login = true;                   // upgrade outdated stored hashes at login
  std::shared_ptr<concurrency_guard> guard;      // share one guard between endpoints (null: own one)
};

// Authenticates clients against a registry (referenced, not owned). All members are const,
// noexcept and thread-safe when the registry is.
template <client_registry Registry = memory_client_registry>
class client_authenticator {
 public:
  // An authenticator; invalid_kdf_parameters when the policy makes hashes the limits refuse.
  static result<client_authenticator> create(Registry& registry, authenticator_options opts = {}) {
    if (auto v = opts.policy.validate(opts.limits); !v) return unexpected{v.error()};
    if (!opts.guard) opts.guard = std::make_shared<concurrency_guard>(opts.max_concurrent, opts.max_waiting);
    // The stand-in hash an unknown client id is checked against: the policy's parameters with
    // random salt and hash, so it costs exactly what a real check costs and never matches.
    phc_hash dummy = opts.policy.parameters();
    if (auto r = core::random_fill({dummy.salt.data(), dummy.salt_size}); !r) return unexpected{r.error()};
    if (auto r = core::random_fill({dummy.hash.data(), dummy.hash_size}); !r) return unexpected{r.error()};
    return client_authenticator(registry, std::move(opts), format_phc(dummy));
  }

  // Checks a client id and secret; the client's current record on success.
  result<client_ptr> authenticate(std::string_view client_id, core::bytes_view secret) const noexcept {
    if (client_id.empty() || secret.empty()) return unexpected{errc::missing_field};
    auto permit = opts_.guard->acquire_for(opts_.max_wait);
    if (!permit) return unexpected{permit.error()};

    auto found = registry_->find(client_id);
    if (!found) {
      if (found.error() != errc::unknown_client) return unexpected{found.error()};
      (void)verify_secret(secret, dummy_, opts_.limits);  // same work as for a known client
      return unexpected{errc::invalid_credentials};
    }
    const client_ptr& client = *found;
    if (auto v = verify_secret(secret, client->secret_hash, opts_.limits); !v) return unexpected{v.error()};
    if (!client->active) return unexpected{errc::client_deactivated};

    if (opts_.rehash_on_login && needs_rehash(client->secret_hash, opts_.policy, opts_.limits)) {
      // Best effort, and compare-and-set: a secret rotated meanwhile is never overwritten.
      if (auto fresh = hash_secret(secret, opts_.policy))
        (void)registry_->update_secret_hash(client_id, client->secret_hash, *fresh);
    }
    return std::move(*found);
  }

  // The record of a client that exists and is active, for flows that carry no secret (token
  // refresh, request signatures): unknown_client or client_deactivated otherwise.
  result<client_ptr> active_client(std::string_view client_id) const noexcept {
    auto found = registry_->find(client_id);
    if (!found) return found;
    if (!(*found)->active) return unexpected{errc::client_deactivated};
    return found;
  }

  // The settings.
  const authenticator_options& options() const noexcept { return opts_; }
  // The guard bounding concurrent slow hashes.
  concurrency_guard& guard() const noexcept { return *opts_.guard; }

 private:
  client_authenticator(Registry& r, authenticator_options o, std::string dummy)
      : registry_(&r), opts_(std::move(o)), dummy_(std::move(dummy)) {}

  Registry* registry_;
  authenticator_options opts_;
  std::string dummy_;
};

}  // namespace tessera::credentials
