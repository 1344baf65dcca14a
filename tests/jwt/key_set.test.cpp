// Tests for tessera/jwt/key_set.hpp: single_key and kid_key_set lookup (a token without kid
// gets only the default key, never a loop over every key) and rotation (put, remove, replace_all).
#include "tessera/jwt/key_set.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"

using namespace tessera;
using namespace jwt_test;

namespace {
// A key set that lists every lookup, to prove a verifier asks for exactly one kid.
struct recording_set {
  jwt::verification_key key;
  mutable std::vector<std::optional<std::string>> asked;
  const jwt::verification_key* find(std::optional<std::string_view> kid) const noexcept {
    try {
      asked.emplace_back(kid ? std::optional<std::string>(std::string(*kid)) : std::nullopt);
    } catch (...) {
    }
    return kid && *kid == key.kid() ? &key : nullptr;
  }
};
// A key set that lends keys through visit(); find() must then never be used by a verifier.
struct lending_set {
  jwt::verification_key key;
  mutable int visits = 0, finds = 0;
  const jwt::verification_key* find(std::optional<std::string_view> kid) const noexcept {
    ++finds;
    return kid && *kid == key.kid() ? &key : nullptr;
  }
  template <class Fn>
  bool visit(std::optional<std::string_view> kid, Fn&& fn) const noexcept {
    ++visits;
    if (!kid || *kid != key.kid()) return false;
    fn(key);
    return true;
  }
};
struct throwing_find_set {  // find() is not noexcept
  const jwt::verification_key* find(std::optional<std::string_view>) const { return nullptr; }
};
}  // namespace

static_assert(jwt::key_set<jwt::single_key>);
static_assert(jwt::key_set<jwt::kid_key_set>);
static_assert(jwt::key_set<recording_set>);
static_assert(!jwt::key_set<throwing_find_set>);
static_assert(!jwt::key_set<int>);
static_assert(jwt::key_visitor<jwt::kid_key_set>);
static_assert(jwt::key_visitor<lending_set>);
static_assert(!jwt::key_visitor<jwt::single_key>);
static_assert(!jwt::key_visitor<recording_set>);

TEST_CASE("single_key: its own kid, or no kid; any kid when the key has none", "[jwt][key_set]") {
  jwt::single_key named(verifier_key(jwt::alg::hs256, "k-1"));
  CHECK(named.find(std::nullopt) == &named.key());
  CHECK(named.find("k-1") == &named.key());
  CHECK(named.find("k-2") == nullptr);
  CHECK(named.find("K-1") == nullptr);
  CHECK(named.find("") == nullptr);

  jwt::single_key anonymous(verifier_key(jwt::alg::hs256));
  CHECK(anonymous.find(std::nullopt) == &anonymous.key());
  CHECK(anonymous.find("whatever") == &anonymous.key());  // documented: an unnamed key answers every kid
}

TEST_CASE("kid_key_set: exact kid lookup, and only the default key for tokens without kid", "[jwt][key_set]") {
  jwt::kid_key_set set;
  CHECK(set.size() == 0);
  CHECK_FALSE(set.find(std::nullopt));
  CHECK_FALSE(set.find("a"));

  set.put(verifier_key(jwt::alg::hs256, "a"));
  set.put(verifier_key(jwt::alg::es256, "b"));
  CHECK(set.size() == 2);
  REQUIRE(set.find("a"));
  CHECK(set.find("a")->algorithm() == jwt::alg::hs256);
  CHECK(set.find("b")->algorithm() == jwt::alg::es256);
  CHECK_FALSE(set.find("A"));
  CHECK_FALSE(set.find("a "));
  CHECK_FALSE(set.find(""));
  // Two keys and no default: a token without kid finds nothing.
  CHECK_FALSE(set.find(std::nullopt));

  // A key without kid becomes the default.
  set.put(verifier_key(jwt::alg::eddsa));
  REQUIRE(set.find(std::nullopt));
  CHECK(set.find(std::nullopt)->algorithm() == jwt::alg::eddsa);
  CHECK(set.size() == 2);
  CHECK(set.keys().size() == 3);

  // set_default with a named key: findable both ways, replacing the anonymous default.
  set.set_default(verifier_key(jwt::alg::rs256, "c"));
  CHECK(set.find(std::nullopt)->kid() == "c");
  CHECK(set.find("c")->algorithm() == jwt::alg::rs256);
  CHECK(set.keys().size() == 3);  // a, b, c (the anonymous key is gone)
}

TEST_CASE("kid_key_set::visit lends the key find() would return, and nothing when none matches", "[jwt][key_set]") {
  jwt::kid_key_set set;
  const jwt::verification_key* seen = nullptr;
  auto note = [&](const jwt::verification_key& k) noexcept { seen = &k; };
  CHECK_FALSE(set.visit(std::nullopt, note));
  CHECK_FALSE(set.visit("a", note));
  CHECK(seen == nullptr);

  set.put(verifier_key(jwt::alg::hs256, "a"));
  REQUIRE(set.visit("a", note));
  CHECK(seen == set.find("a").get());  // the stored key itself, not a copy
  seen = nullptr;
  CHECK_FALSE(set.visit("A", note));
  CHECK_FALSE(set.visit(std::nullopt, note));  // no default yet
  CHECK(seen == nullptr);

  set.put(verifier_key(jwt::alg::eddsa));
  REQUIRE(set.visit(std::nullopt, note));
  CHECK(seen->algorithm() == jwt::alg::eddsa);
  CHECK(set.remove("a"));
  CHECK_FALSE(set.visit("a", note));
}

TEST_CASE("a verifier borrows through visit() when the key set offers it", "[jwt][key_set]") {
  lending_set lend{verifier_key(jwt::alg::hs256, "k-1")};
  jwt::verifier<lending_set&, fixed_clock> v(lend, lax_rules(), fixed_clock{});
  const auto s = signer(jwt::alg::hs256);
  CHECK(v.verify(make_token(R"({"alg":"HS256","kid":"k-1"})", valid_claims(), s)));
  CHECK(v.verify(make_token(R"({"alg":"HS256","kid":"k-2"})", valid_claims(), s)).error() == errc::key_not_found);
  CHECK(v.verify(make_token(R"({"alg":"HS384","kid":"k-1"})", valid_claims(), signer(jwt::alg::hs384))).error() ==
        errc::algorithm_not_allowed);
  auto forged = make_token(R"({"alg":"HS256","kid":"k-1"})", valid_claims(), s);
  forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
  CHECK(v.verify(forged).error() == errc::bad_signature);
  CHECK(lend.visits == 4);
  CHECK(lend.finds == 0);
}

TEST_CASE("a verifier asks its key set for the token's kid once, and never loops", "[jwt][key_set]") {
  recording_set rec{verifier_key(jwt::alg::hs256, "k-1"), {}};
  jwt::verifier<recording_set&, fixed_clock> v(rec, lax_rules(), fixed_clock{});
  const auto s = signer(jwt::alg::hs256);
  CHECK(v.verify(make_token(R"({"alg":"HS256","kid":"k-1"})", valid_claims(), s)));
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", valid_claims(), s)).error() == errc::key_not_found);
  CHECK(v.verify(make_token(R"({"alg":"HS256","kid":"k-2"})", valid_claims(), s)).error() == errc::key_not_found);
  REQUIRE(rec.asked.size() == 3);
  CHECK(rec.asked[0] == std::optional<std::string>("k-1"));
  CHECK(rec.asked[1] == std::nullopt);
  CHECK(rec.asked[2] == std::optional<std::string>("k-2"));
}

TEST_CASE("through a verifier: the default key or nothing for tokens without kid", "[jwt][key_set]") {
  jwt::kid_key_set set;
  jwt::verifier<jwt::kid_key_set&, fixed_clock> v(set, lax_rules(), fixed_clock{});
  const auto hs = signer(jwt::alg::hs256, "hs"), es = signer(jwt::alg::es256, "es");
  set.put(hs.verification().value());
  set.put(es.verification().value());
  const auto es_no_kid = make_token(R"({"alg":"ES256"})", valid_claims(), es);
  CHECK(v.verify(make_token(R"({"alg":"ES256","kid":"es"})", valid_claims(), es)));
  CHECK(v.verify(make_token(R"({"alg":"HS256","kid":"hs"})", valid_claims(), hs)));
  CHECK(v.verify(es_no_kid).error() == errc::key_not_found);
  // With an HS256 default, an ES256 token without kid meets that one key and its binding refuses it.
  set.set_default(hs.verification().value());
  CHECK(v.verify(es_no_kid).error() == errc::algorithm_not_allowed);
  set.set_default(es.verification().value());
  CHECK(v.verify(es_no_kid));
  // A kid pointing at the wrong key type is refused by the binding, not tried elsewhere.
  CHECK(v.verify(make_token(R"({"alg":"ES256","kid":"hs"})", valid_claims(), es)).error() == errc::algorithm_not_allowed);
}

TEST_CASE("rotation: put, remove and replace_all take effect for the next lookup", "[jwt][key_set][rotation]") {
  jwt::kid_key_set set;
  jwt::verifier<jwt::kid_key_set&, fixed_clock> v(set, lax_rules(), fixed_clock{});
  auto old_key = jwt::signing_key::hmac(jwt::alg::hs256, std::string(32, '1'), "2024-01").value();
  auto new_key = jwt::signing_key::hmac(jwt::alg::hs256, std::string(32, '2'), "2024-02").value();
  auto replacement = jwt::signing_key::hmac(jwt::alg::hs256, std::string(32, '3'), "2024-01").value();
  const auto old_tok = make_token(R"({"alg":"HS256","kid":"2024-01"})", valid_claims(), old_key);
  const auto new_tok = make_token(R"({"alg":"HS256","kid":"2024-02"})", valid_claims(), new_key);

  set.put(old_key.verification().value());
  CHECK(v.verify(old_tok));
  CHECK(v.verify(new_tok).error() == errc::key_not_found);

  // Overlap period: both keys.
  set.put(new_key.verification().value());
  CHECK(v.verify(old_tok));
  CHECK(v.verify(new_tok));

  // A handle taken before a removal keeps working for whoever holds it.
  auto held = set.find("2024-01");
  REQUIRE(held);
  CHECK(set.remove("2024-01"));
  CHECK_FALSE(set.remove("2024-01"));
  CHECK(v.verify(old_tok).error() == errc::key_not_found);
  CHECK(v.verify(new_tok));
  const std::string input = old_tok.substr(0, old_tok.rfind('.'));
  CHECK(held->verify(input, core::base64url_decode(old_tok.substr(old_tok.rfind('.') + 1)).value()));

  // put under an existing kid replaces that key.
  set.put(replacement.verification().value());
  CHECK(v.verify(old_tok).error() == errc::bad_signature);
  CHECK(v.verify(make_token(R"({"alg":"HS256","kid":"2024-01"})", valid_claims(), replacement)));

  // replace_all swaps the whole set at once.
  std::vector<jwt::verification_key> next;
  next.push_back(old_key.verification().value());
  set.replace_all(std::move(next));
  CHECK(set.size() == 1);
  CHECK(v.verify(old_tok));
  CHECK(v.verify(new_tok).error() == errc::key_not_found);
  set.replace_all({});
  CHECK(set.size() == 0);
  CHECK(v.verify(old_tok).error() == errc::key_not_found);

  // Removing the default by its kid clears the default too.
  set.set_default(new_key.verification().value());
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", valid_claims(), new_key)));
  CHECK(set.remove("2024-02"));
  CHECK(v.verify(make_token(R"({"alg":"HS256"})", valid_claims(), new_key)).error() == errc::key_not_found);
}

TEST_CASE("kid_key_set grows one key at a time to many keys, each found under its kid", "[jwt][key_set][rotation]") {
  // Adding a key changes the index in place: 20,000 single puts stay linear in total.
  jwt::kid_key_set set;
  const auto base = jwt::signing_key::hmac(jwt::alg::hs256, std::string(32, '7'), "base").value().verification().value();
  constexpr int n = 20'000;
  for (int i = 0; i < n; ++i)
    set.put(jwt::verification_key::hmac(jwt::alg::hs256, std::string(32, '7'), "kid-" + std::to_string(i)).value());
  CHECK(set.size() == n);
  for (int i = 0; i < n; i += 997) {
    auto k = set.find("kid-" + std::to_string(i));
    REQUIRE(k);
    CHECK(k->kid() == "kid-" + std::to_string(i));
  }
  CHECK_FALSE(set.find("kid-" + std::to_string(n)));
  CHECK_FALSE(set.find(std::nullopt));  // no default until one is set
  set.set_default(base);
  CHECK(set.find(std::nullopt)->kid() == "base");
  for (int i = 0; i < n; i += 2) REQUIRE(set.remove("kid-" + std::to_string(i)));
  CHECK(set.size() == n / 2 + 1);  // the default is findable under its own kid too
  CHECK_FALSE(set.find("kid-0"));
  CHECK(set.find("kid-1"));
  CHECK(set.keys().size() == n / 2 + 1);
}
