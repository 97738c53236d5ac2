#!/usr/bin/env python3
"""The rurban pipeline written with the Python scientific stack.

numpy, scipy, scikit-learn, statsmodels and pandas (to read the CSV and
write the large tables). It is the other side of the races run by race.py
and county_race.sh (check_pystack.py compares its outputs with rurban's)
and does what `rurban run` does on the race's specifications:

* read the wide panel and the region groups, fill missing cells with the
  mean of the other regions that year (`impute = "year-mean"`);
* entropy weights over the whole panel, composite and dimension scores;
* cluster the regions on their composite series (the spec's method and k:
  SciPy `linkage` + `fcluster(maxclust)`, or scikit-learn `KMeans` with 10
  k-means++ starts), tiers by the mean of the original features;
* Gaussian kernel density of the composite per year on one 512-point grid
  (Silverman bandwidths from statsmodels, `scipy.stats.gaussian_kde`);
* per year, for the composite and every dimension: mean, std, CV, Theil,
  Gini, the Theil decomposition and the Dagum decomposition by group
  (sorted values and prefix sums, the fast form);
* sigma and absolute beta convergence of the composite (statsmodels OLS);
* grey relational analysis of the yearly means and of every region;
* coupling coordination of the dimensions (C, T, D, level) and the
  obstacle degree of every indicator and dimension per region-year, both
  on by default as in `rurban run`, vectorised over all region-years;
* write what the default `rurban run` writes, report and workbook aside:
  weights.csv, scores.csv, coverage.csv, stages/normalised.csv,
  coupling.csv, obstacles.csv, clusters.csv, kde.csv, disparity.csv,
  grey.csv, convergence.json and summary.json (with `imputed`, `coverage`,
  `construction`, `coupling` and `obstacle` as rurban lays them out).

The new tables are pandas DataFrames written with `DataFrame.to_csv`.
summary.json is written compact (as rurban writes it) with the json
module's C encoder; its record lists (scores, imputed, coverage, coupling,
obstacle: 3.8 million rows on the county panel) with
`DataFrame.to_json(orient="records", double_precision=15)` in chunks of
100,000 rows, so the document is never one string in memory. Those floats
carry 15 significant digits (pandas' limit), the CSVs full precision.

Usage:
    pystack.py run SPEC.toml --out DIR [--timings]
    pystack.py kernels SPEC.toml [--reps N] [--only k1,k2] [--pairwise-reps N]

`kernels` times the hot kernels in-process (one warm-up, then N runs) and
prints one JSON document with the medians and each kernel's results, in the
same shape as rurban's `kernels` binary.
"""

import argparse
import csv
import json
import math
import os
import sys
import time
import tomllib

IMPORTS_START = time.perf_counter()

import numpy as np
import pandas as pd
import scipy
import scipy.stats
import sklearn
import statsmodels
import statsmodels.api as sm
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans
from statsmodels.nonparametric.bandwidths import bw_silverman

# ---------------------------------------------------------------- input


def read_spec(path):
    with open(path, "rb") as f:
        spec = tomllib.load(f)
    base = os.path.dirname(os.path.abspath(path))
    method = spec.get("method", {})
    if method.get("weighting", "entropy") != "entropy" or method.get("scope", "panel") != "panel":
        sys.exit("error: the race covers entropy weights over the whole panel only")
    indicators, directions, dim_of, dims = [], [], [], []
    for d in spec["dimension"]:
        dims.append(d["id"])
        for ind in d["indicator"]:
            indicators.append(ind["id"])
            directions.append(ind.get("direction", "+"))
            dim_of.append(len(dims) - 1)
    analysis = spec.get("analysis", {})
    return {
        "path": path,
        "data": os.path.join(base, spec["data"]),
        "groups": os.path.join(base, analysis["groups"]) if "groups" in analysis else None,
        "shift": float(method.get("shift", 0.0)),
        "impute": method.get("impute", "none"),
        "indicators": indicators,
        "negative": np.array([d == "-" for d in directions]),
        "dim_of": np.array(dim_of),
        "dimensions": dims,
        "cluster": {"method": "ward", "k": 3, "seed": 42, **analysis.get("cluster", {})},
        "rho": float(analysis.get("grey", {}).get("rho", 0.5)),
        "ddof": int(analysis.get("disparity", {}).get("ddof", 1)),
        "grid_n": int(analysis.get("kde", {}).get("grid_n", 512)),
        "name": spec.get("name", ""),
        "method": {"weighting": "entropy", "scope": "panel", "shift": float(method.get("shift", 0.0)),
                   "impute": method.get("impute", "none")},
        # on by default with 2+ (top-level) dimensions, as in rurban run
        "coupling": analysis.get("coupling", {}).get("on", len(dims) >= 2),
        "alpha": analysis.get("coupling", {}).get("alpha"),
        "obstacle": analysis.get("obstacle", {}).get("on", True),
    }


def load(spec):
    """The panel as an array [region, year, indicator], imputed."""
    df = pd.read_csv(spec["data"])
    regions, rcode = np.unique(df["region"].astype(str).to_numpy(), return_inverse=True)
    # regions in file order, as rurban keeps them
    first = np.full(len(regions), len(df))
    np.minimum.at(first, rcode, np.arange(len(df)))
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    regions = regions[order]
    rcode = rank[rcode]
    years, ycode = np.unique(df["year"].to_numpy(), return_inverse=True)
    x = np.full((len(regions), len(years), len(spec["indicators"])), np.nan)
    x[rcode, ycode, :] = df[spec["indicators"]].to_numpy(dtype=float)
    miss = np.isnan(x)
    if spec["impute"] == "year-mean":
        # the mean of the other regions' observed values that year
        fill = np.nanmean(x, axis=0)
        x = np.where(miss, fill[None, :, :], x)
    elif np.isnan(x).any():
        sys.exit("error: missing cells and no imputation rule")
    groups = None
    if spec["groups"]:
        g = pd.read_csv(spec["groups"], dtype=str)
        gmap = dict(zip(g["region"], g["group"]))
        groups = np.array([gmap[r] for r in regions])
    return list(regions), [int(y) for y in years], x, groups, miss


# ---------------------------------------------------------------- kernels


def minmax(x, negative):
    lo = x.min(axis=0)
    hi = x.max(axis=0)
    rng = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(negative, (hi - x) / rng, (x - lo) / rng)
    constant = rng <= 0
    z[:, constant] = 0.0
    return z, constant


def entropy_weights(x, negative, shift=0.0):
    z, constant = minmax(x, negative)
    n = x.shape[0]
    q = z + shift
    p = q / q.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / math.log(n)
    e[constant] = 1.0
    d = 1.0 - e
    d[constant] = 0.0
    return d / d.sum(), e, z


def scores(z, w, dim_of, n_dims):
    composite = z @ w
    dims = np.stack([z[:, dim_of == d] @ w[dim_of == d] for d in range(n_dims)], axis=1)
    return composite, dims


def kde_per_year(by_year, grid_n):
    """Silverman bandwidths, one common grid, scipy's gaussian_kde."""
    hs = [bw_silverman(v) for v in by_year]
    lo = min(v.min() for v in by_year)
    hi = max(v.max() for v in by_year)
    h_max = max(hs)
    grid = np.linspace(lo - 3 * h_max, hi + 3 * h_max, grid_n)
    dens = []
    for v, h in zip(by_year, hs):
        # gaussian_kde's kernel sd is factor * std(ddof=1): choose the factor so it is h
        k = scipy.stats.gaussian_kde(v, bw_method=h / v.std(ddof=1))
        dens.append(k(grid))
    return grid, hs, dens


def gini_sorted(x):
    s = np.sort(x)
    n = len(s)
    mu = s.mean()
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * (s - mu)).sum() / (n * n * mu))


def theil(x):
    r = x / x.mean()
    return float((r * np.log(r)).mean())


def pair_sums_sorted(x, y):
    c = np.concatenate([x, y]).mean()
    xs = np.sort(x - c)
    ys = np.sort(y - c)
    prefix = np.concatenate([[0.0], np.cumsum(ys)])
    m = len(ys)
    lo = np.searchsorted(ys, xs, "left")
    hi = np.searchsorted(ys, xs, "right")
    excess = np.maximum(lo * xs - prefix[lo], 0).sum()
    deficit = np.maximum((prefix[m] - prefix[hi]) - (m - hi) * xs, 0).sum()
    return excess, deficit


def pair_sums_pairwise(x, y, chunk=512):
    """The literal double sums, in chunks of rows."""
    ex = de = 0.0
    for s in range(0, len(x), chunk):
        diff = x[s : s + chunk, None] - y[None, :]
        ex += np.maximum(diff, 0).sum()
        de += np.maximum(-diff, 0).sum()
    return ex, de


def group_order(labels):
    keys = sorted(set(labels))
    try:
        nums = [float(k) for k in keys]
        if all(math.isfinite(v) for v in nums):
            keys = [k for _, k in sorted(zip(nums, keys))]
    except ValueError:
        pass
    return keys


def dagum(x, labels, pair_sums=pair_sums_sorted, gini=gini_sorted):
    n = len(x)
    mu = x.mean()
    keys = group_order(labels)
    ys = [x[labels == k] for k in keys]
    means = [y.mean() for y in ys]
    p = [len(y) / n for y in ys]
    s = [len(y) * m / (n * mu) for y, m in zip(ys, means)]
    gjj = [gini(y) for y in ys]
    within = sum(g * pj * sj for g, pj, sj in zip(gjj, p, s))
    between = trans = 0.0
    for j in range(len(ys)):
        for h in range(j + 1, len(ys)):
            a, b = (j, h) if means[j] >= means[h] else (h, j)
            ex, de = pair_sums(ys[a], ys[b])
            count = len(ys[a]) * len(ys[b])
            dd, pp = ex / count, de / count
            d = 0.0 if dd + pp == 0 else (dd - pp) / (dd + pp)
            g = (ex + de) / (count * (means[a] + means[b]))
            wgt = p[a] * s[b] + p[b] * s[a]
            between += g * wgt * d
            trans += g * wgt * (1 - d)
    return {"total": gini(x), "within": within, "between": between, "transvariation": trans}


def gini_pairwise(x, chunk=512):
    tot = 0.0
    for s in range(0, len(x), chunk):
        tot += np.abs(x[s : s + chunk, None] - x[None, :]).sum()
    return tot / (2 * len(x) ** 2 * x.mean())


def dagum_pairwise(x, labels):
    return dagum(x, labels, pair_sums=pair_sums_pairwise, gini=gini_pairwise)


def theil_decomposition(x, labels):
    n, mu = len(x), x.mean()
    within = between = 0.0
    for k in group_order(labels):
        y = x[labels == k]
        mg = y.mean()
        sg = len(y) * mg / (n * mu)
        within += sg * theil(y)
        between += sg * math.log(mg / mu)
    return within, between


def disparity_row(v, labels, ddof):
    mean = v.mean()
    std = v.std(ddof=ddof)
    row = {"n": len(v), "mean": mean, "std": std, "cv": std / mean, "theil": theil(v), "gini": gini_sorted(v)}
    if labels is not None:
        tw, tb = theil_decomposition(v, labels)
        row.update(theil_within=tw, theil_between=tb)
        d = dagum(v, labels)
        row.update(dagum_within=d["within"], dagum_between=d["between"], dagum_transvariation=d["transvariation"])
    return row


def competition_ranks(grades):
    g = np.asarray(grades)
    return 1 + (g[..., None, :] > g[..., :, None]).sum(axis=-1)


def grey(reference, compared, rho):
    """Vectorised GRA: reference (..., n), compared (..., k, n), mean normalisation."""
    r = reference / reference.mean(axis=-1, keepdims=True)
    c = compared / compared.mean(axis=-1, keepdims=True)
    d = np.abs(r[..., None, :] - c)
    dmin = d.min(axis=(-2, -1), keepdims=True)
    dmax = d.max(axis=(-2, -1), keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        xi = np.where(dmax == 0, 1.0, (dmin + rho * dmax) / (d + rho * dmax))
    grades = xi.mean(axis=-1)
    return grades, competition_ranks(grades), xi


def cluster(series, method, k, seed):
    if method == "kmeans":
        km = KMeans(n_clusters=k, n_init=10, init="k-means++", random_state=seed).fit(series)
        raw = km.labels_
        _, first = np.unique(raw, return_index=True)
        order = np.argsort(first)
        relabel = np.empty(len(order), dtype=int)
        relabel[order] = np.arange(1, len(order) + 1)
        return relabel[raw], float(km.inertia_), None
    z = linkage(series, method=method)
    return fcluster(z, k, criterion="maxclust"), None, z


def tiers(series, clusters):
    rowmean = series.mean(axis=1)
    ids = np.unique(clusters)
    means = np.array([rowmean[clusters == c].mean() for c in ids])
    order = np.argsort(-means, kind="stable")
    tier = {int(ids[o]): t + 1 for t, o in enumerate(order)}
    return np.array([tier[int(c)] for c in clusters])


def convergence(comp, years):
    cv = comp.std(axis=0, ddof=1) / comp.mean(axis=0)
    t = years[-1] - years[0]
    x0 = np.log(comp[:, 0])
    g = (np.log(comp[:, -1]) - x0) / t
    fit = sm.OLS(g, sm.add_constant(x0)).fit()
    b = float(fit.params[1])
    lam = hl = None
    if b < 0 and 1 + b * t > 0:
        lam = -math.log(1 + b * t) / t
        hl = math.log(2) / lam
    return {
        "sigma": [{"year": y, "cv": float(c)} for y, c in zip(years, cv)],
        "beta": {"b": b, "se": float(fit.bse[1]), "t": float(fit.tvalues[1]), "p": float(fit.pvalues[1]),
                 "r2": float(fit.rsquared), "lambda": lam, "half_life": hl, "n": int(len(g))},
    }


def peaks(x, f):
    fmax = f.max()
    i = np.arange(1, len(f) - 1)
    ok = (f[i] > f[i - 1]) & (f[i] >= f[i + 1]) & (f[i] >= 0.01 * fmax)
    return [{"x": float(x[j]), "density": float(f[j])} for j in i[ok]]


LEVEL_NAMES = ["extreme imbalance", "serious imbalance", "moderate imbalance", "mild imbalance",
               "on the verge of imbalance", "barely coordinated", "primary coordination",
               "intermediate coordination", "good coordination", "quality coordination"]


def coupling(dims, w, dim_of, alpha=None):
    """Coupling coordination of the dimensions, every region-year at once.

    dims: (rows, n) dimension scores sum_{j in d} w_j z_j; U_d divides them by
    the dimension's weight. C = geometric / arithmetic mean of the U_d (0 when
    one is 0), T = sum alpha_d U_d, D = sqrt(C T), level floor(10 D) + 1 in 1..10.
    """
    n = dims.shape[1]
    u = dims / np.bincount(dim_of, weights=w, minlength=n)
    alpha = np.full(n, 1.0 / n) if alpha is None else np.asarray(alpha, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where((u == 0).any(axis=1), 0.0, np.prod(u, axis=1) ** (1.0 / n) / u.mean(axis=1))
    t = u @ alpha
    d = np.sqrt(c * t)
    level = np.clip(np.floor(10 * d).astype(int) + 1, 1, 10)
    return c, t, d, level, alpha


def obstacles(z, w, dim_of, n_dims):
    """Obstacle degrees (rows, m) of the indicators and (rows, n_dims) of the dimensions.

    O_j = w_j (1 - z_j) / sum_k w_k (1 - z_k), NaN (null) when the denominator is 0;
    a dimension's degree is the sum of its indicators'.
    """
    wi = w * (1.0 - z)
    den = wi.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        o = np.where(den != 0, wi / den, np.nan)
    od = o @ (dim_of[:, None] == np.arange(n_dims)[None, :]).astype(float)
    return o, od


def coverage(spec, years, miss):
    """coverage.csv: the cells of each indicator, observed and imputed, before imputation."""
    nr, ny, m = miss.shape
    missing = miss.sum(axis=(0, 1))
    seen = ~miss.all(axis=0)  # (years, indicators): some region observes it that year
    yrs = np.asarray(years)
    first = [int(yrs[seen[:, j]].min()) if seen[:, j].any() else None for j in range(m)]
    last = [int(yrs[seen[:, j]].max()) if seen[:, j].any() else None for j in range(m)]
    year_mean = spec["impute"] == "year-mean"
    zeros = np.zeros(m, dtype=int)
    return pd.DataFrame({
        "indicator": spec["indicators"], "cells": nr * ny, "observed": nr * ny - missing,
        "interpolated": zeros, "extrapolated": zeros,
        "year_mean": missing if year_mean else zeros, "group_mean": zeros,
        "missing": zeros if year_mean else missing,
        "first_year": pd.array(first, dtype="Int64"), "last_year": pd.array(last, dtype="Int64"),
    })


class Records:
    """A DataFrame to be written into a JSON document as an array of records."""

    def __init__(self, df):
        self.df = df


def dump_json(obj, f, chunk=100_000):
    """Compact JSON: json.dumps (the C encoder) for plain values, and
    DataFrame.to_json(orient="records") for Records, 100,000 rows at a time.

    to_json writes floats with 15 significant digits (pandas' most), not
    the shortest round-trip form: a relative difference of about 1e-14 at most
    from rurban's summary.json, for a sixth of the CPU time of to_dict +
    json.dumps (0.6 s against 3.5 s per million obstacle rows).
    """
    if isinstance(obj, Records):
        df = obj.df
        f.write("[")
        for s in range(0, len(df), chunk):
            if s:
                f.write(",")
            f.write(df.iloc[s : s + chunk].to_json(orient="records", double_precision=15)[1:-1])
        f.write("]")
    elif isinstance(obj, dict):
        f.write("{")
        for i, (k, v) in enumerate(obj.items()):
            if i:
                f.write(",")
            f.write(json.dumps(k) + ":")
            dump_json(v, f, chunk)
        f.write("}")
    else:
        f.write(json.dumps(obj, allow_nan=False, separators=(",", ":")))


# ---------------------------------------------------------------- run


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def run(spec_path, out, timings=False):
    spec = read_spec(spec_path)
    marks, clock = [], [IMPORTS_START]

    def lap(name):
        now = time.perf_counter()
        marks.append((name, now - clock[0]))
        clock[0] = now

    lap("importing the libraries, the spec")
    regions, years, x, groups, miss = load(spec)
    lap("reading the panel")
    nr, ny, m = x.shape
    nd = len(spec["dimensions"])
    w, e, z = entropy_weights(x.reshape(nr * ny, m), spec["negative"], spec["shift"])
    comp, dims = scores(z, w, spec["dim_of"], nd)
    comp = comp.reshape(nr, ny)
    dims = dims.reshape(nr, ny, nd)

    cl = spec["cluster"]
    lap("weights and scores")
    clusters, inertia, z_link = cluster(comp, cl["method"], int(cl["k"]), int(cl["seed"]))
    tier = tiers(comp, clusters)

    lap("clustering regions")
    grid, hs, dens = kde_per_year([comp[:, t] for t in range(ny)], spec["grid_n"])
    lap("kernel density")

    labels = groups
    series = [("composite", comp)] + [(d, dims[:, :, i]) for i, d in enumerate(spec["dimensions"])]
    disp = []
    for name, s in series:
        if (s <= 0).any():
            # as rurban: a series with a value <= 0 has no Theil index; skipped
            print(f"warning: disparity of '{name}' skipped: a value is not > 0", file=sys.stderr)
            continue
        for t, y in enumerate(years):
            disp.append((name, y, disparity_row(s[:, t], labels, spec["ddof"])))

    lap("disparity")
    conv = convergence(comp, years)

    rho = spec["rho"]
    mg, mr, mxi = grey(comp.mean(axis=0), dims.mean(axis=0).T, rho)
    rg, rr, rxi = grey(comp, dims.transpose(0, 2, 1), rho)

    lap("convergence and grey relational analysis")
    # coupling coordination and obstacle degree, every region-year at once
    n_rows = nr * ny
    dims_flat = dims.reshape(n_rows, nd)
    region_col = np.repeat(np.array(regions, dtype=object), ny)
    year_col = np.tile(np.array(years), nr)
    coupling_df = obstacle_df = None
    if spec["coupling"]:
        c, t, d, level, alpha = coupling(dims_flat, w, spec["dim_of"], spec["alpha"])
        coupling_df = pd.DataFrame({"region": region_col, "year": year_col, "C": c, "T": t, "D": d,
                                    "level": level, "level_name": np.array(LEVEL_NAMES, dtype=object)[level - 1]})
    if spec["obstacle"]:
        o, od = obstacles(z, w, spec["dim_of"], nd)
        # per region-year: one row per indicator (its dimension), then one per dimension
        per = m + nd
        ind_names = np.array(spec["indicators"] + [None] * nd, dtype=object)
        dim_names = np.array([spec["dimensions"][k] for k in spec["dim_of"]] + spec["dimensions"], dtype=object)
        obstacle_df = pd.DataFrame({"region": np.repeat(region_col, per), "year": np.repeat(year_col, per),
                                    "indicator": np.tile(ind_names, n_rows), "dimension": np.tile(dim_names, n_rows),
                                    "obstacle": np.concatenate([o, od], axis=1).ravel()})
    cover = coverage(spec, years, miss)
    normalised = pd.DataFrame(z, columns=spec["indicators"])
    normalised.insert(0, "year", year_col)
    normalised.insert(0, "region", region_col)

    lap("coupling and obstacle degree")
    os.makedirs(out, exist_ok=True)
    r = repr
    write_csv(os.path.join(out, "weights.csv"), ["dimension", "indicator", "direction", "weight", "entropy"],
              [[spec["dimensions"][spec["dim_of"][j]], ind, "-" if spec["negative"][j] else "+", r(float(w[j])), r(float(e[j]))]
               for j, ind in enumerate(spec["indicators"])])
    write_csv(os.path.join(out, "scores.csv"), ["region", "year", "composite", *spec["dimensions"]],
              [[reg, y, r(float(comp[i, t])), *[r(float(v)) for v in dims[i, t]]]
               for i, reg in enumerate(regions) for t, y in enumerate(years)])
    cover.to_csv(os.path.join(out, "coverage.csv"), index=False)
    os.makedirs(os.path.join(out, "stages"), exist_ok=True)
    normalised.to_csv(os.path.join(out, "stages", "normalised.csv"), index=False)
    if coupling_df is not None:
        coupling_df.to_csv(os.path.join(out, "coupling.csv"), index=False)
    lap("weights, scores, coverage, normalised, coupling.csv")
    if obstacle_df is not None:
        obstacle_df.to_csv(os.path.join(out, "obstacles.csv"), index=False)
    lap("obstacles.csv")
    write_csv(os.path.join(out, "clusters.csv"), ["region", "cluster", "tier"],
              [[reg, int(c), int(t)] for reg, c, t in zip(regions, clusters, tier)])
    write_csv(os.path.join(out, "kde.csv"), ["year", "x", "density"],
              [[y, r(float(gx)), r(float(f))] for y, d in zip(years, dens) for gx, f in zip(grid, d)])
    dcols = ["n", "mean", "std", "cv", "theil", "gini"]
    if labels is not None:
        dcols += ["theil_within", "theil_between", "dagum_within", "dagum_between", "dagum_transvariation"]
    write_csv(os.path.join(out, "disparity.csv"), ["series", "year", *dcols],
              [[name, y, *[row[c] if c == "n" else r(float(row[c])) for c in dcols]] for name, y, row in disp])
    grows = [["mean", "", d, r(float(mg[i])), int(mr[i])] for i, d in enumerate(spec["dimensions"])]
    grows += [["region", reg, d, r(float(rg[k, i])), int(rr[k, i])]
              for k, reg in enumerate(regions) for i, d in enumerate(spec["dimensions"])]
    write_csv(os.path.join(out, "grey.csv"), ["scope", "region", "dimension", "grade", "rank"], grows)
    with open(os.path.join(out, "convergence.json"), "w") as f:
        json.dump(conv, f, indent=2)

    lap("other tables")
    scores_df = pd.DataFrame(dims_flat, columns=spec["dimensions"])
    scores_df.insert(0, "composite", comp.reshape(n_rows))
    scores_df.insert(0, "year", year_col)
    scores_df.insert(0, "region", region_col)
    ri, ti, ji = np.nonzero(miss) if spec["impute"] == "year-mean" else (np.array([], dtype=int),) * 3
    imputed_df = pd.DataFrame({"region": np.array(regions, dtype=object)[ri], "year": np.array(years)[ti],
                               "indicator": np.array(spec["indicators"], dtype=object)[ji],
                               "value": x[ri, ti, ji], "method": "year-mean"})
    summary = {
        "name": spec["name"], "spec": spec_path, "data": spec["data"], "method": spec["method"],
        "regions": regions, "years": years,
        "weights": {"method": "entropy", "indicators": spec["indicators"], "weights": w.tolist(),
                    "entropy": e.tolist(), "n": nr * ny},
        "scores": Records(scores_df),
        "imputed": Records(imputed_df),
        "coverage": Records(cover),
        "analysis": {
            "cluster": {"method": cl["method"], "k": int(cl["k"]),
                        "labels": [{"label": reg, "cluster": int(c), "tier": int(t)}
                                   for reg, c, t in zip(regions, clusters, tier)],
                        **({"inertia": inertia} if inertia is not None else {}),
                        **({"merges": [[int(a), int(b), float(h), int(s)] for a, b, h, s in z_link]}
                           if z_link is not None else {})},
            "kde": {"kernel": "gaussian", "bandwidth_rule": "silverman",
                    "groups": [{"key": str(y), "n": nr, "bandwidth": float(h), "x": grid.tolist(),
                                "density": d.tolist(), "peaks": peaks(grid, d),
                                "mode": float(grid[np.argmax(d)])}
                               for y, h, d in zip(years, hs, dens)]},
            "disparity": [{"series": name, "key": str(y), **{k: (float(v) if k != "n" else v) for k, v in row.items()}}
                          for name, y, row in disp],
            "convergence": conv,
            "grey": {"mean": {"rho": rho, "grades": mg.tolist(), "ranks": mr.tolist(), "coefficients": mxi.tolist()},
                     "regions": [{"region": reg, "grades": rg[k].tolist(), "ranks": rr[k].tolist(),
                                  "coefficients": rxi[k].tolist()} for k, reg in enumerate(regions)]},
        },
    }
    summary["construction"] = {
        "stages": ["normalise"], "normalisation": "minmax", "aggregation": "arithmetic", "weighting": "entropy",
        "indicators": spec["indicators"], "dimension_order": spec["dimensions"],
        "parents": [[d, None] for d in spec["dimensions"]],
        "trace": {"indicator": spec["indicators"][0], "stages": [["normalised", z[:, 0].tolist()]]},
        "treatment": [], "group_imputed": [],
    }
    if coupling_df is not None:
        summary["coupling"] = {"dimensions": spec["dimensions"], "alpha": alpha.tolist(), "rows": Records(coupling_df)}
    if obstacle_df is not None:
        summary["obstacle"] = {"rows": Records(obstacle_df)}
    with open(os.path.join(out, "summary.json"), "w") as f:
        dump_json(summary, f)
    lap("summary.json")
    if timings:
        for name, t in marks:
            print(f"  {name:<52} {t:7.3f} s", file=sys.stderr)
        print(f"  {'total':<52} {sum(t for _, t in marks):7.3f} s", file=sys.stderr)


# ---------------------------------------------------------------- kernels


def median_time(reps, f):
    f()
    times = []
    for _ in range(max(reps, 1)):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return float(np.median(times)), times


def blas_info():
    try:
        from threadpoolctl import threadpool_info

        return threadpool_info()
    except Exception as e:  # noqa: BLE001
        return [{"error": str(e)}]


def kernels(spec_path, reps, only, pairwise_reps):
    spec = read_spec(spec_path)
    regions, years, x, groups, miss = load(spec)
    nr, ny, m = x.shape
    nd = len(spec["dimensions"])
    X = np.ascontiguousarray(x.reshape(nr * ny, m))
    neg = spec["negative"]
    w, _, z = entropy_weights(X, neg)
    comp, dims = scores(z, w, spec["dim_of"], nd)
    comp2 = comp.reshape(nr, ny)
    dims3 = dims.reshape(nr, ny, nd)
    out = {}

    def want(k):
        return only is None or k in only

    def record(name, n, t, check):
        print(f"{name:<28} median {t[0]:>10.6f} s over {n}", file=sys.stderr)
        out[name] = {"median_s": t[0], "times_s": t[1], "reps": n, "check": check}

    if want("streaming_sum"):
        record("streaming_sum", reps * 4, median_time(reps * 4, lambda: X.sum()), float(X.sum()))
    if want("minmax"):
        record("minmax", reps, median_time(reps, lambda: minmax(X, neg)), None)
    if want("entropy_weights"):
        record("entropy_weights", reps, median_time(reps, lambda: entropy_weights(X, neg)), w.tolist())
    if want("entropy_weights_scores"):
        def ws():
            w_, _, z_ = entropy_weights(X, neg)
            return scores(z_, w_, spec["dim_of"], nd)

        record("entropy_weights_scores", reps, median_time(reps, ws), comp.tolist())
    by_year = [np.ascontiguousarray(comp2[:, t]) for t in range(ny)]
    if want("kde_exact"):
        grid, hs, dens = kde_per_year(by_year, 512)
        t = median_time(reps, lambda: kde_per_year(by_year, 512))
        record("kde_exact", reps, t, {"x": grid.tolist(), "groups": [
            {"key": str(y), "bandwidth": h, "density": d.tolist()} for y, h, d in zip(years, hs, dens)]})
    labels = groups
    if want("disparity_per_year"):
        def dy():
            return [disparity_row(v, labels, 1) for v in by_year]

        rows = dy()
        record("disparity_per_year", reps, median_time(reps, dy),
               [{"key": str(y), **{k: float(v) for k, v in r.items() if k != "n"}} for y, r in zip(years, rows)])
    pooled = np.ascontiguousarray(comp)  # region-major, as rurban pools
    plabels = np.repeat(labels, ny)
    if want("dagum_pooled"):
        d = dagum(pooled, plabels)
        record("dagum_pooled", reps, median_time(reps, lambda: dagum(pooled, plabels)), {"n": len(pooled), **d})
    if want("dagum_pooled_pairwise"):
        d = {}

        def dp():
            d.update(dagum_pairwise(pooled, plabels))

        t = time.perf_counter()
        dp()
        times = [time.perf_counter() - t]
        for _ in range(pairwise_reps - 1):
            t = time.perf_counter()
            dp()
            times.append(time.perf_counter() - t)
        record("dagum_pooled_pairwise", len(times), (float(np.median(times)), times), {"n": len(pooled), **d})
    if want("gini_pooled"):
        record("gini_pooled", reps, median_time(reps, lambda: gini_sorted(pooled)), gini_sorted(pooled))
    if want("grey_per_region"):
        ref = comp2
        cmp_ = np.ascontiguousarray(dims3.transpose(0, 2, 1))
        g, _, _ = grey(ref, cmp_, 0.5)
        record("grey_per_region", reps, median_time(reps, lambda: grey(ref, cmp_, 0.5)), g.tolist())
    if want("grey_10000x30"):
        # the same sequences as rurban's, read from its kernels output when given
        seq = os.environ.get("RURBAN_GREY_SEQUENCES")
        if seq:
            with open(seq) as f:
                c = json.load(f)["kernels"]["grey_10000x30"]["check"]
            ref = np.array(c["reference"])
            cmp_ = np.array(c["compare"])
        else:
            rng = np.random.default_rng(7)
            ref = 1.0 + 0.05 * np.arange(30)
            cmp_ = (0.5 + rng.random((10000, 1))) * ref * (0.9 + 0.2 * rng.random((10000, 30)))
        g, _, _ = grey(ref, cmp_, 0.5)
        record("grey_10000x30", reps, median_time(reps, lambda: grey(ref, cmp_, 0.5)), {"grades": g.tolist()})
    if want("ward"):
        def wd():
            z_ = linkage(comp2, method="ward")
            return z_, fcluster(z_, 5, criterion="maxclust")

        z_, c = wd()
        record("ward", reps, median_time(reps, wd), {"heights": z_[:, 2].tolist(), "clusters": c.tolist()})
    if want("kmeans"):
        def km():
            return KMeans(n_clusters=5, n_init=10, init="k-means++", random_state=42).fit(comp2)

        k = km()
        record("kmeans", reps, median_time(reps, km), {"inertia": float(k.inertia_), "clusters": k.labels_.tolist()})

    doc = {
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                     "scikit-learn": sklearn.__version__, "statsmodels": statsmodels.__version__,
                     "pandas": pd.__version__},
        "threadpools": blas_info(),
        "rows": nr * ny, "regions": nr, "years": ny, "indicators": m,
        "kernels": out,
    }
    print(json.dumps(doc))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("spec")
    r.add_argument("--out", required=True)
    r.add_argument("--timings", action="store_true", help="print the time of each step on stderr")
    k = sub.add_parser("kernels")
    k.add_argument("spec")
    k.add_argument("--reps", type=int, default=5)
    k.add_argument("--only")
    k.add_argument("--pairwise-reps", type=int, default=1)
    a = ap.parse_args()
    if a.cmd == "run":
        run(a.spec, a.out, a.timings)
    else:
        kernels(a.spec, a.reps, set(a.only.split(",")) if a.only else None, a.pairwise_reps)


if __name__ == "__main__":
    main()
