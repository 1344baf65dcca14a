// Tests for tessera/api_key/format.hpp: key shape, checksum and environment checks.
#include "tessera/api_key/format.hpp"

#include <cmath>
#include <string>
#include <string_view>

#include "tessera/core/random.hpp"
#include "support/catch.hpp"

using namespace tessera;

namespace {
// A key computed independently (Python: body + base62(zlib.crc32(body))).
constexpr std::string_view known_key = "ak_live_0123456789ABCDEFGHIJabcdefghij2rc0BP";

std::string fresh_key(const api_key::key_format& f) {
  auto random = core::random_base62(f.random_length);
  REQUIRE(random);
  auto k = api_key::compose(f, *random);
  REQUIRE(k);
  return std::string(k->expose_secret_text());
}
}  // namespace

TEST_CASE("the default format is ak_live_ with at least 128 bits of randomness", "[api_key][format]") {
  api_key::key_format f;
  REQUIRE(f.validate());
  CHECK(f.key_length() == 44);
  CHECK(static_cast<double>(f.random_length) * std::log2(62.0) >= 128.0);
  CHECK(static_cast<double>(api_key::min_random_length) * std::log2(62.0) >= 128.0);
  CHECK(static_cast<double>(api_key::min_random_length - 1) * std::log2(62.0) < 128.0);
}

TEST_CASE("formats with bad labels or too little randomness are refused", "[api_key][format]") {
  auto bad = [](api_key::key_format f) { return f.validate().error() == errc::invalid_argument; };
  CHECK(bad({"", "live", 30}));
  CHECK(bad({"ak", "", 30}));
  CHECK(bad({"a_k", "live", 30}));
  CHECK(bad({"ak", "li-ve", 30}));
  CHECK(bad({"ak", std::string(17, 'e'), 30}));
  CHECK(bad({std::string(17, 'p'), "live", 30}));
  CHECK(bad({"ak", "live", 21}));
  CHECK(bad({"ak", "live", 65}));
  CHECK(api_key::key_format{std::string(16, 'p'), std::string(16, 'e'), 64}.validate());
  CHECK(api_key::key_format{"sk", "test", 22}.validate());
  CHECK(api_key::key_format{std::string(16, 'p'), std::string(16, 'e'), 64}.key_length() == api_key::max_key_length);
}

TEST_CASE("a known key parses into its parts", "[api_key][format]") {
  auto p = api_key::parse(known_key, {});
  REQUIRE(p);
  CHECK(p->text == known_key);
  CHECK(p->prefix == "ak");
  CHECK(p->environment == "live");
  CHECK(p->random == "0123456789ABCDEFGHIJabcdefghij");
  CHECK(p->checksum == "2rc0BP");
}

TEST_CASE("compose builds keys that parse, and only from well-formed randomness", "[api_key][format]") {
  api_key::key_format f;
  auto k = api_key::compose(f, "0123456789ABCDEFGHIJabcdefghij");
  REQUIRE(k);
  CHECK(k->expose_secret_text() == known_key);
  CHECK(api_key::compose(f, "short").error() == errc::invalid_argument);
  CHECK(api_key::compose(f, "0123456789ABCDEFGHIJabcdefghi_").error() == errc::invalid_argument);
  CHECK(api_key::compose({"", "live", 30}, "0123456789ABCDEFGHIJabcdefghij").error() == errc::invalid_argument);

  for (auto fmt : {api_key::key_format{}, api_key::key_format{"sk", "test", 22},
                   api_key::key_format{"tsr", "sandbox01", 64}}) {
    for (int i = 0; i < 50; ++i) {
      auto key = fresh_key(fmt);
      CAPTURE(key);
      CHECK(key.size() == fmt.key_length());
      CHECK(api_key::parse(key, fmt));
    }
  }
}

TEST_CASE("every single-character change to a key is caught", "[api_key][format]") {
  // Exhaustive over one key: each position, each of the 255 other byte values.
  const api_key::key_format f;
  const std::string key(known_key);
  REQUIRE(api_key::parse(key, f));
  const std::size_t prefix_end = f.prefix.size() + 1;  // "ak_"
  std::size_t tried = 0;
  for (std::size_t i = 0; i < key.size(); ++i) {
    for (int c = 0; c < 256; ++c) {
      if (static_cast<char>(c) == key[i]) continue;
      std::string m = key;
      m[i] = static_cast<char>(c);
      auto r = api_key::parse(m, f);
      INFO("position " << i << " byte " << c);
      REQUIRE_FALSE(r);
      ++tried;
      if (i >= prefix_end && key[i] != '_' && api_key::is_base62(static_cast<char>(c))) {
        // Any base62 substitution after the prefix (environment, random or checksum) is a
        // checksum failure: the checksum covers everything before it.
        CHECK(r.error() == errc::api_key_bad_checksum);
      } else {
        CHECK(r.error() == errc::api_key_malformed);
      }
    }
  }
  CHECK(tried == key.size() * 255);
}

TEST_CASE("adjacent transpositions, deletions and insertions are caught", "[api_key][format]") {
  const std::string key(known_key);
  for (std::size_t i = 0; i + 1 < key.size(); ++i) {
    if (key[i] == key[i + 1]) continue;
    std::string m = key;
    std::swap(m[i], m[i + 1]);
    CAPTURE(i);
    CHECK_FALSE(api_key::parse(m, {}));
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    std::string del = key;
    del.erase(i, 1);
    CHECK_FALSE(api_key::parse(del, {}));
    std::string ins = key;
    ins.insert(i, 1, 'x');
    CHECK_FALSE(api_key::parse(ins, {}));
  }
}

TEST_CASE("wrong prefix, wrong length and non-base62 input are malformed", "[api_key][format]") {
  const api_key::key_format f;
  auto err = [&](std::string_view s) { return api_key::parse(s, f).error(); };
  const std::string key(known_key);
  // prefix
  CHECK(err("sk" + key.substr(2)) == errc::api_key_malformed);
  CHECK(err("AK" + key.substr(2)) == errc::api_key_malformed);
  CHECK(err("ak-" + key.substr(3)) == errc::api_key_malformed);
  CHECK(err("xak_live_0123456789ABCDEFGHIJabcdefghij2rc0BP") == errc::api_key_malformed);
  // length
  CHECK(err("") == errc::api_key_malformed);
  CHECK(err("ak_") == errc::api_key_malformed);
  CHECK(err("ak_live_") == errc::api_key_malformed);
  CHECK(err(key.substr(0, key.size() - 1)) == errc::api_key_malformed);
  CHECK(err(key + "0") == errc::api_key_malformed);
  CHECK(err(std::string(10000, 'a')) == errc::api_key_malformed);
  CHECK(err("ak__0123456789ABCDEFGHIJabcdefghij2rc0BP") == errc::api_key_malformed);  // empty environment
  // characters
  CHECK(err("ak_live_0123456789ABCDEFGHIJabcdefghi=2rc0BP") == errc::api_key_malformed);
  CHECK(err("ak_live_0123456789ABCDEFGHIJabcdefghi 2rc0BP") == errc::api_key_malformed);
  CHECK(err(std::string_view("ak_live_0123456789ABCDEFGHIJabcdefghi\0" "2rc0BP", 44)) == errc::api_key_malformed);
  CHECK(err("ak_live_0123456789ABCDEFGHIJabcdefgh\xc3\xa9" "2rc0BP") == errc::api_key_malformed);
  CHECK(err(" " + key) == errc::api_key_malformed);
  CHECK(err(key + "\n") == errc::api_key_malformed);
}

TEST_CASE("a genuine key of another environment is told apart", "[api_key][format]") {
  const api_key::key_format live;
  const api_key::key_format test{"ak", "test", 30};
  const api_key::key_format sandbox{"ak", "sandbox", 30};
  auto test_key = fresh_key(test);
  CHECK(api_key::parse(test_key, test));
  CHECK(api_key::parse(test_key, live).error() == errc::api_key_wrong_environment);
  CHECK(api_key::parse(fresh_key(sandbox), live).error() == errc::api_key_wrong_environment);
  CHECK(api_key::parse(known_key, test).error() == errc::api_key_wrong_environment);
  // A mistyped key of another environment is a checksum failure first.
  std::string typo = test_key;
  typo[10] = typo[10] == 'a' ? 'b' : 'a';
  CHECK(api_key::parse(typo, live).error() == errc::api_key_bad_checksum);
  // Keys of a different random length are malformed for this format.
  CHECK(api_key::parse(fresh_key({"ak", "live", 31}), live).error() == errc::api_key_malformed);
}
