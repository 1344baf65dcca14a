"""End-to-end suite for the signed partner orders reference server (examples/servers/signed_orders),
driven as a partner would: its own RSA key (python3-cryptography), login, refresh, and orders signed
with X-SIGNATURE = base64(SHA256withRSA(client_id + "|" + X-TIMESTAMP)), X-TIMESTAMP in unix seconds.
"""
import base64
import sys
import threading
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from harness import partner

p = partner("signed partner orders")
ADMIN = [("ApiKey", p.admin_key)]


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def signed(client_id, key, token, ts=None, signature=None):
    """The order headers: Bearer token, X-CLIENT-ID, X-TIMESTAMP, X-SIGNATURE."""
    ts = str(int(time.time())) if ts is None else ts
    if signature is None:
        signature = base64.b64encode(key.sign(f"{client_id}|{ts}".encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
    p.secret(signature)
    return [("Authorization", "Bearer " + token), ("X-CLIENT-ID", client_id), ("X-TIMESTAMP", ts),
            ("X-SIGNATURE", signature)]


def register(name, key):
    a = p.check(f"admin registers {name} (secret shown once)",
                p.send("POST", "/admin/partners", ADMIN, json_body={"name": name, "public_key_pem": pem(key)}), 201,
                expect=lambda a: a.json["client_id"].startswith("partner_") and len(a.json["client_secret"]) >= 32)
    return a.json["client_id"], p.secret(a.json["client_secret"])


def login(client_id, secret, label="login", status=200, error=None):
    a = p.check(label, p.send("POST", "/api/v1/auth/login", json_body={"client_id": client_id, "client_secret": secret}),
                status, error, expect=(lambda a: isinstance(a.json.get("expired_at"), int)
                                       and a.json["expired_at"] - time.time() > 11 * 3600) if status == 200 else None)
    return p.secret(a.json["token"]) if status == 200 else None


def challenge(a):
    return a.all("WWW-Authenticate")


key_a, key_b = new_key(), new_key()
alice, alice_secret = register("Alice Foods", key_a)
bob, bob_secret = register("Bob Retail", key_b)

# Logins: the model's body and its {"token","expired_at"} answer, expired_at in unix seconds.
token = login(alice, alice_secret, "login: {token, expired_at as unix seconds}, 12 hours")
bob_token = login(bob, bob_secret, "login of a second partner")
login(alice, "wrong-secret", "login with a wrong secret", 401, "invalid_credentials")
login("partner_unknown", alice_secret, "login of an unknown client (same answer)", 401, "invalid_credentials")
p.check("login without client_secret", p.send("POST", "/api/v1/auth/login", json_body={"client_id": alice}), 400, "missing_field")
p.check("login body that is not JSON", p.send("POST", "/api/v1/auth/login", body="client_id=x"), 400, "missing_field")

# Six simultaneous logins queue for the slow hash; none is refused.
results = []
threads = [threading.Thread(target=lambda: results.append(
    p.send("POST", "/api/v1/auth/login", json_body={"client_id": alice, "client_secret": alice_secret}).status)) for _ in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
p.checks += 1
if results.count(200) != 6:
    p.failures.append(f"six simultaneous logins: {results}")
p.say(f"  {'ok ' if results.count(200) == 6 else 'FAIL'} six simultaneous logins all answered 200{'':<23} {results}")

# Orders: token and signature by the same client.
order = {"items": [{"sku": "A-1", "qty": 2}]}
first = p.check("order signed over client_id|X-TIMESTAMP", p.send("POST", "/api/v1/orders", signed(alice, key_a, token), json_body=order), 201)
ts = str(int(time.time()))
p.check("two different orders in the same second", p.send("POST", "/api/v1/orders", signed(alice, key_a, token, ts), json_body=order), 201)
p.check("  (the second of that second)", p.send("POST", "/api/v1/orders", signed(alice, key_a, token, ts), json_body={"items": []}), 201)
order_id = first.json["order_id"]
p.check("read own order", p.send("GET", f"/api/v1/orders/{order_id}", signed(alice, key_a, token)), 200,
        expect=lambda a: a.json["client_id"] == alice)
p.check("read another partner's order", p.send("GET", f"/api/v1/orders/{order_id}", signed(bob, key_b, bob_token)), 403, "forbidden")
p.check("read an unknown order", p.send("GET", "/api/v1/orders/ord-999999", signed(alice, key_a, token)), 404, "route_not_found")

# Every failure of the signed credential is a 401, and only a bad token says invalid_token.
h = signed(alice, key_a, token)
a = p.check("order without X-SIGNATURE", p.send("POST", "/api/v1/orders", h[:3], json_body=order), 401, "missing_signature",
            expect=lambda a: challenge(a) == ['Bearer realm="api"'])
p.check("order without X-TIMESTAMP", p.send("POST", "/api/v1/orders", [h[0], h[1], h[3]], json_body=order), 401, "missing_signature")
p.check("order without X-CLIENT-ID", p.send("POST", "/api/v1/orders", [h[0], h[2], h[3]], json_body=order), 401, "missing_signature")
bad = base64.b64encode(b"\x01" * 256).decode()
p.check("order with a signature by nobody's key", p.send("POST", "/api/v1/orders", signed(alice, key_a, token, signature=bad), json_body=order),
        401, "bad_request_signature", expect=lambda a: challenge(a) == ['Bearer realm="api"'])
p.check("order signed with another partner's key", p.send("POST", "/api/v1/orders", signed(alice, key_b, token), json_body=order),
        401, "bad_request_signature")
p.check("order with an ISO-8601 X-TIMESTAMP (server takes unix seconds)",
        p.send("POST", "/api/v1/orders", signed(alice, key_a, token, "2026-01-01T00:00:00+07:00"), json_body=order), 401, "malformed_signature")
p.check("order signed an hour ago", p.send("POST", "/api/v1/orders", signed(alice, key_a, token, str(int(time.time()) - 3600)), json_body=order),
        401, "stale_timestamp")
p.check("order signed an hour ahead", p.send("POST", "/api/v1/orders", signed(alice, key_a, token, str(int(time.time()) + 3600)), json_body=order),
        401, "future_timestamp")
p.check("Bob's token with Alice's signature (client id not bound)", p.send("POST", "/api/v1/orders", signed(alice, key_a, bob_token), json_body=order),
        401, "client_mismatch")
p.check("order without any credential", p.send("POST", "/api/v1/orders", [], json_body=order), 401, "missing_credentials",
        expect=lambda a: challenge(a) == ['Bearer realm="api"'])
p.check("token without the Bearer prefix", p.send("POST", "/api/v1/orders", [("Authorization", token)] + h[1:], json_body=order),
        401, "malformed_credentials", expect=lambda a: challenge(a) == ['Bearer realm="api", error="invalid_token"'])
forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
p.check("a forged token", p.send("POST", "/api/v1/orders", signed(alice, key_a, forged), json_body=order), 401, "bad_signature",
        expect=lambda a: challenge(a) == ['Bearer realm="api", error="invalid_token"'])
p.check("two Authorization header lines", p.send("POST", "/api/v1/orders", [h[0], ("Authorization", "Bearer x")] + h[1:], json_body=order),
        401, "malformed_credentials")
p.check("order body that is not JSON", p.send("POST", "/api/v1/orders", signed(alice, key_a, token), body="{"), 400, "malformed_request")
p.check("a path the server does not have: JSON 404", p.send("GET", "/api/v1/nothing"), 404, "route_not_found")

# Refresh without credentials, once per token.
a = p.check("refresh the token", p.send("POST", "/api/v1/auth/refresh", [("Authorization", "Bearer " + token)]), 200,
            expect=lambda a: a.json["token"] != token and isinstance(a.json["expired_at"], int))
renewed = p.secret(a.json["token"])
p.check("refresh the same token again", p.send("POST", "/api/v1/auth/refresh", [("Authorization", "Bearer " + token)]), 401, "refresh_already_used")
p.check("refresh without a token", p.send("POST", "/api/v1/auth/refresh"), 401, "missing_credentials")
p.check("order with the renewed token", p.send("POST", "/api/v1/orders", signed(alice, key_a, renewed), json_body=order), 201)

# Key rotation: a second key verifies alongside, then the first is withdrawn.
key_a2 = new_key()
p.check("admin adds Alice's next key", p.send("POST", f"/admin/partners/{alice}/keys", ADMIN,
                                              json_body={"key_id": "key-2", "public_key_pem": pem(key_a2)}), 201)
p.check("order signed with the new key", p.send("POST", "/api/v1/orders", signed(alice, key_a2, renewed), json_body=order), 201)
p.check("admin withdraws the old key", p.send("DELETE", f"/admin/partners/{alice}/keys/key-1", ADMIN), 200)
p.check("order signed with the withdrawn key", p.send("POST", "/api/v1/orders", signed(alice, key_a, renewed), json_body=order),
        401, "bad_request_signature")
p.check("a key that is not a public key", p.send("POST", f"/admin/partners/{alice}/keys", ADMIN,
                                                 json_body={"key_id": "key-3", "public_key_pem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}),
        400, "invalid_key")

# Deactivation stops logins, refreshes, tokens and signatures on the next call.
p.check("admin deactivates Alice", p.send("POST", f"/admin/partners/{alice}/deactivate", ADMIN), 200)
p.check("Alice's unexpired token, next call", p.send("POST", "/api/v1/orders", signed(alice, key_a2, renewed), json_body=order),
        401, "principal_deactivated")
login(alice, alice_secret, "Alice logs in again", 401, "client_deactivated")
p.check("Alice refreshes", p.send("POST", "/api/v1/auth/refresh", [("Authorization", "Bearer " + renewed)]), 401, "principal_deactivated")
p.check("Bob is not affected", p.send("POST", "/api/v1/orders", signed(bob, key_b, bob_token), json_body=order), 201)
p.check("admin reactivates Alice", p.send("POST", f"/admin/partners/{alice}/reactivate", ADMIN), 200)
p.check("a token from before the deactivation stays dead", p.send("POST", "/api/v1/orders", signed(alice, key_a2, renewed), json_body=order),
        401, "token_revoked")
time.sleep(1.1)  # tokens carry whole seconds: a new one must be issued after the deactivation's second
fresh = login(alice, alice_secret, "Alice logs in after reactivation")
p.check("order with the fresh token", p.send("POST", "/api/v1/orders", signed(alice, key_a2, fresh), json_body=order), 201)

# The admin surface takes its API key only.
p.check("admin call without a key", p.send("POST", "/admin/partners", json_body={}), 401, "missing_credentials",
        expect=lambda a: challenge(a) == ['ApiKey realm="api"'])
p.check("admin call with a partner token", p.send("POST", "/admin/partners", [("Authorization", "Bearer " + fresh)], json_body={}),
        401, "missing_credentials")
p.check("admin call with a junk key", p.send("POST", "/admin/partners", [("ApiKey", "adm_live_junk")], json_body={}), 401)

sys.exit(p.finish())
