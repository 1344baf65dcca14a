#!/usr/bin/env python3
"""Draws tessera's benchmark chart (SVG) from the suite's and the peers' Google Benchmark JSON.

Panel 1: verifications per second of each JWT library on each algorithm, from the peers run
(scripts/bench --peers), as grouped bars on a log scale. The other panels: the sweep/ rows of the
suite (scripts/bench), the time of one operation against the size of what it works on, log-log.
A missing input leaves its panels with a note. Needs matplotlib (Debian: python3-matplotlib); without
it, says so and exits 0, since the chart is optional to scripts/bench.

usage: bench_chart.py [--bench BENCH.json] [--peers PEERS.json] [--out CHART.svg]
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import bench_table  # noqa: E402  (load_sweeps, fmt_size)
import peers_table  # noqa: E402  (load, libraries, ALGS)

# The sweep panels: (title, x label, [(sweep, legend label)]).
SWEEP_PANELS = [
    ("JWT HS256 verify vs claims size", "claims (bytes)",
     [("sweep/jwt/verify", "verify"), ("sweep/jwt/floor", "HMAC floor (same bytes)")]),
    ("Webhook verify vs body size", "body (bytes)", [("sweep/webhook/verify", "verify (Standard Webhooks)")]),
    ("JWT kid_key_set vs keys in the set", "keys",
     [("sweep/jwt/kid_key_set/verify", "verify, every kid in turn"), ("sweep/jwt/kid_key_set/verify_hot", "verify, 64 hot kids"),
      ("sweep/jwt/kid_key_set/put", "put one key")]),
    ("API-key verify vs keys in the store", "keys",
     [("sweep/api_key/verify", "every key in turn"), ("sweep/api_key/verify_hot", "64 hot keys")]),
    ("Replay store and rate limiter vs entries", "entries / principals",
     [("sweep/replay_store/replay", "replay lookup, every key"), ("sweep/replay_store/replay_hot", "replay lookup, 64 hot keys"),
      ("sweep/replay_store/remember", "remember a new id"), ("sweep/rate_limit/acquire", "rate limit, every principal")]),
]

# Memory counters added to a curve's legend, at the largest size: (counter, unit).
MEMORY = [("bytes_per_entry", "B/entry"), ("bytes_per_principal", "B/principal"), ("bytes_per_key", "B/key")]


def note(ax, text):
    """An empty panel that says why."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=9, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])


def fmt_rate(x):
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g}{unit}"
    return f"{x:.3g}"


def draw_peers(ax, path):
    """Grouped bars: one group per algorithm, one bar per library."""
    ax.set_title("JWT verify: tessera and peers (ops/s, log scale)", fontsize=10)
    if not path or not os.path.exists(path):
        note(ax, "no peers run\n(scripts/bench --peers)")
        return
    ctx, cells = peers_table.load(path)
    libs = [lib for lib in peers_table.libraries(ctx, cells) if any((lib, a) in cells for a in peers_table.ALGS)]
    algs = [a for a in peers_table.ALGS if any((lib, a) in cells for lib in libs)]
    if not libs or not algs:
        note(ax, "the peers run has no results")
        return
    width = 0.8 / len(libs)
    for i, lib in enumerate(libs):
        xs, ys = [], []
        for j, a in enumerate(algs):
            cell = cells.get((lib, a))
            if cell and cell["ips"] and not cell["error"]:
                xs.append(j - 0.4 + width * (i + 0.5))
                ys.append(cell["ips"])
        label = f"{lib} {ctx.get(f'version/{lib}', '')}".strip()
        bars = ax.bar(xs, ys, width, label=label, color="#1f4e8c" if lib == "tessera" else None,
                      edgecolor="white", linewidth=0.4)
        for bar, y in zip(bars, ys):
            ax.text(bar.get_x() + bar.get_width() / 2, y * 1.08, fmt_rate(y), ha="center", va="bottom", fontsize=5.5,
                    rotation=90)
    ax.set_yscale("log")
    ax.set_xticks(range(len(algs)))
    ax.set_xticklabels(algs)
    ax.set_ylabel("verifications per second")
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi * 4)  # room for the labels
    ax.legend(fontsize=7, ncol=2, loc="upper right")
    ax.grid(axis="y", which="major", alpha=0.3)


def draw_sweep(ax, sweeps, title, xlabel, curves):
    """One log-log curve per sweep: time of one operation against size."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator
    ax.set_title(title, fontsize=10)
    drawn = 0
    sizes = {}
    for sweep, label in curves:
        s = sweeps.get(sweep)
        if not s:
            continue
        pts = [(size, ns, c) for size, ns, c, err in s["points"] if ns and not err]
        if not pts:
            continue
        for counter, unit in MEMORY:
            if counter in pts[-1][2]:
                label += f" ({pts[-1][2][counter]:.0f} {unit} at {bench_table.fmt_size(pts[-1][0], s['unit'])})"
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", markersize=3.5, linewidth=1.4, label=label)
        sizes.update({p[0]: bench_table.fmt_size(p[0], s["unit"]) for p in pts})
        drawn += 1
    if not drawn:
        note(ax, "no sweep rows\n(scripts/bench, sweep/ rows)")
        return
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(sorted(sizes), [sizes[x] for x in sorted(sizes)])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 3.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: bench_table.fmt_time(y)))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(xlabel)
    ax.set_ylabel("time per operation")
    ax.grid(which="major", alpha=0.3)
    ax.legend(fontsize=7)


def main(argv):
    p = argparse.ArgumentParser(description="Draws tessera's benchmark chart (SVG).")
    p.add_argument("--bench", default=os.path.join(ROOT, "build", "release", "bench.json"), help="the suite's JSON")
    p.add_argument("--peers", default=os.path.join(ROOT, "build", "peers", "peers.json"), help="the peers run's JSON")
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "chart.svg"), help="the SVG to write")
    args = p.parse_args(argv[1:])
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        # Debian's python3-matplotlib belongs to Debian's python3, which another python3 on PATH may hide.
        system = "/usr/bin/python3"
        if os.path.exists(system) and os.path.realpath(sys.executable) != os.path.realpath(system) \
                and not os.environ.get("TESSERA_CHART_REEXEC"):
            os.environ["TESSERA_CHART_REEXEC"] = "1"
            os.execv(system, [system, os.path.abspath(__file__)] + argv[1:])
        print("bench_chart.py: matplotlib is not installed (Debian: apt-get install python3-matplotlib); no chart written")
        return 0
    have_bench = os.path.exists(args.bench)
    have_peers = os.path.exists(args.peers)
    if not have_bench and not have_peers:
        print(f"bench_chart.py: neither {args.bench} nor {args.peers} exists; no chart written")
        return 0
    sweeps = bench_table.load_sweeps(args.bench) if have_bench else {}

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "tessera", "font.size": 8})
    fig, axes = plt.subplots(3, 2, figsize=(13, 14))
    axes = axes.flatten()
    draw_peers(axes[0], args.peers if have_peers else None)
    for ax, (title, xlabel, curves) in zip(axes[1:], SWEEP_PANELS):
        draw_sweep(ax, sweeps, title, xlabel, curves)
    with open(args.bench if have_bench else args.peers, encoding="utf-8") as f:
        ctx = json.load(f).get("context", {})
    fig.suptitle(f"tessera benchmarks: {ctx.get('cpu_model', '?')}, {ctx.get('num_cpus', '?')} CPUs, "
                 f"{ctx.get('openssl', 'OpenSSL ?')}, {ctx.get('date', '?')[:10]}; medians", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    fig.savefig(args.out, format="svg", metadata={"Date": None})
    print(f"bench_chart.py: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
