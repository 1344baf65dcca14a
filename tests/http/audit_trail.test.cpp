// Tests for the audit trail as a server uses it: business events built from a principal
// (tessera/http/business_event.hpp), the target and request id fields, and memory_audit's reads
// per tenant (tessera/http/audit.hpp), which never show one tenant another's records.
#include "tessera/http/business_event.hpp"

#include <chrono>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "tessera/http/audit.hpp"
#include "tessera/http/audit_file.hpp"
#include "tessera/request_signing/request.hpp"

using namespace tessera;

namespace {
http::principal principal_of(std::string subject, std::string tenant,
                             http::credential_kind kind = http::credential_kind::bearer_token) {
  http::principal p;
  p.kind = kind;
  p.subject = std::move(subject);
  p.tenant = std::move(tenant);
  return p;
}
const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
}  // namespace

TEST_CASE("business_event: actor, tenant and credential from the principal; action, target, reason from the server",
          "[http][audit][trail]") {
  const auto who = principal_of("integration-17", "org_1");
  auto e = http::business_event(who, "stock.adjust", "stock/sku-1", "cycle count: 4 damaged", t0);
  CHECK(e.at == t0);
  CHECK(e.action == "stock.adjust");
  CHECK(e.allowed);
  CHECK(e.cause == errc{});
  CHECK(e.credential == "bearer_token");
  CHECK(e.actor == "integration-17");
  CHECK(e.tenant == "org_1");
  CHECK(e.target == "stock/sku-1");
  CHECK(e.reason == "cycle count: 4 damaged");
  CHECK(e.method.empty());
  CHECK(e.path.empty());
  CHECK(e.request_id.empty());

  // With the request: its method, path (never the query) and correlation id.
  request_signing::request req("PATCH", "/v2/orgs/org_1/stock/sku-1", "api_key=never-kept", R"({"delta":-4})");
  req.set_header("x-request-id", "req-7f3a");
  const auto key_holder = principal_of("key_erp", "org_1", http::credential_kind::api_key);
  auto r = http::business_event(key_holder, req, "stock.adjust", "stock/sku-1", "cycle count", t0);
  CHECK(r.credential == "api_key");
  CHECK(r.actor == "key_erp");
  CHECK(r.method == "PATCH");
  CHECK(r.path == "/v2/orgs/org_1/stock/sku-1");
  CHECK(r.request_id == "req-7f3a");
  req.remove_header("X-Request-Id");
  req.set_header("X-Correlation-Id", "corr-1");
  CHECK(http::business_event(key_holder, req, "a", "t", "r", t0).request_id.empty());
  CHECK(http::business_event(key_holder, req, "a", "t", "r", t0, "X-Correlation-Id").request_id == "corr-1");

  // The default time is now.
  const auto before = std::chrono::system_clock::now();
  const auto stamped = http::business_event(who, "a", "t", "r").at;
  CHECK(stamped >= before);
  CHECK(stamped <= std::chrono::system_clock::now());
}

TEST_CASE("business events and the authenticator's decisions go through one sink", "[http][audit][trail]") {
  http::memory_audit audit;
  const auto who = principal_of("integration-17", "org_1");
  // One line per action, as a handler writes it.
  audit.record(http::business_event(who, "stock.adjust", "stock/sku-1", "cycle count", t0));
  auto refused = http::business_event(who, "order.status_change", "orders/ord_9", "shipped -> pending not allowed", t0);
  refused.allowed = false;
  refused.cause = errc::forbidden;
  audit.record(refused);
  const std::string target = "deliveries/" + std::string("dlv_1");
  audit.record(http::business_event(principal_of("partner-42", "org_1", http::credential_kind::signed_request),
                                    "delivery.accept", target, "", t0));

  auto events = audit.events();
  REQUIRE(events.size() == 3);
  CHECK(events[0].target == "stock/sku-1");
  CHECK(events[0].reason == "cycle count");
  CHECK(events[1].action == "order.status_change");
  CHECK_FALSE(events[1].allowed);
  CHECK(events[1].cause == errc::forbidden);
  CHECK(events[1].target == "orders/ord_9");
  CHECK(events[2].credential == "signed_request");
  CHECK(events[2].actor == "partner-42");
  CHECK(events[2].target == "deliveries/dlv_1");

  // The new fields are bounded like the others.
  http::memory_audit narrow(10, 32);
  const std::string huge(4096, 't');
  auto big = http::business_event(who, "stock.adjust", huge, "r", t0);
  big.request_id = huge;
  narrow.record(big);
  CHECK(narrow.events()[0].target.size() == 32);
  CHECK(narrow.events()[0].target.ends_with(http::audit_truncated));
  CHECK(narrow.events()[0].request_id.size() == 32);

  // A JSON line carries them too.
  const auto line = nlohmann::json::parse(http::audit_json_line(http::business_event(who, "stock.adjust", "stock/sku-1", "c", t0)));
  CHECK(line["target"] == "stock/sku-1");
  CHECK(line["actor"] == "integration-17");
}

TEST_CASE("memory_audit::for_tenant returns a tenant's own records only", "[http][audit][trail]") {
  http::memory_audit audit(100);
  const auto a1 = principal_of("integration-17", "org_1");
  const auto a2 = principal_of("integration-18", "org_1");
  const auto b = principal_of("integration-17", "org_12");
  for (int i = 0; i < 3; ++i) {
    const std::string target = "stock/sku-" + std::to_string(i);
    audit.record(http::business_event(a1, "stock.adjust", target, "r", t0));
    audit.record(http::business_event(b, "stock.adjust", target, "r", t0));
  }
  audit.record(http::business_event(a2, "order.create", "orders/ord_1", "", t0));
  http::audit_event anonymous;  // refused before any credential was verified: no tenant
  anonymous.action = "authenticate";
  anonymous.cause = errc::missing_credentials;
  anonymous.path = "/v2/orgs/org_1/orders";
  audit.record(anonymous);

  auto org1 = audit.for_tenant("org_1");
  REQUIRE(org1.size() == 4);
  for (const auto& r : org1) CHECK(r.tenant == "org_1");
  CHECK(org1[0].target == "stock/sku-0");  // oldest first
  CHECK(org1[2].target == "stock/sku-2");
  CHECK(org1[3].actor == "integration-18");
  CHECK(audit.for_tenant("org_12").size() == 3);
  // Exact match only: no prefix, no other case.
  CHECK(audit.for_tenant("org_").empty());
  CHECK(audit.for_tenant("ORG_1").empty());
  CHECK(audit.for_tenant("org_123").empty());
  // Records without a tenant belong to no tenant (only "" reads them).
  auto none = audit.for_tenant("");
  REQUIRE(none.size() == 1);
  CHECK(none[0].cause == errc::missing_credentials);
  // Reading does not consume.
  CHECK(audit.events().size() == 8);
  CHECK(audit.for_tenant("org_1").size() == 4);
  // Capacity still bounds what is kept: the oldest go first.
  http::memory_audit small(2);
  small.record(http::business_event(a1, "x", "t1", "", t0));
  small.record(http::business_event(b, "x", "t2", "", t0));
  small.record(http::business_event(a1, "x", "t3", "", t0));
  auto kept = small.for_tenant("org_1");
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].target == "t3");
  CHECK(small.dropped() == 1);
}

TEST_CASE("for_tenant: tenants cut by the field bound never match each other", "[http][audit][trail]") {
  http::memory_audit audit(10, 32);
  // Two long tenants sharing their first 18 bytes are kept as the same cut text.
  const std::string t1 = std::string(40, 'x') + "-one";
  const std::string t2 = std::string(40, 'x') + "-two";
  audit.record(http::business_event(principal_of("s", t1), "a", "t", "", t0));
  audit.record(http::business_event(principal_of("s", t2), "a", "t", "", t0));
  const auto events = audit.events();
  REQUIRE(events.size() == 2);
  CHECK(events[0].tenant == events[1].tenant);
  CHECK(audit.for_tenant(t1).empty());
  CHECK(audit.for_tenant(t2).empty());
  CHECK(audit.for_tenant(events[0].tenant).empty());  // the cut text itself reads nothing
  // A tenant within the bound is read exactly.
  const std::string fits(32, 'y');
  audit.record(http::business_event(principal_of("s", fits), "a", "t", "", t0));
  CHECK(audit.for_tenant(fits).size() == 1);
}

TEST_CASE("memory_audit cuts UTF-8 text between characters", "[http][audit][trail]") {
  http::memory_audit audit(10, 20);
  // 5 ASCII bytes, then 3-byte characters: the room before the marker (6 bytes) ends inside one.
  const std::string text = "abcde\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93";
  http::audit_event e;
  e.reason = text;
  audit.record(e);
  CHECK(audit.events()[0].reason == "abcde" + std::string(http::audit_truncated));
  // Text that is not UTF-8 is cut at the bound.
  const std::string binary(40, '\x80');
  e.reason = binary;
  audit.record(e);
  CHECK(audit.events()[1].reason.size() == 20);
}
