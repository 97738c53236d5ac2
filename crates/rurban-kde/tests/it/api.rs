//! Contract-level behaviour of `kde`: hand-computed cases, identities,
//! determinism, JSON shape and every rejected input.

use rurban_kde::{Bandwidth, KdeError, KdeOptions, Kernel, Peak, kde};

fn group(key: &str, values: &[f64]) -> (String, Vec<f64>) {
    (key.to_string(), values.to_vec())
}

/// Deterministic pseudo-random values (64-bit LCG, top 53 bits -> [0, 1)).
fn lcg_values(n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

fn phi(u: f64) -> f64 {
    (-0.5 * u * u).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

#[test]
fn gaussian_by_hand() {
    // values {0, 2}, h = 1, grid -1, 0, 1, 2, 3:
    // f(-1) = (phi(1) + phi(3)) / 2 = 0.12320, f(0) = (phi(0) + phi(2)) / 2 = 0.22647,
    // f(1) = (phi(1) + phi(1)) / 2 = 0.24197 -> the only peak and the mode;
    // 5% of the maximum is 0.0121 < f(-1) = f(3), so the spread is 3 - (-1) = 4.
    let opts = KdeOptions {
        bandwidth: Bandwidth::Fixed(1.0),
        grid_n: 5,
        grid_range: Some((-1.0, 3.0)),
        ..KdeOptions::default()
    };
    let out = kde(&[group("all", &[0.0, 2.0])], &opts).unwrap();
    let g = &out.groups[0];
    assert_eq!(g.x, vec![-1.0, 0.0, 1.0, 2.0, 3.0]);
    let expect = [
        (phi(1.0) + phi(3.0)) / 2.0,
        (phi(0.0) + phi(2.0)) / 2.0,
        phi(1.0),
        (phi(0.0) + phi(2.0)) / 2.0,
        (phi(1.0) + phi(3.0)) / 2.0,
    ];
    for (a, b) in g.density.iter().zip(expect) {
        assert!((a - b).abs() < 1e-16, "{a} vs {b}");
    }
    assert_eq!(g.mode, 1.0);
    assert_eq!(
        g.peaks,
        vec![Peak {
            x: 1.0,
            density: g.density[2]
        }]
    );
    assert_eq!(g.peak_height, g.density[2]);
    assert_eq!(g.spread, 4.0);
    assert_eq!(g.n, 2);
    assert_eq!(g.bandwidth, 1.0);
}

#[test]
fn epanechnikov_by_hand() {
    // values {0, 2}, h = 1, grid -1..3: f(0) = (K(0) + K(2)) / 2 = 0.375 = f(2);
    // f(-1) = f(1) = f(3) = K(1) / 2 = 0 (K vanishes at |u| = 1).
    // Peaks at 0 and 2; the mode is the first maximum, 0; spread 2 - 0 = 2.
    let opts = KdeOptions {
        kernel: Kernel::Epanechnikov,
        bandwidth: Bandwidth::Fixed(1.0),
        grid_n: 5,
        grid_range: Some((-1.0, 3.0)),
        ..KdeOptions::default()
    };
    let out = kde(&[group("all", &[0.0, 2.0])], &opts).unwrap();
    let g = &out.groups[0];
    assert_eq!(g.density, vec![0.0, 0.375, 0.0, 0.375, 0.0]);
    assert_eq!(
        g.peaks,
        vec![
            Peak {
                x: 0.0,
                density: 0.375
            },
            Peak {
                x: 2.0,
                density: 0.375
            }
        ]
    );
    assert_eq!(g.mode, 0.0);
    assert_eq!(g.spread, 2.0);
}

#[test]
fn default_grid_spans_all_groups_with_the_largest_bandwidth() {
    // fixed h = 0.5 for both: grid from min - 1.5 to max + 1.5 over both groups
    let opts = KdeOptions {
        bandwidth: Bandwidth::Fixed(0.5),
        grid_n: 11,
        ..KdeOptions::default()
    };
    let out = kde(&[group("a", &[1.0, 2.0]), group("b", &[4.0, 6.0])], &opts).unwrap();
    for g in &out.groups {
        assert_eq!(g.x.first(), Some(&-0.5));
        assert_eq!(g.x.last(), Some(&7.5));
        assert_eq!(g.x.len(), 11);
    }
    // Silverman: group "a" = [0, 1, 2, 3], group "b" = 10 * a;
    // h_b = 10 h_a is h_max, so the grid is [0 - 3 h_b, 30 + 3 h_b].
    let a = [0.0, 1.0, 2.0, 3.0];
    let b = [0.0, 10.0, 20.0, 30.0];
    let out = kde(&[group("a", &a), group("b", &b)], &KdeOptions::default()).unwrap();
    let hb = out.groups[1].bandwidth;
    assert!((hb - 10.0 * out.groups[0].bandwidth).abs() < 1e-12);
    assert_eq!(out.groups[0].x[0], -3.0 * hb);
    assert_eq!(*out.groups[0].x.last().unwrap(), 30.0 + 3.0 * hb);
    assert_eq!(out.groups[0].x.len(), 512);
}

#[test]
fn density_integrates_to_one_and_finds_both_modes() {
    // two well separated clusters: values in [0, 1) and [10, 11)
    let mut values = lcg_values(200, 7);
    values.extend(lcg_values(200, 8).iter().map(|v| v + 10.0));
    for kernel in [Kernel::Gaussian, Kernel::Epanechnikov] {
        let opts = KdeOptions {
            kernel,
            ..KdeOptions::default()
        };
        let out = kde(&[group("all", &values)], &opts).unwrap();
        let g = &out.groups[0];
        // trapezoid rule over a grid reaching 3 h past the data
        let step = g.x[1] - g.x[0];
        let integral: f64 = g
            .density
            .windows(2)
            .map(|w| 0.5 * (w[0] + w[1]) * step)
            .sum();
        assert!((integral - 1.0).abs() < 2e-3, "{kernel:?}: {integral}");
        let big: Vec<&Peak> = g.peaks.iter().filter(|p| p.density > 0.1).collect();
        assert_eq!(big.len(), 2, "{kernel:?}: {:?}", g.peaks);
        assert!(big[0].x > 0.0 && big[0].x < 1.0);
        assert!(big[1].x > 10.0 && big[1].x < 11.0);
        assert!(g.mode == big[0].x || g.mode == big[1].x);
        // the spread covers both clusters
        assert!(g.spread > 10.0 && g.spread < 12.0 + 6.0 * g.bandwidth);
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let groups: Vec<(String, Vec<f64>)> = (0..6)
        .map(|i| (format!("g{i}"), lcg_values(300 + 50 * i, i as u64)))
        .collect();
    for binned in [false, true] {
        let opts = KdeOptions {
            binned,
            ..KdeOptions::default()
        };
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| kde(&groups, &opts).unwrap())
        };
        let one = run(1);
        let four = run(4);
        for (a, b) in one.groups.iter().zip(&four.groups) {
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a.density), bits(&b.density));
            assert_eq!(a.bandwidth.to_bits(), b.bandwidth.to_bits());
        }
        assert_eq!(one, four);
    }
}

#[test]
fn binned_option_tracks_the_exact_estimate_for_large_samples() {
    let values: Vec<f64> = lcg_values(20_000, 3)
        .chunks(4)
        .map(|c| c.iter().sum::<f64>())
        .collect();
    let exact = kde(&[group("all", &values)], &KdeOptions::default()).unwrap();
    let binned = kde(
        &[group("all", &values)],
        &KdeOptions {
            binned: true,
            ..KdeOptions::default()
        },
    )
    .unwrap();
    let (e, b) = (&exact.groups[0], &binned.groups[0]);
    assert_eq!(e.x, b.x);
    let err = e
        .density
        .iter()
        .zip(&b.density)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max);
    assert!(err / e.peak_height < 1e-4, "{err}");
}

#[test]
fn json_shape_follows_the_contract() {
    let opts = KdeOptions {
        kernel: Kernel::Epanechnikov,
        bandwidth: Bandwidth::Scott,
        grid_n: 4,
        ..KdeOptions::default()
    };
    let out = kde(&[group("2020", &[1.0, 2.0, 4.0])], &opts).unwrap();
    let v = serde_json::to_value(&out).unwrap();
    assert_eq!(v["kernel"], "epanechnikov");
    assert_eq!(v["bandwidth_rule"], "scott");
    let g = &v["groups"][0];
    let mut keys: Vec<&str> = g.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "bandwidth",
            "density",
            "key",
            "mode",
            "n",
            "peak_height",
            "peaks",
            "spread",
            "x"
        ]
    );
    assert_eq!(g["key"], "2020");
    assert_eq!(g["n"], 3);
    assert_eq!(g["x"].as_array().unwrap().len(), 4);
    let fixed = KdeOptions {
        bandwidth: Bandwidth::Fixed(0.3),
        ..KdeOptions::default()
    };
    let v = serde_json::to_value(kde(&[group("all", &[1.0])], &fixed).unwrap()).unwrap();
    assert_eq!(v["kernel"], "gaussian");
    assert_eq!(v["bandwidth_rule"], "fixed");
    assert_eq!(v["groups"][0]["bandwidth"], 0.3);
    let p = &v["groups"][0]["peaks"][0];
    assert!(p["x"].is_f64() && p["density"].is_f64());
}

#[test]
fn fixed_bandwidth_accepts_constant_groups() {
    let opts = KdeOptions {
        bandwidth: Bandwidth::Fixed(1.0),
        grid_n: 7,
        ..KdeOptions::default()
    };
    let out = kde(&[group("c", &[2.0, 2.0, 2.0])], &opts).unwrap();
    let g = &out.groups[0];
    // grid -1..5, step 1: the mode is the data value 2
    assert_eq!(g.mode, 2.0);
    assert!((g.density[3] - phi(0.0)).abs() < 1e-16);
}

#[test]
fn rejected_inputs() {
    let d = KdeOptions::default();
    assert_eq!(kde(&[], &d), Err(KdeError::NoGroups));

    let e = kde(&[group("ok", &[1.0, 2.0]), group("east", &[])], &d).unwrap_err();
    assert_eq!(
        e,
        KdeError::EmptyGroup {
            group: "east".into()
        }
    );
    assert!(e.to_string().contains("'east'"));

    // the first offending group in input order is reported
    let e = kde(
        &[
            group("ok", &[1.0, 2.0]),
            group("flat", &[5.0, 5.0]),
            group("one", &[1.0]),
        ],
        &d,
    )
    .unwrap_err();
    assert_eq!(
        e,
        KdeError::ZeroSpread {
            group: "flat".into()
        }
    );
    assert!(e.to_string().contains("'flat'"));

    let e = kde(&[group("one", &[1.0])], &d).unwrap_err();
    assert!(matches!(e, KdeError::TooFewValues { ref group, n: 1 } if group == "one"));
    assert!(e.to_string().contains("'one'"));

    let e = kde(&[group("g", &[1.0, f64::NAN, 3.0])], &d).unwrap_err();
    assert!(matches!(e, KdeError::NonFinite { index: 2, .. }));
    assert!(e.to_string().contains("'g'") && e.to_string().contains("NaN"));
    let e = kde(&[group("g", &[f64::INFINITY, 1.0])], &d).unwrap_err();
    assert!(matches!(e, KdeError::NonFinite { index: 1, .. }));

    for h in [0.0, -2.0, f64::NAN, f64::INFINITY] {
        let o = KdeOptions {
            bandwidth: Bandwidth::Fixed(h),
            ..d
        };
        let e = kde(&[group("g", &[1.0, 2.0])], &o).unwrap_err();
        assert!(matches!(e, KdeError::InvalidBandwidth { .. }), "{h}");
    }

    for n in [0, 1] {
        let o = KdeOptions { grid_n: n, ..d };
        let e = kde(&[group("g", &[1.0, 2.0])], &o).unwrap_err();
        assert_eq!(e, KdeError::InvalidGridSize { n });
    }

    for (lo, hi) in [
        (1.0, 1.0),
        (2.0, 1.0),
        (f64::NAN, 1.0),
        (0.0, f64::INFINITY),
    ] {
        let o = KdeOptions {
            grid_range: Some((lo, hi)),
            ..d
        };
        let e = kde(&[group("g", &[1.0, 2.0])], &o).unwrap_err();
        assert!(matches!(e, KdeError::InvalidGridRange { .. }), "{lo} {hi}");
    }

    // values so large that min - 3h overflows: an error, not an infinite grid
    let e = kde(&[group("g", &[-1.7e308, 1.7e308])], &d).unwrap_err();
    assert!(matches!(e, KdeError::InvalidGridRange { .. }), "{e}");
}

#[test]
fn grid_size_has_an_upper_bound() {
    use rurban_kde::{GridSize, MAX_GRID_N};
    let d = KdeOptions::default();
    // one past the limit is refused before anything is allocated
    let o = KdeOptions {
        grid_n: MAX_GRID_N + 1,
        ..d
    };
    let e = kde(&[group("g", &[1.0, 2.0])], &o).unwrap_err();
    assert_eq!(
        e,
        KdeError::GridTooLarge {
            n: (MAX_GRID_N + 1) as u64,
            limit: MAX_GRID_N
        }
    );
    assert!(e.to_string().contains(&MAX_GRID_N.to_string()), "{e}");
    let o = KdeOptions {
        grid_n: usize::MAX,
        ..d
    };
    assert!(matches!(
        kde(&[group("g", &[1.0, 2.0])], &o),
        Err(KdeError::GridTooLarge { .. })
    ));
    // the limit itself is allowed
    let o = KdeOptions {
        grid_n: MAX_GRID_N,
        bandwidth: Bandwidth::Fixed(1.0),
        ..d
    };
    assert_eq!(
        kde(&[group("g", &[1.0])], &o).unwrap().groups[0].x.len(),
        MAX_GRID_N
    );
    // the same check when parsed from text
    assert_eq!("2".parse::<GridSize>().unwrap().get(), 2);
    assert!(matches!(
        "100000000".parse::<GridSize>(),
        Err(KdeError::GridTooLarge { .. })
    ));
    assert!(matches!(
        "99999999999999999999999".parse::<GridSize>(),
        Err(KdeError::GridTooLarge { .. })
    ));
    assert!(matches!(
        "1".parse::<GridSize>(),
        Err(KdeError::InvalidGridSize { n: 1 })
    ));
    assert!(matches!(
        "many".parse::<GridSize>(),
        Err(KdeError::NotAGridSize(_))
    ));
}

#[test]
fn names_parse_case_insensitively() {
    assert_eq!("Gaussian".parse::<Kernel>().unwrap(), Kernel::Gaussian);
    assert_eq!(
        " EPANECHNIKOV ".parse::<Kernel>().unwrap(),
        Kernel::Epanechnikov
    );
    assert!(matches!(
        "box".parse::<Kernel>(),
        Err(KdeError::UnknownKernel(_))
    ));
    assert_eq!(
        "Silverman".parse::<Bandwidth>().unwrap(),
        Bandwidth::Silverman
    );
    assert_eq!("SCOTT".parse::<Bandwidth>().unwrap(), Bandwidth::Scott);
    assert_eq!("0.25".parse::<Bandwidth>().unwrap(), Bandwidth::Fixed(0.25));
    for bad in ["0", "-1", "inf", "NaN"] {
        assert!(
            matches!(
                bad.parse::<Bandwidth>(),
                Err(KdeError::InvalidBandwidth { .. })
            ),
            "{bad}"
        );
    }
    assert!(matches!(
        "wide".parse::<Bandwidth>(),
        Err(KdeError::UnknownBandwidth(_))
    ));
}

#[test]
fn checked_params_fit_as_kde_does() {
    use rurban_kde::{Fit, ParamGuard};
    let data = [group("a", &[1.0, 2.0, 4.0]), group("b", &[2.0, 3.0, 3.5])];
    let o = KdeOptions {
        kernel: Kernel::Epanechnikov,
        grid_n: 33,
        ..KdeOptions::default()
    };
    let p = o.check().unwrap();
    assert_eq!(p.grid_n().get(), 33);
    assert_eq!(p.fit(&data).unwrap(), kde(&data, &o).unwrap());
}

#[test]
fn values_whose_grid_or_bandwidth_overflow_are_errors_naming_the_largest() {
    // The values are finite but max - min (2e308) is not: the grid overflows.
    let g = [group("a", &[1.0, 2.0]), group("b", &[-1e308, 3.0, 1e308])];
    match kde(&g, &KdeOptions::default()) {
        Err(KdeError::InvalidGridRange { at: Some(at), .. }) => {
            assert_eq!((at.group.as_str(), at.index, at.value), ("b", 1, -1e308));
        }
        other => panic!("expected an overflow error, got {other:?}"),
    }
    // Their standard deviation overflows: the bandwidth does.
    let g = [group("a", &[1e308, -1.7e308, 1e308])];
    match kde(&g, &KdeOptions::default()) {
        Err(KdeError::InvalidGridRange { at: Some(at), .. }) => {
            assert_eq!((at.group.as_str(), at.index, at.value), ("a", 2, -1.7e308));
        }
        other => panic!("expected an overflow error, got {other:?}"),
    }
}
