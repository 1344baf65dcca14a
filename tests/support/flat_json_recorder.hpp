#pragma once
// A visitor for detail::flat_json::scan that records every member it reports as a JSON value,
// repeats included, so tests and the fuzz target can hold the scanner to nlohmann_json.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/jwt/detail/flat_json.hpp"

namespace tessera_test {

struct flat_json_recorder {
  using ojson = nlohmann::ordered_json;
  std::vector<std::pair<std::string, ojson>> members;
  std::string open;
  ojson list;

  bool member(std::string_view k, tessera::jwt::detail::flat_json::scalar s, std::string_view text, std::int64_t x) {
    namespace fj = tessera::jwt::detail::flat_json;
    ojson v;
    switch (s) {
      case fj::scalar::string: v = std::string(text); break;
      case fj::scalar::integer: v = x; break;
      case fj::scalar::boolean: v = x != 0; break;
      case fj::scalar::null: v = nullptr; break;
      case fj::scalar::other: v = ojson::parse(text); break;  // the scanner checked it: parse must not throw
    }
    members.emplace_back(std::string(k), std::move(v));
    return true;
  }
  bool array(std::string_view k) {
    open = std::string(k);
    list = ojson::array();
    return true;
  }
  bool element(std::string_view s) {
    list.push_back(std::string(s));
    return true;
  }
  bool end_array() {
    members.emplace_back(open, list);
    return true;
  }
};

}  // namespace tessera_test
