//! The report's charts. Each function returns a [`Figure`]: the finished
//! `<svg>` (drawn with plotters, layers grouped as `<g class="...">`) and a
//! caption that states what the chart shows and the numbers behind it.

mod distribution;
mod index;
mod relations;
pub(crate) mod robustness;

pub(crate) use distribution::{dagum, disparity, kde};
pub(crate) use index::{composite, dimensions, heatmap, weights};
#[cfg(test)]
pub(crate) use relations::leaf_order;
pub(crate) use relations::{beta, beta_intercept, beta_points, dendrogram, grey};

/// Above this many regions the charts with one mark per region aggregate:
/// the composite chart draws percentile bands instead of one line per region,
/// the heatmap bins regions by rank, the dimension chart shows the top and
/// bottom regions, the dendrogram is truncated (SciPy's `lastp`) and the
/// per-region tables list the top and bottom regions only.
pub(crate) const MANY_REGIONS: usize = 60;
/// Above this many regions the composite chart draws the regions as thin
/// grey lines and highlights the top and bottom [`EXTREMES`].
pub(crate) const HIGHLIGHT_REGIONS: usize = 15;
/// Regions highlighted at each end of the composite chart.
pub(crate) const EXTREMES: usize = 5;

/// The index of each region name in `regions` (the first, were a name
/// listed twice): one lookup instead of a scan of every region per name.
pub(crate) fn region_index(regions: &[String]) -> std::collections::HashMap<&str, usize> {
    let mut m = std::collections::HashMap::with_capacity(regions.len());
    for (i, r) in regions.iter().enumerate() {
        m.entry(r.as_str()).or_insert(i);
    }
    m
}

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::ReportError;
use crate::draw::{Area, DrawResult, GRID, INK, MUTED, begin, end, font};

/// A finished chart.
#[derive(Debug, Clone)]
pub(crate) struct Figure {
    /// `fig-...`: the id of the `<figure>`; the `<svg>` is `fig-...-svg`.
    pub id: &'static str,
    /// Short title (also the SVG `<title>`).
    pub title: String,
    /// The `<svg>` element.
    pub svg: String,
    /// Caption text (plain text, escaped when written).
    pub caption: String,
}

/// A figure from the data of a chart: the drawing and the caption both come
/// from `data` alone.
pub(crate) fn figure<D>(
    id: &'static str,
    title: impl Into<String>,
    data: &D,
    svg: impl Fn(&D) -> Result<String, ReportError>,
    caption: impl Fn(&D) -> String,
) -> Result<Figure, ReportError> {
    Ok(Figure {
        id,
        title: title.into(),
        svg: svg(data)?,
        caption: caption(data),
    })
}

/// A chart on two f64 axes.
pub(crate) type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// One axis of [`mesh`].
pub(crate) struct Axis<'f> {
    /// Axis title with unit.
    pub desc: String,
    /// Maximum number of tick labels (0: none).
    pub labels: usize,
    /// Draw grid lines at the ticks.
    pub grid: bool,
    /// Tick label text.
    pub fmt: &'f dyn Fn(&f64) -> String,
}

impl Axis<'static> {
    /// An axis drawn without title, tick labels or grid (e.g. the category
    /// axis of a bar chart, whose rows are labelled by hand).
    pub(crate) fn hidden() -> Self {
        fn no_label(_: &f64) -> String {
            String::new()
        }
        Axis {
            desc: String::new(),
            labels: 0,
            grid: false,
            fmt: &no_label,
        }
    }
}

/// Draws axes, ticks, grid and axis titles in the report's style, as the
/// group `axes`.
pub(crate) fn mesh(root: &Area, chart: &mut Chart, x: &Axis, y: &Axis) -> DrawResult {
    begin(root, "axes")?;
    let mut m = chart.configure_mesh();
    m.axis_style(INK.stroke_width(1))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .max_light_lines(0)
        .label_style(font(11.5).color(&MUTED))
        .axis_desc_style(font(12.5))
        .x_labels(x.labels)
        .y_labels(y.labels)
        .x_label_formatter(x.fmt)
        .y_label_formatter(y.fmt);
    if !x.desc.is_empty() {
        m.x_desc(x.desc.clone());
    }
    if !y.desc.is_empty() {
        m.y_desc(y.desc.clone());
    }
    if !x.grid {
        m.disable_x_mesh();
    }
    if !y.grid {
        m.disable_y_mesh();
    }
    m.draw()?;
    end(root)?;
    Ok(())
}

/// Tick labels for years: whole numbers only (fractional ticks stay blank).
pub(crate) fn year_label(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{:.0}", v)
    } else {
        String::new()
    }
}

/// x range for a run of years, padded so end points do not sit on the frame.
pub(crate) fn year_range(years: &[f64], pad: f64) -> (f64, f64) {
    let lo = years.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = years.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-9 {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo - pad, hi + pad)
    }
}

/// The year of a group key ("2015"), if it is one.
pub(crate) fn key_year(k: &str) -> Option<f64> {
    k.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}
