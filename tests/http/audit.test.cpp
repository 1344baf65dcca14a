// Tests for tessera/http/audit.hpp: the memory sink's copies, capacity, take() and threads.
#include "tessera/http/audit.hpp"

#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;

static_assert(http::audit_sink<http::null_audit>);
static_assert(http::audit_sink<http::memory_audit>);

namespace {
http::audit_event stock_change(std::string_view actor, std::string_view reason) {
  http::audit_event e;
  e.at = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  e.action = "stock.adjust";
  e.allowed = true;
  e.credential = "bearer_token";
  e.actor = actor;
  e.tenant = "org_1";
  e.method = "PATCH";
  e.path = "/v2/orgs/org_1/stock/sku-9";
  e.reason = reason;
  return e;
}
}  // namespace

TEST_CASE("memory_audit keeps owned copies, oldest first, up to its capacity", "[http][audit]") {
  http::memory_audit audit(3);
  {
    std::string actor = "integration-17";
    std::string reason = "cycle count: 4 damaged";
    audit.record(stock_change(actor, reason));
    actor.assign(actor.size(), 'x');  // the sink copied: changing the caller's text changes nothing
    reason.clear();
  }
  auto events = audit.events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].actor == "integration-17");
  CHECK(events[0].reason == "cycle count: 4 damaged");
  CHECK(events[0].action == "stock.adjust");
  CHECK(events[0].allowed);
  CHECK(events[0].cause == errc{});
  CHECK(events[0].at == std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)));

  for (int i = 0; i < 4; ++i) audit.record(stock_change("actor-" + std::to_string(i), "r"));
  events = audit.events();
  REQUIRE(events.size() == 3);
  CHECK(events[0].actor == "actor-1");
  CHECK(events[2].actor == "actor-3");
  CHECK(audit.dropped() == 2);

  auto taken = audit.take();
  CHECK(taken.size() == 3);
  CHECK(audit.events().empty());
  audit.record(stock_change("after", "r"));
  CHECK(audit.events().size() == 1);

  http::memory_audit tiny(0);  // a capacity of 0 keeps the latest event
  tiny.record(stock_change("a", ""));
  tiny.record(stock_change("b", ""));
  REQUIRE(tiny.events().size() == 1);
  CHECK(tiny.events()[0].actor == "b");
}

TEST_CASE("memory_audit bounds every text it copies", "[http][audit]") {
  // An unauthenticated request's path is the attacker's: 1 MiB of it must not be kept whole.
  http::memory_audit audit;
  const std::string huge(std::size_t{1} << 20, 'p');
  http::audit_event e = stock_change(huge, huge);
  e.action = e.credential = e.tenant = e.method = e.path = huge;
  audit.record(e);
  auto events = audit.events();
  REQUIRE(events.size() == 1);
  const auto& r = events[0];
  for (const std::string* f : {&r.action, &r.credential, &r.actor, &r.tenant, &r.method, &r.path, &r.reason}) {
    CHECK(f->size() <= 256);
    CHECK(f->rfind("pppp", 0) == 0);  // the start is kept
  }
  CHECK(r.path.size() == http::memory_audit::default_max_field);
  CHECK(r.path.ends_with(http::audit_truncated));

  // Text within the bound is kept exactly; a narrower bound is honoured.
  const std::string fits(http::memory_audit::default_max_field, 'q');
  http::memory_audit narrow(10, 16);
  e = stock_change("integration-17", "cycle count: 4 damaged");
  e.path = fits;
  audit.record(e);
  narrow.record(e);
  CHECK(audit.events().back().path == fits);
  CHECK(audit.events().back().actor == "integration-17");
  CHECK(narrow.events()[0].actor == "integration-17");
  CHECK(narrow.events()[0].reason.size() == 16);
  CHECK(narrow.events()[0].reason.ends_with(http::audit_truncated));
}

TEST_CASE("memory_audit records from several threads", "[http][audit][concurrency]") {
  http::memory_audit audit(1'000'000);
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t)
    pool.emplace_back([&, t] {
      const std::string actor = "actor-" + std::to_string(t);
      for (int i = 0; i < 500; ++i) audit.record(stock_change(actor, "r"));
    });
  for (auto& th : pool) th.join();
  auto events = audit.events();
  CHECK(events.size() == 2000);
  std::size_t of_actor0 = 0;
  for (const auto& e : events) of_actor0 += e.actor == "actor-0" ? 1 : 0;
  CHECK(of_actor0 == 500);
}
