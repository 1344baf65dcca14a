// Tests for tessera/credentials/authenticator.hpp: client-credentials login, its error causes,
// the concurrency bound, rehash at login, and deactivation seen on the next call.
#include "tessera/credentials/authenticator.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tessera/credentials/client_secret.hpp"
#include "support/catch.hpp"

using namespace tessera;
using namespace std::chrono_literals;
using credentials::hash_policy;

namespace {
const credentials::sys_seconds t0{std::chrono::seconds(1'700'000'000)};
const hash_policy tiny = hash_policy::scrypt_with(16, 1, 1);

credentials::authenticator_options options(hash_policy policy = tiny) {
  credentials::authenticator_options o;
  o.policy = policy;
  o.max_concurrent = 4;
  return o;
}

// Registers a client and returns its secret as text.
std::string enrol(credentials::memory_client_registry& reg, std::string id, const hash_policy& policy = tiny) {
  credentials::client_spec spec;
  spec.client_id = std::move(id);
  spec.tenant = "retailer-1";
  spec.roles = {"ApiUser"};
  spec.scopes = {"orders:read"};
  auto c = credentials::register_client(reg, spec, t0, policy);
  REQUIRE(c);
  return std::string(c->secret.expose_secret_text());
}
}  // namespace

TEST_CASE("the right secret logs in and yields the client's record", "[credentials][authenticator]") {
  credentials::memory_client_registry reg;
  auto secret = enrol(reg, "acme");
  auto auth = credentials::client_authenticator<>::create(reg, options());
  REQUIRE(auth);
  auto c = auth->authenticate("acme", secret);
  REQUIRE(c);
  CHECK((*c)->client_id == "acme");
  CHECK((*c)->tenant == "retailer-1");
  CHECK((*c)->has_role("ApiUser"));
  CHECK((*c)->has_scope("orders:read"));
  CHECK(auth->guard().in_use() == 0);
}

TEST_CASE("each login failure has its own cause", "[credentials][authenticator]") {
  credentials::memory_client_registry reg;
  auto secret = enrol(reg, "acme");
  auto auth = credentials::client_authenticator<>::create(reg, options());
  REQUIRE(auth);
  CHECK(auth->authenticate("", secret).error() == errc::missing_field);
  CHECK(auth->authenticate("acme", "").error() == errc::missing_field);
  CHECK(auth->authenticate("acme", secret + "x").error() == errc::invalid_credentials);
  CHECK(auth->authenticate("acme", secret.substr(1)).error() == errc::invalid_credentials);
  CHECK(auth->authenticate("nobody", secret).error() == errc::invalid_credentials);  // no enumeration
  CHECK(auth->authenticate("ACME", secret).error() == errc::invalid_credentials);

  REQUIRE(reg.set_secret_hash("acme", "not a hash"));
  CHECK(auth->authenticate("acme", secret).error() == errc::invalid_hash_string);
  CHECK(http_status(errc::invalid_hash_string) == 500);
  CHECK(http_status(errc::missing_field) == 400);
  CHECK(http_status(errc::invalid_credentials) == 401);
  CHECK(http_status(errc::client_deactivated) == 401);
}

TEST_CASE("a deactivated client is refused on the very next login, but only with its secret",
          "[credentials][authenticator]") {
  credentials::memory_client_registry reg;
  auto secret = enrol(reg, "acme");
  auto auth = credentials::client_authenticator<>::create(reg, options());
  REQUIRE(auth);
  REQUIRE(auth->authenticate("acme", secret));
  CHECK(auth->active_client("acme"));
  REQUIRE(reg.deactivate("acme", t0 + 10s));
  CHECK(auth->authenticate("acme", secret).error() == errc::client_deactivated);
  CHECK(auth->authenticate("acme", "wrong").error() == errc::invalid_credentials);  // nothing learnt without it
  CHECK(auth->active_client("acme").error() == errc::client_deactivated);
  CHECK(auth->active_client("nobody").error() == errc::unknown_client);
  REQUIRE(reg.reactivate("acme"));
  CHECK(auth->authenticate("acme", secret));
}

TEST_CASE("a full guard refuses logins with too_many_requests before any hashing", "[credentials][authenticator]") {
  credentials::memory_client_registry reg;
  auto secret = enrol(reg, "acme");
  auto opts = options();
  opts.guard = std::make_shared<credentials::concurrency_guard>(1);
  opts.max_wait = 0ms;
  auto auth = credentials::client_authenticator<>::create(reg, opts);
  REQUIRE(auth);
  auto held = opts.guard->try_acquire();  // e.g. another endpoint sharing the guard
  REQUIRE(held);
  CHECK(auth->authenticate("acme", secret).error() == errc::too_many_requests);
  CHECK(auth->authenticate("nobody", "x").error() == errc::too_many_requests);
  held->release();
  CHECK(auth->authenticate("acme", secret));
}

TEST_CASE("an outdated stored hash is upgraded at login", "[credentials][authenticator]") {
  credentials::memory_client_registry reg;
  auto secret = enrol(reg, "acme", hash_policy::pbkdf2_sha256(1000));
  auto auth = credentials::client_authenticator<>::create(reg, options(tiny));
  REQUIRE(auth);
  CHECK((*reg.find("acme"))->secret_hash.rfind("$pbkdf2-sha256$i=1000$", 0) == 0);
  REQUIRE(auth->authenticate("acme", secret));
  const std::string upgraded = (*reg.find("acme"))->secret_hash;
  CHECK(upgraded.rfind("$scrypt$ln=4,r=1,p=1$", 0) == 0);
  CHECK_FALSE(credentials::needs_rehash(upgraded, tiny));
  REQUIRE(auth->authenticate("acme", secret));
  CHECK((*reg.find("acme"))->secret_hash == upgraded);  // no needless rehash

  // Not on a failed login, and not when switched off.
  auto other = enrol(reg, "beta", hash_policy::pbkdf2_sha256(1000));
  const std::string before = (*reg.find("beta"))->secret_hash;
  CHECK_FALSE(auth->authenticate("beta", other + "x"));
  CHECK((*reg.find("beta"))->secret_hash == before);
  auto opts = options(tiny);
  opts.rehash_on_login = false;
  auto keep = credentials::client_authenticator<>::create(reg, opts);
  REQUIRE(keep);
  REQUIRE(keep->authenticate("beta", other));
  CHECK((*reg.find("beta"))->secret_hash == before);
}

TEST_CASE("an unknown client costs a full slow hash", "[credentials][authenticator]") {
  // Lower bound only (a slow machine makes it longer, never shorter): with PBKDF2 at 100,000
  // iterations an unknown id must still take the time of a real check, not return at once.
  credentials::memory_client_registry reg;
  auto auth = credentials::client_authenticator<>::create(reg, options(hash_policy::pbkdf2_sha256(100'000)));
  REQUIRE(auth);
  auto probe = credentials::hash_secret("x", hash_policy::pbkdf2_sha256(100'000));
  REQUIRE(probe);
  auto t = std::chrono::steady_clock::now();
  REQUIRE(credentials::verify_secret("x", *probe));
  const auto real = std::chrono::steady_clock::now() - t;
  t = std::chrono::steady_clock::now();
  CHECK(auth->authenticate("nobody", "some-secret").error() == errc::invalid_credentials);
  const auto unknown = std::chrono::steady_clock::now() - t;
  CHECK(unknown * 4 >= real);
}

namespace {
// The slow-hash work of one failed login (wrong secret or unknown id).
credentials::kdf_work failed_login_work(const credentials::client_authenticator<>& auth, std::string_view id,
                                        std::string_view secret) {
  const auto before = credentials::thread_kdf_work();
  CHECK(auth.authenticate(id, secret).error() == errc::invalid_credentials);
  return credentials::thread_kdf_work().since(before);
}
}  // namespace

TEST_CASE("after the policy cost is raised, an unknown id does the same slow-hash work as a known one",
          "[credentials][authenticator]") {
  // Counted in KDF work units (scrypt N*r*p), not in time: equal work is what makes equal time.
  credentials::memory_client_registry reg;
  auto secret = enrol(reg, "acme", tiny);  // stored at N = 16 ...
  const hash_policy raised = hash_policy::scrypt_with(256, 1, 1);
  auto auth = credentials::client_authenticator<>::create(reg, options(raised));  // ... checked at 256
  REQUIRE(auth);
  const auto unknown = failed_login_work(*auth, "nobody", secret);
  const auto known = failed_login_work(*auth, "acme", secret + "x");
  CHECK(unknown.scrypt == 256);
  CHECK(known.scrypt == unknown.scrypt);
  CHECK(known.pbkdf2 == unknown.pbkdf2);

  // r and p raised too; and an over-long secret, refused before its hash is computed, still costs the same.
  const hash_policy wider = hash_policy::scrypt_with(64, 2, 3);
  auto auth2 = credentials::client_authenticator<>::create(reg, options(wider));
  REQUIRE(auth2);
  const std::string too_long(credentials::max_secret_size + 1, 'x');
  CHECK(failed_login_work(*auth2, "nobody", secret).scrypt == 64 * 2 * 3);
  CHECK(failed_login_work(*auth2, "acme", secret + "x").scrypt == 64 * 2 * 3);
  CHECK(failed_login_work(*auth2, "acme", too_long).scrypt == 64 * 2 * 3);
  CHECK(failed_login_work(*auth2, "nobody", too_long).scrypt == 64 * 2 * 3);
}

TEST_CASE("after the cost is lowered or the algorithm switched, previous_policies keeps logins alike",
          "[credentials][authenticator]") {
  credentials::memory_client_registry reg;
  const hash_policy old_scrypt = hash_policy::scrypt_with(256, 1, 1);
  const hash_policy old_pbkdf2 = hash_policy::pbkdf2_sha256(1000);
  const std::vector<std::pair<std::string, std::string>> clients{
      {"old-scrypt", enrol(reg, "old-scrypt", old_scrypt)},
      {"old-pbkdf2", enrol(reg, "old-pbkdf2", old_pbkdf2)},
      {"current", enrol(reg, "current", tiny)}};
  auto opts = options(tiny);
  opts.previous_policies = {old_scrypt, old_pbkdf2};
  auto auth = credentials::client_authenticator<>::create(reg, opts);
  REQUIRE(auth);
  const auto unknown = failed_login_work(*auth, "nobody", "some-secret");
  CHECK(unknown.scrypt == 256);
  CHECK(unknown.pbkdf2 == 1000);
  for (const auto& [id, secret] : clients) {
    INFO(id);
    const auto known = failed_login_work(*auth, id, secret + "x");
    CHECK(known.scrypt == unknown.scrypt);
    CHECK(known.pbkdf2 == unknown.pbkdf2);
  }
  // A successful login costs the same, and then rehashes under the policy.
  const auto before = credentials::thread_kdf_work();
  REQUIRE(auth->authenticate("old-pbkdf2", clients[1].second));
  const auto ok = credentials::thread_kdf_work().since(before);
  CHECK(ok.scrypt == unknown.scrypt + credentials::hash_work(tiny).scrypt);
  CHECK(ok.pbkdf2 == unknown.pbkdf2);
  CHECK_FALSE(credentials::needs_rehash((*reg.find("old-pbkdf2"))->secret_hash, tiny));

  // A previous policy is held to the limits like the policy.
  opts.previous_policies = {hash_policy::scrypt_with(std::uint64_t{1} << 20, 8, 1)};
  CHECK(credentials::client_authenticator<>::create(reg, opts).error() == errc::invalid_kdf_parameters);
}

TEST_CASE("the rehash at login honours the authenticator's limits", "[credentials][authenticator]") {
  credentials::memory_client_registry reg;
  auto secret = enrol(reg, "acme");
  auto opts = options(hash_policy::scrypt_with(16, 1, 17));  // p = 17: beyond the default limits
  CHECK(credentials::client_authenticator<>::create(reg, opts).error() == errc::invalid_kdf_parameters);
  opts.limits.max_scrypt_p = 32;  // the server admits it
  auto auth = credentials::client_authenticator<>::create(reg, opts);
  REQUIRE(auth);
  REQUIRE(auth->authenticate("acme", secret));
  CHECK((*reg.find("acme"))->secret_hash.rfind("$scrypt$ln=4,r=1,p=17$", 0) == 0);

  // A stored hash beyond the limits is neither checked nor replaced: a server fault (500).
  auto strict = credentials::client_authenticator<>::create(reg, options());
  REQUIRE(strict);
  const std::string beyond = (*reg.find("acme"))->secret_hash;
  CHECK(strict->authenticate("acme", secret).error() == errc::invalid_hash_string);
  CHECK((*reg.find("acme"))->secret_hash == beyond);
}

TEST_CASE("a policy the limits refuse is refused up front", "[credentials][authenticator]") {
  credentials::memory_client_registry reg;
  auto opts = options(hash_policy::scrypt_with(std::uint64_t{1} << 20, 8, 1));
  CHECK(credentials::client_authenticator<>::create(reg, opts).error() == errc::invalid_kdf_parameters);
  opts.limits.max_scrypt_memory = 2ull << 30;
  opts.limits.max_scrypt_work = 2ull << 30;
  CHECK(credentials::client_authenticator<>::create(reg, opts));
}

TEST_CASE("concurrent logins see each deactivation from the next call on",
          "[credentials][authenticator][concurrency]") {
  credentials::memory_client_registry reg;
  constexpr int n = 8;
  std::vector<std::string> secrets;
  for (int i = 0; i < n; ++i) secrets.push_back(enrol(reg, "c" + std::to_string(i)));
  auto opts = options();
  opts.max_concurrent = 2;
  opts.max_waiting = 8;
  opts.max_wait = 2s;
  auto auth = credentials::client_authenticator<>::create(reg, opts);
  REQUIRE(auth);

  std::atomic<int> deactivated_upto{-1};
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0};
  std::atomic<long> logins{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      int i = t;
      while (!stop.load(std::memory_order_acquire)) {
        i = (i + 1) % n;
        const int upto = deactivated_upto.load(std::memory_order_acquire);
        auto r = auth->authenticate("c" + std::to_string(i), secrets[static_cast<std::size_t>(i)]);
        if (i <= upto) {
          if (r || (r.error() != errc::client_deactivated && r.error() != errc::too_many_requests))
            violations.fetch_add(1);
        } else if (!r && r.error() != errc::client_deactivated && r.error() != errc::too_many_requests) {
          violations.fetch_add(1);
        }
        logins.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (int i = 0; i < n; ++i) {
    while (logins.load() < 10L * (i + 1)) std::this_thread::yield();
    if (!reg.deactivate("c" + std::to_string(i), t0)) violations.fetch_add(1);
    deactivated_upto.store(i, std::memory_order_release);
  }
  while (logins.load() < 10L * (n + 2)) std::this_thread::yield();
  stop.store(true, std::memory_order_release);
  for (auto& th : threads) th.join();
  CHECK(violations.load() == 0);
  CHECK(auth->guard().in_use() == 0);
}

TEST_CASE("a run of wrong secrets locks the client id out before any hashing, unknown ids alike",
          "[credentials][authenticator]") {
  credentials::memory_client_registry reg;
  auto acme = enrol(reg, "acme");
  auto beta = enrol(reg, "beta");
  auto other = enrol(reg, "other");
  auto opts = options();
  opts.throttle.max_failures = 3;
  auto auth = credentials::client_authenticator<>::create(reg, opts);
  REQUIRE(auth);

  for (int i = 0; i < 3; ++i) CHECK(auth->authenticate("acme", "wrong").error() == errc::invalid_credentials);
  const auto before = credentials::thread_kdf_work();
  CHECK(auth->authenticate("acme", acme).error() == errc::too_many_failed_logins);  // even the right secret
  CHECK(auth->authenticate("acme", "wrong").error() == errc::too_many_failed_logins);
  CHECK(credentials::thread_kdf_work().since(before).runs == 0);  // refused before any hashing
  CHECK(core::http_status(errc::too_many_failed_logins) == 429);

  // An id nobody holds is limited the same way, so the lock-out does not tell which ids exist.
  for (int i = 0; i < 3; ++i) CHECK(auth->authenticate("ghost", "wrong").error() == errc::invalid_credentials);
  CHECK(auth->authenticate("ghost", "wrong").error() == errc::too_many_failed_logins);

  // Other ids are not affected, and a success ends a run.
  CHECK(auth->authenticate("other", other));
  for (int round = 0; round < 3; ++round) {
    CHECK(auth->authenticate("beta", "wrong").error() == errc::invalid_credentials);
    CHECK(auth->authenticate("beta", "wrong").error() == errc::invalid_credentials);
    CHECK(auth->authenticate("beta", beta));
  }
}

TEST_CASE("a burst of ordinary logins queues within a bounded wait instead of failing", "[credentials][authenticator]") {
  credentials::memory_client_registry reg;
  std::vector<std::string> secrets;
  for (int i = 0; i < 6; ++i) secrets.push_back(enrol(reg, "client-" + std::to_string(i)));
  auto opts = options();
  opts.max_concurrent = 2;  // fewer hashing slots than logins: the rest wait (defaults: 256 waiters, 2 s)
  auto auth = credentials::client_authenticator<>::create(reg, opts);
  REQUIRE(auth);
  std::atomic<int> ok{0}, ready{0};
  std::vector<std::thread> logins;
  for (int i = 0; i < 6; ++i) {
    logins.emplace_back([&, i] {
      ++ready;
      while (ready.load() < 6) std::this_thread::yield();
      if (auth->authenticate("client-" + std::to_string(i), secrets[static_cast<std::size_t>(i)])) ++ok;
    });
  }
  for (auto& t : logins) t.join();
  CHECK(ok.load() == 6);
}
