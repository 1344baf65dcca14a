"""End-to-end suite for the org-scoped reference server (examples/servers/org_scoped): API keys
traded for 1-hour tokens, org path binding, scopes, idempotent creates, audited stock changes, and
webhook deliveries out, received by a local endpoint that checks every signature itself with
Python's hmac (the Standard Webhooks and t=,v1= rules), not with tessera.
"""
import hashlib
import hmac
import http.server
import json
import sys
import threading
import time

from harness import partner, standard_webhooks_ok, wait_until

p = partner("org-scoped API", ["--allow-loopback-webhooks"])  # the receiver below is on loopback
ADMIN = [("ApiKey", p.admin_key)]


class Receiver(http.server.BaseHTTPRequestHandler):
    """A subscriber's endpoint: records every delivery; answers 500 for the first attempt to /flaky
    and 410 on /gone."""
    received = []
    seen = {}

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Receiver.received.append((self.path, dict(self.headers.items()), body))
        n = Receiver.seen.get(self.path, 0)
        Receiver.seen[self.path] = n + 1
        status = 410 if self.path == "/gone" else 500 if self.path == "/flaky" and n == 0 else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=receiver.serve_forever, daemon=True).start()
RECV = f"http://127.0.0.1:{receiver.server_address[1]}"


def timestamped_ok(secret, value, body):
    """"t=<unix>,v1=<hex>": hex HMAC-SHA256 of "t.body" under the secret's bytes."""
    parts = dict(kv.split("=", 1) for kv in value.split(","))
    want = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(parts["v1"], want)


def key(org, scopes):
    a = p.check(f"admin creates a key for {org} ({' '.join(scopes)})",
                p.send("POST", f"/admin/orgs/{org}/api-keys", ADMIN, json_body={"scopes": scopes}), 201)
    return a.json["key_id"], p.secret(a.json["api_key"])


def token(api_key, label="exchange the API key for a 1-hour token", path="/auth/token"):
    a = p.check(label, p.send("POST", path, [("ApiKey", api_key)]), 200,
                expect=lambda a: a.json["expires_in"] == 3600 and a.json["token_type"] == "Bearer")
    return p.secret(a.json["access_token"])


def bearer(t):
    return [("Authorization", "Bearer " + t)]


key_a_id, key_a = key("org_a", ["orders:read", "orders:write", "stock:write", "webhooks:manage"])
key_ro_id, key_ro = key("org_a", ["orders:read"])
key_b_id, key_b = key("org_b", ["orders:read", "orders:write"])
t_a = token(key_a)
t_ro = token(key_ro, "exchange a read-only key")
t_b = token(key_b, "exchange org B's key")
token(key_a, "exchange on the org's own token URL", "/v2/orgs/org_a/token")
p.check("org A's key asking for org B's token", p.send("POST", "/v2/orgs/org_b/token", [("ApiKey", key_a)]), 401, "wrong_tenant")
p.check("exchange without a key", p.send("POST", "/auth/token"), 401, "missing_credentials",
        expect=lambda a: a.all("WWW-Authenticate") == ['ApiKey realm="api"'])
p.check("exchange with a mistyped key", p.send("POST", "/auth/token", [("ApiKey", key_a[:-1] + ("A" if key_a[-1] != "A" else "B"))]),
        401, "api_key_bad_checksum")
p.check("a scope with a space in it is refused where it enters",
        p.send("POST", "/admin/orgs/org_a/api-keys", ADMIN, json_body={"scopes": ["orders:read stock:write"]}), 400, "invalid_scope")

# Org binding and scopes.
p.check("list org A's orders", p.send("GET", "/v2/orgs/org_a/orders", bearer(t_a)), 200)
p.check("org A's token on org B's path", p.send("GET", "/v2/orgs/org_b/orders", bearer(t_a)), 403, "tenant_mismatch")
p.check("a read-only token creating an order", p.send("POST", "/v2/orgs/org_a/orders", bearer(t_ro), json_body={"items": []}),
        403, "missing_scope")
p.check("the API key itself on a token route", p.send("GET", "/v2/orgs/org_a/orders", [("ApiKey", key_a)]), 401,
        "credential_not_accepted", expect=lambda a: a.all("WWW-Authenticate") == ['Bearer realm="api"'])
p.check("no credential", p.send("GET", "/v2/orgs/org_a/orders"), 401, "missing_credentials")
p.check("a token without the Bearer prefix", p.send("GET", "/v2/orgs/org_a/orders", [("Authorization", t_a)]), 401, "malformed_credentials")
p.check("an encoded dot-segment path", p.send("GET", "/v2/orgs/%2e%2e/orders", bearer(t_a)), 400, "malformed_path")
p.check("an unknown route: JSON 404", p.send("GET", "/v3/anything", bearer(t_a)), 404, "route_not_found")

# Webhook subscriptions: secrets shown once, deliveries signed per attempt.
a = p.check("subscribe to order events (Standard Webhooks)",
            p.send("POST", "/v2/orgs/org_a/webhooks", bearer(t_a), json_body={"url": RECV + "/hooks", "event_types": ["order.created"]}),
            201, expect=lambda a: a.json["secret"].startswith("whsec_") and "sealed_secret" not in a.json)
sub_std, secret_std = a.json["id"], p.secret(a.json["secret"])
a = p.check("subscribe with X-PharmaOne-Signature (t=,v1=)",
            p.send("POST", "/v2/orgs/org_a/webhooks", bearer(t_a),
                   json_body={"url": RECV + "/flaky", "event_types": ["*"], "signature_header": "X-PharmaOne-Signature"}), 201)
sub_ts, secret_ts = a.json["id"], p.secret(a.json["secret"])
a = p.check("subscribe an endpoint that answers 410", p.send("POST", "/v2/orgs/org_a/webhooks", bearer(t_a),
                                                              json_body={"url": RECV + "/gone"}), 201)
sub_gone = a.json["id"]
p.check("subscribe a cloud-metadata URL", p.send("POST", "/v2/orgs/org_a/webhooks", bearer(t_a),
                                                 json_body={"url": "http://169.254.169.254/latest/meta-data"}), 400, "url_not_allowed")
p.check("subscribe a private-network URL", p.send("POST", "/v2/orgs/org_a/webhooks", bearer(t_a),
                                                  json_body={"url": "http://10.0.0.8/hook"}), 400, "url_not_allowed")
p.check("send a test event", p.send("POST", f"/v2/orgs/org_a/webhooks/{sub_std}/test", bearer(t_a)), 200,
        expect=lambda a: a.json["state"] == "delivered" and a.json["http_status"] == 200)
p.check("org B reading org A's delivery log", p.send("GET", f"/v2/orgs/org_b/webhooks/{sub_std}/deliveries", bearer(t_b)), 403)

# Idempotent creates: the retry gets the stored answer; the handler runs once.
order = {"items": [{"sku": "sku-1", "qty": 3}], "external_reference": "po-1001"}
first = p.check("create an order (external_reference po-1001)", p.send("POST", "/v2/orgs/org_a/orders", bearer(t_a), json_body=order), 201)
again = p.check("the same create retried", p.send("POST", "/v2/orgs/org_a/orders", bearer(t_a), json_body=order), 201,
                expect=lambda a: a.json == first.json and a.header("Idempotent-Replayed") == "true")
p.check("po-1001 again with another body", p.send("POST", "/v2/orgs/org_a/orders", bearer(t_a),
                                                   json_body={"items": [], "external_reference": "po-1001"}), 422, "idempotency_key_reused")
p.check("an Idempotency-Key header", p.send("POST", "/v2/orgs/org_a/orders", bearer(t_a) + [("Idempotency-Key", "k-77")],
                                            json_body={"items": []}), 201)
p.check("org B may use the same key for its own order", p.send("POST", "/v2/orgs/org_b/orders", bearer(t_b), json_body=order), 201)
p.check("org A's orders: two, not three", p.send("GET", "/v2/orgs/org_a/orders", bearer(t_a)), 200,
        expect=lambda a: len(a.json["orders"]) == 2)

# Deliveries: every signature checked here, by the rules, with Python's hmac.
got = wait_until(lambda: sum(1 for r in Receiver.received if r[0] == "/flaky") >= 3 and any(r[0] == "/hooks" for r in Receiver.received[1:]))
p.checks += 1
bad = []
for path, headers, body in Receiver.received:
    h = {k.lower(): v for k, v in headers.items()}
    if path == "/hooks" and not standard_webhooks_ok(secret_std, h, body):
        bad.append(path)
    if path == "/flaky" and not timestamped_ok(secret_ts, h["x-pharmaone-signature"], body):
        bad.append(path)
if not got or bad:
    p.failures.append(f"deliveries: arrived={bool(got)}, bad signatures on {bad}")
p.say(f"  {'ok ' if got and not bad else 'FAIL'} {len(Receiver.received)} deliveries received, every signature checked with Python's hmac")
a = p.check("the delivery log shows the failed attempt and its retry",
            p.send("GET", f"/v2/orgs/org_a/webhooks/{sub_ts}/deliveries", bearer(t_a)), 200,
            expect=lambda a: any(e["state"] == "failed" or e.get("http_status") == 500 for e in a.json["deliveries"])
            and any(e["state"] == "delivered" for e in a.json["deliveries"]))
wait_until(lambda: not p.send("GET", f"/v2/orgs/org_a/webhooks/{sub_gone}/deliveries", bearer(t_a)).json["subscription"]["active"])
p.check("a 410 ends the subscription", p.send("GET", f"/v2/orgs/org_a/webhooks/{sub_gone}/deliveries", bearer(t_a)), 200,
        expect=lambda a: a.json["subscription"]["active"] is False and any(e["state"] == "gone" for e in a.json["deliveries"]))

# Stock: idempotent on external_id, audited with actor and reason.
p.check("adjust stock (reason: cycle count)", p.send("PATCH", "/v2/orgs/org_a/stock/sku-1", bearer(t_a),
                                                     json_body={"delta": -2, "reason": "cycle count", "external_id": "adj-1"}), 200,
        expect=lambda a: a.json["level"] == -2)
p.check("the same adjustment retried", p.send("PATCH", "/v2/orgs/org_a/stock/sku-1", bearer(t_a),
                                              json_body={"delta": -2, "reason": "cycle count", "external_id": "adj-1"}), 200,
        expect=lambda a: a.json["level"] == -2)
p.check("a stock change without a reason", p.send("PATCH", "/v2/orgs/org_a/stock/sku-1", bearer(t_a), json_body={"delta": 1}),
        400, "missing_field")
p.check("a read-only token adjusting stock", p.send("PATCH", "/v2/orgs/org_a/stock/sku-1", bearer(t_ro),
                                                    json_body={"delta": 1, "reason": "x"}), 403, "missing_scope")

# Revoking a key stops the key and every token minted from it.
p.check("admin revokes org A's read-only key", p.send("DELETE", f"/admin/api-keys/{key_ro_id}", ADMIN), 200)
p.check("its token, next call", p.send("GET", "/v2/orgs/org_a/orders", bearer(t_ro)), 401, "token_revoked",
        expect=lambda a: 'error="invalid_token"' in a.header("WWW-Authenticate"))
p.check("the key itself", p.send("POST", "/auth/token", [("ApiKey", key_ro)]), 401, "api_key_revoked")
p.check("the other key of org A still works", p.send("GET", "/v2/orgs/org_a/orders", bearer(t_a)), 200)
p.check("an admin call with an org key", p.send("DELETE", f"/admin/api-keys/{key_a_id}", [("ApiKey", key_b)]), 403, "missing_scope")

receiver.shutdown()
sys.exit(p.finish())
