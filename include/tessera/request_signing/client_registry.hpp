#pragma once
// Client key registries: where a verifier finds the public keys of the client a request names.
// The client_key_registry concept, and memory_client_registry, its thread-safe in-memory model
// with several keys per client for rotation.

#include <array>
#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tessera/core/string_hash.hpp"
#include "tessera/core/read_mostly_mutex.hpp"
#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/key_type.hpp"
#include "tessera/crypto/public_key.hpp"
#include "tessera/crypto/signature.hpp"
#include "tessera/request_signing/profile.hpp"

namespace tessera::request_signing {

// One registered public key of a client, bound to exactly one algorithm.
struct client_key {
  std::string id;              // the key id: its RFC 7638 thumbprint unless chosen at registration
  crypto::public_key key;      // parsed once, at registration
  crypto::signature_alg algorithm = crypto::signature_alg::rsa_pkcs1_sha256;  // the only one it verifies
};

// A client and every key currently accepted for it (two or more during a rotation).
struct client_record {
  std::string id;                // the client id, as requests present it
  std::vector<client_key> keys;  // 1 to max_keys_per_client keys, in registration order
};

// An immutable snapshot of a client's record, held by a verification while it runs.
using client_handle = std::shared_ptr<const client_record>;

// Most keys a client may hold at once: bounds the signature checks one request can cost.
inline constexpr std::size_t max_keys_per_client = 8;

// Looks up the keys of the client a request names.
// Rules:
//  - find(client_id) is noexcept and thread-safe, compares the id as an exact byte string, and
//    never parses a key (keys are parsed and checked against a key_policy at registration:
//    RSA of at least 2048 bits unless explicitly lowered);
//  - it returns a non-null snapshot holding 1 to max_keys_per_client keys, each bound to one
//    algorithm; errc::unknown_client when the client is not registered or has no key left;
//    errc::store_unavailable when a backing store cannot answer (the verifier fails closed);
//  - a snapshot never changes; a lookup that starts after an update has returned sees it, so
//    removing a key takes effect on the next request.
template <class R>
concept client_key_registry = requires(const R& r, std::string_view client_id) {
  { r.find(client_id) } noexcept -> std::same_as<result<client_handle>>;
};

// A thread-safe in-memory registry: 16 independently locked shards, readers sharing the lock
// only long enough to copy one shared_ptr; writers publish a new snapshot of the client.
class memory_client_registry {
 public:
  // A registry whose keys must satisfy the policy (RSA >= 2048 bits by default; lower it only
  // with crypto::key_policy::dangerously_allow_rsa_bits).
  explicit memory_client_registry(crypto::key_policy policy = {}) : policy_(policy) {}
  memory_client_registry(const memory_client_registry&) = delete;
  memory_client_registry& operator=(const memory_client_registry&) = delete;

  // Registers a PEM key for a client: SPKI "PUBLIC KEY", PKCS#1 "RSA PUBLIC KEY", or an X.509
  // "CERTIFICATE" (its key is pinned; the certificate's dates and issuer are not checked).
  // Returns the key id. Errors: invalid_argument (client id, key id, too many keys),
  // invalid_key, unsupported_key_type, key_too_small, key_type_mismatch (key vs algorithm).
  result<std::string> add_key(std::string_view client_id, std::string_view public_key_pem,
                              crypto::signature_alg alg = crypto::signature_alg::rsa_pkcs1_sha256,
                              std::string key_id = {});

  // Registers a parsed key for a client (checked against this registry's policy); returns the
  // key id. Adding a key the client already has under the same algorithm returns its id again.
  result<std::string> add_key(std::string_view client_id, const crypto::public_key& key,
                              crypto::signature_alg alg = crypto::signature_alg::rsa_pkcs1_sha256,
                              std::string key_id = {});

  // Withdraws one key of a client (the end of a rotation); false when there was no such key.
  // A client whose last key is removed becomes unknown.
  bool remove_key(std::string_view client_id, std::string_view key_id);

  // Removes a client and all its keys; false when it was not registered.
  bool remove_client(std::string_view client_id);

  // The client's current keys, or unknown_client.
  result<client_handle> find(std::string_view client_id) const noexcept;

  // Number of registered clients.
  std::size_t size() const;

  // The key policy applied at registration.
  const crypto::key_policy& policy() const noexcept { return policy_; }

 private:
  static constexpr std::size_t shard_count = 16;
  using string_hash = core::string_hash;
  struct alignas(config::shard_alignment) shard {  // one per cache line pair: no false sharing
    mutable core::read_mostly_mutex mu;
    std::unordered_map<std::string, std::shared_ptr<const client_record>, string_hash, std::equal_to<>> clients;
  };
  shard& shard_for(std::string_view id) noexcept { return shards_[std::hash<std::string_view>{}(id) % shard_count]; }
  const shard& shard_for(std::string_view id) const noexcept {
    return shards_[std::hash<std::string_view>{}(id) % shard_count];
  }

  crypto::key_policy policy_;
  std::array<shard, shard_count> shards_;
};
static_assert(client_key_registry<memory_client_registry>);

}  // namespace tessera::request_signing

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/impl/client_registry.ipp"
#endif
