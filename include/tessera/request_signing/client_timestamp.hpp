#pragma once
// The client_timestamp profile: the SNAP-style partner signature
//   X-SIGNATURE = base64(SHA256withRSA(private key, client_id + "|" + X-TIMESTAMP))
// reproduced exactly.
//
// String to sign: the X-CLIENT-ID header value, one '|' (0x7C), the X-TIMESTAMP header value,
// both byte for byte as sent; no newline, no other separator, nothing hashed beforehand. The
// signature is computed over those bytes with the client's registered algorithm (RSASSA-PKCS1-v1_5
// with SHA-256 by default, which is what `openssl dgst -sha256 -sign key.pem` produces) and sent
// as padded standard base64.
//
// What it does not protect: nothing of the request is signed, so a captured signature verifies
// against any endpoint, with any body, until its timestamp leaves the window. The model has no
// rule against repeats, and a partner may send two different orders in one second: with
// RSASSA-PKCS1-v1_5 (deterministic) and unix seconds, both carry the very same signature. So by
// default the verifier accepts a repeat within the window, as the partner's document does.
// Refusing exact repeats is an option (repeats::refused): the verifier then remembers every
// (client id, string to sign) for twice the window, one replay-store entry per request, and a
// partner can make only one call per timestamp value (one per second with unix seconds), the
// second one answered 401 replayed. Neither choice stops a captured signature from being used
// against another endpoint: use canonical_request, which binds the method, path, query, body
// and a nonce, wherever the partner can implement it.

#include <string>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/request_signing/profile.hpp"
#include "tessera/request_signing/timestamp.hpp"

namespace tessera::request_signing {

// Whether a verifier refuses a request whose signed string it has already seen.
enum class repeats { accepted, refused };

// The "client_id|timestamp" profile: unix-seconds timestamps (the model's
// "X-TIMESTAMP: <current-unix-timestamp>") unless told otherwise, repeats accepted unless told
// otherwise. A verifier configured for one format refuses the other (invalid_timestamp).
class client_timestamp {
 public:
  // The string ignores the request.
  static constexpr bool binds_request = false;

  // Unix-seconds timestamps, default header names, repeats accepted.
  client_timestamp() = default;
  // A chosen timestamp format, header names and repeat rule.
  explicit client_timestamp(timestamp_format f, header_names names = {}, repeats r = repeats::accepted)
      : format_(f), names_(std::move(names)), repeats_(r) {}

  // The timestamp format.
  timestamp_format format() const noexcept { return format_; }
  // No nonce.
  bool uses_nonce() const noexcept { return false; }
  // True when the verifier must refuse a signed string it has already seen (repeats::refused).
  bool refuses_repeats() const noexcept { return repeats_ == repeats::refused; }
  // The header names.
  const header_names& headers() const noexcept { return names_; }

  // Appends client_id + "|" + timestamp.
  result<void> append_string_to_sign(std::string& out, const request_parts&, const signed_fields& f) const noexcept;

 private:
  timestamp_format format_ = timestamp_format::unix_seconds;
  header_names names_{};
  repeats repeats_ = repeats::accepted;
};
static_assert(signing_profile<client_timestamp>);

}  // namespace tessera::request_signing

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/impl/client_timestamp.ipp"
#endif
