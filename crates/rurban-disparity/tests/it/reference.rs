//! Values recorded from numpy and the `inequality` package
//! (tests/fixtures/record.py writes tests/fixtures/reference.json).

use crate::common;

use common::close;
use rurban_disparity::{cv, dagum, gini, mean, std, theil, theil_decomposition};
use serde_json::Value;

const REL: f64 = 1e-12;

fn cases() -> Vec<Value> {
    let text = include_str!("../fixtures/reference.json");
    serde_json::from_str::<Vec<Value>>(text).expect("fixture parses")
}

fn f(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("fixture field {key}"))
}

fn values(case: &Value) -> Vec<f64> {
    case["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| v.as_f64().expect("number"))
        .collect()
}

fn labels(case: &Value) -> Option<Vec<String>> {
    case.get("labels").map(|l| {
        l.as_array()
            .expect("labels")
            .iter()
            .map(|s| s.as_str().expect("label").to_string())
            .collect()
    })
}

#[test]
fn single_sample_measures_match_numpy_and_inequality() {
    for case in cases() {
        let x = values(&case);
        close(mean(&x).unwrap(), f(&case, "mean"), REL, 0.0);
        close(std(&x, 0).unwrap(), f(&case, "std0"), REL, 0.0);
        close(std(&x, 1).unwrap(), f(&case, "std1"), REL, 0.0);
        close(cv(&x, 0).unwrap(), f(&case, "cv0"), REL, 0.0);
        close(cv(&x, 1).unwrap(), f(&case, "cv1"), REL, 0.0);
        close(theil(&x).unwrap(), f(&case, "theil"), 1e-11, 0.0);
        close(gini(&x).unwrap(), f(&case, "gini"), REL, 0.0);
    }
}

#[test]
fn theil_decomposition_matches_inequality_theild() {
    let mut seen = 0;
    for case in cases() {
        let Some(lab) = labels(&case) else { continue };
        let t = theil_decomposition(&values(&case), &lab).unwrap();
        close(t.between, f(&case, "theil_between"), 1e-11, 1e-15);
        close(t.within, f(&case, "theil_within"), 1e-11, 1e-15);
        seen += 1;
    }
    assert_eq!(seen, 4);
}

#[test]
fn dagum_matches_pairwise_numpy() {
    let mut seen = 0;
    for case in cases() {
        let Some(lab) = labels(&case) else { continue };
        let d = dagum(&values(&case), &lab).unwrap();
        let r = &case["dagum"];
        close(d.total, f(r, "total"), REL, 0.0);
        close(d.within, f(r, "within"), REL, 1e-15);
        close(d.between, f(r, "between"), REL, 1e-15);
        close(d.transvariation, f(r, "transvariation"), REL, 1e-15);
        let wg = r["within_groups"].as_object().unwrap();
        assert_eq!(d.groups.len(), wg.len());
        for g in &d.groups {
            close(g.gini, wg[&g.key].as_f64().unwrap(), REL, 1e-15);
        }
        let pairs = r["between_groups"].as_array().unwrap();
        assert_eq!(d.pairs.len(), pairs.len());
        for (mine, theirs) in d.pairs.iter().zip(pairs) {
            assert_eq!(mine.a, theirs["a"].as_str().unwrap());
            assert_eq!(mine.b, theirs["b"].as_str().unwrap());
            close(mine.gini, f(theirs, "gini"), REL, 0.0);
            close(mine.d, f(theirs, "d"), REL, 1e-15);
            close(mine.excess, f(theirs, "excess"), REL, 1e-15);
            close(mine.deficit, f(theirs, "deficit"), REL, 1e-15);
        }
        seen += 1;
    }
    assert_eq!(seen, 4);
}

#[test]
fn numeric_labels_are_ordered_numerically_in_the_decomposition() {
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "integer_ties_numeric_labels")
        .unwrap();
    let d = dagum(&values(&case), &labels(&case).unwrap()).unwrap();
    let keys: Vec<&str> = d.groups.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, ["1", "2", "10"]);
}
