#pragma once
// The bodies of request_signing/client_timestamp.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/request_signing/client_timestamp.hpp"

namespace tessera::request_signing {

TESSERA_DECL auto client_timestamp::append_string_to_sign(std::string& out, const request_parts&,
                                                          const signed_fields& f) const noexcept -> result<void> {
  try {
    out.reserve(out.size() + f.client_id.size() + 1 + f.timestamp.size());
    out.append(f.client_id);
    out.push_back('|');
    out.append(f.timestamp);
    return core::ok();
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

}  // namespace tessera::request_signing
