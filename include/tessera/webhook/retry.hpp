#pragma once
// tessera::webhook::retry_schedule — when a sender tries a failed delivery again: exponential
// backoff with full jitter, a cap on each delay, and a maximum number of attempts.

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "tessera/config.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/webhook/delivery_record.hpp"

namespace tessera::webhook {

// A source of uniformly distributed integers for retry jitter.
// Rules: uniform(n) is noexcept and thread-safe and returns a value in [0, n], each equally
// likely; it need not be cryptographically strong.
template <class J>
concept jitter_source = requires(const J& j, std::uint64_t n) {
  { j.uniform(n) } noexcept -> std::same_as<std::uint64_t>;
};

// Jitter from OpenSSL's DRBG, unbiased (rejection sampling). If the generator fails it returns n:
// the full delay, which is always safe.
struct random_jitter {
  // A uniform value in [0, n].
  std::uint64_t uniform(std::uint64_t n) const noexcept;

 private:
  static std::optional<std::uint64_t> draw() noexcept;
};
static_assert(jitter_source<random_jitter>);

// The shape of a retry schedule.
struct retry_policy {
  // The ceiling of the first retry's delay; each later ceiling doubles it.
  std::chrono::milliseconds base_delay{std::chrono::seconds{30}};
  // No delay exceeds this (nor does a receiver's Retry-After push one beyond it).
  std::chrono::milliseconds max_delay{std::chrono::hours{12}};
  // Attempts in all, the first included; after the last one fails the delivery is given up.
  unsigned max_attempts = 15;
};

// Decides, after each attempt, whether and when to try again. The delay before retry k (after
// attempt k failed) is uniform in [0, min(max_delay, base_delay * 2^(k-1))] ("full jitter"), so a
// crowd of failed deliveries spreads out instead of returning in waves. 2xx is delivered, 410 is
// endpoint_gone (no retry); any other status, or none (0), is retried. Thread-safe.
template <jitter_source Jitter = random_jitter>
class retry_schedule {
 public:
  // A schedule with the given policy and jitter source. Out-of-range values are made safe: delays
  // are clamped to [0, core::max_duration], max_delay to at least base_delay.
  explicit retry_schedule(retry_policy p = {}, Jitter j = Jitter{}) : policy_(p), jitter_(std::move(j)) {
    constexpr auto longest = std::chrono::duration_cast<std::chrono::milliseconds>(core::max_duration);
    policy_.base_delay = std::clamp(policy_.base_delay, std::chrono::milliseconds{0}, longest);
    policy_.max_delay = std::clamp(policy_.max_delay, policy_.base_delay, longest);
    if (policy_.max_attempts == 0) policy_.max_attempts = 1;
  }

  // The ceiling of the delay after attempt `attempt` (1-based) failed, before jitter.
  std::chrono::milliseconds ceiling(unsigned attempt) const noexcept {
    const auto base = static_cast<std::uint64_t>(policy_.base_delay.count());
    const auto cap = static_cast<std::uint64_t>(policy_.max_delay.count());
    const unsigned shift = attempt == 0 ? 0 : attempt - 1;
    std::uint64_t c = cap;
    if (shift < 63 && base <= (cap >> shift)) c = base << shift;
    return std::chrono::milliseconds{static_cast<std::int64_t>(c)};
  }

  // The jittered delay after attempt `attempt` failed, or nullopt when no attempt is left.
  std::optional<std::chrono::milliseconds> delay_after(unsigned attempt) const noexcept {
    if (attempt >= policy_.max_attempts) return std::nullopt;
    const auto c = static_cast<std::uint64_t>(ceiling(attempt).count());
    return std::chrono::milliseconds{static_cast<std::int64_t>(jitter_.uniform(c))};
  }

  // The record of an attempt that ended with http_status (0 when there was no response) at `now`,
  // with the next attempt time when a retry is due. A receiver's Retry-After, when given, is
  // honoured as a lower bound on the delay (still capped by max_delay).
  delivery_record record(std::string event_id, unsigned attempt, int http_status,
                         std::chrono::system_clock::time_point now,
                         std::optional<std::chrono::seconds> retry_after = std::nullopt) const {
    delivery_record r;
    r.event_id = std::move(event_id);
    r.attempt = attempt == 0 ? 1 : attempt;
    r.http_status = http_status;
    r.attempted_at = now;
    if (is_success_status(http_status)) {
      r.outcome = delivery_outcome::delivered;
    } else if (http_status == 410) {
      r.outcome = delivery_outcome::endpoint_gone;
    } else if (auto d = delay_after(r.attempt)) {
      auto delay = *d;
      if (retry_after && retry_after->count() > 0) {
        // Compared in seconds first, so an absurd Retry-After cannot overflow the conversion.
        if (*retry_after >= std::chrono::duration_cast<std::chrono::seconds>(policy_.max_delay))
          delay = policy_.max_delay;
        else
          delay = std::max<std::chrono::milliseconds>(delay, *retry_after);
      }
      r.outcome = delivery_outcome::retry_scheduled;
      r.next_attempt_at = now + std::chrono::duration_cast<std::chrono::system_clock::duration>(delay);
    } else {
      r.outcome = delivery_outcome::gave_up;
    }
    return r;
  }

  // The policy in force.
  const retry_policy& policy() const noexcept { return policy_; }

 private:
  retry_policy policy_;
  Jitter jitter_;
};

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/retry.ipp"
#endif
