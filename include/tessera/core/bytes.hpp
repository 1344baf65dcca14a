#pragma once
// tessera::core::bytes_view — a read-only view of bytes that text and binary buffers convert to.

#include <cstddef>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::core {

// A non-owning view of bytes; strings, byte vectors and spans convert to it implicitly.
class bytes_view {
 public:
  constexpr bytes_view() noexcept = default;
  constexpr bytes_view(const std::uint8_t* p, std::size_t n) noexcept : data_(p), size_(n) {}
  bytes_view(const char* p, std::size_t n) noexcept
      : data_(reinterpret_cast<const std::uint8_t*>(p)), size_(n) {}
  bytes_view(std::string_view s) noexcept : bytes_view(s.data(), s.size()) {}
  bytes_view(const std::string& s) noexcept : bytes_view(s.data(), s.size()) {}
  bytes_view(const char* s) noexcept : bytes_view(std::string_view(s)) {}
  template <std::size_t E>
  constexpr bytes_view(std::span<const std::uint8_t, E> s) noexcept : data_(s.data()), size_(s.size()) {}
  template <std::size_t E>
  constexpr bytes_view(std::span<std::uint8_t, E> s) noexcept : data_(s.data()), size_(s.size()) {}
  bytes_view(const std::vector<std::uint8_t>& v) noexcept : data_(v.data()), size_(v.size()) {}
  template <std::size_t N>
  constexpr bytes_view(const std::array<std::uint8_t, N>& a) noexcept : data_(a.data()), size_(N) {}

  constexpr const std::uint8_t* data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr const std::uint8_t* begin() const noexcept { return data_; }
  constexpr const std::uint8_t* end() const noexcept { return data_ + size_; }
  constexpr std::uint8_t operator[](std::size_t i) const noexcept { return data_[i]; }
  // The same bytes seen as characters.
  std::string_view as_chars() const noexcept {
    return {reinterpret_cast<const char*>(data_), size_};
  }
  // The same bytes as a std::span.
  constexpr std::span<const std::uint8_t> as_span() const noexcept { return {data_, size_}; }
  // A sub-range [offset, offset + count) clamped to the view.
  constexpr bytes_view subview(std::size_t offset, std::size_t count = static_cast<std::size_t>(-1)) const noexcept {
    if (offset > size_) offset = size_;
    if (count > size_ - offset) count = size_ - offset;
    return {data_ + offset, count};
  }

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// An owning byte string.
using bytes = std::vector<std::uint8_t>;

}  // namespace tessera::core
