// Tests for tessera/http/headers.hpp: bearer extraction (RFC 6750 §2.1) and credential headers.
#include "tessera/http/headers.hpp"

#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;

namespace {
// A host accessor returning Value for every header name.
template <class Value>
struct headers_returning {
  Value header(std::string_view) const { return Value(text); }
  std::string text = "Bearer abc";
};
}  // namespace

// A header_source must hand out views of text that outlives the call: an accessor that returns
// owning strings would leave bearer_token_of() and credential_of() with dangling views.
static_assert(http::header_source<headers_returning<std::optional<std::string_view>>>);
static_assert(http::header_source<http::header_list<std::vector<std::pair<std::string, std::string>>>>);
static_assert(!http::header_source<headers_returning<std::optional<std::string>>>);
static_assert(!http::header_source<headers_returning<std::string>>);

TEST_CASE("bearer token requires the Bearer scheme", "[http][headers]") {
  CHECK(*http::bearer_token(std::string_view("Bearer abc.def-ghi_jk~l+m/n==")) == "abc.def-ghi_jk~l+m/n==");
  CHECK(*http::bearer_token(std::string_view("bearer abc")) == "abc");  // scheme is case-insensitive
  CHECK(http::bearer_token(std::nullopt).error() == errc::missing_credentials);
  CHECK(http::bearer_token(std::string_view("")).error() == errc::missing_credentials);
  // The multi-surface model: a raw token without "Bearer " is refused.
  for (std::string_view bad : {"abc.def.ghi", "Bearer", "Bearer ", "Bearer  abc", "Basic abc", "Bearer abc def",
                               "Bearer abc,def", "Bearer ===", "Bearerabc", "Bearer\tabc", "Token abc", "Bearer a\"b"}) {
    INFO(bad);
    CHECK(http::bearer_token(bad).error() == errc::malformed_credentials);
  }
}

TEST_CASE("header lookup is case-insensitive and refuses duplicates", "[http][headers]") {
  std::vector<std::pair<std::string, std::string>> h = {{"apikey", "ak_live_x"}, {"Authorization", "Bearer t"}};
  http::header_list list(h);
  CHECK(*http::credential_of(list, "ApiKey") == "ak_live_x");
  CHECK(*http::credential_of(list, "APIKEY") == "ak_live_x");
  CHECK(*http::bearer_token_of(list) == "t");
  CHECK(http::credential_of(list, "X-CLIENT-ID").error() == errc::missing_credentials);

  std::multimap<std::string, std::string> dup = {{"ApiKey", "a"}, {"apikey", "b"}};
  http::header_list dlist(dup);
  CHECK(http::credential_of(dlist, "ApiKey").error() == errc::missing_credentials);
}

TEST_CASE("credential values are single tokens", "[http][headers]") {
  for (std::string_view bad : {" ak", "ak ", "a,b", "a\tb", "a\x7f"}) CHECK(http::credential_value(bad).error() == errc::malformed_credentials);
  CHECK(http::credential_value(std::string_view("")).error() == errc::missing_credentials);
}

// bearer_token checks the token's characters sixteen bytes at a time where SSE2 is available;
// b64token_char is the reference. Every byte value is tried at every position of a token long
// enough for two blocks and a tail, then random tokens mixing valid and invalid bytes.
TEST_CASE("the b64token check agrees with its bytewise reference", "[http][headers]") {
  constexpr std::size_t len = 41;
  for (std::size_t pos = 0; pos < len; ++pos) {
    for (int b = 0; b < 256; ++b) {
      std::string tok(len, 'a');
      tok[pos] = static_cast<char>(b);
      const bool expected = http::detail::b64token_char(static_cast<char>(b));
      CAPTURE(pos, b);
      CHECK(http::detail::b64token_chars(tok) == expected);
      if (pos < len - 1 || b != '=') {  // a trailing '=' is stripped before the check
        CHECK(http::bearer_token(std::string_view("Bearer " + tok)).has_value() == expected);
      }
    }
  }
  std::mt19937 rng(12345);
  auto next = [&] { return static_cast<std::uint32_t>(rng()); };
  const std::string good = "ABCZabcz0189-._~+/";
  std::size_t accepted = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string tok(1 + next() % 80, 'x');
    for (auto& c : tok) c = good[next() % good.size()];
    if (next() % 2 == 0) tok[next() % tok.size()] = static_cast<char>(next() % 256);
    bool expected = true;
    for (char c : tok) expected = expected && http::detail::b64token_char(c);
    CHECK(http::detail::b64token_chars(tok) == expected);
    accepted += expected ? 1 : 0;
  }
  CHECK(accepted > 2000);
  CHECK(accepted < 4000);
  static_assert(http::detail::b64token_chars("abc.DEF-123_~+/"));
  static_assert(!http::detail::b64token_chars("abc def"));
}
