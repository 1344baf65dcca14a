// Tests for tessera/request_signing/content_digest.hpp: the RFC 9530 examples written and
// checked, unknown algorithms ignored, and each refusal with its errc.
#include "tessera/request_signing/content_digest.hpp"

#include <optional>
#include <string>
#include <string_view>

#include "support/catch.hpp"

using namespace tessera;
using namespace tessera::request_signing;
using namespace std::string_view_literals;

namespace {
// The content of most RFC 9530 examples: the JSON object {"hello": "world"} followed by an LF
// (RFC 9530 Appendix A), and the same object without the LF (Appendix D).
constexpr std::string_view hello_lf = "{\"hello\": \"world\"}\n";
constexpr std::string_view hello = "{\"hello\": \"world\"}";
}  // namespace

TEST_CASE("RFC 9530 examples are written byte for byte", "[request_signing][content_digest]") {
  // RFC 9530 Appendix B.1 (Server Returns Full Representation Data).
  CHECK(content_digest(hello_lf).value() == "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:");
  // RFC 9530 §2, first example: sha-512 of the same content.
  CHECK(content_digest(hello_lf, content_digest_alg::sha512).value() ==
        "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:");
  // RFC 9530 Appendix B.2 (Server Returns No Representation Data): the digest of empty content.
  CHECK(content_digest(""sv).value() == "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  // RFC 9530 Appendix B.3 (Server Returns Partial Representation Data): bytes 10-18.
  CHECK(content_digest("\"world\"}\n"sv).value() == "sha-256=:jjcgBDWNAtbYUXI37CVG3gRuGOAjaaDRGpIUFsdyepQ=:");
  // RFC 9530 Appendix D (Sample Digest Values), sha-256 and sha-512 of {"hello": "world"}; the
  // sha-512 value is also the Content-Digest of RFC 9421's test-request (RFC 9421 Appendix B.2).
  const content_digest_alg both[] = {content_digest_alg::sha256, content_digest_alg::sha512};
  CHECK(content_digest(hello, both).value() ==
        "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, "
        "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:");
  CHECK(content_digest_key(content_digest_alg::sha256) == "sha-256");
  CHECK(content_digest_alg_named("sha-512") == content_digest_alg::sha512);
  CHECK_FALSE(content_digest_alg_named("SHA-256").has_value());
  CHECK(content_digest(hello, std::span<const content_digest_alg>{}).error() == errc::invalid_argument);
}

TEST_CASE("RFC 9530 examples are checked against their content", "[request_signing][content_digest]") {
  // RFC 9530 Appendix B.1, B.2, B.3 and §2.
  CHECK(check_content_digest("sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"sv, hello_lf).value() ==
        content_digest_alg::sha256);
  CHECK(check_content_digest("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"sv, ""sv).value() ==
        content_digest_alg::sha256);
  CHECK(check_content_digest("sha-256=:jjcgBDWNAtbYUXI37CVG3gRuGOAjaaDRGpIUFsdyepQ=:"sv, "\"world\"}\n"sv));
  CHECK(check_content_digest(
            "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:"sv,
            hello_lf)
            .value() == content_digest_alg::sha512);
  // RFC 9530 Appendix D: both algorithms at once, the stronger reported.
  CHECK(check_content_digest("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:,"
                             "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"sv,
                             hello)
            .value() == content_digest_alg::sha512);
  // RFC 9530 Appendix D's deprecated algorithms are ignored beside a known one, and are not
  // enough on their own.
  CHECK(check_content_digest("md5=:Sd/dVLAcvNLSq16eXua5uQ==:, sha=:07CavjDP4u3/TungoUHJO/Wzr4c=:, "
                             "unixsum=:GQU=:, unixcksum=:7zsHAA==:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"sv,
                             hello)
            .value() == content_digest_alg::sha256);
  CHECK(check_content_digest("md5=:Sd/dVLAcvNLSq16eXua5uQ==:, unixsum=:GQU=:"sv, hello).error() ==
        errc::content_digest_unsupported);
  // RFC 9530 §2, second example: its sha-512 member is the digest of {"hello": "world"} plus LF,
  // its sha-256 member is not (that digest is RK/0qy18...): one mismatch refuses the field.
  CHECK(check_content_digest("sha-256=:d435Qo+nKZ+gLcUHn7GQtQ72hiBVAgqoLsZnZPiTGPk=:,"
                             "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:"sv,
                             hello_lf)
            .error() == errc::content_digest_mismatch);
}

TEST_CASE("a written Content-Digest checks against its content", "[request_signing][content_digest]") {
  const std::string body(1024, 'x');
  for (auto alg : {content_digest_alg::sha256, content_digest_alg::sha512}) {
    const std::string field = content_digest(body, alg).value();
    CHECK(check_content_digest(field, body).value() == alg);
    std::string other = body;
    other[512] = 'y';
    CHECK(check_content_digest(field, other).error() == errc::content_digest_mismatch);
  }
}

TEST_CASE("each malformed Content-Digest has its own cause", "[request_signing][content_digest]") {
  const auto check = [](std::optional<std::string_view> field, content_digest_options o = {}) {
    auto r = check_content_digest(field, hello, o);
    return r ? errc::none_ : r.error();
  };
  CHECK(check(std::nullopt) == errc::content_digest_missing);
  // Not a Dictionary, or a sha-256 / sha-512 member that is not a Byte Sequence of the digest size.
  CHECK(check(""sv) == errc::content_digest_unsupported);  // an empty Dictionary holds no known digest
  CHECK(check("sha-256"sv) == errc::content_digest_malformed);
  CHECK(check("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="sv) == errc::content_digest_malformed);
  CHECK(check("sha-256=\"X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\""sv) == errc::content_digest_malformed);
  CHECK(check("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE:"sv) == errc::content_digest_malformed);
  CHECK(check("sha-256=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"sv) ==
        errc::content_digest_malformed);  // a sha-512 value under sha-256
  CHECK(check("sha-256=(:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:)"sv) == errc::content_digest_malformed);
  CHECK(check("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:,"sv) == errc::content_digest_malformed);
  CHECK(check("SHA-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"sv) == errc::content_digest_malformed);
  // A malformed known member is reported even after a matching one.
  CHECK(check("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:AAAA:"sv) ==
        errc::content_digest_malformed);
  // A malformed unknown member is ignored; member parameters are ignored.
  CHECK(check("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:;p=1, md5=?1"sv) == errc::none_);
  // Bounds.
  const std::string long_field = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, x=\"" + std::string(5000, 'a') + "\"";
  CHECK(check(std::string_view(long_field)) == errc::content_digest_malformed);
  content_digest_options few;
  few.max_members = 1;
  CHECK(check("md5=:Sd/dVLAcvNLSq16eXua5uQ==:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"sv, few) ==
        errc::content_digest_malformed);
  // Statuses: a malformed field is the client's mistake (400); a mismatch is an integrity failure (401).
  CHECK(core::http_status(errc::content_digest_malformed) == 400);
  CHECK(core::http_status(errc::content_digest_missing) == 400);
  CHECK(core::http_status(errc::content_digest_unsupported) == 400);
  CHECK(core::http_status(errc::content_digest_mismatch) == 401);
}
