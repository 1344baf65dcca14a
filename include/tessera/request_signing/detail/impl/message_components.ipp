#pragma once
// The bodies of request_signing/detail/message_components.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/request_signing/detail/message_components.hpp"

namespace tessera::request_signing::httpsig::detail {

TESSERA_DECL bool flag_set(const sf::parameters& ps, std::string_view key) noexcept {
  const sf::bare_item* v = ps.find(key);
  const bool* b = v ? std::get_if<bool>(v) : nullptr;
  return b && *b;
}

TESSERA_DECL const std::string* string_param(const sf::parameters& ps, std::string_view key) noexcept {
  const sf::bare_item* v = ps.find(key);
  return v ? std::get_if<std::string>(v) : nullptr;
}

TESSERA_DECL result<derived> check_identifier(const sf::item& id) noexcept {
  const auto* name = std::get_if<std::string>(&id.value);
  if (!name) return unexpected{errc::httpsig_malformed_signature_input};
  if (!name->empty() && name->front() == '@') {
    const derived d = derived_named(*name);
    if (d == derived::none) return unexpected{errc::httpsig_unknown_component};
    if (d == derived::query_param) {
      if (id.params.size() != 1 || !string_param(id.params, "name")) return unexpected{errc::httpsig_bad_component_parameter};
    } else if (!id.params.empty()) {
      return unexpected{errc::httpsig_bad_component_parameter};
    }
    return d;
  }
  if (!lowercase_field_name(*name)) return unexpected{errc::httpsig_unknown_component};
  for (const auto& [key, value] : id.params) {
    if (key == "sf" || key == "bs") {
      const bool* b = std::get_if<bool>(&value);
      if (!b || !*b) return unexpected{errc::httpsig_bad_component_parameter};
    } else if (key == "key") {
      if (!std::holds_alternative<std::string>(value)) return unexpected{errc::httpsig_bad_component_parameter};
    } else {
      return unexpected{errc::httpsig_bad_component_parameter};
    }
  }
  if (flag_set(id.params, "bs") && (id.params.contains("sf") || id.params.contains("key")))
    return unexpected{errc::httpsig_bad_component_parameter};
  return derived::none;
}

TESSERA_DECL bool same_identifier(const sf::item& a, const sf::item& b) noexcept {
  if (!(a.value == b.value) || a.params.size() != b.params.size()) return false;
  for (const auto& [key, value] : a.params) {
    const sf::bare_item* other = b.params.find(key);
    if (!other || !(*other == value)) return false;
  }
  return true;
}

TESSERA_DECL bool append_field_line(std::string& out, std::string_view line, bool binary) {
  auto ows = [](char c) { return c == ' ' || c == '\t'; };
  std::size_t b = 0, e = line.size();
  while (b < e && ows(line[b])) ++b;
  while (e > b && ows(line[e - 1])) --e;
  const std::size_t start = out.size();
  std::size_t run = b;  // the bytes from here to i are appended at once
  for (std::size_t i = b; i < e; ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == '\r' || c == '\n') {
      out.append(line.data() + run, i - run);
      std::size_t j = i;
      if (line[j] == '\r') {
        if (j + 1 >= e || line[j + 1] != '\n') return false;
        ++j;
      }
      ++j;  // past LF
      if (j >= e || !ows(line[j])) return false;
      while (j < e && ows(line[j])) ++j;
      while (out.size() > start && ows(out.back())) out.pop_back();
      out.push_back(' ');
      run = j;
      i = j - 1;
      continue;
    }
    if (!binary && ((c < 0x20 && c != '\t') || c >= 0x7f)) return false;
  }
  out.append(line.data() + run, e - run);
  return true;
}

TESSERA_DECL bool append_scheme(std::string& out, std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool ok = alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return false;
  }
  const std::size_t at = out.size();
  out.append(s);
  for (std::size_t i = at; i < out.size(); ++i)
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  return true;
}

TESSERA_DECL bool append_authority(std::string& out, std::string_view a, std::string_view scheme) {
  if (a.empty()) return false;
  for (char c : a)
    if (c < 0x21 || c > 0x7e || c == '/' || c == '?' || c == '#' || c == '@') return false;
  std::string_view host = a, port;  // port with its ':', when kept
  const std::size_t colon = a.rfind(':');
  const std::size_t bracket = a.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view digits = a.substr(colon + 1);
    for (char c : digits)
      if (c < '0' || c > '9') return false;
    const bool default_port = (scheme == "https" && digits == "443") || (scheme == "http" && digits == "80");
    if (!digits.empty() && !default_port) port = a.substr(colon);
    host = a.substr(0, colon);
  }
  if (host.empty()) return false;
  const std::size_t at = out.size();
  out.append(host);
  for (std::size_t i = at; i < out.size(); ++i)
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  out.append(port);
  return true;
}

TESSERA_DECL void append_form_decoded(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && s.size() - i >= 3 && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
}

TESSERA_DECL void append_form_encoded(std::string& out, std::string_view bytes) {
  constexpr char digits[] = "0123456789ABCDEF";
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*' ||
                      c == '-' || c == '.' || c == '_';
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
}

TESSERA_DECL result<void> append_query_param(std::string& out, std::string_view query, std::string_view name) {
  std::string decoded, encoded;
  std::string_view found;
  std::size_t count = 0;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view piece = query.substr(start, amp - start);
    start = amp + 1;
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    decoded.clear();
    append_form_decoded(decoded, piece.substr(0, eq));
    if (!valid_utf8(decoded)) return unexpected{errc::httpsig_malformed_component};
    encoded.clear();
    append_form_encoded(encoded, decoded);
    if (encoded != name) continue;
    if (++count > 1) return unexpected{errc::httpsig_ambiguous_component};
    found = eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
  }
  if (count == 0) return unexpected{errc::httpsig_missing_component};
  decoded.clear();
  append_form_decoded(decoded, found);
  if (!valid_utf8(decoded)) return unexpected{errc::httpsig_malformed_component};
  append_form_encoded(out, decoded);
  return core::ok();
}

}  // namespace tessera::request_signing::httpsig::detail
