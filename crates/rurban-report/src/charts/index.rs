//! Charts of the index itself: weights, composite over time, heatmap,
//! dimension scores.
//!
//! Each chart is three pieces: a data function (the numbers the chart shows,
//! as a plain struct), a caption function (text from that data alone) and an
//! SVG function (the drawing from that data). The entry point the page calls
//! joins them into a [`Figure`].

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Axis, Chart, Figure, figure, mesh, year_label, year_range};
use crate::ReportError;
use crate::draw::{
    Area, DrawResult, INK, LegendItem, MUTED, NEUTRAL, begin, bold, category_colour, end, font,
    heat_colour, is_dark, legend, padded, render, series_colour, spread_labels, text, text_width,
};
use crate::fmt::{decimals_for, fx, pct, signed};
use crate::i18n::Lang;
use crate::model::Summary;

const WIDTH: u32 = 920;

// ---------------------------------------------------------------- weights

/// One row of the weights chart, from the top.
#[derive(Debug, Clone)]
pub(crate) enum WeightRow {
    /// A dimension header with the sum of its indicators' weights.
    Header {
        name: String,
        total: f64,
        dim: usize,
    },
    /// An indicator bar: the weight shown and, with yearly weights, the
    /// smallest and largest yearly weight.
    Bar {
        name: String,
        weight: f64,
        lo: f64,
        hi: f64,
        dim: usize,
    },
}

/// What the weights chart shows.
#[derive(Debug, Clone)]
pub(crate) struct WeightsData {
    /// Headers and bars from the top.
    pub rows: Vec<WeightRow>,
    /// Name of the weighting method.
    pub method: String,
    /// Weights were computed per year (bars are means, whiskers ranges).
    pub yearly: bool,
    /// Largest finite weight, yearly weights included (0 if none).
    pub largest: f64,
}

impl WeightsData {
    /// `(dimension, total)` in order.
    fn totals(&self) -> impl Iterator<Item = (&str, f64)> {
        self.rows.iter().filter_map(|r| match r {
            WeightRow::Header { name, total, .. } => Some((name.as_str(), *total)),
            WeightRow::Bar { .. } => None,
        })
    }

    /// `(indicator, weight)` in order.
    fn bars(&self) -> impl Iterator<Item = (&str, f64)> {
        self.rows.iter().filter_map(|r| match r {
            WeightRow::Bar { name, weight, .. } => Some((name.as_str(), *weight)),
            WeightRow::Header { .. } => None,
        })
    }
}

/// The text of a dimension header row.
fn header_label(name: &str, total: f64) -> String {
    format!("{name} (Σ {})", fx(total, 3))
}

/// The weights of a summary, grouped by dimension.
pub(crate) fn weights_data(s: &Summary) -> WeightsData {
    let mut rows = Vec::new();
    for (d, dim) in s.dimensions.iter().enumerate() {
        let ws: Vec<(f64, f64, f64)> = dim.indicators.iter().map(|i| s.shown_weight(i)).collect();
        let total: f64 = ws.iter().map(|w| w.0).filter(|w| w.is_finite()).sum();
        rows.push(WeightRow::Header {
            name: dim.name.clone(),
            total,
            dim: d,
        });
        for (ind, w) in dim.indicators.iter().zip(&ws) {
            rows.push(WeightRow::Bar {
                name: ind.name.clone(),
                weight: w.0,
                lo: w.1,
                hi: w.2,
                dim: d,
            });
        }
    }
    let mut data = WeightsData {
        rows,
        method: s
            .method
            .weighting
            .clone()
            .unwrap_or_else(|| "unnamed".into()),
        yearly: !s.year_weights.is_empty(),
        largest: 0.0,
    };
    let yearly = s
        .year_weights
        .iter()
        .flat_map(|y| y.weights.values().copied());
    data.largest = data
        .bars()
        .map(|w| w.1)
        .chain(yearly)
        .filter(|w| w.is_finite())
        .fold(0.0, f64::max);
    data
}

/// The caption of the weights chart.
pub(crate) fn weights_caption(d: &WeightsData, lang: Lang) -> String {
    let all: Vec<(&str, f64)> = d.bars().collect();
    let nind = all.len();
    let finite: Vec<&(&str, f64)> = all.iter().filter(|w| w.1.is_finite()).collect();
    let top = finite.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let low = finite.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    let sum: f64 = finite.iter().map(|w| w.1).sum();
    let method = lang.method_name(&d.method);
    let mut caption = lang.fill(
        if d.yearly {
            "weights.cap.yearly"
        } else {
            "weights.cap"
        },
        &[("n", &nind), ("method", &method)],
    );
    caption.push_str(
        &lang.fill(
            "weights.cap.totals",
            &[(
                "totals",
                &d.totals()
                    .map(|(n, t)| format!("{n} {}", fx(t, 3)))
                    .collect::<Vec<_>>()
                    .join(lang.list_sep()),
            )],
        ),
    );
    if let (Some(t), Some(l)) = (top, low) {
        caption.push_str(&lang.fill(
            "weights.cap.extremes",
            &[
                ("top", &t.0),
                ("tv", &fx(t.1, 3)),
                ("low", &l.0),
                ("lv", &fx(l.1, 3)),
                ("sum", &fx(sum, 3)),
            ],
        ));
    }
    caption
}

const WEIGHT_LABEL_PX: f64 = 12.0;

/// The weights chart as SVG.
pub(crate) fn weights_svg(d: &WeightsData, l: Lang) -> Result<String, ReportError> {
    let left = d
        .rows
        .iter()
        .map(|r| match r {
            WeightRow::Header { name, total, .. } => {
                text_width(&header_label(name, *total), WEIGHT_LABEL_PX) + 14.0
            }
            WeightRow::Bar { name, .. } => text_width(name, WEIGHT_LABEL_PX) + 26.0,
        })
        .fold(120.0, f64::max)
        .min(420.0)
        .ceil() as u32;
    let row_h = 22u32;
    let nrows = d.rows.len();
    let height = nrows as u32 * row_h + 16 + 50;
    let xmax = d.largest.max(1e-9) * 1.16;
    let xdec = decimals_for(xmax);
    let xfmt = move |v: &f64| fx(*v, xdec);
    render(
        "fig-weights",
        l.t("weights.title"),
        (WIDTH, height),
        |root| {
            let mut chart = ChartBuilder::on(root)
                .margin_top(16)
                .margin_right(24)
                .margin_left(0)
                .x_label_area_size(50)
                .y_label_area_size(left)
                .build_cartesian_2d(0.0..xmax, -0.5..(nrows as f64 - 0.5))?;
            let x = Axis {
                desc: l.t("axis.weight").into(),
                labels: 8,
                grid: true,
                fmt: &xfmt,
            };
            mesh(root, &mut chart, &x, &Axis::hidden())?;
            weight_bars(root, &mut chart, d)?;
            if d.yearly {
                weight_ranges(root, &mut chart, d)?;
            }
            weight_labels(root, &chart, d)
        },
    )
}

/// The y coordinate of row `k` of `n` (row 0 at the top).
fn row_y(n: usize, k: usize) -> f64 {
    (n - 1 - k) as f64
}

/// Layer `bars`: one bar per indicator in its dimension's colour.
fn weight_bars(root: &Area, chart: &mut Chart, d: &WeightsData) -> DrawResult {
    let n = d.rows.len();
    begin(root, "bars")?;
    for (k, r) in d.rows.iter().enumerate() {
        if let WeightRow::Bar { weight, dim, .. } = r
            && weight.is_finite()
        {
            let c = category_colour(*dim);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, row_y(n, k) - 0.32), (*weight, row_y(n, k) + 0.32)],
                c.filled(),
            )))?;
        }
    }
    end(root)
}

/// Layer `ranges`: whiskers from the smallest to the largest yearly weight.
fn weight_ranges(root: &Area, chart: &mut Chart, d: &WeightsData) -> DrawResult {
    let n = d.rows.len();
    begin(root, "ranges")?;
    for (k, r) in d.rows.iter().enumerate() {
        if let WeightRow::Bar { lo, hi, .. } = r
            && lo.is_finite()
            && hi.is_finite()
        {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*lo, row_y(n, k)), (*hi, row_y(n, k))],
                INK.stroke_width(1),
            )))?;
        }
    }
    end(root)
}

/// Layer `labels`: dimension headers with swatches, indicator names and the
/// weight at the end of each bar.
fn weight_labels(root: &Area, chart: &Chart, d: &WeightsData) -> DrawResult {
    let n = d.rows.len();
    begin(root, "labels")?;
    let (px_range, _) = chart.plotting_area().get_pixel_range();
    let x0 = px_range.start;
    for (k, r) in d.rows.iter().enumerate() {
        let (_, py) = chart.backend_coord(&(0.0, row_y(n, k)));
        match r {
            WeightRow::Header { name, total, dim } => {
                let c = category_colour(*dim);
                root.draw(&Rectangle::new([(8, py - 5), (18, py + 5)], c.filled()))?;
                text(
                    root,
                    &header_label(name, *total),
                    (24, py),
                    &bold(WEIGHT_LABEL_PX),
                    HPos::Left,
                    VPos::Center,
                )?;
            }
            WeightRow::Bar {
                name, weight, hi, ..
            } => {
                text(
                    root,
                    name,
                    (x0 - 8, py),
                    &font(WEIGHT_LABEL_PX),
                    HPos::Right,
                    VPos::Center,
                )?;
                let end_x = if d.yearly && hi.is_finite() {
                    hi.max(*weight)
                } else {
                    *weight
                };
                if weight.is_finite() {
                    let (bx, _) = chart.backend_coord(&(end_x, 0.0));
                    text(
                        root,
                        &fx(*weight, 3),
                        (bx + 5, py),
                        &font(11.0).color(&MUTED),
                        HPos::Left,
                        VPos::Center,
                    )?;
                }
            }
        }
    }
    end(root)
}

/// Weights as horizontal bars, grouped by dimension (fig-weights).
pub(crate) fn weights(s: &Summary) -> Result<Figure, ReportError> {
    let l = s.lang;
    figure(
        "fig-weights",
        l.t("weights.title"),
        &weights_data(s),
        |d| weights_svg(d, l),
        |d| weights_caption(d, l),
    )
}

// ---------------------------------------------------------------- composite

/// What the composite-over-time chart shows.
#[derive(Debug, Clone)]
pub(crate) struct CompositeData<'a> {
    /// Region names, one per row of `scores`.
    pub regions: &'a [String],
    /// The years, one per column of `scores` (at least one).
    pub years: &'a [i64],
    /// Composite score, region x year (NaN: no score).
    pub scores: &'a [Vec<f64>],
    /// Cross-region mean per year.
    pub mean: Vec<f64>,
}

/// The composite scores of a summary over the years.
pub(crate) fn composite_data(s: &Summary) -> CompositeData<'_> {
    CompositeData {
        regions: &s.regions,
        years: &s.years,
        scores: &s.composite,
        mean: s.yearly_mean(),
    }
}

/// How the composite chart draws the regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompositeMode {
    /// Every region a coloured, labelled line (at most
    /// [`HIGHLIGHT_REGIONS`](super::HIGHLIGHT_REGIONS) regions).
    Every,
    /// Every region a thin grey line, the top and bottom regions coloured
    /// and labelled (up to [`MANY_REGIONS`](super::MANY_REGIONS)).
    Highlight,
    /// Percentile bands (10-90, 25-75) and the median instead of one line per
    /// region, the top and bottom regions coloured and labelled.
    Bands,
}

impl CompositeMode {
    /// The mode for `n` regions.
    pub(crate) fn for_regions(n: usize) -> Self {
        if n <= super::HIGHLIGHT_REGIONS {
            CompositeMode::Every
        } else if n <= super::MANY_REGIONS {
            CompositeMode::Highlight
        } else {
            CompositeMode::Bands
        }
    }
}

/// The top and bottom [`EXTREMES`](super::EXTREMES) regions by their last
/// score, highest first (all regions, highest first, when there are few).
fn extremes(d: &CompositeData) -> Vec<usize> {
    let ny = d.years.len();
    let last: Vec<f64> = d
        .scores
        .iter()
        .map(|row| {
            (0..ny)
                .rev()
                .map(|y| row[y])
                .find(|v| v.is_finite())
                .unwrap_or(f64::NAN)
        })
        .collect();
    let order: Vec<usize> = order_by(&last)
        .into_iter()
        .filter(|&r| last[r].is_finite())
        .collect();
    let k = super::EXTREMES;
    if order.len() <= 2 * k {
        return order;
    }
    let mut out = order[..k].to_vec();
    out.extend_from_slice(&order[order.len() - k..]);
    out
}

/// Percentile `q` (0-100, linear interpolation as numpy's default) of the
/// finite values; NaN when there is none.
pub(crate) fn percentile(values: &mut Vec<f64>, q: f64) -> f64 {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let pos = q / 100.0 * (values.len() - 1) as f64;
    let (i, f) = (pos.floor() as usize, pos - pos.floor());
    if i + 1 < values.len() {
        values[i] + f * (values[i + 1] - values[i])
    } else {
        values[i]
    }
}

/// Percentile `q` of the regions' scores in each year.
fn yearly_percentile(d: &CompositeData, q: f64) -> Vec<f64> {
    (0..d.years.len())
        .map(|y| {
            let mut v: Vec<f64> = d.scores.iter().map(|row| row[y]).collect();
            percentile(&mut v, q)
        })
        .collect()
}

/// The caption of the composite chart.
pub(crate) fn composite_caption(d: &CompositeData, l: Lang) -> String {
    let n = d.regions.len();
    let ny = d.years.len();
    let (y0, y1) = (d.years[0], d.years[ny - 1]);
    let mode = CompositeMode::for_regions(n);
    let key = match mode {
        CompositeMode::Every => "composite.cap.every",
        CompositeMode::Highlight => "composite.cap.highlight",
        CompositeMode::Bands => "composite.cap.bands",
    };
    let k = super::EXTREMES;
    let mut caption = l.fill(key, &[("n", &n), ("y0", &y0), ("y1", &y1), ("k", &k)]);
    caption.push(' ');
    let (m0, m1) = (d.mean[0], d.mean[ny - 1]);
    caption.push_str(&l.fill(
        "composite.cap.mean",
        &[
            ("m0", &fx(m0, 3)),
            ("m1", &fx(m1, 3)),
            ("y0", &y0),
            ("y1", &y1),
            ("change", &signed(m1 - m0, 3)),
        ],
    ));
    let last: Vec<(usize, f64)> = d
        .scores
        .iter()
        .enumerate()
        .map(|(r, row)| (r, row[ny - 1]))
        .filter(|v| v.1.is_finite())
        .collect();
    if let (Some(hi), Some(lo)) = (
        last.iter().max_by(|a, b| a.1.total_cmp(&b.1)),
        last.iter().min_by(|a, b| a.1.total_cmp(&b.1)),
    ) {
        caption.push_str(&l.fill(
            "composite.cap.extremes",
            &[
                ("y1", &y1),
                ("hi", &d.regions[hi.0]),
                ("hv", &fx(hi.1, 3)),
                ("lo", &d.regions[lo.0]),
                ("lv", &fx(lo.1, 3)),
            ],
        ));
    }
    let gains: Vec<(usize, f64)> = d
        .scores
        .iter()
        .enumerate()
        .map(|(r, row)| (r, row[ny - 1] - row[0]))
        .filter(|v| v.1.is_finite())
        .collect();
    if ny > 1
        && let Some(g) = gains.iter().max_by(|a, b| a.1.total_cmp(&b.1))
    {
        caption.push_str(&l.fill(
            "composite.cap.gain",
            &[("region", &d.regions[g.0]), ("gain", &signed(g.1, 3))],
        ));
    }
    caption
}

const COMPOSITE_LABEL_PX: f64 = 11.0;

/// The finite points of one series over the years.
fn series_points(years: &[f64], row: &[f64]) -> Vec<(f64, f64)> {
    (0..years.len())
        .filter(|&y| row[y].is_finite())
        .map(|y| (years[y], row[y]))
        .collect()
}

/// The last year with a value of one series.
fn last_point(years: &[f64], row: &[f64]) -> Option<(f64, f64)> {
    (0..years.len())
        .rev()
        .find(|&y| row[y].is_finite())
        .map(|y| (years[y], row[y]))
}

/// Light grey of the context lines and the outer band.
const BAND_OUTER: RGBColor = RGBColor(0xdd, 0xdf, 0xe3);
/// Darker grey of the inner band.
const BAND_INNER: RGBColor = RGBColor(0xbb, 0xbf, 0xc6);

/// The composite chart as SVG.
pub(crate) fn composite_svg(d: &CompositeData, l: Lang) -> Result<String, ReportError> {
    let years: Vec<f64> = d.years.iter().map(|&y| y as f64).collect();
    let ny = years.len();
    let n = d.regions.len();
    let mode = CompositeMode::for_regions(n);
    let labelled: Vec<usize> = match mode {
        CompositeMode::Every => (0..n).collect(),
        _ => extremes(d),
    };
    let label_w = labelled
        .iter()
        .map(|&r| text_width(&d.regions[r], COMPOSITE_LABEL_PX))
        .fold(text_width(l.t("composite.mean"), 12.0), f64::max);
    let right = (label_w + 36.0).ceil() as u32;
    let height = (((labelled.len() + 1) as f64 * (COMPOSITE_LABEL_PX + 1.5)) as u32 + 120).max(440);
    let (xlo, xhi) = year_range(&years, 0.25);
    let (ylo, yhi) = padded(
        d.scores
            .iter()
            .flatten()
            .copied()
            .chain(d.mean.iter().copied()),
        0.06,
    );
    let ydec = decimals_for(yhi - ylo);
    let yfmt = move |v: &f64| fx(*v, ydec);
    let stroke = if n > 15 { 1 } else { 2 };
    render(
        "fig-composite",
        l.t("composite.title"),
        (WIDTH, height),
        |root| {
            let mut chart = ChartBuilder::on(root)
                .margin_top(18)
                .margin_right(right)
                .margin_left(4)
                .x_label_area_size(48)
                .y_label_area_size(66)
                .build_cartesian_2d(xlo..xhi, ylo..yhi)?;
            let x = Axis {
                desc: l.t("axis.year").into(),
                labels: ny.min(12),
                grid: false,
                fmt: &year_label,
            };
            let y = Axis {
                desc: l.t("axis.composite").into(),
                labels: 7,
                grid: true,
                fmt: &yfmt,
            };
            mesh(root, &mut chart, &x, &y)?;
            match mode {
                CompositeMode::Every => {
                    begin(root, "series")?;
                    for (r, row) in d.scores.iter().enumerate() {
                        let pts = series_points(&years, row);
                        chart.draw_series(LineSeries::new(
                            pts,
                            series_colour(r).stroke_width(stroke),
                        ))?;
                    }
                    end(root)?;
                }
                CompositeMode::Highlight => {
                    begin(root, "series")?;
                    for row in d.scores {
                        let pts = series_points(&years, row);
                        chart.draw_series(LineSeries::new(pts, BAND_OUTER.stroke_width(1)))?;
                    }
                    end(root)?;
                }
                CompositeMode::Bands => {
                    begin(root, "bands")?;
                    for ((qa, qb), c) in [((10.0, 90.0), BAND_OUTER), ((25.0, 75.0), BAND_INNER)] {
                        let (a, b) = (yearly_percentile(d, qa), yearly_percentile(d, qb));
                        let mut poly: Vec<(f64, f64)> = series_points(&years, &b);
                        let mut lower = series_points(&years, &a);
                        lower.reverse();
                        poly.extend(lower);
                        chart.draw_series(std::iter::once(Polygon::new(poly, c.filled())))?;
                    }
                    let med = yearly_percentile(d, 50.0);
                    chart.draw_series(LineSeries::new(
                        series_points(&years, &med),
                        MUTED.stroke_width(1),
                    ))?;
                    end(root)?;
                }
            }
            if mode != CompositeMode::Every {
                begin(root, "highlight")?;
                for (i, &r) in labelled.iter().enumerate() {
                    let pts = series_points(&years, &d.scores[r]);
                    chart.draw_series(LineSeries::new(pts, series_colour(i).stroke_width(2)))?;
                }
                end(root)?;
            }
            begin(root, "mean")?;
            let pts = series_points(&years, &d.mean);
            chart.draw_series(LineSeries::new(pts.clone(), INK.stroke_width(3)))?;
            end(root)?;
            begin(root, "mean-points")?;
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, INK.filled())))?;
            end(root)?;
            composite_end_labels(root, &chart, d, &years, &labelled, mode, l)
        },
    )
}

/// Layer `labels`: direct labels at the right end of each labelled line,
/// moved apart so they never overlap.
fn composite_end_labels(
    root: &Area,
    chart: &Chart,
    d: &CompositeData,
    years: &[f64],
    labelled: &[usize],
    mode: CompositeMode,
    l: Lang,
) -> DrawResult {
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let mut ends: Vec<(String, (i32, i32), RGBColor, bool)> = Vec::new();
    for (i, &r) in labelled.iter().enumerate() {
        let colour = if mode == CompositeMode::Every {
            series_colour(r)
        } else {
            series_colour(i)
        };
        if let Some(p) = last_point(years, &d.scores[r]) {
            ends.push((d.regions[r].clone(), chart.backend_coord(&p), colour, false));
        }
    }
    if let Some(p) = last_point(years, &d.mean) {
        ends.push((
            l.t("composite.mean").into(),
            chart.backend_coord(&p),
            INK,
            true,
        ));
    }
    let want: Vec<f64> = ends.iter().map(|e| e.1.1 as f64).collect();
    let pos = spread_labels(
        &want,
        COMPOSITE_LABEL_PX + 1.5,
        yr.start as f64 + 4.0,
        yr.end as f64 - 4.0,
    );
    begin(root, "labels")?;
    let lx = xr.end + 14;
    for (e, p) in ends.iter().zip(&pos) {
        let py = p.round() as i32;
        root.draw(&PathElement::new(
            vec![(e.1.0 + 3, e.1.1), (lx - 3, py)],
            e.2.mix(0.6).stroke_width(1),
        ))?;
        let style = if e.3 {
            bold(12.0)
        } else {
            font(COMPOSITE_LABEL_PX).color(&e.2)
        };
        text(root, &e.0, (lx, py), &style, HPos::Left, VPos::Center)?;
    }
    end(root)
}

/// Composite score over the years (fig-composite): one line per region and
/// the mean, or with many regions percentile bands and the top and bottom
/// regions.
pub(crate) fn composite(s: &Summary) -> Result<Figure, ReportError> {
    let l = s.lang;
    figure(
        "fig-composite",
        l.t("composite.title"),
        &composite_data(s),
        |d| composite_svg(d, l),
        |d| composite_caption(d, l),
    )
}

/// Region order by mean composite, highest first (ties by name order).
fn order_by(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (values[a], values[b]);
        match (x.is_finite(), y.is_finite()) {
            (true, true) => y.total_cmp(&x),
            (true, false) => std::cmp::Ordering::Less,
            (false, true) => std::cmp::Ordering::Greater,
            (false, false) => std::cmp::Ordering::Equal,
        }
        .then(a.cmp(&b))
    });
    order
}

/// A region name right-aligned at `at`, left of its row.
fn region_name(root: &Area, name: &str, at: (i32, i32), px: f64) -> DrawResult {
    text(root, name, at, &font(px), HPos::Right, VPos::Center)
}

/// Width of the region label column of a chart with one row per region.
fn region_label_width(regions: &[String], px: f64) -> u32 {
    (regions
        .iter()
        .map(|r| text_width(r, px))
        .fold(40.0, f64::max)
        + 20.0)
        .ceil() as u32
}

// ---------------------------------------------------------------- heatmap

/// What the region x year heatmap shows.
#[derive(Debug, Clone)]
pub(crate) struct HeatmapData<'a> {
    /// Row names (regions, or with many regions the rank ranges of the bins).
    pub regions: std::borrow::Cow<'a, [String]>,
    /// The years, one per column of `scores`.
    pub years: &'a [i64],
    /// Composite score, row x year (NaN: no score); a bin's row is the mean
    /// of its regions' scores.
    pub scores: std::borrow::Cow<'a, [Vec<f64>]>,
    /// With more than [`MANY_REGIONS`](super::MANY_REGIONS) regions: the
    /// number of regions and the rows are bins of regions by rank.
    pub binned: Option<usize>,
    /// Row order: regions by their mean over the years, highest first.
    pub order: Vec<usize>,
    /// Ends of the colour scale.
    pub lo: f64,
    /// See `lo`.
    pub hi: f64,
    /// The cells are large enough to carry their values.
    pub show_values: bool,
}

/// Sizes of the heatmap's parts, in pixels.
struct HeatmapLayout {
    lab_px: f64,
    cell_h: u32,
    left: u32,
    height: u32,
    cell_w: f64,
}

const HEAT_SCALE_W: u32 = 90;

fn heatmap_layout(regions: &[String], ny: usize) -> HeatmapLayout {
    let n = regions.len();
    let lab_px = if n > 40 { 10.0 } else { 12.0 };
    let cell_h: u32 = if n > 40 { 15 } else { 22 };
    let left = region_label_width(regions, lab_px);
    let plot_w = WIDTH as f64 - left as f64 - HEAT_SCALE_W as f64 - 10.0;
    HeatmapLayout {
        lab_px,
        cell_h,
        left,
        height: n as u32 * cell_h + 18 + 48,
        cell_w: plot_w / ny as f64,
    }
}

/// The composite of a summary on the region x year grid.
pub(crate) fn heatmap_data(s: &Summary) -> HeatmapData<'_> {
    let n = s.regions.len();
    if n > super::MANY_REGIONS {
        return heatmap_binned(s);
    }
    let layout = heatmap_layout(&s.regions, s.years.len());
    let (lo, hi) = padded(s.composite.iter().flatten().copied(), 0.0);
    HeatmapData {
        regions: std::borrow::Cow::Borrowed(&s.regions),
        years: &s.years,
        scores: std::borrow::Cow::Borrowed(&s.composite),
        binned: None,
        order: order_by(&s.region_mean()),
        lo,
        hi,
        show_values: layout.cell_w >= 38.0 && layout.cell_h >= 15,
    }
}

/// Rows of the binned heatmap: at most this many.
pub(crate) const HEATMAP_BINS: usize = 40;

/// The heatmap of many regions: regions ordered by their mean composite,
/// highest first, cut into [`HEATMAP_BINS`] runs of equal size (the first
/// runs one longer), each row the mean of its regions' scores per year.
fn heatmap_binned(s: &Summary) -> HeatmapData<'_> {
    let n = s.regions.len();
    let ny = s.years.len();
    let order = order_by(&s.region_mean());
    let bins = HEATMAP_BINS.min(n);
    let (base, extra) = (n / bins, n % bins);
    let mut names = Vec::with_capacity(bins);
    let mut rows = Vec::with_capacity(bins);
    let mut at = 0;
    for b in 0..bins {
        let size = base + usize::from(b < extra);
        let members = &order[at..at + size];
        names.push(format!("{}–{}", at + 1, at + size));
        rows.push(
            (0..ny)
                .map(|y| crate::model::mean(members.iter().map(|&r| s.composite[r][y])))
                .collect::<Vec<f64>>(),
        );
        at += size;
    }
    let layout = heatmap_layout(&names, ny);
    let (lo, hi) = padded(rows.iter().flatten().copied(), 0.0);
    HeatmapData {
        order: (0..bins).collect(),
        regions: std::borrow::Cow::Owned(names),
        years: &s.years,
        scores: std::borrow::Cow::Owned(rows),
        binned: Some(n),
        lo,
        hi,
        show_values: layout.cell_w >= 38.0 && layout.cell_h >= 15,
    }
}

/// The caption of the heatmap.
pub(crate) fn heatmap_caption(d: &HeatmapData, l: Lang) -> String {
    let n = d.regions.len();
    let ny = d.years.len();
    let mut cells: Vec<(usize, usize, f64)> = Vec::new();
    for r in 0..n {
        for y in 0..ny {
            if d.scores[r][y].is_finite() {
                cells.push((r, y, d.scores[r][y]));
            }
        }
    }
    let missing = n * ny - cells.len();
    let mut caption = match d.binned {
        Some(total) => l.fill(
            "heatmap.cap.binned",
            &[
                ("total", &total),
                ("bins", &n),
                ("lo", &fx(d.lo, 3)),
                ("hi", &fx(d.hi, 3)),
            ],
        ),
        None => l.fill("heatmap.cap", &[("lo", &fx(d.lo, 3)), ("hi", &fx(d.hi, 3))]),
    };
    if d.show_values {
        caption.push_str(l.t("heatmap.cap.values"));
    }
    caption.push_str(l.t("heatmap.cap.stop"));
    if let (Some(h), Some(lo)) = (
        cells.iter().max_by(|a, b| a.2.total_cmp(&b.2)),
        cells.iter().min_by(|a, b| a.2.total_cmp(&b.2)),
    ) {
        caption.push_str(&l.fill(
            if d.binned.is_some() {
                "heatmap.cap.extremes_binned"
            } else {
                "heatmap.cap.extremes"
            },
            &[
                ("hi", &d.regions[h.0]),
                ("hy", &d.years[h.1]),
                ("hv", &fx(h.2, 3)),
                ("lo", &d.regions[lo.0]),
                ("ly", &d.years[lo.1]),
                ("lv", &fx(lo.2, 3)),
            ],
        ));
    }
    if missing > 0 {
        caption.push_str(&l.fill("heatmap.cap.missing", &[("missing", &missing)]));
    }
    caption
}

impl HeatmapData<'_> {
    /// Position of `v` on the colour scale (0 to 1).
    fn t(&self, v: f64) -> f64 {
        if self.hi > self.lo {
            (v - self.lo) / (self.hi - self.lo)
        } else {
            0.5
        }
    }
}

/// The heatmap as SVG.
pub(crate) fn heatmap_svg(d: &HeatmapData, l: Lang) -> Result<String, ReportError> {
    let n = d.regions.len();
    let ny = d.years.len();
    let layout = heatmap_layout(&d.regions, ny);
    render(
        "fig-heatmap",
        l.t("heatmap.title"),
        (WIDTH, layout.height),
        |root| {
            let mut chart = ChartBuilder::on(root)
                .margin_top(18)
                .margin_right(HEAT_SCALE_W + 10)
                .margin_left(0)
                .x_label_area_size(48)
                .y_label_area_size(layout.left)
                .build_cartesian_2d(-0.5..(ny as f64 - 0.5), -0.5..(n as f64 - 0.5))?;
            let x = Axis {
                desc: l.t("axis.year").into(),
                ..Axis::hidden()
            };
            mesh(root, &mut chart, &x, &Axis::hidden())?;
            heat_cells(root, &mut chart, d)?;
            if d.show_values {
                heat_values(root, &chart, d)?;
            }
            heat_axis_labels(root, &chart, d, layout.lab_px)?;
            heat_scale(root, &chart, d, l)
        },
    )
}

/// Layer `cells`: one coloured cell per region-year (grey: no score).
fn heat_cells(root: &Area, chart: &mut Chart, d: &HeatmapData) -> DrawResult {
    let n = d.regions.len();
    begin(root, "cells")?;
    for (k, &r) in d.order.iter().enumerate() {
        for yi in 0..d.years.len() {
            let v = d.scores[r][yi];
            let c = if v.is_finite() {
                heat_colour(d.t(v))
            } else {
                NEUTRAL
            };
            chart.draw_series(std::iter::once(Rectangle::new(
                [
                    (yi as f64 - 0.5, row_y(n, k) - 0.5),
                    (yi as f64 + 0.5, row_y(n, k) + 0.5),
                ],
                c.filled(),
            )))?;
        }
    }
    end(root)
}

/// Layer `values`: each cell's value, light on dark cells.
fn heat_values(root: &Area, chart: &Chart, d: &HeatmapData) -> DrawResult {
    let n = d.regions.len();
    begin(root, "values")?;
    for (k, &r) in d.order.iter().enumerate() {
        for yi in 0..d.years.len() {
            let v = d.scores[r][yi];
            let p = chart.backend_coord(&(yi as f64, row_y(n, k)));
            let (label, colour) = if v.is_finite() {
                let c = heat_colour(d.t(v));
                (fx(v, 2), if is_dark(c) { WHITE } else { INK })
            } else {
                ("n/a".to_string(), WHITE)
            };
            text(
                root,
                &label,
                p,
                &font(10.5).color(&colour),
                HPos::Center,
                VPos::Center,
            )?;
        }
    }
    end(root)
}

/// Layers `row-labels` (region names) and `col-labels` (years: every year
/// when there is room, else every k-th).
fn heat_axis_labels(root: &Area, chart: &Chart, d: &HeatmapData, lab_px: f64) -> DrawResult {
    let n = d.regions.len();
    let ny = d.years.len();
    begin(root, "row-labels")?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    for (k, &r) in d.order.iter().enumerate() {
        let (_, py) = chart.backend_coord(&(0.0, row_y(n, k)));
        region_name(root, &d.regions[r], (xr.start - 8, py), lab_px)?;
    }
    end(root)?;
    begin(root, "col-labels")?;
    let step = ((ny as f64 * 34.0) / (xr.end - xr.start) as f64)
        .ceil()
        .max(1.0) as usize;
    for yi in (0..ny).step_by(step) {
        let (px, _) = chart.backend_coord(&(yi as f64, 0.0));
        text(
            root,
            &year_label(&(d.years[yi] as f64)),
            (px, yr.end + 6),
            &font(11.5).color(&MUTED),
            HPos::Center,
            VPos::Top,
        )?;
    }
    end(root)
}

/// Layer `scale`: the colour scale at the right with five ticks.
fn heat_scale(root: &Area, chart: &Chart, d: &HeatmapData, l: Lang) -> DrawResult {
    let (lo, hi) = (d.lo, d.hi);
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    begin(root, "scale")?;
    let sx = xr.end + 22;
    let (top, bottom) = (
        yr.start,
        yr.start + ((yr.end - yr.start) as f64).min(240.0) as i32,
    );
    let steps = 40;
    for i in 0..steps {
        let y0 = bottom - (bottom - top) * (i + 1) / steps;
        let y1 = bottom - (bottom - top) * i / steps;
        let c = heat_colour((i as f64 + 0.5) / steps as f64);
        root.draw(&Rectangle::new([(sx, y0), (sx + 14, y1)], c.filled()))?;
    }
    let dec = decimals_for(hi - lo).max(2);
    for i in 0..=4 {
        let v = lo + (hi - lo) * i as f64 / 4.0;
        let py = bottom - (bottom - top) * i / 4;
        root.draw(&PathElement::new(
            vec![(sx + 14, py), (sx + 18, py)],
            INK.stroke_width(1),
        ))?;
        text(
            root,
            &fx(v, dec),
            (sx + 21, py),
            &font(10.5).color(&MUTED),
            HPos::Left,
            VPos::Center,
        )?;
    }
    text(
        root,
        l.t("heatmap.scale"),
        (sx, top - 6),
        &font(10.5).color(&MUTED),
        HPos::Left,
        VPos::Bottom,
    )?;
    end(root)
}

/// Region x year heatmap of the composite (fig-heatmap).
pub(crate) fn heatmap(s: &Summary) -> Result<Figure, ReportError> {
    let l = s.lang;
    figure(
        "fig-heatmap",
        l.t("heatmap.title"),
        &heatmap_data(s),
        |d| heatmap_svg(d, l),
        |d| heatmap_caption(d, l),
    )
}

// ---------------------------------------------------------------- dimensions

/// What the dimension-scores chart shows: the last year only.
#[derive(Debug, Clone)]
pub(crate) struct DimensionsData<'a> {
    /// Region names.
    pub regions: &'a [String],
    /// The year shown.
    pub year: i64,
    /// Dimension names.
    pub names: Vec<String>,
    /// Score of dimension d of region r in `year`: `scores[d][r]`.
    pub scores: Vec<Vec<f64>>,
    /// Composite of each region in `year`.
    pub composite: Vec<f64>,
    /// Sum of each region's finite dimension scores (the bar length).
    pub totals: Vec<f64>,
    /// Bar order: regions by composite, highest first; with more than
    /// [`MANY_REGIONS`](super::MANY_REGIONS) regions only the top and
    /// bottom [`DIMENSION_ENDS`] regions.
    pub order: Vec<usize>,
    /// Regions left out of `order` (between the top and bottom ones).
    pub left_out: usize,
}

/// Regions shown at each end of the dimension chart of many regions.
pub(crate) const DIMENSION_ENDS: usize = 15;

/// The dimension scores of a summary's last year.
pub(crate) fn dimensions_data(s: &Summary) -> DimensionsData<'_> {
    let n = s.regions.len();
    let yl = s.years.len() - 1;
    let scores: Vec<Vec<f64>> = s.dims[..s.dimensions.len()]
        .iter()
        .map(|dim| (0..n).map(|r| dim[r][yl]).collect())
        .collect();
    let totals: Vec<f64> = (0..n)
        .map(|r| {
            scores
                .iter()
                .map(|dim| dim[r])
                .filter(|v| v.is_finite())
                .sum()
        })
        .collect();
    let composite: Vec<f64> = (0..n).map(|r| s.composite[r][yl]).collect();
    let mut order = order_by(&composite);
    let mut left_out = 0;
    if n > super::MANY_REGIONS {
        left_out = n - 2 * DIMENSION_ENDS;
        order.drain(DIMENSION_ENDS..n - DIMENSION_ENDS);
    }
    DimensionsData {
        regions: &s.regions,
        year: s.years[yl],
        names: s.dimensions.iter().map(|d| d.name.clone()).collect(),
        order,
        left_out,
        scores,
        composite,
        totals,
    }
}

/// The caption of the dimension-scores chart.
pub(crate) fn dimensions_caption(d: &DimensionsData, l: Lang) -> String {
    let n = d.regions.len();
    let nd = d.names.len();
    let last_year = d.year;
    let mean_total = crate::model::mean(d.totals.iter().copied());
    let mut caption = l.fill("dimensions.cap", &[("nd", &nd), ("year", &last_year)]);
    if d.left_out > 0 {
        caption.push_str(&l.fill(
            "dimensions.cap.ends",
            &[("k", &DIMENSION_ENDS), ("n", &n), ("left", &d.left_out)],
        ));
    }
    caption.push_str(l.t("dimensions.cap.mean"));
    let parts: Vec<String> = d
        .names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let m = crate::model::mean((0..n).map(|r| d.scores[k][r]));
            l.fill(
                "dimensions.cap.part",
                &[
                    ("name", name),
                    ("mean", &fx(m, 3)),
                    ("share", &pct(m, mean_total)),
                ],
            )
        })
        .collect();
    caption.push_str(&parts.join(l.list_sep()));
    caption.push_str(l.t("figure.stop"));
    if let Some(&r) = d.order.first()
        && d.composite[r].is_finite()
    {
        let best = (0..nd).max_by(|&a, &b| d.scores[a][r].total_cmp(&d.scores[b][r]));
        if let Some(k) = best {
            caption.push_str(&l.fill(
                "dimensions.cap.top",
                &[
                    ("region", &d.regions[r]),
                    ("value", &fx(d.composite[r], 3)),
                    ("dim", &d.names[k]),
                    ("score", &fx(d.scores[k][r], 3)),
                ],
            ));
        }
    }
    caption
}

/// The dimension-scores chart as SVG.
pub(crate) fn dimensions_svg(d: &DimensionsData, l: Lang) -> Result<String, ReportError> {
    let n = d.order.len();
    let last_year = d.year;
    let lab_px = if n > 40 { 10.0 } else { 12.0 };
    let bar_h: u32 = if n > 40 { 15 } else { 21 };
    let shown: Vec<String> = d.order.iter().map(|&r| d.regions[r].clone()).collect();
    let left = region_label_width(&shown, lab_px);
    let legend_items: Vec<LegendItem> = d
        .names
        .iter()
        .enumerate()
        .map(|(k, name)| LegendItem {
            label: name.clone(),
            colour: category_colour(k),
            line: false,
        })
        .collect();
    let legend_w: f64 = legend_items
        .iter()
        .map(|i| text_width(&i.label, 12.0) + 42.0)
        .sum();
    let legend_rows = (legend_w / (WIDTH as f64 - 40.0)).ceil().max(1.0) as u32;
    let top = 18 * legend_rows + 22;
    let height = n as u32 * bar_h + top + 52;
    let xmax = d
        .totals
        .iter()
        .chain(d.composite.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.12;
    let xdec = decimals_for(xmax);
    let xfmt = move |v: &f64| fx(*v, xdec);
    let title = dimensions_title(d, l);
    render("fig-dimensions", &title, (WIDTH, height), |root| {
        legend(
            root,
            &legend_items,
            (left as i32, 10),
            WIDTH as i32 - left as i32 - 20,
        )?;
        let mut chart = ChartBuilder::on(root)
            .margin_top(top)
            .margin_right(24)
            .margin_left(0)
            .x_label_area_size(48)
            .y_label_area_size(left)
            .build_cartesian_2d(0.0..xmax, -0.5..(n as f64 - 0.5))?;
        let x = Axis {
            desc: l.fill("axis.dimension_score", &[("year", &last_year)]),
            labels: 8,
            grid: true,
            fmt: &xfmt,
        };
        mesh(root, &mut chart, &x, &Axis::hidden())?;
        dimension_bars(root, &mut chart, d)?;
        dimension_labels(root, &chart, d, lab_px)
    })
}

fn dimensions_title(d: &DimensionsData, l: Lang) -> String {
    l.fill("dimensions.title", &[("year", &d.year)])
}

/// Layer `bars`: each region's dimension scores stacked from zero.
fn dimension_bars(root: &Area, chart: &mut Chart, d: &DimensionsData) -> DrawResult {
    let n = d.order.len();
    begin(root, "bars")?;
    for (k, &r) in d.order.iter().enumerate() {
        let mut acc = 0.0;
        for (dim, scores) in d.scores.iter().enumerate() {
            let v = scores[r];
            let v = if v.is_finite() { v } else { 0.0 };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(acc, row_y(n, k) - 0.36), (acc + v, row_y(n, k) + 0.36)],
                category_colour(dim).filled(),
            )))?;
            acc += v;
        }
    }
    end(root)
}

/// Layer `labels`: region names and the composite at the end of each bar.
fn dimension_labels(root: &Area, chart: &Chart, d: &DimensionsData, lab_px: f64) -> DrawResult {
    let n = d.order.len();
    begin(root, "labels")?;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    for (k, &r) in d.order.iter().enumerate() {
        let (_, py) = chart.backend_coord(&(0.0, row_y(n, k)));
        region_name(root, &d.regions[r], (xr.start - 8, py), lab_px)?;
        if d.totals[r].is_finite() {
            let (bx, _) = chart.backend_coord(&(d.totals[r], 0.0));
            text(
                root,
                &fx(d.composite[r], 3),
                (bx + 5, py),
                &font(10.5).color(&MUTED),
                HPos::Left,
                VPos::Center,
            )?;
        }
    }
    end(root)
}

/// Dimension scores of the last year, stacked per region (fig-dimensions).
pub(crate) fn dimensions(s: &Summary) -> Result<Figure, ReportError> {
    let l = s.lang;
    let d = dimensions_data(s);
    figure(
        "fig-dimensions",
        dimensions_title(&d, l),
        &d,
        |d| dimensions_svg(d, l),
        |d| dimensions_caption(d, l),
    )
}

#[cfg(test)]
mod tests {
    //! Captions from hand-built data: no summary, no SVG.
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(std::string::ToString::to_string).collect()
    }

    #[test]
    fn weights_caption_states_totals_extremes_and_sum() {
        let bar = |name: &str, weight: f64, dim| WeightRow::Bar {
            name: name.into(),
            weight,
            lo: weight,
            hi: weight,
            dim,
        };
        let d = WeightsData {
            rows: vec![
                WeightRow::Header {
                    name: "Economy".into(),
                    total: 0.7,
                    dim: 0,
                },
                bar("GDP", 0.5, 0),
                bar("Wage", 0.2, 0),
                WeightRow::Header {
                    name: "Society".into(),
                    total: 0.3,
                    dim: 1,
                },
                bar("Doctors", 0.3, 1),
            ],
            method: "entropy".into(),
            yearly: false,
            largest: 0.5,
        };
        assert_eq!(
            weights_caption(&d, Lang::En),
            "Weights of the 3 indicators (entropy method), grouped by dimension; each bar is \
             labelled with its weight. Dimension totals: Economy 0.700, Society 0.300. Largest \
             weight: GDP (0.500); smallest: Wage (0.200). The weights shown sum to 1.000."
        );
    }

    #[test]
    fn percentiles_are_numpys_linear_ones() {
        // numpy.percentile([1, 2, 3, 4, 10], q) for q = 10, 25, 50, 90:
        // 1.4, 2.0, 3.0, 7.6 (NaN left out first).
        let v = vec![4.0, f64::NAN, 1.0, 10.0, 3.0, 2.0];
        for (q, want) in [
            (10.0, 1.4),
            (25.0, 2.0),
            (50.0, 3.0),
            (90.0, 7.6),
            (100.0, 10.0),
        ] {
            let got = percentile(&mut v.clone(), q);
            assert!((got - want).abs() < 1e-12, "q {q}: {got}");
        }
        assert!(percentile(&mut vec![f64::NAN], 50.0).is_nan());
    }

    #[test]
    fn composite_modes_switch_at_15_and_60_regions() {
        assert_eq!(CompositeMode::for_regions(15), CompositeMode::Every);
        assert_eq!(CompositeMode::for_regions(16), CompositeMode::Highlight);
        assert_eq!(CompositeMode::for_regions(60), CompositeMode::Highlight);
        assert_eq!(CompositeMode::for_regions(61), CompositeMode::Bands);
    }

    #[test]
    fn composite_caption_states_mean_change_extremes_and_gain() {
        let regions = names(&["A", "B"]);
        let scores = vec![vec![0.2, 0.5], vec![0.4, 0.3]];
        let d = CompositeData {
            regions: &regions,
            years: &[2010, 2020],
            scores: &scores,
            // (0.2 + 0.4) / 2 and (0.5 + 0.3) / 2
            mean: vec![0.3, 0.4],
        };
        let c = composite_caption(&d, Lang::En);
        assert!(c.contains("each of the 2 regions from 2010 to 2020"), "{c}");
        assert!(
            c.contains("The mean went from 0.300 in 2010 to 0.400 in 2020 (+0.100)."),
            "{c}"
        );
        assert!(
            c.contains("In 2020 the highest score is A (0.500), the lowest B (0.300)."),
            "{c}"
        );
        // A gained 0.3, B lost 0.1.
        assert!(c.ends_with("The largest gain is A (+0.300)."), "{c}");
    }

    #[test]
    fn heatmap_caption_counts_missing_cells() {
        let regions = names(&["A", "B"]);
        let scores = vec![vec![0.1, f64::NAN], vec![0.9, 0.4]];
        let d = HeatmapData {
            regions: std::borrow::Cow::Borrowed(&regions),
            years: &[2001, 2002],
            scores: std::borrow::Cow::Owned(scores.clone()),
            binned: None,
            order: vec![1, 0],
            lo: 0.1,
            hi: 0.9,
            show_values: false,
        };
        let c = heatmap_caption(&d, Lang::En);
        assert!(c.contains("on a scale from 0.100 to 0.900. "), "{c}");
        assert!(
            c.contains("Highest: B in 2001 (0.900); lowest: A in 2001 (0.100)."),
            "{c}"
        );
        assert!(
            c.ends_with(" 1 region-year(s) have no score (grey, n/a)."),
            "{c}"
        );
        assert!(!c.contains("rounded to 2 decimals"), "{c}");
    }

    #[test]
    fn dimensions_caption_states_mean_shares_and_top_region() {
        let regions = names(&["A", "B"]);
        let d = DimensionsData {
            regions: &regions,
            year: 2020,
            names: names(&["Econ", "Soc"]),
            // A: 0.3 + 0.1 = 0.4, B: 0.1 + 0.1 = 0.2
            scores: vec![vec![0.3, 0.1], vec![0.1, 0.1]],
            composite: vec![0.4, 0.2],
            totals: vec![0.4, 0.2],
            order: vec![0, 1],
            left_out: 0,
        };
        let c = dimensions_caption(&d, Lang::En);
        // Mean total 0.3; Econ mean 0.2 (66.7 %), Soc mean 0.1 (33.3 %).
        assert!(c.starts_with("Scores of the 2 dimensions in 2020"), "{c}");
        assert!(c.contains("Econ 0.200 (66.7%), Soc 0.100 (33.3%)."), "{c}");
        assert!(
            c.ends_with(" The top region, A (0.400), draws most from Econ (0.300)."),
            "{c}"
        );
    }
}
