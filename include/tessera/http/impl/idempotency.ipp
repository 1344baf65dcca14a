#pragma once
// The bodies of http/idempotency.hpp that read JSON with simdjson (see TESSERA_DECL in config.hpp).

#include <simdjson.h>

#include "tessera/http/idempotency.hpp"

namespace tessera::http::detail {

// A padded copy of a body and a parser for it: reused per thread for small bodies, made for the
// call for large ones (so a thread never keeps a large body's buffers).
struct json_reader {
  static constexpr std::size_t reuse_limit = 64 * 1024;
  std::vector<char> text;
  simdjson::dom::parser parser;
  std::size_t depth = 0;
};

// The string member `field` of the JSON object `body`: nullopt when the body is empty or has no
// such member; invalid_idempotency_key when it is not a valid key, not a string, or given twice;
// malformed_request when the body is not a JSON object (or is nested deeper than max_depth);
// input_too_large beyond max_size.
TESSERA_DECL result<std::optional<std::string>> body_key(std::string_view body, std::string_view field, std::size_t max_size,
                                                         std::size_t max_depth) noexcept {
  if (body.empty()) return std::optional<std::string>{};
  if (body.size() > max_size) return unexpected{errc::input_too_large};
  try {
    thread_local json_reader reused;
    json_reader once;
    json_reader& r = body.size() <= json_reader::reuse_limit ? reused : once;
    max_depth = std::max<std::size_t>(1, max_depth);
    r.text.assign(body.begin(), body.end());
    r.text.resize(body.size() + simdjson::SIMDJSON_PADDING, '\0');
    if (r.parser.capacity() < body.size() || r.depth != max_depth) {
      if (r.parser.allocate(std::max(body.size(), std::size_t{4096}), max_depth) != simdjson::SUCCESS)
        return unexpected{errc::internal_error};
      r.depth = max_depth;
    }
    simdjson::dom::object members;
    if (r.parser.parse(r.text.data(), body.size(), false).get_object().get(members) != simdjson::SUCCESS)
      return unexpected{errc::malformed_request};
    std::optional<std::string> out;
    for (const auto member : members) {
      if (member.key != field) continue;
      std::string_view value;
      if (out || member.value.get_string().get(value) != simdjson::SUCCESS)
        return unexpected{errc::invalid_idempotency_key};  // twice (ambiguous), or not a string
      if (value.empty() || value.size() > max_idempotency_key || !core::visible_ascii(value))
        return unexpected{errc::invalid_idempotency_key};
      out.emplace(value);
    }
    return out;
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

}  // namespace tessera::http::detail
