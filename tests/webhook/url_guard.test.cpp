// Tests for tessera/webhook/url_guard.hpp: strict URL parsing, address classification (IPv4,
// IPv6 and the IPv6 forms that carry IPv4), and the resolve-once check a client connects through.
#include "tessera/webhook/url_guard.hpp"

#include <map>
#include <string>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using webhook::address_class;

namespace {
address_class cls(const char* text) {
  auto a = webhook::ip_address::parse(text);
  REQUIRE(a);
  return webhook::classify(*a);
}

// Answers from a table, as a DNS server under an attacker's control would.
struct table_resolver {
  std::map<std::string, std::vector<const char*>> names;
  result<std::vector<webhook::ip_address>> resolve(const std::string& host, std::uint16_t) const noexcept {
    auto it = names.find(host);
    if (it == names.end()) return unexpected{errc::connection_failed};
    std::vector<webhook::ip_address> out;
    for (const char* t : it->second) out.push_back(*webhook::ip_address::parse(t));
    return out;
  }
};
static_assert(webhook::resolver<table_resolver>);

webhook::url_guard_options with_http() {
  webhook::url_guard_options o;
  o.allow_http = true;
  return o;
}
}  // namespace

TEST_CASE("parse_url takes strict http and https URLs apart", "[webhook][url_guard]") {
  auto u = webhook::parse_url("HTTPS://Hooks.Example.COM/in/bound?x=1&y=%2F");
  REQUIRE(u);
  CHECK(u->scheme == "https");
  CHECK(u->host == "hooks.example.com");
  CHECK(u->port == 443);
  CHECK(u->target == "/in/bound?x=1&y=%2F");
  CHECK_FALSE(u->host_ip);
  CHECK(u->host_header() == "hooks.example.com");
  CHECK(u->normalized() == "https://hooks.example.com/in/bound?x=1&y=%2F");

  auto v = webhook::parse_url("http://example.com:8080");
  REQUIRE(v);
  CHECK(v->port == 8080);
  CHECK(v->target == "/");
  CHECK(v->host_header() == "example.com:8080");

  auto q = webhook::parse_url("https://example.com?a=b");
  REQUIRE(q);
  CHECK(q->target == "/?a=b");

  auto six = webhook::parse_url("https://[2001:DB8::1]:8443/x");
  REQUIRE(six);
  CHECK(six->host == "2001:db8::1");
  REQUIRE(six->host_ip);
  CHECK(six->host_ip->v6);
  CHECK(six->host_header() == "[2001:db8::1]:8443");

  auto four = webhook::parse_url("http://93.184.216.34/");
  REQUIRE(four);
  REQUIRE(four->host_ip);
  CHECK_FALSE(four->host_ip->v6);
}

TEST_CASE("parse_url refuses userinfo, fragments, bad hosts and bad ports", "[webhook][url_guard]") {
  const char* bad[] = {
      "",
      "example.com/path",                     // no scheme
      "ftp://example.com/",                   // scheme
      "file:///etc/passwd",
      "gopher://example.com/",
      "https://user:pass@example.com/",       // userinfo
      "https://evil.com@example.com/",
      "https://example.com/#frag",            // fragment
      "https://example.com#",
      "https:///path",                        // empty host
      "https://:443/",
      "https://example.com:/",                // empty port
      "https://example.com:0/",               // port 0
      "https://example.com:65536/",           // out of range
      "https://example.com:080/",             // leading zero
      "https://example.com:+80/",
      "https://example.com:8o/",
      "https://example.com:80:81/",
      "https://exa mple.com/",                // whitespace
      "https://example.com/a b",
      "https://example.com/\t",
      "https://example.com\\@evil.com/",      // backslash
      "https://ex\xc3\xa4mple.com/",          // non-ASCII (must be punycode)
      "https://example.com/%zz",              // bad escape
      "https://example.com/%4",
      "https://ex%61mple.com/",               // escaped host
      "https://-example.com/",                // label starts with '-'
      "https://example-.com/",
      "https://example..com/",                // empty label
      "https://example.com./",                // trailing dot
      "https://under_score.com/",
      "https://127.1/",                       // short IPv4 forms
      "https://2130706433/",                  // IPv4 as one number
      "https://0x7f000001/",                  // hex
      "https://0x7f.0.0.1/",
      "https://0177.0.0.1/",                  // octal-looking
      "https://127.0.0.01/",
      "https://1.2.3.4.5/",
      "https://256.1.1.1/",
      "https://[::1/",                        // unclosed bracket
      "https://[fe80::1%25eth0]/",            // zone id
      "https://[127.0.0.1]/",                 // IPv4 in brackets
      "https://[::1]x/",
      "https://::1/",                         // IPv6 without brackets
  };
  for (const char* url : bad) {
    INFO(url);
    auto r = webhook::parse_url(url);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::url_not_allowed);
  }
  CHECK(webhook::parse_url("https://example.com/" + std::string(3000, 'a')).error() == errc::url_not_allowed);
  CHECK(webhook::parse_url(std::string("https://example.com/\0", 21)).error() == errc::url_not_allowed);
}

TEST_CASE("addresses are classified, IPv6 forms carrying IPv4 as their IPv4", "[webhook][url_guard]") {
  CHECK(cls("93.184.216.34") == address_class::global);
  CHECK(cls("8.8.8.8") == address_class::global);
  CHECK(cls("2606:4700:4700::1111") == address_class::global);

  CHECK(cls("127.0.0.1") == address_class::loopback);
  CHECK(cls("127.255.255.254") == address_class::loopback);
  CHECK(cls("::1") == address_class::loopback);
  CHECK(cls("10.0.0.1") == address_class::private_network);
  CHECK(cls("172.16.0.1") == address_class::private_network);
  CHECK(cls("172.31.255.255") == address_class::private_network);
  CHECK(cls("172.32.0.1") == address_class::global);
  CHECK(cls("192.168.1.1") == address_class::private_network);
  CHECK(cls("fc00::1") == address_class::private_network);
  CHECK(cls("fd12:3456::1") == address_class::private_network);
  CHECK(cls("100.64.0.1") == address_class::shared);
  CHECK(cls("100.127.255.255") == address_class::shared);
  CHECK(cls("169.254.1.1") == address_class::link_local);
  CHECK(cls("fe80::1") == address_class::link_local);
  CHECK(cls("0.0.0.0") == address_class::unspecified);
  CHECK(cls("::") == address_class::unspecified);
  CHECK(cls("0.1.2.3") == address_class::reserved);
  CHECK(cls("224.0.0.1") == address_class::multicast);
  CHECK(cls("239.255.255.250") == address_class::multicast);
  CHECK(cls("ff02::1") == address_class::multicast);
  CHECK(cls("255.255.255.255") == address_class::broadcast);
  CHECK(cls("240.0.0.1") == address_class::reserved);
  CHECK(cls("192.0.2.1") == address_class::reserved);
  CHECK(cls("198.18.0.1") == address_class::reserved);
  CHECK(cls("2001:db8::1") == address_class::reserved);
  CHECK(cls("2001::1") == address_class::reserved);  // Teredo

  CHECK(cls("169.254.169.254") == address_class::cloud_metadata);
  CHECK(cls("100.100.100.200") == address_class::cloud_metadata);
  CHECK(cls("fd00:ec2::254") == address_class::cloud_metadata);

  // IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64 and 6to4 forms.
  CHECK(cls("::ffff:127.0.0.1") == address_class::loopback);
  CHECK(cls("::ffff:7f00:1") == address_class::loopback);
  CHECK(cls("::ffff:10.1.2.3") == address_class::private_network);
  CHECK(cls("::ffff:169.254.169.254") == address_class::cloud_metadata);
  CHECK(cls("::ffff:8.8.8.8") == address_class::global);
  CHECK(cls("::127.0.0.1") == address_class::loopback);
  CHECK(cls("::ffff:0:192.168.0.1") == address_class::private_network);
  CHECK(cls("64:ff9b::127.0.0.1") == address_class::loopback);
  CHECK(cls("64:ff9b::a00:1") == address_class::private_network);
  CHECK(cls("64:ff9b::808:808") == address_class::global);
  CHECK(cls("2002:7f00:1::") == address_class::loopback);
  CHECK(cls("2002:c0a8:101::1") == address_class::private_network);
  CHECK(cls("2002:808:808::1") == address_class::global);
}

TEST_CASE("the guard refuses internal addresses unless the options allow them", "[webhook][url_guard]") {
  const webhook::url_guard<> guard(with_http());
  const char* refused[] = {
      "http://127.0.0.1/",        "http://127.0.0.1:8080/hook", "http://localhost/",
      "http://LOCALHOST:9000/",   "http://api.localhost/",      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",  "http://10.0.0.5/",
      "http://172.16.3.4/",       "http://192.168.0.10/",       "http://169.254.169.254/latest/meta-data/",
      "http://[fe80::1]/",        "http://0.0.0.0/",            "http://[::]/",
      "http://100.64.1.1/",       "http://[fd00:ec2::254]/",    "http://224.0.0.1/",
      "http://255.255.255.255/",  "http://[fc00::1]/",          "http://[64:ff9b::7f00:1]/",
  };
  for (const char* url : refused) {
    INFO(url);
    auto r = guard.prepare(url);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::url_not_allowed);
    CHECK(guard.check(url).error() == errc::url_not_allowed);
  }

  auto pub = guard.prepare("http://93.184.216.34:8080/x");
  REQUIRE(pub);
  REQUIRE(pub->addresses.size() == 1);
  CHECK(pub->addresses[0].to_string() == "93.184.216.34");
}

TEST_CASE("https is required unless allow_http", "[webhook][url_guard]") {
  const webhook::url_guard<> strict;
  CHECK(strict.check("http://93.184.216.34/").error() == errc::url_not_allowed);
  CHECK(strict.check("https://93.184.216.34/").has_value());
}

TEST_CASE("allow_loopback lets tests through, and nothing else", "[webhook][url_guard]") {
  auto o = with_http();
  o.allow_loopback = true;
  const webhook::url_guard<> guard(o);
  CHECK(guard.prepare("http://127.0.0.1:1234/").has_value());
  CHECK(guard.prepare("http://[::1]:1234/").has_value());
  CHECK(guard.prepare("http://[::ffff:127.0.0.1]:1234/").has_value());
  CHECK(guard.check("http://localhost:1234/").has_value());
  CHECK(guard.prepare("http://10.0.0.1/").error() == errc::url_not_allowed);
  CHECK(guard.prepare("http://169.254.169.254/").error() == errc::url_not_allowed);
  CHECK(guard.prepare("http://0.0.0.0/").error() == errc::url_not_allowed);

  o.allow_private = true;
  const webhook::url_guard<> priv(o);
  CHECK(priv.prepare("http://10.0.0.1/").has_value());
  CHECK(priv.prepare("http://100.64.0.1/").has_value());
  CHECK(priv.prepare("http://[fd12::1]/").has_value());
  // Metadata endpoints stay refused even inside allowed ranges.
  CHECK(priv.prepare("http://[fd00:ec2::254]/").error() == errc::url_not_allowed);
  CHECK(priv.prepare("http://100.100.100.200/").error() == errc::url_not_allowed);
  CHECK(priv.prepare("http://169.254.169.254/").error() == errc::url_not_allowed);
  CHECK(priv.prepare("http://[fe80::1]/").error() == errc::url_not_allowed);
}

TEST_CASE("a name is checked by every address it resolves to", "[webhook][url_guard]") {
  table_resolver dns;
  dns.names["public.example"] = {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"};
  dns.names["rebind.example"] = {"127.0.0.1"};
  dns.names["mixed.example"] = {"93.184.216.34", "10.0.0.1"};
  dns.names["mapped.example"] = {"::ffff:169.254.169.254"};
  const webhook::url_guard<table_resolver> guard(with_http(), dns);

  auto ok = guard.prepare("https://public.example/hook");
  REQUIRE(ok);
  CHECK(ok->addresses.size() == 2);
  CHECK(ok->url.host == "public.example");

  // The name passes check() (no DNS) but not resolve(): the connect-time check decides.
  REQUIRE(guard.check("https://rebind.example/").has_value());
  CHECK(guard.prepare("https://rebind.example/").error() == errc::url_not_allowed);
  CHECK(guard.prepare("https://mixed.example/").error() == errc::url_not_allowed);
  CHECK(guard.prepare("https://mapped.example/").error() == errc::url_not_allowed);
  CHECK(guard.prepare("https://nowhere.example/").error() == errc::connection_failed);
}

TEST_CASE("localhost resolved through the system resolver is refused as loopback", "[webhook][url_guard]") {
  const webhook::url_guard<> guard(with_http());
  auto u = webhook::parse_url("http://localhost:8080/");
  REQUIRE(u);
  // Past check(), which refuses the name itself: the addresses it resolves to are loopback.
  auto r = guard.resolve(*u);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::url_not_allowed);

  webhook::system_resolver sys;
  auto addrs = sys.resolve("localhost", 80);
  REQUIRE(addrs);
  for (const auto& a : *addrs) CHECK(webhook::classify(a) == address_class::loopback);
}
