#!/usr/bin/env python3
"""Tests of the tessera command line, run through the built program.

  cli_test.py --tessera PATH --part cli      every subcommand's happy path and refusals, the
                                             terminal guard, and that no secret reaches any output
  cli_test.py --tessera PATH --part interop  the openssl command line (keys, SHA256withRSA,
                                             RSA-PSS, Ed25519, HMAC) and PyJWT / cryptography
                                             (tokens both ways)

Exit status 0 when every check passed, 1 otherwise, 77 when the part cannot run here.
"""

import argparse
import base64
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

ARGS = None
FAILURES = []
CHECKS = 0
# (label, stdout + stderr) of every run that was given a secret; searched for the secrets at the end.
TRANSCRIPTS = []
# (name, text) of every secret the runs were given, in every printable form.
SECRET_FORMS = []


def redact(text):
    """The text with every registered secret form replaced by the secret's name, so that a failure
    message (which may quote a command line or an output) never shows a secret."""
    for name, form in SECRET_FORMS:
        text = text.replace(form, "<" + name + ">")
    return text


def check(cond, what):
    """Counts one check; records a failure with its description, secrets redacted."""
    global CHECKS
    CHECKS += 1
    if not cond:
        what = redact(what)
        FAILURES.append(what)
        print("FAIL: " + what, flush=True)
    return cond


def run(args, stdin=None, env=None, expect=0, secret=False, label=None):
    """Runs tessera with args; checks the exit code; returns (stdout, stderr) as text."""
    full_env = dict(os.environ)
    full_env.pop("TESSERA_TEST_SECRET", None)
    if env:
        full_env.update(env)
    if isinstance(stdin, str):
        stdin = stdin.encode()
    p = subprocess.run([ARGS.tessera] + args, input=stdin if stdin is not None else b"", env=full_env,
                       capture_output=True, cwd=ARGS.work, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    name = label or " ".join(args[:3])
    if secret:
        TRANSCRIPTS.append((name + " [" + " ".join(args) + "]", out + err))
    if expect is not None:
        check(p.returncode == expect, "%s: exit %d, expected %d\n  stdout: %s\n  stderr: %s" %
              (name, p.returncode, expect, out[:800], err[:800]))
    return out, err


def run_tty(args):
    """Runs tessera with stdout on a pseudo-terminal; returns (exit code, what reached the terminal, stderr)."""
    master, slave = pty.openpty()
    p = subprocess.run([ARGS.tessera] + args, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE,
                       cwd=ARGS.work, timeout=60)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    return p.returncode, seen.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def path(name):
    """A path in the work directory."""
    return os.path.join(ARGS.work, name)


def write(name, data):
    """Writes a file in the work directory (text or bytes) and returns its path."""
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path(name), mode) as f:
        f.write(data)
    return path(name)


def read(name):
    """Reads a text file of the work directory."""
    with open(path(name)) as f:
        return f.read()


def b64url(b):
    """Unpadded base64url text of bytes."""
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def remember_secret(name, raw=None, text=None):
    """Registers a secret (its bytes and/or its text) in every form an output could leak it in."""
    forms = []
    if text:
        forms.append(text)
    if raw:
        forms += [raw.hex(), raw.hex().upper(), base64.b64encode(raw).decode(), base64.b64encode(raw).decode().rstrip("="),
                  b64url(raw)]
        try:
            forms.append(raw.decode("ascii"))
        except UnicodeDecodeError:
            pass
    for f in forms:
        if len(f) >= 16:
            SECRET_FORMS.append((name, f))


def headers_of(text):
    """Parses "Name: value" lines into a dict."""
    out = {}
    for line in text.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def load_json(text, what):
    """Parses JSON output, recording a failure when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        check(False, what + ": output is not JSON: " + text[:300])
        return {}


# ---------------------------------------------------------------------------------------------
# part cli
# ---------------------------------------------------------------------------------------------

SUBCOMMANDS = [["keygen"], ["jwk"], ["pem"], ["jwt"], ["jwt", "sign"], ["jwt", "verify"], ["jwt", "inspect"],
               ["webhook"], ["webhook", "sign"], ["webhook", "verify"], ["request"], ["request", "sign"],
               ["request", "verify"], ["apikey"], ["apikey", "new"], ["apikey", "check"], ["secret"],
               ["secret", "hash"], ["secret", "verify"], ["bench"]]


def test_help():
    """Every subcommand has --help with an example and the exit codes; usage errors exit 2."""
    out, _ = run(["--help"])
    check("Exit codes" in out and "3  bad input" in out and "1  verification failed" in out, "root --help lists the exit codes")
    for sub in SUBCOMMANDS:
        out, _ = run(sub + ["--help"], label=" ".join(sub) + " --help")
        check("Example" in out, " ".join(sub) + " --help has an example")
        check("Exit codes: 0 ok, 1 verification failed, 2 usage, 3 bad input." in out, " ".join(sub) + " --help has the exit codes")
    out, _ = run(["request", "sign", "--help"])
    check("rfc9421" in out and "not implemented" in out, "request sign --help says rfc9421 is not implemented")
    run(["frobnicate"], expect=2)
    run([], expect=2)
    run(["jwt"], expect=2)
    run(["keygen", "dsa"], expect=2)
    run(["--version"])


def test_keys():
    """keygen, jwk and pem: formats, round trips, files and their modes."""
    out, _ = run(["keygen", "rsa", "--out", "k_rsa.key"])
    check(out.startswith("-----BEGIN PUBLIC KEY-----"), "keygen --out prints the public key")
    check(oct(os.stat(path("k_rsa.key")).st_mode & 0o777) == "0o600", "keygen --out writes the key with mode 0600")
    check(read("k_rsa.key").startswith("-----BEGIN PRIVATE KEY-----"), "keygen writes PKCS#8 PEM")
    private_lines = [l for l in read("k_rsa.key").splitlines() if not l.startswith("-----")]
    check(not any(l in out for l in private_lines), "keygen --out prints no private key material")
    out2, _ = run(["pem", "k_rsa.key"])
    check(out2 == out, "pem of the private key prints the same public key")
    run(["keygen", "rsa", "--out", "k_rsa.key"], expect=2, label="keygen over an existing file")
    run(["keygen", "rsa", "--out", "k_rsa.key", "--force"], label="keygen --force over an existing file")
    for t, extra, name in [("ec", [], "k_ec0.key"), ("ec", ["--curve", "P-384"], "k_ec1.key"),
                           ("ec", ["--curve", "P-521"], "k_ec2.key"), ("ed25519", [], "k_ed250.key")]:
        out, _ = run(["keygen", t] + extra + ["--out", name])
        check("PUBLIC KEY" in out, "keygen %s %s" % (t, extra))
    run(["keygen", "rsa", "--bits", "1024"], expect=2)
    run(["keygen", "ec", "--curve", "secp256k1"], expect=2)
    # JWK and JWKS output, and the round trip back to PEM.
    run(["keygen", "ec", "--jwks", "--kid", "k1", "--out", "k1.jwks", "--public-out", "k1.pub.jwks"])
    pub = load_json(read("k1.pub.jwks"), "keygen --jwks --public-out")
    check(pub.get("keys", [{}])[0].get("kid") == "k1" and "d" not in pub["keys"][0], "the public JWKS has the kid and no d")
    priv = load_json(read("k1.jwks"), "keygen --jwks --out")
    check("d" in priv.get("keys", [{}])[0], "the private JWKS has d")
    a, _ = run(["pem", "k1.jwks"])
    b, _ = run(["pem", "k1.pub.jwks"])
    check(a == b and "PUBLIC KEY" in a, "pem of the private and public JWKS agree")
    write("k1.priv.pem", run(["pem", "k1.jwks", "--private"])[0])
    c, _ = run(["pem", "k1.priv.pem"])
    check(c == a, "private JWK -> PKCS#8 PEM -> public PEM round trip")
    for key in ["k_rsa.key", "k_ec0.key", "k_ec2.key", "k_ed250.key"]:
        jwk_priv, _ = run(["jwk", key, "--private"])
        write(key + ".jwk", jwk_priv)
        j = load_json(jwk_priv, "jwk --private " + key)
        check("d" in j and j.get("use") == "sig", "jwk --private of %s has d" % key)
        p1, _ = run(["pem", key])
        p2, _ = run(["pem", key + ".jwk"])
        check(p1 == p2, "jwk --private of %s converts back to the same public key" % key)
        jwk_pub, _ = run(["jwk", key, "--alg", {"k_rsa.key": "PS256", "k_ec0.key": "ES256", "k_ec2.key": "ES512",
                                                "k_ed250.key": "EdDSA"}[key]])
        j = load_json(jwk_pub, "jwk " + key)
        check("d" not in j and "kid" in j and "alg" in j, "jwk of %s is public with kid and alg" % key)
    run(["jwk", "k_rsa.key", "--alg", "ES256"], expect=2, label="jwk --alg that does not fit the key")
    run(["jwk", "k_ec1.key", "--alg", "ES512"], expect=2, label="jwk --alg ES512 for a P-384 key")
    j = load_json(run(["jwk", "k_ec2.key", "--alg", "ES512"])[0], "jwk k_ec2.key")
    check(j.get("crv") == "P-521" and j.get("alg") == "ES512" and len(j.get("x", "")) == 88 and len(j.get("y", "")) == 88,
          "the JWK of a P-521 key names P-521 and ES512, with 66-byte coordinates")
    j = load_json(run(["keygen", "ec", "--curve", "P-521", "--jwk"])[0], "keygen ec --curve P-521 --jwk")
    check(j.get("alg") == "ES512" and len(j.get("d", "")) == 88, "keygen of a P-521 JWK writes ES512 and a 66-byte d")
    run(["jwk", "k1.pub.jwks", "--private"], expect=3, label="jwk --private of a public key")
    run(["pem", "missing.pem"], expect=3)
    write("garbage.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    _, err = run(["pem", "garbage.pem"], expect=3)
    check("invalid_key" in err or "unsupported" in err, "a broken PEM is reported by its errc")
    # HMAC secrets.
    run(["keygen", "hmac", "--out", "h.secret"])
    check(re.fullmatch(r"[A-Za-z0-9_-]{43}\n", read("h.secret")) is not None, "keygen hmac writes 32 bytes of base64url")
    run(["keygen", "hmac", "--alg", "HS512", "--jwk", "--kid", "h5", "--out", "h5.jwk"])
    j = load_json(read("h5.jwk"), "keygen hmac --jwk")
    check(j.get("kty") == "oct" and j.get("alg") == "HS512" and len(base64.urlsafe_b64decode(j["k"] + "==")) == 64,
          "keygen hmac --alg HS512 --jwk: an oct JWK of 64 bytes")
    run(["keygen", "hmac", "--bytes", "16"], expect=2, label="keygen hmac shorter than the hash")
    run(["jwk", "h.secret"], expect=3, label="jwk of an HMAC secret")
    out, _ = run(["--json", "keygen", "ed25519", "--out", "k_json.key"])
    j = load_json(out, "--json keygen")
    check(j.get("key_type") == "Ed25519" and j.get("private_key_file") == "k_json.key" and "PUBLIC KEY" in j.get("public_key", ""),
          "--json keygen describes the key and names the file")


def test_terminal_guard():
    """Private keys and secrets are not written to a terminal unless --force."""
    for args in (["keygen", "rsa"], ["keygen", "ed25519", "--jwk"], ["keygen", "hmac"], ["pem", "k_rsa.key", "--private"],
                 ["jwk", "k_rsa.key", "--private"], ["--json", "keygen", "ec"]):
        rc, seen, err = run_tty(args)
        check(rc == 2 and "PRIVATE" not in seen and '"d"' not in seen and "terminal" in err,
              "%s refuses to write to a terminal (exit %d)" % (" ".join(args), rc))
    rc, seen, _ = run_tty(["keygen", "ed25519", "--force"])
    check(rc == 0 and "PRIVATE KEY" in seen, "keygen --force writes to a terminal")
    rc, seen, _ = run_tty(["pem", "k_rsa.key"])
    check(rc == 0 and "PUBLIC KEY" in seen, "a public key is written to a terminal")


def test_jwt():
    """jwt sign / verify / inspect: happy paths, every refusal named with its HTTP status."""
    base = ["--key", "h.secret"]
    rules = ["--iss", "https://auth.example.com", "--aud", "orders-api"]
    tok, _ = run(["jwt", "sign"] + base + ["--iss", "https://auth.example.com", "--aud", "orders-api", "--sub", "client-4711",
                                           "--claim", "org_id=org_8f3a", "--claim-json", 'roles=["admin"]', "--exp", "10m"])
    tok = tok.strip()
    check(tok.count(".") == 2, "jwt sign prints a compact token")
    out, _ = run(["jwt", "verify"] + base + rules, stdin=tok)
    check(out.startswith("VALID  HS256") and "org_8f3a" in out and "expires in" in out, "jwt verify reads the token from stdin")
    out, _ = run(["--json", "jwt", "verify", tok] + base + rules)
    j = load_json(out, "--json jwt verify")
    check(j.get("valid") is True and j["claims"]["roles"] == ["admin"] and 0 < j.get("expires_in", 0) <= 600,
          "--json jwt verify gives the claims and expires_in")
    write("tok.txt", tok + "\n")
    run(["jwt", "verify", "tok.txt"] + base + ["--ignore-iss", "--ignore-aud"], label="jwt verify a token file")
    # Refusals.
    out, _ = run(["jwt", "verify", tok] + base + ["--iss", "https://auth.example.com", "--aud", "other"], expect=1)
    check("wrong_audience (HTTP 401)" in out, "wrong audience: errc name and HTTP status")
    out, _ = run(["jwt", "verify", tok] + base + ["--iss", "https://evil.example", "--aud", "orders-api"], expect=1)
    check("wrong_issuer (HTTP 401)" in out, "wrong issuer")
    out, _ = run(["jwt", "verify", tok] + base + rules + ["--at", "2099-01-01T00:00:00Z"], expect=1)
    check("token_expired (HTTP 401)" in out and "hint: exp" in out, "expired at --at, with a hint")
    out, _ = run(["jwt", "verify", tok] + base + rules + ["--at", "2000-01-01T00:00:00Z"], expect=1)
    check("token_not_yet_valid (HTTP 401)" in out or "token_issued_in_future (HTTP 401)" in out, "not yet valid at --at")
    tampered = tok[:-3] + ("AAA" if not tok.endswith("AAA") else "BBB")
    out, _ = run(["jwt", "verify", tampered] + base + rules, expect=1)
    check("bad_signature (HTTP 401)" in out, "tampered token: bad_signature")
    out, _ = run(["jwt", "verify", "not.a-token"] + base + rules, expect=1)
    check("token_malformed (HTTP 401)" in out, "a malformed token argument")
    out, _ = run(["jwt", "verify"] + base + rules, stdin="eyJhbGciOiJIUzI1NiJ9.e30.@@@", expect=1)
    check("token_malformed (HTTP 401)" in out, "malformed token")
    out, _ = run(["jwt", "verify", tok, "--key", "k_rsa.key", "--alg", "RS256"] + rules, expect=1)
    check("algorithm_not_allowed (HTTP 401)" in out, "an HS256 token against an RS256 key")
    out, _ = run(["--json", "jwt", "verify", tok] + base + ["--iss", "x", "--aud", "orders-api"], expect=1)
    j = load_json(out, "--json failed verify")
    check(j.get("valid") is False and j.get("error") == "wrong_issuer" and j.get("http_status") == 401, "--json failure fields")
    run(["jwt", "verify", tok] + base + ["--aud", "orders-api"], expect=2, label="jwt verify without an issuer decision")
    run(["jwt", "verify", tok] + base + ["--iss", "a", "--ignore-iss", "--aud", "b"], expect=2, label="--iss with --ignore-iss")
    run(["jwt", "verify", tok] + rules, expect=2, label="jwt verify without a key")
    run(["jwt", "sign"] + base + ["--claims", write("c.json", '{"exp": 1}')], expect=2, label="claims with exp")
    run(["jwt", "sign", "--key", "k1.pub.jwks"], expect=3, label="jwt sign with a public key")
    write("short.secret", b64url(os.urandom(16)))
    _, err = run(["jwt", "sign", "--key", "short.secret"], expect=3, label="jwt sign with a 16-byte HMAC key")
    check("key_too_small" in err, "a short HMAC key is key_too_small")
    run(["jwt", "sign", "--key", "h.secret", "--secret-encoding", "hex"], expect=3, label="secret not in the given encoding")
    # Asymmetric keys, JWKS, kid.
    for key, alg in [("k_rsa.key", "RS256"), ("k_rsa.key", "PS384"), ("k_ec0.key", "ES256"), ("k_ec1.key", "ES384"),
                     ("k_ec2.key", "ES512"), ("k_ed250.key", "EdDSA")]:
        t, _ = run(["jwt", "sign", "--key", key, "--alg", alg, "--kid", "kk", "--aud", "api"])
        out, _ = run(["jwt", "verify", t.strip(), "--key", key, "--alg", alg, "--ignore-iss", "--aud", "api"])
        check(out.startswith("VALID  " + alg + " token, kid kk"), "jwt sign/verify " + alg)
    t, _ = run(["jwt", "sign", "--key", "k1.jwks", "--aud", "api"])
    out, _ = run(["jwt", "verify", t.strip(), "--jwks", "k1.pub.jwks", "--ignore-iss", "--aud", "api"])
    check(out.startswith("VALID  ES256 token, kid k1"), "jwt sign with a private JWKS, verify with the public JWKS")
    # inspect.
    out, _ = run(["jwt", "inspect", tok])
    check("UNVERIFIED" in out and "expires in" in out and re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", out) is not None,
          "jwt inspect is marked UNVERIFIED, with UTC ISO-8601 times and the time to expiry")
    old, _ = run(["jwt", "sign"] + base + ["--at", "1700000000", "--exp", "1h"])
    out, _ = run(["jwt", "inspect", "--at", "1700007200"], stdin=old)
    check("EXPIRED 1h 0m ago" in out and "2023-11-14T22:13:20Z" in out, "jwt inspect of an expired token")
    out, _ = run(["--json", "jwt", "inspect", old.strip(), "--at", "1700000060"])
    j = load_json(out, "--json jwt inspect")
    check(j.get("verified") is False and j.get("expires_in") == 3540 and j["times"]["exp"]["utc"] == "2023-11-14T23:13:20Z",
          "--json jwt inspect")
    run(["jwt", "inspect"], stdin="nonsense", expect=3, label="jwt inspect of a non-token")


def test_webhook():
    """webhook sign / verify for the three schemes, and why a delivery does not verify."""
    raw = os.urandom(32)
    write("whsec.txt", "whsec_" + base64.b64encode(raw).decode() + "\n")
    body = write("event.json", '{"type":"invoice.paid","id":"evt_1"}')
    out, _ = run(["webhook", "sign", "--secret-file", "whsec.txt", "--id", "msg_2Lx", "--timestamp", "1767225600",
                  "--body", body])
    h = headers_of(out)
    check(h.get("webhook-id") == "msg_2Lx" and h.get("webhook-timestamp") == "1767225600" and
          h.get("webhook-signature", "").startswith("v1,"), "standard webhook headers")
    write("wh.txt", out)
    out, _ = run(["webhook", "verify", "--secret-file", "whsec.txt", "--headers", "wh.txt", "--body", body, "--at", "1767225700"])
    check(out.startswith("VALID  standard webhook, delivery msg_2Lx"), "standard webhook verifies")
    out, _ = run(["webhook", "verify", "--secret-file", "whsec.txt", "--headers", "wh.txt", "--body", body], expect=1)
    check("stale_timestamp (HTTP 401)" in out and "--at" in out, "a delivery checked now is stale")
    write("event2.json", '{"type":"invoice.paid","id":"evt_1"}\n')
    out, _ = run(["webhook", "verify", "--secret-file", "whsec.txt", "--headers", "wh.txt", "--body", "event2.json", "--at",
                  "1767225600"], expect=1)
    check("no_valid_signature (HTTP 401)" in out and "newline" in out and "SHA-256" in out, "an added newline is explained")
    out, _ = run(["webhook", "verify", "--secret-file", "whsec.txt", "-H", "webhook-id: msg_2Lx", "--body", body], expect=1)
    check("missing_header (HTTP 400)" in out, "a missing header")
    out, _ = run(["webhook", "verify", "--secret-file", "whsec.txt", "-H", "webhook-id: msg_2Lx", "-H",
                  "webhook-timestamp: 2026-01-01T00:00:00Z", "-H", "webhook-signature: v1,AAAA", "--body", body], expect=1)
    check("invalid_timestamp (HTTP 400)" in out and "Unix seconds" in out, "an ISO timestamp is refused with a hint")
    write("plain.secret", base64.b64encode(raw).decode())
    _, err = run(["webhook", "sign", "--secret-file", "plain.secret", "--body", body], expect=3)
    check("whsec_" in err, "a Standard Webhooks secret without whsec_ is explained")
    # The body from stdin; the secret from the environment.
    out, _ = run(["--json", "webhook", "sign", "--secret-env", "WH", "--timestamp", "1767225600", "--id", "msg_1"],
                 stdin='{"a":1}', env={"WH": read("whsec.txt").strip()})
    check(load_json(out, "--json webhook sign").get("headers", {}).get("webhook-id") == "msg_1", "--json webhook sign")
    run(["webhook", "sign", "--secret-stdin"], stdin="x", expect=2, label="secret and body both on stdin")
    # stripe.
    write("stripe.secret", "whsec_" + b64url(os.urandom(24)))
    out, _ = run(["webhook", "sign", "--scheme", "stripe", "--secret-file", "stripe.secret", "--timestamp", "1767225600",
                  "--body", body])
    h = headers_of(out)
    check(re.fullmatch(r"t=1767225600,v1=[0-9a-f]{64}", h.get("Stripe-Signature", "")) is not None, "stripe header")
    out, _ = run(["webhook", "verify", "--scheme", "stripe", "--secret-file", "stripe.secret", "-H",
                  "Stripe-Signature: " + h["Stripe-Signature"], "--body", body, "--at", "1767225650"])
    check(out.startswith("VALID  stripe webhook"), "stripe verifies")
    out, _ = run(["webhook", "verify", "--scheme", "stripe", "--secret-file", "whsec.txt", "-H",
                  "Stripe-Signature: " + h["Stripe-Signature"], "--body", body, "--at", "1767225650"], expect=1)
    check("no_valid_signature" in out, "stripe with another secret")
    # github.
    out, _ = run(["webhook", "sign", "--scheme", "github", "--secret-file", "stripe.secret", "--id", "72d3162e",
                  "--body", body])
    h = headers_of(out)
    check(h.get("X-GitHub-Delivery") == "72d3162e" and re.fullmatch(r"sha256=[0-9a-f]{64}", h.get("X-Hub-Signature-256", "")),
          "github headers")
    out, _ = run(["webhook", "verify", "--scheme", "github", "--secret-file", "stripe.secret", "-H",
                  "X-Hub-Signature-256: " + h["X-Hub-Signature-256"], "--body", body])
    check(out.startswith("VALID  github webhook"), "github verifies")
    run(["webhook", "sign", "--scheme", "github", "--secret-file", "stripe.secret", "--timestamp", "1", "--body", body],
        expect=2, label="github has no timestamp")
    run(["webhook", "sign", "--scheme", "standard", "--header-name", "X", "--secret-file", "whsec.txt", "--body", body],
        expect=2, label="standard has fixed header names")


def test_request():
    """request sign / verify under both profiles, the formats, and the failure hints."""
    out, _ = run(["request", "sign", "--profile", "client-timestamp", "--timestamp-format", "unix", "--client-id",
                  "partner-42", "--key", "k_rsa.key"])
    h = headers_of(out)
    check(set(h) == {"X-CLIENT-ID", "X-TIMESTAMP", "X-SIGNATURE"} and re.fullmatch(r"\d{10}", h["X-TIMESTAMP"]),
          "client-timestamp headers, unix seconds")
    write("order.headers", out)
    out, _ = run(["request", "verify", "--profile", "client-timestamp", "--timestamp-format", "unix", "--key",
                  write("k_rsa.pub", run(["pem", "k_rsa.key"])[0]), "--headers", "order.headers"])
    check(out.startswith("VALID  client-timestamp signature of client partner-42 (rsa-sha256"), "client-timestamp verifies")
    out, _ = run(["request", "verify", "--profile", "client-timestamp", "--timestamp-format", "iso", "--key", "k_rsa.pub",
                  "--headers", "order.headers"], expect=1)
    check("invalid_timestamp (HTTP 400)" in out and "--timestamp-format unix" in out, "unix seconds read as ISO is explained")
    out, _ = run(["request", "verify", "--profile", "client-timestamp", "--timestamp-format", "unix", "--key", "k_rsa.pub",
                  "--headers", "order.headers", "--at", str(int(h["X-TIMESTAMP"]) + 3600)], expect=1)
    check("stale_timestamp (HTTP 401)" in out, "an hour later the signature is stale")
    out, _ = run(["request", "verify", "--profile", "client-timestamp", "--timestamp-format", "unix", "--key",
                  "k1.pub.jwks", "--headers", "order.headers"], expect=1)
    check("key_type_mismatch" not in out and ("bad_signature" in out or "invalid_signature_length" in out),
          "another key does not verify")
    out, _ = run(["request", "verify", "--profile", "client-timestamp", "--timestamp-format", "unix", "--key", "k_rsa.pub",
                  "--headers", "order.headers", "--client-id", "partner-7"], expect=1)
    check("unknown_client (HTTP 401)" in out, "a key registered for another client")
    out, _ = run(["request", "verify", "--profile", "client-timestamp", "--timestamp-format", "unix", "--key", "k_rsa.pub",
                  "-H", "X-CLIENT-ID: partner-42", "-H", "X-TIMESTAMP: " + h["X-TIMESTAMP"], "-H",
                  "X-SIGNATURE: " + h["X-SIGNATURE"].replace("+", "-").replace("/", "_")], expect=1)
    check("malformed_header (HTTP 400)" in out and "base64url" in out, "a base64url signature is explained")
    out, _ = run(["request", "verify", "--profile", "client-timestamp", "--timestamp-format", "unix", "--key", "k_rsa.pub",
                  "-H", "X-CLIENT-ID: partner-42", "-H", "X-TIMESTAMP: " + h["X-TIMESTAMP"]], expect=1)
    check("missing_header (HTTP 400)" in out, "a missing X-SIGNATURE")
    # ISO-8601 with an offset.
    out, _ = run(["request", "sign", "--profile", "client-timestamp", "--timestamp-format", "iso", "--client-id",
                  "partner-42", "--key", "k_rsa.key", "--utc-offset", "+07:00", "--at", "2026-01-01T00:00:00Z"])
    h = headers_of(out)
    check(h.get("X-TIMESTAMP") == "2026-01-01T07:00:00+07:00", "ISO-8601 timestamp in the partner's offset")
    write("iso.headers", out)
    out, _ = run(["request", "verify", "--profile", "client-timestamp", "--timestamp-format", "iso", "--key", "k_rsa.pub",
                  "--headers", "iso.headers", "--at", "2026-01-01T00:01:00Z"])
    check(out.startswith("VALID"), "ISO-8601 timestamp verifies")
    # canonical.
    body = write("order.json", '{"sku":"A-1","qty":2}')
    out, _ = run(["--json", "request", "sign", "--profile", "canonical", "--client-id", "partner-42", "--key", "k_rsa.key",
                  "--method", "POST", "--target", "/api/v1/orders?b=2&a=1", "--body", body, "--content-digest"])
    j = load_json(out, "--json request sign canonical")
    hdrs = j.get("headers", {})
    check(set(hdrs) == {"X-CLIENT-ID", "X-TIMESTAMP", "X-NONCE", "X-SIGNATURE", "Content-Digest"} and
          j.get("string_to_sign", "").startswith("tessera-request-v1\npartner-42\n"), "canonical headers and string to sign")
    write("canon.headers", "".join("%s: %s\n" % kv for kv in hdrs.items()))
    args = ["request", "verify", "--profile", "canonical", "--key", "k_rsa.pub", "--headers", "canon.headers", "--method",
            "POST", "--content-digest", "--body", body]
    out, _ = run(args + ["--target", "/api/v1/orders?b=2&a=1"])
    check(out.startswith("VALID  canonical"), "canonical verifies")
    out, _ = run(args + ["--target", "/api/v1/refunds?b=2&a=1"], expect=1)
    check("bad_signature (HTTP 401)" in out and "tessera-request-v1" in out, "canonical on another path, with the string to sign")
    run(["request", "sign", "--profile", "canonical", "--client-id", "p", "--key", "k_rsa.key"], expect=2,
        label="canonical without method and target")
    run(["request", "sign", "--profile", "client-timestamp", "--client-id", "p", "--key", "k_rsa.key", "--method", "POST"],
        expect=2, label="client-timestamp with --method")
    _, err = run(["request", "sign", "--profile", "rfc9421", "--client-id", "p", "--key", "k_rsa.key"], expect=2)
    check("not implemented" in err, "rfc9421 is refused as not implemented")
    run(["request", "sign", "--profile", "client-timestamp", "--client-id", "p", "--key", "k_rsa.pub"], expect=3,
        label="request sign with a public key")
    run(["request", "sign", "--profile", "client-timestamp", "--client-id", "p", "--key", "k_ec0.key", "--alg", "rsa-sha256"],
        expect=2, label="request sign with an algorithm that does not fit")
    run(["request", "sign", "--profile", "client-timestamp", "--client-id", "bad id", "--key", "k_rsa.key"], expect=2,
        label="request sign with a client id holding a space")


def test_apikey_and_secret():
    """apikey new / check, secret hash / verify."""
    pepper = os.urandom(32)
    write("pepper.txt", b64url(pepper) + "\n")
    out, _ = run(["--json", "apikey", "new", "--tenant", "org_8f3a", "--scope", "orders:read", "--scope", "orders:write",
                  "--pepper-file", "pepper.txt", "--lifetime", "90d", "--record-out", "rec.json"])
    j = load_json(out, "--json apikey new")
    key = j.get("key", "")
    check(re.fullmatch(r"ak_live_[0-9A-Za-z]{36}", key) is not None, "apikey new: a key of the default format")
    rec = j.get("record", {})
    check(rec.get("tenant") == "org_8f3a" and len(rec.get("digest", "")) == 64 and key not in read("rec.json"),
          "apikey new: the record holds the digest, never the key")
    env = {"API_KEY": key}
    out, _ = run(["apikey", "check", "--key-env", "API_KEY"], env=env)
    check(out.startswith("VALID FORMAT"), "apikey check: format and checksum")
    out, _ = run(["apikey", "check", "--key-env", "API_KEY", "--record", "rec.json", "--pepper-file", "pepper.txt",
                  "--tenant", "org_8f3a"], env=env)
    check(out.startswith("VALID  API key key_") and "orders:write" in out, "apikey check against the record")
    out, _ = run(["apikey", "check", "--key-env", "API_KEY", "--record", "rec.json", "--pepper-file", "pepper.txt",
                  "--tenant", "org_other"], env=env, expect=1)
    check("wrong_tenant (HTTP 401)" in out, "apikey check on another tenant")
    out, _ = run(["apikey", "check", "--key-env", "API_KEY", "--record", "rec.json", "--pepper-file", "pepper.txt",
                  "--at", "2099-01-01T00:00:00Z"], env=env, expect=1)
    check("api_key_expired (HTTP 401)" in out, "apikey check after its lifetime")
    revoked = dict(rec, status="revoked")
    write("rec_revoked.json", json.dumps([revoked]))
    out, _ = run(["apikey", "check", "--key-env", "API_KEY", "--record", "rec_revoked.json", "--pepper-file", "pepper.txt"],
                 env=env, expect=1)
    check("api_key_revoked (HTTP 401)" in out, "apikey check of a revoked key")
    write("pepper2.txt", b64url(os.urandom(32)))
    out, _ = run(["apikey", "check", "--key-env", "API_KEY", "--record", "rec.json", "--pepper-file", "pepper2.txt"], env=env,
                 expect=1)
    check("api_key_unknown (HTTP 401)" in out, "apikey check with another pepper")
    typo = key[:-1] + ("A" if key[-1] != "A" else "B")
    out, _ = run(["apikey", "check", "--key-env", "API_KEY"], env={"API_KEY": typo}, expect=1)
    check("api_key_bad_checksum (HTTP 401)" in out, "apikey check of a typo")
    out, _ = run(["apikey", "check", "--key-env", "API_KEY", "--env", "test"], env=env, expect=1)
    check("api_key_wrong_environment (HTTP 401)" in out, "apikey check of a live key on a test server")
    write("pepper_short.txt", b64url(os.urandom(16)))
    run(["apikey", "new", "--tenant", "t", "--pepper-file", "pepper_short.txt"], expect=3, label="a pepper under 32 bytes")
    run(["apikey", "new", "--tenant", "t", "--pepper-file", "pepper.txt", "--prefix", "a_b"], expect=2, label="a bad prefix")
    run(["apikey", "new", "--pepper-file", "pepper.txt"], expect=2, label="apikey new without a tenant")
    out, _ = run(["apikey", "new", "--prefix", "sk", "--env", "test", "--tenant", "t1", "--pepper-stdin",
                  "--pepper-encoding", "hex"], stdin=os.urandom(32).hex())
    check(re.search(r"sk_test_[0-9A-Za-z]{36}", out) is not None and "shown once" in out, "apikey new with a hex pepper on stdin")
    # Client secrets.
    write("client.secret", "cs_live_4f9a2b7c1d8e3f6a0b5c9d2e7f1a4b8c\n")
    out, _ = run(["secret", "hash", "--secret-file", "client.secret"])
    phc = out.strip()
    check(phc.startswith("$scrypt$ln=17,r=8,p=1$"), "secret hash: scrypt N=2^17 by default")
    write("stored.phc", phc + "\n")
    out, _ = run(["secret", "verify", "--secret-file", "client.secret", "--phc-file", "stored.phc"])
    check(out.startswith("VALID") and "renewed" not in out and "fresh hash" not in out, "secret verify")
    out, _ = run(["secret", "verify", "--secret-stdin", "--phc-file", "stored.phc"], stdin="wrong-secret", expect=1)
    check("invalid_credentials (HTTP 401)" in out, "secret verify of a wrong secret")
    out, _ = run(["secret", "hash", "--secret-file", "client.secret", "--algorithm", "pbkdf2-sha256", "--iterations", "1000"])
    check(out.startswith("$pbkdf2-sha256$i=1000$"), "secret hash with PBKDF2")
    out, _ = run(["--json", "secret", "verify", "--secret-file", "client.secret", "--phc", out.strip()])
    check(load_json(out, "--json secret verify").get("needs_rehash") is True, "a weaker hash needs a rehash")
    run(["secret", "verify", "--secret-file", "client.secret", "--phc", "$md5$abc"], expect=3, label="a malformed PHC string")
    run(["secret", "hash", "--secret-file", "client.secret", "--scrypt-ln", "24"], expect=2, label="scrypt beyond the limits")


def test_refusals():
    """Secrets as argument values are refused without being echoed; bad sources are usage errors."""
    _, err = run(["webhook", "sign", "--secret", "whsec_c2VjcmV0LXZhbHVlLWluLWFyZ3Y=", "--body", "event.json"], expect=2)
    check("refused" in err and "c2VjcmV0" not in err, "--secret VALUE is refused without echoing it")
    _, err = run(["jwt", "sign", "dGhpcy1pcy1hLXNlY3JldC1hcmd1bWVudC12YWx1ZQ"], expect=2)
    check("dGhpcy1" not in err and "not shown" in err, "a bare secret argument is not echoed")
    _, err = run(["jwt", "sign", "--secret=dGhpcy1pcy1hLXNlY3JldC1hcmd1bWVudC12YWx1ZQ"], expect=2)
    check("dGhpcy1" not in err, "--secret=VALUE is not echoed")
    run(["jwt", "sign", "--key", "h.secret", "--key-env", "X"], expect=2, label="two sources for one secret")
    run(["secret", "hash"], expect=2, label="no secret source")
    write("empty.secret", "\n")
    run(["secret", "hash", "--secret-file", "empty.secret"], expect=3, label="an empty secret")
    _, err = run(["apikey", "check", "--key-stdin", "--pepper-stdin", "--record", "rec.json"], stdin="x", expect=2)
    check("stdin" in err, "two inputs on stdin")


def test_bench():
    """bench prints one line with a rate."""
    out, _ = run(["bench", "--seconds", "0.2"])
    check(re.fullmatch(r"HS256 verify: [0-9.]+ [kM]/s on 1 thread \(.*\)\n", out) is not None, "bench prints one line: " + out)
    out, _ = run(["--json", "bench", "--seconds", "0.1", "--threads", "2"])
    check(load_json(out, "--json bench").get("per_second", 0) > 0, "--json bench")
    run(["bench", "--seconds", "100"], expect=2)


def test_no_secret_in_output():
    """Runs every subcommand that takes a secret, in success and failure, and looks for the secrets."""
    hmac_raw = os.urandom(32)
    write("leak_hmac.secret", b64url(hmac_raw) + "\n")
    remember_secret("HMAC key", raw=hmac_raw)
    wh_raw = os.urandom(32)
    whsec = "whsec_" + base64.b64encode(wh_raw).decode()
    write("leak_whsec.txt", whsec)
    remember_secret("webhook secret", raw=wh_raw, text=whsec)
    text_secret = "ghs_" + b64url(os.urandom(24))
    write("leak_text.secret", text_secret)
    remember_secret("text webhook secret", raw=text_secret.encode(), text=text_secret)
    pepper = os.urandom(32)
    write("leak_pepper.txt", b64url(pepper))
    remember_secret("pepper", raw=pepper)
    client_secret = "cs_live_" + os.urandom(16).hex()
    write("leak_client.secret", client_secret)
    remember_secret("client secret", raw=client_secret.encode(), text=client_secret)
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwYXJ0bmVyLTQyIn0." + b64url(os.urandom(32))
    remember_secret("bearer token", text=token)
    run(["keygen", "rsa", "--out", "leak_rsa.key"], expect=0)
    pem_lines = [l for l in read("leak_rsa.key").splitlines() if not l.startswith("-----")]
    for i, l in enumerate(pem_lines[1:-1]):
        SECRET_FORMS.append(("private key PEM line %d" % i, l))
    d = load_json(run(["jwk", "leak_rsa.key", "--private"])[0], "jwk --private").get("d", "")
    remember_secret("RSA d", raw=base64.urlsafe_b64decode(d + "=" * (-len(d) % 4)))
    run(["pem", "leak_rsa.key"], secret=True, label="pem of a private key")
    body = write("leak_body.json", '{"ok":true}')
    other_body = write("leak_other.json", '{"ok":false}')

    def s(args, expect=0, **kw):
        """Runs a command that was given a secret; its output is searched at the end."""
        run(args, expect=expect, secret=True, **kw)

    env = {"TESSERA_TEST_SECRET": b64url(hmac_raw)}
    rules = ["--iss", "i", "--aud", "a"]
    for src in (["--key", "leak_hmac.secret"], ["--key-env", "TESSERA_TEST_SECRET"]):
        s(["jwt", "sign"] + src + ["--iss", "i", "--aud", "a"], env=env)
        s(["--json", "jwt", "sign"] + src + ["--iss", "i", "--aud", "a"], env=env)
    s(["jwt", "sign", "--key-stdin", "--iss", "i", "--aud", "a"], stdin=b64url(hmac_raw))
    tok = run(["jwt", "sign", "--key", "leak_hmac.secret", "--iss", "i", "--aud", "a"])[0].strip()
    s(["jwt", "verify", tok, "--key", "leak_hmac.secret"] + rules)
    s(["--json", "jwt", "verify", tok, "--key", "leak_hmac.secret"] + rules)
    s(["jwt", "verify", tok, "--key", "leak_hmac.secret", "--iss", "x", "--aud", "a"], expect=1)
    s(["jwt", "verify", tok[:-2] + "xx", "--key", "leak_hmac.secret"] + rules, expect=1)
    s(["jwt", "verify", tok, "--key", "leak_hmac.secret", "--secret-encoding", "hex"] + rules, expect=3)
    s(["jwt", "verify", tok, "--key", "leak_hmac.secret", "--secret-encoding", "text"] + rules, expect=1)
    s(["jwt", "sign", "--secret", b64url(hmac_raw)], expect=2)
    s(["jwt", "sign", b64url(hmac_raw)], expect=2)
    # Secrets that start with '-' (base64url ones do, one time in 64) look like options; the
    # usage error names only arguments shaped like options ("-x", "--name"), so none is echoed.
    # A body that starts with 'h' is the short help flag followed by more flags ("-hXYZ", as in
    # "ls -la"): help is printed with exit 0, so that case is drawn apart and checked on its own.
    def secret_body(first_not="h"):
        while True:
            body = b64url(os.urandom(32))
            if body[0] not in first_not:
                return body
    for lead in ("-", "--", "--zz="):
        dash_secret = lead + secret_body()
        remember_secret("dash-led secret", text=dash_secret[len(lead):])
        s(["jwt", "sign", dash_secret], expect=2)
        s(["jwt", "sign", "--iss", "i", dash_secret], expect=2)
    help_led = "-h" + secret_body(first_not="")
    remember_secret("help-led secret", text=help_led[2:])
    out, _ = run(["jwt", "sign", "--iss", "i", help_led], expect=0, secret=True)
    check("Usage: tessera jwt sign" in out, "a '-h'-led secret prints the help of jwt sign")
    s(["jwt", "sign", "--key", b64url(hmac_raw)], expect=3)
    s(["jwt", "sign", "--key-env", b64url(hmac_raw)], expect=3)
    s(["jwt", "inspect", tok])
    for scheme, secret_file in (("standard", "leak_whsec.txt"), ("stripe", "leak_text.secret"), ("github", "leak_text.secret")):
        out, _ = run(["webhook", "sign", "--scheme", scheme, "--secret-file", secret_file, "--body", body]
                     + {"standard": ["--id", "m1", "--timestamp", "1767225600"], "stripe": ["--timestamp", "1767225600"],
                        "github": ["--id", "m1"]}[scheme], secret=True)
        write("leak_h.txt", out)
        s(["webhook", "verify", "--scheme", scheme, "--secret-file", secret_file, "--headers", "leak_h.txt", "--body", body,
           "--at", "1767225600"] + (["--id-header", "X-GitHub-Delivery"] if scheme == "github" else []))
        s(["webhook", "verify", "--scheme", scheme, "--secret-file", secret_file, "--headers", "leak_h.txt", "--body",
           other_body, "--at", "1767225600"] + (["--id-header", "X-GitHub-Delivery"] if scheme == "github" else []), expect=1)
        s(["--json", "webhook", "verify", "--scheme", scheme, "--secret-file", secret_file, "--headers", "leak_h.txt",
           "--body", other_body, "--at", "1767225600"] + (["--id-header", "X-GitHub-Delivery"] if scheme == "github" else []),
          expect=1)
    s(["webhook", "sign", "--secret-file", "leak_text.secret", "--body", body], expect=3)
    s(["webhook", "sign", "--secret-env", "WH", "--body", body, "--scheme", "stripe"], env={"WH": text_secret[:10]}, expect=3)
    s(["webhook", "sign", "--secret", whsec, "--body", body], expect=2)
    s(["webhook", "sign", "--secret-file", whsec, "--body", body], expect=3)
    s(["webhook", "verify", "--secret-file", "leak_whsec.txt", "--body", body, "-H", "webhook-id: m"], expect=1)
    s(["request", "sign", "--profile", "client-timestamp", "--client-id", "p", "--key", "leak_rsa.key"])
    s(["--json", "request", "sign", "--profile", "canonical", "--client-id", "p", "--key-stdin", "--method", "GET", "--target",
       "/x", "--bind-token", "--token-env", "TOK"], stdin=read("leak_rsa.key"), env={"TOK": token})
    s(["request", "sign", "--profile", "canonical", "--client-id", "p", "--key", "leak_rsa.key", "--method", "GET", "--target",
       "/x", "--bind-token", "--token-env", "TOK"], env={"TOK": token})
    s(["request", "sign", "--profile", "client-timestamp", "--client-id", "bad id", "--key", "leak_rsa.key"], expect=2)
    s(["request", "sign", "--profile", "client-timestamp", "--client-id", "p", "--key", "leak_rsa.key", "--alg", "ed25519"],
      expect=2)
    s(["request", "sign", "--profile", "client-timestamp", "--client-id", "p", "--private-key", pem_lines[1]], expect=2)
    s(["apikey", "new", "--tenant", "t", "--pepper-file", "leak_pepper.txt"])
    s(["--json", "apikey", "new", "--tenant", "t", "--pepper-file", "leak_pepper.txt", "--record-out", "leak_rec.json"])
    s(["apikey", "new", "--tenant", "t", "--pepper-file", "leak_pepper.txt", "--pepper-encoding", "hex"], expect=3)
    s(["apikey", "new", "--tenant", "t", "--pepper", b64url(pepper)], expect=2)
    api_key = run(["--json", "apikey", "new", "--tenant", "t", "--pepper-file", "leak_pepper.txt", "--record-out",
                   "leak_rec.json"])[0]
    api_key = load_json(api_key, "--json apikey new").get("key", "")
    remember_secret("API key", text=api_key)
    s(["apikey", "check", "--key-env", "K", "--record", "leak_rec.json", "--pepper-file", "leak_pepper.txt"], env={"K": api_key})
    s(["apikey", "check", "--key-env", "K", "--record", "leak_rec.json", "--pepper-file", "leak_pepper.txt", "--tenant", "u"],
      env={"K": api_key}, expect=1)
    # A one-character change of the checksum (never the character already there).
    s(["apikey", "check", "--key-env", "K"], env={"K": api_key[:-1] + ("0" if api_key[-1] != "0" else "1")}, expect=1)
    s(["apikey", "check", "--key-env", "K", "--record", "leak_rec.json", "--pepper-file", "leak_hmac.secret"], env={"K": api_key},
      expect=1)
    s(["apikey", "check", api_key], expect=2)
    out = run(["secret", "hash", "--secret-file", "leak_client.secret", "--scrypt-ln", "10"], secret=True)[0]
    write("leak.phc", out)
    s(["secret", "verify", "--secret-file", "leak_client.secret", "--phc-file", "leak.phc"])
    s(["--json", "secret", "verify", "--secret-file", "leak_client.secret", "--phc-file", "leak.phc"])
    s(["secret", "verify", "--secret-env", "CS", "--phc-file", "leak.phc"], env={"CS": client_secret + "x"}, expect=1)
    s(["secret", "hash", "--secret", client_secret], expect=2)
    s(["secret", "verify", "--secret-file", "leak_client.secret", "--phc", "$scrypt$ln=10,r=8,p=1$AAAA$AAAA"], expect=3)

    leaks = 0
    for label, text in TRANSCRIPTS:
        for name, form in SECRET_FORMS:
            if name == "API key" and "apikey new" in label:
                continue
            if form in text:
                leaks += 1
                check(False, "the %s appears in the output of: %s" % (name, label))
    check(leaks == 0 and len(TRANSCRIPTS) > 40, "no secret in %d outputs (%d forms)" % (len(TRANSCRIPTS), len(SECRET_FORMS)))


# ---------------------------------------------------------------------------------------------
# part interop
# ---------------------------------------------------------------------------------------------

def openssl(args, stdin=None, expect=0):
    """Runs the openssl command line in the work directory; returns stdout bytes."""
    p = subprocess.run([ARGS.openssl] + args, input=stdin, capture_output=True, cwd=ARGS.work, timeout=60)
    check(expect is None or p.returncode == expect, "openssl %s: exit %d\n  %s" % (" ".join(args), p.returncode,
                                                                                  p.stderr.decode(errors="replace")[:500]))
    return p.stdout


def der_ecdsa_to_raw(der, half):
    """The raw r||s (each left-padded to half bytes) of a DER ECDSA-Sig-Value."""
    at = 2 + (der[1] & 0x7F if der[1] & 0x80 else 0)  # past the SEQUENCE's tag and length
    raw = b""
    for _ in range(2):
        n = der[at + 1]
        raw += der[at + 2:at + 2 + n].lstrip(b"\0").rjust(half, b"\0")
        at += 2 + n
    return raw


def test_openssl():
    """Keys, SHA256withRSA, RSA-PSS, Ed25519 and webhook HMACs agree with the openssl command line."""
    for t, extra, name in [("rsa", [], "o_rsa_0.key"), ("rsa", ["--bits", "3072"], "o_rsa_3072.key"), ("ec", [], "o_ec_0.key"),
                           ("ec", ["--curve", "P-384"], "o_ec_p384.key"), ("ec", ["--curve", "P-521"], "o_ec_p521.key"),
                           ("ed25519", [], "o_ed25519_0.key")]:
        ours, _ = run(["keygen", t] + extra + ["--out", name])
        theirs = openssl(["pkey", "-in", name, "-pubout"]).decode()
        check(ours == theirs, "keygen %s %s: the public key equals openssl pkey -pubout" % (t, extra))
        pem, _ = run(["pem", name])
        check(pem == theirs, "tessera pem equals openssl pkey -pubout for %s %s" % (t, extra))
        jwk, _ = run(["jwk", name])
        write(name + ".pub.jwk", jwk)
        check(run(["pem", name + ".pub.jwk"])[0] == theirs, "the public JWK of %s %s converts back to the same PEM" % (t, extra))
    # A key made by openssl, read by tessera.
    openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "o_ossl.key"])
    openssl(["rsa", "-in", "o_ossl.key", "-traditional", "-out", "o_ossl_pkcs1.key"])
    theirs = openssl(["pkey", "-in", "o_ossl.key", "-pubout"]).decode()
    check(run(["pem", "o_ossl.key"])[0] == theirs and run(["pem", "o_ossl_pkcs1.key"])[0] == theirs,
          "tessera reads openssl's PKCS#8 and PKCS#1 keys")
    write("o_ossl.pub", theirs)

    # SHA256withRSA over client_id|timestamp, tessera -> openssl, for both timestamp formats.
    for fmt in ("unix", "iso"):
        out, _ = run(["request", "sign", "--profile", "client-timestamp", "--timestamp-format", fmt, "--client-id", "partner-42",
                      "--key", "o_ossl.key"])
        h = headers_of(out)
        write("o_msg.txt", "partner-42|" + h["X-TIMESTAMP"])
        write("o_sig.bin", base64.b64decode(h["X-SIGNATURE"]))
        ok = openssl(["dgst", "-sha256", "-verify", "o_ossl.pub", "-signature", "o_sig.bin", "o_msg.txt"])
        check(b"Verified OK" in ok, "a tessera client-timestamp signature (%s) verifies with openssl dgst -sha256 -verify" % fmt)

    # openssl -> tessera: SHA256withRSA, RSA-PSS (salt = digest length, and the wrong salt refused), Ed25519.
    ts = str(int(time.time()))
    write("o_msg.txt", "partner-42|" + ts)

    def verify_openssl_sig(sig, key, extra, expect, what):
        """Verifies an openssl-made signature over o_msg.txt with tessera request verify."""
        out, _ = run(["request", "verify", "--profile", "client-timestamp", "--timestamp-format", "unix", "--key", key,
                      "-H", "X-CLIENT-ID: partner-42", "-H", "X-TIMESTAMP: " + ts, "-H",
                      "X-SIGNATURE: " + base64.b64encode(sig).decode()] + extra, expect=expect)
        check(out.startswith("VALID") if expect == 0 else "FAILED" in out, what + ": " + out[:300])
        return out

    sig = openssl(["dgst", "-sha256", "-sign", "o_ossl.key", "o_msg.txt"])
    verify_openssl_sig(sig, "o_ossl.pub", [], 0, "an openssl SHA256withRSA signature verifies with tessera request verify")
    sig = openssl(["dgst", "-sha256", "-sign", "o_ossl.key", "-sigopt", "rsa_padding_mode:pss", "-sigopt",
                   "rsa_pss_saltlen:digest", "o_msg.txt"])
    verify_openssl_sig(sig, "o_ossl.pub", ["--alg", "rsa-pss-sha256"], 0, "an openssl RSA-PSS (salt = 32) signature verifies")
    verify_openssl_sig(sig, "o_ossl.pub", [], 1, "a PSS signature checked as PKCS#1 v1.5 fails")
    sig = openssl(["dgst", "-sha256", "-sign", "o_ossl.key", "-sigopt", "rsa_padding_mode:pss", "-sigopt",
                   "rsa_pss_saltlen:max", "o_msg.txt"])
    out = verify_openssl_sig(sig, "o_ossl.pub", ["--alg", "rsa-pss-sha256"], 1, "an RSA-PSS signature with the maximum salt fails")
    check("salt" in out, "the PSS failure names the salt length")
    sig = openssl(["pkeyutl", "-sign", "-inkey", "o_ed25519_0.key", "-rawin", "-in", "o_msg.txt"])
    verify_openssl_sig(sig, write("o_ed.pub", run(["pem", "o_ed25519_0.key"])[0]), [], 0,
                       "an openssl Ed25519 signature verifies")
    sig = openssl(["dgst", "-sha256", "-sign", "o_ec_0.key", "o_msg.txt"])
    out = verify_openssl_sig(sig, write("o_ec.pub", run(["pem", "o_ec_0.key"])[0]), [], 1,
                             "an openssl (DER) ECDSA signature is refused")
    check("DER" in out and "r||s" in out, "the ECDSA failure explains DER against raw r||s")
    # P-521: openssl's DER (a SEQUENCE with a long-form length) is refused, and the same r and s as
    # raw 66-byte halves verify under ecdsa-p521-sha512, the P-521 key's default.
    sig = openssl(["dgst", "-sha512", "-sign", "o_ec_p521.key", "o_msg.txt"])
    p521_pub = write("o_ec_p521.pub", run(["pem", "o_ec_p521.key"])[0])
    out = verify_openssl_sig(sig, p521_pub, [], 1, "an openssl (DER) P-521 ECDSA signature is refused")
    check("132 for P-521" in out, "the P-521 ECDSA failure gives the raw size")
    verify_openssl_sig(der_ecdsa_to_raw(sig, 66), p521_pub, [], 0, "an openssl P-521 signature as raw r||s verifies")
    verify_openssl_sig(der_ecdsa_to_raw(sig, 66), p521_pub, ["--alg", "ecdsa-p521-sha512"], 0,
                       "an openssl P-521 signature verifies under --alg ecdsa-p521-sha512")

    # Webhooks: the Standard Webhooks signature equals openssl's HMAC over id.timestamp.body.
    raw = os.urandom(32)
    write("o_whsec.txt", "whsec_" + base64.b64encode(raw).decode())
    body = write("o_body.json", '{"type":"ping"}')
    out, _ = run(["webhook", "sign", "--secret-file", "o_whsec.txt", "--id", "msg_1", "--timestamp", "1767225600",
                  "--body", body])
    mac = openssl(["dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + raw.hex(), "-binary"],
                  stdin=b'msg_1.1767225600.{"type":"ping"}')
    check(headers_of(out).get("webhook-signature") == "v1," + base64.b64encode(mac).decode(),
          "the Standard Webhooks signature equals openssl's HMAC-SHA256 over id.timestamp.body")


def test_pyjwt():
    """Tokens both ways with PyJWT and cryptography: HS256, RS256, PS256, ES256, ES384, ES512, EdDSA."""
    try:
        import jwt as pyjwt
        from cryptography.hazmat.primitives import serialization
    except ImportError:
        print("SKIPPED: PyJWT / cryptography not importable by " + sys.executable)
        return False
    run(["keygen", "hmac", "--out", "p_hs.secret"])
    hs = base64.urlsafe_b64decode(read("p_hs.secret").strip() + "=")
    keys = {"HS256": ("p_hs.secret", hs, hs)}
    for alg, t, extra in [("RS256", "rsa", []), ("PS256", "rsa", []), ("ES256", "ec", []), ("ES384", "ec", ["--curve", "P-384"]),
                          ("ES512", "ec", ["--curve", "P-521"]), ("EdDSA", "ed25519", [])]:
        name = "p_%s.key" % alg
        pub, _ = run(["keygen", t] + extra + ["--out", name])
        priv_obj = serialization.load_pem_private_key(open(path(name), "rb").read(), password=None)
        keys[alg] = (name, priv_obj, serialization.load_pem_public_key(pub.encode()))
    now = int(time.time())
    claims = {"iss": "https://auth.example.com", "aud": "orders-api", "sub": "client-4711", "iat": now, "nbf": now,
              "exp": now + 600, "org_id": "org_8f3a"}
    for alg, (name, priv, pub) in keys.items():
        token = pyjwt.encode(claims, priv, algorithm=alg, headers={"kid": "p1"})
        out, _ = run(["jwt", "verify", "--key", name, "--alg", alg, "--iss", "https://auth.example.com", "--aud", "orders-api"],
                     stdin=token, label="jwt verify of a PyJWT " + alg + " token")
        check(out.startswith("VALID  " + alg) and "org_8f3a" in out, "a PyJWT %s token verifies with tessera jwt verify" % alg)
        out, _ = run(["jwt", "sign", "--key", name, "--alg", alg, "--kid", "t1", "--iss", "https://auth.example.com",
                      "--aud", "orders-api", "--sub", "client-4711", "--claim", "org_id=org_8f3a"])
        try:
            decoded = pyjwt.decode(out.strip(), pub, algorithms=[alg], audience="orders-api", issuer="https://auth.example.com")
            header = pyjwt.get_unverified_header(out.strip())
            check(decoded.get("org_id") == "org_8f3a" and header.get("kid") == "t1" and decoded["exp"] - decoded["iat"] == 3600,
                  "a tessera %s token verifies with PyJWT" % alg)
        except Exception as e:  # noqa: BLE001 - any PyJWT refusal is a failed check
            check(False, "PyJWT refused a tessera %s token: %r" % (alg, e))
    # A PyJWT token tampered with, and one signed by another key.
    token = pyjwt.encode(claims, keys["ES256"][1], algorithm="ES256")
    out, _ = run(["jwt", "verify", token, "--key", "p_ES384.key", "--alg", "ES256", "--ignore-iss", "--ignore-aud"], expect=None)
    check("FAILED" in out or "VALID" not in out, "an ES256 token does not verify with a P-384 key")
    token = pyjwt.encode(claims, keys["ES512"][1], algorithm="ES512")
    out, _ = run(["jwt", "verify", token, "--key", "p_ES384.key", "--ignore-iss", "--ignore-aud"], expect=1)
    check("algorithm_not_allowed (HTTP 401)" in out, "a PyJWT ES512 token against a P-384 (ES384) key is algorithm_not_allowed")
    out, _ = run(["jwt", "verify", token, "--key", "p_RS256.key", "--ignore-iss", "--ignore-aud"], expect=1)
    check("algorithm_not_allowed (HTTP 401)" in out, "a PyJWT ES256 token against an RS256 key is algorithm_not_allowed")
    # The public JWKS tessera writes is read by PyJWT.
    jwks_text, _ = run(["jwk", "p_ES256.key", "--jwks", "--alg", "ES256", "--kid", "e1"])
    jwk = pyjwt.PyJWKSet.from_json(jwks_text).keys[0]
    token, _ = run(["jwt", "sign", "--key", "p_ES256.key", "--kid", "e1", "--aud", "a"])
    check(pyjwt.decode(token.strip(), jwk.key, algorithms=["ES256"], audience="a").get("aud") == "a",
          "PyJWT verifies a tessera token with the JWKS tessera wrote")
    jwks_text, _ = run(["jwk", "p_ES512.key", "--jwks", "--kid", "e5"])
    jwk = pyjwt.PyJWKSet.from_json(jwks_text).keys[0]
    token, _ = run(["jwt", "sign", "--key", "p_ES512.key", "--kid", "e5", "--aud", "a"])
    check(pyjwt.get_unverified_header(token.strip()).get("alg") == "ES512" and
          pyjwt.decode(token.strip(), jwk.key, algorithms=["ES512"], audience="a").get("aud") == "a",
          "PyJWT verifies a tessera ES512 token with the P-521 JWKS tessera wrote")
    return True


def main():
    """Parses the arguments, runs one part, prints a summary and exits with its status."""
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--tessera", required=True)
    p.add_argument("--part", choices=["cli", "interop"], required=True)
    p.add_argument("--openssl", default=shutil.which("openssl") or "")
    p.add_argument("--workdir", default=None)
    ARGS = p.parse_args()
    if ARGS.workdir:
        os.makedirs(ARGS.workdir, exist_ok=True)
    ARGS.work = tempfile.mkdtemp(prefix="tessera-cli-", dir=ARGS.workdir)
    start = time.time()
    try:
        if ARGS.part == "cli":
            # Keys and tokens made by the earlier steps are used by the later ones.
            for step in (test_help, test_keys, test_terminal_guard, test_jwt, test_webhook, test_request,
                         test_apikey_and_secret, test_refusals, test_bench, test_no_secret_in_output):
                step()
        else:
            if not ARGS.openssl:
                print("SKIPPED: no openssl command line")
                return 77
            test_openssl()
            test_pyjwt()
    finally:
        shutil.rmtree(ARGS.work, ignore_errors=True)
    print("%s: %d checks, %d failed, %.1f s" % (ARGS.part, CHECKS, len(FAILURES), time.time() - start))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
