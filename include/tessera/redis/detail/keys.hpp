#pragma once
// Key names for tessera::redis: `<deployment prefix><kind><id>` for public ids, and
// `<deployment prefix><kind><base64url(SHA-256(value))>` for values that must not appear in
// Redis (signatures, nonces, arbitrary limiter keys) or may be long.

#include <string>
#include <string_view>

#include "tessera/core/base64.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/digest.hpp"

namespace tessera::redis::detail {

// prefix + kind + id (for ids that are public: key ids, client ids, principals, kids, jtis).
inline std::string plain_key(std::string_view prefix, std::string_view kind, std::string_view id) {
  std::string k;
  k.reserve(prefix.size() + kind.size() + id.size());
  k.append(prefix).append(kind).append(id);
  return k;
}

// prefix + kind + base64url(SHA-256(value)): 43 characters that stand for the value without
// revealing it. crypto_failure when hashing fails.
inline result<std::string> hashed_key(std::string_view prefix, std::string_view kind, std::string_view value) noexcept {
  auto d = crypto::digest(crypto::hash_alg::sha256, {core::bytes_view(value)});
  if (!d) return unexpected{d.error()};
  try {
    std::string k;
    k.reserve(prefix.size() + kind.size() + 43);
    k.append(prefix).append(kind);
    core::base64url_append(k, d->view());
    return k;
  } catch (...) {
    return unexpected{errc::store_unavailable};
  }
}

}  // namespace tessera::redis::detail
