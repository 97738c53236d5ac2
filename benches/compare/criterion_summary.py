#!/usr/bin/env python3
"""Prints the medians of the last `cargo bench -p rurban-benches` run as a
Markdown table (one row per bench, one column per workload), read from
target/criterion/<group>/<workload>/new/estimates.json.

    python3 benches/compare/criterion_summary.py
"""

import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CRIT = os.path.join(ROOT, "target", "criterion")
ORDER = ["streaming_sum", "minmax", "weights_entropy", "weights_critic", "weights_stddev",
         "entropy_weights_and_scores", "kde_exact_gaussian_512", "kde_binned_gaussian_512",
         "gini_per_year", "theil_per_year", "dagum_per_year", "disparity_report_per_year",
         "dagum_pooled", "grey_per_region", "grey_sequences", "kmeans_k5", "ward_k5", "run_pipeline"]
COLS = ["small", "province", "county", "10000x30"]


def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def main():
    if not os.path.isdir(CRIT):
        sys.exit("error: no target/criterion: run `cargo bench -p rurban-benches` first")
    groups = sorted(os.listdir(CRIT), key=lambda g: (ORDER.index(g) if g in ORDER else 99, g))
    print("| bench | " + " | ".join(COLS) + " |")
    print("|---|" + "---:|" * len(COLS))
    for g in groups:
        cells = []
        for c in COLS:
            p = os.path.join(CRIT, g, c, "new", "estimates.json")
            cells.append(fmt(json.load(open(p))["median"]["point_estimate"]) if os.path.exists(p) else "")
        if any(cells):
            print(f"| {g} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
