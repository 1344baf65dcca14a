// webhook sign / verify, for the three schemes tessera implements: Standard Webhooks, the
// Stripe-style "t=,v1=" header and the GitHub-style "sha256=" body-only header.

#include <iostream>
#include <memory>

#include <tessera/core/hex.hpp>
#include <tessera/core/random.hpp>
#include <tessera/crypto/digest.hpp>
#include <tessera/webhook/body_only_scheme.hpp>
#include <tessera/webhook/key_ring.hpp>
#include <tessera/webhook/signer.hpp>
#include <tessera/webhook/standard_webhooks.hpp>
#include <tessera/webhook/timestamped_scheme.hpp>
#include <tessera/webhook/verifier.hpp>

#include "cli.hpp"

namespace tessera_cli {

namespace core = tessera::core;
namespace webhook = tessera::webhook;
using tessera::errc;

namespace {

// Options shared by `webhook sign` and `webhook verify`.
struct webhook_options {
  std::string scheme = "standard";
  secret_source secret;
  std::string body = "-";
  std::string header_name;
  std::string id_header;
  // sign
  std::string id;
  std::string timestamp;
  // verify
  std::vector<std::string> headers;
  std::string headers_file;
  std::string tolerance = "300s";
  std::string at;
};

// The signature header a scheme uses by default.
std::string default_signature_header(const std::string& scheme) {
  if (scheme == "stripe") return "Stripe-Signature";
  if (scheme == "github") return "X-Hub-Signature-256";
  return "webhook-signature";
}

// What a scheme signs and how it keys the HMAC, for people.
std::string scheme_recipe(const std::string& scheme) {
  if (scheme == "stripe")
    return "HMAC-SHA256 over \"{t}.\" + body, keyed with the secret's text as is (a whsec_ prefix included), "
           "hex in \"t=<unix>,v1=<hex>\"";
  if (scheme == "github")
    return "HMAC-SHA256 over the body alone, keyed with the secret's text as is, hex in \"sha256=<hex>\"";
  return "HMAC-SHA256 over \"{webhook-id}.{webhook-timestamp}.\" + body, keyed with the bytes base64-decoded from "
         "after the whsec_ prefix, base64 in \"v1,<base64>\"";
}

// Exits with a helpful message when a secret cannot be used by the scheme.
[[noreturn]] void bad_secret(const std::string& scheme, errc e) {
  std::string hint;
  if (scheme == "standard" && e == errc::invalid_secret)
    hint = ": a Standard Webhooks secret is \"whsec_\" followed by padded base64 of 24 to 64 bytes "
           "(the stripe and github schemes use the secret's text as is)";
  else if (e == errc::secret_too_short)
    hint = ": webhook secrets must hold at least 24 bytes";
  throw tool_error(exit_bad_input, "cannot use the webhook secret: " + std::string(core::name(e)) + hint);
}

// Hints for a failed webhook verification.
std::vector<std::string> webhook_hints(errc e, const webhook_options& o, const std::string& body, std::int64_t now,
                                       const header_pairs& headers) {
  std::vector<std::string> h;
  const std::string sig_header = o.header_name.empty() ? default_signature_header(o.scheme) : o.header_name;
  switch (e) {
    case errc::missing_header:
      if (o.scheme == "standard") h.push_back("Standard Webhooks needs webhook-id, webhook-timestamp and webhook-signature");
      else h.push_back("this scheme needs " + sig_header + (o.id_header.empty() ? std::string() : " and " + o.id_header));
      break;
    case errc::malformed_header:
      h.push_back("a header is present twice, or its value has the wrong shape: " +
                  std::string(o.scheme == "standard" ? "webhook-signature holds \"v1,<base64>\" entries separated by spaces, "
                                                       "webhook-id is visible ASCII without '.'"
                              : o.scheme == "stripe" ? sig_header + " holds exactly one t=<unix> and v1=<hex> items"
                                                     : sig_header + " holds sha256=<hex> entries"));
      break;
    case errc::invalid_timestamp:
      h.push_back("the timestamp must be Unix seconds as a plain integer (1767225600): not ISO-8601, not milliseconds");
      break;
    case errc::stale_timestamp:
    case errc::future_timestamp:
      for (const auto& [name, value] : headers) {
        std::string_view ts;
        if (o.scheme == "standard" && core::iequals(name, "webhook-timestamp")) ts = value;
        if (o.scheme == "stripe" && core::iequals(name, sig_header) && value.starts_with("t="))
          ts = std::string_view(value).substr(2, value.find(',') == std::string::npos ? std::string::npos : value.find(',') - 2);
        if (!ts.empty() && ts.find_first_not_of("0123456789") == std::string_view::npos && ts.size() < 12) {
          const std::int64_t t = std::stoll(std::string(ts));
          h.push_back("signed at " + iso_utc(t) + ", checked at " + iso_utc(now) + ": " + human_duration(t > now ? t - now : now - t) +
                      (t > now ? " ahead" : " behind") + ", tolerance ±" + o.tolerance + " (use --at to check at the delivery time)");
        }
      }
      break;
    case errc::no_valid_signature: {
      const auto d = tessera::crypto::sha256(body);
      h.push_back("no entry matches " + scheme_recipe(o.scheme));
      h.push_back("the body checked is " + std::to_string(body.size()) + " bytes, SHA-256 " + core::hex_encode(d.view()) +
                  ": it must be the raw bytes received, never re-serialised JSON");
      if (!body.empty() && body.back() == '\n')
        h.push_back("the body ends with a newline: if the sender's did not (editors and echo add one), the signature differs");
      h.push_back("or the secret differs from the sender's (another subscription, an old secret, a whsec_ prefix kept or dropped)");
      break;
    }
    default:
      break;
  }
  return h;
}

// Signs with one scheme and prints the headers.
template <class Scheme>
int sign_with(const Scheme& scheme, const webhook_options& o) {
  const core::secret secret = trimmed_secret(read_secret(o.secret));
  const std::string body = read_file(o.body, "the body");
  auto ring = webhook::key_ring::from_secrets(scheme, {secret.expose_secret_text()});
  if (!ring) bad_secret(o.scheme, ring.error());
  const std::int64_t ts = o.timestamp.empty() ? now_seconds() : parse_instant(o.timestamp, "--timestamp");
  std::string id = o.id;
  if (id.empty() && o.scheme == "standard") {
    auto r = core::random_base62(24);
    if (!r) bad_input("cannot make a delivery id", r.error());
    id = "msg_" + *r;
  }
  const webhook::signer<Scheme, fixed_clock> signer(scheme, std::move(*ring), clock_at(ts));
  auto headers = signer.sign(id, core::bytes_view(body));
  if (!headers) bad_input("cannot sign the delivery", headers.error());
  if (ctx().json) {
    nlohmann::json j = {{"scheme", o.scheme}, {"timestamp", ts}, {"headers", nlohmann::json::object()}};
    if (!id.empty()) j["id"] = id;
    for (const auto& h : *headers) j["headers"][h.name] = h.value;
    print_json(j);
    return exit_ok;
  }
  for (const auto& h : *headers) std::cout << h.name << ": " << h.value << "\n";
  std::cout.flush();
  return exit_ok;
}

// Verifies with one scheme and prints the outcome.
template <class Scheme>
int verify_with(const Scheme& scheme, const webhook_options& o) {
  const core::secret secret = trimmed_secret(read_secret(o.secret));
  const header_pairs headers = read_headers(o.headers, o.headers_file);
  if (headers.empty()) usage_error("give the delivery's headers with -H \"Name: value\" or --headers FILE");
  const std::string body = read_file(o.body, "the body");
  auto ring = webhook::key_ring::from_secrets(scheme, {secret.expose_secret_text()});
  if (!ring) bad_secret(o.scheme, ring.error());
  const std::int64_t now = o.at.empty() ? now_seconds() : parse_instant(o.at, "--at");
  webhook::verify_options vo;
  vo.tolerance = parse_duration(o.tolerance, "--tolerance");
  const webhook::verifier<Scheme, webhook::no_replay_check, fixed_clock> verifier(scheme, std::move(*ring),
                                                                                  webhook::no_replay_check{}, vo, clock_at(now));
  auto v = verifier.verify(headers, core::bytes_view(body));
  if (!v) return report_failure(v.error(), webhook_hints(v.error(), o, body, now, headers), {{"scheme", o.scheme}});
  if (ctx().json) {
    nlohmann::json j = {{"valid", true}, {"scheme", o.scheme}, {"id", std::string(v->id())}, {"id_signed", v->id_signed()}};
    if (auto t = v->timestamp()) {
      j["timestamp"] = *t;
      j["timestamp_utc"] = iso_utc(*t);
    }
    print_json(j);
    return exit_ok;
  }
  std::cout << "VALID  " << o.scheme << " webhook";
  if (!v->id().empty()) std::cout << ", delivery " << v->id() << (v->id_signed() ? "" : " (id not signed)");
  if (auto t = v->timestamp()) std::cout << ", signed at " << iso_utc(*t) << " (" << human_duration(now - *t) << " before the check)";
  else std::cout << " (this scheme signs no timestamp: a resend verifies too)";
  std::cout << "\n";
  std::cout.flush();
  return exit_ok;
}

// Dispatches sign or verify to the scheme chosen by --scheme.
int run(const webhook_options& o, bool sign) {
  const std::string header = o.header_name.empty() ? default_signature_header(o.scheme) : o.header_name;
  if (o.scheme == "standard") {
    if (!o.header_name.empty() || !o.id_header.empty())
      usage_error("Standard Webhooks fixes its header names: --header-name and --id-header do not apply");
    const webhook::standard_webhooks s;
    return sign ? sign_with(s, o) : verify_with(s, o);
  }
  if (o.scheme == "stripe") {
    if (sign && !o.id.empty() && o.id_header.empty()) usage_error("the stripe scheme signs no id: give --id-header to send one");
    const webhook::timestamped_scheme s(header, o.id_header);
    return sign ? sign_with(s, o) : verify_with(s, o);
  }
  if (sign && !o.timestamp.empty()) usage_error("the github scheme signs no timestamp: --timestamp does not apply");
  std::string id_header = o.id_header;
  if (sign && !o.id.empty() && id_header.empty()) id_header = "X-GitHub-Delivery";
  const webhook::body_only_scheme s(header, id_header);
  return sign ? sign_with(s, o) : verify_with(s, o);
}

// Adds the options both subcommands take.
void add_common(CLI::App* sub, webhook_options& o) {
  sub->add_option("--scheme", o.scheme, "standard (Standard Webhooks, default), stripe (t=,v1=) or github (sha256=)")
      ->check(CLI::IsMember({"standard", "stripe", "github"}));
  add_secret_options(sub, o.secret, "--secret-file", "--secret-env", "--secret-stdin", "the webhook secret", "--secret");
  sub->add_option("--body", o.body, "The raw body, from this file; - (default) for stdin")->type_name("FILE");
  sub->add_option("--header-name", o.header_name, "Signature header (stripe: Stripe-Signature, github: X-Hub-Signature-256)");
  sub->add_option("--id-header", o.id_header, "Unsigned delivery-id header (stripe, github), e.g. X-GitHub-Delivery");
}

}  // namespace

// webhook sign / verify.
void add_webhook_commands(CLI::App& app) {
  auto* group = app.add_subcommand("webhook", "Sign a test webhook delivery, or find out why one does not verify");
  group->require_subcommand(1);
  set_footer(group,
             "Schemes: standard = Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1,<base64>;\n"
             "whsec_ secrets); stripe = one header \"t=<unix>,v1=<hex>\" over \"{t}.{body}\"; github = \"sha256=<hex>\"\n"
             "over the body alone.\n\n"
             "Examples:\n"
             "  tessera webhook sign --scheme standard --secret-env WEBHOOK_SECRET --id msg_1 --body event.json\n"
             "  tessera webhook verify --scheme github --secret-file gh.secret -H \"X-Hub-Signature-256: sha256=...\" --body event.json");

  auto so = std::make_shared<webhook_options>();
  auto* sign = group->add_subcommand("sign", "Sign a delivery body and print the headers to send");
  add_common(sign, *so);
  sign->add_option("--id", so->id, "Delivery id (standard: default msg_<random>; github: sent as X-GitHub-Delivery)");
  sign->add_option("--timestamp", so->timestamp, "Signing time (default now); Unix seconds or ISO-8601, always sent as Unix seconds")
      ->type_name("TIME");
  set_footer(sign,
             "Prints one \"Name: value\" line per header (curl -H @file reads them).\n\n"
             "Examples:\n"
             "  tessera webhook sign --secret-file whsec.txt --id msg_2Lx --body event.json > headers.txt\n"
             "  printf '%s' '{\"type\":\"ping\"}' | tessera webhook sign --scheme stripe --secret-env STRIPE_WHSEC --timestamp 1767225600\n"
             "  tessera webhook sign --scheme github --secret-file gh.secret --id 72d3162e --body event.json");
  on_run(sign, [so] { return run(*so, true); });

  auto vo = std::make_shared<webhook_options>();
  auto* verify = group->add_subcommand("verify", "Verify a delivery's headers and raw body; explain a failure");
  add_common(verify, *vo);
  verify->add_option("-H,--header", vo->headers, "A received header, \"Name: value\" (repeatable)")->type_name("HEADER");
  verify->add_option("--headers", vo->headers_file, "A file of received headers, one \"Name: value\" per line")->type_name("FILE");
  verify->add_option("--tolerance", vo->tolerance, "Accepted clock difference either way (default 300s)");
  verify->add_option("--at", vo->at, "Check the timestamp as if now were this time (Unix seconds or ISO-8601)")->type_name("TIME");
  set_footer(verify,
             "Exits 0 when the delivery verifies; otherwise prints the error name, its HTTP status and hints\n"
             "(what the scheme signs, the body's length and SHA-256), and exits 1.\n\n"
             "Examples:\n"
             "  tessera webhook verify --secret-file whsec.txt --headers headers.txt --body event.json\n"
             "  tessera webhook verify --scheme stripe --secret-env STRIPE_WHSEC -H \"Stripe-Signature: t=1767225600,v1=5257a8...\" \\\n"
             "      --body event.json --at 1767225600");
  on_run(verify, [vo] { return run(*vo, false); });
}

}  // namespace tessera_cli
