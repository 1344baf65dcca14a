// Tests for tessera/core/secret.hpp: a move-only, unprintable, cleansed buffer.
#include "tessera/core/secret.hpp"

#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include "support/catch.hpp"

using namespace tessera;

namespace {
template <class T>
concept streamable = requires(std::ostream& os, const T& v) { os << v; };
template <class T>
concept wstreamable = requires(std::wostream& os, const T& v) { os << v; };
}  // namespace

// Move-only.
static_assert(!std::is_copy_constructible_v<core::secret>);
static_assert(!std::is_copy_assignable_v<core::secret>);
static_assert(std::is_nothrow_move_constructible_v<core::secret>);
static_assert(std::is_nothrow_move_assignable_v<core::secret>);
// Never printable, and not silently convertible to something that is.
static_assert(!streamable<core::secret>);
static_assert(!wstreamable<core::secret>);
static_assert(streamable<std::string>);  // the concept itself works
static_assert(!std::is_convertible_v<core::secret, std::string_view>);
static_assert(!std::is_convertible_v<core::secret, core::bytes_view>);
static_assert(!std::is_convertible_v<core::bytes_view, core::secret>);  // construction is explicit

TEST_CASE("secret holds a copy of its bytes", "[core][secret]") {
  std::string source = "s3cr3t-key";
  core::secret s(core::bytes_view{source});
  source[0] = 'X';  // the secret owns its own copy
  CHECK(s.size() == 10);
  CHECK_FALSE(s.empty());
  CHECK(s.expose_secret_text() == "s3cr3t-key");
  CHECK(s.expose_secret().size() == 10);
  CHECK(s.ct_equals("s3cr3t-key"));
  CHECK_FALSE(s.ct_equals("s3cr3t-kez"));
  CHECK_FALSE(s.ct_equals("s3cr3t-ke"));
}

TEST_CASE("a sized secret is zero-filled and writable", "[core][secret]") {
  core::secret s(4);
  REQUIRE(s.size() == 4);
  for (auto b : s.expose_secret()) CHECK(b == 0);
  s.writable_bytes()[2] = 0x7f;
  CHECK(s.expose_secret()[2] == 0x7f);

  core::secret empty(std::size_t{0});
  CHECK(empty.empty());
  CHECK(empty.expose_secret().empty());
  CHECK(empty.expose_secret_text().empty());
  CHECK(empty.ct_equals(""));
  core::secret from_empty(core::bytes_view{});
  CHECK(from_empty.empty());
  core::secret def;
  CHECK(def.empty());
}

TEST_CASE("a moved-from secret is empty", "[core][secret]") {
  core::secret a(core::bytes_view{"0123456789abcdef"});
  core::secret b(std::move(a));
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move): the state after a move is specified
  CHECK(a.size() == 0);
  CHECK(a.expose_secret().empty());
  CHECK(b.expose_secret_text() == "0123456789abcdef");

  core::secret c(core::bytes_view{"other"});
  c = std::move(b);
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
  CHECK(c.expose_secret_text() == "0123456789abcdef");

  auto& alias = c;
  c = std::move(alias);  // self-move keeps the bytes
  CHECK(c.expose_secret_text() == "0123456789abcdef");

  a = std::move(c);  // a moved-from secret can be assigned again
  CHECK(a.expose_secret_text() == "0123456789abcdef");
}
