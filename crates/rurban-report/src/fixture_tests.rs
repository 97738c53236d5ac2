//! Numbers the report derives itself, checked against values recorded from
//! numpy/scipy (`tests/fixtures/record.py` writes `expected.json`).

use serde_json::Value;

use crate::charts::{beta_intercept, beta_points, leaf_order};
use crate::model::Summary;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

fn check(fixture: &str, key: &str) {
    let s = Summary::parse(&load(fixture)).unwrap();
    let exp = &load("expected.json")[key];

    // Dendrogram leaves in scipy.cluster.hierarchy.dendrogram's order.
    let c = s.analysis.cluster.as_ref().unwrap();
    let leaves = leaf_order(c.merges.as_ref().unwrap(), c.labels.len());
    let want: Vec<usize> = exp["dendrogram_leaves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    assert_eq!(leaves, want, "{fixture}: leaf order");

    // ln x0 and g = ln(xT/x0)/(T - t0) of every region, as numpy computed them.
    let (pts, t0, t1) = beta_points(&s);
    assert_eq!((t0, t1), (2011, 2020));
    let lx: Vec<f64> = exp["ln_x0"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let g: Vec<f64> = exp["growth"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(pts.len(), lx.len());
    for (p, (l, gg)) in pts.iter().zip(lx.iter().zip(&g)) {
        assert!(
            close(p.1, *l, 1e-13),
            "{fixture}: ln x0 of {}: {} vs {l}",
            s.regions[p.0],
            p.1
        );
        assert!(
            close(p.2, *gg, 1e-12),
            "{fixture}: growth of {}: {} vs {gg}",
            s.regions[p.0],
            p.2
        );
    }

    // The summary carries only b; the intercept is the OLS one scipy's linregress found.
    let beta = s
        .analysis
        .convergence
        .as_ref()
        .unwrap()
        .beta
        .as_ref()
        .unwrap();
    assert!(beta.a.is_none());
    let (a, computed) = beta_intercept(beta, &pts);
    assert!(computed);
    let want_a = exp["beta_intercept"].as_f64().unwrap();
    assert!(
        close(a, want_a, 1e-10),
        "{fixture}: intercept {a} vs scipy {want_a}"
    );
}

#[test]
fn jiangsu_fixture_matches_scipy() {
    check("summary_full.json", "full");
}

#[test]
fn provinces_fixture_matches_scipy() {
    check("summary_zh.json", "zh");
}
