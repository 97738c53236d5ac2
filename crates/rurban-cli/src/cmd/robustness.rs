//! `rurban robustness`: uncertainty and Sobol sensitivity analysis of the
//! index's ranking under the assumptions named in `[uncertainty]`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use rurban_pipeline::RunOptions;
use rurban_pipeline::outdir::{CommitOptions, Input, OutputSet};
use rurban_robust::{Design, Robustness, write_robustness, write_samples, write_sensitivity};

use crate::output::{Format, emit_json, fmt4, outln, print_warnings, table};
use crate::resolver::Resolver;

/// Arguments of `rurban robustness`.
#[derive(Debug, Args)]
pub struct RobustnessArgs {
    /// The index specification (TOML) with an `[uncertainty]` table.
    #[arg(value_name = "SPEC.toml")]
    pub spec: PathBuf,
    /// The base sample size N (overrides `[uncertainty] replications`).
    #[arg(long, allow_negative_numbers = true)]
    pub replications: Option<i64>,
    /// The seed of the design (overrides `[uncertainty] seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Data file (overrides the spec's `data`).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Study period FIRST-LAST, e.g. `2011-2020` (overrides the spec's
    /// `[data] years`).
    #[arg(long, value_name = "FIRST-LAST")]
    pub years: Option<rurban_spec::YearRange>,
    /// Output directory of robustness.csv and sensitivity.csv.
    #[arg(long, default_value = "rurban-out")]
    pub out: PathBuf,
    /// Write one row per run (uniforms, realised assumptions, y) to FILE.
    #[arg(long, value_name = "FILE")]
    pub samples_out: Option<PathBuf>,
    /// Output format of what is printed.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print nothing but warnings and errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

fn csv_of(
    f: impl FnOnce(&mut Vec<u8>) -> Result<(), rurban_robust::RobustError>,
) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    f(&mut buf)?;
    Ok(buf)
}

/// Writes `bytes` to `path` through a temporary file beside it, so the
/// file is complete or absent.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("--samples-out {}: not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create_new(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!("--samples-out {}: cannot write: {e}", path.display())
    })
}

/// The same file, by canonical path.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Runs `rurban robustness`.
pub fn run(args: RobustnessArgs, resolver: &mut Resolver) -> Result<()> {
    let spec = rurban_pipeline::read_spec(&args.spec)?;
    let plugin_files: Vec<_> = spec.plugins.iter().map(|p| spec.resolve(p)).collect();
    resolver.load_all(&plugin_files)?;
    let opts = RunOptions {
        data: args.data.clone(),
        years: args.years,
    };
    let data_file = rurban_pipeline::data_path(&spec, &opts)?;
    if let Some(s) = &args.samples_out {
        for (role, p) in [("spec", &args.spec), ("data file", &data_file)] {
            if same_file(s, p) {
                anyhow::bail!(
                    "--samples-out {} is the {role} {}: it would be overwritten",
                    s.display(),
                    p.display()
                );
            }
        }
    }
    let prepared =
        rurban_pipeline::robustness::prepare(&spec, &opts, resolver, args.replications, args.seed)?;
    let total = prepared.factors.runs() as u64;
    let bar = if args.quiet || args.format == Format::Json {
        indicatif::ProgressBar::hidden()
    } else {
        // indicatif draws on stderr only when it is a terminal
        indicatif::ProgressBar::new(total)
    };
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} runs, {per_sec}, ETA {eta}")
    {
        bar.set_style(style);
    }
    let progress = |done: usize, _total: usize| {
        if done.is_multiple_of(64) || done as u64 == total {
            bar.set_position(bar.position().max(done as u64));
        }
    };
    let result = prepared.analyse(args.samples_out.is_some(), &progress);
    bar.finish_and_clear();
    let (result, runs) = result?;

    let mut files = OutputSet::default();
    files.add("robustness.csv", csv_of(|b| write_robustness(b, &result))?);
    files.add(
        "sensitivity.csv",
        csv_of(|b| write_sensitivity(b, &result))?,
    );
    let mut inputs = vec![
        Input::new("data file", &data_file),
        Input::new("spec", &args.spec),
    ];
    for p in resolver.registry.list() {
        if let Some(f) = p.file {
            inputs.push(Input::new("plugin", f));
        }
    }
    let samples = match &args.samples_out {
        Some(_) => {
            let design = Design::new(&prepared.factors);
            Some(csv_of(|b| {
                write_samples(b, &prepared.factors, &design, &runs)
            })?)
        }
        None => None,
    };
    let committed = files.commit_with(
        &args.out,
        &CommitOptions {
            inputs,
            ..CommitOptions::default()
        },
    )?;
    if let (Some(path), Some(bytes)) = (&args.samples_out, &samples) {
        write_whole(path, bytes)?;
    }
    let mut warnings = prepared.warnings.clone();
    warnings.extend(result.warnings.iter().cloned());
    warnings.extend(committed.warnings);
    if args.format == Format::Json {
        emit_json(serde_json::to_value(&result)?, &warnings)?;
    } else {
        print_warnings(&warnings);
        if !args.quiet {
            print_human(&result, &args)?;
        }
    }
    Ok(())
}

fn opt4(x: Option<f64>) -> String {
    x.map(fmt4).unwrap_or_else(|| "-".into())
}

fn print_human(r: &Robustness, args: &RobustnessArgs) -> Result<()> {
    outln!(
        "{} runs (N = {}, {} factors: {}); mean rank shift y: mean {}, 90% interval [{}, {}]",
        r.runs,
        r.replications,
        r.factors.len(),
        r.factors.join(", "),
        fmt4(r.y.mean),
        fmt4(r.y.q05),
        fmt4(r.y.q95)
    )?;
    let mut t = table(&["factor", "first order", "total order"]);
    for s in &r.sensitivity {
        t.add_row(vec![
            s.factor.clone(),
            opt4(s.first_order),
            opt4(s.total_order),
        ]);
    }
    outln!("\nSensitivity of the mean rank shift:\n{t}")?;
    if let Some(last) = r.ranks.iter().map(|x| x.year).max() {
        let mut rows: Vec<_> = r.ranks.iter().filter(|x| x.year == last).collect();
        rows.sort_by_key(|x| x.nominal);
        let mut t = table(&["region", "nominal", "median", "5%", "95%", "mean |shift|"]);
        for x in rows {
            t.add_row(vec![
                x.region.clone(),
                x.nominal.to_string(),
                fmt4(x.median),
                fmt4(x.q05),
                fmt4(x.q95),
                fmt4(x.mean_abs_shift),
            ]);
        }
        outln!("\nRanks in {last} under uncertainty:\n{t}")?;
    }
    let mut written = vec![
        args.out.join("robustness.csv").display().to_string(),
        args.out.join("sensitivity.csv").display().to_string(),
    ];
    if let Some(s) = &args.samples_out {
        written.push(s.display().to_string());
    }
    outln!("\nWrote {}", written.join(", "))?;
    Ok(())
}
