#pragma once
// The bodies of api_key/pepper.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/api_key/pepper.hpp"

namespace tessera::api_key {

TESSERA_DECL auto pepper_ring::create(std::uint32_t version, core::bytes_view pepper) noexcept -> result<pepper_ring> {
  pepper_ring r;
  if (auto a = r.add(version, pepper); !a) return unexpected{a.error()};
  return r;
}

TESSERA_DECL auto pepper_ring::add(std::uint32_t version, core::bytes_view pepper) noexcept -> result<void> {
  if (pepper.size() < min_pepper_size) return unexpected{errc::secret_too_short};
  if (contains(version) || entries_.size() >= max_peppers) return unexpected{errc::invalid_argument};
  auto key = crypto::hmac_key::create(crypto::hash_alg::sha256, pepper);
  if (!key) return unexpected{key.error()};
  try {
    entries_.push_back({version, std::move(*key)});
  } catch (...) {
    return unexpected{errc::internal_error};
  }
  if (entries_.size() == 1) current_ = version;
  order();
  return core::ok();
}

TESSERA_DECL auto pepper_ring::set_current(std::uint32_t version) noexcept -> result<void> {
  if (!contains(version)) return unexpected{errc::invalid_argument};
  current_ = version;
  order();
  return core::ok();
}

TESSERA_DECL auto pepper_ring::remove(std::uint32_t version) noexcept -> result<void> {
  if (!contains(version) || version == current_) return unexpected{errc::invalid_argument};
  std::erase_if(entries_, [&](const entry& e) { return e.version == version; });
  return core::ok();
}

TESSERA_DECL auto pepper_ring::digest(std::string_view key, std::uint32_t version) const noexcept
    -> result<key_digest> {
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].version == version) return digest_at(i, key);
  return unexpected{errc::invalid_key};
}

TESSERA_DECL auto pepper_ring::digest_at(std::size_t i, std::string_view key) const noexcept -> result<key_digest> {
  auto tag = entries_[i].key.sign(core::bytes_view(key));
  if (!tag) return unexpected{tag.error()};
  key_digest d;
  std::copy_n(tag->bytes.begin(), digest_size, d.value.begin());
  d.pepper_version = entries_[i].version;
  return d;
}

TESSERA_DECL auto pepper_ring::order() noexcept -> void {
  std::sort(entries_.begin(), entries_.end(), [&](const entry& a, const entry& b) {
    if ((a.version == current_) != (b.version == current_)) return a.version == current_;
    return a.version > b.version;
  });
}

}  // namespace tessera::api_key
