//! Comparison with values recorded from numpy, scipy and statsmodels
//! (tests/fixtures/record.py -> tests/fixtures/reference.json).

use rurban_kde::{
    Bandwidth, Grid, KdeOptions, Kernel, density_binned, density_exact, kde, quantile_type7,
    sample_std, select_bandwidth,
};
use serde_json::Value;

fn reference() -> Value {
    rurban_test_support::fixture_json(env!("CARGO_MANIFEST_DIR"), "reference.json")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(f64::MIN_POSITIVE)
}

/// max |a - b| / max |b|
fn max_rel_err(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let top = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs() / top)
        .fold(0.0, f64::max)
}

#[test]
fn quartiles_std_and_rules_match_numpy_and_statsmodels() {
    let r = reference();
    for (name, d) in r["datasets"].as_object().unwrap() {
        let data = floats(&d["data"]);
        let mut sorted = data.clone();
        sorted.sort_by(f64::total_cmp);
        let q25 = quantile_type7(&sorted, 0.25).unwrap();
        let q75 = quantile_type7(&sorted, 0.75).unwrap();
        assert_eq!(q25, d["q25"].as_f64().unwrap(), "{name} q25");
        assert_eq!(q75, d["q75"].as_f64().unwrap(), "{name} q75");
        let s = sample_std(&data).unwrap();
        assert!(close(s, d["std"].as_f64().unwrap(), 1e-14), "{name} std");
        for (rule, key) in [
            (Bandwidth::Silverman, "silverman"),
            (Bandwidth::Scott, "scott"),
        ] {
            let h = select_bandwidth(name, &data, rule).unwrap();
            let expect = d[key].as_f64().unwrap();
            assert!(close(h, expect, 1e-14), "{name} {key}: {h} vs {expect}");
        }
    }
}

#[test]
fn density_matches_statsmodels_on_its_grid() {
    let r = reference();
    for (name, d) in r["datasets"].as_object().unwrap() {
        let data = floats(&d["data"]);
        for (kernel, kname) in [
            (Kernel::Gaussian, "gaussian"),
            (Kernel::Epanechnikov, "epanechnikov"),
        ] {
            for (rule, rname) in [
                (Bandwidth::Silverman, "silverman"),
                (Bandwidth::Scott, "scott"),
            ] {
                let sm = &d["statsmodels"][format!("{kname}_{rname}")];
                let support = floats(&sm["support"]);
                let expect = floats(&sm["density"]);
                let opts = KdeOptions {
                    kernel,
                    bandwidth: rule,
                    grid_n: support.len(),
                    ..KdeOptions::default()
                };
                let out = kde(&[(name.clone(), data.clone())], &opts).unwrap();
                let g = &out.groups[0];
                assert!(close(g.bandwidth, sm["bandwidth"].as_f64().unwrap(), 1e-14));
                for (a, b) in g.x.iter().zip(&support) {
                    assert!(
                        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                        "{name} {kname} {rname}: grid {a} vs {b}"
                    );
                }
                let err = max_rel_err(&g.density, &expect);
                assert!(err < 1e-12, "{name} {kname} {rname}: density error {err}");
            }
        }
    }
}

#[test]
fn gaussian_fixed_bandwidth_matches_scipy_gaussian_kde() {
    let r = reference();
    for (name, d) in r["datasets"].as_object().unwrap() {
        let data = floats(&d["data"]);
        let sp = &d["scipy_fixed"];
        let grid = floats(&sp["grid"]);
        let h = 0.5;
        // scipy's kernel sd (factor * s) is 0.5 up to one rounding
        assert!(close(sp["bandwidth"].as_f64().unwrap(), h, 1e-14));
        let opts = KdeOptions {
            bandwidth: Bandwidth::Fixed(h),
            grid_n: grid.len(),
            ..KdeOptions::default()
        };
        let out = kde(&[(name.clone(), data.clone())], &opts).unwrap();
        let g = &out.groups[0];
        assert_eq!(g.bandwidth, h);
        let err = max_rel_err(&g.x, &grid);
        assert!(err < 1e-14, "{name}: grid error {err}");
        let err = max_rel_err(&g.density, &floats(&sp["density"]));
        assert!(err < 1e-12, "{name}: density error {err}");
    }
}

#[test]
fn two_groups_share_one_grid() {
    let r = reference();
    let tg = &r["two_groups"];
    let ds = &r["datasets"];
    let groups = vec![
        ("a".to_string(), floats(&ds["normal200"]["data"])),
        ("b".to_string(), floats(&ds["skewed"]["data"])),
    ];
    let grid = floats(&tg["grid"]);
    let opts = KdeOptions {
        grid_n: grid.len(),
        ..KdeOptions::default()
    };
    let out = kde(&groups, &opts).unwrap();
    assert_eq!(out.groups.len(), 2);
    for (g, e) in out.groups.iter().zip(tg["groups"].as_array().unwrap()) {
        assert_eq!(g.key, e["key"].as_str().unwrap());
        assert!(close(g.bandwidth, e["bandwidth"].as_f64().unwrap(), 1e-14));
        assert!(max_rel_err(&g.x, &grid) < 1e-14);
        let err = max_rel_err(&g.density, &floats(&e["density"]));
        assert!(err < 1e-12, "group {}: density error {err}", g.key);
    }
}

/// Tolerance observed for the binned estimate (N = 512, Silverman h), as a
/// fraction of the peak height: Gaussian binned vs exact at most 6.3e-5 on
/// these fixtures (asserted < 1e-4); Epanechnikov, whose kernel has corners,
/// at most 9.4e-3 (asserted < 2e-2). statsmodels' own binned FFT estimate
/// (circular domain, analytic Gaussian transform) deviates from the exact
/// density by up to 1.1e-2 on the same data, so ours must be at least as
/// close to the exact estimate as statsmodels' is, and within 2e-2 of it.
#[test]
fn binned_estimate_is_close_to_exact_and_to_statsmodels_fft() {
    let r = reference();
    for (name, d) in r["datasets"].as_object().unwrap() {
        let data = floats(&d["data"]);
        let sm = &d["statsmodels_fft_gaussian_silverman"];
        let support = floats(&sm["support"]);
        let sm_density = floats(&sm["density"]);
        let h = sm["bandwidth"].as_f64().unwrap();
        let grid = Grid::new(support[0], support[support.len() - 1], support.len()).unwrap();
        let exact = density_exact(&data, &grid.points(), Kernel::Gaussian, h);
        let binned = density_binned(&data, &grid, Kernel::Gaussian, h);
        let ours = max_rel_err(&binned, &exact);
        let theirs = max_rel_err(&sm_density, &exact);
        eprintln!("{name}: binned vs exact {ours:e}; statsmodels fft vs exact {theirs:e}");
        assert!(ours < 1e-4, "{name}: binned vs exact {ours}");
        assert!(ours <= theirs, "{name}: {ours} > {theirs}");
        let err = max_rel_err(&binned, &sm_density);
        assert!(err < 2e-2, "{name}: binned vs statsmodels fft {err}");
        let e = density_binned(&data, &grid, Kernel::Epanechnikov, h);
        let x = density_exact(&data, &grid.points(), Kernel::Epanechnikov, h);
        let err = max_rel_err(&e, &x);
        eprintln!("{name}: epanechnikov binned vs exact {err:e}");
        assert!(err < 2e-2, "{name}: epanechnikov binned vs exact {err}");
    }
}
