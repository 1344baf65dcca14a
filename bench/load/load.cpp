// The load run: the org-scoped reference server under mixed traffic for a fixed time, on
// loopback, checked answer by answer.
//
//   tessera_load --server build/load/examples/tessera-server-org_scoped [--seconds 30] [--threads 2]
//
// It starts the server, provisions keys and tokens through the server's own admin and token
// endpoints, then keeps `threads` keep-alive connections busy with a fixed rotation of requests,
// each with the one status it must get:
//   valid token, GET orders .............. 200     token of another org ............ 403
//   read-only token creating an order .... 403     forged token signature .......... 401
//   token of a revoked key ............... 401     junk Authorization header ....... 401
//   no credential ........................ 401     API key on a token route ........ 401
// and prints requests/s, latency percentiles, the count of each status, wrong verdicts, 5xx,
// and the server's resident memory after warm-up and at the end. Exit status 1 on any wrong
// verdict or 5xx.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {
using clock_type = std::chrono::steady_clock;

struct kind {
  std::string name, method, path;
  httplib::Headers headers;
  std::string body;
  int expect;
  int weight;
};

// The server's resident set size, in KiB (VmRSS of /proc/<pid>/status).
long rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "load: %s\n", what.c_str());
  std::exit(2);
}
}  // namespace

int main(int argc, char** argv) {
  std::string server;
  int seconds = 30, threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--server" && i + 1 < argc) server = argv[++i];
    else if (a == "--seconds" && i + 1 < argc) seconds = std::max(1, std::min(600, std::atoi(argv[++i])));
    else if (a == "--threads" && i + 1 < argc) threads = std::max(1, std::min(64, std::atoi(argv[++i])));
    else fail("usage: tessera_load --server PATH [--seconds N] [--threads N]");
  }
  if (server.empty()) fail("--server is required");

  // ---- Start the server; its first line names its port and admin key --------------------------
  int out[2];
  if (pipe(out) != 0) fail("pipe");
  const std::string audit = "/tmp/tessera-load-audit-" + std::to_string(getpid()) + ".jsonl";
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(server.c_str(), server.c_str(), "--port", "0", "--audit-file", audit.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string hello;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') hello.push_back(c);
  auto h = nlohmann::json::parse(hello, nullptr, false);
  if (!h.is_object()) fail("the server did not start");
  const int port = h["port"];
  const std::string admin_key = h["admin_key"];

  httplib::Client admin("127.0.0.1", port);
  auto new_key = [&](const std::string& org, nlohmann::json scopes) {
    auto r = admin.Post(("/admin/orgs/" + org + "/api-keys").c_str(), httplib::Headers{{"ApiKey", admin_key}},
                        nlohmann::json{{"scopes", scopes}}.dump(), "application/json");
    if (!r || r->status != 201) fail("cannot create an API key");
    return nlohmann::json::parse(r->body);
  };
  auto token_of = [&](const std::string& key) {
    auto r = admin.Post("/auth/token", httplib::Headers{{"ApiKey", key}}, "", "application/json");
    if (!r || r->status != 200) fail("cannot exchange an API key");
    return nlohmann::json::parse(r->body)["access_token"].get<std::string>();
  };
  const auto full = new_key("org_a", {"orders:read", "orders:write"});
  const auto reader = new_key("org_a", {"orders:read"});
  const auto doomed = new_key("org_a", {"orders:read"});
  const std::string t_full = token_of(full["api_key"]), t_read = token_of(reader["api_key"]);
  const std::string t_doomed = token_of(doomed["api_key"]);
  if (auto r = admin.Delete(("/admin/api-keys/" + doomed["key_id"].get<std::string>()).c_str(),
                            httplib::Headers{{"ApiKey", admin_key}});
      !r || r->status != 200)
    fail("cannot revoke a key");
  std::string forged = t_full;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';

  auto bearer = [](const std::string& t) { return httplib::Headers{{"Authorization", "Bearer " + t}}; };
  const std::vector<kind> kinds = {
      {"valid token", "GET", "/v2/orgs/org_a/orders", bearer(t_full), "", 200, 8},
      {"another org's path", "GET", "/v2/orgs/org_b/orders", bearer(t_full), "", 403, 1},
      {"missing scope", "POST", "/v2/orgs/org_a/orders", bearer(t_read), R"({"items":[]})", 403, 1},
      {"forged signature", "GET", "/v2/orgs/org_a/orders", bearer(forged), "", 401, 1},
      {"revoked key's token", "GET", "/v2/orgs/org_a/orders", bearer(t_doomed), "", 401, 1},
      {"junk Authorization", "GET", "/v2/orgs/org_a/orders", {{"Authorization", "Bearer !!!"}}, "", 401, 1},
      {"no credential", "GET", "/v2/orgs/org_a/orders", {}, "", 401, 1},
      {"API key on a token route", "GET", "/v2/orgs/org_a/orders", {{"ApiKey", full["api_key"]}}, "", 401, 1},
  };
  std::vector<std::size_t> rotation;
  for (std::size_t i = 0; i < kinds.size(); ++i)
    for (int w = 0; w < kinds[i].weight; ++w) rotation.push_back(i);

  // ---- Run: warm-up, then the measured period ------------------------------------------------
  struct tally {
    std::vector<double> latency_us;
    std::map<int, long> statuses;
    std::vector<long> wrong;  // per kind
    long errors = 0;
  };
  auto run = [&](int secs, std::vector<tally>& out) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    out.assign(threads, tally{});
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        httplib::Client cli("127.0.0.1", port);
        cli.set_keep_alive(true);
        cli.set_tcp_nodelay(true);
        tally& mine = out[t];
        mine.wrong.assign(kinds.size(), 0);
        mine.latency_us.reserve(1 << 20);
        for (std::size_t n = t; !stop.load(std::memory_order_relaxed); ++n) {
          const kind& k = kinds[rotation[n % rotation.size()]];
          const auto start = clock_type::now();
          auto r = k.method == "GET" ? cli.Get(k.path.c_str(), k.headers)
                                     : cli.Post(k.path.c_str(), k.headers, k.body, "application/json");
          const auto us = std::chrono::duration<double, std::micro>(clock_type::now() - start).count();
          if (!r) {
            ++mine.errors;
            continue;
          }
          mine.latency_us.push_back(us);
          ++mine.statuses[r->status];
          if (r->status != k.expect) ++mine.wrong[rotation[n % rotation.size()]];
        }
      });
    std::this_thread::sleep_for(std::chrono::seconds(secs));
    stop = true;
    for (auto& th : pool) th.join();
  };
  std::vector<tally> warm, main_run;
  run(std::min(5, seconds), warm);
  const long rss_before = rss_kib(pid);
  const auto t0 = clock_type::now();
  run(seconds, main_run);
  const double elapsed = std::chrono::duration<double>(clock_type::now() - t0).count();
  const long rss_after = rss_kib(pid);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::remove(audit.c_str());

  // ---- Report ----------------------------------------------------------------------------------
  std::vector<double> lat;
  std::map<int, long> statuses;
  std::vector<long> wrong(kinds.size(), 0);
  long errors = 0;
  for (auto& t : main_run) {
    lat.insert(lat.end(), t.latency_us.begin(), t.latency_us.end());
    for (auto [s, n] : t.statuses) statuses[s] += n;
    for (std::size_t i = 0; i < kinds.size(); ++i) wrong[i] += t.wrong[i];
    errors += t.errors;
  }
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) { return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, static_cast<std::size_t>(p * lat.size()))]; };
  long total_wrong = 0, server_errors = 0;
  for (long w : wrong) total_wrong += w;
  for (auto [s, n] : statuses)
    if (s >= 500) server_errors += n;
  std::printf("load: org-scoped server, %d connections, %.0f s, mixed traffic (%zu kinds)\n", threads, elapsed, kinds.size());
  std::printf("  requests        %zu (%.0f/s)\n", lat.size(), lat.size() / elapsed);
  std::printf("  latency (us)    p50 %.0f  p90 %.0f  p99 %.0f  max %.0f\n", pct(0.5), pct(0.9), pct(0.99), lat.empty() ? 0.0 : lat.back());
  std::printf("  statuses       ");
  for (auto [s, n] : statuses) std::printf(" %d: %ld", s, n);
  std::printf("\n  wrong verdicts  %ld   5xx %ld   transport errors %ld\n", total_wrong, server_errors, errors);
  for (std::size_t i = 0; i < kinds.size(); ++i)
    if (wrong[i]) std::printf("    %s: %ld wrong\n", kinds[i].name.c_str(), wrong[i]);
  std::printf("  server RSS      %ld KiB after warm-up, %ld KiB at the end (%+ld KiB)\n", rss_before, rss_after, rss_after - rss_before);
  nlohmann::json j = {{"requests", lat.size()}, {"rps", lat.size() / elapsed}, {"p50_us", pct(0.5)}, {"p90_us", pct(0.9)},
                      {"p99_us", pct(0.99)}, {"wrong", total_wrong}, {"server_errors", server_errors},
                      {"transport_errors", errors}, {"rss_before_kib", rss_before}, {"rss_after_kib", rss_after}};
  std::printf("%s\n", j.dump().c_str());
  return total_wrong == 0 && server_errors == 0 && errors == 0 ? 0 : 1;
}
