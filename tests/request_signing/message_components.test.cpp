// Tests for tessera/request_signing/message_components.hpp: the RFC 9421 §2 examples of field
// values (§2.1-§2.1.3), derived components (§2.2), signature parameters (§2.3) and the signature
// base (§2.5), message views of several shapes, and every refusal with its errc.
#include "tessera/request_signing/message_components.hpp"

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using namespace tessera::request_signing;
using namespace std::string_view_literals;
using httpsig::component;

namespace {

// A request whose fields may repeat: method, raw path and query, field lines in order.
struct test_request {
  std::string m = "POST", p = "/path", q = "param=value";
  std::vector<std::pair<std::string, std::string>> fields;
  std::string content;

  std::string_view method() const noexcept { return m; }
  std::string_view path() const noexcept { return p; }
  std::string_view query() const noexcept { return q; }
  core::bytes_view body() const noexcept { return core::bytes_view(std::string_view(content)); }
  std::optional<std::string_view> header(std::string_view name) const noexcept {
    for (const auto& [k, v] : fields)
      if (core::iequals(k, name)) return std::string_view(v);
    return std::nullopt;
  }
  const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return fields; }
  test_request& add(std::string name, std::string value) {
    fields.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// A view that offers header() only, combining repeated lines with ", " as an adapter does (each
// combined value kept until the view goes, so every view it hands out stays valid).
struct header_only {
  const test_request& r;
  std::string_view method() const noexcept { return r.method(); }
  std::string_view path() const noexcept { return r.path(); }
  std::string_view query() const noexcept { return r.query(); }
  std::optional<std::string_view> header(std::string_view name) const noexcept {
    std::string combined;
    std::size_t n = 0;
    for (const auto& [k, v] : r.fields) {
      if (!core::iequals(k, name)) continue;
      std::string_view t = v;  // an adapter hands out values without their surrounding whitespace
      while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
      while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
      if (n++) combined += ", ";
      combined += t;
    }
    if (n == 0) return std::nullopt;
    return std::string_view(kept.emplace_back(std::move(combined)));
  }
  mutable std::deque<std::string> kept{};
};

// A request whose request-target was not in origin form (RFC 9421 §2.2.5).
struct odd_target {
  std::string m, target;
  std::string_view method() const noexcept { return m; }
  std::string_view request_target() const noexcept { return target; }
  std::optional<std::string_view> header(std::string_view) const noexcept { return std::nullopt; }
};

// A request that knows its scheme and authority (an HTTP/2 adapter).
struct h2_request {
  std::string_view method() const noexcept { return "GET"; }
  std::string_view path() const noexcept { return "/a%2Fb"; }
  std::string_view query() const noexcept { return ""; }
  std::string_view scheme() const noexcept { return "HTTP"; }
  std::string_view authority() const noexcept { return "Example.ORG:80"; }
  std::optional<std::string_view> header(std::string_view) const noexcept { return std::nullopt; }
};

// The value of a component, or its errc as text.
template <class M>
std::string value(const M& m, const component& c, const httpsig::context& ctx = {}) {
  auto v = httpsig::component_value(m, c, ctx);
  return v ? *v : "error:" + std::string(core::name(v.error()));
}
template <class M>
errc error_of(const M& m, const component& c, const httpsig::context& ctx = {}) {
  auto v = httpsig::component_value(m, c, ctx);
  return v ? errc::none_ : v.error();
}

component parse(std::string_view text) { return component::parse(text).value(); }

// The example message fragment of RFC 9421 §2.1.
test_request fields_example() {
  test_request r;
  r.add("Host", "www.example.com")
      .add("Date", "Tue, 20 Apr 2021 02:07:56 GMT")
      .add("X-OWS-Header", "   Leading and trailing whitespace.   ")
      .add("X-Obs-Fold-Header", "Obsolete\r\n    line folding.")
      .add("Cache-Control", "max-age=60")
      .add("Cache-Control", "   must-revalidate")
      .add("Example-Dict", " a=1,    b=2;x=1;y=2,   c=(a   b   c)")
      .add("X-Empty-Header", "");
  return r;
}

httpsig::context with_example_dict() {
  httpsig::context ctx;
  ctx.structured_fields = {{"example-dict", httpsig::field_type::dictionary}};
  return ctx;
}

}  // namespace

TEST_CASE("RFC 9421 §2.1 field values, combined and trimmed", "[request_signing][message_components]") {
  const test_request r = fields_example();
  CHECK(value(r, "host") == "www.example.com");
  CHECK(value(r, "date") == "Tue, 20 Apr 2021 02:07:56 GMT");
  CHECK(value(r, "x-ows-header") == "Leading and trailing whitespace.");
  CHECK(value(r, "x-obs-fold-header") == "Obsolete line folding.");
  CHECK(value(r, "cache-control") == "max-age=60, must-revalidate");  // two lines, one value
  CHECK(value(r, "example-dict") == "a=1,    b=2;x=1;y=2,   c=(a   b   c)");
  CHECK(value(r, "x-empty-header").empty());
  // Names are matched case-insensitively in the message; a component name given in capitals is
  // lower-cased when the component is made.
  CHECK(value(r, "Cache-Control") == "max-age=60, must-revalidate");
  CHECK(component("Cache-Control").name() == "cache-control");
  // Through header() alone, the adapter's combined value gives the same component value.
  CHECK(value(header_only{r, {}}, "cache-control") == "max-age=60, must-revalidate");
  CHECK(value(header_only{r, {}}, "x-ows-header") == "Leading and trailing whitespace.");
}

TEST_CASE("RFC 9421 §2.1.1 strict serialization of a structured field", "[request_signing][message_components]") {
  test_request r;
  r.add("Example-Dict", " a=1,    b=2;x=1;y=2,   c=(a   b   c)");
  CHECK(value(r, component::structured("example-dict"), with_example_dict()) == "a=1, b=2;x=1;y=2, c=(a b c)");
  CHECK(parse("\"example-dict\";sf").to_string() == "\"example-dict\";sf");
  // Two lines of a Dictionary are combined before serialization.
  r.add("Example-Dict", "d,  e=(1 2)");
  CHECK(value(r, component::structured("example-dict"), with_example_dict()) ==
        "a=1, b=2;x=1;y=2, c=(a b c), d, e=(1 2)");
  // Known fields need no registration.
  test_request s;
  s.add("Content-Digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:,   md5=:Sd/dVLAcvNLSq16eXua5uQ==:");
  CHECK(value(s, component::structured("content-digest")) ==
        "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, md5=:Sd/dVLAcvNLSq16eXua5uQ==:");
  // The type must be known: the application's or tessera's.
  CHECK(error_of(r, component::structured("example-dict")) == errc::httpsig_bad_component_parameter);
  httpsig::context as_list;
  as_list.structured_fields = {{"example-list", httpsig::field_type::list}, {"example-item", httpsig::field_type::item}};
  test_request l;
  l.add("Example-List", "a,   (b  c);d=?0").add("Example-Item", "  :AQID:;x").add("Example-Bad", "(");
  CHECK(value(l, component::structured("example-list"), as_list) == "a, (b c);d=?0");
  CHECK(value(l, component::structured("example-item"), as_list) == ":AQID:;x");
  as_list.structured_fields.emplace_back("example-bad", httpsig::field_type::list);
  CHECK(error_of(l, component::structured("example-bad"), as_list) == errc::httpsig_malformed_component);
}

TEST_CASE("RFC 9421 §2.1.2 dictionary members", "[request_signing][message_components]") {
  test_request r;
  r.add("Example-Dict", " a=1, b=2;x=1;y=2, c=(a   b    c), d");
  CHECK(value(r, component::dictionary_member("example-dict", "a")) == "1");
  CHECK(value(r, component::dictionary_member("example-dict", "d")) == "?1");
  CHECK(value(r, component::dictionary_member("example-dict", "b")) == "2;x=1;y=2");
  CHECK(value(r, component::dictionary_member("example-dict", "c")) == "(a b c)");
  CHECK(parse("\"example-dict\";key=\"a\"").to_string() == "\"example-dict\";key=\"a\"");
  // A member the Dictionary does not have, and a field that is not a Dictionary.
  CHECK(error_of(r, component::dictionary_member("example-dict", "e")) == errc::httpsig_missing_component);
  test_request bad;
  bad.add("Example-Dict", "a=1, (");
  CHECK(error_of(bad, component::dictionary_member("example-dict", "a")) == errc::httpsig_malformed_component);
  test_request list;
  list.add("Cache-Status", "ExampleCache; hit");
  CHECK(error_of(list, component::dictionary_member("cache-status", "a")) == errc::httpsig_bad_component_parameter);
}

TEST_CASE("RFC 9421 §2.1.3 binary-wrapped fields", "[request_signing][message_components]") {
  test_request two, one;
  two.add("Example-Header", "value, with, lots").add("Example-Header", "of, commas");
  one.add("Example-Header", "value, with, lots, of, commas");
  CHECK(value(two, "example-header") == "value, with, lots, of, commas");
  CHECK(value(one, "example-header") == "value, with, lots, of, commas");
  CHECK(value(two, component::byte_sequences("example-header")) == ":dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:");
  CHECK(value(one, component::byte_sequences("example-header")) == ":dmFsdWUsIHdpdGgsIGxvdHMsIG9mLCBjb21tYXM=:");
  CHECK(parse("\"example-header\";bs").to_string() == "\"example-header\";bs");
  // bs carries bytes a plain value may not.
  test_request latin;
  latin.add("X-Name", "caf\xc3\xa9");
  CHECK(error_of(latin, "x-name") == errc::httpsig_malformed_component);
  CHECK(value(latin, component::byte_sequences("x-name")) == ":Y2Fmw6k=:");
}

TEST_CASE("RFC 9421 §2.2 derived components of a request", "[request_signing][message_components]") {
  // POST /path?param=value HTTP/1.1 with Host: www.example.com (§2.2.1-§2.2.7).
  test_request r;
  r.add("Host", "www.example.com");
  CHECK(value(r, "@method") == "POST");                                          // §2.2.1
  CHECK(value(r, "@target-uri") == "https://www.example.com/path?param=value");  // §2.2.2
  CHECK(value(r, "@authority") == "www.example.com");                            // §2.2.3
  httpsig::context plain;
  plain.scheme = "http";
  CHECK(value(r, "@scheme", plain) == "http");                                   // §2.2.4
  CHECK(value(r, "@scheme") == "https");
  CHECK(value(r, "@request-target") == "/path?param=value");                     // §2.2.5
  CHECK(value(r, "@path") == "/path");                                           // §2.2.6
  r.q = "param=value&foo=bar&baz=bat%2Dman";
  CHECK(value(r, "@query") == "?param=value&foo=bar&baz=bat%2Dman");             // §2.2.7
  r.q = "queryString";
  CHECK(value(r, "@query") == "?queryString");
  r.q = "";
  CHECK(value(r, "@query") == "?");
  CHECK(value(r, "@request-target") == "/path");
  r.p = "";
  CHECK(value(r, "@path") == "/");  // an empty path is "/"
  // The method's case is kept (§2.2.1).
  r.m = "post";
  CHECK(value(r, "@method") == "post");
  // §2.2.5: the other request-target forms, as the request line carried them.
  CHECK(value(odd_target{"GET", "https://www.example.com/path?param=value"}, "@request-target") ==
        "https://www.example.com/path?param=value");
  CHECK(value(odd_target{"CONNECT", "www.example.com:80"}, "@request-target") == "www.example.com:80");
  CHECK(value(odd_target{"OPTIONS", "*"}, "@request-target") == "*");
  // A message that knows its scheme and authority: both normalized (§2.2.3, §2.2.4).
  CHECK(value(h2_request{}, "@scheme") == "http");
  CHECK(value(h2_request{}, "@authority") == "example.org");
  CHECK(value(h2_request{}, "@target-uri") == "http://example.org/a%2Fb");
}

TEST_CASE("@authority is normalized: lower case, no default port", "[request_signing][message_components]") {
  auto authority = [](std::string host, std::string scheme = "https") {
    test_request r;
    r.add("Host", std::move(host));
    httpsig::context ctx;
    ctx.scheme = std::move(scheme);
    return value(r, "@authority", ctx);
  };
  CHECK(authority("WWW.Example.COM") == "www.example.com");
  CHECK(authority("example.com:443") == "example.com");
  CHECK(authority("example.com:80") == "example.com:80");
  CHECK(authority("example.com:80", "http") == "example.com");
  CHECK(authority("example.com:443", "HTTP") == "example.com:443");
  CHECK(authority("example.com:8443") == "example.com:8443");
  CHECK(authority("example.com:") == "example.com");
  CHECK(authority("[2001:DB8::1]:8080") == "[2001:db8::1]:8080");
  CHECK(authority("[2001:db8::1]") == "[2001:db8::1]");
  CHECK(authority("user@example.com") == "error:httpsig_malformed_component");
  CHECK(authority("example.com/x") == "error:httpsig_malformed_component");
  CHECK(authority("example.com:8o") == "error:httpsig_malformed_component");
  CHECK(authority(":443") == "error:httpsig_malformed_component");
  CHECK(authority("exa mple.com") == "error:httpsig_malformed_component");
  CHECK(authority("example.com", "1http") == "error:httpsig_malformed_component");
  test_request none;
  CHECK(error_of(none, "@authority") == errc::httpsig_missing_component);
  test_request two;
  two.add("Host", "a.example").add("Host", "b.example");
  CHECK(error_of(two, "@authority") == errc::httpsig_malformed_component);
}

TEST_CASE("RFC 9421 §2.2.8 query parameters", "[request_signing][message_components]") {
  test_request r;
  r.q = "param=value&foo=bar&baz=batman&qux=";
  CHECK(value(r, component::query_param("baz")) == "batman");
  CHECK(value(r, component::query_param("qux")).empty());
  CHECK(value(r, component::query_param("param")) == "value");
  CHECK(component::query_param("baz").to_string() == "\"@query-param\";name=\"baz\"");
  // The encoding example of §2.2.8.
  r.p = "/parameters";
  r.q = "var=this%20is%20a%20big%0Amultiline%20value&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something";
  CHECK(value(r, component::query_param("var")) == "this%20is%20a%20big%0Amultiline%20value");
  CHECK(value(r, component::query_param("bar")) == "with%20plus%20whitespace");
  CHECK(value(r, component::query_param("fa%C3%A7ade%22%3A%20")) == "something");
  // RFC 9421 Appendix B.2.2's covered parameter: names are case-sensitive.
  r.q = "param=Value&Pet=dog";
  CHECK(value(r, component::query_param("Pet")) == "dog");
  CHECK(error_of(r, component::query_param("pet")) == errc::httpsig_missing_component);
  // Repeated names may not be covered (§2.2.8); other parameters may repeat.
  r.q = "a=1&b=2&a=3";
  CHECK(error_of(r, component::query_param("a")) == errc::httpsig_ambiguous_component);
  CHECK(value(r, component::query_param("b")) == "2");
  r.q = "a=1&%61=2";  // the same name once decoded
  CHECK(error_of(r, component::query_param("a")) == errc::httpsig_ambiguous_component);
  // Parsing as application/x-www-form-urlencoded: empty pieces, a name without "=", a stray "%",
  // and characters the encoding set keeps or escapes.
  r.q = "&&flag&x=%zz%4&y=a*b-c.d_e~f!g";
  CHECK(value(r, component::query_param("flag")).empty());
  CHECK(value(r, component::query_param("x")) == "%25zz%254");
  CHECK(value(r, component::query_param("y")) == "a*b-c.d_e%7Ef%21g");
  // Bytes that are not UTF-8 once decoded are refused.
  r.q = "x=%FF";
  CHECK(error_of(r, component::query_param("x")) == errc::httpsig_malformed_component);
  r.q = "%C0%80=1&x=2";
  CHECK(error_of(r, component::query_param("x")) == errc::httpsig_malformed_component);
}

TEST_CASE("RFC 9421 §2.2.9 @status, and the components a response lacks", "[request_signing][message_components]") {
  httpsig::response res(200, "{\"message\": \"good dog\"}");
  res.add_header("Date", "Fri, 26 Mar 2010 00:05:00 GMT");
  CHECK(value(res, "@status") == "200");
  CHECK(value(res, "date") == "Fri, 26 Mar 2010 00:05:00 GMT");
  for (auto name : {"@method"sv, "@path"sv, "@query"sv, "@authority"sv, "@scheme"sv, "@target-uri"sv,
                    "@request-target"sv}) {
    CAPTURE(name);
    CHECK(error_of(res, component(name)) == errc::httpsig_missing_component);
  }
  CHECK(error_of(res, component::query_param("a")) == errc::httpsig_missing_component);
  // @status must not be used in a request.
  test_request r;
  CHECK(error_of(r, "@status") == errc::httpsig_missing_component);
  CHECK(error_of(httpsig::response(42), "@status") == errc::httpsig_malformed_component);
}

TEST_CASE("each malformed component identifier has its own cause", "[request_signing][message_components]") {
  test_request r;
  r.add("Host", "example.com").add("Example-Dict", "a=1").add("X-Bin", "\x01");
  auto parse_error = [](std::string_view text) {
    auto c = component::parse(text);
    return c ? errc::none_ : c.error();
  };
  // Unknown derived components, "@signature-params" among the covered ones, names not lower case.
  CHECK(parse_error("\"@foo\"") == errc::httpsig_unknown_component);
  CHECK(parse_error("\"@signature-params\"") == errc::httpsig_unknown_component);
  CHECK(parse_error("\"@Method\"") == errc::httpsig_unknown_component);
  CHECK(parse_error("\"Content-Type\"") == errc::httpsig_unknown_component);
  CHECK(parse_error("\"x header\"") == errc::httpsig_unknown_component);
  CHECK(parse_error("\"\"") == errc::httpsig_unknown_component);
  // Parameters that do not apply, are not supported, conflict, or have the wrong type.
  CHECK(parse_error("\"@method\";req") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"content-type\";req") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"expires\";tr") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"content-type\";foo") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"content-type\";name=\"a\"") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"example-dict\";bs;sf") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"example-dict\";bs;key=\"a\"") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"example-dict\";key=a") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"example-dict\";sf=?0") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"example-dict\";bs=1") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"@method\";name=\"a\"") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"@query-param\"") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"@query-param\";name=a") == errc::httpsig_bad_component_parameter);
  CHECK(parse_error("\"@query-param\";name=\"a\";sf") == errc::httpsig_bad_component_parameter);
  // Not a String, or not an item at all.
  CHECK(parse_error("content-type") == errc::httpsig_malformed_signature_input);
  CHECK(parse_error("(\"a\")") == errc::sf_malformed_item);
  // The same checks run when a value is asked for.
  CHECK(error_of(r, component("@foo")) == errc::httpsig_unknown_component);
  CHECK(error_of(r, component("x-missing")) == errc::httpsig_missing_component);
  CHECK(error_of(r, component("x-bin")) == errc::httpsig_malformed_component);
  // A field value with a bare line break cannot be carried.
  test_request broken;
  broken.add("X-A", "a\nb").add("X-B", "a\r\nb").add("X-C", "a\rb");
  CHECK(error_of(broken, "x-a") == errc::httpsig_malformed_component);
  CHECK(error_of(broken, "x-b") == errc::httpsig_malformed_component);
  CHECK(error_of(broken, "x-c") == errc::httpsig_malformed_component);
  // Derived values must be printable: a path with a space is refused.
  test_request spaced;
  spaced.p = "/a b";
  CHECK(error_of(spaced, "@path") == errc::httpsig_malformed_component);
}

TEST_CASE("component identifiers compare by name and parameters, in any order", "[request_signing][message_components]") {
  CHECK(parse("\"example-dict\";key=\"a\";sf") == parse("\"example-dict\";sf;key=\"a\""));
  CHECK_FALSE(parse("\"example-dict\";key=\"a\"") == parse("\"example-dict\";key=\"b\""));
  CHECK_FALSE(parse("\"example-dict\";key=\"a\"") == component("example-dict"));
  CHECK(component("@method") == parse("\"@method\""));
  // The order of parameters is kept when serialized.
  CHECK(parse("\"example-dict\";sf;key=\"a\"").to_string() == "\"example-dict\";sf;key=\"a\"");
  CHECK(component("@method").derived());
  CHECK_FALSE(component("date").derived());
}

TEST_CASE("RFC 9421 §2.3 the signature parameters value", "[request_signing][message_components]") {
  sf::parameters ps;
  ps.set("keyid", std::string("test-key-rsa-pss"));
  ps.set("alg", std::string("rsa-pss-sha512"));
  ps.set("created", std::int64_t{1618884475});
  ps.set("expires", std::int64_t{1618884775});
  const component cs[] = {"@target-uri", "@authority", "date", "cache-control"};
  CHECK(sf::serialize_inner_list(httpsig::signature_input(cs, ps)).value() ==
        "(\"@target-uri\" \"@authority\" \"date\" \"cache-control\");keyid=\"test-key-rsa-pss\";"
        "alg=\"rsa-pss-sha512\";created=1618884475;expires=1618884775");
}

TEST_CASE("RFC 9421 §2.5 the example signature base", "[request_signing][message_components]") {
  // The request of §2.5 (also RFC 9421 Appendix B.2's test-request).
  request r = request::from_target("POST", "/foo?param=Value&Pet=dog", "{\"hello\": \"world\"}");
  r.set_header("Host", "example.com");
  r.set_header("Date", "Tue, 20 Apr 2021 02:07:55 GMT");
  r.set_header("Content-Type", "application/json");
  r.set_header("Content-Digest",
               "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:");
  r.set_header("Content-Length", "18");
  const auto input = sf::parse_list("(\"@method\" \"@authority\" \"@path\" \"content-digest\" \"content-length\" "
                                    "\"content-type\");created=1618884473;keyid=\"test-key-rsa-pss\"")
                         .value();
  const auto& il = std::get<sf::inner_list>(input[0]);
  CHECK(httpsig::signature_base(r, il).value() ==
        "\"@method\": POST\n"
        "\"@authority\": example.com\n"
        "\"@path\": /foo\n"
        "\"content-digest\": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\n"
        "\"content-length\": 18\n"
        "\"content-type\": application/json\n"
        "\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"content-digest\" \"content-length\" "
        "\"content-type\");created=1618884473;keyid=\"test-key-rsa-pss\"");
  // An empty covered set gives the parameters line alone (Appendix B.2.1).
  const auto empty = std::get<sf::inner_list>(sf::parse_list("();created=1618884473;keyid=\"test-key-rsa-pss\";"
                                                             "nonce=\"b3k2pp5k7z-50gnwp.yemd\"")
                                                  .value()[0]);
  CHECK(httpsig::signature_base(r, empty).value() ==
        "\"@signature-params\": ();created=1618884473;keyid=\"test-key-rsa-pss\";nonce=\"b3k2pp5k7z-50gnwp.yemd\"");
  // Field lines given beside the message stand in for the message's own.
  const httpsig::field_line over[] = {{"Content-Length", "19"}};
  std::string base;
  REQUIRE(httpsig::append_signature_base(base, r, il, {}, over));
  CHECK(base.find("\"content-length\": 19\n") != std::string::npos);
}

TEST_CASE("a signature base is refused whole, with its cause", "[request_signing][message_components]") {
  test_request r;
  r.add("Host", "example.com").add("Example-Dict", "a=1, b=2");
  auto base_error = [&](std::string_view list_text) {
    auto l = sf::parse_list(list_text);
    REQUIRE(l);
    std::string out = "kept";
    auto b = httpsig::append_signature_base(out, r, std::get<sf::inner_list>((*l)[0]));
    if (b) return errc::none_;
    CHECK(out == "kept");  // nothing appended on failure
    return b.error();
  };
  CHECK(base_error("(\"@method\" \"@path\")") == errc::none_);
  CHECK(base_error("(\"@method\" \"@path\" \"@method\")") == errc::httpsig_duplicate_component);
  CHECK(base_error("(\"example-dict\";key=\"a\";sf \"example-dict\";sf;key=\"a\")") ==
        errc::httpsig_duplicate_component);
  CHECK(base_error("(\"example-dict\";key=\"a\" \"example-dict\";key=\"b\" \"example-dict\")") == errc::none_);
  CHECK(base_error("(\"@method\" \"@signature-params\")") == errc::httpsig_unknown_component);
  CHECK(base_error("(\"@method\" \"@foo\")") == errc::httpsig_unknown_component);
  CHECK(base_error("(\"@method\" \"date\")") == errc::httpsig_missing_component);
  CHECK(base_error("(\"@method\" \"@status\")") == errc::httpsig_missing_component);
  CHECK(base_error("(\"@method\" \"example-dict\";key=\"c\")") == errc::httpsig_missing_component);
  CHECK(base_error("(\"@method\" \"content-type\";req)") == errc::httpsig_bad_component_parameter);
  CHECK(base_error("(\"@method\" method)") == errc::httpsig_malformed_signature_input);
  CHECK(base_error("(\"@method\" 1)") == errc::httpsig_malformed_signature_input);
  // The first failing component decides, in covered order (§2.5 step 2).
  CHECK(base_error("(\"date\" \"@method\" \"@method\")") == errc::httpsig_missing_component);
}
