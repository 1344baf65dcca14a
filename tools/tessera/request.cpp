// request sign / verify: signed partner requests under the client-timestamp profile
// (X-SIGNATURE = base64(SHA256withRSA(key, client_id + "|" + X-TIMESTAMP))) and the canonical
// request profile (method, path, query, body digest, nonce, optionally the bearer token).

#include <openssl/crypto.h>

#include <iostream>
#include <memory>
#include <set>

#include <tessera/core/ascii.hpp>
#include <tessera/core/base64.hpp>
#include <tessera/core/replay_store.hpp>
#include <tessera/request_signing/canonical_request.hpp>
#include <tessera/request_signing/client_registry.hpp>
#include <tessera/request_signing/client_timestamp.hpp>
#include <tessera/request_signing/signer.hpp>
#include <tessera/request_signing/verifier.hpp>

#include "cli.hpp"

namespace tessera_cli {

namespace core = tessera::core;
namespace crypto = tessera::crypto;
namespace rs = tessera::request_signing;
using tessera::errc;

namespace {

// Options of `request sign` and `request verify`.
struct request_options {
  std::string profile;
  std::string format;
  std::string alg;
  std::string client_id;
  // sign
  secret_source key;
  secret_source token;
  std::string nonce;
  std::string utc_offset;
  // verify
  std::string public_key;
  std::vector<std::string> headers;
  std::string headers_file;
  std::string window = "300s";
  // both
  std::string method;
  std::string target;
  std::string body;
  bool content_digest = false;
  bool bind_token = false;
  std::string at;
};

// The signature algorithms by their command-line names.
const std::vector<std::pair<std::string, crypto::signature_alg>>& alg_table() {
  static const std::vector<std::pair<std::string, crypto::signature_alg>> t = {
      {"rsa-sha256", crypto::signature_alg::rsa_pkcs1_sha256},     {"rsa-sha384", crypto::signature_alg::rsa_pkcs1_sha384},
      {"rsa-sha512", crypto::signature_alg::rsa_pkcs1_sha512},     {"rsa-pss-sha256", crypto::signature_alg::rsa_pss_sha256},
      {"rsa-pss-sha384", crypto::signature_alg::rsa_pss_sha384},   {"rsa-pss-sha512", crypto::signature_alg::rsa_pss_sha512},
      {"ecdsa-p256-sha256", crypto::signature_alg::ecdsa_p256_sha256}, {"ecdsa-p384-sha384", crypto::signature_alg::ecdsa_p384_sha384},
      {"ecdsa-p521-sha512", crypto::signature_alg::ecdsa_p521_sha512}, {"ed25519", crypto::signature_alg::ed25519}};
  return t;
}

// The command-line names of the signature algorithms.
std::vector<std::string> alg_names() {
  std::vector<std::string> v;
  for (const auto& [n, a] : alg_table()) v.push_back(n);
  return v;
}

// --alg, or the usual algorithm for the key (SHA256withRSA for RSA).
crypto::signature_alg pick_alg(const std::string& name, crypto::key_type t) {
  if (!name.empty()) {
    for (const auto& [n, a] : alg_table())
      if (n == name) {
        if (crypto::required_key_type(a) != t)
          usage_error("--alg " + name + " does not fit a " + std::string(crypto::key_type_name(t)) + " key");
        return a;
      }
    usage_error("unknown --alg " + name);
  }
  switch (t) {
    case crypto::key_type::rsa: return crypto::signature_alg::rsa_pkcs1_sha256;
    case crypto::key_type::ec_p256: return crypto::signature_alg::ecdsa_p256_sha256;
    case crypto::key_type::ec_p384: return crypto::signature_alg::ecdsa_p384_sha384;
    case crypto::key_type::ec_p521: return crypto::signature_alg::ecdsa_p521_sha512;
    case crypto::key_type::ed25519: return crypto::signature_alg::ed25519;
  }
  return crypto::signature_alg::rsa_pkcs1_sha256;
}

// The name of a signature algorithm.
std::string alg_name(crypto::signature_alg a) {
  for (const auto& [n, x] : alg_table())
    if (x == a) return n;
  return "?";
}

// The timestamp format: --timestamp-format, or both profiles' default (Unix seconds).
rs::timestamp_format pick_format(const request_options& o) {
  if (o.format.empty()) return rs::timestamp_format::unix_seconds;
  if (o.format == "unix") return rs::timestamp_format::unix_seconds;
  if (o.format == "iso") return rs::timestamp_format::iso8601;
  return rs::timestamp_format::iso8601_millis;
}

// Parses a UTC offset: "Z", "+07:00", "-05:30".
std::chrono::minutes parse_offset(const std::string& s) {
  if (s.empty() || s == "Z") return std::chrono::minutes{0};
  if (s.size() == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':' && std::isdigit(static_cast<unsigned char>(s[1])) &&
      std::isdigit(static_cast<unsigned char>(s[2])) && std::isdigit(static_cast<unsigned char>(s[4])) &&
      std::isdigit(static_cast<unsigned char>(s[5]))) {
    const int h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0');
    if (h <= 23 && m <= 59) return std::chrono::minutes((s[0] == '-' ? -1 : 1) * (h * 60 + m));
  }
  usage_error("--utc-offset must look like +07:00, -05:30 or Z");
}

// The profile's settings from the options.
rs::canonical_request_options canonical_options(const request_options& o) {
  rs::canonical_request_options c;
  c.format = pick_format(o);
  c.body_digest = o.content_digest ? rs::body_digest_form::content_digest : rs::body_digest_form::hex;
  c.bind_bearer_token = o.bind_token;
  return c;
}

// The request a canonical signature covers (method, target, body), or an empty one.
rs::request build_request(const request_options& o) {
  if (o.profile != "canonical") {
    if (!o.method.empty() || !o.target.empty() || !o.body.empty() || o.content_digest || o.bind_token)
      usage_error("the client-timestamp profile signs client_id|timestamp only: --method, --target, --body, "
                  "--content-digest and --bind-token belong to --profile canonical");
    return rs::request{};
  }
  if (o.method.empty() || o.target.empty())
    usage_error("the canonical profile signs the request: give --method and --target (e.g. --target '/api/v1/orders?page=2')");
  std::string body = o.body.empty() ? std::string() : read_file(o.body, "the body");
  return rs::request::from_target(o.method, o.target, std::move(body));
}

// Signs with one profile and prints the headers.
template <class P>
int sign_with(const P& profile, const request_options& o, crypto::signature_alg alg, const crypto::private_key& key,
              rs::request req) {
  const std::int64_t now = o.at.empty() ? now_seconds() : parse_instant(o.at, "--at");
  rs::signer_options so;
  so.utc_offset = parse_offset(o.utc_offset);
  if (so.utc_offset.count() != 0 && pick_format(o) == rs::timestamp_format::unix_seconds)
    usage_error("--utc-offset applies to ISO-8601 timestamps only");
  auto signer = rs::signer<P, fixed_clock>::create(o.client_id, key, alg, profile, so, clock_at(now));
  if (!signer) {
    if (signer.error() == errc::invalid_argument) usage_error("--client-id must be 1 to 256 visible ASCII characters");
    bad_input("cannot sign with this key", signer.error());
  }
  tessera::result<rs::signed_headers> headers = tessera::unexpected{errc::internal_error};
  if constexpr (P::binds_request) {
    if (o.bind_token) {
      const core::secret token = trimmed_secret(read_secret(o.token));
      std::string auth = "Bearer " + std::string(token.expose_secret_text());
      req.set_header("Authorization", auth);
      OPENSSL_cleanse(auth.data(), auth.size());
    }
    headers = o.nonce.empty() ? signer->sign(req) : signer->sign(req, o.nonce);
  } else {
    headers = signer->sign();
  }
  if (!headers) {
    if (headers.error() == errc::invalid_argument) usage_error("--nonce must be 16 to 128 characters of A-Z a-z 0-9 - _");
    bad_input("cannot sign the request", headers.error());
  }
  const auto field = [&](const std::string& name) { return std::string(headers->find(name).value_or("")); };
  auto sts = rs::string_to_sign(profile, req,
                                rs::signed_fields{field(profile.headers().client_id), field(profile.headers().timestamp),
                                                  field(profile.headers().nonce)});
  if (ctx().json) {
    nlohmann::json j = {{"profile", o.profile}, {"algorithm", alg_name(alg)}, {"headers", nlohmann::json::object()}};
    for (const auto& h : *headers) j["headers"][h.name] = h.value;
    if (sts) j["string_to_sign"] = *sts;
    print_json(j);
    return exit_ok;
  }
  for (const auto& h : *headers) std::cout << h.name << ": " << h.value << "\n";
  std::cout.flush();
  if (o.bind_token) std::cerr << "tessera: also send Authorization: Bearer <the token> (not printed)\n";
  return exit_ok;
}

// Guesses, for a hint, which timestamp format a header value is in.
std::string timestamp_shape(std::string_view v) {
  if (!v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos)
    return v.size() >= 13 ? "Unix milliseconds (refused: seconds only)" : "Unix seconds (--timestamp-format unix)";
  if (v.find('T') != std::string_view::npos)
    return v.find('.') != std::string_view::npos
               ? "ISO-8601 with a fraction (--timestamp-format iso-millis: exactly 3 digits, with an offset)"
               : "ISO-8601 (--timestamp-format iso: with an offset such as +07:00 or Z)";
  return "no known format";
}

// Hints for a failed request verification.
std::vector<std::string> request_hints(errc e, const request_options& o, const rs::request& req, crypto::signature_alg alg,
                                       const crypto::public_key& key, std::int64_t now, const std::string& sts) {
  std::vector<std::string> h;
  const std::string_view ts = req.header("X-TIMESTAMP").value_or("");
  const std::string_view sig = req.header("X-SIGNATURE").value_or("");
  const rs::timestamp_format f = pick_format(o);
  switch (e) {
    case errc::missing_header:
      h.push_back(o.profile == "canonical" ? "the canonical profile needs X-CLIENT-ID, X-TIMESTAMP, X-NONCE and X-SIGNATURE"
                                                 " (and Authorization with --bind-token)"
                                           : "the client-timestamp profile needs X-CLIENT-ID, X-TIMESTAMP and X-SIGNATURE");
      break;
    case errc::malformed_header:
      h.push_back("X-SIGNATURE is padded standard base64 (RFC 4648 section 4: '+', '/', '=' padding); X-CLIENT-ID is 1-256 "
                  "visible ASCII characters; X-NONCE is 16-128 of A-Z a-z 0-9 - _");
      if (sig.find_first_of("-_") != std::string_view::npos) h.push_back("X-SIGNATURE holds '-' or '_': it looks like base64url");
      break;
    case errc::invalid_timestamp:
      h.push_back("X-TIMESTAMP is \"" + std::string(ts) + "\", which looks like " + timestamp_shape(ts) +
                  "; this check reads " + std::string(rs::timestamp_format_name(f)));
      break;
    case errc::stale_timestamp:
    case errc::future_timestamp:
      if (auto t = rs::parse_timestamp(ts, f)) {
        const std::int64_t s = core::unix_seconds(*t);
        h.push_back("signed at " + iso_utc(s) + ", checked at " + iso_utc(now) + ": " + human_duration(s > now ? s - now : now - s) +
                    (s > now ? " ahead" : " behind") + ", window ±" + o.window + " (use --at to check at the request's time)");
      }
      break;
    case errc::unknown_client:
      h.push_back("X-CLIENT-ID is \"" + std::string(req.header("X-CLIENT-ID").value_or("")) +
                  "\", but the key is registered for \"" + o.client_id + "\" (--client-id)");
      break;
    case errc::bad_signature:
    case errc::invalid_signature_length: {
      if (!sts.empty()) {
        std::string shown = nlohmann::json(sts).dump();
        h.push_back("the string to sign is " + shown + " (" + std::to_string(sts.size()) +
                    " bytes: exactly these, nothing added or left out)");
      }
      h.push_back("the signature must be " + alg_name(alg) + " over exactly those bytes with the private half of this " +
                  std::string(crypto::key_type_name(key.type())) + " key, then base64 (choose the scheme with --alg)");
      auto raw = core::base64_decode(sig);
      if (raw && crypto::is_ecdsa(alg) && !raw->empty() && (*raw)[0] == 0x30)
        h.push_back("the signature is " + std::to_string(raw->size()) + " bytes starting 0x30: DER, but tessera's ECDSA "
                    "signatures are raw r||s (64 bytes for P-256, 96 for P-384, 132 for P-521)");
      if (crypto::is_pss(alg))
        h.push_back("RSA-PSS here is MGF1 with the same hash and a salt as long as the digest (openssl: -sigopt "
                    "rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest)");
      if (raw && key.type() == crypto::key_type::rsa && raw->size() * 8 != static_cast<std::size_t>(key.bits()))
        h.push_back("the signature is " + std::to_string(raw->size()) + " bytes; this " + std::to_string(key.bits()) +
                    "-bit key makes " + std::to_string(key.bits() / 8) + "-byte signatures");
      break;
    }
    case errc::malformed_request:
      h.push_back("--method is a token such as POST; --target is the raw request target /path?query exactly as sent");
      break;
    default:
      break;
  }
  return h;
}

// Verifies with one profile and prints the outcome.
template <class P>
int verify_with(const P& profile, const request_options& o, rs::request req) {
  const header_pairs given = read_headers(o.headers, o.headers_file);
  if (given.empty()) usage_error("give the request's headers with -H \"Name: value\" or --headers FILE");
  std::set<std::string> seen_names;
  for (const auto& [name, value] : given) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!seen_names.insert(lower).second) bad_input("the header " + name + " is given twice");
    req.set_header(name, value);
  }
  std::string pem = read_file(o.public_key, "the public key", true);
  core::secret pem_text(core::bytes_view(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()));
  const loaded_key k = parse_key(pem_text, false, secret_encoding::base64url, {}, "the public key");
  const crypto::signature_alg alg = pick_alg(o.alg, k.pub->type());
  const std::int64_t now = o.at.empty() ? now_seconds() : parse_instant(o.at, "--at");

  request_options opts = o;
  if (opts.client_id.empty()) opts.client_id = std::string(req.header(profile.headers().client_id).value_or(""));
  rs::memory_client_registry clients;
  if (!opts.client_id.empty()) {
    auto id = clients.add_key(opts.client_id, *k.pub, alg);
    if (!id) {
      if (id.error() == errc::invalid_argument) usage_error("--client-id must be 1 to 256 visible ASCII characters");
      bad_input("cannot register the public key", id.error());
    }
  }
  core::memory_replay_store seen;
  rs::verifier_options vo;
  vo.window = parse_duration(o.window, "--window");
  const rs::verifier<P, rs::memory_client_registry&, core::memory_replay_store&, fixed_clock> verifier(profile, clients, seen, vo,
                                                                                                      clock_at(now));
  auto v = verifier.verify(req);
  if (!v) {
    const auto field = [&](const std::string& name) { return std::string(req.header(name).value_or("")); };
    auto sts = rs::string_to_sign(profile, req,
                                  rs::signed_fields{field(profile.headers().client_id), field(profile.headers().timestamp),
                                                    field(profile.headers().nonce)});
    return report_failure(v.error(), request_hints(v.error(), opts, req, alg, *k.pub, now, sts ? *sts : std::string()),
                          {{"profile", o.profile}});
  }
  const std::int64_t signed_at = core::unix_seconds(v->signed_at());
  if (ctx().json) {
    print_json({{"valid", true}, {"profile", o.profile}, {"client_id", std::string(v->client_id())},
                {"key_id", std::string(v->key_id())}, {"algorithm", alg_name(alg)}, {"signed_at", signed_at},
                {"signed_at_utc", iso_utc(signed_at)}});
    return exit_ok;
  }
  std::cout << "VALID  " << o.profile << " signature of client " << v->client_id() << " (" << alg_name(alg) << ", key "
            << v->key_id() << "), signed at " << iso_utc(signed_at) << "\n";
  std::cout.flush();
  return exit_ok;
}

// Dispatches sign or verify to the profile chosen by --profile.
int run(const request_options& o, bool sign) {
  rs::request req = build_request(o);
  if (o.profile == "client-timestamp" && !o.nonce.empty()) usage_error("the client-timestamp profile has no nonce");
  if (sign) {
    core::secret text = read_secret(o.key);
    const loaded_key k = parse_key(text, false, secret_encoding::base64url, {}, "the private key");
    if (!k.priv) bad_input("request sign needs a private key, and the key is a public key");
    const crypto::signature_alg alg = pick_alg(o.alg, k.priv->type());
    if (o.profile == "canonical") return sign_with(rs::canonical_request(canonical_options(o)), o, alg, *k.priv, std::move(req));
    return sign_with(rs::client_timestamp(pick_format(o)), o, alg, *k.priv, std::move(req));
  }
  if (o.profile == "canonical") return verify_with(rs::canonical_request(canonical_options(o)), o, std::move(req));
  return verify_with(rs::client_timestamp(pick_format(o)), o, std::move(req));
}

// Adds the options both subcommands take.
void add_common(CLI::App* sub, request_options& o) {
  // rfc9421 is named only to say that it does not exist yet.
  const CLI::Validator profiles(
      [](std::string& v) -> std::string {
        if (v == "client-timestamp" || v == "canonical") return {};
        if (v == "rfc9421") return "RFC 9421 HTTP Message Signatures are not implemented yet";
        return "the profile is client-timestamp or canonical";
      },
      "client-timestamp|canonical");
  sub->add_option("--profile", o.profile, "client-timestamp (client_id|timestamp) or canonical (tessera-request-v1); "
                                          "rfc9421 is not implemented yet")
      ->required()
      ->check(profiles);
  sub->add_option("--timestamp-format", o.format, "X-TIMESTAMP format: unix, iso (2024-05-17T14:12:50+07:00) or iso-millis "
                                                  "(default: unix)")
      ->check(CLI::IsMember({"unix", "iso", "iso-millis"}));
  sub->add_option("--alg", o.alg, "rsa-sha256 (SHA256withRSA, the default for RSA keys), rsa-pss-sha256, ecdsa-p256-sha256, "
                                  "ed25519, ... (default: from the key)")
      ->check(CLI::IsMember(alg_names()));
  sub->add_option("--method", o.method, "canonical: the request method, e.g. POST");
  sub->add_option("--target", o.target, "canonical: the raw request target, /path?query as sent");
  sub->add_option("--body", o.body, "canonical: the raw body from this file (- for stdin; default: empty)")->type_name("FILE");
  sub->add_flag("--content-digest", o.content_digest, "canonical: the body digest line is an RFC 9530 Content-Digest");
  sub->add_flag("--bind-token", o.bind_token, "canonical: the signature covers the bearer token (Authorization)");
  sub->add_option("--at", o.at, "Sign / check as if now were this time (Unix seconds or ISO-8601)")->type_name("TIME");
}

}  // namespace

// request sign / verify.
void add_request_commands(CLI::App& app) {
  auto* group = app.add_subcommand("request", "Sign a request as a partner does, or verify one as the API does");
  group->require_subcommand(1);
  set_footer(group,
             "Profiles: client-timestamp = X-SIGNATURE over client_id + \"|\" + X-TIMESTAMP; canonical = tessera's\n"
             "request profile (method, path, query, body digest, nonce). RFC 9421 HTTP Message Signatures do not\n"
             "exist in tessera yet, so there is no rfc9421 profile.\n\n"
             "Examples:\n"
             "  tessera request sign --profile client-timestamp --timestamp-format unix --client-id partner-42 --key partner.key\n"
             "  tessera request verify --profile client-timestamp --timestamp-format unix --key partner.pub --headers h.txt");

  auto so = std::make_shared<request_options>();
  auto* sign = group->add_subcommand("sign", "Sign a request and print the headers to send");
  add_common(sign, *so);
  sign->add_option("--client-id", so->client_id, "The client id sent as X-CLIENT-ID")->required();
  add_secret_options(sign, so->key, "--key,--key-file", "--key-env", "--key-stdin", "the private key (PEM or JWK)", "--private-key");
  add_secret_options(sign, so->token, "--token-file", "--token-env", "--token-stdin", "the bearer token (--bind-token)", "--token");
  sign->add_option("--nonce", so->nonce, "canonical: the X-NONCE to send (default: 16 random bytes, base64url)");
  sign->add_option("--utc-offset", so->utc_offset, "The offset written in ISO-8601 timestamps, e.g. +07:00 (default +00:00)");
  set_footer(sign,
             "Prints one \"Name: value\" line per header (curl -H @file reads them). RSA signatures are\n"
             "PKCS#1 v1.5 (SHA256withRSA) unless --alg says rsa-pss-*; ECDSA signatures are raw r||s.\n"
             "There is no rfc9421 profile yet: RFC 9421 HTTP Message Signatures are not implemented.\n\n"
             "Examples:\n"
             "  tessera request sign --profile client-timestamp --client-id partner-42 \\\n"
             "      --key partner.key > order.headers\n"
             "  tessera request sign --profile client-timestamp --timestamp-format iso --utc-offset +07:00 --client-id partner-42 --key-env PARTNER_KEY\n"
             "  tessera request sign --profile canonical --client-id partner-42 --key partner.key \\\n"
             "      --method POST --target /api/v1/orders --body order.json");
  on_run(sign, [so] { return run(*so, true); });

  auto vo = std::make_shared<request_options>();
  auto* verify = group->add_subcommand("verify", "Verify a signed request against a partner's public key; explain a failure");
  add_common(verify, *vo);
  verify->add_option("--key,--key-file", vo->public_key, "The partner's public key: SPKI or PKCS#1 PEM, X.509 certificate, or JWK")
      ->required()
      ->type_name("FILE");
  verify->add_option("--client-id", vo->client_id, "The client the key is registered for (default: the X-CLIENT-ID sent)");
  verify->add_option("-H,--header", vo->headers, "A received header, \"Name: value\" (repeatable)")->type_name("HEADER");
  verify->add_option("--headers", vo->headers_file, "A file of received headers, one \"Name: value\" per line")->type_name("FILE");
  verify->add_option("--window", vo->window, "Accepted clock difference either way (default 300s)");
  set_footer(verify,
             "Exits 0 when the signature verifies; otherwise prints the error name, its HTTP status and hints\n"
             "(the exact string to sign, timestamp formats, DER against raw ECDSA), and exits 1.\n"
             "There is no rfc9421 profile yet: RFC 9421 HTTP Message Signatures are not implemented.\n\n"
             "Examples:\n"
             "  tessera request verify --profile client-timestamp --timestamp-format unix --key partner.pub \\\n"
             "      --headers order.headers\n"
             "  tessera request verify --profile client-timestamp --key partner.pub --client-id partner-42 \\\n"
             "      -H 'X-CLIENT-ID: partner-42' -H 'X-TIMESTAMP: 2026-01-01T07:00:00+07:00' -H 'X-SIGNATURE: ...'");
  on_run(verify, [vo] { return run(*vo, false); });
}

}  // namespace tessera_cli
