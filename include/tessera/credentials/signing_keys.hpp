#pragma once
// signing_key_registry: the request-signing view of a client registry, so that one registry holds
// a partner's secret hash, its signing keys and its status, and a deactivation stops its logins,
// refreshes, tokens and signatures at once.

#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include "tessera/core/result.hpp"
#include "tessera/credentials/registry.hpp"
#include "tessera/request_signing/client_registry.hpp"

namespace tessera::credentials {

// A request_signing::client_key_registry over a client registry R (referenced when R is a
// reference type): find(id) answers with the client's current signing keys, each with its own
// algorithm; unknown_client when the client is not registered or holds no signing key;
// client_deactivated when it is deactivated (its signatures stop on the next request);
// store_unavailable when the registry cannot answer. Each lookup copies the client's keys into a
// snapshot (a few reference counts; no key is parsed).
//   credentials::memory_client_registry partners;
//   request_signing::verifier v(request_signing::client_timestamp{}, credentials::signing_key_registry(partners), seen);
template <class R>
  requires client_registry<std::remove_cvref_t<R>>
class signing_key_registry {
 public:
  // A view of `registry` (held by reference for lvalues). The parameter is not deducible on
  // purpose: deduction goes through the guides below only, the same on every compiler.
  explicit signing_key_registry(std::type_identity_t<R> registry) : registry_(std::forward<R>(registry)) {}

  // The client's signing keys as a verifier reads them.
  result<request_signing::client_handle> find(std::string_view client_id) const noexcept {
    auto c = registry_.find(client_id);
    if (!c) return unexpected{c.error()};
    const client_record& rec = **c;
    if (!rec.active) return unexpected{errc::client_deactivated};
    if (rec.signing_keys.empty()) return unexpected{errc::unknown_client};
    try {
      auto out = std::make_shared<request_signing::client_record>();
      out->id = rec.client_id;
      out->keys.reserve(rec.signing_keys.size());
      for (const auto& k : rec.signing_keys) out->keys.push_back({k.key_id, k.key, k.algorithm});
      return request_signing::client_handle(std::move(out));
    } catch (...) {
      return unexpected{errc::internal_error};
    }
  }

 private:
  R registry_;
};

// Lvalue registries are held by reference, rvalues by value.
template <class R>
signing_key_registry(R&&) -> signing_key_registry<R>;

static_assert(request_signing::client_key_registry<signing_key_registry<memory_client_registry&>>);

}  // namespace tessera::credentials
