// Tests for tessera/core/error.hpp: the errc table, its names and statuses, and the error category.
#include "tessera/core/error.hpp"

#include <set>
#include <string>
#include <string_view>
#include <system_error>

#include "support/catch.hpp"

using namespace tessera;

namespace {
constexpr int first = 1;
constexpr int last = static_cast<int>(core::errc::count_);  // one past the last cause

bool is_snake_case(std::string_view s) {
  if (s.empty() || !(s.front() >= 'a' && s.front() <= 'z') || s.back() == '_') return false;
  char prev = 0;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok || (c == '_' && prev == '_')) return false;
    prev = c;
  }
  return true;
}
}  // namespace

TEST_CASE("every errc has a unique snake_case name", "[core][error]") {
  REQUIRE(last > first + 10);
  std::set<std::string_view> seen;
  for (int i = first; i < last; ++i) {
    const auto e = static_cast<errc>(i);
    const auto n = core::name(e);
    CAPTURE(i, std::string(n));
    CHECK(is_snake_case(n));
    CHECK(seen.insert(n).second);
  }
  CHECK(seen.size() == static_cast<std::size_t>(last - first));
  // A few names other areas and JSON error bodies rely on.
  CHECK(core::name(errc::invalid_base64) == "invalid_base64");
  CHECK(core::name(errc::bad_signature) == "bad_signature");
  CHECK(core::name(errc::store_unavailable) == "store_unavailable");
}

TEST_CASE("every errc maps to one of the allowed HTTP statuses", "[core][error]") {
  const std::set<int> allowed{400, 401, 403, 404, 409, 422, 429, 500, 502, 503};
  for (int i = first; i < last; ++i) {
    const auto e = static_cast<errc>(i);
    CAPTURE(i, std::string(core::name(e)), core::http_status(e));
    CHECK(allowed.count(core::http_status(e)) == 1);
  }
  CHECK(core::http_status(errc::bad_signature) == 401);
  CHECK(core::http_status(errc::missing_scope) == 403);
  CHECK(core::http_status(errc::rate_limited) == 429);
  CHECK(core::http_status(errc::invalid_argument) == 400);
  CHECK(core::http_status(errc::internal_error) == 500);
  CHECK(core::http_status(errc::duplicate_delivery) == 409);
  CHECK(core::http_status(errc::route_not_found) == 404);
  CHECK(core::http_status(errc::store_unavailable) == 503);
}

TEST_CASE("every errc converts to a failing std::error_code of category tessera", "[core][error]") {
  for (int i = first; i < last; ++i) {
    const auto e = static_cast<errc>(i);
    CAPTURE(i, std::string(core::name(e)));
    std::error_code ec = e;  // implicit, through is_error_code_enum
    CHECK(static_cast<bool>(ec));
    CHECK(ec.value() == i);
    CHECK(std::string_view(ec.category().name()) == "tessera");
    CHECK(&ec.category() == &core::error_category());
    CHECK(ec == e);
    CHECK(ec == core::make_error_code(e));
    CHECK_FALSE(ec.message().empty());
    CHECK(ec.message() == std::string(core::message(e)));
    CHECK_FALSE(core::message(e).empty());
  }
  std::error_code a = errc::bad_signature, b = errc::invalid_key;
  CHECK(a != b);
  CHECK(a != std::make_error_code(std::errc::invalid_argument));
}

TEST_CASE("values outside the table still have a name, a status and a message", "[core][error]") {
  for (int v : {0, last, last + 1, 100000, -1}) {
    const auto e = static_cast<errc>(v);
    CAPTURE(v);
    CHECK_FALSE(core::name(e).empty());
    CHECK_FALSE(core::message(e).empty());
    CHECK(core::http_status(e) >= 200);
    CHECK_FALSE(core::error_category().message(v).empty());
  }
  // Unknown values fall back to internal_error, never to a success status.
  CHECK(core::http_status(static_cast<errc>(last)) == 500);
  CHECK(core::name(static_cast<errc>(last)) == "internal_error");
}

TEST_CASE("name, status and message are usable at compile time", "[core][error]") {
  static_assert(core::name(errc::invalid_hex) == "invalid_hex");
  static_assert(core::http_status(errc::missing_scope) == 403);
  static_assert(std::is_error_code_enum_v<errc>);
  CHECK(core::name(errc::invalid_hex) == "invalid_hex");
}
