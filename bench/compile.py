#!/usr/bin/env python3
"""What including a header costs at build time: for each public header of tessera, and for the
dependencies' headers beside them, the wall time and peak memory of

    g++ -std=c++20 -O2 -fsyntax-only  (a file that includes only that header)

as the median of interleaved repetitions, with each time as a ratio to nlohmann/json.hpp alone
measured in the same repetition. Run by `scripts/bench --compile`.

    bench/compile.py [--repetitions N] [--all] [--compiler g++] [--json out.json]

Without --all only the umbrella headers (tessera.hpp and one per area) are measured. The rows
marked [separate] compile the same include with TESSERA_SEPARATE_COMPILATION defined, as a
program built in the separately compiled mode does (the bodies of non-template functions are
then compiled once, in <tessera/src.hpp>'s translation unit).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
INCLUDE = os.path.normpath(os.path.join(HERE, "..", "include"))
DEPENDENCIES = ["nlohmann/json.hpp", "simdjson.h", "openssl/evp.h", "string", "vector"]
# The targets the compile-time rows are held to (issue: round two on speed), as ratios to
# nlohmann/json.hpp alone, and a memory bound in MB.
TARGETS = {"tessera/tessera.hpp": (2.6, 450), "tessera/tessera.hpp [separate]": (1.5, None)}
AREA_TARGET = 2.0
AREAS = ["tessera/jwt.hpp", "tessera/webhook.hpp", "tessera/api_key.hpp", "tessera/http.hpp"]
SEPARATE = " [separate]"


def public_headers(all_headers):
    """The headers to measure: umbrellas, or every public header with --all (redis/ only when
    hiredis is installed; detail/ never)."""
    out = []
    for root, dirs, files in os.walk(os.path.join(INCLUDE, "tessera")):
        dirs[:] = sorted(d for d in dirs if d != "detail")
        for f in sorted(files):
            if not f.endswith(".hpp"):
                continue
            rel = os.path.relpath(os.path.join(root, f), INCLUDE)
            if rel == "tessera/src.hpp":
                continue  # the separately compiled mode's one translation unit, not an include
            depth = rel.count("/")
            if not all_headers and depth > 1:
                continue
            if rel.startswith("tessera/redis") and not os.path.exists("/usr/include/hiredis/hiredis.h"):
                continue
            if rel.startswith("tessera/adapters/") and not os.path.exists("/usr/include/httplib.h"):
                continue
            out.append(rel)
    return sorted(out, key=lambda h: (h != "tessera/tessera.hpp", h))


def measure(compiler, row, workdir):
    """(seconds, peak MB) of one syntax-only compile of a file including the row's header (in the
    separately compiled mode for a [separate] row)."""
    header = row.removesuffix(SEPARATE)
    src = os.path.join(workdir, "one.cpp")
    with open(src, "w") as f:
        f.write(f"#include <{header}>\n")
    cmd = ["/usr/bin/time", "-f", "%e %M", compiler, "-std=c++20", "-O2", "-fsyntax-only", "-I", INCLUDE, src]
    if header.startswith("tessera/adapters/"):
        cmd.insert(-1, "-DCPPHTTPLIB_OPENSSL_SUPPORT")  # as target tessera::httplib compiles them
    if row.endswith(SEPARATE):
        cmd.insert(-1, "-DTESSERA_SEPARATE_COMPILATION")
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if r.returncode != 0:
        sys.exit(f"compile.py: {header} does not compile alone:\n{r.stderr[-2000:]}")
    last = r.stderr.strip().splitlines()[-1].split()
    return wall, int(last[1]) / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repetitions", type=int, default=3)
    ap.add_argument("--all", action="store_true", help="every public header, not only the umbrellas")
    ap.add_argument("--compiler", default="g++")
    ap.add_argument("--json", help="write the figures here as well")
    a = ap.parse_args()

    umbrellas = [h for h in public_headers(False)
                 if h == "tessera/tessera.hpp" or os.path.isdir(os.path.join(INCLUDE, h.removesuffix(".hpp")))]
    headers = DEPENDENCIES + public_headers(a.all) + [h + SEPARATE for h in umbrellas]
    times = {h: [] for h in headers}
    ratios = {h: [] for h in headers}
    mem = {h: [] for h in headers}
    with tempfile.TemporaryDirectory() as work:
        for rep in range(a.repetitions):
            # Interleaved: every header once per repetition, nlohmann first, so a change in the
            # machine's load hits the reference and the header alike.
            base, base_mem = measure(a.compiler, "nlohmann/json.hpp", work)
            order = headers if rep % 2 == 0 else list(reversed(headers))
            for h in order:
                t, m = (base, base_mem) if h == "nlohmann/json.hpp" else measure(a.compiler, h, work)
                times[h].append(t)
                ratios[h].append(t / base)
                mem[h].append(m)

    rows = []
    print(f"compile cost of one #include ({a.compiler} -std=c++20 -O2 -fsyntax-only), median of "
          f"{a.repetitions} interleaved repetitions; x = time / nlohmann/json.hpp alone in the same repetition")
    print(f"{'header':<48} {'time s':>7} {'x json':>7} {'spread':>13} {'peak MB':>8}  target")
    for h in headers:
        med = statistics.median(ratios[h])
        target = ""
        if h in TARGETS:
            tx, tm = TARGETS[h]
            ok = max(ratios[h]) <= tx and (tm is None or statistics.median(mem[h]) <= tm)
            bound = f"<= {tx} x" + (f", <= {tm} MB" if tm is not None else "")
            target = f"{bound}: {'met' if ok else 'missed'}"
        elif h in AREAS:
            ok = max(ratios[h]) <= AREA_TARGET
            target = f"<= {AREA_TARGET} x: {'met' if ok else 'missed'}"
        spread = f"{min(ratios[h]):.2f}-{max(ratios[h]):.2f}"
        print(f"{h:<48} {statistics.median(times[h]):>7.2f} {med:>7.2f} {spread:>13} {statistics.median(mem[h]):>8.0f}  {target}")
        rows.append({"header": h.removesuffix(SEPARATE), "separate": h.endswith(SEPARATE), "seconds": statistics.median(times[h]), "ratio_to_json": med,
                     "ratio_min": min(ratios[h]), "ratio_max": max(ratios[h]), "peak_mb": statistics.median(mem[h])})
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"compiler": a.compiler, "repetitions": a.repetitions, "headers": rows}, f, indent=1)


if __name__ == "__main__":
    main()
