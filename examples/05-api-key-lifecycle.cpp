// 05 — API-key lifecycle: generate a key, show it once, verify it on a request, revoke it, and
// see the very next call refused.
//
// The server never stores a key: only HMAC-SHA256(pepper, key), where the pepper is a server
// secret (from your secret manager) that carries a version so it can be rotated. The key text
// itself exists once, in the secret the generator returns, and is handed to its owner.
#include <tessera/api_key.hpp>

#include <cstdio>
#include <map>
#include <string>

namespace {
// Prints the outcome of a verification: the key id on success, the cause and status otherwise.
void report(const char* what, const tessera::result<tessera::api_key::verified_key>& r) {
  if (r) {
    std::printf("%-34s accepted: key %.*s of %.*s\n", what, static_cast<int>(r->key_id().size()), r->key_id().data(),
                static_cast<int>(r->tenant().size()), r->tenant().data());
  } else {
    auto name = tessera::core::name(r.error());
    std::printf("%-34s refused: %.*s (HTTP %d)\n", what, static_cast<int>(name.size()), name.data(),
                tessera::core::http_status(r.error()));
  }
}
}  // namespace

int main() {
  using namespace tessera;
  using namespace std::chrono_literals;

  // 1. Server set-up: a pepper (version 1), a key store, a generator and a verifier.
  auto pepper = core::random_secret(32);  // in production: loaded from a secret manager
  if (!pepper) return 1;
  auto peppers = api_key::pepper_ring::create(1, pepper->expose_secret());
  if (!peppers) return 1;
  api_key::memory_key_store store;
  const api_key::key_format format{"ak", "live", 30};  // keys look like ak_live_<30 random><6 checksum>
  auto generator = api_key::generator<>::create(format, *peppers);
  auto verifier = api_key::verifier<>::create(format, *peppers, store);
  if (!generator || !verifier) return 1;

  // 2. An admin creates a key for the ERP integration of org_42 and shows it once.
  api_key::key_spec spec;
  spec.tenant = "org_42";
  spec.scopes = {"orders:read", "stock:write"};
  spec.integration = "erp";
  spec.description = "ERP connector (production)";
  spec.lifetime = 365 * 24h;
  auto issued = generator->issue(store, spec);
  if (!issued) return 1;
  const std::string key(issued->key.expose_secret_text());
  std::printf("new key, shown once: %s\n", key.c_str());
  std::printf("stored: id %s, tenant %s, pepper v%u, no key\n\n", issued->record.key_id.c_str(),
              issued->record.tenant.c_str(), issued->record.digest.pepper_version);

  // 3. The partner calls /v2/orgs/org_42/orders with the key in its ApiKey header.
  std::map<std::string, std::string> headers{{"apikey", key}, {"Accept", "application/json"}};
  auto ok = verifier->verify_request(headers, "org_42");
  report("GET /v2/orgs/org_42/orders", ok);
  if (ok) std::printf("%-34s may write stock: %s\n", "", ok->has_scope("stock:write") ? "yes" : "no");

  // The same key on another org's path, and a mistyped key, are refused before anything else.
  auto other = verifier->verify_request(headers, "org_7");
  report("GET /v2/orgs/org_7/orders", other);
  std::string typo = key;
  typo[12] = typo[12] == 'a' ? 'b' : 'a';
  auto mistyped = verifier->verify(typo, "org_42");
  report("a mistyped key", mistyped);

  // 4. The admin revokes the key; the very next call is refused.
  if (!store.revoke(issued->record.key_id, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())))
    return 1;
  auto after = verifier->verify_request(headers, "org_42");
  report("after revocation", after);

  const bool as_expected = ok && other.error() == errc::wrong_tenant && mistyped.error() == errc::api_key_bad_checksum &&
                           after.error() == errc::api_key_revoked;
  return as_expected ? 0 : 1;
}
