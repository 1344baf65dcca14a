#pragma once
// The bodies of credentials/login_request.hpp that read JSON with simdjson (see TESSERA_DECL in
// config.hpp).

#include <new>

#include <simdjson.h>

#include "tessera/credentials/login_request.hpp"

namespace tessera::credentials {

namespace detail {
struct login_json_parser {
  simdjson::dom::parser parser;
};

TESSERA_DECL void login_json_parser_deleter::operator()(login_json_parser* p) const noexcept { delete p; }
}  // namespace detail

TESSERA_DECL result<void> login_request::read_json(std::string_view body, const login_request_shape& shape,
                                            std::size_t max_depth) {
  if (body.empty()) return unexpected{errc::missing_field};
  text_ = core::secret(body.size() + simdjson::SIMDJSON_PADDING);  // zeroed padding
  std::memcpy(text_.writable_bytes(), body.data(), body.size());
  if (!parser_) parser_.reset(new (std::nothrow) detail::login_json_parser());
  if (!parser_ || parser_->parser.allocate(body.size(), std::max<std::size_t>(max_depth, 1)) != simdjson::SUCCESS)
    return unexpected{errc::internal_error};
  simdjson::dom::object members;
  const char* text = reinterpret_cast<const char*>(text_.writable_bytes());
  if (parser_->parser.parse(text, body.size(), false).get_object().get(members) != simdjson::SUCCESS)
    return unexpected{errc::missing_field};
  bool have_id = false, have_secret = false;
  for (const auto member : members) {
    const bool is_secret = member.key == shape.secret_field;
    if (!is_secret && member.key != shape.id_field) continue;
    std::string_view value;
    if (member.value.get_string().get(value) != simdjson::SUCCESS) return unexpected{errc::missing_field};
    bool& have = is_secret ? have_secret : have_id;
    if (have) {  // given twice: ambiguous, as two parsers could each read another one
      if (is_secret) detail::wipe_text(value);
      return unexpected{errc::missing_field};
    }
    have = true;
    (is_secret ? client_secret : client_id) = value;
  }
  if (!have_id || !have_secret) return unexpected{errc::missing_field};
  return core::ok();
}

}  // namespace tessera::credentials
