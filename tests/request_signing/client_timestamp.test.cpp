// Tests for tessera/request_signing/client_timestamp.hpp: the SNAP-style
// base64(SHA256withRSA(key, client_id + "|" + X-TIMESTAMP)) scheme, exactly, and interop with
// the OpenSSL command line in both directions.
#include "tessera/request_signing/client_timestamp.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/catch.hpp"
#include "rs_support.hpp"
#include "tessera/core/random.hpp"
#include "tessera/crypto/signature.hpp"
#include "tessera/request_signing/signer.hpp"
#include "tessera/request_signing/verifier.hpp"

using namespace tessera;
using namespace tessera::request_signing;
namespace fs = std::filesystem;

TEST_CASE("client_timestamp signs client_id|timestamp and nothing else", "[request_signing][client_timestamp]") {
  client_timestamp p;
  CHECK(p.format() == timestamp_format::unix_seconds);
  CHECK_FALSE(p.uses_nonce());
  CHECK_FALSE(client_timestamp::binds_request);
  auto a = string_to_sign(p, rs_test::order_request(), signed_fields{"partner-1", "2024-05-17T14:12:50+07:00", ""});
  REQUIRE(a);
  CHECK(*a == "partner-1|2024-05-17T14:12:50+07:00");
  // The request does not matter at all: that is the weakness canonical_request closes.
  auto b = string_to_sign(p, request("GET", "/anything"), signed_fields{"partner-1", "2024-05-17T14:12:50+07:00", ""});
  CHECK(*a == *b);
  client_timestamp unix_profile(timestamp_format::unix_seconds);
  CHECK(unix_profile.format() == timestamp_format::unix_seconds);
}

TEST_CASE("the signer produces exactly X-SIGNATURE = base64(SHA256withRSA(client_id|X-TIMESTAMP))",
          "[request_signing][client_timestamp]") {
  core::manual_clock clock(rs_test::t0);
  auto s = signer<client_timestamp, core::manual_clock&>::create(
      "partner-1", rs_test::rsa_a(), crypto::signature_alg::rsa_pkcs1_sha256, client_timestamp(timestamp_format::iso8601, {}, repeats::refused),
      signer_options{std::chrono::minutes(7 * 60)}, clock);
  REQUIRE(s);
  auto h = s->sign();
  REQUIRE(h);
  CHECK(h->size() == 3);
  CHECK(*h->find("X-CLIENT-ID") == "partner-1");
  CHECK(*h->find("X-TIMESTAMP") == "2024-05-17T14:12:50+07:00");
  // RSASSA-PKCS1-v1_5 is deterministic: the header is exactly this value.
  auto expected = crypto::sign(rs_test::rsa_a(), crypto::signature_alg::rsa_pkcs1_sha256,
                               "partner-1|2024-05-17T14:12:50+07:00");
  REQUIRE(expected);
  CHECK(*h->find("X-SIGNATURE") == core::base64_encode(*expected));
}

TEST_CASE("a client_timestamp verifier accepts the X.509 certificate PEM a partner registers",
          "[request_signing][client_timestamp]") {
  memory_client_registry clients;
  REQUIRE(clients.add_key("partner-1", tessera_test::keys::rsa2048_certificate));
  core::memory_replay_store seen;
  core::manual_clock clock(rs_test::t0);
  verifier v(client_timestamp(timestamp_format::iso8601, {}, repeats::refused), clients, seen, verifier_options{}, clock);
  auto s = signer<client_timestamp, core::manual_clock&>::from_pem(
      "partner-1", tessera_test::keys::rsa2048_private_pkcs1, crypto::signature_alg::rsa_pkcs1_sha256,
      client_timestamp(timestamp_format::iso8601, {}, repeats::refused), signer_options{std::chrono::minutes(420)}, clock);
  REQUIRE(s);
  request r = rs_test::order_request();
  s->sign()->apply_to(r);
  auto ok = v.verify(r);
  REQUIRE(ok);
  CHECK(ok->client_id() == "partner-1");
  // The same captured headers on another endpoint with another body: the scheme cannot tell...
  request elsewhere("DELETE", "/api/v1/orders/77");
  s->sign()->apply_to(elsewhere);
  // ...but the replay store refuses the identical signature.
  CHECK(v.verify(elsewhere).error() == errc::replayed);
}

namespace {
// Runs a shell command, its output kept in log; true when it exits with 0.
bool run(const std::string& cmd, const fs::path& log) {
  const std::string full = cmd + " >'" + log.string() + "' 2>&1";
  INFO(full);
  return std::system(full.c_str()) == 0;
}
void write_file(const fs::path& p, std::string_view content) {
  std::ofstream out(p, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}
std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// A scratch folder unique to this run, removed with everything in it (private keys included).
struct scratch_dir {
  fs::path path;
  scratch_dir() {
    path = fs::path(TESSERA_TEST_BINARY_DIR) / ("request_signing_interop_" + core::random_hex(8).value());
    fs::create_directories(path);
  }
  ~scratch_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
}  // namespace

TEST_CASE("OpenSSL command line interop, both directions", "[request_signing][client_timestamp][interop]") {
  const std::string cli = TESSERA_OPENSSL_CLI;
  if (cli.empty()) TESSERA_SKIP("the openssl command line was not found at configure time");
  scratch_dir dir;
  const fs::path key = dir.path / "key.pem", key1 = dir.path / "key_pkcs1.pem", pub = dir.path / "pub.pem",
                 msg = dir.path / "msg.txt", sig = dir.path / "sig.bin", log = dir.path / "log.txt";
  write_file(key, tessera_test::keys::rsa2048_private_pkcs8);
  write_file(pub, tessera_test::keys::rsa2048_public_spki);
  const std::string ts = "2024-05-17T14:12:50+07:00";
  write_file(msg, "partner-1|" + ts);  // no newline: exactly the string to sign

  memory_client_registry clients;
  REQUIRE(clients.add_key("partner-1", tessera_test::keys::rsa2048_public_spki));
  core::memory_replay_store seen;
  core::manual_clock clock(rs_test::t0);
  verifier v(client_timestamp(timestamp_format::iso8601, {}, repeats::refused), clients, seen, verifier_options{}, clock);

  SECTION("a signature from `openssl dgst -sha256 -sign` verifies here") {
    REQUIRE(run("'" + cli + "' dgst -sha256 -sign " + q(key) + " -out " + q(sig) + " " + q(msg), log));
    request r("POST", "/api/v1/orders");
    r.set_header("X-CLIENT-ID", "partner-1");
    r.set_header("X-TIMESTAMP", ts);
    r.set_header("X-SIGNATURE", core::base64_encode(read_file(sig)));
    auto ok = v.verify(r);
    CAPTURE(core::name(ok.error()));
    CHECK(ok);
    // The same signature under another timestamp string (same instant) is not the signed text.
    r.set_header("X-TIMESTAMP", "2024-05-17T07:12:50Z");
    CHECK(v.verify(r).error() == errc::bad_signature);
  }

  SECTION("a signature made here verifies with `openssl dgst -sha256 -verify`") {
    // The partner's key in PKCS#1 form, converted by the OpenSSL command line.
    REQUIRE(run("'" + cli + "' pkey -in " + q(key) + " -traditional -out " + q(key1), log));
    const std::string pkcs1 = read_file(key1);
    REQUIRE(pkcs1.find("BEGIN RSA PRIVATE KEY") != std::string::npos);
    auto s = signer<client_timestamp, core::manual_clock&>::from_pem(
        "partner-1", pkcs1, crypto::signature_alg::rsa_pkcs1_sha256, client_timestamp(timestamp_format::iso8601, {}, repeats::refused),
        signer_options{std::chrono::minutes(420)}, clock);
    REQUIRE(s);
    auto h = s->sign();
    REQUIRE(h);
    REQUIRE(*h->find("X-TIMESTAMP") == ts);
    auto raw = core::base64_decode(*h->find("X-SIGNATURE"));
    REQUIRE(raw);
    write_file(sig, std::string(raw->begin(), raw->end()));
    CHECK(run("'" + cli + "' dgst -sha256 -verify " + q(pub) + " -signature " + q(sig) + " " + q(msg), log));
    CHECK(read_file(log).find("Verified OK") != std::string::npos);
    // And a changed message does not verify there either.
    write_file(msg, "partner-2|" + ts);
    CHECK_FALSE(run("'" + cli + "' dgst -sha256 -verify " + q(pub) + " -signature " + q(sig) + " " + q(msg), log));
  }

  SECTION("RSA-PSS SHA-256 interoperates too") {
    memory_client_registry pss_clients;
    REQUIRE(pss_clients.add_key("partner-1", tessera_test::keys::rsa2048_public_spki, crypto::signature_alg::rsa_pss_sha256));
    verifier pv(client_timestamp(timestamp_format::iso8601, {}, repeats::refused), pss_clients, seen, verifier_options{}, clock);
    const std::string pss = " -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:sha256 ";
    REQUIRE(run("'" + cli + "' dgst -sha256" + pss + "-sign " + q(key) + " -out " + q(sig) + " " + q(msg), log));
    request r("POST", "/api/v1/orders");
    r.set_header("X-CLIENT-ID", "partner-1");
    r.set_header("X-TIMESTAMP", ts);
    r.set_header("X-SIGNATURE", core::base64_encode(read_file(sig)));
    CHECK(pv.verify(r));

    auto s = signer<client_timestamp, core::manual_clock&>::create(
        "partner-1", rs_test::rsa_a(), crypto::signature_alg::rsa_pss_sha256, client_timestamp(timestamp_format::iso8601, {}, repeats::refused),
        signer_options{std::chrono::minutes(420)}, clock);
    REQUIRE(s);
    auto raw = core::base64_decode(*s->sign()->find("X-SIGNATURE"));
    REQUIRE(raw);
    write_file(sig, std::string(raw->begin(), raw->end()));
    CHECK(run("'" + cli + "' dgst -sha256" + pss + "-verify " + q(pub) + " -signature " + q(sig) + " " + q(msg), log));
  }
}

// The signed-orders model: "X-TIMESTAMP: <current-unix-timestamp>", and no rule against two
// orders in one second. With PKCS#1 v1.5 both orders carry the very same signature.
TEST_CASE("client_timestamp by default: unix seconds, and two orders signed in one second both pass",
          "[request_signing][client_timestamp]") {
  memory_client_registry clients;
  REQUIRE(clients.add_key("partner-1", rs_test::rsa_a().public_key().value().to_pem().value()));
  core::memory_replay_store seen;
  core::manual_clock clock(rs_test::t0);
  CHECK(client_timestamp{}.format() == timestamp_format::unix_seconds);
  CHECK_FALSE(client_timestamp{}.refuses_repeats());
  verifier v(client_timestamp{}, clients, seen, verifier_options{}, clock);
  auto s = signer<client_timestamp, core::manual_clock&>::create(
      "partner-1", rs_test::rsa_a(), crypto::signature_alg::rsa_pkcs1_sha256, client_timestamp{}, {}, clock);
  REQUIRE(s);
  request first = rs_test::order_request(), second("POST", "/api/v1/orders");
  s->sign()->apply_to(first);
  s->sign()->apply_to(second);
  CHECK(*first.header("X-TIMESTAMP") == std::to_string(rs_test::t0));
  CHECK(*first.header("X-SIGNATURE") == *second.header("X-SIGNATURE"));
  CHECK(v.verify(first));
  CHECK(v.verify(second));  // a second, legitimate order in the same second
  CHECK(v.verify(first));   // repeats are accepted: the model has no rule against them
  CHECK(seen.size() == 0);  // and nothing is remembered

  // The explicit option refuses the repeat, at one replay-store entry per request.
  verifier strict(client_timestamp(timestamp_format::unix_seconds, {}, repeats::refused), clients, seen,
                  verifier_options{}, clock);
  CHECK(strict.verify(first));
  CHECK(strict.verify(second).error() == errc::replayed);
  CHECK(seen.size() == 1);
}

TEST_CASE("a server configured for one timestamp format refuses the other", "[request_signing][client_timestamp]") {
  memory_client_registry clients;
  REQUIRE(clients.add_key("partner-1", rs_test::rsa_a().public_key().value().to_pem().value()));
  core::memory_replay_store seen;
  core::manual_clock clock(rs_test::t0);
  auto sign_with = [&](timestamp_format f) {
    auto s = signer<client_timestamp, core::manual_clock&>::create(
        "partner-1", rs_test::rsa_a(), crypto::signature_alg::rsa_pkcs1_sha256, client_timestamp(f), {}, clock);
    request r = rs_test::order_request();
    s->sign()->apply_to(r);
    return r;
  };
  const request unix_order = sign_with(timestamp_format::unix_seconds);
  const request iso_order = sign_with(timestamp_format::iso8601);
  verifier unix_server(client_timestamp{}, clients, seen, verifier_options{}, clock);
  verifier iso_server(client_timestamp(timestamp_format::iso8601), clients, seen, verifier_options{}, clock);
  CHECK(unix_server.verify(unix_order));
  CHECK(unix_server.verify(iso_order).error() == errc::invalid_timestamp);
  CHECK(iso_server.verify(iso_order));
  CHECK(iso_server.verify(unix_order).error() == errc::invalid_timestamp);
}
