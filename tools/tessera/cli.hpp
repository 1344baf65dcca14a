#pragma once
// What every subcommand of the tessera command line shares: exit codes, errors, secret input
// (from a file, an environment variable or stdin, never from an argument value), reading keys,
// time and duration text, and output (human text or --json).

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/error.hpp>
#include <tessera/core/secret.hpp>
#include <tessera/crypto/private_key.hpp>
#include <tessera/crypto/public_key.hpp>

namespace tessera_cli {

// The program's exit codes, documented in --help and in the README.
enum exit_code : int {
  exit_ok = 0,         // the command did what was asked; a verification succeeded
  exit_failed = 1,     // a verification failed (the reason is printed)
  exit_usage = 2,      // the command line is wrong
  exit_bad_input = 3,  // a file, key, secret or other input could not be used
};

// The footer line every --help ends with.
inline constexpr const char* exit_codes_line = "Exit codes: 0 ok, 1 verification failed, 2 usage, 3 bad input.";

// A failure that ends the program with an exit code and a message (never holding a secret).
struct tool_error : std::runtime_error {
  int code;
  // A failure with its exit code and message.
  tool_error(int c, const std::string& message) : std::runtime_error(message), code(c) {}
};

// Ends the command with exit code 3 and the message.
[[noreturn]] void bad_input(const std::string& message);
// Ends the command with exit code 2 and the message.
[[noreturn]] void usage_error(const std::string& message);
// Ends the command with exit code 3 for a library error: "<what>: <name> (<message>)".
[[noreturn]] void bad_input(const std::string& what, tessera::errc e);
// "<name> (HTTP <status>): <message>" for a library error.
std::string describe(tessera::errc e);

// State shared by the whole invocation.
struct context {
  bool json = false;      // --json: machine-readable output
  bool stdin_used = false;  // stdin already consumed by one input
  int exit = exit_ok;     // what the selected subcommand decided
};
// The one context of this run.
context& ctx();

// Sets the help footer of a subcommand: its examples, then the exit codes.
void set_footer(CLI::App* app, const std::string& examples);
// Registers the function a leaf subcommand runs once the whole command line is parsed.
void on_run(CLI::App* app, std::function<int()> run);

// ---- input ---------------------------------------------------------------------------------

// Reads all of stdin (binary); usage error when another input already took stdin.
std::string read_stdin(const std::string& what);
// Reads a whole file; "-" reads stdin. The path is named in errors unless it is secret_path.
std::string read_file(const std::string& path, const std::string& what, bool secret_path = false);
// Removes trailing CR, LF, spaces and tabs (what editors and echo leave after a value).
std::string_view trim_end(std::string_view s) noexcept;
// Removes leading and trailing whitespace.
std::string_view trim(std::string_view s) noexcept;

// Where one secret comes from: exactly one of a file, an environment variable or stdin.
struct secret_source {
  std::string file;
  std::string env;
  bool from_stdin = false;
  std::string names;  // "--secret-file, --secret-env or --secret-stdin", for messages
  std::string what;   // "the webhook secret", for messages
  CLI::Option* refused = nullptr;  // the value-taking option that is refused (e.g. --secret)
  std::string refused_name;        // its name, for the message (a hidden option has none in CLI11)
};

// Adds the three options of a secret source to a subcommand (file_names may hold aliases:
// "--secret-file"), plus refused_name (e.g. "--secret"), an option that takes a value only to
// refuse it without echoing it: secrets given as argument values are readable by other users.
void add_secret_options(CLI::App* app, secret_source& s, const std::string& file_names, const std::string& env_name,
                        const std::string& stdin_name, const std::string& what, const std::string& refused_name = {});
// True when one of the source's options was given.
bool secret_given(const secret_source& s);
// Reads the secret (usage error unless exactly one source is given; bad input when unreadable
// or empty). The file path, variable name and value never appear in any message.
tessera::core::secret read_secret(const secret_source& s);
// The secret's text without the trailing newline or spaces an editor or echo leaves.
tessera::core::secret trimmed_secret(const tessera::core::secret& s);

// Request headers as (name, value) pairs, in the order given.
using header_pairs = std::vector<std::pair<std::string, std::string>>;
// Reads headers from -H "Name: value" options and a file of such lines ("-" for stdin; blank
// lines and lines starting with '#' are skipped); usage error on a line without ':'.
header_pairs read_headers(const std::vector<std::string>& given, const std::string& file);

// How a secret's text is turned into key bytes.
enum class secret_encoding { base64url, base64, hex, text };
// Parses "base64url", "base64", "hex" or "text".
secret_encoding parse_secret_encoding(const std::string& name);
// The names accepted by parse_secret_encoding, for CLI11 checks.
std::vector<std::string> secret_encoding_names();
// Decodes a secret's text (trailing whitespace removed first) into bytes; bad input when it does
// not decode (the message names the encoding, never the text).
tessera::core::secret decode_secret(const tessera::core::secret& text, secret_encoding enc, const std::string& what);

// ---- keys ----------------------------------------------------------------------------------

// A key read from PEM, a JWK, a JWKS with one key (or the one named by kid), or HMAC secret text.
struct loaded_key {
  std::optional<tessera::crypto::private_key> priv;  // a private key (its public half is derived)
  std::optional<tessera::crypto::public_key> pub;    // a public key (also set when priv is)
  std::optional<tessera::core::secret> hmac;         // HMAC key bytes (a JWK "oct" key or secret text)
  std::string kid;                                   // the JWK's kid, if any
  std::string alg;                                   // the JWK's alg, if any
};

// Reads key text. PEM and JSON (JWK/JWKS) are recognised by their first character; anything
// else is HMAC secret text decoded with `enc`, allowed only when allow_hmac is true.
loaded_key parse_key(const tessera::core::secret& text, bool allow_hmac, secret_encoding enc, const std::string& kid,
                     const std::string& what);
// A private key as a private JWK (RFC 7517/7518/8037 members), returned as text in a secret.
tessera::core::secret private_jwk_text(const tessera::crypto::private_key& k, const std::string& kid,
                                       const std::string& alg, int indent);
// The public JWK of a public key, with kid, alg and "use":"sig" when given.
nlohmann::json public_jwk(const tessera::crypto::public_key& k, const std::string& kid, const std::string& alg);
// The JWS algorithm a key implies: RS256 for RSA, ES256/ES384/ES512, EdDSA, HS256 for HMAC.
std::string default_jws_alg(const loaded_key& k);

// ---- output --------------------------------------------------------------------------------

// Prints a JSON document to stdout (indented, one trailing newline).
void print_json(const nlohmann::json& j);
// Refuses (usage error) to write key material to a terminal unless forced.
void refuse_terminal(bool force, const std::string& what);
// Writes secret material to a new file created with mode 0600 (an existing file only with force).
void write_private_file(const std::string& path, std::string_view content, bool force, const std::string& what);
// Writes public text to a file (replacing it).
void write_public_file(const std::string& path, std::string_view content, const std::string& what);
// Writes secret bytes to stdout and flushes.
void write_stdout(std::string_view text);
// Prints a verification failure (stdout; JSON with --json) and returns exit_failed.
int report_failure(tessera::errc e, const std::vector<std::string>& hints = {}, nlohmann::json extra = {});

// ---- time ----------------------------------------------------------------------------------

// Seconds since the Unix epoch, now.
std::int64_t now_seconds();
// Parses an instant: Unix seconds, or ISO-8601 "2026-01-02T03:04:05Z" / "+07:00" (fraction allowed).
std::int64_t parse_instant(const std::string& text, const std::string& what);
// Parses a duration: "90", "90s", "15m", "1h", "10d", "1h30m" (usage error otherwise).
std::chrono::seconds parse_duration(const std::string& text, const std::string& what);
// An instant as UTC ISO-8601, "2026-01-02T03:04:05Z".
std::string iso_utc(std::int64_t unix_seconds);
// A duration for people: "59m 12s", "3d 4h", "0s".
std::string human_duration(std::int64_t seconds);

// A clock that reads one fixed instant: the time the command treats as now (--at or the real time).
struct fixed_clock {
  std::chrono::system_clock::time_point t;
  // The fixed instant.
  std::chrono::system_clock::time_point now() const noexcept { return t; }
};
// A fixed clock at the given Unix seconds.
fixed_clock clock_at(std::int64_t unix_seconds);

// ---- the subcommand families ----------------------------------------------------------------

// keygen, jwk, pem.
void add_key_commands(CLI::App& app);
// jwt sign / verify / inspect, and bench.
void add_jwt_commands(CLI::App& app);
// webhook sign / verify.
void add_webhook_commands(CLI::App& app);
// request sign / verify.
void add_request_commands(CLI::App& app);
// apikey new / check, secret hash / verify.
void add_credential_commands(CLI::App& app);

}  // namespace tessera_cli
