"""A scripted partner for tessera's reference servers: starts a server on a free loopback port,
sends it real HTTP requests, checks each answer (status, error name, legacy code), prints a
transcript, and at the end scans the server's audit trail and output for any secret it was given.

A suite calls partner(...), then check(...) for each request, then finish(). Exit status 0 only
when every answer was the expected one.
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time


class Answer:
    """One HTTP answer: status, headers (a list, names as sent), body bytes, and its JSON if any."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        """The first value of a header (case-insensitive), or None."""
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def all(self, name):
        """Every value of a header (case-insensitive)."""
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def error(self):
        """The "error" member of a JSON error body, or None."""
        return self.json.get("error") if isinstance(self.json, dict) else None


class Partner:
    """A running reference server and the partner that drives it."""

    def __init__(self, title, server, extra_args=(), transcript=False):
        self.title = title
        self.transcript = transcript
        self.failures = []
        self.checks = 0
        self.secrets = set()
        self.workdir = tempfile.mkdtemp(prefix="tessera-e2e-")
        self.audit_path = os.path.join(self.workdir, "audit.jsonl")
        self.audit_seen = 0
        self.stderr_path = os.path.join(self.workdir, "server.stderr")
        self.stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen([server, "--port", "0", "--audit-file", self.audit_path, *extra_args],
                                     stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(5)
            raise SystemExit("the server did not start: " + open(self.stderr_path).read())
        self.hello = json.loads(line)
        self.port = self.hello["port"]
        self.admin_key = self.hello.get("admin_key")
        if self.admin_key:
            self.secret(self.admin_key)
        self.say(f"=== {title} (127.0.0.1:{self.port})")

    def say(self, text):
        if self.transcript:
            print(text, flush=True)

    def secret(self, value):
        """Remembers a secret, token, key or signature that must never appear in the audit trail."""
        if value and len(value) >= 8:
            self.secrets.add(value)
        return value

    def send(self, method, path, headers=(), body=None, json_body=None):
        """Sends one request; headers is a list of (name, value), so a name may repeat."""
        if json_body is not None:
            body = json.dumps(json_body)
            headers = list(headers) + [("Content-Type", "application/json")]
        if isinstance(body, str):
            body = body.encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in headers:
            conn.putheader(k, v)
        if body is None and method in ("POST", "PUT", "PATCH"):
            body = b""  # as common clients do: an empty body still has its length
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        answer = Answer(r.status, r.getheaders(), r.read())
        conn.close()
        return answer

    def new_audit(self):
        """Audit records written since the last call."""
        try:
            with open(self.audit_path) as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            return []
        fresh = lines[self.audit_seen:]
        self.audit_seen = len(lines)
        return [json.loads(l) for l in fresh if l.strip()]

    def check(self, label, answer, status, error=None, code=None, expect=None):
        """Checks an answer: its status, its error name (None: no error body expected), its legacy
        "code", and any extra predicate; prints one transcript line with the audit records."""
        self.checks += 1
        problems = []
        if answer.status != status:
            problems.append(f"status {answer.status}, expected {status}")
        if error is not None and answer.error() != error:
            problems.append(f"error {answer.error()!r}, expected {error!r}")
        if code is not None and (not isinstance(answer.json, dict) or answer.json.get("code") != code):
            problems.append(f"code {answer.json.get('code') if isinstance(answer.json, dict) else None}, expected {code}")
        if expect is not None:
            try:
                ok = expect(answer)
            except Exception as e:  # noqa: BLE001 - a failed predicate is a failed check
                ok = False
                problems.append(f"check raised {e!r}")
            if not ok and not problems:
                problems.append("the answer's content is not the expected one")
        audit = "; ".join(self.describe(r) for r in self.new_audit())
        verdict = "ok " if not problems else "FAIL"
        name = answer.error() or ""
        self.say(f"  {verdict} {label:<58} {answer.status} {name}" + (f"   audit: {audit}" if audit else ""))
        if problems:
            self.failures.append(f"{label}: " + ", ".join(problems))
            if not self.transcript:
                print(f"FAIL {label}: " + ", ".join(problems), file=sys.stderr)
        return answer

    @staticmethod
    def describe(r):
        parts = [r.get("action", "?"), "allowed" if r.get("allowed") else "refused"]
        if r.get("cause"):
            parts.append(r["cause"])
        for k in ("actor", "target", "reason"):
            if r.get(k):
                parts.append(f"{k}={r[k]}")
        return " ".join(parts)

    def finish(self):
        """Stops the server, scans what it wrote for secrets, prints the summary; the exit status."""
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.failures.append("the server did not stop on SIGTERM")
        self.stderr.close()
        written = ""
        for path in (self.audit_path, self.stderr_path):
            if os.path.exists(path):
                written += open(path, errors="replace").read()
        written += self.proc.stdout.read() or ""
        records = written.count("\n")
        for s in self.secrets:
            if s in written or s[:16] in written:
                self.failures.append("a secret, token, key or signature appears in the server's audit trail or output")
                break
        if self.proc.returncode not in (0, -15):
            self.failures.append(f"the server exited with {self.proc.returncode}")
        summary = (f"{self.title}: {self.checks} checks, "
                   + ("every answer as expected" if not self.failures else f"{len(self.failures)} unexpected")
                   + f"; {len(self.secrets)} secrets scanned for in {records} lines of audit and output")
        print(summary, flush=True)
        for f in self.failures:
            print("  unexpected: " + f, file=sys.stderr)
        return 0 if not self.failures else 1


def partner(title, server_args=()):
    """Parses the suite's command line (--server PATH, --transcript; anything else goes to the
    server) and starts the server with server_args too."""
    p = argparse.ArgumentParser(description=title)
    p.add_argument("--server", required=True, help="the reference server's executable")
    p.add_argument("--transcript", action="store_true", help="print one line per request")
    a, rest = p.parse_known_args()
    return Partner(title, a.server, [*server_args, *rest], a.transcript)


def wait_until(predicate, seconds=10.0, step=0.05):
    """Polls predicate until it is true or the time is up; its last value."""
    end = time.monotonic() + seconds
    while True:
        v = predicate()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)


def standard_webhooks_ok(secret, headers, body):
    """Standard Webhooks, checked independently of tessera: base64 HMAC-SHA256 of
    "id.timestamp.body" under the base64 key of a whsec_ secret; headers in lower case."""
    key = base64.b64decode(secret.split("_", 1)[1])
    msg = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    want = base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(s.split(",", 1)[1], want) for s in headers["webhook-signature"].split(" "))
