"""The load run: the org-scoped reference server under wrk (bench/load/mixed.lua), with tessera's
authentication and, on the same server, without it, in interleaved repetitions; then the same as a
fleet, two server processes sharing one private redis-server (with --redis-cache: API-key records
cached locally, invalidated by Redis).

    python3 bench/load/load.py --server build/load/examples/tessera-server-org_scoped [--seconds 60]
                               [--connections 2] [--pairs 10] [--no-fleet] [--audit-flush-ms 100]
                               [--json FILE]

The server runs with --unauthenticated-baseline, which adds GET /bench/bare/v2/orgs/{orgId}/orders:
the handler body of GET /v2/orgs/{orgId}/orders with no authentication. Its audit trail is
gathered and written every 100 ms (--audit-flush-ms 100, as a server under load would run it;
--audit-flush-ms 0 writes each line at once, one system call per authenticated request). Keys and tokens are made
through the server's own admin and token endpoints. The authenticated run sends eight classes of
request round robin, each with the one status it must get:
    valid token, GET orders .............. 200     token of another org ............ 403
    read-only token creating an order .... 403     forged token signature .......... 401
    token of a revoked key ............... 401     junk Authorization header ....... 401
    no credential ........................ 401     API key on a token route ........ 401
The bare run sends the same rotation with the same headers as GETs to the bare route (all 200).
Each pair runs both, in alternating order; the report gives requests/s for each, the ratio per
pair (median, middle half from the 25th to the 75th percentile, and spread), p50 and p99 latency, each status per class, wrong verdicts, 5xx,
transport errors, and the servers' resident memory after warm-up and at the end.

`seconds` is the in-process run's traffic time (authenticated and bare together); the fleet run
gets two thirds of it, in as many pairs. A server and its wrk are pinned to one CPU (in the
fleet, each instance to a CPU of its own), so that the scheduler does not place them anew in
every run. Everything listens on 127.0.0.1; servers and redis-server are stopped on the
way out, whatever happens. Python's standard library only; exit status 1 on any wrong verdict,
5xx or transport error.
"""
import argparse
import base64
import ctypes
import http.client
import json
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "mixed.lua")
FIXTURE = os.path.join(HERE, "..", "..", "tests", "redis", "redis_fixture.sh")
BARE = "/bench/bare"
TARGET_RATIO, TARGET_RSS_GROWTH = 0.9, 0.05


class Server:
    """One org-scoped server process on a free 127.0.0.1 port, in its own process group."""

    audit_flush_ms = 100  # --audit-flush-ms of every server started

    def __init__(self, binary, workdir, name, extra=(), env=None, cpu=None):
        self.name, self.cpu = name, cpu
        self.stderr_path = os.path.join(workdir, name + ".stderr")
        with open(self.stderr_path, "w") as err:
            self.proc = subprocess.Popen([binary, "--port", "0", "--audit-file", os.path.join(workdir, name + ".audit.jsonl"),
                                          "--audit-flush-ms", str(Server.audit_flush_ms), "--unauthenticated-baseline", *extra],
                                         stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True,
                                         env={**os.environ, **(env or {})}, preexec_fn=child_setup(cpu))
        try:
            ready, _, _ = select.select([self.proc.stdout], [], [], 15)
            line = self.proc.stdout.readline() if ready else ""
            if not line:
                raise RuntimeError(f"{name} did not start: " + open(self.stderr_path).read().strip())
            hello = json.loads(line)
            self.port, self.admin_key = hello["port"], hello["admin_key"]
        except BaseException:
            self.stop()
            raise

    def rss_kib(self):
        """VmRSS of /proc/<pid>/status, in KiB."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return -1

    def cpu_seconds(self):
        """User plus system CPU time of the process, all threads, from /proc/<pid>/stat."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        """SIGTERM to the process group, SIGKILL after 5 s."""
        if self.proc.poll() is None:
            stop_group(self.proc, 5)


def die_with_driver():
    """In a child before exec: SIGTERM when the driver dies (prctl PR_SET_PDEATHSIG), even by SIGKILL."""
    ctypes.CDLL(None).prctl(1, int(signal.SIGTERM), 0, 0, 0)


def child_setup(cpu):
    """The preexec_fn of a child: die_with_driver, and pinned to one CPU when `cpu` is not None."""
    def setup():
        die_with_driver()
        if cpu is not None:
            os.sched_setaffinity(0, {cpu})
    return setup


def instance_cpus(n):
    """The CPU for each of n instances (a server and its wrk), round robin over the CPUs this
    process may use; None each when there is only one."""
    allowed = sorted(os.sched_getaffinity(0))
    return [allowed[i % len(allowed)] if len(allowed) > 1 else None for i in range(n)]


def stop_group(proc, grace):
    """Stops a process started with start_new_session: SIGTERM to its group, then SIGKILL."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(grace)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def call(port, method, path, headers=(), body=None):
    """One HTTP request on a fresh connection: (status, JSON body or None)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path, body=body, headers=dict(headers))
        r = c.getresponse()
        data = r.read()
        return r.status, (json.loads(data) if data else None)
    finally:
        c.close()


def provision(port, admin_key):
    """Keys and tokens through the server's endpoints; the eight classes of the authenticated run."""
    admin = {"ApiKey": admin_key, "Content-Type": "application/json"}

    def new_key(scopes):
        status, body = call(port, "POST", "/admin/orgs/org_a/api-keys", admin, json.dumps({"scopes": scopes}))
        if status != 201:
            raise RuntimeError(f"creating an API key: {status} {body}")
        return body

    def token_of(key):
        status, body = call(port, "POST", "/auth/token", {"ApiKey": key["api_key"]})
        if status != 200:
            raise RuntimeError(f"exchanging an API key: {status} {body}")
        return body["access_token"]

    full, reader, doomed = new_key(["orders:read", "orders:write"]), new_key(["orders:read"]), new_key(["orders:read"])
    t_full, t_read, t_doomed = token_of(full), token_of(reader), token_of(doomed)
    status, body = call(port, "DELETE", "/admin/api-keys/" + doomed["key_id"], {"ApiKey": admin_key})
    if status != 200:
        raise RuntimeError(f"revoking a key: {status} {body}")
    head, sig = t_full.rsplit(".", 1)  # one signature character changed, mid-signature (not a padding bit)
    forged = head + "." + sig[:10] + ("B" if sig[10] == "A" else "A") + sig[11:]

    def bearer(t):
        return {"Authorization": "Bearer " + t}

    orders = "/v2/orgs/org_a/orders"
    return [
        {"name": "valid token", "method": "GET", "path": orders, "headers": bearer(t_full), "expect": 200, "weight": 8},
        {"name": "another org's path", "method": "GET", "path": "/v2/orgs/org_b/orders", "headers": bearer(t_full), "expect": 403},
        {"name": "missing scope", "method": "POST", "path": orders, "body": '{"items":[]}',
         "headers": {**bearer(t_read), "Content-Type": "application/json"}, "expect": 403},
        {"name": "forged signature", "method": "GET", "path": orders, "headers": bearer(forged), "expect": 401},
        {"name": "revoked key's token", "method": "GET", "path": orders, "headers": bearer(t_doomed), "expect": 401},
        {"name": "junk Authorization", "method": "GET", "path": orders, "headers": {"Authorization": "Bearer !!!"}, "expect": 401},
        {"name": "no credential", "method": "GET", "path": orders, "headers": {}, "expect": 401},
        {"name": "API key on a token route", "method": "GET", "path": orders, "headers": {"ApiKey": full["api_key"]}, "expect": 401},
    ]


def bare_of(classes):
    """The bare run's classes: the same rotation and headers, as GETs to the unauthenticated route."""
    return [{**c, "method": "GET", "path": BARE + c["path"], "body": None,
             "headers": {k: v for k, v in c["headers"].items() if k != "Content-Type"}, "expect": 200} for c in classes]


def check_once(port, classes):
    """Each class once over Python's own client: the status it must get, before any timing."""
    for c in classes:
        status, body = call(port, c["method"], c["path"], c["headers"], c.get("body"))
        if status != c["expect"]:
            raise RuntimeError(f"{c['name']} on :{port}: {status}, expected {c['expect']} ({body})")


def lua_string(s):
    """A Lua string literal (every byte outside printable ASCII, quote and backslash as \\ddd)."""
    return '"' + "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "\\%03d" % ord(ch) for ch in s) + '"'


def write_config(path, classes):
    """The Lua file mixed.lua reads (TESSERA_LOAD_CONFIG)."""
    with open(path, "w") as f:
        f.write("return {\n")
        for c in classes:
            headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in c["headers"].items())
            body = lua_string(c["body"]) if c.get("body") else "nil"
            f.write(f"  {{ name = {lua_string(c['name'])}, method = {lua_string(c['method'])}, path = {lua_string(c['path'])},"
                    f" headers = {{ {headers} }}, body = {body}, expect = {c['expect']}, weight = {c.get('weight', 1)} }},\n")
        f.write("}\n")


def start_wrk(port, config, seconds, connections, cpu=None):
    """wrk with mixed.lua against one server, one connection per thread (pinned to `cpu` if given)."""
    env = {**os.environ, "TESSERA_LOAD_CONFIG": config}
    return subprocess.Popen(["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "2s",
                             "--latency", "-s", LUA, f"http://127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True,
                            preexec_fn=child_setup(cpu))


def finish_wrk(proc, seconds):
    """The JSON line mixed.lua's done() printed, once wrk ends (killed 30 s past its time)."""
    try:
        out, err = proc.communicate(timeout=seconds + 30)
    except subprocess.TimeoutExpired:
        stop_group(proc, 2)
        raise RuntimeError("wrk did not finish in time")
    for line in out.splitlines():
        if line.startswith("tessera-load "):
            return json.loads(line[len("tessera-load "):])
    raise RuntimeError(f"wrk exited {proc.returncode} without a report: {err.strip() or out.strip()}")


def run_wrk(servers, config, seconds, connections):
    """One run: a wrk per server, all at once; their results merged (requests/s summed)."""
    cpu = sum(s.cpu_seconds() for s in servers)
    procs = [start_wrk(s.port, config, seconds, connections, s.cpu) for s in servers]
    try:
        parts = [finish_wrk(p, seconds) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                stop_group(p, 2)
    cpu = sum(s.cpu_seconds() for s in servers) - cpu
    requests = sum(p["requests"] for p in parts)
    merged = {"rps": sum(p["requests"] / (p["duration_us"] / 1e6) for p in parts), "requests": requests,
              "server_cpu_us": cpu * 1e6 / max(1, requests),
              "p50_us": max(p["p50_us"] for p in parts), "p99_us": max(p["p99_us"] for p in parts),
              "errors": sum(sum(p["errors"].values()) for p in parts), "classes": []}
    for i, c in enumerate(parts[0]["classes"]):
        statuses = {}
        for p in parts:
            for s, n in p["classes"][i]["statuses"].items():
                statuses[s] = statuses.get(s, 0) + n
        merged["classes"].append({"name": c["name"], "expect": c["expect"], "statuses": statuses,
                                  "wrong": sum(p["classes"][i]["wrong"] for p in parts)})
    return merged


def measure(title, servers, classes, seconds, pairs, connections, workdir):
    """Warm-up, then `pairs` authenticated/bare pairs in alternating order; the run's figures."""
    for s in servers:
        check_once(s.port, classes)
        check_once(s.port, bare_of(classes))
    auth_cfg, bare_cfg = os.path.join(workdir, "auth.lua"), os.path.join(workdir, "bare.lua")
    write_config(auth_cfg, classes)
    write_config(bare_cfg, bare_of(classes))
    each = max(1, round(seconds / (2 * pairs)))
    print(f"{title}: warm-up, then {pairs} pair{'s' if pairs != 1 else ''} of {each} s authenticated + {each} s bare, "
          f"{connections} connection(s) per server", flush=True)
    run_wrk(servers, auth_cfg, 2, connections)
    run_wrk(servers, bare_cfg, 2, connections)
    rss_before = [s.rss_kib() for s in servers]
    auth, bare = [], []
    for i in range(pairs):
        order = [("auth", auth_cfg), ("bare", bare_cfg)]
        for kind, cfg in (order if i % 2 == 0 else order[::-1]):
            r = run_wrk(servers, cfg, each, connections)
            (auth if kind == "auth" else bare).append(r)
        print(f"  pair {i + 1}: authenticated {auth[-1]['rps']:,.0f}/s, bare {bare[-1]['rps']:,.0f}/s, "
              f"ratio {auth[-1]['rps'] / bare[-1]['rps']:.3f}", flush=True)
    rss_after = [s.rss_kib() for s in servers]
    return {"title": title, "servers": len(servers), "connections": connections, "pairs": pairs, "seconds_each": each,
            "auth": auth, "bare": bare, "ratios": [a["rps"] / b["rps"] for a, b in zip(auth, bare)],
            "rss_before_kib": rss_before, "rss_after_kib": rss_after}


def summarise(run):
    """Prints one run's report; returns (targets met, targets total, clean) and the figures."""
    def med(xs):
        return statistics.median(xs)

    def totals(runs):
        out = {}
        for r in runs:
            for c in r["classes"]:
                t = out.setdefault(c["name"], {"expect": c["expect"], "statuses": {}, "wrong": 0})
                t["wrong"] += c["wrong"]
                for s, n in c["statuses"].items():
                    t["statuses"][s] = t["statuses"].get(s, 0) + n
        return out

    ratios, auth, bare = run["ratios"], run["auth"], run["bare"]
    by_class_auth, by_class_bare = totals(auth), totals(bare)
    wrong = sum(c["wrong"] for c in by_class_auth.values()) + sum(c["wrong"] for c in by_class_bare.values())
    fives = sum(n for t in (by_class_auth, by_class_bare) for c in t.values() for s, n in c["statuses"].items() if int(s) >= 500)
    errors = sum(r["errors"] for r in auth + bare)
    before, after = sum(run["rss_before_kib"]), sum(run["rss_after_kib"])
    growth = (after - before) / before if before > 0 else float("nan")
    print(f"\n{run['title']} ({run['servers']} server process{'es' if run['servers'] > 1 else ''}, "
          f"{run['connections']} wrk connection(s) each, {run['pairs']} pair{'s' if run['pairs'] != 1 else ''} of {run['seconds_each']} s)")
    print(f"  {'':16} {'requests/s (min–max)':>26} {'p50':>9} {'p99':>9} {'server CPU/request':>19}")
    for name, rs in (("authenticated", auth), ("bare handler", bare)):
        rps = [r["rps"] for r in rs]
        print(f"  {name:16} {med(rps):>9,.0f} ({min(rps):>6,.0f}–{max(rps):>6,.0f}) "
              f"{med([r['p50_us'] for r in rs]):>6.0f} µs {med([r['p99_us'] for r in rs]):>6.0f} µs "
              f"{med([r['server_cpu_us'] for r in rs]):>16.1f} µs")
    quarter = statistics.quantiles(ratios, n=4, method="inclusive") if len(ratios) >= 2 else [ratios[0]] * 3
    print(f"  ratio authenticated/bare: median {med(ratios):.3f}, middle half {quarter[0]:.3f}–{quarter[2]:.3f}, "
          f"spread {min(ratios):.3f}–{max(ratios):.3f} "
          f"(pairs: {', '.join(f'{x:.2f}' for x in ratios)})")
    cpu = [b["server_cpu_us"] / a["server_cpu_us"] for a, b in zip(auth, bare) if a["server_cpu_us"] > 0]
    if cpu:
        print(f"  server CPU per request, bare/authenticated: median {med(cpu):.3f}, spread {min(cpu):.3f}–{max(cpu):.3f}")
    print("  statuses per class (authenticated runs; the bare runs in brackets):")
    for name, c in by_class_auth.items():
        st = ", ".join(f"{s}: {n:,}" for s, n in sorted(c["statuses"].items()))
        b = by_class_bare.get(name, {"statuses": {}})
        bst = ", ".join(f"{s}: {n:,}" for s, n in sorted(b["statuses"].items()))
        print(f"    {name:26} expects {c['expect']}  {st}   wrong {c['wrong']}   [{bst}]")
    print(f"  wrong verdicts {wrong}   5xx {fives}   transport errors {errors}")
    per = ", ".join(f"{b:,} → {a:,}" for b, a in zip(run["rss_before_kib"], run["rss_after_kib"]))
    print(f"  server RSS after warm-up → end: {per} KiB (growth {growth * 100:+.2f} %)")
    targets = [("authenticated ≥ 0.9× bare requests/s (median ratio, and its middle half not below)",
                med(ratios) >= TARGET_RATIO and quarter[0] >= TARGET_RATIO),
               ("zero 5xx", fives == 0), ("zero wrong verdicts", wrong == 0),
               ("RSS growth under 5 %", growth < TARGET_RSS_GROWTH)]
    for label, ok in targets:
        print(f"  {'met   ' if ok else 'MISSED'} {label}")
    figures = {"ratio_median": med(ratios), "ratio_q1": quarter[0], "ratio_q3": quarter[2], "ratio_min": min(ratios),
               "ratio_max": max(ratios), "ratios": ratios,
               "auth_rps_median": med([r["rps"] for r in auth]), "bare_rps_median": med([r["rps"] for r in bare]),
               "auth_p50_us": med([r["p50_us"] for r in auth]), "auth_p99_us": med([r["p99_us"] for r in auth]),
               "bare_p50_us": med([r["p50_us"] for r in bare]), "bare_p99_us": med([r["p99_us"] for r in bare]),
               "cpu_ratios": cpu, "auth_server_cpu_us": med([r["server_cpu_us"] for r in auth]),
               "bare_server_cpu_us": med([r["server_cpu_us"] for r in bare]),
               "classes": by_class_auth, "bare_classes": by_class_bare, "wrong": wrong, "server_errors": fives,
               "transport_errors": errors, "rss_before_kib": run["rss_before_kib"], "rss_after_kib": run["rss_after_kib"],
               "rss_growth": growth}
    return sum(ok for _, ok in targets), len(targets), wrong == 0 and fives == 0 and errors == 0, figures


def in_process(args, workdir):
    """One server process: the authenticated route and the bare one, interleaved."""
    # The server and its wrk share one CPU, as each fleet instance does: the scheduler spreading
    # them over both cores anew in every run made pairs swing from 0.7 to 1.2.
    server = Server(args.server, workdir, "server", cpu=instance_cpus(1)[0])
    try:
        classes = provision(server.port, server.admin_key)
        return measure("in-process", [server], classes, args.seconds, args.pairs, args.connections, workdir)
    finally:
        server.stop()


def fleet(args, workdir):
    """Two server processes on one private redis-server, a wrk against each at once; None when skipped."""
    state = os.path.join(workdir, "redis.state")
    subprocess.run(["sh", FIXTURE, "start", state], check=True, stdout=subprocess.DEVNULL)
    servers = []
    try:
        values = dict(line.split("=", 1) for line in open(state).read().split() if "=" in line)
        if "port" not in values:
            print(f"\nfleet: SKIPPED ({values.get('unavailable', 'redis-server did not start')})")
            return None
        secrets = {name: base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
                   for name in ("TESSERA_JWT_SECRET", "TESSERA_API_KEY_PEPPER", "TESSERA_WEBHOOK_KEK")}
        try:
            # One deployment: the instances share their secrets. Each instance and its wrk share a
            # CPU of their own (unpinned, pairs swung from 0.6 to 1.8); redis-server is not pinned.
            for name, cpu in zip(("fleet-a", "fleet-b"), instance_cpus(2)):
                servers.append(Server(args.server, workdir, name, ["--redis", "127.0.0.1:" + values["port"], "--redis-cache"],
                                      secrets, cpu))
        except RuntimeError as e:  # e.g. a build without tessera::redis
            print(f"\nfleet: SKIPPED ({e})")
            return None
        classes = provision(servers[0].port, servers[0].admin_key)  # made on A, used on both
        seconds = max(4, 2 * args.seconds // 3)
        pairs = max(2, args.pairs)
        return measure("fleet", servers, classes, seconds, pairs, args.fleet_connections, workdir)
    finally:
        for s in servers:
            s.stop()
        subprocess.run(["sh", FIXTURE, "stop", state], check=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", required=True, help="the tessera-server-org_scoped binary")
    ap.add_argument("--seconds", type=int, default=60, help="in-process traffic time, both kinds together (default 60)")
    ap.add_argument("--pairs", type=int, default=10, help="authenticated/bare pairs, in process and in the fleet (default 10)")
    ap.add_argument("--connections", type=int, default=2, help="wrk connections (= threads) in process (default 2)")
    ap.add_argument("--fleet-connections", type=int, default=1, help="wrk connections per fleet server (default 1)")
    ap.add_argument("--no-fleet", action="store_true", help="skip the two-process run on Redis")
    ap.add_argument("--audit-flush-ms", type=int, default=100,
                    help="the servers' audit flush interval (0: each line written at once; default 100)")
    ap.add_argument("--json", help="write the figures there too")
    args = ap.parse_args()
    Server.audit_flush_ms = args.audit_flush_ms
    args.seconds = max(4, min(3600, args.seconds))
    args.pairs = max(1, min(50, args.pairs))
    if shutil.which("wrk") is None:
        sys.exit("load.py: wrk is not installed (apt-get install wrk)")
    if not os.access(args.server, os.X_OK):
        sys.exit(f"load.py: no server at {args.server}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the finally blocks stop the servers
    workdir = tempfile.mkdtemp(prefix="tessera-load-")
    try:
        runs = [in_process(args, workdir)]
        if not args.no_fleet:
            f = fleet(args, workdir)
            if f is not None:
                runs.append(f)
    except RuntimeError as e:
        sys.exit(f"load.py: {e}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    clean, met, total, report = True, 0, 0, {}
    for run in runs:
        m, t, ok, figures = summarise(run)
        met, total, clean = met + m, total + t, clean and ok
        report[run["title"]] = figures
    print(f"\ntargets: {met} of {total} met")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
