#pragma once
// The bodies of jwt/verified_token.hpp that need nlohmann/json (see TESSERA_DECL in config.hpp).

#include <nlohmann/json.hpp>

#include "tessera/jwt/verified_token.hpp"

namespace tessera::jwt {

TESSERA_DECL result<nlohmann::json> verified_token::claim_json(std::string_view name) const {
  auto all = claims();
  auto it = all.find(std::string(name));
  if (it == all.end()) return unexpected{errc::missing_claim};
  return *it;
}

TESSERA_DECL nlohmann::json verified_token::claims() const {
  return nlohmann::json::parse(claims_text(), nullptr, false);
}

}  // namespace tessera::jwt

namespace tessera::jwt {

TESSERA_DECL auto verified_token::has_audience(std::string_view a) const noexcept -> bool {
  if (!(present_ & aud_is_list)) return (present_ & has_aud) && slice(aud_) == a;
  bool found = false;
  for_each("aud", [&](value_kind k, std::string_view v) {
    if ((k == value_kind::string || k == value_kind::string_element) && v == a) found = true;
  });
  return found;
}

TESSERA_DECL auto verified_token::audiences() const -> std::vector<std::string_view> {
  std::vector<std::string_view> out;
  for_each("aud", [&](value_kind k, std::string_view v) {
    if (k == value_kind::string || k == value_kind::string_element) out.push_back(v);
  });
  return out;
}

TESSERA_DECL auto verified_token::has_claim(std::string_view name) const noexcept -> bool {
  // The registered names a verifier's rules ask for are answered from presence bits.
  if (name == "iss") return (present_ & has_iss) != 0;
  if (name == "aud") return (present_ & has_aud) != 0;
  if (name == "sub") return (present_ & has_sub) != 0;
  bool found = false;
  for_each(name, [&](value_kind, std::string_view) { found = true; });
  return found;
}

TESSERA_DECL auto verified_token::claim_int(std::string_view name) const noexcept -> result<std::int64_t> {
  return typed(name, value_kind::integer, [](std::string_view v) {
    std::int64_t x;
    std::memcpy(&x, v.data(), sizeof x);
    return x;
  });
}

TESSERA_DECL auto verified_token::claim_strings(std::string_view name) const -> result<std::vector<std::string>> {
  // Counted and checked first, so that the list is allocated once whatever its length, and a
  // missing or malformed claim costs one pass over the table.
  std::size_t count = 0;
  bool present = false, bad = false;
  for_each(name, [&](value_kind k, std::string_view v) {
    present = true;
    if (k == value_kind::string) split_spaces(v, [&](std::string_view) { ++count; });
    else if (k == value_kind::string_element) ++count;
    else if (k != value_kind::empty_list) bad = true;
  });
  if (!present) return unexpected{errc::missing_claim};
  if (bad) return unexpected{errc::invalid_claim};
  std::vector<std::string> out;
  if (count == 0) return out;
  out.reserve(count);
  for_each(name, [&](value_kind k, std::string_view v) {
    if (k == value_kind::string) split_spaces(v, [&](std::string_view w) { out.emplace_back(w); });
    else if (k == value_kind::string_element) out.emplace_back(v);
  });
  return out;
}

TESSERA_DECL auto verified_token::has_in_list(std::string_view item, std::string_view claim) const noexcept -> bool {
  bool found = false;
  for_each(claim, [&](value_kind k, std::string_view v) {
    if (k == value_kind::string) split_spaces(v, [&](std::string_view w) { found = found || w == item; });
    else if (k == value_kind::string_element) found = found || v == item;
  });
  return found;
}

TESSERA_DECL auto verified_token::same_bytes(const char* a, const char* b, std::size_t n) noexcept -> bool {
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

TESSERA_DECL auto verified_token::write_record(char* at, span name, value_kind kind, std::int64_t number,
                                               span text) noexcept -> void {
  unsigned char rec[record_size] = {};
  const auto name_len = static_cast<std::uint16_t>(name.len);
  std::memcpy(rec, &name.off, 4);
  std::memcpy(rec + 4, &name_len, 2);
  rec[6] = static_cast<unsigned char>(kind);
  if (kind == value_kind::integer) {
    std::memcpy(rec + 8, &number, 8);
  } else if (kind == value_kind::boolean) {
    rec[7] = number != 0 ? 1 : 0;
  } else {
    std::memcpy(rec + 8, &text.off, 4);
    std::memcpy(rec + 12, &text.len, 4);
  }
  std::memcpy(at, rec, sizeof rec);
}

}  // namespace tessera::jwt
