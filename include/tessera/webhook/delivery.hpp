#pragma once
// tessera::webhook::dispatcher — webhook deliveries out: a bounded queue, a pool of worker
// threads that sign every attempt afresh (new timestamp, same delivery id) and send it through a
// client::http_client, retries with jitter (retry_schedule) up to a maximum age, 410 Gone ending
// the subscription, a delivery log, test events, and a graceful stop that drains the queue or
// hands back what is left. The queue is a delivery_queue: in memory by default, or shared by a
// fleet (redis::delivery_queue).

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>


#include "tessera/config.hpp"
#include "tessera/client/http_client.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/core/result.hpp"
#include "tessera/webhook/delivery_log.hpp"
#include "tessera/webhook/delivery_queue.hpp"
#include "tessera/webhook/retry.hpp"
#include "tessera/webhook/scheme.hpp"
#include "tessera/webhook/subscription.hpp"

namespace tessera::webhook {

// An event to deliver. The payload is sent as the body, byte for byte (JSON by convention).
struct webhook_event {
  std::string id;       // the delivery id ("msg_..." generated when empty); visible ASCII, no '.'
  std::string type;     // the event type, e.g. "order.created"
  std::string payload;  // the body
};

// The event type of test events.
inline constexpr std::string_view test_event_type = "webhook.test";

// How a dispatcher runs.
struct dispatcher_options {
  std::size_t workers = 4;                  // worker threads (1..64)
  std::size_t queue_capacity = 10000;       // deliveries queued or in flight at once (in the whole
                                            // queue, fleet-wide when shared); more is queue_full
  retry_policy retry{};                   // backoff and attempts (see retry.hpp)
  std::chrono::seconds max_age{std::chrono::hours{72}};  // no attempt later than this after queueing
  std::chrono::milliseconds request_timeout{std::chrono::seconds{10}};  // per attempt: connect, read, write
  std::chrono::milliseconds poll_interval{std::chrono::seconds{1}};  // how often waiting workers re-read the clock
  std::size_t max_payload_size = 256 * 1024;  // larger payloads are input_too_large
  std::string user_agent = "tessera-webhooks/1";
};

// What stop() does with the queue.
enum class stop_mode {
  drain,      // keep delivering until the queue is empty (or the drain timeout passes), then stop
  hand_back,  // finish the attempts in flight, then stop and return everything still queued
};

namespace detail {
// A delivery id a dispatcher accepts: 1..max_id_size visible ASCII characters without '.'.
constexpr bool valid_delivery_id(std::string_view id) noexcept { return valid_id(id, true); }

// The body of a test event: {"type":"webhook.test","id","timestamp","data":{"subscription_id","message"}}.
TESSERA_DECL std::string test_event_body(std::string_view id, std::int64_t timestamp, std::string_view subscription_id);
}  // namespace detail

// Delivers events to subscriptions of a subscription_registry through an http_client, logging
// every attempt. Registry, client, log and a queue passed in are held by reference and must
// outlive the dispatcher. Every public member is noexcept and thread-safe.
template <class Registry, client::http_client Client, delivery_log Log = memory_delivery_log,
          core::clock Clock = core::system_clock, jitter_source Jitter = random_jitter,
          delivery_queue Queue = memory_delivery_queue>
class dispatcher {
 public:
  // A dispatcher on a queue of its own (in memory), whose workers start at once. The clock may be
  // a reference (core::manual_clock&).
  dispatcher(Registry& registry, Client& client, Log& log, dispatcher_options o = {},
             std::type_identity_t<Clock> clock = Clock{}, Jitter jitter = Jitter{})
    requires std::default_initializable<Queue>
      : dispatcher(registry, client, log, std::make_unique<Queue>(), nullptr, std::move(o),
                   std::forward<Clock>(clock), std::move(jitter)) {}

  // A dispatcher on a queue it shares (e.g. with the other instances of a fleet), whose workers
  // start at once.
  dispatcher(Registry& registry, Client& client, Log& log, Queue& queue, dispatcher_options o = {},
             std::type_identity_t<Clock> clock = Clock{}, Jitter jitter = Jitter{})
      : dispatcher(registry, client, log, nullptr, &queue, std::move(o), std::forward<Clock>(clock),
                   std::move(jitter)) {}
  dispatcher(const dispatcher&) = delete;
  dispatcher& operator=(const dispatcher&) = delete;
  // Stops as stop(stop_mode::hand_back) and drops what is left: call stop() first to keep it.
  ~dispatcher() { (void)stop(stop_mode::hand_back); }

  // Queues one delivery of an event to one subscription; returns its delivery id.
  // unknown_subscription, invalid_argument (bad id or type, inactive subscription, or a type it
  // does not receive), input_too_large (payload), queue_full (full, or stopping).
  result<std::string> enqueue(std::string_view subscription_id, webhook_event e) noexcept {
    try {
      if (auto r = prepare(e); !r) return unexpected{r.error()};
      auto sub = registry_.find(subscription_id);
      if (!sub) return unexpected{sub.error()};
      if (!sub->active || !sub->wants(e.type)) return unexpected{errc::invalid_argument};
      auto payload = std::make_shared<const std::string>(std::move(e.payload));
      std::vector<pending_delivery> one{fresh(sub->id, e.id, e.type, payload)};
      if (auto r = push_all(std::move(one)); !r) return unexpected{r.error()};
      return e.id;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // Queues an event to every active subscription of a tenant that receives its type; returns
  // how many deliveries were queued (0 when none subscribes). All or nothing: queue_full when they
  // do not all fit. The deliveries share the event id.
  result<std::size_t> publish(std::string_view tenant, webhook_event e) noexcept {
    try {
      if (!valid_tenant(tenant)) return unexpected{errc::invalid_argument};
      if (auto r = prepare(e); !r) return unexpected{r.error()};
      auto subs = registry_.list(tenant);
      if (!subs) return unexpected{subs.error()};
      auto payload = std::make_shared<const std::string>(std::move(e.payload));
      std::vector<pending_delivery> batch;
      for (const auto& s : *subs)
        if (s.active && s.wants(e.type)) batch.push_back(fresh(s.id, e.id, e.type, payload));
      const std::size_t n = batch.size();
      if (n == 0) return std::size_t{0};
      if (auto r = push_all(std::move(batch)); !r) return unexpected{r.error()};
      return n;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // Sends a test event ("webhook.test") to a subscription now, in the caller's thread: one signed
  // attempt, no retry, logged with test = true and returned. It goes out whatever the
  // subscription's event types or active flag (to check an endpoint before reactivating it), and
  // never deactivates the subscription. unknown_subscription when absent.
  result<delivery_entry> send_test_event(std::string_view subscription_id) noexcept {
    try {
      auto sub = registry_.find(subscription_id);
      if (!sub) return unexpected{sub.error()};
      auto id = new_id();
      if (!id) return unexpected{id.error()};
      pending_delivery d = fresh(sub->id, *id, std::string(test_event_type),
                                 std::make_shared<const std::string>(
                                     detail::test_event_body(*id, core::unix_seconds(clock_.now()), sub->id)));
      delivery_entry entry = attempt(*sub, d);
      entry.test = true;
      if (entry.state == delivery_state::pending) entry.state = delivery_state::failed;
      entry.next_attempt_at.reset();
      log_.append(entry);
      return entry;
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // Queues a delivery stop() handed back (e.g. after a restart), keeping its attempt count and
  // age. invalid_argument for a malformed one, queue_full when full or stopping.
  result<void> resume(pending_delivery d) noexcept {
    try {
      if (!detail::valid_delivery_id(d.delivery_id) || !valid_event_type(d.event_type) || d.event_type == "*" ||
          !d.payload || d.payload->size() > options_.max_payload_size)
        return unexpected{errc::invalid_argument};
      std::vector<pending_delivery> one{std::move(d)};
      return push_all(std::move(one));
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  // Stops the workers. drain: they keep delivering until the queue is empty or drain_timeout
  // (real time) passes; hand_back: they finish the attempts in flight only. Either way, what is
  // still queued is returned (retries that were scheduled included; a shared queue keeps its
  // deliveries for the other instances and returns none), and new deliveries are refused with
  // queue_full. A second call returns nothing.
  std::vector<pending_delivery> stop(stop_mode mode,
                                     std::chrono::milliseconds drain_timeout = std::chrono::seconds{30}) noexcept {
    {
      std::lock_guard lk(mu_);
      accepting_ = false;
      if (mode == stop_mode::hand_back) halt_ = true;
      else {
        draining_ = true;
        drain_deadline_ = std::chrono::steady_clock::now() + drain_timeout;
      }
    }
    cv_.notify_all();
    std::lock_guard join_lock(join_mu_);
    for (auto& t : workers_)
      if (t.joinable()) t.join();
    if (stopped_) return {};
    stopped_ = true;
    return queue_->take_all();
  }

  // False once stop() has begun: new deliveries are refused.
  bool accepting() const noexcept {
    std::lock_guard lk(mu_);
    return accepting_;
  }

  // Makes waiting workers read the clock again now (after a test moves a manual clock).
  void wake() noexcept { cv_.notify_all(); }

  // Deliveries queued or in flight (in the whole queue, when it is shared).
  std::size_t size() const noexcept { return queue_->size(); }

  // Deliveries queued (waiting for their time or a worker), not counting those in flight.
  std::size_t queued() const noexcept { return queue_->queued(); }

  // The options in force.
  const dispatcher_options& options() const noexcept { return options_; }

 private:
  dispatcher(Registry& registry, Client& client, Log& log, std::unique_ptr<Queue> own, Queue* shared,
             dispatcher_options o, Clock&& clock, Jitter jitter)
      : registry_(registry), client_(client), log_(log), own_queue_(std::move(own)),
        queue_(shared ? shared : own_queue_.get()), options_(normalise(std::move(o))),
        clock_(std::forward<Clock>(clock)), schedule_(options_.retry, std::move(jitter)) {
    try {
      workers_.reserve(options_.workers);
      for (std::size_t i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { work(); });
    } catch (...) {
      (void)stop(stop_mode::hand_back);  // join the workers that did start
      throw;
    }
  }

  static dispatcher_options normalise(dispatcher_options o) {
    o.workers = std::clamp<std::size_t>(o.workers, 1, 64);
    o.queue_capacity = std::max<std::size_t>(o.queue_capacity, 1);
    o.poll_interval = std::clamp(o.poll_interval, std::chrono::milliseconds{1}, std::chrono::milliseconds{60000});
    o.request_timeout = std::max(o.request_timeout, std::chrono::milliseconds{1});
    o.max_age = core::clamp_duration(o.max_age);
    return o;
  }

  static result<std::string> new_id() {
    auto r = core::random_base62(24);
    if (!r) return unexpected{r.error()};
    return "msg_" + *r;
  }

  // Checks an event and gives it an id when it has none.
  result<void> prepare(webhook_event& e) const {
    if (!valid_event_type(e.type) || e.type == "*") return unexpected{errc::invalid_argument};
    if (e.payload.size() > options_.max_payload_size) return unexpected{errc::input_too_large};
    if (e.id.empty()) {
      auto id = new_id();
      if (!id) return unexpected{id.error()};
      e.id = std::move(*id);
    } else if (!detail::valid_delivery_id(e.id)) {
      return unexpected{errc::invalid_argument};
    }
    return core::ok();
  }

  pending_delivery fresh(const std::string& sub, const std::string& id, const std::string& type,
                         std::shared_ptr<const std::string> payload) const {
    pending_delivery d;
    d.delivery_id = id;
    d.subscription_id = sub;
    d.event_type = type;
    d.payload = std::move(payload);
    d.first_queued_at = d.next_attempt_at = clock_.now();
    return d;
  }

  result<void> push_all(std::vector<pending_delivery> batch) {
    if (!accepting()) return unexpected{errc::queue_full};
    if (auto r = queue_->push(std::move(batch), options_.queue_capacity); !r) return r;
    {
      std::lock_guard lk(mu_);
      ++pushes_;
    }
    cv_.notify_all();
    return core::ok();
  }

  // One worker: takes due deliveries until stopped. A worker that finds nothing due sleeps until
  // the earliest due time, a push, or poll_interval (a shared queue is filled by others too).
  void work() noexcept {
    while (true) {
      bool draining = false;
      std::uint64_t pushes = 0;
      {
        std::lock_guard lk(mu_);
        if (halt_) return;
        draining = draining_;
        pushes = pushes_;
      }
      if (draining) {
        if (queue_->size() == 0) {
          cv_.notify_all();  // the other workers see it too
          return;
        }
        if (std::chrono::steady_clock::now() >= drain_deadline_) return;  // what is left is handed back
      }
      const auto now = clock_.now();
      auto t = queue_->take_due(now);
      if (t && t->delivery) {
        pending_delivery& d = *t->delivery;
        if (run(d)) {
          (void)queue_->requeue(std::move(d));  // out of memory: the retry is lost (logged as pending)
        } else {
          queue_->finish(d);
        }
        cv_.notify_all();
        continue;
      }
      auto wait = options_.poll_interval;
      if (t && t->next_due) {
        const auto until = std::chrono::ceil<std::chrono::milliseconds>(*t->next_due - now);
        wait = std::clamp(until, std::chrono::milliseconds{1}, options_.poll_interval);
      }
      std::unique_lock lk(mu_);
      if (halt_ || pushes != pushes_) continue;
      cv_.wait_for(lk, draining ? std::min(wait, std::chrono::milliseconds{10}) : wait);
    }
  }

  // Makes one attempt of a taken delivery; true when a retry is due (at d.next_attempt_at).
  bool run(pending_delivery& d) noexcept {
    try {
      auto sub = registry_.find(d.subscription_id);
      if (!sub || !sub->active) {
        delivery_entry e = base_entry(d);
        e.attempt = 0;
        e.error = sub ? errc::none_ : sub.error();
        e.state = sub && sub->deactivation_reason == "endpoint_gone" ? delivery_state::gone : delivery_state::cancelled;
        if (!sub && sub.error() == errc::store_unavailable &&
            e.attempted_at + options_.poll_interval - d.first_queued_at <= options_.max_age) {
          // The registry cannot answer now: try again later rather than cancel.
          d.next_attempt_at = e.attempted_at + options_.poll_interval;
          return true;
        }
        log_.append(e);
        return false;
      }
      delivery_entry e = attempt(*sub, d);
      ++d.attempts_made;
      if (e.state == delivery_state::gone) {
        (void)registry_.deactivate(sub->id, "endpoint_gone");
        log_.append(e);
        end_queued(sub->id);
        return false;
      }
      log_.append(e);
      if (e.state != delivery_state::pending) return false;
      d.next_attempt_at = *e.next_attempt_at;
      return true;
    } catch (...) {
      return false;
    }
  }

  // Drops the queued deliveries of a subscription that answered 410, logging each as gone.
  void end_queued(const std::string& sub_id) {
    auto dropped = queue_->drop_subscription(sub_id);
    if (!dropped) return;
    for (const auto& d : *dropped) {
      delivery_entry e = base_entry(d);
      e.attempt = 0;
      e.state = delivery_state::gone;
      log_.append(e);
    }
  }

  delivery_entry base_entry(const pending_delivery& d) const {
    delivery_entry e;
    e.subscription_id = d.subscription_id;
    e.delivery_id = d.delivery_id;
    e.event_type = d.event_type;
    e.attempted_at = clock_.now();
    return e;
  }

  // Signs and sends attempt d.attempts_made + 1; the entry says what happened and what is next.
  delivery_entry attempt(const subscription& sub, const pending_delivery& d) {
    delivery_entry e = base_entry(d);
    e.attempt = d.attempts_made + 1;
    const auto now = e.attempted_at;
    int status = 0;
    std::optional<std::chrono::seconds> retry_after;
    auto headers = registry_.sign(sub, d.delivery_id, core::unix_seconds(now), *d.payload);
    if (!headers) {
      e.error = headers.error();
    } else {
      client::http_request req;
      req.method = "POST";
      req.url = sub.url;
      req.timeout = options_.request_timeout;
      req.body = *d.payload;
      req.headers.reserve(headers->size() + 2);
      req.headers.emplace_back("Content-Type", "application/json");
      req.headers.emplace_back("User-Agent", options_.user_agent);
      for (const auto& h : *headers) req.headers.emplace_back(h.name, h.value);
      const auto t0 = std::chrono::steady_clock::now();
      auto res = client_.send(req);
      e.latency = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
      if (res) {
        status = res->status;
        retry_after = client::retry_after(*res);
      } else {
        e.error = res.error();
      }
    }
    e.http_status = status;
    const delivery_record r = schedule_.record(d.delivery_id, e.attempt, status, now, retry_after);
    switch (r.outcome) {
      case delivery_outcome::delivered: e.state = delivery_state::delivered; break;
      case delivery_outcome::endpoint_gone: e.state = delivery_state::gone; break;
      case delivery_outcome::gave_up: e.state = delivery_state::failed; break;
      case delivery_outcome::retry_scheduled:
        if (r.next_attempt_at && *r.next_attempt_at - d.first_queued_at <= options_.max_age) {
          e.state = delivery_state::pending;
          e.next_attempt_at = r.next_attempt_at;
        } else {
          e.state = delivery_state::failed;
        }
        break;
    }
    return e;
  }

  Registry& registry_;
  Client& client_;
  Log& log_;
  std::unique_ptr<Queue> own_queue_;  // the queue when the dispatcher has its own
  Queue* queue_;                      // the queue in use (own or shared)
  dispatcher_options options_;
  Clock clock_;
  retry_schedule<Jitter> schedule_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t pushes_ = 0;  // pushes so far: a worker that saw none since it looked does not miss one
  bool accepting_ = true, halt_ = false, draining_ = false;
  std::chrono::steady_clock::time_point drain_deadline_{};  // written under mu_ before draining_
  std::mutex join_mu_;
  bool stopped_ = false;  // under join_mu_: the queue was handed back
  std::vector<std::thread> workers_;
};

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/delivery.ipp"
#endif
