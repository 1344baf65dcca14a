#pragma once
// The bodies of webhook/subscription.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/webhook/subscription.hpp"

namespace tessera::webhook {

TESSERA_DECL auto memory_subscription_store::insert(const subscription& sub) noexcept -> result<void> {
  try {
    std::unique_lock lk(mu_);
    if (!by_id_.try_emplace(sub.id, sub).second) return unexpected{errc::invalid_argument};
    return core::ok();
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto memory_subscription_store::find(std::string_view id) const noexcept -> result<subscription> {
  try {
    std::shared_lock lk(mu_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return unexpected{errc::unknown_subscription};
    return it->second;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto memory_subscription_store::set_active(std::string_view id, bool active,
                                                        const std::string& reason) noexcept -> result<void> {
  try {
    std::unique_lock lk(mu_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return unexpected{errc::unknown_subscription};
    it->second.active = active;
    it->second.deactivation_reason = active ? std::string() : reason;
    return core::ok();
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto memory_subscription_store::replace_sealed_secret(std::string_view id, const std::string& expected,
                                                                   const std::string& next) noexcept -> result<bool> {
  try {
    std::unique_lock lk(mu_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return unexpected{errc::unknown_subscription};
    if (it->second.sealed_secret != expected) return false;
    it->second.sealed_secret = next;
    return true;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto memory_subscription_store::erase(std::string_view id) noexcept -> result<void> {
  std::unique_lock lk(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return unexpected{errc::unknown_subscription};
  by_id_.erase(it);
  return core::ok();
}

}  // namespace tessera::webhook

namespace tessera::webhook::detail {

TESSERA_DECL bool configurable_header(std::string_view h) noexcept {
  return !h.empty() && h.size() <= 64 && is_token(h) && !iequals(h, "Host") && !iequals(h, "Content-Length") &&
         !iequals(h, "Content-Type") && !iequals(h, "Transfer-Encoding") && !iequals(h, "Connection") &&
         !iequals(h, "User-Agent");
}

}  // namespace tessera::webhook::detail

namespace tessera::webhook {

TESSERA_DECL result<any_scheme> make_scheme(const scheme_config& c) noexcept {
  try {
    if (c.kind == scheme_kind::standard_webhooks) return any_scheme(standard_webhooks{});
    if (!c.signature_header.empty() && !detail::configurable_header(c.signature_header))
      return unexpected{errc::invalid_argument};
    if (!c.id_header.empty() &&
        (!detail::configurable_header(c.id_header) || detail::iequals(c.id_header, c.signature_header)))
      return unexpected{errc::invalid_argument};
    if (c.kind == scheme_kind::timestamped)
      return any_scheme(timestamped_scheme(c.signature_header.empty() ? "X-Signature" : c.signature_header,
                                           c.id_header));
    if (c.kind == scheme_kind::body_only)
      return any_scheme(body_only_scheme(c.signature_header.empty() ? "X-Hub-Signature-256" : c.signature_header,
                                         c.id_header));
    return unexpected{errc::invalid_argument};
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

}  // namespace tessera::webhook
