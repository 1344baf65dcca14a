#pragma once
// tessera::request_signing::signer — the client side: signs requests under a profile with the
// partner's private key, and returns the headers to send.

#include <chrono>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tessera/core/base64.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/crypto/signature.hpp"
#include "tessera/request_signing/profile.hpp"
#include "tessera/request_signing/request.hpp"
#include "tessera/request_signing/timestamp.hpp"

namespace tessera::request_signing {

// Settings of a signer that the verifier does not need to share.
struct signer_options {
  // The UTC offset written into ISO-8601 timestamps (e.g. +07:00 = 420 minutes); within ±23:59.
  std::chrono::minutes utc_offset{0};
};

// Signs requests for one client with one private key under a profile. The clock may be a
// reference type (signer<P, core::manual_clock&>) to share a clock owned elsewhere. Thread-safe.
template <signing_profile P, class C = core::coarse_clock>
  requires core::clock<std::remove_cvref_t<C>>
class signer {
 public:
  // A signer from a parsed private key. Errors: invalid_argument (client id or UTC offset),
  // key_type_mismatch (the key does not fit the algorithm).
  static result<signer> create(std::string client_id, crypto::private_key key,
                               crypto::signature_alg alg = crypto::signature_alg::rsa_pkcs1_sha256, P profile = P{},
                               signer_options options = {}, C clock = C{}) {
    if (!valid_client_id(client_id)) return unexpected{errc::invalid_argument};
    if (key.type() != crypto::required_key_type(alg)) return unexpected{errc::key_type_mismatch};
    const auto off = options.utc_offset.count();
    if (off < -(23 * 60 + 59) || off > 23 * 60 + 59) return unexpected{errc::invalid_argument};
    return signer(std::move(client_id), std::move(key), alg, std::move(profile), options, std::forward<C>(clock));
  }

  // A signer from a PEM private key: PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY" or SEC1
  // "EC PRIVATE KEY", unencrypted, RSA of at least 2048 bits (for a lowered policy parse the
  // key with crypto::private_key::from_pem(pem, policy) and call create()).
  static result<signer> from_pem(std::string client_id, std::string_view private_key_pem,
                                 crypto::signature_alg alg = crypto::signature_alg::rsa_pkcs1_sha256, P profile = P{},
                                 signer_options options = {}, C clock = C{}) {
    auto key = crypto::private_key::from_pem(private_key_pem);
    if (!key) return unexpected{key.error()};
    return create(std::move(client_id), std::move(*key), alg, std::move(profile), options, std::forward<C>(clock));
  }

  // Signs a request now, with a fresh random nonce when the profile uses one.
  template <request_view R>
  result<signed_headers> sign(const R& req) const {
    return run(req, std::string_view{});
  }

  // Signs a request with a caller-chosen nonce (which must be valid_nonce and never reused);
  // invalid_argument when the nonce is malformed or the profile has none.
  template <request_view R>
  result<signed_headers> sign(const R& req, std::string_view nonce) const {
    if (!profile_.uses_nonce() || !valid_nonce(nonce)) return unexpected{errc::invalid_argument};
    return run(req, nonce);
  }

  // Signs now, for profiles whose string ignores the request (client_timestamp).
  result<signed_headers> sign() const
    requires(!P::binds_request)
  {
    return run(request{}, std::string_view{});
  }

  // The client id the signer sends.
  std::string_view client_id() const noexcept { return client_id_; }
  // The signature algorithm (the one the server registered with the public key).
  crypto::signature_alg algorithm() const noexcept { return alg_; }
  // The profile.
  const P& profile() const noexcept { return profile_; }

 private:
  signer(std::string id, crypto::private_key key, crypto::signature_alg alg, P profile, signer_options options, C clock)
      : client_id_(std::move(id)), key_(std::move(key)), alg_(alg), profile_(std::move(profile)), options_(options),
        clock_(std::forward<C>(clock)) {}

  template <request_view R>
  result<signed_headers> run(const R& req, std::string_view chosen_nonce) const {
    const header_names& names = profile_.headers();
    auto ts = format_timestamp(clock_.now(), profile_.format(), options_.utc_offset);
    if (!ts) return unexpected{ts.error()};
    std::string nonce(chosen_nonce);
    if (profile_.uses_nonce() && nonce.empty()) {
      auto fresh = core::random_base64url(16);
      if (!fresh) return unexpected{fresh.error()};
      nonce = std::move(*fresh);
    }
    const request_parts parts = detail::parts_of(req, names.authorization);
    std::string to_sign;
    if (auto r = profile_.append_string_to_sign(to_sign, parts, signed_fields{client_id_, *ts, nonce}); !r)
      return unexpected{r.error()};
    auto sig = crypto::sign(key_, alg_, to_sign);
    if (!sig) return unexpected{sig.error()};

    signed_headers out;
    out.add(names.client_id, client_id_);
    out.add(names.timestamp, std::move(*ts));
    if (profile_.uses_nonce()) out.add(names.nonce, std::move(nonce));
    if constexpr (requires(signed_headers& h) { profile_.add_signer_headers(parts, h); })
      profile_.add_signer_headers(parts, out);
    out.add(names.signature, core::base64_encode(*sig));
    return out;
  }

  std::string client_id_;
  crypto::private_key key_;
  crypto::signature_alg alg_;
  P profile_;
  signer_options options_;
  C clock_;
};

}  // namespace tessera::request_signing
