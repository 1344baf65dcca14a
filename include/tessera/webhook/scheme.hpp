#pragma once
// The scheme concept: how one family of webhook signatures lays out its headers, what bytes it
// signs, and how its secrets become keys. One signer and one verifier serve every scheme.

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tessera/core/ascii.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/hex.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/crypto/digest.hpp"
#include "tessera/crypto/hmac_key.hpp"
#include "tessera/webhook/headers.hpp"

namespace tessera::webhook {

// At most this many entries in one signature header (a sender rotating secrets sends a few).
inline constexpr std::size_t max_signatures = 16;
// At most this many bytes in a signature header.
inline constexpr std::size_t max_signature_header_size = 4096;
// At most this many bytes in a delivery id.
inline constexpr std::size_t max_id_size = 256;

// What a scheme found in a delivery's headers. The views point into the caller's header values.
// Nothing in it is trusted until the verifier has checked a signature over it.
struct delivery_fields {
  std::string_view id;                    // the delivery id; empty when the scheme carries none
  bool id_signed = false;                 // true when the signature covers the id
  std::string_view timestamp_text;        // the timestamp exactly as signed; empty when the scheme has none
  std::optional<std::int64_t> timestamp;  // the same timestamp, parsed
  std::string_view signatures;            // the raw signature list, walked with next_signature()
};

// The message a scheme signs, as up to five parts MACed in order; empty parts are skipped.
// The parts are never concatenated into a new buffer.
struct message_parts {
  std::array<core::bytes_view, 5> part{};
};

// One decoded signature (a full-length HMAC tag), held inline.
using signature_bytes = crypto::digest_value;

// A webhook signature scheme.
// Rules:
//  - hash() names the one HMAC hash of the scheme; key_from_secret() turns the secret's text, as
//    the scheme's users hold it, into a key of that hash, refusing keys under min_secret_bytes
//    (secret_too_short) and text the scheme cannot read (invalid_secret); generate_secret()
//    returns a fresh secret in that same text form;
//  - read() extracts the fields from request headers: missing_header when a required header is
//    absent, malformed_header when one has the wrong shape or exceeds the limits above,
//    invalid_timestamp when the timestamp is not a strict integer. It never trusts what it read;
//  - next_signature() yields the next well-formed signature of the scheme's current version from
//    the list (advancing the cursor) and silently skips malformed or unknown-version entries;
//  - signed_parts() lists every byte the signature covers, in order, without copying;
//  - write_headers() emits the headers for the given fields and tags (one per active key, in key
//    order) such that read() accepts them; an id the scheme cannot carry is invalid_argument;
//  - every member is const and thread-safe; the scheme is cheap to copy.
template <class S>
concept scheme = std::copy_constructible<S> &&
                 requires(const S& s, std::string_view text, const header_lookup& headers,
                          const delivery_fields& fields, core::bytes_view body, std::string_view& cursor,
                          signature_bytes& sig, std::span<const signature_bytes> tags, header_list& out) {
                   { s.hash() } noexcept -> std::same_as<crypto::hash_alg>;
                   { s.key_from_secret(text) } noexcept -> std::same_as<result<crypto::hmac_key>>;
                   { s.generate_secret() } -> std::same_as<result<core::secret>>;
                   { s.read(headers) } noexcept -> std::same_as<result<delivery_fields>>;
                   { s.next_signature(cursor, sig) } noexcept -> std::same_as<bool>;
                   { s.signed_parts(fields, body) } noexcept -> std::same_as<message_parts>;
                   { s.write_headers(fields, tags, out) } -> std::same_as<result<void>>;
                 };
// The default model, standard_webhooks, is checked in tessera/webhook/standard_webhooks.hpp.

namespace detail {
// Reads a header that must be present exactly once.
inline result<std::string_view> required_header(const header_lookup& h, std::string_view name) noexcept {
  auto v = h.find(name);
  if (!v) return unexpected{v.error()};
  if (!*v) return unexpected{errc::missing_header};
  return **v;
}

// Reads N headers that must each be present exactly once into out, in one pass over the headers;
// the first name (in the given order) that is repeated or absent decides the error, as N calls of
// required_header would.
template <std::size_t N>
inline result<void> required_headers(const header_lookup& h, const std::array<std::string_view, N>& names,
                                     std::array<std::string_view, N>& out) noexcept {
  std::array<header_lookup::hit, N> hits;
  if (auto r = h.find_each(names, hits); !r) return unexpected{r.error()};
  for (std::size_t i = 0; i < N; ++i) {
    if (hits[i].repeated) return unexpected{errc::malformed_header};
    if (!hits[i].value) return unexpected{errc::missing_header};
    out[i] = *hits[i].value;
  }
  return core::ok();
}

// A delivery id a receiver accepts: 1..max_id_size visible ASCII characters (and no '.' when
// `no_dot`, for schemes that sign "id.timestamp.body").
constexpr bool valid_id(std::string_view id, bool no_dot) noexcept {
  return !id.empty() && id.size() <= max_id_size && core::visible_ascii(id, no_dot ? '.' : '\0');
}

// Counts the non-empty items of a list; false when the header is blank, too long or too crowded.
constexpr bool check_list(std::string_view value, char sep, std::size_t max_items) noexcept {
  if (value.size() > max_signature_header_size) return false;
  std::size_t n = 0;
  std::string_view rest = value, item;
  bool done = false;
  while (next_item(rest, sep, item, done))
    if (!item.empty()) ++n;
  return n > 0 && n <= max_items;
}

// Decodes exactly `size` bytes of hex (either case) into sig; false on anything else.
inline bool decode_hex_tag(std::string_view hex, std::size_t size, signature_bytes& sig) noexcept {
  if (hex.size() != size * 2 || size > sig.bytes.size()) return false;
  auto n = core::hex_decode_into(hex, std::span<std::uint8_t>(sig.bytes.data(), size));
  if (!n || *n != size) return false;
  sig.size = size;
  return true;
}

// Appends the lowercase hex of a tag.
inline void append_hex(std::string& out, const signature_bytes& tag) {
  std::array<char, 2 * sizeof(tag.bytes)> buf{};
  out.append(buf.data(), core::hex_encode_into(tag.view(), buf));
}
}  // namespace detail

}  // namespace tessera::webhook
