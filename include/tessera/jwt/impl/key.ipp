#pragma once
// The bodies of jwt/key.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/jwt/key.hpp"

namespace tessera::jwt {

TESSERA_DECL auto verification_key::hmac(alg a, core::bytes_view secret_bytes, std::string kid)
    -> result<verification_key> {
  if (!is_hmac(a)) return unexpected{errc::key_type_mismatch};
  if (secret_bytes.size() < crypto::digest_size(hmac_hash(a))) return unexpected{errc::key_too_small};
  auto k = crypto::hmac_key::create(hmac_hash(a), secret_bytes);
  if (!k) return unexpected{k.error()};
  return verification_key(a, std::move(*k), std::move(kid));
}

TESSERA_DECL auto verification_key::asymmetric(alg a, crypto::public_key key, std::string kid)
    -> result<verification_key> {
  if (is_hmac(a)) return unexpected{errc::key_type_mismatch};
  if (key.type() != crypto::required_key_type(signature_scheme(a))) return unexpected{errc::key_type_mismatch};
  return verification_key(a, std::move(key), std::move(kid));
}

TESSERA_DECL auto signing_key::hmac(alg a, core::bytes_view secret_bytes, std::string kid) -> result<signing_key> {
  if (!is_hmac(a)) return unexpected{errc::key_type_mismatch};
  if (secret_bytes.size() < crypto::digest_size(hmac_hash(a))) return unexpected{errc::key_too_small};
  auto k = crypto::hmac_key::create(hmac_hash(a), secret_bytes);
  if (!k) return unexpected{k.error()};
  return signing_key(a, std::move(*k), std::move(kid));
}

TESSERA_DECL auto signing_key::asymmetric(alg a, crypto::private_key key, std::string kid) -> result<signing_key> {
  if (is_hmac(a)) return unexpected{errc::key_type_mismatch};
  if (key.type() != crypto::required_key_type(signature_scheme(a))) return unexpected{errc::key_type_mismatch};
  return signing_key(a, std::move(key), std::move(kid));
}

TESSERA_DECL auto signing_key::sign(core::bytes_view signing_input) const -> result<core::bytes> {
  if (auto* h = std::get_if<crypto::hmac_key>(&key_)) {
    auto t = h->sign(signing_input);
    if (!t) return unexpected{t.error()};
    return core::bytes(t->bytes.begin(), t->bytes.begin() + static_cast<std::ptrdiff_t>(t->size));
  }
  return crypto::sign(std::get<crypto::private_key>(key_), signature_scheme(alg_), signing_input);
}

TESSERA_DECL auto signing_key::sign_append_base64url(std::string& out, core::bytes_view signing_input) const
    -> result<void> {
  if (auto* h = std::get_if<crypto::hmac_key>(&key_)) {
    auto t = h->sign(signing_input);
    if (!t) return unexpected{t.error()};
    core::base64url_append(out, core::bytes_view(t->bytes.data(), t->size));
    return core::ok();
  }
  auto sig = crypto::sign(std::get<crypto::private_key>(key_), signature_scheme(alg_), signing_input);
  if (!sig) return unexpected{sig.error()};
  core::base64url_append(out, *sig);
  return core::ok();
}

TESSERA_DECL std::size_t signing_key::signature_size() const noexcept {
  if (auto* h = std::get_if<crypto::hmac_key>(&key_)) return h->tag_size();
  return crypto::signature_size(std::get<crypto::private_key>(key_), signature_scheme(alg_));
}

TESSERA_DECL auto signing_key::verification() const -> result<verification_key> {
  if (auto* h = std::get_if<crypto::hmac_key>(&key_)) return verification_key::from_shared_hmac(alg_, *h, kid_);
  auto pub = std::get<crypto::private_key>(key_).public_key();
  if (!pub) return unexpected{pub.error()};
  return verification_key::asymmetric(alg_, std::move(*pub), kid_);
}

}  // namespace tessera::jwt
