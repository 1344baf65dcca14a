#pragma once
// The bodies of request_signing/content_digest.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/request_signing/content_digest.hpp"

namespace tessera::request_signing {

TESSERA_DECL result<void> append_content_digest(std::string& out, core::bytes_view content,
                                                std::span<const content_digest_alg> algs) noexcept {
  if (algs.empty()) return unexpected{errc::invalid_argument};
  const std::size_t size = out.size();
  try {
    for (std::size_t i = 0; i < algs.size(); ++i) {
      auto d = crypto::digest(detail::hash_of(algs[i]), content);
      if (!d) {
        out.resize(size);
        return unexpected{d.error()};
      }
      if (i != 0) out += ", ";
      out += content_digest_key(algs[i]);
      out += '=';
      out += ':';
      out += core::base64_encode(d->view());
      out += ':';
    }
    return core::ok();
  } catch (...) {
    out.resize(size);
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL result<std::string> content_digest(core::bytes_view content, content_digest_alg alg) noexcept {
  try {
    std::string out;
    const content_digest_alg one[] = {alg};
    if (auto r = append_content_digest(out, content, one); !r) return unexpected{r.error()};
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL result<std::string> content_digest(core::bytes_view content,
                                                std::span<const content_digest_alg> algs) noexcept {
  try {
    std::string out;
    if (auto r = append_content_digest(out, content, algs); !r) return unexpected{r.error()};
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL result<content_digest_alg> check_content_digest(std::optional<std::string_view> field,
                                                             core::bytes_view content,
                                                             const content_digest_options& options) noexcept {
  if (!field) return unexpected{errc::content_digest_missing};
  if (field->size() > options.max_field_bytes) return unexpected{errc::content_digest_malformed};
  // The usual field, one digest as a signer writes it, is checked without the parser; it reads
  // it the same way.
  if (const auto one = options.max_members != 0 ? detail::read_single_digest(*field) : std::nullopt) {
    std::array<std::uint8_t, 64> claimed;
    const auto n = core::base64_decode_into(one->base64, claimed);
    if (n && *n == crypto::digest_size(detail::hash_of(one->alg))) {
      auto d = crypto::digest(detail::hash_of(one->alg), content);
      if (!d) return unexpected{d.error()};
      if (!core::ct_equal(d->view(), core::bytes_view(claimed.data(), *n))) return unexpected{errc::content_digest_mismatch};
      return one->alg;
    }
  }
  sf::parse_options po;
  po.max_input_bytes = options.max_field_bytes;
  po.max_members = options.max_members;
  po.max_byte_sequence_length = 1024;  // far above any digest; longer ones are refused as malformed
  auto dict = sf::parse_dictionary(*field, po);
  if (!dict)
    return unexpected{dict.error() == errc::internal_error ? errc::internal_error : errc::content_digest_malformed};
  // Shapes first, so that a malformed member is reported as such wherever it stands.
  bool any = false;
  for (const auto& [key, m] : *dict) {
    const auto alg = content_digest_alg_named(key);
    if (!alg) continue;
    const auto* it = std::get_if<sf::item>(&m);
    const auto* bs = it ? std::get_if<sf::byte_sequence>(&it->value) : nullptr;
    if (!bs || bs->value.size() != crypto::digest_size(detail::hash_of(*alg)))
      return unexpected{errc::content_digest_malformed};
    any = true;
  }
  if (!any) return unexpected{errc::content_digest_unsupported};
  std::array<std::optional<crypto::digest_value>, 2> computed;  // each algorithm hashed at most once
  content_digest_alg strongest = content_digest_alg::sha256;
  for (const auto& [key, m] : *dict) {
    const auto alg = content_digest_alg_named(key);
    if (!alg) continue;
    auto& d = computed[static_cast<std::size_t>(*alg)];
    if (!d) {
      auto r = crypto::digest(detail::hash_of(*alg), content);
      if (!r) return unexpected{r.error()};
      d = *r;
    }
    const auto& claimed = std::get<sf::byte_sequence>(std::get<sf::item>(m).value).value;
    if (!core::ct_equal(d->view(), claimed)) return unexpected{errc::content_digest_mismatch};
    if (*alg == content_digest_alg::sha512) strongest = content_digest_alg::sha512;
  }
  return strongest;
}

}  // namespace tessera::request_signing
