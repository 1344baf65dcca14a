#pragma once
// API-key verification: reads the key from its header, then checks, in this order,
//   format -> checksum (-> environment) -> digest lookup -> tenant -> revoked -> expired,
// and yields a verified_key. Each failure is its own errc (all HTTP 401):
//   missing_credentials / malformed_credentials  no key header, or the header sent twice
//   api_key_malformed                            not the shape of a key of this format
//   api_key_bad_checksum                         a typo or a made-up key (no lookup is done)
//   api_key_wrong_environment                    a test key on a live server, or the reverse
//   api_key_unknown                              no such key (under any held pepper)
//   wrong_tenant                                 the key belongs to another tenant or org
//   api_key_revoked / api_key_expired            the key's own tenant may no longer use it
//   store_unavailable                            the key store could not answer (fail closed)
// Tenant binding comes straight after the lookup, before revocation and expiry: a key used on
// another tenant's path always gets wrong_tenant, so the caller learns nothing about whether
// the key is valid, revoked or expired where it does belong.
// The verify path does not allocate when the record's fields fit in verified_key::inline_bytes,
// and allocates once (only on success) when they do not: parsing uses views, the digest is
// computed into a fixed buffer with a pre-keyed HMAC, the store lends its record under a read
// lock, and the verified_key copies the fields a handler needs into its own buffer.

#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tessera/config.hpp"
#include "tessera/api_key/format.hpp"
#include "tessera/api_key/pepper.hpp"
#include "tessera/api_key/store.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/headers.hpp"
#include "tessera/core/result.hpp"

namespace tessera::api_key {

// The header API keys travel in by default (matched case-insensitively).
inline constexpr std::string_view default_header_name = "ApiKey";

namespace detail {
using core::iequals;  // header names are case-insensitive (RFC 9110 §5.1)
constexpr std::string_view trim_ows(std::string_view v) noexcept {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}
}  // namespace detail

// Where a verifier reads the key header from: any core::header_source (a container of fields,
// an accessor function, a request object with .header(name)). In a container, a name present
// twice is refused (malformed_credentials) rather than picking one.
using core::header_source;

// The key text from the named header, with surrounding spaces and tabs removed.
// missing_credentials when absent or empty; malformed_credentials when present twice.
template <header_source H>
result<std::string_view> extract_key(const H& headers, std::string_view name = default_header_name) noexcept {
  auto hit = core::find_header(headers, name);
  if (!hit) return unexpected{hit.error()};
  if (hit->repeated) return unexpected{errc::malformed_credentials};
  const std::optional<std::string_view> found = hit->value;
  if (!found) return unexpected{errc::missing_credentials};
  auto v = detail::trim_ows(*found);
  if (v.empty()) return unexpected{errc::missing_credentials};
  return v;
}

template <key_lookup Store, core::clock Clock>
class verifier;

// A key that passed every check. Only a verifier makes one. It holds its own copy of what a
// handler needs from the record, not a share of the stored record: sharing meant an atomic
// reference count per verification, and two cores verifying the same keys then moved those
// counters' cache lines back and forth (api_key/verify scaled 1.4x on two cores). The copy lives
// inside the object when it fits in inline_bytes (key id, tenant, integration and a few scopes),
// and in one allocation otherwise.
class verified_key {
 public:
  // The key's scopes, in stored order: an indexable, iterable list of string_views.
  class scope_list {
   public:
    std::size_t size() const noexcept { return k_->scope_count_; }
    bool empty() const noexcept { return size() == 0; }
    std::string_view operator[](std::size_t i) const noexcept { return k_->scope_at(i); }
    class iterator {
     public:
      using value_type = std::string_view;
      using difference_type = std::ptrdiff_t;
      iterator() = default;
      std::string_view operator*() const noexcept { return k_->scope_at(i_); }
      iterator& operator++() noexcept { ++i_; return *this; }
      iterator operator++(int) noexcept { auto t = *this; ++i_; return t; }
      bool operator==(const iterator& o) const noexcept { return i_ == o.i_; }
     private:
      friend class scope_list;
      iterator(const verified_key* k, std::size_t i) noexcept : k_(k), i_(i) {}
      const verified_key* k_ = nullptr;
      std::size_t i_ = 0;
    };
    iterator begin() const noexcept { return {k_, 0}; }
    iterator end() const noexcept { return {k_, size()}; }

   private:
    friend class verified_key;
    explicit scope_list(const verified_key* k) noexcept : k_(k) {}
    const verified_key* k_;
  };

  // The key's public id (for audit logs; never the key itself).
  std::string_view key_id() const noexcept { return slice(key_id_); }
  // The tenant or org the key belongs to.
  std::string_view tenant() const noexcept { return slice(tenant_); }
  // The key's scopes.
  scope_list scopes() const noexcept { return scope_list(this); }
  // True when the key carries this scope (exact match).
  bool has_scope(std::string_view s) const noexcept;
  // The integration the key belongs to.
  std::string_view integration() const noexcept { return slice(integration_); }
  // When the key expires (nullopt: never).
  std::optional<sys_seconds> expires_at() const noexcept { return expires_at_; }
  // The key's last recorded use, this verification included (the store may record it lazily).
  std::optional<sys_seconds> last_used() const noexcept { return last_used_; }

 private:
  template <key_lookup, core::clock>
  friend class verifier;
  struct span {
    std::uint32_t off = 0, len = 0;
  };

  // Copies the fields of a record: key id, tenant, integration and scopes, then the scopes'
  // (offset, length) pairs, all in one buffer (inline when they fit).
  explicit verified_key(const key_record& r);

  // Where the copied fields are: inline, or in large_ when they did not fit.
  const char* buffer() const noexcept { return size_ <= small_.size() ? small_.data() : large_.data(); }
  char* buffer() noexcept { return size_ <= small_.size() ? small_.data() : large_.data(); }
  std::string_view slice(span s) const noexcept { return {buffer() + s.off, s.len}; }
  std::string_view scope_at(std::size_t i) const noexcept;

 public:
  // Bytes of key id, tenant, integration and scopes (8 more per scope) held without allocating.
  static constexpr std::size_t inline_bytes = 120;

 private:
  std::array<char, inline_bytes> small_{};  // the fields, when they fit (size_ <= inline_bytes)
  std::string large_;                     // the fields otherwise
  std::uint32_t size_ = 0;
  span key_id_, tenant_, integration_;
  std::uint32_t scopes_at_ = 0, scope_count_ = 0;
  std::optional<sys_seconds> expires_at_, last_used_;
};

// Settings of a verifier.
struct verifier_options {
  std::string header_name = std::string(default_header_name);  // matched case-insensitively
  bool repepper_on_use = true;  // move a key found under an old pepper to the current one
};

// Verifies API keys of one format against a key store. The store is referenced, not owned;
// Clock may be a reference type (verifier<memory_key_store, core::manual_clock&>).
// Every member is const, noexcept and thread-safe when the store and clock are.
template <key_lookup Store = memory_key_store, core::clock Clock = core::coarse_clock>
class verifier {
 public:
  // A verifier for this format, pepper ring and store (invalid_argument for a bad format or an
  // empty header name, invalid_key for an empty ring).
  static result<verifier> create(key_format format, pepper_ring peppers, Store& store, verifier_options opts = {},
                                 Clock clock = Clock{}) {
    if (auto v = format.validate(); !v) return unexpected{v.error()};
    if (opts.header_name.empty()) return unexpected{errc::invalid_argument};
    if (peppers.empty()) return unexpected{errc::invalid_key};
    return verifier(std::move(format), std::move(peppers), store, std::move(opts), std::forward<Clock>(clock));
  }

  // Verifies a key presented on a route of `tenant` (e.g. the {orgId} of the path).
  result<verified_key> verify(std::string_view key, std::string_view tenant) const noexcept {
    return run(key, tenant);
  }
  // Verifies a key on a route that is not scoped to any tenant (no tenant binding).
  result<verified_key> verify_any_tenant(std::string_view key) const noexcept { return run(key, std::nullopt); }

  // Reads the key from the configured header and verifies it for `tenant`.
  template <header_source H>
  result<verified_key> verify_request(const H& headers, std::string_view tenant) const noexcept {
    auto key = extract_key(headers, opts_.header_name);
    if (!key) return unexpected{key.error()};
    return run(*key, tenant);
  }
  // Reads the key from the configured header and verifies it without tenant binding.
  template <header_source H>
  result<verified_key> verify_request_any_tenant(const H& headers) const noexcept {
    auto key = extract_key(headers, opts_.header_name);
    if (!key) return unexpected{key.error()};
    return run(*key, std::nullopt);
  }

  // The format of accepted keys.
  const key_format& format() const noexcept { return format_; }
  // The settings.
  const verifier_options& options() const noexcept { return opts_; }

 private:
  verifier(key_format f, pepper_ring p, Store& s, verifier_options o, Clock c)
      : format_(std::move(f)), peppers_(std::move(p)), store_(&s), opts_(std::move(o)), clock_(std::forward<Clock>(c)) {}

  result<verified_key> run(std::string_view key, std::optional<std::string_view> tenant) const noexcept {
    // 1-2. Format, checksum and environment: no secret work, no lookup.
    if (auto parts = parse(key, format_); !parts) return unexpected{parts.error()};

    // 3. Digest lookup, current pepper first, then older ones. A store that can lend its record
    // (visit) is read in place, under its own lock; any other hands out a shared record.
    const sys_seconds now = std::chrono::floor<std::chrono::seconds>(clock_.now());
    key_digest current{};
    for (std::size_t i = 0; i < peppers_.size(); ++i) {
      auto d = peppers_.digest_at(i, key);
      if (!d) return unexpected{d.error()};
      if (i == 0) current = *d;
      std::optional<result<verified_key>> out;
      auto accept_record = [&](const key_record& rec) noexcept { out.emplace(accept(rec, *d, tenant, now)); };
      if constexpr (record_visitor<Store>) {
        if (auto r = store_->visit(*d, accept_record); !r && r.error() != errc::api_key_unknown) return unexpected{r.error()};
      } else {
        auto r = store_->find(*d);
        if (r && *r) accept_record(**r);
        else if (r) return unexpected{errc::api_key_unknown};
        else if (r.error() != errc::api_key_unknown) return unexpected{r.error()};
      }
      if (!out) continue;  // not stored under this pepper
      if (!*out) return unexpected{out->error()};
      if constexpr (redigestable_key_store<Store>) {
        if (opts_.repepper_on_use && d->pepper_version != current.pepper_version)
          (void)store_->replace_digest((*out)->key_id(), *d, current);  // best effort; the key verified
      }
      return std::move(*out);
    }
    return unexpected{errc::api_key_unknown};
  }

  // Steps 4-6 on the record found under digest d, then the copy handed to the caller.
  result<verified_key> accept(const key_record& rec, const key_digest& d, std::optional<std::string_view> tenant,
                              sys_seconds now) const noexcept {
    if (rec.digest != d) return unexpected{errc::api_key_unknown};
    // 4. Tenant binding, before anything that would tell how the key fares on its own tenant.
    if (tenant && rec.tenant != *tenant) return unexpected{errc::wrong_tenant};
    // 5-6. Revoked, then expired.
    if (rec.status != key_status::active) return unexpected{errc::api_key_revoked};
    if (rec.expired(now)) return unexpected{errc::api_key_expired};
    store_->note_use(rec, now);
    try {
      return verified_key(rec);
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

  key_format format_;
  pepper_ring peppers_;
  Store* store_;
  verifier_options opts_;
  Clock clock_;
};

}  // namespace tessera::api_key

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/api_key/impl/verifier.ipp"
#endif
