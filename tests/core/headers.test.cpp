// Tests for tessera/core/headers.hpp: the one header_source concept every area reads request
// headers through, and its lookup over the three shapes a host hands headers in.
#include "tessera/core/headers.hpp"

#include <array>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/http/headers.hpp"
#include "tessera/webhook/headers.hpp"

using namespace tessera;

namespace {
// A request object in the style of the HTTP adapters' request views.
struct request_object {
  std::optional<std::string_view> header(std::string_view name) const noexcept {
    for (const auto& [k, v] : fields)
      if (core::iequals(k, name)) return std::string_view(v);
    return std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> fields;
};

// A request object whose accessor hands out owning strings.
struct owning_object {
  std::optional<std::string> header(std::string_view) const { return std::string("x"); }
};

// An accessor that throws.
// An accessor function that hands out owning strings.
using owning_function = std::optional<std::string> (*)(std::string_view);

struct throwing_object {
  std::optional<std::string_view> header(std::string_view) const { throw std::runtime_error("boom"); }
};

auto viewing_function = [](std::string_view name) -> std::optional<std::string_view> {
  if (core::iequals(name, "ApiKey")) return "ak_fn";
  return std::nullopt;
};
}  // namespace

// The three shapes, and the one rule they share: a value is a view into the request, so an
// accessor returning owning strings is refused in every shape (a view taken from its temporary
// would dangle). Every area names the same concept.
static_assert(core::header_source<std::map<std::string, std::string>>);
static_assert(core::header_source<std::vector<std::pair<std::string_view, std::string_view>>>);
static_assert(core::header_source<webhook::header_list>);
static_assert(core::header_source<decltype(viewing_function)>);
static_assert(core::header_source<request_object>);
static_assert(!core::header_source<owning_function>);
static_assert(!core::header_source<owning_object>);
static_assert(!core::header_source<std::string>);
static_assert(!core::header_source<std::vector<std::string>>);
static_assert(webhook::header_source<request_object> && api_key::header_source<request_object> &&
              http::header_source<request_object>);
static_assert(!webhook::header_source<owning_function>);

TEST_CASE("find_header reads every shape case-insensitively", "[core][headers]") {
  std::map<std::string, std::string> map{{"ApiKey", "ak_map"}};
  std::vector<std::pair<std::string, std::string>> vec{{"apikey", "ak_vec"}};
  webhook::header_list list;
  list.add("APIKEY", "ak_list");
  request_object obj{{{"Apikey", "ak_obj"}}};

  CHECK(core::find_header(map, "apiKEY")->value == std::optional<std::string_view>("ak_map"));
  CHECK(core::find_header(vec, "ApiKey")->value == std::optional<std::string_view>("ak_vec"));
  CHECK(core::find_header(list, "ApiKey")->value == std::optional<std::string_view>("ak_list"));
  CHECK(core::find_header(viewing_function, "apikey")->value == std::optional<std::string_view>("ak_fn"));
  CHECK(core::find_header(obj, "APIKEY")->value == std::optional<std::string_view>("ak_obj"));
  for (const auto& hit : {*core::find_header(map, "Api"), *core::find_header(vec, "ApiKeys"),
                          *core::find_header(obj, "X-Other"), *core::find_header(viewing_function, "")}) {
    CHECK_FALSE(hit.value);
    CHECK_FALSE(hit.repeated);
  }
}

TEST_CASE("find_header reports a name a container holds twice, and an accessor that throws", "[core][headers]") {
  std::multimap<std::string, std::string> dup{{"ApiKey", "a"}, {"apikey", "b"}, {"Other", "c"}};
  auto hit = core::find_header(dup, "APIKEY");
  REQUIRE(hit);
  CHECK(hit->repeated);
  CHECK(hit->value == std::optional<std::string_view>("a"));
  CHECK_FALSE(core::find_header(dup, "other")->repeated);

  CHECK(core::find_header(throwing_object{}, "ApiKey").error() == errc::internal_error);
}

TEST_CASE("find_headers answers several names in one pass", "[core][headers]") {
  std::vector<std::pair<std::string, std::string>> h{
      {"webhook-id", "msg_1"}, {"Webhook-Timestamp", "1"}, {"webhook-signature", "s1"}, {"WEBHOOK-SIGNATURE", "s2"}};
  const std::array<std::string_view, 4> names{"Webhook-Id", "webhook-timestamp", "Webhook-Signature", "absent"};
  std::array<core::header_hit, 4> out;
  REQUIRE(core::find_headers(h, names, out));
  CHECK(out[0].value == std::optional<std::string_view>("msg_1"));
  CHECK_FALSE(out[0].repeated);
  CHECK(out[1].value == std::optional<std::string_view>("1"));
  CHECK(out[2].repeated);
  CHECK_FALSE(out[3].value);
  // A shorter output span answers only as many names as it holds.
  std::array<core::header_hit, 1> one;
  REQUIRE(core::find_headers(h, names, one));
  CHECK(one[0].value == std::optional<std::string_view>("msg_1"));
}

TEST_CASE("every area reads a request object and refuses a repeated credential header", "[core][headers]") {
  request_object obj{{{"ApiKey", " ak_live_1 "}, {"Authorization", "Bearer tok"}, {"X-Sig", "v1"}}};
  CHECK(*api_key::extract_key(obj) == "ak_live_1");
  CHECK(*http::bearer_token_of(obj) == "tok");
  CHECK(**webhook::header_lookup(obj).find("x-sig") == "v1");

  std::vector<std::pair<std::string, std::string>> dup{{"ApiKey", "a"}, {"APIKEY", "b"}, {"Authorization", "Bearer t"},
                                                       {"authorization", "Bearer u"}, {"X-Sig", "1"}, {"x-sig", "2"}};
  CHECK(api_key::extract_key(dup).error() == errc::malformed_credentials);
  CHECK(http::credential_of(dup, "ApiKey").error() == errc::malformed_credentials);
  CHECK(http::bearer_token_of(dup).error() == errc::malformed_credentials);
  CHECK(webhook::header_lookup(dup).find("X-Sig").error() == errc::malformed_header);

  CHECK(api_key::extract_key(throwing_object{}).error() == errc::internal_error);
  CHECK(http::bearer_token_of(throwing_object{}).error() == errc::internal_error);
}
