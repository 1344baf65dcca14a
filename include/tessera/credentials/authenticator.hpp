#pragma once
// client_authenticator: the client-credentials check behind a login endpoint. Given a client id
// and a client secret it answers, in this order:
//   missing_field        the id or the secret is empty (HTTP 400)
//   too_many_failed_logins  this client id failed max_failures times in a row and is locked
//                        out for a while (HTTP 429; nothing was hashed; unknown ids alike)
//   too_many_requests    too many slow hashes are running already, and none freed up within
//                        max_wait (HTTP 429; nothing was hashed)
//   invalid_credentials  unknown client, or wrong secret (see Timing: both cost the same)
//   client_deactivated   right secret, but the client has been deactivated
//   invalid_hash_string  the stored hash is malformed or over the cost limits (HTTP 500)
//   store_unavailable    the registry could not answer (HTTP 503)
// and on success the client's record (tenant, roles, scopes, stores, markets, keys). A stored
// hash made under older parameters is replaced under the current policy at that login, within
// the authenticator's limits.
//
// Timing. Every login the registry answers costs the same slow-hash work, whether the id exists
// or not and whatever parameters its stored hash was made with, so timing does not reveal which
// ids exist, before or after a change of policy. The target is, per algorithm, the work of one
// hash under the policy or any of options.previous_policies, whichever costs most. A known
// client's check runs at its stored hash's parameters; then thrown-away hashes make up whatever
// that check fell short of the target. An unknown id runs those stand-ins for the whole target.
// Work is counted where the KDF runs (kdf_work: scrypt N*r*p, PBKDF2 iterations), so the make-up
// is exact, not estimated: after the policy's cost is raised, an old hash costs what a new one
// does until its client's next successful login rehashes it (the make-up runs at the target's r
// and p, with a remainder of fewer than 2*r*p blocks at r = p = 1). A successful login costs the
// rehash on top, which tells nothing: it needs the secret. What making up cannot do is make a
// login cheaper: after lowering the cost or switching algorithm, list the old policy in
// previous_policies until no hash made under it remains (each listed algorithm adds its cost to
// every login).

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/credentials/concurrency_guard.hpp"
#include "tessera/credentials/login_throttle.hpp"
#include "tessera/credentials/phc.hpp"
#include "tessera/credentials/registry.hpp"
#include "tessera/credentials/secret_hash.hpp"

namespace tessera::credentials {

// Settings of a client_authenticator.
struct authenticator_options {
  hash_policy policy{};                        // current hashing policy (rehash target)
  std::vector<hash_policy> previous_policies{};  // policies older stored hashes may still use,
                                                 // when costlier or of another algorithm (see Timing)
  hash_limits limits{};                        // most a stored hash, or a rehash, may demand
  std::size_t max_concurrent = default_concurrency();  // slow hashes at once (with the default guard)
  std::size_t max_waiting = 256;                 // callers that may wait for a slot: a burst of
                                                 // ordinary logins queues instead of failing
  std::chrono::milliseconds max_wait{10000};     // how long they may wait (0: refuse at once): at the
                                                 // default cost (~0.5 s a hash) a 2-core server
                                                 // clears a burst of ~40 logins in that time
  login_throttle_options throttle{};           // failed-login lock-out of the default throttle
  bool rehash_on_login = true;                   // upgrade outdated stored hashes at login
  std::shared_ptr<concurrency_guard> guard{};    // share one guard between endpoints (null: own one)
};

// Authenticates clients against a registry (referenced, not owned). All members are const,
// noexcept and thread-safe when the registry is.
template <client_registry Registry = memory_client_registry, login_throttle Throttle = memory_login_throttle>
class client_authenticator {
 public:
  // An authenticator; invalid_kdf_parameters when the policy or a previous policy makes hashes
  // the limits refuse. Without a throttle, one is made from opts.throttle (or default-made);
  // pass a shared one (e.g. a fleet's) to count failures across endpoints or servers.
  static result<client_authenticator> create(Registry& registry, authenticator_options opts = {},
                                             std::shared_ptr<Throttle> throttle = nullptr) {
    // The work every login is made to cost (see Timing), and the scrypt r and p to make it up in.
    kdf_work target;
    crypto::scrypt_params shape = opts.policy.scrypt;
    auto cover = [&](const hash_policy& p) -> result<void> {
      TESSERA_TRY_VOID(p.validate(opts.limits));
      const kdf_work w = hash_work(p);
      if (w.scrypt > target.scrypt) {
        target.scrypt = w.scrypt;
        shape = p.scrypt;
      }
      target.pbkdf2 = std::max(target.pbkdf2, w.pbkdf2);
      return core::ok();
    };
    TESSERA_TRY_VOID(cover(opts.policy));
    for (const hash_policy& p : opts.previous_policies) TESSERA_TRY_VOID(cover(p));
    if (!opts.guard) opts.guard = std::make_shared<concurrency_guard>(opts.max_concurrent, opts.max_waiting);
    if (!throttle) {
      if constexpr (std::is_constructible_v<Throttle, login_throttle_options>) throttle = std::make_shared<Throttle>(opts.throttle);
      else throttle = std::make_shared<Throttle>();
    }
    return client_authenticator(registry, std::move(opts), target, shape, std::move(throttle));
  }

  // Checks a client id and secret; the client's current record on success.
  result<client_ptr> authenticate(std::string_view client_id, core::bytes_view secret) const noexcept {
    if (client_id.empty() || secret.empty()) return unexpected{errc::missing_field};
    const auto now = std::chrono::system_clock::now();
    if (auto admitted = throttle_->admit(client_id, now); !admitted) return unexpected{admitted.error()};
    auto permit = opts_.guard->acquire_for(opts_.max_wait);
    if (!permit) return unexpected{permit.error()};

    const kdf_work start = thread_kdf_work();
    auto found = registry_->find(client_id);
    if (!found && found.error() != errc::unknown_client) return unexpected{found.error()};
    const result<void> checked = found ? verify_secret(secret, (*found)->secret_hash, opts_.limits)
                                       : result<void>(unexpected{errc::invalid_credentials});
    make_up_work(secret, start);  // known or unknown, whatever the stored cost: the same work
    if (!checked) {
      if (checked.error() == errc::invalid_credentials) throttle_->failed(client_id, now);
      return unexpected{checked.error()};
    }
    throttle_->succeeded(client_id);
    const client_ptr& client = *found;
    if (!client->active) return unexpected{errc::client_deactivated};

    if (opts_.rehash_on_login && needs_rehash(client->secret_hash, opts_.policy, opts_.limits)) {
      // Best effort, and compare-and-set: a secret rotated meanwhile is never overwritten.
      if (auto fresh = hash_secret(secret, opts_.policy, opts_.limits))
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
  client_authenticator(Registry& r, authenticator_options o, kdf_work target, crypto::scrypt_params shape,
                       std::shared_ptr<Throttle> throttle)
      : registry_(&r), opts_(std::move(o)), target_(target), shape_(shape), throttle_(std::move(throttle)) {}

  // Runs thrown-away hashes of the secret until this thread's slow-hash work since `start`
  // reaches the target in each algorithm, exactly: PBKDF2 in one run; scrypt in runs of the
  // target's r and p whose N (powers of two) add up to an even count of r*p blocks, then in runs
  // of r = p = 1 for the rest. Every scrypt run's N*r*p is even, so what is missing is too, and
  // no run needs N = 1 (no scrypt).
  void make_up_work(core::bytes_view secret, const kdf_work& start) const noexcept {
    try {
      const kdf_work done = thread_kdf_work().since(start);
      const core::bytes_view input = secret.subview(0, max_secret_size);
      phc_hash h = opts_.policy.parameters();  // its salt stays zero: the output is never used
      if (done.pbkdf2 < target_.pbkdf2) {
        h.algorithm = hash_algorithm::pbkdf2_sha256;
        h.iterations = static_cast<std::uint32_t>(target_.pbkdf2 - done.pbkdf2);
        (void)detail::derive(input, h);
      }
      if (done.scrypt < target_.scrypt) {
        h.algorithm = hash_algorithm::scrypt;
        // Runs of this r and p whose N add up to `blocks` (an even count).
        auto runs = [&](std::uint64_t blocks, std::uint32_t r, std::uint32_t p) {
          for (std::uint64_t n = std::bit_floor(blocks); n >= 2; n >>= 1) {
            if ((blocks & n) == 0) continue;
            h.scrypt = {n, r, p};
            (void)detail::derive(input, h);
          }
        };
        const std::uint64_t missing = target_.scrypt - done.scrypt;
        const std::uint64_t rp = std::uint64_t{shape_.r} * shape_.p;
        const std::uint64_t blocks = missing / rp / 2 * 2;
        runs(blocks, shape_.r, shape_.p);
        runs(missing - blocks * rp, 1, 1);  // fewer than 2 * r * p: small
      }
    } catch (...) {  // out of memory: the login fails or succeeds on its own merits
    }
  }

  Registry* registry_;
  authenticator_options opts_;
  kdf_work target_;              // work every login costs
  crypto::scrypt_params shape_;  // r and p of the scrypt runs that make it up
  std::shared_ptr<Throttle> throttle_;  // failed-login lock-out
};

}  // namespace tessera::credentials
