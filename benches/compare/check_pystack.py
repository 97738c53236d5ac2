#!/usr/bin/env python3
"""Check that pystack.py and `rurban run` wrote the same numbers.

    check_pystack.py RURBAN_OUT PYSTACK_OUT [--rtol 1e-9] [--atol 1e-12] [--summary]

Compares every CSV the two output directories share (found recursively, so
`stages/normalised.csv` too): the same header, the same number of rows, text
and integer columns equal, empty cells in the same places, and every float
column within |a - b| <= atol + rtol max(|a|, |b|). `convergence.json` is
compared leaf by leaf at rtol 1e-7 (statsmodels' OLS against rurban's).
With `--summary`, the objects of summary.json that both write from the
same definitions (`coverage`, `imputed`, `construction`, `coupling`,
`obstacle`) are compared leaf by leaf as well; it loads both documents
(rurban's is about 480 MB on the county panel: several GB of memory).

The two sides are independent implementations (Rust, and numpy/pandas), so
agreement is a cross-check of both. Prints one line per file and exits 1 on
any difference. Needs numpy and pandas.
"""

import argparse
import json
import math
import os
import sys

import numpy as np
import pandas as pd


def csv_files(root):
    found = set()
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".csv"):
                found.add(os.path.relpath(os.path.join(d, f), root))
    return found


def compare_csv(a_path, b_path, rtol, atol):
    """Return (worst relative difference, list of problems)."""
    a = pd.read_csv(a_path, keep_default_na=False, na_values=[""], dtype_backend="numpy_nullable")
    b = pd.read_csv(b_path, keep_default_na=False, na_values=[""], dtype_backend="numpy_nullable")
    problems = []
    if list(a.columns) != list(b.columns):
        return 0.0, [f"header {list(a.columns)} != {list(b.columns)}"]
    if len(a) != len(b):
        return 0.0, [f"{len(a)} rows != {len(b)} rows"]
    worst = 0.0
    for col in a.columns:
        x, y = a[col], b[col]
        xna, yna = x.isna().to_numpy(), y.isna().to_numpy()
        if (xna != yna).any():
            i = int(np.argmax(xna != yna))
            problems.append(f"{col}: empty in one file only, first at data row {i + 1}")
            continue
        fx = pd.api.types.is_float_dtype(x) or pd.api.types.is_float_dtype(y)
        if fx and pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xv = x.to_numpy(dtype=float, na_value=np.nan)[~xna]
            yv = y.to_numpy(dtype=float, na_value=np.nan)[~yna]
            diff = np.abs(xv - yv)
            scale = np.maximum(np.abs(xv), np.abs(yv))
            bad = diff > atol + rtol * scale
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.where(scale > 0, diff / scale, 0.0)
            if len(rel):
                worst = max(worst, float(rel.max()))
            if bad.any():
                i = int(np.flatnonzero(~xna)[np.argmax(bad)])
                problems.append(f"{col}: {int(bad.sum())} values differ, first at data row {i + 1}: "
                                f"{x.iloc[i]!r} vs {y.iloc[i]!r}")
        else:
            xs = x.astype(str).to_numpy()[~xna]
            ys = y.astype(str).to_numpy()[~yna]
            neq = xs != ys
            if neq.any():
                i = int(np.flatnonzero(~xna)[np.argmax(neq)])
                problems.append(f"{col}: {int(neq.sum())} cells differ, first at data row {i + 1}: "
                                f"{x.iloc[i]!r} vs {y.iloc[i]!r}")
    return worst, problems


def compare_tree(a, b, rtol, atol, path="", out=None):
    """Leaf-by-leaf comparison of two JSON values; problems appended to out."""
    out = [] if out is None else out
    if len(out) > 10:
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            out.append(f"{path}: keys {sorted(set(a) ^ set(b))} in one only")
        for k in a.keys() & b.keys():
            compare_tree(a[k], b[k], rtol, atol, f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: length {len(a)} != {len(b)}")
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                compare_tree(x, y, rtol, atol, f"{path}[{i}]", out)
    elif isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or isinstance(b, str) or a is None or b is None:
        if a != b:
            out.append(f"{path}: {a!r} != {b!r}")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if not (math.isclose(a, b, rel_tol=rtol, abs_tol=atol) or (math.isnan(a) and math.isnan(b))):
            out.append(f"{path}: {a!r} != {b!r}")
    else:
        out.append(f"{path}: {type(a).__name__} vs {type(b).__name__}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rurban_out")
    ap.add_argument("pystack_out")
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--atol", type=float, default=1e-12)
    ap.add_argument("--summary", action="store_true", help="also compare the shared objects of summary.json")
    a = ap.parse_args()

    ra, pa = csv_files(a.rurban_out), csv_files(a.pystack_out)
    failed = False
    for only, side in ((ra - pa, "rurban"), (pa - ra, "pystack")):
        for f in sorted(only):
            print(f"{f:<24} only in the {side} output")
            failed = True
    for f in sorted(ra & pa):
        worst, problems = compare_csv(os.path.join(a.rurban_out, f), os.path.join(a.pystack_out, f), a.rtol, a.atol)
        status = "ok" if not problems else "DIFFERS"
        print(f"{f:<24} {status:<8} largest relative difference {worst:.2e}")
        for p in problems:
            print(f"    {p}")
        failed |= bool(problems)

    conv = [os.path.join(d, "convergence.json") for d in (a.rurban_out, a.pystack_out)]
    if all(os.path.exists(c) for c in conv):
        x, y = (json.load(open(c)) for c in conv)
        x.pop("warnings", None)
        problems = compare_tree(x, y, 1e-7, a.atol)
        print(f"{'convergence.json':<24} {'ok' if not problems else 'DIFFERS'}")
        for p in problems:
            print(f"    {p}")
        failed |= bool(problems)

    if a.summary:
        with open(os.path.join(a.rurban_out, "summary.json")) as f:
            x = json.load(f)
        keys = ["coverage", "imputed", "construction", "coupling", "obstacle"]
        x = {k: x[k] for k in keys if k in x}
        with open(os.path.join(a.pystack_out, "summary.json")) as f:
            y = json.load(f)
        y = {k: y[k] for k in keys if k in y}
        problems = compare_tree(x, y, a.rtol, a.atol, "summary")
        print(f"{'summary.json ' + ','.join(keys):<24} {'ok' if not problems else 'DIFFERS'}")
        for p in problems:
            print(f"    {p}")
        failed |= bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
