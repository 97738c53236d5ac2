//! `rurban report`: render report.html and results.xlsx from a run's summary.json.

use crate::output::outln;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use rurban_pipeline::outdir::{CommitOptions, Input, OutputSet};

/// Arguments of `rurban report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The output directory of a run (holding summary.json).
    #[arg(value_name = "OUT_DIR")]
    pub dir: PathBuf,
    /// Do not write results.xlsx.
    #[arg(long)]
    pub no_xlsx: bool,
    /// Language of report.html and of results.xlsx's sheet names, headers
    /// and findings: `en` (English) or `zh` (Chinese). Default: the
    /// `[report] lang` of the run's specification when it can still be
    /// read, else English.
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<rurban_report::Lang>,
    /// What is printed: a line, or with `json` one JSON document
    /// `{dir, files, warnings}`.
    #[arg(long, value_enum, default_value_t = crate::output::Format::Human)]
    pub format: crate::output::Format,
}

/// `--lang`: `en` or `zh` (case-insensitive).
pub fn parse_lang(s: &str) -> Result<rurban_report::Lang, rurban_report::UnknownLang> {
    s.parse()
}

/// The report language of a specification's `[report] lang` (English when
/// unset).
pub fn spec_lang(spec: &rurban_spec::Spec) -> rurban_report::Lang {
    spec.report
        .lang
        .as_deref()
        .and_then(|l| l.parse().ok())
        .unwrap_or_default()
}

/// Adds `report.html` and/or `results.xlsx` rendered from `summary`. The
/// maps are drawn from `maps` when given (`rurban run` builds them from
/// its geometry), else reopened from the GeoJSON the summary names.
pub fn add_renderings(
    files: &mut OutputSet,
    summary: &rurban_results::Summary,
    maps: Option<&rurban_report::MapsInput>,
    html: bool,
    xlsx: bool,
    lang: rurban_report::Lang,
) -> Result<()> {
    // One check of the summary for both; the two render side by side.
    let out = rurban_report::render_both(summary, maps, lang, html, xlsx).context(if html {
        "cannot render report.html"
    } else {
        "cannot write results.xlsx"
    })?;
    if let Some(page) = out.html {
        files.add(
            "report.html",
            page.context("cannot render report.html")?.into_bytes(),
        );
    }
    if let Some(book) = out.xlsx {
        files.add("results.xlsx", book.context("cannot write results.xlsx")?);
    }
    Ok(())
}

/// Runs `rurban report`.
pub fn run(args: ReportArgs) -> Result<()> {
    let path = args.dir.join("summary.json");
    let bytes = rurban_core::table::read_input(&path, rurban_core::table::MAX_TABLE_BYTES)?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("{}: cannot read the run's summary", path.display()))?;
    // Straight into the typed summary (no JSON tree of a county's obstacle
    // rows); the text is dropped before rendering.
    let summary = match rurban_report::read_summary_str(&text) {
        Ok(s) => s,
        Err(rurban_report::SummaryTextError::Json(e)) => {
            return Err(anyhow::Error::new(e)
                .context(format!("{}: not a valid summary.json", path.display())));
        }
        Err(rurban_report::SummaryTextError::Report(e)) => {
            return Err(anyhow::Error::new(e).context(path.display().to_string()));
        }
    };
    drop(text);
    // --lang, else the spec's [report] lang when the spec is still there.
    let lang = args.lang.unwrap_or_else(|| {
        summary
            .spec
            .as_deref()
            .map(std::path::Path::new)
            .filter(|p| p.is_file())
            .and_then(|p| rurban_pipeline::read_spec(p).ok())
            .map_or_else(rurban_report::Lang::default, |s| spec_lang(&s))
    });
    let mut files = OutputSet::default();
    add_renderings(&mut files, &summary, None, true, !args.no_xlsx, lang)
        .with_context(|| path.display().to_string())?;
    // The run's other files and their manifest entries stay.
    let committed = files.commit_with(
        &args.dir,
        &CommitOptions {
            inputs: vec![Input::new("summary", &path)],
            ..CommitOptions::default()
        },
    )?;
    if args.format == crate::output::Format::Json {
        let doc = serde_json::json!({
            "dir": args.dir.display().to_string(),
            "files": files.names(),
        });
        return crate::output::emit_json(doc, &committed.warnings);
    }
    crate::output::print_warnings(&committed.warnings);
    outln!(
        "Wrote {} into {}",
        files.names().join(", "),
        args.dir.display()
    )?;
    Ok(())
}
