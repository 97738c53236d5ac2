//! End-to-end tests of the analysis subcommands `kde`, `disparity`, `grey`,
//! `cluster` and `convergence` through the binary: the JSON shapes of the
//! contract, `--by` grouping and its key order, numbers against values
//! recorded with numpy / scipy / statsmodels / scikit-learn / inequality
//! (`tests/fixtures/analysis/record.py` writes the inputs and
//! `reference.json`), and every bad input ending in one `error:` line.

use crate::support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;
use support::{
    Fails, Out, TempDir, assert_close, assert_keys, assert_rel, check_failures, f64s, fails,
    fixture, fnum, read_csv, read_json, rurban,
};

/// `tests/fixtures/analysis/NAME`.
fn input(name: &str) -> PathBuf {
    fixture("analysis").join(name)
}

fn reference() -> &'static Value {
    static REF: OnceLock<Value> = OnceLock::new();
    REF.get_or_init(|| read_json(&input("reference.json")))
}

/// The arguments of a recorded case (input paths made absolute) and the
/// values recorded for it.
fn case(name: &str) -> (Vec<String>, &'static Value) {
    let c = &reference()["cases"][name];
    assert!(c.is_object(), "no case {name:?} in reference.json");
    let mut args: Vec<String> = c["args"]
        .as_array()
        .expect("args")
        .iter()
        .map(|a| a.as_str().expect("string arg").to_string())
        .collect();
    let i = args.iter().position(|a| a == "--input").expect("--input") + 1;
    args[i] = input(&args[i]).to_string_lossy().into_owned();
    (args, &c["expected"])
}

/// Runs a recorded case with `--format json`; returns the output, its JSON
/// and the recorded values.
fn run_case(name: &str) -> (Out, Value, &'static Value) {
    let (mut args, expected) = case(name);
    args.extend(["--format".into(), "json".into()]);
    let out = rurban(&args);
    let doc = out.json();
    (out, doc, expected)
}

fn obj_f(v: &Value, key: &str, what: &str) -> f64 {
    fnum(&v[key], &format!("{what}.{key}"))
}

fn arr<'a>(v: &'a Value, what: &str) -> &'a Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("{what}: not an array: {v}"))
}

fn keys_of(doc: &Value) -> Vec<String> {
    arr(&doc["groups"], "groups")
        .iter()
        .map(|g| g["key"].as_str().expect("string key").to_string())
        .collect()
}

/// `"warnings"` is an array (empty here).
#[track_caller]
fn assert_no_warnings(doc: &Value) {
    assert_eq!(doc["warnings"], Value::Array(vec![]), "warnings");
}

// ===================================================================== kde

const KDE_TOP: [&str; 4] = ["kernel", "bandwidth_rule", "groups", "warnings"];
const KDE_GROUP: [&str; 7] = ["key", "n", "bandwidth", "x", "density", "peaks", "mode"];
/// Per-group summaries documented in docs/methods/kde.md beyond the contract.
const KDE_GROUP_EXTRA: [&str; 2] = ["peak_height", "spread"];

/// Checks a `rurban kde` document against recorded values: shape, keys in
/// order, bandwidths and grid to 1e-12, densities to 1e-12 of the peak,
/// peaks and mode.
#[track_caller]
fn check_kde(doc: &Value, exp: &Value, what: &str) {
    assert_keys(doc, &KDE_TOP, &[], what);
    assert_no_warnings(doc);
    assert_eq!(doc["kernel"], exp["kernel"], "{what}: kernel");
    assert_eq!(doc["bandwidth_rule"], exp["bandwidth_rule"], "{what}: rule");
    let (g, e) = (arr(&doc["groups"], what), arr(&exp["groups"], what));
    assert_eq!(keys_of(doc), keys_of(exp), "{what}: group keys in order");
    for (g, e) in g.iter().zip(e) {
        let w = format!("{what} group {}", e["key"]);
        assert_keys(g, &KDE_GROUP, &KDE_GROUP_EXTRA, &w);
        assert_eq!(g["n"], e["n"], "{w}: n");
        assert_close(
            &[obj_f(g, "bandwidth", &w)],
            &[obj_f(e, "bandwidth", &w)],
            1e-12,
            &format!("{w}: bandwidth"),
        );
        let x = f64s(&g["x"]);
        assert_close(&x, &f64s(&e["x"]), 1e-12, &format!("{w}: grid"));
        let f = f64s(&g["density"]);
        let fe = f64s(&e["density"]);
        let top = fe.iter().cloned().fold(0.0, f64::max);
        assert_eq!(f.len(), fe.len(), "{w}: density length");
        for (i, (a, b)) in f.iter().zip(&fe).enumerate() {
            assert!(
                (a - b).abs() <= 1e-12 * top,
                "{w}: density[{i}] = {a}, expected {b}"
            );
        }
        let peaks = arr(&g["peaks"], &w);
        let epeaks = arr(&e["peaks"], &w);
        assert_eq!(peaks.len(), epeaks.len(), "{w}: number of peaks");
        for (p, q) in peaks.iter().zip(epeaks) {
            assert_keys(p, &["x", "density"], &[], &format!("{w}: peak"));
            assert_close(
                &[obj_f(p, "x", &w), obj_f(p, "density", &w)],
                &[obj_f(q, "x", &w), obj_f(q, "density", &w)],
                1e-12,
                &format!("{w}: peak"),
            );
        }
        assert_close(
            &[obj_f(g, "mode", &w)],
            &[obj_f(e, "mode", &w)],
            1e-12,
            &format!("{w}: mode"),
        );
        // The documented extra: the largest density.
        let fmax = f.iter().cloned().fold(0.0, f64::max);
        assert_eq!(obj_f(g, "peak_height", &w), fmax, "{w}: peak_height");
    }
}

/// The values of `value` per distinct `by` cell of a fixture CSV.
fn values_by(file: &str, by: &str) -> BTreeMap<String, Vec<f64>> {
    let (h, rows) = read_csv(&input(file));
    let (b, v) = (support::col(&h, by), support::col(&h, "value"));
    let mut m: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in rows {
        m.entry(r[b].clone()).or_default().push(support::num(&r[v]));
    }
    m
}

#[test]
fn kde_silverman_by_year_matches_scipy_and_statsmodels() {
    let (_, doc, exp) = run_case("kde_silverman_by_year");
    check_kde(&doc, exp, "kde silverman");
    assert_eq!(keys_of(&doc), ["2009", "2010", "2011"]);
    // The bimodal year shows two peaks.
    assert_eq!(arr(&doc["groups"][2]["peaks"], "peaks").len(), 2);
}

#[test]
fn kde_grid_spans_min_and_max_over_groups_plus_three_largest_bandwidths() {
    let (_, doc, _) = run_case("kde_silverman_by_year");
    // Independently of the recording: min/max of all values, h_max of the
    // bandwidths reported, 101 points evenly spaced with both ends included.
    let all: Vec<f64> = values_by("kde.csv", "year")
        .into_values()
        .flatten()
        .collect();
    let lo = all.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = all.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let groups = arr(&doc["groups"], "groups");
    let hmax = groups
        .iter()
        .map(|g| obj_f(g, "bandwidth", "group"))
        .fold(0.0, f64::max);
    // The largest bandwidth is the bimodal year's, not the first group's.
    assert!(obj_f(&groups[0], "bandwidth", "g") < hmax);
    for g in groups {
        let x = f64s(&g["x"]);
        assert_eq!(x.len(), 101);
        assert_close(
            &[x[0], x[100]],
            &[lo - 3.0 * hmax, hi + 3.0 * hmax],
            1e-14,
            "grid ends",
        );
        let step = (x[100] - x[0]) / 100.0;
        for i in 1..x.len() {
            assert!((x[i] - x[i - 1] - step).abs() < 1e-12, "uneven grid at {i}");
        }
        // The same grid for every group.
        assert_eq!(g["x"], groups[0]["x"]);
    }
}

#[test]
fn kde_scott_bandwidth() {
    let (_, doc, exp) = run_case("kde_scott_by_year");
    check_kde(&doc, exp, "kde scott");
    // Scott's rule is Silverman's times 1.059 / 0.9.
    let (_, silver, _) = run_case("kde_silverman_by_year");
    for (a, b) in arr(&doc["groups"], "g")
        .iter()
        .zip(arr(&silver["groups"], "g"))
    {
        assert_rel(
            obj_f(a, "bandwidth", "scott"),
            obj_f(b, "bandwidth", "silverman") * 1.059 / 0.9,
            1e-14,
            "scott / silverman",
        );
    }
}

#[test]
fn kde_epanechnikov_matches_scikit_learn() {
    let (_, doc, exp) = run_case("kde_epanechnikov_by_year");
    check_kde(&doc, exp, "kde epanechnikov");
    assert_eq!(doc["kernel"], "epanechnikov");
}

#[test]
fn kde_fixed_bandwidth_is_used_as_is() {
    let (_, doc, exp) = run_case("kde_fixed_epanechnikov");
    check_kde(&doc, exp, "kde fixed");
    for g in arr(&doc["groups"], "g") {
        assert_eq!(obj_f(g, "bandwidth", "g"), 0.07);
    }
}

#[test]
fn kde_explicit_grid_ends() {
    let (_, doc, exp) = run_case("kde_explicit_grid");
    check_kde(&doc, exp, "kde explicit grid");
    for g in arr(&doc["groups"], "g") {
        let x = f64s(&g["x"]);
        assert_eq!(x.len(), 81);
        assert_eq!((x[0], x[80]), (-0.2, 1.4), "explicit ends are exact");
    }
}

#[test]
fn kde_by_orders_numeric_keys_as_numbers() {
    // wave = 9, 10, 11: as numbers 9 < 10 < 11, as text "10" < "11" < "9".
    let (_, doc, exp) = run_case("kde_by_wave");
    check_kde(&doc, exp, "kde by wave");
    assert_eq!(keys_of(&doc), ["9", "10", "11"]);
    // The same groups as by year, so the same numbers.
    let (_, by_year, _) = run_case("kde_silverman_by_year");
    for (a, b) in arr(&doc["groups"], "g")
        .iter()
        .zip(arr(&by_year["groups"], "g"))
    {
        assert_eq!(a["density"], b["density"]);
        assert_eq!(a["bandwidth"], b["bandwidth"]);
    }
}

#[test]
fn kde_by_orders_text_keys_lexically() {
    let (_, doc, exp) = run_case("kde_by_zone");
    check_kde(&doc, exp, "kde by zone");
    // Not all numbers: code-point order, "10" < "East" < "north".
    assert_eq!(keys_of(&doc), ["10", "East", "north"]);
}

#[test]
fn kde_without_by_is_one_group_all_on_512_points() {
    let (_, doc, exp) = run_case("kde_all_default_grid");
    check_kde(&doc, exp, "kde all");
    assert_eq!(keys_of(&doc), ["all"]);
    assert_eq!(doc["groups"][0]["n"], 34);
    assert_eq!(f64s(&doc["groups"][0]["x"]).len(), 512);
}

#[test]
fn kde_zero_iqr_uses_the_standard_deviation() {
    let (_, doc, exp) = run_case("kde_iqr_zero");
    check_kde(&doc, exp, "kde iqr 0");
    // Values 3 (seven times), 1, 8: both quartiles are 3, IQR = 0, so
    // A = s and h = 0.9 * s * 9^(-1/5).
    let v = [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 1.0, 8.0];
    let h = 0.9 * support::reference::sd(&v) * 9f64.powf(-0.2);
    assert_rel(obj_f(&doc["groups"][0], "bandwidth", "g"), h, 1e-14, "h");
}

// =============================================================== disparity

const DISP_TOP: [&str; 3] = ["ddof", "groups", "warnings"];
const DISP_GROUP: [&str; 7] = ["key", "n", "mean", "std", "cv", "theil", "gini"];
const DAGUM: [&str; 6] = [
    "total",
    "within",
    "between",
    "transvariation",
    "within_groups",
    "between_groups",
];

#[track_caller]
fn check_disparity(doc: &Value, exp: &Value, grouped: bool, what: &str) {
    assert_keys(doc, &DISP_TOP, &[], what);
    assert_no_warnings(doc);
    assert_eq!(doc["ddof"], exp["ddof"], "{what}: ddof");
    assert_eq!(keys_of(doc), keys_of(exp), "{what}: keys");
    for (g, e) in arr(&doc["groups"], what)
        .iter()
        .zip(arr(&exp["groups"], what))
    {
        let w = format!("{what} group {}", e["key"]);
        if grouped {
            let mut all = DISP_GROUP.to_vec();
            all.extend(["theil_decomposition", "dagum"]);
            assert_keys(g, &all, &[], &w);
        } else {
            assert_keys(g, &DISP_GROUP, &[], &w);
        }
        assert_eq!(g["n"], e["n"], "{w}: n");
        for k in ["mean", "std", "cv", "theil", "gini"] {
            assert_close(
                &[obj_f(g, k, &w)],
                &[obj_f(e, k, &w)],
                1e-12,
                &format!("{w}: {k}"),
            );
        }
        if !grouped {
            continue;
        }
        let td = &g["theil_decomposition"];
        assert_keys(td, &["within", "between"], &[], &w);
        for k in ["within", "between"] {
            assert_close(
                &[obj_f(td, k, &w)],
                &[obj_f(&e["theil_decomposition"], k, &w)],
                1e-12,
                &format!("{w}: theil {k}"),
            );
        }
        // Theil: within + between = total.
        assert!(
            (obj_f(td, "within", &w) + obj_f(td, "between", &w) - obj_f(g, "theil", &w)).abs()
                <= 1e-12,
            "{w}: Theil parts do not add up"
        );
        let d = &g["dagum"];
        let ed = &e["dagum"];
        assert_keys(d, &DAGUM, &[], &w);
        for k in ["total", "within", "between", "transvariation"] {
            assert_close(
                &[obj_f(d, k, &w)],
                &[obj_f(ed, k, &w)],
                1e-12,
                &format!("{w}: dagum {k}"),
            );
        }
        // Dagum: within + between + transvariation = Gini (1e-12).
        let sum = obj_f(d, "within", &w) + obj_f(d, "between", &w) + obj_f(d, "transvariation", &w);
        assert!(
            (sum - obj_f(g, "gini", &w)).abs() <= 1e-12,
            "{w}: Dagum parts sum to {sum}, Gini {}",
            g["gini"]
        );
        assert!((obj_f(d, "total", &w) - obj_f(g, "gini", &w)).abs() <= 1e-12);
        // within_groups: {sub-group: G_jj} in sub-group order.
        let wg = d["within_groups"]
            .as_object()
            .expect("within_groups object");
        let ewg = ed["within_groups"].as_object().expect("within_groups");
        let mut wk: Vec<&String> = wg.keys().collect();
        let mut ek: Vec<&String> = ewg.keys().collect();
        wk.sort();
        ek.sort();
        assert_eq!(wk, ek, "{w}: sub-groups");
        for (k, v) in ewg {
            assert_close(
                &[fnum(&wg[k], &w)],
                &[fnum(v, &w)],
                1e-12,
                &format!("{w}: G_jj {k}"),
            );
        }
        // between_groups: each pair once, `a` the sub-group with the larger mean.
        let bg = arr(&d["between_groups"], &w);
        let ebg = arr(&ed["between_groups"], &w);
        assert_eq!(bg.len(), ebg.len(), "{w}: number of pairs");
        for (p, q) in bg.iter().zip(ebg) {
            assert_keys(p, &["a", "b", "gini", "d"], &[], &format!("{w}: pair"));
            assert_eq!((&p["a"], &p["b"]), (&q["a"], &q["b"]), "{w}: pair order");
            assert_close(
                &[obj_f(p, "gini", &w), obj_f(p, "d", &w)],
                &[obj_f(q, "gini", &w), obj_f(q, "d", &w)],
                1e-12,
                &format!("{w}: pair {}-{}", q["a"], q["b"]),
            );
        }
    }
}

#[test]
fn disparity_with_groups_matches_inequality_and_dagum_adds_up() {
    let (_, doc, exp) = run_case("disparity_grouped_ddof1");
    check_disparity(&doc, exp, true, "disparity grouped");
    assert_eq!(doc["ddof"], 1);
    assert_eq!(keys_of(&doc), ["2019", "2020"]);
    // Three sub-groups: three pairs.
    assert_eq!(
        arr(&doc["groups"][0]["dagum"]["between_groups"], "bg").len(),
        3
    );
}

#[test]
fn disparity_ddof_0_and_1() {
    let (_, d0, exp) = run_case("disparity_ddof0");
    check_disparity(&d0, exp, false, "disparity ddof 0");
    assert_eq!(d0["ddof"], 0);
    let (_, d1, _) = run_case("disparity_grouped_ddof1");
    // std(ddof 1) = std(ddof 0) * sqrt(n / (n - 1)), n = 12.
    for (a, b) in arr(&d0["groups"], "g").iter().zip(arr(&d1["groups"], "g")) {
        assert_rel(
            obj_f(b, "std", "d1"),
            obj_f(a, "std", "d0") * (12.0f64 / 11.0).sqrt(),
            1e-14,
            "ddof 1 vs 0",
        );
        // The rest does not depend on ddof.
        assert_eq!(a["gini"], b["gini"]);
        assert_eq!(a["theil"], b["theil"]);
    }
}

#[test]
fn disparity_without_by_is_one_group_all() {
    let (_, doc, exp) = run_case("disparity_all");
    check_disparity(&doc, exp, false, "disparity all");
    assert_eq!(keys_of(&doc), ["all"]);
    assert_eq!(doc["groups"][0]["n"], 24);
}

#[test]
fn disparity_default_ddof_is_1() {
    let file = input("disparity.csv");
    let doc = rurban([
        "disparity",
        "--input",
        file.to_str().unwrap(),
        "--column",
        "value",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(doc["ddof"], 1);
    let (_, exp) = case("disparity_all");
    assert_close(
        &[obj_f(&doc["groups"][0], "std", "std")],
        &[obj_f(&exp["groups"][0], "std", "std")],
        1e-12,
        "default ddof std",
    );
}

// ==================================================================== grey

#[track_caller]
fn check_grey(name: &str) -> Value {
    let (_, doc, exp) = run_case(name);
    assert_keys(
        &doc,
        &["rho", "normalization", "grades", "coefficients", "warnings"],
        &[],
        name,
    );
    assert_no_warnings(&doc);
    assert_eq!(doc["normalization"], exp["normalization"]);
    assert_eq!(fnum(&doc["rho"], "rho"), fnum(&exp["rho"], "rho"));
    let g = arr(&doc["grades"], name);
    let e = arr(&exp["grades"], name);
    assert_eq!(g.len(), e.len());
    for (a, b) in g.iter().zip(e) {
        assert_keys(a, &["column", "grade", "rank"], &[], name);
        assert_eq!(a["column"], b["column"], "{name}: --compare order");
        assert_close(
            &[obj_f(a, "grade", name)],
            &[obj_f(b, "grade", name)],
            1e-12,
            &format!("{name}: grade {}", b["column"]),
        );
        assert_eq!(a["rank"], b["rank"], "{name}: rank of {}", b["column"]);
    }
    let c = arr(&doc["coefficients"], name);
    let ce = arr(&exp["coefficients"], name);
    assert_eq!(c.len(), ce.len(), "{name}: one row per compared column");
    for (i, (a, b)) in c.iter().zip(ce).enumerate() {
        assert_close(
            &f64s(a),
            &f64s(b),
            1e-12,
            &format!("{name}: coefficients[{i}]"),
        );
    }
    doc
}

#[test]
fn grey_mean_normalisation_and_tied_ranks() {
    let doc = check_grey("grey_mean");
    // `d` repeats `a`: equal grades share the smaller rank.
    assert_eq!(doc["grades"][0]["grade"], doc["grades"][3]["grade"]);
    assert_eq!(doc["grades"][0]["rank"], doc["grades"][3]["rank"]);
}

#[test]
fn grey_initial_normalisation() {
    check_grey("grey_initial");
}

#[test]
fn grey_minmax_normalisation_with_rho() {
    check_grey("grey_minmax");
}

#[test]
fn grey_no_normalisation_ties_below_the_top_rank() {
    // c first, a and d tied second, b fourth (competition ranking 1, 2, 2, 4).
    let doc = check_grey("grey_none");
    let ranks: Vec<u64> = arr(&doc["grades"], "g")
        .iter()
        .map(|g| g["rank"].as_u64().expect("integer rank"))
        .collect();
    assert_eq!(ranks, [2, 4, 1, 2]);
}

#[test]
fn grey_rho_changes_the_grades() {
    let r1 = check_grey("grey_mean_rho1");
    let r05 = check_grey("grey_mean");
    assert_ne!(r1["grades"][0]["grade"], r05["grades"][0]["grade"]);
}

#[test]
fn grey_defaults_are_mean_and_half() {
    let file = input("grey.csv");
    let doc = rurban([
        "grey",
        "--input",
        file.to_str().unwrap(),
        "--reference",
        "ref",
        "--compare",
        "a,b,c,d",
        "--format",
        "json",
    ])
    .json();
    let (_, exp) = case("grey_mean");
    assert_eq!(doc["normalization"], "mean");
    assert_eq!(fnum(&doc["rho"], "rho"), 0.5);
    for (a, b) in arr(&doc["grades"], "g")
        .iter()
        .zip(arr(&exp["grades"], "g"))
    {
        assert_close(
            &[obj_f(a, "grade", "g")],
            &[obj_f(b, "grade", "g")],
            1e-12,
            "default grey",
        );
    }
}

// ================================================================= cluster

#[track_caller]
fn check_hierarchical(name: &str) -> Value {
    let (_, doc, exp) = run_case(name);
    assert_keys(
        &doc,
        &["method", "k", "labels", "merges", "warnings"],
        &[],
        name,
    );
    assert_no_warnings(&doc);
    assert_eq!(doc["method"], exp["method"]);
    assert_eq!(doc["k"], exp["k"]);
    let m = arr(&doc["merges"], name);
    let me = arr(&exp["merges"], name);
    assert_eq!(m.len(), me.len(), "{name}: n - 1 merges");
    for (i, (a, b)) in m.iter().zip(me).enumerate() {
        let a = arr(a, name);
        let b = arr(b, name);
        assert_eq!(a.len(), 4);
        for j in [0, 1, 3] {
            assert!(
                a[j].is_u64(),
                "{name}: merge {i} entry {j} is not an integer"
            );
            assert_eq!(a[j], b[j], "{name}: merge {i} entry {j}");
        }
        assert_close(
            &[fnum(&a[2], name)],
            &[fnum(&b[2], name)],
            1e-12,
            &format!("{name}: merge {i} height"),
        );
    }
    check_labels(&doc, exp, name, false);
    doc
}

/// Labels in row order; clusters exactly (hierarchical) or up to a
/// permutation (kmeans); tiers exactly.
#[track_caller]
fn check_labels(doc: &Value, exp: &Value, name: &str, permuted: bool) {
    let l = arr(&doc["labels"], name);
    let le = arr(&exp["labels"], name);
    assert_eq!(l.len(), le.len());
    let mut map: BTreeMap<u64, u64> = BTreeMap::new();
    let mut back: BTreeMap<u64, u64> = BTreeMap::new();
    for (a, b) in l.iter().zip(le) {
        assert_keys(a, &["label", "cluster", "tier"], &[], name);
        assert_eq!(a["label"], b["label"], "{name}: labels in row order");
        let (ca, cb) = (
            a["cluster"].as_u64().expect("cluster"),
            b["cluster"].as_u64().expect("cluster"),
        );
        if permuted {
            assert_eq!(
                *map.entry(ca).or_insert(cb),
                cb,
                "{name}: not the same partition"
            );
            assert_eq!(
                *back.entry(cb).or_insert(ca),
                ca,
                "{name}: not the same partition"
            );
        } else {
            assert_eq!(ca, cb, "{name}: cluster of {}", b["label"]);
        }
        assert_eq!(a["tier"], b["tier"], "{name}: tier of {}", b["label"]);
    }
}

#[test]
fn cluster_ward_matches_scipy_linkage_and_fcluster() {
    let doc = check_hierarchical("cluster_ward_k3");
    assert_eq!(doc["labels"][0]["label"], "c01");
}

#[test]
fn cluster_complete_matches_scipy() {
    check_hierarchical("cluster_complete_k3");
}

#[test]
fn cluster_average_matches_scipy() {
    check_hierarchical("cluster_average_k3");
    check_hierarchical("cluster_average_k5");
}

#[test]
fn cluster_single_matches_scipy() {
    check_hierarchical("cluster_single_k3");
}

#[test]
fn cluster_ward_k2_cuts_the_same_tree() {
    let k2 = check_hierarchical("cluster_ward_k2");
    let k3 = check_hierarchical("cluster_ward_k3");
    assert_eq!(k2["merges"], k3["merges"]);
}

#[test]
fn cluster_standardize_z_scores_first_but_tiers_use_original_values() {
    let doc = check_hierarchical("cluster_ward_standardized_k3");
    let raw = check_hierarchical("cluster_ward_k3");
    assert_ne!(
        doc["merges"], raw["merges"],
        "--standardize changed nothing"
    );
}

#[test]
fn cluster_tiers_rank_clusters_by_mean_level_of_original_features() {
    // Independent check on top of the recording: the mean over members of
    // the row mean of f1..f3 decreases with the tier.
    let (h, rows) = read_csv(&input("cluster.csv"));
    assert_eq!(h, ["region", "f1", "f2", "f3"]);
    let level: Vec<f64> = rows
        .iter()
        .map(|r| r[1..].iter().map(|s| support::num(s)).sum::<f64>() / 3.0)
        .collect();
    for name in [
        "cluster_ward_k3",
        "cluster_complete_k3",
        "cluster_ward_standardized_k3",
    ] {
        let (_, doc, _) = run_case(name);
        let mut by_tier: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
        for (i, l) in arr(&doc["labels"], name).iter().enumerate() {
            by_tier
                .entry(l["tier"].as_u64().expect("tier"))
                .or_default()
                .push(level[i]);
        }
        let means: Vec<f64> = by_tier
            .values()
            .map(|v| v.iter().sum::<f64>() / v.len() as f64)
            .collect();
        assert_eq!(
            by_tier.keys().copied().collect::<Vec<_>>(),
            [1, 2, 3],
            "{name}"
        );
        assert!(means.windows(2).all(|w| w[0] > w[1]), "{name}: {means:?}");
    }
}

#[test]
fn cluster_kmeans_on_separated_blobs_equals_scikit_learn_partition() {
    for name in ["cluster_kmeans_blobs", "cluster_kmeans_blobs_seed7"] {
        let (_, doc, exp) = run_case(name);
        assert_keys(
            &doc,
            &["method", "k", "labels", "inertia", "warnings"],
            &[],
            name,
        );
        assert_no_warnings(&doc);
        assert_eq!(doc["method"], "kmeans");
        assert_eq!(doc["k"], 3);
        check_labels(&doc, exp, name, true);
        assert_rel(
            obj_f(&doc, "inertia", name),
            obj_f(exp, "inertia", name),
            1e-9,
            "inertia",
        );
        // Documented numbering: clusters 1..m by first appearance in row order.
        let mut seen: Vec<u64> = Vec::new();
        for l in arr(&doc["labels"], name) {
            let c = l["cluster"].as_u64().expect("cluster");
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        assert_eq!(seen, [1, 2, 3], "{name}");
    }
}

#[test]
fn cluster_kmeans_same_seed_same_output() {
    let (mut args, _) = case("cluster_kmeans_blobs");
    args.extend(["--format".into(), "json".into()]);
    let a = rurban(&args);
    let b = rurban(&args);
    a.ok();
    b.ok();
    assert_eq!(a.stdout, b.stdout, "two runs with --seed 42 differ");
    // The default seed is documented as 42.
    let i = args.iter().position(|x| x == "--seed").expect("--seed");
    args.drain(i..i + 2);
    assert_eq!(rurban(&args).stdout, a.stdout, "default seed is not 42");
}

#[test]
fn cluster_columns_picks_features() {
    // --columns f1,f2,f3 is the same as taking every numeric column.
    let (mut args, _) = case("cluster_ward_k3");
    args.extend(["--format".into(), "json".into()]);
    let all = rurban(&args).json();
    args.extend(["--columns".into(), "f1,f2,f3".into()]);
    assert_eq!(rurban(&args).json(), all);
    // One feature gives a different tree.
    let n = args.len();
    args[n - 1] = "f2".into();
    assert_ne!(rurban(&args).json()["merges"], all["merges"]);
}

// ============================================================= convergence

#[track_caller]
fn check_convergence(name: &str) -> (Out, Value) {
    let (out, doc, exp) = run_case(name);
    assert_keys(&doc, &["sigma", "beta", "warnings"], &[], name);
    let s = arr(&doc["sigma"], name);
    let se = arr(&exp["sigma"], name);
    assert_eq!(s.len(), se.len(), "{name}: one sigma per year");
    for (a, b) in s.iter().zip(se) {
        assert_keys(a, &["year", "cv"], &[], name);
        assert_eq!(a["year"], b["year"], "{name}: years ascending");
        assert_close(
            &[obj_f(a, "cv", name)],
            &[obj_f(b, "cv", name)],
            1e-12,
            &format!("{name}: sigma {}", b["year"]),
        );
    }
    let b = &doc["beta"];
    let e = &exp["beta"];
    assert_keys(
        b,
        &["b", "se", "t", "p", "r2", "lambda", "half_life", "n"],
        &[],
        name,
    );
    for k in ["b", "se", "t", "p", "r2"] {
        assert_rel(
            obj_f(b, k, name),
            obj_f(e, k, name),
            1e-9,
            &format!("{name}: {k}"),
        );
    }
    for k in ["lambda", "half_life"] {
        if e[k].is_null() {
            assert!(b[k].is_null(), "{name}: {k} should be null, got {}", b[k]);
        } else {
            assert_rel(
                obj_f(b, k, name),
                obj_f(e, k, name),
                1e-9,
                &format!("{name}: {k}"),
            );
        }
    }
    assert_eq!(b["n"], e["n"], "{name}: n");
    (out, doc)
}

#[test]
fn convergence_sigma_and_beta_match_numpy_and_statsmodels() {
    let (out, doc) = check_convergence("convergence");
    assert_no_warnings(&doc);
    assert!(out.warnings().is_empty());
    let b = &doc["beta"];
    assert!(obj_f(b, "b", "b") < 0.0);
    // half_life = ln 2 / lambda, lambda = -ln(1 + 6 b) / 6 (2010..2016).
    let bb = obj_f(b, "b", "b");
    let lambda = -(1.0 + 6.0 * bb).ln() / 6.0;
    assert_rel(obj_f(b, "lambda", "l"), lambda, 1e-12, "lambda");
    assert_rel(
        obj_f(b, "half_life", "h"),
        2f64.ln() / lambda,
        1e-12,
        "half life",
    );
}

#[test]
fn convergence_diverging_panel_has_null_lambda_and_half_life() {
    let (_, doc) = check_convergence("convergence_diverge");
    assert!(obj_f(&doc["beta"], "b", "b") > 0.0);
    assert!(doc["beta"]["lambda"].is_null());
    assert!(doc["beta"]["half_life"].is_null());
}

#[test]
fn convergence_region_without_first_or_last_year_is_skipped_with_a_warning() {
    let (out, doc) = check_convergence("convergence_gaps");
    // g9 lacks 2010, g10 lacks 2016: both skipped, named on stderr and in
    // "warnings"; g3's missing 2013 only shrinks that year's sigma.
    let warnings = arr(&doc["warnings"], "warnings");
    let stderr = out.warnings();
    for region in ["g9", "g10"] {
        let quoted = format!("\"{region}\"");
        assert!(
            warnings
                .iter()
                .any(|w| w.as_str().is_some_and(|w| w.contains(&quoted))),
            "no JSON warning names {region}: {warnings:?}"
        );
        assert!(
            stderr.iter().any(|w| w.contains(&quoted)),
            "no stderr warning names {region}: {stderr:?}"
        );
    }
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(doc["beta"]["n"], 8);
    // With the two regions left out, beta is that of the complete panel.
    let (_, full) = check_convergence("convergence");
    assert_eq!(doc["beta"], full["beta"]);
}

#[test]
fn convergence_region_and_year_columns_by_name() {
    let dir = TempDir::new("conv-cols");
    let (_, rows) = read_csv(&input("convergence.csv"));
    let mut text = String::from("value,unit,t\n");
    for r in &rows {
        text.push_str(&format!("{},{},{}\n", r[2], r[0], r[1]));
    }
    let f = dir.write("renamed.csv", &text);
    let doc = rurban([
        "convergence",
        "--input",
        f.to_str().unwrap(),
        "--column",
        "value",
        "--region-column",
        "unit",
        "--year-column",
        "t",
        "--format",
        "json",
    ])
    .json();
    let (_, full) = check_convergence("convergence");
    assert_eq!(doc["beta"], full["beta"]);
    assert_eq!(doc["sigma"], full["sigma"]);
}

// ============================================================== bad input

/// A run of `rurban ARGS --format json` that must fail with one `error:`
/// line containing every needle.
fn json_fails<A: AsRef<str>>(args: &[A], needles: &[&str]) -> Fails {
    fails(args, needles).with(&["--format", "json"])
}

/// Checks one failing `rurban ARGS --format json`; returns its error line.
#[track_caller]
fn check_json_fails(args: &[&str], needles: &[&str]) -> String {
    json_fails(args, needles).check()
}

/// A scratch CSV.
fn scratch(dir: &TempDir, name: &str, text: &str) -> String {
    dir.write(name, text).to_string_lossy().into_owned()
}

/// `ARGS` split at spaces, with `{f}` standing for the input file.
fn args_with(line: &str, f: &str) -> Vec<String> {
    line.split(' ').map(|a| a.replace("{f}", f)).collect()
}

#[test]
fn cluster_k_below_1_or_above_rows_is_an_error() {
    let f = input("cluster.csv");
    let f = f.to_str().unwrap();
    let mut cases = Vec::new();
    for method in ["ward", "kmeans", "single"] {
        let run = format!("cluster --input {{f}} --method {method} --k");
        cases.push(json_fails(
            &args_with(&format!("{run} 0"), f),
            &["cluster.csv", "k = 0"],
        ));
        cases.push(json_fails(
            &args_with(&format!("{run} 13"), f),
            &["cluster.csv", "k = 13", "12"],
        ));
    }
    check_failures(&cases);
    // k = n is fine: every row its own cluster.
    let doc = rurban([
        "cluster", "--input", f, "--method", "ward", "--k", "12", "--format", "json",
    ])
    .json();
    let clusters: Vec<u64> = arr(&doc["labels"], "l")
        .iter()
        .map(|l| l["cluster"].as_u64().unwrap())
        .collect();
    assert_eq!(clusters, (1..=12).collect::<Vec<u64>>());
}

#[test]
fn kde_group_with_one_value_is_an_error_naming_the_group() {
    let dir = TempDir::new("kde-one");
    let f = scratch(
        &dir,
        "kde_one.csv",
        "year,value\n2010,1.0\n2010,2.0\n2010,2.5\n2011,3.0\n2012,1.0\n2012,4.0\n",
    );
    let line = check_json_fails(
        &["kde", "--input", &f, "--column", "value", "--by", "year"],
        &["kde_one.csv", "'2011'", "1 value"],
    );
    assert!(line.contains("1 value"), "{line}");
    // With a fixed bandwidth the single value is accepted.
    rurban(args_with(
        "kde --input {f} --column value --by year --bandwidth 0.5",
        &f,
    ))
    .ok();
}

#[test]
fn kde_group_with_zero_spread_is_an_error_naming_the_group() {
    let dir = TempDir::new("kde-flat");
    let f = scratch(
        &dir,
        "kde_flat.csv",
        "zone,value\nnorth,1.0\nnorth,2.0\nflat,2.5\nflat,2.5\nflat,2.5\n",
    );
    let cases: Vec<Fails> = ["silverman", "scott"]
        .into_iter()
        .map(|bw| {
            json_fails(
                &args_with(
                    &format!("kde --input {{f}} --column value --by zone --bandwidth {bw}"),
                    &f,
                ),
                &["kde_flat.csv", "'flat'", "zero standard deviation"],
            )
        })
        .collect();
    check_failures(&cases);
}

#[test]
fn disparity_non_positive_value_is_an_error() {
    let dir = TempDir::new("disp-zero");
    let mut cases = Vec::new();
    for (v, name) in [("0", "zero.csv"), ("-1.5", "negative.csv")] {
        let f = scratch(
            &dir,
            name,
            &format!("region,year,value\na,2020,1.0\nb,2020,{v}\nc,2020,3.0\n"),
        );
        cases.push(json_fails(
            &args_with("disparity --input {f} --column value", &f),
            &[name, "not positive", "Theil"],
        ));
    }
    check_failures(&cases);
}

#[test]
fn disparity_non_positive_value_names_row_and_column() {
    let dir = TempDir::new("disp-zero-row");
    let f = scratch(
        &dir,
        "zero_row.csv",
        "region,year,value\na,2019,1.0\nb,2019,2.0\na,2020,1.0\nb,2020,0\n",
    );
    // Data row 4 (header not counted), column 'value'.
    json_fails(
        &args_with("disparity --input {f} --column value --by year", &f),
        &["zero_row.csv", "row 4", "'value'", "not positive"],
    )
    .check();
}

#[test]
fn convergence_non_positive_value_is_an_error_naming_region_and_year() {
    let dir = TempDir::new("conv-zero");
    let (_, rows) = read_csv(&input("convergence.csv"));
    for (region, year) in [("g2", "2010"), ("g5", "2016")] {
        let mut text = String::from("region,year,value\n");
        for r in &rows {
            let v = if r[0] == region && r[1] == year {
                "0"
            } else {
                &r[2]
            };
            text.push_str(&format!("{},{},{v}\n", r[0], r[1]));
        }
        // The same file name for both cases: each is checked before the next
        // one overwrites it.
        let f = scratch(&dir, "conv_zero.csv", &text);
        check_json_fails(
            &["convergence", "--input", &f, "--column", "value"],
            &[
                "conv_zero.csv",
                &format!("\"{region}\""),
                year,
                "not positive",
            ],
        );
    }
}

#[test]
fn grey_rho_outside_0_1_is_an_error() {
    let f = input("grey.csv");
    let f = f.to_str().unwrap();
    let grey = "grey --input {f} --reference ref --compare";
    let cases: Vec<Fails> = ["0", "1.5", "-0.5"]
        .into_iter()
        .map(|rho| {
            json_fails(
                &args_with(&format!("{grey} a,b --rho {rho}"), f),
                &["grey.csv", "rho", rho],
            )
        })
        .collect();
    check_failures(&cases);
    // 1 is allowed.
    rurban(args_with(&format!("{grey} a --rho 1"), f)).ok();
}

#[test]
fn grey_mean_zero_under_mean_normalisation_is_an_error() {
    let dir = TempDir::new("grey-mean0");
    let f = scratch(
        &dir,
        "grey_zero.csv",
        "year,ref,x,y\n2018,-2,1,4\n2019,1,2,5\n2020,1,3,7\n",
    );
    let need = ["grey_zero.csv", "\"ref\"", "mean 0"];
    check_failures(&[
        json_fails(
            &args_with("grey --input {f} --reference ref --compare x,y", &f),
            &need,
        ),
        // A compared sequence with mean 0, too.
        json_fails(
            &args_with("grey --input {f} --reference y --compare x,ref", &f),
            &need,
        ),
    ]);
}

#[test]
fn grey_constant_sequence_under_minmax_is_an_error() {
    let dir = TempDir::new("grey-const");
    let f = scratch(
        &dir,
        "grey_const.csv",
        "year,ref,x,flat\n2018,1,1,5\n2019,2,3,5\n2020,4,2,5\n",
    );
    let grey = "grey --input {f} --reference ref --compare x,flat";
    json_fails(
        &args_with(&format!("{grey} --normalization minmax"), &f),
        &["grey_const.csv", "\"flat\"", "constant"],
    )
    .check();
    // Under mean normalisation the same data are fine.
    rurban(args_with(grey, &f)).ok();
}

#[test]
fn disparity_group_column_with_a_single_group_is_an_error() {
    let dir = TempDir::new("disp-single");
    let f = scratch(
        &dir,
        "single_zone.csv",
        "region,year,zone,value\na,2020,east,1\nb,2020,east,2\nc,2020,east,4\n",
    );
    json_fails(
        &args_with("disparity --input {f} --column value --group zone", &f),
        &["single_zone.csv", "single group", "\"east\""],
    )
    .check();
}

#[test]
fn non_numeric_cell_names_file_row_and_column() {
    let dir = TempDir::new("nonnum");
    // Row 3 (1-based data row) of column 'value' is text.
    let f = scratch(
        &dir,
        "bad_cell.csv",
        "region,year,zone,value,other\na,2010,x,1.5,2\nb,2010,y,2.5,3\nc,2011,x,abc,4\nd,2011,y,4.5,5\ne,2012,x,5,1\nf,2012,y,6,2\n",
    );
    let need = ["bad_cell.csv", "row 3", "'value'", "'abc'"];
    let cases: Vec<Fails> = [
        "kde --input {f} --column value",
        "kde --input {f} --column value --by year",
        "disparity --input {f} --column value --by year",
        "convergence --input {f} --column value",
        "grey --input {f} --reference other --compare value",
        "grey --input {f} --reference value --compare other",
        "cluster --input {f} --columns other,value --method ward --k 2",
        "cluster --input {f} --columns value --method kmeans --k 2",
    ]
    .into_iter()
    .map(|line| json_fails(&args_with(line, &f), &need))
    .collect();
    check_failures(&cases);
}

#[test]
fn missing_column_is_an_error_naming_it() {
    let f = input("kde.csv");
    let g = input("grey.csv");
    let table = [
        ("kde --input {f} --column nope", &f, "kde.csv"),
        ("disparity --input {f} --column nope", &f, "kde.csv"),
        ("convergence --input {f} --column nope", &f, "kde.csv"),
        (
            "disparity --input {f} --column value --group nope",
            &f,
            "kde.csv",
        ),
        (
            "cluster --input {f} --columns value,nope --method ward --k 2",
            &f,
            "kde.csv",
        ),
        (
            "grey --input {f} --reference nope --compare a",
            &g,
            "grey.csv",
        ),
        (
            "grey --input {f} --reference ref --compare a,nope",
            &g,
            "grey.csv",
        ),
    ];
    let cases: Vec<Fails> = table
        .into_iter()
        .map(|(line, file, name)| {
            json_fails(
                &args_with(line, file.to_str().unwrap()),
                &[name, "'nope'", "no such column"],
            )
        })
        .collect();
    check_failures(&cases);
}

#[test]
fn column_argument_left_out_is_a_usage_error() {
    let f = input("kde.csv");
    let f = f.to_str().unwrap();
    let cases: Vec<Fails> = ["kde", "disparity", "convergence"]
        .into_iter()
        .map(|sub| json_fails(&[sub, "--input", f], &["--column"]))
        .collect();
    check_failures(&cases);
}

#[test]
fn unknown_by_column_is_an_error_naming_it() {
    let f = input("kde.csv");
    let f = f.to_str().unwrap();
    let need = ["kde.csv", "'decade'", "no such column"];
    check_failures(&[
        json_fails(
            &args_with("kde --input {f} --column value --by decade", f),
            &need,
        ),
        json_fails(
            &args_with("disparity --input {f} --column value --by decade", f),
            &need,
        ),
    ]);
}

#[test]
fn human_output_is_not_json_and_succeeds() {
    // Without --format json each subcommand prints tables; a smoke test that
    // the human path runs on the same inputs.
    for name in [
        "kde_silverman_by_year",
        "disparity_grouped_ddof1",
        "grey_mean",
        "cluster_ward_k3",
        "cluster_kmeans_blobs",
        "convergence",
    ] {
        let (args, _) = case(name);
        let out = rurban(&args);
        out.ok();
        assert!(!out.stdout.trim().is_empty(), "{name}: no output");
        assert!(
            serde_json::from_str::<Value>(&out.stdout).is_err(),
            "{name}: human output is JSON"
        );
    }
}
