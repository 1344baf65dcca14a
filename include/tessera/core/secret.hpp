#pragma once
// tessera::core::secret — a move-only byte buffer for key material, cleansed on destruction.

#include <openssl/crypto.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <memory>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/ct_equal.hpp"

namespace tessera::core {

// Owns secret bytes (keys, peppers, API keys shown once). It cannot be copied, printed or
// formatted; the bytes are reachable only through expose_secret(), and are wiped with
// OPENSSL_cleanse when the buffer is destroyed or overwritten.
class secret {
 public:
  secret() noexcept = default;
  // A zero-filled secret of n bytes, to be filled through writable_bytes().
  explicit secret(std::size_t n) : data_(n ? new std::uint8_t[n]() : nullptr), size_(n) {}
  // Copies the given bytes into a new secret; the caller remains responsible for its own copy.
  explicit secret(bytes_view b) : secret(b.size()) {
    if (size_) std::memcpy(data_.get(), b.data(), size_);
  }
  secret(const secret&) = delete;
  secret& operator=(const secret&) = delete;
  secret(secret&& o) noexcept : data_(std::move(o.data_)), size_(o.size_) { o.size_ = 0; }
  secret& operator=(secret&& o) noexcept {
    if (this != &o) {
      wipe();
      data_ = std::move(o.data_);
      size_ = o.size_;
      o.size_ = 0;
    }
    return *this;
  }
  ~secret() { wipe(); }

  // Number of secret bytes.
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  // Raw read access to the secret bytes. Named loudly so that every use is easy to audit.
  bytes_view expose_secret() const noexcept { return {data_.get(), size_}; }
  // The secret bytes as text (for API keys and client secrets that are shown to a user once).
  std::string_view expose_secret_text() const noexcept {
    return {reinterpret_cast<const char*>(data_.get()), size_};
  }
  // Raw write access, for filling a freshly sized secret.
  std::uint8_t* writable_bytes() noexcept { return data_.get(); }

  // Constant-time comparison with other bytes.
  bool ct_equals(bytes_view other) const noexcept { return ct_equal(expose_secret(), other); }

  // Secrets never print: streaming one is a compile error.
  template <class Ch, class Tr>
  friend std::basic_ostream<Ch, Tr>& operator<<(std::basic_ostream<Ch, Tr>&, const secret&) = delete;

 private:
  void wipe() noexcept;
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
};

}  // namespace tessera::core

namespace tessera {
using core::secret;
}  // namespace tessera

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/core/impl/secret.ipp"
#endif
