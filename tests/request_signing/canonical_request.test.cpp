// Tests for tessera/request_signing/canonical_request.hpp: the specification's worked example
// byte for byte, each canonicalisation rule, and a captured request refused after any change.
#include "tessera/request_signing/canonical_request.hpp"

#include <string>
#include <string_view>

#include "support/catch.hpp"
#include "rs_support.hpp"
#include "tessera/request_signing/signer.hpp"
#include "tessera/request_signing/verifier.hpp"

using namespace tessera;
using namespace tessera::request_signing;
using namespace std::string_view_literals;

namespace {
request worked_example() {
  auto r = request::from_target("POST",
                                "/api/v1/partners/p%2d42/orders?sort=desc&filter=status%3aopen&filter=a+b&page=2&flag",
                                R"({"sku":"A-1","qty":2})");
  r.set_header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJjbGllbnRfaWQiOiJwYXJ0bmVyLTQyIn0.c2ln");
  return r;
}
std::string cq(std::string_view raw) { return canonical_query(raw).value(); }
std::string cp(std::string_view raw) { return canonical_path(raw).value(); }
}  // namespace

TEST_CASE("the specification's worked example, byte for byte", "[request_signing][canonical_request]") {
  canonical_request_options o;
  o.bind_bearer_token = true;
  const signed_fields f{"partner-42", "1715929970", "n0nce-3f9a1c2e7b5d"};
  auto s = string_to_sign(canonical_request(o), worked_example(), f);
  REQUIRE(s);
  CHECK(*s ==
        "tessera-request-v1\n"
        "partner-42\n"
        "1715929970\n"
        "n0nce-3f9a1c2e7b5d\n"
        "POST\n"
        "/api/v1/partners/p-42/orders\n"
        "filter=status%3Aopen&filter=a+b&flag=&page=2&sort=desc\n"
        "d3c95de2d66db9a042603637d7c75dcdb810c4f4a5e5530d450ffd344b022636\n"
        "4839c969dfe57db4a3237a2e086d0f0fac99c49b1594084a938e7ce9c2890e22");

  o.body_digest = body_digest_form::content_digest;
  auto c = string_to_sign(canonical_request(o), worked_example(), f);
  REQUIRE(c);
  CHECK(c->find("\nsha-256=:08ld4tZtuaBCYDY318ddzbgQxPSl5VMNRQ/9NEsCJjY=:\n") != std::string::npos);

  // Without token binding, line 9 is empty: the string ends with the LF closing line 8.
  auto u = string_to_sign(canonical_request{}, worked_example(), f);
  REQUIRE(u);
  CHECK(u->ends_with("d3c95de2d66db9a042603637d7c75dcdb810c4f4a5e5530d450ffd344b022636\n"));
}

TEST_CASE("canonical query: split, normalise, stable sort by name", "[request_signing][canonical_request]") {
  CHECK(cq("") == "");
  CHECK(cq("b=2&a=1") == "a=1&b=2");
  CHECK(cq("a=2&b=0&a=1") == "a=2&a=1&b=0");  // repeated names keep their order
  CHECK(cq("a=1&a=2") != cq("a=2&a=1"));
  CHECK(cq("flag") == "flag=");
  CHECK(cq("flag") == cq("flag="));
  CHECK(cq("&&a=1&&b=&") == "a=1&b=");
  CHECK(cq("q=a+b") == "q=a+b");            // '+' kept as sent...
  CHECK(cq("q=a%2Bb") == "q=a%2Bb");        // ...distinct from an encoded plus...
  CHECK(cq("q=a%20b") == "q=a%20b");        // ...and from an encoded space
  CHECK(cq("q=a%2bb") == "q=a%2Bb");        // hex digits upper case
  CHECK(cq("%41%7e=%2D%2e%5f") == "A~=-._");  // unreserved bytes decoded
  CHECK(cq("p=/a/b") == "p=%2Fa%2Fb");      // '/' encoded in the query
  CHECK(cq("e=a=b=c") == "e=a%3Db%3Dc");    // only the first '=' splits
  CHECK(cq("k=caf\xc3\xa9") == "k=caf%C3%A9");
  CHECK(cq("k=caf%c3%a9") == "k=caf%C3%A9");
  CHECK(cq("k=a b*'") == "k=a%20b%2A%27");
  CHECK(cq("B=1&a=1&_=1&~=1&-=1") == "-=1&B=1&_=1&a=1&~=1");  // byte order
  for (auto bad : {"a=%"sv, "a=%4"sv, "a=%zz"sv, "a=%4g"sv, "%=1"sv, "a=1&b=%%41"sv}) {
    CAPTURE(bad);
    auto r = canonical_query(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::malformed_request);
  }
}

TEST_CASE("canonical path: normalised escapes, slashes kept, signed as sent", "[request_signing][canonical_request]") {
  CHECK(cp("/") == "/");
  CHECK(cp("/api/v1/orders") == "/api/v1/orders");
  CHECK(cp("/a%2fb") == "/a%2Fb");
  CHECK(cp("/a%2Fb") != cp("/a/b"));
  CHECK(cp("/a%7Eb/%41") == "/a~b/A");
  CHECK(cp("/a b") == "/a%20b");
  CHECK(cp("/a+b") == "/a+b");
  CHECK(cp("/a/../b//c") == "/a/../b//c");
  CHECK(cp("/v2/orgs/o:1/@x") == "/v2/orgs/o%3A1/%40x");
  for (auto bad : {""sv, "api/v1"sv, "/a?b=1"sv, "/a#f"sv, "/a%"sv, "/a%2"sv, "/a%xy"sv, "*"sv}) {
    CAPTURE(bad);
    auto r = canonical_path(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::malformed_request);
  }
}

TEST_CASE("body digest in both forms", "[request_signing][canonical_request]") {
  CHECK(*body_digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(*body_digest(R"({"sku":"A-1","qty":2})") == "d3c95de2d66db9a042603637d7c75dcdb810c4f4a5e5530d450ffd344b022636");
  CHECK(*body_digest(R"({"sku":"A-1","qty":2})", body_digest_form::content_digest) ==
        "sha-256=:08ld4tZtuaBCYDY318ddzbgQxPSl5VMNRQ/9NEsCJjY=:");
}

TEST_CASE("canonical_request refuses what it cannot represent", "[request_signing][canonical_request]") {
  const signed_fields f{"partner-42", "1715929970", "n0nce-3f9a1c2e7b5d"};
  canonical_request p;
  CHECK(string_to_sign(p, request("", "/"), f).error() == errc::malformed_request);
  CHECK(string_to_sign(p, request("GE T", "/"), f).error() == errc::malformed_request);
  CHECK(string_to_sign(p, request(std::string(33, 'A'), "/"), f).error() == errc::malformed_request);
  CHECK(string_to_sign(p, request("GET", "relative"), f).error() == errc::malformed_request);
  CHECK(string_to_sign(p, request("GET", "/", "a=%zz"), f).error() == errc::malformed_request);
  CHECK(string_to_sign(p, request("M-SEARCH", "/"), f));
  CHECK(string_to_sign(p, request("GET", "/"), signed_fields{"partner 42", "1", "n0nce-3f9a1c2e7b5d"}).error() ==
        errc::malformed_header);
  CHECK(string_to_sign(p, request("GET", "/"), signed_fields{"partner-42", "1", "short"}).error() == errc::malformed_header);

  canonical_request_options o;
  o.bind_bearer_token = true;
  canonical_request bound(o);
  request r("GET", "/");
  CHECK(string_to_sign(bound, r, f).error() == errc::missing_header);
  for (auto bad : {"Basic dXNlcjpwYXNz"sv, "Bearer"sv, "Bearer "sv, "Bearer  two-spaces"sv, "Bearer a b"sv, "Bearertoken"sv}) {
    CAPTURE(bad);
    r.set_header("Authorization", bad);
    CHECK(string_to_sign(bound, r, f).error() == errc::malformed_header);
  }
  r.set_header("Authorization", "bearer tok");  // the scheme is case-insensitive
  auto lower = string_to_sign(bound, r, f);
  r.set_header("Authorization", "Bearer tok");
  CHECK(*lower == *string_to_sign(bound, r, f));
}

TEST_CASE("the signer sends Content-Digest with the content_digest form", "[request_signing][canonical_request]") {
  canonical_request_options o;
  o.body_digest = body_digest_form::content_digest;
  auto s = signer<canonical_request>::create("partner-42", rs_test::ed25519(), crypto::signature_alg::ed25519,
                                             canonical_request(o));
  REQUIRE(s);
  auto h = s->sign(request("POST", "/o", "", R"({"sku":"A-1","qty":2})"));
  REQUIRE(h);
  CHECK(*h->find("Content-Digest") == "sha-256=:08ld4tZtuaBCYDY318ddzbgQxPSl5VMNRQ/9NEsCJjY=:");
  auto plain = signer<canonical_request>::create("partner-42", rs_test::ed25519(), crypto::signature_alg::ed25519);
  CHECK_FALSE(plain->sign(request("POST", "/o"))->find("Content-Digest"));
}

TEST_CASE("a captured canonical request is refused after any change", "[request_signing][canonical_request]") {
  canonical_request_options o;
  o.bind_bearer_token = true;
  const canonical_request profile(o);
  memory_client_registry clients;
  REQUIRE(clients.add_key("partner-42", rs_test::public_pem(rs_test::rsa_a())));
  core::memory_replay_store seen;
  core::manual_clock clock(rs_test::t0);
  verifier v(profile, clients, seen, verifier_options{}, clock);
  auto s = signer<canonical_request, core::manual_clock&>::create(
      "partner-42", rs_test::rsa_a(), crypto::signature_alg::rsa_pkcs1_sha256, profile, {}, clock);
  REQUIRE(s);

  request captured = rs_test::order_request();
  s->sign(captured)->apply_to(captured);
  // Each tampered copy is checked before the genuine one is ever seen, so none is a replay.
  SECTION("a changed method") {
    request r = captured;
    r.set_method("PUT");
    CHECK(v.verify(r).error() == errc::bad_signature);
  }
  SECTION("a changed path") {
    request r = captured;
    r.set_path("/api/v1/orders/cancel");
    CHECK(v.verify(r).error() == errc::bad_signature);
  }
  SECTION("a changed query parameter") {
    request r = captured;
    r.set_query("store=bergen&dry_run=false");
    CHECK(v.verify(r).error() == errc::bad_signature);
    r.set_query("store=oslo&dry_run=false&extra=1");
    CHECK(v.verify(r).error() == errc::bad_signature);
    r.set_query("dry_run=false&store=oslo");  // reordered distinct names: the same canonical query
    CHECK(v.verify(r));
  }
  SECTION("one changed body byte") {
    request r = captured;
    std::string body(r.body_text());
    body[body.find('2')] = '3';
    r.set_body(body);
    CHECK(v.verify(r).error() == errc::bad_signature);
  }
  SECTION("a swapped bearer token") {
    request r = captured;
    r.set_header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJjbGllbnRfaWQiOiJvdGhlciJ9.c2ln");
    CHECK(v.verify(r).error() == errc::bad_signature);
    r.remove_header("Authorization");
    CHECK(v.verify(r).error() == errc::missing_header);
  }
  SECTION("a changed nonce or client id") {
    request r = captured;
    r.set_header("X-NONCE", "AAAAAAAAAAAAAAAAAAAAAA");
    CHECK(v.verify(r).error() == errc::bad_signature);
    r = captured;
    r.set_header("X-CLIENT-ID", "partner-43");
    CHECK(v.verify(r).error() == errc::unknown_client);
  }
  SECTION("a reused nonce") {
    REQUIRE(v.verify(captured));
    CHECK(v.verify(captured).error() == errc::replayed);  // the very same request
    // A fresh, valid signature over another request, but with the nonce already used.
    request other("POST", "/api/v1/orders", "store=oslo", R"({"sku":"B-2","qty":1})");
    other.set_header("Authorization", *captured.header("Authorization"));
    auto h = s->sign(other, *captured.header("X-NONCE"));
    REQUIRE(h);
    h->apply_to(other);
    CHECK(v.verify(other).error() == errc::replayed);
  }
  SECTION("the untouched request verifies once") {
    auto ok = v.verify(captured);
    REQUIRE(ok);
    CHECK(ok->client_id() == "partner-42");
  }
}
