// Tests for tessera/webhook/receiver.hpp: a platform's call authenticated by a static Bearer token
// or API key (never both, never a header sent twice), its event id read from a header or the JSON
// body, and a second delivery of the same event acknowledged without processing — recorded only
// once the credential verified.
#include "tessera/webhook/receiver.hpp"
#include "tessera/webhook/json_event_id.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using request_signing::request;

namespace {
const std::string token = "tok_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const std::string key = "ak_live_9zYxWvUtSrQpOnMlKjIhGfEdCbA";

core::secret secret_of(std::string_view s) { return core::secret(core::bytes_view(s)); }

webhook::static_credentials both() {
  auto c = webhook::static_credentials::bearer_or_api_key(secret_of(token), "X-Api-Key", secret_of(key));
  REQUIRE(c);
  return std::move(*c);
}

// A POST from the platform with the given headers and body.
request call(std::vector<std::pair<std::string, std::string>> headers, std::string body = R"({"id":"evt_1"})") {
  request r("POST", "/hooks/commerce", "", std::move(body));
  for (auto& [n, v] : headers) r.set_header(n, v);
  return r;
}

// A replay store that can forget, counting what it is asked.
struct forgetting_store {
  std::mutex mu;
  std::set<std::string> keys;
  int remembered = 0;
  result<bool> remember(std::string_view k, std::chrono::system_clock::time_point, std::chrono::seconds) noexcept {
    std::lock_guard lock(mu);
    ++remembered;
    return keys.emplace(k).second;
  }
  result<void> forget(std::string_view k) noexcept {
    std::lock_guard lock(mu);
    keys.erase(std::string(k));
    return core::ok();
  }
};

// A store that is down.
struct broken_store {
  result<bool> remember(std::string_view, std::chrono::system_clock::time_point, std::chrono::seconds) noexcept {
    return unexpected{errc::store_unavailable};
  }
};
}  // namespace

static_assert(webhook::inbound_authenticator<webhook::static_credentials>);
static_assert(webhook::event_id_source<webhook::header_event_id>);
static_assert(webhook::event_id_source<webhook::json_event_id>);
static_assert(webhook::releasable_replay_store<forgetting_store>);
static_assert(!webhook::releasable_replay_store<core::memory_replay_store>);

TEST_CASE("the configured token or key is accepted, and a second delivery is not processed", "[webhook][receiver]") {
  core::memory_replay_store seen;
  webhook::receiver rx(both(), webhook::header_event_id{"X-Event-Id"}, seen);

  auto first = rx.verify(call({{"Authorization", "Bearer " + token}, {"X-Event-Id", "evt_1"}}));
  REQUIRE(first);
  CHECK(first->should_process());
  CHECK(first->event_id == "evt_1");
  CHECK(first->credential == webhook::inbound_credential::bearer_token);

  auto again = rx.verify(call({{"Authorization", "Bearer " + token}, {"X-Event-Id", "evt_1"}}));
  REQUIRE(again);
  CHECK(again->action == webhook::delivery_action::already_processed);
  CHECK_FALSE(again->should_process());

  auto by_key = rx.verify(call({{"x-api-key", key}, {"x-event-id", "evt_2"}}));
  REQUIRE(by_key);
  CHECK(by_key->should_process());
  CHECK(by_key->credential == webhook::inbound_credential::api_key);
  // The same event again, under the other credential: still one event.
  auto by_key_again = rx.verify(call({{"X-Api-Key", key}, {"X-Event-Id", "evt_1"}}));
  REQUIRE(by_key_again);
  CHECK_FALSE(by_key_again->should_process());
}

TEST_CASE("missing, malformed, wrong and doubled credentials are refused", "[webhook][receiver]") {
  core::memory_replay_store seen;
  webhook::receiver rx(both(), webhook::header_event_id{"X-Event-Id"}, seen);
  auto err = [&](std::vector<std::pair<std::string, std::string>> h) {
    h.emplace_back("X-Event-Id", "evt_x");
    auto v = rx.verify(call(std::move(h)));
    REQUIRE_FALSE(v);
    return v.error();
  };
  CHECK(err({}) == errc::missing_credentials);
  CHECK(err({{"Authorization", "Bearer tok_wrongwrongwrongwrongwrongwrong"}}) == errc::invalid_credentials);
  CHECK(err({{"X-Api-Key", "ak_live_wrongwrongwrongwrongwrongwrong"}}) == errc::invalid_credentials);
  CHECK(err({{"Authorization", token}}) == errc::malformed_credentials);
  CHECK(err({{"Authorization", "Basic " + token}}) == errc::malformed_credentials);
  CHECK(err({{"X-Api-Key", ""}}) == errc::missing_credentials);
  CHECK(err({{"X-Api-Key", " " + key}}) == errc::malformed_credentials);
  // Both credentials at once, even both valid.
  CHECK(err({{"Authorization", "Bearer " + token}, {"X-Api-Key", key}}) == errc::malformed_credentials);
  CHECK(err({{"Authorization", "Bearer junk"}, {"X-Api-Key", key}}) == errc::malformed_credentials);
  // A header sent twice, as a request view reports it (field lines combined with ", ").
  CHECK(err({{"X-Api-Key", key + ", " + key}}) == errc::malformed_credentials);
  CHECK(err({{"X-Api-Key", "junk, " + key}}) == errc::malformed_credentials);
  CHECK(err({{"Authorization", "Bearer " + token + ", Bearer " + token}}) == errc::malformed_credentials);
  CHECK(err({{"Authorization", "Bearer junk, Bearer " + token}}) == errc::malformed_credentials);
  // Nothing was remembered for any refused call.
  CHECK(seen.size() == 0);
}

TEST_CASE("a header container with a repeated name is refused as well", "[webhook][receiver]") {
  core::memory_replay_store seen;
  webhook::receiver rx(both(), webhook::header_event_id{"X-Event-Id"}, seen);
  using headers_t = std::vector<std::pair<std::string, std::string>>;
  const std::string body = "{}";
  auto v = rx.verify(headers_t{{"X-Api-Key", key}, {"x-api-key", key}, {"X-Event-Id", "e"}}, core::bytes_view(body));
  CHECK(v.error() == errc::malformed_credentials);
  v = rx.verify(headers_t{{"Authorization", "Bearer " + token}, {"authorization", "Bearer " + token},
                          {"X-Event-Id", "e"}},
                core::bytes_view(body));
  CHECK(v.error() == errc::malformed_credentials);
  v = rx.verify(headers_t{{"X-Api-Key", key}, {"X-Event-Id", "e1"}, {"X-Event-Id", "e2"}}, core::bytes_view(body));
  CHECK(v.error() == errc::malformed_header);
  v = rx.verify(headers_t{{"X-Api-Key", key}, {"X-Event-Id", "e1"}}, core::bytes_view(body));
  REQUIRE(v);
  CHECK(v->should_process());
}

TEST_CASE("an unauthenticated caller cannot burn an event id", "[webhook][receiver]") {
  forgetting_store store;
  webhook::receiver rx(both(), webhook::header_event_id{"X-Event-Id"}, store);
  for (const auto& h : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"X-Event-Id", "evt_9"}},
           {{"Authorization", "Bearer tok_wrongwrongwrongwrongwrongwrong"}, {"X-Event-Id", "evt_9"}},
           {{"Authorization", "Bearer " + token}, {"X-Api-Key", key}, {"X-Event-Id", "evt_9"}}}) {
    CHECK_FALSE(rx.verify(call(h)));
  }
  CHECK(store.remembered == 0);
  auto v = rx.verify(call({{"Authorization", "Bearer " + token}, {"X-Event-Id", "evt_9"}}));
  REQUIRE(v);
  CHECK(v->should_process());  // the genuine delivery is still processed
  CHECK(store.remembered == 1);
}

TEST_CASE("event ids: missing, malformed, from the JSON body", "[webhook][receiver]") {
  core::memory_replay_store seen;
  {
    webhook::receiver rx(both(), webhook::header_event_id{"X-Event-Id"}, seen);
    const std::pair<std::string, std::string> auth{"X-Api-Key", key};
    CHECK(rx.verify(call({auth})).error() == errc::missing_header);
    CHECK(rx.verify(call({auth, {"X-Event-Id", "a, b"}})).error() == errc::malformed_header);
    CHECK(rx.verify(call({auth, {"X-Event-Id", "has space"}})).error() == errc::malformed_header);
    CHECK(rx.verify(call({auth, {"X-Event-Id", std::string(webhook::max_event_id_size + 1, 'a')}})).error() ==
          errc::malformed_header);
    CHECK(rx.verify(call({auth, {"X-Event-Id", std::string(webhook::max_event_id_size, 'a')}})));
  }
  {
    webhook::receiver rx(both(), webhook::json_event_id{"data.event_id"}, seen);
    const std::pair<std::string, std::string> auth{"Authorization", "Bearer " + token};
    auto v = rx.verify(call({auth}, R"({"type":"order.paid","data":{"event_id":"ev-7","x":[1,2]}})"));
    REQUIRE(v);
    CHECK(v->event_id == "ev-7");
    CHECK(v->should_process());
    v = rx.verify(call({auth}, R"({"data":{"x":1,"event_id":"ev-7"},"type":"order.paid"})"));
    REQUIRE(v);
    CHECK_FALSE(v->should_process());
    v = rx.verify(call({auth}, R"({"data":{"event_id":123456789012}})"));
    REQUIRE(v);
    CHECK(v->event_id == "123456789012");
    CHECK(rx.verify(call({auth}, R"({"data":{"event_id":"a","event_id":"b"}})")).error() == errc::malformed_request);
    CHECK(rx.verify(call({auth}, R"({"data":{"event_id":1.5}})")).error() == errc::malformed_request);
    CHECK(rx.verify(call({auth}, R"({"data":{"event_id":""}})")).error() == errc::malformed_request);
    CHECK(rx.verify(call({auth}, R"({"data":{}})")).error() == errc::missing_field);
    CHECK(rx.verify(call({auth}, R"({"data":"ev"})")).error() == errc::malformed_request);
    CHECK(rx.verify(call({auth}, R"({"data":)")).error() == errc::malformed_request);
    CHECK(rx.verify(call({auth}, "")).error() == errc::missing_field);
    // Authentication comes first: a bad body from an unauthenticated caller is a 401, not a 400.
    CHECK(rx.verify(call({}, "not json")).error() == errc::missing_credentials);
  }
  {
    webhook::json_event_id small;
    small.max_body_bytes = 16;
    webhook::receiver rx(both(), small, seen);
    CHECK(rx.verify(call({{"X-Api-Key", key}}, R"({"id":"evt_123456789"})")).error() == errc::input_too_large);
  }
}

TEST_CASE("receivers in one store keep their namespaces apart; a failed store fails closed", "[webhook][receiver]") {
  core::memory_replay_store seen;
  webhook::receiver_options a_opts, b_opts;
  a_opts.replay_namespace = "platform-a";
  b_opts.replay_namespace = "platform-b";
  webhook::receiver a(both(), webhook::header_event_id{"X-Event-Id"}, seen, a_opts);
  webhook::receiver b(both(), webhook::header_event_id{"X-Event-Id"}, seen, b_opts);
  const auto r = call({{"X-Api-Key", key}, {"X-Event-Id", "evt_1"}});
  CHECK(a.verify(r)->should_process());
  CHECK(b.verify(r)->should_process());
  CHECK_FALSE(a.verify(r)->should_process());

  broken_store down;
  webhook::receiver c(both(), webhook::header_event_id{"X-Event-Id"}, down);
  CHECK(c.verify(r).error() == errc::store_unavailable);
  CHECK(core::http_status(errc::store_unavailable) == 503);
}

TEST_CASE("an event whose processing failed can be released and delivered again", "[webhook][receiver]") {
  forgetting_store store;
  webhook::receiver rx(both(), webhook::header_event_id{"X-Event-Id"}, store);
  const auto r = call({{"X-Api-Key", key}, {"X-Event-Id", "evt_5"}});
  auto v = rx.verify(r);
  REQUIRE(v);
  REQUIRE(v->should_process());
  CHECK(rx.release(*v));
  auto retry = rx.verify(r);
  REQUIRE(retry);
  CHECK(retry->should_process());
  CHECK_FALSE(rx.verify(r)->should_process());
}

TEST_CASE("credential configuration is checked", "[webhook][receiver]") {
  CHECK(webhook::static_credentials::bearer(secret_of("short")).error() == errc::secret_too_short);
  CHECK(webhook::static_credentials::bearer(secret_of("tok with spaces 0123456789abcdef")).error() ==
        errc::invalid_secret);
  CHECK(webhook::static_credentials::api_key("X-Api-Key", secret_of("ak_live_9zYxWvUtSrQp,OnMlKjIhGfEdCbA")).error() ==
        errc::invalid_secret);
  CHECK(webhook::static_credentials::api_key("X Api Key", secret_of(key)).error() == errc::invalid_argument);
  CHECK(webhook::static_credentials::bearer_or_api_key(secret_of(token), "authorization", secret_of(key)).error() ==
        errc::invalid_argument);
  CHECK(webhook::static_credentials::make(std::nullopt, std::nullopt).error() == errc::invalid_argument);
  CHECK(webhook::static_credentials::make(webhook::header_credential::api_key("X-Api-Key", key), std::nullopt).error() ==
        errc::invalid_argument);

  // Rotation: two accepted tokens, API keys not accepted (their header is then no credential).
  auto rot = webhook::static_credentials::make(webhook::header_credential::bearer({token, token + "_next"}), std::nullopt);
  REQUIRE(rot);
  CHECK(rot->accepts_bearer());
  CHECK(rot->api_key_header().empty());
  core::memory_replay_store seen;
  webhook::receiver rx(std::move(*rot), webhook::header_event_id{}, seen);
  CHECK(rx.verify(call({{"Authorization", "Bearer " + token + "_next"}, {"webhook-id", "m1"}})));
  CHECK(rx.verify(call({{"Authorization", "Bearer " + token}, {"X-Api-Key", key}, {"webhook-id", "m2"}})));
  CHECK(rx.verify(call({{"X-Api-Key", key}, {"webhook-id", "m3"}})).error() == errc::missing_credentials);
}
