#pragma once
// The bodies of request_signing/canonical_request.hpp (see TESSERA_DECL in config.hpp).

#include "tessera/request_signing/canonical_request.hpp"

namespace tessera::request_signing {

TESSERA_DECL auto canonical_request::append_string_to_sign(std::string& out, const request_parts& r,
                                                           const signed_fields& f) const noexcept -> result<void> {
  try {
    if (!valid_client_id(f.client_id) || !valid_nonce(f.nonce)) return unexpected{errc::malformed_header};
    if (r.method.empty() || r.method.size() > 32 ||
        !std::all_of(r.method.begin(), r.method.end(), [](char c) { return detail::is_tchar(c); }))
      return unexpected{errc::malformed_request};
    std::string_view token;
    if (opts_.bind_bearer_token) {
      if (!r.authorization) return unexpected{errc::missing_header};
      token = detail::bearer_token(*r.authorization);
      if (token.empty()) return unexpected{errc::malformed_header};
    }
    out.reserve(out.size() + 256 + r.path.size() + r.query.size());
    out.append(canonical_request_label);
    out.push_back('\n');
    out.append(f.client_id);
    out.push_back('\n');
    out.append(f.timestamp);
    out.push_back('\n');
    out.append(f.nonce);
    out.push_back('\n');
    out.append(r.method);
    out.push_back('\n');
    if (!detail::append_canonical_path(out, r.path)) return unexpected{errc::malformed_request};
    out.push_back('\n');
    if (!detail::append_canonical_query(out, r.query)) return unexpected{errc::malformed_request};
    out.push_back('\n');
    if (!detail::append_body_digest(out, r.body, opts_.body_digest)) return unexpected{errc::crypto_failure};
    out.push_back('\n');
    if (opts_.bind_bearer_token) {
      const auto td = crypto::sha256(token);
      if (td.size != 32) return unexpected{errc::crypto_failure};
      char hex[64];
      out.append(hex, core::hex_encode_into(td.view(), hex));
    }
    return core::ok();
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

TESSERA_DECL auto canonical_request::add_signer_headers(const request_parts& r, signed_headers& out) const -> void {
  if (opts_.body_digest != body_digest_form::content_digest) return;
  std::string v;
  if (detail::append_body_digest(v, r.body, body_digest_form::content_digest)) out.add("Content-Digest", std::move(v));
}

}  // namespace tessera::request_signing

namespace tessera::request_signing::detail {

TESSERA_DECL void append_encoded(std::string& out, unsigned char c) {
  if (is_unreserved(c)) {
    out.push_back(static_cast<char>(c));
  } else {
    constexpr char digits[] = "0123456789ABCDEF";
    const char e[3] = {'%', digits[c >> 4], digits[c & 15]};
    out.append(e, 3);
  }
}

TESSERA_DECL bool append_normalized(std::string& out, std::string_view raw, bool keep_slash) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == '%') {
      if (raw.size() - i < 3) return false;
      const int hi = hex_value(raw[i + 1]), lo = hex_value(raw[i + 2]);
      if (hi < 0 || lo < 0) return false;
      append_encoded(out, static_cast<unsigned char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      append_encoded(out, c);
    }
  }
  return true;
}

TESSERA_DECL bool append_canonical_path(std::string& out, std::string_view raw) {
  if (raw.empty() || raw[0] != '/' || raw.find_first_of("?#") != std::string_view::npos) return false;
  return append_normalized(out, raw, true);
}

TESSERA_DECL query_scratch& thread_query_scratch() noexcept {
  thread_local query_scratch s;
  if (s.norm.capacity() > 64 * 1024) std::string().swap(s.norm);  // do not keep a huge one forever
  if (s.params.capacity() > 4096) std::vector<query_param>().swap(s.params);
  s.norm.clear();
  s.params.clear();
  return s;
}

TESSERA_DECL bool append_canonical_query(std::string& out, std::string_view raw) {
  if (raw.empty()) return true;
  using param = query_param;
  query_scratch& scratch = thread_query_scratch();
  std::string& norm = scratch.norm;
  std::vector<param>& params = scratch.params;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t amp = raw.find('&', start);
    if (amp == std::string_view::npos) amp = raw.size();
    const std::string_view piece = raw.substr(start, amp - start);
    start = amp + 1;
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    const std::string_view name = piece.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
    param p{};
    p.name_at = norm.size();
    if (!append_normalized(norm, name, false)) return false;
    p.name_len = norm.size() - p.name_at;
    p.value_at = norm.size();
    if (!append_normalized(norm, value, false)) return false;
    p.value_len = norm.size() - p.value_at;
    params.push_back(p);
  }
  const std::string_view n(norm);
  std::stable_sort(params.begin(), params.end(), [&](const param& a, const param& b) {
    return n.substr(a.name_at, a.name_len) < n.substr(b.name_at, b.name_len);
  });
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i) out.push_back('&');
    out.append(n.substr(params[i].name_at, params[i].name_len));
    out.push_back('=');
    out.append(n.substr(params[i].value_at, params[i].value_len));
  }
  return true;
}

TESSERA_DECL bool append_body_digest(std::string& out, core::bytes_view body, body_digest_form form) {
  const auto d = crypto::sha256(body);
  if (d.size != 32) return false;
  if (form == body_digest_form::hex) {
    char hex[64];
    out.append(hex, core::hex_encode_into(d.view(), hex));
  } else {
    out.append("sha-256=:");
    out.append(core::base64_encode(d.view()));
    out.push_back(':');
  }
  return true;
}

}  // namespace tessera::request_signing::detail

namespace tessera::request_signing {

TESSERA_DECL result<std::string> canonical_path(std::string_view raw_path) {
  std::string out;
  if (!detail::append_canonical_path(out, raw_path)) return unexpected{errc::malformed_request};
  return out;
}

TESSERA_DECL result<std::string> canonical_query(std::string_view raw_query) {
  std::string out;
  if (!detail::append_canonical_query(out, raw_query)) return unexpected{errc::malformed_request};
  return out;
}

TESSERA_DECL result<std::string> body_digest(core::bytes_view body, body_digest_form form) {
  std::string out;
  if (!detail::append_body_digest(out, body, form)) return unexpected{errc::crypto_failure};
  return out;
}

}  // namespace tessera::request_signing
