#pragma once
// The bodies of credentials/client_secret.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/credentials/client_secret.hpp"

namespace tessera::credentials {

TESSERA_DECL result<core::secret> generate_client_secret(std::size_t length) {
  if (length < min_secret_length || length > 256) return unexpected{errc::invalid_argument};
  auto text = core::random_base62(length);
  if (!text) return unexpected{text.error()};
  core::secret s{core::bytes_view(*text)};
  OPENSSL_cleanse(text->data(), text->size());
  return s;
}

TESSERA_DECL result<std::string> generate_client_id(std::string_view prefix) {
  if (prefix.size() > 32) return unexpected{errc::invalid_argument};
  for (char c : prefix)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return unexpected{errc::invalid_argument};
  auto random = core::random_base62(client_id_random_length);
  if (!random) return unexpected{random.error()};
  return std::string(prefix) + *random;
}

TESSERA_DECL result<issued_client> generate_client(client_spec spec, sys_seconds now, const hash_policy& policy) {
  if (spec.tenant.empty()) return unexpected{errc::invalid_argument};
  client_record r;
  if (spec.client_id.empty()) {
    auto id = generate_client_id(spec.id_prefix);
    if (!id) return unexpected{id.error()};
    r.client_id = std::move(*id);
  } else {
    r.client_id = std::move(spec.client_id);
  }
  auto secret = generate_client_secret();
  if (!secret) return unexpected{secret.error()};
  auto hash = hash_secret(secret->expose_secret(), policy);
  if (!hash) return unexpected{hash.error()};
  r.tenant = std::move(spec.tenant);
  r.roles = std::move(spec.roles);
  r.scopes = std::move(spec.scopes);
  r.stores = std::move(spec.stores);
  r.markets = std::move(spec.markets);
  r.signing_keys = std::move(spec.signing_keys);
  r.description = std::move(spec.description);
  r.secret_hash = std::move(*hash);
  r.active = true;
  r.created_at = now;
  return issued_client{std::move(*secret), std::move(r)};
}

}  // namespace tessera::credentials
