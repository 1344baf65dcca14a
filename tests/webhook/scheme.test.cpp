// Tests for tessera/webhook/scheme.hpp: the concept, and that a new scheme plugs into the same
// signer and verifier as the shipped ones.
#include "tessera/webhook/scheme.hpp"

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/core/base64.hpp"
#include "tessera/webhook/body_only_scheme.hpp"
#include "tessera/webhook/signer.hpp"
#include "tessera/webhook/standard_webhooks.hpp"
#include "tessera/webhook/timestamped_scheme.hpp"
#include "tessera/webhook/verifier.hpp"
#include "support/catch.hpp"

using namespace tessera;

namespace {
// A made-up scheme: "X-Acme-Signature: s2=<base64url HMAC-SHA512>" over "{id}:{body}", id in X-Acme-Id.
struct acme_scheme {
  crypto::hash_alg hash() const noexcept { return crypto::hash_alg::sha512; }
  result<crypto::hmac_key> key_from_secret(std::string_view text) const noexcept {
    return webhook::make_key(hash(), text);
  }
  result<core::secret> generate_secret() const { return webhook::generate_prefixed_secret("acme_"); }
  result<webhook::delivery_fields> read(const webhook::header_lookup& h) const noexcept {
    auto id = webhook::detail::required_header(h, "X-Acme-Id");
    if (!id) return unexpected{id.error()};
    auto sig = webhook::detail::required_header(h, "X-Acme-Signature");
    if (!sig) return unexpected{sig.error()};
    webhook::delivery_fields f;
    f.id = *id;
    f.id_signed = true;
    f.signatures = *sig;
    return f;
  }
  bool next_signature(std::string_view& cursor, webhook::signature_bytes& sig) const noexcept {
    std::string_view s = cursor;
    cursor = {};
    if (!s.starts_with("s2=")) return false;
    auto n = core::base64url_decode_into(s.substr(3), sig.bytes);
    if (!n || *n != 64) return false;
    sig.size = *n;
    return true;
  }
  webhook::message_parts signed_parts(const webhook::delivery_fields& f, core::bytes_view body) const noexcept {
    return {{core::bytes_view(f.id), core::bytes_view(":"), body}};
  }
  result<void> write_headers(const webhook::delivery_fields& f, std::span<const webhook::signature_bytes> tags,
                             webhook::header_list& out) const {
    out.add("X-Acme-Id", std::string(f.id));
    out.add("X-Acme-Signature", "s2=" + core::base64url_encode(tags[0].view()));
    return core::ok();
  }
};
}  // namespace

static_assert(webhook::scheme<webhook::standard_webhooks>);
static_assert(webhook::scheme<webhook::timestamped_scheme>);
static_assert(webhook::scheme<webhook::body_only_scheme>);
static_assert(webhook::scheme<acme_scheme>);
static_assert(!webhook::scheme<int>);
static_assert(!webhook::scheme<webhook::header_list>);

TEST_CASE("a new scheme works with the same signer and verifier", "[webhook][scheme]") {
  acme_scheme acme;
  auto secret = acme.generate_secret();
  REQUIRE(secret);
  auto ring = webhook::key_ring::from_secrets(acme, {secret->expose_secret_text()});
  REQUIRE(ring);
  webhook::signer s(acme, *ring);
  webhook::verifier v(acme, *ring, webhook::no_replay_check{});
  auto h = s.sign("order-7", "payload");
  REQUIRE(h);
  auto ok = v.verify(*h, "payload");
  REQUIRE(ok);
  CHECK(ok->id() == "order-7");
  CHECK_FALSE(ok->timestamp());
  CHECK(v.verify(*h, "payloaD").error() == errc::no_valid_signature);
}

TEST_CASE("a key of another hash than the scheme's is refused", "[webhook][scheme]") {
  auto k = webhook::make_key(crypto::hash_alg::sha512, std::string(32, 'k'));
  REQUIRE(k);
  webhook::key_ring ring;
  REQUIRE(ring.add(*k));
  webhook::body_only_scheme gh;
  webhook::signer s(gh, ring);
  CHECK(s.sign("x", "body").error() == errc::key_type_mismatch);
  webhook::verifier v(gh, ring, webhook::no_replay_check{});
  std::vector<std::pair<std::string, std::string>> h{
      {"X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}};
  CHECK(v.verify(h, "Hello, World!").error() == errc::key_type_mismatch);
}

TEST_CASE("list helpers bound signature headers", "[webhook][scheme]") {
  using webhook::detail::check_list;
  CHECK(check_list("a b", ' ', 2));
  CHECK_FALSE(check_list("a b c", ' ', 2));
  CHECK_FALSE(check_list("", ' ', 2));
  CHECK_FALSE(check_list("  ", ' ', 2));
  CHECK_FALSE(check_list(std::string(webhook::max_signature_header_size + 1, 'a'), ' ', 2));
  // Empty items do not count, however many separators there are (the exact count decides).
  CHECK(check_list("a  b", ' ', 2));
  CHECK(check_list("a,,,,b", ',', 2));
  CHECK(check_list("a, \t,b", ',', 2));
  CHECK_FALSE(check_list("a,b,c", ',', 2));
  CHECK(check_list("a,b,c", ',', 3));
  CHECK_FALSE(check_list("\t,\t, ", ',', 2));  // only blanks
  CHECK_FALSE(check_list(",,,", ',', 16));
  CHECK(check_list("\tx\t", ',', 1));
  CHECK(webhook::detail::valid_id("msg_1", true));
  CHECK_FALSE(webhook::detail::valid_id("msg.1", true));
  CHECK(webhook::detail::valid_id("msg.1", false));
}
