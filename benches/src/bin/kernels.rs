//! In-process timings of rurban's hot kernels on a workload written to disk,
//! for the side-by-side race against the Python stack
//! (`benches/compare/race.py`), which times its own kernels the same way.
//!
//!     kernels SPEC.toml [--reps N] [--only k1,k2]
//!
//! The panel is read, imputed and scored as `rurban run` does (not timed);
//! then each kernel runs once to warm up and `N` more times (default 5), and
//! one JSON document goes to stdout:
//! `{"threads", "rows", "kernels": {name: {"median_s", "times_s", "check"}}}`,
//! where `check` holds the kernel's results for the cross-check of numbers.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ndarray::Array2;
use rurban_benches::{
    composite_by_year, disparity_by_year, grey_sequences, median_time, pooled, region_grey_input,
    streaming_sum,
};
use rurban_cluster::{ClusterOptions, Method, cluster};
use rurban_core::Scope;
use rurban_grey::{Normalization, grey_report};
use rurban_kde::{KdeOptions, kde};
use rurban_pipeline::{Builtins, RunOptions, analysis, load_panel, model_of, read_spec};
use serde_json::{Value, json};

struct Args {
    spec: PathBuf,
    reps: usize,
    only: Option<Vec<String>>,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut spec = None;
    let mut reps = 5;
    let mut only = None;
    while let Some(a) = it.next() {
        match a.as_str() {
            "--reps" => {
                reps = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--reps needs a whole number")?;
            }
            "--only" => {
                only = Some(
                    it.next()
                        .ok_or("--only needs a comma-separated list of kernels")?
                        .split(',')
                        .map(str::to_string)
                        .collect(),
                );
            }
            "-h" | "--help" => {
                return Err("usage: kernels SPEC.toml [--reps N] [--only k1,k2,..]".into());
            }
            s if spec.is_none() && !s.starts_with('-') => spec = Some(PathBuf::from(s)),
            other => return Err(format!("unexpected argument '{other}'")),
        }
    }
    Ok(Args {
        spec: spec.ok_or("usage: kernels SPEC.toml [--reps N] [--only k1,k2,..]")?,
        reps,
        only,
    })
}

fn main() -> std::process::ExitCode {
    match real_main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<(), String> {
    let a = args()?;
    let spec = read_spec(&a.spec).map_err(|e| e.to_string())?;
    let (_, panel, _, _, _) =
        load_panel(&spec, &RunOptions::default(), &Builtins).map_err(|e| e.to_string())?;
    let model = model_of(&spec);
    let groups = analysis::read_groups(&spec, &panel.regions)
        .map_err(|e| e.to_string())?
        .ok_or("the spec names no [analysis] groups file")?;
    let index = rurban_index::build(
        &panel,
        &model,
        &rurban_weighting::Entropy,
        Scope::Panel,
        0.0,
        "{}",
    )
    .map_err(|e| e.to_string())?;

    let wanted = |k: &str| a.only.as_ref().is_none_or(|o| o.iter().any(|x| x == k));
    let mut out: BTreeMap<&str, Value> = BTreeMap::new();
    let mut record = |name: &'static str, reps: usize, t: (f64, Vec<f64>), check: Value| {
        eprintln!("{name:<28} median {:>10.6} s over {reps}", t.0);
        out.insert(
            name,
            json!({"median_s": t.0, "times_s": t.1, "reps": reps, "check": check}),
        );
    };
    let reps = a.reps;

    let stacked = panel.stacked();
    if wanted("streaming_sum") {
        let s = stacked.as_slice().ok_or("panel matrix not contiguous")?;
        let t = median_time(reps * 4, || streaming_sum(s));
        record("streaming_sum", reps * 4, t, json!(streaming_sum(s)));
    }
    if wanted("minmax") {
        let t = median_time(reps, || {
            rurban_weighting::minmax(stacked.view(), &model.directions)
        });
        record("minmax", reps, t, Value::Null);
    }
    if wanted("entropy_weights") {
        let w = || {
            rurban_weighting::compute(
                &rurban_weighting::Entropy,
                &model.indicators,
                stacked.view(),
                &model.directions,
                0.0,
                "{}",
            )
        };
        let weights = w().map_err(|e| e.to_string())?;
        let t = median_time(reps, w);
        record("entropy_weights", reps, t, json!(weights.weights));
    }
    if wanted("entropy_weights_scores") {
        let t = median_time(reps, || {
            rurban_index::build(
                &panel,
                &model,
                &rurban_weighting::Entropy,
                Scope::Panel,
                0.0,
                "{}",
            )
        });
        let composite: Vec<f64> = index.composite.iter().copied().collect();
        record("entropy_weights_scores", reps, t, json!(composite));
    }

    let by_year = composite_by_year(&panel, &index);
    if wanted("kde_exact") {
        let opts = KdeOptions::default();
        let res = kde(&by_year, &opts).map_err(|e| e.to_string())?;
        let t = median_time(reps, || kde(&by_year, &opts));
        let check: Vec<Value> = res
            .groups
            .iter()
            .map(|g| json!({"key": g.key, "bandwidth": g.bandwidth, "density": g.density}))
            .collect();
        record(
            "kde_exact",
            reps,
            t,
            json!({"x": res.groups[0].x, "groups": check}),
        );
    }
    if wanted("kde_binned") {
        let opts = KdeOptions {
            binned: true,
            ..KdeOptions::default()
        };
        let res = kde(&by_year, &opts).map_err(|e| e.to_string())?;
        let t = median_time(reps, || kde(&by_year, &opts));
        let check: Vec<Value> = res.groups.iter().map(|g| json!(g.density)).collect();
        record("kde_binned", reps, t, json!(check));
    }

    if wanted("disparity_per_year") {
        let input = disparity_by_year(&panel, &index, &groups);
        let rep = rurban_disparity::disparity_report(&input, 1).map_err(|e| e.to_string())?;
        let t = median_time(reps, || rurban_disparity::disparity_report(&input, 1));
        let check: Vec<Value> = rep
            .groups
            .iter()
            .map(|g| {
                let d = g.dagum.as_ref();
                let th = g.theil_decomposition.as_ref();
                json!({"key": g.key, "cv": g.cv, "theil": g.theil, "gini": g.gini,
                       "theil_within": th.map(|t| t.within), "theil_between": th.map(|t| t.between),
                       "dagum_within": d.map(|d| d.within), "dagum_between": d.map(|d| d.between),
                       "dagum_transvariation": d.map(|d| d.transvariation)})
            })
            .collect();
        record("disparity_per_year", reps, t, json!(check));
    }
    let (values, labels) = pooled(&index, &groups);
    if wanted("dagum_pooled") {
        let d = rurban_disparity::dagum(&values, &labels).map_err(|e| e.to_string())?;
        let t = median_time(reps, || rurban_disparity::dagum(&values, &labels));
        record(
            "dagum_pooled",
            reps,
            t,
            json!({"n": values.len(), "total": d.total, "within": d.within,
                   "between": d.between, "transvariation": d.transvariation}),
        );
    }
    if wanted("gini_pooled") {
        let g = rurban_disparity::gini(&values).map_err(|e| e.to_string())?;
        let t = median_time(reps, || rurban_disparity::gini(&values));
        record("gini_pooled", reps, t, json!(g));
    }

    if wanted("grey_per_region") {
        let inputs: Vec<_> = (0..panel.regions.len())
            .map(|r| region_grey_input(&index, &model, r))
            .collect();
        let run = || {
            inputs
                .iter()
                .map(|(reference, compare)| {
                    grey_report("composite", reference, compare, Normalization::Mean, 0.5)
                        .map(|g| g.grades.iter().map(|x| x.grade).collect::<Vec<f64>>())
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let grades = run().map_err(|e| e.to_string())?;
        let t = median_time(reps, run);
        record("grey_per_region", reps, t, json!(grades));
    }
    if wanted("grey_10000x30") {
        let (reference, compare) = grey_sequences(10_000, 30, 7);
        let rep = grey_report("reference", &reference, &compare, Normalization::Mean, 0.5)
            .map_err(|e| e.to_string())?;
        let t = median_time(reps, || {
            grey_report("reference", &reference, &compare, Normalization::Mean, 0.5)
        });
        let grades: Vec<f64> = rep.grades.iter().map(|g| g.grade).collect();
        let seqs: Vec<&Vec<f64>> = compare.iter().map(|(_, s)| s).collect();
        record(
            "grey_10000x30",
            reps,
            t,
            json!({"reference": reference, "compare": seqs, "grades": grades}),
        );
    }

    let series: Array2<f64> = index.composite.clone();
    if wanted("ward") {
        let opts = ClusterOptions::new(Method::Ward, 5);
        let res = cluster(&panel.regions, &series.view(), &opts).map_err(|e| e.to_string())?;
        let t = median_time(reps, || cluster(&panel.regions, &series.view(), &opts));
        let heights: Vec<f64> = res
            .merges
            .unwrap_or_default()
            .iter()
            .map(|m| m.height)
            .collect();
        let clusters: Vec<usize> = res.labels.iter().map(|l| l.cluster).collect();
        record(
            "ward",
            reps,
            t,
            json!({"heights": heights, "clusters": clusters}),
        );
    }
    if wanted("kmeans") {
        let opts = ClusterOptions::new(Method::Kmeans, 5);
        let res = cluster(&panel.regions, &series.view(), &opts).map_err(|e| e.to_string())?;
        let t = median_time(reps, || cluster(&panel.regions, &series.view(), &opts));
        let clusters: Vec<usize> = res.labels.iter().map(|l| l.cluster).collect();
        record(
            "kmeans",
            reps,
            t,
            json!({"inertia": res.inertia, "clusters": clusters}),
        );
    }

    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let doc = json!({
        "threads": threads,
        "rows": panel.regions.len() * panel.years.len(),
        "regions": panel.regions.len(),
        "years": panel.years.len(),
        "indicators": panel.indicators.len(),
        "kernels": out,
    });
    println!("{doc}");
    Ok(())
}
