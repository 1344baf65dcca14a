// Tests for tessera/http/audit_file.hpp: one valid JSON object per line, rotation by size with N
// files kept, bounded fields (UTF-8 kept whole), threads, drops on I/O failure, and the rule that
// keeps credentials out of the trail: after a run of requests with known tokens, API keys and
// signatures through the authenticator, no line of the file holds any of them.
#include "tessera/http/audit_file.hpp"

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/fixtures.hpp"
#include "support/catch.hpp"
#include "tessera/http/authenticator.hpp"
#include "tessera/http/business_event.hpp"

using namespace tessera;
namespace fs = std::filesystem;

static_assert(http::audit_sink<http::file_audit>);

namespace {
// A fresh folder under /tmp, removed with everything in it at the end of the test.
struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/tessera-audit.XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(std::string_view name) const { return (path / name).string(); }
};

// The lines of a file (without their '\n'); the file must end with one.
std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::vector<std::string> out;
  if (text.empty()) return out;
  CHECK(text.back() == '\n');
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    out.push_back(text.substr(start, nl - start));
  return out;
}

// Every line parsed (each must be one JSON object).
std::vector<nlohmann::json> parsed(const std::string& path) {
  std::vector<nlohmann::json> out;
  for (const auto& line : lines_of(path)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    INFO(line);
    REQUIRE(j.is_object());
    out.push_back(std::move(j));
  }
  return out;
}

http::audit_event stock_change(std::string_view reason, std::string_view target = "stock/sku-1") {
  http::audit_event e;
  e.at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
  e.action = "stock.adjust";
  e.allowed = true;
  e.credential = "bearer_token";
  e.actor = "integration-17";
  e.tenant = "org_1";
  e.method = "PATCH";
  e.path = "/v2/orgs/org_1/stock/sku-1";
  e.target = target;
  e.request_id = "req-9";
  e.reason = reason;
  return e;
}
}  // namespace

TEST_CASE("file_audit writes one JSON object per line with every field", "[http][audit][file]") {
  temp_dir dir;
  const auto path = dir.file("audit.jsonl");
  {
    http::file_audit audit({.path = path});
    audit.record(stock_change("cycle count: 4 damaged \"boxes\"\n\ttab \xe2\x9c\x93"));
    http::audit_event refused = stock_change("");
    refused.action = "authenticate";
    refused.allowed = false;
    refused.cause = errc::tenant_mismatch;
    audit.record(refused);
    audit.record(stock_change("not utf-8: \xff\xfe"));
    CHECK(audit.written() == 3);
    CHECK(audit.dropped() == 0);
    CHECK(audit.sync());
  }
  CHECK((fs::status(path).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  auto lines = lines_of(path);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].rfind(R"({"at":"2023-11-14T22:13:20.123Z","action":"stock.adjust","allowed":true,"cause":null,)", 0) == 0);
  auto events = parsed(path);
  REQUIRE(events.size() == 3);
  const auto& e = events[0];
  CHECK(e["at"] == "2023-11-14T22:13:20.123Z");
  CHECK(e["action"] == "stock.adjust");
  CHECK(e["allowed"] == true);
  CHECK(e["cause"].is_null());
  CHECK(e["credential"] == "bearer_token");
  CHECK(e["actor"] == "integration-17");
  CHECK(e["tenant"] == "org_1");
  CHECK(e["method"] == "PATCH");
  CHECK(e["path"] == "/v2/orgs/org_1/stock/sku-1");
  CHECK(e["target"] == "stock/sku-1");
  CHECK(e["request_id"] == "req-9");
  CHECK(e["reason"] == "cycle count: 4 damaged \"boxes\"\n\ttab \xe2\x9c\x93");
  CHECK(e.size() == 12);
  CHECK(events[1]["allowed"] == false);
  CHECK(events[1]["cause"] == "tenant_mismatch");
  CHECK(events[2]["reason"] == "not utf-8: \xef\xbf\xbd\xef\xbf\xbd");  // U+FFFD for each bad byte

  // Reopening appends.
  http::file_audit again({.path = path});
  again.record(stock_change("after reopen"));
  CHECK(parsed(path).size() == 4);
  // Times before 1970 are written too.
  auto old = stock_change("old");
  old.at = std::chrono::system_clock::time_point(std::chrono::milliseconds(-1));
  again.record(old);
  CHECK(parsed(path).back()["at"] == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("file_audit rotates by size and keeps N files", "[http][audit][file]") {
  temp_dir dir;
  const auto path = dir.file("audit.jsonl");
  const std::size_t line_size = http::audit_json_line(stock_change("event 0000")).size();
  http::file_audit audit({.path = path, .max_file_bytes = 4096, .keep = 3});
  constexpr int total = 200;
  for (int i = 0; i < total; ++i) {
    char reason[16];
    std::snprintf(reason, sizeof reason, "event %04d", i);
    audit.record(stock_change(reason));
  }
  CHECK(audit.written() == total);
  CHECK(audit.dropped() == 0);
  const std::size_t per_file = 4096 / line_size;
  CHECK(audit.rotations() == (total - 1) / per_file);
  CHECK(fs::exists(path + ".1"));
  CHECK(fs::exists(path + ".2"));
  CHECK(fs::exists(path + ".3"));
  CHECK_FALSE(fs::exists(path + ".4"));
  // Oldest file first: the kept events are the latest ones, in order, each file within the bound.
  std::vector<int> seen;
  for (const std::string& f : {path + ".3", path + ".2", path + ".1", path}) {
    CHECK(fs::file_size(f) <= 4096);
    for (const auto& j : parsed(f)) seen.push_back(std::stoi(j["reason"].get<std::string>().substr(6)));
  }
  REQUIRE(!seen.empty());
  CHECK(seen.back() == total - 1);
  CHECK(seen.size() == per_file * 3 + static_cast<std::size_t>(total - per_file * audit.rotations()));
  for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i] == seen[i - 1] + 1);

  // keep = 0: the file is started afresh, no other file made.
  const auto solo = dir.file("solo.jsonl");
  http::file_audit single({.path = solo, .max_file_bytes = 1024, .keep = 0});
  for (int i = 0; i < 30; ++i) single.record(stock_change("x"));
  CHECK(single.rotations() > 0);
  CHECK_FALSE(fs::exists(solo + ".1"));
  CHECK(fs::file_size(solo) <= 1024);
  CHECK(single.written() == 30);
}

TEST_CASE("file_audit with flush_interval gathers lines and writes them together, rotation unchanged",
          "[http][audit][file]") {
  temp_dir dir;
  const auto path = dir.file("audit.jsonl");
  const std::size_t line_size = http::audit_json_line(stock_change("event 0000")).size();
  constexpr int total = 200;
  {
    // An interval far longer than the test: lines reach the file only through flush() and the
    // destructor.
    http::file_audit audit({.path = path, .max_file_bytes = 4096, .keep = 100,
                            .flush_interval = std::chrono::hours(1)});
    for (int i = 0; i < total / 2; ++i) {
      char reason[16];
      std::snprintf(reason, sizeof reason, "event %04d", i);
      audit.record(stock_change(reason));
    }
    CHECK(audit.written() == 0);
    CHECK(lines_of(path).empty());
    audit.flush();
    CHECK(audit.written() == total / 2);
    for (int i = total / 2; i < total; ++i) {
      char reason[16];
      std::snprintf(reason, sizeof reason, "event %04d", i);
      audit.record(stock_change(reason));
    }
    CHECK(audit.written() == total / 2);
    CHECK(audit.dropped() == 0);
  }  // the destructor writes the second half
  // Every line, in order, each file within the bound, rotated where one line at a time rotates.
  const std::size_t per_file = 4096 / line_size;
  std::vector<int> seen;
  for (std::size_t k = 100; k >= 1; --k) {
    const std::string f = path + "." + std::to_string(k);
    if (!fs::exists(f)) continue;
    CHECK(fs::file_size(f) <= 4096);
    CHECK(fs::file_size(f) == per_file * line_size);
    for (const auto& j : parsed(f)) seen.push_back(std::stoi(j["reason"].get<std::string>().substr(6)));
  }
  CHECK(fs::file_size(path) <= 4096);
  for (const auto& j : parsed(path)) seen.push_back(std::stoi(j["reason"].get<std::string>().substr(6)));
  REQUIRE(seen.size() == total);
  for (int i = 0; i < total; ++i) CHECK(seen[static_cast<std::size_t>(i)] == i);
}

TEST_CASE("file_audit with flush_interval writes within the interval, and bounds what waits", "[http][audit][file]") {
  temp_dir dir;
  SECTION("the sink's thread writes a line within a few intervals, without flush()") {
    const auto path = dir.file("audit.jsonl");
    http::file_audit audit({.path = path, .flush_interval = std::chrono::milliseconds(20)});
    audit.record(stock_change("soon"));
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (audit.written() == 0 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(audit.written() == 1);
    auto events = parsed(path);
    REQUIRE(events.size() == 1);
    CHECK(events[0]["reason"] == "soon");
  }
  SECTION("lines beyond max_pending_bytes are dropped and counted, the rest written") {
    const auto path = dir.file("bounded.jsonl");
    const std::size_t line_size = http::audit_json_line(stock_change("x")).size();
    http::file_audit audit({.path = path, .flush_interval = std::chrono::hours(1), .max_pending_bytes = line_size * 10});
    for (int i = 0; i < 25; ++i) audit.record(stock_change("x"));
    CHECK(audit.dropped() == 15);
    REQUIRE(audit.sync());  // sync() writes what waits, then asks the disk to keep it
    CHECK(audit.written() == 10);
    CHECK(parsed(path).size() == 10);
    audit.record(stock_change("x"));  // room again once written
    audit.flush();
    CHECK(audit.written() == 11);
  }
  SECTION("a folder for a path: the gathered lines are dropped and counted when written") {
    http::file_audit audit({.path = dir.path.string(), .flush_interval = std::chrono::hours(1)});
    audit.record(stock_change("a"));
    audit.record(stock_change("b"));
    audit.flush();
    CHECK(audit.written() == 0);
    CHECK(audit.dropped() == 2);
  }
}

TEST_CASE("file_audit bounds every field, cutting UTF-8 only between characters", "[http][audit][file]") {
  temp_dir dir;
  const auto path = dir.file("audit.jsonl");
  http::file_audit audit({.path = path, .max_field = 64});
  // An unauthenticated request's path and a server's careless reason are anyone's text: a fake
  // token beyond the bound never reaches the file, and 1 MiB of text is not kept whole.
  const std::string fake_token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz";
  const std::string huge(std::size_t{1} << 20, 'p');
  const std::string reason = std::string(100, 'r') + fake_token;
  const std::string with_query = "/v2/orgs/org_1/stock?" + std::string(80, 'q') + "access_token=" + fake_token;
  http::audit_event e = stock_change(reason);
  e.path = with_query;
  e.action = e.credential = e.actor = e.tenant = e.method = e.target = e.request_id = huge;
  audit.record(e);
  // A multi-byte character straddling the cut is dropped whole.
  const std::string checks = std::string(49, 'a') + "\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93";
  audit.record(stock_change(checks));
  auto lines = lines_of(path);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].size() < 12 * 64 + 256);
  CHECK(lines[0].find(fake_token) == std::string::npos);
  CHECK(lines[0].find(fake_token.substr(0, 20)) == std::string::npos);
  auto events = parsed(path);
  for (const char* f : {"action", "credential", "actor", "tenant", "method", "path", "target", "request_id", "reason"}) {
    CAPTURE(f);
    const auto v = events[0][f].get<std::string>();
    CHECK(v.size() == 64);
    CHECK(v.ends_with(http::audit_truncated));
  }
  const auto cut = events[1]["reason"].get<std::string>();
  CHECK(cut == std::string(49, 'a') + std::string(http::audit_truncated));  // 49 + 3 > 50 bytes of room
  CHECK(cut.find("\xef\xbf\xbd") == std::string::npos);  // no replacement character: nothing was split
}

TEST_CASE("file_audit from several threads: whole lines, none lost", "[http][audit][file][concurrency]") {
  temp_dir dir;
  const auto path = dir.file("audit.jsonl");
  // At once, and gathered by the sink's thread while the recording threads run.
  const auto interval = GENERATE(std::chrono::milliseconds(0), std::chrono::milliseconds(1));
  CAPTURE(interval.count());
  http::file_audit audit({.path = path, .max_file_bytes = 64 * 1024, .keep = 100, .max_wait = std::chrono::seconds(10),
                          .flush_interval = interval});
  constexpr int threads = 4, each = 500;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      const std::string actor = "actor-" + std::to_string(t);
      for (int i = 0; i < each; ++i) {
        const std::string reason = "r" + std::to_string(i);  // the event views it: it must outlive record()
        auto e = stock_change(reason);
        e.actor = actor;
        audit.record(e);
      }
    });
  for (auto& th : pool) th.join();
  audit.flush();
  CHECK(audit.written() == threads * each);
  CHECK(audit.dropped() == 0);
  CHECK(audit.rotations() > 0);
  std::vector<int> per_actor(threads, 0);
  std::size_t total = 0;
  for (const auto& entry : fs::directory_iterator(dir.path)) {
    for (const auto& j : parsed(entry.path().string())) {
      ++total;
      const auto actor = j["actor"].get<std::string>();
      per_actor[static_cast<std::size_t>(actor.back() - '0')]++;
    }
  }
  CHECK(total == threads * each);
  for (int n : per_actor) CHECK(n == each);
}

TEST_CASE("file_audit drops, and counts, what it cannot write", "[http][audit][file]") {
  temp_dir dir;
  SECTION("the path is a folder") {
    http::file_audit audit({.path = dir.path.string()});
    audit.record(stock_change("a"));
    audit.record(stock_change("b"));
    CHECK(audit.written() == 0);
    CHECK(audit.dropped() == 2);
    CHECK_FALSE(audit.sync());
  }
  SECTION("the folder does not exist yet; the file opens once it does (after reopen_interval)") {
    const auto path = dir.file("later/audit.jsonl");
    http::file_audit audit({.path = path, .reopen_interval = std::chrono::milliseconds(0)});
    audit.record(stock_change("a"));
    CHECK(audit.dropped() == 1);
    fs::create_directory(dir.path / "later");
    audit.record(stock_change("b"));
    CHECK(audit.written() == 1);
    auto events = parsed(path);
    REQUIRE(events.size() == 1);
    CHECK(events[0]["reason"] == "b");
  }
  SECTION("a file ending inside a line (a crash mid-write): the next line starts on a line of its own") {
    const auto path = dir.file("audit.jsonl");
    {
      std::ofstream out(path, std::ios::binary);
      out << R"({"at":"2023-11-14T22:13:20.000Z","action":"stock.ad)";
    }
    http::file_audit audit({.path = path});
    audit.record(stock_change("after"));
    auto lines = lines_of(path);
    REQUIRE(lines.size() == 2);
    CHECK(nlohmann::json::parse(lines[1])["reason"] == "after");
  }
}

TEST_CASE("the authenticator's records never hold a token, API key or signature", "[http][audit][file][secrets]") {
  temp_dir dir;
  const auto path = dir.file("audit.jsonl");
  http_fixture::world w;
  http::file_audit audit({.path = path});
  http::authenticator org_api(audit, http::no_rate_limit{}, {}, http::bearer_method(w.tokens, {.tenant = "org_id"}),
                              http::api_key_method(w.keys));
  http::authenticator partner_api(audit, http::no_rate_limit{}, {}, http::signed_request_method(w.tokens, w.signatures));
  const http::route orders{.pattern = "/v2/orgs/{orgId}/orders", .tenant = "orgId", .scopes = {"orders:read"}};
  const http::route partner_orders{.pattern = "/api/v1/orders"};

  std::vector<std::string> secrets;
  const std::string tok = w.token({{"org_id", "org_1"}, {"scope", "orders:read"}});
  const std::string key = w.key("org_1", {"orders:read"}, "key_erp");
  const std::string other_key = w.key("org_2", {"orders:read"}, "key_other");
  const std::string partner_tok = w.token({{"client_id", "partner-42"}}, "partner-42");
  secrets = {tok, key, other_key, partner_tok};
  auto add_parts = [&](const std::string& jwt_text) {  // each part of a JWT on its own (the signature above all)
    const auto d1 = jwt_text.find('.'), d2 = jwt_text.rfind('.');
    secrets.push_back(jwt_text.substr(d1 + 1, d2 - d1 - 1));
    secrets.push_back(jwt_text.substr(d2 + 1));
  };
  add_parts(tok);
  add_parts(partner_tok);

  using http_fixture::make_request;
  const std::string bearer = "Bearer " + tok;
  // Allowed and refused requests of every kind, with credentials also where they do not belong.
  CHECK(org_api.authenticate(make_request("GET", "/v2/orgs/org_1/orders", {{"Authorization", bearer}}), orders));
  CHECK_FALSE(org_api.authenticate(make_request("GET", "/v2/orgs/org_2/orders", {{"Authorization", bearer}}), orders));
  CHECK_FALSE(org_api.authenticate(make_request("GET", "/v2/orgs/org_1/orders", {{"Authorization", bearer + "x"}}), orders));
  CHECK_FALSE(org_api.authenticate(make_request("GET", "/v2/orgs/org_1/orders", {{"Authorization", tok}}), orders));
  CHECK_FALSE(org_api.authenticate(
      make_request("GET", "/v2/orgs/org_1/orders?access_token=" + tok + "&api_key=" + key, {}), orders));
  CHECK(org_api.authenticate(make_request("GET", "/v2/orgs/org_1/orders", {{"ApiKey", key}}), orders));
  CHECK_FALSE(org_api.authenticate(make_request("GET", "/v2/orgs/org_1/orders", {{"ApiKey", other_key}}), orders));
  CHECK_FALSE(org_api.authenticate(make_request("GET", "/v2/orgs/org_1/orders", {{"ApiKey", key + "0"}}), orders));
  CHECK_FALSE(org_api.authenticate(
      make_request("GET", "/v2/orgs/org_1/orders", {{"ApiKey", key}, {"Authorization", bearer}}), orders));

  auto signed_order = make_request("POST", "/api/v1/orders", {{"Authorization", "Bearer " + partner_tok}});
  w.sign(signed_order);
  REQUIRE(signed_order.header("X-SIGNATURE"));
  secrets.emplace_back(*signed_order.header("X-SIGNATURE"));
  CHECK(partner_api.authenticate(signed_order, partner_orders));
  auto forged = signed_order;
  forged.set_header("X-SIGNATURE", "AAAA" + std::string(*signed_order.header("X-SIGNATURE")).substr(4));
  secrets.emplace_back(*forged.header("X-SIGNATURE"));
  CHECK_FALSE(partner_api.authenticate(forged, partner_orders));

  // A business event by the token's principal, as a handler records it.
  auto who = org_api.authenticate(make_request("GET", "/v2/orgs/org_1/orders", {{"Authorization", bearer}}), orders);
  REQUIRE(who);
  audit.record(http::business_event(*who, "stock.adjust", "stock/sku-1", "cycle count"));

  CHECK(audit.dropped() == 0);
  const auto lines = lines_of(path);
  CHECK(lines.size() == 13);
  CHECK(audit.written() == lines.size());
  for (const auto& line : lines) {
    CHECK(nlohmann::json::parse(line, nullptr, false).is_object());
    for (const auto& s : secrets) {
      CAPTURE(line);
      CHECK(line.find(s) == std::string::npos);
      CHECK(line.find(s.substr(0, 16)) == std::string::npos);
    }
  }
  // The trail still says who: subjects, key ids and client ids.
  auto events = parsed(path);
  CHECK(events[0]["actor"] == "integration-17");
  CHECK(events[5]["actor"] == "key_erp");
  CHECK(events[4]["path"] == "/v2/orgs/org_1/orders");  // the query string is never taken
  CHECK(events.back()["action"] == "stock.adjust");
  CHECK(events.back()["target"] == "stock/sku-1");
}

namespace {
// The same line built with nlohmann_json (ordered members, invalid UTF-8 replaced): the reference
// the direct writer must match byte for byte.
std::string reference_line(const http::audit_event& e, std::size_t max_field) {
  auto line = http::audit_json_line(e, max_field);  // for the "at" text, which both write alike
  const auto at = nlohmann::json::parse(line)["at"].get<std::string>();
  auto text = [&](std::string_view v) { return http::detail::bounded_text(v, max_field); };
  nlohmann::ordered_json j;
  j["at"] = at;
  j["action"] = text(e.action);
  j["allowed"] = e.allowed;
  if (e.cause == errc{}) j["cause"] = nullptr;
  else j["cause"] = std::string(core::name(e.cause));
  j["credential"] = text(e.credential);
  j["actor"] = text(e.actor);
  j["tenant"] = text(e.tenant);
  j["method"] = text(e.method);
  j["path"] = text(e.path);
  j["target"] = text(e.target);
  j["request_id"] = text(e.request_id);
  j["reason"] = text(e.reason);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}
}  // namespace

TEST_CASE("audit lines are byte for byte what nlohmann_json writes, for any bytes", "[http][audit][file]") {
  std::vector<std::string> texts = {"",
                                    "plain",
                                    "quote \" backslash \\ slash /",
                                    std::string("controls \x01\x1f\x7f \b\f\n\r\t", 17),
                                    std::string("nul \0 inside", 12),
                                    "UTF-8: \xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80",
                                    "bad: \xff\xfe \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82 end \xf0\x9f\x98",
                                    "cut after a lead byte \xe2"};
  std::uint32_t x = 12345;
  for (int i = 0; i < 300; ++i) {  // random bytes, biased towards UTF-8's lead and continuation bytes
    std::string t;
    const int len = static_cast<int>(x % 40);
    for (int k = 0; k < len; ++k) {
      x = x * 1103515245u + 12345u;
      const unsigned r = (x >> 16) & 0xff;
      t.push_back(static_cast<char>(r % 3 == 0 ? 0x80 + r % 64 : r % 3 == 1 ? 0xc0 + r % 64 : r));
    }
    x = x * 1103515245u + 12345u;
    texts.push_back(t);
  }
  for (std::size_t max_field : {std::size_t{256}, std::size_t{20}}) {
    for (const auto& t : texts) {
      CAPTURE(t, max_field);
      http::audit_event e = stock_change(t);
      e.actor = t;
      e.cause = t.size() % 2 ? errc::bad_signature : errc{};
      e.allowed = e.cause == errc{};
      CHECK(http::audit_json_line(e, max_field) == reference_line(e, max_field));
    }
  }
}
