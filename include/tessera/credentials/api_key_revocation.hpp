#pragma once
// api_key_revocation: the JWT revocation policy for tokens exchanged from API keys
// (api_key_exchange), so that revoking a key stops every token minted from it on the next call.

#include <string_view>
#include <type_traits>
#include <utility>

#include "tessera/api_key/store.hpp"
#include "tessera/core/result.hpp"
#include "tessera/jwt/revocation.hpp"

namespace tessera::credentials {

// Refuses a token whose key has been revoked or deleted. The token's principal (sub, as
// api_key_exchange writes it) is its key's id, looked up in the key store on every verification:
// token_revoked when the key is revoked or no longer stored, store_unavailable when the store
// cannot answer. Other revocations (jti, withdrawn signing keys) are delegated to Inner. The
// store is referenced, not owned; a fleet passes a shared store, and a revocation on any
// instance then reaches every instance's next check.
template <api_key::key_store Store, jwt::revocation_check Inner = jwt::no_revocation>
class api_key_revocation {
 public:
  // A policy reading `store`, which must outlive it.
  explicit api_key_revocation(Store& store, Inner inner = Inner{}) : store_(&store), inner_(std::move(inner)) {}

  // token_revoked when the token's key is revoked or gone; Inner's verdict otherwise.
  result<void> check(const jwt::token_facts& f) const noexcept {
    if (auto r = inner_.check(f); !r) return r;
    if (f.principal.empty()) return unexpected{errc::missing_claim};
    auto record = store_->get(f.principal);
    if (!record) return unexpected{record.error() == errc::api_key_unknown ? errc::token_revoked : record.error()};
    if ((*record)->status == api_key::key_status::revoked) return unexpected{errc::token_revoked};
    return core::ok();
  }

 private:
  Store* store_;
  Inner inner_;
};
static_assert(jwt::revocation_check<api_key_revocation<api_key::memory_key_store>>);

}  // namespace tessera::credentials
