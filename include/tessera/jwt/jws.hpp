#pragma once
// tessera::jwt::jws_verifier and jws_signer — JSON Web Signatures (RFC 7515) over any payload
// bytes, not only JWT claims: compact and JSON serializations (flattened and general), detached
// payloads (RFC 7515 Appendix F) and, for a caller that opts in, unencoded payloads (RFC 7797).
//
// The rules are the JWT verifier's: the key decides the algorithm (a header "alg" that differs
// from the key's is algorithm_not_allowed), base64url is strict, every "crit" name must be
// understood, sizes are bounded, and jwk/jku/x5u/x5c never supply a key. The JWT verifier is the
// claims path on top of the same header parser.
//
// JSON serialization: a general JWS carries several signatures. The verifier tries them in order
// (at most max_signatures) and accepts the first that a key of its set verifies; a signature whose
// header is malformed, whose kid finds no key, or whose check fails decides nothing, and the
// verifier goes on to the next. Only when none verifies does it answer, with the error of the
// signature that came furthest (key_not_found, algorithm_not_allowed, bad_signature, ...).
// Protected and unprotected header members must be disjoint; "crit" and "b64" count only when
// protected; "alg" may stand in either (the key decides it anyway). Every signature of one JWS
// must agree on "b64" (RFC 7797 §3); a JWS whose signatures disagree is token_malformed.
// An empty payload segment in the compact form is always a detached payload: verify() refuses
// it, verify_detached() takes the payload from the caller.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/algorithm.hpp"
#include "tessera/jwt/detail/parse.hpp"
#include "tessera/jwt/key.hpp"
#include "tessera/jwt/key_set.hpp"

namespace tessera::jwt {

// What a JWS verifier accepts.
struct jws_options {
  std::size_t max_size = 1 << 20;          // longest compact or JSON JWS read, in bytes
  std::size_t max_signatures = 8;          // signatures of a general JSON JWS tried at most
  std::vector<std::string> understood_crit{};  // "crit" names the caller processes; "b64" admits RFC 7797
};

// A verified JWS: its payload and the protected facts about it.
struct verified_jws {
  jwt::alg algorithm = jwt::alg::hs256;  // the verifying key's algorithm
  std::string kid{};                     // the kid that found the key ("" when none was given)
  std::string typ{};                     // the header's typ ("" when absent)
  std::string cty{};                     // the header's cty ("" when absent)
  bool unencoded = false;                // RFC 7797: the payload was signed as it is, not base64url
  std::size_t signature_index = 0;       // which signature verified (general JSON serialization)
  core::bytes payload{};                 // the verified payload bytes
};

namespace detail {
// The payload bytes of a compact or JSON JWS: base64url-decoded, or taken as they are (b64:false).
inline result<core::bytes> payload_bytes(std::string_view segment, bool encoded) noexcept {
  try {
    if (!encoded) return core::bytes(segment.begin(), segment.end());
    core::bytes out((segment.size() * 3) / 4 + 3);
    auto n = core::base64url_decode_into(segment, std::span<std::uint8_t>(out.data(), out.size()));
    if (!n) return unexpected{errc::token_malformed};
    out.resize(*n);
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

// One signature entry of a JSON JWS, read and checked up to its key: its protected header
// parsed strictly, its unprotected header's alg and kid, its signature decoded.
struct jws_json_entry {
  std::optional<errc> error;           // why the entry cannot verify (the rest is then unset)
  jwt::alg algorithm = jwt::alg::hs256;
  std::optional<std::string> kid;
  std::string typ, cty;
  bool encoded = true;                 // false: "b64": false (RFC 7797)
  std::string protected_text;          // the "protected" member as sent ("" when absent)
  core::bytes signature;
};

// A JSON JWS read: its "payload" member as sent (absent for a detached payload) and its
// signature entries, one for the flattened form, at most max_signatures for the general form.
struct jws_json_doc {
  std::optional<std::string> payload;
  std::vector<jws_json_entry> entries;
};

// Reads a flattened or general JSON JWS (token_malformed: not a JSON object, a repeated member,
// a "payload" present for a detached payload or absent otherwise, flattened members beside
// "signatures", an empty "signatures", entries that disagree on "b64").
TESSERA_DECL result<jws_json_doc> read_jws_json(std::string_view json, bool detached, std::size_t max_signatures,
                                                std::span<const std::string> understood_crit) noexcept;
}  // namespace detail

// Verifies JWS of any payload against a key set. Thread-safe when the key set is.
template <key_set K>
class jws_verifier {
 public:
  // A verifier over a key set (a reference type shares one owned elsewhere).
  explicit jws_verifier(K keys, jws_options o = {}) : keys_(std::forward<K>(keys)), options_(std::move(o)) {}

  // Verifies a compact JWS with its payload attached.
  result<verified_jws> verify(std::string_view compact) const noexcept { return compact_(compact, std::nullopt); }

  // Verifies a compact JWS whose payload segment is empty (RFC 7515 Appendix F) against the
  // payload the caller supplies.
  result<verified_jws> verify_detached(std::string_view compact, core::bytes_view payload) const noexcept {
    return compact_(compact, payload);
  }

  // Verifies a JWS in the flattened or general JSON serialization.
  result<verified_jws> verify_json(std::string_view json) const noexcept { return json_(json, std::nullopt); }

  // Verifies a flattened or general JSON JWS without a "payload" member against the payload the
  // caller supplies.
  result<verified_jws> verify_json_detached(std::string_view json, core::bytes_view payload) const noexcept {
    return json_(json, payload);
  }

  // The key set, e.g. to rotate keys while the verifier is in use.
  std::remove_reference_t<K>& keys() noexcept { return keys_; }
  // The options in force.
  const jws_options& options() const noexcept { return options_; }

 private:
  // Checks one signature over its signing input with the key the kid names.
  result<void> check(jwt::alg a, std::optional<std::string_view> kid, core::bytes_view input,
                     core::bytes_view sig) const noexcept {
    auto run = [&](const verification_key& k) noexcept -> result<void> {
      if (k.algorithm() != a) return unexpected{errc::algorithm_not_allowed};
      return k.verify(input, sig);
    };
    if constexpr (key_visitor<std::remove_cvref_t<K>>) {
      result<void> v = unexpected{errc::key_not_found};
      keys_.visit(kid, [&](const verification_key& k) noexcept { v = run(k); });
      return v;
    } else {
      auto key = keys_.find(kid);
      if (!key) return unexpected{errc::key_not_found};
      return run(*key);
    }
  }

  result<verified_jws> compact_(std::string_view token, std::optional<core::bytes_view> detached) const noexcept {
    try {
      if (token.size() > options_.max_size) return unexpected{errc::token_too_large};
      const auto d1 = token.find('.');
      const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
      if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
        return unexpected{errc::token_malformed};
      const std::string_view header = token.substr(0, d1), payload = token.substr(d1 + 1, d2 - d1 - 1),
                             signature = token.substr(d2 + 1);
      if (header.empty() || (detached && !payload.empty()) || (!detached && payload.empty()))
        return unexpected{errc::token_malformed};
      std::array<std::uint8_t, 1024> sig;
      auto sig_len = core::base64url_decode_into(signature, sig);
      if (!sig_len) return unexpected{sig_len.error() == errc::buffer_too_small ? errc::invalid_signature_length
                                                                                 : errc::token_malformed};
      auto h = detail::parse_header<true>(header, options_.understood_crit);
      if (!h) return unexpected{h.error()};
      verified_jws out;
      out.algorithm = h->algorithm;
      out.kid.assign(h->kid.value_or(std::string_view{}));
      out.typ.assign(h->typ);
      out.cty.assign(h->cty);
      out.unencoded = !h->b64;
      const std::optional<std::string_view> kid = h->kid;
      if (!h->b64 && !detached && payload.find('.') != std::string_view::npos) return unexpected{errc::token_malformed};
      // The signing input: the header segment, '.', and the payload segment as sent (attached),
      // or the supplied payload, base64url-encoded unless b64 is false (detached).
      core::bytes_view input = core::bytes_view(token.data(), d2);
      std::string built;
      if (detached) {
        built.reserve(header.size() + 1 + detached->size() * 4 / 3 + 4);
        built.append(header).push_back('.');
        if (h->b64) core::base64url_append(built, *detached);
        else built.append(reinterpret_cast<const char*>(detached->data()), detached->size());
        input = core::bytes_view(built);
      }
      if (auto v = check(out.algorithm, kid, input, core::bytes_view(sig.data(), *sig_len)); !v)
        return unexpected{v.error()};
      if (detached) {
        out.payload.assign(detached->begin(), detached->end());
      } else {
        auto p = detail::payload_bytes(payload, h->b64);
        if (!p) return unexpected{p.error()};
        out.payload = std::move(*p);
      }
      return out;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // How far a signature got before it failed: a later stage's error explains more.
  static int stage(errc e) noexcept {
    switch (e) {
      case errc::token_malformed: return 0;
      case errc::key_not_found: return 1;
      case errc::algorithm_not_allowed: return 2;
      default: return 3;
    }
  }

  // The signing input and verification of one signature entry the reader accepted.
  result<verified_jws> finish_(const detail::jws_json_entry& e, const std::optional<std::string>& payload_segment,
                               std::optional<core::bytes_view> detached) const {
    std::string input;
    input.reserve(e.protected_text.size() + 1 + (payload_segment ? payload_segment->size() : detached->size() * 4 / 3 + 4));
    input.append(e.protected_text).push_back('.');
    if (payload_segment) {
      input.append(*payload_segment);
    } else if (e.encoded) {
      core::base64url_append(input, *detached);
    } else {
      input.append(reinterpret_cast<const char*>(detached->data()), detached->size());
    }
    std::optional<std::string_view> kid_view;
    if (e.kid) kid_view = *e.kid;
    if (auto v = check(e.algorithm, kid_view, core::bytes_view(input), core::bytes_view(e.signature)); !v)
      return unexpected{v.error()};
    verified_jws out;
    out.algorithm = e.algorithm;
    out.kid = e.kid.value_or(std::string{});
    out.typ = e.typ;
    out.cty = e.cty;
    out.unencoded = !e.encoded;
    if (detached) {
      out.payload.assign(detached->begin(), detached->end());
    } else {
      auto p = detail::payload_bytes(*payload_segment, e.encoded);
      if (!p) return unexpected{p.error()};
      out.payload = std::move(*p);
    }
    return out;
  }

  // Verifies a JSON JWS: the reader checks its structure and each entry's headers; the entries
  // are then tried in order, and the first that verifies is the answer.
  result<verified_jws> json_(std::string_view json, std::optional<core::bytes_view> detached) const noexcept {
    try {
      if (json.size() > options_.max_size) return unexpected{errc::token_too_large};
      auto doc = detail::read_jws_json(json, detached.has_value(), options_.max_signatures, options_.understood_crit);
      if (!doc) return unexpected{doc.error()};
      errc best = errc::token_malformed;
      for (std::size_t i = 0; i < doc->entries.size(); ++i) {
        const auto& e = doc->entries[i];
        result<verified_jws> r = e.error ? result<verified_jws>(unexpected{*e.error}) : finish_(e, doc->payload, detached);
        if (r) {
          r->signature_index = i;
          return r;
        }
        if (stage(r.error()) > stage(best) || i == 0) best = r.error();
      }
      return unexpected{best};
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }


  K keys_;
  jws_options options_;
};

// How a JWS is written.
struct jws_sign_options {
  std::string typ{};       // header typ ("" to omit)
  std::string cty{};       // header cty ("" to omit)
  bool unencoded = false;  // RFC 7797: sign the payload as it is ("b64": false, listed in crit)
  // More protected members: the text of a JSON object (e.g. R"({"x-request-id":"r-1"})"), or ""
  // for none. Text that is not a JSON object, or that names alg, kid, crit, b64, jwk, jku, x5u
  // or x5c, makes signing refuse (invalid_argument).
  std::string extra_header{};
};

// Signs payload bytes as a JWS with one key, in any serialization; the key's algorithm and kid
// go into the protected header.
class jws_signer {
 public:
  // A signer with one key.
  explicit jws_signer(signing_key key) : key_(std::move(key)) {}

  // The compact serialization; detached leaves the payload segment empty (RFC 7515 Appendix F).
  // invalid_argument for an unencoded attached payload containing '.' (RFC 7797 §5.2).
  result<std::string> sign_compact(core::bytes_view payload, const jws_sign_options& o = {}, bool detached = false) const;

  // The flattened JSON serialization (without "payload" when detached).
  result<std::string> sign_flattened(core::bytes_view payload, const jws_sign_options& o = {}, bool detached = false) const;

  // The general JSON serialization, one signature per signer, all over the same payload.
  static result<std::string> sign_general(std::span<const jws_signer> signers, core::bytes_view payload,
                                          const jws_sign_options& o = {}, bool detached = false);

  // The signing key.
  const signing_key& key() const noexcept { return key_; }

 private:
  // The protected header, base64url-encoded.
  result<std::string> protected_header(const jws_sign_options& o) const;
  // The payload as it stands in the JWS: base64url, or as it is when unencoded.
  static void append_payload(std::string& out, core::bytes_view payload, bool unencoded);
  // The signature over the protected header and the payload.
  result<core::bytes> signature(const std::string& prot, core::bytes_view payload, bool unencoded) const;
  // One JSON-serialization signature entry ("protected" and "signature") as JSON text, without braces.
  result<std::string> entry_members(core::bytes_view payload, const jws_sign_options& o) const;

  signing_key key_;
};

}  // namespace tessera::jwt

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/jwt/impl/jws.ipp"
#endif
