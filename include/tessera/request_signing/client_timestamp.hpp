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
// against any endpoint, with any body, until its timestamp leaves the window. The verifier's
// replay store refuses the same signed string twice, whatever the signature's bytes, so a client
// makes one call per timestamp value (per second with unix seconds). Use canonical_request
// wherever the partner can implement it.

#include <string>

#include "tessera/core/result.hpp"
#include "tessera/request_signing/profile.hpp"
#include "tessera/request_signing/timestamp.hpp"

namespace tessera::request_signing {

// The "client_id|timestamp" profile (ISO-8601 timestamps with offset unless told otherwise).
class client_timestamp {
 public:
  // The string ignores the request.
  static constexpr bool binds_request = false;

  // ISO-8601 timestamps with offset, default header names.
  client_timestamp() = default;
  // A chosen timestamp format and header names.
  explicit client_timestamp(timestamp_format f, header_names names = {}) : format_(f), names_(std::move(names)) {}

  // The timestamp format.
  timestamp_format format() const noexcept { return format_; }
  // No nonce: the verifier remembers signatures instead.
  bool uses_nonce() const noexcept { return false; }
  // The header names.
  const header_names& headers() const noexcept { return names_; }

  // Appends client_id + "|" + timestamp.
  result<void> append_string_to_sign(std::string& out, const request_parts&, const signed_fields& f) const noexcept {
    try {
      out.reserve(out.size() + f.client_id.size() + 1 + f.timestamp.size());
      out.append(f.client_id);
      out.push_back('|');
      out.append(f.timestamp);
      return core::ok();
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

 private:
  timestamp_format format_ = timestamp_format::iso8601;
  header_names names_{};
};
static_assert(signing_profile<client_timestamp>);

}  // namespace tessera::request_signing
