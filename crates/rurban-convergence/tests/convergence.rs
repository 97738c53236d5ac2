//! rurban-convergence: statsmodels reference values, hand-computed cases,
//! JSON shape and rejected input.

mod common;

use common::close;
use rurban_convergence::{ConvergenceError, beta, convergence_report, ols, sigma};
use serde_json::{Value, json};

type Row = (String, i64, f64);

fn fixture_cases() -> Vec<Value> {
    serde_json::from_str(include_str!("fixtures/reference.json")).expect("fixture parses")
}

fn rows_of(case: &Value) -> Vec<Row> {
    case["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_string(),
                r[1].as_i64().unwrap(),
                // null = missing, passed as NaN
                r[2].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect()
}

fn f(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("fixture field {key}"))
}

#[test]
fn matches_statsmodels_and_numpy() {
    let cases = fixture_cases();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let r = convergence_report(&rows_of(&case)).unwrap();
        let sig = case["sigma"].as_array().unwrap();
        assert_eq!(r.sigma.len(), sig.len(), "{name}");
        for (mine, theirs) in r.sigma.iter().zip(sig) {
            assert_eq!(mine.year, theirs["year"].as_i64().unwrap());
            close(mine.cv, f(theirs, "cv"), 1e-12, 0.0);
        }
        let b = &case["beta"];
        assert_eq!(r.beta.n as u64, b["n"].as_u64().unwrap(), "{name}");
        close(r.beta.b, f(b, "b"), 1e-11, 0.0);
        close(r.beta.intercept, f(b, "intercept"), 1e-11, 0.0);
        close(r.beta.se, f(b, "se"), 1e-11, 0.0);
        close(r.beta.t, f(b, "t"), 1e-11, 0.0);
        close(r.beta.p, f(b, "p"), 1e-11, 0.0);
        close(r.beta.r2, f(b, "r2"), 1e-11, 0.0);
        match b["lambda_"].as_f64() {
            Some(l) => {
                close(r.beta.lambda.unwrap(), l, 1e-11, 0.0);
                close(r.beta.half_life.unwrap(), f(b, "half_life"), 1e-11, 0.0);
            }
            None => {
                assert_eq!(r.beta.lambda, None, "{name}");
                assert_eq!(r.beta.half_life, None, "{name}");
            }
        }
        let skipped: Vec<&str> = case["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(r.warnings.len(), skipped.len(), "{name}");
        for (w, region) in r.warnings.iter().zip(skipped) {
            assert!(w.contains(&format!("{region:?}")), "{w}");
        }
    }
}

#[test]
fn hand_computed_three_regions() {
    // t0 = 0, T = 1; ln x0 = 0, 1, 2; growth g = 1.0, 0.5, 0.3 (xT = x0 e^g).
    // xbar = 1, gbar = 0.6, Sxx = 2, Sxy = (-1)(0.4) + 0 + (1)(-0.3) = -0.7.
    // b = -0.35, a = 0.6 + 0.35 = 0.95; fitted 0.95, 0.6, 0.25;
    // residuals 0.05, -0.1, 0.05: SSR = 0.015; SST = 0.16 + 0.01 + 0.09 = 0.26.
    // r2 = 1 - 0.015/0.26; se = sqrt(0.015 / 1 / 2) = sqrt(0.0075);
    // t = -0.35 / sqrt(0.0075) = -4.0415; with 1 df Student t is Cauchy:
    // p = 2 (1/2 - atan(|t|)/pi) = 1 - 2 atan(|t|) / pi.
    // lambda = -ln(1 - 0.35) / 1 = -ln 0.65, half-life = ln 2 / lambda.
    let e = std::f64::consts::E;
    let rows: Vec<Row> = [(0.0, 1.0), (1.0, 0.5), (2.0, 0.3)]
        .iter()
        .enumerate()
        .flat_map(|(i, &(lx, g))| {
            let name = format!("r{i}");
            [(name.clone(), 0, e.powf(lx)), (name, 1, e.powf(lx + g))]
        })
        .collect();
    let (b, warnings) = beta(&rows).unwrap();
    assert!(warnings.is_empty());
    close(b.b, -0.35, 1e-12, 0.0);
    close(b.intercept, 0.95, 1e-12, 0.0);
    close(b.se, 0.0075f64.sqrt(), 1e-12, 0.0);
    let t = -0.35 / 0.0075f64.sqrt();
    close(b.t, t, 1e-12, 0.0);
    close(
        b.p,
        1.0 - 2.0 * t.abs().atan() / std::f64::consts::PI,
        1e-11,
        0.0,
    );
    close(b.r2, 1.0 - 0.015 / 0.26, 1e-12, 0.0);
    close(b.lambda.unwrap(), -(0.65f64.ln()), 1e-12, 0.0);
    close(
        b.half_life.unwrap(),
        2f64.ln() / -(0.65f64.ln()),
        1e-12,
        0.0,
    );
    assert_eq!((b.n, b.first_year, b.last_year), (3, 0, 1));
}

#[test]
fn hand_computed_sigma() {
    // 2000: 2, 4, 6: mean 4, s = sqrt((4 + 0 + 4) / 2) = 2, cv = 0.5.
    // 2001: 1, 3 (r3 missing as NaN): mean 2, s = sqrt(2), cv = sqrt(2)/2.
    let rows: Vec<Row> = vec![
        ("r1".into(), 2001, 1.0),
        ("r1".into(), 2000, 2.0),
        ("r2".into(), 2000, 4.0),
        ("r3".into(), 2000, 6.0),
        ("r2".into(), 2001, 3.0),
        ("r3".into(), 2001, f64::NAN),
    ];
    let s = sigma(&rows).unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].year, 2000);
    close(s[0].cv, 0.5, 1e-15, 0.0);
    assert_eq!(s[1].year, 2001);
    close(s[1].cv, 2f64.sqrt() / 2.0, 1e-15, 0.0);
}

#[test]
fn ols_exact_fit_and_identities() {
    // y = 1 + 2x exactly: b = 2, a = 1, SSR = 0, se = 0, |t| = inf, p = 0, r2 = 1.
    let fit = ols(&[0.0, 1.0, 2.0, 3.0], &[1.0, 3.0, 5.0, 7.0]).unwrap();
    assert_eq!((fit.a, fit.b, fit.se, fit.r2), (1.0, 2.0, 0.0, 1.0));
    assert_eq!(fit.t, f64::INFINITY);
    assert_eq!(fit.p, 0.0);
    // Flat y: b = 0, r2 undefined (0/0 -> NaN, as statsmodels).
    let flat = ols(&[0.0, 1.0, 2.0], &[4.0, 4.0, 4.0]).unwrap();
    assert_eq!(flat.b, 0.0);
    assert!(flat.r2.is_nan());
}

#[test]
fn json_has_exactly_the_contract_shape() {
    let case = &fixture_cases()[1]; // diverging: lambda and half_life are null
    let r = convergence_report(&rows_of(case)).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    let mut top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    top.sort();
    assert_eq!(top, ["beta", "sigma"]);
    let mut keys: Vec<&str> = v["beta"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        ["b", "half_life", "lambda", "n", "p", "r2", "se", "t"]
    );
    assert_eq!(v["beta"]["lambda"], Value::Null);
    assert_eq!(v["beta"]["half_life"], Value::Null);
    assert_eq!(v["beta"]["n"], json!(12));
    assert_eq!(v["sigma"][0].as_object().unwrap().len(), 2);
    assert_eq!(v["sigma"][0]["year"], json!(1990));
}

#[test]
fn skipped_regions_are_named_in_warnings() {
    let rows: Vec<Row> = vec![
        ("a".into(), 2000, 1.0),
        ("a".into(), 2010, 2.0),
        ("b".into(), 2000, 2.0),
        ("b".into(), 2010, 3.0),
        ("c".into(), 2000, 4.0),
        ("c".into(), 2010, 4.5),
        ("d".into(), 2000, 3.0),
        ("d".into(), 2005, 3.0),
        ("e".into(), 2010, 0.0), // non-positive but skipped: no first-year value
        ("e".into(), 2005, 1.0),
    ];
    let r = convergence_report(&rows).unwrap();
    assert_eq!(r.beta.n, 3);
    assert_eq!(r.warnings.len(), 2);
    assert!(r.warnings[0].contains("\"d\"") && r.warnings[0].contains("2010"));
    assert!(r.warnings[1].contains("\"e\"") && r.warnings[1].contains("2000"));
}

#[test]
fn bad_input_is_rejected_with_the_reason() {
    let row = |r: &str, y: i64, v: f64| (r.to_string(), y, v);
    let empty: Vec<Row> = vec![];
    assert_eq!(
        convergence_report(&empty).unwrap_err(),
        ConvergenceError::Empty
    );
    assert_eq!(
        convergence_report(&[row("a", 1, f64::NAN)]).unwrap_err(),
        ConvergenceError::Empty
    );
    assert_eq!(
        sigma(&[row("a", 1, 1.0), row("a", 1, 2.0)]).unwrap_err(),
        ConvergenceError::Duplicate {
            region: "a".into(),
            year: 1
        }
    );
    assert_eq!(
        sigma(&[row("a", 1, 1.0), row("b", 1, 2.0), row("a", 2, 1.0)]).unwrap_err(),
        ConvergenceError::TooFewInYear { year: 2, n: 1 }
    );
    assert_eq!(
        sigma(&[row("a", 1, -1.0), row("b", 1, 1.0)]).unwrap_err(),
        ConvergenceError::ZeroMeanInYear(1)
    );
    assert_eq!(
        beta(&[row("a", 1, 1.0), row("b", 1, 2.0), row("c", 1, 3.0)]).unwrap_err(),
        ConvergenceError::SingleYear(1)
    );
    let two_years = |v: f64| {
        vec![
            row("a", 1, 1.0),
            row("a", 2, 2.0),
            row("b", 1, 2.0),
            row("b", 2, v),
            row("c", 1, 3.0),
            row("c", 2, 3.0),
        ]
    };
    assert_eq!(
        beta(&two_years(-4.0)).unwrap_err(),
        ConvergenceError::NonPositive {
            region: "b".into(),
            year: 2,
            value: -4.0
        }
    );
    let msg = beta(&two_years(0.0)).unwrap_err().to_string();
    assert!(msg.contains("\"b\"") && msg.contains("year 2"), "{msg}");
    assert_eq!(
        beta(&[
            row("a", 1, 1.0),
            row("a", 2, 2.0),
            row("b", 1, 2.0),
            row("b", 2, 3.0),
            row("c", 1, 3.0)
        ])
        .unwrap_err(),
        ConvergenceError::TooFewRegions {
            usable: 2,
            first: 1,
            last: 2
        }
    );
    assert_eq!(
        beta(&[
            row("a", 1, 2.0),
            row("a", 2, 2.0),
            row("b", 1, 2.0),
            row("b", 2, 3.0),
            row("c", 1, 2.0),
            row("c", 2, 5.0)
        ])
        .unwrap_err(),
        ConvergenceError::ConstantRegressor(2f64.ln())
    );
    assert_eq!(
        ols(&[1.0, 2.0], &[1.0, 2.0]).unwrap_err(),
        ConvergenceError::RegressionShape { x: 2, y: 2 }
    );
    assert_eq!(
        ols(&[1.0, 2.0, 3.0], &[1.0, 2.0]).unwrap_err(),
        ConvergenceError::RegressionShape { x: 3, y: 2 }
    );
    assert_eq!(
        ols(&[1.0, 2.0, f64::NAN], &[1.0, 2.0, 3.0]).unwrap_err(),
        ConvergenceError::NonFiniteRegression(2)
    );
}

#[test]
fn an_overflowing_coefficient_of_variation_is_an_error_naming_the_region() {
    // 2021's values are finite but their sum is not.
    let rows = [
        ("a", 2020, 1.0),
        ("b", 2020, 2.0),
        ("a", 2021, 1e308),
        ("b", 2021, 1.7e308),
    ];
    assert_eq!(
        sigma(&rows),
        Err(ConvergenceError::Overflow {
            region: "b".into(),
            year: 2021,
            value: 1.7e308
        })
    );
}
