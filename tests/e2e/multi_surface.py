"""End-to-end suite for the multi-surface platform reference server (examples/servers/multi_surface),
driven as its users would: an operator with the admin key, customers on the storefront, staff in
the back office (JWT bearer, HS256), and integrations with long-lived API keys in an ApiKey header
(products and the catalog feed). Every API-key 401 carries "code": -23; JWT surfaces carry none.
"""
import json
import secrets
import sys
import time
import zlib

from harness import partner, wait_until

p = partner("multi-surface platform")
ADMIN = [("ApiKey", p.admin_key)]
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BEARER = ['Bearer realm="api"']
INVALID_TOKEN = ['Bearer realm="api", error="invalid_token"']
APIKEY = ['ApiKey realm="api"']


def challenge(a):
    return a.all("WWW-Authenticate")


def no_code(a):
    return isinstance(a.json, dict) and "code" not in a.json


def bearer(token):
    return [("Authorization", "Bearer " + token)]


def api_key(key, name="ApiKey"):
    return [(name, key)]


def fact(label, ok, detail=""):
    """A check that is not one HTTP answer (e.g. about the audit trail)."""
    p.checks += 1
    if not ok:
        p.failures.append(f"{label}: {detail}")
        if not p.transcript:
            print(f"FAIL {label}: {detail}", file=sys.stderr)
    p.say(f"  {'ok ' if ok else 'FAIL'} {label}")


def forge_key(environment="live"):
    """A well-formed key of the server's format (right checksum) that the server never issued."""
    body = f"ak_{environment}_" + "".join(secrets.choice(BASE62) for _ in range(30))
    crc, digits = zlib.crc32(body.encode()) & 0xFFFFFFFF, ""
    for _ in range(6):
        crc, r = divmod(crc, 62)
        digits = BASE62[r] + digits
    return p.secret(body + digits)


def key_failure(label, answer, error):
    """An API-key surface refusal: 401, its cause, code -23, a challenge for ApiKey only."""
    return p.check(label, answer, 401, error, code=-23, expect=lambda a: challenge(a) == APIKEY)


def token_failure(label, answer, error, challenges=None):
    """A JWT surface refusal: 401, its cause, no legacy code, a challenge for Bearer only."""
    want = challenges if challenges is not None else (BEARER if error in (
        "missing_credentials", "credential_not_accepted", "wrong_tenant") else INVALID_TOKEN)
    return p.check(label, answer, 401, error, expect=lambda a: no_code(a) and challenge(a) == want)


# ---- Admin: keys, customers, staff ------------------------------------------------------------
def new_key(tenant, scopes, label, **extra):
    a = p.check(label, p.send("POST", f"/admin/tenants/{tenant}/keys", ADMIN, json_body={"scopes": scopes, **extra}), 201,
                expect=lambda a: a.json["key"].startswith("ak_live_") and a.json["tenant"] == tenant)
    return p.secret(a.json["key"]), a.json["key_id"], a.json


def register(tenant, kind, email, password, label, scopes=None):
    body = {"email": email, "password": p.secret(password)}
    if scopes is not None:
        body["scopes"] = scopes
    a = p.check(label, p.send("POST", f"/admin/tenants/{tenant}/{kind}", ADMIN, json_body=body), 201,
                expect=lambda a: a.json["user_id"] == f"{tenant}:{email}")
    return a.json["user_id"]


def login(surface, tenant, email, password, label, status=200, error=None):
    a = p.check(label, p.send("POST", f"/{surface}/{tenant}/login", json_body={"email": email, "password": password}),
                status, error, expect=(lambda a: a.json["token_type"] == "Bearer" and a.json["expires_in"] == 3600)
                if status == 200 else (lambda a: no_code(a)))
    return p.secret(a.json["access_token"]) if status == 200 else a


# Short-lived credentials first, so that their expiry has passed when it is checked at the end.
register("acme", "staff", "sam@acme.test", "sam-password-1", "admin registers staff Sam at acme")
short_key, _, short_json = new_key("acme", ["products:read"], "admin: a key that lives 3 seconds", lifetime_seconds=3)
fact("  its expiry is in the answer", isinstance(short_json.get("expires_at"), int), short_json)
a = p.check("admin: a 3-second staff token for Sam (support caller)",
            p.send("POST", "/admin/tenants/acme/staff/sam@acme.test/token", ADMIN, json_body={"lifetime_seconds": 3}), 201,
            expect=lambda a: a.json["expires_in"] == 3)
short_token = p.secret(a.json["access_token"])
p.check("the short key works at once", p.send("GET", "/integrations/acme/products", api_key(short_key)), 200)
p.check("the short staff token works at once", p.send("GET", "/backoffice/acme/orders", bearer(short_token)), 200)

full_key, full_id, full_json = new_key("acme", ["products:read", "products:write", "feed:read"],
                                       "admin: acme ERP key (products and feed), shown once", integration="erp")
fact("  its tenant's plan entitlement is stamped on it", "plan:feed" in full_json["scopes"], full_json["scopes"])
ro_key, _, _ = new_key("acme", ["products:read"], "admin: acme read-only key")
globex_key, _, globex_json = new_key("globex", ["products:read", "products:write", "feed:read"],
                                     "admin: globex key asking for the feed (basic plan)")
fact("  a basic-plan key carries no plan entitlement", "plan:feed" not in globex_json["scopes"], globex_json["scopes"])
doomed_key, doomed_id, _ = new_key("acme", ["products:read"], "admin: acme key to revoke later")
p.check("admin: a plan entitlement cannot be requested", p.send("POST", "/admin/tenants/globex/keys", ADMIN,
                                                                json_body={"scopes": ["plan:feed"]}), 400, "invalid_scope")
p.check("admin: a scope outside the integration set", p.send("POST", "/admin/tenants/acme/keys", ADMIN,
                                                             json_body={"scopes": ["orders:read"]}), 400, "invalid_scope")
p.check("admin: a key for an unknown tenant", p.send("POST", "/admin/tenants/initech/keys", ADMIN,
                                                     json_body={"scopes": []}), 404, "route_not_found")
p.check("admin: a negative key lifetime", p.send("POST", "/admin/tenants/acme/keys", ADMIN,
                                                 json_body={"scopes": [], "lifetime_seconds": -5}), 400, "invalid_argument")

ALICE_PW, BOB_PW, CAROL_PW, DAVE_PW, ERIN_PW = "alice-password-1", "bob-password-1", "carol-password-1", "dave-password-1", "erin-password-1"
register("acme", "customers", "alice@acme.test", ALICE_PW, "admin registers customer Alice at acme")
register("globex", "customers", "bob@globex.test", BOB_PW, "admin registers customer Bob at globex")
register("acme", "customers", "carol@acme.test", CAROL_PW, "admin registers Carol (cart:read only)", ["cart:read"])
register("acme", "customers", "dave@acme.test", DAVE_PW, "admin registers Dave (target of a guessing run)")
register("acme", "customers", "erin@acme.test", ERIN_PW, "admin registers Erin (to be deactivated)")
register("acme", "staff", "tina@acme.test", "tina-password-1", "admin registers staff Tina with no scopes", [])
register("globex", "staff", "gil@globex.test", "gil-password-1", "admin registers staff Gil at globex")
p.check("admin: the same email twice in a tenant", p.send("POST", "/admin/tenants/acme/customers", ADMIN,
                                                          json_body={"email": "alice@acme.test", "password": p.secret("other-password-9")}),
        400, "invalid_argument")
p.check("admin: a password under 8 bytes", p.send("POST", "/admin/tenants/acme/customers", ADMIN,
                                                  json_body={"email": "short@acme.test", "password": "short"}), 400, "secret_too_short")
p.check("admin: a staff scope for a customer", p.send("POST", "/admin/tenants/acme/customers", ADMIN,
                                                      json_body={"email": "x@acme.test", "password": p.secret("x-password-1"),
                                                                 "scopes": ["orders:read"]}), 400, "invalid_scope")
p.check("admin: a customer without a password", p.send("POST", "/admin/tenants/acme/customers", ADMIN,
                                                        json_body={"email": "y@acme.test"}), 400, "missing_field")

# ---- Storefront: customer login, tenant-bound -----------------------------------------------------
alice = login("storefront", "acme", "alice@acme.test", ALICE_PW, "Alice logs in: {access_token, expires_in, token_type}")
bob = login("storefront", "globex", "bob@globex.test", BOB_PW, "Bob logs in at globex")
carol = login("storefront", "acme", "carol@acme.test", CAROL_PW, "Carol logs in")
login("storefront", "acme", "alice@acme.test", "wrong-password-1", "login with a wrong password", 401, "invalid_credentials")
login("storefront", "acme", "nobody@acme.test", ALICE_PW, "login of an unknown email (same answer)", 401, "invalid_credentials")
login("storefront", "globex", "alice@acme.test", ALICE_PW, "Alice (acme) logs in on globex's storefront", 401, "invalid_credentials")
login("storefront", "acme", "not-an-email", ALICE_PW, "login with a malformed email", 401, "invalid_credentials")
p.check("login without a password", p.send("POST", "/storefront/acme/login", json_body={"email": "alice@acme.test"}),
        400, "missing_field")
p.check("login body that is not JSON", p.send("POST", "/storefront/acme/login", body="email=alice"), 400, "missing_field")

# Repeated wrong passwords: the fifth failure in a row locks the account out for a while.
for i in range(1, 6):
    login("storefront", "acme", "dave@acme.test", f"guess-number-{i}", f"Dave's password guessed wrong ({i}/5)", 401,
          "invalid_credentials")
a = login("storefront", "acme", "dave@acme.test", DAVE_PW, "then even the right password: locked out", 429, "too_many_failed_logins")
fact("  with Retry-After: 60", a.header("Retry-After") == "60", a.header("Retry-After"))
login("storefront", "acme", "alice@acme.test", ALICE_PW, "another customer is not locked out")

# ---- Storefront: the cart --------------------------------------------------------------------------
p.check("Alice reads her empty cart", p.send("GET", "/storefront/acme/cart", bearer(alice)), 200,
        expect=lambda a: a.json["items"] == [] and a.json["customer"] == "acme:alice@acme.test")
p.check("Alice adds an item", p.send("POST", "/storefront/acme/cart/items", bearer(alice), json_body={"sku": "sku-1", "qty": 2}),
        201, expect=lambda a: a.json["items"] == [{"sku": "sku-1", "qty": 2}])
p.check("Alice reads her cart", p.send("GET", "/storefront/acme/cart", bearer(alice)), 200,
        expect=lambda a: a.json["items"] == [{"sku": "sku-1", "qty": 2}])
p.check("the scheme name is case-insensitive (bearer)", p.send("GET", "/storefront/acme/cart", [("Authorization", "bearer " + alice)]), 200)
p.check("Bob's cart is his own", p.send("GET", "/storefront/globex/cart", bearer(bob)), 200, expect=lambda a: a.json["items"] == [])
p.check("an item that is not in the tenant's catalogue", p.send("POST", "/storefront/acme/cart/items", bearer(alice),
                                                                json_body={"sku": "g-1", "qty": 1}), 404, "route_not_found")
p.check("an item body that is not JSON", p.send("POST", "/storefront/acme/cart/items", bearer(alice), body="{"), 400, "malformed_request")

# Bearer is mandatory, and every token failure is a 401 that challenges Bearer only, without -23.
token_failure("cart without any credential", p.send("GET", "/storefront/acme/cart"), "missing_credentials")
token_failure("the token without the Bearer prefix", p.send("GET", "/storefront/acme/cart", [("Authorization", alice)]),
              "malformed_credentials")
token_failure("the token under another scheme (Token ...)", p.send("GET", "/storefront/acme/cart", [("Authorization", "Token " + alice)]),
              "malformed_credentials")
token_failure("Bearer with nothing after it", p.send("GET", "/storefront/acme/cart", [("Authorization", "Bearer ")]),
              "malformed_credentials")
token_failure("a token that is not a JWT", p.send("GET", "/storefront/acme/cart", bearer("not-a-jwt")), "token_malformed")
forged = p.secret(alice[:-4] + ("AAAA" if not alice.endswith("AAAA") else "BBBB"))
token_failure("a forged token", p.send("GET", "/storefront/acme/cart", bearer(forged)), "bad_signature")
token_failure("two Authorization header lines", p.send("GET", "/storefront/acme/cart", bearer(alice) + bearer(carol)),
              "malformed_credentials")
token_failure("Alice's (acme) token on globex's storefront: wrong tenant", p.send("GET", "/storefront/globex/cart", bearer(alice)),
              "wrong_tenant")
token_failure("an API key on the storefront", p.send("GET", "/storefront/acme/cart", api_key(full_key)), "credential_not_accepted")
token_failure("a junk API key on the storefront", p.send("GET", "/storefront/acme/cart", api_key("junk")), "credential_not_accepted")
token_failure("a token and an API key at once", p.send("GET", "/storefront/acme/cart", bearer(alice) + api_key(full_key)),
              "malformed_credentials")
p.check("Carol (cart:read) reads her cart", p.send("GET", "/storefront/acme/cart", bearer(carol)), 200)
p.check("Carol (cart:read) adds an item: missing scope", p.send("POST", "/storefront/acme/cart/items", bearer(carol),
                                                               json_body={"sku": "sku-1", "qty": 1}), 403, "missing_scope",
        expect=no_code)
p.check("Alice's token in the back office: not staff", p.send("GET", "/backoffice/acme/orders", bearer(alice)), 403, "forbidden")

# ---- Back office: staff ----------------------------------------------------------------------------
sam = login("backoffice", "acme", "sam@acme.test", "sam-password-1", "staff Sam logs in to the back office")
tina = login("backoffice", "acme", "tina@acme.test", "tina-password-1", "staff Tina logs in")
gil = login("backoffice", "globex", "gil@globex.test", "gil-password-1", "staff Gil logs in at globex")
p.check("Sam lists acme's orders", p.send("GET", "/backoffice/acme/orders", bearer(sam)), 200,
        expect=lambda a: a.json["tenant"] == "acme" and [o["order_id"] for o in a.json["orders"]] == ["ord-1001", "ord-1002"])
p.check("Gil lists globex's orders", p.send("GET", "/backoffice/globex/orders", bearer(gil)), 200,
        expect=lambda a: [o["order_id"] for o in a.json["orders"]] == ["ord-2001"])
token_failure("Sam (acme) on globex's back office: wrong tenant", p.send("GET", "/backoffice/globex/orders", bearer(sam)), "wrong_tenant")
p.check("Tina (no orders:read): missing scope", p.send("GET", "/backoffice/acme/orders", bearer(tina)), 403, "missing_scope")
p.check("Sam's token on the storefront: not a customer", p.send("GET", "/storefront/acme/cart", bearer(sam)), 403, "forbidden")
token_failure("an API key in the back office", p.send("GET", "/backoffice/acme/orders", api_key(full_key)), "credential_not_accepted")
token_failure("back office without a credential", p.send("GET", "/backoffice/acme/orders"), "missing_credentials")
p.check("admin: a staff token for a customer is not made", p.send("POST", "/admin/tenants/acme/staff/alice@acme.test/token", ADMIN,
                                                                  json_body={}), 404, "route_not_found")
p.check("admin: a staff token longer than an hour", p.send("POST", "/admin/tenants/acme/staff/sam@acme.test/token", ADMIN,
                                                           json_body={"lifetime_seconds": 7200}), 400, "invalid_argument")

# ---- Integrations: API keys, the ApiKey header name case-insensitive -----------------------------
for name in ("ApiKey", "apikey", "APIKEY"):
    p.check(f"products with the key in '{name}:'", p.send("GET", "/integrations/acme/products", api_key(full_key, name)), 200,
            expect=lambda a: a.json["tenant"] == "acme" and {x["sku"] for x in a.json["products"]} == {"sku-1", "sku-2"})
p.check("the ERP creates a product", p.send("PUT", "/integrations/acme/products/sku-9", api_key(full_key),
                                            json_body={"name": "Gizmo", "price": 12.5, "stock": 3}), 201)
p.check("the ERP updates it", p.send("PUT", "/integrations/acme/products/sku-9", api_key(full_key),
                                     json_body={"name": "Gizmo", "price": 11.0, "stock": 5}), 200,
        expect=lambda a: a.json["price"] == 11.0)
p.check("a product body that is not JSON", p.send("PUT", "/integrations/acme/products/sku-9", api_key(full_key), body="["),
        400, "malformed_request")
p.check("the read-only key writes: missing scope (403, no -23)", p.send("PUT", "/integrations/acme/products/sku-9", api_key(ro_key),
                                                                        json_body={"name": "X", "price": 1, "stock": 1}),
        403, "missing_scope", expect=no_code)
p.check("globex's key sees only globex's products", p.send("GET", "/integrations/globex/products", api_key(globex_key)), 200,
        expect=lambda a: [x["sku"] for x in a.json["products"]] == ["g-1"])

# Every API-key failure: 401, code -23, a challenge for ApiKey only.
key_failure("products without a key", p.send("GET", "/integrations/acme/products"), "missing_credentials")
key_failure("an empty ApiKey header", p.send("GET", "/integrations/acme/products", api_key("")), "missing_credentials")
key_failure("a malformed key", p.send("GET", "/integrations/acme/products", api_key("ak_live_tooShort")), "api_key_malformed")
typo = p.secret(full_key[:12] + ("a" if full_key[12] != "a" else "b") + full_key[13:])
key_failure("a key with a typo (checksum)", p.send("GET", "/integrations/acme/products", api_key(typo)), "api_key_bad_checksum")
key_failure("a well-formed key nobody issued", p.send("GET", "/integrations/acme/products", api_key(forge_key())), "api_key_unknown")
key_failure("a test key (ak_test_) on the live server", p.send("GET", "/integrations/acme/products", api_key(forge_key("test"))),
            "api_key_wrong_environment")
key_failure("the admin key on an integration route", p.send("GET", "/integrations/acme/products", ADMIN), "api_key_malformed")
key_failure("globex's key on acme's products: wrong tenant", p.send("GET", "/integrations/acme/products", api_key(globex_key)),
            "wrong_tenant")
key_failure("acme's key on globex's products: wrong tenant", p.send("GET", "/integrations/globex/products", api_key(full_key)),
            "wrong_tenant")
key_failure("two ApiKey header lines (valid, junk)", p.send("GET", "/integrations/acme/products", api_key(full_key) + api_key("junk")),
            "malformed_credentials")
key_failure("two ApiKey header lines (the same key twice)", p.send("GET", "/integrations/acme/products",
                                                                   api_key(full_key) + api_key(full_key, "apikey")),
            "malformed_credentials")
key_failure("an API key and a bearer token at once", p.send("GET", "/integrations/acme/products", api_key(full_key) + bearer(alice)),
            "malformed_credentials")
key_failure("a customer's JWT on an integration route", p.send("GET", "/integrations/acme/products", bearer(alice)),
            "credential_not_accepted")
key_failure("a staff JWT on an integration write", p.send("PUT", "/integrations/acme/products/sku-9", bearer(sam),
                                                          json_body={"name": "X", "price": 1, "stock": 1}), "credential_not_accepted")
key_failure("the key as a bearer token", p.send("GET", "/integrations/acme/products", bearer(full_key)), "credential_not_accepted")
p.check("an encoded tenant in the path is never a tenant", p.send("GET", "/integrations/ac%6De/products", api_key(full_key)),
        404, "route_not_found")

# ---- The catalog feed: scope feed:read and a plan that includes it ----------------------------
p.check("acme's feed with its ERP key", p.send("GET", "/feed/acme/catalog", api_key(full_key)), 200,
        expect=lambda a: {x["id"] for x in a.json["items"]} == {"sku-1", "sku-2", "sku-9"})
p.check("acme's read-only key on the feed: missing scope", p.send("GET", "/feed/acme/catalog", api_key(ro_key)), 403,
        "missing_scope", expect=no_code)
p.check("globex's key (feed:read) on its feed: the plan lacks it", p.send("GET", "/feed/globex/catalog", api_key(globex_key)), 403,
        "missing_scope", expect=no_code)
key_failure("a JWT on the feed", p.send("GET", "/feed/acme/catalog", bearer(alice)), "credential_not_accepted")
key_failure("the feed without a key", p.send("GET", "/feed/acme/catalog", [("APIKEY", "")]), "missing_credentials")
key_failure("globex's key on acme's feed: wrong tenant", p.send("GET", "/feed/acme/catalog", api_key(globex_key)), "wrong_tenant")

# ---- Instant revocation of a key -------------------------------------------------------------------
p.check("the key to revoke works", p.send("GET", "/integrations/acme/products", api_key(doomed_key)), 200)
p.check("admin revokes it", p.send("POST", f"/admin/keys/{doomed_id}/revoke", ADMIN), 200)
key_failure("the revoked key, next call", p.send("GET", "/integrations/acme/products", api_key(doomed_key)), "api_key_revoked")
key_failure("the revoked key on the feed", p.send("GET", "/feed/acme/catalog", api_key(doomed_key)), "api_key_revoked")
key_failure("the revoked key on another tenant: still wrong tenant", p.send("GET", "/integrations/globex/products",
                                                                            api_key(doomed_key)), "wrong_tenant")
p.check("admin revokes an unknown key", p.send("POST", "/admin/keys/key_nope/revoke", ADMIN), 404, "route_not_found")
p.check("other keys are not affected", p.send("GET", "/integrations/acme/products", api_key(full_key)), 200)

# ---- Customer deactivation reaches the token on the next call --------------------------------------
erin = login("storefront", "acme", "erin@acme.test", ERIN_PW, "Erin logs in")
p.check("Erin reads her cart", p.send("GET", "/storefront/acme/cart", bearer(erin)), 200)
p.check("admin deactivates Erin", p.send("POST", "/admin/tenants/acme/users/erin@acme.test/deactivate", ADMIN), 200,
        expect=lambda a: a.json["active"] is False)
token_failure("Erin's unexpired token, next call", p.send("GET", "/storefront/acme/cart", bearer(erin)), "principal_deactivated")
login("storefront", "acme", "erin@acme.test", ERIN_PW, "Erin logs in again", 401, "client_deactivated")
p.check("Alice is not affected", p.send("GET", "/storefront/acme/cart", bearer(alice)), 200)
p.check("admin deactivates an unknown user", p.send("POST", "/admin/tenants/acme/users/zed@acme.test/deactivate", ADMIN),
        404, "route_not_found")
p.check("admin reactivates Erin", p.send("POST", "/admin/tenants/acme/users/erin@acme.test/reactivate", ADMIN), 200)
token_failure("a token from before the deactivation stays dead", p.send("GET", "/storefront/acme/cart", bearer(erin)), "token_revoked")
time.sleep(1.1)  # tokens carry whole seconds: a new one must be issued after the deactivation's second
erin = login("storefront", "acme", "erin@acme.test", ERIN_PW, "Erin logs in after reactivation")
p.check("Erin's fresh token", p.send("GET", "/storefront/acme/cart", bearer(erin)), 200)

# ---- The admin surface takes its own API key only ------------------------------------------------
key_failure("admin call without a key", p.send("POST", "/admin/tenants/acme/keys", json_body={}), "missing_credentials")
key_failure("admin call with a tenant key", p.send("POST", "/admin/tenants/acme/keys", api_key(full_key), json_body={}),
            "api_key_malformed")
key_failure("admin call with a staff token", p.send("POST", "/admin/tenants/acme/keys", bearer(sam), json_body={}),
            "missing_credentials")
p.check("a path the server does not have: JSON 404", p.send("GET", "/nothing/here"), 404, "route_not_found")
p.check("a method the route does not have: JSON 404", p.send("DELETE", "/storefront/acme/cart"), 404, "route_not_found")

# ---- Expiry: the short key and the short staff token ------------------------------------------------
expired = wait_until(lambda: p.send("GET", "/integrations/acme/products", api_key(short_key)).status == 401, seconds=10)
key_failure("the 3-second key after it expired", p.send("GET", "/integrations/acme/products", api_key(short_key)), "api_key_expired")
wait_until(lambda: p.send("GET", "/backoffice/acme/orders", bearer(short_token)).status == 401, seconds=10)
token_failure("the 3-second staff token after it expired", p.send("GET", "/backoffice/acme/orders", bearer(short_token)),
              "token_expired")

# ---- The audit trail: every decision, and the business events ---------------------------------
with open(p.audit_path) as f:
    records = [json.loads(line) for line in f if line.strip()]
actions = [r["action"] for r in records]
fact("audit: every authentication decision is recorded, allowed and refused",
     any(r["action"] == "authenticate" and r["allowed"] for r in records)
     and any(r["action"] == "authenticate" and r.get("cause") == "credential_not_accepted" for r in records))
fact("audit: the cart change names the customer",
     any(r["action"] == "cart.add_item" and r["actor"] == "acme:alice@acme.test" and r["tenant"] == "acme" for r in records))
fact("audit: product changes name the key id, never the key",
     any(r["action"] == "product.create" and r["actor"] == full_id and r["credential"] == "api_key" for r in records))
fact("audit: logins, revocation and deactivation are recorded",
     all(x in actions for x in ("storefront.login", "backoffice.login", "api_key.revoke", "user.deactivate")))
fact("audit: failed logins are recorded with their cause",
     any(r["action"] == "storefront.login" and r.get("cause") == "too_many_failed_logins" for r in records))

sys.exit(p.finish())
