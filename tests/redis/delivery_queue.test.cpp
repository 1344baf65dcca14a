// Tests for tessera/redis/delivery_queue.hpp, delivery_log.hpp and subscription_store.hpp
// against a real redis-server: the queue's rules (capacity for the whole fleet, due order, leases
// that run out and are taken again, requeue, dropping a subscription's deliveries), the log and
// the subscription store, and two dispatchers of two instances sharing all three: every event is
// delivered once, a 410 seen by one ends the subscription for both, a stopped instance leaves its
// deliveries to the other, and Redis holds no signing secret. Redis gone: store_unavailable.
#include "tessera/redis/delivery_queue.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "redis/redis_support.hpp"
#include "tessera/redis/delivery_log.hpp"
#include "tessera/redis/subscription_store.hpp"
#include "tessera/webhook/delivery.hpp"

using namespace redis_test;

static_assert(webhook::delivery_queue<redis::delivery_queue>);
static_assert(webhook::delivery_log<redis::delivery_log>);
static_assert(webhook::subscription_store<redis::subscription_store>);

namespace {
const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

webhook::pending_delivery delivery(std::string sub, std::string id, std::chrono::system_clock::time_point due,
                                   std::string payload = R"({"order":1})") {
  webhook::pending_delivery d;
  d.subscription_id = std::move(sub);
  d.delivery_id = std::move(id);
  d.event_type = "order.created";
  d.payload = std::make_shared<const std::string>(std::move(payload));
  d.first_queued_at = t0;
  d.next_attempt_at = due;
  return d;
}

std::vector<webhook::pending_delivery> batch_of(std::initializer_list<webhook::pending_delivery> ds) { return ds; }

// A model of client::http_client that records every request and answers from a table by URL
// path ("/ok" 200, "/gone" 410, "/fail" 500).
struct recording_client {
  std::mutex mu;
  std::vector<client::http_request> got;

  result<client::http_response> send(const client::http_request& r) noexcept {
    try {
      std::lock_guard lk(mu);
      got.push_back(r);
      client::http_response res;
      res.status = r.url.ends_with("/gone") ? 410 : r.url.ends_with("/fail") ? 500 : 200;
      return res;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }
  std::size_t count() {
    std::lock_guard lk(mu);
    return got.size();
  }
  std::vector<client::http_request> requests() {
    std::lock_guard lk(mu);
    return got;
  }
};
static_assert(client::http_client<recording_client>);

crypto::sealing_key shared_kek() {
  const std::vector<std::uint8_t> bytes(32, 0x5a);  // a test KEK both instances load
  auto k = crypto::sealing_key::create("kek-1", core::bytes_view(bytes.data(), bytes.size()));
  REQUIRE(k);
  return std::move(*k);
}

webhook::url_guard_options loopback_guard() {
  webhook::url_guard_options g;
  g.allow_http = true;
  g.allow_loopback = true;
  return g;
}

// One instance of a fleet: its own pool, and the Redis queue, log and subscription store on it.
struct instance {
  using registry_t = webhook::subscription_registry<redis::subscription_store>;
  using dispatcher_t = webhook::dispatcher<registry_t, recording_client, redis::delivery_log, core::system_clock,
                                           webhook::random_jitter, redis::delivery_queue>;
  std::unique_ptr<redis::connection_pool> pool;
  redis::subscription_store store{*pool};
  registry_t registry{store, crypto::sealing_ring(shared_kek()), loopback_guard()};
  redis::delivery_queue queue{*pool, {.name = "wq:", .lease = std::chrono::milliseconds{2000}, .reclaim_per_take = 16}};
  redis::delivery_log log{*pool};
  recording_client http;
  std::optional<dispatcher_t> dispatcher;

  instance(int port, const std::string& prefix, std::size_t workers = 2) : pool(make_pool(port, prefix, 1000ms)) {
    webhook::dispatcher_options o;
    o.workers = workers;
    o.poll_interval = 5ms;
    o.queue_capacity = 1000;
    o.retry.base_delay = 1s;
    o.retry.max_attempts = 3;
    dispatcher.emplace(registry, http, log, queue, o);
  }
};

// Waits until pred() holds or 10 s pass.
template <class Pred>
bool eventually(Pred pred) {
  const auto until = steady::now() + 10s;
  while (!pred()) {
    if (steady::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}
}  // namespace

TEST_CASE("redis delivery_queue: the queue's rules, one round trip each", "[redis][webhook]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  auto pool = make_pool(srv.port, unique_prefix());
  redis::delivery_queue q(*pool);

  // Capacity is all or nothing.
  REQUIRE(q.push(batch_of({delivery("sub_a", "msg_1", t0 + 2s), delivery("sub_b", "msg_2", t0 + 1s)}), 3));
  CHECK(q.push(batch_of({delivery("sub_a", "msg_3", t0), delivery("sub_a", "msg_4", t0)}), 3).error() ==
        errc::queue_full);
  CHECK(q.size() == 2);
  CHECK(q.queued() == 2);

  // Nothing due yet: the earliest due time comes back.
  auto none = q.take_due(t0);
  REQUIRE(none);
  CHECK_FALSE(none->delivery);
  REQUIRE(none->next_due);
  CHECK(*none->next_due == t0 + 1s);

  // Earliest first, with its payload, attempts and times.
  const auto before = pool->stats().round_trips;
  auto first = q.take_due(t0 + 5s);
  CHECK(pool->stats().round_trips - before == 1);
  REQUIRE(first);
  REQUIRE(first->delivery);
  CHECK(first->delivery->delivery_id == "msg_2");
  CHECK(first->delivery->subscription_id == "sub_b");
  CHECK(*first->delivery->payload == R"({"order":1})");
  CHECK(first->delivery->first_queued_at == t0);
  CHECK_FALSE(first->delivery->ticket.empty());
  CHECK(q.size() == 2);  // taken still counts
  CHECK(q.queued() == 1);

  // Requeued with one more attempt, due later.
  auto d = *first->delivery;
  d.attempts_made = 1;
  d.next_attempt_at = t0 + 10s;
  REQUIRE(q.requeue(d));
  auto second = q.take_due(t0 + 5s);
  REQUIRE(second->delivery);
  CHECK(second->delivery->delivery_id == "msg_1");
  q.finish(*second->delivery);
  CHECK(q.size() == 1);
  auto again = q.take_due(t0 + 10s);
  REQUIRE(again->delivery);
  CHECK(again->delivery->delivery_id == "msg_2");
  CHECK(again->delivery->attempts_made == 1);
  q.finish(*again->delivery);
  CHECK(q.size() == 0);

  // A requeue after the lease was lost (the finished ticket) changes nothing.
  REQUIRE(q.requeue(*again->delivery));
  CHECK(q.size() == 0);

  // A stopping dispatcher gets nothing back: the queue is shared.
  REQUIRE(q.push(batch_of({delivery("sub_a", "msg_5", t0)}), 10));
  CHECK(q.take_all().empty());
  CHECK(q.size() == 1);

  // Payload bytes of any kind survive.
  std::string odd("\0\xff:12:\n{", 8);
  REQUIRE(q.push(batch_of({delivery("sub_c", "msg_6", t0 - 1s, odd)}), 10));
  auto o = q.take_due(t0);
  REQUIRE(o->delivery);
  CHECK(*o->delivery->payload == odd);
}

TEST_CASE("redis delivery_queue: a lease that runs out is taken again by another instance", "[redis][webhook]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool_a = make_pool(srv.port, prefix), pool_b = make_pool(srv.port, prefix);
  redis::delivery_queue a(*pool_a, {.name = "wq:", .lease = 30s, .reclaim_per_take = 16});
  redis::delivery_queue b(*pool_b, {.name = "wq:", .lease = 30s, .reclaim_per_take = 16});
  REQUIRE(a.push(batch_of({delivery("sub_a", "msg_1", t0)}), 10));
  auto taken = a.take_due(t0);  // instance a takes it, then dies
  REQUIRE(taken->delivery);
  CHECK_FALSE(b.take_due(t0 + 29s)->delivery);  // still leased
  auto retaken = b.take_due(t0 + 31s);
  REQUIRE(retaken->delivery);
  CHECK(retaken->delivery->delivery_id == "msg_1");
  b.finish(*retaken->delivery);
  CHECK(b.size() == 0);
  // The first taker coming back late cannot put it in again.
  REQUIRE(a.requeue(*taken->delivery));
  CHECK(a.size() == 0);
}

TEST_CASE("redis delivery_queue: drop_subscription takes only that subscription's queued deliveries",
          "[redis][webhook]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  auto pool = make_pool(srv.port, unique_prefix());
  redis::delivery_queue q(*pool);
  REQUIRE(q.push(batch_of({delivery("sub_a", "msg_1", t0), delivery("sub_b", "msg_2", t0),
                           delivery("sub_a", "msg_3", t0 + 5s), delivery("sub_a", "msg_4", t0 + 9s)}),
                 10));
  auto taken = q.take_due(t0);  // msg_1 or msg_2, in flight
  REQUIRE(taken->delivery);
  auto dropped = q.drop_subscription("sub_a");
  REQUIRE(dropped);
  std::set<std::string> ids;
  for (const auto& d : *dropped) ids.insert(d.delivery_id);
  if (taken->delivery->delivery_id == "msg_1") CHECK(ids == std::set<std::string>{"msg_3", "msg_4"});
  else CHECK(ids == std::set<std::string>{"msg_1", "msg_3", "msg_4"});
  CHECK(q.queued() == (taken->delivery->delivery_id == "msg_1" ? 1u : 0u));
}

TEST_CASE("redis delivery_log: newest first, bounded per subscription, expiring, no secret", "[redis][webhook]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool = make_pool(srv.port, prefix);
  redis::delivery_log log(*pool, {.name = "wlog:", .per_subscription = 3, .retention = std::chrono::hours{1}});
  for (unsigned i = 1; i <= 5; ++i) {
    webhook::delivery_entry e;
    e.subscription_id = "sub_a";
    e.delivery_id = "msg_" + std::to_string(i);
    e.event_type = "order.created";
    e.attempt = i;
    e.http_status = i == 5 ? 0 : 500;
    e.error = i == 5 ? errc::connection_failed : errc::none_;
    e.attempted_at = t0 + std::chrono::seconds(i);
    e.latency = std::chrono::milliseconds(10 * i);
    e.state = webhook::delivery_state::pending;
    e.next_attempt_at = t0 + std::chrono::seconds(60 * i);
    const auto before = pool->stats().round_trips;
    log.append(e);
    CHECK(pool->stats().round_trips - before == 1);
  }
  auto l = log.list("sub_a", 10);
  REQUIRE(l);
  REQUIRE(l->size() == 3);
  CHECK((*l)[0].delivery_id == "msg_5");
  CHECK((*l)[0].error == errc::connection_failed);
  CHECK((*l)[0].latency == 50ms);
  CHECK((*l)[0].next_attempt_at == t0 + 300s);
  CHECK((*l)[0].to_json() == [] {
    webhook::delivery_entry e;
    e.subscription_id = "sub_a";
    e.delivery_id = "msg_5";
    e.event_type = "order.created";
    e.attempt = 5;
    e.error = errc::connection_failed;
    e.attempted_at = t0 + 5s;
    e.latency = 50ms;
    e.next_attempt_at = t0 + 300s;
    return e.to_json();
  }());
  CHECK((*l)[2].delivery_id == "msg_3");
  CHECK(log.list("sub_a", 2)->size() == 2);
  CHECK(log.list("sub_unknown", 10)->empty());
  admin adm(srv.port);
  const auto ttl = adm.integer({"PTTL", prefix + "wlog:sub_a"});
  CHECK(ttl > 3'500'000);
  CHECK(ttl <= 3'600'000);
}

TEST_CASE("redis subscription_store: the store's rules, shared by two registries", "[redis][webhook]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool_a = make_pool(srv.port, prefix), pool_b = make_pool(srv.port, prefix);
  redis::subscription_store sa(*pool_a), sb(*pool_b);
  webhook::subscription_registry<redis::subscription_store> ra(sa, crypto::sealing_ring(shared_kek()),
                                                               loopback_guard());
  webhook::subscription_registry<redis::subscription_store> rb(sb, crypto::sealing_ring(shared_kek()),
                                                               loopback_guard());
  webhook::scheme_config custom{webhook::scheme_kind::timestamped, "X-PharmaOne-Signature", "X-Delivery-Id"};
  auto c = ra.create({"org_1", "http://127.0.0.1:9/hook", {"order.created", "order.paid"}, custom});
  REQUIRE(c);
  auto c2 = ra.create({"org_2", "http://127.0.0.1:9/other", {"*"}, {}});
  REQUIRE(c2);

  // The other instance reads it, and signs with the same secret.
  auto found = rb.find(c->record.id);
  REQUIRE(found);
  CHECK(found->to_json() == c->record.to_json());
  CHECK(found->sealed_secret == c->record.sealed_secret);
  auto h1 = ra.sign(c->record, "msg_1", 1'800'000'000, "{}");
  auto h2 = rb.sign(*found, "msg_1", 1'800'000'000, "{}");
  REQUIRE(h1);
  REQUIRE(h2);
  REQUIRE(h1->find("X-PharmaOne-Signature"));
  CHECK(*h1->find("X-PharmaOne-Signature") == *h2->find("X-PharmaOne-Signature"));

  // Lists per tenant and in all.
  CHECK(rb.list("org_1")->size() == 1);
  CHECK(sb.list_all()->size() == 2);
  CHECK(sb.list_tenant("org_3")->empty());

  // Duplicate ids are refused; unknown ids are unknown_subscription.
  CHECK(sb.insert(*found).error() == errc::invalid_argument);
  CHECK(sb.find("sub_missing").error() == errc::unknown_subscription);
  CHECK(sb.set_active("sub_missing", false, "x").error() == errc::unknown_subscription);
  CHECK(sb.erase("sub_missing").error() == errc::unknown_subscription);

  // Deactivated on one, inactive on the other.
  REQUIRE(rb.deactivate(c->record.id, "endpoint_gone"));
  auto now_a = ra.find(c->record.id);
  CHECK_FALSE(now_a->active);
  CHECK(now_a->deactivation_reason == "endpoint_gone");
  REQUIRE(ra.reactivate(c->record.id));
  CHECK(rb.find(c->record.id)->active);

  // Compare-and-swap of the sealed secret.
  CHECK_FALSE(*sa.replace_sealed_secret(c->record.id, "not-the-current-one", "x"));
  CHECK(*sa.replace_sealed_secret(c->record.id, c->record.sealed_secret, c->record.sealed_secret));

  // Removed on one, gone on both.
  REQUIRE(rb.remove(c2->record.id));
  CHECK(ra.find(c2->record.id).error() == errc::unknown_subscription);
  CHECK(sa.list_all()->size() == 1);
  CHECK(sa.list_tenant("org_2")->empty());

  // Redis holds the secret only sealed.
  admin adm(srv.port);
  const std::string secret(c->secret.expose_secret_text());
  const std::string secret_body = secret.substr(secret.find('_') + 1);
  for (const auto& k : adm.keys(prefix)) {
    const auto v = adm.dump(k);
    CHECK(v.find(secret_body) == std::string::npos);
    CHECK(k.find(secret_body) == std::string::npos);
  }
}

TEST_CASE("redis delivery_queue: two instances' dispatchers share the queue, the log and the subscriptions",
          "[redis][webhook]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  instance a(srv.port, prefix), b(srv.port, prefix);

  auto ok = a.registry.create({"org_1", "http://127.0.0.1:9/ok", {"order.created"}, {}});
  auto gone = b.registry.create({"org_1", "http://127.0.0.1:9/gone", {"order.created"}, {}});
  REQUIRE(ok);
  REQUIRE(gone);

  // 40 events published, half on each instance: the ok subscription gets each exactly once.
  for (int i = 0; i < 40; ++i) {
    auto& inst = i % 2 ? a : b;
    auto n = inst.dispatcher->publish("org_1", {"evt_" + std::to_string(i), "order.created", R"({"n":)" + std::to_string(i) + "}"});
    REQUIRE(n);
    CHECK((*n == 2 || *n == 1));  // 1 once the gone subscription has ended
  }
  REQUIRE(eventually([&] { return a.dispatcher->size() == 0; }));
  std::map<std::string, int> ok_ids;
  std::size_t gone_hits = 0;
  for (auto* inst : {&a, &b})
    for (const auto& r : inst->http.requests()) {
      if (r.url.ends_with("/ok")) {
        for (const auto& [n, v] : r.headers)
          if (n == "webhook-id") ++ok_ids[v];
      } else {
        ++gone_hits;
      }
    }
  CHECK(ok_ids.size() == 40);
  for (const auto& [id, n] : ok_ids) CHECK(n == 1);
  CHECK(gone_hits >= 1);  // a 410 ended the subscription for both: only attempts already under way
  CHECK(gone_hits <= 4);  // (one per worker at most) reached it after the first
  CHECK_FALSE(a.registry.find(gone->record.id)->active);

  // Either instance lists the log: 40 delivered entries for ok.
  auto entries = b.log.list(ok->record.id, 100);
  REQUIRE(entries);
  CHECK(entries->size() == 40);
  for (const auto& e : *entries) CHECK(e.state == webhook::delivery_state::delivered);
  auto gone_entries = a.log.list(gone->record.id, 100);
  REQUIRE(gone_entries);
  REQUIRE_FALSE(gone_entries->empty());
  for (const auto& e : *gone_entries)
    CHECK((e.state == webhook::delivery_state::gone || e.state == webhook::delivery_state::cancelled));

  // An instance that stops hands nothing back: the other delivers what it left.
  auto left = a.dispatcher->stop(webhook::stop_mode::hand_back);
  CHECK(left.empty());
  auto later = a.registry.create({"org_1", "http://127.0.0.1:9/ok", {"order.paid"}, {}});
  REQUIRE(later);
  instance c(srv.port, prefix, 0);  // a third instance, to enqueue while a is stopped
  REQUIRE(c.dispatcher->stop(webhook::stop_mode::hand_back).empty());
  webhook::pending_delivery p = delivery(later->record.id, "evt_late", std::chrono::system_clock::now());
  p.event_type = "order.paid";
  REQUIRE(c.queue.push(batch_of({p}), 1000));
  REQUIRE(eventually([&] {
    for (const auto& r : b.http.requests())
      for (const auto& [n, v] : r.headers)
        if (n == "webhook-id" && v == "evt_late") return true;
    return false;
  }));

  // Redis holds no signing secret, and no signature.
  admin adm(srv.port);
  for (const auto& k : adm.keys(prefix)) {
    const auto v = adm.dump(k);
    for (const auto& r : b.http.requests())
      for (const auto& [n, sig] : r.headers)
        if (n == "webhook-signature") CHECK(v.find(sig.substr(3)) == std::string::npos);
  }
}

TEST_CASE("redis delivery_queue: Redis gone, every call fails closed", "[redis][webhook][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  auto pool = make_pool(srv.port(), unique_prefix(), 100ms);
  redis::delivery_queue q(*pool);
  redis::delivery_log log(*pool);
  redis::subscription_store store(*pool);
  REQUIRE(q.push(batch_of({delivery("sub_a", "msg_1", t0)}), 10));
  srv.kill_hard();
  CHECK(q.push(batch_of({delivery("sub_a", "msg_2", t0)}), 10).error() == errc::store_unavailable);
  CHECK(q.take_due(t0).error() == errc::store_unavailable);
  CHECK(q.drop_subscription("sub_a").error() == errc::store_unavailable);
  CHECK(q.size() == 0);
  CHECK(log.list("sub_a", 10).error() == errc::store_unavailable);
  CHECK(store.find("sub_a").error() == errc::store_unavailable);
  CHECK(store.list_all().error() == errc::store_unavailable);
  webhook::delivery_entry e;
  e.subscription_id = "sub_a";
  log.append(e);  // dropped, never thrown
}
