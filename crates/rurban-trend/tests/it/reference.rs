//! Every series of `tests/fixtures/reference.json` (real provincial series
//! with gaps and ties, and seeded random ones with ties in C, tied and
//! unsorted x) against the values `record.py` recorded from pymannkendall
//! and scipy.stats.linregress, at a relative tolerance of 1e-9.

use rurban_trend::{Direction, GroupTrend, trend};
use serde_json::Value;

const RTOL: f64 = 1e-9;

fn reference() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reference.json");
    let text = std::fs::read_to_string(path).expect("reference.json");
    serde_json::from_str(&text).expect("reference.json is JSON")
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

#[track_caller]
fn rel(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= RTOL * b.abs(),
        "{what}: {a} vs expected {b}"
    );
}

fn check(group: &Value, what: &str) -> usize {
    let key = group["key"].as_str().expect("key");
    let x = f64s(&group["x"]);
    let c = f64s(&group["c"]);
    let e = &group["expected"];
    let g: GroupTrend = trend(key, &x, &c, 0.05).unwrap_or_else(|err| panic!("{what}: {err}"));
    let w = |k: &str| format!("{what} {key} {k}");
    let num = |v: &Value| v.as_f64().expect("number");
    assert_eq!(g.n as u64, e["n"].as_u64().unwrap(), "{}", w("n"));
    let ols = &e["ols"];
    rel(g.ols.slope, num(&ols["slope"]), &w("ols.slope"));
    rel(g.ols.se, num(&ols["se"]), &w("ols.se"));
    rel(g.ols.t.expect("t"), num(&ols["t"]), &w("ols.t"));
    rel(g.ols.p, num(&ols["p"]), &w("ols.p"));
    rel(g.ols.r2.expect("r2"), num(&ols["r2"]), &w("ols.r2"));
    let m = &e["mann_kendall"];
    assert_eq!(g.mann_kendall.s, m["s"].as_i64().unwrap(), "{}", w("s"));
    assert_eq!(g.mann_kendall.var_s, num(&m["var_s"]), "{}", w("var_s"));
    rel(g.mann_kendall.z, num(&m["z"]), &w("z"));
    rel(g.mann_kendall.p, num(&m["p"]), &w("mk.p"));
    rel(g.mann_kendall.tau, num(&m["tau"]), &w("tau"));
    rel(g.sen_slope, num(&e["sen_slope"]), &w("sen_slope"));
    let p = num(&m["p"]);
    let s = g.mann_kendall.s;
    let want = match (p <= 0.05, s.signum()) {
        (true, 1) => Direction::Increasing,
        (true, -1) => Direction::Decreasing,
        _ => Direction::NoTrend,
    };
    assert_eq!(g.direction, want, "{}", w("direction"));
    1
}

#[test]
fn provincial_series_match_pymannkendall_and_scipy() {
    let r = reference();
    let mut n = 0;
    for case in r["provinces"].as_array().unwrap() {
        let col = case["column"].as_str().unwrap();
        for g in case["groups"].as_array().unwrap() {
            n += check(g, col);
        }
    }
    assert_eq!(n, 5 * 31);
}

#[test]
fn random_series_match_pymannkendall_and_scipy() {
    let r = reference();
    let n: usize = r["random"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| check(g, "random"))
        .sum();
    assert!(n >= 30, "only {n} random series");
}
