#pragma once
// Client credentials generation: a client id (public) and a client secret (at least 256 bits,
// returned exactly once as a secret), and the registry record that keeps only the secret's
// slow hash.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/crypto.h>

#include "tessera/config.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/credentials/registry.hpp"
#include "tessera/credentials/secret_hash.hpp"

namespace tessera::credentials {

// Fewest base62 characters of a client secret: 43 carry 256.03 bits.
inline constexpr std::size_t min_secret_length = 43;
// Default base62 characters of a client secret (261 bits).
inline constexpr std::size_t default_secret_length = 44;
// Random base62 characters of a generated client id (after its prefix).
inline constexpr std::size_t client_id_random_length = 22;

// A new client secret of `length` random base62 characters (invalid_argument below 43 or above 256).
TESSERA_DECL result<core::secret> generate_client_secret(std::size_t length = default_secret_length);

// A new client id: the prefix (up to 32 visible ASCII characters, no spaces) then 22 random
// base62 characters. Client ids are identifiers, not secrets.
TESSERA_DECL result<std::string> generate_client_id(std::string_view prefix = "");

// What a new client is registered with.
struct client_spec {
  std::string client_id{};                // empty: one is generated (with id_prefix)
  std::string id_prefix{};                // prefix of a generated client id
  std::string tenant{};                   // required
  std::vector<std::string> roles{};
  std::vector<std::string> scopes{};
  std::vector<std::string> stores{};
  std::vector<std::string> markets{};
  std::vector<signing_key> signing_keys{};  // request-signing public keys, if the client signs requests
  std::string description{};
};

// A freshly registered client: the secret, to hand over once, and the record to keep.
struct issued_client {
  core::secret secret;   // the only copy of the client secret; show it once, never store or log it
  client_record record;  // holds the secret's PHC hash, never the secret
};

// Generates a client id (unless given) and a secret, and hashes the secret under the policy.
// invalid_argument without a tenant; hash policy errors as hash_secret reports them.
TESSERA_DECL result<issued_client> generate_client(client_spec spec, sys_seconds now, const hash_policy& policy = {});

// Generates a client and adds it to the registry; the secret is returned only if registered.
template <managed_client_registry Registry>
result<issued_client> register_client(Registry& registry, client_spec spec, sys_seconds now,
                                      const hash_policy& policy = {}) {
  auto c = generate_client(std::move(spec), now, policy);
  if (!c) return c;
  if (auto r = registry.add(c->record); !r) return unexpected{r.error()};
  return c;
}

// Issues a new secret for an existing client (rotation): the old secret stops working at once.
template <managed_client_registry Registry>
result<core::secret> rotate_client_secret(Registry& registry, std::string_view client_id,
                                          const hash_policy& policy = {}) {
  auto secret = generate_client_secret();
  if (!secret) return unexpected{secret.error()};
  auto hash = hash_secret(secret->expose_secret(), policy);
  if (!hash) return unexpected{hash.error()};
  if (auto r = registry.set_secret_hash(client_id, *hash); !r) return unexpected{r.error()};
  return secret;
}

}  // namespace tessera::credentials

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/credentials/impl/client_secret.ipp"
#endif
