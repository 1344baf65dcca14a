#pragma once
// tessera::jwt::detail::read_strict_json — reads untrusted JSON text into an nlohmann::json as
// strictly as the JOSE readers need: RFC 8259 text and nothing else (no byte-order mark, no NUL
// byte, nothing after the value), integers within 64 bits, numbers within a double's range, at
// most max_depth levels (the root, each container, and a scalar in the deepest container each
// count one: `[]` is one level, `[1]` two), and no member name twice in an object at most
// unique_depth levels deep (1: the root only; deeper, the last value of a repeated name is kept).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace tessera::jwt::detail {

// A JSON value as read by read_strict_json.
using strict_value = nlohmann::json;

// The SAX handler behind read_strict_json: builds the value, refusing (false) what JSON allows
// but the readers do not.
class strict_json_builder {
 public:
  strict_json_builder(std::size_t max_depth, std::size_t unique_depth) noexcept
      : max_depth_(max_depth), unique_depth_(unique_depth) {}

  bool null() { return add(strict_value(nullptr)); }
  bool boolean(bool b) { return add(strict_value(b)); }
  bool number_integer(std::int64_t x) { return add(strict_value(x)); }
  bool number_unsigned(std::uint64_t x) { return add(strict_value(x)); }
  // nlohmann reads an integer beyond 64 bits as a double: refused, as is a number out of range.
  bool number_float(double x, const std::string& text) {
    if (text.find_first_of(".eE") == std::string::npos || !std::isfinite(x)) return false;
    return add(strict_value(x));
  }
  bool string(std::string& s) { return add(strict_value(std::move(s))); }
  bool binary(strict_value::binary_t&) { return false; }  // not in JSON text
  bool start_object(std::size_t) { return open(strict_value::object()); }
  bool key(std::string& k) {
    key_ = std::move(k);
    return true;
  }
  bool end_object() {
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t) { return open(strict_value::array()); }
  bool end_array() {
    open_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const strict_value::exception&) { return false; }

  // The value read (after a successful parse).
  strict_value take() && { return std::move(root_); }

 private:
  // Places v in the open container (or as the root); the place it now has, or nullptr for a
  // repeated name where names must be unique.
  strict_value* place(strict_value&& v) {
    if (open_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    strict_value& top = *open_.back();
    if (top.is_array()) {
      auto& a = top.get_ref<strict_value::array_t&>();
      a.push_back(std::move(v));
      return &a.back();
    }
    auto [at, fresh] = top.get_ref<strict_value::object_t&>().try_emplace(std::move(key_), std::move(v));
    if (!fresh) {
      if (open_.size() <= unique_depth_) return nullptr;
      at->second = std::move(v);  // try_emplace left v as it was
    }
    return &at->second;
  }
  bool add(strict_value&& v) { return open_.size() + 1 <= max_depth_ && place(std::move(v)) != nullptr; }
  bool open(strict_value&& v) {
    if (open_.size() + 1 > max_depth_) return false;
    strict_value* at = place(std::move(v));
    if (!at) return false;
    open_.push_back(at);
    return true;
  }

  std::size_t max_depth_, unique_depth_;
  strict_value root_;
  std::vector<strict_value*> open_;  // the containers being read, innermost last
  std::string key_;                  // the name of the member whose value comes next
};

// The value of text, or nullopt when it is not JSON as described above. May throw std::bad_alloc.
inline std::optional<strict_value> read_strict_json(std::string_view text, std::size_t max_depth, std::size_t unique_depth) {
  // nlohmann ends its input at a NUL byte and passes over a byte-order mark; neither is JSON text.
  if (text.find('\0') != std::string_view::npos || text.starts_with("\xEF\xBB\xBF")) return std::nullopt;
  strict_json_builder b(max_depth, unique_depth);
  if (!strict_value::sax_parse(text.begin(), text.end(), &b, strict_value::input_format_t::json, true, false))
    return std::nullopt;
  return std::move(b).take();
}

}  // namespace tessera::jwt::detail
