// tessera — the command line for integrators of an API built on the tessera library: keys,
// tokens, webhook signatures, signed requests, API keys and client-secret hashes.

#include <cctype>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/version.hpp>

#include "cli.hpp"

namespace {

// True when an argument has the shape of an option name: "-x" (one letter), or "--name" with a
// name of up to 32 lowercase letters, digits and dashes (what follows a '=' is its value). A
// secret can start with '-' (base64url does), so nothing else is taken for an option.
bool option_shaped(std::string_view a) {
  if (a.size() == 2 && a[0] == '-' && std::isalpha(static_cast<unsigned char>(a[1]))) return true;
  if (a.size() < 3 || a[0] != '-' || a[1] != '-') return false;
  const std::string_view name = a.substr(2, a.find('=') == std::string_view::npos ? a.npos : a.find('=') - 2);
  if (name.empty() || name.size() > 32 || name.front() == '-') return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

// The names of unexpected arguments that have the shape of options; every other argument is
// counted, never shown, since a secret typed as a bare argument would otherwise be echoed back.
std::string describe_extras(const std::vector<std::string>& extras) {
  std::string names;
  std::size_t values = 0;
  for (const auto& a : extras) {
    if (option_shaped(a)) {
      names += names.empty() ? "" : " ";
      names += a.substr(0, a.find('='));
    } else {
      ++values;
    }
  }
  std::string out = "unexpected arguments:";
  if (!names.empty()) out += " " + names;
  if (values > 0) out += (names.empty() ? " " : " and ") + std::to_string(values) + " value(s), not shown (they may be secrets)";
  return out;
}

}  // namespace

// Builds the command line, runs the selected subcommand and returns its exit code.
int main(int argc, char** argv) {
  using namespace tessera_cli;
  CLI::App app{"tessera: keys, tokens, webhook signatures, signed requests, API keys and secret hashes,\n"
               "done the strict way of the tessera library (" + std::string(tessera::version_string) + ")."};
  app.name("tessera");
  app.require_subcommand(1);
  app.fallthrough();
  app.add_flag("--json", ctx().json, "Machine-readable JSON output on stdout (and errors as JSON on stderr)");
  app.set_version_flag("--version", std::string(tessera::version_string));
  app.footer("Secrets (keys, webhook secrets, peppers, client secrets) are read from a file, an environment\n"
             "variable or stdin (--secret-file/--secret-env/--secret-stdin and the like), never from an\n"
             "argument value, and are never printed back. Private keys are not written to a terminal\n"
             "unless --force is given.\n\n"
             "Examples:\n"
             "  tessera keygen rsa --out partner.key > partner.pub\n"
             "  tessera jwt inspect < token.txt\n"
             "  tessera webhook verify --scheme standard --secret-env WEBHOOK_SECRET --headers h.txt --body body.json\n\n"
             "Exit codes:\n"
             "  0  ok: the command succeeded, or what was verified is valid\n"
             "  1  verification failed (the reason is printed: error name, HTTP status, hints)\n"
             "  2  usage: the command line is wrong\n"
             "  3  bad input: a file, key, secret or value could not be read or used");

  add_key_commands(app);
  add_jwt_commands(app);
  add_webhook_commands(app);
  add_request_commands(app);
  add_credential_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ExtrasError& e) {
    // CLI11's own message lists the extra arguments verbatim; a secret typed as one must not be echoed.
    (void)e;
    std::vector<std::string> extras;
    for (const CLI::App* a = &app; a != nullptr;) {
      for (const auto& r : a->remaining()) extras.push_back(r);
      const auto subs = a->get_subcommands();
      a = subs.empty() ? nullptr : subs.front();
    }
    std::cerr << "tessera: " << describe_extras(extras) << "\nRun with --help for more information.\n";
    return exit_usage;
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_usage;
  } catch (const tool_error& e) {
    if (ctx().json) {
      nlohmann::json j = {{"error", e.code == exit_usage ? "usage" : "bad_input"}, {"exit_code", e.code}, {"message", e.what()}};
      std::cerr << j.dump() << "\n";
    } else {
      std::cerr << "tessera: " << e.what() << "\n";
    }
    return e.code;
  } catch (const std::exception& e) {
    std::cerr << "tessera: internal error: " << e.what() << "\n";
    return exit_bad_input;
  }
  return ctx().exit;
}
