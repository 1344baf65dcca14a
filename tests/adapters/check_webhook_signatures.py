#!/usr/bin/env python3
"""Independent check of webhook signatures that tessera's dispatcher sent.

Usage: check_webhook_signatures.py <records.jsonl>

Each line is a JSON object {"scheme", "secret", "signature_header", "headers", "body"} written
by tests/adapters/webhook_delivery.test.cpp for one request its receiver got. Every signature is
recomputed here with the Python standard library only (hmac, hashlib, base64):

  standard_webhooks: webhook-signature holds "v1,<base64>" entries; the tag is
                     base64(HMAC-SHA256(base64decode(secret without "whsec_"), "id.timestamp.body"))
  timestamped:       <header> holds "t=<unix>,v1=<hex>"; the tag is hex(HMAC-SHA256(secret, "t.body"))
  body_only:         <header> holds "sha256=<hex>"; the tag is hex(HMAC-SHA256(secret, body))

Exits 0 when every record carries at least one valid signature, 1 otherwise.
"""
import base64
import hashlib
import hmac
import json
import sys


def header(headers, name):
    """The single value of a header (case-insensitive); None when absent or repeated."""
    values = [v for k, v in headers.items() if k.lower() == name.lower()]
    return values[0] if len(values) == 1 else None


def check_standard(rec):
    h = rec["headers"]
    msg_id, ts, sigs = header(h, "webhook-id"), header(h, "webhook-timestamp"), header(h, "webhook-signature")
    if not (msg_id and ts and sigs) or not ts.isdigit() or "." in msg_id:
        return False
    secret = rec["secret"]
    if not secret.startswith("whsec_"):
        return False
    key = base64.b64decode(secret[len("whsec_"):], validate=True)
    signed = msg_id.encode() + b"." + ts.encode() + b"." + rec["body"].encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(entry.startswith("v1,") and hmac.compare_digest(entry[3:], expected) for entry in sigs.split(" "))


def check_timestamped(rec):
    value = header(rec["headers"], rec["signature_header"])
    if not value:
        return False
    items = [i.strip() for i in value.split(",")]
    ts = [i[2:] for i in items if i.startswith("t=")]
    if len(ts) != 1 or not ts[0].isdigit():
        return False
    signed = ts[0].encode() + b"." + rec["body"].encode()
    expected = hmac.new(rec["secret"].encode(), signed, hashlib.sha256).hexdigest()
    return any(i.startswith("v1=") and hmac.compare_digest(i[3:], expected) for i in items)


def check_body_only(rec):
    value = header(rec["headers"], rec["signature_header"])
    if not value:
        return False
    expected = hmac.new(rec["secret"].encode(), rec["body"].encode(), hashlib.sha256).hexdigest()
    return any(i.strip().startswith("sha256=") and hmac.compare_digest(i.strip()[7:], expected)
               for i in value.split(","))


CHECKS = {"standard_webhooks": check_standard, "timestamped": check_timestamped, "body_only": check_body_only}


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ok = bad = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            check = CHECKS.get(rec.get("scheme"))
            if check is not None and check(rec):
                ok += 1
            else:
                bad += 1
                print(f"record {n}: signature does not verify ({rec.get('scheme')})", file=sys.stderr)
    print(f"{ok} signatures verified, {bad} failed")
    return 0 if bad == 0 and ok > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
