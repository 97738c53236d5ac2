//! `rurban run`: a whole index specification.

use crate::output::outln;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use rurban_pipeline::outdir::{CommitOptions, Input, Previous};
use rurban_pipeline::output::{OutputSet, summary, summary_files, summary_json};
use rurban_pipeline::{RunOptions, RunOutput};

use crate::output::{Format, fmt4, print_warnings, table};
use crate::resolver::Resolver;

/// A progress bar on stderr for the steps of a run; drawn only on a
/// terminal, and not at all with --quiet or --format json.
/// It also keeps the start time of every step for `--timings`.
struct Progress {
    bar: indicatif::ProgressBar,
    marks: std::cell::RefCell<Vec<(&'static str, std::time::Instant)>>,
}

impl Progress {
    fn new(hidden: bool) -> Self {
        let total = rurban_pipeline::Step::ALL.len() as u64;
        let bar = if hidden {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::new(total)
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:24} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        Progress {
            bar,
            marks: std::cell::RefCell::new(vec![("reading the spec", std::time::Instant::now())]),
        }
    }

    /// Records that a phase starts now.
    fn mark(&self, label: &'static str) {
        self.marks
            .borrow_mut()
            .push((label, std::time::Instant::now()));
    }

    /// Prints how long each phase took, on stderr.
    fn print_timings(&self) {
        let mut marks = self.marks.borrow().clone();
        marks.push(("", std::time::Instant::now()));
        let total = marks[marks.len() - 1].1 - marks[0].1;
        eprintln!("timings:");
        for w in marks.windows(2) {
            let d = w[1].1 - w[0].1;
            eprintln!("  {:<28} {:>9.3} s", w[0].0, d.as_secs_f64());
        }
        eprintln!("  {:<28} {:>9.3} s", "total", total.as_secs_f64());
    }

    fn step(&self, step: rurban_pipeline::Step) {
        let pos = rurban_pipeline::Step::ALL
            .iter()
            .position(|s| *s == step)
            .unwrap_or(0);
        self.bar.set_position(pos as u64);
        self.bar.set_message(step.label());
        self.mark(step.label());
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // Also when the run fails, so the error line is not drawn over.
        self.bar.finish_and_clear();
    }
}

/// Arguments of `rurban run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The index specification (TOML).
    #[arg(value_name = "SPEC.toml")]
    pub spec: PathBuf,
    /// Data file (overrides the spec's `data`).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Study period FIRST-LAST, e.g. 2011-2020 (overrides the spec's
    /// `[data] years`).
    #[arg(long, value_name = "FIRST-LAST")]
    pub years: Option<rurban_spec::YearRange>,
    /// Output directory.
    #[arg(long, default_value = "rurban-out")]
    pub out: PathBuf,
    /// Output format of what is printed.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print nothing but warnings and errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Do not write report.html.
    #[arg(long)]
    pub no_report: bool,
    /// Do not write results.xlsx.
    #[arg(long)]
    pub no_xlsx: bool,
    /// Print how long each step took, on stderr.
    #[arg(long)]
    pub timings: bool,
    /// Language of report.html and of results.xlsx's sheet names, headers
    /// and findings: `en` (English) or `zh` (Chinese); overrides the spec's
    /// `[report] lang` (default English). summary.json stays English.
    #[arg(long, value_name = "LANG", value_parser = crate::cmd::report::parse_lang)]
    pub lang: Option<rurban_report::Lang>,
}

/// Runs `rurban run`.
pub fn run(args: RunArgs, resolver: &mut Resolver) -> Result<()> {
    let spec = rurban_pipeline::read_spec(&args.spec)?;
    let plugin_files: Vec<_> = spec.plugins.iter().map(|p| spec.resolve(p)).collect();
    resolver.load_all(&plugin_files)?;
    let bar = Progress::new(args.quiet || args.format == Format::Json);
    let out = rurban_pipeline::run_with_progress(
        &spec,
        &RunOptions {
            data: args.data.clone(),
            years: args.years,
        },
        resolver,
        &|step| bar.step(step),
    );
    // A plugin normaliser or aggregator that failed inside the run left
    // missing values behind: its error is the cause to report, whether or
    // not the run went on.
    if let Some(e) = resolver.registry.take_failures().into_iter().next() {
        return Err(anyhow::Error::new(e));
    }
    let out = out?;
    bar.finish();
    bar.mark("tables and summary.json");
    // One typed summary: summary.json, the tables, the report and the
    // workbook are all made from it.
    let summary = std::sync::Arc::new(summary(&out));
    let mut files = summary_files(&summary)?;
    let json_out = args.format == Format::Json;
    if !args.no_report || !args.no_xlsx {
        bar.mark("report and workbook");
        crate::cmd::report::add_renderings(
            &mut files,
            &summary,
            out.maps.as_ref(),
            !args.no_report,
            !args.no_xlsx,
            args.lang
                .unwrap_or_else(|| crate::cmd::report::spec_lang(&spec)),
        )?;
    }
    bar.mark("writing files");
    // The files of the previous run into the directory that this one does
    // not write (a step switched off, --no-report) would contradict it, so
    // they go, but only those its manifest lists and that are unchanged.
    let committed = files.commit_with(
        &args.out,
        &CommitOptions {
            previous: Previous::Remove,
            inputs: run_inputs(&args, &out, resolver),
            ..CommitOptions::default()
        },
    )?;
    let mut warnings = out.warnings.clone();
    warnings.extend(committed.warnings);
    if args.timings {
        bar.print_timings();
    }
    if json_out {
        crate::output::emit_json(summary_json(&summary), &warnings)?;
    } else {
        print_warnings(&warnings);
        if !args.quiet {
            print_summary(&out, &args, &files)?;
        }
    }
    Ok(())
}

/// The files a run read, which its output must not overwrite.
fn run_inputs(args: &RunArgs, out: &RunOutput, resolver: &Resolver) -> Vec<Input> {
    let mut inputs = vec![
        Input::new("data file", &out.data_file),
        Input::new("spec", &args.spec),
    ];
    if let Some(g) = &out.spec.analysis.groups {
        inputs.push(Input::new("groups file", out.spec.resolve(g)));
    }
    if let Some(geo) = &out.spec.geo {
        inputs.push(Input::new("[geo] file", out.spec.resolve(&geo.file)));
        if let rurban_spec::GeoWeights::File(f) = &geo.weights {
            inputs.push(Input::new("[geo] weights file", out.spec.resolve(f)));
        }
    }
    for p in resolver.registry.list() {
        if let Some(f) = p.file {
            inputs.push(Input::new("plugin", f));
        }
    }
    inputs
}

fn print_summary(out: &RunOutput, args: &RunArgs, files: &OutputSet) -> Result<()> {
    let m = &out.model;
    outln!(
        "{}: {} regions x {} years ({}-{}) x {} indicators, {} weights, scope {}",
        out.spec.name,
        out.panel.regions.len(),
        out.panel.years.len(),
        out.panel.years.first().copied().unwrap_or(0),
        out.panel.years.last().copied().unwrap_or(0),
        m.indicators.len(),
        out.spec.method.weighting,
        match out.spec.method.scope {
            rurban_core::Scope::Panel => "panel",
            rurban_core::Scope::Year => "year",
        },
    )?;
    if !out.imputed.is_empty() {
        outln!(
            "{} missing cells imputed ({:?})",
            out.imputed.len(),
            out.spec.method.impute
        )?;
    }
    print_coverage(out)?;
    print_weights(out)?;
    print_yearly(out)?;
    print_top_bottom(out)?;
    if !out.findings.sentences.is_empty() {
        outln!("\nFindings:")?;
        for s in &out.findings.sentences {
            outln!("  - {s}")?;
        }
    }
    if !out.analysis.skipped.is_empty() {
        outln!("\nNot in this run:")?;
        for s in &out.analysis.skipped {
            outln!("  - {}: {}", s.step, s.reason)?;
        }
    }
    outln!(
        "\nWrote {} into {}",
        files.names().join(", "),
        args.out.display()
    )?;
    Ok(())
}

/// Each indicator's coverage in the study period: observed cells and the
/// cells imputation filled (interpolated, extrapolated, year mean).
fn print_coverage(out: &RunOutput) -> Result<()> {
    let mut t = table(&[
        "indicator",
        "years observed",
        "observed",
        "interpolated",
        "extrapolated",
        "year mean",
        "group mean",
        "missing",
    ]);
    let cell = |n: usize, of: usize| {
        if n == 0 {
            "0".to_string()
        } else {
            format!("{n} ({:.1}%)", 100.0 * n as f64 / of.max(1) as f64)
        }
    };
    for c in &out.coverage {
        let span = match (c.first_year, c.last_year) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => "none".to_string(),
        };
        t.add_row(vec![
            c.indicator.clone(),
            span,
            format!("{} of {}", c.observed, c.cells),
            cell(c.interpolated, c.cells),
            cell(c.extrapolated, c.cells),
            cell(c.year_mean, c.cells),
            cell(c.group_mean, c.cells),
            cell(c.missing, c.cells),
        ]);
    }
    outln!("\nCoverage of the indicators:\n{t}")?;
    Ok(())
}

/// The weights by dimension (the panel's, or the last year's).
fn print_weights(out: &RunOutput) -> Result<()> {
    let m = &out.model;
    if let Some(ws) = out.index.weight_sets.last() {
        let mut t = table(&["dimension", "indicator", "dir", "weight"]);
        // A dimension's total is the weight of every indicator below it, at
        // any depth of the tree (`parent`).
        let parent: Vec<Option<usize>> = out
            .spec
            .dimension
            .iter()
            .map(|d| {
                d.parent
                    .as_deref()
                    .and_then(|p| m.dimensions.iter().position(|x| x == p))
            })
            .collect();
        let mut totals = vec![0.0; m.dimensions.len()];
        for (j, &d) in m.dimension_of.iter().enumerate() {
            let mut at = Some(d);
            // a parent cycle is refused when the spec is read; the bound
            // only guards this loop
            for _ in 0..m.dimensions.len() {
                let Some(k) = at else { break };
                totals[k] += ws.weights[j];
                at = parent.get(k).copied().flatten();
            }
        }
        for (d, dim) in m.dimensions.iter().enumerate() {
            t.add_row(vec![
                dim.clone(),
                "(total)".into(),
                String::new(),
                fmt4(totals[d]),
            ]);
            for j in (0..m.indicators.len()).filter(|&j| m.dimension_of[j] == d) {
                t.add_row(vec![
                    String::new(),
                    m.indicators[j].clone(),
                    m.directions[j].symbol().into(),
                    fmt4(ws.weights[j]),
                ]);
            }
        }
        match ws.year {
            Some(y) => outln!("\nWeights ({y}):")?,
            None => outln!("\nWeights:")?,
        }
        outln!("{t}")?;
    }
    Ok(())
}

/// The mean, min and max composite per year.
fn print_yearly(out: &RunOutput) -> Result<()> {
    let mut t = table(&["year", "mean composite", "min", "max"]);
    for s in &out.yearly {
        t.add_row(vec![
            s.year.to_string(),
            fmt4(s.mean),
            fmt4(s.min),
            fmt4(s.max),
        ]);
    }
    outln!("\nComposite score by year:\n{t}")?;
    Ok(())
}

/// The top and bottom five regions of the last year with their dimension
/// scores.
fn print_top_bottom(out: &RunOutput) -> Result<()> {
    let m = &out.model;
    if let Some(last) = out.panel.years.len().checked_sub(1) {
        let order = rurban_results::stats::ranking(out.panel.regions.len(), |r| {
            out.index.composite[[r, last]]
        });
        let k = 5.min(order.len());
        let mut header = vec!["rank", "region", "composite"];
        header.extend(m.dimensions.iter().map(String::as_str));
        let mut t = table(&header);
        let row = |rank: usize, r: usize| {
            let mut row = vec![
                rank.to_string(),
                out.panel.regions[r].clone(),
                fmt4(out.index.composite[[r, last]]),
            ];
            row.extend(
                (0..m.dimensions.len()).map(|d| fmt4(out.index.dimension_scores[[r, last, d]])),
            );
            row
        };
        for (i, &r) in order.iter().enumerate().take(k) {
            t.add_row(row(i + 1, r));
        }
        if order.len() > 2 * k {
            t.add_row(vec!["...".to_string(); 3 + m.dimensions.len()]);
        }
        for (i, &r) in order
            .iter()
            .enumerate()
            .skip(k.max(order.len().saturating_sub(k)))
        {
            t.add_row(row(i + 1, r));
        }
        outln!("\nTop and bottom regions, {}:\n{t}", out.panel.years[last])?;
    }
    Ok(())
}
