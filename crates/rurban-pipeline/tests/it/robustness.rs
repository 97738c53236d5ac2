//! The robustness analysis inside `rurban run`: the nominal run equals the
//! run's composite bit for bit, the findings' robustness sentence states the
//! numbers of the summary, and the density peaks are checked at 0.75 to
//! 1.5 times the bandwidth.

use std::path::PathBuf;

use rurban_pipeline::findings::{Findings, robustness_finding};
use rurban_pipeline::robustness::prepare;
use rurban_pipeline::{Builtins, RunOptions, run};
use rurban_robust::{Realisation, RobustnessReport};
use rurban_spec::Spec;

fn example() -> Spec {
    let p =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/heilongjiang/index.toml");
    let mut spec = Spec::from_file(&p).unwrap();
    // fewer runs than the example's, the same factors
    let mut u = spec.uncertainty.clone().unwrap();
    u.0.replications = Some(60);
    spec.uncertainty = Some(u);
    spec.geo = None;
    spec
}

#[test]
fn the_nominal_run_is_the_composite_of_rurban_run() {
    let spec = example();
    let out = run(&spec, &RunOptions::default(), &Builtins).unwrap();
    let p = prepare(&spec, &RunOptions::default(), &Builtins, None, None).unwrap();
    let nominal = p.scores(&Realisation::nominal(&p.factors)).unwrap();
    let ny = out.panel.years.len();
    for (i, s) in nominal.iter().enumerate() {
        assert_eq!(
            s.to_bits(),
            out.index.composite[[i / ny, i % ny]].to_bits(),
            "row {i}"
        );
    }
    // the summary holds the analysis and the findings its sentence
    let r = out.robustness.as_ref().unwrap();
    assert_eq!(r.result.replications, 60);
    assert_eq!(r.result.runs, 60 * 7);
    assert_eq!(r.seed, 1);
    // one row per alternative taken alone: 3 weightings, 2 normalisations,
    // 2 aggregations, 20 indicators left out
    assert_eq!(r.schemes.len(), 3 + 2 + 2 + 20);
    let equal_to_nominal = r
        .schemes
        .iter()
        .find(|s| s.factor == "weighting" && s.alternative == "entropy")
        .unwrap();
    assert!((equal_to_nominal.spearman.unwrap() - 1.0).abs() < 1e-12);
    assert!((equal_to_nominal.kendall.unwrap() - 1.0).abs() < 1e-12);
    let s = out
        .findings
        .sentences
        .iter()
        .find(|s| s.starts_with("Under the uncertain assumptions"))
        .unwrap();
    assert!(s.contains("420 runs"), "{s}");
    let density = out
        .findings
        .sentences
        .iter()
        .find(|s| s.starts_with("Observed in the density"))
        .unwrap();
    assert!(density.contains("times the chosen bandwidth"), "{density}");
}

fn report(first: Option<f64>, total: Option<f64>) -> RobustnessReport {
    let v = serde_json::json!({
        "replications": 10, "runs": 50, "factors": ["weighting", "normalisation", "exclude"],
        "ranks": [
            {"region": "A", "year": 2020, "nominal": 1, "median": 1.0, "q05": 1.0, "q95": 2.0, "mean_abs_shift": 0.1},
            {"region": "B", "year": 2020, "nominal": 2, "median": 2.0, "q05": 1.0, "q95": 4.0, "mean_abs_shift": 0.4},
            {"region": "C", "year": 2020, "nominal": 3, "median": 3.0, "q05": 2.0, "q95": 4.0, "mean_abs_shift": 0.3},
            {"region": "D", "year": 2019, "nominal": 3, "median": 3.0, "q05": 1.0, "q95": 9.0, "mean_abs_shift": 0.3}
        ],
        "sensitivity": [
            {"factor": "weighting", "first_order": 0.2, "total_order": 0.3},
            {"factor": "normalisation", "first_order": first, "total_order": total},
            {"factor": "exclude", "first_order": 0.05, "total_order": 0.5}
        ],
        "y": {"mean": 0.25, "q05": 0.0, "q95": 0.75},
        "seed": 1, "schemes": []
    });
    serde_json::from_value(v).unwrap()
}

#[test]
fn the_robustness_sentence_states_its_numbers() {
    let mut f = Findings::default();
    robustness_finding(&report(Some(0.61), Some(0.7)), &mut f);
    assert_eq!(
        f.sentences[0],
        "Under the uncertain assumptions (weighting, normalisation, exclude; 50 runs), the 90 % \
         rank interval in 2020 is at most 2 places for 2 of 3 regions (widest: 3.0 place(s)); \
         the mean rank shift is 0.2500 (90 % of runs between 0.0000 and 0.7500); the choice of \
         normalisation explains 61 % of the variance of rank shifts alone (first-order Sobol \
         index 0.6100) and 70 % with its interactions (total order 0.7000)."
    );
    let mut f = Findings::default();
    let mut r = report(None, None);
    for s in &mut r.result.sensitivity {
        s.first_order = None;
        s.total_order = None;
    }
    robustness_finding(&r, &mut f);
    assert!(
        f.sentences[0].ends_with("the Sobol indices are null)."),
        "{}",
        f.sentences[0]
    );
}
