#pragma once
// Audit records: who did what to which target, allowed or refused, and why. The authenticator
// records every decision it makes; a server records its own business events (a delivery
// accepted, a stock change with its actor, target and reason) through the same sink
// (http/business_event.hpp builds them from a principal). Sinks: null_audit, memory_audit (here),
// file_audit (http/audit_file.hpp, JSON lines).

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/core/error.hpp"

namespace tessera::http {

// One audited event. Every view is valid only during the sink's record() call. No field ever
// holds a credential: the actor is a subject, key id or client id, and the query string (which
// may carry one) is never taken.
struct audit_event {
  std::chrono::system_clock::time_point at{};  // when it was decided
  std::string_view action;       // "authenticate" for the authenticator; the server's own otherwise
  bool allowed = false;          // the outcome
  errc cause = errc{};           // why it was refused (errc{} when allowed)
  std::string_view credential;   // "bearer_token", "api_key", "signed_request", or "" when none was read
  std::string_view actor;        // who: subject, API key id or client id ("" when not authenticated)
  std::string_view tenant;       // the actor's tenant ("" when none or unknown)
  std::string_view method;       // the request method
  std::string_view path;         // the request path, without the query
  std::string_view reason;       // free text the server gives (e.g. why stock changed)
  std::string_view target;       // what was acted on ("stock/sku-1", "orders/ord_9"; "" for the authenticator)
  std::string_view request_id;   // the request's correlation id (e.g. its X-Request-Id), "" when none
};

// Where audit events go.
// Rules: record() is noexcept and thread-safe; it copies what it keeps (the event's views die
// when it returns), and bounds it: any text may come from the request (the path of an
// unauthenticated request is the caller's choice, of any length); it must not block for long,
// because it runs inside request handling; a sink that cannot store an event drops it rather
// than fail the request.
template <class S>
concept audit_sink = requires(S& s, const audit_event& e) {
  { s.record(e) } noexcept;
};

// The sink that keeps nothing (the default: auditing is opt-in).
struct null_audit {
  void record(const audit_event&) noexcept {}
};
static_assert(audit_sink<null_audit>);

// What memory_audit puts at the end of a text it cut short.
inline constexpr std::string_view audit_truncated = "...[truncated]";

// An owned copy of an audit_event (each text bounded by the sink that kept it).
struct audit_record {
  std::chrono::system_clock::time_point at{};
  std::string action;
  bool allowed = false;
  errc cause = errc{};
  std::string credential;
  std::string actor;
  std::string tenant;
  std::string method;
  std::string path;
  std::string reason;
  std::string target;
  std::string request_id;
};

namespace detail {
// How many bytes of a text longer than max_field bytes are kept before audit_truncated (max_field
// at least the marker's length). A cut landing inside a UTF-8 sequence (on a continuation byte,
// 10xxxxxx) moves back to the sequence's first byte; text that is not UTF-8 is cut where the
// bound says.
TESSERA_DECL std::size_t kept_before_cut(std::string_view text, std::size_t max_field) noexcept;

// The text, or its first bytes and audit_truncated when it is longer than max_field bytes
// (max_field at least the marker's length). The cut never splits a UTF-8 sequence.
TESSERA_DECL std::string bounded_text(std::string_view text, std::size_t max_field);
}  // namespace detail

// An in-memory sink keeping the latest `capacity` events, oldest dropped first, each text cut
// to `max_field` bytes (its end replaced by audit_truncated), so it never holds more than about
// capacity * 9 * max_field bytes of text (about 23 MB by default): for tests, for a server that
// ships its audit trail elsewhere in batches (take() empties it), and for showing a tenant its
// own recent trail (for_tenant()).
class memory_audit {
 public:
  // Longest text kept per field unless the constructor says otherwise, in bytes.
  static constexpr std::size_t default_max_field = 256;

  // A sink for `capacity` events (at least 1) with texts of at most `max_field` bytes (at least
  // the marker's length).
  explicit memory_audit(std::size_t capacity = 10'000, std::size_t max_field = default_max_field)
      : capacity_(capacity == 0 ? 1 : capacity), max_field_(std::max(max_field, audit_truncated.size())) {}

  // Keeps a bounded copy of the event (dropped if memory runs out).
  void record(const audit_event& e) noexcept;
  // A copy of the kept events, oldest first.
  std::vector<audit_record> events() const {
    std::lock_guard lock(mutex_);
    return {events_.begin(), events_.end()};
  }
  // A copy of the kept events whose tenant is exactly `tenant`, oldest first: what one tenant may
  // read of the trail. Events recorded without a tenant (refused before a credential was
  // verified) belong to none and are returned only for tenant "". A tenant too long to have been
  // kept whole matches nothing, since its cut text could equal another tenant's.
  std::vector<audit_record> for_tenant(std::string_view tenant) const;
  // The kept events, oldest first; the sink is empty afterwards.
  std::vector<audit_record> take();
  // How many events were dropped (capacity reached, or no memory).
  std::size_t dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }

 private:
  // The text, or its first bytes and the marker when it is longer than max_field_.
  std::string bounded(std::string_view text) const { return detail::bounded_text(text, max_field_); }

  std::size_t capacity_;
  std::size_t max_field_;
  mutable std::mutex mutex_;
  std::deque<audit_record> events_;
  std::size_t dropped_ = 0;
};
static_assert(audit_sink<memory_audit>);

}  // namespace tessera::http

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/http/impl/audit.ipp"
#endif
