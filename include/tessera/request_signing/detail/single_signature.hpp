#pragma once
// The verifier's quick reading of Signature-Input and Signature (http_message_signatures.hpp):
// a message that carries one signature, written as RFC 8941 serializes it, is read in place,
// without building value trees. Anything else (several signatures, extra whitespace, component
// parameters, an unknown or repeated parameter, escapes in a String, a parameter of the wrong
// type) is left to the RFC 8941 parser, which also gives every malformed field its errc. What
// this reader accepts, the parser reads the same way: fuzz/httpsig_single_signature_diff.fuzz.cpp holds
// the two to that.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/request_signing/detail/message_components.hpp"

namespace tessera::request_signing::httpsig {

// Largest signature accepted, in bytes (RSA-8192).
inline constexpr std::size_t max_signature_bytes = 1024;

// Longest nonce accepted, in characters.
inline constexpr std::size_t max_nonce_bytes = 256;

namespace detail {

// The parameters of one signature, typed (§2.3); the strings view the field they were read from.
struct signature_params {
  std::optional<std::int64_t> created, expires;
  std::optional<std::string_view> nonce, alg, keyid, tag;
};

// One signature read in place: its label, covered component names (without parameters), the
// parameters, the Inner List as sent (already in its serialized form, so the signature base's
// "@signature-params" line copies it) and the decoded signature.
struct single_signature {
  // Most components the quick reading takes; a signature covering more goes to the parser.
  static constexpr std::size_t max_components = 32;

  std::string_view label;
  std::array<std::string_view, max_components> names{};
  std::array<derived, max_components> kinds{};
  std::size_t count = 0;
  signature_params params;
  std::string_view inner_list;
  std::array<std::uint8_t, max_signature_bytes> signature;
  std::size_t signature_size = 0;
};

// Reads a Signature-Input and a Signature value that each hold one member, the same label, in
// serialized form (RFC 8941 §4.1): an Inner List of distinct component names that check_identifier()
// accepts without parameters (at most max_components of them), the parameters created and
// expires (non-negative Integers), nonce (1 to max_nonce_bytes characters), alg, keyid and tag
// (Strings), each at most once; and a Byte Sequence of at most max_signature_bytes. False
// otherwise, with `out` meaning nothing: the caller then parses the fields.
TESSERA_DECL bool read_single_signature(std::string_view input, std::string_view sig, std::size_t max_field_bytes,
                                        std::size_t max_components, single_signature& out) noexcept;

}  // namespace detail
}  // namespace tessera::request_signing::httpsig

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/detail/impl/single_signature.ipp"
#endif
