// Shared machinery of the tessera command line: errors, secret input, key reading, output, time.

#include "cli.hpp"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include <tessera/core/base64.hpp>
#include <tessera/core/clock.hpp>
#include <tessera/core/hex.hpp>
#include <tessera/request_signing/timestamp.hpp>

namespace tessera_cli {

namespace core = tessera::core;
namespace crypto = tessera::crypto;

// Largest file or stdin input read (bodies, keys, tokens): 64 MiB.
constexpr std::size_t max_input_size = 64u << 20;

// Ends the command with exit code 3 and the message.
[[noreturn]] void bad_input(const std::string& message) { throw tool_error(exit_bad_input, message); }

// Ends the command with exit code 2 and the message.
[[noreturn]] void usage_error(const std::string& message) { throw tool_error(exit_usage, message); }

// Ends the command with exit code 3 for a library error: "<what>: <name> (<message>)".
[[noreturn]] void bad_input(const std::string& what, tessera::errc e) {
  throw tool_error(exit_bad_input, what + ": " + std::string(core::name(e)) + " (" + std::string(core::message(e)) + ")");
}

// "<name> (HTTP <status>): <message>" for a library error.
std::string describe(tessera::errc e) {
  return std::string(core::name(e)) + " (HTTP " + std::to_string(core::http_status(e)) + "): " +
         std::string(core::message(e));
}

// The one context of this run.
context& ctx() {
  static context c;
  return c;
}

// Sets the help footer of a subcommand: its examples, then the exit codes.
void set_footer(CLI::App* app, const std::string& examples) {
  app->footer(examples + "\n\n" + exit_codes_line);
}

// Registers the function a leaf subcommand runs once the whole command line is parsed.
void on_run(CLI::App* app, std::function<int()> run) {
  app->callback([run = std::move(run)] { ctx().exit = run(); });
}

// ---- input ---------------------------------------------------------------------------------

// Reads a whole stream, refusing more than max_input_size bytes.
static std::string read_stream(std::istream& in, const std::string& what) {
  std::string out;
  char buf[65536];
  while (in) {
    in.read(buf, sizeof buf);
    out.append(buf, static_cast<std::size_t>(in.gcount()));
    if (out.size() > max_input_size) {
      OPENSSL_cleanse(out.data(), out.size());
      bad_input(what + " is larger than 64 MiB");
    }
  }
  return out;
}

// Reads all of stdin (binary); usage error when another input already took stdin.
std::string read_stdin(const std::string& what) {
  if (ctx().stdin_used) usage_error("stdin is already used by another input; " + what + " must come from elsewhere");
  ctx().stdin_used = true;
  return read_stream(std::cin, what);
}

// Reads a whole file; "-" reads stdin. The path is named in errors unless it is secret_path.
std::string read_file(const std::string& path, const std::string& what, bool secret_path) {
  if (path == "-") return read_stdin(what);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string reason = std::strerror(errno);
    if (secret_path) bad_input("cannot read the file given for " + what + ": " + reason);
    bad_input("cannot read " + what + " from '" + path + "': " + reason);
  }
  return read_stream(in, what);
}

// Removes trailing CR, LF, spaces and tabs (what editors and echo leave after a value).
std::string_view trim_end(std::string_view s) noexcept {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Removes leading and trailing whitespace.
std::string_view trim(std::string_view s) noexcept {
  s = trim_end(s);
  while (!s.empty() && (s.front() == '\n' || s.front() == '\r' || s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// Adds --X-file, --X-env and --X-stdin options of a secret source, and the refused value option.
void add_secret_options(CLI::App* app, secret_source& s, const std::string& file_names, const std::string& env_name,
                        const std::string& stdin_name, const std::string& what, const std::string& refused_name) {
  s.what = what;
  auto* f = app->add_option(file_names, s.file, "Read " + what + " from this file")->type_name("FILE");
  auto* e = app->add_option(env_name, s.env, "Read " + what + " from this environment variable")->type_name("NAME");
  auto* i = app->add_flag(stdin_name, s.from_stdin, "Read " + what + " from stdin");
  s.names = f->get_name() + ", " + e->get_name() + " or " + i->get_name();
  if (!refused_name.empty()) {
    // The value is swallowed and never shown; taking it at all lets the refusal be explained.
    static std::vector<std::string> sink;
    s.refused_name = refused_name;
    s.refused = app->add_option(refused_name, sink, "Refused: an argument value is readable by other users; use " + s.names)
                    ->type_name("")
                    ->group("");
  }
}

// True when one of the source's options was given.
bool secret_given(const secret_source& s) { return !s.file.empty() || !s.env.empty() || s.from_stdin; }

// Moves text into a secret and wipes the text.
static core::secret to_secret(std::string& text) {
  core::secret out(core::bytes_view(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  OPENSSL_cleanse(text.data(), text.size());
  text.clear();
  return out;
}

// Reads the secret from its one source; never names the path, the variable or the value.
core::secret read_secret(const secret_source& s) {
  if (s.refused && s.refused->count() > 0)
    usage_error(s.refused_name + " is refused: a secret given as an argument value is readable by other users "
                "(ps, shell history). Give " + s.what + " with " + s.names);
  const int given = (s.file.empty() ? 0 : 1) + (s.env.empty() ? 0 : 1) + (s.from_stdin ? 1 : 0);
  if (given == 0) usage_error(s.what + " is required: give it with " + s.names);
  if (given > 1) usage_error("give " + s.what + " once, with one of " + s.names);
  std::string text;
  if (!s.file.empty()) {
    text = read_file(s.file, s.what, true);
  } else if (!s.env.empty()) {
    const char* v = std::getenv(s.env.c_str());
    if (v == nullptr) bad_input("the environment variable named for " + s.what + " is not set");
    text = v;
  } else {
    text = read_stdin(s.what);
  }
  core::secret out = to_secret(text);
  if (trim_end(out.expose_secret_text()).empty()) bad_input(s.what + " is empty");
  return out;
}

// The secret's text without the trailing newline or spaces an editor or echo leaves.
core::secret trimmed_secret(const core::secret& s) {
  const std::string_view t = trim_end(s.expose_secret_text());
  return core::secret(core::bytes_view(reinterpret_cast<const std::uint8_t*>(t.data()), t.size()));
}

// Splits one "Name: value" line into the list (usage error without a name or ':').
static void add_header_line(header_pairs& out, std::string_view line, const std::string& where) {
  const auto colon = line.find(':');
  const std::string_view name = colon == std::string_view::npos ? std::string_view{} : trim(line.substr(0, colon));
  if (name.empty() || name.find_first_of(" \t") != std::string_view::npos)
    usage_error(where + ": a header is written \"Name: value\"");
  out.emplace_back(std::string(name), std::string(trim(line.substr(colon + 1))));
}

// Reads headers from -H "Name: value" options and a file of such lines ("-" for stdin).
header_pairs read_headers(const std::vector<std::string>& given, const std::string& file) {
  header_pairs out;
  if (!file.empty()) {
    const std::string text = read_file(file, "the headers");
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string_view line = trim(std::string_view(text).substr(start, end - start));
      start = end + 1;
      if (line.empty() || line.front() == '#') continue;
      add_header_line(out, line, "--headers");
    }
  }
  for (const auto& h : given) add_header_line(out, h, "-H");
  return out;
}

// Parses "base64url", "base64", "hex" or "text".
secret_encoding parse_secret_encoding(const std::string& name) {
  if (name == "base64url") return secret_encoding::base64url;
  if (name == "base64") return secret_encoding::base64;
  if (name == "hex") return secret_encoding::hex;
  if (name == "text") return secret_encoding::text;
  usage_error("unknown secret encoding '" + name + "' (base64url, base64, hex or text)");
}

// The names accepted by parse_secret_encoding, for CLI11 checks.
std::vector<std::string> secret_encoding_names() { return {"base64url", "base64", "hex", "text"}; }

// Decodes a secret's text into bytes; an error names the encoding, never the text.
core::secret decode_secret(const core::secret& text, secret_encoding enc, const std::string& what) {
  const std::string_view t = trim(text.expose_secret_text());
  tessera::result<core::bytes> bytes = tessera::unexpected{tessera::errc::invalid_argument};
  switch (enc) {
    case secret_encoding::text:
      return core::secret(core::bytes_view(reinterpret_cast<const std::uint8_t*>(t.data()), t.size()));
    case secret_encoding::base64url: bytes = core::base64url_decode(t); break;
    case secret_encoding::base64: bytes = core::base64_decode(t); break;
    case secret_encoding::hex: bytes = core::hex_decode(t); break;
  }
  if (!bytes) {
    const char* name = enc == secret_encoding::base64url ? "strict base64url (no padding, no whitespace)"
                       : enc == secret_encoding::base64  ? "strict padded base64"
                                                         : "hexadecimal";
    bad_input(what + " is not " + std::string(name) + "; choose how it is written with --secret-encoding");
  }
  core::secret out(core::bytes_view(bytes->data(), bytes->size()));
  OPENSSL_cleanse(bytes->data(), bytes->size());
  if (out.empty()) bad_input(what + " is empty");
  return out;
}

// ---- keys ----------------------------------------------------------------------------------

// A string member of a JSON object, or "".
static std::string str_member(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Reads key text: PEM, a JWK or JWKS, or (when allowed) HMAC secret text.
loaded_key parse_key(const core::secret& text, bool allow_hmac, secret_encoding enc, const std::string& kid,
                     const std::string& what) {
  const std::string_view t = trim(text.expose_secret_text());
  loaded_key out;
  // Keeps a loaded private key and its public half, or stops with why it did not load.
  const auto keep_private = [&](tessera::result<crypto::private_key> k) {
    if (!k) bad_input("cannot load " + what, k.error());
    auto pub = k->public_key();
    if (!pub) bad_input("cannot load " + what, pub.error());
    out.priv = std::move(*k);
    out.pub = std::move(*pub);
  };
  // Keeps a loaded public key, or stops with why it did not load.
  const auto keep_public = [&](tessera::result<crypto::public_key> k) {
    if (!k) bad_input("cannot load " + what, k.error());
    out.pub = std::move(*k);
  };
  if (t.starts_with("-----BEGIN")) {
    if (t.find("ENCRYPTED") != std::string_view::npos)
      bad_input(what + " is an encrypted PEM: decrypt it first (openssl pkey -in key.pem -out plain.pem)");
    if (t.find("PRIVATE KEY-----") != std::string_view::npos) keep_private(crypto::private_key::from_pem(t));
    else keep_public(crypto::public_key::from_pem(t));
    return out;
  }
  if (t.starts_with("{")) {
    auto doc = nlohmann::json::parse(t, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) bad_input(what + " starts with '{' but is not a JSON object");
    nlohmann::json jwk = doc;
    if (auto keys = doc.find("keys"); keys != doc.end()) {
      if (!keys->is_array() || keys->empty()) bad_input(what + " is a JWKS without keys");
      const nlohmann::json* pick = nullptr;
      if (!kid.empty()) {
        for (auto& k : *keys)
          if (str_member(k, "kid") == kid) pick = &k;
        if (!pick) bad_input(what + " has no key with the kid given by --kid");
      } else if (keys->size() == 1) {
        pick = &(*keys)[0];
      } else {
        bad_input(what + " is a JWKS of " + std::to_string(keys->size()) + " keys: choose one with --kid");
      }
      jwk = *pick;
    }
    out.kid = str_member(jwk, "kid");
    out.alg = str_member(jwk, "alg");
    const std::string kty = str_member(jwk, "kty");
    if (kty == "oct") {
      if (!allow_hmac) bad_input(what + " is a symmetric (oct) JWK, which has no public half");
      auto k = core::base64url_decode(str_member(jwk, "k"));
      if (!k || k->empty()) bad_input(what + " is an oct JWK whose \"k\" is not strict base64url");
      out.hmac.emplace(core::bytes_view(k->data(), k->size()));
      OPENSSL_cleanse(k->data(), k->size());
      return out;
    }
    if (jwk.contains("d")) keep_private(crypto::private_key::from_jwk(jwk));
    else keep_public(crypto::public_key::from_jwk(jwk));
    return out;
  }
  if (!allow_hmac) bad_input(what + " is neither PEM nor a JWK");
  out.hmac = decode_secret(text, enc, what);
  return out;
}

// A BIGNUM parameter of a key as base64url (left-padded with zeros to pad_to bytes when given).
static std::string bn_b64(EVP_PKEY* pk, const char* name, std::size_t pad_to = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pk, name, &bn) != 1 || bn == nullptr) bad_input("cannot export the private key to a JWK");
  const std::size_t len = pad_to ? pad_to : static_cast<std::size_t>(BN_num_bytes(bn));
  core::bytes buf(len);
  const int ok = BN_bn2binpad(bn, buf.data(), static_cast<int>(len));
  BN_clear_free(bn);
  if (ok < 0) bad_input("cannot export the private key to a JWK");
  std::string out = core::base64url_encode(buf);
  OPENSSL_cleanse(buf.data(), buf.size());
  return out;
}

// A private key as a private JWK (RFC 7517/7518/8037 members), returned as text in a secret.
core::secret private_jwk_text(const crypto::private_key& k, const std::string& kid, const std::string& alg, int indent) {
  auto pub = k.public_key();
  if (!pub) bad_input("cannot export the private key", pub.error());
  nlohmann::json j = pub->to_jwk();
  EVP_PKEY* pk = k.native_handle();
  switch (k.type()) {
    case crypto::key_type::rsa:
      j["d"] = bn_b64(pk, OSSL_PKEY_PARAM_RSA_D);
      j["p"] = bn_b64(pk, OSSL_PKEY_PARAM_RSA_FACTOR1);
      j["q"] = bn_b64(pk, OSSL_PKEY_PARAM_RSA_FACTOR2);
      j["dp"] = bn_b64(pk, OSSL_PKEY_PARAM_RSA_EXPONENT1);
      j["dq"] = bn_b64(pk, OSSL_PKEY_PARAM_RSA_EXPONENT2);
      j["qi"] = bn_b64(pk, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
      break;
    case crypto::key_type::ec_p256:
      j["d"] = bn_b64(pk, OSSL_PKEY_PARAM_PRIV_KEY, 32);
      break;
    case crypto::key_type::ec_p384:
      j["d"] = bn_b64(pk, OSSL_PKEY_PARAM_PRIV_KEY, 48);
      break;
    case crypto::key_type::ec_p521:
      j["d"] = bn_b64(pk, OSSL_PKEY_PARAM_PRIV_KEY, 66);
      break;
    case crypto::key_type::ed25519: {
      unsigned char raw[32];
      std::size_t len = sizeof raw;
      if (EVP_PKEY_get_raw_private_key(pk, raw, &len) != 1 || len != 32) bad_input("cannot export the private key to a JWK");
      j["d"] = core::base64url_encode(core::bytes_view(raw, len));
      OPENSSL_cleanse(raw, sizeof raw);
      break;
    }
  }
  if (!kid.empty()) j["kid"] = kid;
  if (!alg.empty()) j["alg"] = alg;
  j["use"] = "sig";
  std::string text = j.dump(indent);
  for (auto& [name, value] : j.items())
    if (value.is_string()) OPENSSL_cleanse(value.get_ref<std::string&>().data(), value.get_ref<std::string&>().size());
  return to_secret(text);
}

// The public JWK of a public key, with kid, alg and "use":"sig" when given.
nlohmann::json public_jwk(const crypto::public_key& k, const std::string& kid, const std::string& alg) {
  nlohmann::json j = k.to_jwk();
  if (!kid.empty()) j["kid"] = kid;
  if (!alg.empty()) j["alg"] = alg;
  j["use"] = "sig";
  return j;
}

// The JWS algorithm a key implies: RS256 for RSA, ES256/ES384/ES512, EdDSA, HS256 for HMAC.
std::string default_jws_alg(const loaded_key& k) {
  if (!k.alg.empty()) return k.alg;
  if (k.hmac) return "HS256";
  if (!k.pub) return "";
  switch (k.pub->type()) {
    case crypto::key_type::rsa: return "RS256";
    case crypto::key_type::ec_p256: return "ES256";
    case crypto::key_type::ec_p384: return "ES384";
    case crypto::key_type::ec_p521: return "ES512";
    case crypto::key_type::ed25519: return "EdDSA";
  }
  return "";
}

// ---- output --------------------------------------------------------------------------------

// Prints a JSON document to stdout (indented, one trailing newline).
void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  std::cout.flush();
}

// Refuses (usage error) to write key material to a terminal unless forced.
void refuse_terminal(bool force, const std::string& what) {
  if (!force && isatty(STDOUT_FILENO) == 1)
    usage_error("refusing to write " + what + " to a terminal (the screen and its scrollback keep it): redirect "
                "stdout, use --out FILE, or add --force");
}

// Writes secret material to a new file created with mode 0600 (an existing file only with force).
void write_private_file(const std::string& path, std::string_view content, bool force, const std::string& what) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) {
    if (!force) usage_error("'" + path + "' exists: refusing to overwrite " + what + " without --force");
    fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0 && ::fchmod(fd, 0600) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  if (fd < 0) bad_input("cannot write " + what + " to '" + path + "': " + std::strerror(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      bad_input("cannot write " + what + " to '" + path + "': " + reason);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) bad_input("cannot write " + what + " to '" + path + "': " + std::strerror(errno));
}

// Writes public text to a file (replacing it).
void write_public_file(const std::string& path, std::string_view content, const std::string& what) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !out.write(content.data(), static_cast<std::streamsize>(content.size())) || !out.flush())
    bad_input("cannot write " + what + " to '" + path + "': " + std::strerror(errno));
}

// Writes secret bytes to stdout and flushes.
void write_stdout(std::string_view text) {
  std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
  std::cout.flush();
}

// Prints a verification failure (stdout; JSON with --json) and returns exit_failed.
int report_failure(tessera::errc e, const std::vector<std::string>& hints, nlohmann::json extra) {
  if (ctx().json) {
    nlohmann::json j = extra.is_object() ? std::move(extra) : nlohmann::json::object();
    j["valid"] = false;
    j["error"] = std::string(core::name(e));
    j["http_status"] = core::http_status(e);
    j["message"] = std::string(core::message(e));
    j["hints"] = hints;
    print_json(j);
  } else {
    std::cout << "FAILED  " << describe(e) << "\n";
    for (const auto& h : hints) std::cout << "  hint: " << h << "\n";
    std::cout.flush();
  }
  return exit_failed;
}

// ---- time ----------------------------------------------------------------------------------

// Seconds since the Unix epoch, now.
std::int64_t now_seconds() { return core::unix_seconds(core::system_clock{}.now()); }

// Parses an instant: Unix seconds, or ISO-8601 "2026-01-02T03:04:05Z" / "+07:00" (fraction allowed).
std::int64_t parse_instant(const std::string& text, const std::string& what) {
  namespace rs = tessera::request_signing;
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    auto t = rs::parse_timestamp(text, rs::timestamp_format::unix_seconds);
    if (t) return core::unix_seconds(*t);
  }
  for (auto f : {rs::timestamp_format::iso8601, rs::timestamp_format::iso8601_millis}) {
    auto t = rs::parse_timestamp(text, f);
    if (t) return core::unix_seconds(*t);
  }
  usage_error(what + " must be Unix seconds (1767225600) or ISO-8601 with an offset (2026-01-01T00:00:00Z)");
}

// Parses a duration: "90", "90s", "15m", "1h", "10d", "1h30m" (usage error otherwise).
std::chrono::seconds parse_duration(const std::string& text, const std::string& what) {
  if (text.empty()) usage_error(what + " is empty");
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > 10'000'000'000LL) usage_error(what + " is too long");
      ++i;
    }
    if (i == start) usage_error(what + " must look like 90s, 15m, 1h, 10d or 1h30m");
    std::int64_t unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: usage_error(what + " must look like 90s, 15m, 1h, 10d or 1h30m");
      }
      ++i;
    } else if (start != 0) {
      usage_error(what + " must look like 90s, 15m, 1h, 10d or 1h30m");
    }
    total += n * unit;
    if (total > core::max_duration.count()) usage_error(what + " is longer than ten years");
  }
  return std::chrono::seconds(total);
}

// An instant as UTC ISO-8601, "2026-01-02T03:04:05Z".
std::string iso_utc(std::int64_t unix_seconds) {
  using namespace std::chrono;
  if (unix_seconds < -62135596800LL || unix_seconds > 253402300799LL)
    return std::to_string(unix_seconds) + " (out of range)";
  const sys_seconds t{seconds(unix_seconds)};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

// A duration for people: "59m 12s", "3d 4h", "0s".
std::string human_duration(std::int64_t seconds) {
  std::uint64_t s = seconds < 0 ? static_cast<std::uint64_t>(-(seconds + 1)) + 1 : static_cast<std::uint64_t>(seconds);
  const std::uint64_t units[] = {86400, 3600, 60, 1};
  const char* names[] = {"d", "h", "m", "s"};
  std::string out;
  int shown = 0;
  for (int i = 0; i < 4 && shown < 2; ++i) {
    const std::uint64_t n = s / units[i];
    s %= units[i];
    if (n == 0 && shown == 0) continue;  // leading zero units are left out
    if (!out.empty()) out.push_back(' ');
    out += std::to_string(n) + names[i];
    ++shown;
  }
  return out.empty() ? "0s" : out;
}

// A fixed clock at the given Unix seconds.
fixed_clock clock_at(std::int64_t unix_seconds) {
  return fixed_clock{std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds))};
}

}  // namespace tessera_cli
