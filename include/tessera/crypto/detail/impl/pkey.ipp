#pragma once
// The bodies of crypto/detail/pkey.hpp: compiled in every translation unit that includes it
// (header-only), or once, through <tessera/src.hpp> (TESSERA_SEPARATE_COMPILATION).

#include <nlohmann/json.hpp>

#include "tessera/crypto/detail/pkey.hpp"

namespace tessera::crypto::detail {

TESSERA_DECL core::result<crypto::key_type> classify(EVP_PKEY* pk, const crypto::key_policy& policy) noexcept {
  if (pk == nullptr) return ossl_fail(core::errc::invalid_key);
  if (EVP_PKEY_is_a(pk, "RSA")) {
    if (auto r = check_rsa_public(pk, policy); !r) return core::unexpected{r.error()};
    return crypto::key_type::rsa;
  }
  if (EVP_PKEY_is_a(pk, "EC")) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
      return ossl_fail(core::errc::unsupported_key_type);
    std::string_view g(group, len);
    crypto::key_type t;
    if (g == "prime256v1" || g == "P-256") t = crypto::key_type::ec_p256;
    else if (g == "secp384r1" || g == "P-384") t = crypto::key_type::ec_p384;
    else if (g == "secp521r1" || g == "P-521") t = crypto::key_type::ec_p521;
    else return ossl_fail(core::errc::unsupported_key_type);
    evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pk, nullptr));
    if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1) return ossl_fail(core::errc::invalid_key);
    return t;
  }
  if (EVP_PKEY_is_a(pk, "ED25519")) {
    if (auto r = check_ed25519_public(pk); !r) return core::unexpected{r.error()};
    return crypto::key_type::ed25519;
  }
  return ossl_fail(core::errc::unsupported_key_type);
}

TESSERA_DECL core::result<void> check_keypair(EVP_PKEY* pk, crypto::key_type t) noexcept {
  if (t != crypto::key_type::ec_p256 && t != crypto::key_type::ec_p384 && t != crypto::key_type::ec_p521)
    return core::ok();
  evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pk, nullptr));
  if (!ctx || EVP_PKEY_pairwise_check(ctx.get()) != 1) return ossl_fail(core::errc::invalid_key);
  return core::ok();
}

// A required base64url string member of a JWK, decoded strictly.
TESSERA_DECL core::result<core::bytes> jwk_bytes(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return core::unexpected{core::errc::invalid_key};
  auto b = core::base64url_decode(it->get_ref<const std::string&>());
  if (!b || b->empty()) return core::unexpected{core::errc::invalid_key};
  return b;
}

TESSERA_DECL core::result<void> push_bn(OSSL_PARAM_BLD* bld, const char* key, const core::bytes& v, std::vector<bignum_ptr>& keep) {
  bignum_ptr bn(BN_bin2bn(v.data(), static_cast<int>(v.size()), nullptr));
  if (!bn || OSSL_PARAM_BLD_push_BN(bld, key, bn.get()) != 1) return ossl_fail(core::errc::crypto_failure);
  keep.push_back(std::move(bn));
  return core::ok();
}

TESSERA_DECL core::result<EVP_PKEY*> fromdata(const char* type, OSSL_PARAM_BLD* bld, int selection) {
  params_ptr params(OSSL_PARAM_BLD_to_param(bld));
  evp_pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return ossl_fail(core::errc::crypto_failure);
  EVP_PKEY* pk = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &pk, selection, params.get()) != 1 || pk == nullptr)
    return ossl_fail(core::errc::invalid_key);
  return pk;
}

TESSERA_DECL core::result<EVP_PKEY*> pkey_from_jwk(const nlohmann::json& j, bool want_private) {
  if (!j.is_object()) return core::unexpected{core::errc::invalid_key};
  auto kty_it = j.find("kty");
  if (kty_it == j.end() || !kty_it->is_string()) return core::unexpected{core::errc::invalid_key};
  const std::string& kty = kty_it->get_ref<const std::string&>();
  const bool has_d = j.contains("d");
  if (has_d != want_private) return core::unexpected{core::errc::invalid_key};
  std::vector<bignum_ptr> keep;
  param_bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!bld) return ossl_fail(core::errc::crypto_failure);

  if (kty == "RSA") {
    auto n = jwk_bytes(j, "n");
    auto e = jwk_bytes(j, "e");
    if (!n || !e) return core::unexpected{core::errc::invalid_key};
    TESSERA_TRY_VOID(push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_N, *n, keep));
    TESSERA_TRY_VOID(push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_E, *e, keep));
    if (want_private) {
      auto d = jwk_bytes(j, "d");
      if (!d) return core::unexpected{core::errc::invalid_key};
      TESSERA_TRY_VOID(push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_D, *d, keep));
      static constexpr const char* crt_names[] = {"p", "q", "dp", "dq", "qi"};
      static constexpr const char* crt_params[] = {OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
                                                   OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
                                                   OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
      int present = 0;
      for (auto* nm : crt_names) present += j.contains(nm) ? 1 : 0;
      if (present != 0 && present != 5) return core::unexpected{core::errc::invalid_key};
      for (int i = 0; present == 5 && i < 5; ++i) {
        auto v = jwk_bytes(j, crt_names[i]);
        if (!v) return core::unexpected{core::errc::invalid_key};
        TESSERA_TRY_VOID(push_bn(bld.get(), crt_params[i], *v, keep));
      }
    }
    return fromdata("RSA", bld.get(), want_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
  }
  if (kty == "EC") {
    auto crv = j.find("crv");
    if (crv == j.end() || !crv->is_string()) return core::unexpected{core::errc::invalid_key};
    const std::string& c = crv->get_ref<const std::string&>();
    crypto::key_type t;
    if (c == "P-256") t = crypto::key_type::ec_p256;
    else if (c == "P-384") t = crypto::key_type::ec_p384;
    else if (c == "P-521") t = crypto::key_type::ec_p521;
    else return core::unexpected{core::errc::unsupported_key_type};
    const std::size_t fs = ec_field_size(t);
    auto x = jwk_bytes(j, "x");
    auto y = jwk_bytes(j, "y");
    if (!x || !y || x->size() != fs || y->size() != fs) return core::unexpected{core::errc::invalid_key};
    core::bytes point;
    point.reserve(1 + 2 * fs);
    point.push_back(0x04);
    point.insert(point.end(), x->begin(), x->end());
    point.insert(point.end(), y->begin(), y->end());
    if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, c.c_str(), 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
      return ossl_fail(core::errc::crypto_failure);
    if (want_private) {
      auto d = jwk_bytes(j, "d");
      if (!d || d->size() != fs) return core::unexpected{core::errc::invalid_key};
      TESSERA_TRY_VOID(push_bn(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, *d, keep));
      OPENSSL_cleanse(d->data(), d->size());
    }
    return fromdata("EC", bld.get(), want_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
  }
  if (kty == "OKP") {
    auto crv = j.find("crv");
    if (crv == j.end() || !crv->is_string()) return core::unexpected{core::errc::invalid_key};
    if (crv->get_ref<const std::string&>() != "Ed25519") return core::unexpected{core::errc::unsupported_key_type};
    auto x = jwk_bytes(j, "x");
    if (!x || x->size() != 32) return core::unexpected{core::errc::invalid_key};
    EVP_PKEY* pk = nullptr;
    if (want_private) {
      auto d = jwk_bytes(j, "d");
      if (!d || d->size() != 32) return core::unexpected{core::errc::invalid_key};
      pk = EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, d->data(), d->size());
      OPENSSL_cleanse(d->data(), d->size());
      if (pk) {  // the stated public key must be the one derived from d
        unsigned char pub[32];
        std::size_t len = sizeof pub;
        if (EVP_PKEY_get_raw_public_key(pk, pub, &len) != 1 || len != 32 || std::memcmp(pub, x->data(), 32) != 0) {
          EVP_PKEY_free(pk);
          return ossl_fail(core::errc::invalid_key);
        }
      }
    } else {
      pk = EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, x->data(), x->size());
    }
    if (!pk) return ossl_fail(core::errc::invalid_key);
    return pk;
  }
  if (kty == "oct") return core::unexpected{core::errc::key_type_mismatch};
  return core::unexpected{core::errc::unsupported_key_type};
}

// A big-number parameter of a key, base64url, left-padded with zeros to pad_to bytes.
TESSERA_DECL std::string bn_param_b64(EVP_PKEY* pk, const char* name, std::size_t pad_to = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pk, name, &raw) != 1) {
    ERR_clear_error();
    return {};
  }
  bignum_ptr bn(raw);
  std::size_t len = pad_to ? pad_to : static_cast<std::size_t>(BN_num_bytes(bn.get()));
  core::bytes buf(len);
  if (BN_bn2binpad(bn.get(), buf.data(), static_cast<int>(len)) < 0) return {};
  return core::base64url_encode(buf);
}

TESSERA_DECL nlohmann::json public_jwk(EVP_PKEY* pk, crypto::key_type t) {
  nlohmann::json j = nlohmann::json::object();
  switch (t) {
    case crypto::key_type::rsa:
      j["e"] = bn_param_b64(pk, OSSL_PKEY_PARAM_RSA_E);
      j["kty"] = "RSA";
      j["n"] = bn_param_b64(pk, OSSL_PKEY_PARAM_RSA_N);
      break;
    case crypto::key_type::ec_p256:
    case crypto::key_type::ec_p384:
    case crypto::key_type::ec_p521:
      j["crv"] = std::string(crypto::key_type_name(t));
      j["kty"] = "EC";
      j["x"] = bn_param_b64(pk, OSSL_PKEY_PARAM_EC_PUB_X, ec_field_size(t));
      j["y"] = bn_param_b64(pk, OSSL_PKEY_PARAM_EC_PUB_Y, ec_field_size(t));
      break;
    case crypto::key_type::ed25519: {
      unsigned char pub[32];
      std::size_t len = sizeof pub;
      j["crv"] = "Ed25519";
      j["kty"] = "OKP";
      j["x"] = EVP_PKEY_get_raw_public_key(pk, pub, &len) == 1 ? core::base64url_encode(core::bytes_view(pub, len))
                                                               : std::string();
      break;
    }
  }
  return j;
}

TESSERA_DECL core::result<pem_block> read_single_pem(std::string_view pem) {
  if (pem.empty() || pem.size() > (1u << 20)) return core::unexpected{core::errc::invalid_key};
  auto bio = mem_bio(pem.data(), pem.size());
  if (!bio) return ossl_fail(core::errc::crypto_failure);
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) return ossl_fail(core::errc::invalid_key);
  pem_block b{name ? name : "", core::bytes(data, data + (len > 0 ? len : 0))};
  const bool encrypted = header != nullptr && std::strlen(header) != 0;
  OPENSSL_free(name);
  OPENSSL_free(header);
  if (data) OPENSSL_clear_free(data, static_cast<std::size_t>(len > 0 ? len : 0));
  if (encrypted || b.label == "ENCRYPTED PRIVATE KEY") return ossl_fail(core::errc::unsupported_key_type);
  // Nothing but whitespace may follow the block.
  char rest[256];
  int n;
  while ((n = BIO_read(bio.get(), rest, sizeof rest)) > 0) {
    for (int i = 0; i < n; ++i) {
      if (rest[i] != ' ' && rest[i] != '\n' && rest[i] != '\r' && rest[i] != '\t') {
        OPENSSL_cleanse(b.der.data(), b.der.size());
        return ossl_fail(core::errc::invalid_key);
      }
    }
  }
  ERR_clear_error();
  return b;
}

// True when der is exactly one ASN.1 value of the given outer structure. OpenSSL 3.0's decoders
// treat the requested structure as a hint and fall back to the others (a PKCS#1 body under
// "PUBLIC KEY", PKCS#8 under "EC PRIVATE KEY"), so the structure is checked here first.
TESSERA_DECL bool der_has_structure(core::bytes_view der, std::string_view structure) noexcept {
  const long len = static_cast<long>(der.size());
  const auto parses_fully = [&](auto d2i, auto free_fn) {
    const unsigned char* p = der.data();
    auto* v = d2i(nullptr, &p, len);
    const bool ok = v != nullptr && p == der.data() + der.size();
    free_fn(v);
    ERR_clear_error();
    return ok;
  };
  const bool spki = parses_fully(d2i_X509_PUBKEY, X509_PUBKEY_free);
  if (structure == "SubjectPublicKeyInfo") return spki;
  const bool pkcs8 = parses_fully(d2i_PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free);
  if (structure == "PrivateKeyInfo") return pkcs8;
  return !spki && !pkcs8;  // "type-specific": PKCS#1 or SEC1, never one of the wrapped forms
}

TESSERA_DECL core::result<EVP_PKEY*> decode_der(core::bytes_view der, const char* structure, const char* keytype, int selection) {
  if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) return core::unexpected{core::errc::invalid_key};
  if (!der_has_structure(der, structure)) return core::unexpected{core::errc::invalid_key};
  EVP_PKEY* pk = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, ossl_deleter<OSSL_DECODER_CTX_free>> dctx(
      OSSL_DECODER_CTX_new_for_pkey(&pk, "DER", structure, keytype, selection, nullptr, nullptr));
  if (!dctx) return ossl_fail(core::errc::crypto_failure);
  const unsigned char* p = der.data();
  std::size_t left = der.size();
  if (OSSL_DECODER_from_data(dctx.get(), &p, &left) != 1 || pk == nullptr) {
    EVP_PKEY_free(pk);
    return ossl_fail(core::errc::invalid_key);
  }
  if (left != 0) {
    EVP_PKEY_free(pk);
    return ossl_fail(core::errc::invalid_key);
  }
  return pk;
}

TESSERA_DECL core::result<EVP_PKEY*> pkey_from_cert_der(core::bytes_view der) {
  const unsigned char* p = der.data();
  x509_ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != der.data() + der.size()) return ossl_fail(core::errc::invalid_key);
  EVP_PKEY* pk = X509_get_pubkey(cert.get());
  if (!pk) return ossl_fail(core::errc::invalid_key);
  return pk;
}

}  // namespace tessera::crypto::detail
