//! Writing a run's results: `weights.csv`, `scores.csv`, `summary.json`, and
//! whatever further files the caller adds.
//!
//! Files are rendered in memory into an [`OutputSet`], which
//! [`crate::outdir`] commits into the output directory, all or nothing.

use std::io::Write as _;

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
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_table_csv(&mut out, t);
    out
}

/// Writes [`table_csv`]'s bytes into `w`: each row is gathered into one
/// reused record (numbers formatted into one reused buffer, text cells
/// copied as they are), so no `String` is made per cell. The quoting is
/// the csv writer's, as for [`csv_bytes`]. A row shorter or longer than
/// the header is written as it is (rows are as long as the columns; should
/// one not be, a ragged line is better than no results at all).
pub fn write_table_csv<W: std::io::Write>(w: W, t: &Table) -> std::io::Result<()> {
    let mut out = csv::WriterBuilder::new().flexible(true).from_writer(w);
    out.write_record(&t.columns)?;
    let mut record = csv::ByteRecord::new();
    let mut buf = String::new();
    for row in &t.rows {
        record.clear();
        for cell in row {
            match cell {
                Cell::Text(s) => record.push_field(s.as_bytes()),
                _ => {
                    buf.clear();
                    cell.write_text(&mut buf);
                    record.push_field(buf.as_bytes());
                }
            }
        }
        out.write_byte_record(&record)?;
    }
    out.flush()
}

/// Adds a table's CSV file (`NAME.csv`), written only when the set is
/// committed, on its own task ([`OutputSet::add_stream`]).
fn add_table(files: &mut OutputSet, t: Table) {
    files.add_stream(format!("{}.csv", t.name), move |w| write_table_csv(w, &t));
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
/// table, `convergence.json`, and `summary.json`. `summary.json` (the
/// largest file, 480 MB on the county panel) and the generic tables' CSV
/// files are written straight into their files when the set is committed
/// ([`OutputSet::add_stream`], each on its own task), never held in memory
/// as bytes; `scores.csv`'s table is even made only then.
pub fn summary_files(s: &std::sync::Arc<Summary>) -> Result<OutputSet, PipelineError> {
    let mut files = OutputSet::default();
    if let Some(t) = table::weights(s) {
        add_table(&mut files, t);
    }
    // The largest generic table (a row per region and year) is made only
    // when it is written, so its cells are never all held at once beside
    // the rest.
    let shared = std::sync::Arc::clone(s);
    files.add_stream("scores.csv", move |w| {
        write_table_csv(w, &table::scores(&shared))
    });
    add_table(&mut files, table::coverage(s));
    for t in construction_tables(s) {
        add_table(&mut files, t);
    }
    if let Some(o) = &s.obstacle {
        files.add("obstacles.csv", obstacles_csv(o));
    }
    for t in crate::analysis::STEPS
        .iter()
        .flat_map(|step| step.tables(s))
    {
        add_table(&mut files, t);
    }
    if let Some(c) = s.analysis.as_ref().and_then(|a| a.convergence.as_ref())
        && let Some(b) = convergence_json(c)
    {
        files.add("convergence.json", b);
    }
    let shared = std::sync::Arc::clone(s);
    files.add_stream("summary.json", move |w| {
        // serde_json writes token by token: into a buffer of a concrete
        // type those writes are inlined copies, where `w` would cost a
        // dynamic call each. Its flushes (all but the last) are larger than
        // the committing writer's buffer, so they pass it by without a copy.
        let mut w = std::io::BufWriter::with_capacity(2 * crate::outdir::STREAM_BUFFER, w);
        serde_json::to_writer(&mut w, &*shared).map_err(std::io::Error::other)?;
        w.flush()
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
