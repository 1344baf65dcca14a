#pragma once
// tessera::webhook::header_credential — receiver authentication by a static credential that the
// sender was configured to send (a Bearer token, or an API key in a named header), instead of or
// beside a signature, checked in constant time.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/ascii.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/ct_equal.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/webhook/headers.hpp"
#include "tessera/webhook/secret.hpp"

namespace tessera::webhook {

// One or more accepted values (several during rotation) of one credential header. Only their
// SHA-256 digests are kept, and a presented value is hashed and compared with every digest, so
// the check's time depends neither on the contents nor on the lengths of the values. Failures:
// missing_credentials (header absent), malformed_credentials (wrong shape, e.g. no "Bearer "),
// invalid_credentials (no accepted value matches). Immutable and thread-safe once created.
class header_credential {
 public:
  // At most this many accepted values.
  static constexpr std::size_t max_values = 8;

  // Accepts "Authorization: Bearer <token>" (scheme name case-insensitive, one space) for any of
  // the tokens. Each token must be RFC 6750 token68 text of at least min_secret_bytes.
  static result<header_credential> bearer(std::initializer_list<std::string_view> tokens) {
    return make("Authorization", true, tokens.begin(), tokens.end());
  }
  // Accepts "Authorization: Bearer <token>" for one token.
  static result<header_credential> bearer(std::string_view token) {
    return make("Authorization", true, &token, &token + 1);
  }
  // Accepts "<header_name>: <value>" for any of the values (e.g. an ApiKey or X-Api-Key header).
  // Each value must be visible ASCII of at least min_secret_bytes; the header name an RFC 9110 token.
  static result<header_credential> api_key(std::string_view header_name, std::initializer_list<std::string_view> values) {
    return make(header_name, false, values.begin(), values.end());
  }
  // Accepts "<header_name>: <value>" for one value.
  static result<header_credential> api_key(std::string_view header_name, std::string_view value) {
    return make(header_name, false, &value, &value + 1);
  }

  // Checks the request's credential header against the accepted values, in constant time.
  result<void> check(const header_lookup& headers) const noexcept {
    auto v = headers.find(name_);
    if (!v) return unexpected{v.error() == errc::malformed_header ? errc::malformed_credentials : v.error()};
    if (!*v) return unexpected{errc::missing_credentials};
    std::string_view presented = **v;
    if (bearer_) {
      constexpr std::string_view scheme = "bearer ";
      if (presented.size() <= scheme.size() || !detail::iequals(presented.substr(0, scheme.size()), scheme))
        return unexpected{errc::malformed_credentials};
      presented.remove_prefix(scheme.size());
      if (!is_token68(presented)) return unexpected{errc::malformed_credentials};
    }
    const crypto::digest_value d = crypto::sha256(presented);
    if (d.size != digest_bytes) return unexpected{errc::internal_error};
    unsigned match = 0;
    for (const auto& accepted : digests_)  // no early exit: every value is compared
      match |= static_cast<unsigned>(core::ct_equal(accepted, d.view()));
    if (!match) return unexpected{errc::invalid_credentials};
    return core::ok();
  }

  // The header this credential is read from.
  const std::string& header_name() const noexcept { return name_; }
  // True for a Bearer token in Authorization.
  bool is_bearer() const noexcept { return bearer_; }

 private:
  static constexpr std::size_t digest_bytes = 32;

  // RFC 6750 §2.1: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
  static constexpr bool is_token68(std::string_view s) noexcept {
    std::size_t i = 0;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      std::string_view("-._~+/").find(c) != std::string_view::npos;
      if (!ok) break;
    }
    if (i == 0) return false;
    for (; i < s.size(); ++i)
      if (s[i] != '=') return false;
    return true;
  }

  template <class It>
  static result<header_credential> make(std::string_view name, bool bearer, It first, It last) {
    const auto n = static_cast<std::size_t>(last - first);
    if (n == 0 || n > max_values || !detail::is_token(name)) return unexpected{errc::invalid_argument};
    header_credential c;
    c.name_.assign(name);
    c.bearer_ = bearer;
    for (; first != last; ++first) {
      const std::string_view v = *first;
      if (v.size() < min_secret_bytes) return unexpected{errc::secret_too_short};
      if (bearer ? !is_token68(v) : !core::visible_ascii(v)) return unexpected{errc::invalid_secret};
      const crypto::digest_value d = crypto::sha256(v);
      if (d.size != digest_bytes) return unexpected{errc::crypto_failure};
      std::array<std::uint8_t, digest_bytes> a{};
      for (std::size_t i = 0; i < digest_bytes; ++i) a[i] = d.bytes[i];
      c.digests_.push_back(a);
    }
    return c;
  }

  header_credential() = default;

  std::string name_;
  bool bearer_ = false;
  std::vector<std::array<std::uint8_t, digest_bytes>> digests_;
};

}  // namespace tessera::webhook
