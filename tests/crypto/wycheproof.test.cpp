// The Wycheproof runner: tessera's public API against Project Wycheproof's test vectors
// (C2SP/wycheproof, testvectors_v1/) for RSASSA-PKCS1-v1_5 2048 with SHA-256/384/512, RSASSA-PSS
// 2048/SHA-256/MGF1-SHA-256/salt 32, 2048/SHA-384/MGF1-SHA-384/salt 48 and 4096/SHA-512/
// MGF1-SHA-512/salt 64, ECDSA P-256/SHA-256, P-384/SHA-384 and P-521/SHA-512 with P1363 (raw r‖s)
// signatures, Ed25519, and HMAC-SHA-256/384/512.
//
// Keys are loaded the way a user would load them — from the PEM, DER and JWK forms each file gives,
// which must all agree. Every `valid` case must verify, every `invalid` case must be refused, and
// `acceptable` cases are counted and reported with the way each went. HMAC groups whose tags are
// shorter than the full output must be refused by the full-length verify (invalid_signature_length).
// The vector files are read from TESSERA_TEST_VECTORS_DIR/wycheproof and never copied into the repo.
#include "tessera/crypto/signature.hpp"

#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/vectors.hpp"
#include "tessera/core/hex.hpp"
#include "tessera/crypto/hmac_key.hpp"
#include "tessera/crypto/public_key.hpp"

using namespace tessera;
using crypto::signature_alg;

namespace {

struct tally {
  int cases = 0;
  int valid_ok = 0, valid_failed = 0;
  int invalid_rejected = 0, invalid_accepted = 0;
  int acceptable_accepted = 0, acceptable_rejected = 0;
  int truncated_refused = 0, truncated_not_refused = 0;  // HMAC only
  int groups = 0, groups_without_key = 0;
  std::vector<std::string> failures;               // described, for the report
  std::map<std::string, std::set<std::string>> acceptable_by_outcome;  // "accepted"/"rejected" -> flags
  std::map<std::string, int> rejection_errors;     // errc name -> count
};

std::optional<std::filesystem::path> wycheproof_file(const char* name) {
  auto dir = tessera_test::vectors_dir();
  if (!dir) return std::nullopt;
  return *dir / "wycheproof" / name;
}

std::optional<nlohmann::json> load_vectors(const char* name) {
  auto path = wycheproof_file(name);
  if (!path) return std::nullopt;
  INFO("vector file " << path->string());
  REQUIRE(std::filesystem::is_regular_file(*path));
  auto j = nlohmann::json::parse(tessera_test::read_file(*path), nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  REQUIRE(j.contains("testGroups"));
  return j;
}

core::bytes unhex(const nlohmann::json& v) { return core::hex_decode(v.get<std::string>()).value(); }

// The hash's name as the vector files write it ("SHA-256", ...).
std::string wycheproof_hash_name(crypto::hash_alg h) {
  return h == crypto::hash_alg::sha256 ? "SHA-256" : h == crypto::hash_alg::sha384 ? "SHA-384" : "SHA-512";
}

std::string flags_of(const nlohmann::json& t) {
  std::string s;
  for (const auto& f : t.value("flags", nlohmann::json::array())) s += (s.empty() ? "" : ",") + f.get<std::string>();
  return s.empty() ? "-" : s;
}

std::string describe(const nlohmann::json& t) {
  std::ostringstream o;
  o << "tcId " << t["tcId"].get<int>() << " [" << t["result"].get<std::string>() << ", " << flags_of(t) << "] "
    << t.value("comment", "");
  return o.str();
}

// Records one case's outcome against its label.
void record(tally& n, const nlohmann::json& t, const result<void>& r) {
  ++n.cases;
  const std::string label = t["result"].get<std::string>();
  if (!r) ++n.rejection_errors[std::string(core::name(r.error()))];
  if (label == "valid") {
    if (r) ++n.valid_ok;
    else {
      ++n.valid_failed;
      n.failures.push_back(describe(t) + ": refused with " + std::string(core::name(r.error())));
    }
  } else if (label == "invalid") {
    if (!r) ++n.invalid_rejected;
    else {
      ++n.invalid_accepted;
      n.failures.push_back(describe(t) + ": accepted");
    }
  } else {
    REQUIRE(label == "acceptable");
    (r ? n.acceptable_accepted : n.acceptable_rejected)++;
    n.acceptable_by_outcome[r ? "accepted" : "rejected"].insert("tcId " + std::to_string(t["tcId"].get<int>()) +
                                                                 " " + flags_of(t));
  }
}

std::string summary(const char* file, const tally& n) {
  std::ostringstream o;
  o << "wycheproof " << file << ": " << n.cases << " cases, " << n.valid_ok << " valid ok, " << n.invalid_rejected
    << " invalid rejected, " << (n.acceptable_accepted + n.acceptable_rejected) << " acceptable";
  if (n.acceptable_accepted + n.acceptable_rejected > 0) {
    o << " (";
    bool first = true;
    for (const auto& [outcome, cases] : n.acceptable_by_outcome) {
      for (const auto& c : cases) {
        o << (first ? "" : "; ") << outcome << ": " << c;
        first = false;
      }
    }
    o << ")";
  }
  if (n.truncated_refused + n.truncated_not_refused > 0)
    o << ", " << n.truncated_refused << " truncated-tag cases refused by the full-length verify";
  if (n.valid_failed + n.invalid_accepted + n.truncated_not_refused > 0)
    o << " -- FAILURES: " << n.valid_failed << " valid refused, " << n.invalid_accepted << " invalid accepted, "
      << n.truncated_not_refused << " truncated not refused";
  if (n.groups_without_key > 0) o << ", " << n.groups_without_key << " groups whose key did not load";
  return o.str();
}

void report(const char* file, const tally& n) {
  const auto line = summary(file, n);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  for (const auto& f : n.failures) {
    std::printf("  failure: %s\n", f.c_str());
  }
  std::printf("  refusals by cause:");
  for (const auto& [name, count] : n.rejection_errors) std::printf(" %s=%d", name.c_str(), count);
  std::printf("\n");
  std::fflush(stdout);
  INFO(line);
  CHECK(n.cases > 0);
  CHECK(n.valid_failed == 0);
  CHECK(n.invalid_accepted == 0);
  CHECK(n.truncated_not_refused == 0);
  CHECK(n.groups_without_key == 0);
  // Verification failures are ordinary refusals, never internal errors.
  for (const auto& [name, count] : n.rejection_errors) {
    CAPTURE(name, count);
    CHECK((name == "bad_signature" || name == "invalid_signature_length"));
  }
}

// Loads a group's public key from every form the file gives (PEM, DER, JWK); they must agree.
std::optional<crypto::public_key> group_key(const nlohmann::json& g, tally& n) {
  std::optional<crypto::public_key> key;
  std::vector<std::pair<std::string, result<crypto::public_key>>> forms;
  if (g.contains("publicKeyPem"))
    forms.emplace_back("PEM", crypto::public_key::from_pem(g["publicKeyPem"].get<std::string>()));
  if (g.contains("publicKeyDer")) forms.emplace_back("DER", crypto::public_key::from_der(unhex(g["publicKeyDer"])));
  for (const char* member : {"publicKeyJwk", "keyJwk"})
    if (g.contains(member)) forms.emplace_back("JWK", crypto::public_key::from_jwk(g[member]));
  CHECK_FALSE(forms.empty());
  for (auto& [form, k] : forms) {
    CAPTURE(form);
    if (!k) {
      n.failures.push_back("group key as " + form + " refused with " + std::string(core::name(k.error())));
      continue;
    }
    if (!key) key = *k;
    else CHECK(k->to_der().value() == key->to_der().value());
  }
  return key;
}

void run_signature_file(const char* file, signature_alg alg) {
  auto vectors = load_vectors(file);
  if (!vectors) {
    TESSERA_SKIP("Wycheproof vectors not configured: set TESSERA_TEST_VECTORS_DIR (e.g. ../shared/vectors)");
  }
  tally n;
  for (const auto& g : (*vectors)["testGroups"]) {
    ++n.groups;
    // The file's parameters are the ones the scheme fixes: its hash and, for PSS, MGF1 with the
    // same hash and a salt as long as the digest.
    const auto h = crypto::signature_hash(alg);
    if (alg != signature_alg::ed25519) CHECK(g["sha"].get<std::string>() == wycheproof_hash_name(h));
    if (crypto::is_pss(alg)) {
      CHECK(g["sLen"].get<std::size_t>() == crypto::digest_size(h));
      CHECK(g["mgfSha"].get<std::string>() == wycheproof_hash_name(h));
    }
    auto key = group_key(g, n);
    if (!key) ++n.groups_without_key;
    for (const auto& t : g["tests"]) {
      const auto msg = unhex(t["msg"]);
      const auto sig = unhex(t["sig"]);
      result<void> r = key ? crypto::verify(*key, alg, msg, sig) : result<void>{unexpected{errc::invalid_key}};
      record(n, t, r);
    }
  }
  CHECK(n.cases == (*vectors)["numberOfTests"].get<int>());
  report(file, n);
}

void run_hmac_file(const char* file, crypto::hash_alg h) {
  auto vectors = load_vectors(file);
  if (!vectors) {
    TESSERA_SKIP("Wycheproof vectors not configured: set TESSERA_TEST_VECTORS_DIR (e.g. ../shared/vectors)");
  }
  tally n;
  const int full_bits = static_cast<int>(crypto::digest_size(h) * 8);
  for (const auto& g : (*vectors)["testGroups"]) {
    ++n.groups;
    const int tag_bits = g["tagSize"].get<int>();
    for (const auto& t : g["tests"]) {
      const auto key_bytes = unhex(t["key"]);
      const auto msg = unhex(t["msg"]);
      const auto tag = unhex(t["tag"]);
      auto key = crypto::hmac_key::create(h, key_bytes);
      CAPTURE(describe(t));
      REQUIRE(key);
      auto r = key->verify(msg, tag);
      if (tag_bits == full_bits) {
        record(n, t, r);
        continue;
      }
      // A truncated-tag group: the full-length verify refuses every case for its length...
      ++n.cases;
      if (!r && r.error() == errc::invalid_signature_length) ++n.truncated_refused;
      else {
        ++n.truncated_not_refused;
        n.failures.push_back(describe(t) + ": truncated tag not refused for its length");
      }
      // ...while the bits themselves are a prefix of the full tag exactly when the case is valid.
      auto full = key->sign(msg);
      REQUIRE(full);
      const bool prefix = tag.size() <= full->size &&
                          core::ct_equal(core::bytes_view(full->bytes.data(), tag.size()), tag);
      CHECK(prefix == (t["result"].get<std::string>() == "valid"));
    }
  }
  CHECK(n.cases == (*vectors)["numberOfTests"].get<int>());
  report(file, n);
}

}  // namespace

TEST_CASE("Wycheproof RSASSA-PKCS1-v1_5 2048 SHA-256", "[crypto][wycheproof]") {
  run_signature_file("rsa_signature_2048_sha256_test.json", signature_alg::rsa_pkcs1_sha256);
}

TEST_CASE("Wycheproof RSASSA-PKCS1-v1_5 2048 SHA-384", "[crypto][wycheproof]") {
  run_signature_file("rsa_signature_2048_sha384_test.json", signature_alg::rsa_pkcs1_sha384);
}

TEST_CASE("Wycheproof RSASSA-PKCS1-v1_5 2048 SHA-512", "[crypto][wycheproof]") {
  run_signature_file("rsa_signature_2048_sha512_test.json", signature_alg::rsa_pkcs1_sha512);
}

TEST_CASE("Wycheproof RSASSA-PSS 2048 SHA-256 MGF1-SHA-256 salt 32", "[crypto][wycheproof]") {
  run_signature_file("rsa_pss_2048_sha256_mgf1_32_test.json", signature_alg::rsa_pss_sha256);
}

TEST_CASE("Wycheproof RSASSA-PSS 2048 SHA-384 MGF1-SHA-384 salt 48", "[crypto][wycheproof]") {
  run_signature_file("rsa_pss_2048_sha384_mgf1_48_test.json", signature_alg::rsa_pss_sha384);
}

TEST_CASE("Wycheproof RSASSA-PSS 4096 SHA-512 MGF1-SHA-512 salt 64", "[crypto][wycheproof]") {
  run_signature_file("rsa_pss_4096_sha512_mgf1_64_test.json", signature_alg::rsa_pss_sha512);
}

TEST_CASE("Wycheproof ECDSA P-256 SHA-256 P1363", "[crypto][wycheproof]") {
  run_signature_file("ecdsa_secp256r1_sha256_p1363_test.json", signature_alg::ecdsa_p256_sha256);
}

TEST_CASE("Wycheproof ECDSA P-384 SHA-384 P1363", "[crypto][wycheproof]") {
  run_signature_file("ecdsa_secp384r1_sha384_p1363_test.json", signature_alg::ecdsa_p384_sha384);
}

TEST_CASE("Wycheproof ECDSA P-521 SHA-512 P1363", "[crypto][wycheproof]") {
  run_signature_file("ecdsa_secp521r1_sha512_p1363_test.json", signature_alg::ecdsa_p521_sha512);
}

TEST_CASE("Wycheproof Ed25519", "[crypto][wycheproof]") {
  run_signature_file("ed25519_test.json", signature_alg::ed25519);
}

TEST_CASE("Wycheproof HMAC-SHA256", "[crypto][wycheproof]") {
  run_hmac_file("hmac_sha256_test.json", crypto::hash_alg::sha256);
}

TEST_CASE("Wycheproof HMAC-SHA384", "[crypto][wycheproof]") {
  run_hmac_file("hmac_sha384_test.json", crypto::hash_alg::sha384);
}

TEST_CASE("Wycheproof HMAC-SHA512", "[crypto][wycheproof]") {
  run_hmac_file("hmac_sha512_test.json", crypto::hash_alg::sha512);
}
