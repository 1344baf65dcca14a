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
#include <type_traits>
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

// A cheap fingerprint of a member name: its length and its first, middle and last bytes, read
// without a branch on the length (a switch on it mispredicts on every claim). Names with
// different fingerprints differ, and a name of up to three bytes is identified exactly, so the
// registered claim names (all three bytes long) are recognised by fingerprint alone.
constexpr std::uint64_t name_fingerprint(std::string_view k) noexcept {
  const std::size_t n = k.size();
  if (n == 0) return 0;
  const auto byte = [&](std::size_t i) { return std::uint64_t(static_cast<unsigned char>(k[i])); };
  return (std::uint64_t(n) << 24) | (byte(0) << 16) | (byte(n / 2) << 8) | byte(n - 1);
}
// The fingerprint of a literal name, for dispatch on registered names.
constexpr std::uint64_t literal_fingerprint(std::string_view k) noexcept { return name_fingerprint(k); }

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
  // What the claims walk found, for the pass that writes the token (see token_builder).
  struct claim_item {
    std::string_view name, text;  // text: a string value (views into claims_parser)
    std::int64_t number = 0;      // an integer or boolean value
    std::uint8_t kind = 0;        // verified_token::value_kind of a table entry
    std::uint8_t slot = 0;        // 0: a table entry; else which registered member (token_builder::slot)
  };
  std::vector<claim_item> items;
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
//
// One walk over the parsed claims checks everything, records what it found in the thread's
// scratch list and counts the bytes the token needs; the token's storage is then allocated once
// at exactly that size and filled from the list, without reading the DOM again.
struct token_builder {
  using kind = verified_token::value_kind;
  using item = thread_state::claim_item;

  // Largest claim table accepted; a signed token whose claims would need more is token_malformed.
  static constexpr std::size_t max_table_size = 64 * 1024;

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
  // Registered string claims kept in typed members rather than in the table.
  enum slot : std::uint8_t { table = 0, iss, sub, jti, aud };

  static void copy(char*& p, const void* v, std::size_t n) noexcept {
    if (n) std::memcpy(p, v, n);
    p += n;
  }

  static result<verified_token> build_impl(jwt::alg a, const header_fields& h, std::string_view payload_b64) {
    thread_state* st = state();
    if (!st) return unexpected{errc::internal_error};
    std::size_t payload_len = 0;
    auto obj = decode_object(payload_b64, st->payload_buf, st->claims_parser, &payload_len);
    if (!obj) return unexpected{obj.error()};
    verified_token t;
    t.alg_ = a;
    std::size_t text_bytes = 0, table_bytes = 0;
    if (auto r = walk(*obj, st, t, text_bytes, table_bytes); !r) return unexpected{r.error()};

    // The claims text, the header's kid and typ, registered string claims, then the table
    // (entries: kind(1) name_len(2) name value_len(4) value; see verified_token::for_each).
    const std::size_t kid_len = h.kid ? h.kid->size() : 0;
    const std::size_t head = payload_len + kid_len + h.typ.size();
    t.data_.resize(head + text_bytes + table_bytes);
    char* const base = t.data_.data();
    char* p = base;
    copy(p, st->payload_buf, payload_len);
    t.payload_len_ = static_cast<std::uint32_t>(payload_len);
    if (h.kid) t.kid_ = {static_cast<std::uint32_t>(p - base), static_cast<std::uint32_t>(kid_len)};
    copy(p, h.kid ? h.kid->data() : nullptr, kid_len);
    t.typ_ = {static_cast<std::uint32_t>(p - base), static_cast<std::uint32_t>(h.typ.size())};
    copy(p, h.typ.data(), h.typ.size());
    t.table_off_ = static_cast<std::uint32_t>(head + text_bytes);
    char* q = base + t.table_off_;
    for (const item& it : st->items) {
      if (it.slot != table) {
        const verified_token::span sp{static_cast<std::uint32_t>(p - base), static_cast<std::uint32_t>(it.text.size())};
        copy(p, it.text.data(), it.text.size());
        switch (it.slot) {
          case iss: t.iss_ = sp, t.present_ |= verified_token::has_iss; break;
          case sub: t.sub_ = sp, t.present_ |= verified_token::has_sub; break;
          case jti: t.jti_ = sp, t.present_ |= verified_token::has_jti; break;
          default: t.aud_ = sp, t.present_ |= verified_token::has_aud; break;
        }
        continue;
      }
      const auto k = static_cast<kind>(it.kind);
      const auto nlen = static_cast<std::uint16_t>(it.name.size());
      const auto vlen = static_cast<std::uint32_t>(k == kind::integer ? 8 : k == kind::boolean ? 1 : it.text.size());
      *q++ = static_cast<char>(it.kind);
      copy(q, &nlen, 2);
      copy(q, it.name.data(), nlen);
      copy(q, &vlen, 4);
      const char flag = it.number != 0 ? 1 : 0;
      copy(q, k == kind::integer ? static_cast<const void*>(&it.number) : k == kind::boolean ? &flag : it.text.data(), vlen);
    }
    return t;
  }

  // Checks every claim and records it in st->items. exp, nbf and iat go straight to typed
  // members; iss, sub, jti and a string aud are recorded for typed members; an aud list and
  // every other claim become table entries.
  static result<void> walk(simdjson::dom::object obj, thread_state* st, verified_token& t, std::size_t& text_bytes,
                           std::size_t& table_bytes) {
    auto& items = st->items;
    items.clear();
    auto entry = [&](kind k, std::string_view name, std::string_view text, std::int64_t number, std::size_t vlen) {
      items.push_back(item{name, text, number, static_cast<std::uint8_t>(k), table});
      table_bytes += 7 + name.size() + vlen;
    };
    std::size_t count = 0;
    constexpr std::uint64_t f_exp = literal_fingerprint("exp"), f_nbf = literal_fingerprint("nbf"),
                            f_iat = literal_fingerprint("iat"), f_iss = literal_fingerprint("iss"),
                            f_sub = literal_fingerprint("sub"), f_jti = literal_fingerprint("jti"),
                            f_aud = literal_fingerprint("aud");
    for (auto field : obj) {
      std::string_view k = field.key;
      if (count == st->seen.size() || k.size() > 0xffff || table_bytes > max_table_size)
        return unexpected{errc::token_malformed};
      // Registered names are three bytes long, so their fingerprint identifies them exactly.
      const std::uint64_t fp = name_fingerprint(k);
      if (!remember_name(st->seen, st->seen_fp, count, k, fp)) return unexpected{errc::token_malformed};  // duplicate
      simdjson::dom::element v = field.value;
      const bool is_str = fp == f_iss || fp == f_sub || fp == f_jti;
      const bool is_aud = fp == f_aud;
      if (fp == f_exp || fp == f_nbf || fp == f_iat) {
        auto x = numeric_date(v);
        if (!x) return unexpected{x.error()};
        (fp == f_exp ? t.exp_ : fp == f_nbf ? t.nbf_ : t.iat_) = *x;
        continue;
      }
      switch (v.type()) {
        case simdjson::dom::element_type::STRING: {
          std::string_view s;
          if (v.get_string().get(s) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
          if (is_str || is_aud) {
            const slot sl = is_aud ? aud : fp == f_iss ? iss : fp == f_sub ? sub : jti;
            items.push_back(item{k, s, 0, static_cast<std::uint8_t>(kind::string), sl});
            text_bytes += s.size();
          } else {
            entry(kind::string, k, s, 0, s.size());
          }
          break;
        }
        case simdjson::dom::element_type::INT64: {
          if (is_str || is_aud) return unexpected{errc::invalid_claim};
          std::int64_t x = 0;
          if (v.get_int64().get(x) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
          entry(kind::integer, k, {}, x, 8);
          break;
        }
        case simdjson::dom::element_type::BOOL: {
          if (is_str || is_aud) return unexpected{errc::invalid_claim};
          bool b = false;
          if (v.get_bool().get(b) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
          entry(kind::boolean, k, {}, b ? 1 : 0, 1);
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
            entry(kind::other, k, {}, 0, 0);
            break;
          }
          if (is_aud) t.present_ |= verified_token::has_aud | verified_token::aud_is_list;
          if (arr.size() == 0) {
            entry(kind::empty_list, k, {}, 0, 0);
            break;
          }
          for (auto e : arr) {
            std::string_view s;
            if (e.get_string().get(s) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
            entry(kind::string_element, k, s, 0, s.size());
            if (table_bytes > max_table_size) return unexpected{errc::token_malformed};
          }
          break;
        }
        default:  // UINT64 beyond int64, DOUBLE, OBJECT, NULL
          if (is_str || is_aud) return unexpected{errc::invalid_claim};
          entry(kind::other, k, {}, 0, 0);
          break;
      }
    }
    if (table_bytes > max_table_size) return unexpected{errc::token_malformed};
    return core::ok();
  }
};

}  // namespace tessera::jwt::detail
