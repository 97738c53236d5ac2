//! Constant columns, and every input the weighting rejects.

use ndarray::{Array2, array, s};
use rurban_core::Direction::{self, Negative, Positive};
use rurban_weighting::{
    Critic, Cv, Entropy, Equal, StdDev, WeightError, Weighting, Weights, builtin, builtin_names,
    compute,
};

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

fn weigh(
    scheme: &dyn Weighting,
    cols: &[&str],
    x: &Array2<f64>,
    dirs: &[Direction],
    shift: f64,
) -> Result<Weights, WeightError> {
    compute(scheme, &names(cols), x.view(), dirs, shift, "{}")
}

/// Four rows; column "flat" (third) is constant.
fn with_constant() -> (Array2<f64>, Vec<Direction>) {
    (
        array![
            [1.0, 10.0, 3.0, 0.5],
            [2.0, 30.0, 3.0, 0.9],
            [3.0, 20.0, 3.0, 0.1],
            [5.0, 40.0, 3.0, 0.7]
        ],
        vec![Positive, Negative, Positive, Positive],
    )
}

const COLS: [&str; 4] = ["gdp", "gap", "flat", "roads"];

#[test]
fn constant_column_is_left_out_with_weight_zero_and_a_warning() {
    let (x, dirs) = with_constant();
    // The same matrix without the constant column.
    let reduced = ndarray::concatenate![
        ndarray::Axis(1),
        x.slice(s![.., 0..2]),
        x.slice(s![.., 3..4])
    ];
    let rdirs = [Positive, Negative, Positive];
    for scheme in [&Entropy as &dyn Weighting, &Critic, &StdDev] {
        for shift in [0.0, 0.01] {
            let w = weigh(scheme, &COLS, &x, &dirs, shift).expect("weights");
            assert_eq!(w.weights[2], 0.0, "{}", scheme.name());
            assert_eq!(w.warnings.len(), 1, "{}: {:?}", scheme.name(), w.warnings);
            assert!(w.warnings[0].contains("'flat'"), "{:?}", w.warnings);
            assert!(w.warnings[0].contains("constant"), "{:?}", w.warnings);
            // Leaving it out means: the other weights are those of the reduced matrix.
            let r =
                weigh(scheme, &["gdp", "gap", "roads"], &reduced, &rdirs, shift).expect("weights");
            let kept = [w.weights[0], w.weights[1], w.weights[3]];
            for (a, b) in kept.iter().zip(&r.weights) {
                assert!(
                    (a - b).abs() <= 1e-15 * b.abs(),
                    "{}: {kept:?} vs {:?}",
                    scheme.name(),
                    r.weights
                );
            }
            assert!(r.warnings.is_empty());
        }
    }
}

#[test]
fn entropy_of_a_constant_column_is_reported_as_one() {
    let (x, dirs) = with_constant();
    let w = weigh(&Entropy, &COLS, &x, &dirs, 0.0).expect("weights");
    let e = w.entropy.expect("entropy");
    assert_eq!(e[2], 1.0);
    assert!(e[0] < 1.0 && e[1] < 1.0 && e[3] < 1.0, "{e:?}");
}

#[test]
fn two_constant_columns_give_two_warnings() {
    let x = array![
        [1.0, 4.0, 2.0, 9.0],
        [2.0, 4.0, 3.0, 9.0],
        [0.0, 4.0, 1.0, 9.0]
    ];
    let w = weigh(&StdDev, &["a", "b", "c", "d"], &x, &[Positive; 4], 0.0).expect("weights");
    assert_eq!(w.weights[1], 0.0);
    assert_eq!(w.weights[3], 0.0);
    assert_eq!(w.warnings.len(), 2);
    assert!(
        w.warnings[0].contains("'b'") && w.warnings[1].contains("'d'"),
        "{:?}",
        w.warnings
    );
}

#[test]
fn all_constant_is_an_error_for_every_scheme() {
    let x = array![[1.0, 4.0], [1.0, 4.0], [1.0, 4.0]];
    for name in builtin_names() {
        let scheme = builtin(name).expect("scheme");
        let err = weigh(scheme.as_ref(), &["a", "b"], &x, &[Positive, Negative], 0.0).unwrap_err();
        assert_eq!(err, WeightError::AllConstant, "{name}");
    }
}

#[test]
fn fewer_than_two_rows_is_an_error() {
    let one = array![[1.0, 2.0]];
    let none = Array2::<f64>::zeros((0, 2));
    for name in builtin_names() {
        let scheme = builtin(name).expect("scheme");
        let e1 = weigh(scheme.as_ref(), &["a", "b"], &one, &[Positive; 2], 0.0).unwrap_err();
        assert_eq!(e1, WeightError::TooFewRows(1), "{name}");
        assert!(e1.to_string().contains("at least 2 rows"));
        let e0 = weigh(scheme.as_ref(), &["a", "b"], &none, &[Positive; 2], 0.0).unwrap_err();
        assert_eq!(e0, WeightError::TooFewRows(0), "{name}");
    }
}

#[test]
fn no_columns_is_an_error() {
    let x = Array2::<f64>::zeros((3, 0));
    let err = weigh(&Entropy, &[], &x, &[], 0.0).unwrap_err();
    assert_eq!(err, WeightError::NoColumns);
}

#[test]
fn missing_cell_is_an_error_naming_column_and_row() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut x = array![
            [1.0, 2.0, 3.0],
            [2.0, 3.0, 1.0],
            [3.0, 5.0, 2.0],
            [4.0, 1.0, 7.0]
        ];
        x[[2, 1]] = bad; // data row 3 of column "income"
        for name in builtin_names() {
            let scheme = builtin(name).expect("scheme");
            let err = weigh(
                scheme.as_ref(),
                &["gdp", "income", "roads"],
                &x,
                &[Positive; 3],
                0.0,
            )
            .unwrap_err();
            match &err {
                WeightError::BadValue { column, row, .. } => {
                    assert_eq!(column, "income");
                    assert_eq!(*row, 3);
                }
                other => panic!("{name}: expected BadValue, got {other:?}"),
            }
            let msg = err.to_string();
            assert!(msg.contains("'income'") && msg.contains("row 3"), "{msg}");
        }
    }
}

#[test]
fn cv_rejects_values_not_above_zero_naming_column_and_row() {
    for bad in [0.0, -2.5] {
        let x = array![[1.0, 2.0], [2.0, bad], [3.0, 4.0]];
        let err = weigh(&Cv, &["gdp", "ratio"], &x, &[Positive, Negative], 0.0).unwrap_err();
        match &err {
            WeightError::BadValue {
                column,
                row,
                message,
            } => {
                assert_eq!(column, "ratio");
                assert_eq!(*row, 2);
                assert!(message.contains("> 0"), "{message}");
            }
            other => panic!("expected BadValue, got {other:?}"),
        }
        assert!(err.to_string().contains("row 2"));
        // The other schemes accept the same matrix.
        assert!(weigh(&Entropy, &["gdp", "ratio"], &x, &[Positive, Negative], 0.0).is_ok());
    }
}

#[test]
fn entropy_rejects_a_negative_or_non_finite_shift() {
    let x = array![[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]];
    for shift in [-0.01, f64::NAN, f64::INFINITY] {
        let err = weigh(&Entropy, &["a", "b"], &x, &[Positive; 2], shift).unwrap_err();
        assert!(err.to_string().contains("shift"), "{err}");
    }
    // The other schemes ignore the shift.
    assert!(weigh(&Critic, &["a", "b"], &x, &[Positive; 2], -1.0).is_ok());
}

#[test]
fn critic_needs_two_informative_columns() {
    let x = array![[1.0, 4.0], [2.0, 4.0], [0.0, 4.0]];
    let err = weigh(&Critic, &["a", "b"], &x, &[Positive; 2], 0.0).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("CRITIC") && msg.contains("got 1: 'a'"),
        "{msg}"
    );
    assert!(msg.contains("at least 2 non-constant columns"), "{msg}");
    // One column only, too.
    let one = array![[1.0], [2.0], [0.0]];
    assert!(weigh(&Critic, &["a"], &one, &[Positive], 0.0).is_err());
    // Entropy and stddev give that lone column everything.
    for scheme in [&Entropy as &dyn Weighting, &StdDev] {
        let w = weigh(scheme, &["a", "b"], &x, &[Positive; 2], 0.0).expect("weights");
        assert_eq!(w.weights, vec![1.0, 0.0]);
    }
}

#[test]
fn critic_perfectly_correlated_columns_are_an_error() {
    // x1 = 0 1 2 (+) and x2 = 2 1 0 (-) both give z = 0, 1/2, 1: s = 1/2 exactly,
    // cov = 1/4, r = 1 -> c_j = s_j (1 - 1) = 0 for both.
    let x = array![[0.0, 2.0], [1.0, 1.0], [2.0, 0.0]];
    let err = weigh(&Critic, &["a", "b"], &x, &[Positive, Negative], 0.0).unwrap_err();
    assert!(err.to_string().contains("perfectly correlated"), "{err}");
}

#[test]
fn names_and_directions_must_match_the_columns() {
    let x = array![[1.0, 2.0], [2.0, 1.0]];
    let e = weigh(&Equal, &["a"], &x, &[Positive; 2], 0.0).unwrap_err();
    assert!(e.to_string().contains("2 columns"), "{e}");
    let e = weigh(&Equal, &["a", "b"], &x, &[Positive], 0.0).unwrap_err();
    assert!(e.to_string().contains("1 directions"), "{e}");
}

#[test]
fn compute_normalized_hands_back_the_min_max_matrix_it_weighed() {
    use rurban_weighting::{Entropy, compute, compute_normalized, minmax};
    let raw = ndarray::array![
        [1.0, 5.0, 2.0],
        [2.0, 3.0, 2.0],
        [4.0, 1.0, 2.5],
        [3.0, 0.5, 9.0]
    ];
    let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
    let dirs = [Positive, Negative, Positive];
    let (w, norm) = compute_normalized(&Entropy, &names, raw.view(), &dirs, 0.0, "{}").unwrap();
    assert_eq!(norm, minmax(raw.view(), &dirs));
    assert_eq!(
        w,
        compute(&Entropy, &names, raw.view(), &dirs, 0.0, "{}").unwrap()
    );
}

#[test]
fn values_near_the_float_limits_are_an_error_naming_the_column() {
    // max - min = 2e308 overflows to infinity: entropy was -0.0 and the
    // weights finite-looking nonsense.
    let x = array![[1.0, 1e308], [2.0, -1e308], [3.0, 0.0]];
    let dirs = [Positive, Positive];
    for name in builtin_names() {
        let scheme = builtin(name).unwrap();
        let e = weigh(&*scheme, &["a", "huge"], &x, &dirs, 0.0)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("column 'huge', row 1") && e.contains("overflows"),
            "{name}: {e}"
        );
    }
    // A shift whose sum over the rows overflows.
    let x = array![[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]];
    let e = weigh(&Entropy, &["a", "b"], &x, &dirs, 1e308)
        .unwrap_err()
        .to_string();
    assert!(e.contains("shift 1e308 is too large"), "{e}");
}
