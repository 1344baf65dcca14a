// jwt sign / verify / inspect, and bench (HS256 verification throughput on this machine).

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <tessera/core/base64.hpp>
#include <tessera/core/clock.hpp>
#include <tessera/core/random.hpp>
#include <tessera/jwt/issuer.hpp>
#include <tessera/jwt/jwks.hpp>
#include <tessera/jwt/key_set.hpp>
#include <tessera/jwt/rules.hpp>
#include <tessera/jwt/verifier.hpp>

#include "cli.hpp"

namespace tessera_cli {

namespace core = tessera::core;
namespace jwt = tessera::jwt;
using tessera::errc;

namespace {

// Options of `jwt sign`.
struct sign_options {
  secret_source key;
  std::string encoding = "base64url";
  std::string alg;
  std::string kid;
  std::string exp = "1h";
  std::string claims_file;
  std::vector<std::string> claims;
  std::vector<std::string> json_claims;
  std::string iss;
  std::string sub;
  std::vector<std::string> aud;
  std::string jti;
  std::string typ = "JWT";
  std::string at;
};

// Options of `jwt verify`.
struct verify_options {
  std::string token = "-";
  secret_source key;
  std::string jwks;
  std::string encoding = "base64url";
  std::string alg;
  std::vector<std::string> iss;
  std::vector<std::string> aud;
  bool ignore_iss = false;
  bool ignore_aud = false;
  std::string sub;
  std::string typ;
  std::string leeway;
  std::string max_age;
  bool allow_missing_exp = false;
  std::string at;
};

// Options of `jwt inspect`.
struct inspect_options {
  std::string token = "-";
  std::string at;
};

// Options of `bench`.
struct bench_options {
  double seconds = 1.0;
  unsigned threads = 1;
};

// The three segments of a compact JWS, decoded without any check of the signature.
struct unverified_token {
  nlohmann::json header;
  nlohmann::json claims;
  std::size_t signature_bytes = 0;
};

// Splits and decodes a compact token for display; nullopt when it is not three base64url JSON parts.
std::optional<unverified_token> decode_unverified(std::string_view token, std::string* why = nullptr) {
  const auto d1 = token.find('.');
  const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    if (why) *why = "a compact JWT has exactly three parts separated by '.'";
    return std::nullopt;
  }
  auto h = core::base64url_decode(token.substr(0, d1));
  auto c = core::base64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
  auto s = core::base64url_decode(token.substr(d2 + 1));
  if (!h || !c || !s) {
    if (why) *why = "a part is not strict base64url (no padding '=', no '+' or '/', no whitespace)";
    return std::nullopt;
  }
  unverified_token out;
  out.header = nlohmann::json::parse(h->begin(), h->end(), nullptr, false);
  out.claims = nlohmann::json::parse(c->begin(), c->end(), nullptr, false);
  out.signature_bytes = s->size();
  if (out.header.is_discarded() || !out.header.is_object() || out.claims.is_discarded() || !out.claims.is_object()) {
    if (why) *why = "the header or the claims are not a JSON object";
    return std::nullopt;
  }
  return out;
}

// Reads a token from stdin ("-"), from the file the argument names, or else the argument itself.
std::string read_token(const std::string& arg) {
  std::error_code ec;
  if (arg != "-" && !std::filesystem::is_regular_file(arg, ec)) return std::string(trim(arg));
  std::string text = read_file(arg, "the token", true);
  return std::string(trim(text));
}

// An integer NumericDate claim, when present.
std::optional<std::int64_t> date_claim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

// "2026-01-01T00:00:00Z (in 59m 12s)" or "(3h 2m ago)".
std::string when(std::int64_t t, std::int64_t now) {
  const std::int64_t d = t - now;
  if (d == 0) return iso_utc(t) + " (now)";
  return iso_utc(t) + (d > 0 ? " (in " + human_duration(d) + ")" : " (" + human_duration(-d) + " ago)");
}

// The iat, nbf and exp of claims as JSON: unix, UTC text and seconds from now.
nlohmann::json times_json(const nlohmann::json& claims, std::int64_t now) {
  nlohmann::json t = nlohmann::json::object();
  for (const char* n : {"iat", "nbf", "exp"})
    if (auto v = date_claim(claims, n)) t[n] = {{"unix", *v}, {"utc", iso_utc(*v)}, {"seconds_from_now", *v - now}};
  return t;
}

// Prints the time claims for people, one per line.
void print_times(const nlohmann::json& claims, std::int64_t now) {
  if (auto v = date_claim(claims, "iat")) std::cout << "  issued     " << when(*v, now) << "\n";
  if (auto v = date_claim(claims, "nbf")) std::cout << "  not before " << when(*v, now) << "\n";
  if (auto v = date_claim(claims, "exp")) {
    const std::int64_t left = *v - now;
    std::cout << "  expires    " << iso_utc(*v)
              << (left > 0 ? " (expires in " + human_duration(left) + ")" : " (EXPIRED " + human_duration(-left) + " ago)")
              << "\n";
  } else {
    std::cout << "  expires    never (no exp claim)\n";
  }
}

// Loads the key of `jwt sign` / `jwt verify` from its secret source.
loaded_key load_jwt_key(const secret_source& src, const std::string& encoding, const std::string& kid) {
  core::secret text = read_secret(src);
  return parse_key(text, true, parse_secret_encoding(encoding), kid, "the key");
}

// The algorithm to use: --alg, else what the key implies; checked against the JWK's own alg.
jwt::alg pick_alg(const std::string& given, const loaded_key& k) {
  if (!given.empty() && !k.alg.empty() && given != k.alg)
    usage_error("--alg " + given + " conflicts with the key's own \"alg\": " + k.alg);
  const std::string name = given.empty() ? default_jws_alg(k) : given;
  auto a = jwt::alg_from_name(name);
  if (!a) bad_input("the key names an unknown algorithm \"" + name + "\"");
  return *a;
}

// Splits "name=value" (usage error without '=' or with an empty name).
std::pair<std::string, std::string> split_claim(const std::string& s, const char* option) {
  const auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0) usage_error(std::string(option) + " takes name=value, got '" + s + "'");
  return {s.substr(0, eq), s.substr(eq + 1)};
}

// Runs `jwt sign`.
int run_sign(const sign_options& o) {
  const std::int64_t now = o.at.empty() ? now_seconds() : parse_instant(o.at, "--at");
  const auto lifetime = parse_duration(o.exp, "--exp");
  if (lifetime.count() <= 0) usage_error("--exp must be positive");

  nlohmann::json body = nlohmann::json::object();
  if (!o.claims_file.empty()) {
    body = nlohmann::json::parse(read_file(o.claims_file, "the claims"), nullptr, false);
    if (body.is_discarded() || !body.is_object()) bad_input("the claims must be one JSON object");
  }
  for (const auto& c : o.claims) {
    auto [name, value] = split_claim(c, "--claim");
    body[name] = value;
  }
  for (const auto& c : o.json_claims) {
    auto [name, value] = split_claim(c, "--claim-json");
    auto v = nlohmann::json::parse(value, nullptr, false);
    if (v.is_discarded()) usage_error("--claim-json " + name + "=...: the value is not JSON (quote strings: '\"text\"')");
    body[name] = v;
  }
  if (!o.sub.empty()) body["sub"] = o.sub;
  if (o.aud.size() == 1) body["aud"] = o.aud[0];
  if (o.aud.size() > 1) body["aud"] = o.aud;
  for (const char* reserved : {"exp", "iat", "nbf"})
    if (body.contains(reserved))
      usage_error(std::string("the claims hold \"") + reserved +
                  "\": iat and nbf are the signing time (--at), exp is set with --exp");

  jwt::issuer_options io;
  io.lifetime = lifetime;
  io.type = o.typ;
  if (!o.iss.empty()) io.issuer = o.iss;
  else if (auto it = body.find("iss"); it != body.end()) {
    if (!it->is_string()) bad_input("the claim \"iss\" must be a string");
    io.issuer = it->get<std::string>();
  }
  body.erase("iss");
  jwt::claims claims;
  if (!o.jti.empty()) claims.jwt_id(o.jti);
  else if (auto it = body.find("jti"); it != body.end()) {
    if (!it->is_string()) bad_input("the claim \"jti\" must be a string");
    claims.jwt_id(it->get<std::string>());
  }
  body.erase("jti");
  for (auto& [name, value] : body.items()) claims.set(name, value);

  loaded_key k = load_jwt_key(o.key, o.encoding, {});
  const jwt::alg a = pick_alg(o.alg, k);
  const std::string kid = o.kid.empty() ? k.kid : o.kid;
  tessera::result<jwt::signing_key> sk = tessera::unexpected{errc::invalid_key};
  if (k.hmac) {
    if (!jwt::is_hmac(a)) bad_input(std::string(jwt::alg_name(a)) + " needs a private key, and the key is an HMAC secret");
    sk = jwt::signing_key::hmac(a, k.hmac->expose_secret(), kid);
  } else {
    if (!k.priv) bad_input("jwt sign needs a private key or an HMAC secret, and the key is a public key");
    sk = jwt::signing_key::asymmetric(a, *k.priv, kid);
  }
  if (!sk) bad_input("cannot use the key for " + std::string(jwt::alg_name(a)), sk.error());
  jwt::issuer<fixed_clock> issuer(std::move(*sk), io, clock_at(now));
  auto t = issuer.issue(claims);
  if (!t) bad_input("cannot sign the token", t.error());
  if (ctx().json) {
    print_json({{"token", t->token}, {"alg", std::string(jwt::alg_name(a))}, {"kid", kid}, {"issued_at", t->issued_at},
                {"expires_at", t->expires_at}, {"expires_at_utc", iso_utc(t->expires_at)}, {"jti", t->jwt_id}});
  } else {
    write_stdout(t->token + "\n");
  }
  return exit_ok;
}

// Hints for a failed verification, from the token's (signature-checked where it says so) contents.
std::vector<std::string> verify_hints(errc e, const std::optional<unverified_token>& u, const verify_options& o,
                                      std::int64_t now, const std::string& key_alg, const std::string& key_kid) {
  std::vector<std::string> h;
  const nlohmann::json claims = u ? u->claims : nlohmann::json::object();
  const nlohmann::json header = u ? u->header : nlohmann::json::object();
  auto str = [](const nlohmann::json& j, const char* n) {
    auto it = j.find(n);
    return it == j.end() ? std::string("(absent)") : it->is_string() ? it->get<std::string>() : it->dump();
  };
  switch (e) {
    case errc::token_malformed:
      h.push_back("a compact JWT is base64url(header).base64url(claims).base64url(signature), strict base64url, "
                  "no padding or whitespace");
      break;
    case errc::algorithm_not_allowed:
      h.push_back("the token's header (unverified) says alg " + str(header, "alg") + "; the key is bound to " + key_alg +
                  " (choose with --alg, or the JWK's \"alg\")");
      break;
    case errc::key_not_found:
      h.push_back("the token's header (unverified) names kid " + str(header, "kid") +
                  (key_kid.empty() ? std::string("; no key in the set has it") : "; the key's kid is " + key_kid));
      break;
    case errc::bad_signature:
    case errc::invalid_signature_length:
      h.push_back("the signature does not verify with this key: another key or secret signed it, the secret is read "
                  "with the wrong --secret-encoding (now " + o.encoding + "), or the token was altered");
      if (header.value("alg", "").starts_with("ES"))
        h.push_back("ES256/ES384/ES512 signatures in a JWT are raw r||s (64/96/132 bytes), not DER");
      break;
    case errc::token_expired:
      if (auto exp = date_claim(claims, "exp"))
        h.push_back("exp " + iso_utc(*exp) + " is " + human_duration(now - *exp) + " before the time checked, " +
                    iso_utc(now) + " (choose another with --at, or allow clock skew with --leeway)");
      break;
    case errc::token_not_yet_valid:
      if (auto nbf = date_claim(claims, "nbf"))
        h.push_back("nbf " + iso_utc(*nbf) + " is " + human_duration(*nbf - now) + " after the time checked, " + iso_utc(now));
      break;
    case errc::token_issued_in_future:
      if (auto iat = date_claim(claims, "iat"))
        h.push_back("iat " + iso_utc(*iat) + " is " + human_duration(*iat - now) + " after the time checked: clock skew? (--leeway)");
      break;
    case errc::wrong_issuer:
      h.push_back("the token's iss is " + str(claims, "iss") + "; expected one of --iss (or --ignore-iss)");
      break;
    case errc::wrong_audience:
      h.push_back("the token's aud is " + str(claims, "aud") + "; expected one of --aud (or --ignore-aud)");
      break;
    case errc::missing_claim:
      h.push_back("a claim the rules require is absent: exp (unless --allow-missing-exp), iss with --iss, aud with "
                  "--aud, sub with --sub, iat with --max-age");
      break;
    case errc::wrong_subject:
      h.push_back("the token's sub is " + str(claims, "sub"));
      break;
    case errc::wrong_token_type:
      h.push_back("the token's typ is " + str(header, "typ"));
      break;
    default:
      break;
  }
  return h;
}

// Runs `jwt verify`.
int run_verify(const verify_options& o) {
  if (o.iss.empty() == !o.ignore_iss)
    usage_error(o.ignore_iss ? "--iss and --ignore-iss exclude each other" : "decide the issuer: --iss NAME or --ignore-iss");
  if (o.aud.empty() == !o.ignore_aud)
    usage_error(o.ignore_aud ? "--aud and --ignore-aud exclude each other" : "decide the audience: --aud NAME or --ignore-aud");
  if (secret_given(o.key) == !o.jwks.empty())
    usage_error("give the key with one of " + o.key.names + ", or a JWKS with --jwks");
  const std::int64_t now = o.at.empty() ? now_seconds() : parse_instant(o.at, "--at");

  jwt::rules::builder b;
  for (const auto& i : o.iss) b.issuer(i);
  for (const auto& a : o.aud) b.audience(a);
  if (o.ignore_iss) b.ignore_issuer();
  if (o.ignore_aud) b.ignore_audience();
  if (!o.sub.empty()) b.subject(o.sub);
  if (!o.typ.empty()) b.type(o.typ);
  if (!o.leeway.empty()) b.leeway(parse_duration(o.leeway, "--leeway"));
  if (!o.max_age.empty()) b.max_age(parse_duration(o.max_age, "--max-age"));
  if (o.allow_missing_exp) b.allow_missing_exp();
  auto rules = b.build();
  if (!rules) usage_error("the rules are incomplete");

  // Keys are read before the token, so that a token on stdin and a key from a file both work.
  std::string key_alg, key_kid;
  std::optional<jwt::verifier<jwt::single_key, fixed_clock>> single;
  std::optional<jwt::verifier<jwt::kid_key_set, fixed_clock>> set;
  if (!o.jwks.empty()) {
    jwt::jwks_options jo;
    jo.allow_symmetric = true;
    if (!o.alg.empty()) {
      auto a = jwt::alg_from_name(o.alg);
      if (a && !jwt::is_hmac(*a)) jo.default_rsa_alg = *a;
    }
    set.emplace(*rules, clock_at(now));
    if (auto r = jwt::load_jwks(set->keys(), read_file(o.jwks, "the JWKS"), jo); !r) bad_input("cannot load the JWKS", r.error());
    key_alg = "the algorithms of the JWKS keys";
    key_kid.clear();
  } else {
    loaded_key k = load_jwt_key(o.key, o.encoding, {});
    const jwt::alg a = pick_alg(o.alg, k);
    tessera::result<jwt::verification_key> vk = tessera::unexpected{errc::invalid_key};
    if (k.hmac) vk = jwt::verification_key::hmac(a, k.hmac->expose_secret(), k.kid);
    else vk = jwt::verification_key::asymmetric(a, *k.pub, k.kid);
    if (!vk) bad_input("cannot use the key for " + std::string(jwt::alg_name(a)), vk.error());
    key_alg = std::string(jwt::alg_name(a));
    key_kid = k.kid;
    single.emplace(jwt::single_key(std::move(*vk)), *rules, clock_at(now));
  }

  const std::string token = read_token(o.token);
  auto v = single ? single->verify(token) : set->verify(token);
  const auto u = decode_unverified(token);
  if (!v) return report_failure(v.error(), verify_hints(v.error(), u, o, now, key_alg, key_kid), {{"checked_at", iso_utc(now)}});

  const nlohmann::json claims = v->claims();
  const nlohmann::json header = u ? u->header : nlohmann::json::object();
  if (ctx().json) {
    nlohmann::json j = {{"valid", true}, {"alg", std::string(jwt::alg_name(v->algorithm()))}, {"kid", std::string(v->kid())},
                        {"header", header}, {"claims", claims}, {"times", times_json(claims, now)},
                        {"checked_at", iso_utc(now)}};
    if (auto exp = v->expires_at()) j["expires_in"] = *exp - now;
    print_json(j);
    return exit_ok;
  }
  std::cout << "VALID  " << jwt::alg_name(v->algorithm()) << " token" << (v->kid().empty() ? "" : ", kid " + std::string(v->kid()))
            << ", checked at " << iso_utc(now) << "\n";
  print_times(claims, now);
  std::cout << "claims:\n" << claims.dump(2) << "\n";
  return exit_ok;
}

// Runs `jwt inspect`.
int run_inspect(const inspect_options& o) {
  const std::int64_t now = o.at.empty() ? now_seconds() : parse_instant(o.at, "--at");
  const std::string token = read_token(o.token);
  std::string why;
  auto u = decode_unverified(token, &why);
  if (!u) bad_input("not a compact JWT: " + why);
  const char* warning = "UNVERIFIED: the signature was not checked; nothing here can be trusted (use `tessera jwt verify`)";
  if (ctx().json) {
    nlohmann::json j = {{"verified", false}, {"warning", warning}, {"header", u->header}, {"claims", u->claims},
                        {"signature_bytes", u->signature_bytes}, {"times", times_json(u->claims, now)},
                        {"checked_at", iso_utc(now)}};
    if (auto exp = date_claim(u->claims, "exp")) {
      j["expired"] = *exp <= now;
      j["expires_in"] = *exp - now;
    }
    print_json(j);
    return exit_ok;
  }
  std::cout << "*** " << warning << " ***\n";
  std::cout << "header (UNVERIFIED):\n" << u->header.dump(2) << "\n";
  std::cout << "claims (UNVERIFIED):\n" << u->claims.dump(2) << "\n";
  std::cout << "times (UTC, against " << iso_utc(now) << "):\n";
  print_times(u->claims, now);
  std::cout << "signature: " << u->signature_bytes << " bytes (not checked)\n";
  return exit_ok;
}

// Runs `bench`: HS256 verifications of a typical token for the given time, on N threads.
int run_bench(const bench_options& o) {
  if (o.seconds < 0.05 || o.seconds > 60) usage_error("--seconds must be between 0.05 and 60");
  if (o.threads < 1 || o.threads > 256) usage_error("--threads must be between 1 and 256");
  auto secret = core::random_secret(32);
  if (!secret) bad_input("cannot make a key", secret.error());
  auto sk = jwt::signing_key::hmac(jwt::alg::hs256, secret->expose_secret());
  auto vk = jwt::verification_key::hmac(jwt::alg::hs256, secret->expose_secret());
  if (!sk || !vk) bad_input("cannot make a key");
  jwt::issuer_options io;
  io.issuer = "https://auth.example.com";
  jwt::issuer<> issuer(std::move(*sk), io);
  jwt::claims c;
  c.subject("client-4711").audience("orders-api");
  c.set("org_id", "org_8f3a2c");
  c.set("scope", "orders:read orders:write");
  auto token = issuer.issue(c);
  if (!token) bad_input("cannot make a token", token.error());
  auto rules = jwt::rules::builder{}.issuer("https://auth.example.com").audience("orders-api").build();
  if (!rules) bad_input("cannot make the rules");
  const jwt::verifier<jwt::single_key> verifier(jwt::single_key(std::move(*vk)), std::move(*rules));
  if (auto r = verifier.verify(token->token); !r) bad_input("the benchmark token does not verify", r.error());

  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> total{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    std::uint64_t n = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      for (int i = 0; i < 256; ++i)
        if (!verifier.verify(token->token)) failed.store(true);
      n += 256;
    }
    total.fetch_add(n);
  };
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < o.threads; ++i) pool.emplace_back(work);
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop.store(true);
  for (auto& t : pool) t.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed.load()) bad_input("a verification failed during the benchmark");
  const double rate = static_cast<double>(total.load()) / elapsed;
  if (ctx().json) {
    print_json({{"benchmark", "jwt_verify_hs256"}, {"verifications", total.load()}, {"seconds", elapsed},
                {"per_second", rate}, {"threads", o.threads}, {"token_bytes", token->token.size()},
                {"openssl", OpenSSL_version(OPENSSL_VERSION)}});
    return exit_ok;
  }
  char line[256];
  const double shown = rate >= 1e6 ? rate / 1e6 : rate / 1e3;
  std::snprintf(line, sizeof line, "HS256 verify: %.2f %s/s on %u thread%s (%llu verifications of a %zu-byte token in %.2f s, %s)\n",
                shown, rate >= 1e6 ? "M" : "k", o.threads, o.threads == 1 ? "" : "s",
                static_cast<unsigned long long>(total.load()), token->token.size(), elapsed, OpenSSL_version(OPENSSL_VERSION));
  write_stdout(line);
  return exit_ok;
}

// The JWS algorithm names, for CLI11 checks.
std::vector<std::string> alg_names() {
  std::vector<std::string> v;
  for (int i = 0; i <= static_cast<int>(jwt::alg::eddsa); ++i) v.emplace_back(jwt::alg_name(static_cast<jwt::alg>(i)));
  return v;
}

// Adds the key options shared by sign and verify.
void add_key_source(CLI::App* sub, secret_source& key, std::string& encoding, const std::string& what) {
  add_secret_options(sub, key, "--key,--key-file", "--key-env", "--key-stdin", what, "--secret");
  sub->add_option("--secret-encoding", encoding,
                  "How an HMAC secret is written: base64url (default, as keygen writes it), base64, hex or text")
      ->check(CLI::IsMember(secret_encoding_names()));
}

}  // namespace

// jwt sign / verify / inspect, and bench.
void add_jwt_commands(CLI::App& app) {
  auto* group = app.add_subcommand("jwt", "Sign, verify and inspect JSON Web Tokens");
  group->require_subcommand(1);
  set_footer(group,
             "Examples:\n"
             "  tessera jwt sign --key jwt.secret --iss https://auth.example.com --aud orders-api --sub c-1 --exp 1h\n"
             "  tessera jwt verify --key jwt.secret --iss https://auth.example.com --aud orders-api < token.txt\n"
             "  tessera jwt inspect < token.txt");

  auto so = std::make_shared<sign_options>();
  auto* sign = group->add_subcommand("sign", "Sign a token from claims JSON and --claim options");
  add_key_source(sign, so->key, so->encoding, "the signing key (private PEM or JWK, or an HMAC secret)");
  sign->add_option("--alg", so->alg, "JWS algorithm (default: from the key: RS256, ES256, ES384, ES512, EdDSA, HS256)")
      ->check(CLI::IsMember(alg_names()));
  sign->add_option("--kid", so->kid, "kid header (default: the JWK's kid, if any)");
  sign->add_option("--exp", so->exp, "Lifetime: exp = iat + this (90s, 15m, 1h, 10d; default 1h)");
  sign->add_option("--claims", so->claims_file, "Claims as a JSON object, from this file (- for stdin)")->type_name("FILE");
  sign->add_option("--claim", so->claims, "A string claim, name=value (repeatable)")->type_name("NAME=VALUE");
  sign->add_option("--claim-json", so->json_claims, "A claim of any JSON type, name=json (repeatable)")->type_name("NAME=JSON");
  sign->add_option("--iss", so->iss, "iss claim");
  sign->add_option("--sub", so->sub, "sub claim");
  sign->add_option("--aud", so->aud, "aud claim (repeatable: an array)");
  sign->add_option("--jti", so->jti, "jti claim (default: 16 random bytes)");
  sign->add_option("--typ", so->typ, "typ header (default JWT)");
  sign->add_option("--at", so->at, "Sign as if now were this time (Unix seconds or ISO-8601)")->type_name("TIME");
  set_footer(sign,
             "iat and nbf are the signing time and exp is iat + --exp; claims may not set them.\n\n"
             "Examples:\n"
             "  tessera keygen hmac --out jwt.secret\n"
             "  tessera jwt sign --key jwt.secret --iss https://auth.example.com --aud orders-api \\\n"
             "      --sub client-4711 --claim org_id=org_8f3a --claim-json 'roles=[\"admin\"]' --exp 1h\n"
             "  tessera jwt sign --key partner.key --alg PS256 --kid k1 --claims claims.json");
  on_run(sign, [so] { return run_sign(*so); });

  auto vo = std::make_shared<verify_options>();
  auto* verify = group->add_subcommand("verify", "Verify a token: signature first, then exp/nbf/iat, issuer and audience");
  verify->add_option("token", vo->token, "A file holding the token, - (default) for stdin, or the token itself")
      ->type_name("TOKEN|FILE");
  add_key_source(verify, vo->key, vo->encoding, "the verification key (public or private PEM or JWK, or an HMAC secret)");
  verify->add_option("--jwks", vo->jwks, "Verify with the keys of this JWKS file (the token's kid picks one)")->type_name("FILE");
  verify->add_option("--alg", vo->alg, "The one algorithm the key verifies (default: from the key)")->check(CLI::IsMember(alg_names()));
  verify->add_option("--iss", vo->iss, "Accepted issuer (repeatable)");
  verify->add_flag("--ignore-iss", vo->ignore_iss, "Accept any issuer");
  verify->add_option("--aud", vo->aud, "Accepted audience (repeatable)");
  verify->add_flag("--ignore-aud", vo->ignore_aud, "Accept any audience");
  verify->add_option("--sub", vo->sub, "Required subject");
  verify->add_option("--typ", vo->typ, "Required typ header");
  verify->add_option("--leeway", vo->leeway, "Clock skew tolerated on exp, nbf, iat (e.g. 30s)");
  verify->add_option("--max-age", vo->max_age, "Refuse tokens issued longer ago than this");
  verify->add_flag("--allow-missing-exp", vo->allow_missing_exp, "Accept a token without exp");
  verify->add_option("--at", vo->at, "Verify as if now were this time (Unix seconds or ISO-8601)")->type_name("TIME");
  set_footer(verify,
             "The issuer and the audience must each be expected (--iss, --aud) or ignored (--ignore-iss,\n"
             "--ignore-aud). A failure prints the error name and its HTTP status, and exits 1.\n\n"
             "Examples:\n"
             "  tessera jwt verify --key jwt.secret --iss https://auth.example.com --aud orders-api < token.txt\n"
             "  tessera jwt verify token.txt --jwks jwks.json --ignore-iss --aud orders-api --at 2026-01-01T00:00:00Z");
  on_run(verify, [vo] { return run_verify(*vo); });

  auto io = std::make_shared<inspect_options>();
  auto* inspect = group->add_subcommand("inspect", "Show a token's header and claims WITHOUT verifying it");
  inspect->add_option("token", io->token, "A file holding the token, - (default) for stdin, or the token itself")
      ->type_name("TOKEN|FILE");
  inspect->add_option("--at", io->at, "Compute expiry against this time (Unix seconds or ISO-8601)")->type_name("TIME");
  set_footer(inspect,
             "Everything shown is UNVERIFIED: anyone can write any claims into a token. Times are shown in\n"
             "UTC ISO-8601 with how long until (or since) each.\n\n"
             "Examples:\n"
             "  tessera jwt inspect < token.txt\n"
             "  tessera --json jwt inspect token.txt | jq .claims");
  on_run(inspect, [io] { return run_inspect(*io); });

  auto bo = std::make_shared<bench_options>();
  auto* bench = app.add_subcommand("bench", "Measure HS256 token verification throughput on this machine");
  bench->add_option("--seconds", bo->seconds, "How long to run (default 1)");
  bench->add_option("--threads", bo->threads, "Threads verifying at once (default 1)");
  set_footer(bench,
             "A 1-second loop of full HS256 verifications (signature, exp/nbf/iat, issuer, audience) of a\n"
             "typical token, printed as one line.\n\n"
             "Examples:\n"
             "  tessera bench\n"
             "  tessera bench --threads 2 --seconds 3");
  on_run(bench, [bo] { return run_bench(*bo); });
}

}  // namespace tessera_cli
