#pragma once
// The bodies of webhook/url_guard.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/webhook/url_guard.hpp"

namespace tessera::webhook {

TESSERA_DECL auto ip_address::parse(std::string_view text) noexcept -> std::optional<ip_address> {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  ip_address x;
  if (text.find(':') == std::string_view::npos) {
    // inet_pton(AF_INET) takes exactly the dotted-decimal form; refuse leading zeros as well,
    // which some parsers read as octal.
    if (inet_pton(AF_INET, buf, x.bytes.data()) != 1) return std::nullopt;
    for (std::size_t i = 0; i + 1 < text.size(); ++i)
      if (text[i] == '0' && (i == 0 || text[i - 1] == '.') && text[i + 1] != '.') return std::nullopt;
    return x;
  }
  if (text.find('%') != std::string_view::npos || inet_pton(AF_INET6, buf, x.bytes.data()) != 1) return std::nullopt;
  x.v6 = true;
  return x;
}

TESSERA_DECL auto parsed_url::host_header() const -> std::string {
  std::string h = host_ip && host_ip->v6 ? "[" + host + "]" : host;
  if (port != (tls() ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

TESSERA_DECL auto system_resolver::resolve(const std::string& host, std::uint16_t) const noexcept
    -> result<std::vector<ip_address>> {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0 || !list) {
    if (list) freeaddrinfo(list);
    return unexpected{errc::connection_failed};
  }
  std::vector<ip_address> out;
  try {
    for (addrinfo* ai = list; ai && out.size() < max_addresses; ai = ai->ai_next) {
      ip_address a;
      if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(sockaddr_in)) {
        const auto* sa = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
        std::memcpy(a.bytes.data(), &sa->sin_addr, 4);
      } else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(sockaddr_in6)) {
        const auto* sa = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
        std::memcpy(a.bytes.data(), &sa->sin6_addr, 16);
        a.v6 = true;
      } else {
        continue;
      }
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
  } catch (...) {
    freeaddrinfo(list);
    return unexpected{errc::internal_error};
  }
  freeaddrinfo(list);
  if (out.empty()) return unexpected{errc::connection_failed};
  return out;
}

}  // namespace tessera::webhook

namespace tessera::webhook {

TESSERA_DECL result<parsed_url> parse_url(std::string_view url, std::size_t max_size) noexcept {
  const auto refuse = unexpected{errc::url_not_allowed};
  if (url.empty() || url.size() > max_size) return refuse;
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '\\' || c == '#') return refuse;
  }
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) return refuse;
  try {
    parsed_url out;
    for (char c : url.substr(0, sep)) out.scheme.push_back(detail::lower(c));
    if (out.scheme != "http" && out.scheme != "https") return refuse;
    const std::string_view rest = url.substr(sep + 3);
    const std::size_t auth_end = rest.find_first_of("/?");
    const std::string_view authority = rest.substr(0, auth_end);
    std::string_view target = auth_end == std::string_view::npos ? std::string_view() : rest.substr(auth_end);
    if (authority.find('@') != std::string_view::npos) return refuse;

    std::string_view host, port_text;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
      const std::size_t close = authority.find(']');
      if (close == std::string_view::npos) return refuse;
      host = authority.substr(1, close - 1);
      const std::string_view after = authority.substr(close + 1);
      if (!after.empty()) {
        if (after.front() != ':') return refuse;
        has_port = true;
        port_text = after.substr(1);
      }
      auto ip = ip_address::parse(host);
      if (!ip || !ip->v6) return refuse;
      out.host_ip = ip;
      out.host = ip->to_string();  // normal form, lowercase
    } else {
      const std::size_t colon = authority.find(':');
      host = authority.substr(0, colon);
      if (colon != std::string_view::npos) {
        has_port = true;
        port_text = authority.substr(colon + 1);
      }
      if (host.empty()) return refuse;
      for (char c : host) out.host.push_back(detail::lower(c));
      if (out.host.find_first_not_of("0123456789.") == std::string::npos) {
        auto ip = ip_address::parse(out.host);  // only a strict dotted quad
        if (!ip) return refuse;
        out.host_ip = ip;
      } else if (!detail::valid_host_name(out.host)) {
        return refuse;
      }
    }
    out.port = out.scheme == "https" ? 443 : 80;
    if (has_port) {
      if (port_text.empty() || port_text.size() > 5 || port_text.front() == '0') return refuse;
      unsigned p = 0;
      for (char c : port_text) {
        if (!detail::is_digit(c)) return refuse;
        p = p * 10 + static_cast<unsigned>(c - '0');
      }
      if (p == 0 || p > 65535) return refuse;
      out.port = static_cast<std::uint16_t>(p);
    }
    if (!detail::valid_target(target)) return refuse;
    if (target.empty() || target.front() == '?') out.target = "/";
    out.target.append(target);
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

}  // namespace tessera::webhook
