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
}  // namespace detail

// Appends the Content-Digest field value of the content, one member per algorithm in the order
// given ("sha-256=:<base64>:, sha-512=:<base64>:"). Errors: invalid_argument (no algorithm),
// crypto_failure; on failure out is left as it was.
inline result<void> append_content_digest(std::string& out, core::bytes_view content,
                                          std::span<const content_digest_alg> algs) noexcept {
  if (algs.empty()) return unexpected{errc::invalid_argument};
  const std::size_t size = out.size();
  try {
    for (std::size_t i = 0; i < algs.size(); ++i) {
      auto d = crypto::digest(detail::hash_of(algs[i]), content);
      if (!d) {
        out.resize(size);
        return unexpected{d.error()};
      }
      if (i != 0) out += ", ";
      out += content_digest_key(algs[i]);
      out += '=';
      out += ':';
      out += core::base64_encode(d->view());
      out += ':';
    }
    return core::ok();
  } catch (...) {
    out.resize(size);
    return unexpected{errc::internal_error};
  }
}

// The Content-Digest field value of the content under one algorithm ("sha-256=:<base64>:").
inline result<std::string> content_digest(core::bytes_view content,
                                          content_digest_alg alg = content_digest_alg::sha256) noexcept {
  try {
    std::string out;
    const content_digest_alg one[] = {alg};
    if (auto r = append_content_digest(out, content, one); !r) return unexpected{r.error()};
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

// The Content-Digest field value of the content under several algorithms, in the order given.
inline result<std::string> content_digest(core::bytes_view content, std::span<const content_digest_alg> algs) noexcept {
  try {
    std::string out;
    if (auto r = append_content_digest(out, content, algs); !r) return unexpected{r.error()};
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

// Checks a received Content-Digest field value (all its field lines combined with ", ", or
// nullopt when the field is absent) against the content. Returns the strongest algorithm checked
// (sha512 when both are present). Errors: content_digest_missing, content_digest_malformed,
// content_digest_unsupported, content_digest_mismatch, crypto_failure.
inline result<content_digest_alg> check_content_digest(std::optional<std::string_view> field, core::bytes_view content,
                                                       const content_digest_options& options = {}) noexcept {
  if (!field) return unexpected{errc::content_digest_missing};
  if (field->size() > options.max_field_bytes) return unexpected{errc::content_digest_malformed};
  sf::parse_options po;
  po.max_input_bytes = options.max_field_bytes;
  po.max_members = options.max_members;
  po.max_byte_sequence_length = 1024;  // far above any digest; longer ones are refused as malformed
  auto dict = sf::parse_dictionary(*field, po);
  if (!dict) return unexpected{dict.error() == errc::internal_error ? errc::internal_error : errc::content_digest_malformed};
  // Shapes first, so that a malformed member is reported as such wherever it stands.
  bool any = false;
  for (const auto& [key, m] : *dict) {
    const auto alg = content_digest_alg_named(key);
    if (!alg) continue;
    const auto* it = std::get_if<sf::item>(&m);
    const auto* bs = it ? std::get_if<sf::byte_sequence>(&it->value) : nullptr;
    if (!bs || bs->value.size() != crypto::digest_size(detail::hash_of(*alg)))
      return unexpected{errc::content_digest_malformed};
    any = true;
  }
  if (!any) return unexpected{errc::content_digest_unsupported};
  std::array<std::optional<crypto::digest_value>, 2> computed;  // each algorithm hashed at most once
  content_digest_alg strongest = content_digest_alg::sha256;
  for (const auto& [key, m] : *dict) {
    const auto alg = content_digest_alg_named(key);
    if (!alg) continue;
    auto& d = computed[static_cast<std::size_t>(*alg)];
    if (!d) {
      auto r = crypto::digest(detail::hash_of(*alg), content);
      if (!r) return unexpected{r.error()};
      d = *r;
    }
    const auto& claimed = std::get<sf::byte_sequence>(std::get<sf::item>(m).value).value;
    if (!core::ct_equal(d->view(), claimed)) return unexpected{errc::content_digest_mismatch};
    if (*alg == content_digest_alg::sha512) strongest = content_digest_alg::sha512;
  }
  return strongest;
}

}  // namespace tessera::request_signing
