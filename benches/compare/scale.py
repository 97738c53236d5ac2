#!/usr/bin/env python3
"""How the cost of `rurban run` grows with regions, years and indicators.

Writes synthetic panels (`rurban synth`, county preset, seed fixed) at three
sizes along each axis, the other two held at the county preset's
(2,851 regions x 30 years x 40 indicators), runs

    rurban run SPEC --out DIR -q --timings --no-report --no-xlsx

under `/usr/bin/time -f %M` (peak resident memory), and fits, for every
step that `--timings` prints and for the whole process, the exponent b of
`time = a * size^b` by least squares on the logarithms (three points).

Usage:
    python3 benches/compare/scale.py [--rurban target/release/rurban]
        [--work DIR] [--reps N] [--json OUT.json]

Standard library only. Each size is run N times (default 3) and the
fastest run of each step is kept (the machine is shared).
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile

AXES = {
    "regions": [700, 1400, 2851],
    "years": [10, 20, 30],
    "indicators": [10, 20, 40],
}
BASE = {"regions": 2851, "years": 30, "indicators": 40}


def synth(rurban, work, regions, years, indicators):
    d = os.path.join(work, f"r{regions}_y{years}_i{indicators}")
    os.makedirs(d, exist_ok=True)
    spec = os.path.join(d, "spec.toml")
    if not os.path.exists(spec):
        subprocess.run(
            [rurban, "synth", "--preset", "county", "--regions", str(regions),
             "--first-year", "1991", "--last-year", str(1990 + years),
             "--indicators", str(indicators),
             "--out", os.path.join(d, "panel.csv"), "--spec", spec],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return d, spec


def run_once(rurban, d, spec):
    out = os.path.join(d, "out")
    p = subprocess.run(
        ["/usr/bin/time", "-f", "MAXRSS %M WALL %e", rurban, "run", spec, "--out", out,
         "-q", "--timings", "--no-report", "--no-xlsx"],
        capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"rurban run failed on {spec}:\n{p.stderr}")
    steps = {}
    for line in p.stderr.splitlines():
        m = re.match(r"\s+(.+?)\s+([0-9.]+) s$", line)
        if m:
            steps[m.group(1)] = float(m.group(2))
        m = re.match(r"MAXRSS (\d+) WALL ([0-9.]+)", line)
        if m:
            steps["peak memory (MiB)"] = int(m.group(1)) / 1024
            steps["whole process (wall)"] = float(m.group(2))
    return steps


def fit(xs, ys):
    lx = [math.log(x) for x in xs]
    ly = [math.log(max(y, 1e-4)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sxx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rurban", default="target/release/rurban")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "rurban-scale"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--json")
    a = ap.parse_args()
    results = {}
    for axis, sizes in AXES.items():
        rows = []
        for n in sizes:
            dims = dict(BASE, **{axis: n})
            d, spec = synth(a.rurban, a.work, dims["regions"], dims["years"], dims["indicators"])
            best = {}
            for _ in range(a.reps):
                for k, v in run_once(a.rurban, d, spec).items():
                    best[k] = min(best.get(k, v), v)
            rows.append((n, best))
        steps = [k for k in rows[-1][1] if k not in ("total",)]
        table = {}
        for k in steps:
            ys = [r[1].get(k, 0.0) for r in rows]
            table[k] = {"values": ys, "exponent": fit(sizes, ys)}
        results[axis] = {"sizes": sizes, "steps": table}
        print(f"\n## {axis}: {sizes} (others as the county preset)")
        print(f"| step | " + " | ".join(str(s) for s in sizes) + " | exponent |")
        print("|---|" + "---:|" * (len(sizes) + 1))
        for k, t in table.items():
            vals = " | ".join(f"{v:.3f}" if k != "peak memory (MiB)" else f"{v:.0f}" for v in t["values"])
            print(f"| {k} | {vals} | {t['exponent']:.2f} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
