// Tests for tessera/jwt/detail/token_bytes.hpp: a verified token's storage, inline up to its
// capacity and on the heap beyond, through copies, moves and reuse.
#include "tessera/jwt/detail/token_bytes.hpp"

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "support/catch.hpp"

using tessera::jwt::detail::token_bytes;

namespace {
// n bytes of a pattern that differs per seed.
std::string pattern(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + static_cast<char>(i % 23));
  return s;
}
// Fills a buffer with pattern(n, seed).
void fill(token_bytes& b, std::size_t n, char seed) { std::memcpy(b.allocate(n), pattern(n, seed).data(), n); }
std::string_view bytes(const token_bytes& b) { return {b.data(), b.size()}; }
// True when the bytes live inside the object itself.
bool held_inline(const token_bytes& b) {
  const auto* self = reinterpret_cast<const char*>(&b);
  return b.data() >= self && b.data() < self + sizeof b;
}
}  // namespace

TEST_CASE("bytes up to the inline capacity live in the object, more on the heap", "[jwt][token_bytes]") {
  static_assert(sizeof(token_bytes) == token_bytes::inline_capacity + 16);
  token_bytes empty;
  CHECK(empty.size() == 0);
  CHECK(held_inline(empty));
  for (std::size_t n : {std::size_t{1}, std::size_t{262}, token_bytes::inline_capacity, token_bytes::inline_capacity + 1,
                        std::size_t{4096}}) {
    INFO(n);
    token_bytes b;
    fill(b, n, 'a');
    CHECK(b.size() == n);
    CHECK(bytes(b) == pattern(n, 'a'));
    CHECK(held_inline(b) == (n <= token_bytes::inline_capacity));
  }
}

TEST_CASE("a copy and a move of token_bytes hold the same bytes, inline or not", "[jwt][token_bytes]") {
  for (std::size_t n : {std::size_t{0}, std::size_t{40}, token_bytes::inline_capacity, token_bytes::inline_capacity + 1,
                        std::size_t{2000}}) {
    INFO(n);
    const std::string want = pattern(n, 'k');
    token_bytes b;
    fill(b, n, 'k');

    token_bytes copy(b);
    CHECK(bytes(copy) == want);
    CHECK(bytes(b) == want);
    if (n > 0) CHECK(copy.data() != b.data());

    const char* heap_before = b.data();
    token_bytes moved(std::move(b));
    CHECK(bytes(moved) == want);
    CHECK(b.size() == 0);  // NOLINT(bugprone-use-after-move): a moved-from buffer is empty
    if (n > token_bytes::inline_capacity) CHECK(moved.data() == heap_before);  // the heap block is taken, not copied
    CHECK(held_inline(moved) == (n <= token_bytes::inline_capacity));

    token_bytes assigned;
    fill(assigned, 3000, 'z');  // replaced: its heap block is freed
    assigned = copy;
    CHECK(bytes(assigned) == want);
    token_bytes move_assigned;
    fill(move_assigned, 10, 'y');
    move_assigned = std::move(assigned);
    CHECK(bytes(move_assigned) == want);
    CHECK(assigned.size() == 0);  // NOLINT(bugprone-use-after-move)

    token_bytes& same = move_assigned;
    move_assigned = same;  // copy-assignment to itself keeps the bytes
    CHECK(bytes(move_assigned) == want);
    move_assigned = std::move(same);  // and so does move-assignment to itself
    CHECK(bytes(move_assigned) == want);
  }
}

TEST_CASE("a token_bytes reused for another size moves between inline and heap", "[jwt][token_bytes]") {
  token_bytes b;
  fill(b, 5000, 'h');
  CHECK_FALSE(held_inline(b));
  fill(b, 100, 's');
  CHECK(held_inline(b));
  CHECK(bytes(b) == pattern(100, 's'));
  fill(b, token_bytes::inline_capacity + 7, 'q');
  CHECK_FALSE(held_inline(b));
  CHECK(bytes(b) == pattern(token_bytes::inline_capacity + 7, 'q'));
}
