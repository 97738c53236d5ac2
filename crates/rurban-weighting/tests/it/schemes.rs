//! Hand-computed cases for every built-in scheme and for the min-max step.
//!
//! Each case is worked out on paper in the comments; expected values are the
//! closed forms of that arithmetic, not outputs of the code under test.

use ndarray::{Array2, array};
use rurban_core::Direction::{self, Negative, Positive};
use rurban_weighting::{
    Critic, Cv, Entropy, Equal, StdDev, Weighting, Weights, builtin, builtin_names, compute, minmax,
};

fn names(m: usize) -> Vec<String> {
    (0..m).map(|j| format!("x{}", j + 1)).collect()
}

fn run(scheme: &dyn Weighting, x: &Array2<f64>, dirs: &[Direction], shift: f64) -> Weights {
    compute(scheme, &names(x.ncols()), x.view(), dirs, shift, "{}").expect("weights")
}

// Relative closeness (exact equality when the expected value is 0).
use rurban_test_support::close_rel as close;

fn assert_vec(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "length: got {got:?}, want {want:?}");
    for (j, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            close(*g, *w, tol),
            "index {j}: got {g}, want {w} (got {got:?}, want {want:?})"
        );
    }
}

// ---------------------------------------------------------------- min-max

#[test]
fn minmax_respects_direction_and_zeroes_constant_columns() {
    // x1 (+) = 1 2 3 5: min 1, max 5, range 4 -> z = 0, 1/4, 1/2, 1
    // x2 (-) = 10 30 20 40: min 10, max 40, range 30 -> z = (40 - x)/30 = 1, 1/3, 2/3, 0
    // x3 (+) = 7 7 7 7: constant -> z = 0, flagged constant
    let x = array![
        [1.0, 10.0, 7.0],
        [2.0, 30.0, 7.0],
        [3.0, 20.0, 7.0],
        [5.0, 40.0, 7.0]
    ];
    let n = minmax(x.view(), &[Positive, Negative, Positive]);
    let want = array![
        [0.0, 1.0, 0.0],
        [0.25, 1.0 / 3.0, 0.0],
        [0.5, 2.0 / 3.0, 0.0],
        [1.0, 0.0, 0.0]
    ];
    for (g, w) in n.z.iter().zip(want.iter()) {
        assert!((g - w).abs() < 1e-15, "{:?}", n.z);
    }
    assert_eq!(n.constant, vec![false, false, true]);
    assert_eq!(n.min, vec![1.0, 10.0, 7.0]);
    assert_eq!(n.max, vec![5.0, 40.0, 7.0]);
    // The extreme rows hit 0 and 1 exactly, in both directions.
    assert_eq!(n.z[[3, 0]], 1.0);
    assert_eq!(n.z[[0, 0]], 0.0);
    assert_eq!(n.z[[0, 1]], 1.0);
    assert_eq!(n.z[[3, 1]], 0.0);
}

// ---------------------------------------------------------------- entropy

/// The 4 x 3 matrix of the entropy case with shift 0.
fn entropy_matrix() -> (Array2<f64>, Vec<Direction>) {
    (
        array![
            [1.0, 10.0, 2.0],
            [2.0, 30.0, 2.0],
            [3.0, 20.0, 4.0],
            [5.0, 40.0, 2.0]
        ],
        vec![Positive, Negative, Positive],
    )
}

#[test]
fn entropy_shift_zero_by_hand() {
    // n = 4, 1/ln n = 1/ln 4 = 1/(2 ln 2).
    // z1 (+) = 0, 1/4, 1/2, 1; sum 7/4 -> p = 0, 1/7, 2/7, 4/7
    //   sum p ln p = (1/7)(-ln7) + (2/7)(ln2 - ln7) + (4/7)(2 ln2 - ln7) = -ln7 + (10/7) ln2
    //   e1 = (ln7 - (10/7) ln2) / ln4 = ln7/ln4 - 5/7 = 0.6893917467430878
    // z2 (-) = (40 - x)/30 = 1, 1/3, 2/3, 0; sum 2 -> p = 1/2, 1/6, 1/3, 0
    //   sum p ln p = -(1/2) ln2 - (1/6)(ln2 + ln3) - (1/3) ln3 = -(2/3) ln2 - (1/2) ln3
    //   e2 = ((2/3) ln2 + (1/2) ln3) / (2 ln2) = 1/3 + ln3/ln16 = 0.7295739585136224
    // z3 (+) = 0, 0, 1, 0 -> p = 0, 0, 1, 0 -> sum p ln p = 1 ln 1 = 0 (0 ln 0 = 0) -> e3 = 0
    // d = 0.3106082532569122, 0.2704260414863776, 1; sum 1.5810342947432898
    // w = 0.19645889674223999, 0.1710437543230435, 0.6324973489347165
    let (x, dirs) = entropy_matrix();
    let w = run(&Entropy, &x, &dirs, 0.0);
    let e1 = 7f64.ln() / 4f64.ln() - 5.0 / 7.0;
    let e2 = 1.0 / 3.0 + 3f64.ln() / 16f64.ln();
    let e3 = 0.0;
    let d = [1.0 - e1, 1.0 - e2, 1.0 - e3];
    let sd: f64 = d.iter().sum();
    assert_vec(w.entropy.as_ref().expect("entropy"), &[e1, e2, e3], 1e-14);
    assert_vec(&w.weights, &[d[0] / sd, d[1] / sd, d[2] / sd], 1e-14);
    assert_vec(
        &w.weights,
        &[0.19645889674223999, 0.1710437543230435, 0.6324973489347165],
        1e-13,
    );
    assert!(w.warnings.is_empty());
}

#[test]
fn entropy_with_shift_by_hand() {
    // n = 3, S = 1.
    // x1 (+) = 0 5 10 -> z = 0, 1/2, 1 -> q = 1, 3/2, 2; sum 9/2 -> p = 2/9, 3/9, 4/9
    //   -sum p ln p = (2/9)(ln9 - ln2) + (1/3) ln3 + (4/9)(ln9 - ln4)
    //               = (4/9 + 3/9 + 8/9) ln3 - (2/9 + 8/9) ln2 = (15/9) ln3 - (10/9) ln2
    //   e1 = 5/3 - (10/9) log_3 2 = 0.9656336071428251
    // x2 (-) = 3 1 3 -> z = (3 - x)/2 = 0, 1, 0 -> q = 1, 2, 1; sum 4 -> p = 1/4, 1/2, 1/4
    //   -sum p ln p = 2 (1/4) ln4 + (1/2) ln2 = (3/2) ln2
    //   e2 = (3/2) log_3 2 = 0.9463946303571862
    // d = 0.0343663928571749, 0.0536053696428138 -> w = 0.3906525444136613, 0.6093474555863387
    let x = array![[0.0, 3.0], [5.0, 1.0], [10.0, 3.0]];
    let w = run(&Entropy, &x, &[Positive, Negative], 1.0);
    let l = 2f64.ln() / 3f64.ln();
    let e = [5.0 / 3.0 - 10.0 / 9.0 * l, 1.5 * l];
    let d = [1.0 - e[0], 1.0 - e[1]];
    assert_vec(w.entropy.as_ref().expect("entropy"), &e, 1e-14);
    assert_vec(
        &w.weights,
        &[d[0] / (d[0] + d[1]), d[1] / (d[0] + d[1])],
        1e-13,
    );
    assert_vec(&w.weights, &[0.3906525444136613, 0.6093474555863387], 1e-12);
}

#[test]
fn entropy_small_shift_matches_independent_loop() {
    // Same matrix as the shift-0 case, S = 0.01, checked against the formula
    // written out again with plain loops over the hand-normalised z.
    let (x, dirs) = entropy_matrix();
    let s = 0.01;
    let z = [
        [0.0, 0.25, 0.5, 1.0],
        [1.0, 1.0 / 3.0, 2.0 / 3.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
    ];
    let mut e = [0.0; 3];
    for j in 0..3 {
        let total: f64 = z[j].iter().map(|v| v + s).sum();
        let mut acc = 0.0;
        for v in z[j] {
            let p = (v + s) / total;
            acc += p * p.ln();
        }
        e[j] = -acc / 4f64.ln();
    }
    let sd: f64 = e.iter().map(|v| 1.0 - v).sum();
    let w = run(&Entropy, &x, &dirs, s);
    assert_vec(w.entropy.as_ref().expect("entropy"), &e, 1e-13);
    assert_vec(&w.weights, &e.map(|v| (1.0 - v) / sd), 1e-12);
    // A shift moves the weights: it is not a no-op.
    let w0 = run(&Entropy, &x, &dirs, 0.0);
    assert!((w.weights[2] - w0.weights[2]).abs() > 1e-3);
}

// ---------------------------------------------------------------- CRITIC

/// z1 = 0 1/3 2/3 1 (x 0 1 2 3, +), z2 = 1 0 1 0 (x 0 1 0 1, -), z3 = 0 0 1 1 (x 5 5 7 7, +).
fn critic_matrix() -> (Array2<f64>, Vec<Direction>) {
    (
        array![
            [0.0, 0.0, 5.0],
            [1.0, 1.0, 5.0],
            [2.0, 0.0, 7.0],
            [3.0, 1.0, 7.0]
        ],
        vec![Positive, Negative, Positive],
    )
}

#[test]
fn critic_by_hand() {
    // Means are all 1/2. Deviations:
    //   d1 = -1/2, -1/6, 1/6, 1/2   ss1 = 1/4 + 1/36 + 1/36 + 1/4 = 5/9
    //   d2 =  1/2, -1/2, 1/2, -1/2  ss2 = 1
    //   d3 = -1/2, -1/2, 1/2, 1/2   ss3 = 1
    // s_j = sqrt(ss_j / 3): s1 = sqrt(5/27) = 0.4303314829119352, s2 = s3 = sqrt(1/3)
    // Cross products: S12 = -1/4 + 1/12 + 1/12 - 1/4 = -1/3, S13 = 1/4 + 1/12 + 1/12 + 1/4 = 2/3,
    //   S23 = -1/4 + 1/4 + 1/4 - 1/4 = 0
    // r12 = (-1/3)/sqrt(5/9) = -1/sqrt5, r13 = (2/3)/sqrt(5/9) = 2/sqrt5, r23 = 0
    // c1 = s1 ((1 - r12) + (1 - r13)) = s1 (2 - 1/sqrt5)  = 0.6682128760939952
    // c2 = s2 ((1 - r12) + (1 - r23)) = s2 (2 + 1/sqrt5)  = 1.4128994281264124
    // c3 = s3 ((1 - r13) + (1 - r23)) = s3 (2 - 2/sqrt5)  = 0.6383027588849293
    // w = 0.24571934058898456, 0.5195600507239243, 0.23472060868709124
    let (x, dirs) = critic_matrix();
    let w = run(&Critic, &x, &dirs, 0.0);
    let r5 = 5f64.sqrt();
    let (s1, s2) = ((5.0f64 / 27.0).sqrt(), (1.0f64 / 3.0).sqrt());
    let c = [
        s1 * (2.0 - 1.0 / r5),
        s2 * (2.0 + 1.0 / r5),
        s2 * (2.0 - 2.0 / r5),
    ];
    let sc: f64 = c.iter().sum();
    assert_vec(&w.weights, &c.map(|v| v / sc), 1e-14);
    assert_vec(
        &w.weights,
        &[0.24571934058898456, 0.5195600507239243, 0.23472060868709124],
        1e-13,
    );
    assert!(w.entropy.is_none());
    assert!(w.warnings.is_empty());
}

#[test]
fn critic_direction_changes_the_conflict() {
    // Flipping x2 to positive negates r12 and r23: r12 = +1/sqrt5, r13 = 2/sqrt5, r23 = 0
    // c1 = s1 (2 - 3/sqrt5), c2 = s2 (2 - 1/sqrt5), c3 = s3 (2 - 2/sqrt5)
    let (x, _) = critic_matrix();
    let w = run(&Critic, &x, &[Positive, Positive, Positive], 0.0);
    let r5 = 5f64.sqrt();
    let (s1, s2) = ((5.0f64 / 27.0).sqrt(), (1.0f64 / 3.0).sqrt());
    let c = [
        s1 * (2.0 - 3.0 / r5),
        s2 * (2.0 - 1.0 / r5),
        s2 * (2.0 - 2.0 / r5),
    ];
    let sc: f64 = c.iter().sum();
    assert_vec(&w.weights, &c.map(|v| v / sc), 1e-14);
}

// ---------------------------------------------------------------- stddev

#[test]
fn stddev_by_hand() {
    // Same z as the CRITIC case: s = sqrt(5/27), sqrt(1/3), sqrt(1/3).
    // s1/s2 = sqrt(5/9) = sqrt5/3, so w ∝ sqrt5/3, 1, 1:
    // w1 = sqrt5/(sqrt5 + 6) = 0.27149702790318514, w2 = w3 = 3/(sqrt5 + 6) = 0.36425148604840746
    let (x, dirs) = critic_matrix();
    let w = run(&StdDev, &x, &dirs, 0.0);
    let r5 = 5f64.sqrt();
    assert_vec(
        &w.weights,
        &[r5 / (r5 + 6.0), 3.0 / (r5 + 6.0), 3.0 / (r5 + 6.0)],
        1e-14,
    );
    // Direction does not change a standard deviation of z.
    let wp = run(&StdDev, &x, &[Positive, Positive, Positive], 0.0);
    assert_vec(&wp.weights, &w.weights, 1e-15);
}

#[test]
fn stddev_uses_sample_std_of_z_not_raw() {
    // Raw scales differ by 1000x but z are identical -> equal weights.
    // x1 = 1 2 4, x2 = 1000 2000 4000: z = 0, 1/3, 1 for both.
    let x = array![[1.0, 1000.0], [2.0, 2000.0], [4.0, 4000.0]];
    let w = run(&StdDev, &x, &[Positive, Positive], 0.0);
    assert_vec(&w.weights, &[0.5, 0.5], 1e-15);
}

// ---------------------------------------------------------------- cv

#[test]
fn cv_by_hand_on_raw_values() {
    // x1 = 1 2 3: mean 2, ss = 1 + 0 + 1 = 2, s = sqrt(2/2) = 1, v1 = 1/2
    // x2 = 10 10 40 (marked negative: direction does not apply):
    //   mean 20, ss = 100 + 100 + 400 = 600, s = sqrt(300) = 10 sqrt3, v2 = sqrt3/2
    // w1 = (1/2)/(1/2 + sqrt3/2) = 1/(1 + sqrt3) = 0.36602540378443865, w2 = sqrt3/(1 + sqrt3)
    let x = array![[1.0, 10.0], [2.0, 10.0], [3.0, 40.0]];
    let w = run(&Cv, &x, &[Positive, Negative], 0.0);
    let r3 = 3f64.sqrt();
    assert_vec(&w.weights, &[1.0 / (1.0 + r3), r3 / (1.0 + r3)], 1e-14);
    let wp = run(&Cv, &x, &[Positive, Positive], 0.0);
    assert_eq!(wp.weights, w.weights);
    // cv is scale-free: multiplying a column by 7 changes nothing.
    let x7 = array![[7.0, 10.0], [14.0, 10.0], [21.0, 40.0]];
    assert_vec(
        &run(&Cv, &x7, &[Positive, Negative], 0.0).weights,
        &w.weights,
        1e-14,
    );
}

#[test]
fn cv_constant_column_gets_zero_weight() {
    // x2 = 4 4 4: s = 0 -> v2 = 0 -> weight 0; x1 as above -> weight 1.
    let x = array![[1.0, 4.0], [2.0, 4.0], [3.0, 4.0]];
    let w = run(&Cv, &x, &[Positive, Positive], 0.0);
    assert_eq!(w.weights, vec![1.0, 0.0]);
}

// ---------------------------------------------------------------- equal

#[test]
fn equal_is_one_over_m_even_with_a_constant_column() {
    let (x, dirs) = entropy_matrix();
    let w = run(&Equal, &x, &dirs, 0.0);
    assert_vec(&w.weights, &[1.0 / 3.0; 3], 1e-16);
    let xc = array![[1.0, 5.0, 2.0, 0.0], [2.0, 5.0, 1.0, 3.0]];
    let w = run(&Equal, &xc, &[Positive; 4], 0.0);
    assert_eq!(w.weights, vec![0.25; 4]);
    assert!(w.entropy.is_none());
}

// ---------------------------------------------------------------- registry

#[test]
fn builtins_are_found_by_name() {
    assert_eq!(
        builtin_names(),
        &["entropy", "critic", "stddev", "cv", "equal"]
    );
    for name in builtin_names() {
        let s = builtin(name).expect("built-in");
        assert_eq!(s.name(), *name);
        assert!(!s.description().is_empty());
    }
    assert!(builtin("topsis").is_none());
}

#[test]
fn weights_sum_to_one_for_every_scheme() {
    // The CRITIC matrix plus 1 (same z, all raw values > 0 for cv).
    let (x, dirs) = critic_matrix();
    let x = x + 1.0;
    for name in builtin_names() {
        let w = run(builtin(name).expect("scheme").as_ref(), &x, &dirs, 0.0);
        let total: f64 = w.weights.iter().sum();
        assert!((total - 1.0).abs() < 1e-15, "{name}: {total}");
        assert!(
            w.weights.iter().all(|v| *v >= 0.0),
            "{name}: {:?}",
            w.weights
        );
    }
}
