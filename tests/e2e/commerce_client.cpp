// The calling side of the commerce platform (examples/servers/commerce), as an integrator writes
// it: one client::caller over tessera's cpp-httplib client, two tenants with an API user each,
// one cached token per tenant, renewal before expiry, one renewal and retry after a 401, 403 as
// final, and jittered backoff on 429 that honours Retry-After. Driven by tests/e2e/commerce.py:
//
//   stdin, line 1: {"base_url": "http://127.0.0.1:PORT",
//                   "tenants": [{"tenant","clientId","clientSecret","store"}, {...}]}   (two tenants)
//   stdout:        {"phase":"ready"}   once every phase up to the 401 has run; then it waits for a
//   stdin, line 2: "go"                 (the suite has meanwhile deactivated and reactivated the
//                                        first tenant's user, so the token the caller holds is dead)
//   stdout:        one JSON summary line; exit status 0 when every step went as expected.
//
// The first tenant's user is an ApiUser of its store, the second a CommerceUser. Secrets arrive on
// stdin (never on the command line) and no token or secret is ever printed. Time for renewal is a
// manual clock, moved forward by the program, so "ten days later" takes no time.
#include <tessera/adapters/httplib_client.hpp>
#include <tessera/client.hpp>
#include <tessera/core/clock.hpp>

#include <openssl/crypto.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {
using namespace tessera;
using nlohmann::json;

// The http_client the caller sends through: tessera's cpp-httplib client, with a record of what
// was sent (method, path and status only: never a header or a body).
class recording_http {
 public:
  explicit recording_http(adapters::httplib::client_options o) : inner_(std::move(o)) {}

  result<client::http_response> send(const client::http_request& r) noexcept {
    auto answer = inner_.send(r);
    try {
      std::lock_guard lock(mu_);
      const bool login = r.url.ends_with("/api/token");
      if (login) ++logins_;
      else statuses_.push_back(answer ? answer->status : 0);
      if (answer && answer->status == 429) last_retry_after_ = std::string(answer->header("Retry-After").value_or(""));
    } catch (...) {
    }
    return answer;
  }

  // Logins sent so far.
  int logins() {
    std::lock_guard lock(mu_);
    return logins_;
  }
  // API statuses seen so far (logins not included).
  std::vector<int> statuses() {
    std::lock_guard lock(mu_);
    return statuses_;
  }
  std::string last_retry_after() {
    std::lock_guard lock(mu_);
    return last_retry_after_;
  }

 private:
  adapters::httplib::client<> inner_;
  std::mutex mu_;
  int logins_ = 0;
  std::vector<int> statuses_;
  std::string last_retry_after_;
};
static_assert(client::http_client<recording_http>);

// Sleeps for real, and remembers how long each wait was.
class recording_sleeper {
 public:
  void sleep_for(std::chrono::milliseconds d) const noexcept {
    client::thread_sleeper{}.sleep_for(d);
    try {
      std::lock_guard lock(mu_);
      slept_.push_back(d.count());
    } catch (...) {
    }
  }
  std::vector<long long> slept() const {
    std::lock_guard lock(mu_);
    return slept_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::vector<long long> slept_;
};
static_assert(client::sleeper<recording_sleeper>);

using caller_type = client::caller<recording_http&, client::json_token_shape, client::tenant_clients,
                                     const recording_sleeper&, webhook::random_jitter, const core::manual_clock&>;

struct tenant_config {
  std::string tenant, store;
};

// One call and what it cost: its outcome, attempts, new logins and the statuses it saw.
struct step {
  client::call_result result;
  int logins = 0;
  std::vector<int> statuses;
  std::size_t slept_from = 0;
};

std::string error_name(const client::call_result& r) { return std::string(core::name(r.error)); }
}  // namespace

int main() {
  std::string line;
  if (!std::getline(std::cin, line)) return 2;
  json config = json::parse(line, nullptr, false);
  OPENSSL_cleanse(line.data(), line.size());
  if (!config.is_object() || !config["tenants"].is_array() || config["tenants"].size() != 2) return 2;

  const std::string base = config.value("base_url", "");
  client::tenant_clients logins;
  std::vector<tenant_config> tenants;
  for (auto& t : config["tenants"]) {
    if (!t.is_object() || !t["clientSecret"].is_string()) return 2;
    auto& secret = t["clientSecret"].get_ref<std::string&>();
    logins.add(t.value("tenant", ""), t.value("clientId", ""), core::secret(core::bytes_view(secret)));
    OPENSSL_cleanse(secret.data(), secret.size());
    tenants.push_back({t.value("tenant", ""), t.value("store", "")});
  }

  adapters::httplib::client_options http_opts;
  http_opts.guard.allow_http = true;      // the reference server listens on plain http ...
  http_opts.guard.allow_loopback = true;  // ... on 127.0.0.1
  recording_http http(std::move(http_opts));
  recording_sleeper sleeper;
  core::manual_clock clock(core::unix_seconds(core::system_clock{}));

  client::caller_options opts;
  opts.token_url = base + "/api/token";
  opts.cache.renew_before = std::chrono::minutes(5);
  opts.retry.base_delay = std::chrono::milliseconds(200);
  opts.retry.max_attempts = 4;
  opts.retry.max_delay = std::chrono::seconds(5);
  caller_type api(http, std::move(logins), opts, client::commerce_token_shape(), sleeper, webhook::random_jitter{}, clock);

  auto call = [&](const tenant_config& t, std::string method, const std::string& path, std::string body = "") {
    step s;
    const int logins_before = http.logins();
    const std::size_t seen_before = http.statuses().size();
    s.slept_from = sleeper.slept().size();
    client::http_request r;
    r.method = std::move(method);
    r.url = base + path;
    if (!body.empty()) {
      r.body = std::move(body);
      r.headers.emplace_back("Content-Type", "application/json");
    }
    s.result = api.call(t.tenant, std::move(r));
    s.logins = http.logins() - logins_before;
    auto all = http.statuses();
    s.statuses.assign(all.begin() + static_cast<std::ptrdiff_t>(seen_before), all.end());
    return s;
  };
  auto me = [](const step& s) -> std::string {
    if (!s.result || !s.result.response) return "";
    auto j = json::parse(s.result.response->body, nullptr, false);
    return j.is_object() ? j.value("tenant", "") : "";
  };

  const tenant_config& nordic = tenants[0];
  const tenant_config& svea = tenants[1];
  json summary = json::object();
  bool ok = true;

  // 1. One token per tenant: several calls each, one login each; /api/me names the tenant.
  step n_me = call(nordic, "GET", "/api/me");
  step n1 = call(nordic, "GET", "/api/stores/" + nordic.store + "/orders");
  step n2 = call(nordic, "GET", "/api/stores/" + nordic.store + "/orders");
  step s_me = call(svea, "GET", "/api/me");
  step s1 = call(svea, "POST", "/api/stores/" + svea.store + "/orders", R"({"items":[{"sku":"B-7","qty":1}]})");
  summary["tenants"] = {{nordic.tenant, {{"me", me(n_me)}, {"calls_ok", n_me.result.ok() && n1.result.ok() && n2.result.ok()}}},
                        {svea.tenant, {{"me", me(s_me)}, {"calls_ok", s_me.result.ok() && s1.result.ok()}}}};
  summary["first_logins"] = {{nordic.tenant, n_me.logins + n1.logins + n2.logins}, {svea.tenant, s_me.logins + s1.logins}};
  ok = ok && n_me.result.ok() && n1.result.ok() && n2.result.ok() && s_me.result.ok() && s1.result.ok() &&
       s1.result.response->status == 201;

  // 2. 403 is final: the ApiUser may not place orders; no retry, no new login.
  step f = call(nordic, "POST", "/api/stores/" + nordic.store + "/orders", R"({"items":[]})");
  summary["forbidden"] = {{"error", error_name(f.result)}, {"attempts", f.result.attempts}, {"logins", f.logins}};

  // 3. 429: call until the per-user limit answers; the caller waits Retry-After (full jitter
  //    below it) and the call then succeeds.
  int before_429 = 0;
  step limited;
  for (int i = 0; i < 20; ++i) {
    limited = call(svea, "GET", "/api/stores/" + svea.store + "/orders");
    if (!limited.result || limited.result.attempts > 1) break;
    ++before_429;
  }
  auto slept = sleeper.slept();
  json waits = json::array();
  for (std::size_t i = limited.slept_from; i < slept.size(); ++i) waits.push_back(slept[i]);
  summary["rate_limited"] = {{"ok", limited.result.ok()},
                             {"attempts", limited.result.attempts},
                             {"calls_before_429", before_429},
                             {"retry_after", http.last_retry_after()},
                             {"slept_ms", waits},
                             {"statuses", limited.statuses}};
  ok = ok && limited.result.ok();

  // 4. Proactive renewal: ten days less four minutes later, the token is still valid but within
  //    renew_before; the next call logs in first, and the API never answers 401.
  clock.advance(std::chrono::seconds(864000 - 240));
  step renewed = call(nordic, "GET", "/api/stores/" + nordic.store + "/orders");
  summary["renewal"] = {{"ok", renewed.result.ok()}, {"attempts", renewed.result.attempts}, {"logins", renewed.logins},
                        {"statuses", renewed.statuses}};

  // 5. A 401 from a revoked token: renewed once, the call retried once.
  std::printf("{\"phase\":\"ready\"}\n");
  std::fflush(stdout);
  if (!std::getline(std::cin, line) || line != "go") return 2;
  step again = call(nordic, "GET", "/api/stores/" + nordic.store + "/orders");
  summary["retry_401"] = {{"ok", again.result.ok()}, {"attempts", again.result.attempts}, {"logins", again.logins},
                          {"statuses", again.statuses}};
  ok = ok && renewed.result.ok() && again.result.ok() && f.result.error == errc::forbidden;

  summary["ok"] = ok;
  std::printf("%s\n", summary.dump().c_str());
  return ok ? 0 : 1;
}
