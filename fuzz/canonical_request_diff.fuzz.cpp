// Holds the canonical_request profile (request_signing/canonical_request.hpp) to a reference
// written here from the specification in that header's comment: canonical path (section 3),
// canonical query (section 4), body and token digests (sections 5 and 6, with OpenSSL's one-shot
// EVP_Digest and EVP_EncodeBlock) and the nine-line string to sign (section 2). At start-up the
// reference and tessera must both reproduce the specification's worked example.
// The input is read twice: as a length byte, a path of that many bytes and a query (any bytes);
// and cut at '\n' into client id, timestamp, nonce, method, Authorization (absent when empty),
// path, query and body. Properties:
//  - canonical_path and canonical_query succeed exactly when the reference does, with the same text;
//  - append_string_to_sign, under each body-digest form with and without token binding, succeeds
//    exactly when the reference finds nothing to refuse, writes the reference's nine lines, and
//    otherwise refuses with one of the errors the reference found.
#include <openssl/evp.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "tessera/request_signing/canonical_request.hpp"

namespace {
using namespace tessera;
namespace rs = tessera::request_signing;
using tessera_fuzz::require;

// ---- The reference -------------------------------------------------------------------------

// True for RFC 3986 unreserved bytes: A-Z a-z 0-9 - . _ ~
bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~").find(static_cast<char>(c)) != std::string_view::npos;
}

// The value of a hex digit of either case, or -1.
int hex_digit(char c) {
  const std::string_view lower = "0123456789abcdef", upper = "0123456789ABCDEF";
  if (auto i = lower.find(c); i != std::string_view::npos) return static_cast<int>(i);
  if (auto i = upper.find(c); i != std::string_view::npos) return static_cast<int>(i);
  return -1;
}

// Sections 3 and 4c: decode each %XX, keep literal '+' (and '/' when keep_slash), write
// unreserved bytes as themselves and every other byte as %XX in upper case. nullopt on a broken escape.
std::optional<std::string> normalise(std::string_view raw, bool keep_slash) {
  std::string out;
  for (std::size_t i = 0; i < raw.size();) {
    unsigned char b = static_cast<unsigned char>(raw[i]);
    bool literal = true;
    if (b == '%') {
      if (i + 2 >= raw.size()) return std::nullopt;  // two digits must follow
      const int hi = hex_digit(raw[i + 1]), lo = hex_digit(raw[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      b = static_cast<unsigned char>(hi * 16 + lo);
      literal = false;
      i += 3;
    } else {
      ++i;
    }
    if (literal && (b == '+' || (keep_slash && b == '/'))) {
      out += static_cast<char>(b);
    } else if (unreserved(b)) {
      out += static_cast<char>(b);
    } else {
      char esc[4];
      std::snprintf(esc, sizeof esc, "%%%02X", b);
      out += esc;
    }
  }
  return out;
}

// Section 3: the canonical path, or nullopt.
std::optional<std::string> ref_path(std::string_view raw) {
  if (raw.empty() || raw[0] != '/' || raw.find('?') != std::string_view::npos ||
      raw.find('#') != std::string_view::npos)
    return std::nullopt;
  return normalise(raw, true);
}

// Section 4: the canonical query, or nullopt.
std::optional<std::string> ref_query(std::string_view raw) {
  struct param {
    std::string name, value;
    std::size_t order;
  };
  std::vector<param> params;
  std::size_t start = 0;
  for (;;) {
    const std::size_t amp = std::min(raw.find('&', start), raw.size());
    const std::string_view piece = raw.substr(start, amp - start);
    if (!piece.empty()) {
      const std::size_t eq = piece.find('=');
      auto name = normalise(piece.substr(0, eq), false);
      auto value = normalise(eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1), false);
      if (!name || !value) return std::nullopt;
      params.push_back({*name, *value, params.size()});
    }
    if (amp == raw.size()) break;
    start = amp + 1;
  }
  // Sorted by name, ties in the order sent (the order index makes an unstable sort stable).
  std::sort(params.begin(), params.end(),
            [](const param& a, const param& b) { return a.name != b.name ? a.name < b.name : a.order < b.order; });
  std::string out;
  for (const auto& p : params) out += (out.empty() ? "" : "&") + p.name + "=" + p.value;
  return out;
}

// SHA-256 of the bytes with OpenSSL's one-shot digest.
std::string sha256(std::string_view s) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  require(EVP_Digest(s.data(), s.size(), d, &len, EVP_sha256(), nullptr) == 1 && len == 32, "reference SHA-256 works");
  return std::string(reinterpret_cast<const char*>(d), len);
}

// Lower-case hex of the bytes.
std::string hex(std::string_view s) {
  std::string out;
  char two[3];
  for (unsigned char c : s) {
    std::snprintf(two, sizeof two, "%02x", c);
    out += two;
  }
  return out;
}

// Section 5: the body digest line in either form.
std::string ref_body_digest(std::string_view body, rs::body_digest_form form) {
  const std::string d = sha256(body);
  if (form == rs::body_digest_form::hex) return hex(d);
  unsigned char b64[64];
  const int n = EVP_EncodeBlock(b64, reinterpret_cast<const unsigned char*>(d.data()), 32);
  return "sha-256=:" + std::string(reinterpret_cast<const char*>(b64), static_cast<std::size_t>(n)) + ":";
}

// The inputs of one string to sign.
struct signing_input {
  std::string_view client_id, timestamp, nonce, method, path, query, body;
  std::optional<std::string_view> authorization;
};

// What the reference makes of one input: the string to sign, or the errors that refuse it.
struct ref_result {
  std::string text;
  std::set<errc> errors;
};

// Section 2: the nine lines, or every error the specification's rules give for the input.
ref_result ref_string(const signing_input& in, rs::body_digest_form form, bool bind_token) {
  ref_result r;
  auto all = [](std::string_view s, auto ok) { return std::all_of(s.begin(), s.end(), ok); };
  const bool id_ok = !in.client_id.empty() && in.client_id.size() <= 256 &&
                     all(in.client_id, [](char c) { return c >= 0x21 && c <= 0x7e; });
  const bool nonce_ok =
      in.nonce.size() >= 16 && in.nonce.size() <= 128 && all(in.nonce, [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      });
  if (!id_ok || !nonce_ok) r.errors.insert(errc::malformed_header);
  const bool method_ok = !in.method.empty() && in.method.size() <= 32 && all(in.method, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
  if (!method_ok) r.errors.insert(errc::malformed_request);
  std::string token_line;
  if (bind_token) {
    if (!in.authorization) {
      r.errors.insert(errc::missing_header);
    } else {
      const std::string_view a = *in.authorization;
      std::string scheme(a.substr(0, 7));
      for (auto& c : scheme) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      const std::string_view token = a.size() > 7 ? a.substr(7) : std::string_view{};
      const bool token_ok = scheme == "bearer " && !token.empty() &&
                            all(token, [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f; });
      if (!token_ok)
        r.errors.insert(errc::malformed_header);
      else
        token_line = hex(sha256(token));
    }
  }
  const auto path = ref_path(in.path);
  const auto query = ref_query(in.query);
  if (!path || !query) r.errors.insert(errc::malformed_request);
  if (!r.errors.empty()) return r;
  r.text = "tessera-request-v1\n" + std::string(in.client_id) + "\n" + std::string(in.timestamp) + "\n" +
           std::string(in.nonce) + "\n" + std::string(in.method) + "\n" + *path + "\n" + *query + "\n" +
           ref_body_digest(in.body, form) + "\n" + token_line;
  return r;
}

// ---- The properties ------------------------------------------------------------------------

// tessera's string to sign for one set of options.
result<std::string> tessera_string(const signing_input& in, rs::body_digest_form form, bool bind_token) {
  rs::canonical_request_options o;
  o.body_digest = form;
  o.bind_bearer_token = bind_token;
  const rs::canonical_request profile(o);
  const rs::request_parts parts{in.method, in.path, in.query, core::bytes_view(in.body), in.authorization};
  const rs::signed_fields fields{in.client_id, in.timestamp, in.nonce};
  std::string out;
  auto r = profile.append_string_to_sign(out, parts, fields);
  if (!r) return unexpected{r.error()};
  return out;
}

// The string to sign, under all four option sets, against the reference.
void check_string(const signing_input& in) {
  for (auto form : {rs::body_digest_form::hex, rs::body_digest_form::content_digest}) {
    for (bool bind : {false, true}) {
      auto got = tessera_string(in, form, bind);
      const ref_result want = ref_string(in, form, bind);
      require(got.has_value() == want.errors.empty(), "append_string_to_sign succeeds exactly when the reference does");
      if (got)
        require(*got == want.text, "append_string_to_sign writes the reference's nine lines");
      else
        require(want.errors.count(got.error()) == 1, "append_string_to_sign refuses with an error the reference found");
    }
  }
}

// The specification's worked example, through both.
bool worked_example() {
  signing_input in;
  in.client_id = "partner-42";
  in.timestamp = "1715929970";
  in.nonce = "n0nce-3f9a1c2e7b5d";
  in.method = "POST";
  in.path = "/api/v1/partners/p%2d42/orders";
  in.query = "sort=desc&filter=status%3aopen&filter=a+b&page=2&flag";
  in.body = R"({"sku":"A-1","qty":2})";
  in.authorization = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJjbGllbnRfaWQiOiJwYXJ0bmVyLTQyIn0.c2ln";
  const std::string spec =
      "tessera-request-v1\npartner-42\n1715929970\nn0nce-3f9a1c2e7b5d\nPOST\n/api/v1/partners/p-42/orders\n"
      "filter=status%3Aopen&filter=a+b&flag=&page=2&sort=desc\n"
      "d3c95de2d66db9a042603637d7c75dcdb810c4f4a5e5530d450ffd344b022636\n"
      "4839c969dfe57db4a3237a2e086d0f0fac99c49b1594084a938e7ce9c2890e22";
  require(ref_string(in, rs::body_digest_form::hex, true).text == spec, "the reference reproduces the worked example");
  require(tessera_string(in, rs::body_digest_form::hex, true).value() == spec, "tessera reproduces the worked example");
  require(ref_body_digest(in.body, rs::body_digest_form::content_digest) ==
              "sha-256=:08ld4tZtuaBCYDY318ddzbgQxPSl5VMNRQ/9NEsCJjY=:",
          "the reference reproduces the worked example's Content-Digest");
  return true;
}
}  // namespace

// One input, read as a length-prefixed path and query, and as the fields of a string to sign.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool example_ok = worked_example();
  (void)example_ok;
  const std::string_view in = tessera_fuzz::text(data, size);

  if (!in.empty()) {
    const std::size_t n = std::min<std::size_t>(static_cast<unsigned char>(in[0]), in.size() - 1);
    const std::string_view path = in.substr(1, n), query = in.substr(1 + n);
    auto p = rs::canonical_path(path);
    auto want_p = ref_path(path);
    require(p.has_value() == want_p.has_value() && (!p || *p == *want_p), "canonical_path = reference");
    auto q = rs::canonical_query(query);
    auto want_q = ref_query(query);
    require(q.has_value() == want_q.has_value() && (!q || *q == *want_q), "canonical_query = reference");
  }

  auto f = tessera_fuzz::fields(in, 8);
  signing_input s{f[0], f[1], f[2], f[3], f[5], f[6], f[7], std::nullopt};
  if (!f[4].empty()) s.authorization = f[4];
  check_string(s);
  return 0;
}
