//! The report of a `rurban run`: renders the run's summary (the typed
//! [`rurban_results::Summary`], or `summary.json` read into it) into one
//! self-contained `report.html` and into `results.xlsx`.
//!
//! * [`render_html`] writes a single HTML document with inline CSS and inline
//!   SVG charts (drawn with plotters' SVG backend; no script, no web font, no
//!   external resource), so it opens from disk in any browser and prints
//!   cleanly. SVG text uses the font stack
//!   `"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimSun", sans-serif`,
//!   because region and indicator names are often Chinese.
//! * [`render_xlsx`] writes the workbook an Excel user works with: the
//!   findings, the index system, the weights, the scores with their ranks,
//!   the analysis tables and the imputed cells, one table per worksheet
//!   (bold frozen header row, autofilter, numbers stored as numbers and
//!   formatted, widths that fit CJK text), in constant memory;
//!   [`render_xlsx_summary_in`] names its sheets and headers in the
//!   report's language.
//!
//! Both tolerate a summary whose `analysis` or `findings` sections (or parts
//! of them) are absent: what is there is rendered, and the report names the
//! sections that were not run. A section that is present but malformed is an
//! error naming the field; parts that contradict each other (a score of an
//! unknown region, a year listed twice, merges that do not build a tree)
//! are errors too.
//!
//! The charts compute little of their own; what they do compute:
//! * the yearly mean composite, `mean_r x_ry` over regions with a value
//!   (`rurban_results::stats::yearly`, the same statistics the run prints);
//! * beta convergence points `ln x_r,t0` and `g_r = ln(x_r,T / x_r,t0) / (T - t0)`
//!   from the composite scores, and, when the summary carries only the slope
//!   `b`, the OLS intercept `a = mean(g) - b mean(ln x0)`;
//! * the dendrogram layout from SciPy-convention merges `[a, b, height, size]`
//!   (rows 0..n-1, merged clusters n+i), leaves in the order
//!   `scipy.cluster.hierarchy.dendrogram` draws them, and the cut height for
//!   `k` clusters halfway between the (k-1)-th and k-th highest merges.
//!
//! The maps (choropleth, tiers, LISA clusters, centre of gravity) are drawn
//! by [`maps`] from their own input, [`MapsInput`] (defined in
//! `rurban_results::maps`, re-exported here), in the section "Maps and
//! spatial structure" when the summary has a `spatial` object.
//!
//! See `docs/report.md` for every chart and table.

mod charts;
mod construction;
mod draw;
mod fmt;
mod html;
mod i18n;
pub mod maps;
mod model;
mod read;
mod xlsx;

#[cfg(test)]
mod fixture_tests;

pub use i18n::{Lang, UnknownLang};
pub use maps::{
    Choropleth, Gravity, GravityPoint, Lisa, LisaRegion, MapFigure, MapsInput, Quadrant,
    RegionShape, Tiers, YearValues, maps_figures, maps_section,
};

/// What can go wrong when rendering a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A field the report needs is absent.
    #[error("summary.json: `{path}` is missing")]
    Missing {
        /// Where in the summary, e.g. `analysis.kde.groups[2].density`.
        path: String,
    },
    /// A field has the wrong type.
    #[error("summary.json: `{path}` should be {expected}, found {found}")]
    Invalid {
        /// Where in the summary.
        path: String,
        /// What the field should be.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// Fields contradict each other (an unknown region, a duplicate year, a
    /// merge of a cluster that does not exist, ...).
    #[error("summary.json: {0}")]
    Inconsistent(String),
    /// A chart could not be drawn.
    #[error("cannot draw {figure}: {message}")]
    Chart {
        /// The figure id.
        figure: String,
        /// What went wrong.
        message: String,
    },
    /// The workbook could not be written.
    #[error("cannot write results.xlsx: {0}")]
    Xlsx(String),
}

/// Reads a run's `summary.json` (as JSON) into the typed summary; an error
/// names the field and what is wrong with it.
pub fn read_summary(summary: &serde_json::Value) -> Result<rurban_results::Summary, ReportError> {
    read::summary(summary)
}

pub use read::SummaryTextError;

/// Reads a run's `summary.json` from its text into the typed summary without
/// a `serde_json::Value` of the whole (a county's summary is mostly obstacle
/// rows, streamed into columns). The errors are those of [`read_summary`]
/// on the parsed text, or the JSON syntax error.
pub fn read_summary_str(text: &str) -> Result<rurban_results::Summary, SummaryTextError> {
    read::summary_text(text)
}

/// The maps of a report's spatial section: drawn from their input, or
/// replaced by a note saying why they cannot be drawn.
#[derive(Debug, Clone, Copy)]
pub enum Maps<'a> {
    /// The maps input (geometry and layers).
    Input(&'a MapsInput),
    /// Why there are no maps (e.g. the GeoJSON is gone).
    Unavailable(&'a str),
}

/// Rebuilds the maps input of a summary with a `spatial` object: reopens
/// the GeoJSON it names (`spatial.geometry.file`, relative to the directory
/// of the summary's `spec`, or absolute) keyed by `spatial.geometry.key`
/// through `rurban_geo`, and draws the composite of the summary's scores,
/// the tiers of its findings, and its LISA and centre of gravity. `None`
/// without a `spatial` object; an error (as text, for the report's note)
/// when the file cannot be read or no longer holds the regions.
pub fn reopen_maps(summary: &rurban_results::Summary) -> Option<Result<MapsInput, String>> {
    summary.spatial.as_ref()?;
    match model::Summary::check(summary) {
        Ok(c) => reopen_maps_checked(summary, &c),
        Err(e) => Some(Err(e.to_string())),
    }
}

/// [`reopen_maps`] with the summary already checked (its composite grid).
fn reopen_maps_checked(
    summary: &rurban_results::Summary,
    checked: &model::Summary,
) -> Option<Result<MapsInput, String>> {
    let sp = summary.spatial.as_ref()?;
    let file = std::path::Path::new(&sp.geometry.file);
    // The absolute path the run read, when it is still there; else the
    // spec's own path, resolved against the spec's directory.
    let resolved = sp
        .geometry
        .resolved
        .as_deref()
        .map(std::path::Path::new)
        .filter(|p| p.is_file());
    let path = if let Some(p) = resolved {
        p.to_path_buf()
    } else if file.is_absolute() {
        file.to_path_buf()
    } else {
        let base = summary
            .spec
            .as_deref()
            .and_then(|p| std::path::Path::new(p).parent())
            .unwrap_or(std::path::Path::new(""));
        base.join(file)
    };
    let geography =
        match rurban_geo::Geography::open(&path, Some(&sp.geometry.key), &summary.regions) {
            Ok(g) => g,
            Err(e) => return Some(Err(e.to_string())),
        };
    let tiers: Option<std::collections::BTreeMap<String, u32>> = summary
        .findings
        .as_ref()
        .filter(|f| !f.tiers.is_empty())
        .map(|f| {
            f.tiers
                .iter()
                .map(|t| (t.region.clone(), t.tier as u32))
                .collect()
        });
    Some(Ok(rurban_results::spatial::maps_input(
        sp,
        &geography,
        &summary.regions,
        &summary.years,
        |r, y| checked.composite[r][y],
        tiers.as_ref(),
    )))
}

/// Renders a typed summary as one self-contained HTML document (see
/// [`render_html`]). With a `spatial` object, the maps are redrawn from the
/// GeoJSON it names ([`reopen_maps`]); when that fails, the maps are
/// replaced by a note and the rest is rendered.
pub fn render_html_summary(summary: &rurban_results::Summary) -> Result<String, ReportError> {
    render_html_summary_in(summary, Lang::En)
}

/// [`render_html_summary`] in the language `lang`.
pub fn render_html_summary_in(
    summary: &rurban_results::Summary,
    lang: Lang,
) -> Result<String, ReportError> {
    match reopen_maps(summary) {
        None => render_html_with_maps_in(summary, None, lang),
        Some(Ok(input)) => render_html_with_maps_in(summary, Some(Maps::Input(&input)), lang),
        Some(Err(e)) => {
            let note = lang.fill("missing.maps_error", &[("error", &e)]);
            render_html_with_maps_in(summary, Some(Maps::Unavailable(&note)), lang)
        }
    }
}

/// Renders a typed summary with the maps given (as `rurban run` does, which
/// has the geometry at hand); `None` draws no maps.
pub fn render_html_with_maps(
    summary: &rurban_results::Summary,
    maps: Option<Maps<'_>>,
) -> Result<String, ReportError> {
    render_html_with_maps_in(summary, maps, Lang::En)
}

/// [`render_html_with_maps`] in the language `lang`: every heading,
/// caption, table header and note of the page in that language; the
/// findings it knows rewritten from their typed parts, any other finding in
/// its English sentence.
pub fn render_html_with_maps_in(
    summary: &rurban_results::Summary,
    maps: Option<Maps<'_>>,
    lang: Lang,
) -> Result<String, ReportError> {
    let mut checked = model::Summary::check(summary)?;
    checked.lang = lang;
    html::page(&checked, maps)
}

/// Renders a typed summary as an XLSX workbook (see [`render_xlsx`]).
pub fn render_xlsx_summary(summary: &rurban_results::Summary) -> Result<Vec<u8>, ReportError> {
    render_xlsx_summary_in(summary, Lang::En)
}

/// [`render_xlsx_summary`] in the language `lang`: the sheet names and
/// header cells in that language and the findings as the report writes
/// them; the data cells (names, ids, codes, numbers) and the run's warnings
/// as the summary has them. English gives the very workbook of
/// [`render_xlsx_summary`].
pub fn render_xlsx_summary_in(
    summary: &rurban_results::Summary,
    lang: Lang,
) -> Result<Vec<u8>, ReportError> {
    let mut checked = model::Summary::check(summary)?;
    checked.lang = lang;
    xlsx::workbook(&checked, summary)
}

/// The report and the workbook of one summary, as [`render_both`] returns
/// them: each present when asked for, each with its own result.
#[derive(Debug)]
pub struct Renderings {
    /// `report.html` ([`render_html_with_maps_in`]), when asked for.
    pub html: Option<Result<String, ReportError>>,
    /// `results.xlsx` ([`render_xlsx_summary_in`]), when asked for.
    pub xlsx: Option<Result<Vec<u8>, ReportError>>,
}

/// Renders the report (when `html`) and the workbook (when `xlsx`) of one
/// typed summary, the same documents as [`render_html_with_maps_in`] and
/// [`render_xlsx_summary_in`], both in `lang`, from one check of the
/// summary (on a large panel the check copies much of it), the two side by
/// side on two threads. The
/// maps are drawn from `maps` when given, else reopened from the GeoJSON
/// the summary names (as [`render_html_summary_in`] does). An error of the
/// check, which both share, is the outer error.
pub fn render_both(
    summary: &rurban_results::Summary,
    maps: Option<&MapsInput>,
    lang: Lang,
    html: bool,
    xlsx: bool,
) -> Result<Renderings, ReportError> {
    if !html && !xlsx {
        return Ok(Renderings {
            html: None,
            xlsx: None,
        });
    }
    // The English workbook's first sheets need only the typed summary: they
    // are written on the second thread while this one checks the summary
    // (another language waits for the check to rewrite the findings).
    let slot: std::sync::OnceLock<model::Summary> = std::sync::OnceLock::new();
    let (ready, wait) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let book = xlsx.then(|| {
            let slot = &slot;
            scope.spawn(move || {
                xlsx::workbook_when_checked(summary, lang, || {
                    wait.recv().ok()?;
                    slot.get()
                })
            })
        });
        let mut checked = match model::Summary::check(summary) {
            Ok(c) => c,
            Err(e) => {
                // The workbook's thread stops at the check.
                drop(ready);
                return Err(e);
            }
        };
        checked.lang = lang;
        let checked = slot.get_or_init(|| checked);
        // The receiver is gone only if the thread is, which join reports.
        let _ = ready.send(());
        let page = html.then(|| match maps {
            Some(m) => html::page(checked, Some(Maps::Input(m))),
            None => match reopen_maps_checked(summary, checked) {
                None => html::page(checked, None),
                Some(Ok(input)) => html::page(checked, Some(Maps::Input(&input))),
                Some(Err(e)) => {
                    let note = lang.fill("missing.maps_error", &[("error", &e)]);
                    html::page(checked, Some(Maps::Unavailable(&note)))
                }
            },
        });
        let book = book.map(|h| {
            h.join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
                .and_then(|b| {
                    b.ok_or_else(|| ReportError::Xlsx("the summary was not checked".into()))
                })
        });
        Ok(Renderings {
            html: page,
            xlsx: book,
        })
    })
}

/// Renders a run's `summary.json` as one self-contained HTML document.
///
/// The figures are `<figure id="fig-...">` elements whose `<svg>` has the id
/// `fig-...-svg`: fig-weights, fig-composite, fig-heatmap, fig-dimensions,
/// fig-kde, fig-disparity, fig-dagum (only with groups), fig-beta, fig-grey,
/// fig-dendrogram, each present when its data is.
pub fn render_html(summary: &serde_json::Value) -> Result<String, ReportError> {
    render_html_summary(&read::summary(summary)?)
}

/// Renders a run's `summary.json` as an XLSX workbook (the file's bytes).
pub fn render_xlsx(summary: &serde_json::Value) -> Result<Vec<u8>, ReportError> {
    render_xlsx_summary(&read::summary(summary)?)
}
