#pragma once
// tessera::webhook::url_guard — the SSRF guard for URLs a partner registers (webhook endpoints):
// a strict http(s) URL parser, a classifier of IP addresses, and a resolve-once check whose
// addresses are the only ones an HTTP client may then connect to.
//
// Why "resolve once": checking a name and letting the HTTP client resolve it again lets DNS
// answer differently the second time (DNS rebinding). The guard resolves the name itself,
// checks every address, and hands back the checked addresses; the client connects to one of
// them literally (tessera::adapters::httplib::client does), never to the name.

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"

namespace tessera::webhook {

// An IPv4 or IPv6 address, in network byte order (IPv4 uses the first four bytes).
struct ip_address {
  bool v6 = false;                    // true for IPv6
  std::array<std::uint8_t, 16> bytes{};  // the address bytes

  // An IPv4 address from its four bytes.
  static constexpr ip_address from_v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept {
    ip_address x;
    x.bytes[0] = a; x.bytes[1] = b; x.bytes[2] = c; x.bytes[3] = d;
    return x;
  }

  // Parses a strict address literal: a dotted quad of four decimal numbers 0..255 (no octal, hex or
  // short forms), or an IPv6 address without brackets or zone id; nullopt for anything else.
  static std::optional<ip_address> parse(std::string_view text) noexcept;

  // The IPv4 address as a 32-bit number (v6 == false).
  constexpr std::uint32_t v4_value() const noexcept {
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) |
           bytes[3];
  }

  // The textual form (IPv6 without brackets), as a client connects to it.
  std::string to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf)) return {};
    return buf;
  }

  friend bool operator==(const ip_address&, const ip_address&) = default;
};

// What kind of network an address belongs to.
enum class address_class {
  global,           // public unicast: allowed
  loopback,         // 127.0.0.0/8, ::1
  private_network,  // 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10
  shared,           // 100.64.0.0/10 (carrier-grade NAT)
  link_local,       // 169.254.0.0/16, fe80::/10
  unspecified,      // 0.0.0.0, ::
  multicast,        // 224.0.0.0/4, ff00::/8
  broadcast,        // 255.255.255.255
  cloud_metadata,   // 169.254.169.254, 169.254.170.2, 100.100.100.200, fd00:ec2::254
  reserved,         // "this network", documentation, benchmarking, 240/4, Teredo, unallocated v6, ...
};

// The stable snake_case name of an address class, for logs.
constexpr std::string_view name(address_class c) noexcept {
  switch (c) {
    case address_class::global: return "global";
    case address_class::loopback: return "loopback";
    case address_class::private_network: return "private_network";
    case address_class::shared: return "shared";
    case address_class::link_local: return "link_local";
    case address_class::unspecified: return "unspecified";
    case address_class::multicast: return "multicast";
    case address_class::broadcast: return "broadcast";
    case address_class::cloud_metadata: return "cloud_metadata";
    case address_class::reserved: return "reserved";
  }
  return "reserved";
}

namespace detail {
// True when the top `bits` bits of v equal those of prefix.
constexpr bool in_v4(std::uint32_t v, std::uint32_t prefix, unsigned bits) noexcept {
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (v & mask) == (prefix & mask);
}
constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) noexcept {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

constexpr address_class classify_v4(std::uint32_t a) noexcept {
  if (a == 0) return address_class::unspecified;
  if (a == v4(169, 254, 169, 254) || a == v4(169, 254, 170, 2) || a == v4(100, 100, 100, 200))
    return address_class::cloud_metadata;
  if (a == 0xffffffffu) return address_class::broadcast;
  if (in_v4(a, v4(0, 0, 0, 0), 8)) return address_class::reserved;  // "this network"
  if (in_v4(a, v4(127, 0, 0, 0), 8)) return address_class::loopback;
  if (in_v4(a, v4(10, 0, 0, 0), 8) || in_v4(a, v4(172, 16, 0, 0), 12) || in_v4(a, v4(192, 168, 0, 0), 16))
    return address_class::private_network;
  if (in_v4(a, v4(100, 64, 0, 0), 10)) return address_class::shared;
  if (in_v4(a, v4(169, 254, 0, 0), 16)) return address_class::link_local;
  if (in_v4(a, v4(224, 0, 0, 0), 4)) return address_class::multicast;
  if (in_v4(a, v4(240, 0, 0, 0), 4)) return address_class::reserved;
  if (in_v4(a, v4(192, 0, 0, 0), 24) || in_v4(a, v4(192, 0, 2, 0), 24) || in_v4(a, v4(198, 51, 100, 0), 24) ||
      in_v4(a, v4(203, 0, 113, 0), 24) || in_v4(a, v4(198, 18, 0, 0), 15) || in_v4(a, v4(192, 88, 99, 0), 24))
    return address_class::reserved;
  return address_class::global;
}

constexpr std::uint32_t v4_at(const std::array<std::uint8_t, 16>& b, std::size_t i) noexcept {
  return (std::uint32_t{b[i]} << 24) | (std::uint32_t{b[i + 1]} << 16) | (std::uint32_t{b[i + 2]} << 8) | b[i + 3];
}
constexpr bool zeros(const std::array<std::uint8_t, 16>& b, std::size_t from, std::size_t to) noexcept {
  for (std::size_t i = from; i < to; ++i)
    if (b[i] != 0) return false;
  return true;
}

constexpr address_class classify_v6(const std::array<std::uint8_t, 16>& b) noexcept {
  if (zeros(b, 0, 16)) return address_class::unspecified;
  if (zeros(b, 0, 15) && b[15] == 1) return address_class::loopback;
  // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d
  // reach the IPv4 address they carry: classified as that address.
  if (zeros(b, 0, 10) && b[10] == 0xff && b[11] == 0xff) return classify_v4(v4_at(b, 12));
  if (zeros(b, 0, 12)) return classify_v4(v4_at(b, 12));
  if (zeros(b, 0, 8) && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0) return classify_v4(v4_at(b, 12));
  // NAT64 well-known prefix 64:ff9b::/96 reaches the embedded IPv4 address.
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && zeros(b, 4, 12))
    return classify_v4(v4_at(b, 12));
  // 6to4 2002::/16 carries an IPv4 address in bits 16..47: refused when that address would be.
  if (b[0] == 0x20 && b[1] == 0x02) return classify_v4(v4_at(b, 2));
  if (b[0] == 0xff) return address_class::multicast;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return address_class::link_local;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return address_class::private_network;  // site-local (deprecated)
  // fd00:ec2::254, the AWS instance metadata service over IPv6.
  if (b[0] == 0xfd && b[1] == 0x00 && b[2] == 0x0e && b[3] == 0xc2 && zeros(b, 4, 14) && b[14] == 0x02 &&
      b[15] == 0x54)
    return address_class::cloud_metadata;
  if ((b[0] & 0xfe) == 0xfc) return address_class::private_network;  // unique local fc00::/7
  // 2001::/23 (IETF protocol assignments, Teredo among them), 2001:db8::/32 (documentation),
  // 64:ff9b:1::/48 (local-use NAT64), 100::/64 (discard), and everything outside 2000::/3.
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02) return address_class::reserved;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return address_class::reserved;
  if ((b[0] & 0xe0) != 0x20) return address_class::reserved;
  return address_class::global;
}
}  // namespace detail

// The class of an address; IPv6 forms that carry an IPv4 address are classified as that address.
constexpr address_class classify(const ip_address& a) noexcept {
  return a.v6 ? detail::classify_v6(a.bytes) : detail::classify_v4(a.v4_value());
}

// What the guard lets through. The defaults refuse everything but public https endpoints.
struct url_guard_options {
  bool allow_http = false;       // plain http:// (the default is https only)
  bool allow_loopback = false;   // 127/8, ::1, "localhost": for tests and local development
  bool allow_private = false;    // private networks and carrier-grade NAT (100.64/10), e.g. an internal receiver
  std::size_t max_url_size = 2048;  // longer URLs are refused
};

// True when the options let a connection to an address of this class through. Link-local,
// unspecified, multicast, broadcast, cloud metadata and reserved addresses are never allowed.
constexpr bool allowed(address_class c, const url_guard_options& o) noexcept {
  switch (c) {
    case address_class::global: return true;
    case address_class::loopback: return o.allow_loopback;
    case address_class::private_network:
    case address_class::shared: return o.allow_private;
    default: return false;
  }
}

// A URL the guard parsed: every part checked, the host lowercased.
struct parsed_url {
  std::string scheme;               // "http" or "https"
  std::string host;                 // a lowercase DNS name, or an IP literal without brackets
  std::optional<ip_address> host_ip;  // the host's address when the host is an IP literal
  std::uint16_t port = 443;         // the explicit port, or the scheme's default
  std::string target;               // path and query, starting with '/'

  // True for https.
  bool tls() const noexcept { return scheme == "https"; }
  // The Host header value: host (IPv6 in brackets), with ":port" unless it is the default.
  std::string host_header() const;
  // The URL in normal form: scheme://host[:port]/target.
  std::string normalized() const { return scheme + "://" + host_header() + target; }
};

namespace detail {
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// A DNS host name: labels of 1..63 [a-z0-9-] (no '-' at either end), 253 characters at most, no
// trailing dot, and a last label that is not numeric (so "127.1", "2130706433" or "0x7f.1", which
// some resolvers read as IPv4 addresses, are refused rather than resolved).
constexpr bool valid_host_name(std::string_view h) noexcept {
  if (h.empty() || h.size() > 253) return false;
  std::size_t start = 0;
  std::string_view last;
  while (true) {
    const std::size_t dot = h.find('.', start);
    const std::string_view label = h.substr(start, dot == std::string_view::npos ? h.size() - start : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!(is_digit(c) || (c >= 'a' && c <= 'z') || c == '-')) return false;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  bool numeric = true;
  for (char c : last) numeric &= is_digit(c);
  if (numeric) return false;
  if (last.size() >= 2 && last[0] == '0' && last[1] == 'x') {
    bool hex = true;
    for (char c : last.substr(2)) hex &= is_hex(c);
    if (hex) return false;
  }
  return true;
}

// "localhost" and names under it (RFC 6761 §6.3) always mean loopback.
constexpr bool is_localhost_name(std::string_view h) noexcept {
  return h == "localhost" || (h.size() > 10 && h.substr(h.size() - 10) == ".localhost");
}

// Path and query characters: visible ASCII (no '#', checked earlier), '%' only as "%XX".
constexpr bool valid_target(std::string_view t) noexcept {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '%') continue;
    if (i + 2 >= t.size() || !is_hex(t[i + 1]) || !is_hex(t[i + 2])) return false;
  }
  return true;
}
}  // namespace detail

// Parses an absolute http or https URL strictly; url_not_allowed for anything else: a scheme
// other than http(s), userinfo ("user@host"), a fragment, an empty or malformed host, a port that
// is not 1..65535 in plain decimal, a zone id, whitespace, control or non-ASCII bytes, a
// backslash, a bad percent-escape, or more than max_size characters. No DNS is involved.
TESSERA_DECL result<parsed_url> parse_url(std::string_view url, std::size_t max_size = 2048) noexcept;

// Turns a host name into addresses.
// Rules: resolve() is noexcept and thread-safe; it returns every address the name has (at least
// one), or connection_failed when the name does not resolve; it never connects.
template <class R>
concept resolver = requires(const R& r, const std::string& host, std::uint16_t port) {
  { r.resolve(host, port) } noexcept -> std::same_as<result<std::vector<ip_address>>>;
};

// The system's resolver (getaddrinfo), at most max_addresses distinct addresses in its order.
struct system_resolver {
  static constexpr std::size_t max_addresses = 16;

  // The addresses of host; connection_failed when it does not resolve.
  result<std::vector<ip_address>> resolve(const std::string& host, std::uint16_t) const noexcept;
};
static_assert(resolver<system_resolver>);

// A URL checked for connecting: its parts and the addresses (all allowed) to connect to.
struct guarded_target {
  parsed_url url;
  std::vector<ip_address> addresses;  // connect to these literally, never to url.host
};

// Applies the options to URLs: check() without DNS (at registration), resolve() at connect time.
// Immutable after construction, so thread-safe.
template <resolver R = system_resolver>
class url_guard {
 public:
  // A guard with these options, resolving names with r.
  explicit url_guard(url_guard_options o = {}, R r = R{}) : options_(o), resolver_(std::move(r)) {}

  // Parses the URL and checks what can be checked without DNS: the scheme (https unless
  // allow_http), an IP-literal host's class, and "localhost" names (loopback). url_not_allowed
  // when refused. A name that passes must still pass resolve() when connecting.
  result<parsed_url> check(std::string_view url) const noexcept {
    auto u = parse_url(url, options_.max_url_size);
    if (!u) return u;
    if (!u->tls() && !options_.allow_http) return unexpected{errc::url_not_allowed};
    if (u->host_ip && !allowed(classify(*u->host_ip), options_)) return unexpected{errc::url_not_allowed};
    if (!u->host_ip && detail::is_localhost_name(u->host) && !options_.allow_loopback)
      return unexpected{errc::url_not_allowed};
    return u;
  }

  // Resolves the host once and checks every address: url_not_allowed when any address is refused
  // (a name that resolves to one public and one private address is refused), connection_failed
  // when the name does not resolve. An IP-literal host is its own single address.
  result<std::vector<ip_address>> resolve(const parsed_url& u) const noexcept {
    try {
      if (u.host_ip) {
        if (!allowed(classify(*u.host_ip), options_)) return unexpected{errc::url_not_allowed};
        return std::vector<ip_address>{*u.host_ip};
      }
      auto addrs = resolver_.resolve(u.host, u.port);
      if (!addrs) return addrs;
      if (addrs->empty()) return unexpected{errc::connection_failed};
      for (const auto& a : *addrs)
        if (!allowed(classify(a), options_)) return unexpected{errc::url_not_allowed};
      return addrs;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // check() then resolve(): the URL and the addresses a client may connect to.
  result<guarded_target> prepare(std::string_view url) const noexcept {
    auto u = check(url);
    if (!u) return unexpected{u.error()};
    auto addrs = resolve(*u);
    if (!addrs) return unexpected{addrs.error()};
    try {
      return guarded_target{std::move(*u), std::move(*addrs)};
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // The options in force.
  const url_guard_options& options() const noexcept { return options_; }

 private:
  url_guard_options options_;
  R resolver_;
};

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/url_guard.ipp"
#endif
