// Holds webhook verification (webhook/verifier.hpp with the Standard Webhooks and `t=,v1=`
// schemes, the latter with and without an id header) to a reference verifier written here from
// the schemes' documented rules, with OpenSSL's one-shot HMAC() and the reference decoders.
// The input is a header block ("name:value" lines, taken verbatim), an empty line and the body.
// Each verifier has two keys and a clock fixed at the seeds' timestamp. Properties: tessera's
// verdict is exactly the reference's (the same error, in the documented order: header presence
// and shape, timestamp syntax, freshness, then the signatures); an accepted delivery reports the
// header's id, the signed timestamp and the first key (in ring order) that any well-formed
// signature entry matches.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>
#include <utility>
#include <vector>

#include "fuzz_support.hpp"
#include "tessera/webhook/key_ring.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/timestamped_scheme.hpp"
#include "tessera/webhook/verifier.hpp"

namespace {
using namespace tessera;
using tessera_fuzz::byte_vec;
using tessera_fuzz::require;
using header_vec = std::vector<std::pair<std::string, std::string>>;

// The instant every verifier here lives at (the seeds are signed at it).
constexpr std::int64_t now_s = 1715929970;
// The default freshness window.
constexpr std::int64_t tolerance_s = 300;

// A clock stopped at now_s.
struct fixed_clock {
  // Always now_s.
  std::chrono::system_clock::time_point now() const noexcept {
    return std::chrono::system_clock::time_point(std::chrono::seconds(now_s));
  }
};

// Standard Webhooks secrets (whsec_ + base64 of 24 and 32 bytes).
constexpr std::string_view sw_secrets[2] = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                            "whsec_dGVzc2VyYS1mdXp6LXNlY29uZC1rZXktMzItYnl0ZXM="};
// `t=,v1=` secrets (their text is the key).
constexpr std::string_view ts_secrets[2] = {"partner-secret-0123456789abcdef-xyz",
                                            "second-partner-secret-abcdefghijklmnop"};

// ---- The reference -------------------------------------------------------------------------

// What the reference concludes about a delivery.
struct outcome {
  errc error = errc{};  // errc{} (none) when accepted
  std::string id;
  std::int64_t timestamp = 0;
  std::size_t key = 0;
};

// A refusal with the given error.
outcome refused(errc e) {
  outcome o;
  o.error = e;
  return o;
}

// ASCII case-insensitive equality of header names.
bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto low = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (low(a[i]) != low(b[i])) return false;
  }
  return true;
}

// The value of a header that must be present exactly once, or the error when it is not.
errc lookup(const header_vec& h, std::string_view name, std::string_view& value) {
  int seen = 0;
  for (const auto& [n, v] : h)
    if (same_name(n, name) && seen++ == 0) value = v;
  return seen == 0 ? errc::missing_header : seen > 1 ? errc::malformed_header : errc{};
}

// The items of a list separated by sep, each without surrounding spaces and tabs (empty ones kept).
std::vector<std::string_view> items(std::string_view list, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = std::min(list.find(sep, start), list.size());
    std::string_view it = list.substr(start, end - start);
    const std::size_t first = it.find_first_not_of(" \t");
    it =
        first == std::string_view::npos ? std::string_view{} : it.substr(first, it.find_last_not_of(" \t") - first + 1);
    out.push_back(it);
    if (end == list.size()) return out;
    start = end + 1;
  }
}

// True for a list header within the size limit with 1..max non-empty items.
bool list_ok(std::string_view list, char sep, std::size_t max) {
  if (list.size() > webhook::max_signature_header_size) return false;
  std::size_t n = 0;
  for (auto it : items(list, sep)) n += it.empty() ? 0 : 1;
  return n >= 1 && n <= max;
}

// True for a delivery id: 1..256 characters 0x21-0x7E, without '.' when no_dot.
bool id_ok(std::string_view id, bool no_dot) {
  if (id.empty() || id.size() > webhook::max_id_size) return false;
  for (char c : id)
    if (c < 0x21 || c > 0x7e || (no_dot && c == '.')) return false;
  return true;
}

// Reference strict reading of a webhook timestamp: canonical decimal within int64.
std::optional<std::int64_t> ref_timestamp(std::string_view t) {
  if (t.empty() || t.size() > 19 || (t.size() > 1 && t[0] == '0')) return std::nullopt;
  __int128 v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > std::numeric_limits<std::int64_t>::max()) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

// stale_timestamp / future_timestamp outside the window around now_s, none inside it.
errc freshness(std::int64_t ts) {
  if (__int128{now_s} - ts > tolerance_s) return errc::stale_timestamp;
  if (__int128{ts} - now_s > tolerance_s) return errc::future_timestamp;
  return errc{};
}

// HMAC-SHA256 with OpenSSL's one-shot function.
byte_vec hmac256(const byte_vec& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  require(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
               reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len) != nullptr,
          "reference HMAC works");
  return byte_vec(out, out + len);
}

// The first key (in ring order) whose MAC of message is one of the entries; sets no_valid_signature when none is.
void match(outcome& o, const std::vector<byte_vec>& keys, const std::string& message,
           const std::vector<byte_vec>& entries) {
  if (entries.empty()) {
    o.error = errc::no_valid_signature;
    return;
  }
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const byte_vec mac = hmac256(keys[k], message);
    for (const auto& e : entries)
      if (e == mac) {
        o.key = k;
        return;
      }
  }
  o.error = errc::no_valid_signature;
}

// Reference Standard Webhooks verification.
outcome ref_standard(const header_vec& h, std::string_view body, const std::vector<byte_vec>& keys) {
  outcome o;
  std::string_view id, ts, sigs;
  for (auto [name, out] : {std::pair{"webhook-id", &id}, {"webhook-timestamp", &ts}, {"webhook-signature", &sigs}})
    if (o.error = lookup(h, name, *out); o.error != errc{}) return o;
  if (!id_ok(id, true)) return refused(errc::malformed_header);
  const auto t = ref_timestamp(ts);
  if (!t) return refused(errc::invalid_timestamp);
  if (!list_ok(sigs, ' ', webhook::max_signatures)) return refused(errc::malformed_header);
  if (o.error = freshness(*t); o.error != errc{}) return o;
  std::vector<byte_vec> entries;
  for (auto e : items(sigs, ' ')) {
    if (e.substr(0, 3) != "v1,") continue;
    auto raw = tessera_fuzz::ref_base64_decode(e.substr(3), false, true);
    if (raw && raw->size() == 32) entries.push_back(*raw);
  }
  o.id = std::string(id);
  o.timestamp = *t;
  match(o, keys, std::string(id) + "." + std::string(ts) + "." + std::string(body), entries);
  return o;
}

// Reference `t=,v1=` verification, with an id header when id_header is not empty.
outcome ref_timestamped(const header_vec& h, std::string_view body, const std::vector<byte_vec>& keys,
                        std::string_view sig_header, std::string_view id_header) {
  outcome o;
  std::string_view id, value;
  if (!id_header.empty()) {
    if (o.error = lookup(h, id_header, id); o.error != errc{}) return o;
    if (!id_ok(id, false)) return refused(errc::malformed_header);
  }
  if (o.error = lookup(h, sig_header, value); o.error != errc{}) return o;
  if (!list_ok(value, ',', webhook::max_signatures + 1)) return refused(errc::malformed_header);
  std::vector<std::string_view> stamps;
  std::vector<byte_vec> entries;
  for (auto it : items(value, ',')) {
    if (it.substr(0, 2) == "t=") stamps.push_back(it.substr(2));
    if (it.substr(0, 3) != "v1=") continue;
    auto raw = tessera_fuzz::ref_hex_decode(it.substr(3));
    if (raw && raw->size() == 32) entries.push_back(*raw);
  }
  if (stamps.size() != 1) return refused(errc::malformed_header);
  const auto t = ref_timestamp(stamps[0]);
  if (!t) return refused(errc::invalid_timestamp);
  if (o.error = freshness(*t); o.error != errc{}) return o;
  o.id = std::string(id);
  o.timestamp = *t;
  match(o, keys, std::string(stamps[0]) + "." + std::string(body), entries);
  return o;
}

// ---- tessera's side ------------------------------------------------------------------------

// A verifier of scheme S with the two given secrets, no replay store and the fixed clock.
template <class S>
webhook::verifier<S, webhook::no_replay_check, fixed_clock> make(const S& s, const std::string_view (&secrets)[2]) {
  return webhook::verifier<S, webhook::no_replay_check, fixed_clock>(
      s, webhook::key_ring::from_secrets(s, {secrets[0], secrets[1]}).value(), webhook::no_replay_check{});
}

// Checks tessera's verdict against the reference's.
template <class V>
void compare(const V& v, const header_vec& h, std::string_view body, const outcome& want) {
  auto got = v.verify(h, core::bytes_view(body));
  require(got.has_value() == (want.error == errc{}), "webhook verification accepts exactly what the reference does");
  if (!got) {
    require(got.error() == want.error, "webhook verification refuses with the reference's error");
    return;
  }
  require(got->id() == want.id, "a verified delivery has the header's id");
  require(got->timestamp() == want.timestamp, "a verified delivery has the signed timestamp");
  require(got->key_index() == want.key, "a verified delivery names the first matching key");
}

// The reference keys: Standard Webhooks secrets decoded, `t=,v1=` secrets as text.
std::vector<byte_vec> standard_keys() {
  std::vector<byte_vec> k;
  for (auto s : sw_secrets) k.push_back(tessera_fuzz::ref_base64_decode(s.substr(6), false, true).value());
  return k;
}
// The `t=,v1=` keys: each secret's text.
std::vector<byte_vec> timestamped_keys() {
  std::vector<byte_vec> k;
  for (auto s : ts_secrets) k.emplace_back(s.begin(), s.end());
  return k;
}
}  // namespace

// One input: "name:value" header lines, an empty line, the body.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = tessera_fuzz::text(data, size);
  const std::size_t split = in.find("\n\n");
  const std::string_view head = in.substr(0, split);
  const std::string_view body = split == std::string_view::npos ? std::string_view{} : in.substr(split + 2);
  header_vec h;
  for (std::size_t at = 0; at <= head.size() && !head.empty();) {
    const std::size_t nl = std::min(head.find('\n', at), head.size());
    const std::string_view line = head.substr(at, nl - at);
    const std::size_t colon = line.find(':');
    h.emplace_back(std::string(line.substr(0, colon)),
                   colon == std::string_view::npos ? std::string() : std::string(line.substr(colon + 1)));
    at = nl + 1;
  }

  static const auto sw_keys = standard_keys();
  static const auto ts_keys = timestamped_keys();
  static const auto sw = make(webhook::standard_webhooks{}, sw_secrets);
  static const webhook::timestamped_scheme plain{"X-Signature"};
  static const webhook::timestamped_scheme with_id{"X-Signature", "X-Delivery-Id"};
  static const auto tv = make(plain, ts_secrets);
  static const auto tv_id = make(with_id, ts_secrets);

  compare(sw, h, body, ref_standard(h, body, sw_keys));
  compare(tv, h, body, ref_timestamped(h, body, ts_keys, "X-Signature", ""));
  compare(tv_id, h, body, ref_timestamped(h, body, ts_keys, "X-Signature", "X-Delivery-Id"));
  return 0;
}
