// keygen, jwk and pem: making key pairs and HMAC secrets, and converting keys between PEM and JWK.

#include <openssl/crypto.h>

#include <memory>

#include <tessera/core/base64.hpp>
#include <tessera/core/random.hpp>
#include <tessera/crypto/digest.hpp>
#include <tessera/jwt/algorithm.hpp>

#include "cli.hpp"

namespace tessera_cli {

namespace core = tessera::core;
namespace crypto = tessera::crypto;
namespace jwt = tessera::jwt;

namespace {

// Options of `keygen`.
struct keygen_options {
  std::string type;
  int bits = 2048;
  std::string curve = "P-256";
  std::size_t bytes = 0;
  std::string alg;
  std::string kid;
  bool jwk = false;
  bool jwks = false;
  std::string out;
  std::string public_out;
  bool force = false;
};

// Options of `jwk` and `pem`.
struct convert_options {
  std::string input = "-";
  std::string kid;
  std::string alg;
  bool private_key = false;
  bool jwks = false;
  bool force = false;
};

// Checks that a JWS algorithm name fits a key (usage error otherwise); "" stays "".
void check_alg_fits(const std::string& alg, const loaded_key& k) {
  if (alg.empty()) return;
  auto a = jwt::alg_from_name(alg);
  if (!a) usage_error("unknown algorithm '" + alg + "'");
  if (k.hmac) {
    if (!jwt::is_hmac(*a)) usage_error(alg + " does not fit an HMAC key");
    return;
  }
  if (jwt::is_hmac(*a) || crypto::required_key_type(jwt::signature_scheme(*a)) != k.pub->type())
    usage_error(alg + " does not fit a " + std::string(crypto::key_type_name(k.pub->type())) + " key");
}

// The JWK or JWKS text of a JSON key (a JWKS wraps it in {"keys": [...]}), indented.
std::string as_document(nlohmann::json jwk, bool jwks) {
  if (jwks) jwk = nlohmann::json{{"keys", nlohmann::json::array({std::move(jwk)})}};
  return jwk.dump(2) + "\n";
}

// Same for private JSON text held in a secret: the result is a secret too.
core::secret as_private_document(const core::secret& jwk_text, bool jwks) {
  std::string text = jwks ? "{\"keys\": [" + std::string(jwk_text.expose_secret_text()) + "]}\n"
                          : std::string(jwk_text.expose_secret_text()) + "\n";
  core::secret out(core::bytes_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  OPENSSL_cleanse(text.data(), text.size());
  return out;
}

// Writes secret output to --out (mode 0600) or to stdout (never a terminal unless forced).
void emit_private(const std::string& out, std::string_view text, bool force, const std::string& what) {
  if (!out.empty()) {
    write_private_file(out, text, force, what);
    return;
  }
  refuse_terminal(force, what);
  write_stdout(text);
}

// Runs `keygen`.
int run_keygen(const keygen_options& o) {
  if (o.jwk && o.jwks) usage_error("--jwk and --jwks exclude each other");
  loaded_key key;
  std::string private_text_kind;  // "PEM", "JWK", "JWKS"
  if (o.type == "hmac") {
    if (!o.public_out.empty()) usage_error("an HMAC key has no public half: --public-out does not apply");
    const std::string alg = o.alg.empty() ? "HS256" : o.alg;
    auto a = jwt::alg_from_name(alg);
    if (!a || !jwt::is_hmac(*a)) usage_error("--alg for an HMAC key must be HS256, HS384 or HS512");
    const std::size_t min = crypto::digest_size(jwt::hmac_hash(*a));
    const std::size_t n = o.bytes ? o.bytes : min;
    if (n < min || n > 1024) usage_error("--bytes for " + alg + " must be between " + std::to_string(min) + " and 1024");
    auto secret = core::random_secret(n);
    if (!secret) bad_input("cannot generate a secret", secret.error());
    std::string b64 = core::base64url_encode(secret->expose_secret());
    if (o.jwk || o.jwks) {
      nlohmann::json j = {{"kty", "oct"}, {"k", b64}, {"alg", alg}, {"use", "sig"}};
      if (!o.kid.empty()) j["kid"] = o.kid;
      std::string text = as_document(j, o.jwks);
      OPENSSL_cleanse(j["k"].get_ref<std::string&>().data(), b64.size());
      if (ctx().json) {
        nlohmann::json meta = {{"type", "hmac"}, {"alg", alg}, {"bytes", n}, {"kid", o.kid}};
        if (o.out.empty()) {
          refuse_terminal(o.force, "a secret key");
          meta[o.jwks ? "jwks" : "jwk"] = nlohmann::json::parse(text);
          print_json(meta);
        } else {
          write_private_file(o.out, text, o.force, "the secret key");
          meta["secret_file"] = o.out;
          print_json(meta);
        }
      } else {
        emit_private(o.out, text, o.force, "a secret key");
      }
      OPENSSL_cleanse(text.data(), text.size());
    } else {
      std::string text = b64 + "\n";
      if (ctx().json) {
        nlohmann::json meta = {{"type", "hmac"}, {"alg", alg}, {"bytes", n}, {"encoding", "base64url"}};
        if (o.out.empty()) {
          refuse_terminal(o.force, "a secret key");
          meta["secret"] = b64;
        } else {
          write_private_file(o.out, text, o.force, "the secret key");
          meta["secret_file"] = o.out;
        }
        print_json(meta);
      } else {
        emit_private(o.out, text, o.force, "a secret key");
      }
      OPENSSL_cleanse(text.data(), text.size());
    }
    OPENSSL_cleanse(b64.data(), b64.size());
    return exit_ok;
  }

  crypto::key_spec spec = crypto::key_spec::ed25519;
  if (o.type == "rsa") {
    if (o.bits == 2048) spec = crypto::key_spec::rsa2048;
    else if (o.bits == 3072) spec = crypto::key_spec::rsa3072;
    else if (o.bits == 4096) spec = crypto::key_spec::rsa4096;
    else usage_error("--bits must be 2048, 3072 or 4096");
  } else if (o.type == "ec") {
    if (o.curve == "P-256") spec = crypto::key_spec::p256;
    else if (o.curve == "P-384") spec = crypto::key_spec::p384;
    else if (o.curve == "P-521") spec = crypto::key_spec::p521;
    else usage_error("--curve must be P-256, P-384 or P-521");
  }
  auto k = crypto::private_key::generate(spec);
  if (!k) bad_input("cannot generate the key", k.error());
  auto pub = k->public_key();
  if (!pub) bad_input("cannot derive the public key", pub.error());
  key.pub = *pub;
  key.priv = *k;
  check_alg_fits(o.alg, key);
  const std::string alg = o.alg.empty() ? default_jws_alg(key) : o.alg;
  const std::string kid = o.kid.empty() ? pub->thumbprint() : o.kid;
  const bool as_json = o.jwk || o.jwks;

  // The private half.
  core::secret private_text;
  if (as_json) {
    private_text = as_private_document(private_jwk_text(*k, kid, alg, 2), o.jwks);
  } else {
    auto pem = k->to_pem();
    if (!pem) bad_input("cannot write the private key", pem.error());
    private_text = std::move(*pem);
  }
  // The public half.
  std::string public_text;
  if (as_json) {
    public_text = as_document(public_jwk(*pub, kid, alg), o.jwks);
  } else {
    auto pem = pub->to_pem();
    if (!pem) bad_input("cannot write the public key", pem.error());
    public_text = *pem;
  }

  if (!o.public_out.empty()) write_public_file(o.public_out, public_text, "the public key");
  if (ctx().json) {
    nlohmann::json meta = {{"type", o.type}, {"key_type", std::string(crypto::key_type_name(k->type()))},
                           {"bits", k->bits()}, {"kid", kid}, {"alg", alg}, {"thumbprint", pub->thumbprint()}};
    meta["public_key"] = as_json ? nlohmann::json::parse(public_text) : nlohmann::json(public_text);
    if (!o.public_out.empty()) meta["public_key_file"] = o.public_out;
    if (o.out.empty()) {
      refuse_terminal(o.force, "a private key");
      std::string priv(private_text.expose_secret_text());
      meta["private_key"] = as_json ? nlohmann::json::parse(priv) : nlohmann::json(priv);
      OPENSSL_cleanse(priv.data(), priv.size());
    } else {
      write_private_file(o.out, private_text.expose_secret_text(), o.force, "the private key");
      meta["private_key_file"] = o.out;
    }
    print_json(meta);
    return exit_ok;
  }
  emit_private(o.out, private_text.expose_secret_text(), o.force, "a private key");
  // With the private key in a file, stdout carries the public key (unless it went to a file too).
  if (!o.out.empty() && o.public_out.empty()) write_stdout(public_text);
  return exit_ok;
}

// Reads the input of `jwk` / `pem`: any key, PEM or JWK, from a file or stdin.
loaded_key read_any_key(const convert_options& o) {
  std::string text = read_file(o.input, "the key", true);
  core::secret s(core::bytes_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  OPENSSL_cleanse(text.data(), text.size());
  auto k = parse_key(s, false, secret_encoding::base64url, o.kid, "the key");
  return k;
}

// Runs `jwk`: any key to a JWK (the public one unless --private).
int run_jwk(const convert_options& o) {
  loaded_key k = read_any_key(o);
  check_alg_fits(o.alg, k);
  const std::string kid = !o.kid.empty() ? o.kid : !k.kid.empty() ? k.kid : k.pub->thumbprint();
  const std::string alg = !o.alg.empty() ? o.alg : k.alg;
  if (o.private_key) {
    if (!k.priv) bad_input("--private needs a private key, and the input holds a public key");
    core::secret text = as_private_document(private_jwk_text(*k.priv, kid, alg, 2), o.jwks);
    refuse_terminal(o.force, "a private key");
    write_stdout(text.expose_secret_text());
    return exit_ok;
  }
  write_stdout(as_document(public_jwk(*k.pub, kid, alg), o.jwks));
  return exit_ok;
}

// Runs `pem`: any key to PEM (the SPKI public key unless --private).
int run_pem(const convert_options& o) {
  loaded_key k = read_any_key(o);
  if (o.private_key) {
    if (!k.priv) bad_input("--private needs a private key, and the input holds a public key");
    auto pem = k.priv->to_pem();
    if (!pem) bad_input("cannot write the private key", pem.error());
    refuse_terminal(o.force, "a private key");
    write_stdout(pem->expose_secret_text());
    return exit_ok;
  }
  auto pem = k.pub->to_pem();
  if (!pem) bad_input("cannot write the public key", pem.error());
  if (ctx().json) {
    print_json({{"public_key", *pem}, {"key_type", std::string(crypto::key_type_name(k.pub->type()))},
                {"thumbprint", k.pub->thumbprint()}});
    return exit_ok;
  }
  write_stdout(*pem);
  return exit_ok;
}

// The JWS algorithm names, for CLI11 checks.
std::vector<std::string> jws_names() {
  std::vector<std::string> v;
  for (int i = 0; i <= static_cast<int>(jwt::alg::eddsa); ++i) v.emplace_back(jwt::alg_name(static_cast<jwt::alg>(i)));
  return v;
}

}  // namespace

// keygen, jwk, pem.
void add_key_commands(CLI::App& app) {
  auto kg = std::make_shared<keygen_options>();
  auto* keygen = app.add_subcommand("keygen", "Make a key pair (rsa, ec, ed25519) or an HMAC secret (hmac)");
  keygen->add_option("type", kg->type, "hmac, rsa, ec or ed25519")->required()->check(CLI::IsMember({"hmac", "rsa", "ec", "ed25519"}));
  keygen->add_option("--bits", kg->bits, "RSA modulus size: 2048 (default), 3072 or 4096");
  keygen->add_option("--curve", kg->curve, "EC curve: P-256 (default), P-384 or P-521");
  keygen->add_option("--bytes", kg->bytes, "HMAC secret size in bytes (default: the hash size, 32 for HS256)");
  keygen->add_option("--alg", kg->alg, "JWS algorithm written into a JWK (default: RS256, ES256/ES384/ES512, EdDSA, HS256)")
      ->check(CLI::IsMember(jws_names()));
  keygen->add_option("--kid", kg->kid, "Key id for --jwk/--jwks (default: the RFC 7638 thumbprint; none for hmac)");
  keygen->add_flag("--jwk", kg->jwk, "Write the key(s) as a JWK instead of PEM (hmac: an oct JWK)");
  keygen->add_flag("--jwks", kg->jwks, "Write the key(s) as a JWKS holding one key");
  keygen->add_option("--out", kg->out,
                     "Write the private key (or HMAC secret) to this new file, mode 0600; the public key then goes to stdout")
      ->type_name("FILE");
  keygen->add_option("--public-out", kg->public_out, "Write the public key to this file")->type_name("FILE");
  keygen->add_flag("--force", kg->force, "Write a private key to a terminal, or overwrite --out");
  set_footer(keygen,
             "Private keys are PKCS#8 PEM; public keys SPKI PEM (what `openssl pkey -pubout` prints).\n"
             "An HMAC secret is base64url of random bytes, one line.\n\n"
             "Examples:\n"
             "  tessera keygen rsa --out partner.key > partner.pub      # register partner.pub with the API\n"
             "  tessera keygen ec --curve P-256 --jwks --kid k1 --out k1.jwks --public-out k1.pub.jwks\n"
             "  tessera keygen hmac --out jwt.secret                    # for HS256 (32 bytes)");
  on_run(keygen, [kg] { return run_keygen(*kg); });

  for (const bool is_jwk : {true, false}) {
    auto co = std::make_shared<convert_options>();
    auto* sub = is_jwk ? app.add_subcommand("jwk", "Convert a key (PEM, JWK or JWKS) to a JWK; the public one unless --private")
                       : app.add_subcommand("pem", "Convert a key (PEM, JWK or JWKS) to PEM; the public one (SPKI) unless --private");
    sub->add_option("file", co->input, "The key file; - or nothing for stdin")->type_name("FILE");
    sub->add_option("--kid", co->kid, is_jwk ? "Key id to write (default: the input's, else the thumbprint); picks the key of a JWKS"
                                             : "Picks the key of a JWKS by kid");
    if (is_jwk) {
      sub->add_option("--alg", co->alg, "JWS algorithm to write into the JWK")->check(CLI::IsMember(jws_names()));
      sub->add_flag("--jwks", co->jwks, "Write a JWKS holding the key");
    }
    sub->add_flag("--private", co->private_key, "Write the private key (the input must hold one)");
    sub->add_flag("--force", co->force, "Write a private key to a terminal");
    if (is_jwk) {
      set_footer(sub,
                 "Examples:\n"
                 "  tessera jwk partner.pub --alg RS256 --jwks > jwks.json   # publish the public key\n"
                 "  tessera jwk partner.key --private > partner.jwk          # private JWK (d, p, q, ...)");
      on_run(sub, [co] { return run_jwk(*co); });
    } else {
      set_footer(sub,
                 "Examples:\n"
                 "  tessera pem partner.key > partner.pub            # = openssl pkey -in partner.key -pubout\n"
                 "  tessera pem jwks.json --kid k1 > k1.pub\n"
                 "  tessera pem partner.jwk --private > partner.key  # PKCS#8");
      on_run(sub, [co] { return run_pem(*co); });
    }
  }
}

}  // namespace tessera_cli
