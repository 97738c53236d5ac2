//! The estimators, percentiles and rank correlations against values
//! recorded by `tests/fixtures/record.py` (numpy, scipy, SALib).

use rurban_robust::{quantile_sorted, rank_correlation, sobol};
use serde_json::Value;

fn reference() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(a: f64, b: f64, what: &str) {
    let tol = 1e-9 * b.abs().max(1e-12);
    assert!((a - b).abs() <= tol, "{what}: {a} vs {b}");
}

#[test]
fn sobol_matches_the_contract_formulas_computed_in_numpy() {
    let r = reference();
    for case in r["sobol"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (ya, yb) = (floats(&case["y_a"]), floats(&case["y_b"]));
        let yab: Vec<Vec<f64>> = case["y_ab"]
            .as_array()
            .unwrap()
            .iter()
            .map(floats)
            .collect();
        let views: Vec<&[f64]> = yab.iter().map(Vec::as_slice).collect();
        let idx = sobol(&ya, &yb, &views);
        close(idx.variance, case["variance"].as_f64().unwrap(), name);
        let (s1, st) = (floats(&case["first_order"]), floats(&case["total_order"]));
        let salib_st = floats(&case["salib_total_order"]);
        for g in 0..3 {
            close(idx.first_order[g].unwrap(), s1[g], &format!("{name} S{g}"));
            close(idx.total_order[g].unwrap(), st[g], &format!("{name} ST{g}"));
            // SALib standardises every output (mean m, sd s over A, B and
            // the AB blocks) before the same formulas: its first order is
            // mean((y_B - m)(y_ABg - y_A)) / V = S_g - m mean(y_ABg - y_A) / V,
            let m = case["salib_mean"].as_f64().unwrap();
            let d = yab[g].iter().zip(&ya).map(|(x, y)| x - y).sum::<f64>() / ya.len() as f64;
            let salib_s1 = floats(&case["salib_first_order"]);
            let tol = 1e-9 * s1[g].abs().max(1e-3);
            assert!(
                (idx.first_order[g].unwrap() - (salib_s1[g] + m * d / idx.variance)).abs() <= tol,
                "{name} SALib S{g}"
            );
            // and standardising does not change the Jansen ratio, so
            // SALib's total order is the contract's.
            close(
                idx.total_order[g].unwrap(),
                salib_st[g],
                &format!("{name} SALib ST{g}"),
            );
        }
    }
}

#[test]
fn sobol_estimates_approach_the_analytic_indices() {
    let r = reference();
    for case in r["sobol"].as_array().unwrap() {
        let (ya, yb) = (floats(&case["y_a"]), floats(&case["y_b"]));
        let yab: Vec<Vec<f64>> = case["y_ab"]
            .as_array()
            .unwrap()
            .iter()
            .map(floats)
            .collect();
        let views: Vec<&[f64]> = yab.iter().map(Vec::as_slice).collect();
        let idx = sobol(&ya, &yb, &views);
        let truth = floats(&case["analytic_total_order"]);
        for (st, t) in idx.total_order.iter().zip(truth) {
            assert!((st.unwrap() - t).abs() < 0.1);
        }
    }
}

#[test]
fn quantiles_match_numpy_percentile() {
    let r = reference();
    for case in r["percentiles"].as_array().unwrap() {
        let mut x = floats(&case["x"]);
        x.sort_unstable_by(f64::total_cmp);
        for (q, want) in floats(&case["q"]).into_iter().zip(floats(&case["values"])) {
            let got = quantile_sorted(&x, q);
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                "n = {} q = {q}: {got} vs {want}",
                x.len()
            );
        }
    }
}

#[test]
fn rank_correlations_match_scipy() {
    let r = reference();
    for case in r["correlations"].as_array().unwrap() {
        let (x, y) = (floats(&case["x"]), floats(&case["y"]));
        let c = rank_correlation(&x, &y);
        close(
            c.spearman.unwrap(),
            case["spearman"].as_f64().unwrap(),
            "spearman",
        );
        close(
            c.kendall.unwrap(),
            case["kendall"].as_f64().unwrap(),
            "kendall",
        );
    }
}

#[test]
fn rank_correlation_of_a_constant_series_is_undefined() {
    let c = rank_correlation(&[1.0, 2.0, 3.0], &[5.0, 5.0, 5.0]);
    assert_eq!(c.spearman, None);
    assert_eq!(c.kendall, None);
    let c = rank_correlation(&[1.0], &[2.0]);
    assert_eq!((c.spearman, c.kendall), (None, None));
}
