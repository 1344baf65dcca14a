// Tests for tessera/core/result.hpp: result<T> and result<void>, shaped like std::expected.
#include "tessera/core/result.hpp"

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;

namespace {
result<int> parse_digit(char c) noexcept {
  if (c < '0' || c > '9') return unexpected{errc::invalid_argument};
  return c - '0';
}
result<void> check_positive(int v) noexcept {
  if (v <= 0) return unexpected{errc::invalid_argument};
  return core::ok();
}
result<void> chain(int v) noexcept {
  TESSERA_TRY_VOID(check_positive(v));
  TESSERA_TRY_VOID(parse_digit(static_cast<char>('0' + v)));
  return core::ok();
}

// Counts live instances, to prove result constructs and destroys its value exactly once.
struct counted {
  static inline int live = 0;
  std::string s;
  explicit counted(std::string v) : s(std::move(v)) { ++live; }
  counted(const counted& o) : s(o.s) { ++live; }
  counted(counted&& o) noexcept : s(std::move(o.s)) { ++live; }
  counted& operator=(const counted&) = default;
  counted& operator=(counted&&) = default;
  ~counted() { --live; }
};
}  // namespace

TEST_CASE("result holds a value", "[core][result]") {
  result<int> r = 42;
  REQUIRE(r);
  CHECK(r.has_value());
  CHECK(*r == 42);
  CHECK(r.value() == 42);
  CHECK(r.value_or(7) == 42);
  CHECK_FALSE(r.error_code());
  *r = 43;
  CHECK(*r == 43);

  result<std::string> s = std::string("hello");
  REQUIRE(s);
  CHECK(s->size() == 5);
  CHECK(std::move(s).value() == "hello");
}

TEST_CASE("result holds an error", "[core][result]") {
  result<int> r = unexpected{errc::invalid_hex};
  CHECK_FALSE(r);
  CHECK_FALSE(r.has_value());
  CHECK(r.error() == errc::invalid_hex);
  CHECK(r.error_code() == errc::invalid_hex);
  CHECK(std::string_view(r.error_code().category().name()) == "tessera");
  CHECK(r.value_or(7) == 7);
  CHECK(unexpected{errc::bad_signature}.error() == errc::bad_signature);

  CHECK(parse_digit('5').value() == 5);
  CHECK(parse_digit('x').error() == errc::invalid_argument);
}

TEST_CASE("value() throws bad_result_access carrying the error", "[core][result]") {
  result<int> r = unexpected{errc::bad_signature};
  bool thrown = false;
  try {
    (void)r.value();
  } catch (const core::bad_result_access& e) {
    thrown = true;
    CHECK(e.code_value() == errc::bad_signature);
    CHECK(e.code() == errc::bad_signature);
  }
  CHECK(thrown);

  const result<std::string> c = unexpected{errc::invalid_key};
  thrown = false;
  try {
    (void)c.value();
  } catch (const std::system_error& e) {  // bad_result_access is a std::system_error
    thrown = true;
    CHECK(e.code() == errc::invalid_key);
  }
  CHECK(thrown);

  result<std::string> m = unexpected{errc::invalid_key};
  thrown = false;
  try {
    (void)std::move(m).value();
  } catch (const core::bad_result_access&) {
    thrown = true;
  }
  CHECK(thrown);
}

TEST_CASE("result<void>", "[core][result]") {
  result<void> good;
  CHECK(good);
  CHECK(good.has_value());
  CHECK_FALSE(good.error_code());
  good.value();  // does not throw
  CHECK(core::ok().has_value());

  result<void> bad = unexpected{errc::store_unavailable};
  CHECK_FALSE(bad);
  CHECK(bad.error() == errc::store_unavailable);
  CHECK(bad.error_code() == errc::store_unavailable);
  bool thrown = false;
  try {
    bad.value();
  } catch (const core::bad_result_access& e) {
    thrown = true;
    CHECK(e.code_value() == errc::store_unavailable);
  }
  CHECK(thrown);

  result<void> copy = bad;
  CHECK(copy.error() == errc::store_unavailable);
  copy = good;
  CHECK(copy);
}

TEST_CASE("an error built without a code never reads as success", "[core][result]") {
  // A custom store that fails without saying why: errc{} is 0, the value success is made of.
  auto store_write = []() noexcept -> result<void> { return unexpected{errc{}}; };
  auto store_read = []() noexcept -> result<int> { return unexpected{errc{}}; };
  const result<void> w = store_write();
  CHECK_FALSE(w);
  CHECK_FALSE(w.has_value());
  CHECK(w.error() == errc::internal_error);
  CHECK(w.error_code() == errc::internal_error);
  CHECK_THROWS_AS(w.value(), core::bad_result_access);
  const result<int> r = store_read();
  CHECK_FALSE(r);
  CHECK(r.error() == errc::internal_error);
  CHECK(r.error_code());  // a failure always converts to a failing error_code
  CHECK(core::http_status(r.error()) == 500);
  CHECK(unexpected{errc::none_}.error() == errc::internal_error);
  static_assert(!result<void>(unexpected{errc{}}).has_value());
  static_assert(unexpected{errc::bad_signature}.error() == errc::bad_signature);
}

TEST_CASE("TESSERA_TRY_VOID returns the first error", "[core][result]") {
  CHECK(chain(3));
  CHECK(chain(0).error() == errc::invalid_argument);   // check_positive fails
  CHECK(chain(40).error() == errc::invalid_argument);  // parse_digit(':'...) fails
}

TEST_CASE("result copies and moves values and errors", "[core][result]") {
  counted::live = 0;
  {
    result<counted> a = counted("a");
    CHECK(counted::live == 1);
    result<counted> b = a;  // copy
    CHECK(counted::live == 2);
    CHECK(b->s == "a");
    result<counted> c = std::move(a);  // move
    CHECK(c->s == "a");
    CHECK(counted::live == 3);  // the moved-from value still exists until a is destroyed

    result<counted> e = unexpected{errc::invalid_key};
    CHECK(counted::live == 3);
    e = b;  // error <- value
    CHECK(counted::live == 4);
    REQUIRE(e);
    CHECK(e->s == "a");
    b = unexpected{errc::bad_signature};  // value <- error
    CHECK(counted::live == 3);
    CHECK(b.error() == errc::bad_signature);
    e = std::move(b);  // value <- error (move)
    CHECK(counted::live == 2);
    CHECK(e.error() == errc::bad_signature);
    auto& alias = c;
    c = alias;  // self-assignment keeps the value
    REQUIRE(c);
    CHECK(c->s == "a");
    result<counted> f = counted("f");
    c = std::move(f);  // value <- value (move)
    CHECK(c->s == "f");
    result<counted> g = e;  // copy an error
    CHECK(g.error() == errc::bad_signature);
  }
  CHECK(counted::live == 0);
}

TEST_CASE("result holds move-only values", "[core][result]") {
  result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  REQUIRE(r);
  auto p = std::move(*r);
  CHECK(*p == 5);
  result<std::unique_ptr<int>> moved = std::move(r);
  CHECK(moved);
  static_assert(!std::is_copy_constructible_v<std::unique_ptr<int>>);
  static_assert(std::is_nothrow_move_constructible_v<result<std::unique_ptr<int>>>);
  static_assert(std::is_nothrow_move_constructible_v<result<std::vector<int>>>);
}

TEST_CASE("result<bool> keeps the value apart from success", "[core][result]") {
  result<bool> f = false;
  REQUIRE(f);  // a held false is still a success
  CHECK_FALSE(*f);
  result<bool> err = unexpected{errc::store_unavailable};
  CHECK_FALSE(err);
}

namespace {
// Neither copyable nor movable, with a private constructor: only from_call can put one in a result.
class pinned {
 public:
  pinned(const pinned&) = delete;
  pinned(pinned&&) = delete;
  int value() const noexcept { return v_; }
  static result<pinned> make(int v) noexcept {
    return result<pinned>(core::from_call, [v] { return pinned(v); });
  }

 private:
  explicit pinned(int v) noexcept : v_(v) {}
  int v_;
};
}  // namespace

TEST_CASE("from_call builds the value in place, with no copy or move", "[core][result]") {
  auto r = pinned::make(42);
  REQUIRE(r);
  CHECK(r->value() == 42);
  // Exactly one instance is constructed and later destroyed.
  {
    result<counted> c(core::from_call, [] { return counted("x"); });
    REQUIRE(c);
    CHECK(c->s == "x");
    CHECK(counted::live == 1);
  }
  CHECK(counted::live == 0);
  static_assert(noexcept(result<int>(core::from_call, []() noexcept { return 1; })));
}
