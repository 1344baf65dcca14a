// Tests for tessera/webhook/headers.hpp: the signer's header list and the verifier's header lookup.
#include "tessera/webhook/headers.hpp"

#include <array>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "tessera/webhook/scheme.hpp"

using namespace tessera;
using webhook::header_lookup;

TEST_CASE("header_list keeps order, finds names case-insensitively and converts to a map", "[webhook][headers]") {
  webhook::header_list h;
  h.add("webhook-id", "msg_1");
  h.add("Webhook-Timestamp", "1700000000");
  REQUIRE(h.size() == 2);
  CHECK(h[0].name == "webhook-id");
  CHECK(h.find("WEBHOOK-ID") == std::optional<std::string_view>("msg_1"));
  CHECK(h.find("webhook-timestamp") == std::optional<std::string_view>("1700000000"));
  CHECK_FALSE(h.find("webhook-signature"));
  auto m = h.to_map();
  CHECK(m.size() == 2);
  CHECK(m.at("webhook-id") == "msg_1");
}

TEST_CASE("header_lookup reads maps, vectors of pairs, header lists and functions", "[webhook][headers]") {
  std::map<std::string, std::string> map{{"X-Sig", "a"}};
  std::vector<std::pair<std::string, std::string>> vec{{"x-sig", "b"}};
  webhook::header_list list;
  list.add("X-SIG", "c");
  auto fn = [](std::string_view name) -> std::optional<std::string_view> {
    if (name == "X-Sig") return "d";
    return std::nullopt;
  };
  static_assert(webhook::header_source<decltype(vec)>);
  static_assert(webhook::header_source<decltype(fn)>);
  static_assert(!webhook::header_source<std::string>);

  auto get = [](const header_lookup& h) { return h.find("X-Sig"); };
  CHECK(**get(map) == "a");
  CHECK(**get(vec) == "b");
  CHECK(**get(list) == "c");
  CHECK(**get(fn) == "d");

  auto absent = header_lookup(map).find("X-Other");
  REQUIRE(absent);
  CHECK_FALSE(*absent);
}

TEST_CASE("a header repeated under any spelling is malformed, never first- or last-wins", "[webhook][headers]") {
  std::vector<std::pair<std::string, std::string>> vec{{"webhook-id", "a"}, {"Webhook-Id", "b"}};
  CHECK(header_lookup(vec).find("webhook-id").error() == errc::malformed_header);
  std::multimap<std::string, std::string> mm{{"x", "1"}, {"x", "2"}};
  CHECK(header_lookup(mm).find("X").error() == errc::malformed_header);
}

TEST_CASE("find_each looks several names up in one pass, with the same rules as find", "[webhook][headers]") {
  using hit = header_lookup::hit;
  const std::array<std::string_view, 3> names{"webhook-id", "webhook-timestamp", "webhook-signature"};
  std::array<hit, 3> out;
  std::vector<std::pair<std::string, std::string>> vec{
      {"Webhook-Signature", "v1,x"}, {"content-type", "json"}, {"WEBHOOK-ID", "a"}, {"webhook-id", "b"}};
  REQUIRE(header_lookup(vec).find_each(names, out));
  CHECK(out[0].repeated);                    // both spellings of webhook-id
  CHECK_FALSE(out[1].value);                 // absent
  CHECK_FALSE(out[1].repeated);
  CHECK(out[2].value == "v1,x");
  CHECK_FALSE(out[2].repeated);
  // The first name in order decides the error, as one find per name would.
  std::array<std::string_view, 3> all{};
  CHECK(webhook::detail::required_headers<3>(vec, names, all).error() == errc::malformed_header);
  vec.pop_back();
  CHECK(webhook::detail::required_headers<3>(vec, names, all).error() == errc::missing_header);
  vec.emplace_back("webhook-timestamp", "1");
  vec.emplace_back("webhook-signature", "v1,y");  // repeated, after a present id and timestamp
  CHECK(webhook::detail::required_headers<3>(vec, names, all).error() == errc::malformed_header);
  vec.pop_back();
  REQUIRE(webhook::detail::required_headers<3>(vec, names, all));
  CHECK(all[0] == "a");
  CHECK(all[1] == "1");
  CHECK(all[2] == "v1,x");
  // A header function is asked once per name.
  int calls = 0;
  auto fn = [&](std::string_view n) -> std::optional<std::string_view> {
    ++calls;
    if (n == "webhook-id") return "z";
    return std::nullopt;
  };
  REQUIRE(header_lookup(fn).find_each(names, out));
  CHECK(calls == 3);
  CHECK(out[0].value == "z");
  CHECK_FALSE(out[1].value);
  auto thrower = [](std::string_view) -> std::optional<std::string_view> { throw std::runtime_error("host failure"); };
  CHECK(header_lookup(thrower).find_each(names, out).error() == errc::internal_error);
}

TEST_CASE("a throwing header function is contained", "[webhook][headers]") {
  auto fn = [](std::string_view) -> std::optional<std::string_view> { throw std::runtime_error("host failure"); };
  CHECK(header_lookup(fn).find("x").error() == errc::internal_error);
}

TEST_CASE("header syntax helpers", "[webhook][headers]") {
  using namespace webhook::detail;
  CHECK(is_token("X-Partner-Signature"));
  CHECK_FALSE(is_token(""));
  CHECK_FALSE(is_token("X Signature"));
  CHECK_FALSE(is_token("X:Sig"));
  CHECK(iequals("Webhook-ID", "webhook-id"));
  CHECK_FALSE(iequals("webhook-id", "webhook-i"));
}
