#pragma once
// tessera::jwt::detail::token_bytes — the storage of a verified token (its claims text, copied
// strings and claim table): inline up to inline_capacity bytes, so that verifying a token of
// the usual size allocates nothing, and on the heap beyond.

#include <cstddef>
#include <cstring>
#include <memory>
#include <utility>

namespace tessera::jwt::detail {

// A byte buffer written once, then only read. Readers keep offsets into it, never pointers, so
// a move may copy the inline bytes to another place.
class token_bytes {
 public:
  // Bytes held without an allocation; sizeof(token_bytes) is this plus 16.
  static constexpr std::size_t inline_capacity = 496;

  // No bytes. The inline bytes are left unwritten: only the first size() are ever read.
  token_bytes() noexcept {}
  // A copy of another's bytes (allocates when they are not inline).
  token_bytes(const token_bytes& o) { std::memcpy(allocate(o.size_), o.data(), o.size_); }
  // Takes another's bytes, which is left empty.
  token_bytes(token_bytes&& o) noexcept { take(o); }
  // Replaces the bytes with a copy of another's.
  token_bytes& operator=(const token_bytes& o) {
    if (this != &o) *this = token_bytes(o);
    return *this;
  }
  // Replaces the bytes with another's, which is left empty.
  token_bytes& operator=(token_bytes&& o) noexcept {
    if (this != &o) {
      heap_.reset();
      take(o);
    }
    return *this;
  }
  ~token_bytes() = default;

  // Replaces the bytes with n unwritten bytes, for the caller to fill, and returns where they
  // start. Throws std::bad_alloc when n is above inline_capacity and no memory is left.
  char* allocate(std::size_t n) {
    heap_.reset();
    size_ = 0;
    if (n > inline_capacity) heap_ = std::make_unique_for_overwrite<char[]>(n);
    size_ = n;
    return heap_ ? heap_.get() : inline_;
  }

  // The bytes.
  const char* data() const noexcept { return heap_ ? heap_.get() : inline_; }
  // How many bytes there are.
  std::size_t size() const noexcept { return size_; }

 private:
  void take(token_bytes& o) noexcept {
    size_ = o.size_;
    if (o.heap_) heap_ = std::move(o.heap_);
    else if (size_ != 0) std::memcpy(inline_, o.inline_, size_);
    o.size_ = 0;
  }

  std::unique_ptr<char[]> heap_;
  std::size_t size_ = 0;
  char inline_[inline_capacity];
};

}  // namespace tessera::jwt::detail
