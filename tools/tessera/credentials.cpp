// apikey new / check (keys in the "<prefix>_<env>_<random><checksum>" format, stored as
// peppered digests) and secret hash / verify (client secrets as scrypt or PBKDF2 PHC strings).

#include <openssl/crypto.h>

#include <iostream>
#include <memory>

#include <tessera/api_key/format.hpp>
#include <tessera/api_key/generator.hpp>
#include <tessera/api_key/pepper.hpp>
#include <tessera/api_key/store.hpp>
#include <tessera/api_key/verifier.hpp>
#include <tessera/core/hex.hpp>
#include <tessera/credentials/phc.hpp>
#include <tessera/credentials/secret_hash.hpp>

#include "cli.hpp"

namespace tessera_cli {

namespace core = tessera::core;
namespace ak = tessera::api_key;
namespace cred = tessera::credentials;
using tessera::errc;

namespace {

// Options of `apikey new` and `apikey check`.
struct apikey_options {
  std::string prefix = "ak";
  std::string env = "live";
  std::size_t random_length = 30;
  secret_source pepper;
  std::string pepper_encoding = "base64url";
  std::uint32_t pepper_version = 1;
  // new
  std::string tenant;
  std::vector<std::string> scopes;
  std::string integration;
  std::string description;
  std::string lifetime;
  std::string key_id;
  std::string record_out;
  // check
  secret_source key;
  std::string record;
  std::string at;
};

// Options of `secret hash` and `secret verify`.
struct secret_options {
  secret_source secret;
  std::string algorithm = "scrypt";
  std::uint32_t scrypt_ln = 17;
  std::uint32_t scrypt_r = 8;
  std::uint32_t scrypt_p = 1;
  std::uint32_t iterations = 600'000;
  std::string phc;
  std::string phc_file;
};

// The key format from the options.
ak::key_format format_of(const apikey_options& o) {
  ak::key_format f{o.prefix, o.env, o.random_length};
  if (!f.validate()) usage_error("--prefix and --env are 1-16 letters or digits; --random-length is 22 to 64");
  return f;
}

// The pepper ring holding the one pepper of the options.
ak::pepper_ring pepper_of(const apikey_options& o) {
  const core::secret text = read_secret(o.pepper);
  const core::secret bytes = decode_secret(text, parse_secret_encoding(o.pepper_encoding), "the pepper");
  auto ring = ak::pepper_ring::create(o.pepper_version, bytes.expose_secret());
  if (!ring) {
    if (ring.error() == errc::secret_too_short) bad_input("the pepper must hold at least 32 bytes (after --pepper-encoding)");
    bad_input("cannot use the pepper", ring.error());
  }
  return std::move(*ring);
}

// A record as the JSON that `apikey new` prints and `apikey check --record` reads.
nlohmann::json record_json(const ak::key_record& r) {
  nlohmann::json j = {{"key_id", r.key_id},
                      {"tenant", r.tenant},
                      {"scopes", r.scopes},
                      {"integration", r.integration},
                      {"description", r.description},
                      {"status", r.status == ak::key_status::active ? "active" : "revoked"},
                      {"created_at", r.created_at.time_since_epoch().count()},
                      {"expires_at", nullptr},
                      {"digest", core::hex_encode(core::bytes_view(r.digest.value.data(), r.digest.value.size()))},
                      {"pepper_version", r.digest.pepper_version}};
  if (r.expires_at) j["expires_at"] = r.expires_at->time_since_epoch().count();
  if (r.revoked_at) j["revoked_at"] = r.revoked_at->time_since_epoch().count();
  return j;
}

// Reads one record from its JSON (bad input on a missing or mistyped member).
ak::key_record record_from_json(const nlohmann::json& j) {
  auto str = [&](const char* n, bool required) {
    auto it = j.find(n);
    if (it == j.end() || it->is_null()) {
      if (required) bad_input(std::string("the record has no \"") + n + "\"");
      return std::string();
    }
    if (!it->is_string()) bad_input(std::string("the record's \"") + n + "\" is not a string");
    return it->get<std::string>();
  };
  auto when = [&](const char* n) -> std::optional<ak::sys_seconds> {
    auto it = j.find(n);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer()) bad_input(std::string("the record's \"") + n + "\" is not Unix seconds");
    return ak::sys_seconds(std::chrono::seconds(it->get<std::int64_t>()));
  };
  ak::key_record r;
  r.key_id = str("key_id", true);
  r.tenant = str("tenant", true);
  r.integration = str("integration", false);
  r.description = str("description", false);
  if (auto it = j.find("scopes"); it != j.end()) {
    if (!it->is_array()) bad_input("the record's \"scopes\" is not an array");
    for (const auto& s : *it) {
      if (!s.is_string()) bad_input("the record's \"scopes\" holds a non-string");
      r.scopes.push_back(s.get<std::string>());
    }
  }
  const std::string status = str("status", false);
  if (status == "revoked") r.status = ak::key_status::revoked;
  else if (status.empty() || status == "active") r.status = ak::key_status::active;
  else bad_input("the record's \"status\" is neither active nor revoked");
  r.created_at = when("created_at").value_or(ak::sys_seconds{});
  r.expires_at = when("expires_at");
  r.revoked_at = when("revoked_at");
  auto digest = core::hex_decode(str("digest", true));
  if (!digest || digest->size() != ak::digest_size) bad_input("the record's \"digest\" is not 64 hex digits");
  std::copy(digest->begin(), digest->end(), r.digest.value.begin());
  auto v = j.find("pepper_version");
  if (v == j.end() || !v->is_number_unsigned()) bad_input("the record has no \"pepper_version\"");
  r.digest.pepper_version = v->get<std::uint32_t>();
  return r;
}

// Runs `apikey new`.
int run_apikey_new(const apikey_options& o) {
  const ak::key_format f = format_of(o);
  if (o.tenant.empty()) usage_error("--tenant is required: a key works for one tenant only");
  ak::pepper_ring peppers = pepper_of(o);
  auto gen = ak::generator<>::create(f, std::move(peppers));
  if (!gen) bad_input("cannot make the generator", gen.error());
  ak::key_spec spec;
  spec.tenant = o.tenant;
  spec.scopes = o.scopes;
  spec.integration = o.integration;
  spec.description = o.description;
  spec.key_id = o.key_id;
  if (!o.lifetime.empty()) spec.lifetime = parse_duration(o.lifetime, "--lifetime");
  auto issued = gen->generate(std::move(spec));
  if (!issued) {
    if (issued.error() == errc::invalid_scope) usage_error("a --scope is not an RFC 6749 scope-token (no spaces or quotes)");
    bad_input("cannot generate the key", issued.error());
  }
  const nlohmann::json record = record_json(issued->record);
  if (!o.record_out.empty()) write_public_file(o.record_out, record.dump(2) + "\n", "the record");
  if (ctx().json) {
    std::string key(issued->key.expose_secret_text());
    nlohmann::json j = {{"key", key}, {"record", record}};
    print_json(j);
    OPENSSL_cleanse(key.data(), key.size());
    OPENSSL_cleanse(j["key"].get_ref<std::string&>().data(), key.size());
    return exit_ok;
  }
  std::cout << "API key (shown once: hand it to its owner, store it nowhere):\n  ";
  write_stdout(issued->key.expose_secret_text());
  std::cout << "\n\nrecord to store (the digest, never the key)" << (o.record_out.empty() ? "" : ", also in " + o.record_out)
            << ":\n"
            << record.dump(2) << "\n";
  std::cout.flush();
  return exit_ok;
}

// Runs `apikey check`.
int run_apikey_check(const apikey_options& o) {
  const ak::key_format f = format_of(o);
  const core::secret key = trimmed_secret(read_secret(o.key));
  const std::string_view text = key.expose_secret_text();
  if (o.record.empty()) {
    if (secret_given(o.pepper)) usage_error("a pepper is only used with --record");
    auto parts = ak::parse(text, f);
    if (!parts) {
      std::vector<std::string> h;
      if (parts.error() == errc::api_key_malformed)
        h.push_back("a key of this format is " + o.prefix + "_" + o.env + "_ followed by " + std::to_string(o.random_length) +
                    " base62 characters and a 6-character checksum (" + std::to_string(f.key_length()) +
                    " characters); choose the format with --prefix, --env, --random-length");
      if (parts.error() == errc::api_key_bad_checksum)
        h.push_back("the checksum does not match: a typo, a truncated copy, or a made-up key");
      if (parts.error() == errc::api_key_wrong_environment)
        h.push_back("the key is of another environment than --env " + o.env);
      return report_failure(parts.error(), h);
    }
    if (ctx().json) {
      print_json({{"valid", true}, {"checked", "format"}, {"prefix", std::string(parts->prefix)},
                  {"environment", std::string(parts->environment)}});
    } else {
      std::cout << "VALID FORMAT  prefix " << parts->prefix << ", environment " << parts->environment
                << ", checksum correct (not looked up: give --record and a pepper for that)\n";
    }
    return exit_ok;
  }
  const nlohmann::json doc = nlohmann::json::parse(read_file(o.record, "the record"), nullptr, false);
  if (doc.is_discarded() || !(doc.is_object() || doc.is_array())) bad_input("the record file is not a JSON object or array");
  ak::memory_key_store store;
  for (const auto& j : doc.is_array() ? doc : nlohmann::json::array({doc})) {
    if (!j.is_object()) bad_input("a record is not a JSON object");
    if (auto r = store.insert(record_from_json(j)); !r) bad_input("cannot load the records", r.error());
  }
  const std::int64_t now = o.at.empty() ? now_seconds() : parse_instant(o.at, "--at");
  auto verifier = ak::verifier<ak::memory_key_store, fixed_clock>::create(f, pepper_of(o), store, {}, clock_at(now));
  if (!verifier) bad_input("cannot make the verifier", verifier.error());
  auto v = o.tenant.empty() ? verifier->verify_any_tenant(text) : verifier->verify(text, o.tenant);
  if (!v) {
    std::vector<std::string> h;
    if (v.error() == errc::api_key_unknown)
      h.push_back("no record holds this key's digest under pepper version " + std::to_string(o.pepper_version) +
                  ": another key, or another pepper (--pepper-encoding, --pepper-version)");
    if (v.error() == errc::wrong_tenant) h.push_back("the key belongs to another tenant than --tenant " + o.tenant);
    return report_failure(v.error(), h);
  }
  std::vector<std::string> scopes;
  for (auto s : v->scopes()) scopes.emplace_back(s);
  if (ctx().json) {
    nlohmann::json j = {{"valid", true}, {"key_id", std::string(v->key_id())}, {"tenant", std::string(v->tenant())},
                        {"scopes", scopes}, {"integration", std::string(v->integration())}};
    if (auto e = v->expires_at()) j["expires_at"] = e->time_since_epoch().count();
    print_json(j);
    return exit_ok;
  }
  std::cout << "VALID  API key " << v->key_id() << " of tenant " << v->tenant();
  if (!scopes.empty()) {
    std::cout << ", scopes";
    for (const auto& s : scopes) std::cout << " " << s;
  }
  if (auto e = v->expires_at()) std::cout << ", expires " << iso_utc(e->time_since_epoch().count());
  std::cout << "\n";
  std::cout.flush();
  return exit_ok;
}

// The hash policy from the options.
cred::hash_policy policy_of(const secret_options& o) {
  if (o.algorithm == "pbkdf2-sha256") return cred::hash_policy::pbkdf2_sha256(o.iterations);
  if (o.scrypt_ln < 1 || o.scrypt_ln > 30) usage_error("--scrypt-ln must be between 1 and 30");
  return cred::hash_policy::scrypt_with(std::uint64_t{1} << o.scrypt_ln, o.scrypt_r, o.scrypt_p);
}

// Runs `secret hash`.
int run_secret_hash(const secret_options& o) {
  const cred::hash_policy policy = policy_of(o);
  if (!policy.validate()) usage_error("these cost parameters are outside what a verifier accepts (scrypt ln <= 20, r <= 32, "
                                      "p <= 16, 128*N*r <= 256 MiB; PBKDF2 <= 2,000,000 iterations)");
  const core::secret secret = trimmed_secret(read_secret(o.secret));
  auto phc = cred::hash_secret(secret.expose_secret(), policy);
  if (!phc) bad_input("cannot hash the secret", phc.error());
  if (ctx().json) print_json({{"phc", *phc}, {"algorithm", o.algorithm}});
  else write_stdout(*phc + "\n");
  return exit_ok;
}

// Runs `secret verify`.
int run_secret_verify(const secret_options& o) {
  if (o.phc.empty() == o.phc_file.empty()) usage_error("give the stored hash with --phc STRING or --phc-file FILE");
  const std::string phc(trim(o.phc.empty() ? read_file(o.phc_file, "the PHC string") : o.phc));
  auto parsed = cred::parse_phc(phc);
  if (!parsed) bad_input("the stored hash is not a PHC string tessera accepts ($scrypt$ln=..,r=..,p=..$salt$hash or "
                         "$pbkdf2-sha256$i=..$salt$hash, within the cost limits)");
  const core::secret secret = trimmed_secret(read_secret(o.secret));
  auto r = cred::verify_secret(secret.expose_secret(), phc);
  if (!r) {
    if (r.error() == errc::invalid_hash_string) bad_input("the stored hash", r.error());
    return report_failure(r.error(), {"the secret does not match this hash"});
  }
  const bool rehash = cred::needs_rehash(phc, policy_of(o));
  if (ctx().json) {
    print_json({{"valid", true}, {"algorithm", std::string(cred::phc_id(parsed->algorithm))}, {"needs_rehash", rehash}});
    return exit_ok;
  }
  std::cout << "VALID  the secret matches this " << cred::phc_id(parsed->algorithm) << " hash"
            << (rehash ? " (made under other parameters than --algorithm and its costs: store a fresh hash at the next login)" : "")
            << "\n";
  std::cout.flush();
  return exit_ok;
}

// Adds the key-format options.
void add_format(CLI::App* sub, apikey_options& o) {
  sub->add_option("--prefix", o.prefix, "Key prefix, 1-16 letters or digits (default ak)");
  sub->add_option("--env", o.env, "Environment label, e.g. live or test (default live)");
  sub->add_option("--random-length", o.random_length, "Random base62 characters (22-64, default 30)");
}

// Adds the pepper options.
void add_pepper(CLI::App* sub, apikey_options& o) {
  add_secret_options(sub, o.pepper, "--pepper-file", "--pepper-env", "--pepper-stdin", "the pepper", "--pepper");
  sub->add_option("--pepper-encoding", o.pepper_encoding, "How the pepper is written: base64url (default), base64, hex or text")
      ->check(CLI::IsMember(secret_encoding_names()));
  sub->add_option("--pepper-version", o.pepper_version, "The pepper's version, stored with each digest (default 1)");
}

// Adds the cost options of secret hashing.
void add_costs(CLI::App* sub, secret_options& o) {
  sub->add_option("--algorithm", o.algorithm, "scrypt (default) or pbkdf2-sha256")->check(CLI::IsMember({"scrypt", "pbkdf2-sha256"}));
  sub->add_option("--scrypt-ln", o.scrypt_ln, "scrypt: log2(N) (default 17)");
  sub->add_option("--scrypt-r", o.scrypt_r, "scrypt: r (default 8)");
  sub->add_option("--scrypt-p", o.scrypt_p, "scrypt: p (default 1)");
  sub->add_option("--iterations", o.iterations, "pbkdf2-sha256: iterations (default 600000)");
}

}  // namespace

// apikey new / check, secret hash / verify.
void add_credential_commands(CLI::App& app) {
  auto* keys = app.add_subcommand("apikey", "Mint an API key and its storage record, or check a key");
  keys->require_subcommand(1);
  set_footer(keys,
             "Examples:\n"
             "  tessera keygen hmac --out pepper.txt\n"
             "  tessera apikey new --prefix ak --env live --tenant org_8f3a --scope orders:read --pepper-file pepper.txt\n"
             "  tessera apikey check --key-env API_KEY --record record.json --pepper-file pepper.txt");

  auto no = std::make_shared<apikey_options>();
  auto* mint = keys->add_subcommand("new", "Generate an API key; print it once, with the digest record to store");
  add_format(mint, *no);
  add_pepper(mint, *no);
  mint->add_option("--tenant", no->tenant, "The tenant or org the key works for")->required();
  mint->add_option("--scope", no->scopes, "A scope the key carries (repeatable)");
  mint->add_option("--integration", no->integration, "The integration the key belongs to");
  mint->add_option("--description", no->description, "Free text for people");
  mint->add_option("--lifetime", no->lifetime, "Expire the key after this long (e.g. 90d; default never)");
  mint->add_option("--key-id", no->key_id, "The key's public id (default key_<random>)");
  mint->add_option("--record-out", no->record_out, "Also write the record JSON to this file")->type_name("FILE");
  set_footer(mint,
             "The key is HMAC-SHA256(pepper, key) in the record, never the key itself. The pepper is the\n"
             "server's secret (at least 32 bytes; base64url text as `tessera keygen hmac` writes it, unless\n"
             "--pepper-encoding says otherwise).\n\n"
             "Examples:\n"
             "  tessera apikey new --tenant org_8f3a --scope orders:read --scope orders:write --pepper-file pepper.txt \\\n"
             "      --record-out record.json\n"
             "  tessera apikey new --prefix sk --env test --tenant t1 --lifetime 90d --pepper-env API_KEY_PEPPER");
  on_run(mint, [no] { return run_apikey_new(*no); });

  auto co = std::make_shared<apikey_options>();
  auto* check = keys->add_subcommand("check", "Check an API key: format and checksum, and with --record its digest, tenant, expiry");
  add_format(check, *co);
  add_pepper(check, *co);
  add_secret_options(check, co->key, "--key,--key-file", "--key-env", "--key-stdin", "the API key", "--api-key");
  check->add_option("--record", co->record, "The stored record(s): the JSON `apikey new` prints, or an array of them")
      ->type_name("FILE");
  check->add_option("--tenant", co->tenant, "The tenant the key is presented for (default: any)");
  check->add_option("--at", co->at, "Check expiry as if now were this time")->type_name("TIME");
  set_footer(check,
             "Examples:\n"
             "  printf '%s' \"$API_KEY\" | tessera apikey check --key-stdin               # format and checksum only\n"
             "  tessera apikey check --key-env API_KEY --record record.json --pepper-file pepper.txt --tenant org_8f3a");
  on_run(check, [co] { return run_apikey_check(*co); });

  auto* secrets = app.add_subcommand("secret", "Hash a client secret into a PHC string, or check one against it");
  secrets->require_subcommand(1);
  set_footer(secrets,
             "Examples:\n"
             "  tessera secret hash --secret-env CLIENT_SECRET\n"
             "  tessera secret verify --secret-env CLIENT_SECRET --phc-file stored.phc");

  auto ho = std::make_shared<secret_options>();
  auto* hash = secrets->add_subcommand("hash", "Hash a client secret (scrypt N=2^17, r=8, p=1 by default) into a PHC string");
  add_secret_options(hash, ho->secret, "--secret-file", "--secret-env", "--secret-stdin", "the client secret", "--secret");
  add_costs(hash, *ho);
  set_footer(hash,
             "Trailing newlines and spaces of the secret are removed. Prints $scrypt$ln=17,r=8,p=1$<salt>$<hash>.\n\n"
             "Examples:\n"
             "  tessera secret hash --secret-env CLIENT_SECRET > stored.phc\n"
             "  tessera secret hash --secret-file secret.txt --algorithm pbkdf2-sha256 --iterations 600000");
  on_run(hash, [ho] { return run_secret_hash(*ho); });

  auto vo = std::make_shared<secret_options>();
  auto* verify = secrets->add_subcommand("verify", "Check a client secret against a stored PHC string");
  add_secret_options(verify, vo->secret, "--secret-file", "--secret-env", "--secret-stdin", "the client secret", "--secret");
  verify->add_option("--phc", vo->phc, "The stored PHC string");
  verify->add_option("--phc-file", vo->phc_file, "A file holding the stored PHC string")->type_name("FILE");
  add_costs(verify, *vo);
  set_footer(verify,
             "Exits 0 on a match (and says whether the hash should be renewed under --algorithm and its\n"
             "costs), 1 on a mismatch.\n\n"
             "Examples:\n"
             "  tessera secret verify --secret-env CLIENT_SECRET --phc-file stored.phc\n"
             "  tessera secret verify --secret-stdin --phc '$scrypt$ln=17,r=8,p=1$...$...'");
  on_run(verify, [vo] { return run_secret_verify(*vo); });
}

}  // namespace tessera_cli
