// Fuzzes the authenticator pipeline (http/authenticator.hpp) with a bearer method and an API-key
// method on an org route: the input is cut into method, target, Authorization and ApiKey values.
// Properties: never crashes; the SSE2 b64token check agrees with its bytewise reference; an
// accepted request names the org of its path; match_path captures only what the path holds and
// agrees with a reference matcher written here (split both at '/', compare segment by segment, a
// final "*" takes any rest): whatever match_path accepts, the reference accepts with the same
// captures, and it accepts whatever the reference accepts with at most eight captures on a plain
// path (no empty, "." or ".." segment, even with ";params", no '%' or '\'), the paths whose meaning
// no normalisation changes.
// The patterns are fixed ones and, as an arbitrary pattern, the ApiKey field.
#include <string>
#include <utility>
#include <vector>

#include "fuzz_support.hpp"
#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/http/authenticator.hpp"
#include "tessera/jwt/key.hpp"
#include "tessera/jwt/key_set.hpp"
#include "tessera/jwt/rules.hpp"
#include "tessera/jwt/verifier.hpp"
#include "tessera/request_signing/request.hpp"

namespace {
using namespace tessera;

using tessera_fuzz::hs256_key;

struct world {
  jwt::verifier<jwt::single_key> tokens{
      jwt::single_key(jwt::verification_key::hmac(jwt::alg::hs256, core::bytes_view(hs256_key)).value()),
      jwt::rules::builder{}.issuer("https://auth.example.com").audience("orders-api").build().value()};
  api_key::memory_key_store store;
  api_key::pepper_ring peppers = api_key::pepper_ring::create(1, core::bytes_view(hs256_key)).value();
  api_key::verifier<> keys = api_key::verifier<>::create(api_key::key_format{}, peppers, store).value();
  http::authenticator<http::null_audit, http::no_rate_limit, core::coarse_clock,
                      http::bearer_jwt<const jwt::verifier<jwt::single_key>&>, http::api_key_header<const api_key::verifier<>&>>
      auth{http::null_audit{}, http::no_rate_limit{}, {}, http::bearer_method(tokens, {.tenant = "org_id"}),
           http::api_key_method(keys)};
  http::route orders{.pattern = "/v2/orgs/{orgId}/orders/*", .tenant = "orgId", .scopes = {"orders:read"}};
  world() {
    api_key::key_spec spec;
    spec.tenant = "org_123";
    spec.scopes = {"orders:read"};
    auto gen = api_key::generator<>::create(api_key::key_format{}, peppers).value();
    tessera_fuzz::require(gen.issue(store, spec).has_value(), "a key is stored");
  }
};
// The pieces of s between '/' separators, empty ones included.
std::vector<std::string_view> segments(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const std::size_t at = s.find('/', start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

using captures = std::vector<std::pair<std::string_view, std::string_view>>;

// Reference path matching: the captures, or nullopt when the path does not fit the pattern.
std::optional<captures> ref_match(std::string_view pattern, std::string_view path) {
  if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return std::nullopt;
  auto pat = segments(pattern.substr(1));
  const auto segs = segments(path.substr(1));
  const bool rest = pat.back() == "*";
  if (rest) pat.pop_back();
  if (rest ? segs.size() < pat.size() : segs.size() != pat.size()) return std::nullopt;
  captures out;
  for (std::size_t i = 0; i < pat.size(); ++i) {
    const bool capture = pat[i].size() >= 2 && pat[i].front() == '{' && pat[i].back() == '}';
    if (!capture) {
      if (pat[i] != segs[i]) return std::nullopt;
    } else {
      if (segs[i].empty() || segs[i].find('%') != std::string_view::npos) return std::nullopt;
      out.emplace_back(pat[i].substr(1, pat[i].size() - 2), segs[i]);
    }
  }
  return out;
}

// True for a path whose segments, ";params" aside, are all non-empty and none "." or "..", with no
// '%' or '\' anywhere.
bool plain_path(std::string_view path) {
  if (path.empty() || path[0] != '/' || path.find_first_of("%\\") != std::string_view::npos) return false;
  for (auto seg : segments(path.substr(1))) {
    seg = seg.substr(0, seg.find(';'));
    if (seg.empty() || seg == "." || seg == "..") return false;
  }
  return true;
}

// match_path against the reference for one pattern and path.
void check_match(std::string_view pattern, std::string_view path) {
  auto got = authz::match_path(pattern, path);
  const auto want = ref_match(pattern, path);
  if (got) {
    tessera_fuzz::require(want.has_value() && got->size() == want->size(), "match_path accepts only what the reference accepts");
    for (const auto& [name, value] : *want) {
      std::string_view first = value;  // get() answers with the first capture of a repeated name
      for (const auto& [n, v] : *want)
        if (n == name) {
          first = v;
          break;
        }
      tessera_fuzz::require(got->get(name) == std::optional<std::string_view>(first), "match_path captures what the reference captures");
    }
  } else if (want && want->size() <= 8 && plain_path(path)) {
    tessera_fuzz::require(false, "match_path accepts a plain path the reference accepts");
  }
}
}  // namespace

// One input: method, target, Authorization and ApiKey, cut at '\n'.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static world w;
  auto f = tessera_fuzz::fields(tessera_fuzz::text(data, size), 4);

  bool bytewise = true;
  for (char c : f[2]) bytewise = bytewise && http::detail::b64token_char(c);
  tessera_fuzz::require(http::detail::b64token_chars(f[2]) == bytewise, "SSE2 b64token check = bytewise");

  auto req = request_signing::request::from_target(std::string(f[0]), f[1]);
  if (!f[2].empty()) req.set_header("Authorization", f[2]);
  if (!f[3].empty()) req.set_header("ApiKey", f[3]);
  if (auto who = w.auth.authenticate(req, w.orders)) {
    auto params = authz::match_path(w.orders.pattern, req.path());
    tessera_fuzz::require(params && params->get("orgId") == std::optional<std::string_view>(who->tenant),
                          "an accepted request names its principal's org in the path");
    tessera_fuzz::require(who->has_scope("orders:read"), "an accepted request holds the route's scope");
  }
  if (auto p = authz::match_path("/a/{x}/b/{y}", f[1])) {
    for (auto name : {"x", "y"}) {
      auto v = p->get(name);
      tessera_fuzz::require(v && !v->empty() && v->find('/') == std::string_view::npos &&
                                v->find('%') == std::string_view::npos,
                            "a capture is one non-empty segment without '%'");
    }
  }
  const std::string_view path = f[1].substr(0, f[1].find('?'));
  for (std::string_view pattern : {"/a/{x}/b/{y}", "/v2/orgs/{orgId}/orders/*", "/*", "/x//{y}/", "/s/{}/{s}/*",
                                   "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}"})
    check_match(pattern, path);
  check_match(f[3], path);
  return 0;
}
