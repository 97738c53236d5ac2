//! Writing a run's results: `weights.csv`, `scores.csv`, `summary.json`, and
//! whatever further files the caller adds.
//!
//! Files are rendered in memory into an [`OutputSet`], which
//! [`crate::outdir`] commits into the output directory, all or nothing.

use serde_json::{Value, json};

pub use crate::outdir::OutputSet;
use crate::{PipelineError, RunOutput};
use rurban_convergence::ConvergenceReport;
use rurban_core::Scope;
use rurban_results::table::{self, Cell, Table};
use rurban_results::{
    CoverageRecord, ImputedRecord, MethodInfo, Scores, Summary, SystemDimension, SystemIndicator,
    WeightSet, Weights,
};

/// A CSV writer into memory.
pub fn csv_bytes(header: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    w.into_inner().unwrap_or_default()
}

/// A float as text with full round-trip precision (`NaN` as empty).
pub fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// A table as CSV: its columns as the header, floats with full round-trip
/// precision, non-finite floats and blanks empty.
pub fn table_csv(t: &Table) -> Vec<u8> {
    csv_bytes(
        &t.columns,
        t.rows.iter().map(|r| r.iter().map(Cell::text).collect()),
    )
}

fn text_of<T: serde::Serialize>(x: &T) -> Option<String> {
    serde_json::to_value(x)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
}

/// The typed summary of a run: everything `summary.json` holds.
pub fn summary(out: &RunOutput) -> Summary {
    let spec = &out.spec;
    let sets = &out.index.weight_sets;
    let mut j = 0;
    let dimensions = spec
        .dimension
        .iter()
        .map(|d| SystemDimension {
            id: d.id.clone(),
            name: d.name.clone(),
            indicators: d
                .indicator
                .iter()
                .map(|i| {
                    // The panel's weight; with scope = year, the mean over the years.
                    let w = sets.iter().map(|ws| ws.weights[j]).sum::<f64>() / sets.len() as f64;
                    j += 1;
                    SystemIndicator {
                        id: i.id.clone(),
                        name: i.name.clone(),
                        direction: i.direction.symbol().to_string(),
                        unit: i.unit.clone(),
                        weight: w,
                    }
                })
                .collect(),
        })
        .collect();
    let weight_sets: Vec<WeightSet> = sets
        .iter()
        .map(|ws| WeightSet {
            method: spec.method.weighting.clone(),
            indicators: out.model.indicators.clone(),
            weights: ws.weights.clone(),
            n: ws.n,
            warnings: ws.warnings.clone(),
            entropy: ws.entropy.clone(),
            year: ws.year,
        })
        .collect();
    let weights = if spec.method.scope == Scope::Year {
        Some(Weights::Year(weight_sets))
    } else {
        weight_sets.into_iter().next().map(Weights::Panel)
    };
    Summary {
        name: spec.name.clone(),
        spec: Some(spec.path.display().to_string()),
        data: Some(out.data_file.display().to_string()),
        method: Some(MethodInfo {
            weighting: Some(spec.method.weighting.clone()),
            scope: text_of(&spec.method.scope),
            shift: Some(spec.method.shift.get()),
            impute: text_of(&spec.method.impute),
            extrapolate: (spec.method.extrapolate != rurban_core::Extrapolate::None)
                .then(|| spec.method.extrapolate.name().to_string()),
            years: out.period.map(|p| [p.first, p.last]),
        }),
        regions: out.panel.regions.clone(),
        years: out.panel.years.clone(),
        dimensions,
        weights,
        scores: Scores::from_grid(
            &out.panel.regions,
            &out.panel.years,
            &out.model.dimensions,
            |r, y| out.index.composite[[r, y]],
            |r, y, d| out.index.dimension_scores[[r, y, d]],
        ),
        imputed: out
            .imputed
            .iter()
            .map(|c| ImputedRecord {
                region: c.region.clone(),
                year: c.year,
                indicator: c.indicator.clone(),
                value: c.value,
                method: c.method.to_string(),
            })
            .collect(),
        coverage: out
            .coverage
            .iter()
            .map(|c| CoverageRecord {
                indicator: c.indicator.clone(),
                cells: c.cells,
                observed: c.observed,
                interpolated: c.interpolated,
                extrapolated: c.extrapolated,
                year_mean: c.year_mean,
                group_mean: c.group_mean,
                missing: c.missing,
                first_year: c.first_year,
                last_year: c.last_year,
            })
            .collect(),
        skipped: out.analysis.skipped.clone(),
        analysis: Some(out.analysis.clone()),
        findings: Some(out.findings.clone()),
        spatial: out.analysis.spatial.clone(),
        construction: Some(out.construction.construction.clone()),
        coupling: out.construction.coupling.clone(),
        obstacle: out.construction.obstacle.clone(),
        robustness: out.robustness.clone(),
        warnings: out.warnings.clone(),
    }
}

/// `summary.json` as a JSON tree (for `--format json`).
pub fn summary_json(s: &Summary) -> Value {
    serde_json::to_value(s).unwrap_or(Value::Null)
}

/// `summary.json` as compact bytes, serialised straight from the typed
/// summary (the scores stream from their columns).
pub fn summary_bytes(s: &Summary) -> Result<Vec<u8>, PipelineError> {
    serde_json::to_vec(s).map_err(|e| PipelineError::Other(e.to_string()))
}

/// `convergence.json`: the convergence report with its `warnings`.
pub fn convergence_json(c: &ConvergenceReport) -> Option<Vec<u8>> {
    let mut v = serde_json::to_value(c).ok()?;
    v["warnings"] = json!(c.warnings);
    serde_json::to_vec_pretty(&v).ok()
}

/// Every table file of a summary (all but the report): one CSV per result
/// table and `convergence.json` in memory, and `summary.json`, which is
/// serialised straight into its file when the set is committed
/// ([`OutputSet::add_stream`]; it is the largest file, 35 MB on the county
/// panel, and is never held in memory).
pub fn summary_files(s: &std::sync::Arc<Summary>) -> Result<OutputSet, PipelineError> {
    let mut files = OutputSet::default();
    let index_tables = table::weights(s)
        .into_iter()
        .chain([table::scores(s), table::coverage(s)]);
    let step_tables = crate::analysis::STEPS
        .iter()
        .flat_map(|step| step.tables(s));
    for t in index_tables.chain(construction_tables(s)) {
        files.add(format!("{}.csv", t.name), table_csv(&t));
    }
    if let Some(o) = &s.obstacle {
        files.add("obstacles.csv", obstacles_csv(o));
    }
    for t in step_tables {
        files.add(format!("{}.csv", t.name), table_csv(&t));
    }
    if let Some(c) = s.analysis.as_ref().and_then(|a| a.convergence.as_ref())
        && let Some(b) = convergence_json(c)
    {
        files.add("convergence.json", b);
    }
    let shared = std::sync::Arc::clone(s);
    files.add_stream("summary.json", move |w| {
        serde_json::to_writer(w, &*shared).map_err(std::io::Error::other)
    });
    Ok(files)
}

/// The tables of the construction: `stages/*`, `treatment`, `coupling`
/// (those that ran; `obstacles.csv` is written by [`obstacles_csv`]).
fn construction_tables(s: &Summary) -> Vec<Table> {
    use rurban_results::construction as c;
    let mut out = Vec::new();
    if let Some(con) = &s.construction {
        out.extend(c::stage_tables(con));
        out.extend(c::treatment(con));
    }
    out.extend(s.coupling.as_ref().map(c::coupling));
    out
}

/// `obstacles.csv`, the bytes of `table_csv(&obstacles(o))` written
/// straight from the rows: on the county panel it has 3.8 million rows,
/// whose table of cells alone took about a gigabyte.
fn obstacles_csv(o: &rurban_results::construction::ObstacleSummary) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut buf = String::new();
    // Writing into a Vec cannot fail.
    let _ = w.write_record(["region", "year", "indicator", "dimension", "obstacle"]);
    for r in &o.rows {
        let _ = w.write_field(&r.region);
        buf.clear();
        let _ = write!(buf, "{}", r.year);
        let _ = w.write_field(&buf);
        let _ = w.write_field(r.indicator.as_deref().unwrap_or(""));
        let _ = w.write_field(&r.dimension);
        buf.clear();
        if let Some(x) = r.obstacle.filter(|x| x.is_finite()) {
            let _ = write!(buf, "{x}");
        }
        let _ = w.write_field(&buf);
        let _ = w.write_record(None::<&[u8]>);
    }
    w.into_inner().unwrap_or_default()
}

/// Every table file of a run (all but the report).
pub fn run_files(out: &RunOutput) -> Result<OutputSet, PipelineError> {
    summary_files(&std::sync::Arc::new(summary(out)))
}
