"""End-to-end suite for the signed partner orders reference server (examples/servers/signed_orders):
orders signed with RFC 9421 HTTP Message Signatures (and RFC 9530 Content-Digest) instead of
X-SIGNATURE, interoperating both ways with an independent implementation, the npm package
http-message-signatures (tests/package.json, run by tests/e2e/httpsig_peer.js on Node 20):
  - the package signs orders that the server verifies: valid ones accepted, and each refusal with its
    status and error name (a tampered body, a component the policy requires left uncovered, an old,
    future or expired signature, a missing or replayed nonce, a wrong or unknown key, an alg that
    disagrees with the key, another partner's key id);
  - tessera signs (examples/servers/signed_orders/sign_request.cpp, httpsig::signer) and the package
    verifies, tampered copies included; the same requests then go to the server.
Three partners, one algorithm each: rsa-v1_5-sha256 (the model's RSA key), ed25519 and
ecdsa-p256-sha256, each registered through the admin API as the X-SIGNATURE keys are.
Skips (exit 0, "SKIPPED") without Node.js or tests/node_modules/http-message-signatures.
"""
import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "httpsig_peer.js")
PACKAGE = os.path.join(HERE, "..", "node_modules", "http-message-signatures", "package.json")

pre = argparse.ArgumentParser(add_help=False)
pre.add_argument("--signer", required=True, help="the tessera-signed_orders-sign executable")
pre.add_argument("--node", default=None, help="Node.js (default: node on PATH)")
args, rest = pre.parse_known_args()
sys.argv = [sys.argv[0], *rest]
node = args.node or shutil.which("node")
if not node or not os.path.exists(node):
    print("SKIPPED: Node.js is not installed (the npm interop peer needs it)")
    sys.exit(0)
if not os.path.exists(PACKAGE):
    print("SKIPPED: tests/node_modules/http-message-signatures is missing (scripts/install-deps runs npm ci)")
    sys.exit(0)

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa  # noqa: E402

from harness import partner  # noqa: E402

p = partner("signed partner orders, RFC 9421 interop with http-message-signatures")
ADMIN = [("ApiKey", p.admin_key)]
BASE = f"http://127.0.0.1:{p.port}"
AUTHORITY = f"127.0.0.1:{p.port}"
REQUIRED = ["@method", "@path", "@authority"]


def private_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def digest(body):
    """RFC 9530 Content-Digest, sha-256, of the body bytes."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + ":"


def expect(label, ok, detail=""):
    """A check that is not an HTTP answer (what the npm peer or the signer said)."""
    p.checks += 1
    p.say(f"  {'ok ' if ok else 'FAIL'} {label:<58} {detail}")
    if not ok:
        p.failures.append(f"{label}: {detail}")
        if not p.transcript:
            print(f"FAIL {label}: {detail}", file=sys.stderr)


class Client:
    """A registered partner: its key, the RFC 9421 algorithm its key makes, and a token."""

    def __init__(self, name, key, scheme, alg):
        self.key, self.alg = key, alg
        a = p.check(f"admin registers {name} ({alg})",
                    p.send("POST", "/admin/partners", ADMIN,
                           json_body={"name": name, "public_key_pem": public_pem(key), "algorithm": scheme}), 201)
        self.id, self.secret = a.json["client_id"], p.secret(a.json["client_secret"])
        self.token = self.login(f"{name} logs in")

    def login(self, label):
        a = p.check(label, p.send("POST", "/api/v1/auth/login", json_body={"client_id": self.id, "client_secret": self.secret}), 200)
        return p.secret(a.json["token"])


alice = Client("Alice Foods", rsa.generate_private_key(public_exponent=65537, key_size=2048), "rsa_pkcs1_sha256", "rsa-v1_5-sha256")
bob = Client("Bob Retail", rsa.generate_private_key(public_exponent=65537, key_size=2048), "rsa_pkcs1_sha256", "rsa-v1_5-sha256")
carol = Client("Carol Imports", ed25519.Ed25519PrivateKey.generate(), "ed25519", "ed25519")
dave = Client("Dave Wholesale", ec.generate_private_key(ec.SECP256R1()), "ecdsa_p256_sha256", "ecdsa-p256-sha256")
stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # nobody registered it
p.check("a key with an unknown algorithm name", p.send("POST", "/admin/partners", ADMIN, json_body={
    "name": "Eve", "public_key_pem": public_pem(carol.key), "algorithm": "EdDSA"}), 400, "invalid_argument")
p.check("an Ed25519 key registered as RSA", p.send("POST", "/admin/partners", ADMIN, json_body={
    "name": "Eve", "public_key_pem": public_pem(carol.key)}), 400, "key_type_mismatch")

ORDER = json.dumps({"items": [{"sku": "A-1", "qty": 2}]}, separators=(",", ":"))


def send(req, headers, body=None, method=None, path=None):
    """Sends a signed request (headers a list of pairs) as it was signed, or altered."""
    return p.send(method or req["method"], path or req["target"], headers,
                  body=req.get("body") if body is None else body)


# ---- tessera signs: one run of the signer for every request -------------------------------------
def tessera_request(key_id, client, token, method="POST", target="/api/v1/orders", body=ORDER, **extra):
    req = {"keyid": key_id, "private_key_pem": private_pem(client.key), "algorithm": client.alg, "method": method,
           "target": target, "authority": AUTHORITY, "scheme": "http",
           "headers": [["Authorization", "Bearer " + token], ["Content-Type", "application/json"]],
           "components": ["@method", "@path", "@authority", "authorization"], **extra}
    if body is not None:
        req["body"] = body
    return req


tessera_plan = {
    "alice": tessera_request(alice.id, alice, alice.token),
    "carol": tessera_request(carol.id, carol, carol.token),
    "dave": tessera_request(dave.id, dave, dave.token),
    "carol_alg": tessera_request(carol.id, carol, carol.token, alg_parameter=True, label="order"),
}
run = subprocess.run([args.signer], input="".join(json.dumps(r) + "\n" for r in tessera_plan.values()),
                     capture_output=True, text=True, timeout=60)
lines = run.stdout.splitlines()
expect("tessera's signer answers every request", run.returncode == 0 and len(lines) == len(tessera_plan),
       f"rc={run.returncode}, {len(lines)} lines {run.stderr[-300:]}")
tessera_signed = {}
for (name, req), line in zip(tessera_plan.items(), lines):
    out = json.loads(line)
    headers = out.get("headers", [])
    tessera_signed[name] = (req, req["headers"] + headers)
    hd = dict((k.lower(), v) for k, v in headers)
    p.secret(hd.get("signature"))
    expect(f"tessera signs {name}: Content-Digest, Signature-Input, Signature",
           [k for k, _ in headers] == ["Content-Digest", "Signature-Input", "Signature"], out.get("error", line[:120]))
    expect(f"  its Content-Digest is the body's SHA-256 (RFC 9530)", hd.get("content-digest") == digest(req["body"]),
           hd.get("content-digest", ""))
    inp = hd.get("signature-input", "")
    expect("  covers @method @path @authority authorization content-digest; created, keyid, nonce",
           '("@method" "@path" "@authority" "authorization" "content-digest");created=' in inp
           and f';keyid="{req["keyid"]}"' in inp and ';nonce="' in inp, inp)

# ---- the package: one run that verifies tessera's signatures and signs the server's requests ----
now = int(time.time())


def npm_verify(id_, name, keyholder, **change):
    req, headers = tessera_signed[name]
    hdrs = dict(headers)
    hdrs.update(change.get("headers", {}))
    return {"id": id_, "public_key_pem": public_pem(keyholder.key), "alg": keyholder.alg, "keyid": req["keyid"],
            "method": req["method"], "url": BASE + change.get("target", req["target"]), "headers": hdrs,
            "required_fields": REQUIRED + ["content-digest"], "required_params": ["created", "keyid", "nonce"],
            "max_age": 300, "tolerance": 60}


verifications = [
    (npm_verify("alice", "alice", alice), True, "the package verifies tessera's rsa-v1_5-sha256 order"),
    (npm_verify("carol", "carol", carol), True, "the package verifies tessera's ed25519 order"),
    (npm_verify("dave", "dave", dave), True, "the package verifies tessera's ecdsa-p256-sha256 order"),
    (npm_verify("carol_alg", "carol_alg", carol), True, "  with an alg parameter and the label \"order\""),
    (npm_verify("path", "alice", alice, target="/api/v1/orders/ord-1"), False, "  refuses it with another path"),
    (npm_verify("digest", "carol", carol, headers={"Content-Digest": digest("{}")}), False, "  refuses it with another Content-Digest"),
    (npm_verify("token", "dave", dave, headers={"Authorization": "Bearer " + bob.token}), False, "  refuses it with another token"),
    (npm_verify("key", "alice", bob), False, "  refuses it under another key"),
]


def npm_sign(id_, who, signing_key=None, key_id=None, method="POST", target="/api/v1/orders", body=ORDER,
             fields=None, params=("created", "keyid", "nonce"), token=None, **values):
    """An order the package signs; values: created, expires, nonce (fresh unless given), alg."""
    headers = {"Authorization": "Bearer " + (token or who.token)}
    if body is not None:
        headers["Content-Type"] = "application/json"
        headers["Content-Digest"] = digest(body)
    if fields is None:
        fields = REQUIRED + ["authorization"] + (["content-digest"] if body is not None else [])
    values.setdefault("nonce", base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode())
    key = signing_key or who.key
    alg = who.alg if signing_key is None else ("rsa-v1_5-sha256" if isinstance(key, rsa.RSAPrivateKey) else who.alg)
    return {"id": id_, "private_key_pem": private_pem(key), "alg": alg, "keyid": key_id or who.id, "method": method,
            "url": BASE + target, "target": target, "body": body, "headers": headers, "fields": fields,
            "params": list(params), "values": values}


# Orders placed through tessera's signatures first, so that reads can name them.
placed = {}
for name in ("alice", "carol", "dave"):
    req, headers = tessera_signed[name]
    a = p.check(f"the server accepts tessera's {req['algorithm']} order", send(req, headers), 201,
                expect=lambda a: a.json["client_id"] == req["keyid"])
    placed[name] = a.json.get("order_id") if a.json else None
req, headers = tessera_signed["carol_alg"]
p.check("  and its order with an alg parameter, labelled \"order\"", send(req, headers), 201)
p.check("  the same order again: its nonce is spent", send(*tessera_signed["alice"]), 401, "replayed")

fixed_nonce = "order-42-attempt-1-" + base64.urlsafe_b64encode(os.urandom(6)).decode()
signing_plan = [
    npm_sign("alice", alice),
    npm_sign("carol", carol),
    npm_sign("dave", dave),
    npm_sign("alice_alg", alice, params=("created", "keyid", "alg", "nonce")),
    npm_sign("carol_read", carol, method="GET", target=f"/api/v1/orders/{placed['carol']}", body=None),
    npm_sign("carol_reads_alice", carol, method="GET", target=f"/api/v1/orders/{placed['alice']}", body=None),
    npm_sign("dave_expiring", dave, params=("created", "expires", "keyid", "nonce"), expires=now + 120),
    npm_sign("tampered_body", alice),
    npm_sign("tampered_both", carol),
    npm_sign("no_authority", alice, fields=["@method", "@path", "authorization", "content-digest"]),
    npm_sign("no_path", carol, fields=["@method", "@authority", "content-digest"]),
    npm_sign("body_uncovered", dave, fields=REQUIRED),
    npm_sign("old", alice, created=now - 3600),
    npm_sign("future", carol, created=now + 3600),
    npm_sign("expired", dave, params=("created", "expires", "keyid", "nonce"), created=now - 200, expires=now - 120),
    npm_sign("no_nonce", alice, params=("created", "keyid")),
    npm_sign("no_created", carol, params=("keyid", "nonce")),
    npm_sign("nonce_once", dave, nonce=fixed_nonce),
    npm_sign("nonce_again", dave, body=json.dumps({"items": []}), nonce=fixed_nonce),
    npm_sign("bobs_key", alice, signing_key=bob.key),
    npm_sign("strangers_key", alice, signing_key=stranger),
    npm_sign("bob_keyid", bob, token=alice.token),
    npm_sign("unknown_keyid", alice, key_id="partner_nobody"),
    npm_sign("alg_mismatch", alice, params=("created", "keyid", "alg", "nonce"), alg="rsa-pss-sha512"),
    npm_sign("token_swapped", alice),
    npm_sign("after_deactivation", carol),
]
run = subprocess.run([node, PEER], input=json.dumps({"sign": signing_plan, "verify": [v for v, _, _ in verifications]}),
                     capture_output=True, text=True, timeout=120, cwd=HERE)
expect("one run of the npm peer signs and verifies the batch", run.returncode == 0, run.stderr[-400:])
peer = json.loads(run.stdout) if run.returncode == 0 else {"signed": [], "verified": []}

verified = {v["id"]: v for v in peer["verified"]}
for item, want, label in verifications:
    got = verified.get(item["id"], {})
    expect(label, got.get("ok") is want, json.dumps(got))

signed = {}
for s in peer["signed"]:
    if "error" in s:
        expect(f"the package signs {s['id']}", False, s["error"])
        continue
    signed[s["id"]] = s["headers"]
    for k, v in s["headers"]:
        if k.lower() == "signature":
            p.secret(v)
plan = {s["id"]: s for s in signing_plan}


def npm_send(id_, **change):
    req = plan[id_]
    headers = [(k, v) for k, v in signed.get(id_, []) if k not in change.get("drop", ())]
    headers = [(k, change.get("headers", {}).get(k, v)) for k, v in headers]
    return p.send(req["method"], req["target"], headers, body=change.get("body", req["body"]))


# ---- the package signs, the server verifies -------------------------------------------------------
p.check("package-signed rsa-v1_5-sha256 order", npm_send("alice"), 201, expect=lambda a: a.json["client_id"] == alice.id)
p.check("package-signed ed25519 order", npm_send("carol"), 201, expect=lambda a: a.json["client_id"] == carol.id)
p.check("package-signed ecdsa-p256-sha256 order", npm_send("dave"), 201, expect=lambda a: a.json["client_id"] == dave.id)
p.check("package-signed order with an alg parameter that agrees", npm_send("alice_alg"), 201)
p.check("package-signed order with expires", npm_send("dave_expiring"), 201)
p.check("package-signed read of one's own order (no body, no digest)", npm_send("carol_read"), 200,
        expect=lambda a: a.json["order_id"] == placed["carol"])
p.check("package-signed read of another partner's order", npm_send("carol_reads_alice"), 403, "forbidden")

p.check("replayed: the same signed order again", npm_send("alice"), 401, "replayed")
p.check("a nonce used once", npm_send("nonce_once"), 201)
p.check("the same nonce on another order", npm_send("nonce_again"), 401, "replayed")
p.check("tampered body, digest as signed", npm_send("tampered_body", body=ORDER.replace("2", "20")), 401, "content_digest_mismatch")
p.check("tampered body and its digest recomputed", npm_send("tampered_both", body=ORDER.replace("2", "20"),
                                                             headers={"Content-Digest": digest(ORDER.replace("2", "20"))}),
        401, "bad_request_signature")
p.check("body without its Content-Digest (covered)", npm_send("tampered_both", drop=("Content-Digest",)), 400, "httpsig_missing_component")
p.check("@authority not covered", npm_send("no_authority"), 401, "httpsig_component_not_covered")
p.check("@path not covered", npm_send("no_path"), 401, "httpsig_component_not_covered")
p.check("a body not covered through content-digest", npm_send("body_uncovered"), 401, "httpsig_component_not_covered")
p.check("created an hour ago", npm_send("old"), 401, "stale_timestamp")
p.check("created an hour ahead", npm_send("future"), 401, "future_timestamp")
p.check("expires two minutes ago", npm_send("expired"), 401, "httpsig_expired")
p.check("no nonce", npm_send("no_nonce"), 401, "httpsig_missing_parameter")
p.check("no created", npm_send("no_created"), 401, "httpsig_missing_parameter")
p.check("Alice's key id, signed with Bob's key", npm_send("bobs_key"), 401, "bad_request_signature")
p.check("Alice's key id, signed with nobody's key", npm_send("strangers_key"), 401, "bad_request_signature")
p.check("Bob's key id and key with Alice's token", npm_send("bob_keyid"), 401, "client_mismatch")
p.check("an unknown key id", npm_send("unknown_keyid"), 401, "httpsig_unknown_key")
p.check("an alg that disagrees with the key", npm_send("alg_mismatch"), 401, "httpsig_alg_mismatch")
second_token = alice.login("Alice logs in again (a second token)")
p.check("a covered token swapped for another of the same partner", npm_send("token_swapped",
        headers={"Authorization": "Bearer " + second_token}), 401, "bad_request_signature",
        expect=lambda a: a.all("WWW-Authenticate") == ['Bearer realm="api"'])
p.check("Signature-Input without Signature", npm_send("alice", drop=("Signature",)), 401, "missing_signature")
p.check("the same order signed both ways (RFC 9421 decides)",
        p.send("POST", "/api/v1/orders", [*signed["alice"], ("X-CLIENT-ID", alice.id), ("X-TIMESTAMP", str(now)),
                                          ("X-SIGNATURE", "AAAA")], body=ORDER), 401, "replayed")
p.check("a malformed Signature-Input", npm_send("carol", headers={"Signature-Input": "sig=(@method"}), 400,
        "httpsig_malformed_signature_input")

# Deactivation stops a partner's RFC 9421 orders on the next call, as it stops X-SIGNATURE ones.
p.check("admin deactivates Carol", p.send("POST", f"/admin/partners/{carol.id}/deactivate", ADMIN), 200)
p.check("Carol's package-signed order after deactivation", npm_send("after_deactivation"), 401, "principal_deactivated")

sys.exit(p.finish())
