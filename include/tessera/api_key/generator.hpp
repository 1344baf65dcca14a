#pragma once
// API-key generation: a fresh key of the deployment's format, returned exactly once as a
// secret, together with the record (digest only) that the key store keeps.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <openssl/crypto.h>

#include "tessera/api_key/format.hpp"
#include "tessera/api_key/pepper.hpp"
#include "tessera/api_key/store.hpp"
#include "tessera/authz/scopes.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"

namespace tessera::api_key {

// What a new key is for.
struct key_spec {
  std::string tenant{};                            // required: the tenant or org the key is bound to
  std::vector<std::string> scopes{};               // what it may do
  std::string integration{};                       // the integration it belongs to (several keys may share one)
  std::string description{};                       // free text for people
  std::optional<std::chrono::seconds> lifetime{};  // nullopt: the key never expires
  std::string key_id{};                            // empty: a random "key_..." id is made up
};

// A freshly generated key: the key text, to hand to its owner once, and the record to store.
struct issued_key {
  core::secret key;   // the only copy of the key; show it once, never store or log it
  key_record record;  // what the server keeps (the digest, never the key)
};

// Generates keys of one format, storing their digests under the current pepper. Clock may be a
// reference type (generator<core::manual_clock&>). All members are const and thread-safe.
template <core::clock Clock = core::coarse_clock>
class generator {
 public:
  // A generator for this format and pepper ring (invalid_argument for a bad format,
  // invalid_key for an empty ring).
  static result<generator> create(key_format format, pepper_ring peppers, Clock clock = Clock{}) {
    if (auto v = format.validate(); !v) return unexpected{v.error()};
    if (peppers.empty()) return unexpected{errc::invalid_key};
    return generator(std::move(format), std::move(peppers), std::forward<Clock>(clock));
  }

  // A new key and its record (invalid_argument when spec has no tenant, or a lifetime that is not
  // positive or is longer than core::max_duration; invalid_scope when a scope is not an RFC 6749
  // scope-token, e.g. holds a space).
  result<issued_key> generate(key_spec spec) const {
    if (spec.tenant.empty() || (spec.lifetime && (spec.lifetime->count() <= 0 || *spec.lifetime > core::max_duration)))
      return unexpected{errc::invalid_argument};
    if (auto v = authz::validate_scopes(spec.scopes); !v) return unexpected{v.error()};
    auto random = core::random_base62(format_.random_length);
    if (!random) return unexpected{random.error()};
    auto key = compose(format_, *random);
    OPENSSL_cleanse(random->data(), random->size());
    if (!key) return unexpected{key.error()};
    auto digest = peppers_.digest(key->expose_secret_text());
    if (!digest) return unexpected{digest.error()};

    key_record r;
    if (spec.key_id.empty()) {
      auto id = core::random_base62(20);
      if (!id) return unexpected{id.error()};
      r.key_id = "key_" + *id;
    } else {
      r.key_id = std::move(spec.key_id);
    }
    r.tenant = std::move(spec.tenant);
    r.scopes = std::move(spec.scopes);
    r.integration = std::move(spec.integration);
    r.description = std::move(spec.description);
    r.created_at = std::chrono::floor<std::chrono::seconds>(clock_.now());
    if (spec.lifetime) r.expires_at = r.created_at + *spec.lifetime;
    r.digest = *digest;
    return issued_key{std::move(*key), std::move(r)};
  }

  // Generates a key and inserts its record into the store; the key is returned only if stored.
  template <key_store Store>
  result<issued_key> issue(Store& store, key_spec spec) const {
    auto k = generate(std::move(spec));
    if (!k) return k;
    if (auto r = store.insert(k->record); !r) return unexpected{r.error()};
    return k;
  }

  // The format of the keys this generator makes.
  const key_format& format() const noexcept { return format_; }

 private:
  generator(key_format f, pepper_ring p, Clock c)
      : format_(std::move(f)), peppers_(std::move(p)), clock_(std::forward<Clock>(c)) {}

  key_format format_;
  pepper_ring peppers_;
  Clock clock_;
};

}  // namespace tessera::api_key
