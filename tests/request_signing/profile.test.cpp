// Tests for tessera/request_signing/profile.hpp: the signing_profile concept, shape rules for
// client ids and nonces, and the signed_headers a signer returns.
#include "tessera/request_signing/profile.hpp"

#include <string>
#include <string_view>

#include "support/catch.hpp"

using namespace tessera;
using namespace tessera::request_signing;
using namespace std::string_view_literals;

namespace {
// A user-defined profile: "method path timestamp" (for illustration; it binds no client id).
struct method_path_profile {
  static constexpr bool binds_request = true;
  header_names names{};
  timestamp_format format() const noexcept { return timestamp_format::unix_seconds; }
  bool uses_nonce() const noexcept { return false; }
  const header_names& headers() const noexcept { return names; }
  result<void> append_string_to_sign(std::string& out, const request_parts& r, const signed_fields& f) const noexcept {
    try {
      out.append(r.method).append(" ").append(r.path).append(" ").append(f.timestamp);
      return core::ok();
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }
};
static_assert(signing_profile<method_path_profile>);

// Missing pieces are not profiles.
struct no_format {
  static constexpr bool binds_request = false;
  header_names names{};
  bool uses_nonce() const noexcept { return false; }
  const header_names& headers() const noexcept { return names; }
  result<void> append_string_to_sign(std::string&, const request_parts&, const signed_fields&) const noexcept { return core::ok(); }
};
static_assert(!signing_profile<no_format>);
struct throwing_append {
  static constexpr bool binds_request = false;
  header_names names{};
  timestamp_format format() const noexcept { return timestamp_format::unix_seconds; }
  bool uses_nonce() const noexcept { return false; }
  const header_names& headers() const noexcept { return names; }
  result<void> append_string_to_sign(std::string&, const request_parts&, const signed_fields&) const { return core::ok(); }
};
static_assert(!signing_profile<throwing_append>);
}  // namespace

TEST_CASE("client ids are 1 to 256 visible ASCII characters", "[request_signing][profile]") {
  CHECK(valid_client_id("partner-1"));
  CHECK(valid_client_id("9f1c2e7b-5d3a-4c8e-b0a1-2f3e4d5c6b7a"));
  CHECK(valid_client_id("a|b"));
  CHECK(valid_client_id(std::string(256, 'x')));
  CHECK_FALSE(valid_client_id(std::string(257, 'x')));
  for (auto bad : {""sv, "a b"sv, " a"sv, "a\n"sv, "a\tb"sv, "caf\xc3\xa9"sv, "a\x7f"sv, "\0"sv}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_client_id(bad));
  }
}

TEST_CASE("nonces are 16 to 128 base64url characters", "[request_signing][profile]") {
  CHECK(valid_nonce("AAAAAAAAAAAAAAAA"));
  CHECK(valid_nonce("n0nce-3f9a1c2e7b5d"));
  CHECK(valid_nonce("9f1c2e7b-5d3a-4c8e-b0a1-2f3e4d5c6b7a"));
  CHECK(valid_nonce(std::string(128, '_')));
  CHECK_FALSE(valid_nonce(std::string(129, 'a')));
  CHECK_FALSE(valid_nonce("AAAAAAAAAAAAAAA"));  // 15
  for (auto bad : {"AAAAAAAAAAAAAAA="sv, "AAAAAAAA AAAAAAA"sv, "AAAAAAAAAAAAAAA+"sv, "AAAAAAAAAAAAAAA/"sv, "AAAAAAAAAAAAAAA."sv}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_nonce(bad));
  }
}

TEST_CASE("signed_headers keeps order, finds by any case, and applies to a request", "[request_signing][profile]") {
  signed_headers h;
  h.add("X-CLIENT-ID", "partner-1");
  h.add("X-TIMESTAMP", "1715929970");
  h.add("X-SIGNATURE", "c2ln");
  REQUIRE(h.size() == 3);
  CHECK(h.begin()->name == "X-CLIENT-ID");
  CHECK(h.find("x-timestamp") == std::optional<std::string_view>("1715929970"));
  CHECK_FALSE(h.find("X-NONCE"));
  request r("GET", "/");
  r.set_header("x-signature", "old");
  h.apply_to(r);
  CHECK(r.headers().size() == 3);
  CHECK(*r.header("X-SIGNATURE") == "c2ln");
}

TEST_CASE("string_to_sign shows what a profile signs", "[request_signing][profile]") {
  request r("DELETE", "/v1/orders/7");
  auto s = string_to_sign(method_path_profile{}, r, signed_fields{"c", "1715929970", ""});
  REQUIRE(s);
  CHECK(*s == "DELETE /v1/orders/7 1715929970");
}

TEST_CASE("default header names are the partner API's", "[request_signing][profile]") {
  header_names n;
  CHECK(n.client_id == "X-CLIENT-ID");
  CHECK(n.timestamp == "X-TIMESTAMP");
  CHECK(n.signature == "X-SIGNATURE");
  CHECK(n.nonce == "X-NONCE");
  CHECK(n.authorization == "Authorization");
}
