// Tests for tessera/jwt/remote_jwks.hpp with an in-process identity provider (a scripted
// jwks_fetcher that counts calls and can hold a fetch) and a manual clock: the URL rule, the
// Cache-Control reading, which keys of a remote document are skipped or refused, and the cache
// rules (no request while fresh, conditional GET once stale, one fetch per cooldown under random
// kids, the last good set through an outage and then failing closed, rotation, lookups never
// waiting for a fetch, the bounded first load), plus verification through jwt::verifier and a
// [concurrency] case for ThreadSanitizer. Time is the manual clock's; real waits are only
// bounded waits for events (a fetch finished, a fetch being held).
#include "tessera/jwt/remote_jwks.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"

using namespace tessera;
using namespace jwt_test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {
// An identity provider in the test process: serves one document with an ETag and max-age,
// answers 304 to a matching If-None-Match, fails on demand, and can hold a fetch until released.
class fake_idp {
 public:
  // The document served from now on (a new ETag makes conditional requests miss).
  void serve(std::string document, std::string etag, std::optional<std::chrono::seconds> max_age) {
    std::lock_guard l(mu_);
    document_ = std::move(document);
    etag_ = std::move(etag);
    max_age_ = max_age;
  }
  // Fetches fail with this cause (errc::none_: they answer again).
  void fail_with(errc e) {
    std::lock_guard l(mu_);
    fail_ = e;
  }
  // Fetches answer with this status and no document (0: answer normally).
  void answer_status(int status) {
    std::lock_guard l(mu_);
    status_ = status;
  }
  // Fetches wait, from now on, until release().
  void hold() {
    std::lock_guard l(mu_);
    hold_ = true;
  }
  void release() {
    {
      std::lock_guard l(mu_);
      hold_ = false;
    }
    cv_.notify_all();
  }
  // Waits (bounded) until a fetch is being held.
  bool wait_holding() {
    std::unique_lock l(mu_);
    return cv_.wait_for(l, 20s, [&] { return holding_; });
  }

  int calls() const {
    std::lock_guard l(mu_);
    return calls_;
  }
  int max_in_flight() const {
    std::lock_guard l(mu_);
    return max_in_flight_;
  }
  std::vector<jwt::jwks_request> requests() const {
    std::lock_guard l(mu_);
    return requests_;
  }

  // The jwks_fetcher model.
  result<jwt::jwks_response> fetch(const jwt::jwks_request& r) noexcept {
    try {
      std::unique_lock l(mu_);
      ++calls_;
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
      requests_.push_back(r);
      if (hold_) {
        holding_ = true;
        cv_.notify_all();
        cv_.wait_for(l, 20s, [&] { return !hold_; });
        holding_ = false;
      }
      --in_flight_;
      if (fail_ != errc::none_) return unexpected{fail_};
      jwt::jwks_response a;
      a.etag = etag_;
      a.max_age = max_age_;
      if (status_ != 0) {
        a.status = status_;
        a.etag.clear();
        return a;
      }
      if (!etag_.empty() && r.if_none_match == etag_) {
        a.status = 304;
        return a;
      }
      a.status = 200;
      a.body = document_;
      return a;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string document_, etag_;
  std::optional<std::chrono::seconds> max_age_;
  errc fail_ = errc::none_;
  int status_ = 0;
  bool hold_ = false, holding_ = false;
  int calls_ = 0, in_flight_ = 0, max_in_flight_ = 0;
  std::vector<jwt::jwks_request> requests_;
};
static_assert(jwt::jwks_fetcher<fake_idp>);

using jwks_set = jwt::remote_jwks<fake_idp&, core::manual_clock&>;
using set_verifier = jwt::verifier<jwks_set&, core::manual_clock&>;
static_assert(jwt::key_set<jwks_set>);
static_assert(jwt::key_visitor<jwks_set>);
static_assert(jwt::key_set<jwt::remote_jwks<fake_idp>>);

constexpr const char* url = "https://idp.example.com/.well-known/jwks.json";

// The public JWK of the shared key for an asymmetric algorithm, with a kid.
json jwk(jwt::alg a, const std::string& kid) { return jwt::export_jwk(verifier_key(a, kid)).value(); }
// The oct JWK of the shared HMAC secret.
json oct_jwk(jwt::alg a, const std::string& kid) {
  return json{{"kty", "oct"}, {"kid", kid}, {"alg", jwt::alg_name(a)}, {"k", core::base64url_encode(secret_for(a))}};
}
std::string doc(std::vector<json> keys) { return json{{"keys", keys}}.dump(); }

// A token of the algorithm's shared key under the kid, valid for 30 days from t0.
std::string token(jwt::alg a, const std::string& kid) {
  const std::string claims = R"({"sub":"alice","iat":)" + std::to_string(t0 - 10) + R"(,"exp":)" +
                             std::to_string(t0 + 30 * 86400) + "}";
  const std::string header = R"({"alg":")" + std::string(jwt::alg_name(a)) + R"(","kid":")" + kid + R"("})";
  return make_token(header, claims, signer(a, kid));
}

// Options with the defaults' shape and the first fetch awaited for up to 10 s.
jwt::remote_jwks_options options() {
  jwt::remote_jwks_options o;
  o.first_load_wait = 10s;
  return o;
}

jwks_set make_set(fake_idp& idp, core::manual_clock& clock, jwt::remote_jwks_options o = options()) {
  auto s = jwks_set::create(url, idp, o, clock);
  REQUIRE(s);
  return std::move(*s);
}
}  // namespace

TEST_CASE("check_jwks_url: https, or http to a loopback host only", "[jwt][remote_jwks]") {
  for (const char* ok : {"https://idp.example.com/jwks", "https://10.0.0.7:8443/keys?x=1", "http://127.0.0.1:8080/jwks",
                         "http://127.9.9.9/jwks", "http://localhost/jwks", "http://idp.localhost:99/jwks",
                         "http://[::1]:8080/jwks", "HTTPS://IDP.EXAMPLE.COM/jwks"}) {
    INFO(ok);
    CHECK(jwt::check_jwks_url(ok));
  }
  for (const char* bad : {"http://idp.example.com/jwks", "http://10.0.0.7/jwks", "http://[::ffff:8.8.8.8]/jwks",
                          "ftp://idp.example.com/jwks", "file:///etc/passwd", "https://user@idp.example.com/jwks",
                          "https://idp.example.com/jwks#frag", "idp.example.com/jwks", "", "http://127.1/jwks",
                          "https://idp.example.com:0/jwks", "https://idp.example.com/j wks"}) {
    INFO(bad);
    CHECK(jwt::check_jwks_url(bad).error() == errc::url_not_allowed);
  }
  fake_idp idp;
  core::manual_clock clock(t0);
  CHECK(jwks_set::create("http://idp.example.com/jwks", idp, options(), clock).error() == errc::url_not_allowed);
  CHECK(idp.calls() == 0);
}

TEST_CASE("cache_max_age reads max-age, no-store and no-cache", "[jwt][remote_jwks]") {
  CHECK(jwt::cache_max_age("max-age=300") == 300s);
  CHECK(jwt::cache_max_age("public, MAX-AGE=60, must-revalidate") == 60s);
  CHECK(jwt::cache_max_age("max-age=\"90\"") == 90s);
  CHECK(jwt::cache_max_age("max-age=10, max-age=20") == 10s);
  CHECK(jwt::cache_max_age("max-age=-1") == 0s);
  CHECK(jwt::cache_max_age("max-age=") == 0s);
  CHECK(jwt::cache_max_age("max-age=12x") == 0s);
  CHECK(jwt::cache_max_age("max-age=99999999999999999999999") == core::max_duration);
  CHECK(jwt::cache_max_age("no-store") == 0s);
  CHECK(jwt::cache_max_age("max-age=600, no-cache") == 0s);
  CHECK(jwt::cache_max_age("no-cache=\"Set-Cookie\", max-age=5") == 5s);
  CHECK(jwt::cache_max_age("s-maxage=600") == std::nullopt);
  CHECK(jwt::cache_max_age("public") == std::nullopt);
  CHECK(jwt::cache_max_age("") == std::nullopt);
}

TEST_CASE("import_remote_jwks skips keys not meant for verification and refuses unsafe sets", "[jwt][remote_jwks]") {
  const json es = jwk(jwt::alg::es256, "es"), ed = jwk(jwt::alg::eddsa, "ed"), rs = jwk(jwt::alg::rs256, "rs");
  auto with = [](json j, const json& extra) {
    j.update(extra);
    return j;
  };
  // Skipped: an encryption key, key_ops without verify, an encryption or unknown alg, "none",
  // an unknown kty, an OKP curve tessera does not read (Ed448, X25519).
  auto keys = jwt::import_remote_jwks(doc({
      es,
      with(jwk(jwt::alg::rs256, "enc"), {{"use", "enc"}, {"alg", "RSA-OAEP"}}),
      with(jwk(jwt::alg::rs256, "ops"), {{"key_ops", {"encrypt", "wrapKey"}}}),
      with(jwk(jwt::alg::rs256, "oaep"), {{"alg", "RSA-OAEP-256"}}),
      with(jwk(jwt::alg::es256, "k1"), {{"alg", "ES256K"}}),
      with(jwk(jwt::alg::rs256, "none"), {{"alg", "none"}}),
      json{{"kty", "PQ"}, {"kid", "pq"}, {"pub", "AAAA"}},
      json{{"kty", "OKP"}, {"crv", "Ed448"}, {"kid", "448"}, {"x", "AAAA"}},
      json{{"kty", "OKP"}, {"crv", "X25519"}, {"kid", "x25519"}, {"x", "AAAA"}, {"use", "enc"}},
      with(ed, {{"key_ops", {"verify"}}, {"use", "sig"}}),
      rs,
  }));
  REQUIRE(keys);
  REQUIRE(keys->size() == 3);
  CHECK((*keys)[0].kid() == "es");
  CHECK((*keys)[0].algorithm() == jwt::alg::es256);
  CHECK((*keys)[1].algorithm() == jwt::alg::eddsa);
  CHECK((*keys)[2].algorithm() == jwt::alg::rs256);

  // Refused: a symmetric key in an asymmetric set (either order, and even when allowed), oct
  // keys unless allowed, nothing left to verify with, malformed members of a wanted key.
  jwt::jwks_options sym;
  sym.allow_symmetric = true;
  CHECK(jwt::import_remote_jwks(doc({rs, oct_jwk(jwt::alg::hs256, "hs")}), sym).error() == errc::key_type_mismatch);
  CHECK(jwt::import_remote_jwks(doc({oct_jwk(jwt::alg::hs256, "hs"), es}), sym).error() == errc::key_type_mismatch);
  CHECK(jwt::import_remote_jwks(doc({rs, oct_jwk(jwt::alg::hs256, "hs")})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_remote_jwks(doc({oct_jwk(jwt::alg::hs256, "hs")})).error() == errc::key_type_mismatch);
  auto hs = jwt::import_remote_jwks(doc({oct_jwk(jwt::alg::hs256, "a"), oct_jwk(jwt::alg::hs512, "b")}), sym);
  REQUIRE(hs);
  CHECK(hs->size() == 2);
  // A symmetric key that is skipped does not count as mixed in.
  CHECK(jwt::import_remote_jwks(doc({rs, with(oct_jwk(jwt::alg::hs256, "hs"), {{"use", "enc"}})})));
  CHECK(jwt::import_remote_jwks(doc({})).error() == errc::invalid_key);
  CHECK(jwt::import_remote_jwks(doc({with(rs, {{"use", "enc"}})})).error() == errc::invalid_key);
  CHECK(jwt::import_remote_jwks(doc({with(rs, {{"use", 1}})})).error() == errc::invalid_key);
  CHECK(jwt::import_remote_jwks(doc({with(rs, {{"key_ops", "verify"}})})).error() == errc::invalid_key);
  CHECK(jwt::import_remote_jwks(doc({with(rs, {{"alg", 256}})})).error() == errc::invalid_key);
  CHECK(jwt::import_remote_jwks(doc({with(rs, {{"alg", "ES256"}})})).error() == errc::key_type_mismatch);
  CHECK(jwt::import_remote_jwks(doc({with(es, {{"d", "AAAA"}})})).error() == errc::invalid_key);
  CHECK(jwt::import_remote_jwks(doc({es, with(ed, {{"kid", "es"}})})).error() == errc::invalid_key);
  CHECK(jwt::import_remote_jwks(R"({"keys":{}})").error() == errc::invalid_key);
  CHECK(jwt::import_remote_jwks("[1]").error() == errc::invalid_key);
  CHECK(jwt::import_remote_jwks("not json").error() == errc::invalid_key);
  CHECK(jwt::import_remote_jwks(doc({es, 7})).error() == errc::invalid_key);

  // The bounds of jwks_options: document size and key count (skipped keys count too).
  jwt::jwks_options small;
  small.max_keys = 2;
  CHECK(jwt::import_remote_jwks(doc({es, with(rs, {{"use", "enc"}}), ed}), small).error() == errc::input_too_large);
  small.max_document_size = 64;
  CHECK(jwt::import_remote_jwks(doc({es}), small).error() == errc::input_too_large);
  // RSA size bounds: a 2048-bit key under a 3072-bit minimum.
  jwt::jwks_options strict;
  strict.policy.min_rsa_bits = 3072;
  CHECK(jwt::import_remote_jwks(doc({rs}), strict).error() == errc::key_too_small);
}

TEST_CASE("remote_jwks: a fresh set is served with no request", "[jwt][remote_jwks]") {
  fake_idp idp;
  idp.serve(doc({jwk(jwt::alg::es256, "a"), jwk(jwt::alg::eddsa, "b")}), "\"v1\"", 300s);
  core::manual_clock clock(t0);
  auto set = make_set(idp, clock);
  REQUIRE(set.ready(10s));
  CHECK(idp.calls() == 1);
  CHECK(idp.requests()[0].url == url);
  CHECK(idp.requests()[0].if_none_match.empty());
  CHECK(idp.requests()[0].max_body == set.options().jwks.max_document_size);

  set_verifier v(set, lax_rules(), clock);
  const std::string ta = token(jwt::alg::es256, "a"), tb = token(jwt::alg::eddsa, "b");
  for (int i = 0; i < 299; ++i) {
    REQUIRE(v.verify(i % 2 ? ta : tb));
    clock.advance(1s);
  }
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.calls() == 1);
  auto st = set.status();
  CHECK(st.loaded);
  CHECK(st.servable);
  CHECK(st.keys == 2);
  CHECK(st.fetches == 1);
  CHECK(st.updates == 1);
  CHECK(st.last_error == errc::none_);
  CHECK(core::unix_seconds(st.fresh_until) == t0 + 300);
  CHECK(core::unix_seconds(st.serve_until) == t0 + 300 + 3600);
  CHECK(set.find("a"));
  CHECK(set.find("a")->algorithm() == jwt::alg::es256);
  CHECK_FALSE(set.find(std::nullopt));  // no kid-less key in the set
}

TEST_CASE("remote_jwks: stale set, conditional GET; 304 keeps the keys, 200 replaces them", "[jwt][remote_jwks]") {
  fake_idp idp;
  idp.serve(doc({jwk(jwt::alg::es256, "a")}), "\"v1\"", 120s);
  core::manual_clock clock(t0);
  auto set = make_set(idp, clock);
  REQUIRE(set.ready(10s));
  set_verifier v(set, lax_rules(), clock);
  const std::string ta = token(jwt::alg::es256, "a");

  clock.advance(119s);
  REQUIRE(v.verify(ta));
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.calls() == 1);

  clock.advance(1s);  // t0 + 120: stale
  REQUIRE(v.verify(ta));  // served from the stale set while the conditional GET runs
  REQUIRE(set.wait_idle(10s));
  REQUIRE(idp.calls() == 2);
  CHECK(idp.requests()[1].if_none_match == "\"v1\"");
  auto st = set.status();
  CHECK(st.not_modified == 1);
  CHECK(st.updates == 1);
  CHECK(core::unix_seconds(st.fresh_until) == t0 + 240);  // renewed by the 304's max-age
  CHECK(v.verify(ta));

  // The set changes at the provider; once stale again, the conditional GET misses and the
  // answer replaces the keys.
  idp.serve(doc({jwk(jwt::alg::eddsa, "b")}), "\"v2\"", 600s);
  idp.hold();
  clock.advance(120s);
  CHECK(v.verify(ta));  // asks; the held set answers
  REQUIRE(idp.wait_holding());
  CHECK(v.verify(ta));  // still the held set while the fetch runs
  idp.release();
  REQUIRE(set.wait_idle(10s));
  REQUIRE(idp.calls() == 3);
  CHECK(idp.requests()[2].if_none_match == "\"v1\"");
  CHECK(v.verify(ta).error() == errc::key_not_found);
  CHECK(v.verify(token(jwt::alg::eddsa, "b")));
  CHECK(set.status().updates == 2);
  CHECK(core::unix_seconds(set.status().fresh_until) == t0 + 240 + 600);

  // A 304 answered to a request without If-None-Match is not a document.
  fake_idp odd;
  odd.answer_status(304);
  auto other = make_set(odd, clock);
  CHECK(other.ready(10s).error() == errc::remote_error);
}

TEST_CASE("remote_jwks: freshness from max-age, else the ttl, within the bounds", "[jwt][remote_jwks]") {
  struct row {
    std::optional<std::chrono::seconds> max_age;
    std::int64_t fresh_for;
  };
  // ttl 600, bounds [30, 3600].
  for (auto [max_age, fresh_for] : {row{std::nullopt, 600}, row{100s, 100}, row{1s, 30}, row{0s, 30},
                                    row{86400s, 3600}, row{core::max_duration, 3600}}) {
    fake_idp idp;
    idp.serve(doc({jwk(jwt::alg::es256, "a")}), "", max_age);
    core::manual_clock clock(t0);
    auto o = options();
    o.ttl = 600s;
    o.min_freshness = 30s;
    o.max_freshness = 3600s;
    o.cooldown = 1s;
    auto set = make_set(idp, clock, o);
    REQUIRE(set.ready(10s));
    INFO("fresh for " << fresh_for);
    CHECK(core::unix_seconds(set.status().fresh_until) == t0 + fresh_for);
    clock.set(t0 + fresh_for - 1);
    CHECK(set.find("a"));
    REQUIRE(set.wait_idle(10s));
    CHECK(idp.calls() == 1);
    clock.set(t0 + fresh_for);
    CHECK(set.find("a"));
    REQUIRE(set.wait_idle(10s));
    CHECK(idp.calls() == 2);
    CHECK(idp.requests()[1].if_none_match.empty());  // no ETag was given
  }

  // Options are clamped where the set is made.
  fake_idp idp;
  idp.serve(doc({jwk(jwt::alg::es256, "a")}), "", std::nullopt);
  core::manual_clock clock(t0);
  jwt::remote_jwks_options wild;
  wild.ttl = -5s;
  wild.min_freshness = 0s;
  wild.max_freshness = -1s;
  wild.cooldown = 0s;
  wild.max_staleness = std::chrono::seconds{std::numeric_limits<std::int64_t>::max()};
  wild.timeout = 0ms;
  wild.first_load_wait = 24h;
  auto set = make_set(idp, clock, wild);
  const auto& o = set.options();
  CHECK(o.ttl == 0s);
  CHECK(o.min_freshness == 1s);
  CHECK(o.max_freshness == 1s);
  CHECK(o.cooldown == 1s);
  CHECK(o.max_staleness == core::max_duration);
  CHECK(o.timeout == 1ms);
  CHECK(o.first_load_wait == 5min);
  REQUIRE(set.ready(10s));
  CHECK(idp.requests()[0].timeout == 1ms);
  CHECK(core::unix_seconds(set.status().fresh_until) == t0 + 1);
}

TEST_CASE("remote_jwks: 10,000 random kids cost one fetch per cooldown", "[jwt][remote_jwks]") {
  fake_idp idp;
  idp.serve(doc({jwk(jwt::alg::es256, "a")}), "\"v1\"", 3600s);
  core::manual_clock clock(t0);
  auto set = make_set(idp, clock);  // cooldown 30 s
  REQUIRE(set.ready(10s));
  set_verifier v(set, lax_rules(), clock);
  const std::string ta = token(jwt::alg::es256, "a");

  std::mt19937_64 rng(17);
  const std::string claims = R"({"sub":"mallory","exp":)" + std::to_string(t0 + 86400) + "}";
  const auto forger = signer(jwt::alg::es256, "x");
  int refused = 0;
  for (int i = 0; i < 10'000; ++i) {
    const std::string kid = "kid-" + std::to_string(rng());
    if (i % 10 == 0) {
      // A forged token under a random kid, through the verifier.
      auto r = v.verify(make_token(R"({"alg":"ES256","kid":")" + kid + R"("})", claims, forger));
      refused += !r && r.error() == errc::key_not_found;
    } else {
      refused += !set.find(kid);
    }
    if (i % 100 == 99) {
      REQUIRE(set.wait_idle(10s));  // so that each fetch is counted on its own, not joined to the next
      clock.advance(1s);            // 100 s in all
    }
  }
  CHECK(refused == 10'000);
  REQUIRE(set.wait_idle(10s));
  const std::int64_t elapsed = core::unix_seconds(clock) - t0;
  CHECK(elapsed == 100);
  CHECK(idp.calls() <= 1 + elapsed / 30);
  CHECK(idp.calls() == 4);  // the first load, then at t0 + 30, 60 and 90
  CHECK(idp.max_in_flight() == 1);
  CHECK(v.verify(ta));  // the real key stayed
  // Each refresh was conditional, and answered 304.
  for (std::size_t i = 1; i < idp.requests().size(); ++i) CHECK(idp.requests()[i].if_none_match == "\"v1\"");
  CHECK(set.status().not_modified == 3);
}

TEST_CASE("remote_jwks: a rotation is picked up through the unknown kid", "[jwt][remote_jwks]") {
  fake_idp idp;
  idp.serve(doc({jwk(jwt::alg::es256, "old")}), "\"v1\"", 3600s);
  core::manual_clock clock(t0);
  auto set = make_set(idp, clock);
  REQUIRE(set.ready(10s));
  set_verifier v(set, lax_rules(), clock);
  const std::string t_old = token(jwt::alg::es256, "old"), t_new = token(jwt::alg::eddsa, "new");

  idp.serve(doc({jwk(jwt::alg::es256, "old"), jwk(jwt::alg::eddsa, "new")}), "\"v2\"", 3600s);
  CHECK(v.verify(t_new).error() == errc::key_not_found);  // within the cooldown of the first load
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.calls() == 1);

  clock.advance(30s);
  CHECK(v.verify(t_new).error() == errc::key_not_found);  // asks; never waits for the fetch
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.calls() == 2);
  CHECK(v.verify(t_new));
  CHECK(v.verify(t_old));

  // The old key retired: gone once the set is refreshed (here by staleness).
  idp.serve(doc({jwk(jwt::alg::eddsa, "new")}), "\"v3\"", 3600s);
  idp.hold();
  clock.advance(3600s);
  CHECK(v.verify(t_old));  // asks; the held set answers
  REQUIRE(idp.wait_holding());
  CHECK(v.verify(t_old));  // still the held set while the conditional GET runs
  idp.release();
  REQUIRE(set.wait_idle(10s));
  CHECK(v.verify(t_old).error() == errc::key_not_found);
  CHECK(v.verify(t_new));
  CHECK(set.status().keys == 1);
}

TEST_CASE("remote_jwks: the last good set survives an outage up to max_staleness, then fails closed",
          "[jwt][remote_jwks]") {
  fake_idp idp;
  idp.serve(doc({jwk(jwt::alg::es256, "a")}), "\"v1\"", 60s);
  core::manual_clock clock(t0);
  auto o = options();
  o.max_staleness = 900s;  // served until t0 + 960
  auto set = make_set(idp, clock, o);
  REQUIRE(set.ready(10s));
  set_verifier v(set, lax_rules(), clock);
  const std::string ta = token(jwt::alg::es256, "a");

  idp.fail_with(errc::connection_failed);
  for (std::int64_t t = t0 + 60; t < t0 + 660; t += 5) {  // stale from t0 + 60; every fetch fails
    clock.set(t);
    REQUIRE(v.verify(ta));
    REQUIRE(set.wait_idle(10s));
  }
  CHECK(idp.calls() == 1 + 600 / 30);  // retried once per cooldown: t0 + 60, 90, ..., 630
  auto st = set.status();
  CHECK(st.servable);
  CHECK(st.failures == 20);
  CHECK(st.last_error == errc::connection_failed);

  // Error answers and refused documents keep the set too.
  idp.fail_with(errc::none_);
  idp.answer_status(500);
  clock.set(t0 + 660);
  CHECK(v.verify(ta));
  REQUIRE(set.wait_idle(10s));
  CHECK(set.status().last_error == errc::remote_error);
  idp.answer_status(0);
  idp.serve(doc({jwk(jwt::alg::es256, "a"), oct_jwk(jwt::alg::hs256, "mixed")}), "\"v2\"", 60s);
  clock.set(t0 + 690);
  CHECK(v.verify(ta));
  REQUIRE(set.wait_idle(10s));
  CHECK(set.status().last_error == errc::key_type_mismatch);
  idp.serve("{\"keys\":", "\"v3\"", 60s);
  clock.set(t0 + 700);
  CHECK(set.refresh(10s).error() == errc::invalid_key);  // an explicit refresh says why
  CHECK(set.find("a"));
  CHECK(idp.calls() == 24);

  // Past max_staleness: fail closed.
  idp.fail_with(errc::connection_failed);
  clock.set(t0 + 959);
  CHECK(v.verify(ta));
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.calls() == 25);  // at t0 + 959, failed
  clock.set(t0 + 960);
  CHECK(v.verify(ta).error() == errc::key_not_found);
  CHECK_FALSE(set.find("a"));
  CHECK(set.get("a").error() == errc::store_unavailable);
  CHECK(set.get("zzz").error() == errc::store_unavailable);
  REQUIRE(set.wait_idle(10s));
  CHECK_FALSE(set.status().servable);
  CHECK(set.status().loaded);

  // The provider answers again: the next fetch (a cooldown after the last) restores service.
  idp.fail_with(errc::none_);
  idp.serve(doc({jwk(jwt::alg::es256, "a")}), "\"v1\"", 60s);
  clock.set(t0 + 988);
  CHECK_FALSE(set.find("a"));
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.calls() == 25);
  clock.set(t0 + 989);
  CHECK_FALSE(set.find("a"));  // asks, and does not wait
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.calls() == 26);
  CHECK(set.get("a"));
  CHECK(set.get("zzz").error() == errc::key_not_found);
  CHECK(v.verify(ta));
  CHECK(set.status().not_modified == 1);  // the held ETag still matched
  CHECK(core::unix_seconds(set.status().fresh_until) == t0 + 989 + 60);
}

TEST_CASE("remote_jwks: lookups never wait for a fetch; one fetch at a time", "[jwt][remote_jwks]") {
  fake_idp idp;
  idp.serve(doc({jwk(jwt::alg::es256, "a")}), "\"v1\"", 60s);
  core::manual_clock clock(t0);
  auto set = make_set(idp, clock);
  REQUIRE(set.ready(10s));
  set_verifier v(set, lax_rules(), clock);
  const std::string ta = token(jwt::alg::es256, "a");

  idp.hold();
  clock.advance(60s);
  CHECK(v.verify(ta));  // asks for the conditional GET, which the provider holds
  REQUIRE(idp.wait_holding());
  // While the fetch hangs: the held set answers, unknown kids are refused at once, and nothing
  // else is fetched, even an explicit refresh (queued behind it).
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(v.verify(ta));
    REQUIRE_FALSE(set.find("kid-" + std::to_string(i)));
    if (i % 100 == 0) clock.advance(30s);
  }
  CHECK(set.refresh(1ms).error() == errc::store_unavailable);
  CHECK_FALSE(set.wait_idle(1ms));
  CHECK(idp.calls() == 2);
  idp.release();
  REQUIRE(set.wait_idle(10s));
  CHECK(idp.max_in_flight() == 1);
  CHECK(idp.calls() <= 4);  // the held one, one more asked for meanwhile, and the explicit refresh
  CHECK(v.verify(ta));
}

TEST_CASE("remote_jwks: only the first load is waited for, and only up to first_load_wait", "[jwt][remote_jwks]") {
  core::manual_clock clock(t0);
  {
    fake_idp idp;
    idp.serve(doc({jwk(jwt::alg::es256, "a")}), "\"v1\"", 60s);
    idp.hold();
    auto o = options();
    o.first_load_wait = 50ms;
    auto set = make_set(idp, clock, o);
    REQUIRE(idp.wait_holding());
    const auto started = std::chrono::steady_clock::now();
    CHECK(set.get("a").error() == errc::store_unavailable);
    CHECK(std::chrono::steady_clock::now() - started >= 50ms);
    CHECK(set.ready(1ms).error() == errc::store_unavailable);
    idp.release();
    CHECK(set.ready(10s));
    CHECK(set.find("a"));
  }
  {
    // A lookup made while the first fetch runs gets the key as soon as it arrives.
    fake_idp idp;
    idp.serve(doc({jwk(jwt::alg::es256, "a")}), "\"v1\"", 60s);
    idp.hold();
    auto set = make_set(idp, clock);  // first_load_wait 10 s
    REQUIRE(idp.wait_holding());
    std::atomic<bool> found{false};
    std::thread waiter([&] { found = static_cast<bool>(set.find("a")); });
    idp.release();
    waiter.join();
    CHECK(found);
  }
  {
    // A first load that fails is not retried before the cooldown, and is not waited for again.
    fake_idp idp;
    idp.fail_with(errc::connection_failed);
    auto set = make_set(idp, clock);
    CHECK(set.ready(10s).error() == errc::connection_failed);
    CHECK(set.get("a").error() == errc::store_unavailable);
    REQUIRE(set.wait_idle(10s));
    CHECK(idp.calls() == 1);
    idp.fail_with(errc::none_);
    idp.serve(doc({jwk(jwt::alg::es256, "a")}), "\"v1\"", 60s);
    clock.advance(30s);
    CHECK(set.get("a").error() == errc::store_unavailable);  // asks
    REQUIRE(set.wait_idle(10s));
    CHECK(set.get("a"));
    CHECK(set.ready(0ms));
  }
}

TEST_CASE("remote_jwks through jwt::verifier: the key decides the algorithm", "[jwt][remote_jwks]") {
  fake_idp idp;
  idp.serve(doc({jwk(jwt::alg::rs256, "rs"), jwk(jwt::alg::ps256, "ps"), jwk(jwt::alg::es384, "es"),
                 jwk(jwt::alg::eddsa, "ed")}),
            "", std::nullopt);
  core::manual_clock clock(t0);
  auto set = make_set(idp, clock);
  REQUIRE(set.ready(10s));
  set_verifier v(set, lax_rules(), clock);
  for (auto [a, kid] : {std::pair{jwt::alg::rs256, "rs"}, std::pair{jwt::alg::ps256, "ps"},
                        std::pair{jwt::alg::es384, "es"}, std::pair{jwt::alg::eddsa, "ed"}}) {
    auto r = v.verify(token(a, kid));
    REQUIRE(r);
    CHECK(r->subject() == "alice");
  }
  // The RSA key under "rs" verifies RS256 only: a PS256 token naming it is refused.
  CHECK(v.verify(token(jwt::alg::ps256, "rs")).error() == errc::algorithm_not_allowed);
  // An HS256 token signed with the RSA key's public JWK text as secret never verifies.
  const std::string pem_like = jwk(jwt::alg::rs256, "rs").dump();
  auto confused = jwt::signing_key::hmac(jwt::alg::hs256, core::bytes_view(reinterpret_cast<const std::uint8_t*>(pem_like.data()), pem_like.size()), "rs").value();
  CHECK(v.verify(make_token(R"({"alg":"HS256","kid":"rs"})", valid_claims(), confused)).error() ==
        errc::algorithm_not_allowed);

  // An HMAC set, when allowed (symmetric keys only).
  fake_idp hidp;
  hidp.serve(doc({oct_jwk(jwt::alg::hs256, "h1")}), "", std::nullopt);
  auto o = options();
  o.jwks.allow_symmetric = true;
  auto hset = make_set(hidp, clock, o);
  REQUIRE(hset.ready(10s));
  set_verifier hv(hset, lax_rules(), clock);
  CHECK(hv.verify(token(jwt::alg::hs256, "h1")));

  // The same document without the opt-in loads nothing.
  fake_idp pidp;
  pidp.serve(doc({oct_jwk(jwt::alg::hs256, "h1")}), "", std::nullopt);
  auto pset = make_set(pidp, clock);
  CHECK(pset.ready(10s).error() == errc::key_type_mismatch);

  // A kid-less key serves tokens without a kid.
  fake_idp nidp;
  nidp.serve(json{{"keys", {jwt::export_jwk(verifier_key(jwt::alg::es256)).value()}}}.dump(), "", std::nullopt);
  auto nset = make_set(nidp, clock);
  REQUIRE(nset.ready(10s));
  set_verifier nv(nset, lax_rules(), clock);
  CHECK(nv.verify(make_token(R"({"alg":"ES256"})", valid_claims(), signer(jwt::alg::es256))));
}

TEST_CASE("remote_jwks: many threads verify while the set is refreshed and rotated", "[jwt][remote_jwks][concurrency]") {
  constexpr int rounds = 40;
  constexpr int verifier_threads = 4;
  fake_idp idp;
  auto doc_for = [](int round) {
    return doc({jwk(jwt::alg::es256, "stable"), jwk(jwt::alg::eddsa, "rot-" + std::to_string(round))});
  };
  idp.serve(doc_for(0), "\"r0\"", 60s);
  core::manual_clock clock(t0);
  auto set = make_set(idp, clock);
  set_verifier v(set, lax_rules(), clock);
  const std::string stable = token(jwt::alg::es256, "stable");
  std::vector<std::string> rotating;
  for (int r = 0; r < rounds; ++r) rotating.push_back(token(jwt::alg::eddsa, "rot-" + std::to_string(r)));

  std::atomic<int> current{0};  // the round whose set is surely held
  std::atomic<bool> stop{false};
  std::atomic<long> stable_failures{0}, wrong_errors{0}, verifications{0}, current_failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < verifier_threads; ++t) {
    threads.emplace_back([&, t] {
      unsigned j = static_cast<unsigned>(t) * 7919u + 1;
      while (!stop.load(std::memory_order_acquire)) {
        j = j * 1103515245u + 12345u;
        if (j % 3 == 0) {
          if (!v.verify(stable)) stable_failures.fetch_add(1, std::memory_order_relaxed);
        } else if (j % 3 == 1) {
          // The round held now, or one that was (refused once rotated out), or a random kid.
          const int held = current.load(std::memory_order_acquire);
          const int r = static_cast<int>((j >> 8) % static_cast<unsigned>(held + 1));
          auto res = v.verify(rotating[static_cast<std::size_t>(r)]);
          if (!res && res.error() != errc::key_not_found) wrong_errors.fetch_add(1, std::memory_order_relaxed);
        } else {
          auto k = set.find("forged-" + std::to_string(j));
          if (k) wrong_errors.fetch_add(1, std::memory_order_relaxed);
          (void)set.status();
        }
        verifications.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }

  REQUIRE(set.ready(10s));
  for (int r = 1; r < rounds; ++r) {
    idp.serve(doc_for(r), "\"r" + std::to_string(r) + "\"", 60s);
    clock.advance(61s);  // stale and past the cooldown: the verifying threads' lookups ask
    std::this_thread::yield();
    if (!set.refresh(10s)) current_failures.fetch_add(1);  // and this one waits for a fetch of round r
    if (!set.find("rot-" + std::to_string(r)) || set.find("rot-" + std::to_string(r - 1)))
      current_failures.fetch_add(1);
    current.store(r, std::memory_order_release);
    std::this_thread::yield();
  }
  stop.store(true, std::memory_order_release);
  for (auto& t : threads) t.join();

  CHECK(stable_failures == 0);
  CHECK(wrong_errors == 0);
  CHECK(current_failures == 0);
  CHECK(verifications > 0);
  CHECK(idp.max_in_flight() == 1);
  CHECK(set.status().updates == rounds);
  CHECK(v.verify(rotating.back()));
}
