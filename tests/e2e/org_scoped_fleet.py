"""A fleet: two instances of the org-scoped reference server sharing one private redis-server
(tests/redis/redis_fixture.sh), as two servers behind a load balancer would. What one instance
learns, the other knows on its next call: keys, their revocation, idempotent answers, webhook
subscriptions and their delivery log; events raised on either are delivered once, by either, to a
local receiver that checks every signature with Python's hmac.
Skips (exit 0, "SKIPPED") when redis-server is not installed.
"""
import base64
import http.server
import os
import subprocess
import sys
import tempfile
import json
import threading

from harness import Partner, partner, standard_webhooks_ok, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "redis", "redis_fixture.sh")
state = os.path.join(tempfile.mkdtemp(prefix="tessera-fleet-"), "redis.state")
subprocess.run(["sh", FIXTURE, "start", state], check=True)
values = dict(line.split("=", 1) for line in open(state).read().split() if "=" in line)
if "port" not in values:
    print("SKIPPED: redis-server is not installed (" + values.get("unavailable", "?") + ")")
    sys.exit(0)

# One deployment: the instances share their secrets through the environment.
os.environ["TESSERA_JWT_SECRET"] = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
os.environ["TESSERA_API_KEY_PEPPER"] = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
os.environ["TESSERA_WEBHOOK_KEK"] = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
redis_args = ["--redis", "127.0.0.1:" + values["port"], "--allow-loopback-webhooks"]


class Receiver(http.server.BaseHTTPRequestHandler):
    """A subscriber's endpoint on loopback: records every delivery and answers 200."""
    received = []
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with Receiver.lock:
            Receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=receiver.serve_forever, daemon=True).start()
RECV = f"http://127.0.0.1:{receiver.server_address[1]}/hooks"


a = partner("fleet: instance A", redis_args)
b = Partner("fleet: instance B", a.proc.args[0], redis_args, a.transcript)
for s in (os.environ["TESSERA_JWT_SECRET"], os.environ["TESSERA_API_KEY_PEPPER"], os.environ["TESSERA_WEBHOOK_KEK"]):
    a.secret(s)
    b.secret(s)
ADMIN_A = [("ApiKey", a.admin_key)]
ADMIN_B = [("ApiKey", b.admin_key)]

try:
    made = a.check("A: admin creates a key for org_a", a.send("POST", "/admin/orgs/org_a/api-keys", ADMIN_A,
                                                             json_body={"scopes": ["orders:read", "orders:write", "webhooks:manage"]}), 201)
    key_id, key = made.json["key_id"], made.json["api_key"]
    for p in (a, b):
        p.secret(key)
    t = b.check("B: exchanges the key A made", b.send("POST", "/auth/token", [("ApiKey", key)]), 200)
    token = t.json["access_token"]
    for p in (a, b):
        p.secret(token)
    bearer = [("Authorization", "Bearer " + token)]
    a.check("A: accepts the token B minted", a.send("GET", "/v2/orgs/org_a/orders", bearer), 200)

    # Idempotency across instances: the retry lands on the other instance and gets the stored answer.
    order = {"items": [{"sku": "sku-9", "qty": 1}], "external_reference": "po-fleet-1"}
    first = a.check("A: creates an order (po-fleet-1)", a.send("POST", "/v2/orgs/org_a/orders", bearer, json_body=order), 201)
    b.check("B: the retry gets A's answer, not a second order", b.send("POST", "/v2/orgs/org_a/orders", bearer, json_body=order), 201,
            expect=lambda r: r.json == first.json and r.header("Idempotent-Replayed") == "true")
    b.check("B: po-fleet-1 with another body", b.send("POST", "/v2/orgs/org_a/orders", bearer,
                                                     json_body={"items": [], "external_reference": "po-fleet-1"}), 422,
            "idempotency_key_reused")

    # 20 simultaneous retries of one create, spread over both instances: one order in all.
    answers = []
    def retry(p):
        answers.append(p.send("POST", "/v2/orgs/org_a/orders", bearer + [("Idempotency-Key", "burst-1")], json_body={"items": []}))
    threads = [threading.Thread(target=retry, args=(a if i % 2 else b,)) for i in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    ids = {r.json.get("order_id") for r in answers if r.status == 201}
    statuses = sorted(r.status for r in answers)
    a.checks += 1
    if len(ids) != 1 or any(s not in (201, 409) for s in statuses):
        a.failures.append(f"20 retries over two instances: order ids {ids}, statuses {statuses}")
    a.say(f"  {'ok ' if len(ids) == 1 else 'FAIL'} 20 simultaneous retries over A and B made one order"
          f" ({statuses.count(201)} answered 201, {statuses.count(409)} in flight 409)")

    # Webhooks: subscribed on A, raised on both, delivered once each by either, logged for both.
    made = a.check("A: subscribes an endpoint to order.created", a.send("POST", "/v2/orgs/org_a/webhooks", bearer,
                                                                       json_body={"url": RECV, "event_types": ["order.created"]}), 201)
    sub, whsec = made.json["id"], made.json["secret"]
    for p in (a, b):
        p.secret(whsec)
    b.check("B: reads A's subscription", b.send("GET", f"/v2/orgs/org_a/webhooks/{sub}/deliveries", bearer), 200,
            expect=lambda r: r.json["subscription"]["id"] == sub and r.json["subscription"]["active"] is True)
    for i in range(10):
        p = a if i % 2 else b
        p.check(f"{'A' if i % 2 else 'B'}: creates order po-hook-{i}", p.send("POST", "/v2/orgs/org_a/orders", bearer,
                json_body={"items": [{"sku": "sku-1", "qty": 1}], "external_reference": f"po-hook-{i}"}), 201)
    wait_until(lambda: len({h["webhook-id"] for h, _ in Receiver.received}) >= 10)
    with Receiver.lock:
        got = list(Receiver.received)
    ids = [h["webhook-id"] for h, _ in got]
    bad = [h["webhook-id"] for h, body in got if not standard_webhooks_ok(whsec, h, body)]
    refs = sorted(json.loads(body)["external_reference"] for _, body in got)
    ok = len(ids) == 10 and len(set(ids)) == 10 and not bad and refs == sorted(f"po-hook-{i}" for i in range(10))
    a.checks += 1
    if not ok:
        a.failures.append(f"fleet deliveries: {len(ids)} received, {len(set(ids))} distinct, bad signatures {bad}")
    a.say(f"  {'ok ' if ok else 'FAIL'} 10 orders over A and B: {len(ids)} deliveries, each event once,"
          " every signature checked with Python's hmac")
    b.check("B: the delivery log of A's subscription", b.send("GET", f"/v2/orgs/org_a/webhooks/{sub}/deliveries", bearer), 200,
            expect=lambda r: sum(1 for e in r.json["deliveries"] if e["state"] == "delivered") == 10)

    # Revocation on one instance reaches the other on its next call.
    b.check("B: admin revokes the key", b.send("DELETE", f"/admin/api-keys/{key_id}", ADMIN_B), 200)
    a.check("A: the key's token, next call", a.send("GET", "/v2/orgs/org_a/orders", bearer), 401, "token_revoked")
    a.check("A: the key itself", a.send("POST", "/auth/token", [("ApiKey", key)]), 401, "api_key_revoked")
finally:
    receiver.shutdown()
    rc = max(a.finish(), b.finish())
    subprocess.run(["sh", FIXTURE, "stop", state], check=False)
sys.exit(rc)
