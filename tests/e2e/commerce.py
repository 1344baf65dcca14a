"""End-to-end suite for the commerce platform reference server (examples/servers/commerce), driven
as its API users, its admin and its platform would: ClientId + ClientSecret logins for 10-day
tokens, roles through the hierarchy, store and market scoping, per-user rate limits, deactivation
on the very next call, and the platform's inbound webhook. With --client, it also runs the calling
side (tests/e2e/commerce_client.cpp, client::caller over tessera's cpp-httplib client) against
the same server and checks the summary it prints.

    python3 tests/e2e/commerce.py --server <binary> [--client <commerce_client>] [--transcript] [--fast-hashing]
"""
import argparse
import base64
import json
import subprocess
import sys
import time

pre = argparse.ArgumentParser(add_help=False)
pre.add_argument("--client", help="the commerce_client executable (the calling side)")
extra, rest = pre.parse_known_args()
sys.argv = [sys.argv[0]] + rest

from harness import partner  # noqa: E402 - after --client is taken off the command line

p = partner("commerce platform with roles")
ADMIN = [("ApiKey", p.admin_key)]
WEBHOOK_TOKEN = p.secret(p.hello["webhook_token"])
WEBHOOK_KEY = p.secret(p.hello["webhook_key"])
WEBHOOK_HEADER = p.hello["webhook_key_header"]
TEN_DAYS = 864000


def fact(label, ok, detail=""):
    """A check that is not one HTTP answer (e.g. a token's claims, the client's summary)."""
    p.checks += 1
    if not ok:
        p.failures.append(f"{label}: {detail}")
        if not p.transcript:
            print(f"FAIL {label}: {detail}", file=sys.stderr)
    p.say(f"  {'ok ' if ok else 'FAIL'} {label}" + (f"   {detail}" if detail and not ok else ""))


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def bearer(token):
    return [("Authorization", "Bearer " + token)]


def challenge(a):
    return a.all("WWW-Authenticate")


def create(name, tenant, roles, stores, markets, scopes=()):
    a = p.check(f"admin creates {name} ({', '.join(roles)})",
                p.send("POST", "/admin/api-users", ADMIN,
                       json_body={"name": name, "tenant": tenant, "roles": list(roles), "stores": list(stores),
                                  "markets": list(markets), "scopes": list(scopes)}), 201,
                expect=lambda a: a.json["clientId"].startswith("api_") and len(a.json["clientSecret"]) >= 43)
    return a.json["clientId"], p.secret(a.json["clientSecret"])


def login(client_id, secret, label, status=200, error=None, expect=None):
    a = p.check(label, p.send("POST", "/api/token", json_body={"clientId": client_id, "clientSecret": secret}),
                status, error, expect=expect)
    return p.secret(a.json["access_token"]) if status == 200 else a


def user(name, tenant, roles, stores, markets):
    cid, secret = create(name, tenant, roles, stores, markets)
    return cid, secret, login(cid, secret, f"  {name} logs in")


def get(token, path):
    return p.send("GET", path, bearer(token))


ORDER = {"items": [{"sku": "A-1", "qty": 2}]}
OSLO, BERGEN, STOCKHOLM = "/api/stores/store-oslo-downtown", "/api/stores/store-bergen", "/api/stores/store-stockholm"

# ---- Admin: API users with roles, stores and markets; the secret shown once ------------------
p.check("admin creates a user with an unknown role", p.send("POST", "/admin/api-users", ADMIN,
        json_body={"tenant": "nordic-foods", "roles": ["SuperUser"]}), 400, "invalid_argument")
p.check("admin creates a user without a tenant", p.send("POST", "/admin/api-users", ADMIN,
        json_body={"roles": ["ApiUser"]}), 400, "missing_field")
p.check("admin call without a key", p.send("POST", "/admin/api-users", json_body={}), 401, "missing_credentials",
        expect=lambda a: challenge(a) == ['ApiKey realm="api"'])
p.check("admin call with a junk key", p.send("POST", "/admin/api-users", [("ApiKey", "adm_live_junk")], json_body={}), 401)

# ---- Login: camelCase body, 10-day token carrying the grants ---------------------------------
cid, secret = create("Nordic commerce", "nordic-foods", ["CommerceUser"], ["store-oslo-downtown", "store-bergen"],
                     ["market-nor"], scopes=["orders"])
body_ok = (lambda a: a.json["expires_in"] == TEN_DAYS and a.json["token_type"] == "Bearer"
           and set(a.json) == {"access_token", "expires_in", "token_type"})
commerce = login(cid, secret, "login {clientId, clientSecret} → access_token, expires_in 864000, Bearer", expect=body_ok)
c = claims(commerce)
fact("the token carries tenant, roles, scope, stores, markets; lives 10 days",
     c.get("sub") == cid and c.get("tenant") == "nordic-foods" and c.get("roles") == ["CommerceUser"]
     and c.get("scope") == "orders" and c.get("stores") == ["store-oslo-downtown", "store-bergen"]
     and c.get("markets") == ["market-nor"] and c["exp"] - c["iat"] == TEN_DAYS, repr(c))
p.check("login with snake_case client_id/client_secret", p.send("POST", "/api/token",
        json_body={"client_id": cid, "client_secret": secret}), 400, "missing_field")
p.check("login without clientSecret", p.send("POST", "/api/token", json_body={"clientId": cid}), 400, "missing_field")
p.check("login body that is not JSON", p.send("POST", "/api/token", body="clientId=x"), 400, "missing_field")
login(cid, "wrong-secret-wrong-secret", "login with a wrong secret", 401, "invalid_credentials")
login("api_unknown", secret, "login of an unknown client (same answer)", 401, "invalid_credentials")
p.check("who am I", get(commerce, "/api/me"), 200,
        expect=lambda a: a.json["clientId"] == cid and a.json["tenant"] == "nordic-foods")

# Five wrong secrets lock the client id out for a while: 429 with Retry-After, even for the right one.
lid, lsecret = create("Locked-out user", "nordic-foods", ["ApiUser"], ["AllStores"], ["AllMarkets"])
for i in range(5):
    login(lid, f"guess-number-{i}-guess-number", f"  wrong secret {i + 1} of 5", 401, "invalid_credentials")
login(lid, lsecret, "the right secret while locked out", 429, "too_many_failed_logins",
      expect=lambda a: int(a.header("Retry-After")) > 0)

# ---- Bearer token failures: all 401 ------------------------------------------------------------
p.check("API call without any credential", p.send("GET", OSLO + "/orders"), 401, "missing_credentials",
        expect=lambda a: challenge(a) == ['Bearer realm="api"'])
p.check("token without the Bearer prefix", p.send("GET", OSLO + "/orders", [("Authorization", commerce)]),
        401, "malformed_credentials", expect=lambda a: challenge(a) == ['Bearer realm="api", error="invalid_token"'])
forged = commerce[:-4] + ("AAAA" if not commerce.endswith("AAAA") else "BBBB")
p.check("a forged token", get(forged, OSLO + "/orders"), 401, "bad_signature")
p.check("two Authorization header lines", p.send("GET", OSLO + "/orders", bearer(commerce) + [("Authorization", "Bearer x")]),
        401, "malformed_credentials")
p.check("the admin API key on an API route", p.send("GET", OSLO + "/orders", ADMIN), 401, "missing_credentials")
p.check("a user token on the admin API", p.send("POST", "/admin/api-users", bearer(commerce), json_body={}),
        401, "missing_credentials")

# ---- Roles through the hierarchy --------------------------------------------------------------
_, _, api_user = user("Oslo API user", "nordic-foods", ["ApiUser"], ["store-oslo-downtown"], ["market-nor"])
_, _, reader = user("Nordic reader", "nordic-foods", ["XRead"], [], ["market-nor"])
_, _, xadmin = user("Nordic X admin", "nordic-foods", ["XAdmin"], ["AllStores"], ["market-nor"])
_, _, owner = user("Owner", "nordic-foods", ["ApiOwner"], ["AllStores"], ["AllMarkets"])

placed = p.check("CommerceUser places an order (role CommerceUser)", p.send("POST", OSLO + "/orders", bearer(commerce),
                 json_body=ORDER), 201, expect=lambda a: a.json["tenant"] == "nordic-foods")
order_id = placed.json["orderId"]
p.check("CommerceUser lists orders (ApiUser, inherited)", get(commerce, OSLO + "/orders"), 200,
        expect=lambda a: [o["orderId"] for o in a.json["orders"]] == [order_id] and a.json["market"] == "market-nor")
p.check("ApiUser lists orders", get(api_user, OSLO + "/orders"), 200)
p.check("ApiUser places an order (needs CommerceUser)", p.send("POST", OSLO + "/orders", bearer(api_user), json_body=ORDER),
        403, "forbidden")
p.check("CommerceUser reads a market report (needs XRead)", get(commerce, "/api/markets/market-nor/report"), 403, "forbidden")
p.check("XRead reads the market report", get(reader, "/api/markets/market-nor/report"), 200,
        expect=lambda a: a.json["stores"] == ["store-bergen", "store-oslo-downtown"] and a.json["orders"] == 1)
p.check("XRead lists store orders (XRead does not include ApiUser)", get(reader, OSLO + "/orders"), 403, "forbidden")
p.check("XRead deletes an order (needs XAdmin)", p.send("DELETE", f"/api/admin/stores/store-oslo-downtown/orders/{order_id}",
        bearer(reader)), 403, "forbidden")
p.check("XAdmin reads the market report (XRead, inherited)", get(xadmin, "/api/markets/market-nor/report"), 200)
p.check("XAdmin deletes the order", p.send("DELETE", f"/api/admin/stores/store-oslo-downtown/orders/{order_id}",
        bearer(xadmin)), 200, expect=lambda a: a.json["deleted"] is True)
p.check("XAdmin deletes it again: 404", p.send("DELETE", f"/api/admin/stores/store-oslo-downtown/orders/{order_id}",
        bearer(xadmin)), 404, "route_not_found")
p.check("ApiOwner places an order in Stockholm (every role)", p.send("POST", STOCKHOLM + "/orders", bearer(owner),
        json_body=ORDER), 201)
p.check("ApiOwner lists Stockholm orders", get(owner, STOCKHOLM + "/orders"), 200, expect=lambda a: len(a.json["orders"]) == 1)
p.check("ApiOwner reads the market-swe report", get(owner, "/api/markets/market-swe/report"), 200)
p.check("ApiOwner deletes in Stockholm", p.send("DELETE", "/api/admin/stores/store-stockholm/orders/" +
        get(owner, STOCKHOLM + "/orders").json["orders"][0]["orderId"], bearer(owner)), 200)
p.check("another tenant does not see nordic-foods' orders", get(
    user("Svea owner", "svea-retail", ["ApiOwner"], ["AllStores"], ["AllMarkets"])[2], "/api/markets/market-nor/report"),
    200, expect=lambda a: a.json["orders"] == 0)

# ---- Stores and markets: both dimensions ------------------------------------------------------
_, _, norway = user("AllStores in market-nor", "nordic-foods", ["ApiUser"], ["AllStores"], ["market-nor"])
p.check("AllStores + market-nor: store-oslo-downtown", get(norway, OSLO + "/orders"), 200)
p.check("AllStores + market-nor: store-bergen", get(norway, BERGEN + "/orders"), 200)
p.check("AllStores + market-nor: store-stockholm (market-swe)", get(norway, STOCKHOLM + "/orders"), 403, "store_not_allowed")
p.check("store-oslo-downtown only: store-bergen", get(api_user, BERGEN + "/orders"), 403, "store_not_allowed")
_, _, anywhere = user("AllStores in AllMarkets", "nordic-foods", ["ApiUser"], ["AllStores"], ["AllMarkets"])
p.check("AllStores + AllMarkets: store-stockholm", get(anywhere, STOCKHOLM + "/orders"), 200,
        expect=lambda a: a.json["market"] == "market-swe")
p.check("a store the catalogue does not know", get(anywhere, "/api/stores/store-nowhere/orders"), 403, "store_not_allowed")
p.check("market-nor only: the market-swe report", get(reader, "/api/markets/market-swe/report"), 403, "store_not_allowed")
_, _, confused = user("Grants with swapped ids", "nordic-foods", ["ApiUser", "XRead"], ["market-nor"], ["store-bergen"])
p.check("store grant 'market-nor' does not grant market market-nor", get(confused, "/api/markets/market-nor/report"),
        403, "store_not_allowed")
p.check("market grant 'store-bergen' does not grant store-bergen", get(confused, BERGEN + "/orders"), 403, "store_not_allowed")
p.check("'market-nor' used as a store id", get(confused, "/api/stores/market-nor/orders"), 403, "store_not_allowed")
p.check("a path not in normal form", get(anywhere, "/api/stores/%2e%2e/orders"), 400, "malformed_path")
p.check("order body that is not JSON", p.send("POST", OSLO + "/orders", bearer(commerce), body="{"), 400, "malformed_request")

# ---- Rate limits: per user, 429 with Retry-After ----------------------------------------------
_, _, busy = user("Busy user", "nordic-foods", ["ApiUser"], ["AllStores"], ["AllMarkets"])
_, _, calm = user("Calm user", "nordic-foods", ["ApiUser"], ["AllStores"], ["AllMarkets"])
burst = []
while len(burst) < 14 and (not burst or burst[-1].status != 429):  # a slow machine may refill one or two
    burst.append(get(busy, "/api/me"))
fact("a burst of 10 calls is admitted", [a.status for a in burst[:10]] == [200] * 10, repr([a.status for a in burst]))
p.check("the next call in the burst", burst[-1], 429, "rate_limited", expect=lambda a: a.header("Retry-After") == "1")
p.check("another user is not limited", get(calm, OSLO + "/orders"), 200)
time.sleep(1.1)
p.check("after Retry-After, the busy user is admitted again", get(busy, "/api/me"), 200)

# ---- Deactivation: the very next call, even with an unexpired token ---------------------------
leaving_id, leaving_secret, leaving = user("Leaving user", "nordic-foods", ["CommerceUser"], ["store-oslo-downtown"], ["market-nor"])
p.check("the user's call before deactivation", get(leaving, OSLO + "/orders"), 200)
p.check("admin deactivates the user", p.send("POST", f"/admin/api-users/{leaving_id}/deactivate", ADMIN), 200,
        expect=lambda a: a.json["active"] is False)
p.check("its unexpired token, next call", get(leaving, OSLO + "/orders"), 401, "principal_deactivated",
        expect=lambda a: challenge(a) == ['Bearer realm="api", error="invalid_token"'])
login(leaving_id, leaving_secret, "it logs in again", 401, "client_deactivated")
p.check("other users are not affected", get(commerce, OSLO + "/orders"), 200)
p.check("admin reactivates the user", p.send("POST", f"/admin/api-users/{leaving_id}/reactivate", ADMIN), 200)
p.check("a token from before the deactivation stays dead", get(leaving, OSLO + "/orders"), 401, "token_revoked")
time.sleep(1.1)  # tokens carry whole seconds: a new one must be issued after the deactivation's second
fresh = login(leaving_id, leaving_secret, "it logs in after reactivation")
p.check("the fresh token works", get(fresh, OSLO + "/orders"), 200)
p.check("admin deactivates a user that does not exist", p.send("POST", "/admin/api-users/api_nobody/deactivate", ADMIN),
        404, "route_not_found")

# ---- The platform's inbound webhook -----------------------------------------------------------
HOOK = "/webhooks/platform"


def event(eid):
    return {"id": eid, "type": "order.paid", "data": {"orderId": "ord-1"}}


by_token = [("Authorization", "Bearer " + WEBHOOK_TOKEN)]
by_key = [(WEBHOOK_HEADER, WEBHOOK_KEY)]
p.check("platform event with the configured Bearer token", p.send("POST", HOOK, by_token, json_body=event("evt-1")), 200,
        expect=lambda a: a.json == {"eventId": "evt-1", "processed": True})
p.check("the same event again: 200, not processed again", p.send("POST", HOOK, by_token, json_body=event("evt-1")), 200,
        expect=lambda a: a.json["processed"] is False)
p.check("platform event with the configured API key header", p.send("POST", HOOK, by_key, json_body=event("evt-2")), 200,
        expect=lambda a: a.json["processed"] is True)
p.check("evt-1 once more, through the API key", p.send("POST", HOOK, by_key, json_body=event("evt-1")), 200,
        expect=lambda a: a.json["processed"] is False)
p.check("webhook with a wrong Bearer token", p.send("POST", HOOK, bearer("x" * 43), json_body=event("evt-3")), 401,
        "invalid_credentials")
p.check("webhook with an API user's token", p.send("POST", HOOK, bearer(commerce), json_body=event("evt-3")), 401)
p.check("webhook with a wrong API key", p.send("POST", HOOK, [(WEBHOOK_HEADER, "y" * 43)], json_body=event("evt-3")), 401,
        "invalid_credentials")
p.check("webhook without a credential", p.send("POST", HOOK, json_body=event("evt-3")), 401, "missing_credentials")
p.check("webhook with both credentials", p.send("POST", HOOK, by_token + by_key, json_body=event("evt-3")), 401,
        "malformed_credentials")
p.check("webhook with two Authorization lines", p.send("POST", HOOK, by_token + by_token, json_body=event("evt-3")), 401,
        "malformed_credentials")
p.check("webhook without an event id", p.send("POST", HOOK, by_token, json_body={"type": "order.paid"}), 400, "missing_field")
p.check("evt-3, refused above, is processed when authenticated", p.send("POST", HOOK, by_token, json_body=event("evt-3")),
        200, expect=lambda a: a.json["processed"] is True)
p.check("each event processed exactly once", p.send("GET", "/admin/platform-events", ADMIN), 200,
        expect=lambda a: a.json["processed"] == {"evt-1": 1, "evt-2": 1, "evt-3": 1})

# ---- The framework's own 404, as JSON ------------------------------------------------------------
p.check("a path the server does not have: JSON 404", p.send("GET", "/api/nothing"), 404, "route_not_found")
p.check("a deeper unknown path: JSON 404", get(commerce, "/api/stores/store-bergen/stock"), 404, "route_not_found")

# ---- The calling side: client::caller against this server --------------------------------------
if extra.client:
    nid, nsecret = create("Client: nordic API user", "nordic-foods", ["ApiUser"], ["store-oslo-downtown"], ["market-nor"])
    sid, ssecret = create("Client: svea commerce user", "svea-retail", ["CommerceUser"], ["AllStores"], ["market-swe"])
    config = {"base_url": f"http://127.0.0.1:{p.port}",
              "tenants": [{"tenant": "nordic-foods", "clientId": nid, "clientSecret": nsecret, "store": "store-oslo-downtown"},
                          {"tenant": "svea-retail", "clientId": sid, "clientSecret": ssecret, "store": "store-stockholm"}]}
    proc = subprocess.Popen([extra.client], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdin.write(json.dumps(config) + "\n")
    proc.stdin.flush()
    ready = proc.stdout.readline()
    fact("the client cached a token per tenant and says ready", ready.strip() == '{"phase":"ready"}', repr(ready))
    # Something real for its 401: the admin deactivates and reactivates the nordic user, so the
    # token the client holds is dead; a second later its new login is valid again.
    p.check("admin deactivates the client's nordic user", p.send("POST", f"/admin/api-users/{nid}/deactivate", ADMIN), 200)
    p.check("admin reactivates it", p.send("POST", f"/admin/api-users/{nid}/reactivate", ADMIN), 200)
    time.sleep(1.1)
    proc.stdin.write("go\n")
    proc.stdin.flush()
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    fact("the client exits 0", proc.returncode == 0, f"exit {proc.returncode}: {err.strip()}")
    try:
        s = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        s = {}
    p.say("  client summary: " + json.dumps(s))
    t = s.get("tenants", {})
    fact("client: each tenant's calls use its own token (GET /api/me names the tenant)",
         t.get("nordic-foods", {}).get("me") == "nordic-foods" and t.get("svea-retail", {}).get("me") == "svea-retail", repr(t))
    fact("client: one login per tenant for several calls", s.get("first_logins") == {"nordic-foods": 1, "svea-retail": 1},
         repr(s.get("first_logins")))
    fact("client: 403 is final (forbidden, one attempt, no new login)",
         s.get("forbidden") == {"error": "forbidden", "attempts": 1, "logins": 0}, repr(s.get("forbidden")))
    rl = s.get("rate_limited", {})
    fact("client: 429 backed off for Retry-After (1 s), then the call succeeded",
         rl.get("ok") is True and rl.get("attempts") == 2 and rl.get("retry_after") == "1"
         and len(rl.get("slept_ms", [])) == 1 and rl["slept_ms"][0] >= 1000 and rl.get("calls_before_429", 0) >= 5, repr(rl))
    rn = s.get("renewal", {})
    fact("client: token renewed before it expired (no 401 seen)",
         rn == {"ok": True, "attempts": 1, "logins": 1, "statuses": [200]}, repr(rn))
    r4 = s.get("retry_401", {})
    fact("client: a revoked token is renewed once and the call retried",
         r4 == {"ok": True, "attempts": 2, "logins": 1, "statuses": [401, 200]}, repr(r4))
    fact("client: prints no secret or token", not any(x in out + err for x in p.secrets | {nsecret, ssecret}))
    fact("client: summary says ok", s.get("ok") is True, repr(s))

sys.exit(p.finish())
