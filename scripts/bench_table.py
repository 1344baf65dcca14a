#!/usr/bin/env python3
"""Prints tessera's benchmark table from a Google Benchmark JSON file (scripts/bench writes one).

One row per benchmark: operations per second, the ratio to its raw-OpenSSL floor measured in the
same run, allocations per operation (global operator new calls in the timed loop), the scaling
from one thread to two where threaded variants exist, and each target marked met or missed.
With per-repetition entries in the file (interleaved repetitions), a ratio is computed in each
repetition from the two rows' runs of that repetition, and the table shows the median of those
ratios and their spread (the middle half: 25th to 75th percentile). A ratio target is met only
when the median meets it and the spread does not cross it. Then, for the sweep/ rows, the cost as the work grows: the time of one operation at
each size, its growth from the smallest size to the largest (the ratio, and the log-log slope: 0
for a flat cost, 1 for a linear one) and the sweep targets met or missed. Standard library only.

usage: bench_table.py BENCH.json [--markdown]
"""

import json
import math
import re
import statistics
import sys

# Which floor each benchmark is measured against (same bytes, same run).
FLOORS = [
    # The same token, its key found in a kid_key_set or in a remote_jwks with a warm cache.
    (r"^verify/([^/]+)/(kid_key_set|remote_jwks)$", r"floor/\1"),
    (r"^verify/(.+)$", r"floor/\1"),
    (r"^jws/verify/(.+)$", r"floor/\1"),  # the raw JWS verifier on the reference token's signing input
    (r"^peer/libjwt/(.+)$", r"floor/\1"),
    (r"^reject/bad_signature/(.+)$", r"floor/\1"),
    (r"^api_key/verify$", "floor/api_key"),
    (r"^authenticate/api_key$", "floor/api_key"),
    (r"^issue/(HS\d+)$", r"floor/\1"),  # the HMAC of a signing input of the reference token's size
    (r"^issue/RS256$", "floor/sign/RS256"),  # a raw EVP_DigestSign over the reference signing input
    (r"^authenticate/bearer/(.+)$", r"floor/\1"),
    (r"^webhook/verify/(.+)$", r"floor/webhook/\1"),
    (r"^request_signature/verify/(.+)$", r"floor/request_signature/\1"),
    (r"^request_signature/verify_canonical/(.+)$", r"floor/request_signature_canonical/\1"),
    (r"^request_signature/verify_rfc9421/(.+)$", r"floor/request_signature_rfc9421/\1"),
]

# The targets: (benchmark, metric, comparison, bound, label). A metric "vs:<benchmark>" is the
# row's operations per second over that benchmark's (one thread each); "allocs_vs:<benchmark>" the
# row's allocations per operation minus that benchmark's.
TARGETS = [
    ("verify/HS256", "ratio", ">=", 0.75, "≥0.75× floor"),
    ("verify/RS256", "ratio", ">=", 0.95, "≥0.95× floor"),
    ("verify/PS256", "ratio", ">=", 0.95, "≥0.95× floor"),
    ("verify/ES256", "ratio", ">=", 0.95, "≥0.95× floor"),
    ("verify/ES512", "ratio", ">=", 0.95, "≥0.95× floor"),
    ("verify/EdDSA", "ratio", ">=", 0.95, "≥0.95× floor"),
    ("jws/verify/HS256", "ratio", ">=", 0.7, "≥0.7× floor"),
    ("verify/HS256/remote_jwks", "vs:verify/HS256/kid_key_set", ">=", 0.95, "within 5% of verify/HS256/kid_key_set"),
    ("api_key/verify", "ratio", ">=", 0.75, "≥0.75× floor"),
    ("webhook/verify/1KiB", "ratio", ">=", 0.95, "≥0.95× floor"),
    ("issue/HS256", "ratio", ">=", 0.5, "≥0.5× floor"),
    ("issue/HS256", "allocs", "<=", 2, "≤2 allocs/op"),
    ("issue/RS256", "ratio", ">=", 0.95, "≥0.95× signing floor"),
    ("authenticate/bearer/HS256", "ratio", ">=", 0.55, "≥0.55× floor"),
    ("authenticate/bearer/HS256", "allocs_vs:verify/HS256", "<=", 1, "≤1 alloc/op beyond verify/HS256"),
    ("authenticate/api_key", "ratio", ">=", 0.5, "≥0.5× floor"),
    ("request_signature/verify/RS256", "ratio", ">=", 0.95, "≥0.95× floor"),
    ("request_signature/verify_rfc9421/ed25519", "ratio", ">=", 0.9, "≥0.9× floor"),
    ("request_signature/verify_rfc9421/hmac-sha256", "ratio", ">=", 0.9, "≥0.9× floor"),
    ("reject/malformed", "ops", ">=", 10e6, "≥10 M/s"),
    ("reject/bad_signature/HS256", "ratio", ">=", 0.8, "≥0.8× floor"),
    ("verify/HS256", "scaling", ">=", 1.8, "2 threads ≥1.8×"),
    ("verify/RS256", "scaling", ">=", 1.8, "2 threads ≥1.8×"),
    ("api_key/verify", "scaling", ">=", 1.8, "2 threads ≥1.8×"),
    ("verify/HS256", "allocs", "<=", 3, "≤3 allocs/op"),
    ("api_key/verify", "allocs", "<=", 1, "≤1 alloc/op"),
]

# Row order: by area, then in the suite's registration order.
AREAS = ["verify/", "jws/", "peer/", "reject/", "issue/", "api_key/", "webhook/", "request_signature/", "authenticate/", "floor/",
         "hmac_method/"]

# Order within an area (a run with random interleaving lists benchmarks in random order).
ALGS = ["HS256", "HS384", "HS512", "RS256", "PS256", "ES256", "ES512", "EdDSA"]
ORDER = ([f"verify/{a}" for a in ALGS] + ["verify/HS256/kid_key_set", "verify/HS256/remote_jwks", "verify/HS256/nested_claims", "jws/verify/HS256",
         "peer/libjwt/HS256", "peer/libjwt/RS256", "reject/malformed",
         "reject/bad_signature/HS256", "issue/HS256", "issue/RS256", "api_key/verify", "webhook/verify/1KiB",
         "webhook/verify/1MiB", "request_signature/verify/RS256", "request_signature/verify_canonical/RS256",
         "request_signature/verify_rfc9421/ed25519", "request_signature/verify_rfc9421/hmac-sha256",
         "authenticate/bearer/HS256", "authenticate/api_key"]
         + [f"floor/{a}" for a in ALGS] + ["floor/HS256/nested_claims", "floor/api_key", "floor/webhook/1KiB", "floor/webhook/1MiB",
         "floor/request_signature/RS256", "floor/request_signature_canonical/RS256",
         "floor/request_signature_rfc9421/ed25519", "floor/request_signature_rfc9421/hmac-sha256",
         "floor/sign/RS256"])

THREADS_RE = re.compile(r"/threads:(\d+)$")


def split_name(run_name):
    """(base name, thread count or None) of a run name such as verify/HS256/real_time/threads:2."""
    threads = None
    m = THREADS_RE.search(run_name)
    if m:
        threads = int(m.group(1))
        run_name = run_name[: m.start()]
    for suffix in ("/real_time", "/manual_time"):
        if run_name.endswith(suffix):
            run_name = run_name[: -len(suffix)]
    return run_name, threads


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    runs = {}  # run_name -> {"ips": [...], "allocs": [...], "error": str|None}
    order = []
    have_median = set()
    for b in doc.get("benchmarks", []):
        run_name = b.get("run_name", b["name"])
        entry = runs.get(run_name)
        if entry is None:
            entry = runs[run_name] = {"ips": [], "allocs": [], "error": None, "reps": {}}
            order.append(run_name)
        if b.get("error_occurred"):
            entry["error"] = b.get("error_message", "error")
            continue
        if b.get("run_type") == "aggregate":
            # Prefer the median aggregate; ignore mean/stddev/cv.
            if b.get("aggregate_name") != "median":
                continue
            if run_name not in have_median:
                have_median.add(run_name)
                entry["ips"], entry["allocs"] = [], []
        else:
            if "items_per_second" in b and "repetition_index" in b:
                entry["reps"][int(b["repetition_index"])] = float(b["items_per_second"])
            if run_name in have_median:
                continue
        if "items_per_second" in b:
            entry["ips"].append(float(b["items_per_second"]))
        if "allocs_per_op" in b:
            entry["allocs"].append(float(b["allocs_per_op"]))
    results = {}
    for run_name in order:
        e = runs[run_name]
        results[run_name] = {
            "ips": statistics.median(e["ips"]) if e["ips"] else None,
            "allocs": statistics.median(e["allocs"]) if e["allocs"] else None,
            "error": e["error"],
            "reps": e["reps"],
        }
    return doc.get("context", {}), order, results


def floor_of(name):
    for pattern, repl in FLOORS:
        if re.match(pattern, name):
            return re.sub(pattern, repl, name)
    return None


def fmt_ops(x):
    if x is None:
        return "—"
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g} {unit}/s"
    return f"{x:.3g} /s"


def fmt_num(x, spec):
    return "—" if x is None else format(x, spec)


def build_rows(order, results):
    rows = {}  # base name -> row dict
    row_order = []
    for run_name in order:
        base, threads = split_name(run_name)
        if base.startswith("sweep/"):
            continue  # the cost-as-the-work-grows section
        row = rows.get(base)
        if row is None:
            row = rows[base] = {"name": base, "ips": None, "allocs": None, "t1": None, "t2": None, "error": None,
                                "reps": {}}
            row_order.append(base)
        r = results[run_name]
        if r["error"]:
            row["error"] = r["error"]
        if threads is None:
            row["ips"], row["allocs"] = r["ips"], r["allocs"]
            row["reps"] = r["reps"]
        elif threads == 1:
            row["t1"] = r["ips"]
            if not row["reps"]:
                row["reps"] = r["reps"]
            if row["allocs"] is None:
                row["allocs"] = r["allocs"]
        elif threads == 2:
            row["t2"] = r["ips"]
    for row in rows.values():
        if row["ips"] is None and row["t1"] is not None:
            row["ips"] = row["t1"]
        row["scaling"] = row["t2"] / row["t1"] if row["t1"] and row["t2"] else None
        fl = floor_of(row["name"])
        row["floor"] = fl
        floor_ips = rows[fl]["ips"] if fl in rows else None
        row["ratio"] = row["ips"] / floor_ips if row["ips"] and floor_ips else None
        row["spread"] = None
        floor_reps = rows[fl]["reps"] if fl in rows else {}
        per_rep = [row["reps"][i] / floor_reps[i] for i in sorted(row["reps"]) if i in floor_reps and floor_reps[i]]
        if len(per_rep) >= 2:
            row["ratio"] = statistics.median(per_rep)
            q = statistics.quantiles(per_rep, n=4, method="inclusive")
            row["spread"] = (q[0], q[2])
        row["ops"] = row["ips"]
        row["targets"] = []
    def key(name):
        area = next((i for i, a in enumerate(AREAS) if name.startswith(a)), len(AREAS))
        known = ORDER.index(name) if name in ORDER else len(ORDER)
        return (area, known, name)

    row_order.sort(key=key)
    return [rows[n] for n in row_order], rows


def judge(rows):
    verdicts = []
    for name, metric, cmp, bound, label in TARGETS:
        row = rows.get(name)
        if metric.startswith("vs:"):
            other = rows.get(metric[3:])
            value = row["ips"] / other["ips"] if row and other and row["ips"] and other["ips"] else None
        elif metric.startswith("allocs_vs:"):
            other = rows.get(metric[10:])
            value = (row["allocs"] - other["allocs"]
                     if row and other and row["allocs"] is not None and other["allocs"] is not None else None)
        else:
            value = row[metric] if row else None
        if value is None:
            status = "not run"
        elif not (value >= bound if cmp == ">=" else value <= bound):
            status = "MISSED"
        elif metric == "ratio" and row.get("spread") and not (
                row["spread"][0] >= bound if cmp == ">=" else row["spread"][1] <= bound):
            status = "MISSED (spread crosses)"  # met in the median only
        else:
            status = "met"
        if row:
            row["targets"].append(f"{label}: {status}")
        verdicts.append((name, label, value, status))
    return verdicts


def print_table(ctx, table_rows, verdicts, markdown):
    head = ["benchmark", "ops/s", "× floor", "spread", "allocs/op", "1→2 threads", "targets"]
    body = []
    for r in table_rows:
        body.append([
            r["name"],
            fmt_ops(r["ips"]) if not r["error"] else "ERROR: " + r["error"],
            fmt_num(r["ratio"], ".2f"),
            f"{r['spread'][0]:.2f}–{r['spread'][1]:.2f}" if r.get("spread") else "—",
            fmt_num(r["allocs"], ".2f"),
            fmt_num(r["scaling"], ".2f") + ("×" if r["scaling"] is not None else ""),
            "; ".join(r["targets"]),
        ])
    cpu = ctx.get("cpu_model") or "unknown CPU"
    print()
    print(f"Machine: {cpu}, {ctx.get('num_cpus', '?')} logical CPUs at {ctx.get('mhz_per_cpu', '?')} MHz; "
          f"{ctx.get('openssl', 'OpenSSL ?')}; load average {', '.join(f'{x:.2f}' for x in ctx.get('load_avg', []))}")
    print(f"Run: {ctx.get('date', '?')}, {ctx.get('executable', '?')}")
    print()
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join(["---"] + ["---:"] * 5 + ["---"]) + "|")
        for line in body:
            print("| " + " | ".join(c.replace("|", "\\|") for c in line) + " |")
    else:
        widths = [max(len(h), *(len(line[i]) for line in body)) if body else len(h) for i, h in enumerate(head)]
        print("  ".join(h.ljust(widths[i]) if i in (0, 6) else h.rjust(widths[i]) for i, h in enumerate(head)))
        print("  ".join("-" * w for w in widths))
        for line in body:
            print("  ".join(c.ljust(widths[i]) if i in (0, 6) else c.rjust(widths[i]) for i, c in enumerate(line)))
    met = sum(1 for v in verdicts if v[3] == "met")
    missed = [v for v in verdicts if v[3].startswith("MISSED")]
    not_run = [v for v in verdicts if v[3] == "not run"]
    print()
    print(f"Targets: {met} met, {len(missed)} missed, {len(not_run)} not run.")
    for name, label, value, status in missed:
        shown = f"{value:.3g}" if value is not None else "—"
        print(f"  {status} {name}: {label} (measured {shown})")
    for name, label, _, _ in not_run:
        print(f"  not run {name}: {label}")


# The sweeps in print order; sweeps not listed follow, by name.
SWEEP_ORDER = ["sweep/jwt/verify", "sweep/jwt/floor", "sweep/jwt/verify_refused", "sweep/jwt/kid_key_set/verify",
               "sweep/jwt/kid_key_set/verify_hot", "sweep/jwt/kid_key_set/put", "sweep/api_key/verify",
               "sweep/api_key/verify_hot", "sweep/replay_store/replay", "sweep/replay_store/replay_hot",
               "sweep/replay_store/remember", "sweep/rate_limit/acquire", "sweep/webhook/verify"]

# Counters shown under a sweep's times: (counter, label).
SWEEP_COUNTERS = [("bytes_per_entry", "bytes/entry"), ("bytes_per_principal", "bytes/principal"),
                  ("bytes_per_key", "bytes/key"), ("max_put_us", "slowest put while growing, µs"),
                  ("token_bytes", "token bytes")]

# Sweep targets: (sweep, metric, comparison, bound, label). Metrics: "growth" (the time at the
# largest size over the time at the smallest), "time@SIZE" (ns per operation at that size) and
# "COUNTER@SIZE" (a counter at that size).
SWEEP_TARGETS = [
    ("sweep/jwt/kid_key_set/verify_hot", "growth", "<=", 1.3, "flat within 1.3×"),
    ("sweep/api_key/verify_hot", "growth", "<=", 1.3, "flat within 1.3×"),
    ("sweep/replay_store/replay_hot", "growth", "<=", 1.3, "flat within 1.3×"),
    ("sweep/jwt/kid_key_set/put", "time@100000", "<=", 100e3, "put into 100,000 keys <100 µs"),
    ("sweep/replay_store/replay", "bytes_per_entry@1000000", "<=", 120, "≤120 bytes/entry at 1,000,000"),
]

SWEEP_NAME_RE = re.compile(r"^(sweep/.+?)/(?:(\w+):)?(\d+)$")
TIME_SCALE = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def sweep_base(run_name):
    """(sweep, size name, size) of a sweep run name, or None; option suffixes are dropped."""
    parts = [p for p in run_name.split("/")
             if not re.match(r"^(min_time|repeats|iterations|threads):", p) and p not in ("real_time", "manual_time")]
    m = SWEEP_NAME_RE.match("/".join(parts))
    return (m.group(1), m.group(2) or "size", int(m.group(3))) if m else None


def load_sweeps(path):
    """{sweep: {"unit": size name, "points": [(size, ns per op, {counter: value}, error)]}} from a JSON file."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    runs = {}  # (sweep, size) -> {"median": (ns, counters) | None, "iters": [(ns, counters)], "unit", "error"}
    for b in doc.get("benchmarks", []):
        parsed = sweep_base(b.get("run_name", b["name"]))
        if not parsed:
            continue
        sweep, unit, size = parsed
        r = runs.setdefault((sweep, size), {"median": None, "iters": [], "unit": unit, "error": None})
        if b.get("error_occurred"):
            r["error"] = b.get("error_message", "error")
            continue
        ns = float(b["real_time"]) * TIME_SCALE.get(b.get("time_unit", "ns"), 1.0)
        counters = {k: float(b[k]) for k, _ in SWEEP_COUNTERS if k in b}
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                r["median"] = (ns, counters)
        else:
            r["iters"].append((ns, counters))
    sweeps = {}
    for (sweep, size), r in runs.items():
        ns, counters = r["median"] if r["median"] else (None, {})
        if ns is None and r["iters"]:
            ns = statistics.median(t for t, _ in r["iters"])
            counters = r["iters"][-1][1]
        s = sweeps.setdefault(sweep, {"unit": r["unit"], "points": []})
        s["points"].append((size, ns, counters, r["error"]))
    for s in sweeps.values():
        s["points"].sort(key=lambda p: p[0])
    return sweeps


def sweep_growth(points):
    """(time at the largest size / time at the smallest, least-squares slope of log time on log size)."""
    pts = [(size, ns) for size, ns, _, err in points if ns and not err and size > 0]
    if len(pts) < 2:
        return None, None
    xs = [math.log(size) for size, _ in pts]
    ys = [math.log(ns) for _, ns in pts]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else None
    return pts[-1][1] / pts[0][1], slope


def fmt_time(ns):
    if ns is None:
        return "—"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def fmt_size(size, unit):
    if unit.endswith("bytes") and size >= 1024 and size % 1024 == 0:
        return f"{size // 1048576} MiB" if size % 1048576 == 0 else f"{size // 1024} KiB"
    for suffix, scale in (("M", 10**6), ("k", 10**3)):
        if size >= scale and size % scale == 0:
            return f"{size // scale}{suffix}"
    return str(size)


def fmt_count(v):
    return f"{v:,.0f}" if v >= 1000 else f"{v:.4g}"


def judge_sweeps(sweeps):
    """[(sweep, label, value, status)] for SWEEP_TARGETS."""
    verdicts = []
    for sweep, metric, cmp, bound, label in SWEEP_TARGETS:
        s = sweeps.get(sweep)
        value = None
        if s and metric == "growth":
            value = sweep_growth(s["points"])[0]
        elif s and "@" in metric:
            what, at = metric.split("@")
            for size, ns, counters, err in s["points"]:
                if size == int(at) and not err:
                    value = ns if what == "time" else counters.get(what)
        if value is None:
            status = "not run"
        else:
            status = "met" if (value <= bound if cmp == "<=" else value >= bound) else "MISSED"
        verdicts.append((sweep, label, value, status))
    return verdicts


def print_sweeps(sweeps, markdown):
    names = sorted(sweeps, key=lambda n: (SWEEP_ORDER.index(n) if n in SWEEP_ORDER else len(SWEEP_ORDER), n))
    verdicts = judge_sweeps(sweeps)
    print()
    print("Cost as the work grows (sweep/ rows): the time of one operation at each size (medians); × is the")
    print("time at the largest size over the time at the smallest, slope the log-log slope (0: flat, 1: linear).")
    print()
    if markdown:
        print("| sweep | per operation, by size | × | slope | targets |")
        print("|---|---|---:|---:|---|")
    for name in names:
        s = sweeps[name]
        growth, slope = sweep_growth(s["points"])
        targets = "; ".join(f"{label}: {status}" for sw, label, _, status in verdicts if sw == name)
        cells = [(fmt_size(size, s["unit"]), "ERROR: " + err if err else fmt_time(ns)) for size, ns, _, err in s["points"]]
        extra = []
        for key, label in SWEEP_COUNTERS:
            values = [(fmt_size(size, s["unit"]), c[key]) for size, _, c, _ in s["points"] if key in c]
            if values:
                extra.append((label, values))
        g = f"×{growth:.2f}" if growth is not None else "×—"
        sl = f"{slope:.2f}" if slope is not None else "—"
        if markdown:
            sizes = " · ".join(f"{size}: {t}" for size, t in cells)
            for label, values in extra:
                sizes += f"<br>{label}: " + " · ".join(f"{size}: {fmt_count(v)}" for size, v in values)
            print(f"| {name} ({s['unit']}) | {sizes} | {g} | {sl} | {targets} |")
            continue
        print(f"{name}  ({s['unit']})   {g}  slope {sl}" + (f"   {targets}" if targets else ""))
        widths = [max(len(size), len(t), 7) for size, t in cells]
        print("    " + "  ".join(size.rjust(w) for (size, _), w in zip(cells, widths)))
        print("    " + "  ".join(t.rjust(w) for (_, t), w in zip(cells, widths)))
        for label, values in extra:
            print(f"    {label}: " + ", ".join(f"{size}: {fmt_count(v)}" for size, v in values))
    met = sum(1 for v in verdicts if v[3] == "met")
    missed = [v for v in verdicts if v[3].startswith("MISSED")]
    not_run = [v for v in verdicts if v[3] == "not run"]
    print()
    print(f"Sweep targets: {met} met, {len(missed)} missed, {len(not_run)} not run.")
    for name, label, value, _ in missed:
        print(f"  MISSED {name}: {label} (measured {value:.3g})")
    for name, label, _, _ in not_run:
        print(f"  not run {name}: {label}")


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    ctx, order, results = load(args[0])
    table_rows, rows = build_rows(order, results)
    verdicts = judge(rows)
    print_table(ctx, table_rows, verdicts, "--markdown" in argv)
    sweeps = load_sweeps(args[0])
    if sweeps:
        print_sweeps(sweeps, "--markdown" in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
