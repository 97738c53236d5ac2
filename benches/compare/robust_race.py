#!/usr/bin/env python3
"""Race of `rurban robustness` against a vectorised numpy implementation of
the same Saltelli design, the same factors and the same formulas.

    python3 benches/compare/robust_race.py [--workload province|county]
        [--replications N] [--reps 3] [--no-build]

Needs numpy and pandas (any venv with them; the commands in
docs/performance.md use one). Run from anywhere inside the repository.

Workloads (written to target/race/robust/):
- province: the real 31-province NBS panel (../shared/data/china-provinces/,
  2005-2024), 6 indicators (the columns without whole years missing; GDP
  index has 9 gaps); N = 1000 by default;
- county: the synthetic county preset (`rurban synth --preset county`,
  2,851 regions x 30 years x 40 indicators, with missing cells); N = 200.
Both with all six factors: weights_noise 0.25, weighting [entropy, critic,
equal], normalisation [minmax, rank, zscore], aggregation [arithmetic,
topsis], impute [linear, year-mean], exclude.

Steps:
1. builds target/release/rurban (unless --no-build);
2. runs `rurban robustness SPEC --out DIR -q --samples-out FILE` once
   and reads the design's A and B uniforms from the samples file;
3. --reps times, alternating which side goes first: times `rurban
   robustness SPEC --out DIR -q` (whole process: wall, and CPU = user +
   system of the child from os.wait4; RAYON_NUM_THREADS is left to
   rurban, all cores) and the numpy implementation on that same design
   (everything after reading the panel: imputation, normalisation,
   weights, every run, ranking, statistics; wall, and CPU by
   time.process_time, which counts every BLAS thread); medians;
4. checks that numpy's y of every run equals rurban's, and its Sobol
   indices and rank percentiles agree (rtol 1e-9);
5. prints both ratios (on a shared, loaded machine the CPU ratio is the
   steadier one) and writes target/race/robust/WORKLOAD.json.

The numpy model vectorises over runs: weights of all runs at once, one
matrix product per (imputation, normalisation) group for the weighted sum,
broadcasting for TOPSIS, and competition ranks within each year by one sort
per run and year (argsort, in chunks of runs).
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
WORK = os.path.join(ROOT, "target", "race", "robust")
RURBAN = os.environ.get("RURBAN_BIN", os.path.join(ROOT, "target", "release", "rurban"))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared", "data"))

UNCERTAINTY = """
[uncertainty]
replications = {n}
seed = 1
weights_noise = 0.25
weighting = ["entropy", "critic", "equal"]
normalisation = ["minmax", "rank", "zscore"]
aggregation = ["arithmetic", "topsis"]
impute = ["linear", "year-mean"]
exclude = true
"""

PROVINCE_INDICATORS = [
    ("GDP_当年价_亿元", "+"),
    ("第二产业比重_%", "-"),
    ("城镇化率_%", "+"),
    ("税收收入_亿元", "+"),
    ("发明专利申请数_件", "+"),
    ("GDP指数_上年=100", "+"),
]


def sh(cmd, **kw):
    print("+ " + " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def province_spec(n):
    data = os.path.join(SHARED, "china-provinces", "provinces_2005_2024.csv")
    lines = [f'name = "provinces"\ndata = "{data}"\n[method]\nweighting = "entropy"\nimpute = "linear"\n']
    for k, (ind, d) in enumerate(PROVINCE_INDICATORS):
        if k % 3 == 0:
            lines.append(f'[[dimension]]\nid = "d{k // 3}"\n')
        lines.append(f'[[dimension.indicator]]\nid = "{ind}"\ndirection = "{d}"\n')
    lines.append(UNCERTAINTY.format(n=n))
    path = os.path.join(WORK, "province.toml")
    with open(path, "w") as fh:
        fh.write("".join(lines))
    return path


def county_spec(n):
    panel = os.path.join(WORK, "county.csv")
    spec = os.path.join(WORK, "county.toml")
    if not os.path.exists(panel):
        sh([RURBAN, "synth", "--preset", "county", "--out", panel, "--spec", spec])
    text = open(spec).read()
    text = text.split("\n[uncertainty]")[0]
    if "impute" not in text:
        text = text.replace("[method]\n", '[method]\nimpute = "linear"\n', 1)
    # linear imputation copies each region's nearest observed value outside
    # its observed years, as numpy's `interp` does below
    if "extrapolate" not in text:
        text = text.replace("[method]\n", '[method]\nextrapolate = "constant"\n', 1)
    with open(spec, "w") as fh:
        fh.write(text + UNCERTAINTY.format(n=n))
    return spec


def read_spec(path):
    import tomllib

    with open(path, "rb") as fh:
        s = tomllib.load(fh)
    inds = [(i["id"], i["direction"]) for d in s["dimension"] for i in d["indicator"]]
    data = s["data"] if isinstance(s["data"], str) else s["data"]["file"]
    data = data if os.path.isabs(data) else os.path.join(os.path.dirname(path), data)
    return s, inds, data


def load_panel(data, inds):
    """(regions, years, values[r, t, j] with NaN for missing)."""
    df = pd.read_csv(data, encoding="utf-8-sig", dtype={0: str})
    reg = next(c for c in df.columns if c.strip().lower() in ("region", "地区", "city", "province", "unit"))
    yr = next(c for c in df.columns if c.strip().lower() in ("year", "年份", "time"))
    regions = list(dict.fromkeys(df[reg].astype(str)))
    years = sorted(df[yr].astype(int).unique())
    ri = {r: k for k, r in enumerate(regions)}
    ti = {y: k for k, y in enumerate(years)}
    x = np.full((len(regions), len(years), len(inds)), np.nan)
    rr = df[reg].astype(str).map(ri).to_numpy()
    tt = df[yr].astype(int).map(ti).to_numpy()
    for j, (name, _) in enumerate(inds):
        x[rr, tt, j] = pd.to_numeric(df[name], errors="coerce").to_numpy()
    return regions, years, x


# ---------------------------------------------------------------- the model


def impute_linear(x):
    """Within each region across years; nearest observed value outside."""
    out = x.copy()
    nr, ny, m = x.shape
    t = np.arange(ny, dtype=float)
    for r in range(nr):
        for j in range(m):
            col = x[r, :, j]
            ok = ~np.isnan(col)
            if ok.all():
                continue
            out[r, :, j] = np.interp(t, t[ok], col[ok])
    return out


def impute_year_mean(x):
    """The mean of the observed regions that year."""
    means = np.nanmean(x, axis=0, keepdims=True)
    return np.where(np.isnan(x), means, x)


def minmax(x, sign):
    lo, hi = x.min(axis=0), x.max(axis=0)
    rng = hi - lo
    z = np.where(sign > 0, (x - lo), (hi - x)) / np.where(rng > 0, rng, 1.0)
    return np.where(rng > 0, z, 0.0)


def avg_rank(v):
    return pd.DataFrame(v).rank(method="average").to_numpy()


def normalise(name, x, sign):
    if name == "minmax":
        return minmax(x, sign)
    if name == "rank":
        return avg_rank(x * sign)
    mu = x.mean(axis=0)
    s = x.std(axis=0, ddof=1)
    return sign * (x - mu) / s


def weights(name, z):
    n, m = z.shape
    if name == "equal":
        return np.full(m, 1.0 / m)
    if name == "entropy":
        p = z / z.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            plnp = np.where(p > 0, p * np.log(p), 0.0)
        e = -plnp.sum(axis=0) / np.log(n)
        d = 1.0 - e
        return d / d.sum()
    s = z.std(axis=0, ddof=1)
    if name == "stddev":
        return s / s.sum()
    r = np.corrcoef(z, rowvar=False)
    c = s * (1.0 - r).sum(axis=0)
    return c / c.sum()


def competition_ranks(scores, nr, ny, chunk=64):
    """scores (runs, nr*ny) region-major -> competition ranks within each
    year (1 = highest, ties share the smallest), by one sort per run-year."""
    runs = scores.shape[0]
    s = scores.reshape(runs, nr, ny)
    out = np.empty((runs, nr, ny), dtype=np.int64)
    idx = np.arange(nr)[None, :, None]
    for a in range(0, runs, chunk):
        blk = s[a : a + chunk]
        order = np.argsort(-blk, axis=1, kind="stable")
        srt = np.take_along_axis(blk, order, axis=1)
        new = np.ones_like(srt, dtype=bool)
        new[:, 1:, :] = srt[:, 1:, :] != srt[:, :-1, :]
        start = np.maximum.accumulate(np.where(new, idx, 0), axis=1)
        rk = np.empty_like(order)
        np.put_along_axis(rk, order, start + 1, axis=1)
        out[a : a + chunk] = rk
    return out.reshape(runs, nr * ny)


def model(spec, inds, x, A, B):
    """Every run of the design (A, B, AB_g in factor order); returns y,
    the ranks of the A and B runs and the nominal ranks."""
    u = spec["uncertainty"]
    nr, ny, m = x.shape
    sign = np.array([1.0 if d == "+" else -1.0 for _, d in inds])
    imps, wgts, nrms, aggs = u["impute"], u["weighting"], u["normalisation"], u["aggregation"]
    # precompute per imputation
    pre = []
    for imp in imps:
        xi = impute_linear(x) if imp == "linear" else impute_year_mean(x)
        flat = xi.reshape(nr * ny, m)
        z01 = minmax(flat, sign)
        pre.append(
            {
                "z01": z01,
                "norm": [normalise(n_, flat, sign) for n_ in nrms],
                "w": [weights(w_, z01) for w_ in wgts],
            }
        )
    # factor columns: weights (m), weighting, normalisation, aggregation, impute, exclude
    factors = ["weights", "weighting", "normalisation", "aggregation", "impute", "exclude"]
    width = [m, 1, 1, 1, 1, 1]
    off = np.cumsum([0] + width)
    n = A.shape[0]
    blocks = [A, B]
    for g in range(len(factors)):
        ab = A.copy()
        ab[:, off[g] : off[g + 1]] = B[:, off[g] : off[g + 1]]
        blocks.append(ab)
    U = np.vstack(blocks)  # (runs, D)
    runs = U.shape[0]
    pick = lambda col, L: np.minimum(np.floor(U[:, col] * L).astype(int), L - 1)
    wk, nk, ak, ik = pick(off[1], len(wgts)), pick(off[2], len(nrms)), pick(off[3], len(aggs)), pick(off[4], len(imps))
    ex = pick(off[5], m + 1) - 1
    # weights of every run
    base = np.stack([np.stack(p["w"]) for p in pre])  # (imp, wgt, m)
    W = base[ik, wk] * (1.0 + u["weights_noise"] * (2.0 * U[:, off[0] : off[1]] - 1.0))
    W /= W.sum(axis=1, keepdims=True)
    has_ex = ex >= 0
    W[np.nonzero(has_ex)[0], ex[has_ex]] = 0.0
    W /= W.sum(axis=1, keepdims=True)
    scores = np.empty((runs, nr * ny))
    for i in range(len(imps)):
        for a, agg in enumerate(aggs):
            if agg == "topsis":
                sel = np.nonzero((ik == i) & (ak == a))[0]
                z = pre[i]["z01"]
                step = max(1, int(2e7 // z.size))
                for c in range(0, len(sel), step):
                    s_ = sel[c : c + step]
                    v = W[s_, None, :] * z[None]
                    dp = np.sqrt(((v - v.max(axis=1, keepdims=True)) ** 2).sum(axis=2))
                    dm = np.sqrt(((v - v.min(axis=1, keepdims=True)) ** 2).sum(axis=2))
                    scores[s_] = dm / (dp + dm)
                continue
            for k in range(len(nrms)):
                sel = np.nonzero((ik == i) & (ak == a) & (nk == k))[0]
                scores[sel] = W[sel] @ pre[i]["norm"][k].T
    # nominal: the spec's impute, weighting, minmax, arithmetic
    i0 = imps.index(spec["method"].get("impute", "none"))
    w0 = wgts.index(spec["method"].get("weighting", "entropy"))
    nominal_scores = pre[i0]["w"][w0] @ pre[i0]["norm"][nrms.index("minmax")].T
    nominal = competition_ranks(nominal_scores[None], nr, ny)[0]
    ranks = competition_ranks(scores, nr, ny)
    y = np.abs(ranks - nominal).mean(axis=1)
    return y, ranks[: 2 * n], nominal


def statistics_of(y, ranks_ab, n, k):
    ya, yb = y[:n], y[n : 2 * n]
    v = np.var(np.r_[ya, yb])
    s1, st = [], []
    for g in range(k):
        yg = y[(2 + g) * n : (3 + g) * n]
        s1.append(np.mean(yb * (yg - ya)) / v)
        st.append(np.mean((ya - yg) ** 2) / (2 * v))
    q = np.percentile(ranks_ab, [5, 50, 95], axis=0)
    return np.array(s1), np.array(st), q


# ---------------------------------------------------------------- the race


def design_from_samples(path, n, m):
    df = pd.read_csv(path)
    ucols = [c for c in df.columns if c.startswith("u:")]
    a = df[df["block"] == "A"].sort_values("row")[ucols].to_numpy()
    b = df[df["block"] == "B"].sort_values("row")[ucols].to_numpy()
    return a, b, df["y"].to_numpy()


def time_rurban(spec, out, reps):
    """Median wall and CPU (user + system) seconds of the whole process."""
    ts, cpu = [], []
    for _ in range(reps):
        print(f"+ {RURBAN} robustness {spec} --out {out} -q", file=sys.stderr)
        t = time.perf_counter()
        p = subprocess.Popen([RURBAN, "robustness", spec, "--out", out, "-q"])
        _, status, ru = os.wait4(p.pid, 0)
        ts.append(time.perf_counter() - t)
        if status != 0:
            sys.exit("rurban robustness failed")
        cpu.append(ru.ru_utime + ru.ru_stime)
    return statistics.median(ts), ts, statistics.median(cpu), cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", default="province", choices=["province", "county"])
    ap.add_argument("--replications", type=int)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    if not a.no_build:
        sh(["cargo", "build", "--release", "-p", "rurban-cli"], cwd=ROOT)
    n = a.replications or (1000 if a.workload == "province" else 200)
    spec_path = province_spec(n) if a.workload == "province" else county_spec(n)
    spec, inds, data = read_spec(spec_path)
    out = os.path.join(WORK, a.workload + "-out")
    samples = os.path.join(WORK, a.workload + "-samples.csv")
    sh([RURBAN, "robustness", spec_path, "--out", out, "-q", "--samples-out", samples])
    m = len(inds)
    A, B, y_rurban = design_from_samples(samples, n, m)
    regions, years, x = load_panel(data, inds)
    ts_rurban, cs_rurban, ts_np, cs_np = [], [], [], []

    def numpy_once():
        t, c = time.perf_counter(), time.process_time()
        res = model(spec, inds, x, A, B)
        s1, st, q = statistics_of(res[0], res[1], n, 6)
        ts_np.append(time.perf_counter() - t)
        cs_np.append(time.process_time() - c)
        return res, s1, st, q

    def rurban_once():
        _, ts, _, cs = time_rurban(spec_path, out, 1)
        ts_rurban.extend(ts)
        cs_rurban.extend(cs)

    # the two sides alternate, each going first in every other repetition,
    # so that both meet the same load
    for rep in range(a.reps):
        if rep % 2 == 0:
            rurban_once()
            (y, ranks_ab, nominal), s1, st, q = numpy_once()
        else:
            (y, ranks_ab, nominal), s1, st, q = numpy_once()
            rurban_once()
    t_rurban, c_rurban = statistics.median(ts_rurban), statistics.median(cs_rurban)
    t_np, c_np = statistics.median(ts_np), statistics.median(cs_np)
    # agreement
    same_y = float(np.mean(y == y_rurban))
    sens = list(csv.DictReader(open(os.path.join(out, "sensitivity.csv"))))
    s1_r = np.array([float(r["first_order"]) for r in sens])
    st_r = np.array([float(r["total_order"]) for r in sens])
    rob = list(csv.DictReader(open(os.path.join(out, "robustness.csv"))))
    med_r = np.array([float(r["median"]) for r in rob])
    nom_r = np.array([int(r["nominal"]) for r in rob])
    ok = {
        "y_equal_share": same_y,
        "nominal_equal": bool((nom_r == nominal).all()),
        "sobol_max_abs_diff": float(max(np.abs(s1 - s1_r).max(), np.abs(st - st_r).max())),
        "median_equal": bool(np.allclose(q[1], med_r, rtol=1e-9, atol=0)),
    }
    res = {
        "workload": a.workload,
        "panel": [len(regions), len(years), m],
        "replications": n,
        "runs": int(len(y)),
        "rurban_s": t_rurban,
        "rurban_all_s": ts_rurban,
        "numpy_s": t_np,
        "numpy_all_s": ts_np,
        "ratio": t_np / t_rurban,
        "rurban_cpu_s": c_rurban,
        "rurban_all_cpu_s": cs_rurban,
        "numpy_cpu_s": c_np,
        "numpy_all_cpu_s": cs_np,
        "cpu_ratio": c_np / c_rurban,
        "load_average": os.getloadavg(),
        "cores": os.cpu_count(),
        "agreement": ok,
    }
    print(json.dumps(res, indent=1))
    with open(os.path.join(WORK, a.workload + ".json"), "w") as fh:
        json.dump(res, fh, indent=1)


if __name__ == "__main__":
    main()
