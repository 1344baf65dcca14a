#pragma once
// tessera::webhook::json_event_id — a receiver's event id read from a member of the JSON body
// (an event_id_source for webhook::receiver). It reads the body with simdjson, so it has its own
// header, outside <tessera/webhook.hpp>:
//
//   webhook::receiver rx(std::move(*creds), webhook::json_event_id{"data.event_id"}, seen);

#include <cstddef>
#include <string>
#include <string_view>

#include "tessera/config.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/result.hpp"
#include "tessera/webhook/receiver.hpp"

namespace tessera::webhook {

// The event id from a member of the JSON body: "id", or a dotted path of object members such as
// "data.event_id". The value is a string, or an integer (taken as its decimal text). Each object
// on the path must hold its member exactly once (a body whose parsers could disagree on the id is
// refused); the body is at most max_body_bytes and nested at most config::max_json_depth deep.
struct json_event_id {
  std::string path = "id";                     // member names separated by '.'
  std::size_t max_body_bytes = 1024 * 1024;    // a larger body is input_too_large

  // The id read from the body (see the struct's comment; failures per event_id_source).
  result<std::string> event_id(const header_lookup&, core::bytes_view body) const noexcept {
    try {
      return read(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()));
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

 private:
  // Reads the id at `path` from a JSON body.
  result<std::string> read(std::string_view body) const;
};
static_assert(event_id_source<json_event_id>);

}  // namespace tessera::webhook

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/webhook/impl/json_event_id.ipp"
#endif
