#pragma once
// RFC 9530 Content-Digest: the field value a sender writes for the content it sends, and the
// check a receiver makes of a received value against the content it got.
//
// The field is a Dictionary (RFC 8941 §3.2) whose keys name hash algorithms and whose values are
// Byte Sequences of the digest (RFC 9530 §2). tessera writes and checks the two algorithms the
// registry marks "Active" (RFC 9530 §5, §7.2): "sha-256" and "sha-512". A check
//  - refuses a field that is not a Dictionary, or whose sha-256 / sha-512 member is not a Byte
//    Sequence of 32 / 64 bytes (content_digest_malformed);
//  - ignores members under other keys ("md5", "sha", "unixsum", ...: deprecated or unknown) and
//    member parameters;
//  - needs at least one sha-256 or sha-512 member (content_digest_unsupported);
//  - refuses the field when any of its sha-256 / sha-512 digests differs from the content's
//    (content_digest_mismatch), even when another one matches.
// The content is the message content as received (RFC 9110 §6.4): after transfer codings such as
// chunked are removed, before content codings such as gzip are.

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/ct_equal.hpp"
#include "tessera/core/result.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/request_signing/structured_field.hpp"

namespace tessera::request_signing {

// The Content-Digest algorithms tessera writes and checks.
enum class content_digest_alg { sha256, sha512 };

// The Dictionary key of an algorithm: "sha-256" or "sha-512".
constexpr std::string_view content_digest_key(content_digest_alg a) noexcept {
  return a == content_digest_alg::sha256 ? "sha-256" : "sha-512";
}

// The algorithm a Dictionary key names, or nullopt for a key tessera does not check.
constexpr std::optional<content_digest_alg> content_digest_alg_named(std::string_view key) noexcept {
  if (key == "sha-256") return content_digest_alg::sha256;
  if (key == "sha-512") return content_digest_alg::sha512;
  return std::nullopt;
}

// Bounds of a Content-Digest check.
struct content_digest_options {
  std::size_t max_field_bytes{4096};  // a longer field is content_digest_malformed
  std::size_t max_members{16};        // a field with more members is content_digest_malformed
};

namespace detail {
constexpr crypto::hash_alg hash_of(content_digest_alg a) noexcept {
  return a == content_digest_alg::sha256 ? crypto::hash_alg::sha256 : crypto::hash_alg::sha512;
}

// A Content-Digest value holding one member of an algorithm tessera checks, as RFC 8941
// serializes it: its algorithm and the base64 text between the colons.
struct single_digest {
  content_digest_alg alg;
  std::string_view base64;
};

// The one member of a Content-Digest value in serialized form (`sha-256=:<base64>:`), read in
// place; nullopt for any other shape (several members, whitespace, parameters, another key),
// which the RFC 8941 parser then reads.
constexpr std::optional<single_digest> read_single_digest(std::string_view field) noexcept {
  const auto eq = field.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  const auto alg = content_digest_alg_named(field.substr(0, eq));
  const std::string_view value = field.substr(eq + 1);
  if (!alg || value.size() < 2 || value.front() != ':' || value.back() != ':') return std::nullopt;
  const std::string_view text = value.substr(1, value.size() - 2);
  if (text.find(':') != std::string_view::npos) return std::nullopt;
  return single_digest{*alg, text};
}
}  // namespace detail

// Appends the Content-Digest field value of the content, one member per algorithm in the order
// given ("sha-256=:<base64>:, sha-512=:<base64>:"). Errors: invalid_argument (no algorithm),
// crypto_failure; on failure out is left as it was.
TESSERA_DECL result<void> append_content_digest(std::string& out, core::bytes_view content,
                                                std::span<const content_digest_alg> algs) noexcept;

// The Content-Digest field value of the content under one algorithm ("sha-256=:<base64>:").
TESSERA_DECL result<std::string> content_digest(core::bytes_view content,
                                                content_digest_alg alg = content_digest_alg::sha256) noexcept;

// The Content-Digest field value of the content under several algorithms, in the order given.
TESSERA_DECL result<std::string> content_digest(core::bytes_view content, std::span<const content_digest_alg> algs) noexcept;

// Checks a received Content-Digest field value (all its field lines combined with ", ", or
// nullopt when the field is absent) against the content. Returns the strongest algorithm checked
// (sha512 when both are present). Errors: content_digest_missing, content_digest_malformed,
// content_digest_unsupported, content_digest_mismatch, crypto_failure.
TESSERA_DECL result<content_digest_alg> check_content_digest(std::optional<std::string_view> field, core::bytes_view content,
                                                             const content_digest_options& options = {}) noexcept;

}  // namespace tessera::request_signing

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/request_signing/impl/content_digest.ipp"
#endif
