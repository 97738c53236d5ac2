//! Index construction: hand-checked weights and scores for both scopes,
//! the dimension/composite identity on a random panel, and rejected inputs.

#![allow(clippy::needless_range_loop)] // indices mirror the [region, year, indicator] arithmetic

use std::path::PathBuf;

use ndarray::{Array3, Axis};
use rurban_core::Direction::{self, Negative, Positive};
use rurban_core::Panel;
use rurban_core::Scope;
use rurban_index::{IndexError, IndexModel, build};
use rurban_weighting::{Critic, Entropy, StdDev, Weighting, builtin, builtin_names, compute};

/// A complete panel from `values[region][year][indicator]`.
fn panel(regions: &[&str], years: &[i64], indicators: &[&str], values: &[Vec<Vec<f64>>]) -> Panel {
    let (nr, ny, m) = (regions.len(), years.len(), indicators.len());
    let v = Array3::from_shape_fn((nr, ny, m), |(r, y, j)| values[r][y][j]);
    Panel::from_values(
        PathBuf::from("test.csv"),
        regions.iter().map(ToString::to_string).collect(),
        years.to_vec(),
        indicators.iter().map(ToString::to_string).collect(),
        v,
    )
}

fn model(
    p: &Panel,
    directions: Vec<Direction>,
    dimension_of: Vec<usize>,
    dimensions: &[&str],
) -> IndexModel {
    IndexModel {
        indicators: p.indicators.clone(),
        directions,
        dimension_of,
        dimensions: dimensions.iter().map(ToString::to_string).collect(),
    }
}

use rurban_test_support::close_rel as close;

fn assert_vec(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert!(close(*g, *w, tol), "{what}: got {got:?}, want {want:?}");
    }
}

/// 2 regions x 2 years x 2 indicators.
/// a (+): R1 1, 3; R2 2, 5.   b (-): R1 10, 20; R2 40, 10.
fn small_panel() -> Panel {
    panel(
        &["R1", "R2"],
        &[2010, 2011],
        &["a", "b"],
        &[
            vec![vec![1.0, 10.0], vec![3.0, 20.0]],
            vec![vec![2.0, 40.0], vec![5.0, 10.0]],
        ],
    )
}

#[test]
fn panel_scope_by_hand() {
    // Stacked rows (R1 2010, R1 2011, R2 2010, R2 2011), n = 4:
    // a (+) = 1 3 2 5: min 1, max 5 -> z = 0, 1/2, 1/4, 1; sum 7/4 -> p = 0, 2/7, 1/7, 4/7
    //   e_a = ln7/ln4 - 5/7 = 0.6893917467430878 (as in the weighting tests)
    // b (-) = 10 20 40 10: z = (40 - x)/30 = 1, 2/3, 0, 1; sum 8/3 -> p = 3/8, 1/4, 0, 3/8
    //   -sum p ln p = 2 (3/8)(3 ln2 - ln3) + (1/4) 2 ln2 = (11/4) ln2 - (3/4) ln3
    //   e_b = 11/8 - (3/8) log2 3 = 0.7806390622295665
    // w = (1 - e) / sum(1 - e) = 0.5860873773714994, 0.41391262262850065
    // composite = w_a z_a + w_b z_b:
    //   R1 2010: w_b = 0.41391262262850065     R1 2011: w_a/2 + 2 w_b/3 = 0.5689854371047501
    //   R2 2010: w_a/4 = 0.14652184434287485   R2 2011: w_a + w_b = 1
    let p = small_panel();
    let m = model(
        &p,
        vec![Positive, Negative],
        vec![0, 1],
        &["econ", "social"],
    );
    let res = build(&p, &m, &Entropy, Scope::Panel, 0.0, "{}").expect("index");
    assert_eq!(res.weight_sets.len(), 1);
    let set = &res.weight_sets[0];
    assert_eq!(set.year, None);
    assert_eq!(set.n, 4);
    let ea = 7f64.ln() / 4f64.ln() - 5.0 / 7.0;
    let eb = 11.0 / 8.0 - 3.0 / 8.0 * 3f64.log2();
    let (da, db) = (1.0 - ea, 1.0 - eb);
    let (wa, wb) = (da / (da + db), db / (da + db));
    assert_vec(
        "entropy",
        set.entropy.as_ref().expect("entropy"),
        &[ea, eb],
        1e-14,
    );
    assert_vec("weights", &set.weights, &[wa, wb], 1e-14);
    assert_vec(
        "weights",
        &set.weights,
        &[0.5860873773714994, 0.41391262262850065],
        1e-13,
    );

    let z = [[[0.0, 1.0], [0.5, 2.0 / 3.0]], [[0.25, 0.0], [1.0, 1.0]]];
    for r in 0..2 {
        for y in 0..2 {
            for j in 0..2 {
                assert!(
                    (res.z[[r, y, j]] - z[r][y][j]).abs() < 1e-15,
                    "z {r} {y} {j}"
                );
            }
            let want_econ = wa * z[r][y][0];
            let want_social = wb * z[r][y][1];
            assert!(close(res.dimension_scores[[r, y, 0]], want_econ, 1e-14));
            assert!(close(res.dimension_scores[[r, y, 1]], want_social, 1e-14));
            assert!(close(res.composite[[r, y]], want_econ + want_social, 1e-14));
        }
    }
    assert!(close(res.composite[[0, 0]], 0.41391262262850065, 1e-13));
    assert!(close(res.composite[[0, 1]], 0.5689854371047501, 1e-13));
    assert!(close(res.composite[[1, 0]], 0.14652184434287485, 1e-13));
    assert!(close(res.composite[[1, 1]], 1.0, 1e-15));
}

/// 3 regions x 2 years x 2 indicators.
/// a (+): 2010 1 2 4, 2011 3 3 6.   b (-): 2010 5 3 1, 2011 2 4 6.
fn year_panel() -> Panel {
    panel(
        &["R1", "R2", "R3"],
        &[2010, 2011],
        &["a", "b"],
        &[
            vec![vec![1.0, 5.0], vec![3.0, 2.0]],
            vec![vec![2.0, 3.0], vec![3.0, 4.0]],
            vec![vec![4.0, 1.0], vec![6.0, 6.0]],
        ],
    )
}

#[test]
fn year_scope_by_hand() {
    // n = 3 per year, 1/ln 3.
    // 2010: a z = 0, 1/3, 1; sum 4/3 -> p = 0, 1/4, 3/4
    //         -sum p ln p = (1/4) 2 ln2 + (3/4)(2 ln2 - ln3) = 2 ln2 - (3/4) ln3
    //         e = 2 log3 2 - 3/4 = 0.5118595071429148
    //       b z = (5 - x)/4 = 0, 1/2, 1; p = 0, 1/3, 2/3
    //         -sum p ln p = (1/3) ln3 + (2/3)(ln3 - ln2) -> e = 1 - (2/3) log3 2 = 0.579380164285695
    //       w = 0.5371498705543879, 0.46285012944561216
    // 2011: a z = 0, 0, 1 -> p = 0, 0, 1 -> e = 0
    //       b z = (6 - x)/4 = 1, 1/2, 0 -> e = 1 - (2/3) log3 2 (same p as 2010)
    //       w = 0.7039180890341348, 0.2960819109658652
    let p = year_panel();
    let m = model(&p, vec![Positive, Negative], vec![0, 0], &["all"]);
    let res = build(&p, &m, &Entropy, Scope::Year, 0.0, "{}").expect("index");
    assert_eq!(res.weight_sets.len(), 2);
    let l = 2f64.ln() / 3f64.ln();
    let want_e = [
        [2.0 * l - 0.75, 1.0 - 2.0 / 3.0 * l],
        [0.0, 1.0 - 2.0 / 3.0 * l],
    ];
    let want_w = [
        [0.5371498705543879, 0.46285012944561216],
        [0.7039180890341348, 0.2960819109658652],
    ];
    for (y, set) in res.weight_sets.iter().enumerate() {
        assert_eq!(set.year, Some(p.years[y]));
        assert_eq!(set.n, 3);
        assert!(set.warnings.is_empty());
        let e = &want_e[y];
        let d = [1.0 - e[0], 1.0 - e[1]];
        assert_vec("entropy", set.entropy.as_ref().expect("entropy"), e, 1e-14);
        assert_vec(
            "weights",
            &set.weights,
            &[d[0] / (d[0] + d[1]), d[1] / (d[0] + d[1])],
            1e-14,
        );
        assert_vec("weights", &set.weights, &want_w[y], 1e-13);
    }
    // z per year, and scores with that year's weights.
    let z = [
        [[0.0, 0.0], [0.0, 1.0]],
        [[1.0 / 3.0, 0.5], [0.0, 0.5]],
        [[1.0, 1.0], [1.0, 0.0]],
    ];
    for r in 0..3 {
        for y in 0..2 {
            let w = &want_w[y];
            for j in 0..2 {
                assert!(
                    (res.z[[r, y, j]] - z[r][y][j]).abs() < 1e-15,
                    "z {r} {y} {j}"
                );
            }
            let c = w[0] * z[r][y][0] + w[1] * z[r][y][1];
            assert!(
                (res.composite[[r, y]] - c).abs() < 1e-13,
                "composite {r} {y}"
            );
            assert!((res.dimension_scores[[r, y, 0]] - res.composite[[r, y]]).abs() < 1e-15);
        }
    }
    // R3 is best on both indicators in 2010: composite 1 with year scope.
    assert!(close(res.composite[[2, 0]], 1.0, 1e-15));
}

#[test]
fn panel_scope_normalises_across_years_year_scope_within() {
    // a (+) stacked = 1 3 2 3 4 6 (R1 2010, R1 2011, R2 ..., R3 ...): min 1, max 6.
    // Panel scope: R3 2010 (a = 4) -> z = 3/5; year scope: max of 2010 -> z = 1.
    let p = year_panel();
    let m = model(&p, vec![Positive, Negative], vec![0, 0], &["all"]);
    let panel = build(&p, &m, &StdDev, Scope::Panel, 0.0, "{}").expect("panel");
    let year = build(&p, &m, &StdDev, Scope::Year, 0.0, "{}").expect("year");
    assert!((panel.z[[2, 0, 0]] - 0.6).abs() < 1e-15);
    assert_eq!(year.z[[2, 0, 0]], 1.0);
    // b (-) stacked = 5 2 3 4 1 6: min 1, max 6 -> R1 2011 (x = 2) -> z = 4/5.
    assert!((panel.z[[0, 1, 1]] - 0.8).abs() < 1e-15);
    assert_eq!(panel.weight_sets.len(), 1);
    assert_eq!(panel.weight_sets[0].n, 6);
}

#[test]
fn constant_column_in_one_year_warns_with_the_year() {
    // c is 1 2 3 in 2010 and 7 7 7 in 2011.
    let p = panel(
        &["R1", "R2", "R3"],
        &[2010, 2011],
        &["a", "b", "c"],
        &[
            vec![vec![1.0, 5.0, 1.0], vec![3.0, 2.0, 7.0]],
            vec![vec![2.0, 3.0, 2.0], vec![3.0, 4.0, 7.0]],
            vec![vec![4.0, 1.0, 3.0], vec![6.0, 6.0, 7.0]],
        ],
    );
    let m = model(
        &p,
        vec![Positive, Negative, Positive],
        vec![0, 0, 1],
        &["x", "y"],
    );
    for scheme in [&Entropy as &dyn Weighting, &Critic, &StdDev] {
        let res = build(&p, &m, scheme, Scope::Year, 0.0, "{}").expect("index");
        let (w10, w11) = (&res.weight_sets[0], &res.weight_sets[1]);
        assert!(w10.warnings.is_empty(), "{:?}", w10.warnings);
        assert_eq!(w11.warnings.len(), 1);
        let msg = &w11.warnings[0];
        assert!(msg.contains("year 2011") && msg.contains("'c'"), "{msg}");
        assert_eq!(w11.weights[2], 0.0);
        assert!(w10.weights[2] > 0.0);
        for r in 0..3 {
            assert_eq!(res.z[[r, 1, 2]], 0.0);
            assert_eq!(res.dimension_scores[[r, 1, 1]], 0.0);
        }
        // Over the whole panel c varies (1 2 3 7 7 7): no warning.
        let whole = build(&p, &m, scheme, Scope::Panel, 0.0, "{}").expect("index");
        assert!(whole.weight_sets[0].warnings.is_empty());
    }
}

/// A deterministic pseudo-random panel of positive values (64-bit LCG).
fn random_panel(nr: usize, ny: usize, m: usize, seed: u64) -> Panel {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64) / ((1u64 << 53) as f64)
    };
    let values: Vec<Vec<Vec<f64>>> = (0..nr)
        .map(|_| {
            (0..ny)
                .map(|_| (0..m).map(|_| 0.5 + 100.0 * next()).collect())
                .collect()
        })
        .collect();
    let regions: Vec<String> = (0..nr).map(|r| format!("R{r}")).collect();
    let indicators: Vec<String> = (0..m).map(|j| format!("i{j}")).collect();
    let years: Vec<i64> = (0..ny as i64).map(|y| 2001 + y).collect();
    let rr: Vec<&str> = regions.iter().map(String::as_str).collect();
    let ii: Vec<&str> = indicators.iter().map(String::as_str).collect();
    panel(&rr, &years, &ii, &values)
}

#[test]
fn dimension_scores_add_up_to_the_composite_on_a_random_panel() {
    let p = random_panel(7, 5, 6, 42);
    let dirs = vec![Positive, Negative, Positive, Negative, Negative, Positive];
    let m = model(
        &p,
        dirs.clone(),
        vec![0, 0, 1, 1, 2, 2],
        &["d0", "d1", "d2"],
    );
    for name in builtin_names() {
        let scheme = builtin(name).expect("scheme");
        for scope in [Scope::Panel, Scope::Year] {
            let res = build(&p, &m, scheme.as_ref(), scope, 0.01, "{}").expect("index");
            assert_eq!(
                res.weight_sets.len(),
                if scope == Scope::Year { 5 } else { 1 }
            );
            for set in &res.weight_sets {
                let total: f64 = set.weights.iter().sum();
                assert!((total - 1.0).abs() < 1e-14, "{name}: {total}");
            }
            for r in 0..7 {
                for y in 0..5 {
                    let sum: f64 = (0..3).map(|d| res.dimension_scores[[r, y, d]]).sum();
                    let c = res.composite[[r, y]];
                    assert!((sum - c).abs() <= 1e-12, "{name} {scope:?}: {sum} vs {c}");
                    assert!((-1e-15..=1.0 + 1e-15).contains(&c), "{name}: composite {c}");
                }
            }
        }
    }
}

#[test]
fn normalisation_and_scores_match_an_independent_computation() {
    let p = random_panel(6, 4, 5, 7);
    let dirs = vec![Negative, Positive, Positive, Negative, Positive];
    let m = model(&p, dirs.clone(), vec![1, 0, 1, 0, 1], &["d0", "d1"]);
    for scope in [Scope::Panel, Scope::Year] {
        let res = build(&p, &m, &Entropy, scope, 0.0, "{}").expect("index");
        for j in 0..5 {
            for y in 0..4 {
                // Rows the min-max runs over: all region-years, or this year's regions.
                let pool: Vec<f64> = match scope {
                    Scope::Panel => p.values.index_axis(Axis(2), j).iter().copied().collect(),
                    Scope::Year => (0..6).map(|r| p.values[[r, y, j]]).collect(),
                };
                let lo = pool.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = pool.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                for r in 0..6 {
                    let x = p.values[[r, y, j]];
                    let want = match dirs[j] {
                        Positive => (x - lo) / (hi - lo),
                        Negative => (hi - x) / (hi - lo),
                    };
                    assert!((res.z[[r, y, j]] - want).abs() < 1e-15);
                }
            }
        }
        for y in 0..4 {
            let set = &res.weight_sets[if scope == Scope::Year { y } else { 0 }];
            for r in 0..6 {
                let mut dims = [0.0; 2];
                for j in 0..5 {
                    dims[m.dimension_of[j]] += set.weights[j] * res.z[[r, y, j]];
                }
                assert!((res.dimension_scores[[r, y, 0]] - dims[0]).abs() < 1e-15);
                assert!((res.dimension_scores[[r, y, 1]] - dims[1]).abs() < 1e-15);
            }
        }
    }
}

#[test]
fn year_scope_gives_one_weight_set_per_year_from_that_year_only() {
    let p = random_panel(8, 3, 4, 99);
    let dirs = vec![Positive, Negative, Positive, Positive];
    let m = model(&p, dirs.clone(), vec![0, 0, 0, 0], &["all"]);
    let res = build(&p, &m, &Critic, Scope::Year, 0.0, "{}").expect("index");
    assert_eq!(res.weight_sets.len(), 3);
    for (y, set) in res.weight_sets.iter().enumerate() {
        assert_eq!(set.year, Some(2001 + y as i64));
        assert_eq!(set.n, 8);
        let alone =
            compute(&Critic, &m.indicators, p.year_slice(y), &dirs, 0.0, "{}").expect("year");
        assert_eq!(set.weights, alone.weights);
    }
    assert_ne!(res.weight_sets[0].weights, res.weight_sets[1].weights);
    // Panel scope pools all 24 region-years into one vector.
    let whole = build(&p, &m, &Critic, Scope::Panel, 0.0, "{}").expect("panel");
    let alone = compute(&Critic, &m.indicators, p.stacked().view(), &dirs, 0.0, "{}").expect("all");
    assert_eq!(whole.weight_sets[0].weights, alone.weights);
    assert_eq!(whole.weight_sets[0].n, 24);
}

// ---------------------------------------------------------------- errors

#[test]
fn missing_value_is_an_error_naming_region_year_and_indicator() {
    let mut p = small_panel();
    p.values[[1, 0, 1]] = f64::NAN;
    p.observed[[1, 0, 1]] = false;
    let m = model(
        &p,
        vec![Positive, Negative],
        vec![0, 1],
        &["econ", "social"],
    );
    for scope in [Scope::Panel, Scope::Year] {
        let err = build(&p, &m, &Entropy, scope, 0.0, "{}").unwrap_err();
        assert_eq!(
            err,
            IndexError::Missing {
                region: "R2".into(),
                year: 2010,
                indicator: "b".into()
            }
        );
        let msg = err.to_string();
        assert!(
            msg.contains("'R2'") && msg.contains("2010") && msg.contains("'b'"),
            "{msg}"
        );
    }
}

#[test]
fn year_with_too_few_regions_is_an_error_naming_the_year() {
    let p = panel(
        &["R1"],
        &[2010, 2011],
        &["a", "b"],
        &[vec![vec![1.0, 2.0], vec![2.0, 1.0]]],
    );
    let m = model(&p, vec![Positive, Positive], vec![0, 0], &["all"]);
    let err = build(&p, &m, &Entropy, Scope::Year, 0.0, "{}").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("year 2010") && msg.contains("at least 2 rows"),
        "{msg}"
    );
    assert!(msg.contains("entropy"), "{msg}");
    // Over the panel there are 2 rows: fine.
    assert!(build(&p, &m, &Entropy, Scope::Panel, 0.0, "{}").is_ok());
}

#[test]
fn year_where_everything_is_constant_is_an_error_naming_the_year() {
    let p = panel(
        &["R1", "R2"],
        &[2010, 2011],
        &["a"],
        &[vec![vec![1.0], vec![5.0]], vec![vec![2.0], vec![5.0]]],
    );
    let m = model(&p, vec![Positive], vec![0], &["all"]);
    let err = build(&p, &m, &StdDev, Scope::Year, 0.0, "{}").unwrap_err();
    assert!(err.to_string().contains("year 2011"), "{err}");
    assert!(err.to_string().contains("constant"), "{err}");
}

#[test]
fn model_that_does_not_fit_the_panel_is_an_error() {
    let p = small_panel();
    // Too few directions.
    let m = model(&p, vec![Positive], vec![0, 1], &["econ", "social"]);
    let e = build(&p, &m, &Entropy, Scope::Panel, 0.0, "{}").unwrap_err();
    assert!(matches!(e, IndexError::Model(_)), "{e:?}");
    assert!(e.to_string().contains("1 directions"), "{e}");
    // A dimension index past the list.
    let m = model(
        &p,
        vec![Positive, Negative],
        vec![0, 2],
        &["econ", "social"],
    );
    let e = build(&p, &m, &Entropy, Scope::Panel, 0.0, "{}").unwrap_err();
    assert!(
        e.to_string().contains("'b'") && e.to_string().contains("2 dimensions"),
        "{e}"
    );
    // Indicators in another order than the panel's.
    let mut m = model(
        &p,
        vec![Positive, Negative],
        vec![0, 1],
        &["econ", "social"],
    );
    m.indicators.reverse();
    let e = build(&p, &m, &Entropy, Scope::Panel, 0.0, "{}").unwrap_err();
    assert!(
        e.to_string().contains("'b'") && e.to_string().contains("'a'"),
        "{e}"
    );
}

#[test]
fn panel_without_years_is_an_error() {
    let p = panel(&["R1", "R2"], &[], &["a"], &[vec![], vec![]]);
    let m = model(&p, vec![Positive], vec![0], &["all"]);
    for scope in [Scope::Panel, Scope::Year] {
        let e = build(&p, &m, &Entropy, scope, 0.0, "{}").unwrap_err();
        assert!(e.to_string().contains("no years"), "{e}");
    }
}
