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
#include "tessera/detail/flat_json.hpp"

namespace {
namespace flat_json = tessera::detail::flat_json;
using ojson = nlohmann::ordered_json;

struct recorder {
  std::vector<std::pair<std::string, ojson>> members;
  std::string open;
  ojson list;
  bool member(std::string_view k, flat_json::scalar s, std::string_view text, std::int64_t x) {
    ojson v;
    switch (s) {
      case flat_json::scalar::string: v = std::string(text); break;
      case flat_json::scalar::integer: v = x; break;
      case flat_json::scalar::boolean: v = x != 0; break;
      case flat_json::scalar::null: v = nullptr; break;
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
