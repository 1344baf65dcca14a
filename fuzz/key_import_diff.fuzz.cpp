// Holds tessera's key importers (crypto/public_key.hpp, crypto/private_key.hpp) to OpenSSL's own
// decoders. The input is tried as DER (SubjectPublicKeyInfo, X.509 certificate, PKCS#8), as PEM
// (public and private) and as JWK text (public and private). Properties:
//  - tessera may refuse more than OpenSSL (its policy is stricter), never less: whatever it
//    accepts, OpenSSL's classic decoders (d2i_PUBKEY, d2i_X509, PEM_read_bio_PUBKEY,
//    PEM_read_bio_X509, PEM_read_bio_PrivateKey, d2i_PKCS8_PRIV_KEY_INFO) read from the same
//    bytes as a key with the same DER SubjectPublicKeyInfo, type and size;
//  - a public JWK tessera accepts is exactly the key whose SubjectPublicKeyInfo this target
//    writes by hand from the JWK's members (decoded with the reference base64url decoder), and
//    the private JWK it accepts publishes the same key as its public members alone;
//  - every importer gives the same verdict (and the same error) when called twice on the same
//    bytes: no randomised check decides whether a key is accepted.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_support.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/crypto/public_key.hpp"

namespace {
using namespace tessera;
using tessera_fuzz::byte_vec;
using tessera_fuzz::require;

// Frees an EVP_PKEY.
struct pkey_free {
  // Releases the key.
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

// The DER SubjectPublicKeyInfo OpenSSL writes for a key (empty when it cannot).
byte_vec spki_of(EVP_PKEY* k) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(k, &der);
  byte_vec out;
  if (len > 0) out.assign(der, der + len);
  OPENSSL_free(der);
  return out;
}

// The SubjectPublicKeyInfo tessera writes for a public key.
byte_vec spki_of(const crypto::public_key& k) {
  auto der = k.to_der();
  require(der.has_value(), "an accepted public key encodes as DER");
  return byte_vec(der->begin(), der->end());
}

// True when OpenSSL's key is of the kind tessera reported.
bool same_kind(EVP_PKEY* k, crypto::key_type t) {
  switch (t) {
    case crypto::key_type::rsa:
      return EVP_PKEY_is_a(k, "RSA") == 1;
    case crypto::key_type::ec_p256:
    case crypto::key_type::ec_p384:
    case crypto::key_type::ec_p521:
      return EVP_PKEY_is_a(k, "EC") == 1;
    case crypto::key_type::ed25519:
      return EVP_PKEY_is_a(k, "ED25519") == 1;
  }
  return false;
}

// Checks that OpenSSL's reading of the bytes is the public key tessera accepted.
void same_public(EVP_PKEY* reference, const crypto::public_key& k, const char* what) {
  require(reference != nullptr, what);
  require(spki_of(reference) == spki_of(k), "OpenSSL reads the same public key (same SPKI DER)");
  require(same_kind(reference, k.type()), "OpenSSL reads the same kind of key");
  require(EVP_PKEY_get_bits(reference) == k.bits(), "OpenSSL reads a key of the same size");
}

// A memory BIO over the input, for OpenSSL's PEM readers.
std::unique_ptr<BIO, decltype(&BIO_free)> bio_over(std::string_view text) {
  return {BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free};
}

// A password callback that supplies none (a reader must never prompt on the terminal).
int no_password(char*, int, int, void*) { return -1; }

// OpenSSL's reading of PEM text as a public key: a "PUBLIC KEY" block, else a certificate's
// key, else a PKCS#1 "RSA PUBLIC KEY" block (through OSSL_DECODER, as OpenSSL 3 has no
// non-deprecated PEM reader of its own for that label).
pkey_ptr openssl_public_pem(std::string_view text) {
  if (auto b = bio_over(text); EVP_PKEY* k = PEM_read_bio_PUBKEY(b.get(), nullptr, no_password, nullptr))
    return pkey_ptr(k);
  if (auto b = bio_over(text); X509* cert = PEM_read_bio_X509(b.get(), nullptr, no_password, nullptr)) {
    pkey_ptr k(X509_get_pubkey(cert));
    X509_free(cert);
    return k;
  }
  EVP_PKEY* k = nullptr;
  OSSL_DECODER_CTX* d =
      OSSL_DECODER_CTX_new_for_pkey(&k, "PEM", "type-specific", "RSA", EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
  if (d != nullptr) {
    auto b = bio_over(text);
    if (OSSL_DECODER_from_bio(d, b.get()) != 1) {
      EVP_PKEY_free(k);
      k = nullptr;
    }
    OSSL_DECODER_CTX_free(d);
  }
  return pkey_ptr(k);
}

// OpenSSL's reading of DER bytes with a d2i function, required to consume all of them.
template <class T, class D2i>
T* d2i_all(D2i d2i, const std::uint8_t* data, std::size_t size) {
  const unsigned char* p = data;
  T* v = d2i(nullptr, &p, static_cast<long>(size));
  require(v == nullptr || p == data + size, "OpenSSL consumes exactly the bytes tessera accepted");
  return v;
}

// ---- DER SubjectPublicKeyInfo written by hand, for the JWK reference --------------------------

// A DER length field.
void put_length(byte_vec& out, std::size_t n) {
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
    return;
  }
  byte_vec be;
  for (; n != 0; n >>= 8) be.insert(be.begin(), static_cast<std::uint8_t>(n & 0xff));
  out.push_back(static_cast<std::uint8_t>(0x80 | be.size()));
  out.insert(out.end(), be.begin(), be.end());
}

// A DER element: tag, length, contents.
byte_vec tlv(std::uint8_t tag, const byte_vec& contents) {
  byte_vec out{tag};
  put_length(out, contents.size());
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

// Concatenation of DER elements.
byte_vec cat(std::initializer_list<byte_vec> parts) {
  byte_vec out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A DER INTEGER of an unsigned big-endian magnitude: minimal, with a 0x00 where the top bit is set.
byte_vec der_uint(const byte_vec& magnitude) {
  std::size_t i = 0;
  while (i + 1 < magnitude.size() && magnitude[i] == 0) ++i;
  byte_vec v(magnitude.begin() + static_cast<std::ptrdiff_t>(i), magnitude.end());
  if (v.empty()) v.push_back(0);
  if (v[0] & 0x80) v.insert(v.begin(), 0);
  return tlv(0x02, v);
}

// A BIT STRING holding whole bytes.
byte_vec bit_string(const byte_vec& bytes) {
  byte_vec v{0x00};
  v.insert(v.end(), bytes.begin(), bytes.end());
  return tlv(0x03, v);
}

// The DER OBJECT IDENTIFIERs (and NULL parameters) a SubjectPublicKeyInfo names its key kind with.
const byte_vec oid_rsa_encryption{0x06, 0x09, 0x2A, 0x86, 0x48, 0x86,
                                  0xF7, 0x0D, 0x01, 0x01, 0x01};                         // 1.2.840.113549.1.1.1
const byte_vec oid_ec_public_key{0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};  // 1.2.840.10045.2.1
const byte_vec oid_p256{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};     // 1.2.840.10045.3.1.7
const byte_vec oid_p384{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};                       // 1.3.132.0.34
const byte_vec oid_p521{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23};                       // 1.3.132.0.35
const byte_vec oid_ed25519{0x06, 0x03, 0x2B, 0x65, 0x70};                                // 1.3.101.112
const byte_vec der_null{0x05, 0x00};

// A JWK string member decoded with the reference base64url decoder; aborts when it is absent
// or not strict base64url (tessera accepted the JWK, so it must have read this member).
byte_vec member(const nlohmann::json& jwk, const char* name) {
  auto it = jwk.find(name);
  require(it != jwk.end() && it->is_string(), "an accepted JWK has its key members as strings");
  auto b = tessera_fuzz::ref_base64_decode(it->get_ref<const std::string&>(), true, false);
  require(b.has_value(), "an accepted JWK's members are strict base64url");
  return *b;
}

// The SubjectPublicKeyInfo that a public JWK tessera accepted describes, written from its members.
byte_vec spki_of_jwk(const nlohmann::json& jwk) {
  const std::string kty = jwk.value("kty", "");
  if (kty == "RSA") {
    const byte_vec rsa_key = tlv(0x30, cat({der_uint(member(jwk, "n")), der_uint(member(jwk, "e"))}));
    return tlv(0x30, cat({tlv(0x30, cat({oid_rsa_encryption, der_null})), bit_string(rsa_key)}));
  }
  if (kty == "EC") {
    const std::string crv = jwk.value("crv", "");
    require(crv == "P-256" || crv == "P-384" || crv == "P-521", "an accepted EC JWK names P-256, P-384 or P-521");
    byte_vec point{0x04};
    for (const char* m : {"x", "y"}) {
      const byte_vec c = member(jwk, m);
      point.insert(point.end(), c.begin(), c.end());
    }
    const byte_vec& curve = crv == "P-256" ? oid_p256 : crv == "P-384" ? oid_p384 : oid_p521;
    return tlv(0x30, cat({tlv(0x30, cat({oid_ec_public_key, curve})), bit_string(point)}));
  }
  require(kty == "OKP" && jwk.value("crv", "") == "Ed25519", "an accepted JWK is RSA, EC or OKP Ed25519");
  return tlv(0x30, cat({tlv(0x30, oid_ed25519), bit_string(member(jwk, "x"))}));
}

// ---- The properties -------------------------------------------------------------------------

// Calls an importer twice and checks that both calls agree; returns the first result.
template <class F>
auto twice(F&& import) {
  auto first = import();
  auto second = import();
  require(first.has_value() == second.has_value(), "importing the same bytes twice gives the same verdict");
  require(first.has_value() || first.error() == second.error(), "importing the same bytes twice gives the same error");
  return first;
}

// DER inputs: SubjectPublicKeyInfo, certificate, PKCS#8.
void check_der(const std::uint8_t* data, std::size_t size) {
  const core::bytes_view der(data, size);
  if (auto k = twice([&] { return crypto::public_key::from_der(der); })) {
    pkey_ptr ref(d2i_all<EVP_PKEY>(d2i_PUBKEY, data, size));
    same_public(ref.get(), *k, "d2i_PUBKEY reads a SubjectPublicKeyInfo tessera accepted");
  }
  if (auto k = twice([&] { return crypto::public_key::from_certificate_der(der); })) {
    X509* cert = d2i_all<X509>(d2i_X509, data, size);
    require(cert != nullptr, "d2i_X509 reads a certificate tessera accepted");
    pkey_ptr ref(X509_get_pubkey(cert));
    X509_free(cert);
    same_public(ref.get(), *k, "OpenSSL finds the key of a certificate tessera accepted");
  }
  if (auto k = twice([&] { return crypto::private_key::from_pkcs8_der(der); })) {
    PKCS8_PRIV_KEY_INFO* p8 = d2i_all<PKCS8_PRIV_KEY_INFO>(d2i_PKCS8_PRIV_KEY_INFO, data, size);
    require(p8 != nullptr, "d2i_PKCS8_PRIV_KEY_INFO reads a PKCS#8 key tessera accepted");
    pkey_ptr ref(EVP_PKCS82PKEY(p8));
    PKCS8_PRIV_KEY_INFO_free(p8);
    auto pub = k->public_key();
    require(pub.has_value(), "an accepted private key has a public key");
    same_public(ref.get(), *pub, "EVP_PKCS82PKEY reads a PKCS#8 key tessera accepted");
  }
}

// PEM inputs, public and private.
void check_pem(std::string_view text) {
  if (auto k = twice([&] { return crypto::public_key::from_pem(text); })) {
    pkey_ptr ref = openssl_public_pem(text);
    same_public(ref.get(), *k, "OpenSSL's PEM readers read a public key tessera accepted");
  }
  if (auto k = twice([&] { return crypto::private_key::from_pem(text); })) {
    auto b = bio_over(text);
    pkey_ptr ref(PEM_read_bio_PrivateKey(b.get(), nullptr, no_password, nullptr));
    auto pub = k->public_key();
    require(pub.has_value(), "an accepted private key has a public key");
    same_public(ref.get(), *pub, "PEM_read_bio_PrivateKey reads a private key tessera accepted");
  }
}

// JWK inputs, public and private.
void check_jwk(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return;
  if (auto k = twice([&] { return crypto::public_key::from_jwk(j); })) {
    const byte_vec expected = spki_of_jwk(j);
    pkey_ptr ref(d2i_all<EVP_PKEY>(d2i_PUBKEY, expected.data(), expected.size()));
    require(ref != nullptr, "OpenSSL reads the SPKI written from an accepted JWK");
    require(spki_of(ref.get()) == expected, "OpenSSL writes the hand-made SPKI back unchanged");
    same_public(ref.get(), *k, "the accepted JWK is the key its members describe");
  }
  if (auto k = twice([&] { return crypto::private_key::from_jwk(j); })) {
    auto pub = k->public_key();
    require(pub.has_value(), "an accepted private key has a public key");
    nlohmann::json public_part = j;
    for (const char* m : {"d", "p", "q", "dp", "dq", "qi"}) public_part.erase(m);
    auto alone = crypto::public_key::from_jwk(public_part);
    require(alone.has_value(), "the public members of an accepted private JWK are an accepted public JWK");
    require(spki_of(*alone) == spki_of(*pub), "a private JWK publishes the key of its public members");
  }
}
}  // namespace

// One input, tried as DER, PEM and JWK.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16384) return 0;  // keys are a few KiB; longer inputs only slow the search
  const std::string_view text = tessera_fuzz::text(data, size);
  check_der(data, size);
  check_pem(text);
  check_jwk(text);
  ERR_clear_error();
  return 0;
}
