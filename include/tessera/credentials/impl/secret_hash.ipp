#pragma once
// The bodies of credentials/secret_hash.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/credentials/secret_hash.hpp"

namespace tessera::credentials {

TESSERA_DECL auto hash_policy::parameters() const noexcept -> phc_hash {
  phc_hash h;
  h.algorithm = algorithm;
  h.scrypt = algorithm == hash_algorithm::scrypt ? scrypt : crypto::scrypt_params{0, 0, 0};
  h.iterations = algorithm == hash_algorithm::pbkdf2_sha256 ? pbkdf2_iterations : 0;
  h.salt_size = salt_size;
  h.hash_size = hash_size;
  return h;
}

TESSERA_DECL auto hash_policy::validate(const hash_limits& lim) const noexcept -> result<void> {
  if (salt_size < 16) return unexpected{errc::invalid_kdf_parameters};
  if (!check_limits(parameters(), lim)) return unexpected{errc::invalid_kdf_parameters};
  return core::ok();
}

}  // namespace tessera::credentials

namespace tessera::credentials::detail {

TESSERA_DECL kdf_work& work_meter() noexcept {
  thread_local kdf_work w;
  return w;
}

TESSERA_DECL result<core::secret> derive(core::bytes_view secret, const phc_hash& h) {
  const bool scrypt = h.algorithm == hash_algorithm::scrypt;
  auto out = scrypt ? crypto::scrypt(secret, h.salt_bytes(), h.scrypt, h.hash_size, h.scrypt.memory_bytes())
                    : crypto::pbkdf2(crypto::hash_alg::sha256, secret, h.salt_bytes(), h.iterations, h.hash_size);
  if (out) {
    kdf_work& w = work_meter();
    ++w.runs;
    if (scrypt) w.scrypt += h.scrypt.n * h.scrypt.r * h.scrypt.p;
    else w.pbkdf2 += h.iterations;
  }
  return out;
}

}  // namespace tessera::credentials::detail

namespace tessera::credentials {

TESSERA_DECL kdf_work thread_kdf_work() noexcept { return detail::work_meter(); }

TESSERA_DECL result<std::string> hash_secret(core::bytes_view secret, const hash_policy& policy,
                                             const hash_limits& lim) noexcept {
  if (secret.empty() || secret.size() > max_secret_size) return unexpected{errc::invalid_argument};
  if (auto v = policy.validate(lim); !v) return unexpected{v.error()};
  try {
    phc_hash h = policy.parameters();
    if (auto r = core::random_fill({h.salt.data(), h.salt_size}); !r) return unexpected{r.error()};
    auto derived = detail::derive(secret, h);
    if (!derived) return unexpected{derived.error()};
    const auto d = derived->expose_secret();
    std::copy(d.begin(), d.end(), h.hash.begin());
    return format_phc(h);
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL result<void> verify_secret(core::bytes_view secret, std::string_view stored,
                                        const hash_limits& lim) noexcept {
  auto h = parse_phc(stored, lim);
  if (!h) return unexpected{h.error()};
  if (secret.empty() || secret.size() > max_secret_size) return unexpected{errc::invalid_credentials};
  try {
    auto derived = detail::derive(secret, *h);
    if (!derived)  // parameters the KDF refuses are a malformed stored string, not a crypto fault
      return unexpected{derived.error() == errc::invalid_kdf_parameters ? errc::invalid_hash_string : derived.error()};
    if (!core::ct_equal(derived->expose_secret(), h->hash_bytes())) return unexpected{errc::invalid_credentials};
    return core::ok();
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL bool needs_rehash(std::string_view stored, const hash_policy& policy, const hash_limits& lim) noexcept {
  auto h = parse_phc(stored, lim);
  if (!h) return true;
  if (h->algorithm != policy.algorithm || h->hash_size != policy.hash_size || h->salt_size < policy.salt_size)
    return true;
  if (h->algorithm == hash_algorithm::scrypt)
    return h->scrypt.n != policy.scrypt.n || h->scrypt.r != policy.scrypt.r || h->scrypt.p != policy.scrypt.p;
  return h->iterations != policy.pbkdf2_iterations;
}

}  // namespace tessera::credentials
