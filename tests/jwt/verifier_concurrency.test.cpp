// Tests for tessera/jwt/verifier.hpp under concurrency: several threads verify while another
// rotates keys in a kid_key_set and another deactivates subjects in a memory_revocation_list.
// Once a deactivation call has returned, no verification that starts afterwards may accept a
// token of that subject; and a subject whose deactivation had not begun when a verification
// ended is never refused. Runs in a second or two, and under ThreadSanitizer (tsan preset).
#include "tessera/jwt/verifier.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "jwt/fixtures.hpp"

using namespace tessera;
using namespace jwt_test;
using namespace std::chrono_literals;

TEST_CASE("verify while keys rotate and subjects are revoked: no false accept after revocation returns",
          "[jwt][verifier][concurrency]") {
  constexpr int subjects = 48;
  constexpr int verifier_threads = 3;

  jwt::kid_key_set keys;
  core::manual_clock clock(t0);
  jwt::memory_revocation_list revoked;
  jwt::verifier<jwt::kid_key_set&, core::manual_clock&, jwt::memory_revocation_list&> v(keys, lax_rules(), clock, revoked);

  // Two stable keys (re-put as fresh objects during rotation, so HMAC caches see new keys) and
  // a rotating one. Subjects' tokens alternate between the stable keys.
  const auto stable_hs = signer(jwt::alg::hs256, "stable-hs");
  const auto stable_ed = signer(jwt::alg::eddsa, "stable-ed");
  keys.put(stable_hs.verification().value());
  keys.put(stable_ed.verification().value());
  std::vector<std::string> tokens;
  for (int i = 0; i < subjects; ++i) {
    jwt::issuer<core::manual_clock&> iss(i % 2 ? stable_ed : stable_hs, {}, clock);
    jwt::claims c;
    c.subject("user-" + std::to_string(i));
    tokens.push_back(iss.issue(c).value().token);
  }

  std::atomic<int> started{0}, done{0};  // subjects [0, done) are deactivated; [started, ...) untouched
  std::atomic<bool> stop{false};
  std::atomic<long> false_accepts{0}, false_refusals{0}, other_errors{0}, verifications{0}, rotation_failures{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < verifier_threads; ++t) {
    threads.emplace_back([&, t] {
      unsigned j = static_cast<unsigned>(t) * 7919u;
      while (!stop.load(std::memory_order_acquire)) {
        j = j * 1103515245u + 12345u;
        const int subject = static_cast<int>((j >> 8) % subjects);
        const int revoked_before = done.load(std::memory_order_acquire);
        auto r = v.verify(tokens[static_cast<std::size_t>(subject)]);
        const int revoking_after = started.load(std::memory_order_acquire);
        verifications.fetch_add(1, std::memory_order_relaxed);
        if (subject < revoked_before) {
          if (r) false_accepts.fetch_add(1, std::memory_order_relaxed);
          else if (r.error() != errc::principal_deactivated) other_errors.fetch_add(1, std::memory_order_relaxed);
        } else if (subject >= revoking_after) {
          if (!r) false_refusals.fetch_add(1, std::memory_order_relaxed);
        } else if (!r && r.error() != errc::principal_deactivated) {
          other_errors.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }

  // Key rotation: a new rotating key each round (a token signed with it verifies as soon as put()
  // returns; the one before it is removed), fresh copies of the stable keys, and now and then
  // a replace_all with the whole set.
  threads.emplace_back([&] {
    std::string previous;
    for (int round = 0; !stop.load(std::memory_order_acquire); ++round) {
      const std::string kid = "rot-" + std::to_string(round);
      auto rot = jwt::signing_key::hmac(jwt::alg::hs256, core::random_bytes(32).value(), kid).value();
      keys.put(rot.verification().value());
      jwt::issuer<core::manual_clock&> iss(rot, {}, clock);
      auto tok = iss.issue(jwt::claims{}).value().token;
      if (!v.verify(tok)) rotation_failures.fetch_add(1, std::memory_order_relaxed);
      if (!previous.empty()) keys.remove(previous);
      previous = kid;
      if (round % 8 == 0) {
        std::vector<jwt::verification_key> all;
        all.push_back(stable_hs.verification().value());
        all.push_back(stable_ed.verification().value());
        all.push_back(rot.verification().value());
        keys.replace_all(std::move(all));
      } else {
        keys.put(stable_hs.verification().value());
      }
      if (keys.remove(kid) && v.verify(tok).error() != errc::key_not_found)
        rotation_failures.fetch_add(1, std::memory_order_relaxed);
      keys.put(rot.verification().value());
      std::this_thread::sleep_for(200us);
    }
  });

  // Revocation: deactivate one subject after another.
  for (int i = 0; i < subjects; ++i) {
    std::this_thread::sleep_for(4ms);
    started.store(i + 1, std::memory_order_seq_cst);
    revoked.deactivate("user-" + std::to_string(i));
    done.store(i + 1, std::memory_order_seq_cst);
  }
  std::this_thread::sleep_for(20ms);
  stop.store(true, std::memory_order_release);
  for (auto& th : threads) th.join();

  INFO("verifications: " << verifications.load());
  CHECK(verifications.load() > 0);
  CHECK(false_accepts.load() == 0);
  CHECK(false_refusals.load() == 0);
  CHECK(other_errors.load() == 0);
  CHECK(rotation_failures.load() == 0);
  // Afterwards every subject is refused, and reactivation restores exactly one.
  for (const auto& tok : tokens) CHECK(v.verify(tok).error() == errc::principal_deactivated);
  revoked.reactivate("user-3");
  CHECK(v.verify(tokens[3]));
  CHECK(v.verify(tokens[4]).error() == errc::principal_deactivated);
}

TEST_CASE("many threads verify the same tokens and get the same answers", "[jwt][verifier][concurrency]") {
  jwt::kid_key_set keys;
  for (auto a : {jwt::alg::hs256, jwt::alg::es256, jwt::alg::eddsa, jwt::alg::ps256})
    keys.put(verifier_key(a, std::string(jwt::alg_name(a))));
  jwt::verifier<jwt::kid_key_set&, fixed_clock> v(keys, lax_rules(), fixed_clock{});
  std::vector<std::string> good, bad;
  for (auto a : {jwt::alg::hs256, jwt::alg::es256, jwt::alg::eddsa, jwt::alg::ps256}) {
    jwt::issuer<fixed_clock> iss(signer(a, std::string(jwt::alg_name(a))), {}, fixed_clock{});
    jwt::claims c;
    c.subject(std::string("sub-") + std::string(jwt::alg_name(a)));
    good.push_back(iss.issue(c).value().token);
    auto forged = good.back();
    forged[forged.find('.') + 3] ^= 1;  // flips a bit in the claims: still base64url, no longer signed
    bad.push_back(forged);
  }
  std::atomic<long> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 40; ++round) {
        for (std::size_t i = 0; i < good.size(); ++i) {
          auto ok = v.verify(good[i]);
          if (!ok || ok->subject() != std::string("sub-") + std::string(jwt::alg_name(ok->algorithm()))) wrong.fetch_add(1);
          auto no = v.verify(bad[i]);
          if (no || (no.error() != errc::bad_signature && no.error() != errc::token_malformed)) wrong.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
}
