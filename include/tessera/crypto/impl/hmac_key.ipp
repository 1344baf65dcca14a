#pragma once
// The bodies of crypto/hmac_key.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/crypto/hmac_key.hpp"

namespace tessera::crypto {

TESSERA_DECL auto hmac_key::create(hash_alg h, core::bytes_view key) noexcept -> result<hmac_key> {
  if (key.empty()) return core::unexpected{errc::invalid_key};
  const EVP_MD* md = detail::md(h);
  const int block = md ? EVP_MD_get_block_size(md) : 0;
  if (block <= 0 || block > 128) return crypto::detail::ossl_fail(errc::crypto_failure);
  const auto b = static_cast<std::size_t>(block);
  // K0 (RFC 2104 / FIPS 198-1): the key hashed when longer than a block, then zero-padded.
  std::array<unsigned char, 128> k0{}, pad{};
  bool ok = true;
  if (key.size() > b) {
    unsigned n = 0;
    ok = EVP_Digest(key.data(), key.size(), k0.data(), &n, md, nullptr) == 1;
  } else {
    std::memcpy(k0.data(), key.data(), key.size());
  }
  auto keyed = [&](unsigned char x) {
    crypto::detail::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
    for (std::size_t i = 0; i < b; ++i) pad[i] = static_cast<unsigned char>(k0[i] ^ x);
    if (!ok || !ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), pad.data(), b) != 1)
      ctx.reset();
    return ctx;
  };
  auto inner = keyed(0x36);
  auto outer = keyed(0x5c);
  OPENSSL_cleanse(k0.data(), k0.size());
  OPENSSL_cleanse(pad.data(), pad.size());
  if (!inner || !outer) return crypto::detail::ossl_fail(errc::crypto_failure);
  try {
    auto st = std::make_shared<detail::hmac_state>();
    st->alg = h;
    st->key_size = key.size();
    st->inner = std::move(inner);
    st->outer = std::move(outer);
    return hmac_key(std::move(st));
  } catch (...) {
    return core::unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto hmac_key::sign_range(const core::bytes_view* b, const core::bytes_view* e) const noexcept
    -> result<digest_value> {
  // The tag is written straight into the result: no copy of the 72-byte digest_value on return.
  result<digest_value> r(core::from_call, [] { return digest_value{}; });
  if (!tag_into(*r, b, e)) r = crypto::detail::ossl_fail(errc::crypto_failure);
  return r;
}

TESSERA_DECL auto hmac_key::tag_into(digest_value& d, const core::bytes_view* b,
                                     const core::bytes_view* e) const noexcept -> bool {
  EVP_MD_CTX* ctx = detail::thread_digest_ctx(state_->alg);  // no EVP_MD_CTX allocated per tag
  if (!ctx || EVP_MD_CTX_copy_ex(ctx, state_->inner.get()) != 1) return false;
  if (e - b == 1) {
    if (!b->empty() && EVP_DigestUpdate(ctx, b->data(), b->size()) != 1) return false;
  } else if (!update_parts(ctx, block_size(state_->alg), b, e)) {
    return false;
  }
  // The inner hash H((K ^ ipad) || m) is not secret: without the keyed outer state it yields
  // neither the key nor the tag, so it is not cleansed (nor is the tag, which the caller gets).
  std::array<unsigned char, EVP_MAX_MD_SIZE> inner_hash;
  unsigned n = 0, len = 0;
  if (EVP_DigestFinal_ex(ctx, inner_hash.data(), &n) != 1 || EVP_MD_CTX_copy_ex(ctx, state_->outer.get()) != 1 ||
      EVP_DigestUpdate(ctx, inner_hash.data(), n) != 1 || EVP_DigestFinal_ex(ctx, d.bytes.data(), &len) != 1)
    return false;
  d.size = len;
  return true;
}

TESSERA_DECL auto hmac_key::update_parts(EVP_MD_CTX* ctx, std::size_t block, const core::bytes_view* b,
                                         const core::bytes_view* e) noexcept -> bool {
  std::array<unsigned char, 256> buf;  // a multiple of every SHA-2 block size
  std::size_t used = 0, high = 0;      // bytes gathered, and the most ever held
  bool ok = true;
  for (; b != e && ok; ++b) {
    const std::uint8_t* p = b->data();
    std::size_t n = b->size();
    if (n <= buf.size() - used) {
      copy_small(buf.data() + used, p, n);
      used += n;
      continue;
    }
    if (used != 0) {
      // used + top is at most buf.size(), and top < n because n > buf.size() - used. (Block
      // sizes are powers of two: a mask, not a division.)
      const std::size_t top = (block - (used & (block - 1))) & (block - 1);
      copy_small(buf.data() + used, p, top);
      used += top;
      p += top;
      n -= top;
      ok = EVP_DigestUpdate(ctx, buf.data(), used) == 1;
      if (used > high) high = used;
      used = 0;
    }
    if (ok) ok = EVP_DigestUpdate(ctx, p, n) == 1;
  }
  if (ok && used != 0) ok = EVP_DigestUpdate(ctx, buf.data(), used) == 1;
  // The parts might be secret. Cleared in fixed 64-byte steps (a few vector stores each, where
  // one variable-length memset would be a library call or a slow-starting `rep stos`).
  if (used > high) high = used;
  for (std::size_t i = 0; i < high; i += 64) core::cleanse(buf.data() + i, 64);
  return ok;
}

TESSERA_DECL auto hmac_key::copy_small(unsigned char* d, const std::uint8_t* s, std::size_t n) noexcept -> void {
  if (n >= 8) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) std::memcpy(d + i, s + i, 8);
    if (i != n) std::memcpy(d + n - 8, s + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(d, s, 4);
    std::memcpy(d + n - 4, s + n - 4, 4);
  } else if (n >= 2) {
    std::memcpy(d, s, 2);
    std::memcpy(d + n - 2, s + n - 2, 2);
  } else if (n == 1) {
    d[0] = s[0];
  }
}

TESSERA_DECL auto hmac_key::verify_range(const core::bytes_view* b, const core::bytes_view* e,
                                         core::bytes_view tag) const noexcept -> result<void> {
  if (tag.size() != tag_size()) return core::unexpected{errc::invalid_signature_length};
  auto d = sign_range(b, e);
  if (!d) return core::unexpected{d.error()};
  if (!core::ct_equal(d->view(), tag)) return core::unexpected{errc::bad_signature};
  return core::ok();
}

}  // namespace tessera::crypto
