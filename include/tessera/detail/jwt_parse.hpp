#pragma once
// JWT parsing machinery: compact-form splitting, strict header parsing, and building a
// verified_token's claim table from untrusted JSON with simdjson (per-thread parsers and
// padded buffers, so the steady state allocates only the token's own storage).

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/algorithm.hpp"
#include "tessera/jwt/verified_token.hpp"

namespace tessera::jwt::detail {

// Latest NumericDate accepted: 9999-12-31T23:59:59Z. Later or negative values are invalid_claim.
inline constexpr std::int64_t max_numeric_date = 253402300799;
// Most members accepted in a header / a claims object.
inline constexpr std::size_t max_header_members = 32;
inline constexpr std::size_t max_claim_members = 256;
// Longest kid accepted.
inline constexpr std::size_t max_kid_length = 256;

// A cheap 64-bit fingerprint of a member name (its first six bytes and its length, which callers
// keep below 65536): names with different fingerprints differ, and names of up to six bytes are
// identified exactly, so registered names are recognised by fingerprint alone.
inline std::uint64_t name_fingerprint(std::string_view k) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(k.data());
  std::uint64_t fp = 0;
  switch (k.size() < 6 ? k.size() : 6) {
    case 6: fp |= std::uint64_t(p[5]) << 40; [[fallthrough]];
    case 5: fp |= std::uint64_t(p[4]) << 32; [[fallthrough]];
    case 4: fp |= std::uint64_t(p[3]) << 24; [[fallthrough]];
    case 3: fp |= std::uint64_t(p[2]) << 16; [[fallthrough]];
    case 2: fp |= std::uint64_t(p[1]) << 8; [[fallthrough]];
    case 1: fp |= std::uint64_t(p[0]); [[fallthrough]];
    default: break;
  }
  return (fp << 16) | (k.size() & 0xffff);
}
// The fingerprint of a literal name, for dispatch on registered names.
constexpr std::uint64_t literal_fingerprint(std::string_view k) noexcept {
  std::uint64_t fp = 0;
  for (std::size_t i = 0; i < k.size() && i < 6; ++i) fp |= std::uint64_t(static_cast<unsigned char>(k[i])) << (8 * i);
  return (fp << 16) | (k.size() & 0xffff);
}

// Records a member name; false when the same name was already seen (a duplicate).
template <std::size_t N>
inline bool remember_name(std::array<std::string_view, N>& names, std::array<std::uint64_t, N>& fps, std::size_t& count,
                          std::string_view k, std::uint64_t fp) noexcept {
  for (std::size_t i = 0; i < count; ++i)
    if (fps[i] == fp && names[i] == k) return false;
  names[count] = k;
  fps[count] = fp;
  ++count;
  return true;
}

// The three segments of a compact JWS.
struct segments {
  std::string_view header, payload, signature, signing_input;
};

// Splits a compact token into exactly three segments; header and payload must be non-empty.
inline result<segments> split(std::string_view token) noexcept {
  auto d1 = token.find('.');
  if (d1 == std::string_view::npos) return unexpected{errc::token_malformed};
  auto d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return unexpected{errc::token_malformed};
  if (token.find('.', d2 + 1) != std::string_view::npos) return unexpected{errc::token_malformed};
  segments s{token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1), token.substr(0, d2)};
  if (s.header.empty() || s.payload.empty()) return unexpected{errc::token_malformed};
  return s;
}

// Per-thread decode buffers (padded for simdjson) and parsers sized for the largest token.
struct thread_state {
  static constexpr std::size_t cap = config::max_token_size;
  char header_buf[cap + simdjson::SIMDJSON_PADDING];
  char payload_buf[cap + simdjson::SIMDJSON_PADDING];
  simdjson::dom::parser header_parser{cap};
  simdjson::dom::parser claims_parser{cap};
  std::array<std::string_view, max_claim_members> seen{};
  std::array<std::uint64_t, max_claim_members> seen_fp{};
  // Memo of the last header parsed on this thread (tokens of one issuer share their header):
  // the exact base64url text and what it parsed to. Only crit-free headers are memoised.
  struct {
    std::size_t len = 0;
    char text[256];
    jwt::alg algorithm{};
    bool has_kid = false;
    std::uint16_t kid_len = 0, typ_len = 0;
    char kid[256];
    char typ[64];
  } memo;
  bool ready = false;
};

inline thread_state* state() noexcept {
  thread_local thread_state st;
  if (!st.ready) {
    if (st.header_parser.allocate(thread_state::cap, config::max_json_depth) != simdjson::SUCCESS ||
        st.claims_parser.allocate(thread_state::cap, config::max_json_depth) != simdjson::SUCCESS)
      return nullptr;
    std::memset(st.header_buf, 0, sizeof st.header_buf);
    std::memset(st.payload_buf, 0, sizeof st.payload_buf);
    st.ready = true;
  }
  return &st;
}

// Decodes a base64url segment into a padded buffer and parses it as a JSON object.
inline result<simdjson::dom::object> decode_object(std::string_view b64, char* buf, simdjson::dom::parser& parser,
                                                   std::size_t* decoded_len = nullptr) noexcept {
  auto n = core::base64url_decode_into(
      b64, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(buf), thread_state::cap));
  if (!n) return unexpected{errc::token_malformed};
  std::memset(buf + *n, 0, simdjson::SIMDJSON_PADDING);
  simdjson::dom::element root;
  if (parser.parse(buf, *n, false).get(root) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
  if (decoded_len) *decoded_len = *n;
  return obj;
}

// Registered header parameter names, which crit must never list (RFC 7515 §4.1.11).
inline bool is_registered_header(std::string_view n) noexcept {
  constexpr std::string_view names[] = {"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc", "zip"};
  for (auto r : names)
    if (n == r) return true;
  return false;
}

// What the verifier needs from a header. Views point into the thread's header parser.
struct header_fields {
  jwt::alg algorithm = jwt::alg::hs256;
  std::optional<std::string_view> kid;
  std::string_view typ;
};

// Strictly parses the header: an object with no duplicate member, a known "alg" string, string
// "kid"/"typ", a "crit" whose every name is understood and present, and no "b64": false.
// jwk, jku, x5u and x5c are ignored: the key always comes from the verifier's key set.
inline result<header_fields> parse_header(std::string_view b64, std::span<const std::string> understood_crit) noexcept {
  thread_state* st = state();
  if (!st) return unexpected{errc::internal_error};
  auto& m = st->memo;
  if (m.len != 0 && m.len == b64.size() && std::memcmp(m.text, b64.data(), b64.size()) == 0) {
    header_fields h;
    h.algorithm = m.algorithm;
    if (m.has_kid) h.kid = std::string_view(m.kid, m.kid_len);
    h.typ = std::string_view(m.typ, m.typ_len);
    return h;
  }
  auto obj = decode_object(b64, st->header_buf, st->header_parser);
  if (!obj) return unexpected{obj.error()};
  header_fields h;
  bool have_alg = false, alg_known = false;
  std::array<std::string_view, max_header_members> names{};
  std::array<std::uint64_t, max_header_members> fps{};
  std::size_t count = 0;
  simdjson::dom::array crit;
  bool have_crit = false;
  for (auto field : *obj) {
    std::string_view k = field.key;
    if (count == names.size()) return unexpected{errc::token_malformed};
    const std::uint64_t fp = name_fingerprint(k);
    if (!remember_name(names, fps, count, k, fp)) return unexpected{errc::token_malformed};  // duplicate member
    simdjson::dom::element v = field.value;
    if (fp == literal_fingerprint("alg") && k == "alg") {
      std::string_view a;
      if (v.get_string().get(a) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
      have_alg = true;
      if (auto id = alg_from_name(a)) {
        h.algorithm = *id;
        alg_known = true;
      }
    } else if (fp == literal_fingerprint("kid") && k == "kid") {
      std::string_view kid;
      if (v.get_string().get(kid) != simdjson::SUCCESS || kid.size() > max_kid_length)
        return unexpected{errc::token_malformed};
      h.kid = kid;
    } else if (fp == literal_fingerprint("typ") && k == "typ") {
      if (v.get_string().get(h.typ) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
    } else if (fp == literal_fingerprint("crit") && k == "crit") {
      if (v.get_array().get(crit) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
      have_crit = true;
    } else if (fp == literal_fingerprint("b64") && k == "b64") {
      bool b;
      if (v.get_bool().get(b) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
      if (!b) return unexpected{errc::unsupported_critical_header};  // RFC 7797 unencoded payloads are refused
    }
  }
  if (!have_alg) return unexpected{errc::token_malformed};
  if (!alg_known) return unexpected{errc::algorithm_not_allowed};
  if (have_crit) {
    if (crit.size() == 0) return unexpected{errc::token_malformed};
    for (auto e : crit) {
      std::string_view n;
      if (e.get_string().get(n) != simdjson::SUCCESS || n.empty() || is_registered_header(n))
        return unexpected{errc::token_malformed};
      bool present = false;
      for (std::size_t i = 0; i < count; ++i) present = present || names[i] == n;
      if (!present) return unexpected{errc::token_malformed};
      bool understood = false;
      for (auto& u : understood_crit) understood = understood || u == n;
      if (!understood) return unexpected{errc::unsupported_critical_header};
    }
  } else if (b64.size() <= sizeof m.text && (!h.kid || h.kid->size() <= sizeof m.kid) && h.typ.size() <= sizeof m.typ) {
    // Memoise this header for the next token on this thread.
    m.len = 0;
    std::memcpy(m.text, b64.data(), b64.size());
    m.algorithm = h.algorithm;
    m.has_kid = h.kid.has_value();
    m.kid_len = static_cast<std::uint16_t>(h.kid ? h.kid->size() : 0);
    if (h.kid) std::memcpy(m.kid, h.kid->data(), h.kid->size());
    m.typ_len = static_cast<std::uint16_t>(h.typ.size());
    if (!h.typ.empty()) std::memcpy(m.typ, h.typ.data(), h.typ.size());  // no typ: a null view, which memcpy must not get
    m.len = b64.size();
  }
  return h;
}

// Builds verified_token objects; the only code allowed to construct one.
struct token_builder {
  using kind = verified_token::value_kind;

  // Largest claim table accepted; a signed token whose claims would need more is token_malformed.
  static constexpr std::size_t max_table_size = 64 * 1024;

  static void put_entry(std::string& d, kind k, std::string_view name, const void* v, std::uint32_t vlen) {
    const std::size_t at = d.size();
    const auto nlen = static_cast<std::uint16_t>(name.size());
    d.resize(at + 7 + nlen + vlen);
    char* p = d.data() + at;
    *p++ = static_cast<char>(k);
    std::memcpy(p, &nlen, 2);
    std::memcpy(p + 2, name.data(), nlen);
    std::memcpy(p + 2 + nlen, &vlen, 4);
    if (vlen) std::memcpy(p + 6 + nlen, v, vlen);
  }
  static verified_token::span put_string(std::string& d, kind k, std::string_view name, std::string_view v) {
    put_entry(d, k, name, v.data(), static_cast<std::uint32_t>(v.size()));
    return {static_cast<std::uint32_t>(d.size() - v.size()), static_cast<std::uint32_t>(v.size())};
  }
  static verified_token::span put_raw(std::string& d, std::string_view v) {
    d.append(v);
    return {static_cast<std::uint32_t>(d.size() - v.size()), static_cast<std::uint32_t>(v.size())};
  }

  // A registered NumericDate: a JSON integer in [0, max_numeric_date].
  static result<std::int64_t> numeric_date(simdjson::dom::element v) noexcept {
    std::int64_t x;
    if (v.type() != simdjson::dom::element_type::INT64 || v.get_int64().get(x) != simdjson::SUCCESS)
      return unexpected{errc::invalid_claim};
    if (x < 0 || x > max_numeric_date) return unexpected{errc::invalid_claim};
    return x;
  }

  // Decodes and parses the claims, checks the registered claims' types, and builds the token.
  static result<verified_token> build(jwt::alg a, const header_fields& h, std::string_view payload_b64) noexcept {
    try {
      return build_impl(a, h, payload_b64);
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

 private:
  static result<verified_token> build_impl(jwt::alg a, const header_fields& h, std::string_view payload_b64) {
    thread_state* st = state();
    if (!st) return unexpected{errc::internal_error};
    verified_token t;
    t.alg_ = a;
    // The header views must be copied before the claims are parsed (they live in another parser,
    // but copying first keeps this independent of that).
    std::size_t kid_len = h.kid ? h.kid->size() : 0;
    std::size_t payload_len = 0;
    auto obj = decode_object(payload_b64, st->payload_buf, st->claims_parser, &payload_len);
    if (!obj) return unexpected{obj.error()};
    std::string& d = t.data_;
    d.reserve(payload_len * 2 + kid_len + h.typ.size() + 64);
    d.append(st->payload_buf, payload_len);
    t.payload_len_ = static_cast<std::uint32_t>(payload_len);
    if (h.kid) t.kid_ = put_raw(d, *h.kid);
    t.typ_ = put_raw(d, h.typ);
    t.table_off_ = static_cast<std::uint32_t>(d.size());

    std::size_t count = 0;
    constexpr std::uint64_t f_exp = literal_fingerprint("exp"), f_nbf = literal_fingerprint("nbf"),
                            f_iat = literal_fingerprint("iat"), f_iss = literal_fingerprint("iss"),
                            f_sub = literal_fingerprint("sub"), f_jti = literal_fingerprint("jti"),
                            f_aud = literal_fingerprint("aud");
    for (auto field : *obj) {
      std::string_view k = field.key;
      if (count == st->seen.size() || k.size() > 0xffff || d.size() > max_table_size)
        return unexpected{errc::token_malformed};
      // Registered names are three bytes long, so their fingerprint identifies them exactly.
      const std::uint64_t fp = name_fingerprint(k);
      if (!remember_name(st->seen, st->seen_fp, count, k, fp)) return unexpected{errc::token_malformed};  // duplicate
      simdjson::dom::element v = field.value;
      const bool is_date = fp == f_exp || fp == f_nbf || fp == f_iat;
      const bool is_str = fp == f_iss || fp == f_sub || fp == f_jti;
      const bool is_aud = fp == f_aud;
      if (is_date) {
        auto x = numeric_date(v);
        if (!x) return unexpected{x.error()};
        (fp == f_exp ? t.exp_ : fp == f_nbf ? t.nbf_ : t.iat_) = *x;
        put_entry(d, kind::integer, k, &*x, 8);
        continue;
      }
      switch (v.type()) {
        case simdjson::dom::element_type::STRING: {
          std::string_view s;
          if (v.get_string().get(s) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
          auto sp = put_string(d, kind::string, k, s);
          if (is_aud) {
            t.aud_ = sp;
            t.present_ |= verified_token::has_aud;
          } else if (fp == f_iss) t.iss_ = sp, t.present_ |= verified_token::has_iss;
          else if (fp == f_sub) t.sub_ = sp, t.present_ |= verified_token::has_sub;
          else if (fp == f_jti) t.jti_ = sp;
          break;
        }
        case simdjson::dom::element_type::INT64: {
          if (is_str || is_aud) return unexpected{errc::invalid_claim};
          std::int64_t x = 0;
          if (v.get_int64().get(x) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
          put_entry(d, kind::integer, k, &x, 8);
          break;
        }
        case simdjson::dom::element_type::BOOL: {
          if (is_str || is_aud) return unexpected{errc::invalid_claim};
          bool b = false;
          if (v.get_bool().get(b) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
          char c = b ? 1 : 0;
          put_entry(d, kind::boolean, k, &c, 1);
          break;
        }
        case simdjson::dom::element_type::ARRAY: {
          if (is_str) return unexpected{errc::invalid_claim};
          simdjson::dom::array arr;
          if (v.get_array().get(arr) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
          bool all_strings = true;
          for (auto e : arr) all_strings = all_strings && e.type() == simdjson::dom::element_type::STRING;
          if (!all_strings) {
            if (is_aud) return unexpected{errc::invalid_claim};
            put_entry(d, kind::other, k, nullptr, 0);
          } else if (arr.size() == 0) {
            put_entry(d, kind::empty_list, k, nullptr, 0);
            if (is_aud) t.present_ |= verified_token::has_aud | verified_token::aud_is_list;
          } else {
            if (is_aud) t.present_ |= verified_token::has_aud | verified_token::aud_is_list;
            for (auto e : arr) {
              std::string_view s;
              if (e.get_string().get(s) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
              put_string(d, kind::string_element, k, s);
            }
          }
          break;
        }
        default:  // UINT64 beyond int64, DOUBLE, OBJECT, NULL
          if (is_str || is_aud) return unexpected{errc::invalid_claim};
          put_entry(d, kind::other, k, nullptr, 0);
          break;
      }
    }
    return t;
  }
};

}  // namespace tessera::jwt::detail
