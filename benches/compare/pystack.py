#!/usr/bin/env python3
"""The rurban pipeline written with the Python scientific stack.

numpy, scipy, scikit-learn, statsmodels (and pandas, which statsmodels
brings, to read the CSV). It is the other side of the race run by
race.py and does what `rurban run` does on the race's specifications:

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
* write weights.csv, scores.csv, clusters.csv, kde.csv, disparity.csv,
  grey.csv, convergence.json and summary.json.

Usage:
    pystack.py run SPEC.toml --out DIR
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
    if spec["impute"] == "year-mean":
        # the mean of the other regions' observed values that year
        fill = np.nanmean(x, axis=0)
        miss = np.isnan(x)
        x = np.where(miss, fill[None, :, :], x)
    elif np.isnan(x).any():
        sys.exit("error: missing cells and no imputation rule")
    groups = None
    if spec["groups"]:
        g = pd.read_csv(spec["groups"], dtype=str)
        gmap = dict(zip(g["region"], g["group"]))
        groups = np.array([gmap[r] for r in regions])
    return list(regions), [int(y) for y in years], x, groups


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


# ---------------------------------------------------------------- run


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def run(spec_path, out):
    spec = read_spec(spec_path)
    regions, years, x, groups = load(spec)
    nr, ny, m = x.shape
    nd = len(spec["dimensions"])
    w, e, z = entropy_weights(x.reshape(nr * ny, m), spec["negative"], spec["shift"])
    comp, dims = scores(z, w, spec["dim_of"], nd)
    comp = comp.reshape(nr, ny)
    dims = dims.reshape(nr, ny, nd)

    cl = spec["cluster"]
    clusters, inertia, z_link = cluster(comp, cl["method"], int(cl["k"]), int(cl["seed"]))
    tier = tiers(comp, clusters)

    grid, hs, dens = kde_per_year([comp[:, t] for t in range(ny)], spec["grid_n"])

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

    conv = convergence(comp, years)

    rho = spec["rho"]
    mg, mr, mxi = grey(comp.mean(axis=0), dims.mean(axis=0).T, rho)
    rg, rr, rxi = grey(comp, dims.transpose(0, 2, 1), rho)

    os.makedirs(out, exist_ok=True)
    r = repr
    write_csv(os.path.join(out, "weights.csv"), ["dimension", "indicator", "direction", "weight", "entropy"],
              [[spec["dimensions"][spec["dim_of"][j]], ind, "-" if spec["negative"][j] else "+", r(float(w[j])), r(float(e[j]))]
               for j, ind in enumerate(spec["indicators"])])
    write_csv(os.path.join(out, "scores.csv"), ["region", "year", "composite", *spec["dimensions"]],
              [[reg, y, r(float(comp[i, t])), *[r(float(v)) for v in dims[i, t]]]
               for i, reg in enumerate(regions) for t, y in enumerate(years)])
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

    summary = {
        "name": spec["name"], "spec": spec_path, "data": spec["data"],
        "regions": regions, "years": years,
        "weights": {"method": "entropy", "indicators": spec["indicators"], "weights": w.tolist(),
                    "entropy": e.tolist(), "n": nr * ny},
        "scores": [{"region": reg, "year": y, "composite": float(comp[i, t]),
                    **{d: float(dims[i, t, k]) for k, d in enumerate(spec["dimensions"])}}
                   for i, reg in enumerate(regions) for t, y in enumerate(years)],
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
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)


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
    regions, years, x, groups = load(spec)
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
    k = sub.add_parser("kernels")
    k.add_argument("spec")
    k.add_argument("--reps", type=int, default=5)
    k.add_argument("--only")
    k.add_argument("--pairwise-reps", type=int, default=1)
    a = ap.parse_args()
    if a.cmd == "run":
        run(a.spec, a.out)
    else:
        kernels(a.spec, a.reps, set(a.only.split(",")) if a.only else None, a.pairwise_reps)


if __name__ == "__main__":
    main()
