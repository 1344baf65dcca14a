#pragma once
// tessera::webhook::signer — the sending side: signs a delivery's raw body with every active key
// of a subscription and returns the headers to send with it.

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tessera/core/bytes.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/result.hpp"
#include "tessera/webhook/headers.hpp"
#include "tessera/webhook/key_ring.hpp"
#include "tessera/webhook/scheme.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/timestamp.hpp"

namespace tessera::webhook {

// Signs deliveries for one subscription. Each attempt of a delivery keeps its id and is signed
// afresh, with the current time (Standard Webhooks: "the timestamp of the attempt"). The clock may
// be a reference type, e.g. signer<standard_webhooks, core::manual_clock&>. Thread-safe.
template <scheme Scheme = standard_webhooks, core::clock Clock = core::coarse_clock>
class signer {
 public:
  // A signer for one subscription: its scheme, its active keys (all sign), and a clock.
  signer(Scheme s, key_ring keys, std::type_identity_t<Clock> clock = Clock{})
      : scheme_(std::move(s)), keys_(std::move(keys)), clock_(std::forward<Clock>(clock)) {}

  // The headers for a delivery of `body` with this id, timestamped now.
  result<header_list> sign(std::string_view delivery_id, core::bytes_view body) const {
    return sign_at(delivery_id, core::unix_seconds(clock_.now()), body);
  }

  // The same as a name → value map, for HTTP clients that take one.
  result<std::map<std::string, std::string>> sign_map(std::string_view delivery_id, core::bytes_view body) const {
    auto h = sign(delivery_id, body);
    if (!h) return unexpected{h.error()};
    return h->to_map();
  }

  // The headers for a delivery with a given timestamp (Unix seconds, not negative): for tests and
  // known-answer checks. Senders use sign(), which takes the time from the clock.
  result<header_list> sign_at(std::string_view delivery_id, std::int64_t unix_time, core::bytes_view body) const {
    if (keys_.empty() || keys_.size() > max_signatures || unix_time < 0) return unexpected{errc::invalid_argument};
    const timestamp_text ts = format_timestamp(unix_time);
    delivery_fields f;
    f.id = delivery_id;
    f.timestamp_text = ts.view();
    f.timestamp = unix_time;
    const message_parts m = scheme_.signed_parts(f, body);
    std::array<signature_bytes, key_ring::max_keys> tags{};
    std::size_t n = 0;
    for (const auto& key : keys_.keys()) {
      if (key.algorithm() != scheme_.hash()) return unexpected{errc::key_type_mismatch};
      auto tag = key.sign(m.part);
      if (!tag) return unexpected{tag.error()};
      tags[n++] = *tag;
    }
    header_list out;
    if (auto w = scheme_.write_headers(f, std::span<const signature_bytes>(tags.data(), n), out); !w)
      return unexpected{w.error()};
    return out;
  }

  // The scheme and the keys this signer uses.
  const Scheme& scheme() const noexcept { return scheme_; }
  const key_ring& keys() const noexcept { return keys_; }

 private:
  Scheme scheme_;
  key_ring keys_;
  Clock clock_;
};

template <scheme S>
signer(S, key_ring) -> signer<S, core::coarse_clock>;
template <scheme S, class C>
signer(S, key_ring, C&&) -> signer<S, C>;

}  // namespace tessera::webhook
