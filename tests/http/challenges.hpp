#pragma once
// Test helper shared by the error_response and authenticator tests: the WWW-Authenticate values
// of an answer, in order.
#include <string>
#include <vector>

#include "tessera/http/error_response.hpp"

namespace http_fixture {
inline std::vector<std::string> challenges(const tessera::http::error_response& r) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.headers)
    if (k == "WWW-Authenticate") out.push_back(v);
  return out;
}
}  // namespace http_fixture
