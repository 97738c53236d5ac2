//! Normaliser and aggregator plugins through the real dynamic loader, as
//! `rurban-index` stages: hand-computed values, parameters, and every kind
//! of failure across the boundary (error status, caught panic, invalid
//! result) reported naming the plugin and its file.

use crate::common;

use common::{broken, logistic, power_mean};
use ndarray::{Array1, array};
use rurban_core::Direction;
use rurban_host::{HostError, Registry};
use rurban_index::{Aggregator, Geometric, Normaliser, StageError};
use rurban_plugin_api::PANIC_PREFIX;

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-15
}

#[test]
fn logistic_normalises_by_hand() {
    let mut r = Registry::with_builtins();
    r.load(&logistic()).unwrap();
    assert_eq!(r.normaliser_names(), vec!["logistic"]);
    let info = r.list().into_iter().find(|i| i.name == "logistic").unwrap();
    assert_eq!(info.kind, "normaliser");
    assert_eq!(info.abi.as_deref(), Some("1.1"));
    let n = r.normaliser("logistic").unwrap();
    assert_eq!(n.name(), "logistic");
    // Column a (+): 1, 2, 3: mean 2, sd 1: 1/(1+e), .5, 1/(1+1/e).
    // Column b (-): 2, NaN, 6: mean 4, sd sqrt 8, flipped:
    //   0.6697615493266569, NaN, 0.3302384506733431.
    // Column c: constant 5: 0.5, flagged.
    let raw = array![[1.0, 2.0, 5.0], [2.0, f64::NAN, 5.0], [3.0, 6.0, 5.0]];
    let dirs = [
        Direction::Positive,
        Direction::Negative,
        Direction::Positive,
    ];
    let out = n
        .try_normalise(&names(&["a", "b", "c"]), raw.view(), &dirs)
        .unwrap();
    let expect = [
        [0.2689414213699951, 0.6697615493266569, 0.5],
        [0.5, f64::NAN, 0.5],
        [0.7310585786300049, 0.3302384506733431, 0.5],
    ];
    for ((i, j), &a) in out.z.indexed_iter() {
        let b = expect[i][j];
        assert!(
            close(a, b) || (a.is_nan() && b.is_nan()),
            "({i}, {j}): {a} vs {b}"
        );
    }
    assert_eq!(out.constant, [false, false, true]);
    assert_eq!(out.min, [1.0, 2.0, 5.0]);
    assert_eq!(out.max, [3.0, 6.0, 5.0]);
    // The infallible method gives the same values.
    let plain = n.normalise(raw.view(), &dirs);
    assert_eq!(plain.z[[2, 0]], out.z[[2, 0]]);
    assert!(r.take_failures().is_empty());
}

#[test]
fn logistic_parameters_and_errors() {
    let mut r = Registry::with_builtins();
    r.load(&logistic()).unwrap();
    let base = r.plugin_normaliser("logistic").unwrap();
    let raw = array![[1.0], [2.0], [3.0]];
    let dirs = [Direction::Positive];
    // slope 2: 1/(1+e^2) = 0.11920292202211755, .5, 0.8807970779778823
    let steep = base.with_params(r#"{"slope": 2}"#);
    let out = steep.try_call(&names(&["x"]), raw.view(), &dirs).unwrap();
    assert!(close(out.z[[0, 0]], 0.11920292202211755));
    assert_eq!(out.z[[1, 0]], 0.5);
    assert!(close(out.z[[2, 0]], 0.8807970779778823));
    // A bad parameter: the plugin's error, naming the plugin and its file.
    let bad = base.with_params(r#"{"slope": -1}"#);
    let expected = format!(
        "plugin 'logistic' ({}) failed: slope = -1: the slope must be a number > 0",
        logistic().display()
    );
    let e = bad
        .try_normalise(&names(&["x"]), raw.view(), &dirs)
        .unwrap_err();
    assert_eq!(e, StageError::Setting(expected.clone()));
    // Through the infallible method: every value missing, the error recorded once.
    let out = bad.normalise(raw.view(), &dirs);
    assert!(out.z.iter().all(|v| v.is_nan()));
    let _ = bad.normalise(raw.view(), &dirs);
    let failures = r.take_failures();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].to_string(), expected);
    assert!(r.take_failures().is_empty());
}

/// w = (.5, .25, .25), dimensions (0, 1, 1).
const W: [f64; 3] = [0.5, 0.25, 0.25];
const DIM: [usize; 3] = [0, 1, 1];

#[test]
fn power_mean_aggregates_by_hand() {
    let mut r = Registry::with_builtins();
    r.load(&power_mean()).unwrap();
    assert_eq!(r.aggregator_names(), vec!["power-mean"]);
    let a = r.aggregator("power-mean").unwrap();
    assert_eq!(a.name(), "power-mean");
    // p = .5 (default). Row (.25, 1, 1): composite (.5 * .5 + .25 + .25)^2 = .5625,
    // dimension 0 = .25, dimension 1 = 1.
    let mut dims = Array1::<f64>::zeros(2);
    let c = a.aggregate(array![0.25, 1.0, 1.0].view(), &W, &DIM, dims.view_mut());
    assert!(close(c, 0.5625), "{c}");
    assert_eq!(dims.to_vec(), [0.25, 1.0]);
    // Row (1, .09, .49): composite (.5 + .075 + .175)^2 = .5625,
    // dimension 1 = ((.3 + .7) / 2)^2 = .25.
    let c = a.aggregate(array![1.0, 0.09, 0.49].view(), &W, &DIM, dims.view_mut());
    assert!(close(c, 0.5625), "{c}");
    assert!(close(dims[0], 1.0) && close(dims[1], 0.25), "{dims}");
    // Many rows in one call.
    let z = array![[0.25, 1.0, 1.0], [1.0, 0.09, 0.49]];
    let out = r
        .plugin_aggregator("power-mean")
        .unwrap()
        .try_call(&names(&["a", "b", "c"]), z.view(), &W, &DIM, 2)
        .unwrap();
    assert!(close(out.composite[0], 0.5625) && close(out.composite[1], 0.5625));
    assert!(close(out.dimensions[[1, 1]], 0.25));
    assert!(r.take_failures().is_empty());
}

#[test]
fn power_mean_of_order_zero_is_the_builtin_geometric_mean() {
    let mut r = Registry::with_builtins();
    r.load(&power_mean()).unwrap();
    let p0 = r
        .plugin_aggregator("power-mean")
        .unwrap()
        .with_params(r#"{"p": 0}"#);
    let row = array![0.2, 0.7, 0.9];
    let (mut d1, mut d2) = (Array1::<f64>::zeros(2), Array1::<f64>::zeros(2));
    let c1 = p0.aggregate(row.view(), &W, &DIM, d1.view_mut());
    let c2 = Geometric.aggregate(row.view(), &W, &DIM, d2.view_mut());
    // exp(.5 ln .2 + .25 ln .7 + .25 ln .9) = 0.4282262400284786... both ways.
    assert!((c1 - c2).abs() < 1e-15, "{c1} vs {c2}");
    for k in 0..2 {
        assert!((d1[k] - d2[k]).abs() < 1e-15, "{d1} vs {d2}");
    }
}

#[test]
fn power_mean_domain_errors_name_the_plugin() {
    let mut r = Registry::with_builtins();
    r.load(&power_mean()).unwrap();
    let harmonic = r
        .plugin_aggregator("power-mean")
        .unwrap()
        .with_params(r#"{"p": -1}"#);
    let z = array![[0.5, 0.5, 0.5], [0.5, 0.0, 0.5]];
    let e = harmonic
        .try_call(&names(&["a", "b", "c"]), z.view(), &W, &DIM, 2)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "plugin 'power-mean' ({}) failed: indicator 'b', row 2: value 0 is not > 0, which a power mean of order p = -1 needs",
            power_mean().display()
        )
    );
    // The trait call: NaN, and the error (columns unnamed) recorded.
    let mut dims = Array1::<f64>::zeros(2);
    let c = harmonic.aggregate(z.row(1), &W, &DIM, dims.view_mut());
    assert!(c.is_nan() && dims.iter().all(|v| v.is_nan()));
    let f = r.take_failures();
    assert_eq!(f.len(), 1);
    assert!(
        f[0].to_string()
            .ends_with("failed: indicator '#2', row 1: value 0 is not > 0, which a power mean of order p = -1 needs"),
        "{}",
        f[0]
    );
    // A dimension number out of range is refused before the call.
    let e = harmonic
        .try_call(&names(&["a", "b", "c"]), z.view(), &W, &[0, 1, 2], 2)
        .unwrap_err();
    assert!(
        e.to_string().ends_with(
            "returned an invalid result: not called: indicator 'c' is in dimension 2 of 2"
        ),
        "{e}"
    );
}

#[test]
fn broken_normaliser_panic_and_invalid_results_are_caught() {
    let mut r = Registry::with_builtins();
    let p = broken("broken_normaliser");
    r.load(&p).unwrap();
    let n = r.plugin_normaliser("broken-normaliser").unwrap();
    let dirs = [Direction::Positive, Direction::Positive];
    let ab = names(&["a", "b"]);
    // A panic inside the plugin: caught there, reported here.
    let e = n
        .try_call(&ab, array![[1.0, -1.0], [2.0, 3.0]].view(), &dirs)
        .unwrap_err();
    let HostError::PluginFailed {
        plugin,
        file,
        message,
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (plugin.as_str(), file.as_path()),
        ("broken-normaliser", p.as_path())
    );
    assert!(
        message.starts_with(&format!("{PANIC_PREFIX}negative input -1 (at ")),
        "{message}"
    );
    // A number where the raw value is missing.
    let e = n
        .try_call(&ab, array![[1.0, 2.0], [2.0, f64::NAN]].view(), &dirs)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "plugin 'broken-normaliser' ({}) returned an invalid result: row 2, indicator 'b': the raw value is missing but the normalised value is 0.5; a missing value must stay missing (NaN)",
            p.display()
        )
    );
    // Infinity.
    let e = n
        .try_call(&ab, array![[1.0, 2.0], [2.0, 3.0]].view(), &dirs)
        .unwrap_err();
    assert!(
        e.to_string()
            .ends_with("row 1, indicator 'a': the normalised value of 1 is inf; it must be finite"),
        "{e}"
    );
    // The host goes on: a good plugin still works.
    r.load(&logistic()).unwrap();
    assert!(r.normaliser("logistic").is_some());
}

#[test]
fn broken_aggregator_error_panic_and_invalid_results_are_caught() {
    let mut r = Registry::with_builtins();
    let p = broken("broken_aggregator");
    r.load(&p).unwrap();
    let a = r.plugin_aggregator("broken-aggregator").unwrap();
    let abc = names(&["a", "b", "c"]);
    let call = |z: ndarray::Array2<f64>| a.try_call(&abc, z.view(), &W, &DIM, 2).unwrap_err();
    let e = call(array![[0.5, -0.5, 0.5]]);
    assert_eq!(
        e.to_string(),
        format!(
            "plugin 'broken-aggregator' ({}) failed: a value is below 0",
            p.display()
        )
    );
    let e = call(array![[0.5, 1.5, 0.5]]);
    assert!(
        e.to_string()
            .contains(&format!("failed: {PANIC_PREFIX}value 1.5 above 1 (at ")),
        "{e}"
    );
    let e = call(array![[0.5, 0.5, 0.5], [0.1, 0.2, 0.3]]);
    assert!(
        e.to_string().ends_with(
            "returned an invalid result: the composite of row 1 is inf; it must be finite or NaN (missing)"
        ),
        "{e}"
    );
    // Through the trait: NaN and recorded; still callable afterwards.
    let mut dims = Array1::<f64>::zeros(2);
    assert!(
        a.aggregate(array![0.5, 1.5, 0.5].view(), &W, &DIM, dims.view_mut())
            .is_nan()
    );
    assert!(
        a.aggregate(array![0.5, 1.5, 0.5].view(), &W, &DIM, dims.view_mut())
            .is_nan()
    );
    let f = r.take_failures();
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].to_string().contains(PANIC_PREFIX), "{}", f[0]);
}
