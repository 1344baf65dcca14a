#pragma once
// Shared by the libFuzzer targets: splitting one input into fields, and a check that aborts
// (so libFuzzer saves the input) when a property the target states does not hold.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace tessera_fuzz {

// The fuzzing HMAC key, 32 bytes: the HS256 verifiers of the JWT and authenticator targets use
// it, and their token seeds are signed with it.
inline constexpr std::string_view hs256_key = "tessera-fuzz-hs256-key-012345678";

// The input as text.
inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The input cut at each '\n' into at most n fields (the last keeps the rest, '\n' included).
inline std::vector<std::string_view> fields(std::string_view in, std::size_t n) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < n) {
    auto nl = in.find('\n');
    if (nl == std::string_view::npos) break;
    out.push_back(in.substr(0, nl));
    in.remove_prefix(nl + 1);
  }
  out.push_back(in);
  while (out.size() < n) out.emplace_back();
  return out;
}

// Aborts with a message when a stated property fails.
inline void require(bool ok, const char* property) {
  if (!ok) {
    std::fprintf(stderr, "property failed: %s\n", property);
    std::abort();
  }
}

}  // namespace tessera_fuzz
