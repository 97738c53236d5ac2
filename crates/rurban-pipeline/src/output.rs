//! Writing a run's results: `weights.csv`, `scores.csv`, `summary.json`, and
//! whatever further files the caller adds.
//!
//! Files are rendered in memory into an [`OutputSet`], which
//! [`crate::outdir`] commits into the output directory, all or nothing.

use std::io::Write as _;
use std::sync::Arc;

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
        // Shared with the run's output, not copied: the obstacles alone
        // are 3.8 million rows on the county panel.
        construction: Some(Arc::clone(&out.construction.construction)),
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
/// table and `convergence.json`; `summary.json`, `obstacles.csv`,
/// `coupling.csv`, `stages/*.csv` (written from the summary's columns) and
/// the generic tables' CSV files are written straight into their files when
/// the set is committed ([`OutputSet::add_stream`], each on its own task),
/// never held in memory as bytes (on the county panel summary.json,
/// obstacles.csv and stages/normalised.csv are 480, 205 and 66 MB);
/// `scores.csv`'s table is even made only then.
pub fn summary_files(s: &Arc<Summary>) -> Result<OutputSet, PipelineError> {
    let mut files = OutputSet::default();
    if let Some(t) = table::weights(s) {
        add_table(&mut files, t);
    }
    // The largest generic table (a row per region and year) is made only
    // when it is written, so its cells are never all held at once beside
    // the rest.
    let shared = Arc::clone(s);
    files.add_stream("scores.csv", move |w| {
        write_table_csv(w, &table::scores(&shared))
    });
    add_table(&mut files, table::coverage(s));
    if let Some(con) = &s.construction {
        for k in 0..con.values.len() {
            let con = Arc::clone(con);
            files.add_stream(format!("stages/{}.csv", con.values[k].stage), move |w| {
                stage_csv(&con, k, w)
            });
        }
        if let Some(t) = rurban_results::construction::treatment(con) {
            add_table(&mut files, t);
        }
    }
    if let Some(c) = &s.coupling {
        let c = Arc::clone(c);
        files.add_stream("coupling.csv", move |w| coupling_csv(&c, w));
    }
    if let Some(o) = &s.obstacle {
        let o = Arc::clone(o);
        files.add_stream("obstacles.csv", move |w| obstacles_csv(&o, w));
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
    let shared = Arc::clone(s);
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

/// A CSV record built field by field in a reusable buffer, with the bytes
/// of `table_csv` (the csv crate's quoting, floats as `{}`, non-finite
/// floats empty, `\n` line ends).
#[derive(Default)]
struct Line {
    buf: Vec<u8>,
    fields: usize,
}

impl Line {
    fn sep(&mut self) {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
    }

    /// A field already escaped by [`escaped`].
    fn raw(&mut self, field: &[u8]) {
        self.sep();
        self.buf.extend_from_slice(field);
    }

    fn int(&mut self, i: i64) {
        use std::io::Write as _;
        self.sep();
        let _ = write!(self.buf, "{i}");
    }

    fn num(&mut self, x: f64) {
        use std::io::Write as _;
        self.sep();
        if x.is_finite() {
            let _ = write!(self.buf, "{x}");
        }
    }

    /// Ends the record and writes it.
    fn end(&mut self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.buf.push(b'\n');
        w.write_all(&self.buf)?;
        self.buf.clear();
        self.fields = 0;
        Ok(())
    }
}

/// A text field as the csv crate writes it (quoted when it must be), for
/// names written once per row.
fn escaped(field: &str) -> Vec<u8> {
    // In a record of several fields an empty one is written as nothing
    // (a record of one empty field would be `""`).
    if field.is_empty() {
        return Vec::new();
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = w.write_record([field]);
    let mut v = w.into_inner().unwrap_or_default();
    v.pop(); // the record's `\n`
    v
}

fn header(w: &mut dyn std::io::Write, columns: &[&str]) -> std::io::Result<()> {
    let mut line = Line::default();
    for c in columns {
        line.raw(&escaped(c));
    }
    line.end(w)
}

/// `stages/<stage>.csv` of stage `k`: `region, year`, then the indicators.
fn stage_csv(
    c: &rurban_results::construction::Construction,
    k: usize,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let s = &c.values[k];
    let mut cols = vec!["region", "year"];
    cols.extend(c.indicators.iter().map(String::as_str));
    header(w, &cols)?;
    let mut line = Line::default();
    let mut region: (&str, Vec<u8>) = ("", Vec::new());
    for i in 0..s.len() {
        let (r, y) = s.cell(i);
        if i == 0 || region.0 != r {
            region = (r, escaped(r));
        }
        line.raw(&region.1);
        line.int(y);
        for &x in s.row(i) {
            line.num(x);
        }
        line.end(w)?;
    }
    Ok(())
}

/// `coupling.csv`: `region, year, C, T, D, level, level_name`.
fn coupling_csv(
    c: &rurban_results::construction::CouplingSummary,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    header(w, &["region", "year", "C", "T", "D", "level", "level_name"])?;
    let mut line = Line::default();
    for r in c.rows() {
        line.raw(&escaped(r.region));
        line.int(r.year);
        line.num(r.c);
        line.num(r.t);
        line.num(r.d);
        line.int(i64::from(r.level));
        line.raw(&escaped(r.level_name));
        line.end(w)?;
    }
    Ok(())
}

/// `obstacles.csv`: `region, year, indicator, dimension, obstacle`, one
/// line per row of the columns (3.8 million on the county panel), every
/// name escaped once.
fn obstacles_csv(
    o: &rurban_results::construction::ObstacleSummary,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    header(w, &["region", "year", "indicator", "dimension", "obstacle"])?;
    let regions: Vec<Vec<u8>> = o.regions().iter().map(|r| escaped(r)).collect();
    let indicators: Vec<Vec<u8>> = o.indicators().iter().map(|r| escaped(r)).collect();
    let dimensions: Vec<Vec<u8>> = o.dimensions().iter().map(|r| escaped(r)).collect();
    let mut line = Line::default();
    for b in 0..o.blocks() {
        let (region, year, rows) = o.block(b);
        for i in rows {
            let k = o.kind(i);
            line.raw(&regions[region]);
            line.int(year);
            line.raw(k.indicator.map_or(&[][..], |j| &indicators[j as usize]));
            line.raw(&dimensions[k.dimension as usize]);
            line.num(o.obstacle(i).unwrap_or(f64::NAN));
            line.end(w)?;
        }
    }
    Ok(())
}

/// Every table file of a run (all but the report).
pub fn run_files(out: &RunOutput) -> Result<OutputSet, PipelineError> {
    summary_files(&Arc::new(summary(out)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rurban_results::construction::{
        self as c, Construction, CouplingRow, CouplingSummary, ObstacleRow, ObstacleSummary,
        StageValues,
    };

    fn bytes(f: impl Fn(&mut dyn std::io::Write) -> std::io::Result<()>) -> Vec<u8> {
        let mut v = Vec::new();
        f(&mut v).unwrap();
        v
    }

    /// The streamed files have the bytes of the tables of cells written by
    /// `table_csv`: names that need quotes, blanks, floats as `{}`.
    #[test]
    fn streamed_tables_are_table_csv() {
        let names = ["a", "b, \"q\"", "line\nbreak", ""];
        let o = ObstacleSummary::from_rows((0..24).map(|i| ObstacleRow {
            region: names[i % 4].into(),
            year: 2000 + (i / 8) as i64,
            indicator: (i % 3 != 0).then(|| names[(i + 1) % 4].to_string()),
            dimension: names[(i + 2) % 4].into(),
            obstacle: (i % 5 != 0).then_some(0.1 * i as f64 + 1e-9),
        }));
        let want = table_csv(&c::obstacles(&o));
        assert_eq!(bytes(|w| obstacles_csv(&o, w)), want);
        assert!(
            String::from_utf8(want)
                .unwrap()
                .contains("\"b, \"\"q\"\"\"")
        );
        let mut cs = CouplingSummary::new(vec!["u".into()], vec![1.0]);
        cs.extend((0..6).map(|i| CouplingRow {
            region: names[i % 4].into(),
            year: 2000,
            c: 1.0 / (i as f64 + 1.0),
            t: 0.5,
            d: 0.25 * i as f64,
            level: 3,
            level_name: "moderate imbalance".into(),
        }));
        assert_eq!(
            bytes(|w| coupling_csv(&cs, w)),
            table_csv(&c::coupling(&cs))
        );
        let stage = StageValues::from_grid(
            "treated",
            &["r, 1".into(), "s".into()],
            &[2000, 2001],
            3,
            (0..12)
                .map(|i| if i == 4 { f64::NAN } else { 1.0 / f64::from(i) })
                .collect(),
        )
        .unwrap();
        let con = Construction {
            indicators: vec!["x".into(), "y, z".into(), "w".into()],
            values: vec![stage],
            ..Construction::default()
        };
        assert_eq!(
            bytes(|w| stage_csv(&con, 0, w)),
            table_csv(&c::stage_tables(&con)[0])
        );
    }
}
