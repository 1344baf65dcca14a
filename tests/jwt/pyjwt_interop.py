#!/usr/bin/env python3
"""PyJWT side of tessera's JWT interop tests (run by tests/jwt/pyjwt_interop.test.cpp).

  pyjwt_interop.py sign   --alg ALG --key FILE --claims FILE [--kid KID]
      Signs the JSON claims in FILE with PyJWT and prints "ok <token>".
      The key file holds a PEM private key, or the raw secret for HS*; it is ignored for
      "none" (an unsecured token, for checking that tessera refuses it).
  pyjwt_interop.py verify --alg ALG --key FILE --token FILE [--key-format pem|jwk|raw]
                          [--audience AUD] [--issuer ISS]
      Verifies the token in FILE with PyJWT, requiring exp and iat, and prints
      "ok <claims as JSON>" or "fail <PyJWT exception class>".
  pyjwt_interop.py batch FILE
      Runs one sign/verify command line per line of FILE (shell-quoted) in this one process,
      printing one result line for each, so a test pays for Python's start-up once.

Exit status: 0 when every command ran (whatever their verdicts), 2 on a usage error.
"""
import argparse
import json
import shlex
import sys

import jwt  # PyJWT


def _read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def _parser():
    p = argparse.ArgumentParser(prog="pyjwt_interop.py")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sign")
    s.add_argument("--alg", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--claims", required=True)
    s.add_argument("--kid")
    v = sub.add_parser("verify")
    v.add_argument("--alg", required=True)
    v.add_argument("--key", required=True)
    v.add_argument("--token", required=True)
    v.add_argument("--key-format", choices=["pem", "jwk", "raw"], default="pem")
    v.add_argument("--audience")
    v.add_argument("--issuer")
    b = sub.add_parser("batch")
    b.add_argument("file")
    return p


def sign(args):
    key = None if args.alg == "none" else _read(args.key)
    claims = json.loads(_read(args.claims, "r"))
    headers = {"kid": args.kid} if args.kid else None
    token = jwt.encode(claims, key, algorithm=args.alg, headers=headers)
    if isinstance(token, bytes):  # PyJWT 1.x
        token = token.decode()
    return "ok " + token


def verify(args):
    token = _read(args.token, "r").strip()
    if args.key_format == "jwk":
        key = jwt.PyJWK(json.loads(_read(args.key, "r"))).key
    else:
        key = _read(args.key)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[args.alg],
            audience=args.audience,
            issuer=args.issuer,
            options={"require": ["exp", "iat"]},
        )
    except jwt.PyJWTError as e:
        return "fail " + type(e).__name__
    return "ok " + json.dumps(claims, sort_keys=True, separators=(",", ":"))


def run(argv):
    args = _parser().parse_args(argv)
    if args.command == "sign":
        return [sign(args)]
    if args.command == "verify":
        return [verify(args)]
    out = []
    for line in _read(args.file, "r").splitlines():
        if line.strip():
            out.extend(run(shlex.split(line)))
    return out


def main():
    for line in run(sys.argv[1:]):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
