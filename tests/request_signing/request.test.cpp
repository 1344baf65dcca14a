// Tests for tessera/request_signing/request.hpp: the request_view concept, the owning request
// model, and how a server's own request type adapts to it.
#include "tessera/request_signing/request.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "support/catch.hpp"

using namespace tessera;
using namespace tessera::request_signing;

namespace {
// What a host server might have: its own request object with a target and a header map.
struct host_request {
  std::string verb = "PUT";
  std::string target = "/v2/orgs/o-1/stock?sku=A-1";
  std::string payload = "{}";
  std::map<std::string, std::string> fields{{"x-client-id", "partner-1"}};
};

// The adapter a server writes: views only, nothing copied.
struct host_view {
  const host_request& r;
  std::string_view method() const noexcept { return r.verb; }
  std::string_view path() const noexcept { return std::string_view(r.target).substr(0, std::string_view(r.target).find('?')); }
  std::string_view query() const noexcept {
    auto q = std::string_view(r.target).find('?');
    return q == std::string_view::npos ? std::string_view{} : std::string_view(r.target).substr(q + 1);
  }
  std::string_view body() const noexcept { return r.payload; }
  std::optional<std::string_view> header(std::string_view name) const noexcept {
    for (const auto& [k, v] : r.fields)
      if (request_signing::detail::iequals(k, name)) return std::string_view(v);
    return std::nullopt;
  }
};
static_assert(request_view<host_view>);
static_assert(!request_view<std::string>);

// An adapter whose text accessors return Text and whose body() returns Body. One that builds
// owning strings is refused: a signer, verifier or authenticator keeps views of what it returns,
// which would dangle as soon as the temporary string is destroyed.
template <class Text, class Body>
struct adapter {
  Text method() const noexcept { return Text("GET"); }
  Text path() const noexcept { return Text("/a"); }
  Text query() const noexcept { return Text("x=1"); }
  Body body() const noexcept { return Body("{}"); }
  std::optional<std::string_view> header(std::string_view) const noexcept { return std::nullopt; }
};
static_assert(request_view<adapter<std::string_view, std::string_view>>);
static_assert(request_view<adapter<std::string_view, core::bytes_view>>);
static_assert(request_view<request>);
static_assert(!request_view<adapter<std::string, std::string_view>>);
static_assert(!request_view<adapter<std::string_view, std::string>>);
static_assert(!request_view<adapter<std::string, std::string>>);
}  // namespace

TEST_CASE("request holds the parts a signature covers", "[request_signing][request]") {
  request r("POST", "/api/v1/orders", "a=1", "{\"x\":1}");
  CHECK(r.method() == "POST");
  CHECK(r.path() == "/api/v1/orders");
  CHECK(r.query() == "a=1");
  CHECK(r.body_text() == "{\"x\":1}");
  CHECK(r.body().size() == 7);
  CHECK_FALSE(r.header("X-CLIENT-ID"));
}

TEST_CASE("request headers are matched case-insensitively and replaced by name", "[request_signing][request]") {
  request r("GET", "/");
  r.set_header("X-Client-Id", "a");
  CHECK(r.header("x-client-id") == std::optional<std::string_view>("a"));
  CHECK(r.header("X-CLIENT-ID") == std::optional<std::string_view>("a"));
  r.set_header("x-client-id", "b");
  CHECK(r.headers().size() == 1);
  CHECK(*r.header("X-Client-Id") == "b");
  r.remove_header("X-CLIENT-ID");
  CHECK_FALSE(r.header("x-client-id"));
  CHECK(r.headers().empty());
  CHECK_FALSE(request_signing::detail::iequals("X-CLIENT-ID", "X-CLIENT-IDS"));
  CHECK_FALSE(request_signing::detail::iequals("X-CLIENT_ID", "X-CLIENT-ID"));
}

TEST_CASE("request::from_target splits at the first question mark", "[request_signing][request]") {
  auto r = request::from_target("GET", "/a/b?x=1&y=2?z");
  CHECK(r.path() == "/a/b");
  CHECK(r.query() == "x=1&y=2?z");
  auto s = request::from_target("GET", "/a/b");
  CHECK(s.path() == "/a/b");
  CHECK(s.query().empty());
  auto t = request::from_target("GET", "/a?");
  CHECK(t.path() == "/a");
  CHECK(t.query().empty());
}

TEST_CASE("a server's own request adapts with a view struct", "[request_signing][request]") {
  host_request hr;
  host_view v{hr};
  auto parts = request_signing::detail::parts_of(v, "Authorization");
  CHECK(parts.method == "PUT");
  CHECK(parts.path == "/v2/orgs/o-1/stock");
  CHECK(parts.query == "sku=A-1");
  CHECK(parts.body.as_chars() == "{}");
  CHECK_FALSE(parts.authorization);
  hr.fields["authorization"] = "Bearer t";
  CHECK(request_signing::detail::parts_of(v, "Authorization").authorization == std::optional<std::string_view>("Bearer t"));
}
