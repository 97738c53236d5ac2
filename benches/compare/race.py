#!/usr/bin/env python3
"""Side-by-side race of rurban against the Python scientific stack.

    python3 benches/compare/race.py [--preset county] [--reps 3] [--kernel-reps 5]
                                    [--no-build] [--skip-pairwise] [--complete] [--json FILE]

Run from anywhere inside the repository, with any Python 3.11+ (only the
standard library is needed here). On the same machine and in one run it:

1. creates benches/compare/.venv (git-ignored) and installs numpy, scipy,
   scikit-learn, statsmodels, pandas, threadpoolctl into it, if not there;
2. builds `target/release/rurban` (`cargo build --release -p rurban-cli`) and
   the benches' `kernels` timer and `make_workloads` writer;
3. writes the workload (`rurban-synth` preset, fixed seed) to target/race/PRESET/;
4. times both whole processes `--reps` times, alternating which goes first:
   `rurban run spec.toml --out DIR -q --no-report --no-xlsx` (the flags this
   build has) against `pystack.py run spec.toml --out DIR`,
   wall time and peak resident memory of each child (os.wait4's ru_maxrss);
5. checks that both wrote the same numbers (tolerances below);
6. times every kernel in-process on both sides (one warm-up, then
   `--kernel-reps` runs, median) and checks their results agree;
7. prints a table of medians and ratios and the targets, and writes
   everything as JSON to target/race/PRESET/results.json.

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, when set, are removed from the
environment of the Python processes only (they slow a current numpy); the
BLAS/OpenMP pools numpy then uses are recorded via threadpoolctl.

Tolerances (|a - b| <= atol + rtol |b|): weights, entropies, scores,
disparity measures and decompositions, grey grades, Ward heights: rtol 1e-9,
atol 1e-12; densities: 1e-9 of the year's peak density; convergence
statistics: rtol 1e-7; cluster numbers, tiers and grey ranks: equal; the
k-means inertia of the two (different random starts): within 1e-3.
"""

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
VENV = os.path.join(HERE, ".venv")
VPY = os.path.join(VENV, "bin", "python")
PACKAGES = ["numpy", "scipy", "scikit-learn", "statsmodels", "pandas", "threadpoolctl"]
BLAS_VARS = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]


def sh(cmd, **kw):
    print("+ " + " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def ensure_venv():
    if not os.path.exists(VPY):
        sh([sys.executable, "-m", "venv", VENV])
    probe = "import numpy, scipy, sklearn, statsmodels, pandas, threadpoolctl"
    if subprocess.run([VPY, "-c", probe], capture_output=True).returncode != 0:
        sh([VPY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        sh([VPY, "-m", "pip", "install", "--quiet", *PACKAGES])


def python_env():
    env = dict(os.environ)
    removed = {k: env.pop(k) for k in BLAS_VARS if k in env}
    return env, removed


def timed(cmd, env=None, cwd=None):
    """Wall time (s) and peak RSS (KiB) of one child process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} failed ({p.returncode}):\n{err.decode(errors='replace')}")
    return wall, ru.ru_maxrss


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


# ---------------------------------------------------------------- comparisons


class Check:
    def __init__(self):
        self.rows = []

    def close(self, what, a, b, rtol=1e-9, atol=1e-12, scale=None):
        """a, b: equal-length sequences of numbers (None allowed where both are None)."""
        if len(a) != len(b):
            self.rows.append((what, False, f"{len(a)} vs {len(b)} values"))
            return
        worst, bad = 0.0, 0
        for x, y in zip(a, b):
            if x is None or y is None:
                bad += (x is None) != (y is None)
                continue
            tol = atol + rtol * abs(y) if scale is None else rtol * scale
            diff = abs(float(x) - float(y))
            worst = max(worst, diff / (abs(y) if y and scale is None else (scale or 1.0)))
            bad += diff > tol
        self.rows.append((what, bad == 0, f"{len(a)} values, {bad} outside, max rel diff {worst:.1e}"))

    def equal(self, what, a, b):
        bad = sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))
        self.rows.append((what, bad == 0, f"{len(a)} values, {bad} differ"))

    def note(self, what, ok, text):
        self.rows.append((what, ok, text))


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(v):
    return None if v in ("", None) else float(v)


def compare_outputs(rdir, pdir, chk):
    rw, pw = read_csv(f"{rdir}/weights.csv"), read_csv(f"{pdir}/weights.csv")
    chk.close("weights.csv weight", [num(r["weight"]) for r in rw], [num(r["weight"]) for r in pw])
    chk.close("weights.csv entropy", [num(r["entropy"]) for r in rw], [num(r["entropy"]) for r in pw])
    rs, ps = read_csv(f"{rdir}/scores.csv"), read_csv(f"{pdir}/scores.csv")
    cols = [c for c in rs[0] if c not in ("region", "year")]
    chk.equal("scores.csv keys", [(r["region"], r["year"]) for r in rs], [(r["region"], r["year"]) for r in ps])
    chk.close("scores.csv composite+dimensions", [num(r[c]) for r in rs for c in cols],
              [num(r[c]) for r in ps for c in cols])
    rc, pc = f"{rdir}/clusters.csv", f"{pdir}/clusters.csv"
    if os.path.exists(rc):
        a, b = read_csv(rc), read_csv(pc)
        chk.equal("clusters.csv cluster", [r["cluster"] for r in a], [r["cluster"] for r in b])
        chk.equal("clusters.csv tier", [r["tier"] for r in a], [r["tier"] for r in b])
    rk, pk = read_csv(f"{rdir}/kde.csv"), read_csv(f"{pdir}/kde.csv")
    chk.close("kde.csv x", [num(r["x"]) for r in rk], [num(r["x"]) for r in pk])
    by_year = {}
    for r, p in zip(rk, pk):
        by_year.setdefault(r["year"], ([], []))
        by_year[r["year"]][0].append(num(r["density"]))
        by_year[r["year"]][1].append(num(p["density"]))
    worst, bad = 0.0, 0
    for a, b in by_year.values():
        peak = max(b)
        d = max(abs(x - y) for x, y in zip(a, b)) / peak
        worst = max(worst, d)
        bad += d > 1e-9
    chk.note("kde.csv density (of the year's peak)", bad == 0 and len(rk) == len(pk),
             f"{len(rk)} values, {bad} years outside 1e-9, max {worst:.1e}")
    rd = {(r["series"], r["year"]): r for r in read_csv(f"{rdir}/disparity.csv")}
    pd_ = {(r["series"], r["year"]): r for r in read_csv(f"{pdir}/disparity.csv")}
    chk.equal("disparity.csv series-years", sorted(rd), sorted(pd_))
    keys = [k for k in sorted(rd) if k in pd_]
    dcols = [c for c in next(iter(rd.values())) if c not in ("series", "year", "n")]
    chk.close("disparity.csv measures+decompositions", [num(rd[k][c]) for k in keys for c in dcols],
              [num(pd_[k][c]) for k in keys for c in dcols])
    rg, pg = read_csv(f"{rdir}/grey.csv"), read_csv(f"{pdir}/grey.csv")
    chk.close("grey.csv grade", [num(r["grade"]) for r in rg], [num(r["grade"]) for r in pg])
    chk.equal("grey.csv rank", [r["rank"] for r in rg], [r["rank"] for r in pg])
    rcv = json.load(open(f"{rdir}/convergence.json"))
    pcv = json.load(open(f"{pdir}/convergence.json"))
    chk.close("convergence sigma", [s["cv"] for s in rcv["sigma"]], [s["cv"] for s in pcv["sigma"]], rtol=1e-7)
    bk = ["b", "se", "t", "p", "r2", "lambda", "half_life"]
    chk.close("convergence beta", [rcv["beta"][k] for k in bk], [pcv["beta"][k] for k in bk], rtol=1e-7)


def compare_kernels(r, p, chk):
    rk, pk = r["kernels"], p["kernels"]

    def both(k):
        return k in rk and k in pk

    if both("streaming_sum"):
        chk.close("kernel streaming_sum", [rk["streaming_sum"]["check"]], [pk["streaming_sum"]["check"]])
    for k in ("entropy_weights", "entropy_weights_scores"):
        if both(k):
            chk.close(f"kernel {k}", rk[k]["check"], pk[k]["check"])
    if both("kde_exact"):
        a, b = rk["kde_exact"]["check"], pk["kde_exact"]["check"]
        chk.close("kernel kde_exact grid", a["x"], b["x"])
        chk.close("kernel kde_exact bandwidths", [g["bandwidth"] for g in a["groups"]],
                  [g["bandwidth"] for g in b["groups"]])
        worst = max(max(abs(x - y) for x, y in zip(ga["density"], gb["density"])) / max(gb["density"])
                    for ga, gb in zip(a["groups"], b["groups"]))
        chk.note("kernel kde_exact density (of peak)", worst <= 1e-9, f"max diff {worst:.1e} of the peak")
    if both("disparity_per_year"):
        cols = ["cv", "theil", "gini", "theil_within", "theil_between", "dagum_within", "dagum_between",
                "dagum_transvariation"]
        chk.close("kernel disparity_per_year", [g[c] for g in rk["disparity_per_year"]["check"] for c in cols],
                  [g[c] for g in pk["disparity_per_year"]["check"] for c in cols])
    dk = ["total", "within", "between", "transvariation"]
    for other in ("dagum_pooled", "dagum_pooled_pairwise"):
        if "dagum_pooled" in rk and other in pk:
            chk.close(f"kernel dagum_pooled vs numpy {other}", [rk["dagum_pooled"]["check"][k] for k in dk],
                      [pk[other]["check"][k] for k in dk], rtol=1e-8)
    if both("gini_pooled"):
        chk.close("kernel gini_pooled", [rk["gini_pooled"]["check"]], [pk["gini_pooled"]["check"]])
    if both("grey_per_region"):
        chk.close("kernel grey_per_region", [x for g in rk["grey_per_region"]["check"] for x in g],
                  [x for g in pk["grey_per_region"]["check"] for x in g])
    if both("grey_10000x30"):
        chk.close("kernel grey_10000x30", rk["grey_10000x30"]["check"]["grades"],
                  pk["grey_10000x30"]["check"]["grades"])
    if both("ward"):
        chk.close("kernel ward heights", rk["ward"]["check"]["heights"], pk["ward"]["check"]["heights"])
        chk.equal("kernel ward clusters", rk["ward"]["check"]["clusters"], pk["ward"]["check"]["clusters"])
    if both("kmeans"):
        a, b = rk["kmeans"]["check"]["inertia"], pk["kmeans"]["check"]["inertia"]
        rel = (a - b) / b
        # k-means from different random starts may stop in different local
        # optima: the check is that both found partitions of (almost) the
        # same quality, not the same partition.
        chk.note("kernel kmeans inertia", abs(rel) <= 1e-3,
                 f"rurban {a:.10g} vs scikit-learn {b:.10g} ({rel:+.1e} relative)"
                 + ("" if abs(rel) <= 1e-9 else ": a different local optimum"))


# ---------------------------------------------------------------- machine


def machine():
    info = {"platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            info["memory"] = f.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        info["rustc"] = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    return info


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="county", choices=["small", "province", "county"])
    ap.add_argument("--reps", type=int, default=3, help="whole-process runs per side (default 3)")
    ap.add_argument("--kernel-reps", type=int, default=5, help="timed runs per kernel (default 5)")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already in target/release")
    ap.add_argument("--skip-pairwise", action="store_true", help="skip the O(n^2) numpy Dagum (about 30 s on county)")
    ap.add_argument("--complete", action="store_true",
                    help="the preset without its missing cells (no imputation step)")
    ap.add_argument("--json", help="also write the results here")
    a = ap.parse_args()

    ensure_venv()
    if not a.no_build:
        sh(["cargo", "build", "--release", "-p", "rurban-cli"], cwd=ROOT)
        sh(["cargo", "build", "--release", "-p", "rurban-benches", "--bin", "kernels", "--example", "make_workloads"],
           cwd=ROOT)
    rel = os.path.join(ROOT, "target", "release")
    rurban = os.path.join(rel, "rurban")
    kern = os.path.join(rel, "kernels")
    work = os.path.join(ROOT, "target", "race")
    sh([os.path.join(rel, "examples", "make_workloads"), work, a.preset, *(["--complete"] if a.complete else [])],
       stdout=subprocess.DEVNULL)
    wdir = os.path.join(work, a.preset + ("-complete" if a.complete else ""))
    spec = os.path.join(wdir, "spec.toml")
    penv, removed = python_env()
    pystack = os.path.join(HERE, "pystack.py")

    # `--no-report` (and `--no-xlsx`: the Python side writes no workbook)
    # when this build of rurban has them
    helptext = subprocess.run([rurban, "run", "--help"], capture_output=True, text=True).stdout
    off = [f for f in ("--no-report", "--no-xlsx") if f in helptext]

    # 1. whole processes, alternating the order
    rt, pt, rm, pm = [], [], [], []
    rout, pout = os.path.join(wdir, "out-rurban"), os.path.join(wdir, "out-python")
    for i in range(a.reps):
        for d in (rout, pout):
            shutil.rmtree(d, ignore_errors=True)
        runs = [("r", [rurban, "run", spec, "--out", rout, "-q", *off], None),
                ("p", [VPY, pystack, "run", spec, "--out", pout], penv)]
        if i % 2:
            runs.reverse()
        for side, cmd, env in runs:
            t, m = timed(cmd, env=env, cwd=wdir)
            (rt if side == "r" else pt).append(t)
            (rm if side == "r" else pm).append(m)
            print(f"whole process {'rurban' if side == 'r' else 'python'}: {t:.3f} s, {m / 1024:.0f} MiB",
                  file=sys.stderr)
    chk = Check()
    compare_outputs(rout, pout, chk)

    # 2. kernels in-process
    kr = json.loads(subprocess.run([kern, spec, "--reps", str(a.kernel_reps)], check=True, capture_output=True,
                                   text=True).stdout)
    rjson = os.path.join(wdir, "kernels-rurban.json")
    with open(rjson, "w") as f:
        json.dump(kr, f)
    penv2 = dict(penv, RURBAN_GREY_SEQUENCES=rjson)
    only = None if not a.skip_pairwise else ",".join(
        k for k in list(kr["kernels"]) + ["dagum_pooled"] if k != "dagum_pooled_pairwise")
    cmd = [VPY, pystack, "kernels", spec, "--reps", str(a.kernel_reps)] + (["--only", only] if only else [])
    kp = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, env=penv2).stdout)
    compare_kernels(kr, kp, chk)

    # 3. table
    R, P = kr["kernels"], kp["kernels"]
    rows = []
    whole_ratio = median(pt) / median(rt)
    mem_ratio = median(rm) / median(pm)
    rows.append(("whole process (run, no report)", median(rt), median(pt), whole_ratio,
                 "python/rurban >= 5", whole_ratio >= 5))
    rows.append(("whole process peak memory [MiB]", median(rm) / 1024, median(pm) / 1024, mem_ratio,
                 "rurban/python <= 0.5", mem_ratio <= 0.5))
    targets = {
        "kde_exact": ("python/rurban >= 5", lambda r: r >= 5),
        "ward": ("python/rurban >= 1", lambda r: r >= 1),
        "kmeans": ("rurban/python <= 1.5", lambda r: 1 / r <= 1.5),
    }
    for k in R:
        if k in P:
            ratio = P[k]["median_s"] / R[k]["median_s"]
            t = targets.get(k)
            rows.append((k, R[k]["median_s"], P[k]["median_s"], ratio, t[0] if t else "", t[1](ratio) if t else None))
        else:
            rows.append((k, R[k]["median_s"], None, None, "", None))
    if "dagum_pooled_pairwise" in P and "dagum_pooled" in R:
        ratio = P["dagum_pooled_pairwise"]["median_s"] / R["dagum_pooled"]["median_s"]
        rows.append(("dagum_pooled vs numpy pairwise", R["dagum_pooled"]["median_s"],
                     P["dagum_pooled_pairwise"]["median_s"], ratio, "pairwise/rurban >= 50", ratio >= 50))
    ew = R["entropy_weights_scores"]["median_s"] / R["streaming_sum"]["median_s"]
    rows.append(("rurban entropy+scores / streaming sum", R["entropy_weights_scores"]["median_s"],
                 None, ew, "<= 4", ew <= 4))

    def f(x):
        return "" if x is None else (f"{x:.4g}" if isinstance(x, float) else str(x))

    lines = [f"preset {a.preset}{' without missing cells' if a.complete else ''}: {kr['regions']} regions x {kr['years']} years x {kr['indicators']} indicators "
             f"({kr['rows']} region-years); medians of {a.reps} whole runs and {a.kernel_reps} kernel runs",
             "", "| kernel | rurban [s] | python [s] | ratio | target | met |", "|---|---:|---:|---:|---|---|"]
    for name, r, p, ratio, tgt, ok in rows:
        lines.append(f"| {name} | {f(r)} | {f(p)} | {f(ratio)} | {tgt} | {'' if ok is None else ('yes' if ok else 'NO')} |")
    lines += ["", "| check | same numbers | detail |", "|---|---|---|"]
    lines += [f"| {w} | {'yes' if ok else 'NO'} | {d} |" for w, ok, d in chk.rows]
    lines += ["", f"rurban run flags: {' '.join(['-q', *off])}",
              f"python: {json.dumps(kp['versions'])}",
              f"OPENBLAS variables removed for python: {sorted(removed) or 'none were set'}",
              "python thread pools: " + "; ".join(
                  f"{t.get('internal_api')} {t.get('version')} {t.get('architecture', '')} "
                  f"threads={t.get('num_threads')}" for t in kp["threadpools"]),
              f"machine: {json.dumps(machine())}"]
    print("\n".join(lines))

    results = {"preset": a.preset, "machine": machine(), "removed_env": removed,
               "whole": {"rurban_s": rt, "python_s": pt, "rurban_maxrss_kib": rm, "python_maxrss_kib": pm},
               "rurban_kernels": {k: {kk: v[kk] for kk in ("median_s", "times_s", "reps")} for k, v in R.items()},
               "python_kernels": {k: {kk: v[kk] for kk in ("median_s", "times_s", "reps")} for k, v in P.items()},
               "python": {"versions": kp["versions"], "threadpools": kp["threadpools"]},
               "checks": chk.rows, "table": rows}
    for path in [os.path.join(wdir, "results.json")] + ([a.json] if a.json else []):
        with open(path, "w") as f:
            json.dump(results, f, indent=2)
    if not all(ok for _, ok, _ in chk.rows):
        print("error: the two sides disagree on some numbers (see the check table)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
