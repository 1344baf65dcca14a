// Fuzzes the flat-claims scanner (detail/flat_json.hpp) against nlohmann_json. Properties:
// scanning never reads outside the text and its padding (ASan); whatever the scanner accepts,
// nlohmann reads as one JSON object with the same members, in order, with the same values
// (for a repeated name, nlohmann keeps the last value at the first position).
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_support.hpp"
#include "support/flat_json_recorder.hpp"
#include "tessera/jwt/detail/flat_json.hpp"

namespace {
namespace flat_json = tessera::jwt::detail::flat_json;
using ojson = nlohmann::ordered_json;

using recorder = tessera_test::flat_json_recorder;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An exact-size heap copy followed by the zero padding the scanner needs, so ASan sees any
  // read past it.
  std::vector<char> buf(data, data + size);
  buf.resize(size + flat_json::padding, '\0');
  recorder r;
  if (!flat_json::scan(buf.data(), size, r)) return 0;

  auto j = ojson::parse(std::string_view(buf.data(), size), nullptr, false);
  tessera_fuzz::require(!j.is_discarded() && j.is_object(), "accepted text is a JSON object");
  // The scanner reports every member, repeats included (its caller refuses repeated names);
  // nlohmann keeps one per name, at its first position, with the last value.
  std::vector<std::string> order;
  std::map<std::string, ojson> last;
  for (const auto& [name, value] : r.members) {
    if (!last.count(name)) order.push_back(name);
    last[name] = value;
  }
  tessera_fuzz::require(j.size() == order.size(), "same member names");
  std::size_t i = 0;
  for (auto it = j.begin(); it != j.end(); ++it, ++i) {
    tessera_fuzz::require(it.key() == order[i], "same member names in order");
    tessera_fuzz::require(it.value() == last[order[i]], "same member values");
  }
  return 0;
}
