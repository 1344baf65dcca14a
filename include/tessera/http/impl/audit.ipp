#pragma once
// The bodies of http/audit.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/http/audit.hpp"

namespace tessera::http {

TESSERA_DECL auto memory_audit::record(const audit_event& e) noexcept -> void {
  try {
    audit_record r{e.at,
                   bounded(e.action),
                   e.allowed,
                   e.cause,
                   bounded(e.credential),
                   bounded(e.actor),
                   bounded(e.tenant),
                   bounded(e.method),
                   bounded(e.path),
                   bounded(e.reason),
                   bounded(e.target),
                   bounded(e.request_id)};
    std::lock_guard lock(mutex_);
    if (events_.size() == capacity_) {
      events_.pop_front();
      ++dropped_;
    }
    events_.push_back(std::move(r));
  } catch (...) {
    std::lock_guard lock(mutex_);
    ++dropped_;
  }
}

TESSERA_DECL auto memory_audit::for_tenant(std::string_view tenant) const -> std::vector<audit_record> {
  std::vector<audit_record> out;
  if (tenant.size() > max_field_ || (tenant.size() == max_field_ && tenant.ends_with(audit_truncated))) return out;
  std::lock_guard lock(mutex_);
  for (const auto& r : events_)
    if (r.tenant == tenant) out.push_back(r);
  return out;
}

TESSERA_DECL auto memory_audit::take() -> std::vector<audit_record> {
  std::lock_guard lock(mutex_);
  std::vector<audit_record> out(std::make_move_iterator(events_.begin()), std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

}  // namespace tessera::http

namespace tessera::http::detail {

TESSERA_DECL std::size_t kept_before_cut(std::string_view text, std::size_t max_field) noexcept {
  const std::size_t bound = max_field - audit_truncated.size();
  std::size_t keep = bound;
  for (int i = 0; i < 3 && keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xc0) == 0x80; ++i) --keep;
  if ((static_cast<unsigned char>(text[keep]) & 0xc0) == 0x80) keep = bound;
  return keep;
}

TESSERA_DECL std::string bounded_text(std::string_view text, std::size_t max_field) {
  if (text.size() <= max_field) return std::string(text);
  const std::size_t keep = kept_before_cut(text, max_field);
  std::string out;
  out.reserve(keep + audit_truncated.size());
  out.append(text.substr(0, keep)).append(audit_truncated);
  return out;
}

}  // namespace tessera::http::detail
