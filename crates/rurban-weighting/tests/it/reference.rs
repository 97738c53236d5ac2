//! Weights compared with values recorded by `tests/fixtures/record.py`
//! from numpy (the contract's formulas written independently) and pymcdm
//! (`entropy_weights` fed z + S with S > 0, `critic_weights` and
//! `standard_deviation_weights` fed z). Relative tolerance 1e-12.

use ndarray::Array2;
use rurban_core::Direction;
use rurban_weighting::{Critic, Cv, Entropy, StdDev, Weighting, Weights, compute};
use serde_json::Value;

const TOL: f64 = 1e-12;

fn fixture() -> Value {
    rurban_test_support::fixture_json(env!("CARGO_MANIFEST_DIR"), "reference.json")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

struct Case {
    name: String,
    x: Array2<f64>,
    names: Vec<String>,
    dirs: Vec<Direction>,
    json: Value,
}

fn cases() -> Vec<Case> {
    let doc = fixture();
    let list = doc["cases"].as_array().expect("cases");
    assert!(list.len() >= 5, "expected the recorded cases");
    list.iter()
        .map(|c| {
            let rows: Vec<Vec<f64>> = c["x"].as_array().expect("x").iter().map(floats).collect();
            let (n, m) = (rows.len(), rows[0].len());
            let x = Array2::from_shape_fn((n, m), |(i, j)| rows[i][j]);
            let dirs = c["negative"]
                .as_array()
                .expect("negative")
                .iter()
                .map(|b| {
                    if b.as_bool().expect("bool") {
                        Direction::Negative
                    } else {
                        Direction::Positive
                    }
                })
                .collect();
            Case {
                name: c["name"].as_str().expect("name").to_string(),
                x,
                names: (0..m).map(|j| format!("c{j}")).collect(),
                dirs,
                json: c.clone(),
            }
        })
        .collect()
}

fn run(case: &Case, scheme: &dyn Weighting, shift: f64) -> Weights {
    compute(scheme, &case.names, case.x.view(), &case.dirs, shift, "{}")
        .unwrap_or_else(|e| panic!("{}: {e}", case.name))
}

fn assert_rel(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (j, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = g == w || (g - w).abs() <= TOL * w.abs();
        assert!(
            ok,
            "{what}[{j}]: got {g}, want {w} (rel {:e})",
            ((g - w) / w).abs()
        );
    }
}

#[test]
fn entropy_matches_numpy_for_every_shift() {
    let mut checked = 0;
    for case in cases() {
        for rec in case.json["numpy"]["entropy"].as_array().expect("entropy") {
            let shift = rec["shift"].as_f64().expect("shift");
            let w = run(&case, &Entropy, shift);
            let what = format!("{} entropy S={shift}", case.name);
            assert_rel(
                &format!("{what} weights"),
                &w.weights,
                &floats(&rec["weights"]),
            );
            assert_rel(
                &format!("{what} e"),
                w.entropy.as_ref().expect("entropy"),
                &floats(&rec["entropy"]),
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}

#[test]
fn entropy_matches_pymcdm_for_positive_shifts() {
    let mut checked = 0;
    for case in cases() {
        for rec in case.json["pymcdm"]["entropy"].as_array().expect("entropy") {
            let shift = rec["shift"].as_f64().expect("shift");
            assert!(shift > 0.0);
            let w = run(&case, &Entropy, shift);
            assert_rel(
                &format!("{} pymcdm entropy S={shift}", case.name),
                &w.weights,
                &floats(&rec["weights"]),
            );
            checked += 1;
        }
    }
    // hand_4x3, random_30x8, zeros_6x3, outlier_8x3 at three positive shifts.
    assert_eq!(checked, 12);
}

#[test]
fn critic_matches_numpy_and_pymcdm() {
    let (mut np, mut pm) = (0, 0);
    for case in cases() {
        let w = run(&case, &Critic, 0.0);
        if let Some(want) = case.json["numpy"]["critic"].as_array() {
            let want: Vec<f64> = want.iter().map(|v| v.as_f64().expect("number")).collect();
            assert_rel(&format!("{} numpy critic", case.name), &w.weights, &want);
            np += 1;
        }
        if !case.json["pymcdm"]["critic"].is_null() {
            let want = floats(&case.json["pymcdm"]["critic"]);
            assert_rel(&format!("{} pymcdm critic", case.name), &w.weights, &want);
            pm += 1;
        }
    }
    assert_eq!((np, pm), (5, 4));
}

#[test]
fn stddev_matches_numpy_and_pymcdm() {
    let (mut np, mut pm) = (0, 0);
    for case in cases() {
        let w = run(&case, &StdDev, 0.0);
        assert_rel(
            &format!("{} numpy stddev", case.name),
            &w.weights,
            &floats(&case.json["numpy"]["stddev"]),
        );
        np += 1;
        if !case.json["pymcdm"]["stddev"].is_null() {
            let want = floats(&case.json["pymcdm"]["stddev"]);
            assert_rel(&format!("{} pymcdm stddev", case.name), &w.weights, &want);
            pm += 1;
        }
    }
    assert_eq!((np, pm), (5, 4));
}

#[test]
fn cv_matches_numpy() {
    let mut checked = 0;
    for case in cases() {
        let rec = &case.json["numpy"]["cv"];
        if rec.is_null() {
            // Some raw value is <= 0: cv must refuse the matrix.
            assert!(
                compute(&Cv, &case.names, case.x.view(), &case.dirs, 0.0, "{}").is_err(),
                "{}",
                case.name
            );
            continue;
        }
        let w = run(&case, &Cv, 0.0);
        assert_rel(&format!("{} numpy cv", case.name), &w.weights, &floats(rec));
        checked += 1;
    }
    assert_eq!(checked, 4);
}
