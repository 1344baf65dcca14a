#!/usr/bin/env python3
"""Prints the peers table from tessera_peers_bench's Google Benchmark JSON (scripts/bench --peers).

One row per library, and per algorithm (HS256, RS256, ES256, EdDSA) its verifications per second
(the median of the repetitions, with their spread as the coefficient of variation) and tessera's
ratio to it (tessera's ops/s divided by the library's: above 1 means tessera is faster). A library
that failed its pre-checks on an algorithm shows FAILED there, with the reason under the table; one
that lacks the algorithm shows n/a (one left out by a --benchmark_filter, not run). Then what each
library checks, from the run's context, and the target: tessera ahead of every peer on
every algorithm that peer supports.
Standard library only.

usage: peers_table.py PEERS.json [--markdown]
"""

import json
import statistics
import sys

ALGS = ["HS256", "RS256", "ES256", "EdDSA"]
ORDER = ["tessera", "jwt-cpp", "cpp-jwt", "libjwt", "rhonabwy", "poco-jwt"]


def load(path):
    """(context, {(library, alg): {"ips", "cv", "error"}}) from a benchmark JSON file."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    cells = {}
    raw = {}  # iteration runs, used when the file has no aggregates
    for b in doc.get("benchmarks", []):
        name = b.get("run_name", b["name"])
        if "/" not in name:
            continue
        lib, alg = name.split("/", 1)
        cell = cells.setdefault((lib, alg), {"ips": None, "cv": None, "error": None, "reps": None})
        if b.get("error_occurred"):
            cell["error"] = b.get("error_message", "error")
            continue
        ips = b.get("items_per_second")
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                cell["ips"] = ips
                cell["reps"] = b.get("repetitions")
            elif b.get("aggregate_name") == "cv":
                cell["cv"] = ips
        elif ips is not None:
            raw.setdefault((lib, alg), []).append(float(ips))
    for key, values in raw.items():
        cell = cells[key]
        if cell["ips"] is None:
            cell["ips"] = statistics.median(values)
            cell["reps"] = len(values)
            if len(values) > 1:
                cell["cv"] = statistics.stdev(values) / statistics.mean(values)
    return doc.get("context", {}), cells


def fmt_ops(x):
    """Operations per second with a k or M unit."""
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g} {unit}"
    return f"{x:.3g}"


def libraries(ctx, cells):
    """The libraries of the run, tessera first, then the peers in a fixed order."""
    names = {lib for lib, _ in cells} | {k.split("/", 1)[1] for k in ctx if k.startswith("version/")}
    return sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def build(ctx, cells):
    """Table header, rows, failures [(lib, alg, reason)] and target verdicts [(lib, alg, ratio)]."""
    head = ["library"]
    for a in ALGS:
        head += [f"{a} verify/s", "tessera ×"]
    rows, failures, verdicts = [], [], []
    for lib in libraries(ctx, cells):
        version = ctx.get(f"version/{lib}", "")
        row = [f"{lib} {version}".strip()]
        for a in ALGS:
            cell = cells.get((lib, a))
            tess = cells.get(("tessera", a))
            if cell is None:
                supported = ctx.get(f"algorithms/{lib}")
                row += ["n/a", ""] if supported is not None and a not in supported.split(",") else ["not run", ""]
            elif cell["error"]:
                row += ["FAILED", "—"]
                failures.append((lib, a, cell["error"]))
            elif cell["ips"] is None:
                row += ["—", "—"]
            else:
                spread = f" ±{cell['cv'] * 100:.0f}%" if cell["cv"] is not None else ""
                ratio = tess["ips"] / cell["ips"] if tess and tess["ips"] and not tess["error"] else None
                row += [fmt_ops(cell["ips"]) + spread, f"{ratio:.2f}" if ratio is not None else "—"]
                if lib != "tessera":
                    verdicts.append((lib, a, ratio))
        rows.append(row)
    return head, rows, failures, verdicts


def print_table(ctx, head, rows, markdown):
    """Prints the machine, the run and the table (aligned text or Markdown)."""
    cpu = ctx.get("cpu_model") or "unknown CPU"
    load = ", ".join(f"{x:.2f}" for x in ctx.get("load_avg", []))
    print()
    print(f"Machine: {cpu}, {ctx.get('num_cpus', '?')} logical CPUs at {ctx.get('mhz_per_cpu', '?')} MHz; "
          f"{ctx.get('openssl', 'OpenSSL ?')}; load average {load}")
    print(f"Run: {ctx.get('date', '?')}, {ctx.get('executable', '?')}; {ctx.get('claims_bytes', '?')}-byte claims, "
          "the same token bytes and keys for every library; medians ± coefficient of variation")
    print()
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
        for r in rows:
            print("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print("  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(head)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)))


def main(argv):
    """Prints the table, the failures, each library's checks and the target verdict."""
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    ctx, cells = load(args[0])
    head, rows, failures, verdicts = build(ctx, cells)
    print_table(ctx, head, rows, "--markdown" in argv)
    print()
    if failures:
        print("Failed (not timed):")
        for lib, a, reason in failures:
            print(f"  {lib} {a}: {reason}")
        print()
    print("What each library checks:")
    for lib in libraries(ctx, cells):
        print(f"  {lib}: {ctx.get(f'checks/{lib}', '?')}")
    print()
    behind = [(lib, a, r) for lib, a, r in verdicts if r is None or r <= 1.0]
    ahead = len(verdicts) - len(behind)
    status = "MISSED" if behind else "met" if verdicts else "not run"
    failed = f"; {len(failures)} failed pairs not judged" if failures else ""
    print(f"Target: tessera ahead of every peer on every algorithm it supports: {status} "
          f"({ahead} of {len(verdicts)} timed pairs ahead{failed})")
    for lib, a, r in behind:
        print(f"  not ahead: {lib} {a} (tessera × {r:.2f})" if r is not None else f"  not ahead: {lib} {a} (no tessera figure)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
