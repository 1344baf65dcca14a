#pragma once
// tessera::jwt::verified_token — the claims of a token whose signature and rules have been
// checked. Only a verifier can construct one.

#include <cstdint>
#include <cstring>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/algorithm.hpp"
#include "tessera/jwt/detail/token_bytes.hpp"

namespace tessera::jwt {

namespace detail {
struct token_builder;
}  // namespace detail

// A verified JWT. Registered claims are typed; custom claims are read from a compact table built
// during verification (strings, integers, booleans, string lists), and nlohmann::json is built
// only when asked for. Not for concurrent use by several threads at once.
class verified_token {
 public:
  // Kinds of values kept in the claim table.
  enum class value_kind : std::uint8_t { string = 0, string_element = 1, integer = 2, boolean = 3, other = 4, empty_list = 5 };

  // The header's algorithm (always the algorithm the key is bound to).
  jwt::alg algorithm() const noexcept { return alg_; }
  // The header's kid ("" when absent).
  std::string_view kid() const noexcept { return slice(kid_); }
  // The header's typ ("" when absent).
  std::string_view type() const noexcept { return slice(typ_); }
  // The iss claim ("" when absent).
  std::string_view issuer() const noexcept { return slice(iss_); }
  // The sub claim ("" when absent).
  std::string_view subject() const noexcept { return slice(sub_); }
  // The jti claim ("" when absent).
  std::string_view jwt_id() const noexcept { return slice(jti_); }
  // The exp claim in Unix seconds.
  std::optional<std::int64_t> expires_at() const noexcept { return exp_; }
  // The nbf claim in Unix seconds.
  std::optional<std::int64_t> not_before() const noexcept { return nbf_; }
  // The iat claim in Unix seconds.
  std::optional<std::int64_t> issued_at() const noexcept { return iat_; }

  // True when the aud claim (string or array) contains a.
  bool has_audience(std::string_view a) const noexcept;
  // Every audience (one for a string aud).
  std::vector<std::string_view> audiences() const;

  // True when the claims hold this top-level name.
  bool has_claim(std::string_view name) const noexcept;
  // A string claim. missing_claim when absent, invalid_claim when not a string.
  result<std::string_view> claim_string(std::string_view name) const noexcept {
    return typed(name, value_kind::string, [](std::string_view v) { return v; });
  }
  // An integer claim (JSON integer within int64). missing_claim / invalid_claim.
  result<std::int64_t> claim_int(std::string_view name) const noexcept;
  // A boolean claim. missing_claim / invalid_claim.
  result<bool> claim_bool(std::string_view name) const noexcept {
    return typed(name, value_kind::boolean, [](std::string_view v) { return v[0] != 0; });
  }
  // A list of strings: a space-separated string (as OAuth "scope") or an array of strings.
  result<std::vector<std::string>> claim_strings(std::string_view name) const;
  // True when the list claim (space-separated string or array; "scope" by default) holds `item`.
  bool has_in_list(std::string_view item, std::string_view claim = "scope") const noexcept;
  // True when the "scope" claim grants the scope.
  bool has_scope(std::string_view scope) const noexcept { return has_in_list(scope, "scope"); }

  // One claim as nlohmann::json (parsed on demand from the verified claims text).
  result<nlohmann::json> claim_json(std::string_view name) const;
  // All claims as nlohmann::json (parsed on demand).
  nlohmann::json claims() const;
  // The verified claims JSON text, exactly as signed.
  std::string_view claims_text() const noexcept { return std::string_view(data_.data(), payload_len_); }

 private:
  friend struct detail::token_builder;
  struct span {
    std::uint32_t off = 0, len = 0;
  };
  // Presence bits of registered claims, recorded while the token is built.
  enum : std::uint8_t { has_iss = 1, has_aud = 2, has_sub = 4, aud_is_list = 8, has_jti = 16 };
  // Bytes of one claim-table record (see for_each).
  static constexpr std::size_t record_size = 16;
  verified_token() = default;

  std::string_view slice(span s) const noexcept { return std::string_view(data_.data() + s.off, s.len); }

  // Inline byte comparison: claim names are short, and a library memcmp call costs more than them.
  static bool same_bytes(const char* a, const char* b, std::size_t n) noexcept;

  template <class Fn>
  static void split_spaces(std::string_view v, Fn&& fn) noexcept {
    std::size_t i = 0;
    while (i < v.size()) {
      while (i < v.size() && v[i] == ' ') ++i;
      std::size_t j = i;
      while (j < v.size() && v[j] != ' ') ++j;
      if (j > i) fn(v.substr(i, j - i));
      i = j;
    }
  }

  // Calls fn(kind, value) for each value of the named claim. The registered claims exp, nbf, iat,
  // iss, sub, jti and a string aud are kept in typed members (an integer's value is its 8 bytes);
  // an aud list and every other claim are in the table, one record per value, starting at
  // table_off_. A record is record_size bytes: name offset (4) and length (2) into data_, kind (1),
  // a boolean's value (1), then a string's offset (4) and length (4) or an integer's 8 bytes.
  // Writes one record at `at` (the builder's side of the layout for_each reads): an integer's or
  // boolean's value is `number`, any other kind's is `text`.
  static void write_record(char* at, span name, value_kind kind, std::int64_t number, span text) noexcept;

  template <class Fn>
  void for_each(std::string_view name, Fn&& fn) const noexcept {
    if (name.size() == 3 && registered(name, fn)) return;
    const char* const base = data_.data();
    for (const char* p = base + table_off_; p < base + data_.size(); p += record_size) {
      std::uint32_t noff;
      std::uint16_t nlen;
      std::memcpy(&noff, p, 4);
      std::memcpy(&nlen, p + 4, 2);
      if (nlen != name.size() || !same_bytes(base + noff, name.data(), nlen)) continue;
      const auto kind = static_cast<value_kind>(static_cast<unsigned char>(p[6]));
      if (kind == value_kind::integer) {
        fn(kind, std::string_view(p + 8, 8));
      } else if (kind == value_kind::boolean) {
        fn(kind, std::string_view(p + 7, 1));
      } else {
        span v;
        std::memcpy(&v.off, p + 8, 4);
        std::memcpy(&v.len, p + 12, 4);
        fn(kind, slice(v));
      }
    }
  }
  // for_each for a registered claim kept in a typed member; false when the table must be read
  // (an aud list, or a name that is not one of these).
  template <class Fn>
  bool registered(std::string_view name, Fn& fn) const noexcept {
    auto date = [&](const std::optional<std::int64_t>& d) {
      if (d) fn(value_kind::integer, std::string_view(reinterpret_cast<const char*>(&*d), sizeof(std::int64_t)));
      return true;
    };
    auto text = [&](std::uint8_t bit, span s) {
      if (present_ & bit) fn(value_kind::string, slice(s));
      return true;
    };
    // The name's three bytes as one number, so the dispatch is a switch, not string compares.
    constexpr auto code = [](const char* n) {
      return (std::uint32_t(static_cast<unsigned char>(n[0])) << 16) | (std::uint32_t(static_cast<unsigned char>(n[1])) << 8) |
             std::uint32_t(static_cast<unsigned char>(n[2]));
    };
    switch (code(name.data())) {
      case code("exp"): return date(exp_);
      case code("nbf"): return date(nbf_);
      case code("iat"): return date(iat_);
      case code("iss"): return text(has_iss, iss_);
      case code("sub"): return text(has_sub, sub_);
      case code("jti"): return text(has_jti, jti_);
      case code("aud"): return !(present_ & aud_is_list) && text(has_aud, aud_);
      default: break;
    }
    return false;
  }

  template <class Fn>
  auto typed(std::string_view name, value_kind want, Fn&& conv) const noexcept -> result<decltype(conv(std::string_view{}))> {
    bool present = false, match = false;
    std::string_view val;
    for_each(name, [&](value_kind k, std::string_view v) {
      present = true;
      if (k == want) {
        match = true;
        val = v;
      }
    });
    if (!present) return unexpected{errc::missing_claim};
    if (!match) return unexpected{errc::invalid_claim};
    return conv(val);
  }

  // The claims JSON text, then the header's kid and typ and any string the text holds escaped
  // (unescaped), then the claim table. Strings written without escapes are read from the text.
  // Inline up to detail::token_bytes::inline_capacity bytes: a token of the usual size is
  // verified without an allocation.
  detail::token_bytes data_;
  std::uint32_t payload_len_ = 0;
  std::uint32_t table_off_ = 0;
  jwt::alg alg_ = jwt::alg::hs256;
  span kid_, typ_, iss_, sub_, jti_, aud_;
  std::uint8_t present_ = 0;
  std::optional<std::int64_t> exp_, nbf_, iat_;
};

}  // namespace tessera::jwt

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/jwt/impl/verified_token.ipp"
#endif
