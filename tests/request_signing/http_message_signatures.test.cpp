// Tests for tessera/request_signing/http_message_signatures.hpp and message_signature_keys.hpp:
// every example of RFC 9421 Appendix B (the B.1 keys; B.2.1-B.2.6, their signature bases byte
// for byte, every RFC signature verified, the deterministic ones (HMAC, Ed25519, RSA v1.5)
// reproduced exactly; B.3 and B.4), the §3 and §4.3 examples, round trips with every algorithm,
// the verifier's policy and every refusal with its errc, both kinds of key registry, and the signer.
#include "tessera/request_signing/http_message_signatures.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "tessera/core/base64.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/replay_store.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/request_signing/client_registry.hpp"
#include "tessera/request_signing/content_digest.hpp"

using namespace tessera;
using namespace tessera::request_signing;
using namespace std::string_view_literals;
using httpsig::algorithm;
using httpsig::component;
using std::chrono::seconds;

namespace {
namespace rfc {
// RFC 9421 Appendix B.1.1.
constexpr std::string_view rsa_public_pkcs1 = R"PEM(-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsPBRrw
WEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsdJKFq
MGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75jfZg
kne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKIlE0P
uKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZSFlQ
PSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQAB
-----END RSA PUBLIC KEY-----
)PEM";
// RFC 9421 Appendix B.1.1.
constexpr std::string_view rsa_private_pkcs1 = R"PEM(-----BEGIN RSA PRIVATE KEY-----
MIIEqAIBAAKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsP
BRrwWEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsd
JKFqMGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75
jfZgkne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKI
lE0PuKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZ
SFlQPSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQABAoIBAG/JZuSWdoVHbi56
vjgCgkjg3lkO1KrO3nrdm6nrgA9P9qaPjxuKoWaKO1cBQlE1pSWp/cKncYgD5WxE
CpAnRUXG2pG4zdkzCYzAh1i+c34L6oZoHsirK6oNcEnHveydfzJL5934egm6p8DW
+m1RQ70yUt4uRc0YSor+q1LGJvGQHReF0WmJBZHrhz5e63Pq7lE0gIwuBqL8SMaA
yRXtK+JGxZpImTq+NHvEWWCu09SCq0r838ceQI55SvzmTkwqtC+8AT2zFviMZkKR
Qo6SPsrqItxZWRty2izawTF0Bf5S2VAx7O+6t3wBsQ1sLptoSgX3QblELY5asI0J
YFz7LJECgYkAsqeUJmqXE3LP8tYoIjMIAKiTm9o6psPlc8CrLI9CH0UbuaA2JCOM
cCNq8SyYbTqgnWlB9ZfcAm/cFpA8tYci9m5vYK8HNxQr+8FS3Qo8N9RJ8d0U5Csw
DzMYfRghAfUGwmlWj5hp1pQzAuhwbOXFtxKHVsMPhz1IBtF9Y8jvgqgYHLbmyiu1
mwJ5AL0pYF0G7x81prlARURwHo0Yf52kEw1dxpx+JXER7hQRWQki5/NsUEtv+8RT
qn2m6qte5DXLyn83b1qRscSdnCCwKtKWUug5q2ZbwVOCJCtmRwmnP131lWRYfj67
B/xJ1ZA6X3GEf4sNReNAtaucPEelgR2nsN0gKQKBiGoqHWbK1qYvBxX2X3kbPDkv
9C+celgZd2PW7aGYLCHq7nPbmfDV0yHcWjOhXZ8jRMjmANVR/eLQ2EfsRLdW69bn
f3ZD7JS1fwGnO3exGmHO3HZG+6AvberKYVYNHahNFEw5TsAcQWDLRpkGybBcxqZo
81YCqlqidwfeO5YtlO7etx1xLyqa2NsCeG9A86UjG+aeNnXEIDk1PDK+EuiThIUa
/2IxKzJKWl1BKr2d4xAfR0ZnEYuRrbeDQYgTImOlfW6/GuYIxKYgEKCFHFqJATAG
IxHrq1PDOiSwXd2GmVVYyEmhZnbcp8CxaEMQoevxAta0ssMK3w6UsDtvUvYvF22m
qQKBiD5GwESzsFPy3Ga0MvZpn3D6EJQLgsnrtUPZx+z2Ep2x0xc5orneB5fGyF1P
WtP+fG5Q6Dpdz3LRfm+KwBCWFKQjg7uTxcjerhBWEYPmEMKYwTJF5PBG9/ddvHLQ
EQeNC8fHGg4UXU8mhHnSBt3EA10qQJfRDs15M38eG2cYwB1PZpDHScDnDA0=
-----END RSA PRIVATE KEY-----
)PEM";
// RFC 9421 Appendix B.1.2.
constexpr std::string_view rsa_pss_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
2wIDAQAB
-----END PUBLIC KEY-----
)PEM";
// RFC 9421 Appendix B.1.2.
constexpr std::string_view rsa_pss_private_pkcs8 = R"PEM(-----BEGIN PRIVATE KEY-----
MIIEvgIBADALBgkqhkiG9w0BAQoEggSqMIIEpgIBAAKCAQEAr4tmm3r20Wd/Pbqv
P1s2+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry5
3mm+oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7Oyr
FAHqgDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUA
AN5WUtzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw
9lq4aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oy
c6XI2wIDAQABAoIBAQCUB8ip+kJiiZVKF8AqfB/aUP0jTAqOQewK1kKJ/iQCXBCq
pbo360gvdt05H5VZ/RDVkEgO2k73VSsbulqezKs8RFs2tEmU+JgTI9MeQJPWcP6X
aKy6LIYs0E2cWgp8GADgoBs8llBq0UhX0KffglIeek3n7Z6Gt4YFge2TAcW2WbN4
XfK7lupFyo6HHyWRiYHMMARQXLJeOSdTn5aMBP0PO4bQyk5ORxTUSeOciPJUFktQ
HkvGbym7KryEfwH8Tks0L7WhzyP60PL3xS9FNOJi9m+zztwYIXGDQuKM2GDsITeD
2mI2oHoPMyAD0wdI7BwSVW18p1h+jgfc4dlexKYRAoGBAOVfuiEiOchGghV5vn5N
RDNscAFnpHj1QgMr6/UG05RTgmcLfVsI1I4bSkbrIuVKviGGf7atlkROALOG/xRx
DLadgBEeNyHL5lz6ihQaFJLVQ0u3U4SB67J0YtVO3R6lXcIjBDHuY8SjYJ7Ci6Z6
vuDcoaEujnlrtUhaMxvSfcUJAoGBAMPsCHXte1uWNAqYad2WdLjPDlKtQJK1diCm
rqmB2g8QE99hDOHItjDBEdpyFBKOIP+NpVtM2KLhRajjcL9Ph8jrID6XUqikQuVi
4J9FV2m42jXMuioTT13idAILanYg8D3idvy/3isDVkON0X3UAVKrgMEne0hJpkPL
FYqgetvDAoGBAKLQ6JZMbSe0pPIJkSamQhsehgL5Rs51iX4m1z7+sYFAJfhvN3Q/
OGIHDRp6HjMUcxHpHw7U+S1TETxePwKLnLKj6hw8jnX2/nZRgWHzgVcY+sPsReRx
NJVf+Cfh6yOtznfX00p+JWOXdSY8glSSHJwRAMog+hFGW1AYdt7w80XBAoGBAImR
NUugqapgaEA8TrFxkJmngXYaAqpA0iYRA7kv3S4QavPBUGtFJHBNULzitydkNtVZ
3w6hgce0h9YThTo/nKc+OZDZbgfN9s7cQ75x0PQCAO4fx2P91Q+mDzDUVTeG30mE
t2m3S0dGe47JiJxifV9P3wNBNrZGSIF3mrORBVNDAoGBAI0QKn2Iv7Sgo4T/XjND
dl2kZTXqGAk8dOhpUiw/HdM3OGWbhHj2NdCzBliOmPyQtAr770GITWvbAI+IRYyF
S7Fnk6ZVVVHsxjtaHy1uJGFlaZzKR4AGNaUTOJMs6NadzCmGPAxNQQOCqoUjn4XR
rOjr9w349JooGXhOxbu8nOxX
-----END PRIVATE KEY-----
)PEM";
// RFC 9421 Appendix B.1.3.
constexpr std::string_view p256_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END PUBLIC KEY-----
)PEM";
// RFC 9421 Appendix B.1.3.
constexpr std::string_view p256_private_sec1 = R"PEM(-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIFKbhfNZfpDsW43+0+JjUr9K+bTeuxopu653+hBaXGA7oAoGCCqGSM49
AwEHoUQDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lfw0EkjqF7xB4FivAxzic30tMM
4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END EC PRIVATE KEY-----
)PEM";
// RFC 9421 Appendix B.1.4.
constexpr std::string_view ed25519_public_spki = R"PEM(-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
)PEM";
// RFC 9421 Appendix B.1.4.
constexpr std::string_view ed25519_private_pkcs8 = R"PEM(-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----
)PEM";
// RFC 9421 Appendix B.1.2, the same key as a JWK.
constexpr std::string_view rsa_pss_private_jwk = R"JWK({
  "kty": "RSA",
  "kid": "test-key-rsa-pss",
  "p": "5V-6ISI5yEaCFXm-fk1EM2xwAWekePVCAyvr9QbTlFOCZwt9WwjUjhtKRusi5Uq-IYZ_tq2WRE4As4b_FHEMtp2AER43IcvmXPqKFBoUktVDS7dThIHrsnRi1U7dHqVdwiMEMe5jxKNgnsKLpnq-4NyhoS6OeWu1SFozG9J9xQk",
  "q": "w-wIde17W5Y0Cphp3ZZ0uM8OUq1AkrV2IKauqYHaDxAT32EM4ci2MMER2nIUEo4g_42lW0zYouFFqONwv0-HyOsgPpdSqKRC5WLgn0VXabjaNcy6KhNPXeJ0AgtqdiDwPeJ2_L_eKwNWQ43RfdQBUquAwSd7SEmmQ8sViqB628M",
  "d": "lAfIqfpCYomVShfAKnwf2lD9I0wKjkHsCtZCif4kAlwQqqW6N-tIL3bdOR-VWf0Q1ZBIDtpO91UrG7pansyrPERbNrRJlPiYEyPTHkCT1nD-l2isuiyGLNBNnFoKfBgA4KAbPJZQatFIV9Cn34JSHnpN5-2ehreGBYHtkwHFtlmzeF3yu5bqRcqOhx8lkYmBzDAEUFyyXjknU5-WjAT9DzuG0MpOTkcU1EnjnIjyVBZLUB5Lxm8puyq8hH8B_E5LNC-1oc8j-tDy98UvRTTiYvZvs87cGCFxg0LijNhg7CE3g9piNqB6DzMgA9MHSOwcElVtfKdYfo4H3OHZXsSmEQ",
  "e": "AQAB",
  "qi": "jRAqfYi_tKCjhP9eM0N2XaRlNeoYCTx06GlSLD8d0zc4ZZuEePY10LMGWI6Y_JC0CvvvQYhNa9sAj4hFjIVLsWeTplVVUezGO1ofLW4kYWVpnMpHgAY1pRM4kyzo1p3MKYY8DE1BA4KqhSOfhdGs6Ov3Dfj0migZeE7Fu7yc7Fc",
  "dp": "otDolkxtJ7Sk8gmRJqZCGx6GAvlGznWJfibXPv6xgUAl-G83dD84YgcNGnoeMxRzEekfDtT5LVMRPF4_AoucsqPqHDyOdfb-dlGBYfOBVxj6w-xF5HE0lV_4J-HrI63Od9fTSn4lY5d1JjyCVJIcnBEAyiD6EUZbUBh23vDzRcE",
  "dq": "iZE1S6CpqmBoQDxOsXGQmaeBdhoCqkDSJhEDuS_dLhBq88FQa0UkcE1QvOK3J2Q21VnfDqGBx7SH1hOFOj-cpz45kNluB832ztxDvnHQ9AIA7h_HY_3VD6YPMNRVN4bfSYS3abdLR0Z7jsmInGJ9X0_fA0E2tkZIgXeas5EFU0M",
  "n": "r4tmm3r20Wd_PbqvP1s2-QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct-Lh1GH45x28Rw3Ry53mm-oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHqgDsznjPFmTOtCEcN2Z1FpWgchwuYLPL-Wokqltd11nqqzi-bJ9cvSKADYdUAAN5WUtzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4aOT9v6d-nb4bnNkQVklLQ3fVAvJm-xdDOp9LCNCN48V2pnDOkFV6-U9nV5oyc6XI2w"
})JWK";
// RFC 9421 Appendix B.1.5: test-shared-secret, 64 bytes.
constexpr std::string_view shared_secret_b64 =
    "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==";
}  // namespace rfc

// The creation time of every Appendix B signature.
constexpr std::int64_t t_b2 = 1618884473;

// test-request of RFC 9421 Appendix B.2.
request test_request() {
  request r = request::from_target("POST", "/foo?param=Value&Pet=dog", "{\"hello\": \"world\"}");
  r.set_header("Host", "example.com");
  r.set_header("Date", "Tue, 20 Apr 2021 02:07:55 GMT");
  r.set_header("Content-Type", "application/json");
  r.set_header("Content-Digest",
               "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:");
  r.set_header("Content-Length", "18");
  return r;
}

// The digest of test-response's content {"message": "good dog"}, as B.2.4's signature base has it.
constexpr std::string_view response_digest =
    "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:";

// test-response of RFC 9421 Appendix B.2. The Content-Digest printed in B.2 (sha-512=:JlEy2bfU...:)
// is not the digest of the content; the signature base of B.2.4 has the digest of the content,
// and the RFC's signature verifies over that base, so the response carries it here.
httpsig::response test_response() {
  httpsig::response r(200, "{\"message\": \"good dog\"}");
  r.add_header("Date", "Tue, 20 Apr 2021 02:07:56 GMT");
  r.add_header("Content-Type", "application/json");
  r.add_header("Content-Digest", response_digest);
  r.add_header("Content-Length", "23");
  return r;
}

// A message with these signature fields set.
template <class M>
M with(M m, std::string_view input, std::string_view signature) {
  m.set_header("Signature-Input", input);
  m.set_header("Signature", signature);
  return m;
}

// The inner list of one label of a Signature-Input value.
sf::inner_list input_of(std::string_view field, std::string_view label) {
  auto d = sf::parse_dictionary(field).value();
  return std::get<sf::inner_list>(*d.find(label));
}

core::bytes shared_secret() { return core::base64_decode(rfc::shared_secret_b64).value(); }

const crypto::private_key& private_pem(std::string_view pem) {
  static std::vector<std::pair<std::string, crypto::private_key>> cache;
  for (const auto& [k, v] : cache)
    if (k == pem) return v;
  cache.emplace_back(std::string(pem), crypto::private_key::from_pem(pem).value());
  return cache.back().second;
}
// test-key-rsa-pss's private key, from its JWK form (see "the B.1 keys load").
const crypto::private_key& rsa_pss_private() {
  static const auto k = crypto::private_key::from_jwk(nlohmann::json::parse(rfc::rsa_pss_private_jwk)).value();
  return k;
}

// A verifier's world: every Appendix B.1 key under its key id, a replay store and a clock set to
// the Appendix B signatures' creation time.
struct world {
  httpsig::memory_key_registry keys;
  core::memory_replay_store seen;
  core::manual_clock clock{t_b2};

  explicit world(bool all_keys = true) {
    if (!all_keys) return;
    keys.add_public_key("test-key-rsa", rfc::rsa_public_pkcs1, algorithm::rsa_v1_5_sha256).value();
    keys.add_public_key("test-key-rsa-pss", rfc::rsa_pss_public_spki, algorithm::rsa_pss_sha512).value();
    keys.add_public_key("test-key-ecc-p256", rfc::p256_public_spki, algorithm::ecdsa_p256_sha256).value();
    keys.add_public_key("test-key-ed25519", rfc::ed25519_public_spki, algorithm::ed25519).value();
    keys.add_hmac_secret("test-shared-secret", shared_secret()).value();
  }
  using server_type = httpsig::verifier<httpsig::memory_key_registry&, core::memory_replay_store&, core::manual_clock&>;
  server_type server(httpsig::verifier_options o = {}) { return server_type(keys, seen, std::move(o), clock); }
  template <class M>
  errc error_of(const M& m, httpsig::verifier_options o = {}) {
    auto v = server(std::move(o)).verify(m);
    return v ? errc::none_ : v.error();
  }
};

// A signer of the world's keys, on the world's clock.
using test_signer = httpsig::signer<core::manual_clock&>;

httpsig::sign_options options(std::string label, std::vector<component> components) {
  httpsig::sign_options o;
  o.label = std::move(label);
  o.components = std::move(components);
  o.add_nonce = false;
  return o;
}

}  // namespace

TEST_CASE("the RFC 9421 B.1 keys load", "[request_signing][http_message_signatures]") {
  // B.1.1 test-key-rsa: PKCS#1 public and private keys, 2048 bits.
  CHECK(crypto::public_key::from_pem(rfc::rsa_public_pkcs1).value().bits() == 2048);
  CHECK(private_pem(rfc::rsa_private_pkcs1).bits() == 2048);
  // B.1.2 test-key-rsa-pss: an rsaEncryption SPKI public key; the PKCS#8 private key is typed
  // id-RSASSA-PSS, which tessera refuses (crypto/key_type.hpp), so its JWK form (the same key)
  // signs here.
  CHECK(crypto::public_key::from_pem(rfc::rsa_pss_public_spki).value().bits() == 2048);
  CHECK(crypto::private_key::from_pem(rfc::rsa_pss_private_pkcs8).error() == errc::unsupported_key_type);
  CHECK(rsa_pss_private().public_key().value().thumbprint() ==
        crypto::public_key::from_pem(rfc::rsa_pss_public_spki).value().thumbprint());
  // B.1.3 test-key-ecc-p256 (SEC1 private key) and B.1.4 test-key-ed25519 (PKCS#8).
  CHECK(private_pem(rfc::p256_private_sec1).type() == crypto::key_type::ec_p256);
  CHECK(private_pem(rfc::ed25519_private_pkcs8).public_key().value().thumbprint() ==
        crypto::public_key::from_pem(rfc::ed25519_public_spki).value().thumbprint());
  // B.1.5 test-shared-secret: 64 bytes.
  CHECK(shared_secret().size() == 64);
}

TEST_CASE("RFC 9421 B.2.1 minimal signature using rsa-pss-sha512", "[request_signing][http_message_signatures]") {
  constexpr auto input = R"(sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd")"sv;
  constexpr auto signature =
      "sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52e"
      "SkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVK"
      "WmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:"sv;
  CHECK(httpsig::signature_base(test_request(), input_of(input, "sig-b21")).value() ==
        R"("@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd")");
  world w;
  const request signed_request = with(test_request(), input, signature);
  auto v = w.server().verify(signed_request);
  REQUIRE(v);
  CHECK(v->label() == "sig-b21");
  CHECK(v->keyid() == "test-key-rsa-pss");
  CHECK(v->owner() == "test-key-rsa-pss");
  CHECK(v->alg() == algorithm::rsa_pss_sha512);
  CHECK(v->components().empty());
  CHECK(v->nonce() == "b3k2pp5k7z-50gnwp.yemd");
  CHECK(v->created() == t_b2);
  // The nonce is remembered: the same signature again is a replay.
  CHECK(w.error_of(signed_request) == errc::replayed);
  // PSS is randomised: a signature of our own over the same base verifies too.
  auto s = test_signer::create("test-key-rsa-pss", rsa_pss_private(), algorithm::rsa_pss_sha512, w.clock).value();
  request mine = test_request();
  s.sign_input(mine, "sig-b21", httpsig::signature_input({}, input_of(input, "sig-b21").params)).value().apply_to(mine);
  CHECK(mine.header("Signature-Input") == input);
  world fresh;
  CHECK(fresh.server().verify(mine));
}

TEST_CASE("RFC 9421 B.2.2 selective covered components using rsa-pss-sha512", "[request_signing][http_message_signatures]") {
  constexpr auto input =
      R"(sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example")"sv;
  constexpr auto signature =
      "sig-b22=:LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7KT8UCMkSowOB4+ECxCmT8"
      "rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4"
      "N6wiKYd4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoKUqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==:"sv;
  CHECK(httpsig::signature_base(test_request(), input_of(input, "sig-b22")).value() ==
        "\"@authority\": example.com\n"
        "\"content-digest\": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\n"
        "\"@query-param\";name=\"Pet\": dog\n"
        "\"@signature-params\": (\"@authority\" \"content-digest\" \"@query-param\";name=\"Pet\")"
        ";created=1618884473;keyid=\"test-key-rsa-pss\";tag=\"header-example\"");
  world w;
  httpsig::verifier_options policy;
  policy.tag = "header-example";
  policy.required_components = {"@authority", "content-digest", component::query_param("Pet")};
  auto v = w.server(policy).verify(with(test_request(), input, signature));
  REQUIRE(v);
  CHECK(v->tag() == "header-example");
  CHECK(v->covers(component::query_param("Pet")));
  CHECK_FALSE(v->covers("@method"));
  // Our own signature, made with sign(): the same Signature-Input, a signature that verifies.
  auto s = test_signer::create("test-key-rsa-pss", rsa_pss_private(), algorithm::rsa_pss_sha512, w.clock).value();
  auto o = options("sig-b22", {"@authority", "content-digest", component::query_param("Pet")});
  o.tag = "header-example";
  request mine = test_request();
  s.sign(mine, o).value().apply_to(mine);
  CHECK(mine.header("Signature-Input") == input);
  CHECK(w.server(policy).verify(mine));
}

TEST_CASE("RFC 9421 B.2.3 full coverage using rsa-pss-sha512", "[request_signing][http_message_signatures]") {
  constexpr auto input =
      R"(sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss")"sv;
  constexpr auto signature =
      "sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUx"
      "N0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65"
      "ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:"sv;
  CHECK(httpsig::signature_base(test_request(), input_of(input, "sig-b23")).value() ==
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
        "\"@method\": POST\n"
        "\"@path\": /foo\n"
        "\"@query\": ?param=Value&Pet=dog\n"
        "\"@authority\": example.com\n"
        "\"content-type\": application/json\n"
        "\"content-digest\": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\n"
        "\"content-length\": 18\n"
        "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@query\" \"@authority\" \"content-type\" "
        "\"content-digest\" \"content-length\");created=1618884473;keyid=\"test-key-rsa-pss\"");
  world w;
  httpsig::verifier_options policy;
  policy.required_components = {"@method", "@path", "@query", "@authority", "content-digest"};
  const request signed_request = with(test_request(), input, signature);
  auto v = w.server(policy).verify(signed_request);
  REQUIRE(v);
  CHECK(v->components().size() == 8);
  CHECK(v->components()[0] == component("date"));
  // Tampering with any covered component breaks it; with the body, the Content-Digest check does.
  request other_date = signed_request;
  other_date.set_header("Date", "Tue, 20 Apr 2021 02:07:56 GMT");
  CHECK(w.error_of(other_date, policy) == errc::bad_signature);
  request other_query = signed_request;
  other_query.set_query("param=Value&Pet=cat");
  CHECK(w.error_of(other_query, policy) == errc::bad_signature);
  request other_body = signed_request;
  other_body.set_body("{\"hello\": \"world!\"}");
  CHECK(w.error_of(other_body, policy) == errc::content_digest_mismatch);
  httpsig::verifier_options unchecked = policy;
  unchecked.check_content_digest = false;
  CHECK(w.error_of(other_body, unchecked) == errc::none_);
  // Our own signature verifies too.
  auto s = test_signer::create("test-key-rsa-pss", rsa_pss_private(), algorithm::rsa_pss_sha512, w.clock).value();
  request mine = test_request();
  s.sign(mine, options("sig-b23", {"date", "@method", "@path", "@query", "@authority", "content-type",
                                   "content-digest", "content-length"}))
      .value()
      .apply_to(mine);
  CHECK(mine.header("Signature-Input") == input);
  CHECK(w.server(policy).verify(mine));
}

TEST_CASE("RFC 9421 B.2.4 signing a response using ecdsa-p256-sha256", "[request_signing][http_message_signatures]") {
  constexpr auto input =
      R"(sig-b24=("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256")"sv;
  constexpr auto signature =
      "sig-b24=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:"sv;
  CHECK(httpsig::signature_base(test_response(), input_of(input, "sig-b24")).value() ==
        "\"@status\": 200\n"
        "\"content-type\": application/json\n"
        "\"content-digest\": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:\n"
        "\"content-length\": 23\n"
        "\"@signature-params\": (\"@status\" \"content-type\" \"content-digest\" \"content-length\")"
        ";created=1618884473;keyid=\"test-key-ecc-p256\"");
  // The Content-Digest value printed in the test-response of Appendix B.2 does not match its content.
  CHECK(check_content_digest("sha-512=:JlEy2bfUz7WrWIjc1qV6KVLpdr/7L5/L4h7Sxvh6sNHpDQWDCL+GauFQWcZBvVDhiyOnAQsxzZFYwi0wDH+1pw==:"sv,
                             test_response().body())
            .error() == errc::content_digest_mismatch);
  CHECK(check_content_digest(response_digest, test_response().body()));
  world w;
  auto v = w.server().verify(with(test_response(), input, signature));
  REQUIRE(v);
  CHECK(v->alg() == algorithm::ecdsa_p256_sha256);
  // ECDSA is randomised: our own signature (raw r||s, 64 bytes) verifies too.
  auto s = test_signer::create("test-key-ecc-p256", private_pem(rfc::p256_private_sec1), algorithm::ecdsa_p256_sha256,
                               w.clock)
               .value();
  httpsig::response mine = test_response();
  mine.apply(s.sign(mine, options("sig-b24", {"@status", "content-type", "content-digest", "content-length"})).value());
  CHECK(mine.header("Signature-Input") == input);
  const auto sig = sf::parse_dictionary(*mine.header("Signature")).value();
  CHECK(std::get<sf::byte_sequence>(std::get<sf::item>(*sig.find("sig-b24")).value).value.size() == 64);
  CHECK(w.server().verify(mine));
  // A response signed by default covers @status.
  httpsig::response plain = test_response();
  plain.apply(s.sign(plain, options("sig1", {})).value());
  CHECK(plain.header("Signature-Input") == R"(sig1=("@status");created=1618884473;keyid="test-key-ecc-p256")"sv);
}

TEST_CASE("RFC 9421 B.2.5 signing a request using hmac-sha256", "[request_signing][http_message_signatures]") {
  constexpr auto input = R"(sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret")"sv;
  constexpr auto signature = "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:"sv;
  CHECK(httpsig::signature_base(test_request(), input_of(input, "sig-b25")).value() ==
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
        "\"@authority\": example.com\n"
        "\"content-type\": application/json\n"
        "\"@signature-params\": (\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\"");
  world w;
  // HMAC is deterministic: the signer writes both fields exactly as the RFC does.
  auto s = test_signer::hmac_sha256("test-shared-secret", shared_secret(), w.clock).value();
  CHECK(s.alg() == algorithm::hmac_sha256);
  const auto h = s.sign(test_request(), options("sig-b25", {"date", "@authority", "content-type"})).value();
  CHECK(h.size() == 2);
  CHECK(h.find("Signature-Input") == input);
  CHECK(h.find("Signature") == signature);
  auto v = w.server().verify(with(test_request(), input, signature));
  REQUIRE(v);
  CHECK(v->alg() == algorithm::hmac_sha256);
  CHECK(v->keyid() == "test-shared-secret");
  // One bit off, or a truncated tag, is refused.
  CHECK(w.error_of(with(test_request(), input, "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE4=:")) ==
        errc::bad_signature);
  CHECK(w.error_of(with(test_request(), input, "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIG:")) ==
        errc::invalid_signature_length);
}

TEST_CASE("RFC 9421 B.2.6 signing a request using ed25519", "[request_signing][http_message_signatures]") {
  constexpr auto input =
      R"(sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519")"sv;
  constexpr auto signature =
      "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:"sv;
  CHECK(httpsig::signature_base(test_request(), input_of(input, "sig-b26")).value() ==
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
        "\"@method\": POST\n"
        "\"@path\": /foo\n"
        "\"@authority\": example.com\n"
        "\"content-type\": application/json\n"
        "\"content-length\": 18\n"
        "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\")"
        ";created=1618884473;keyid=\"test-key-ed25519\"");
  world w;
  // Ed25519 is deterministic: byte for byte.
  auto s = test_signer::from_pem("test-key-ed25519", rfc::ed25519_private_pkcs8, algorithm::ed25519, w.clock).value();
  const auto h =
      s.sign(test_request(), options("sig-b26", {"date", "@method", "@path", "@authority", "content-type", "content-length"}))
          .value();
  CHECK(h.find("Signature-Input") == input);
  CHECK(h.find("Signature") == signature);
  auto v = w.server().verify(with(test_request(), input, signature));
  REQUIRE(v);
  CHECK(v->alg() == algorithm::ed25519);
  CHECK(v->components() == std::vector<component>{"date", "@method", "@path", "@authority", "content-type", "content-length"});
}

TEST_CASE("RFC 9421 §3.1 and §3.2: the example signature over the §2.5 base", "[request_signing][http_message_signatures]") {
  constexpr auto input =
      R"(sig1=("@method" "@authority" "@path" "content-digest" "content-length" "content-type");created=1618884473;keyid="test-key-rsa-pss")"sv;
  constexpr auto signature =
      "sig1=:HIbjHC5rS0BYaa9v4QfD4193TORw7u9edguPh0AW3dMq9WImrlFrCGUDih47vAxi4L2YRZ3XMJc1uOKk/J0ZmZ+wcta4nKIgBkKq0rM9hs3CQyxXGxHLMCy8"
      "uqK488o+9jrptQ+xFPHK7a9sRL1IXNaagCNN3ZxJsYapFj+JXbmaI5rtAdSfSvzPuBCh+ARHBmWuNo1UzVVdHXrl8ePL4cccqlazIJdC4QEjrF+Sn4IxBQzTZsL9y9T"
      "P5FsZYzHvDqbInkTNigBcE9cKOYNFCn4D/WM7F6TNuZO9EgtzepLWcjTymlHzK7aXq6Am6sfOrpIC49yXjj3ae6HRalVc/g==:"sv;
  world w;
  // §3.2: "at least the method, authority, path, content-digest, content-length, and content-type
  // be signed, and the signature creation timestamp recent enough".
  httpsig::verifier_options policy;
  policy.required_components = {"@method", "@authority", "@path", "content-digest", "content-length", "content-type"};
  policy.max_age = seconds{60};
  CHECK(w.server(policy).verify(with(test_request(), input, signature)));
  w.clock.advance(seconds{61});
  CHECK(w.error_of(with(test_request(), input, signature), policy) == errc::stale_timestamp);
}

namespace {
// The request of RFC 9421 §4.3 as the client sent it, and as the proxy forwarded it.
request proxy_request(bool forwarded) {
  request r = test_request();
  if (forwarded) {
    r.set_header("Host", "origin.host.internal.example");
    r.set_header("Date", "Tue, 20 Apr 2021 02:07:56 GMT");
    r.set_header("Forwarded", "for=192.0.2.123;host=example.com;proto=https");
  }
  return r;
}
constexpr auto client_input =
    R"(sig1=("@method" "@authority" "@path" "content-digest" "content-type" "content-length");created=1618884475;keyid="test-key-ecc-p256")"sv;
constexpr auto client_signature =
    "sig1=:X5spyd6CFnAG5QnDyHfqoSNICd+BUP4LYMz2Q0JXlb//4Ijpzp+kve2w4NIyqeAuM7jTDX+sNalzA8ESSaHD3A==:"sv;
constexpr auto both_inputs =
    R"(sig1=("@method" "@authority" "@path" "content-digest" "content-type" "content-length");created=1618884475;keyid="test-key-ecc-p256", )"
    R"(proxy_sig=("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540)"sv;
constexpr auto both_signatures =
    "sig1=:X5spyd6CFnAG5QnDyHfqoSNICd+BUP4LYMz2Q0JXlb//4Ijpzp+kve2w4NIyqeAuM7jTDX+sNalzA8ESSaHD3A==:, "
    "proxy_sig=:S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl4"
    "9GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnr"
    "tflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==:"sv;
}  // namespace

TEST_CASE("RFC 9421 §4.3 multiple signatures: rsa-v1_5-sha256 byte for byte", "[request_signing][http_message_signatures]") {
  world w;
  w.clock.set(1618884480);
  // The client's signature verifies on the message it sent.
  CHECK(w.server().verify(with(proxy_request(false), client_input, client_signature)));
  // The proxy's signature base.
  const request forwarded = with(proxy_request(true), both_inputs, both_signatures);
  CHECK(httpsig::signature_base(forwarded, input_of(both_inputs, "proxy_sig")).value() ==
        "\"@method\": POST\n"
        "\"@authority\": origin.host.internal.example\n"
        "\"@path\": /foo\n"
        "\"content-digest\": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\n"
        "\"content-type\": application/json\n"
        "\"content-length\": 18\n"
        "\"forwarded\": for=192.0.2.123;host=example.com;proto=https\n"
        "\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"content-digest\" \"content-type\" \"content-length\" "
        "\"forwarded\");created=1618884480;keyid=\"test-key-rsa\";alg=\"rsa-v1_5-sha256\";expires=1618884540");
  // RSA PKCS#1 v1.5 is deterministic: the proxy's signer, appending to the client's signature,
  // writes both fields exactly as the RFC shows them.
  auto proxy = test_signer::from_pem("test-key-rsa", rfc::rsa_private_pkcs1, algorithm::rsa_v1_5_sha256, w.clock).value();
  auto o = options("proxy_sig", {"@method", "@authority", "@path", "content-digest", "content-type", "content-length",
                                 "forwarded"});
  o.add_alg = true;
  o.expires_in = seconds{60};
  const auto h = proxy.sign(with(proxy_request(true), client_input, client_signature), o).value();
  CHECK(h.find("Signature-Input") == both_inputs);
  CHECK(h.find("Signature") == both_signatures);

  // Which signature decides. With no label named, the first whose key the server trusts: the
  // client's, which fails on the forwarded message (the proxy changed the authority).
  CHECK(w.error_of(forwarded) == errc::bad_signature);
  // Naming the proxy's label.
  httpsig::verifier_options proxy_only;
  proxy_only.labels = {"proxy_sig"};
  auto v = w.server(proxy_only).verify(forwarded);
  REQUIRE(v);
  CHECK(v->label() == "proxy_sig");
  CHECK(v->alg() == algorithm::rsa_v1_5_sha256);
  CHECK(v->expires() == 1618884540);
  // Labels are tried in the server's order; labels the message lacks are passed over.
  httpsig::verifier_options preference;
  preference.labels = {"absent", "proxy_sig", "sig1"};
  CHECK(w.server(preference).verify(forwarded).value().label() == "proxy_sig");
  httpsig::verifier_options other;
  other.labels = {"absent"};
  CHECK(w.error_of(forwarded, other) == errc::httpsig_label_not_found);
  // An untrusted signature decides nothing: without the client's key, the proxy's is verified.
  world proxy_keys(false);
  proxy_keys.clock.set(1618884480);
  proxy_keys.keys.add_public_key("test-key-rsa", rfc::rsa_public_pkcs1, algorithm::rsa_v1_5_sha256).value();
  CHECK(proxy_keys.server().verify(forwarded).value().label() == "proxy_sig");
  // Without the proxy's key, a server naming the proxy's label has no signature it trusts.
  world client_keys(false);
  client_keys.clock.set(1618884480);
  client_keys.keys.add_public_key("test-key-ecc-p256", rfc::p256_public_spki, algorithm::ecdsa_p256_sha256).value();
  CHECK(client_keys.error_of(forwarded, proxy_only) == errc::httpsig_unknown_key);
  // After its expiry (and the leeway), the proxy's signature is refused.
  w.clock.set(1618884540 + 60);
  CHECK(w.error_of(forwarded, proxy_only) == errc::httpsig_expired);
  w.clock.set(1618884540 + 59);
  CHECK(w.error_of(forwarded, proxy_only) == errc::none_);
}

TEST_CASE("RFC 9421 B.3 a TLS-terminating proxy signs Client-Cert", "[request_signing][http_message_signatures]") {
  request r = request::from_target("POST", "/foo?param=Value&Pet=dog", "{\"hello\": \"world\"}");
  r.set_header("Host", "service.internal.example");
  r.set_header("Date", "Tue, 20 Apr 2021 02:07:55 GMT");
  r.set_header("Content-Type", "application/json");
  r.set_header("Content-Length", "18");
  r.set_header("Client-Cert",
               ":MIIBqDCCAU6gAwIBAgIBBzAKBggqhkjOPQQDAjA6MRswGQYDVQQKDBJMZXQncyBBdXRoZW50aWNhdGUxGzAZBgNVBAMMEkxBIEludGVybWVk"
               "aWF0ZSBDQTAeFw0yMDAxMTQyMjU1MzNaFw0yMTAxMjMyMjU1MzNaMA0xCzAJBgNVBAMMAkJDMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8Y"
               "nXXfaUgmnMtOXU/IncWalRhebrXmckC8vdgJ1p5Be5F/3YC8OthxM4+k1M6aEAEFcGzkJiNy6J84y7uzo9M6NyMHAwCQYDVR0TBAIwADAfBgNV"
               "HSMEGDAWgBRm3WjLa38lbEYCuiCPct0ZaSED2DAOBgNVHQ8BAf8EBAMCBsAwEwYDVR0lBAwwCgYIKwYBBQUHAwIwHQYDVR0RAQH/BBMwEYEPYm"
               "RjQGV4YW1wbGUuY29tMAoGCCqGSM49BAMCA0gAMEUCIBHda/r1vaL6G3VliL4/Di6YK0Q6bMjeSkC3dFCOOB8TAiEAx/kHSB4urmiZ0NX5r5Xa"
               "rmPk0wmuydBVoU4hBVZ1yhk=:");
  constexpr auto input =
      R"(ttrp=("@path" "@query" "@method" "@authority" "client-cert");created=1618884473;keyid="test-key-ecc-p256")"sv;
  constexpr auto signature =
      "ttrp=:xVMHVpawaAC/0SbHrKRs9i8I3eOs5RtTMGCWXm/9nvZzoHsIg6Mce9315T6xoklyy0yzhD9ah4JHRwMLOgmizw==:"sv;
  const auto base = httpsig::signature_base(r, input_of(input, "ttrp")).value();
  CHECK(base.starts_with("\"@path\": /foo\n\"@query\": ?param=Value&Pet=dog\n\"@method\": POST\n"
                         "\"@authority\": service.internal.example\n\"client-cert\": :MIIBqDCCAU6gAwIBAgIBBzAK"));
  CHECK(base.ends_with("BVZ1yhk=:\n\"@signature-params\": (\"@path\" \"@query\" \"@method\" \"@authority\" "
                       "\"client-cert\");created=1618884473;keyid=\"test-key-ecc-p256\""));
  world w;
  httpsig::verifier_options policy;
  policy.required_components = {"client-cert", "@authority"};
  CHECK(w.server(policy).verify(with(r, input, signature)).value().label() == "ttrp");
}

namespace {
// A request whose field lines may repeat and come in any order (RFC 9421 B.4's messages).
struct lines_request {
  std::string m, target;
  std::vector<std::pair<std::string, std::string>> fields;
  std::string_view method() const noexcept { return m; }
  std::string_view path() const noexcept { return std::string_view(target).substr(0, target.find('?')); }
  std::string_view query() const noexcept {
    const auto q = target.find('?');
    return q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1);
  }
  core::bytes_view body() const noexcept { return {}; }
  std::optional<std::string_view> header(std::string_view name) const noexcept {
    for (const auto& [k, v] : fields)
      if (core::iequals(k, name)) return std::string_view(v);
    return std::nullopt;
  }
  const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return fields; }
};
static_assert(httpsig::message_view<lines_request>);

constexpr auto transform_input =
    R"(transform=("@method" "@path" "@authority" "accept");created=1618884473;keyid="test-key-ed25519")";
constexpr auto transform_signature =
    "transform=:ZT1kooQsEHpZ0I1IjCqtQppOmIqlJPeo7DHR3SoMn0s5JZ1eRGS0A+vyYP9t/LXlh5QMFFQ6cpLt2m0pmj3NDA==:";

lines_request transform(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> fields) {
  fields.emplace_back("Signature-Input", transform_input);
  fields.emplace_back("Signature", transform_signature);
  return lines_request{std::move(method), std::move(target), std::move(fields)};
}
}  // namespace

TEST_CASE("RFC 9421 B.4 transformations: duplicated fields combine, their order counts", "[request_signing][http_message_signatures]") {
  const auto original = transform("GET", "/demo?name1=Value1&Name2=value2",
                                  {{"Host", "example.org"}, {"Date", "Fri, 15 Jul 2022 14:24:55 GMT"},
                                   {"Accept", "application/json"}, {"Accept", "*/*"}});
  CHECK(httpsig::signature_base(original, input_of(transform_input, "transform")).value() ==
        "\"@method\": GET\n"
        "\"@path\": /demo\n"
        "\"@authority\": example.org\n"
        "\"accept\": application/json, */*\n"
        "\"@signature-params\": (\"@method\" \"@path\" \"@authority\" \"accept\");created=1618884473;keyid=\"test-key-ed25519\"");
  world w;
  CHECK(w.error_of(original) == errc::none_);
  // Still valid: a field and a query parameter added, neither covered.
  CHECK(w.error_of(transform("GET", "/demo?name1=Value1&Name2=value2&param=added",
                             {{"Host", "example.org"}, {"Date", "Fri, 15 Jul 2022 14:24:55 GMT"},
                              {"Accept", "application/json"}, {"Accept", "*/*"}, {"Accept-Language", "en-US,en;q=0.5"}})) ==
        errc::none_);
  // Still valid: Date removed, Referer added, the Accept lines combined into one.
  CHECK(w.error_of(transform("GET", "/demo?name1=Value1&Name2=value2",
                             {{"Host", "example.org"}, {"Referer", "https://developer.example.org/demo"},
                              {"Accept", "application/json, */*"}})) == errc::none_);
  // Still valid: fields re-ordered, the Accept lines kept in their order.
  CHECK(w.error_of(transform("GET", "/demo?name1=Value1&Name2=value2",
                             {{"Accept", "application/json"}, {"Accept", "*/*"}, {"Date", "Fri, 15 Jul 2022 14:24:55 GMT"},
                              {"Host", "example.org"}})) == errc::none_);
  // Not valid: method and authority changed.
  CHECK(w.error_of(transform("POST", "/demo?name1=Value1&Name2=value2",
                             {{"Host", "example.com"}, {"Date", "Fri, 15 Jul 2022 14:24:55 GMT"},
                              {"Accept", "application/json"}, {"Accept", "*/*"}})) == errc::bad_signature);
  // Not valid: the two Accept lines swapped.
  CHECK(w.error_of(transform("GET", "/demo?name1=Value1&Name2=value2",
                             {{"Host", "example.org"}, {"Date", "Fri, 15 Jul 2022 14:24:55 GMT"}, {"Accept", "*/*"},
                              {"Accept", "application/json"}})) == errc::bad_signature);
}

TEST_CASE("RFC 9421 §2.4 request components in a response (req) are refused", "[request_signing][http_message_signatures]") {
  httpsig::response r(503, "{\"busy\": true, \"message\": \"Your call is very important to us\"}");
  r.add_header("Date", "Tue, 20 Apr 2021 02:07:56 GMT");
  r.add_header("Content-Type", "application/json");
  r.add_header("Content-Length", "62");
  r.add_header("Content-Digest",
               "sha-512=:0Y6iCBzGg5rZtoXS95Ijz03mslf6KAMCloESHObfwnHJDbkkWWQz6PhhU9kxsTbARtY2PTBOzq24uJFpHsMuAg==:");
  r.add_header("Signature-Input",
               R"(reqres=("@status" "content-digest" "content-type" "@authority";req "@method";req "@path";req "content-digest";req);created=1618884479;keyid="test-key-ecc-p256")");
  r.add_header("Signature",
               "reqres=:dMT/A/76ehrdBTD/2Xx8QuKV6FoyzEP/I9hdzKN8LQJLNgzU4W767HK05rx1i8meNQQgQPgQp8wq2ive3tV5Ag==:");
  world w;
  CHECK(w.error_of(r) == errc::httpsig_bad_component_parameter);
  CHECK(check_content_digest(r.header("Content-Digest"), r.body()));  // §2.4's response digest is right
}

namespace {
// A partner's order, signed with the tessera signer under a policy a server would use.
request order() {
  request r = request::from_target("POST", "/api/v1/orders?store=oslo", std::string(1024, 'x'));
  r.set_header("Host", "api.example.com");
  r.set_header("Content-Type", "application/json");
  return r;
}
httpsig::verifier_options order_policy() {
  httpsig::verifier_options o;
  o.required_components = {"@method", "@path", "@authority", "content-digest"};
  o.require_nonce = true;
  return o;
}
httpsig::sign_options order_options() {
  httpsig::sign_options o;
  o.add_content_digest = true;
  return o;
}
// A world with one partner key under keyid "partner-42", and the partner's signer.
struct partner_world : world {
  test_signer partner;
  explicit partner_world(algorithm alg = algorithm::ed25519) : world(false), partner(make(alg)) {}
  test_signer make(algorithm alg) {
    if (alg == algorithm::hmac_sha256) {
      keys.add_hmac_secret("partner-42", shared_secret(), "client-7").value();
      return test_signer::hmac_sha256("partner-42", shared_secret(), clock).value();
    }
    crypto::private_key k = [&] {
      switch (alg) {
        case algorithm::rsa_pss_sha512: return rsa_pss_private();
        case algorithm::rsa_v1_5_sha256: return private_pem(rfc::rsa_private_pkcs1);
        case algorithm::ecdsa_p256_sha256: return private_pem(rfc::p256_private_sec1);
        case algorithm::ecdsa_p384_sha384: return crypto::private_key::generate(crypto::key_spec::p384).value();
        default: return private_pem(rfc::ed25519_private_pkcs8);
      }
    }();
    keys.add_public_key("partner-42", k.public_key().value(), alg, "client-7").value();
    return test_signer::create("partner-42", k, alg, clock).value();
  }
  request sign_order(request r = order(), httpsig::sign_options o = order_options()) {
    partner.sign(r, o).value().apply_to(r);
    return r;
  }
};
}  // namespace

TEST_CASE("every §3.3 algorithm signs and verifies through the public API", "[request_signing][http_message_signatures]") {
  for (auto alg : {algorithm::rsa_pss_sha512, algorithm::rsa_v1_5_sha256, algorithm::hmac_sha256,
                   algorithm::ecdsa_p256_sha256, algorithm::ecdsa_p384_sha384, algorithm::ed25519}) {
    CAPTURE(httpsig::name(alg));
    CHECK(httpsig::algorithm_named(httpsig::name(alg)) == alg);
    partner_world w(alg);
    const request r = w.sign_order();
    // The signer wrote Content-Digest, then covered it with the default components.
    CHECK(r.header("Content-Digest") == content_digest(r.body()).value());
    const auto input = *r.header("Signature-Input");
    CHECK(input.starts_with(R"(sig1=("@method" "@authority" "@path" "@query" "content-digest");created=1618884473;keyid="partner-42";nonce=")"));
    auto v = w.server(order_policy()).verify(r);
    REQUIRE(v);
    CHECK(v->alg() == alg);
    CHECK(v->owner() == "client-7");
    CHECK(v->key_id() == "partner-42");
    CHECK(v->nonce().size() == 22);
    // Once only.
    CHECK(w.error_of(r, order_policy()) == errc::replayed);
    // A second request, a fresh nonce.
    CHECK(w.error_of(w.sign_order(), order_policy()) == errc::none_);
  }
  CHECK_FALSE(httpsig::algorithm_named("hs2019").has_value());
  CHECK(httpsig::algorithm_of(crypto::signature_alg::rsa_pkcs1_sha256) == algorithm::rsa_v1_5_sha256);
  CHECK_FALSE(httpsig::algorithm_of(crypto::signature_alg::rsa_pss_sha256).has_value());
  CHECK_FALSE(httpsig::signature_alg_of(algorithm::hmac_sha256).has_value());
}

TEST_CASE("the policy: required components, tag, alg, times, nonce", "[request_signing][http_message_signatures]") {
  partner_world w;
  // A required component the signature does not cover.
  auto narrow = order_options();
  narrow.components = {"@method", "@path", "content-digest"};
  CHECK(w.error_of(w.sign_order(order(), narrow), order_policy()) == errc::httpsig_component_not_covered);
  // Required components compare with their parameters.
  auto policy = order_policy();
  policy.required_components.push_back(component::query_param("store"));
  auto with_param = order_options();
  with_param.components = {"@method", "@path", "@authority", "content-digest", component::query_param("store")};
  CHECK(w.error_of(w.sign_order(order(), with_param), policy) == errc::none_);
  CHECK(w.error_of(w.sign_order(), policy) == errc::httpsig_component_not_covered);

  // The tag the server expects.
  auto tagged = order_policy();
  tagged.tag = "orders-v1";
  auto with_tag = order_options();
  with_tag.tag = "orders-v1";
  CHECK(w.error_of(w.sign_order(order(), with_tag), tagged) == errc::none_);
  with_tag.tag = "orders-v2";
  CHECK(w.error_of(w.sign_order(order(), with_tag), tagged) == errc::httpsig_wrong_tag);
  CHECK(w.error_of(w.sign_order(), tagged) == errc::httpsig_wrong_tag);

  // The key decides the algorithm: an `alg` that agrees is accepted, one that disagrees refused.
  auto with_alg = order_options();
  with_alg.add_alg = true;
  const request agreeing = w.sign_order(order(), with_alg);
  CHECK(agreeing.header("Signature-Input")->find(R"(;alg="ed25519")") != std::string_view::npos);
  CHECK(w.error_of(agreeing, order_policy()) == errc::none_);
  for (auto alg : {"hmac-sha256"sv, "rsa-pss-sha512"sv, "hs2019"sv, "ED25519"sv}) {
    CAPTURE(alg);
    request r = order();
    sf::parameters ps;
    ps.set("created", std::int64_t{t_b2});
    ps.set("keyid", std::string("partner-42"));
    ps.set("alg", std::string(alg));
    ps.set("nonce", std::string("n-") + std::string(alg));
    w.partner.sign_input(r, "sig1", httpsig::signature_input(std::vector<component>{"@method", "@path", "@authority"}, ps))
        .value()
        .apply_to(r);
    CHECK(w.error_of(r, {}) == errc::httpsig_alg_mismatch);
  }

  // created: required by default, not in the future beyond the leeway, not older than max_age.
  auto no_created = order_options();
  no_created.add_created = false;
  CHECK(w.error_of(w.sign_order(order(), no_created), order_policy()) == errc::httpsig_missing_parameter);
  auto lenient = order_policy();
  lenient.require_created = false;
  CHECK(w.error_of(w.sign_order(order(), no_created), lenient) == errc::none_);
  const request now = w.sign_order();
  w.clock.set(t_b2 - 61);
  CHECK(w.error_of(now, order_policy()) == errc::future_timestamp);
  w.clock.set(t_b2 - 60);
  CHECK(w.error_of(now, order_policy()) == errc::none_);
  const request later = w.sign_order();
  w.clock.set(t_b2 - 60 + 301);
  CHECK(w.error_of(later, order_policy()) == errc::stale_timestamp);
  w.clock.set(t_b2);

  // expires: in the past (beyond the leeway) refused; required when the policy says so.
  auto expiring = order_options();
  expiring.expires_in = seconds{10};
  const request short_lived = w.sign_order(order(), expiring);
  CHECK(short_lived.header("Signature-Input")->find(";expires=1618884483;") != std::string_view::npos);
  auto strict = order_policy();
  strict.leeway = seconds{0};
  strict.require_expires = true;
  CHECK(w.error_of(w.sign_order(), strict) == errc::httpsig_missing_parameter);
  w.clock.set(t_b2 + 10);
  CHECK(w.error_of(short_lived, strict) == errc::httpsig_expired);
  w.clock.set(t_b2 + 9);
  CHECK(w.error_of(short_lived, strict) == errc::none_);
  w.clock.set(t_b2);

  // nonce: required by this policy; a chosen one is sent as is, and refused the second time,
  // even on another request.
  auto no_nonce = order_options();
  no_nonce.add_nonce = false;
  CHECK(w.error_of(w.sign_order(order(), no_nonce), order_policy()) == errc::httpsig_missing_parameter);
  CHECK(w.error_of(w.sign_order(order(), no_nonce), {}) == errc::none_);
  auto chosen = order_options();
  chosen.nonce = "order-991-attempt-1";
  const request first = w.sign_order(order(), chosen);
  CHECK(first.header("Signature-Input")->find(R"(;nonce="order-991-attempt-1")") != std::string_view::npos);
  CHECK(w.error_of(first, order_policy()) == errc::none_);
  request another = order();
  another.set_body("{}");
  CHECK(w.error_of(w.sign_order(another, chosen), order_policy()) == errc::replayed);
  // A failed verification does not spend the nonce.
  auto fresh = order_options();
  fresh.nonce = "order-992-attempt-1";
  request tampered = w.sign_order(order(), fresh);
  tampered.set_path("/api/v1/refunds");
  CHECK(w.error_of(tampered, order_policy()) == errc::bad_signature);
  CHECK(w.error_of(w.sign_order(order(), fresh), order_policy()) == errc::none_);
}

TEST_CASE("require_content_digest: content is signed through its digest, a message without content needs none", "[request_signing][http_message_signatures]") {
  partner_world w;
  httpsig::verifier_options policy;
  policy.required_components = {"@method", "@path", "@authority"};
  policy.require_content_digest = true;
  auto bare = order_options();
  bare.add_content_digest = false;
  bare.add_nonce = false;
  bare.components = {"@method", "@path", "@authority"};
  // A body whose signature does not cover content-digest: refused, though every named component is.
  CHECK(w.error_of(w.sign_order(order(), bare), policy) == errc::httpsig_component_not_covered);
  policy.require_content_digest = false;
  CHECK(w.error_of(w.sign_order(order(), bare), policy) == errc::none_);
  policy.require_content_digest = true;
  // Covered: accepted, and the digest is checked against the content.
  auto digested = bare;
  digested.add_content_digest = true;
  const request good = w.sign_order(order(), digested);
  CHECK(w.error_of(good, policy) == errc::none_);
  request changed = good;
  changed.set_body(std::string(1024, 'y'));
  CHECK(w.error_of(changed, policy) == errc::content_digest_mismatch);
  // A message without content needs no digest.
  const request read = w.sign_order(request::from_target("GET", "/api/v1/orders/ord-1").set_header("Host", "api.example.com"), bare);
  CHECK(w.error_of(read, policy) == errc::none_);
  // A covered Content-Digest with parameters counts as covering it.
  request param_digest = order();
  param_digest.set_header("Content-Digest", content_digest(param_digest.body()).value());
  auto with_key = bare;
  with_key.components = {"@method", "@path", "@authority", component::dictionary_member("content-digest", "sha-256")};
  CHECK(w.error_of(w.sign_order(param_digest, with_key), policy) == errc::none_);
  // A response: its content too.
  httpsig::response res(200, "{\"order_id\":\"ord-1\"}");
  auto signed_res = [&](bool digest) {
    httpsig::response r = res;
    httpsig::sign_options o;
    o.add_nonce = false;
    o.add_content_digest = digest;
    r.apply(w.partner.sign(r, o).value());
    return r;
  };
  httpsig::verifier_options responses;
  responses.require_content_digest = true;
  CHECK(w.error_of(signed_res(false), responses) == errc::httpsig_component_not_covered);
  CHECK(w.error_of(signed_res(true), responses) == errc::none_);
}

TEST_CASE("tampering, missing components and reordered parameters are refused", "[request_signing][http_message_signatures]") {
  partner_world w;
  auto policy = order_policy();
  policy.require_nonce = false;
  auto o = order_options();
  o.add_nonce = false;
  o.components = {"@method", "@authority", "@path", "@query", "content-digest", "content-type"};
  const request good = w.sign_order(order(), o);
  CHECK(w.error_of(good, policy) == errc::none_);
  // A covered component changed.
  request r = good;
  r.set_method("PUT");
  CHECK(w.error_of(r, policy) == errc::bad_signature);
  r = good;
  r.set_header("Host", "evil.example.com");
  CHECK(w.error_of(r, policy) == errc::bad_signature);
  r = good;
  r.set_header("Content-Type", "text/plain");
  CHECK(w.error_of(r, policy) == errc::bad_signature);
  // The body changed but not its digest: the digest check refuses it; both changed: the signature.
  r = good;
  r.set_body("{\"sku\":\"B-2\"}");
  CHECK(w.error_of(r, policy) == errc::content_digest_mismatch);
  r.set_header("Content-Digest", content_digest(r.body()).value());
  CHECK(w.error_of(r, policy) == errc::bad_signature);
  // A covered field removed.
  r = good;
  r.remove_header("Content-Type");
  CHECK(w.error_of(r, policy) == errc::httpsig_missing_component);
  r = good;
  r.remove_header("Content-Digest");
  CHECK(w.error_of(r, policy) == errc::httpsig_missing_component);
  // The parameters re-ordered: the base is rebuilt from the order received, so it does not verify.
  r = good;
  std::string input(*good.header("Signature-Input"));
  const auto created = input.find(";created=");
  const auto keyid = input.find(";keyid=");
  REQUIRE((created != std::string::npos && keyid != std::string::npos && created < keyid));
  const std::string swapped = input.substr(0, created) + input.substr(keyid) + input.substr(created, keyid - created);
  r.set_header("Signature-Input", swapped);
  CHECK(w.error_of(r, policy) == errc::bad_signature);
  // The covered components re-ordered.
  r = good;
  std::string reordered = input;
  reordered.replace(reordered.find(R"("@method" "@authority")"), 22, R"("@authority" "@method")");
  r.set_header("Signature-Input", reordered);
  CHECK(w.error_of(r, policy) == errc::bad_signature);
  // A signature of another length.
  r = good;
  r.set_header("Signature", "sig1=:AAAA:");
  CHECK(w.error_of(r, policy) == errc::invalid_signature_length);
}

TEST_CASE("a signature in serialized form and the same signature written otherwise verify alike", "[request_signing][http_message_signatures]") {
  // The verifier reads a signature in serialized form in place (detail/single_signature.hpp) and
  // any other text with the RFC 8941 parser; both must reach the same answer.
  for (auto alg : {algorithm::hmac_sha256, algorithm::ed25519}) {
    CAPTURE(httpsig::name(alg));
    partner_world w(alg);
    auto policy = order_policy();
    policy.require_nonce = false;
    auto o = order_options();
    o.add_nonce = false;
    o.expires_in = seconds{300};
    o.tag = "orders";
    const request good = w.sign_order(order(), o);
    const std::string input(*good.header("Signature-Input"));
    const std::string sig(*good.header("Signature"));
    httpsig::detail::single_signature one;
    REQUIRE(httpsig::detail::read_single_signature(input, sig, policy.max_field_bytes, policy.max_components, one));
    REQUIRE(request_signing::detail::read_single_digest(*good.header("Content-Digest")));
    auto expected = w.server(policy).verify(good);
    REQUIRE(expected);

    // The same signature in texts the parser reads to the same signature base.
    auto replace = [](std::string s, std::string_view from, std::string_view to) {
      const auto at = s.find(from);
      REQUIRE(at != std::string::npos);
      return s.replace(at, from.size(), to);
    };
    const std::string created = ";created=" + std::to_string(t_b2);
    for (const std::string& variant :
         {replace(input, R"(" ")", R"("  ")"), replace(input, "(", "( "), replace(input, created, ";created=0" + created.substr(9)),
          input + R"(;keyid="partner-42")", "  " + input, input + ", other=(\"@method\");keyid=\"nobody\""}) {
      CAPTURE(variant);
      request r = good;
      r.set_header("Signature-Input", variant);
      if (variant.find("other=") != std::string::npos) r.set_header("Signature", sig + ", other=:AAAA:");
      CHECK_FALSE(httpsig::detail::read_single_signature(*r.header("Signature-Input"), *r.header("Signature"),
                                                         policy.max_field_bytes, policy.max_components, one));
      auto v = w.server(policy).verify(r);
      REQUIRE(v);
      CHECK(v->label() == expected->label());
      CHECK(v->keyid() == expected->keyid());
      CHECK(v->owner() == expected->owner());
      CHECK(v->key_id() == expected->key_id());
      CHECK(v->alg() == expected->alg());
      CHECK(v->components() == expected->components());
      CHECK(v->created() == expected->created());
      CHECK(v->expires() == expected->expires());
      CHECK(v->tag() == expected->tag());
      CHECK(v->nonce().empty());
    }

    // Each refusal is the same either way: the serialized text, then with a doubled space.
    auto both = [&](request r, httpsig::verifier_options p) {
      const errc quick = w.error_of(r, p);
      r.set_header("Signature-Input", replace(std::string(*r.header("Signature-Input")), R"(" ")", R"("  ")"));
      CHECK(w.error_of(r, p) == quick);
      return quick;
    };
    request r = good;
    r.set_header("Signature", "sig1=:" + core::base64_encode(core::bytes(alg == algorithm::ed25519 ? 64 : 32, 7)) + ":");
    CHECK(both(r, policy) == errc::bad_signature);
    CHECK(both(good, [&] {
            auto p = policy;
            p.tag = "refunds";
            return p;
          }()) == errc::httpsig_wrong_tag);
    CHECK(both(good, [&] {
            auto p = policy;
            p.required_components.emplace_back("content-type");
            return p;
          }()) == errc::httpsig_component_not_covered);
    r = good;
    r.set_body(std::string(1024, 'y'));
    CHECK(both(r, policy) == errc::content_digest_mismatch);
    r = good;
    r.set_path("/api/v1/refunds");
    CHECK(both(r, policy) == errc::bad_signature);
    auto lenient = policy;
    lenient.max_age = seconds{3600};
    w.clock.advance(seconds{300 + 60});
    CHECK(both(good, lenient) == errc::httpsig_expired);
  }
}

TEST_CASE("each malformed signature field has its own cause", "[request_signing][http_message_signatures]") {
  partner_world w;
  const request good = w.sign_order();
  const std::string input(*good.header("Signature-Input")), signature(*good.header("Signature"));
  auto err = [&](std::optional<std::string_view> in, std::optional<std::string_view> sig,
                 httpsig::verifier_options o = {}) {
    request r = order();
    r.set_header("Content-Digest", content_digest(r.body()).value());
    if (in) r.set_header("Signature-Input", *in);
    if (sig) r.set_header("Signature", *sig);
    return w.error_of(r, std::move(o));
  };
  CHECK(err(input, signature) == errc::none_);
  CHECK(err(std::nullopt, signature) == errc::missing_signature);
  CHECK(err(input, std::nullopt) == errc::missing_signature);
  CHECK(err(""sv, ""sv) == errc::missing_signature);
  // Not Dictionaries of the right members.
  CHECK(err("sig1"sv, signature) == errc::httpsig_malformed_signature_input);
  CHECK(err("sig1=\"@method\""sv, signature) == errc::httpsig_malformed_signature_input);
  CHECK(err("sig1=(\"@method\""sv, signature) == errc::httpsig_malformed_signature_input);
  CHECK(err("Sig1=(\"@method\")"sv, signature) == errc::httpsig_malformed_signature_input);
  CHECK(err(input, "sig1=(:AAAA:)"sv) == errc::httpsig_malformed_signature);
  CHECK(err(input, "sig1=\"AAAA\""sv) == errc::httpsig_malformed_signature);
  CHECK(err(input, "sig1=:AAA:"sv) == errc::httpsig_malformed_signature);
  // A label repeated, in one line or across lines (RFC 8941 parsing alone would keep the last).
  CHECK(err(input + ", " + input, signature + ", " + signature) == errc::httpsig_malformed_signature_input);
  CHECK(err(input, signature + ", " + signature) == errc::httpsig_malformed_signature);
  CHECK(httpsig::detail::member_count(R"(a=("x, y");k="1,2", b=:AAAA:)") == 2);
  // Labels in one field and not the other.
  CHECK(err(input, "sig2=:AAAA:"sv) == errc::httpsig_label_mismatch);
  CHECK(err(input, signature + ", sig2=:AAAA:") == errc::httpsig_label_mismatch);
  CHECK(err(input + R"(, sig2=();keyid="x")", signature) == errc::httpsig_label_mismatch);
  // A component that is not a String, or not understood.
  const auto replaced = [&](std::string_view from, std::string_view to) {
    std::string s = input;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  CHECK(err(replaced(R"("@method")", "method"), signature) == errc::httpsig_malformed_signature_input);
  CHECK(err(replaced(R"("@method")", R"("@verb")"), signature) == errc::httpsig_unknown_component);
  CHECK(err(replaced(R"("@method")", R"("@path")"), signature) == errc::httpsig_duplicate_component);
  CHECK(err(replaced(R"("@method")", R"("@method";req)"), signature) == errc::httpsig_bad_component_parameter);
  CHECK(err(replaced(R"("@method")", R"("x-absent")"), signature) == errc::httpsig_missing_component);
  CHECK(err(replaced(R"("@method")", R"("@query-param";name="store")"), signature) == errc::bad_signature);
  // Parameters of the wrong type, unknown, or out of range.
  CHECK(err(replaced(";created=", ";created=\"x\";c="), signature) == errc::httpsig_bad_signature_parameter);
  CHECK(err(replaced(";created=", ";created=-1;c="), signature) == errc::httpsig_bad_signature_parameter);
  CHECK(err(replaced(";created=", ";foo=1;created="), signature) == errc::httpsig_bad_signature_parameter);
  CHECK(err(replaced(";created=", ";expires=1.5;created="), signature) == errc::httpsig_bad_signature_parameter);
  CHECK(err(replaced(";created=", ";tag=tok;created="), signature) == errc::httpsig_bad_signature_parameter);
  CHECK(err(replaced(";nonce=\"", ";nonce=\"\";n=\""), signature) == errc::httpsig_bad_signature_parameter);
  // No keyid at all; a keyid nobody registered.
  CHECK(err(replaced(R"(;keyid="partner-42")", ""), signature) == errc::httpsig_missing_parameter);
  CHECK(err(replaced(R"(;keyid="partner-42")", R"(;keyid="partner-43")"), signature) == errc::httpsig_unknown_key);
  CHECK(err(replaced(R"(;keyid="partner-42")", ";keyid=partner"), signature) == errc::httpsig_missing_parameter);
  // Statuses: malformed fields 400, refusals of a well-formed signature 401.
  for (auto e : {errc::httpsig_malformed_signature_input, errc::httpsig_malformed_signature, errc::httpsig_label_mismatch,
                 errc::httpsig_input_too_large, errc::httpsig_bad_signature_parameter, errc::httpsig_duplicate_component,
                 errc::httpsig_unknown_component, errc::httpsig_bad_component_parameter, errc::httpsig_missing_component,
                 errc::httpsig_ambiguous_component, errc::httpsig_malformed_component})
    CHECK(core::http_status(e) == 400);
  for (auto e : {errc::httpsig_component_not_covered, errc::httpsig_missing_parameter, errc::httpsig_expired,
                 errc::httpsig_alg_mismatch, errc::httpsig_wrong_tag, errc::httpsig_label_not_found, errc::httpsig_unknown_key})
    CHECK(core::http_status(e) == 401);
}

TEST_CASE("over-long inputs are refused before any key is used", "[request_signing][http_message_signatures]") {
  partner_world w;
  const request good = w.sign_order();
  const std::string input(*good.header("Signature-Input")), signature(*good.header("Signature"));
  auto err = [&](std::string_view in, std::string_view sig, httpsig::verifier_options o = {}) {
    request r = good;
    r.set_header("Signature-Input", in);
    r.set_header("Signature", sig);
    return w.error_of(r, std::move(o));
  };
  // A field longer than max_field_bytes.
  httpsig::verifier_options small;
  small.max_field_bytes = 64;
  CHECK(err(input, signature, small) == errc::httpsig_input_too_large);
  CHECK(err(input + std::string(20 * 1024, ' '), signature) == errc::httpsig_input_too_large);
  // More signatures than max_signatures.
  std::string many_in = input, many_sig = signature;
  for (int i = 0; i < 8; ++i) {
    many_in += ", s" + std::to_string(i) + R"(=();keyid="x")";
    many_sig += ", s" + std::to_string(i) + "=:AAAA:";
  }
  CHECK(err(many_in, many_sig) == errc::httpsig_input_too_large);
  // More components than max_components.
  std::string wide = "sig1=(";
  for (int i = 0; i < 33; ++i) wide += "\"x-h" + std::to_string(i) + "\" ";
  wide += R"();keyid="partner-42")";
  CHECK(err(wide, signature) == errc::httpsig_input_too_large);
  // A signature longer than any key's.
  const std::string huge = "sig1=:" + core::base64_encode(core::bytes(1025, 1)) + ":";
  CHECK(err(input, huge) == errc::httpsig_input_too_large);
  // A signature base longer than max_base_bytes.
  request big = order();
  big.set_header("X-Big", std::string(2000, 'a'));
  auto o = order_options();
  o.components = {"@method", "@path", "@authority", "content-digest", "x-big"};
  httpsig::verifier_options tight = order_policy();
  tight.max_base_bytes = 1024;
  CHECK(w.error_of(w.sign_order(big, o), tight) == errc::httpsig_input_too_large);
  CHECK(w.error_of(w.sign_order(big, o), order_policy()) == errc::none_);
}

TEST_CASE("a client_key_registry serves as the key registry: keyid is the client id", "[request_signing][http_message_signatures]") {
  memory_client_registry clients;
  const auto rsa_pub = crypto::public_key::from_pem(rfc::rsa_public_pkcs1).value();
  const auto ed_pub = crypto::public_key::from_pem(rfc::ed25519_public_spki).value();
  clients.add_key("partner-42", rsa_pub, crypto::signature_alg::rsa_pkcs1_sha256, "rsa-2021").value();
  clients.add_key("partner-42", ed_pub, crypto::signature_alg::ed25519, "ed-2024").value();
  core::memory_replay_store seen;
  core::manual_clock clock{t_b2};
  httpsig::verifier server(clients, seen, httpsig::verifier_options{}, clock);
  static_assert(std::is_same_v<decltype(server), httpsig::verifier<memory_client_registry&, core::memory_replay_store&,
                                                                   core::manual_clock&>>);
  // Either of the client's keys verifies (a rotation), each with its own algorithm.
  for (auto [pem, alg, id] : {std::tuple{rfc::rsa_private_pkcs1, algorithm::rsa_v1_5_sha256, "rsa-2021"sv},
                              std::tuple{rfc::ed25519_private_pkcs8, algorithm::ed25519, "ed-2024"sv}}) {
    auto s = test_signer::from_pem("partner-42", pem, alg, clock).value();
    request r = order();
    s.sign(r, order_options()).value().apply_to(r);
    auto v = server.verify(r);
    REQUIRE(v);
    CHECK(v->owner() == "partner-42");
    CHECK(v->key_id() == id);
    CHECK(v->alg() == alg);
    // An alg parameter picks among the client's keys, and must name one of them.
    auto with_alg = order_options();
    with_alg.add_alg = true;
    request a = order();
    s.sign(a, with_alg).value().apply_to(a);
    CHECK(server.verify(a).value().key_id() == id);
  }
  // A key no RFC 9421 algorithm fits (PSS with SHA-256) leaves the client untrusted.
  memory_client_registry odd;
  odd.add_key("partner-9", rsa_pub, crypto::signature_alg::rsa_pss_sha256).value();
  httpsig::verifier odd_server(odd, seen, httpsig::verifier_options{}, clock);
  auto s = test_signer::from_pem("partner-9", rfc::rsa_private_pkcs1, algorithm::rsa_pss_sha512, clock).value();
  request r = order();
  s.sign(r, order_options()).value().apply_to(r);
  CHECK(odd_server.verify(r).error() == errc::httpsig_unknown_key);
  // An unknown client is an untrusted keyid.
  auto other = test_signer::from_pem("partner-43", rfc::ed25519_private_pkcs8, algorithm::ed25519, clock).value();
  request u = order();
  other.sign(u, order_options()).value().apply_to(u);
  CHECK(server.verify(u).error() == errc::httpsig_unknown_key);
}

namespace {
struct broken_keys {
  result<httpsig::key_handle> find(std::string_view) const noexcept { return unexpected{errc::store_unavailable}; }
};
static_assert(httpsig::key_registry<broken_keys>);
struct broken_store {
  result<bool> remember(std::string_view, std::chrono::system_clock::time_point, seconds) noexcept {
    return unexpected{errc::store_unavailable};
  }
};
}  // namespace

TEST_CASE("a registry or replay store that cannot answer fails closed", "[request_signing][http_message_signatures]") {
  partner_world w;
  const request r = w.sign_order();
  core::memory_replay_store seen;
  httpsig::verifier down(broken_keys{}, seen, httpsig::verifier_options{}, w.clock);
  CHECK(down.verify(r).error() == errc::store_unavailable);
  broken_store store;
  httpsig::verifier no_store(w.keys, store, httpsig::verifier_options{}, w.clock);
  CHECK(no_store.verify(r).error() == errc::store_unavailable);
}

TEST_CASE("the key registry and the signer refuse what they cannot use", "[request_signing][http_message_signatures]") {
  httpsig::memory_key_registry keys;
  CHECK(keys.add_hmac_secret("k", core::bytes(31, 1)).error() == errc::secret_too_short);
  CHECK(keys.add_hmac_secret("", core::bytes(32, 1)).error() == errc::invalid_argument);
  CHECK(keys.add_hmac_secret("k\n", core::bytes(32, 1)).error() == errc::invalid_argument);
  CHECK(keys.add_hmac_secret("k", core::bytes(32, 1)));
  CHECK(keys.add_hmac_secret("k", core::bytes(32, 2)).error() == errc::invalid_argument);  // id taken
  CHECK(keys.add_public_key("e", rfc::ed25519_public_spki, algorithm::ecdsa_p256_sha256).error() == errc::key_type_mismatch);
  CHECK(keys.add_public_key("e", rfc::ed25519_public_spki, algorithm::hmac_sha256).error() == errc::invalid_argument);
  CHECK(keys.add_public_key("r", rfc::rsa_public_pkcs1, algorithm::rsa_pss_sha512));
  CHECK(keys.size() == 2);
  CHECK(keys.find("r").value()->alg() == algorithm::rsa_pss_sha512);
  CHECK(keys.find("r").value()->public_key() != nullptr);
  CHECK(keys.find("k").value()->public_key() == nullptr);
  CHECK(keys.find("x").error() == errc::httpsig_unknown_key);
  CHECK(keys.remove("r"));
  CHECK_FALSE(keys.remove("r"));

  core::manual_clock clock{t_b2};
  CHECK(test_signer::hmac_sha256("k", core::bytes(16, 1), clock).error() == errc::secret_too_short);
  CHECK(test_signer::create("k", private_pem(rfc::ed25519_private_pkcs8), algorithm::rsa_v1_5_sha256, clock).error() ==
        errc::key_type_mismatch);
  CHECK(test_signer::create("k", private_pem(rfc::ed25519_private_pkcs8), algorithm::hmac_sha256, clock).error() ==
        errc::invalid_argument);
  CHECK(test_signer::create("", private_pem(rfc::ed25519_private_pkcs8), algorithm::ed25519, clock).error() ==
        errc::invalid_argument);
  auto s = test_signer::from_pem("k", rfc::ed25519_private_pkcs8, algorithm::ed25519, clock).value();
  CHECK(s.keyid() == "k");
  // A label that is not an RFC 8941 key, a label the message already carries, a nonce that is
  // not an RFC 8941 String, a component the message lacks.
  CHECK(s.sign(order(), options("Sig1", {"@method"})).error() == errc::invalid_argument);
  request signed_once = order();
  s.sign(signed_once, options("sig1", {"@method"})).value().apply_to(signed_once);
  CHECK(s.sign(signed_once, options("sig1", {"@method"})).error() == errc::invalid_argument);
  auto second = s.sign(signed_once, options("sig2", {"@method"})).value();
  CHECK(second.find("Signature-Input")->starts_with(R"(sig1=("@method");created=1618884473;keyid="k", sig2=()"));
  auto bad_nonce = options("sig1", {"@method"});
  bad_nonce.add_nonce = true;
  bad_nonce.nonce = "caf\xc3\xa9";
  CHECK(s.sign(order(), bad_nonce).error() == errc::invalid_argument);
  CHECK(s.sign(order(), options("sig1", {"@method", "x-absent"})).error() == errc::httpsig_missing_component);
  CHECK(s.sign(order(), options("sig1", {"@method", "@method"})).error() == errc::httpsig_duplicate_component);
  CHECK(s.sign(httpsig::response(200), options("sig1", {"@method"})).error() == errc::httpsig_missing_component);
}

TEST_CASE("a server handler and a partner, as the header describes them", "[request_signing][http_message_signatures]") {
  // The partner: a key pair, a signer on the real clock, Content-Digest added and covered.
  const auto key = crypto::private_key::generate(crypto::key_spec::ed25519).value();
  auto partner = httpsig::signer<>::create("partner-42", key, algorithm::ed25519).value();
  request r = order();
  httpsig::sign_options o;
  o.components = {"@method", "@path", "@authority"};
  o.add_content_digest = true;
  partner.sign(r, o).value().apply_to(r);
  CHECK(r.header("Signature-Input")->starts_with(R"(sig1=("@method" "@path" "@authority" "content-digest");created=)"));
  // The server: its registry, replay store and policy; CTAD holds the lvalues by reference.
  httpsig::memory_key_registry keys;
  keys.add_public_key("partner-42", key.public_key().value().to_pem().value(), algorithm::ed25519).value();
  core::memory_replay_store seen;
  httpsig::verifier_options policy;
  policy.required_components = {"@method", "@path", "@authority", "content-digest"};
  httpsig::verifier server(keys, seen, policy);
  static_assert(std::is_same_v<decltype(server), httpsig::verifier<httpsig::memory_key_registry&, core::memory_replay_store&>>);
  auto v = server.verify(r);
  REQUIRE(v);
  CHECK(v->owner() == "partner-42");
  CHECK(v->label() == "sig1");
  CHECK(server.verify(r).error() == errc::replayed);
  CHECK(core::name(errc::replayed) == "replayed");
}
