#pragma once
// tessera::client::caller — the calling side of a partner API in one object: it logs in at the
// token endpoint per tenant (through token_cache: one token per tenant, renewed before expiry),
// adds "Authorization: Bearer <token>" to each API call, and answers the partner's statuses the
// way partner guides ask: 401 → renew the token once and retry once; 403 → stop, a configuration
// problem; 429 → back off (full jitter, Retry-After honoured) within bounds; 5xx and network
// failures → bounded retries, only for requests that are safe to repeat.
//
//   client::tenant_clients logins;
//   logins.add("store-oslo-downtown", "client-id", core::secret(...));
//   client::caller_options o;
//   o.token_url = "https://commerce.example/api/token";
//   client::caller<my_http_client&> api(http, std::move(logins), o);          // commerce shape
//   client::http_request r{"GET", "https://commerce.example/api/orders/42"};
//   auto out = api.call("store-oslo-downtown", r);
//   if (!out) ... out.error (forbidden, rate_limited, ...) and out.response when one arrived

#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "tessera/client/http_client.hpp"
#include "tessera/client/token_cache.hpp"
#include "tessera/config.hpp"
#include "tessera/core/ascii.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/secret.hpp"
#include "tessera/core/string_hash.hpp"
#include "tessera/detail/json_text.hpp"
#include "tessera/request_signing/timestamp.hpp"
#include "tessera/webhook/retry.hpp"

namespace tessera::client {

// ---- Credentials ------------------------------------------------------------------------------

// What a tenant logs in with at the token endpoint: a client id and its secret (or an API key as
// the secret, for token endpoints that take one).
struct client_credentials {
  std::string client_id;
  core::secret client_secret;
};

// Finds the credentials a tenant logs in with.
// Rules: credentials_for() is noexcept and thread-safe; it returns a fresh copy (the caller
// wipes it after use), or an errc — invalid_argument for a tenant it does not know.
template <class P>
concept credentials_provider = requires(const P& p, std::string_view tenant) {
  { p.credentials_for(tenant) } noexcept -> std::same_as<result<client_credentials>>;
};

// One client for every tenant (the tenant then only keys the token cache, e.g. a store scope).
class single_client {
 public:
  // The client every tenant logs in as.
  single_client(std::string client_id, core::secret client_secret)
      : id_(std::move(client_id)), secret_(std::move(client_secret)) {}

  // A copy of the client's credentials, whatever the tenant.
  result<client_credentials> credentials_for(std::string_view) const noexcept {
    try {
      return client_credentials{id_, core::secret(secret_.expose_secret())};
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

 private:
  std::string id_;
  core::secret secret_;
};
static_assert(credentials_provider<single_client>);

// Credentials per tenant (e.g. one API user per store). Configure with add() before the caller
// uses it; lookups are then thread-safe.
class tenant_clients {
 public:
  // Sets a tenant's credentials, replacing earlier ones.
  tenant_clients& add(std::string tenant, std::string client_id, core::secret client_secret) {
    entries_.insert_or_assign(std::move(tenant), client_credentials{std::move(client_id), std::move(client_secret)});
    return *this;
  }
  // A copy of the tenant's credentials; invalid_argument for an unknown tenant.
  result<client_credentials> credentials_for(std::string_view tenant) const noexcept {
    try {
      auto it = entries_.find(tenant);
      if (it == entries_.end()) return unexpected{errc::invalid_argument};
      return client_credentials{it->second.client_id, core::secret(it->second.client_secret.expose_secret())};
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }
  // Number of tenants configured.
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  std::unordered_map<std::string, client_credentials, core::string_hash, std::equal_to<>> entries_;
};
static_assert(credentials_provider<tenant_clients>);

// ---- Token endpoint shapes --------------------------------------------------------------------

// How a login request is written and its answer read.
// Rules: write_request() fills the body (and its Content-Type, and any header it needs) of a
// request the caller has already given method POST, the token URL and its timeout; it may throw
// std::invalid_argument for credentials it cannot write (the login then fails with
// invalid_argument), or anything when out of memory. read_response() is noexcept; it reads a 2xx
// answer's body, with `sent_at` the time the request left (relative lifetimes count from it), and
// returns the token or token_unavailable; neither puts the secret, the token or the body into an
// error or a log.
template <class S>
concept token_shape = requires(const S& s, http_request& r, std::string_view tenant, const client_credentials& c,
                               std::string_view body, std::chrono::system_clock::time_point sent_at) {
  { s.write_request(r, tenant, c) } -> std::same_as<void>;
  { s.read_response(body, sent_at) } noexcept -> std::same_as<result<fetched_token>>;
};

namespace detail {
// Wipes a string's bytes (a request body that held a secret, a response that held a token).
TESSERA_DECL void wipe(std::string& s) noexcept;
// Wipes text a parser unescaped into its own writable buffer.
TESSERA_DECL void wipe_view(std::string_view s) noexcept;

// The digits of s as a number, or nullopt (empty, a non-digit, or more than 12 digits).
constexpr std::optional<std::int64_t> small_decimal(std::string_view s) noexcept {
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Unix seconds of an RFC 3339 date-time with whole or millisecond seconds and an offset
// ("2024-05-17T07:12:50Z", "2024-05-17T14:12:50.250+07:00"), or nullopt: the strict parser
// request signatures use.
TESSERA_DECL std::optional<std::int64_t> parse_rfc3339(std::string_view s) noexcept;
}  // namespace detail

// A JSON login: {"<id_field>": id, "<secret_field>": secret} posted as application/json, answered
// by {"<token_field>": token, "<expiry_field>": ...} where the expiry is either a lifetime in
// seconds (expires_in) or an absolute time (expired_at: Unix seconds, or RFC 3339 text). The
// answer must be one JSON object of at most max_body_bytes holding each of the two members once;
// the token must be visible ASCII (it goes into a header). The shipped shapes:
// commerce_token_shape(), login_token_shape(), oauth_json_token_shape().
struct json_token_shape {
  // How the answer states the token's end.
  enum class expiry_kind { lifetime_seconds, absolute_time };

  std::string id_field = "clientId";
  std::string secret_field = "clientSecret";
  std::string token_field = "access_token";
  std::string expiry_field = "expires_in";
  expiry_kind expiry = expiry_kind::lifetime_seconds;
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_token_bytes = config::max_token_size;

  // Writes the JSON login body (reserved once, so no reallocation leaves a copy of the secret).
  void write_request(http_request& r, std::string_view, const client_credentials& c) const {
    const std::string_view secret = c.client_secret.expose_secret_text();
    std::string body;
    body.reserve(16 + 6 * (id_field.size() + secret_field.size() + c.client_id.size() + secret.size()));
    body.push_back('{');
    bool utf8 = tessera::detail::append_json_string(body, id_field);
    body.push_back(':');
    utf8 = utf8 && tessera::detail::append_json_string(body, c.client_id);
    body.push_back(',');
    utf8 = utf8 && tessera::detail::append_json_string(body, secret_field);
    body.push_back(':');
    utf8 = utf8 && tessera::detail::append_json_string(body, secret);
    body.push_back('}');
    if (!utf8) {
      detail::wipe(body);
      throw std::invalid_argument("login credentials that are not UTF-8 have no JSON form");
    }
    detail::wipe(r.body);
    r.body = std::move(body);
    r.headers.emplace_back("Content-Type", "application/json");
  }

  // Reads the token and its expiry (token_unavailable for any answer it cannot use).
  result<fetched_token> read_response(std::string_view body, std::chrono::system_clock::time_point sent_at) const noexcept {
    try {
      return read(body, sent_at);
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

 private:
  // Reads the token and its expiry from a JSON answer.
  result<fetched_token> read(std::string_view body, std::chrono::system_clock::time_point sent_at) const;
};

// The commerce model: {"clientId","clientSecret"} → {"access_token","expires_in"}.
TESSERA_DECL json_token_shape commerce_token_shape();

// The signed partner orders model: {"client_id","client_secret"} → {"token","expired_at"}, the
// expiry as Unix seconds or RFC 3339 text.
TESSERA_DECL json_token_shape login_token_shape();

// JSON with OAuth names: {"client_id","client_secret"} → {"access_token","expires_in"}.
TESSERA_DECL json_token_shape oauth_json_token_shape();
static_assert(token_shape<json_token_shape>);

// ---- Waiting ----------------------------------------------------------------------------------

// Waits between attempts.
// Rules: sleep_for(d) is noexcept and thread-safe and blocks the calling thread for about d (a
// test model records d and returns at once).
template <class S>
concept sleeper = requires(const S& s, std::chrono::milliseconds d) {
  { s.sleep_for(d) } noexcept -> std::same_as<void>;
};

// Sleeps on the calling thread.
struct thread_sleeper {
  // Blocks for d.
  void sleep_for(std::chrono::milliseconds d) const noexcept {
    try {
      std::this_thread::sleep_for(d);
    } catch (...) {
    }
  }
};
static_assert(sleeper<thread_sleeper>);

// ---- The caller ------------------------------------------------------------------------------

// How a caller retries one call.
struct retry_options {
  // Sends per call for 429, 5xx and network failures, the first included (at least 1). The one
  // retry after a 401 comes on top.
  unsigned max_attempts = 4;
  // The ceiling of the first retry's delay; each later ceiling doubles it. Each delay is uniform
  // in [0, ceiling] ("full jitter").
  std::chrono::milliseconds base_delay{500};
  // No single delay exceeds this; a Retry-After asking for more ends the call (rate_limited or
  // remote_error, with the answer) instead of retrying early.
  std::chrono::milliseconds max_delay{std::chrono::seconds{30}};
  // The sleeps of one call add up to at most this; a retry that would pass it is not made.
  std::chrono::milliseconds max_total_wait{std::chrono::seconds{60}};
};

// Where a caller logs in and how it renews and retries.
struct caller_options {
  std::string token_url{};                                 // e.g. "https://host/api/token"
  std::chrono::milliseconds token_timeout{std::chrono::seconds{10}};  // of the login request
  cache_options cache{};                                   // token renewal and login backoff
  retry_options retry{};
};

// How one call ended. `error` is none_ for any answer the caller leaves to its caller (2xx, 3xx,
// and 4xx other than 401, 403 and 429); otherwise:
//   invalid_credentials  the API answered 401 again after the token was renewed;
//   forbidden            403: the credential lacks a role, scope or store — no retry, fix the set-up;
//   rate_limited         429 after the allowed retries (or a Retry-After beyond the bounds);
//   remote_error         5xx after the allowed retries, or at once for a request unsafe to repeat;
//   connection_failed    no answer (after the allowed retries, when the request is safe to repeat);
//   url_not_allowed      the http_client refused the URL;
//   a login error        from the token endpoint: invalid_credentials, forbidden, rate_limited,
//                        remote_error, connection_failed, token_unavailable, invalid_argument
//                        (no credentials for the tenant).
// `response` is the API's last answer, when one arrived (never the token endpoint's).
struct call_result {
  errc error = errc::none_;
  std::optional<http_response> response;
  unsigned attempts = 0;  // requests sent to the API in this call (logins not counted)

  // True when error is none_.
  bool ok() const noexcept { return error == errc::none_; }
  explicit operator bool() const noexcept { return ok(); }
};

// True for a request a retry cannot apply twice: an idempotent method (GET, HEAD, PUT, DELETE,
// OPTIONS; methods are case-sensitive) or a non-empty Idempotency-Key header.
TESSERA_DECL bool safe_to_repeat(const http_request& r) noexcept;


// The errc for a token endpoint's non-2xx status: 401 invalid_credentials, 403 forbidden, 429
// rate_limited, anything else (5xx, an unexpected 4xx or 3xx) remote_error.
constexpr errc login_error(int status) noexcept {
  switch (status) {
    case 401: return errc::invalid_credentials;
    case 403: return errc::forbidden;
    case 429: return errc::rate_limited;
    default: return errc::remote_error;
  }
}

// A partner API seen from its caller: logins per tenant cached and renewed, Bearer tokens added,
// statuses answered with the retries described at call(). Http, Sleep and Clock may be
// reference types (a client or clock owned elsewhere). Neither movable nor copyable; call() and
// token() are thread-safe when the policies are. No token or secret is ever put into an error or
// a log; the copies the caller makes of them are wiped after use.
template <class Http, token_shape Shape = json_token_shape, credentials_provider Creds = tenant_clients,
          class Sleep = thread_sleeper, webhook::jitter_source Jitter = webhook::random_jitter,
          class Clock = core::coarse_clock>
  requires http_client<std::remove_reference_t<Http>> && sleeper<std::remove_reference_t<Sleep>> &&
           core::clock<std::remove_reference_t<Clock>>
class caller {
 public:
  // A caller sending through http, logging in with creds at opts.token_url. Http is not deduced
  // here (the guides below hold an lvalue client by reference, a temporary one by value).
  caller(std::type_identity_t<Http> http, Creds creds, caller_options opts, Shape shape = Shape{}, Sleep sleep = Sleep{},
          Jitter jitter = Jitter{}, Clock clock = Clock{})
      : http_(std::forward<Http>(http)), creds_(std::move(creds)), opts_(std::move(opts)), shape_(std::move(shape)),
        sleep_(std::forward<Sleep>(sleep)), clock_(std::forward<Clock>(clock)),
        schedule_(policy_of(opts_.retry), std::move(jitter)),
        cache_(login{this}, opts_.cache, clock_) {
    opts_.retry.max_attempts = schedule_.policy().max_attempts;
    opts_.retry.base_delay = schedule_.policy().base_delay;
    opts_.retry.max_delay = schedule_.policy().max_delay;
    constexpr auto longest = std::chrono::duration_cast<std::chrono::milliseconds>(core::max_duration);
    opts_.retry.max_total_wait = std::clamp(opts_.retry.max_total_wait, std::chrono::milliseconds{0}, longest);
  }
  caller(const caller&) = delete;
  caller& operator=(const caller&) = delete;

  // Sends req to the API for the tenant with its Bearer token (any Authorization header of req is
  // replaced). A 401 invalidates that token and the call is sent once more with a new one; a
  // second 401 ends it. 403 ends it at once. 429 is retried for any method (the request was not
  // processed), 5xx and network failures only when safe_to_repeat(req); each retry waits
  // uniform[0, base_delay·2^(k-1)] capped at max_delay, or the Retry-After if longer, within
  // max_attempts and max_total_wait. See call_result for how it ends. noexcept: out of memory
  // ends the call with internal_error.
  call_result call(std::string_view tenant, http_request req) noexcept {
    call_result out;
    try {
      std::erase_if(req.headers, [](const auto& h) { return core::iequals(h.first, "Authorization"); });
      run(tenant, req, out);
    } catch (...) {
      out.error = errc::internal_error;
    }
    return out;
  }

  // The tenant's current token (logging in when needed), for a request the caller does not send.
  result<access_token> token(std::string_view tenant) noexcept { return cache_.get(tenant); }
  // Forgets a token the API refused (401), so that the next call logs in again.
  void invalidate(std::string_view tenant, const access_token& rejected) noexcept { cache_.invalidate(tenant, rejected); }

  // The options in force (durations bounded, max_attempts at least 1).
  const caller_options& options() const noexcept { return opts_; }

 private:
  using clock_ref = const std::remove_reference_t<Clock>&;

  // The token cache's fetcher: the login of one tenant.
  struct login {
    caller* self;
    result<fetched_token> operator()(std::string_view tenant) const { return self->fetch_token(tenant); }
  };

  static webhook::retry_policy policy_of(const retry_options& r) noexcept {
    webhook::retry_policy p;
    p.base_delay = r.base_delay;
    p.max_delay = r.max_delay;
    p.max_attempts = r.max_attempts;
    return p;
  }

  // Logs the tenant in: POST to the token URL, the status mapped by login_error().
  result<fetched_token> fetch_token(std::string_view tenant) noexcept {
    auto creds = creds_.credentials_for(tenant);
    if (!creds) return unexpected{creds.error()};
    http_request req;
    struct guard {  // the request body holds the secret, the answer the token
      http_request& req;
      std::optional<result<http_response>> answer;
      ~guard() {
        detail::wipe(req.body);
        if (answer && *answer) detail::wipe((*answer)->body);
      }
    } g{req, std::nullopt};
    try {
      req.method = "POST";
      req.url = opts_.token_url;
      req.timeout = opts_.token_timeout;
      req.headers.emplace_back("Accept", "application/json");
      shape_.write_request(req, tenant, *creds);
    } catch (const std::invalid_argument&) {
      return unexpected{errc::invalid_argument};  // credentials the shape cannot write
    } catch (...) {
      return unexpected{errc::internal_error};
    }
    const auto sent_at = clock_.now();
    g.answer.emplace(http_.send(req));
    const result<http_response>& answer = *g.answer;
    if (!answer) return unexpected{answer.error()};
    if (answer->status < 200 || answer->status > 299) return unexpected{login_error(answer->status)};
    auto fetched = shape_.read_response(answer->body, sent_at);
    // Whatever the shape, a token goes into a header: nothing that could split or fold it.
    if (fetched && !core::visible_ascii(fetched->token.expose_secret_text())) return unexpected{errc::token_unavailable};
    return fetched;
  }

  // The attempts of one call (see call()).
  void run(std::string_view tenant, http_request& req, call_result& out) {
    const bool repeatable = safe_to_repeat(req);
    std::chrono::milliseconds waited{0};
    unsigned failures = 0;  // attempts that ended in a retriable failure
    bool renewed = false;
    for (;;) {
      auto tok = cache_.get(tenant);
      if (!tok) {
        out.error = tok.error();
        return;
      }
      auto sent = send_with(req, *tok);
      ++out.attempts;
      if (!sent) {
        out.response.reset();
        if (sent.error() == errc::connection_failed && repeatable && wait(++failures, std::nullopt, waited)) continue;
        out.error = sent.error();
        return;
      }
      out.response = std::move(*sent);
      const int status = out.response->status;
      if (status == 401) {
        if (!renewed) {
          renewed = true;
          cache_.invalidate(tenant, *tok);
          continue;
        }
        out.error = errc::invalid_credentials;
        return;
      }
      if (status == 403) {
        out.error = errc::forbidden;
        return;
      }
      if (status == 429) {
        if (wait(++failures, retry_after(*out.response), waited)) continue;
        out.error = errc::rate_limited;
        return;
      }
      if (status >= 500) {
        if (repeatable && wait(++failures, retry_after(*out.response), waited)) continue;
        out.error = errc::remote_error;
        return;
      }
      return;
    }
  }

  // Sends req with "Authorization: Bearer <token>", the header's copy of the token wiped after.
  result<http_response> send_with(http_request& req, const access_token& tok) {
    const std::string_view text = tok.expose_secret_text();
    std::string value;
    value.reserve(7 + text.size());
    value.append("Bearer ").append(text);
    req.headers.emplace_back("Authorization", std::move(value));
    struct guard {
      http_request& req;
      ~guard() {
        detail::wipe(req.headers.back().second);
        req.headers.pop_back();
      }
    } g{req};
    return http_.send(req);
  }

  // Sleeps before retry `failures` when the bounds allow it; false when the call must end.
  bool wait(unsigned failures, std::optional<std::chrono::seconds> asked, std::chrono::milliseconds& waited) {
    auto d = schedule_.delay_after(failures);
    if (!d) return false;
    const auto cap = schedule_.policy().max_delay;
    auto delay = *d;
    if (asked) {
      if (*asked > std::chrono::duration_cast<std::chrono::seconds>(cap) ||
          std::chrono::duration_cast<std::chrono::milliseconds>(*asked) > cap)
        return false;
      delay = std::max<std::chrono::milliseconds>(delay, *asked);
    }
    if (delay > opts_.retry.max_total_wait - waited) return false;
    sleep_.sleep_for(delay);
    waited += delay;
    return true;
  }

  Http http_;
  Creds creds_;
  caller_options opts_;
  Shape shape_;
  Sleep sleep_;
  Clock clock_;
  webhook::retry_schedule<Jitter> schedule_;
  token_cache<login, clock_ref> cache_;
};

template <class H, class C>
caller(H&&, C, caller_options) -> caller<H, json_token_shape, C>;
template <class H, class C, class S>
caller(H&&, C, caller_options, S) -> caller<H, S, C>;

}  // namespace tessera::client

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/client/impl/caller.ipp"
#endif
