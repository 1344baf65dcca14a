// Tests for tessera/core/random.hpp: random bytes, secrets and strings from OpenSSL's DRBG.
#include "tessera/core/random.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <map>
#include <set>
#include <string>
#include <span>
#include <thread>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;

TEST_CASE("random_bytes and random_secret have the requested size", "[core][random]") {
  for (std::size_t n : {0u, 1u, 16u, 32u, 64u, 1000u}) {
    CAPTURE(n);
    auto b = core::random_bytes(n);
    REQUIRE(b);
    CHECK(b->size() == n);
    auto s = core::random_secret(n);
    REQUIRE(s);
    CHECK(s->size() == n);
  }
  // Two 32-byte draws are different (a collision has probability 2^-256).
  CHECK(core::random_bytes(32).value() != core::random_bytes(32).value());
  auto s1 = core::random_secret(32).value();
  auto s2 = core::random_secret(32).value();
  CHECK_FALSE(s1.ct_equals(s2.expose_secret()));
}

TEST_CASE("random_fill fills a caller's buffer", "[core][random]") {
  std::array<std::uint8_t, 64> buf{};
  REQUIRE(core::random_fill(buf));
  bool any_nonzero = false;
  for (auto b : buf) any_nonzero = any_nonzero || b != 0;
  CHECK(any_nonzero);  // all zero has probability 2^-512
  CHECK(core::random_fill(std::span<std::uint8_t>{}));  // empty is fine
}

TEST_CASE("random strings use only their alphabet and have the requested length", "[core][random]") {
  const std::string b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t n : {0u, 1u, 22u, 43u, 100u}) {
    CAPTURE(n);
    auto s = core::random_base62(n);
    REQUIRE(s);
    CHECK(s->size() == n);
    CHECK(s->find_first_not_of(core::base62_alphabet) == std::string::npos);

    auto u = core::random_base64url(n);
    REQUIRE(u);
    CHECK(u->size() == core::base64url_encoded_size(n));
    CHECK(u->find_first_not_of(b64url) == std::string::npos);
    auto back = core::base64url_decode(*u);  // strict decoding accepts what the encoder wrote
    REQUIRE(back);
    CHECK(back->size() == n);

    auto h = core::random_hex(n);
    REQUIRE(h);
    CHECK(h->size() == 2 * n);
    CHECK(h->find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  CHECK(core::base62_alphabet.size() == 62);
  std::set<char> distinct(core::base62_alphabet.begin(), core::base62_alphabet.end());
  CHECK(distinct.size() == 62);
}

TEST_CASE("random_string refuses alphabets it cannot sample uniformly", "[core][random]") {
  CHECK(core::random_string(10, "").error() == errc::invalid_argument);
  CHECK(core::random_string(10, "a").error() == errc::invalid_argument);
  CHECK(core::random_string(0, "").error() == errc::invalid_argument);
  CHECK(core::random_string(10, std::string(257, 'x')).error() == errc::invalid_argument);

  auto two = core::random_string(200, "ab");
  REQUIRE(two);
  CHECK(two->find_first_not_of("ab") == std::string::npos);
  CHECK(two->find('a') != std::string::npos);  // both appear (probability 1 - 2^-199)
  CHECK(two->find('b') != std::string::npos);

  std::string all(256, '\0');
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<char>(i);
  auto full = core::random_string(64, all);  // 256 symbols: every byte value is usable
  REQUIRE(full);
  CHECK(full->size() == 64);
}

TEST_CASE("random_base62 is close to uniform", "[core][random]") {
  // 62 does not divide 256: plain modulo would favour '0'..'7' by 25%. Rejection sampling must not.
  constexpr std::size_t per_symbol = 2000, n = 62 * per_symbol;
  auto s = core::random_base62(n);
  REQUIRE(s);
  std::map<char, std::size_t> count;
  for (char c : *s) ++count[c];
  CHECK(count.size() == 62);
  double chi2 = 0;
  for (auto [c, k] : count) {
    const double d = static_cast<double>(k) - per_symbol;
    chi2 += d * d / per_symbol;
  }
  // 61 degrees of freedom: mean 61, standard deviation about 11; 160 is beyond 8 sigma.
  CAPTURE(chi2);
  CHECK(chi2 < 160.0);
  std::size_t low = 0;  // the eight symbols plain modulo would favour
  for (char c : std::string_view("01234567")) low += count[c];
  const double ratio = static_cast<double>(low) / (8.0 * per_symbol);
  CAPTURE(ratio);
  CHECK(ratio > 0.93);
  CHECK(ratio < 1.07);  // biased modulo would give about 1.24
}

TEST_CASE("random_fill_public hands out each byte once, across refills and threads", "[core][random]") {
  // 4096 draws of 16 bytes span 64 refills of the per-thread pool; a repeat has probability
  // about 2^-104, so any repeat is a serving bug (a byte served twice, a stale pool).
  std::set<std::array<std::uint8_t, 16>> seen;
  std::array<std::uint8_t, 16> id{};
  for (int i = 0; i < 4096; ++i) {
    REQUIRE(core::random_fill_public(id));
    CHECK(seen.insert(id).second);
  }
  // Another thread draws from its own pool: nothing it gets was served here.
  std::vector<std::array<std::uint8_t, 16>> other(256);
  std::thread t([&] {
    for (auto& o : other) (void)core::random_fill_public(o);
  });
  t.join();
  for (const auto& o : other) CHECK(seen.insert(o).second);
  // Requests above 64 bytes go to RAND_bytes directly; an empty one is fine.
  std::array<std::uint8_t, 100> big{};
  REQUIRE(core::random_fill_public(big));
  CHECK(big != std::array<std::uint8_t, 100>{});
  REQUIRE(core::random_fill_public(std::span<std::uint8_t>{}));
}

TEST_CASE("random_fill_public: a forked child does not serve the bytes its parent drew", "[core][random]") {
  std::array<std::uint8_t, 16> first{}, parent_next{}, child_next{};
  REQUIRE(core::random_fill_public(first));  // the pool now holds bytes both sides would share
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    std::array<std::uint8_t, 16> mine{};
    const bool got = static_cast<bool>(core::random_fill_public(mine));
    const bool wrote = got && write(fds[1], mine.data(), mine.size()) == static_cast<ssize_t>(mine.size());
    _exit(wrote ? 0 : 1);
  }
  close(fds[1]);
  REQUIRE(core::random_fill_public(parent_next));
  std::size_t got = 0;
  while (got < child_next.size()) {
    const ssize_t n = read(fds[0], child_next.data() + got, child_next.size() - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  REQUIRE(got == child_next.size());
  CHECK(child_next != parent_next);
  CHECK(child_next != first);
}
