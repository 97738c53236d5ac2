//! Hand-computed cases, identities, fast-vs-pairwise checks and rejected
//! input for rurban-disparity.

use crate::common;

use common::{SplitMix, close};
use rurban_disparity::{
    DisparityError, cv, dagum, gini, gini_pairwise, mean, order_keys, pair_sums,
    pair_sums_pairwise, std, theil, theil_decomposition,
};

#[test]
fn hand_computed_single_sample() {
    // x = 1, 2, 3, 4, 10: n = 5, sum = 20, mu = 4.
    // squared deviations 9 + 4 + 1 + 0 + 36 = 50:
    //   std(ddof 0) = sqrt(50/5) = sqrt(10), std(ddof 1) = sqrt(50/4).
    // |x_i - x_j| over unordered pairs: 1+2+3+9 + 1+2+8 + 1+7 + 6 = 40,
    //   over ordered pairs 80, gini = 80 / (2 * 25 * 4) = 0.4.
    // theil = (1/5) sum (x/4) ln(x/4)
    //       = (0.25 ln 0.25 + 0.5 ln 0.5 + 0.75 ln 0.75 + 0 + 2.5 ln 2.5) / 5.
    let x = [1.0, 2.0, 3.0, 4.0, 10.0];
    close(mean(&x).unwrap(), 4.0, 1e-15, 0.0);
    close(std(&x, 0).unwrap(), 10f64.sqrt(), 1e-15, 0.0);
    close(std(&x, 1).unwrap(), 12.5f64.sqrt(), 1e-15, 0.0);
    close(cv(&x, 1).unwrap(), 12.5f64.sqrt() / 4.0, 1e-15, 0.0);
    close(gini(&x).unwrap(), 0.4, 1e-15, 0.0);
    close(gini_pairwise(&x).unwrap(), 0.4, 1e-15, 0.0);
    let t =
        (0.25 * 0.25f64.ln() + 0.5 * 0.5f64.ln() + 0.75 * 0.75f64.ln() + 2.5 * 2.5f64.ln()) / 5.0;
    close(theil(&x).unwrap(), t, 1e-14, 0.0);
}

#[test]
fn equal_values_have_no_disparity() {
    let x = [3.0; 6];
    assert_eq!(gini(&x).unwrap(), 0.0);
    assert_eq!(theil(&x).unwrap(), 0.0);
    assert_eq!(cv(&x, 1).unwrap(), 0.0);
}

#[test]
fn hand_computed_dagum_without_overlap() {
    // Groups a = {1, 2}, b = {3, 4, 10}; n = 5, mu = 4.
    // mu_a = 1.5, mu_b = 17/3; p_a = 0.4, p_b = 0.6;
    // s_a = 3/20 = 0.15, s_b = 17/20 = 0.85.
    // G_aa = 2 / (2 * 4 * 1.5) = 1/6.
    // G_bb: unordered |diffs| 1 + 7 + 6 = 14, ordered 28; 28 / (2 * 9 * 17/3) = 14/51.
    // within = (1/6)(0.4)(0.15) + (14/51)(0.6)(0.85) = 0.01 + 0.14 = 0.15.
    // b is richer, so the pair is (a = "b", b = "a"). y_b - y_a over all 6 pairs:
    //   2, 1, 3, 2, 9, 8 (sum 25, none negative): d = 25/6, p = 0, D = 1.
    // G_ba = 25 / (6 * (17/3 + 3/2)) = 25/43; weight = 0.6*0.15 + 0.4*0.85 = 0.43.
    // between = 25/43 * 0.43 * 1 = 0.25; transvariation = 0.
    // total = 0.15 + 0.25 = 0.4, the Gini of all five values.
    let x = [1.0, 2.0, 3.0, 4.0, 10.0];
    let lab = ["a", "a", "b", "b", "b"];
    let d = dagum(&x, &lab).unwrap();
    close(d.total, 0.4, 1e-15, 0.0);
    close(d.within, 0.15, 1e-14, 0.0);
    close(d.between, 0.25, 1e-14, 0.0);
    close(d.transvariation, 0.0, 0.0, 1e-15);
    close(d.groups[0].gini, 1.0 / 6.0, 1e-15, 0.0);
    close(d.groups[1].gini, 14.0 / 51.0, 1e-15, 0.0);
    close(d.groups[0].s, 0.15, 1e-15, 0.0);
    close(d.groups[1].p, 0.6, 1e-15, 0.0);
    assert_eq!(d.pairs.len(), 1);
    assert_eq!((d.pairs[0].a.as_str(), d.pairs[0].b.as_str()), ("b", "a"));
    close(d.pairs[0].gini, 25.0 / 43.0, 1e-15, 0.0);
    close(d.pairs[0].excess, 25.0 / 6.0, 1e-15, 0.0);
    assert_eq!(d.pairs[0].deficit, 0.0);
    assert_eq!(d.pairs[0].d, 1.0);
}

#[test]
fn hand_computed_dagum_with_equal_means() {
    // p = {1, 3}, q = {2, 2}; n = 4, mu = 2, p_j = 0.5, s_j = 4/8 = 0.5.
    // G_pp = 4 / (2 * 4 * 2) = 0.25, G_qq = 0; within = 0.25 * 0.5 * 0.5 = 0.0625.
    // Equal means: the pair keeps group order (a = "p"). y_p - y_q: -1, -1, 1, 1:
    //   d = 2/4 = 0.5, p = 0.5, D = 0. G_pq = 4 / (2 * 2 * 4) = 0.25, weight = 0.5.
    // between = 0, transvariation = 0.25 * 0.5 = 0.125; total = 0.1875
    // (all values: ordered |diffs| 12, 12 / (2 * 16 * 2) = 0.1875).
    let d = dagum(&[1.0, 3.0, 2.0, 2.0], &["p", "p", "q", "q"]).unwrap();
    close(d.total, 0.1875, 1e-15, 0.0);
    close(d.within, 0.0625, 1e-15, 0.0);
    assert_eq!(d.between, 0.0);
    close(d.transvariation, 0.125, 1e-15, 0.0);
    assert_eq!((d.pairs[0].a.as_str(), d.pairs[0].b.as_str()), ("p", "q"));
    assert_eq!(d.pairs[0].d, 0.0);
}

#[test]
fn identical_sub_groups_give_zero_affluence() {
    // d = p = 0 for the pair ({2}, {2}): D is defined as 0.
    let d = dagum(&[2.0, 2.0, 5.0], &["x", "y", "z"]).unwrap();
    let xy = d.pairs.iter().find(|p| p.a == "x" && p.b == "y").unwrap();
    assert_eq!(xy.d, 0.0);
    assert_eq!(xy.gini, 0.0);
}

fn random_sample(rng: &mut SplitMix, n: usize, ties: bool) -> Vec<f64> {
    // Every fourth sample sits at a high level with a small spread, which
    // would expose cancellation in the prefix sums.
    let level = rng.below(4) == 0;
    (0..n)
        .map(|_| {
            if level {
                1.0e6 + 10.0 * rng.uniform()
            } else if ties {
                1.0 + rng.below(6) as f64
            } else {
                // log-normal-ish: exp of a sum of uniforms, spread over decades
                (3.0 * (rng.uniform() + rng.uniform() - 1.0)).exp() * 1000.0
            }
        })
        .collect()
}

#[test]
fn fast_gini_equals_pairwise_on_random_data() {
    let mut rng = SplitMix(7);
    for &n in &[1usize, 2, 3, 5, 17, 64, 257, 1000] {
        for ties in [false, true] {
            let x = random_sample(&mut rng, n, ties);
            close(gini(&x).unwrap(), gini_pairwise(&x).unwrap(), 1e-12, 1e-15);
        }
    }
}

#[test]
fn fast_pair_sums_equal_pairwise_on_random_data() {
    let mut rng = SplitMix(11);
    let sizes = [
        (1usize, 1usize),
        (1, 7),
        (2, 3),
        (10, 10),
        (33, 5),
        (120, 301),
        (500, 499),
    ];
    for &(nx, ny) in &sizes {
        for ties in [false, true] {
            let x = random_sample(&mut rng, nx, ties);
            let y = random_sample(&mut rng, ny, ties);
            let fast = pair_sums(&x, &y);
            let slow = pair_sums_pairwise(&x, &y);
            close(fast.excess, slow.excess, 1e-12, 1e-12);
            close(fast.deficit, slow.deficit, 1e-12, 1e-12);
            close(fast.abs(), slow.abs(), 1e-12, 1e-12);
        }
    }
    // All ties across samples: both sums are exactly zero.
    let s = pair_sums(&[4.0, 4.0], &[4.0, 4.0, 4.0]);
    assert_eq!((s.excess, s.deficit), (0.0, 0.0));
}

#[test]
fn pair_sums_hand_computed() {
    // x = {1, 5}, y = {2, 3}: x - y = -1, -2, 3, 2.
    // excess = 3 + 2 = 5, deficit = 1 + 2 = 3.
    let s = pair_sums(&[5.0, 1.0], &[3.0, 2.0]);
    close(s.excess, 5.0, 1e-15, 0.0);
    close(s.deficit, 3.0, 1e-15, 0.0);
    assert_eq!(pair_sums(&[], &[1.0]).abs(), 0.0);
}

/// Dagum by the literal contract formulas, every sum pairwise (test oracle).
fn dagum_pairwise(groups: &[Vec<f64>]) -> (f64, f64, f64) {
    let all: Vec<f64> = groups.concat();
    let n = all.len() as f64;
    let mu = all.iter().sum::<f64>() / n;
    let info: Vec<(f64, f64, f64)> = groups
        .iter()
        .map(|g| {
            let nj = g.len() as f64;
            let mj = g.iter().sum::<f64>() / nj;
            (mj, nj / n, nj * mj / (n * mu))
        })
        .collect();
    let mut within = 0.0;
    for (g, &(mj, pj, sj)) in groups.iter().zip(&info) {
        let nj = g.len() as f64;
        let s: f64 = g
            .iter()
            .flat_map(|a| g.iter().map(move |b| (a - b).abs()))
            .sum();
        within += s / (2.0 * nj * nj * mj) * pj * sj;
    }
    let (mut between, mut trans) = (0.0, 0.0);
    for j in 0..groups.len() {
        for h in (j + 1)..groups.len() {
            let (a, b) = if info[j].0 >= info[h].0 {
                (j, h)
            } else {
                (h, j)
            };
            let (ya, yb) = (&groups[a], &groups[b]);
            let cnt = (ya.len() * yb.len()) as f64;
            let mut sabs = 0.0;
            let mut dd = 0.0;
            let mut pp = 0.0;
            for x in ya {
                for y in yb {
                    sabs += (x - y).abs();
                    dd += (x - y).max(0.0);
                    pp += (y - x).max(0.0);
                }
            }
            let (dd, pp) = (dd / cnt, pp / cnt);
            let big_d = if dd + pp == 0.0 {
                0.0
            } else {
                (dd - pp) / (dd + pp)
            };
            let g = sabs / (cnt * (info[a].0 + info[b].0));
            let w = info[a].1 * info[b].2 + info[b].1 * info[a].2;
            between += g * w * big_d;
            trans += g * w * (1.0 - big_d);
        }
    }
    (within, between, trans)
}

#[test]
fn dagum_parts_add_up_and_match_the_pairwise_oracle() {
    let mut rng = SplitMix(2024);
    for trial in 0..40 {
        let k = 2 + (trial % 4);
        let ties = trial % 3 == 0;
        let n = 8 + rng.below(150) as usize;
        let x = random_sample(&mut rng, n, ties);
        let lab: Vec<String> = (0..n)
            .map(|_| format!("g{}", rng.below(k as u64)))
            .collect();
        let Ok(d) = dagum(&x, &lab) else {
            // a draw with a single label; rare, skip
            continue;
        };
        let sum = d.within + d.between + d.transvariation;
        assert!(
            (sum - d.total).abs() <= 1e-12,
            "trial {trial}: parts {sum} vs total {}",
            d.total
        );
        close(d.total, gini_pairwise(&x).unwrap(), 1e-12, 0.0);
        let keys = order_keys(&lab);
        let groups: Vec<Vec<f64>> = keys
            .iter()
            .map(|k| {
                x.iter()
                    .zip(&lab)
                    .filter(|(_, l)| *l == k)
                    .map(|(v, _)| *v)
                    .collect()
            })
            .collect();
        let (w, b, t) = dagum_pairwise(&groups);
        close(d.within, w, 1e-12, 1e-15);
        close(d.between, b, 1e-12, 1e-15);
        close(d.transvariation, t, 1e-12, 1e-15);
        // Every pair is oriented richer-first.
        for p in &d.pairs {
            let ma = d.groups.iter().find(|g| g.key == p.a).unwrap().mean;
            let mb = d.groups.iter().find(|g| g.key == p.b).unwrap().mean;
            assert!(ma >= mb);
            assert!(p.d >= 0.0 && p.d <= 1.0);
        }
    }
}

#[test]
fn theil_parts_add_up_to_the_total() {
    let mut rng = SplitMix(99);
    for _ in 0..20 {
        let n = 5 + rng.below(80) as usize;
        let x = random_sample(&mut rng, n, false);
        let mut lab: Vec<String> = (0..n).map(|_| format!("r{}", rng.below(3))).collect();
        lab[0] = "r0".into();
        lab[1] = "r1".into();
        let t = theil_decomposition(&x, &lab).unwrap();
        close(t.within + t.between, theil(&x).unwrap(), 1e-12, 1e-15);
        assert!(t.within >= 0.0 && t.between >= 0.0);
    }
}

#[test]
fn order_keys_numeric_then_lexical() {
    // numerically 1e1 == 10: ties broken lexically ("10" < "1e1")
    assert_eq!(
        order_keys(&["10", "9", "1e1", "-2", "9"]),
        ["-2", "9", "10", "1e1"]
    );
    assert_eq!(order_keys(&["b", "a", "b", "C"]), ["C", "a", "b"]);
    assert_eq!(order_keys(&["2", "x", "10"]), ["10", "2", "x"]);
    // "NaN" parses but is not a finite number: lexical order
    assert_eq!(order_keys(&["2", "NaN", "10"]), ["10", "2", "NaN"]);
    assert!(order_keys::<&str>(&[]).is_empty());
}

#[test]
fn bad_input_is_rejected_with_the_reason() {
    assert_eq!(mean(&[]), Err(DisparityError::Empty));
    assert!(matches!(
        std(&[1.0, f64::NAN], 1),
        Err(DisparityError::NonFinite { index: 1, value }) if value.is_nan()
    ));
    assert!(matches!(
        std(&[1.0, f64::INFINITY], 0),
        Err(DisparityError::NonFinite { index: 1, .. })
    ));
    assert_eq!(
        std(&[1.0], 1),
        Err(DisparityError::TooFew { n: 1, ddof: 1 })
    );
    assert_eq!(std(&[1.0], 0), Ok(0.0));
    assert_eq!(std(&[1.0, 2.0], 2), Err(DisparityError::InvalidDdof(2)));
    assert_eq!(cv(&[-1.0, 1.0], 1), Err(DisparityError::ZeroMean));
    assert_eq!(gini(&[-1.0, 1.0]), Err(DisparityError::ZeroMean));
    assert_eq!(gini_pairwise(&[-1.0, 1.0]), Err(DisparityError::ZeroMean));
    assert_eq!(
        theil(&[1.0, 2.0, 0.0]),
        Err(DisparityError::NonPositive {
            index: 2,
            value: 0.0
        })
    );
    assert_eq!(
        theil(&[1.0, -3.5]),
        Err(DisparityError::NonPositive {
            index: 1,
            value: -3.5
        })
    );
    let msg = theil(&[1.0, -3.5]).unwrap_err().to_string();
    assert!(msg.contains("-3.5") && msg.contains("position 1"), "{msg}");

    assert_eq!(
        dagum(&[1.0, 2.0], &["a"]),
        Err(DisparityError::LabelLength {
            values: 2,
            labels: 1
        })
    );
    assert_eq!(
        dagum(&[1.0, 2.0], &["a", "a"]),
        Err(DisparityError::SingleSubgroup("a".into()))
    );
    assert_eq!(
        theil_decomposition(&[1.0, 2.0], &["a", "a"]),
        Err(DisparityError::SingleSubgroup("a".into()))
    );
    assert_eq!(
        dagum(&[1.0, -2.0], &["a", "b"]),
        Err(DisparityError::Negative {
            index: 1,
            value: -2.0
        })
    );
    assert_eq!(
        dagum(&[1.0, 0.0, 0.0], &["a", "b", "b"]),
        Err(DisparityError::SubgroupZeroMean("b".into()))
    );
    assert_eq!(dagum::<&str>(&[], &[]), Err(DisparityError::Empty));
}

#[test]
fn overflowing_measures_are_errors_naming_the_largest_value() {
    // Finite values whose sum overflows: the mean is infinite.
    let x = [1e308, 1.7e308, 1e308, 1e308];
    for r in [mean(&x), std(&x, 1), cv(&x, 1), theil(&x), gini(&x)] {
        match r {
            Err(DisparityError::Overflow { index, value, .. }) => {
                assert_eq!((index, value), (1, 1.7e308));
            }
            other => panic!("expected an overflow error, got {other:?}"),
        }
    }
    // A finite mean but squared deviations that overflow.
    let y = [1e300, -1e300, 1e300, -1e300];
    assert!(matches!(
        std(&y, 1),
        Err(DisparityError::Overflow {
            what: "standard deviation",
            ..
        })
    ));
}
