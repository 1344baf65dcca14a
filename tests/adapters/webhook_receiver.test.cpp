// Tests for tessera/webhook/receiver.hpp behind a real cpp-httplib server on 127.0.0.1, with an
// httplib::Client playing the platform: the configured token processes an event once and
// acknowledges its second delivery without processing; a wrong, missing, doubled or repeated
// credential is answered 401 with tessera's JSON error body and burns no event id.
#include "tessera/webhook/receiver.hpp"

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "adapters/live_server.hpp"
#include "support/catch.hpp"
#include "tessera/adapters/httplib.hpp"
#include "tessera/http/error_response.hpp"

using namespace tessera;
namespace adapter = tessera::adapters::httplib;

namespace {
const std::string token = "whk_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const std::string key = "ak_live_9zYxWvUtSrQpOnMlKjIhGfEdCbA";

using adapters_test::live_server;

// The commerce platform's endpoint on our side: authenticate, deduplicate, process once.
struct endpoint {
  core::memory_replay_store seen;
  webhook::receiver<webhook::static_credentials, webhook::header_event_id> rx;
  std::atomic<int> processed{0};
  live_server server;

  endpoint()
      : rx(make_credentials(), webhook::header_event_id{"X-Event-Id"}, seen),
        server([this](httplib::Server& s) {
          s.Post("/hooks/commerce", [this](const httplib::Request& req, httplib::Response& res) {
            auto v = rx.verify(adapter::request(req));
            if (!v) return adapter::write(res, http::make_error_response(v.error()));
            if (v->should_process()) ++processed;  // the event's work would run here
            res.status = 200;
            res.set_content(nlohmann::json{{"processed", v->should_process()}}.dump(), "application/json");
          });
        }) {}

  static webhook::static_credentials make_credentials() {
    auto c = webhook::static_credentials::bearer_or_api_key(core::secret(core::bytes_view(token)), "X-Api-Key",
                                                            core::secret(core::bytes_view(key)));
    REQUIRE(c);
    return std::move(*c);
  }
};

// The platform's delivery of an event with the given headers.
httplib::Result deliver(int port, httplib::Headers headers) {
  httplib::Client platform("127.0.0.1", port);
  platform.set_connection_timeout(std::chrono::seconds(2));
  platform.set_read_timeout(std::chrono::seconds(2));
  return platform.Post("/hooks/commerce", headers, R"({"type":"order.paid","order":"o-1"})", "application/json");
}
}  // namespace

TEST_CASE("the platform's event is processed once; a second delivery is acknowledged", "[adapters][receiver]") {
  endpoint e;
  auto first = deliver(e.server.port, {{"Authorization", "Bearer " + token}, {"X-Event-Id", "evt_1001"}});
  REQUIRE(first);
  CHECK(first->status == 200);
  CHECK(nlohmann::json::parse(first->body)["processed"] == true);

  auto again = deliver(e.server.port, {{"Authorization", "Bearer " + token}, {"X-Event-Id", "evt_1001"}});
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(nlohmann::json::parse(again->body)["processed"] == false);

  auto by_key = deliver(e.server.port, {{"X-Api-Key", key}, {"X-Event-Id", "evt_1002"}});
  REQUIRE(by_key);
  CHECK(by_key->status == 200);
  CHECK(nlohmann::json::parse(by_key->body)["processed"] == true);
  CHECK(e.processed == 2);
}

TEST_CASE("wrong, missing, doubled and repeated credentials are answered 401", "[adapters][receiver]") {
  endpoint e;
  struct refusal {
    httplib::Headers headers;
    std::string error;
  };
  const std::vector<refusal> refusals{
      {{{"Authorization", "Bearer whk_wrongwrongwrongwrongwrongwrong"}}, "invalid_credentials"},
      {{{"X-Api-Key", "ak_live_wrongwrongwrongwrongwrongwrong"}}, "invalid_credentials"},
      {{}, "missing_credentials"},
      {{{"Authorization", "Bearer " + token}, {"X-Api-Key", key}}, "malformed_credentials"},
      {{{"X-Api-Key", key}, {"X-Api-Key", key}}, "malformed_credentials"},
      {{{"X-Api-Key", "junk"}, {"x-api-key", key}}, "malformed_credentials"},
      {{{"Authorization", "Bearer " + token}, {"Authorization", "Bearer " + token}}, "malformed_credentials"},
  };
  for (const auto& r : refusals) {
    auto headers = r.headers;
    headers.emplace("X-Event-Id", "evt_2001");
    auto answer = deliver(e.server.port, headers);
    REQUIRE(answer);
    CHECK(answer->status == 401);
    auto body = nlohmann::json::parse(answer->body);
    CHECK(body["error"] == r.error);
    CHECK(answer->body.find(token) == std::string::npos);
    CHECK(answer->body.find(key) == std::string::npos);
  }
  CHECK(e.processed == 0);
  CHECK(e.seen.size() == 0);  // no refused call burned the event id...
  auto genuine = deliver(e.server.port, {{"Authorization", "Bearer " + token}, {"X-Event-Id", "evt_2001"}});
  REQUIRE(genuine);
  CHECK(genuine->status == 200);
  CHECK(nlohmann::json::parse(genuine->body)["processed"] == true);  // ...so the real one is processed
  CHECK(e.processed == 1);

  // An authenticated call without an event id is a 400, and processes nothing.
  auto no_id = deliver(e.server.port, {{"X-Api-Key", key}});
  REQUIRE(no_id);
  CHECK(no_id->status == 400);
  CHECK(nlohmann::json::parse(no_id->body)["error"] == "missing_header");
  CHECK(e.processed == 1);
}
