//! The CSV files of `rurban robustness`: `robustness.csv`,
//! `sensitivity.csv` and the `--samples-out` file. Floats are written
//! with Rust's `Display`, the shortest text that reads back to the same
//! f64.

use std::io::Write;

use crate::design::{Design, Realisation};
use crate::error::RobustError;
use crate::factors::{FactorKind, Factors};
use crate::run::Runs;
use crate::stats::Robustness;

fn opt(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

fn writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().has_headers(false).from_writer(w)
}

/// Writes `robustness.csv`: `region, year, nominal, median, q05, q95,
/// mean_abs_shift`, one row per region-year.
pub fn write_robustness<W: Write>(w: W, result: &Robustness) -> Result<(), RobustError> {
    let file = "robustness.csv";
    let err = |source| RobustError::Write { file, source };
    let mut out = writer(w);
    out.write_record([
        "region",
        "year",
        "nominal",
        "median",
        "q05",
        "q95",
        "mean_abs_shift",
    ])
    .map_err(err)?;
    for r in &result.ranks {
        out.write_record([
            r.region.clone(),
            r.year.to_string(),
            r.nominal.to_string(),
            r.median.to_string(),
            r.q05.to_string(),
            r.q95.to_string(),
            r.mean_abs_shift.to_string(),
        ])
        .map_err(err)?;
    }
    out.flush().map_err(|e| err(e.into()))
}

/// Writes `sensitivity.csv`: `factor, first_order, total_order` (empty
/// cells for null indices).
pub fn write_sensitivity<W: Write>(w: W, result: &Robustness) -> Result<(), RobustError> {
    let file = "sensitivity.csv";
    let err = |source| RobustError::Write { file, source };
    let mut out = writer(w);
    out.write_record(["factor", "first_order", "total_order"])
        .map_err(err)?;
    for s in &result.sensitivity {
        out.write_record([s.factor.clone(), opt(s.first_order), opt(s.total_order)])
            .map_err(err)?;
    }
    out.flush().map_err(|e| err(e.into()))
}

/// The header of the samples file: `block, row`, the uniforms
/// (`u:weights:<indicator>` ..., `u:<factor>` ...), the realised
/// alternatives (`w:<indicator>` ..., `<factor>` ...), `y`.
pub fn samples_header(factors: &Factors) -> Vec<String> {
    let mut h = vec!["block".to_string(), "row".to_string()];
    let each = |h: &mut Vec<String>, prefix: &str| {
        for f in factors.factors() {
            if f.kind() == FactorKind::Weights {
                for ind in factors.indicators() {
                    h.push(format!("{prefix}weights:{ind}"));
                }
            } else {
                h.push(format!("{prefix}{}", f.name()));
            }
        }
    };
    each(&mut h, "u:");
    let start = h.len();
    each(&mut h, "");
    for c in &mut h[start..] {
        if let Some(ind) = c.strip_prefix("weights:") {
            *c = format!("w:{ind}");
        }
    }
    h.push("y".into());
    h
}

/// Writes the `--samples-out` file: one row per run in run order (A, B,
/// AB_g in factor order). `w:<indicator>` holds the weights the run
/// recorded (0 for the left-out indicator), empty when it recorded none
/// (scope = year) or `runs` did not keep them.
pub fn write_samples<W: Write>(
    w: W,
    factors: &Factors,
    design: &Design,
    runs: &Runs,
) -> Result<(), RobustError> {
    let file = "samples";
    let err = |source| RobustError::Write { file, source };
    let mut out = writer(w);
    out.write_record(samples_header(factors)).map_err(err)?;
    let m = factors.indicators().len();
    let mut u = vec![0.0; design.d()];
    let mut rec: Vec<String> = Vec::new();
    for i in 0..runs.y.len() {
        let (block, row) = design.locate(i);
        design.row_into(factors, block, row, &mut u);
        let real = Realisation::from_row(factors, &u);
        rec.clear();
        rec.push(block.label(factors));
        rec.push(row.to_string());
        rec.extend(u.iter().map(f64::to_string));
        for f in factors.factors() {
            match f.kind() {
                FactorKind::Weights => {
                    for j in 0..m {
                        let v = runs
                            .weights
                            .as_ref()
                            .map(|ws| ws[i * m + j])
                            .filter(|v| !v.is_nan());
                        rec.push(opt(v));
                    }
                }
                kind => rec.push(real.name(kind).unwrap_or_default().to_string()),
            }
        }
        rec.push(runs.y[i].to_string());
        out.write_record(&rec).map_err(err)?;
    }
    out.flush().map_err(|e| err(e.into()))
}
